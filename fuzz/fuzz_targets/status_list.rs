//! Any bytes as a status list: decode, verify and query.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::{SigningKey, StatusList, TrustStore};

fuzz_target!(|data: &[u8]| {
    let mut trust: TrustStore = TrustStore::new();
    if let Ok(key) = SigningKey::from_seed([1; 32]) {
        let _ = trust.add(key.public_key());
    }
    if let Ok(list) = StatusList::verify(data, &trust, Some(1_795_564_800)) {
        for serial in [0, 1, list.first(), list.first().wrapping_add(list.count()), u32::MAX] {
            let _ = list.is_revoked(serial);
        }
        let _ = list.revoked_count();
    }
});
