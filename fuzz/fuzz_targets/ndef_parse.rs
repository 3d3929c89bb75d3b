//! Any card memory: parse the NDEF card image and verify what it holds;
//! every image we encode must parse back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::ndef::{card_image_len, encode_card_image, parse_card_image};
use tessera_core::{TrustStore, verify_card_image};

fuzz_target!(|data: &[u8]| {
    let _ = parse_card_image(data);
    let trust: TrustStore = TrustStore::new();
    let _ = verify_card_image(data, &[4, 1, 2, 3, 4, 5, 6], &trust, None, None);
    let mut image = vec![0u8; card_image_len(data.len())];
    if encode_card_image(data, &mut image).is_ok() {
        assert_eq!(parse_card_image(&image).expect("our image parses"), data);
    }
});
