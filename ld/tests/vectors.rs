//! 1EdTech's eddsa-rdfc-2022 test vector for Open Badges 3.0
//! (`tests/vectors/ob3/test-vectors/`): our canonical forms, hashes and
//! proofValue are the vector's, byte for byte, and its signed credential
//! verifies once its key is trusted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // Reason: test code.

use serde_json::Value;
use sha2::{Digest, Sha256};
use tessera_core::{PublicKey, SigningKey};
use tessera_ld::{LdError, canonicalize, proof};

fn vector_file(name: &str) -> String {
    let path = format!(
        "{}/../tests/vectors/ob3/test-vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The JSON of the `<pre … title="TITLE">` example in the vector's page.
fn example(title: &str) -> Value {
    let html = vector_file("linked-data-proof-ob.html");
    let start = html
        .find(&format!("title=\"{title}\">"))
        .unwrap_or_else(|| panic!("no example {title}"));
    let body = &html[start..];
    let body = &body[body.find('>').unwrap() + 1..body.find("</pre").unwrap()];
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{title}: {e}"))
}

/// The text of the first `<code>` after `label`.
fn code_after(label: &str) -> String {
    let html = vector_file("linked-data-proof-ob.html");
    let at = html.find(label).unwrap();
    let rest = &html[at..];
    let code = &rest[rest.find("<code").unwrap()..];
    let code = &code[code.find('>').unwrap() + 1..code.find("</code").unwrap()];
    code.trim().to_string()
}

fn key_pair() -> SigningKey {
    let secret = hex::decode(code_after("Private key (hex)")).unwrap();
    let key = SigningKey::from_seed(secret[..32].try_into().unwrap()).unwrap();
    let public = hex::decode(code_after("Public key (hex)")).unwrap();
    assert_eq!(
        key.public_key(),
        PublicKey::try_from(public.as_slice()).unwrap()
    );
    key
}

#[test]
fn the_document_and_proof_canonicalize_to_the_vector() {
    let credential = example("Credential");
    assert_eq!(
        canonicalize(&credential).unwrap(),
        vector_file("document-canon.txt")
    );
    let mut options = example("Proof");
    options.as_object_mut().unwrap().remove("proofValue");
    options["@context"] = credential["@context"].clone();
    assert_eq!(
        canonicalize(&options).unwrap(),
        vector_file("proof-canon.txt")
    );
    // The data signed is the two hashes, proof first.
    let data = proof::hash_data(&credential, example("Proof").as_object().unwrap()).unwrap();
    assert_eq!(
        data[..32],
        Sha256::digest(vector_file("proof-canon.txt"))[..]
    );
    assert_eq!(
        data[32..],
        Sha256::digest(vector_file("document-canon.txt"))[..]
    );
}

#[test]
fn our_signer_reproduces_the_vector_proof_value() {
    let credential = example("Credential");
    let expected = example("Proof");
    let signed = tessera_ld::sign(
        &credential,
        &key_pair(),
        expected["verificationMethod"].as_str().unwrap(),
        expected["created"].as_str().unwrap(),
    )
    .unwrap();
    let proofs = signed["proof"].as_array().unwrap();
    assert_eq!(proofs.len(), 1);
    assert_eq!(proofs[0], expected, "the whole proof, proofValue included");
}

#[test]
fn the_vector_signed_credential_verifies_with_its_key_trusted() {
    let signed = example("Signed credential");
    let key = key_pair().public_key();
    let trusted = |k: &PublicKey| *k == key;
    let verified = tessera_ld::verify(&signed, &trusted, Some(1_800_000_000)).unwrap();
    assert_eq!(verified.key, key);
    assert_eq!(verified.controller, "https://example.edu/issuers/565049");
    // Not trusted: refused by name.
    let nobody = |_: &PublicKey| false;
    assert!(matches!(
        tessera_ld::verify(&signed, &nobody, None),
        Err(LdError::UntrustedKey(_))
    ));
    // One word changed: the signature no longer holds.
    let mut altered = signed.clone();
    altered["credentialSubject"]["achievement"]["name"] = "Teamwork!".into();
    assert_eq!(
        tessera_ld::verify(&altered, &trusted, None),
        Err(LdError::Signature)
    );
}
