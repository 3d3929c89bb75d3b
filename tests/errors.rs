//! One negative test per error variant, each asserting the exact variant
//! (and offset, where the variant carries one).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use minicbor::Encoder;
use tessera_core::sizes::{MAX_ISSUER_LEN, MINI_MAX_LEN};
use tessera_core::status::set_revoked;
use tessera_core::{
    BadgeBuilder, BadgeClaims, Error, Field, Profile, PublicKey, Signature, StatusList,
    StatusListBuilder, TrustStore, verify,
};
use tessera_tests::*;

fn store() -> TrustStore {
    trust(&[&issuer()])
}

/// A payload written by hand, signed properly by the test issuer.
fn signed_payload(payload: &[u8]) -> Vec<u8> {
    forge(18, &protected_for(&issuer()), &[0xa0], payload, &issuer())
}

/// Claims with everything a badge needs, written by `extra` into a map of
/// `entries` entries, for malformed-claims cases.
fn claims_with(entries: u64, extra: impl FnOnce(&mut Encoder<&mut Vec<u8>>)) -> Vec<u8> {
    let sub = subject();
    cbor(|e| {
        e.map(entries).unwrap();
        e.i64(2).unwrap().str(sub.as_str()).unwrap();
        e.i64(6).unwrap().u64(ISSUED).unwrap();
        e.i64(7).unwrap().bytes(&[0x04, 0x12]).unwrap();
        e.i64(-65537)
            .unwrap()
            .map(1)
            .unwrap()
            .i64(1)
            .unwrap()
            .str("RS-101")
            .unwrap();
        extra(e);
    })
}

fn err(bytes: &[u8]) -> Error {
    verify(bytes, &store(), Some(NOW), None).unwrap_err()
}

fn mini() -> Vec<u8> {
    sign(Profile::Mini, mini_claims(&subject()), &issuer())
}

#[test]
fn truncated_badge_is_malformed_at_the_cut_item() {
    let bytes = mini();
    // Cut inside the signature: the signature item starts 66 bytes from the end.
    let cut = &bytes[..bytes.len() - 10];
    assert_eq!(
        err(cut),
        Error::MalformedCbor {
            offset: bytes.len() - 66
        }
    );
    assert_eq!(err(&[]), Error::MalformedCbor { offset: 0 });
}

#[test]
fn untagged_or_wrong_structure_is_not_a_cose_sign1() {
    let bytes = mini();
    assert_eq!(err(&bytes[1..]), Error::NotCoseSign1); // tag removed
    let mut three = bytes.clone();
    three[1] = 0x83; // array of 3
    assert_eq!(err(&three), Error::NotCoseSign1);
    let detached = forge(18, &protected_for(&issuer()), &[0xa0], &[], &issuer());
    // A nil payload (detached content) is not supported.
    let mut nil = detached.clone();
    let at = nil.len() - 67;
    assert_eq!(nil[at], 0x40);
    nil[at] = 0xf6;
    assert_eq!(err(&nil), Error::NotCoseSign1);
}

#[test]
fn non_eddsa_algorithm_is_unsupported() {
    let es256 = cbor(|e| {
        e.map(1).unwrap().i64(1).unwrap().i64(-7).unwrap();
    });
    let bytes = forge(18, &es256, &[0xa0], &claims_with(4, |_| {}), &issuer());
    assert_eq!(err(&bytes), Error::UnsupportedAlgorithm);
    // EdDSA only in the unprotected header does not count.
    let unprotected_alg = cbor(|e| {
        e.map(1).unwrap().i64(1).unwrap().i64(-8).unwrap();
    });
    let bytes = forge(
        18,
        &[],
        &unprotected_alg,
        &claims_with(4, |_| {}),
        &issuer(),
    );
    assert_eq!(err(&bytes), Error::UnsupportedAlgorithm);
}

#[test]
fn unknown_critical_header_is_rejected() {
    let protected = cbor(|e| {
        e.map(3).unwrap();
        e.i64(1).unwrap().i64(-8).unwrap();
        e.i64(2).unwrap().array(1).unwrap().i64(99).unwrap();
        e.i64(99).unwrap().u8(1).unwrap();
    });
    let bytes = forge(18, &protected, &[0xa0], &claims_with(4, |_| {}), &issuer());
    assert_eq!(err(&bytes), Error::UnknownCriticalHeader);
}

#[test]
fn indefinite_claims_map_is_rejected_with_its_offset() {
    let definite = claims_with(4, |_| {});
    let mut indefinite = vec![0xbf];
    indefinite.extend_from_slice(&definite[1..]);
    indefinite.push(0xff);
    let bytes = signed_payload(&indefinite);
    let payload_at = bytes.len() - 66 - indefinite.len();
    assert_eq!(err(&bytes), Error::IndefiniteLength { offset: payload_at });
}

#[test]
fn indefinite_text_inside_claims_is_rejected() {
    let payload = claims_with(5, |e| {
        e.i64(1).unwrap();
        e.begin_str()
            .unwrap()
            .str("Tess")
            .unwrap()
            .str("era")
            .unwrap()
            .end()
            .unwrap();
    });
    let bytes = signed_payload(&payload);
    let Error::IndefiniteLength { .. } = err(&bytes) else {
        panic!("expected IndefiniteLength")
    };
}

#[test]
fn duplicate_claim_is_rejected_with_its_offset() {
    let payload = claims_with(5, |e| {
        e.i64(6).unwrap().u64(ISSUED + 1).unwrap();
    });
    let bytes = signed_payload(&payload);
    let payload_at = bytes.len() - 66 - payload.len();
    // The second `6` key is the 7th-from-last item: `06 1A xx xx xx xx`.
    let second_iat = payload_at + payload.len() - 6;
    assert_eq!(err(&bytes), Error::DuplicateKey { offset: second_iat });
}

#[test]
fn duplicate_header_label_across_buckets_is_rejected() {
    let unprotected = cbor(|e| {
        e.map(1).unwrap().i64(4).unwrap().bytes(b"kid!").unwrap();
    });
    let bytes = forge(
        18,
        &protected_for(&issuer()),
        &unprotected,
        &claims_with(4, |_| {}),
        &issuer(),
    );
    let Error::DuplicateKey { .. } = err(&bytes) else {
        panic!("expected DuplicateKey")
    };
}

#[test]
fn deep_nesting_is_rejected() {
    let payload = claims_with(5, |e| {
        e.i64(99).unwrap();
        for _ in 0..10 {
            e.array(1).unwrap();
        }
        e.u8(0).unwrap();
    });
    let Error::TooDeep { .. } = err(&signed_payload(&payload)) else {
        panic!("expected TooDeep")
    };
}

#[test]
fn moderate_unknown_nesting_is_ignored() {
    // Unknown claims are ignored as long as they stay within the depth limit.
    let payload = claims_with(5, |e| {
        e.i64(99)
            .unwrap()
            .array(1)
            .unwrap()
            .map(1)
            .unwrap()
            .u8(1)
            .unwrap()
            .u8(2)
            .unwrap();
    });
    verify(&signed_payload(&payload), &store(), Some(NOW), None).unwrap();
}

#[test]
fn too_many_claims_is_rejected() {
    let payload = claims_with(4 + 40, |e| {
        for k in 100..140 {
            e.i64(k).unwrap().u8(0).unwrap();
        }
    });
    let bytes = signed_payload(&payload);
    let payload_at = bytes.len() - 66 - payload.len();
    assert_eq!(err(&bytes), Error::TooManyEntries { offset: payload_at });
}

#[test]
fn trailing_bytes_after_message_or_claims_are_rejected() {
    let mut bytes = mini();
    let end = bytes.len();
    bytes.push(0x00);
    assert_eq!(err(&bytes), Error::TrailingBytes { offset: end });
    let mut payload = claims_with(4, |_| {});
    let claims_end = payload.len();
    payload.push(0x00);
    let bytes = signed_payload(&payload);
    let payload_at = bytes.len() - 66 - payload.len();
    assert_eq!(
        err(&bytes),
        Error::TrailingBytes {
            offset: payload_at + claims_end
        }
    );
}

#[test]
fn missing_claims_are_named() {
    let sub = subject();
    let no_sub = cbor(|e| {
        e.map(3).unwrap();
        e.i64(6).unwrap().u64(ISSUED).unwrap();
        e.i64(7).unwrap().bytes(&[1]).unwrap();
        e.i64(-65537)
            .unwrap()
            .map(1)
            .unwrap()
            .i64(1)
            .unwrap()
            .str("X")
            .unwrap();
    });
    assert_eq!(
        err(&signed_payload(&no_sub)),
        Error::MissingField(Field::Subject)
    );
    let no_badge = cbor(|e| {
        e.map(3).unwrap();
        e.i64(2).unwrap().str(sub.as_str()).unwrap();
        e.i64(6).unwrap().u64(ISSUED).unwrap();
        e.i64(7).unwrap().bytes(&[1]).unwrap();
    });
    assert_eq!(
        err(&signed_payload(&no_badge)),
        Error::MissingField(Field::Badge)
    );
    let no_id = cbor(|e| {
        e.map(4).unwrap();
        e.i64(2).unwrap().str(sub.as_str()).unwrap();
        e.i64(6).unwrap().u64(ISSUED).unwrap();
        e.i64(7).unwrap().bytes(&[1]).unwrap();
        e.i64(-65537)
            .unwrap()
            .map(1)
            .unwrap()
            .i64(3)
            .unwrap()
            .u8(1)
            .unwrap();
    });
    assert_eq!(
        err(&signed_payload(&no_id)),
        Error::MissingField(Field::AchievementId)
    );
}

#[test]
fn wrong_typed_claims_are_invalid() {
    let sub = subject();
    let long_cti = cbor(|e| {
        e.map(4).unwrap();
        e.i64(2).unwrap().str(sub.as_str()).unwrap();
        e.i64(6).unwrap().u64(ISSUED).unwrap();
        e.i64(7).unwrap().bytes(&[1, 2, 3, 4, 5]).unwrap();
        e.i64(-65537)
            .unwrap()
            .map(1)
            .unwrap()
            .i64(1)
            .unwrap()
            .str("X")
            .unwrap();
    });
    assert_eq!(
        err(&signed_payload(&long_cti)),
        Error::InvalidField(Field::Serial)
    );
    let text_iat = cbor(|e| {
        e.map(4).unwrap();
        e.i64(2).unwrap().str(sub.as_str()).unwrap();
        e.i64(6).unwrap().str("yesterday").unwrap();
        e.i64(7).unwrap().bytes(&[1]).unwrap();
        e.i64(-65537)
            .unwrap()
            .map(1)
            .unwrap()
            .i64(1)
            .unwrap()
            .str("X")
            .unwrap();
    });
    assert_eq!(
        err(&signed_payload(&text_iat)),
        Error::InvalidField(Field::IssuedAt)
    );
    let big_level = claims_with(4, |_| {});
    let mut big_level = big_level;
    // Replace the badge map `A1 01 66 "RS-101"` (9 bytes) with one that has level 256.
    let at = big_level.len() - 9;
    big_level.truncate(at);
    let mut e = Encoder::new(&mut big_level);
    e.map(2)
        .unwrap()
        .i64(1)
        .unwrap()
        .str("RS-101")
        .unwrap()
        .i64(3)
        .unwrap()
        .u16(256)
        .unwrap();
    assert_eq!(
        err(&signed_payload(&big_level)),
        Error::InvalidField(Field::Level)
    );
}

#[test]
fn over_long_fields_are_rejected_on_decode_and_encode() {
    let long = "x".repeat(MAX_ISSUER_LEN + 1);
    let payload = claims_with(5, |e| {
        e.i64(1).unwrap().str(&long).unwrap();
    });
    assert_eq!(
        err(&signed_payload(&payload)),
        Error::FieldTooLong(Field::Issuer)
    );
    let sub = subject();
    let mut claims = standard_claims(&sub);
    claims.issuer = Some(&long);
    let mut buf = [0u8; 1024];
    assert_eq!(
        BadgeBuilder::new(Profile::Standard, claims).sign(&issuer(), &mut buf),
        Err(Error::FieldTooLong(Field::Issuer))
    );
}

#[test]
fn unknown_critical_badge_field_is_rejected_and_unknown_optional_ignored() {
    let critical = cbor(|e| {
        e.map(4).unwrap();
        e.i64(2).unwrap().str(subject().as_str()).unwrap();
        e.i64(6).unwrap().u64(ISSUED).unwrap();
        e.i64(7).unwrap().bytes(&[1]).unwrap();
        e.i64(-65537).unwrap().map(2).unwrap();
        e.i64(1).unwrap().str("X").unwrap();
        e.i64(-3).unwrap().str("must understand").unwrap();
    });
    assert_eq!(
        err(&signed_payload(&critical)),
        Error::UnknownCriticalField { key: -3 }
    );
    let optional = cbor(|e| {
        e.map(4).unwrap();
        e.i64(2).unwrap().str(subject().as_str()).unwrap();
        e.i64(6).unwrap().u64(ISSUED).unwrap();
        e.i64(7).unwrap().bytes(&[1]).unwrap();
        e.i64(-65537).unwrap().map(2).unwrap();
        e.i64(1).unwrap().str("X").unwrap();
        e.i64(40).unwrap().str("may ignore").unwrap();
    });
    verify(&signed_payload(&optional), &store(), Some(NOW), None).unwrap();
}

#[test]
fn badge_from_untrusted_issuer_is_unknown_issuer() {
    let bytes = sign(Profile::Mini, mini_claims(&subject()), &other_issuer());
    assert_eq!(err(&bytes), Error::UnknownIssuer);
    let empty: TrustStore = TrustStore::new();
    assert_eq!(
        verify(&mini(), &empty, None, None).unwrap_err(),
        Error::UnknownIssuer
    );
}

#[test]
fn every_single_byte_change_is_rejected() {
    for profile in [Profile::Mini, Profile::Standard] {
        let sub = subject();
        let claims = if profile == Profile::Mini {
            mini_claims(&sub)
        } else {
            standard_claims(&sub)
        };
        let bytes = sign(profile, claims, &issuer());
        for i in 0..bytes.len() {
            for flip in [0x01u8, 0x80] {
                let mut t = bytes.clone();
                t[i] ^= flip;
                assert!(
                    verify(&t, &store(), Some(NOW), None).is_err(),
                    "{profile:?}: flipping byte {i} by {flip:#x} was accepted"
                );
            }
        }
    }
}

#[test]
fn altered_payload_is_signature_invalid() {
    let mut bytes = mini();
    let pos = bytes.windows(6).position(|w| w == b"RS-101").unwrap();
    bytes[pos + 5] = b'2'; // RS-101 -> RS-102
    assert_eq!(err(&bytes), Error::SignatureInvalid);
    // A non-canonical S (S + L) is rejected too (malleability).
    let mut bytes = mini();
    let n = bytes.len();
    bytes[n - 1] = bytes[n - 1].wrapping_add(0x10);
    assert_eq!(err(&bytes), Error::SignatureInvalid);
}

#[test]
fn wrong_length_signature_is_signature_invalid() {
    let bytes = mini();
    let sig_at = bytes.len() - 64;
    let mut short = bytes[..sig_at - 2].to_vec();
    let mut e = Encoder::new(&mut short);
    e.bytes(&bytes[sig_at..sig_at + 63]).unwrap();
    assert_eq!(err(&short), Error::SignatureInvalid);
}

#[test]
fn expired_and_not_yet_valid() {
    let sub = subject();
    let bytes = sign(Profile::Standard, standard_claims(&sub), &issuer());
    assert_eq!(
        verify(&bytes, &store(), Some(EXPIRES), None).unwrap_err(),
        Error::Expired { exp: EXPIRES }
    );
    verify(&bytes, &store(), Some(EXPIRES - 1), None).unwrap();
    let mut claims = standard_claims(&sub);
    claims.not_before = Some(NOW + 100);
    let bytes = sign(Profile::Standard, claims, &issuer());
    assert_eq!(
        verify(&bytes, &store(), Some(NOW), None).unwrap_err(),
        Error::NotYetValid { nbf: NOW + 100 }
    );
    // Without any time source the validity period is not checked, and the
    // verified badge says so.
    let badge = verify(&bytes, &store(), None, None).unwrap();
    assert_eq!(badge.checked_at, None);
}

fn list(
    bits: &[u8],
    count: u32,
    issued_at: u64,
    expires: Option<u64>,
    key: &tessera_core::SigningKey,
) -> Vec<u8> {
    let mut out = vec![0u8; 16_384];
    let n = StatusListBuilder {
        compromised_since: None,
        suspended: None,
        issued_at,
        expires,
        first: 1000,
        count,
        bits,
    }
    .sign(key, &mut out)
    .unwrap();
    out.truncate(n);
    out
}

#[test]
fn revoked_badge_is_revoked() {
    let mut bits = [0u8; 8];
    set_revoked(&mut bits, 42).unwrap(); // serial 1042
    let bytes = list(&bits, 64, NOW - 10, None, &issuer());
    let status = StatusList::verify(&bytes, &store(), Some(NOW)).unwrap();
    assert_eq!(
        verify(&mini(), &store(), Some(NOW), Some(&status)).unwrap_err(),
        Error::Revoked { serial: 1042 }
    );
}

#[test]
fn stale_status_list_is_stale() {
    let bytes = list(&[0u8; 8], 64, NOW - 100, Some(NOW - 10), &issuer());
    assert_eq!(
        StatusList::verify(&bytes, &store(), Some(NOW)).unwrap_err(),
        Error::StatusListStale { exp: NOW - 10 }
    );
    // Loaded earlier while current, then used after its exp: stale too.
    let status = StatusList::verify(&bytes, &store(), Some(NOW - 50)).unwrap();
    assert_eq!(
        verify(&mini(), &store(), Some(NOW), Some(&status)).unwrap_err(),
        Error::StatusListStale { exp: NOW - 10 }
    );
}

#[test]
fn status_list_of_another_issuer_is_rejected() {
    let both = trust(&[&issuer(), &other_issuer()]);
    let bytes = list(&[0u8; 8], 64, NOW - 10, None, &other_issuer());
    let status = StatusList::verify(&bytes, &both, Some(NOW)).unwrap();
    assert_eq!(
        verify(&mini(), &both, Some(NOW), Some(&status)).unwrap_err(),
        Error::StatusListWrongIssuer
    );
}

#[test]
fn badge_older_than_list_but_not_covered_is_not_in_status_list() {
    // The list covers 1000..1016; the badge (serial 1042) is older than it.
    let bytes = list(&[0u8; 2], 16, NOW - 10, None, &issuer());
    let status = StatusList::verify(&bytes, &store(), Some(NOW)).unwrap();
    assert_eq!(
        verify(&mini(), &store(), Some(NOW), Some(&status)).unwrap_err(),
        Error::NotInStatusList { serial: 1042 }
    );
}

#[test]
fn badge_is_not_a_status_list_and_list_is_not_a_badge() {
    assert_eq!(
        StatusList::verify(&mini(), &store(), None).unwrap_err(),
        Error::NotAStatusList
    );
    let bytes = list(&[0u8; 8], 64, NOW - 10, None, &issuer());
    assert_eq!(err(&bytes), Error::NotCoseSign1);
}

#[test]
fn card_mismatch() {
    let uid = [4, 1, 2, 3, 4, 5, 6];
    let sub = subject();
    let mut claims = standard_claims(&sub);
    claims.card_uid = Some(&uid);
    let bytes = sign(Profile::Standard, claims, &issuer());
    let badge = verify(&bytes, &store(), Some(NOW), None).unwrap();
    assert_eq!(
        badge.check_card_uid(&[4, 1, 2, 3, 4, 5, 7]),
        Err(Error::CardMismatch)
    );
}

#[test]
fn small_buffers_are_errors_not_truncations() {
    let sub = subject();
    let builder = BadgeBuilder::new(Profile::Standard, standard_claims(&sub));
    let full = sign(Profile::Standard, standard_claims(&sub), &issuer());
    for len in [0, 10, full.len() - 1] {
        let mut buf = vec![0u8; len];
        assert_eq!(
            builder.sign(&issuer(), &mut buf),
            Err(Error::BufferTooSmall),
            "buffer of {len}"
        );
    }
    let mut key_buf = [0u8; 10];
    assert_eq!(
        issuer().public_key().to_cose_key(&mut key_buf),
        Err(Error::BufferTooSmall)
    );
}

#[test]
fn profile_limits_are_enforced() {
    let sub = subject();
    let mut buf = [0u8; 1024];
    // A field the mini profile does not carry.
    let mut claims = mini_claims(&sub);
    claims.expires = Some(EXPIRES);
    assert_eq!(
        BadgeBuilder::new(Profile::Mini, claims).sign(&issuer(), &mut buf),
        Err(Error::NotInProfile(Field::Expiry))
    );
    let claims = BadgeClaims::new(sub.as_str(), 1, ISSUED, "TOO-LONG");
    assert_eq!(
        BadgeBuilder::new(Profile::Mini, claims).sign(&issuer(), &mut buf),
        Err(Error::FieldTooLong(Field::AchievementId))
    );
    // A foreign subject longer than ours pushes a mini badge over its budget.
    let long_sub = "s".repeat(40);
    let claims = BadgeClaims::new(&long_sub, 1, ISSUED, "RS-101");
    let Err(Error::TooLargeForProfile { len, max }) =
        BadgeBuilder::new(Profile::Mini, claims).sign(&issuer(), &mut buf)
    else {
        panic!("expected TooLargeForProfile")
    };
    assert_eq!(max, MINI_MAX_LEN);
    assert!(len > MINI_MAX_LEN);
    assert!(
        buf.iter().all(|b| *b == 0),
        "nothing usable left in the buffer"
    );
}

#[test]
fn full_trust_store_is_reported() {
    let mut small: TrustStore<2> = TrustStore::new();
    small.add(issuer().public_key()).unwrap();
    small.add(other_issuer().public_key()).unwrap();
    // Adding a key again is a no-op, not an error.
    small.add(issuer().public_key()).unwrap();
    let third = tessera_core::SigningKey::from_seed([3; 32]).unwrap();
    assert_eq!(small.add(third.public_key()), Err(Error::TrustStoreFull));
    assert!(small.remove(&issuer().public_key()));
    small.add(third.public_key()).unwrap();
}

#[test]
fn invalid_keys_and_signatures_are_rejected() {
    assert_eq!(PublicKey::try_from(&[0u8; 31][..]), Err(Error::InvalidKey));
    assert_eq!(
        Signature::try_from(&[0u8; 63][..]).unwrap_err(),
        Error::SignatureInvalid
    );
    // y = 2 is not the y-coordinate of any curve point.
    let mut not_on_curve = [0u8; 32];
    not_on_curve[0] = 2;
    assert_eq!(PublicKey::try_from(not_on_curve), Err(Error::InvalidKey));
}

/// One of every error of the core. `Error::code` (in the core) matches
/// every variant without a wildcard, so a new error cannot be missed there;
/// this list is checked against those codes below.
fn all_errors() -> Vec<Error> {
    use tessera_core::CardType;
    vec![
        Error::MalformedCbor { offset: 3 },
        Error::NotCoseSign1,
        Error::UnsupportedAlgorithm,
        Error::UnknownCriticalHeader,
        Error::IndefiniteLength { offset: 3 },
        Error::DuplicateKey { offset: 3 },
        Error::TooDeep { offset: 3 },
        Error::TooManyEntries { offset: 3 },
        Error::TrailingBytes { offset: 3 },
        Error::MissingField(Field::Subject),
        Error::InvalidField(Field::Serial),
        Error::FieldTooLong(Field::Issuer),
        Error::UnknownCriticalField { key: -3 },
        Error::UnknownIssuer,
        Error::SignatureInvalid,
        Error::Expired { exp: 1 },
        Error::NotYetValid { nbf: 1 },
        Error::Revoked { serial: 1 },
        Error::StatusListStale { exp: 1 },
        Error::StatusListWrongIssuer,
        Error::StatusListMissing,
        Error::Suspended { serial: 1 },
        Error::IssuerKeyCompromised { since: 1 },
        Error::NotInStatusList { serial: 1 },
        Error::NotAStatusList,
        Error::CardMismatch,
        Error::BufferTooSmall,
        Error::TooLargeForProfile { len: 2, max: 1 },
        Error::NotInProfile(Field::Expiry),
        Error::TrustStoreFull,
        Error::InvalidKey,
        Error::UnknownCardType,
        Error::CardTooSmall {
            needed: 500,
            card: CardType::Ntag213,
        },
        Error::CardEmpty,
        Error::NdefWrongTlv { offset: 0 },
        Error::NdefLengthPastEnd { offset: 0 },
        Error::NdefWrongRecordType,
        Error::NdefMultipleRecords,
    ]
}

#[test]
fn every_error_has_a_plain_message() {
    let errors = all_errors();
    let mut seen = std::collections::HashSet::new();
    for e in errors {
        let text = e.to_string();
        assert!(text.len() > 20, "{e:?}: message too short: {text}");
        assert!(
            seen.insert(text.clone()),
            "{e:?}: message not unique: {text}"
        );
    }
}

/// Every error has a stable code, unique, and every error a check can
/// give has the page's sentence for it in English and Portuguese (the page
/// keys its translations on `Error::code`, never on the variant's name).
#[test]
fn every_error_has_a_stable_code_the_page_translates() {
    // Made only when issuing or loading trust, never by a check.
    let issuing_only = [
        "TooLargeForProfile",
        "NotInProfile",
        "TrustStoreFull",
        "CardTooSmall",
    ];
    let strings = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/site/strings.js"),
    )
    .unwrap();
    let errors = all_errors();
    let mut seen = std::collections::HashSet::new();
    for e in errors {
        let code = e.code();
        assert!(seen.insert(code), "{e:?}: code {code} not unique");
        assert!(code.chars().all(|c| c.is_ascii_alphanumeric()), "{code}");
        if issuing_only.contains(&code) {
            continue;
        }
        let entries = strings.matches(&format!("\n      {code}: \"")).count();
        assert_eq!(
            entries, 2,
            "{code}: the page has {entries} of its 2 sentences (en, pt)"
        );
    }
}

/// Every error of the core with the verdict a person sees for it. The
/// kiosk (`tessera_firmware::Verdict` is this type, and `Kiosk::check`
/// calls `Verdict::of`) and the desk (`tessera_desk::check` calls
/// `Error::verdict`; its `Verdict` is the core's, re-exported)
/// both use this one classification.
#[test]
fn every_error_has_one_verdict_for_kiosk_and_desk() {
    use tessera_core::{CardType, Verdict};
    let table = [
        (Error::MalformedCbor { offset: 3 }, Verdict::Unreadable),
        (Error::NotCoseSign1, Verdict::Unreadable),
        (Error::UnsupportedAlgorithm, Verdict::Unreadable),
        (Error::UnknownCriticalHeader, Verdict::Unreadable),
        (Error::IndefiniteLength { offset: 3 }, Verdict::Unreadable),
        (Error::DuplicateKey { offset: 3 }, Verdict::Unreadable),
        (Error::TooDeep { offset: 3 }, Verdict::Unreadable),
        (Error::TooManyEntries { offset: 3 }, Verdict::Unreadable),
        (Error::TrailingBytes { offset: 3 }, Verdict::Unreadable),
        (Error::MissingField(Field::Subject), Verdict::Unreadable),
        (Error::InvalidField(Field::Serial), Verdict::Unreadable),
        (Error::FieldTooLong(Field::Issuer), Verdict::Unreadable),
        (Error::UnknownCriticalField { key: -3 }, Verdict::Unreadable),
        (Error::UnknownIssuer, Verdict::UnknownIssuer),
        (Error::SignatureInvalid, Verdict::Forged),
        (Error::Expired { exp: 1 }, Verdict::Expired),
        (Error::NotYetValid { nbf: 1 }, Verdict::Expired),
        (Error::Revoked { serial: 1 }, Verdict::Revoked),
        // A kiosk whose revocation list is out of date cannot say "valid".
        (Error::StatusListStale { exp: 1 }, Verdict::Expired),
        (Error::StatusListWrongIssuer, Verdict::Unreadable),
        (Error::NotInStatusList { serial: 1 }, Verdict::Unreadable),
        (Error::IssuerKeyCompromised { since: 1 }, Verdict::Revoked),
        (Error::Suspended { serial: 1 }, Verdict::Suspended),
        (Error::StatusListMissing, Verdict::Expired),
        (Error::NotAStatusList, Verdict::Unreadable),
        (Error::CardMismatch, Verdict::Forged),
        (Error::BufferTooSmall, Verdict::Unreadable),
        (
            Error::TooLargeForProfile { len: 2, max: 1 },
            Verdict::Unreadable,
        ),
        (Error::NotInProfile(Field::Expiry), Verdict::Unreadable),
        (Error::TrustStoreFull, Verdict::Unreadable),
        (Error::InvalidKey, Verdict::Unreadable),
        (Error::UnknownCardType, Verdict::Unreadable),
        (
            Error::CardTooSmall {
                needed: 500,
                card: CardType::Ntag213,
            },
            Verdict::Unreadable,
        ),
        (Error::CardEmpty, Verdict::Unreadable),
        (Error::NdefWrongTlv { offset: 0 }, Verdict::Unreadable),
        (Error::NdefLengthPastEnd { offset: 0 }, Verdict::Unreadable),
        (Error::NdefWrongRecordType, Verdict::Unreadable),
        (Error::NdefMultipleRecords, Verdict::Unreadable),
    ];
    let codes = |errors: &mut dyn Iterator<Item = Error>| {
        errors
            .map(|e| e.code())
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(
        codes(&mut table.iter().map(|(e, _)| *e)),
        codes(&mut all_errors().into_iter()),
        "the verdict table names every error once"
    );
    for (e, want) in table {
        assert_eq!(e.verdict(), want, "{e:?}");
        assert_eq!(Verdict::of::<()>(&Err(e)), want, "{e:?}");
    }
    assert_eq!(Verdict::of(&Ok(())), Verdict::Valid);
    // Every verdict is reachable, and their names and exit codes are fixed.
    // (CANNOT CHECK HERE comes of no core error: of a credential whose
    // proof the verifier cannot check, `tessera_formats::verdict`.)
    for v in Verdict::ALL {
        assert!(
            matches!(v, Verdict::Valid | Verdict::NotChecked) || table.iter().any(|(_, w)| *w == v),
            "{v:?}"
        );
    }
    let names: Vec<(&str, &str, i32)> = Verdict::ALL
        .iter()
        .map(|v| (v.headline(), v.code(), v.exit_code()))
        .collect();
    assert_eq!(
        names,
        [
            ("VALID", "valid", 0),
            ("REVOKED", "revoked", 1),
            ("SUSPENDED", "suspended", 1),
            ("EXPIRED", "expired", 1),
            ("UNKNOWN ISSUER", "unknown_issuer", 1),
            ("FORGED", "forged", 1),
            ("CANNOT CHECK HERE", "not_checked", 1),
            ("NOT A BADGE", "unreadable", 2),
        ]
    );
}

#[test]
fn unprotected_typ_does_not_make_a_status_list() {
    // Someone adds typ to the unsigned header of a badge the issuer signed.
    let unprotected = cbor(|e| {
        e.map(1)
            .unwrap()
            .i64(16)
            .unwrap()
            .str(tessera_core::status::STATUS_LIST_TYP)
            .unwrap();
    });
    let bytes = forge(
        18,
        &protected_for(&issuer()),
        &unprotected,
        &claims_with(4, |_| {}),
        &issuer(),
    );
    assert_eq!(
        StatusList::verify(&bytes, &store(), None).unwrap_err(),
        Error::NotAStatusList
    );
    // ...and the badge itself still verifies as a badge.
    verify(&bytes, &store(), Some(NOW), None).unwrap();
}

#[test]
fn summary_of_a_badge_full_of_control_characters_fits_the_documented_buffer() {
    use tessera_core::sizes::*;
    let ctl = |n: usize| "\u{1}".repeat(n);
    let (iss, id, name, ev, dn) = (
        ctl(MAX_ISSUER_LEN),
        ctl(MAX_ACHIEVEMENT_ID_LEN),
        ctl(MAX_ACHIEVEMENT_NAME_LEN),
        ctl(MAX_EVIDENCE_LEN),
        ctl(MAX_DISPLAY_NAME_LEN),
    );
    let sub = ctl(MAX_SUBJECT_LEN);
    let mut claims = BadgeClaims::new(&sub, u32::MAX, u64::MAX - 2, &id);
    claims.issuer = Some(&iss);
    claims.achievement_name = Some(&name);
    claims.evidence = Some(&ev);
    claims.display_name = Some(&dn);
    claims.level = Some(255);
    claims.expires = Some(u64::MAX);
    claims.not_before = Some(u64::MAX - 2);
    let mut buf = [0u8; 1024];
    let n = BadgeBuilder::new(Profile::Standard, claims)
        .encode_payload(&mut buf)
        .unwrap();
    let bytes = signed_payload(&buf[..n]);
    let badge = verify(&bytes, &store(), Some(u64::MAX - 1), None).unwrap();
    let mut json = [0u8; SUMMARY_JSON_MAX_LEN];
    let len = badge.summary_json(&mut json).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json[..len]).unwrap();
    assert_eq!(v["display_name"].as_str(), Some(dn.as_str()));
}

#[test]
fn all_zero_seed_is_an_error_not_a_panic() {
    assert_eq!(
        tessera_core::SigningKey::from_seed([0; 32]).unwrap_err(),
        Error::InvalidKey
    );
}
