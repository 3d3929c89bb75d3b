//! Any text as scanned QR text; every badge we encode must decode back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = tessera_desk::qr::from_text(text);
    }
    let text = tessera_desk::qr::to_text(data);
    if let Ok(bytes) = tessera_desk::qr::from_text(&text) {
        assert_eq!(bytes, data);
    }
});
