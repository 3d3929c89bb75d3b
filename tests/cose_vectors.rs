//! The COSE working group's EdDSA examples (tests/vectors/cose): verify,
//! reproduce the Sig_structure, re-sign byte for byte, reject wrong tags.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use serde_json::Value;
use tessera_core::{CoseSign1, Error, PublicKey, SigningKey, cose};
use tessera_tests::{cbor, hex_str, read_json};

/// Encode a header map given in the examples' JSON form.
fn header_map(json: &Value) -> Vec<u8> {
    let obj = json.as_object().expect("header object");
    let mut entries: Vec<(i64, Value)> = obj
        .iter()
        .map(|(name, v)| {
            let label = match name.as_str() {
                "alg" => 1,
                "ctyp" => 3,
                "kid" => 4,
                other => panic!("header {other} not used by these vectors"),
            };
            (label, v.clone())
        })
        .collect();
    // The examples list headers in label order.
    entries.sort_by_key(|(l, _)| *l);
    cbor(|e| {
        e.map(entries.len() as u64).unwrap();
        for (label, v) in &entries {
            e.i64(*label).unwrap();
            match (label, v) {
                (1, Value::String(alg)) => {
                    assert_eq!(alg, "EdDSA");
                    e.i64(cose::ALG_EDDSA).unwrap();
                }
                (3, Value::Number(n)) => {
                    e.u64(n.as_u64().unwrap()).unwrap();
                }
                (4, Value::String(kid)) => {
                    e.bytes(kid.as_bytes()).unwrap();
                }
                _ => panic!("unexpected header value {v}"),
            }
        }
    })
}

#[test]
fn eddsa_sig_01_verifies_with_its_public_key() {
    let v = read_json("cose/eddsa-sig-01.json");
    let message = hex_str(&v["output"]["cbor"]);
    let x = hex_str(&v["input"]["sign0"]["key"]["x_hex"]);
    let key = PublicKey::try_from(x.as_slice()).unwrap();
    let decoded = CoseSign1::from_slice(&message).unwrap();
    decoded.verify_signature(&key).unwrap();
    assert_eq!(
        decoded.payload,
        v["input"]["plaintext"].as_str().unwrap().as_bytes()
    );
    assert_eq!(
        decoded.kid,
        Some(
            v["input"]["sign0"]["unprotected"]["kid"]
                .as_str()
                .unwrap()
                .as_bytes()
        )
    );
}

#[test]
fn eddsa_sig_01_to_be_signed_matches() {
    let v = read_json("cose/eddsa-sig-01.json");
    let message = hex_str(&v["output"]["cbor"]);
    let decoded = CoseSign1::from_slice(&message).unwrap();
    let mut tbs = [0u8; 128];
    let n = decoded.to_be_signed(&mut tbs).unwrap();
    assert_eq!(
        &tbs[..n],
        hex_str(&v["intermediates"]["ToBeSign_hex"]).as_slice()
    );
}

#[test]
fn eddsa_sig_01_signing_reproduces_output_byte_for_byte() {
    let v = read_json("cose/eddsa-sig-01.json");
    let sign0 = &v["input"]["sign0"];
    let seed: [u8; 32] = hex_str(&sign0["key"]["d_hex"]).try_into().unwrap();
    let key = SigningKey::from_seed(seed).unwrap();
    assert_eq!(
        key.public_key().as_bytes().as_slice(),
        hex_str(&sign0["key"]["x_hex"]).as_slice()
    );
    let protected = header_map(&sign0["protected"]);
    let unprotected = header_map(&sign0["unprotected"]);
    let payload = v["input"]["plaintext"].as_str().unwrap().as_bytes();
    let mut out = [0u8; 256];
    let n = cose::sign1(&protected, &unprotected, payload, &key, &mut out).unwrap();
    assert_eq!(
        hex::encode_upper(&out[..n]),
        v["output"]["cbor"].as_str().unwrap()
    );
}

#[test]
fn wrong_tag_is_rejected_before_any_crypto() {
    let v = read_json("cose/sign-fail-01-wrong-tag-es256.json");
    assert_eq!(v["fail"], Value::Bool(true));
    let message = hex_str(&v["output"]["cbor"]);
    assert_eq!(CoseSign1::from_slice(&message), Err(Error::NotCoseSign1));
    // The same through the badge verifier, with an empty trust store: the
    // structure error comes first.
    let trust: tessera_core::TrustStore = tessera_core::TrustStore::new();
    assert_eq!(
        tessera_core::verify(&message, &trust, None, None).unwrap_err(),
        Error::NotCoseSign1
    );
}

#[test]
fn cose_sign_multi_signer_is_not_a_sign1() {
    let v = read_json("cose/eddsa-01.json");
    let message = hex_str(&v["output"]["cbor"]);
    assert_eq!(CoseSign1::from_slice(&message), Err(Error::NotCoseSign1));
}

#[test]
fn tampered_vector_fails_signature() {
    let v = read_json("cose/eddsa-sig-01.json");
    let mut message = hex_str(&v["output"]["cbor"]);
    let x = hex_str(&v["input"]["sign0"]["key"]["x_hex"]);
    let key = PublicKey::try_from(x.as_slice()).unwrap();
    // Change one payload character ("This" -> "this").
    let pos = message.windows(4).position(|w| w == b"This").unwrap();
    message[pos] = b't';
    let decoded = CoseSign1::from_slice(&message).unwrap();
    assert_eq!(decoded.verify_signature(&key), Err(Error::SignatureInvalid));
}
