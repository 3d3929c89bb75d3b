//! `tessera-make-cards DIR`: write the kiosk test set for the firmware (and
//! its provisioning files): `trust.bin` (two keys of one issuer: the active
//! one and a retired, stolen one), `status.cbor` (every key's lists, a CBOR
//! sequence), one card dump per
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

    // A retired key of the same issuer, trusted, declared stolen 30 days
    // before the kiosk's clock.
    let retired = SigningKey::from_seed([3; 32]).unwrap();
    let stolen_since = NOW - 30 * 86_400;
    let mut trust = key.public_key().as_bytes().to_vec();
    trust.extend_from_slice(retired.public_key().as_bytes());
    std::fs::write(dir.join("trust.bin"), &trust).unwrap();
    // Every key's lists, one after another (as `tessera status-list`
    // writes them); the first is measured. Serial 2000 is revoked and 3000
    // suspended in the first list, which covers 1..=65,536 (the largest
    // list, 8 KiB of bits) and whose issue time is the kiosk's clock;
    // serial 70,000 is revoked in the next segment's list; the retired
    // key's list revokes 42 and is closed from `stolen_since`.
    let mut status = Vec::new();
    let mut paused = [0u8; 2];
    tessera_core::status::suspended_indexes(1, &[3000], &mut paused).unwrap();
    for (signer, first, count, revoked, suspended, since) in [
        (&key, 1, 65_536, 2000, Some(&paused[..]), None),
        (&key, 65_537, 5_000, 70_000, None, None),
        (&retired, 1, 5_000, 42, None, Some(stolen_since)),
    ] {
        let mut bits = vec![0u8; bits_len(count)];
        set_revoked(&mut bits, revoked - first).unwrap();
        let mut list = vec![0u8; MAX_STATUS_LIST_LEN];
        let n = StatusListBuilder {
            compromised_since: since,
            suspended,
            issued_at: NOW,
            expires: None,
            first,
            count,
            bits: &bits,
        }
        .sign(signer, &mut list)
        .unwrap();
        status.extend_from_slice(&list[..n]);
    }
    std::fs::write(dir.join("status.cbor"), &status).unwrap();
    let with_serial = |serial: u32, issued_at: u64, signer: &SigningKey| {
        let mut c = standard_claims(&sub);
        c.serial = serial;
        c.issued_at = issued_at;
        sign(Profile::Standard, c, signer)
    };
    let later_segment = with_serial(69_999, tessera_tests::ISSUED, &key);
    let later_revoked = with_serial(70_000, tessera_tests::ISSUED, &key);
    let suspended = with_serial(3000, tessera_tests::ISSUED, &key);
    let retired_valid = with_serial(100, tessera_tests::ISSUED, &retired);
    let retired_revoked = with_serial(42, tessera_tests::ISSUED, &retired);
    let stolen_late = with_serial(4000, stolen_since + 86_400, &retired);
    let stolen_uncovered = with_serial(9000, tessera_tests::ISSUED, &retired);

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

    let card = |b: &[u8]| dump(CardType::Ntag215, &UID, Some(b));
    let cases: [(&str, Vec<u8>, &str); 17] = [
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
        ("second-segment.card", card(&later_segment), "valid"),
        (
            "second-segment-revoked.card",
            card(&later_revoked),
            "revoked",
        ),
        ("suspended.card", card(&suspended), "suspended"),
        ("retired-key.card", card(&retired_valid), "valid"),
        (
            "retired-key-revoked.card",
            card(&retired_revoked),
            "revoked",
        ),
        ("stolen-key-dated-after.card", card(&stolen_late), "revoked"),
        (
            "stolen-key-uncovered.card",
            card(&stolen_uncovered),
            "revoked",
        ),
    ];
    // The same cards at a kiosk whose first list is damaged (a flipped
    // signature byte): it fails closed. What a verified list proves
    // revoked stays revoked; forged, unknown and unreadable cards stay so;
    // everything else "cannot check revocation" (EXPIRED), never VALID.
    let damaged_dir = dir.join("damaged");
    std::fs::create_dir_all(&damaged_dir).unwrap();
    let mut damaged = status.clone();
    let first_len = status.len()
        - tessera_core::status::split_sequence(&status)
            .unwrap()
            .1
            .len();
    damaged[first_len - 1] ^= 1;
    std::fs::write(damaged_dir.join("status.cbor"), &damaged).unwrap();
    std::fs::write(damaged_dir.join("trust.bin"), &trust).unwrap();
    let fail_closed = |name: &str, verdict: &str| -> &'static str {
        match (name, verdict) {
            ("second-segment-revoked.card" | "retired-key-revoked.card", _) => "revoked",
            (n, _) if n.starts_with("stolen-key") => "revoked",
            (_, "valid" | "suspended") | ("revoked.card", _) => "expired",
            (_, "expired") => "expired",
            (_, "forged") => "forged",
            (_, "unknown_issuer") => "unknown_issuer",
            _ => "unreadable",
        }
    };
    // The same cards and lists at a kiosk configured to take lists no
    // older than a day (`max-list-age.txt`), on the host's clock: the
    // lists, signed at the fixed test time, are older than that on any day
    // after it. What they prove revoked stays revoked; nothing else
    // they cleared is VALID (the list is out of date: EXPIRED).
    let stale_dir = dir.join("stale");
    std::fs::create_dir_all(&stale_dir).unwrap();
    std::fs::write(stale_dir.join("status.cbor"), &status).unwrap();
    std::fs::write(stale_dir.join("trust.bin"), &trust).unwrap();
    std::fs::write(stale_dir.join("max-list-age.txt"), "86400\n").unwrap();
    let stale = |verdict: &str| -> &'static str {
        match verdict {
            "valid" | "suspended" | "expired" => "expired",
            "revoked" => "revoked",
            "forged" => "forged",
            "unknown_issuer" => "unknown_issuer",
            _ => "unreadable",
        }
    };
    let mut manifest = String::new();
    let mut expected = String::new();
    let mut expected_damaged = String::new();
    let mut expected_stale = String::new();
    for (name, bytes, verdict) in &cases {
        for d in [dir, damaged_dir.as_path(), stale_dir.as_path()] {
            std::fs::write(d.join(name), bytes).unwrap();
        }
        manifest.push_str(&format!("{name}\n"));
        expected.push_str(&format!("{name} {verdict}\n"));
        expected_damaged.push_str(&format!("{name} {}\n", fail_closed(name, verdict)));
        expected_stale.push_str(&format!("{name} {}\n", stale(verdict)));
    }
    for d in [dir, damaged_dir.as_path(), stale_dir.as_path()] {
        std::fs::write(d.join("cards.txt"), &manifest).unwrap();
    }
    std::fs::write(dir.join("expected.txt"), expected).unwrap();
    std::fs::write(damaged_dir.join("expected.txt"), expected_damaged).unwrap();
    std::fs::write(stale_dir.join("expected.txt"), expected_stale).unwrap();
    eprintln!(
        "wrote {} cards, trust.bin and status.cbor to {}",
        cases.len(),
        dir.display()
    );
}
