//! The patched oxjsonld's shared context cache (vendor/README.md) changes
//! nothing but the time: every document expands to the same statements
//! with and without it, on the first (filling) and later (hitting) runs,
//! whichever order documents come in.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // Reason: test code.

use oxjsonld::{JsonLdContextCache, JsonLdParser, JsonLdRemoteDocument};

fn statements(doc: &str, cache: Option<&JsonLdContextCache>) -> Vec<String> {
    let mut parser = JsonLdParser::new();
    if let Some(c) = cache {
        parser = parser.with_context_cache(c.clone());
    }
    let mut out: Vec<String> = parser
        .for_slice(doc.as_bytes())
        .with_load_document_callback(|url, _| {
            tessera_ld::contexts::document(url)
                .map(|d| JsonLdRemoteDocument {
                    document: d.as_bytes().to_vec(),
                    document_url: url.to_string(),
                })
                .ok_or_else(|| format!("{url} is not bundled").into())
        })
        .map(|q| {
            // Blank node labels are the parser's own: compare the shapes.
            let q = q.unwrap().to_string();
            q.split(' ')
                .map(|t| if t.starts_with("_:") { "_:b" } else { t })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    out.sort();
    out
}

fn vector() -> String {
    let html = std::fs::read_to_string(format!(
        "{}/../tests/vectors/ob3/test-vectors/linked-data-proof-ob.html",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let start = html.find("title=\"Signed credential\">").unwrap();
    let body = &html[start..];
    body[body.find('>').unwrap() + 1..body.find("</pre").unwrap()].to_string()
}

#[test]
fn documents_expand_the_same_with_and_without_the_cache() {
    let docs = [
        vector(),
        // Nested typed nodes whose type-scoped contexts do not propagate,
        // a property-scoped context (credentialStatus), a proof (@graph).
        serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                         "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"],
            "id": "urn:x:1", "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "type": ["Profile"], "name": "E",
                       "address": {"type": ["Address"], "addressCountry": "PT"}},
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"type": ["AchievementSubject"], "name": "S",
                "identifier": [{"type": "IdentityObject", "identityHash": "sha256$00", "identityType": "emailAddress", "hashed": true}],
                "result": [{"type": ["Result"], "value": "A"}],
                "achievement": {"id": "urn:x:a", "type": ["Achievement"], "name": "A", "description": "D",
                    "criteria": {"narrative": "N"}, "image": {"id": "data:image/png;base64,AA", "type": "Image"},
                    "alignment": [{"type": ["Alignment"], "targetName": "T", "targetUrl": "https://example.org/t"}]}},
            "credentialStatus": {"id": "https://example.org/s#1", "type": "1EdTechRevocationList"},
            "evidence": [{"id": "urn:x:e", "type": ["Evidence"], "name": "E"}],
            "proof": [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2026-01-01T00:00:00Z",
                       "verificationMethod": "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
                       "proofPurpose": "assertionMethod", "proofValue": "z1"}]
        })
        .to_string(),
        serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "https://example.org/status/1.json",
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "https://example.org/status/1.json#list", "type": "BitstringStatusList",
                                  "statusPurpose": "revocation", "encodedList": "uH4sI"}
        })
        .to_string(),
    ];
    let expected: Vec<Vec<String>> = docs.iter().map(|d| statements(d, None)).collect();
    for d in &expected {
        assert!(d.len() > 5, "{d:?}");
    }
    let cache = JsonLdContextCache::new(1_000);
    for round in 0..3 {
        for (i, doc) in docs.iter().enumerate().rev() {
            assert_eq!(
                statements(doc, Some(&cache)),
                expected[i],
                "round {round}, doc {i}"
            );
        }
    }
    assert!(!cache.is_empty());
    // A full cache keeps working, without remembering more.
    let small = JsonLdContextCache::new(2);
    for (i, doc) in docs.iter().enumerate() {
        assert_eq!(statements(doc, Some(&small)), expected[i]);
        assert_eq!(statements(doc, Some(&small)), expected[i]);
    }
    assert_eq!(small.len(), 2);
}
