//! `tessera-make-cards DIR`: write the kiosk test set for the firmware (and
//! its provisioning files): `trust.bin`, `status.cbor`, one card dump per
//! case, `cards.txt` (the order to read them) and `expected.txt` (the
//! verdict each must get). A card dump is one byte UID length, the UID, and
//! the card's user memory from page 4. Deterministic: fixed keys and times.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
// Reason: a small test-support tool; failures stop it with a message.

use std::path::Path;

use tessera_core::ndef::{card_image_len, encode_card_image};
use tessera_core::sizes::MAX_STATUS_LIST_LEN;
use tessera_core::status::{bits_len, set_revoked};
use tessera_core::{BadgeBuilder, BadgeClaims, CardType, Profile, SigningKey, StatusListBuilder};
use tessera_tests::{NOW, issuer, mini_claims, other_issuer, standard_claims, subject};

const UID: [u8; 7] = [0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66];
const OTHER_UID: [u8; 7] = [0x04, 0x99, 0x88, 0x77, 0x66, 0x55, 0x44];

fn sign(profile: Profile, claims: BadgeClaims<'_>, key: &SigningKey) -> Vec<u8> {
    let mut buf = [0u8; 1024];
    let n = BadgeBuilder::new(profile, claims)
        .sign(key, &mut buf)
        .expect("badge signs");
    buf[..n].to_vec()
}

fn dump(card: CardType, uid: &[u8], badge: Option<&[u8]>) -> Vec<u8> {
    let mut memory = vec![0u8; card.user_bytes()];
    match badge {
        Some(b) => {
            let mut image = vec![0u8; card_image_len(b.len())];
            encode_card_image(b, &mut image).unwrap();
            memory[..image.len()].copy_from_slice(&image);
        }
        // A factory-fresh card: an empty NDEF message.
        None => memory[..3].copy_from_slice(&[0x03, 0x00, 0xfe]),
    }
    let mut out = vec![uid.len() as u8];
    out.extend_from_slice(uid);
    out.extend_from_slice(&memory);
    out
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| {
        eprintln!("usage: tessera-make-cards DIR");
        std::process::exit(2);
    });
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).expect("create the output folder");
    let key = issuer();
    let sub = subject();

    std::fs::write(dir.join("trust.bin"), key.public_key().as_bytes()).unwrap();
    // Serial 2000 is revoked; the list covers 1..=65,536 (the largest list,
    // 8 KiB of bits) and its issue time is the kiosk's clock.
    let mut bits = vec![0u8; bits_len(65_536)];
    set_revoked(&mut bits, 2000 - 1).unwrap();
    let mut list = vec![0u8; MAX_STATUS_LIST_LEN];
    let n = StatusListBuilder {
        compromised_since: None,
        suspended: None,
        issued_at: NOW,
        expires: None,
        first: 1,
        count: 65_536,
        bits: &bits,
    }
    .sign(&key, &mut list)
    .unwrap();
    std::fs::write(dir.join("status.cbor"), &list[..n]).unwrap();

    let mini = sign(Profile::Mini, mini_claims(&sub), &key);
    let mut bound = standard_claims(&sub);
    bound.card_uid = Some(&UID);
    let standard = sign(Profile::Standard, bound, &key);
    let mut tampered = standard.clone();
    let at = tampered.windows(4).position(|w| w == b"Rust").unwrap();
    tampered[at] = b'r';
    let mut revoked = standard_claims(&sub);
    revoked.serial = 2000;
    let revoked = sign(Profile::Standard, revoked, &key);
    let mut expired = standard_claims(&sub);
    expired.expires = Some(NOW - 86_400);
    let expired = sign(Profile::Standard, expired, &key);
    let unknown = sign(Profile::Standard, standard_claims(&sub), &other_issuer());
    let mut garbage = vec![UID.len() as u8];
    garbage.extend_from_slice(&UID);
    garbage.extend((0..144u32).map(|i| (i * 73 % 251) as u8 | 0x40));

    let cases: [(&str, Vec<u8>, &str); 10] = [
        (
            "valid-mini.card",
            dump(CardType::Ntag213, &UID, Some(&mini)),
            "valid",
        ),
        (
            "valid-standard.card",
            dump(CardType::Ntag215, &UID, Some(&standard)),
            "valid",
        ),
        (
            "valid-standard-216.card",
            dump(CardType::Ntag216, &UID, Some(&standard)),
            "valid",
        ),
        (
            "tampered.card",
            dump(CardType::Ntag215, &UID, Some(&tampered)),
            "forged",
        ),
        (
            "revoked.card",
            dump(CardType::Ntag215, &UID, Some(&revoked)),
            "revoked",
        ),
        (
            "expired.card",
            dump(CardType::Ntag215, &UID, Some(&expired)),
            "expired",
        ),
        (
            "unknown-issuer.card",
            dump(CardType::Ntag215, &UID, Some(&unknown)),
            "unknown_issuer",
        ),
        (
            "wrong-uid.card",
            dump(CardType::Ntag215, &OTHER_UID, Some(&standard)),
            "forged",
        ),
        (
            "empty.card",
            dump(CardType::Ntag213, &UID, None),
            "unreadable",
        ),
        ("garbage.card", garbage, "unreadable"),
    ];
    let mut manifest = String::new();
    let mut expected = String::new();
    for (name, bytes, verdict) in &cases {
        std::fs::write(dir.join(name), bytes).unwrap();
        manifest.push_str(&format!("{name}\n"));
        expected.push_str(&format!("{name} {verdict}\n"));
    }
    std::fs::write(dir.join("cards.txt"), manifest).unwrap();
    std::fs::write(dir.join("expected.txt"), expected).unwrap();
    eprintln!(
        "wrote {} cards, trust.bin and status.cbor to {}",
        cases.len(),
        dir.display()
    );
}
