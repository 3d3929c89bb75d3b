//! Badges end to end through the public API: round trips, size budgets,
//! the golden byte layout, keys and recipient commitments.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use tessera_core::sizes::{
    MAX_ACHIEVEMENT_ID_LEN, MAX_ACHIEVEMENT_NAME_LEN, MAX_DISPLAY_NAME_LEN, MAX_EVIDENCE_LEN,
    MAX_ISSUER_LEN, MINI_MAX_ACHIEVEMENT_ID_LEN, MINI_MAX_LEN, NDEF_OVERHEAD_MAX,
    NTAG213_USER_BYTES, STANDARD_MAX_LEN, SUMMARY_JSON_MAX_LEN,
};
use tessera_core::{
    BadgeBuilder, BadgeClaims, CoseSign1, Profile, Salt, Subject, TrustStore, VerifiedBadge, verify,
};
use tessera_tests::*;

#[test]
fn mini_badge_round_trips() {
    let sub = subject();
    let claims = mini_claims(&sub);
    let bytes = sign(Profile::Mini, claims, &issuer());
    let badge = verify(&bytes, &trust(&[&issuer()]), Some(NOW), None).unwrap();
    assert_eq!(badge.claims, claims);
    assert_eq!(badge.kid, issuer().kid());
    assert_eq!(badge.checked_at, Some(NOW));
    assert!(!badge.revocation_checked);
    eprintln!("mini badge: {} bytes", bytes.len());
}

#[test]
fn standard_badge_round_trips() {
    let sub = subject();
    let claims = standard_claims(&sub);
    let bytes = sign(Profile::Standard, claims, &issuer());
    let badge = verify(&bytes, &trust(&[&issuer()]), Some(NOW), None).unwrap();
    assert_eq!(badge.claims, claims);
    assert!(
        bytes.len() <= 300,
        "typical standard badge is {} bytes, aim is 300",
        bytes.len()
    );
    eprintln!("standard badge: {} bytes", bytes.len());
}

/// The mini fixture, byte for byte, as annotated in
/// tests/vectors/tessera/mini-badge.hex (and shown in docs/format.md).
#[test]
fn mini_badge_matches_annotated_golden_bytes() {
    let sub = subject();
    let bytes = sign(Profile::Mini, mini_claims(&sub), &issuer());
    let text = std::fs::read_to_string(vectors_dir().join("tessera/mini-badge.hex")).unwrap();
    assert_eq!(hex::encode(&bytes), hex::encode(annotated_hex(&text)));
}

/// The standard fixture, byte for byte (tests/vectors/tessera/standard-badge.hex).
#[test]
fn standard_badge_matches_annotated_golden_bytes() {
    let sub = subject();
    let bytes = sign(Profile::Standard, standard_claims(&sub), &issuer());
    let text = std::fs::read_to_string(vectors_dir().join("tessera/standard-badge.hex")).unwrap();
    assert_eq!(hex::encode(&bytes), hex::encode(annotated_hex(&text)));
}

fn text(len: usize, c: char) -> String {
    std::iter::repeat_n(c, len).collect()
}

#[test]
fn mini_at_maximum_fields_fits_an_ntag213() {
    let sub = subject();
    let id = text(MINI_MAX_ACHIEVEMENT_ID_LEN, 'X');
    let mut claims = BadgeClaims::new(sub.as_str(), u32::MAX, u64::from(u32::MAX), &id);
    claims.level = Some(255);
    let bytes = sign(Profile::Mini, claims, &issuer());
    assert!(
        bytes.len() <= MINI_MAX_LEN,
        "{} > {MINI_MAX_LEN}",
        bytes.len()
    );
    assert!(bytes.len() + NDEF_OVERHEAD_MAX <= NTAG213_USER_BYTES);
    eprintln!("mini at maximum: {} bytes", bytes.len());
}

#[test]
fn standard_at_maximum_fields_stays_within_budget() {
    let sub = subject();
    // Every text at its byte limit, using 2-byte UTF-8 characters where the
    // limit is even, so multi-byte text is covered too.
    let iss = text(MAX_ISSUER_LEN / 2, 'é');
    let id = text(MAX_ACHIEVEMENT_ID_LEN, 'A');
    let name = text(MAX_ACHIEVEMENT_NAME_LEN / 2, 'ü');
    let evidence = format!("https://{}", text(MAX_EVIDENCE_LEN - 8, 'e'));
    let display = text(MAX_DISPLAY_NAME_LEN, 'D');
    let uid = [0xAB; 10];
    let mut claims = BadgeClaims::new(sub.as_str(), u32::MAX, u64::MAX - 1, &id);
    claims.issuer = Some(&iss);
    claims.achievement_name = Some(&name);
    claims.evidence = Some(&evidence);
    claims.display_name = Some(&display);
    claims.level = Some(255);
    claims.expires = Some(u64::MAX);
    claims.not_before = Some(u64::MAX - 2);
    claims.card_uid = Some(&uid);
    let bytes = sign(Profile::Standard, claims, &issuer());
    assert!(
        bytes.len() <= STANDARD_MAX_LEN,
        "{} > {STANDARD_MAX_LEN}",
        bytes.len()
    );
    let badge = verify(&bytes, &trust(&[&issuer()]), Some(u64::MAX - 1), None).unwrap();
    assert_eq!(badge.claims, claims);
    // The summary of the largest badge fits the documented buffer.
    let mut json = [0u8; SUMMARY_JSON_MAX_LEN];
    badge.summary_json(&mut json).unwrap();
    eprintln!("standard at maximum: {} bytes", bytes.len());
}

#[test]
fn encoding_is_canonical_and_stable() {
    let sub = subject();
    let claims = standard_claims(&sub);
    let bytes = sign(Profile::Standard, claims, &issuer());
    let message = CoseSign1::from_slice(&bytes).unwrap();
    // Decoding then re-encoding the claims gives the same payload bytes.
    let decoded = BadgeClaims::decode(message.payload, message.payload_offset).unwrap();
    let mut again = [0u8; 512];
    let n = decoded.encode(&mut again).unwrap();
    assert_eq!(&again[..n], message.payload);
    // Signing twice gives the same bytes (deterministic Ed25519).
    assert_eq!(bytes, sign(Profile::Standard, claims, &issuer()));
}

#[test]
fn builder_to_be_signed_is_what_the_message_signs() {
    let sub = subject();
    let builder = BadgeBuilder::new(Profile::Standard, standard_claims(&sub));
    let mut tbs = [0u8; 512];
    let n = builder.to_be_signed(&issuer().kid(), &mut tbs).unwrap();
    let bytes = sign(Profile::Standard, standard_claims(&sub), &issuer());
    let mut from_message = [0u8; 512];
    let m = CoseSign1::from_slice(&bytes)
        .unwrap()
        .to_be_signed(&mut from_message)
        .unwrap();
    assert_eq!(&tbs[..n], &from_message[..m]);
    issuer()
        .public_key()
        .verify(&tbs[..n], &CoseSign1::from_slice(&bytes).unwrap().signature)
        .unwrap();
}

#[test]
fn retired_key_still_verifies_its_badges() {
    let sub = subject();
    let old = other_issuer();
    let bytes = sign(Profile::Mini, mini_claims(&sub), &old);
    // After rotation the store holds the new key and the retired one.
    let store = trust(&[&issuer(), &old]);
    let badge = verify(&bytes, &store, Some(NOW), None).unwrap();
    assert_eq!(badge.issuer_key, old.public_key());
}

#[test]
fn recipient_commitment_checks_identity_and_claim_code() {
    let sub = subject();
    let bytes = sign(Profile::Mini, mini_claims(&sub), &issuer());
    let badge = verify(&bytes, &trust(&[&issuer()]), Some(NOW), None).unwrap();
    assert!(badge.is_for(&salt(), "ada.lovelace@example.org"));
    assert!(badge.is_for(&salt(), "  Ada.Lovelace@EXAMPLE.org "));
    assert!(!badge.is_for(&salt(), "grace.hopper@example.org"));
    assert!(!badge.is_for(&Salt::from([0x5b; 10]), "ada.lovelace@example.org"));
    // The card never carries the identity.
    assert!(!bytes.windows(3).any(|w| w == b"ada"));
    assert_eq!(sub.as_str().len(), 16);
}

#[test]
fn summary_json_is_valid_json_with_the_badge_fields() {
    let sub = subject();
    let mut claims = standard_claims(&sub);
    claims.display_name = Some("Zoë \"Z\" O'Brien\\\n");
    let bytes = sign(Profile::Standard, claims, &issuer());
    let badge = verify(&bytes, &trust(&[&issuer()]), Some(NOW), None).unwrap();
    let mut out = [0u8; SUMMARY_JSON_MAX_LEN];
    let n = badge.summary_json(&mut out).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out[..n]).unwrap();
    assert_eq!(json["verdict"], "valid");
    assert_eq!(json["serial"], 1042);
    assert_eq!(json["display_name"], claims.display_name.unwrap());
    assert_eq!(json["achievement_name"], "Rust Fundamentals");
    assert_eq!(json["kid"], hex::encode(issuer().kid().as_bytes()));
    assert_eq!(json["expires"], EXPIRES);
    assert_eq!(json["card_bound"], false);
    assert!(json.get("not_before").is_none());
    // Too small a buffer is an error, not a truncation.
    assert_eq!(
        badge.summary_json(&mut out[..n - 1]),
        Err(tessera_core::Error::BufferTooSmall)
    );
}

#[test]
fn cose_key_export_has_the_rfc9052_labels() {
    let key = issuer().public_key();
    let mut buf = [0u8; 128];
    let n = key.to_cose_key(&mut buf).unwrap();
    let mut d = minicbor::Decoder::new(&buf[..n]);
    assert_eq!(d.map().unwrap(), Some(5));
    assert_eq!((d.i64().unwrap(), d.i64().unwrap()), (1, 1)); // kty OKP
    assert_eq!(
        (d.i64().unwrap(), d.bytes().unwrap()),
        (2, key.kid().as_bytes().as_slice())
    );
    assert_eq!((d.i64().unwrap(), d.i64().unwrap()), (3, -8)); // alg EdDSA
    assert_eq!((d.i64().unwrap(), d.i64().unwrap()), (-1, 6)); // crv Ed25519
    assert_eq!(
        (d.i64().unwrap(), d.bytes().unwrap()),
        (-2, key.as_bytes().as_slice())
    );
}

#[test]
fn card_binding_accepts_the_bound_card_only() {
    let sub = subject();
    let uid = [0x04, 0xA2, 0x3B, 0x11, 0x22, 0x80, 0x01];
    let mut claims = standard_claims(&sub);
    claims.card_uid = Some(&uid);
    let bytes = sign(Profile::Standard, claims, &issuer());
    let store = trust(&[&issuer()]);
    tessera_core::verify_card(&bytes, &uid, &store, Some(NOW), None).unwrap();
    let other = [0x04, 0xA2, 0x3B, 0x11, 0x22, 0x80, 0x02];
    assert_eq!(
        tessera_core::verify_card(&bytes, &other, &store, Some(NOW), None).unwrap_err(),
        tessera_core::Error::CardMismatch
    );
    // An unbound badge is accepted from any card.
    let unbound = sign(Profile::Standard, standard_claims(&sub), &issuer());
    tessera_core::verify_card(&unbound, &other, &store, Some(NOW), None).unwrap();
}

#[test]
fn badge_without_kid_is_tried_against_every_trusted_key() {
    // Other encoders may leave out the kid; the verifier then tries each key.
    let sub = subject();
    let mut payload = [0u8; 512];
    let n = BadgeBuilder::new(Profile::Mini, mini_claims(&sub))
        .encode_payload(&mut payload)
        .unwrap();
    let protected = cbor(|e| {
        e.map(1).unwrap().i64(1).unwrap().i64(-8).unwrap();
    });
    let bytes = forge(18, &protected, &[0xa0], &payload[..n], &issuer());
    let badge = verify(
        &bytes,
        &trust(&[&other_issuer(), &issuer()]),
        Some(NOW),
        None,
    )
    .unwrap();
    assert_eq!(badge.issuer_key, issuer().public_key());
}

/// Size budgets of the types a kiosk keeps in RAM.
#[test]
fn type_sizes_stay_within_budget() {
    let trust_size = size_of::<TrustStore>();
    let badge_size = size_of::<VerifiedBadge<'_>>();
    let subject_size = size_of::<Subject>();
    eprintln!(
        "TrustStore<8>: {trust_size} B, VerifiedBadge: {badge_size} B, Subject: {subject_size} B"
    );
    // With the host's `dalek` backend each issuer also keeps its decoded
    // point (192 bytes, 196 with alignment); kiosks build without it (the firmware build checks
    // the kiosk figure at compile time, see core/src/trust.rs).
    let per_issuer = if tessera_core::Backend::ALL.len() > 1 {
        36 + 196
    } else {
        36
    };
    assert!(
        trust_size <= 8 * per_issuer + 16,
        "TrustStore is {trust_size} bytes"
    );
    assert!(badge_size <= 256, "VerifiedBadge is {badge_size} bytes");
}

/// A card-bound copy is the same badge as the one issued (only the card
/// UID differs); any other claim changed is another badge.
#[test]
fn a_card_bound_copy_is_the_same_badge_and_any_other_change_is_not() {
    let sub = subject();
    let issued = standard_claims(&sub);
    let mut bound = issued;
    bound.card_uid = Some(&[0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66]);
    assert!(bound.same_badge(&issued) && issued.same_badge(&bound));
    let mut other_serial = bound;
    other_serial.serial += 1;
    assert!(!other_serial.same_badge(&issued));
    let mut other_title = issued;
    other_title.achievement_name = Some("Rust Fundamentals II");
    assert!(!other_title.same_badge(&issued));
}
