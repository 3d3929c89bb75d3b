//! Property tests: every encoded badge decodes to the same value and is
//! deterministic CBOR; arbitrary bytes never panic the decoder or verifier;
//! no single-byte change to a valid badge is accepted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use proptest::prelude::*;
use tessera_core::sizes::*;
use tessera_core::{
    BadgeBuilder, BadgeClaims, CoseSign1, Profile, Salt, StatusList, Subject, verify,
};
use tessera_tests::*;

/// Non-empty text of at most `max` bytes of UTF-8 (any printable characters).
fn text(max: usize) -> impl Strategy<Value = String> {
    "\\PC{1,64}"
        .prop_map(move |s: String| {
            let mut end = 0;
            for (i, c) in s.char_indices() {
                if i + c.len_utf8() > max {
                    break;
                }
                end = i + c.len_utf8();
            }
            s[..end].to_string()
        })
        .prop_filter("non-empty", |s| !s.is_empty())
}

#[derive(Debug, Clone)]
struct Fields {
    salt: [u8; SALT_LEN],
    identity: String,
    serial: u32,
    issued_at: u64,
    validity: Option<(u64, u64)>,
    achievement_id: String,
    level: Option<u8>,
    issuer: Option<String>,
    name: Option<String>,
    evidence: Option<String>,
    display: Option<String>,
    uid: Option<Vec<u8>>,
}

fn fields(profile: Profile) -> impl Strategy<Value = Fields> {
    let id_max = if profile == Profile::Mini {
        MINI_MAX_ACHIEVEMENT_ID_LEN
    } else {
        MAX_ACHIEVEMENT_ID_LEN
    };
    let standard = profile == Profile::Standard;
    let opt = move |s: BoxedStrategy<String>| {
        if standard {
            proptest::option::of(s).boxed()
        } else {
            Just(None).boxed()
        }
    };
    (
        (
            any::<[u8; SALT_LEN]>(),
            "[a-z.]{1,20}@[a-z]{1,10}\\.org",
            any::<u32>(),
            0..=u64::from(u32::MAX),
        ),
        (
            if standard {
                proptest::option::of((0..u64::MAX / 2, 1..u64::MAX / 2)).boxed()
            } else {
                Just(None).boxed()
            },
            text(id_max),
            proptest::option::of(any::<u8>()),
        ),
        (
            opt(text(MAX_ISSUER_LEN).boxed()),
            opt(text(MAX_ACHIEVEMENT_NAME_LEN).boxed()),
            opt(text(MAX_EVIDENCE_LEN).boxed()),
            opt(text(MAX_DISPLAY_NAME_LEN).boxed()),
            if standard {
                proptest::option::of(
                    prop::sample::select(vec![4usize, 7, 10])
                        .prop_flat_map(|n| prop::collection::vec(any::<u8>(), n)),
                )
                .boxed()
            } else {
                Just(None).boxed()
            },
        ),
    )
        .prop_map(
            |(
                (salt, identity, serial, issued_at),
                (validity, achievement_id, level),
                (issuer, name, evidence, display, uid),
            )| Fields {
                salt,
                identity,
                serial,
                issued_at,
                validity,
                achievement_id,
                level,
                issuer,
                name,
                evidence,
                display,
                uid,
            },
        )
}

fn claims<'a>(f: &'a Fields, sub: &'a Subject) -> BadgeClaims<'a> {
    let mut c = BadgeClaims::new(sub.as_str(), f.serial, f.issued_at, &f.achievement_id);
    c.level = f.level;
    c.issuer = f.issuer.as_deref();
    c.achievement_name = f.name.as_deref();
    c.evidence = f.evidence.as_deref();
    c.display_name = f.display.as_deref();
    c.card_uid = f.uid.as_deref();
    if let Some((nbf, span)) = f.validity {
        c.not_before = Some(nbf);
        c.expires = Some(nbf + span);
    }
    c
}

fn round_trip(profile: Profile, f: &Fields) -> Result<(), TestCaseError> {
    let sub = Subject::commit(&Salt::from(f.salt), &f.identity);
    let c = claims(f, &sub);
    let mut buf = [0u8; 1024];
    let len = BadgeBuilder::new(profile, c)
        .sign(&issuer(), &mut buf)
        .unwrap();
    let bytes = &buf[..len];
    prop_assert!(len <= profile.max_len(), "{len} bytes");
    is_deterministic_cbor(bytes).map_err(TestCaseError::fail)?;
    let message = CoseSign1::from_slice(bytes).unwrap();
    is_deterministic_cbor(message.payload).map_err(TestCaseError::fail)?;
    is_deterministic_cbor(message.protected).map_err(TestCaseError::fail)?;
    let now = c.not_before.unwrap_or(c.issued_at);
    let badge = verify(bytes, &trust(&[&issuer()]), Some(now), None).unwrap();
    prop_assert_eq!(badge.claims, c);
    prop_assert!(badge.is_for(&Salt::from(f.salt), &f.identity));
    let mut json = [0u8; SUMMARY_JSON_MAX_LEN];
    let n = badge.summary_json(&mut json).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json[..n]).unwrap();
    prop_assert_eq!(v["achievement_id"].as_str(), Some(c.achievement_id));
    prop_assert_eq!(v["display_name"].as_str(), c.display_name);
    prop_assert_eq!(v["issuer"].as_str(), c.issuer);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn standard_badges_round_trip(f in fields(Profile::Standard)) {
        round_trip(Profile::Standard, &f)?;
    }

    #[test]
    fn mini_badges_round_trip_and_fit(f in fields(Profile::Mini)) {
        round_trip(Profile::Mini, &f)?;
    }

    #[test]
    fn single_byte_changes_are_rejected(f in fields(Profile::Standard), at in any::<prop::sample::Index>(), to in any::<u8>()) {
        let sub = Subject::commit(&Salt::from(f.salt), &f.identity);
        let mut bytes = sign(Profile::Standard, claims(&f, &sub), &issuer());
        let i = at.index(bytes.len());
        prop_assume!(bytes[i] != to);
        bytes[i] = to;
        prop_assert!(verify(&bytes, &trust(&[&issuer()]), None, None).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let store = trust(&[&issuer()]);
        let _ = verify(&bytes, &store, Some(NOW), None);
        let _ = CoseSign1::from_slice(&bytes);
        let _ = BadgeClaims::decode(&bytes, 0);
        let _ = StatusList::verify(&bytes, &store, Some(NOW));
    }

    #[test]
    fn cbor_shaped_bytes_never_panic(prefix in prop::sample::select(vec![
        vec![0xd2, 0x84], vec![0xd2, 0x84, 0x49, 0xa2, 0x01, 0x27, 0x04, 0x44],
        vec![0xa4, 0x02], vec![0xa5, 0x3a, 0x00, 0x01, 0x00, 0x00],
    ]), rest in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut bytes = prefix;
        bytes.extend_from_slice(&rest);
        let store = trust(&[&issuer()]);
        let _ = verify(&bytes, &store, Some(NOW), None);
        let _ = BadgeClaims::decode(&bytes, 0);
    }

    #[test]
    fn mutated_valid_claims_never_panic(at in any::<prop::sample::Index>(), to in any::<u8>()) {
        let sub = subject();
        let mut payload = [0u8; 512];
        let n = standard_claims(&sub).encode(&mut payload).unwrap();
        let mut p = payload[..n].to_vec();
        let i = at.index(p.len());
        p[i] = to;
        let _ = BadgeClaims::decode(&p, 0);
        // Signed properly, so the claims decoder is reached through verify.
        let bytes = forge(18, &protected_for(&issuer()), &[0xa0], &p, &issuer());
        let _ = verify(&bytes, &trust(&[&issuer()]), Some(NOW), None);
    }
}

/// The determinism checker itself must catch each kind of violation.
#[test]
fn determinism_checker_catches_violations() {
    assert!(is_deterministic_cbor(&[0xa2, 0x01, 0x00, 0x02, 0x00]).is_ok());
    assert!(
        is_deterministic_cbor(&[0xa2, 0x02, 0x00, 0x01, 0x00]).is_err(),
        "key order"
    );
    assert!(
        is_deterministic_cbor(&[0xa1, 0x18, 0x01, 0x00]).is_err(),
        "non-shortest int"
    );
    assert!(
        is_deterministic_cbor(&[0xbf, 0x01, 0x00, 0xff]).is_err(),
        "indefinite map"
    );
    assert!(is_deterministic_cbor(&[0x01, 0x00]).is_err(), "trailing");
    assert!(
        is_deterministic_cbor(&[0xa2, 0x01, 0x00, 0x01, 0x00]).is_err(),
        "duplicate key"
    );
}
