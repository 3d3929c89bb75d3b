//! Any bytes through the desk's whole check path (issue 6's inputs: baked
//! PNG, VC-JWT, Open Badges JSON, besides card dumps, .cbor and QR text):
//! a verdict always, never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tessera_desk::Desk;

fn desk() -> &'static std::sync::Mutex<Desk> {
    static DESK: OnceLock<std::sync::Mutex<Desk>> = OnceLock::new();
    DESK.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("tessera-fuzz-shared-{}", std::process::id()));
        std::sync::Mutex::new(Desk::open_or_demo(&dir).expect("a desk in the temp dir"))
    })
}

fuzz_target!(|data: &[u8]| {
    let desk = desk().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // Tag dumps (page 0, Flipper .nfc) come through this path too. A desk
    // failure (its ledger) would be an Err; bad input is always a verdict.
    let verdict = desk.check(data, None, None).expect("a verdict, not a desk failure");
    assert!(!verdict.reason.is_empty());
    let _ = tessera_desk::reader::dump::parse(data);
    let _ = tessera_desk::share::unbake(data);
});
