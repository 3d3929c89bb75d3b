//! Differential check: random badges we sign, and random single-byte
//! mutations of them, are judged by our core and by an independent COSE
//! stack (`coset` for the structure and Sig_structure, `ed25519-dalek`'s
//! `verify_strict` for the signature). Both must accept or reject alike.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use coset::{CoseSign1 as CosetSign1, TaggedCborSerializable};
use ed25519_dalek::{Signature as DalekSignature, VerifyingKey};
use proptest::prelude::*;
use tessera_core::{Backend, BadgeClaims, CoseSign1, Profile, Salt, Subject};
use tessera_tests::*;

/// Ours: structure, EdDSA header, signature by the issuer, with every
/// backend (which must agree).
fn ours(bytes: &[u8]) -> bool {
    let verdicts: Vec<bool> = Backend::ALL
        .iter()
        .map(|&backend| {
            CoseSign1::from_slice(bytes)
                .and_then(|m| m.verify_signature_with(backend, &issuer().public_key()))
                .is_ok()
        })
        .collect();
    assert!(
        verdicts.windows(2).all(|w| w[0] == w[1]),
        "backends disagree: {verdicts:?}"
    );
    verdicts[0]
}

/// Theirs: coset parses a tagged COSE_Sign1 (whole input), the protected
/// header names EdDSA, dalek's strict verify over coset's Sig_structure.
fn theirs(bytes: &[u8]) -> bool {
    let Ok(msg) = CosetSign1::from_tagged_slice(bytes) else {
        return false;
    };
    let alg_ok = matches!(
        msg.protected.header.alg,
        Some(coset::RegisteredLabelWithPrivate::Assigned(
            coset::iana::Algorithm::EdDSA
        ))
    );
    if !alg_ok || msg.payload.is_none() {
        return false;
    }
    let key = VerifyingKey::from_bytes(issuer().public_key().as_bytes()).unwrap();
    msg.verify_signature(b"", |sig, data| {
        let sig = DalekSignature::from_slice(sig).map_err(|_| ())?;
        key.verify_strict(data, &sig).map_err(|_| ())
    })
    .is_ok()
}

fn badge(serial: u32, id: &str, standard: bool) -> Vec<u8> {
    let sub = Subject::commit(&Salt::from([serial as u8; 10]), "x@example.org");
    let mut c = BadgeClaims::new(sub.as_str(), serial, ISSUED, id);
    if standard {
        c.issuer = Some("Differential Test Center");
        c.achievement_name = Some("Interop");
        c.expires = Some(EXPIRES);
        sign(Profile::Standard, c, &issuer())
    } else {
        sign(Profile::Mini, c, &issuer())
    }
}

#[test]
fn both_accept_what_we_sign_and_the_cose_vector() {
    for standard in [false, true] {
        let b = badge(7, "DIFF-1", standard);
        assert!(ours(&b) && theirs(&b));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn single_byte_mutations_get_the_same_verdict(
        serial in 1u32..100_000,
        id in "[A-Z]{2}-[0-9]{1,4}",
        standard in any::<bool>(),
        at in any::<prop::sample::Index>(),
        to in any::<u8>(),
    ) {
        let mut b = badge(serial, &id, standard);
        let i = at.index(b.len());
        prop_assume!(b[i] != to);
        b[i] = to;
        let (o, t) = (ours(&b), theirs(&b));
        prop_assert_eq!(o, t, "byte {} -> {:#04x}: ours {}, coset+dalek {}", i, to, o, t);
        // A single-byte change never leaves a valid badge.
        prop_assert!(!o);
    }
}
