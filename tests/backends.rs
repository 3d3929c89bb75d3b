//! The Ed25519 backends (`ed25519-compact`, and `curve25519-dalek` with the
//! `dalek` feature) give the same verdict on every input, and batch
//! verification gives exactly what one-by-one verification gives.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::scalar::Scalar;
use ed25519_compact::sha512;
use tessera_core::{
    Backend, BadgeClaims, CoseSign1, Error, Profile, SigningKey, StatusList, verify, verify_batch,
    verify_with,
};
use tessera_tests::*;

/// Sign `message` with `seed`'s key but with a nonce point `R + T`, `T` of
/// order 8: valid under the cofactored equation (RFC 8032 §5.1.7, what
/// ed25519-compact checks), invalid under the cofactorless one
/// (`ed25519-dalek`'s `verify_strict`). Only the key holder can make one.
fn torsioned_signature(seed: [u8; 32], message: &[u8]) -> [u8; 64] {
    let h = sha512::Hash::hash(seed);
    let mut a = [0u8; 32];
    a.copy_from_slice(&h[..32]);
    a[0] &= 248;
    a[31] &= 127;
    a[31] |= 64;
    let a = Scalar::from_bytes_mod_order(a);
    let public = (ED25519_BASEPOINT_POINT * a).compress();
    let r = Scalar::from(0x1234_5678_9abc_def0_u64);
    let big_r = (ED25519_BASEPOINT_POINT * r + EIGHT_TORSION[1]).compress();
    let mut k = sha512::Hash::new();
    k.update(big_r.as_bytes());
    k.update(public.as_bytes());
    k.update(message);
    let k = Scalar::from_bytes_mod_order_wide(&k.finalize());
    let s = r + k * a;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(big_r.as_bytes());
    sig[32..].copy_from_slice(s.as_bytes());
    sig
}

/// A badge by `key` whose signature was replaced by a torsioned one.
fn torsioned_badge(key_seed: [u8; 32], serial: u32) -> Vec<u8> {
    let key = SigningKey::from_seed(key_seed).unwrap();
    let sub = subject();
    let mut badge = sign(
        Profile::Mini,
        BadgeClaims::new(sub.as_str(), serial, ISSUED, "RS-101"),
        &key,
    );
    let message = CoseSign1::from_slice(&badge).unwrap();
    let mut tbs = vec![0u8; badge.len() + 32];
    let n = message.to_be_signed(&mut tbs).unwrap();
    let sig = torsioned_signature(key_seed, &tbs[..n]);
    let at = badge.len() - 64;
    badge[at..].copy_from_slice(&sig);
    badge
}

#[test]
fn every_backend_is_compiled_in_for_the_host() {
    assert!(Backend::ALL.len() >= 2, "the host tests run with `dalek`");
    assert_eq!(Backend::DEFAULT, Backend::Dalek);
}

#[test]
fn torsioned_signatures_get_compacts_verdict_from_every_backend() {
    let seed = [1u8; 32];
    let key = SigningKey::from_seed(seed).unwrap();
    let badge = torsioned_badge(seed, 77);
    let trust = trust(&[&key]);
    for &backend in Backend::ALL {
        let verdict = verify_with(backend, &badge, &trust, Some(NOW), None);
        assert!(verdict.is_ok(), "{backend:?}: {verdict:?}");
    }
    // ed25519-dalek's strict (cofactorless) check says no: that is why the
    // Dalek backend applies compact's rules itself.
    let message = CoseSign1::from_slice(&badge).unwrap();
    let mut tbs = vec![0u8; 512];
    let n = message.to_be_signed(&mut tbs).unwrap();
    let dalek_key = ed25519_dalek::VerifyingKey::from_bytes(key.public_key().as_bytes()).unwrap();
    let sig = ed25519_dalek::Signature::from_bytes(message.signature.as_bytes());
    assert!(dalek_key.verify_strict(&tbs[..n], &sig).is_err());
    // And a batch holding it passes too.
    let good = sign(Profile::Mini, mini_claims(&subject()), &key);
    let results = verify_batch(&[&good, &badge], &trust, Some(NOW), None);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

#[test]
fn small_order_and_non_canonical_parts_are_refused_by_every_backend() {
    let key = issuer();
    let badge = sign(Profile::Mini, mini_claims(&subject()), &key);
    let trust = trust(&[&key]);
    let at = badge.len() - 64;
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    // R of small order (each 8-torsion point).
    for (i, t) in EIGHT_TORSION.iter().enumerate() {
        let mut b = badge.clone();
        b[at..at + 32].copy_from_slice(t.compress().as_bytes());
        cases.push((format!("R = torsion point {i}"), b));
    }
    // R with a non-canonical y (y = p + 1, which is the point y = 1).
    let mut b = badge.clone();
    let mut y = [0xffu8; 32];
    y[0] = 0xee;
    y[31] = 0x7f;
    b[at..at + 32].copy_from_slice(&y);
    cases.push(("R non-canonical".into(), b));
    // S + L: the same value mod L, but not canonical.
    let mut b = badge.clone();
    let mut sum = [0u8; 32];
    let mut carry = 0u16;
    let l_bytes: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    for i in 0..32 {
        let v = u16::from(b[at + 32 + i]) + u16::from(l_bytes[i]) + carry;
        sum[i] = v as u8;
        carry = v >> 8;
    }
    b[at + 32..].copy_from_slice(&sum);
    cases.push(("S + L".into(), b));
    for (name, case) in &cases {
        for &backend in Backend::ALL {
            assert_eq!(
                verify_with(backend, case, &trust, Some(NOW), None).map(|_| ()),
                Err(Error::SignatureInvalid),
                "{name} with {backend:?}"
            );
        }
        assert_eq!(
            verify_batch(&[case.as_slice()], &trust, Some(NOW), None)[0].map(|_| ()),
            Err(Error::SignatureInvalid),
            "{name} in a batch"
        );
    }
}

#[test]
fn a_batch_gives_each_badge_the_verdict_verify_gives() {
    let key = issuer();
    let stranger = other_issuer();
    // A second trusted issuer: batches mix keys.
    let second = SigningKey::from_seed([4; 32]).unwrap();
    let sub = subject();
    let trust = trust(&[&key, &second]);
    let list_bytes = signed_list(1, 400, &[13, 250], NOW - 60, &key);
    let list = StatusList::verify(&list_bytes, &trust, Some(NOW)).unwrap();
    let mut badges: Vec<Vec<u8>> = Vec::new();
    for serial in 1..=300u32 {
        let mut claims = BadgeClaims::new(sub.as_str(), serial, ISSUED, "RS-101");
        let profile = if serial % 2 == 0 || serial % 37 == 0 {
            Profile::Standard
        } else {
            Profile::Mini
        };
        if serial % 37 == 0 {
            claims.expires = Some(NOW - 1);
        }
        let signer = match serial {
            s if s % 53 == 0 => &stranger,
            s if s % 7 == 0 => &second,
            _ => &key,
        };
        let mut b = sign(profile, claims, signer);
        if serial % 41 == 0 {
            let i = b.len() - 10;
            b[i] ^= 0x01; // broken signature
        }
        if serial % 59 == 0 {
            let i = b.len() / 2;
            b[i] ^= 0x80; // tampered claims
        }
        if serial == 150 {
            b.truncate(20); // garbage
        }
        badges.push(b);
    }
    let inputs: Vec<&[u8]> = badges.iter().map(Vec::as_slice).collect();
    for status in [None, Some(&list)] {
        let batch = verify_batch(&inputs, &trust, Some(NOW), status);
        assert_eq!(batch.len(), inputs.len());
        let mut bad = 0;
        for (i, (got, input)) in batch.iter().zip(&inputs).enumerate() {
            for &backend in Backend::ALL {
                let single = verify_with(backend, input, &trust, Some(NOW), status);
                assert_eq!(got, &single, "badge {i} with {backend:?}");
            }
            bad += usize::from(got.is_err());
        }
        // Some of each kind of fault, and most badges fine.
        assert!((15..100).contains(&bad), "{bad} bad badges");
    }
    // All good: every one passes, through the one-equation path.
    let good: Vec<&[u8]> = inputs
        .iter()
        .copied()
        .filter(|b| verify(b, &trust, Some(NOW), None).is_ok())
        .collect();
    assert!(good.len() > 200);
    assert!(
        good.iter()
            .any(|b| verify(b, &trust, Some(NOW), None).unwrap().issuer_key == second.public_key())
    );
    assert!(
        verify_batch(&good, &trust, Some(NOW), None)
            .iter()
            .all(Result::is_ok)
    );
    assert!(verify_batch(&[], &trust, Some(NOW), None).is_empty());
}
