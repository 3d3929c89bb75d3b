//! Any bytes as a badge: decode and verify against a trust store holding the
//! test issuer (seeds are real badges, so mutations reach the claims).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::{SigningKey, TrustStore, verify, verify_card};

fuzz_target!(|data: &[u8]| {
    let mut trust: TrustStore = TrustStore::new();
    if let Ok(key) = SigningKey::from_seed([1; 32]) {
        let _ = trust.add(key.public_key());
    }
    let _ = verify(data, &trust, Some(1_795_564_800), None);
    let _ = verify_card(data, &[4, 1, 2, 3, 4, 5, 6], &trust, None, None);
    if let Ok(m) = tessera_core::CoseSign1::from_slice(data) {
        let mut buf = [0u8; 2048];
        let _ = m.to_be_signed(&mut buf);
    }
});
