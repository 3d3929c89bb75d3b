//! Every way a Data Integrity proof or its credential is refused, each with
//! its own error, and hostile input (deep, huge, blank-node-heavy) in
//! bounded time.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // Reason: test code.

use serde_json::{Value, json};
use tessera_core::{PublicKey, SigningKey};
use tessera_ld::did::{did_key, verification_method};
use tessera_ld::sizes::{MAX_BLANK_NODES, MAX_DEPTH, MAX_DOCUMENT_BYTES};
use tessera_ld::{LdError, canonicalize, sign, verify};

const NOW: i64 = 1_800_000_000;
const CREATED: &str = "2026-01-01T00:00:00Z";

fn key() -> SigningKey {
    SigningKey::from_seed([3; 32]).unwrap()
}

fn credential(key: &SigningKey) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:example:credential:1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did_key(&key.public_key()), "type": ["Profile"], "name": "Example Center"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Rust Fundamentals",
        "credentialSubject": {
            "id": "urn:example:recipient:1",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:example:achievement:RUST-101",
                "type": ["Achievement"],
                "name": "Rust Fundamentals",
                "description": "Knows Rust.",
                "criteria": {"narrative": "Passed the exam."}
            }
        }
    })
}

fn signed() -> Value {
    let k = key();
    sign(
        &credential(&k),
        &k,
        &verification_method(&k.public_key()),
        CREATED,
    )
    .unwrap()
}

fn ours(k: &PublicKey) -> bool {
    *k == key().public_key()
}

fn check(v: &Value) -> Result<tessera_ld::VerifiedProof, LdError> {
    verify(v, &ours, Some(NOW))
}

/// Sign `v` as it is, with its proof options changed by `edit` before
/// signing (so the signature holds and only the changed rule can refuse).
fn signed_with(v: &Value, edit: impl Fn(&mut serde_json::Map<String, Value>)) -> Value {
    let k = key();
    let mut options =
        tessera_ld::proof::proof_options(&verification_method(&k.public_key()), CREATED);
    edit(options.as_object_mut().unwrap());
    // Options no context can express (an undefined proof type) cannot be
    // hashed: those proofs get a signature of another message, and must be
    // refused for what they say before any signature is checked.
    let data = tessera_ld::proof::hash_data(v, options.as_object().unwrap()).unwrap_or([0; 64]);
    let sig = k.sign(&data);
    options["proofValue"] = format!("z{}", bs58_encode(sig.as_bytes())).into();
    let mut out = v.clone();
    out["proof"] = json!([options]);
    out
}

fn bs58_encode(bytes: &[u8]) -> String {
    // The test's own base58btc, not the crate's.
    const A: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut digits: Vec<u8> = Vec::new();
    for &b in bytes {
        let mut carry = u32::from(b);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    std::iter::repeat_n('1', zeros)
        .chain(digits.iter().rev().map(|d| A[*d as usize] as char))
        .collect()
}

#[test]
fn a_fresh_proof_verifies_and_the_test_encoder_agrees() {
    let v = signed();
    assert_eq!(check(&v).unwrap().key, key().public_key());
    let again = signed_with(&credential(&key()), |_| {});
    assert_eq!(again["proof"], v["proof"]);
}

#[test]
fn any_changed_word_breaks_the_signature() {
    let v = signed();
    for pointer in [
        "/name",
        "/issuer/name",
        "/validFrom",
        "/credentialSubject/id",
        "/credentialSubject/achievement/name",
        "/credentialSubject/achievement/criteria/narrative",
    ] {
        let mut altered = v.clone();
        let field = altered.pointer_mut(pointer).unwrap();
        let text = field.as_str().unwrap().to_string();
        *field = text.replacen('0', "1", 1).replacen('e', "f", 1).into();
        assert_ne!(altered, v, "{pointer}");
        assert_eq!(
            check(&altered).unwrap_err(),
            LdError::Signature,
            "{pointer}"
        );
    }
    let mut altered = v.clone();
    let value = v["proof"][0]["proofValue"].as_str().unwrap();
    let flipped = if value.ends_with('k') { "j" } else { "k" };
    altered["proof"][0]["proofValue"] = format!("{}{flipped}", &value[..value.len() - 1]).into();
    assert_eq!(check(&altered).unwrap_err(), LdError::Signature);
    // The proof's own options are signed too.
    let mut altered = v.clone();
    altered["proof"][0]["created"] = "2026-01-01T00:00:01Z".into();
    assert_eq!(check(&altered).unwrap_err(), LdError::Signature);
}

#[test]
fn each_bad_proof_gets_its_own_error() {
    let c = credential(&key());
    let stranger = SigningKey::from_seed([4; 32]).unwrap();
    // Another key, naming itself: untrusted. Naming our issuer: mismatch.
    let mut by_stranger = c.clone();
    by_stranger["issuer"]["id"] = did_key(&stranger.public_key()).into();
    let by_stranger = sign(
        &by_stranger,
        &stranger,
        &verification_method(&stranger.public_key()),
        CREATED,
    )
    .unwrap();
    assert!(matches!(check(&by_stranger), Err(LdError::UntrustedKey(_))));
    let mut claims_ours = c.clone();
    claims_ours = sign(
        &claims_ours,
        &stranger,
        &verification_method(&stranger.public_key()),
        CREATED,
    )
    .unwrap();
    assert!(matches!(
        check(&claims_ours),
        Err(LdError::IssuerMismatch { .. })
    ));
    // Another cryptosuite, another type, another purpose.
    let other_suite = signed_with(&c, |o| {
        o.insert("cryptosuite".into(), "ecdsa-rdfc-2019".into());
    });
    assert_eq!(
        check(&other_suite).unwrap_err(),
        LdError::Cryptosuite("ecdsa-rdfc-2019".into())
    );
    let other_type = signed_with(&c, |o| {
        o.insert("type".into(), "Ed25519Signature2020".into());
    });
    assert_eq!(
        check(&other_type).unwrap_err(),
        LdError::ProofType("Ed25519Signature2020".into())
    );
    let authentication = signed_with(&c, |o| {
        o.insert("proofPurpose".into(), "authentication".into());
    });
    assert_eq!(
        check(&authentication).unwrap_err(),
        LdError::ProofPurpose("authentication".into())
    );
    // Created in the future (beyond five minutes of clock skew), or not a date.
    let future = signed_with(&c, |o| {
        o.insert("created".into(), "2099-01-01T00:00:00Z".into());
    });
    assert_eq!(
        check(&future).unwrap_err(),
        LdError::CreatedInFuture("2099-01-01T00:00:00Z".into())
    );
    let not_a_date = signed_with(&c, |o| {
        o.insert("created".into(), "yesterday".into());
    });
    assert_eq!(
        check(&not_a_date).unwrap_err(),
        LdError::CreatedMalformed("yesterday".into())
    );
    // Expired proof.
    let expired = signed_with(&c, |o| {
        o.insert("expires".into(), "2027-01-01T00:00:00Z".into());
    });
    assert_eq!(
        check(&expired).unwrap_err(),
        LdError::ProofExpired("2027-01-01T00:00:00Z".into())
    );
    // A verification method that is not a key.
    let https = signed_with(&c, |o| {
        o.insert(
            "verificationMethod".into(),
            "https://example.org/keys/1".into(),
        );
    });
    assert_eq!(
        check(&https).unwrap_err(),
        LdError::VerificationMethod("https://example.org/keys/1".into())
    );
    // No proof, a proof that is not base58, too many proofs.
    let mut none = signed();
    none.as_object_mut().unwrap().remove("proof");
    assert_eq!(check(&none).unwrap_err(), LdError::NoProof);
    let mut b64 = signed();
    b64["proof"][0]["proofValue"] = "uAAAA".into();
    assert!(matches!(check(&b64), Err(LdError::ProofValue(_))));
    let mut many = signed();
    let p = many["proof"][0].clone();
    many["proof"] = json!([p, p, p, p, p]);
    assert!(matches!(check(&many), Err(LdError::ProofMalformed(_))));
}

#[test]
fn contexts_terms_and_ids_are_checked_before_anything_is_signed() {
    let k = key();
    let vm = verification_method(&k.public_key());
    let mut c = credential(&k);
    c["@context"][1] = "https://example.org/my-context.jsonld".into();
    assert_eq!(
        sign(&c, &k, &vm, CREATED).unwrap_err(),
        LdError::ContextNotBundled("https://example.org/my-context.jsonld".into())
    );
    let mut c = credential(&k);
    c["@context"][1] = json!({"foo": "https://example.org/foo"});
    assert!(matches!(
        sign(&c, &k, &vm, CREATED),
        Err(LdError::EmbeddedContext(_))
    ));
    let mut c = credential(&k);
    c["credentialSubject"]["@context"] = json!({"name": null});
    assert!(matches!(
        sign(&c, &k, &vm, CREATED),
        Err(LdError::EmbeddedContext(_))
    ));
    // A term none of its contexts defines: JSON-LD would drop it unsigned.
    let mut c = credential(&k);
    c["credentialSubject"]["achievement"]["grade"] = "A+".into();
    assert_eq!(
        sign(&c, &k, &vm, CREATED).unwrap_err(),
        LdError::UndefinedTerm("grade".into())
    );
    // Added after signing: refused too, not silently dropped.
    let mut added = signed();
    added["credentialSubject"]["achievement"]["grade"] = "A+".into();
    assert_eq!(
        check(&added).unwrap_err(),
        LdError::UndefinedTerm("grade".into())
    );
    // 1EdTechRevocationList is the extensions context's, not the OB one's.
    let mut c = credential(&k);
    c["credentialStatus"] =
        json!({"id": "https://example.org/status/1", "type": "1EdTechRevocationList"});
    assert_eq!(
        sign(&c, &k, &vm, CREATED).unwrap_err(),
        LdError::UndefinedTerm("1EdTechRevocationList".into())
    );
    c["@context"]
        .as_array_mut()
        .unwrap()
        .push("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json".into());
    assert!(sign(&c, &k, &vm, CREATED).is_ok());
    let mut c = credential(&k);
    c["credentialSubject"]["achievement"]["description"] = "Knows \u{FFFF} Rust.".into();
    assert_eq!(
        sign(&c, &k, &vm, CREATED).unwrap_err(),
        LdError::Noncharacter("credentialSubject.achievement.description".into())
    );
    let mut c = credential(&k);
    c["id"] = "credentials/1".into();
    assert_eq!(
        sign(&c, &k, &vm, CREATED).unwrap_err(),
        LdError::RelativeId("credentials/1".into())
    );
    let mut c = credential(&k);
    c.as_object_mut().unwrap().remove("@context");
    assert_eq!(sign(&c, &k, &vm, CREATED).unwrap_err(), LdError::NoContext);
    assert_eq!(
        canonicalize(&json!([1, 2])).unwrap_err(),
        LdError::NotAnObject
    );
}

#[test]
fn hostile_documents_are_refused_in_bounded_time() {
    let k = key();
    let vm = verification_method(&k.public_key());
    // Deep.
    let mut deep = json!("bottom");
    for _ in 0..(MAX_DEPTH + 5) {
        deep = json!({ "narrative": deep });
    }
    let mut c = credential(&k);
    c["credentialSubject"]["achievement"]["criteria"] = deep;
    assert!(matches!(
        sign(&c, &k, &vm, CREATED),
        Err(LdError::TooDeep { .. })
    ));
    // Huge.
    let mut c = credential(&k);
    c["name"] = "x".repeat(MAX_DOCUMENT_BYTES).into();
    assert!(matches!(
        sign(&c, &k, &vm, CREATED),
        Err(LdError::TooLarge { .. })
    ));
    // Many blank nodes that look alike (the canonicalization's worst case).
    let mut c = credential(&k);
    let alike: Vec<Value> = (0..MAX_BLANK_NODES * 2)
        .map(|_| json!({"type": ["Evidence"], "name": "same"}))
        .collect();
    c["evidence"] = Value::Array(alike);
    let started = std::time::Instant::now();
    assert!(matches!(
        sign(&c, &k, &vm, CREATED),
        Err(LdError::TooComplex { .. })
    ));
    // (Not a timing assertion: a guard against an unbounded loop.)
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    // Just under the bound still canonicalizes.
    let mut c = credential(&k);
    let alike: Vec<Value> = (0..MAX_BLANK_NODES - 8)
        .map(|_| json!({"type": ["Evidence"], "name": "same"}))
        .collect();
    c["evidence"] = Value::Array(alike);
    assert!(sign(&c, &k, &vm, CREATED).is_ok());
    // Look-alike blank nodes linked to each other: a clique of 8 took 7.9 s
    // to canonicalize (release build) before this check, one of 10 would
    // take hours. A ring of 40 is refused the same way.
    for (n, clique) in [(8usize, true), (12, true), (40, false)] {
        let nodes: Vec<Value> = (0..n)
            .map(|i| {
                let links: Vec<Value> = if clique {
                    (0..n)
                        .filter(|j| *j != i)
                        .map(|j| json!({"id": format!("_:b{j}")}))
                        .collect()
                } else {
                    vec![json!({"id": format!("_:b{}", (i + 1) % n)})]
                };
                json!({"id": format!("_:b{i}"), "https://example.org/link": links})
            })
            .collect();
        let mut c = credential(&k);
        c["https://example.org/nodes"] = Value::Array(nodes);
        assert_eq!(
            sign(&c, &k, &vm, CREATED).unwrap_err(),
            LdError::LookAlikeBlankNodes(n),
            "{n}"
        );
    }
}

/// What `sign` makes, `verify` takes: a document no verifier would accept
/// (two credentials in one, a date that is not a date, a date twice) is refused
/// when signed, with the same error, rather than signed into a credential
/// that never verifies. (The `jsonld_proof` fuzz target found a document
/// that signed and then failed these checks.)
#[test]
fn what_cannot_verify_is_not_signed() {
    let k = key();
    let method = verification_method(&k.public_key());
    let mut two = credential(&k);
    two["evidence"] =
        json!([{"id": "urn:example:evidence:1", "type": ["Evidence", "VerifiableCredential"]}]);
    let mut bad_date = credential(&k);
    bad_date["validFrom"] = json!("yesterday");
    let mut twice = credential(&k);
    twice["validUntil"] = json!([
        {"@value": "2030-01-01T00:00:00Z", "@type": "xsd:dateTime"},
        {"@value": "2031-01-01T00:00:00Z", "@type": "xsd:dateTime"}
    ]);
    for (what, doc, says) in [
        ("two credential nodes", two, "2 VerifiableCredential"),
        (
            "a validFrom that is not a date",
            bad_date,
            "not an RFC 3339",
        ),
        ("validUntil given twice", twice, "given 2 times"),
    ] {
        let err = sign(&doc, &k, &method, CREATED)
            .map(|_| ())
            .expect_err(what)
            .to_string();
        assert!(err.contains(says), "{what}: {err}");
        // Signed by a signer without this check, it is refused the same.
        let elsewhere = check(&signed_with(&doc, |_| {}))
            .map(|_| ())
            .expect_err(what)
            .to_string();
        assert_eq!(elsewhere, err, "{what}");
    }
    assert!(check(&signed()).is_ok());
}
