// Tessera patch: on platforms with pcsc-lite the library is loaded when
// first used (src/dynamic.rs), so nothing is linked and nothing is probed
// here; Windows and macOS link their built-in PC/SC as released.
use std::env;

fn main() {
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    match &*target_os {
        "windows" => println!("cargo:rustc-link-lib=dylib=winscard"),
        "macos" => println!("cargo:rustc-link-lib=framework=PCSC"),
        _ => {}
    }
    println!("cargo:rerun-if-changed=build.rs");
}
