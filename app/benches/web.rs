//! The web verifier against the native core, in one run: a site built by
//! the real `tessera` binary, the page in headless Chromium (through
//! `web/tests/browser.mjs`: the first verdict of a link, the median of five
//! cold loads, and the median of 7 runs of 1,000 checks of a `.cbor` badge
//! after a second of warm-up), and, in this process by the same protocol,
//! the same badge through `tessera-core`'s compact backend (the issue's
//! reference) just before and just after each browser run, and through the
//! page's own verifier code built natively. Three rounds: the ratio of the
//! median round, the first verdict as the median of every round's cold
//! loads; all of it goes to stdout and `target/web-vs-native.json`.
//! (Not criterion: the two sides must be timed the same way, and the
//! page's side cannot be.)
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

/// Rounds of (native, browser, native).
const ROUNDS: usize = 3;

/// `[a, b, c]` with `digits` decimals.
fn show(xs: &[f64], digits: usize) -> String {
    let items: Vec<String> = xs.iter().map(|x| format!("{x:.digits$}")).collect();
    format!("[{}]", items.join(", "))
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
    assert_eq!(page_verifier.check(&badge, now).verdict.code(), "valid");
    let native_compact = || {
        median_us(|| {
            verify_with(Backend::Compact, black_box(&badge), &trust, Some(now), None).unwrap();
        })
    };
    let native_page = median_us(|| {
        black_box(page_verifier.check(black_box(&badge), now));
    });

    // The page, in Chromium: three rounds, each with the native core
    // measured just before and just after (this machine's speed drifts by
    // tens of percent within minutes, so each round's ratio is to the mean
    // of its two), and the median round reported.
    let config = json!({
        "site": site,
        "screenshot": null,
        "bench_out": tmp.path().join("bench.json"),
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
    let mut rounds: Vec<Value> = (0..ROUNDS)
        .map(|_| {
            let before = native_compact();
            let status = Command::new("node")
                .arg("web/tests/browser.mjs")
                .arg(&cases)
                .current_dir(root())
                .status()
                .expect("node (see web/README.md)");
            assert!(status.success(), "the browser run failed");
            let after = native_compact();
            let page: Value =
                serde_json::from_slice(&std::fs::read(tmp.path().join("bench.json")).unwrap())
                    .unwrap();
            let compact = f64::midpoint(before, after);
            let in_page = page["per_check_us_median"].as_f64().unwrap();
            json!({
                "page": page,
                "native_core_verify_compact_us": compact,
                "native_core_verify_compact_us_before_after": [before, after],
                "page_check_over_native_compact": in_page / compact,
            })
        })
        .collect();
    let ratio = |r: &Value| r["page_check_over_native_compact"].as_f64().unwrap();
    let ratios: Vec<f64> = rounds.iter().map(ratio).collect();
    // Every cold load of every round, and the median of them all.
    let loads = |key: &str| -> Vec<f64> {
        let mut all: Vec<f64> = rounds
            .iter()
            .flat_map(|r| r["page"][key].as_array().unwrap().clone())
            .map(|v| v.as_f64().unwrap())
            .collect();
        all.sort_by(f64::total_cmp);
        all
    };
    let median = |xs: &[f64]| xs[xs.len() / 2];
    let first_verdicts = loads("first_verdict_ms_all");
    let drawn = loads("first_verdict_drawn_ms_all");
    let floors: Vec<f64> = rounds
        .iter()
        .map(|r| r["page"]["floor_ms"].as_f64().unwrap())
        .collect();
    rounds.sort_by(|a, b| ratio(a).total_cmp(&ratio(b)));
    let middle = &rounds[ROUNDS / 2];
    let in_page = middle["page"]["per_check_us_median"].as_f64().unwrap();
    let compact = middle["native_core_verify_compact_us"].as_f64().unwrap();
    let report = json!({
        "median_round": middle,
        "rounds": rounds,
        "page_check_over_native_compact_rounds": ratios,
        "first_verdict_ms_median_of_all_loads": median(&first_verdicts),
        "first_verdict_ms_all_loads": first_verdicts,
        "first_verdict_drawn_ms_median_of_all_loads": median(&drawn),
        "first_verdict_drawn_ms_all_loads": drawn,
        "floor_ms_rounds": floors,
        "native_page_verifier_check_us": native_page,
        "page_check_over_native_page_verifier": in_page / native_page,
    });
    println!(
        "web verifier, median of {ROUNDS} rounds: {in_page:.1} µs a check in the page (median of 7 × 1,000), native compact backend {compact:.1} µs: {:.2}× (rounds {}); the page's verifier natively {native_page:.1} µs; first verdict (median of {} cold loads) {:.1} ms, drawn {:.1} ms (range {:.1}–{:.1} / {:.1}–{:.1}; empty page's floor {}); module {} B gzipped",
        in_page / compact,
        show(&ratios, 2),
        first_verdicts.len(),
        median(&first_verdicts),
        median(&drawn),
        first_verdicts[0],
        first_verdicts[first_verdicts.len() - 1],
        drawn[0],
        drawn[drawn.len() - 1],
        show(&floors, 1),
        middle["page"]["wasm_gzip_bytes"],
    );
    // The same page carrying the status lists of a desk of 1,000,000 and
    // of 10,000,000 badges (one key, every serial, 0.1 % revoked): one
    // browser run each of fifteen cold loads, the first verdict of the same
    // link.
    let mut report = report;
    let keys = tessera_desk::Desk::open(&desk)
        .unwrap()
        .unlock(&mut || None)
        .unwrap();
    for n in [1_000_000u32, 10_000_000] {
        let lists = tessera_desk::KeyStatuses {
            range: Some((1, n)),
            revoked: (1..=n).filter(|s| s % 1000 == 7).collect(),
            suspended: Vec::new(),
            compromised_since: None,
        }
        .sign(keys.active(), now)
        .unwrap();
        let big = tmp.path().join(format!("site-{n}"));
        std::fs::create_dir_all(&big).unwrap();
        for f in ["index.html", "tessera_web_bg.wasm"] {
            std::fs::copy(site.join(f), big.join(f)).unwrap();
        }
        let mut data: Value = serde_json::from_str(&site_json).unwrap();
        let (store, _) = tessera_desk::Desk::open(&desk)
            .unwrap()
            .trust_store()
            .unwrap();
        data["compact_lists"] = lists
            .iter()
            .map(|l| {
                serde_json::to_value(
                    tessera_web::verifier::CompactList::from_signed(l, &store).unwrap(),
                )
                .unwrap()
            })
            .collect();
        let page = std::fs::read_to_string(big.join("index.html"))
            .unwrap()
            .replacen(&site_json, &data.to_string(), 1);
        std::fs::write(big.join("index.html"), &page).unwrap();
        let mut config = config.clone();
        config["site"] = json!(big);
        // Fifteen cold loads (the baseline's count: three rounds of five),
        // with the empty page's floor measured in the same run.
        config["cold_loads"] = json!(15);
        let cases = tmp.path().join(format!("cases-{n}.json"));
        std::fs::write(&cases, serde_json::to_vec(&config).unwrap()).unwrap();
        let status = Command::new("node")
            .arg("web/tests/browser.mjs")
            .arg(&cases)
            .current_dir(root())
            .status()
            .expect("node (see web/README.md)");
        assert!(
            status.success(),
            "the browser run with {n} badges' lists failed"
        );
        let page_bench: Value =
            serde_json::from_slice(&std::fs::read(tmp.path().join("bench.json")).unwrap()).unwrap();
        let mut v: Vec<f64> = page_bench["first_verdict_ms_all"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        v.sort_by(f64::total_cmp);
        let floor = page_bench["floor_ms"].as_f64().unwrap_or(f64::NAN);
        println!(
            "with the status lists of a {n}-badge desk ({} lists, page {} B): first verdict (median of {} cold loads) {:.1} ms, drawn {:.1} ms; the empty page's floor in the same run {floor:.1} ms, so {:.1} ms beyond it",
            lists.len(),
            page.len(),
            v.len(),
            median(&v),
            page_bench["first_verdict_drawn_ms"]
                .as_f64()
                .unwrap_or(f64::NAN),
            median(&v) - floor,
        );
        report[format!("first_verdict_ms_with_lists_of_{n}_badges")] = json!(median(&v));
        report[format!("floor_ms_with_lists_of_{n}_badges")] = json!(floor);
        report[format!("page_bytes_with_lists_of_{n}_badges")] = json!(page.len());
    }
    let out = root().join("target/web-vs-native.json");
    std::fs::write(&out, serde_json::to_vec_pretty(&report).unwrap()).unwrap();
    println!("written to {}", out.display());
}
