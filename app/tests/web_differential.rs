//! The web page's verifier (`tessera-web`, here compiled natively; the
//! browser test runs the WebAssembly build) gives the desk's verdict on the
//! whole input: over the fuzz seed corpora, this desk's own badges in every
//! format (an unsigned JSON credential and a relabelled one among them),
//! and every single-byte change of each.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use std::path::Path;

use tempfile::TempDir;
use tessera_desk::{Clock, Desk, ExportFormat, IssueRequest};
use tessera_web::verifier::{BadgeView, Report, Verifier};

/// The report the page must give: the desk's on the whole input (one
/// pipeline, `tessera_formats::verdict`: the same verdict, reason and badge,
/// a VC-JWT's signature and claims, a credential that must say what its
/// badge says), less what only the desk knows (the recipient in its
/// ledger), except for a credential with a Data Integrity proof, which the
/// page cannot check and says so (`not_checked`), never VALID.
fn expected_page_report(desk: &Desk, input: &[u8]) -> Comparable {
    if tessera_formats::credential::json_in(input).is_some_and(|c| c.get("proof").is_some()) {
        return Comparable {
            verdict: "not_checked",
            rest: None,
        };
    }
    comparable(&desk.check(input, None, None).unwrap())
}

/// What desk and page must agree on.
#[derive(Debug, PartialEq)]
struct Comparable {
    verdict: &'static str,
    /// The reason, DEMO label, how it came and the badge (without the
    /// desk's recipient); `None` where the page cannot check the file.
    rest: Option<(String, bool, Option<&'static str>, Option<BadgeView>)>,
}

fn comparable(r: &Report) -> Comparable {
    if r.verdict.code() == "not_checked" {
        return Comparable {
            verdict: "not_checked",
            rest: None,
        };
    }
    let badge = r.badge.clone().map(|b| BadgeView {
        recipient: None,
        ..b
    });
    Comparable {
        verdict: r.verdict.code(),
        rest: Some((r.reason.clone(), r.demo, r.via.map(|v| v.code()), badge)),
    }
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
    // The same credential without its proof (unsigned JSON), relabelled,
    // and its VC-JWT unsigned (`alg: none`) and relabelled: what each must
    // read on the page, with the desk agreeing below.
    let signed: serde_json::Value = serde_json::from_slice(
        &desk
            .export(good.serial, ExportFormat::Ob3Json, Some(&key))
            .unwrap(),
    )
    .unwrap();
    let mut unsigned = signed.clone();
    unsigned.as_object_mut().unwrap().remove("proof");
    let mut relabelled = unsigned.clone();
    relabelled["name"] = "Rust Grandmaster".into();
    let jwt = String::from_utf8(
        desk.export(good.serial, ExportFormat::VcJwt, Some(&key))
            .unwrap(),
    )
    .unwrap();
    let parts: Vec<&str> = jwt.trim().split('.').collect();
    use base64::Engine as _;
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let none_header = url.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let mut payload: serde_json::Value =
        serde_json::from_slice(&url.decode(parts[1]).unwrap()).unwrap();
    payload["name"] = "Rust Grandmaster".into();
    let relabelled_payload = url.encode(serde_json::to_vec(&payload).unwrap());
    let pinned: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "signed JSON",
            signed.to_string().into_bytes(),
            "not_checked",
        ),
        ("unsigned JSON", unsigned.to_string().into_bytes(), "valid"),
        (
            "relabelled unsigned JSON",
            relabelled.to_string().into_bytes(),
            "forged",
        ),
        (
            "alg none VC-JWT",
            format!("{none_header}.{}.", parts[1]).into_bytes(),
            "forged",
        ),
        (
            "relabelled VC-JWT",
            format!("{}.{relabelled_payload}.{}", parts[0], parts[2]).into_bytes(),
            "forged",
        ),
        ("VC-JWT", jwt.clone().into_bytes(), "valid"),
        (
            "baked VC-JWT",
            desk.export(good.serial, ExportFormat::BakedPngJwt, Some(&key))
                .unwrap(),
            "valid",
        ),
    ];
    for (name, bytes, verdict) in pinned {
        assert_eq!(
            web.check(&bytes, u64::try_from(Clock::System.now()).unwrap())
                .verdict
                .code(),
            verdict,
            "{name}"
        );
        inputs.push((name.to_string(), bytes));
    }
    // The page and the desk judge at one instant: the desk's clock fixed.
    let now = Clock::System.now();
    let desk = desk.with_clock(Clock::Fixed(now));
    let t = u64::try_from(now).unwrap();
    let mut all: Vec<(String, Vec<u8>, (String, String))> = Vec::new();
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
            let report = web.check(&bytes, t);
            let page = comparable(&report);
            let desk = expected_page_report(&desk, &bytes);
            assert_eq!(
                page, desk,
                "{name}, byte {at} changed: the page (left) and the desk (right) differ"
            );
            *kinds.entry(page.verdict).or_insert(0usize) += 1;
            compared += 1;
            // The module hands the page every text inert.
            let said = (
                page.verdict.to_string(),
                tessera_formats::text::inert(&report.reason).into_owned(),
            );
            all.push((format!("{name}, byte {at} changed"), bytes, said));
        }
    }
    eprintln!("{compared} inputs: page and desk give the same report ({kinds:?})");

    // The same inputs through the WebAssembly build (web/dist), in Node.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = root.join("web/dist");
    assert!(
        dist.join("tessera_web_bg.wasm").exists(),
        "web/dist is not built: run `bash web/build.sh` (`bash .ci/test` does)"
    );
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
    let wasm: Vec<(String, String)> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(wasm.len(), all.len());
    for ((name, _, native), wasm) in all.iter().zip(&wasm) {
        assert_eq!(native, wasm, "{name}: native (left), WebAssembly (right)");
    }
    eprintln!(
        "{} inputs: the WebAssembly build gives the same verdict and reason",
        wasm.len()
    );
    assert!(kinds.contains_key("valid") && kinds.contains_key("revoked"));
    assert!(kinds.contains_key("forged") && kinds.contains_key("unreadable"));
}
