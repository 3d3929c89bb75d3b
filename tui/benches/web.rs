//! The web verifier against the native core, in one run: a site built by
//! the real `tessera` binary, the page in headless Chromium (through
//! `web/tests/browser.mjs`: the first verdict of a link, and the median of
//! 7 runs of 1,000 checks of a `.cbor` badge after a second of warm-up),
//! and, in this process by the same protocol, the same badge through
//! `tessera-core`'s compact backend (the issue's reference) and through
//! the page's own verifier code built natively. (Not criterion: the two
//! sides must be timed the same way, and the page's side cannot be.) The ratios go to stdout
//! and `target/web-vs-native.json`.
//!
//! Needs what the browser test needs: `bash web/build.sh`, Debian
//! `chromium`, `npm ci` in web/tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]
// Reason: benchmark harness.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tempfile::TempDir;
use tessera_core::{Backend, PublicKey, TrustStore, verify_with};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn tessera(home: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .env("TESSERA_HOME", home)
        .env_remove("TESSERA_PASSPHRASE")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tessera {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The site data the desk wrote into the page's `tessera-site` block.
fn site_data(site: &Path) -> String {
    let page = std::fs::read_to_string(site.join("index.html")).unwrap();
    let open = r#"<script type="application/json" id="tessera-site">"#;
    let start = page.find(open).unwrap() + open.len();
    let end = start + page[start..].find("</script>").unwrap();
    page[start..end].to_string()
}

/// The page's protocol, natively: a second of warm-up, then the median of
/// 7 runs of 1,000 calls (ms for 1,000 = µs a call).
fn median_us(mut f: impl FnMut()) -> f64 {
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_secs(1) {
        f();
    }
    let mut runs: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..1000 {
                f();
            }
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[3]
}

fn main() {
    let tmp = TempDir::new().unwrap();
    let desk = tmp.path().join("desk");
    tessera(
        &desk,
        &[
            "issue",
            "--recipient",
            "ada@example.org",
            "--achievement",
            "RUST-101",
            "--title",
            "Rust Fundamentals",
            "--json",
        ],
    );
    let cbor = tmp.path().join("badge-1.cbor");
    tessera(
        &desk,
        &[
            "export",
            "1",
            "--format",
            "cbor",
            "--out",
            cbor.to_str().unwrap(),
        ],
    );
    let link = String::from_utf8(tessera(&desk, &["export", "1", "--format", "qr-text"])).unwrap();
    let site = tmp.path().join("site");
    tessera(
        &desk,
        &[
            "site",
            "build",
            "--url",
            "https://badges.example.org/",
            "--out",
            site.to_str().unwrap(),
        ],
    );
    let badge = std::fs::read(&cbor).unwrap();
    let site_json = site_data(&site);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();

    // Native, in this process.
    let data: Value = serde_json::from_str(&site_json).unwrap();
    let mut trust: TrustStore<64> = TrustStore::new();
    for issuer in data["trust"].as_array().unwrap() {
        let key: [u8; 32] = hex::decode(issuer["key"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        trust.add(PublicKey::new(key).unwrap()).unwrap();
    }
    let page_verifier = tessera_web::verifier::Verifier::new(&site_json).unwrap();
    assert_eq!(page_verifier.check(&badge, now).verdict, "valid");
    let native_compact = || {
        median_us(|| {
            verify_with(Backend::Compact, black_box(&badge), &trust, Some(now), None).unwrap();
        })
    };
    // Before and after the browser run: this machine's speed drifts by tens
    // of percent within minutes, so the ratio is to the mean of the two.
    let compact_before = native_compact();
    let native_page = median_us(|| {
        black_box(page_verifier.check(black_box(&badge), now));
    });

    // The page, in Chromium.
    let bench_out = tmp.path().join("bench.json");
    let config = json!({
        "site": site,
        "screenshot": null,
        "bench_out": bench_out,
        "bench_input": cbor,
        "cases": [{
            "name": "valid link",
            "via": "http",
            "fragment": link.trim(),
            "expect": {"verdict": "valid"},
        }],
    });
    let cases = tmp.path().join("cases.json");
    std::fs::write(&cases, serde_json::to_vec(&config).unwrap()).unwrap();
    let status = Command::new("node")
        .arg("web/tests/browser.mjs")
        .arg(&cases)
        .current_dir(root())
        .status()
        .expect("node (see web/README.md)");
    assert!(status.success(), "the browser run failed");
    let compact_after = native_compact();
    let compact = f64::midpoint(compact_before, compact_after);
    let page: Value = serde_json::from_slice(&std::fs::read(&bench_out).unwrap()).unwrap();
    let in_page = page["per_check_us_median"].as_f64().unwrap();
    let report = json!({
        "page": page,
        "native_core_verify_compact_us": compact,
        "native_core_verify_compact_us_before_after": [compact_before, compact_after],
        "native_page_verifier_check_us": native_page,
        "page_check_over_native_compact": in_page / compact,
        "page_check_over_native_page_verifier": in_page / native_page,
    });
    println!(
        "web verifier: {in_page:.1} µs a check in the page (median of 7 × 1,000), native compact backend {compact:.1} µs ({compact_before:.1} before, {compact_after:.1} after): {:.2}×; the page's verifier natively {native_page:.1} µs: {:.2}×; first verdict {} ms; module {} B gzipped",
        in_page / compact,
        in_page / native_page,
        page["first_verdict_ms"],
        page["wasm_gzip_bytes"],
    );
    let out = root().join("target/web-vs-native.json");
    std::fs::write(&out, serde_json::to_vec_pretty(&report).unwrap()).unwrap();
    println!("written to {}", out.display());
}
