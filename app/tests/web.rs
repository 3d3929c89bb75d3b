//! The offline web verifier as a user meets it: a desk issues, exports and
//! revokes badges, builds the site with `tessera site build`, and the page
//! is opened in headless Chromium (web/tests/browser.mjs, playwright-core)
//! over http and from file:// to check links, files, pasted QR text and the
//! holder, in English and Portuguese, making no network request after load.
//! Also writes target/web-verdict.png (a screenshot) and
//! target/web-bench.json (time to the first verdict, checks per second,
//! module size).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

mod common;
use common::tessera;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use serde_json::{Value, json};
use tempfile::TempDir;

/// What to do when the browser tests cannot run: they fail, never skip.
const INSTALL: &str = "run `bash .ci/test`, which installs chromium and runs npm ci in web/tests \
     (by hand: `apt-get install -y chromium`, then `npm ci` in web/tests; \
     Node.js 20 or later must be on PATH)";

/// Base45's alphabet (RFC 9285), in value order.
const BASE45: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `tessera issue ... --json`.
fn issue(home: &Path, recipient: &str, achievement: &str, title: &str) -> Value {
    let out = tessera(home)
        .args([
            "issue",
            "--recipient",
            recipient,
            "--achievement",
            achievement,
        ])
        .args(["--title", title, "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

/// `tessera export SERIAL --format qr-text`: `TSR1:...` without the newline.
fn qr_text(home: &Path, serial: u64) -> String {
    let out = tessera(home)
        .args(["export", &serial.to_string(), "--format", "qr-text"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("TSR1:"), "qr-text export: {text:?}");
    assert!(text.ends_with('\n'), "qr-text export: {text:?}");
    text.trim_end().to_string()
}

/// `tessera export SERIAL --format FORMAT --out FILE`.
fn export_file(home: &Path, serial: u64, format: &str, out: &Path) {
    tessera(home)
        .args(["export", &serial.to_string(), "--format", format])
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    assert!(
        std::fs::metadata(out).unwrap().len() > 0,
        "{format} export is empty"
    );
}

/// The desk's own verdict (first line of `tessera verify -`) for QR text.
fn desk_verdict(home: &Path, text: &str) -> String {
    let out = tessera(home)
        .args(["verify", "-"])
        .write_stdin(format!("{text}\n"))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The link with one base45 character changed in the middle (position 30
/// or later of the base45 text) so that the desk calls it FORGED: the
/// first character of a 3-character group is lowered by one (or 0 made 1),
/// which keeps the group a valid base45 value but changes the bytes.
fn forge(home: &Path, link: &str) -> String {
    let body = link.strip_prefix("TSR1:").unwrap().as_bytes();
    let mut pos = (body.len() / 2).max(30) / 3 * 3;
    while pos + 3 <= body.len() {
        let value = BASE45.iter().position(|&c| c == body[pos]).unwrap();
        let mut forged = body.to_vec();
        forged[pos] = BASE45[if value == 0 { 1 } else { value - 1 }];
        let forged = format!("TSR1:{}", String::from_utf8(forged).unwrap());
        if desk_verdict(home, &forged).starts_with("FORGED") {
            return forged;
        }
        pos += 3;
    }
    panic!("no one-character change of the link from position 30 on is FORGED at the desk: {link}");
}

/// The browser tests need node, chromium and web/tests/node_modules.
fn check_tools(root: &Path) {
    let node = StdCommand::new("node")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let Some(version) = node else {
        panic!("`node` is not on PATH: {INSTALL}");
    };
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    assert!(major >= 20, "node {version} is too old: {INSTALL}");
    let chromium = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        chromium.exists(),
        "{} is missing: {INSTALL}",
        chromium.display()
    );
    assert!(
        root.join("web/tests/node_modules/playwright-core/package.json")
            .exists(),
        "web/tests/node_modules has no playwright-core: {INSTALL}"
    );
}

fn case(name: &str, via: &str, input: (&str, Value), expect: Value) -> Value {
    let mut c = json!({
        "name": name, "via": via, "fragment": null, "file": null, "paste": null,
        "holder": null, "locale": null,
        "expect": {
            "verdict": null, "reason_contains": null, "serial": null, "demo": null,
            "belongs": null, "holder_error": null, "lang": null,
        },
    });
    c[input.0] = input.1;
    for (k, v) in expect.as_object().unwrap() {
        c["expect"][k] = v.clone();
    }
    c
}

/// Copy a child's output lines to ours as they come (so a hang shows
/// where it is with --nocapture, and the test log has every line).
fn forward(stream: impl Read + Send + 'static, err: bool) -> std::thread::JoinHandle<Vec<String>> {
    std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if err {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
            lines.push(line);
        }
        lines
    })
}

#[test]
fn the_web_verifier_checks_links_files_and_holders_offline_in_a_browser() {
    let root = workspace();
    check_tools(&root);
    let tmp = TempDir::new().unwrap();
    let desk = tmp.path().join("lyon");
    let other = tmp.path().join("other");
    let files = tmp.path().join("files");
    std::fs::create_dir_all(&files).unwrap();

    // Lyon's desk (its labelled demo issuer, made on first run): Ada's badge
    // in every shared form, and a second badge, exported, then revoked.
    let ada = issue(&desk, "ada@example.org", "RUST-101", "Rust Fundamentals");
    assert_eq!(ada["serial"], 1);
    let claim_code = ada["claim_code"].as_str().unwrap().to_string();
    let link = qr_text(&desk, 1);
    let png = files.join("badge-1.png");
    let ob3 = files.join("badge-1.json");
    let jwt_png = files.join("badge-1-jwt.png");
    let cbor = files.join("badge-1.cbor");
    export_file(&desk, 1, "baked-png", &png);
    export_file(&desk, 1, "baked-png-jwt", &jwt_png);
    export_file(&desk, 1, "ob3-json", &ob3);
    export_file(&desk, 1, "cbor", &cbor);
    // Ada's badge bound to a card (what `tessera card write` puts on it),
    // for the Web NFC reads below.
    let bound = files.join("badge-1-bound.cbor");
    {
        let d = tessera_desk::Desk::open_at(&desk, None).unwrap();
        let key = d.card_key(1, &mut || None).unwrap();
        let (cose, _) = d
            .card_bound_badge(1, &[0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66], &key)
            .unwrap();
        std::fs::write(&bound, cose.unwrap()).unwrap();
    }
    let bob = issue(&desk, "bob@example.org", "RUST-101", "Rust Fundamentals");
    assert_eq!(bob["serial"], 2);
    let revoked_link = qr_text(&desk, 2);
    tessera(&desk)
        .args(["revoke", "2", "--reason", "exam retaken"])
        .assert()
        .success();
    assert!(desk_verdict(&desk, &revoked_link).starts_with("REVOKED"));
    let forged_link = forge(&desk, &link);

    // Another desk, whose issuer Lyon does not know.
    issue(&other, "eve@example.org", "RUST-101", "Rust Fundamentals");
    let stranger_link = qr_text(&other, 1);
    assert!(desk_verdict(&desk, &stranger_link).starts_with("UNKNOWN ISSUER"));

    let site = tmp.path().join("site");
    tessera(&desk)
        .args([
            "site",
            "build",
            "--url",
            "https://badges.example.org/",
            "--out",
        ])
        .arg(&site)
        .assert()
        .success();

    // The candidate's share kit: the claim sheet says the claim code and
    // the serial, and its QR code is the verification link.
    let kit = tmp.path().join("kit");
    tessera(&desk)
        .args(["share", "1", "--out"])
        .arg(&kit)
        .assert()
        .success();
    let sheet = kit.join("claim-sheet-1-a4.pdf");
    let text = StdCommand::new("pdftotext")
        .arg(&sheet)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils; `bash .ci/test` installs it)");
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(
        text.contains(&claim_code) && text.contains("serial 1"),
        "{text}"
    );
    let page = tmp.path().join("sheet");
    assert!(
        StdCommand::new("pdftoppm")
            .args(["-r", "150", "-png", "-singlefile"])
            .arg(&sheet)
            .arg(&page)
            .status()
            .unwrap()
            .success()
    );
    // QR codes only: the sheet's printed text can read as a short 1-D
    // barcode to zbar's other decoders (a CI run once got "C78D" beside
    // the link).
    let scanned = StdCommand::new("zbarimg")
        .args(["-q", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(page.with_extension("png"))
        .output()
        .expect("zbarimg (Debian zbar-tools; `bash .ci/test` installs it)");
    let sheet_link = String::from_utf8_lossy(&scanned.stdout).trim().to_string();
    let share_txt = std::fs::read_to_string(kit.join("share.txt")).unwrap();
    assert!(
        sheet_link.starts_with("https://badges.example.org/#TSR1:")
            && share_txt.contains(&sheet_link),
        "{sheet_link}"
    );
    // The harness takes QR text and encodes it as a link does.
    let sheet_fragment =
        percent_encoding::percent_decode_str(sheet_link.split_once('#').unwrap().1)
            .decode_utf8()
            .unwrap()
            .into_owned();
    assert!(sheet_fragment.starts_with("TSR1:"));

    let frag = |s: &str| ("fragment", json!(s));
    let file = |p: &Path| ("file", json!(p));
    let valid = json!({"verdict": "valid", "serial": "1", "demo": true});
    let holder = |identity: &str, code: &str| json!({"identity": identity, "code": code});
    let mut cases = vec![
        case(
            "valid link (http)",
            "http",
            frag(&link),
            json!({"verdict": "valid", "serial": "1", "demo": true, "lang": "en"}),
        ),
        case("valid link (file://)", "file", frag(&link), valid.clone()),
        case(
            "forged link (one character changed)",
            "http",
            frag(&forged_link),
            json!({"verdict": "forged"}),
        ),
        case(
            "revoked badge's link",
            "http",
            frag(&revoked_link),
            json!({"verdict": "revoked", "serial": "2", "reason_contains": "exam retaken"}),
        ),
        case(
            "another desk's badge",
            "http",
            frag(&stranger_link),
            json!({"verdict": "unknown_issuer"}),
        ),
        // A credential's Data Integrity proof is beyond the page's module:
        // it says so, and never VALID on a signature it did not check.
        case(
            "baked badge PNG with a Data Integrity proof (file)",
            "http",
            file(&png),
            json!({"verdict": "not_checked", "reason_contains": "cannot check"}),
        ),
        case(
            "Open Badges 3.0 JSON (file, from file://)",
            "file",
            file(&ob3),
            json!({"verdict": "not_checked"}),
        ),
        // Web NFC: the card-bound badge on its own card, on a copy, and
        // from a browser that gives no serial number.
        case(
            "card-bound badge read by Web NFC from its card",
            "http",
            (
                "nfc",
                json!({"record": bound, "serial": "04:11:22:33:44:55:66"}),
            ),
            json!({"verdict": "valid", "reason_contains": "on the card it was issued for"}),
        ),
        case(
            "card-bound badge copied to another card (Web NFC)",
            "http",
            (
                "nfc",
                json!({"record": bound, "serial": "04:aa:bb:cc:dd:ee:ff"}),
            ),
            json!({"verdict": "forged"}),
        ),
        case(
            "card-bound badge, Web NFC without a serial number",
            "http",
            ("nfc", json!({"record": bound, "serial": null})),
            json!({"verdict": "valid", "reason_contains": "check the card itself"}),
        ),
        // A VC-JWT's signature it checks.
        case(
            "baked badge PNG with the VC-JWT (file)",
            "http",
            file(&jwt_png),
            valid.clone(),
        ),
        case(
            "pasted QR text",
            "http",
            ("paste", json!(format!("{link}\n"))),
            valid.clone(),
        ),
        case(
            "holder: right identity and claim code",
            "http",
            frag(&link),
            json!({"verdict": "valid", "belongs": true}),
        ),
        case(
            "holder: wrong identity",
            "http",
            frag(&link),
            json!({"verdict": "valid", "belongs": false}),
        ),
        case(
            "holder: malformed claim code",
            "http",
            frag(&link),
            json!({"verdict": "valid", "holder_error": true}),
        ),
        case(
            "valid link in Portuguese (pt-BR)",
            "http",
            frag(&link),
            json!({"verdict": "valid", "serial": "1", "demo": true, "lang": "pt"}),
        ),
    ];
    cases.push(case(
        "the claim sheet's QR code opens the badge",
        "file",
        frag(&sheet_fragment),
        valid.clone(),
    ));
    let mut set = |name: &str, field: &str, value: Value| {
        let c = cases.iter_mut().find(|c| c["name"] == name).unwrap();
        c[field] = value;
    };
    set(
        "holder: right identity and claim code",
        "holder",
        holder("ada@example.org", &claim_code),
    );
    set(
        "holder: wrong identity",
        "holder",
        holder("bob@example.org", &claim_code),
    );
    set(
        "holder: malformed claim code",
        "holder",
        holder("ada@example.org", "1234"),
    );
    set("valid link in Portuguese (pt-BR)", "locale", json!("pt-BR"));

    let target = root.join("target");
    std::fs::create_dir_all(&target).unwrap();
    let config = json!({
        "site": site,
        "screenshot": target.join("web-verdict.png"),
        "bench_out": target.join("web-bench.json"),
        // Badge bytes for the 1,000-check benchmark (COSE_Sign1).
        "bench_input": cbor,
        "cases": cases,
    });
    let cases_file = tmp.path().join("cases.json");
    std::fs::write(&cases_file, serde_json::to_vec_pretty(&config).unwrap()).unwrap();

    let mut child = StdCommand::new("node")
        .arg("web/tests/browser.mjs")
        .arg(&cases_file)
        .current_dir(&root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run node ({e}): {INSTALL}"));
    let out = forward(child.stdout.take().unwrap(), false);
    let err = forward(child.stderr.take().unwrap(), true);
    let status = child.wait().unwrap();
    let out = out.join().unwrap();
    let err = err.join().unwrap();
    let failed: Vec<&String> = out.iter().filter(|l| l.starts_with("FAIL")).collect();
    assert!(
        status.success(),
        "web/tests/browser.mjs failed ({status}):\n{}\n{}",
        failed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        err.join("\n")
    );
    assert!(target.join("web-verdict.png").exists());
    let bench: Value =
        serde_json::from_slice(&std::fs::read(target.join("web-bench.json")).unwrap()).unwrap();
    assert!(bench["wasm_bytes"].as_u64().unwrap() > 0, "{bench}");
}
