//! Any bytes as a bulk-issue CSV: the dry run must report, never panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tessera_desk::Desk;

fn desk() -> &'static std::sync::Mutex<Desk> {
    static DESK: OnceLock<std::sync::Mutex<Desk>> = OnceLock::new();
    DESK.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("tessera-fuzz-csv-{}", std::process::id()));
        std::sync::Mutex::new(Desk::open_or_demo(&dir).expect("a desk in the temp dir"))
    })
}

fuzz_target!(|data: &[u8]| {
    let desk = desk().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let _ = desk.check_bulk_csv(data);
});
