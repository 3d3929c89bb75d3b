//! The web page's verifier (`tessera-web`, here compiled natively; the
//! browser test runs the WebAssembly build) gives the desk's verdict: over
//! the fuzz seed corpora, this desk's own badges in every format, and every
//! single-byte change of each.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use std::path::Path;

use tempfile::TempDir;
use tessera_formats::input::Via;
use tessera_tui::desk::{Desk, ExportFormat, IssueRequest, now};
use tessera_web::verifier::Verifier;

/// The verdict the desk gives for what the page judges: the compact badge
/// (for a credential, the desk also checks the JWT signature and that the
/// JSON says what the badge says; the page shows only the badge's fields).
fn desk_verdict(desk: &Desk, input: &[u8]) -> &'static str {
    let judged = match tessera_formats::classify(input) {
        Ok(found) if matches!(found.via, Via::VcJwt | Via::Ob3Json | Via::BakedPng) => found.badge,
        // No badge found in a credential: the page says NOT A BADGE, the desk
        // may say more about a VC-JWT around it (its signer, its signature).
        Err(tessera_formats::input::InputError::Shared(_)) => return "unreadable",
        _ => input.to_vec(),
    };
    desk.check(&judged, None, None).unwrap().verdict.code()
}

#[test]
fn the_page_gives_the_desks_verdict_on_every_input_and_every_byte_change() {
    let home = TempDir::new().unwrap();
    let mut desk = Desk::open_or_demo(home.path()).unwrap();
    let key = desk.signing_key(&mut || None).unwrap();
    let req = |who: &str| IssueRequest {
        recipient: who.into(),
        achievement: "RUST-101".into(),
        title: Some("Rust Fundamentals".into()),
        evidence: Some("https://example.org/e/1".into()),
        level: Some(2),
        ..IssueRequest::default()
    };
    let good = desk.issue(&key, &req("ada@example.org")).unwrap();
    let revoked = desk.issue(&key, &req("bob@example.org")).unwrap();
    let keys = desk.unlock(&mut || None).unwrap();
    desk.revoke(&keys, revoked.serial, "exam retaken").unwrap();
    let site = desk.site_data(&keys, None).unwrap();
    let web = Verifier::new(&serde_json::to_string(&site).unwrap()).unwrap();

    let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds");
    for dir in std::fs::read_dir(&seeds).unwrap() {
        for f in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = f.unwrap().path();
            inputs.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    for (serial, name) in [(good.serial, "valid"), (revoked.serial, "revoked")] {
        for format in [ExportFormat::Cbor, ExportFormat::Ndef, ExportFormat::QrText] {
            // Revoked badges are not shared: their card formats are.
            if let Ok(bytes) = desk.export(serial, format, Some(&key)) {
                inputs.push((format!("{name} {format}"), bytes));
            }
        }
    }
    for format in [
        ExportFormat::Ob3Json,
        ExportFormat::VcJwt,
        ExportFormat::BakedPng,
    ] {
        let bytes = desk.export(good.serial, format, Some(&key)).unwrap();
        inputs.push((format!("valid {format}"), bytes));
    }
    let t = u64::try_from(now()).unwrap();
    let mut all: Vec<(String, Vec<u8>, &'static str)> = Vec::new();
    let mut compared = 0usize;
    let mut kinds = std::collections::BTreeMap::new();
    for (name, input) in &inputs {
        // Every byte of small inputs, a spread of the large ones.
        let step = (input.len() / 150).max(1);
        let mutations = (0..input.len()).step_by(step).map(|i| {
            let mut m = input.clone();
            m[i] ^= 0x01;
            (i, m)
        });
        for (at, bytes) in std::iter::once((usize::MAX, input.clone())).chain(mutations) {
            let page = web.check(&bytes, t).verdict;
            let desk = desk_verdict(&desk, &bytes);
            assert_eq!(
                page, desk,
                "{name}, byte {at} changed: the page says {page}, the desk {desk}"
            );
            *kinds.entry(page).or_insert(0usize) += 1;
            compared += 1;
            all.push((format!("{name}, byte {at} changed"), bytes, page));
        }
    }
    eprintln!("{compared} inputs: page and desk agree ({kinds:?})");

    // The same inputs through the WebAssembly build (web/dist), in Node.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = root.join("web/dist");
    assert!(
        dist.join("tessera_web_bg.wasm").exists(),
        "web/dist is not built: run `bash web/build.sh` (`bash .ci/test` does)"
    );
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let file = home.path().join("inputs.json");
    std::fs::write(
        &file,
        serde_json::to_vec(&serde_json::json!({
            "site": site,
            "now": t,
            "inputs": all.iter().map(|(_, b, _)| b64.encode(b)).collect::<Vec<_>>(),
        }))
        .unwrap(),
    )
    .unwrap();
    let out = std::process::Command::new("node")
        .arg(root.join("web/tests/differential.mjs"))
        .arg(&dist)
        .arg(&file)
        .output()
        .expect("node is needed (`bash .ci/test` checks for it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wasm: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(wasm.len(), all.len());
    for ((name, _, native), wasm) in all.iter().zip(&wasm) {
        assert_eq!(native, wasm, "{name}: native {native}, WebAssembly {wasm}");
    }
    eprintln!("{} inputs: the WebAssembly build agrees", wasm.len());
    assert!(kinds.contains_key("valid") && kinds.contains_key("revoked"));
    assert!(kinds.contains_key("forged") && kinds.contains_key("unreadable"));
}
