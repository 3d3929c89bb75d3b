//! Any bytes through the JSON-LD path of Open Badges credentials
//! (`tessera-ld`): expansion with the bundled contexts, RDFC-1.0
//! canonicalization and the Data Integrity proof checks never panic and
//! stay within their bounds; and whatever can be signed verifies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::{PublicKey, SigningKey};
use tessera_ld::LdError;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let key = SigningKey::from_seed([7; 32]).expect("a fixed key");
    let trusted = |k: &PublicKey| *k == key.public_key();
    let _ = tessera_ld::verify(&doc, &trusted, Some(1_800_000_000));
    if let Ok(nquads) = tessera_ld::canonicalize(&doc) {
        assert!(nquads.is_empty() || nquads.ends_with(" .\n"));
    }
    // Sign what can be signed: it must then verify (or be refused only
    // because its issuer is not this key).
    let mut unsigned = doc;
    if let Some(map) = unsigned.as_object_mut() {
        map.remove("proof");
    }
    let method = tessera_ld::did::verification_method(&key.public_key());
    if let Ok(signed) = tessera_ld::sign(&unsigned, &key, &method, "2026-01-01T00:00:00Z") {
        match tessera_ld::verify(&signed, &trusted, Some(1_800_000_000)) {
            Ok(_) | Err(LdError::IssuerMismatch { .. }) => {}
            Err(e) => panic!("signed, then refused: {e}"),
        }
    }
});
