//! Put the board's `memory.x` on the linker search path.
#![allow(clippy::expect_used)]
// Reason: a build script that cannot write its output must stop the build.

use std::path::PathBuf;

fn main() {
    let memory: &[u8] = if std::env::var_os("CARGO_FEATURE_NRF52840").is_some() {
        include_bytes!("memory-nrf52840.x")
    } else {
        include_bytes!("memory-mps2-an386.x")
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));
    std::fs::write(out.join("memory.x"), memory).expect("write memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory-nrf52840.x");
    println!("cargo:rerun-if-changed=memory-mps2-an386.x");
}
