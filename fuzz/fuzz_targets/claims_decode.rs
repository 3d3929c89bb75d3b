//! Any bytes as a claims payload (the decoder behind the signature check),
//! and every successful decode must re-encode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::BadgeClaims;

fuzz_target!(|data: &[u8]| {
    if let Ok(claims) = BadgeClaims::decode(data, 0) {
        let mut out = [0u8; 2048];
        let n = claims.encode(&mut out).expect("decoded claims re-encode");
        let again = BadgeClaims::decode(&out[..n], 0).expect("re-encoded claims decode");
        assert_eq!(again, claims);
    }
});
