//! A badge's trust across its issuer key's life, through the real binary:
//! issue, revoke, suspend and reinstate, rotate (only with the active
//! key's passphrase), revoke a badge of the retired key, declare that key
//! stolen (a thief's badges are refused), then distrust it. At each step the
//! desk (`tessera verify`), the page (the built site's data read by the
//! page's verifier, the code the WebAssembly module runs) and the kiosk
//! (the core's check against `tessera status-list`'s file, as the
//! firmware does; and, under `firmware/ci.sh`, the QEMU kiosk itself on
//! each step's exported files) give each badge the same verdict. And past 65,536
//! badges, every serial has its status list.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;
use tessera_core::{StatusList, TrustStore, Verdict};
use tessera_desk::{Desk, IssueRequest};
use tessera_web::verifier::Verifier;

const PASS: &str = "correct horse battery";

/// The desk's binary with this walk's passphrase.
fn tessera(home: &Path) -> Command {
    let mut c = common::tessera(home);
    c.env("TESSERA_PASSPHRASE", PASS);
    c
}

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/dist")
}

fn issue(home: &Path, who: &str) -> (u32, Vec<u8>) {
    let out = tessera(home)
        .args([
            "issue",
            "--recipient",
            who,
            "--achievement",
            "RUST-101",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let serial = v["serial"].as_u64().unwrap() as u32;
    let file = home.join(format!("badge-{serial}.cbor"));
    tessera(home)
        .args(["export", &serial.to_string(), "--format", "cbor", "--out"])
        .arg(&file)
        .assert()
        .success();
    (serial, std::fs::read(file).unwrap())
}

/// Desk `home` trusts the desk at `other`'s active key (its COSE_Key,
/// exported and added as a person would).
fn trusts(home: &Path, other: &Path, name: &str) {
    let key = other.join("public.cose");
    tessera(other)
        .args(["key", "export-public", "--format", "cose-key", "--out"])
        .arg(&key)
        .assert()
        .success();
    tessera(home)
        .args(["trust", "add"])
        .arg(&key)
        .args(["--name", name])
        .assert()
        .success();
}

/// The desk's whole answer on a badge file (`tessera verify --json`).
fn desk_json(home: &Path, badge: &[u8]) -> Value {
    let file = home.join("check.cbor");
    std::fs::write(&file, badge).unwrap();
    let out = tessera(home)
        .args(["verify", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "verify --json: {e}: {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The desk's verdict on a badge file.
fn desk_verdict(home: &Path, badge: &[u8]) -> String {
    desk_json(home, badge)["verdict"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The site data `tessera site build` put into the page.
fn site_json(dir: &Path) -> String {
    let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
    let open = r#"<script type="application/json" id="tessera-site">"#;
    let start = page.find(open).unwrap() + open.len();
    let end = start + page[start..].find("</script>").unwrap();
    page[start..end].to_string()
}

/// `tessera site build` into `home/site`, from the built page.
fn build_site(home: &Path) -> PathBuf {
    let site = home.join("site");
    tessera(home)
        .args(["site", "build", "--out"])
        .arg(&site)
        .arg("--assets")
        .arg(assets())
        .assert()
        .success();
    site
}

/// The page's verdict on a badge, from the site built now.
fn page_verdict(home: &Path, badge: &[u8]) -> String {
    let site = build_site(home);
    let verifier = Verifier::new(&site_json(&site)).unwrap();
    let now = chrono::Utc::now().timestamp() as u64;
    verifier.check(badge, now).verdict.code().to_string()
}

/// The page in headless Chromium (web/tests/browser.mjs, as in
/// `app/tests/web.rs`): the site built now opened over http, each badge
/// given as a file, in English (with a piece of the reason) and in
/// Portuguese, each verdict read off the page.
fn browser_agrees(home: &Path, badges: &[(&str, &[u8], &str, Option<&str>)]) {
    let site = build_site(home);
    let mut cases = Vec::new();
    for (i, (name, badge, want, reason)) in badges.iter().enumerate() {
        let file = home.join(format!("browser-{i}.cbor"));
        std::fs::write(&file, badge).unwrap();
        for locale in [None, Some("pt-BR")] {
            cases.push(serde_json::json!({
                "name": format!("{name} ({})", locale.unwrap_or("en")),
                "via": "http",
                "locale": locale,
                "file": file,
                "expect": {
                    "verdict": want,
                    "reason_contains": if locale.is_none() { *reason } else { None },
                },
            }));
        }
    }
    let config = serde_json::json!({
        "site": site,
        "screenshot": null,
        "bench_out": null,
        "bench_input": null,
        "cases": cases,
    });
    let file = home.join("cases.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&config).unwrap()).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = std::process::Command::new("node")
        .arg("web/tests/browser.mjs")
        .arg(&file)
        .current_dir(&root)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run node ({e}): run `bash .ci/test`, which installs chromium and web/tests"
            )
        });
    assert!(
        out.status.success(),
        "the page in Chromium:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The kiosk's verdict: its trust file and every status list of
/// `tessera status-list`, checked as the firmware does, on a board with a
/// clock.
fn kiosk_verdict(home: &Path, badge: &[u8]) -> String {
    let trust_file = home.join("trust.bin");
    tessera(home)
        .args(["trust", "export", "--format", "kiosk", "--out"])
        .arg(&trust_file)
        .assert()
        .success();
    let list_file = home.join("status.cbor");
    tessera(home)
        .args(["status-list", "--out"])
        .arg(&list_file)
        .assert()
        .success();
    let mut trust: TrustStore<8> = TrustStore::new();
    for k in std::fs::read(&trust_file).unwrap().chunks_exact(32) {
        trust.add(k.try_into().unwrap()).unwrap();
    }
    let bytes = std::fs::read(&list_file).unwrap();
    let lists = split_lists(&bytes, &trust);
    // With the board's clock, as the QEMU kiosk has (the host's, through
    // semihosting): only a clock can tell a badge is not valid yet.
    let now = chrono::Utc::now().timestamp() as u64;
    let result = tessera_core::verify_lists(badge, &trust, Some(now), &lists);
    Verdict::of(&result).code().to_string()
}

fn split_lists<'a>(mut bytes: &'a [u8], trust: &TrustStore<8>) -> Vec<StatusList<'a>> {
    let mut lists = Vec::new();
    while !bytes.is_empty() {
        let (one, rest) = tessera_core::status::split_sequence(bytes).unwrap();
        lists.push(StatusList::verify(one, trust, None).unwrap());
        bytes = rest;
    }
    lists
}

/// Desk, page and kiosk agree on every badge: `want` is each one's verdict.
fn all_agree(home: &Path, badges: &[(&str, &[u8], &str)]) {
    for (name, badge, want) in badges {
        let got = [
            ("desk", desk_verdict(home, badge)),
            ("page", page_verdict(home, badge)),
            ("kiosk", kiosk_verdict(home, badge)),
        ];
        for (who, verdict) in &got {
            assert_eq!(verdict, want, "{who} on {name}: {got:?}");
        }
    }
    kiosk_step(home, badges);
}

/// With `TESSERA_KIOSK_WALK=DIR` (`firmware/ci.sh` sets it), each step of
/// the walk is also written as a QEMU kiosk's files, in `DIR/stepNN/`: the
/// desk's `trust.bin` and `status.cbor` (as `kiosk_verdict` exported them
/// just now), each badge on a card, `cards.txt` and `expected.txt`; the
/// firmware CI then runs the real kiosk on every step and checks it gives
/// the verdicts desk and page gave.
fn kiosk_step(home: &Path, badges: &[(&str, &[u8], &str)]) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static STEP: AtomicUsize = AtomicUsize::new(1);
    let Some(root) = std::env::var_os("TESSERA_KIOSK_WALK") else {
        return;
    };
    let dir = Path::new(&root).join(format!("step{:02}", STEP.fetch_add(1, Ordering::SeqCst)));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["trust.bin", "status.cbor"] {
        std::fs::copy(home.join(f), dir.join(f)).unwrap();
    }
    let (mut cards, mut expected, mut labels) = (String::new(), String::new(), String::new());
    for (i, (name, badge, want)) in badges.iter().enumerate() {
        let card = format!("b{i}.card");
        let mut image = vec![0u8; tessera_core::ndef::card_image_len(badge.len())];
        tessera_core::ndef::encode_card_image(badge, &mut image).unwrap();
        let card_type = tessera_core::CardType::smallest_for(image.len()).unwrap();
        image.resize(card_type.user_bytes(), 0);
        let uid = [0x04, 0x51, 0x7a, 0x10, 0x22, 0x33, i as u8];
        let mut dump = vec![uid.len() as u8];
        dump.extend_from_slice(&uid);
        dump.extend_from_slice(&image);
        std::fs::write(dir.join(&card), dump).unwrap();
        cards.push_str(&format!("{card}\n"));
        expected.push_str(&format!("{card} {want}\n"));
        labels.push_str(&format!("{card} {name}\n"));
    }
    std::fs::write(dir.join("cards.txt"), cards).unwrap();
    std::fs::write(dir.join("expected.txt"), expected).unwrap();
    std::fs::write(dir.join("labels.txt"), labels).unwrap();
}

#[test]
fn revocations_hold_across_a_key_rotation_and_a_distrusted_key() {
    let home = TempDir::new().unwrap();
    let home = home.path();
    tessera(home)
        .args(["init", "--name", "Lyon Test Center"])
        .assert()
        .success();
    let (s1, b1) = issue(home, "ana@example.org");
    let (s2, b2) = issue(home, "bruno@example.org");
    let (_, b4) = issue(home, "davi@example.org");
    tessera(home)
        .args(["revoke", &s1.to_string(), "--reason", "exam misconduct"])
        .assert()
        .success();
    all_agree(
        home,
        &[("badge 1", &b1, "revoked"), ("badge 2", &b2, "valid")],
    );

    // Suspended during an investigation, then reinstated.
    tessera(home)
        .args([
            "suspend",
            &s2.to_string(),
            "--reason",
            "under investigation",
        ])
        .assert()
        .success();
    all_agree(
        home,
        &[("badge 2", &b2, "suspended"), ("badge 4", &b4, "valid")],
    );
    let report = Verifier::new(&site_json(&home.join("site")))
        .unwrap()
        .check(&b2, chrono::Utc::now().timestamp() as u64);
    assert!(
        report.reason.starts_with("suspended on ") && report.reason.contains("under investigation"),
        "{report:?}"
    );
    browser_agrees(
        home,
        &[
            ("badge 1", &b1, "revoked", Some("exam misconduct")),
            ("badge 2", &b2, "suspended", Some("under investigation")),
            ("badge 4", &b4, "valid", None),
        ],
    );
    tessera(home)
        .args(["suspend", &s2.to_string(), "--reason", "again"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already suspended"));
    tessera(home)
        .args(["reinstate", &s2.to_string()])
        .assert()
        .success();
    tessera(home)
        .args(["reinstate", &s2.to_string()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not suspended"));
    all_agree(home, &[("badge 2", &b2, "valid")]);

    // Rotating needs the active key's passphrase; a wrong one makes nothing.
    tessera(home)
        .args(["key", "rotate"])
        .env("TESSERA_PASSPHRASE", "not the passphrase")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("wrong passphrase"));
    tessera(home)
        .args(["key", "rotate"])
        .env_remove("TESSERA_PASSPHRASE")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("protected by a passphrase"));
    let keys = tessera(home).args(["key", "list"]).output().unwrap().stdout;
    assert_eq!(String::from_utf8_lossy(&keys).lines().count(), 1);
    all_agree(home, &[("badge 4", &b4, "valid")]);
    tessera(home).args(["key", "rotate"]).assert().success();
    let (_, b3) = issue(home, "carla@example.org");

    // The old key's badge 2 can still be revoked; badge 1 stays revoked
    // everywhere (the site and the kiosk carry both keys' lists).
    tessera(home)
        .args(["revoke", &s2.to_string(), "--reason", "wrong person"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("badge {s2} revoked")));
    all_agree(
        home,
        &[
            ("badge 1", &b1, "revoked"),
            ("badge 2", &b2, "revoked"),
            ("badge 3", &b3, "valid"),
        ],
    );
    let site = Verifier::new(&site_json(&home.join("site"))).unwrap();
    let report = site.check(&b2, chrono::Utc::now().timestamp() as u64);
    assert!(report.reason.contains("wrong person"), "{report:?}");

    // The retired key is stolen from tomorrow on: the thief's badges, dated
    // after that or with a serial the desk never issued, are refused;
    // davi's badge, issued before, stays valid.
    let list =
        String::from_utf8(tessera(home).args(["key", "list"]).output().unwrap().stdout).unwrap();
    let old = list
        .lines()
        .find(|l| l.contains("retired"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    let stolen = Desk::open(home)
        .unwrap()
        .signing_key_for(&hex::decode(&old).unwrap(), &mut || Some(PASS.into()))
        .unwrap();
    let now = chrono::Utc::now().timestamp() as u64;
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    let forge = |serial: u32, issued_at: u64| {
        let claims =
            tessera_core::BadgeClaims::new("AAAAAAAAAAAAAAAA", serial, issued_at, "RUST-101");
        let mut buf = [0u8; 512];
        let n = tessera_core::BadgeBuilder::new(tessera_core::Profile::Standard, claims)
            .sign(&stolen, &mut buf)
            .unwrap();
        buf[..n].to_vec()
    };
    let forged_late = forge(3, now + 2 * 86_400);
    let forged_backdated = forge(9_999, now - 86_400);
    tessera(home)
        .args(["key", "compromised", &old, "--since"])
        .arg(tomorrow.to_string())
        .assert()
        .success()
        .stdout(predicate::str::contains("0 of its badges revoked"));
    all_agree(
        home,
        &[
            ("badge 1", &b1, "revoked"),
            ("badge 2", &b2, "revoked"),
            ("badge 4 (before the theft)", &b4, "valid"),
            ("badge 3 (new key)", &b3, "valid"),
            (
                "thief's badge dated after the theft",
                &forged_late,
                "revoked",
            ),
            ("thief's backdated badge", &forged_backdated, "revoked"),
        ],
    );
    let report = Verifier::new(&site_json(&home.join("site")))
        .unwrap()
        .check(&forged_backdated, now);
    assert_eq!(report.error, Some("IssuerKeyCompromised"), "{report:?}");
    browser_agrees(
        home,
        &[
            ("old key's badge 2", &b2, "revoked", Some("wrong person")),
            ("new key's badge 3", &b3, "valid", None),
            ("old key's badge 4", &b4, "valid", None),
            ("thief's badge", &forged_late, "revoked", Some("stolen")),
            (
                "thief's backdated badge",
                &forged_backdated,
                "revoked",
                Some("stolen"),
            ),
        ],
    );

    // The retired key is stolen: distrusted, its badges are UNKNOWN ISSUER
    // at the desk, on the page and at the kiosk; the new key's stay valid.
    let list =
        String::from_utf8(tessera(home).args(["key", "list"]).output().unwrap().stdout).unwrap();
    let old = list
        .lines()
        .find(|l| l.contains("retired"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    let active = list
        .lines()
        .find(|l| !l.contains("retired"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    tessera(home)
        .args(["trust", "remove", &active])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("key rotate"));
    tessera(home)
        .args(["trust", "remove", &old])
        .assert()
        .success();
    all_agree(
        home,
        &[
            ("badge 1", &b1, "unknown_issuer"),
            ("badge 2", &b2, "unknown_issuer"),
            ("badge 4", &b4, "unknown_issuer"),
            ("thief's badge", &forged_late, "unknown_issuer"),
            ("badge 3", &b3, "valid"),
        ],
    );
    let jwks = tessera(home)
        .args(["trust", "export", "--format", "jwks"])
        .output()
        .unwrap()
        .stdout;
    assert!(!String::from_utf8_lossy(&jwks).contains(&old));
}

#[test]
fn every_serial_past_65536_has_its_status_list() {
    let home = TempDir::new().unwrap();
    let mut desk = Desk::open_or_demo(home.path()).unwrap();
    let key = desk.signing_key(&mut || None).unwrap();
    let reqs: Vec<IssueRequest> = (0..70_000)
        .map(|i| IssueRequest {
            recipient: format!("c{i}@example.org"),
            achievement: "RUST-101".into(),
            ..IssueRequest::default()
        })
        .collect();
    desk.set_mail_queue(false).unwrap();
    let records = desk.issue_many(&key, &reqs, &mut |_| true).unwrap();
    let keys = desk.unlock(&mut || None).unwrap();
    for serial in [1, 2, 65_535, 65_536, 70_000] {
        desk.revoke(&keys, serial, "test").unwrap();
    }
    let site = desk.site_data(&keys, None).unwrap();
    assert_eq!(
        site.compact_lists.len(),
        2,
        "serials 1-65,535 and 65,536-70,000"
    );
    // In parts on the site: a few bytes a list, not 8 KiB of bits.
    let json = serde_json::to_string(&site).unwrap();
    assert!(json.len() < 4_000, "{} bytes of site data", json.len());
    let page = Verifier::new(&serde_json::to_string(&site).unwrap()).unwrap();
    let now = chrono::Utc::now().timestamp() as u64;
    for serial in [1u32, 2, 3, 65_535, 65_536, 65_537, 69_999, 70_000] {
        let badge = &records[serial as usize - 1].cose;
        let want = if [1, 2, 65_535, 65_536, 70_000].contains(&serial) {
            "revoked"
        } else {
            "valid"
        };
        assert_eq!(
            page.check(badge, now).verdict.code(),
            want,
            "serial {serial}"
        );
    }
}

#[test]
fn another_centers_revocations_are_checked_once_its_lists_are_imported() {
    let (a, b) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let (a, b) = (a.path(), b.path());
    let (sa1, a1) = issue(a, "ana@example.org");
    let (_, a2) = issue(a, "bia@example.org");
    tessera(a)
        .args(["revoke", &sa1.to_string(), "--reason", "exam misconduct"])
        .assert()
        .success();
    trusts(b, a, "Center A");
    // Without A's lists, B cannot know: valid, and it says so.
    let check = |badge: &[u8]| {
        let file = b.join("check.cbor");
        std::fs::write(&file, badge).unwrap();
        let out = tessera(b)
            .args(["verify", "--json"])
            .arg(&file)
            .output()
            .unwrap();
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let before = check(&a1);
    assert_eq!(before["verdict"], "valid", "{before}");
    assert!(
        before["reason"]
            .as_str()
            .unwrap()
            .contains("revocation not checked"),
        "{before}"
    );
    // B's own lists, or a damaged copy of A's, are refused with the reason.
    let own = b.join("own.cbor");
    tessera(b)
        .args(["status-list", "--out"])
        .arg(&own)
        .assert()
        .success();
    tessera(b)
        .args(["trust", "lists"])
        .arg(&own)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("trusted issuer of another center"));
    let lists = a.join("a-lists.cbor");
    tessera(a)
        .args(["status-list", "--out"])
        .arg(&lists)
        .assert()
        .success();
    let mut damaged = std::fs::read(&lists).unwrap();
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    let bad = b.join("damaged.cbor");
    std::fs::write(&bad, &damaged).unwrap();
    tessera(b)
        .args(["trust", "lists"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nothing was imported"));
    tessera(b)
        .args(["trust", "lists"])
        .arg(&lists)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 revoked"));
    let after = check(&a2);
    assert_eq!(after["verdict"], "valid", "{after}");
    assert!(
        !after["reason"].as_str().unwrap().contains("not checked"),
        "{after}"
    );
    // B's desk, site and kiosk now see A's revocation.
    all_agree(
        b,
        &[
            ("A's revoked badge", &a1, "revoked"),
            ("A's badge", &a2, "valid"),
        ],
    );
}

#[test]
fn a_list_in_parts_is_the_signed_list_and_nothing_else_verifies() {
    use tessera_web::verifier::CompactList;
    let home = TempDir::new().unwrap();
    let mut desk = Desk::open_or_demo(home.path()).unwrap();
    let key = desk.signing_key(&mut || None).unwrap();
    for i in 0..20 {
        let req = IssueRequest {
            recipient: format!("c{i}@example.org"),
            achievement: "RUST-101".into(),
            ..IssueRequest::default()
        };
        desk.issue(&key, &req).unwrap();
    }
    let keys = desk.unlock(&mut || None).unwrap();
    desk.revoke(&keys, 7, "test").unwrap();
    desk.suspend(&keys, 9, "test").unwrap();
    let (trust, _) = desk.trust_store().unwrap();
    // A page whose list was altered (a revocation dropped) cannot check
    // revocation for that key's badges: it says so, never VALID.
    let mut site = desk.site_data(&keys, None).unwrap();
    let now = chrono::Utc::now().timestamp() as u64;
    let badge = desk.badge(7).unwrap().cose;
    let page = Verifier::new(&serde_json::to_string(&site).unwrap()).unwrap();
    assert_eq!(page.check(&badge, now).verdict.code(), "revoked");
    site.compact_lists[0].revoked.clear();
    let page = Verifier::new(&serde_json::to_string(&site).unwrap()).unwrap();
    let report = page.check(&badge, now);
    assert_eq!(
        (report.verdict.code(), report.error),
        ("expired", Some("StatusListMissing")),
        "{report:?}"
    );
    let signed = desk.status_lists(&keys).unwrap().remove(0);
    let parts = CompactList::from_signed(&signed, &trust).unwrap();
    assert_eq!(
        (parts.revoked.as_slice(), parts.suspended.as_slice()),
        (&[6][..], &[8][..])
    );
    assert_eq!(parts.to_signed().unwrap(), signed, "the same bytes again");
    // Parts that were not signed make bytes no signature covers.
    for tamper in [
        |p: &mut CompactList| p.revoked.clear(),
        |p: &mut CompactList| p.suspended.clear(),
        |p: &mut CompactList| p.count += 1,
        |p: &mut CompactList| p.exp = None,
    ] {
        let mut bad = parts.clone();
        tamper(&mut bad);
        let bytes = bad.to_signed().unwrap();
        assert_eq!(
            tessera_core::StatusList::verify(&bytes, &trust, None).unwrap_err(),
            tessera_core::Error::SignatureInvalid
        );
    }
}

/// A static web server (Python's) serving `dir` on a free local port;
/// stopped when dropped.
struct StaticSite {
    child: std::process::Child,
    url: String,
}

impl StaticSite {
    fn serve(dir: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .arg("--directory")
            .arg(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 serves the site");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "the static server did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Self {
            child,
            url: format!("http://127.0.0.1:{port}/"),
        }
    }
}

impl Drop for StaticSite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn another_centers_lists_come_from_their_published_site_or_their_trust_file() {
    let (a, b, c) = (
        TempDir::new().unwrap(),
        TempDir::new().unwrap(),
        TempDir::new().unwrap(),
    );
    let (a, b, c) = (a.path(), b.path(), c.path());
    let (sa1, a1) = issue(a, "ana@example.org");
    let (_, a2) = issue(a, "bia@example.org");
    let site_dir = a.join("site");
    let server = StaticSite::serve(&{
        std::fs::create_dir_all(&site_dir).unwrap();
        site_dir.clone()
    });
    tessera(a)
        .args(["site", "build", "--assets"])
        .arg(assets())
        .arg("--out")
        .arg(&site_dir)
        .args(["--url", &server.url])
        .assert()
        .success();
    tessera(a)
        .args(["revoke", &sa1.to_string(), "--reason", "exam misconduct"])
        .assert()
        .success();
    // The site carries its lists whole, beside the page.
    assert!(site_dir.join("status-lists.cbor").is_file());

    // B trusts A's key, then fetches A's lists from A's published site.
    trusts(b, a, "Center A");
    tessera(b)
        .args(["trust", "lists", &format!("{}nowhere/", server.url)])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("answered 404"));
    tessera(b)
        .args(["trust", "lists", &server.url])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 revoked"));
    all_agree(
        b,
        &[
            ("A's revoked badge", &a1, "revoked"),
            ("A's badge", &a2, "valid"),
        ],
    );
    // Their site's folder works as well as its address.
    tessera(b)
        .args(["trust", "lists"])
        .arg(&site_dir)
        .assert()
        .success();

    // C takes A's keys and revocations in one file: A's JWK Set.
    let jwks = a.join("a.jwks");
    tessera(a)
        .args(["trust", "export", "--format", "jwks", "--out"])
        .arg(&jwks)
        .assert()
        .success()
        .stderr(predicate::str::contains("with 1 status lists"));
    let set: Value = serde_json::from_slice(&std::fs::read(&jwks).unwrap()).unwrap();
    assert_eq!(set["tessera_status_lists"].as_array().unwrap().len(), 1);
    tessera(c)
        .args(["trust", "add"])
        .arg(&jwks)
        .args(["--name", "Center A"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("now trusting Center A")
                .and(predicate::str::contains("1 status lists imported")),
        );
    all_agree(
        c,
        &[
            ("A's revoked badge", &a1, "revoked"),
            ("A's badge", &a2, "valid"),
        ],
    );
    // With A's reasons, at C's desk and on C's page.
    let reason_at = |home: &Path, badge: &[u8]| -> (String, String) {
        let desk = desk_json(home, badge);
        let page = Verifier::new(&site_json(&home.join("site")))
            .unwrap()
            .check(badge, chrono::Utc::now().timestamp() as u64);
        (desk["reason"].as_str().unwrap().to_string(), page.reason)
    };
    let (desk, page) = reason_at(c, &a1);
    assert!(desk.contains("exam misconduct"), "{desk}");
    assert!(page.contains("exam misconduct"), "{page}");
    // A suspends badge 2 and hands out its set again: C takes the new
    // lists and reasons with `trust lists`.
    tessera(a)
        .args(["suspend", "2", "--reason", "under investigation"])
        .assert()
        .success();
    tessera(a)
        .args(["trust", "export", "--format", "jwks", "--out"])
        .arg(&jwks)
        .assert()
        .success();
    tessera(c)
        .args(["trust", "lists"])
        .arg(&jwks)
        .assert()
        .success();
    all_agree(c, &[("A's suspended badge", &a2, "suspended")]);
    let (desk, page) = reason_at(c, &a2);
    assert!(desk.contains("under investigation"), "{desk}");
    assert!(page.contains("under investigation"), "{page}");
    // A JSON file without lists is named for what it lacks.
    let plain = c.join("plain.json");
    std::fs::write(&plain, r#"{"keys": []}"#).unwrap();
    tessera(c)
        .args(["trust", "lists"])
        .arg(&plain)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("carries no status lists"));
}

/// A badge message made from raw parts, signed by `key` over whatever the
/// parts hold (as a thief with the key, or a buggy issuer, could).
fn signed_raw(protected: &[u8], payload: &[u8], key: &tessera_core::SigningKey) -> Vec<u8> {
    let mut tbs = vec![0u8; protected.len() + payload.len() + 64];
    let n = tessera_core::cose::write_to_be_signed(protected, payload, &mut tbs).unwrap();
    let sig = key.sign(&tbs[..n]);
    let mut out = Vec::new();
    let mut e = minicbor::Encoder::new(&mut out);
    e.tag(minicbor::data::Tag::new(18))
        .unwrap()
        .array(4)
        .unwrap()
        .bytes(protected)
        .unwrap()
        .map(0)
        .unwrap()
        .bytes(payload)
        .unwrap()
        .bytes(sig.as_bytes())
        .unwrap();
    out
}

/// The claims map of a badge message as its raw entries (key and value
/// bytes together), to be put back together otherwise.
fn claim_entries(payload: &[u8]) -> Vec<Vec<u8>> {
    let mut d = minicbor::Decoder::new(payload);
    let n = d.map().unwrap().unwrap();
    (0..n)
        .map(|_| {
            let start = d.position();
            d.skip().unwrap();
            d.skip().unwrap();
            payload[start..d.position()].to_vec()
        })
        .collect()
}

#[test]
fn a_hostile_corpus_gets_one_verdict_at_desk_page_and_kiosk() {
    let home = TempDir::new().unwrap();
    let home = home.path();
    tessera(home)
        .args(["init", "--name", "Lyon Test Center"])
        .assert()
        .success();
    let (_, good) = issue(home, "ana@example.org");
    let key = Desk::open(home)
        .unwrap()
        .signing_key(&mut || Some(PASS.into()))
        .unwrap();
    let message = tessera_core::CoseSign1::from_slice(&good).unwrap();
    let (protected, payload) = (message.protected.to_vec(), message.payload.to_vec());
    let claims =
        tessera_core::BadgeClaims::decode(message.payload, message.payload_offset).unwrap();
    let resign = |claims: tessera_core::BadgeClaims<'_>, key: &tessera_core::SigningKey| {
        let mut buf = [0u8; 1024];
        let n = tessera_core::BadgeBuilder::new(tessera_core::Profile::Standard, claims)
            .sign(key, &mut buf)
            .unwrap();
        buf[..n].to_vec()
    };
    let entries = claim_entries(&payload);
    let map_of = |head: &[u8], entries: &[Vec<u8>], tail: &[u8]| {
        let mut out = head.to_vec();
        entries.iter().for_each(|e| out.extend_from_slice(e));
        out.extend_from_slice(tail);
        out
    };
    let count = u8::try_from(entries.len()).unwrap();
    let now = chrono::Utc::now().timestamp() as u64;

    let mut flipped = good.clone();
    *flipped.last_mut().unwrap() ^= 1;
    let mut relabelled = good.clone();
    let at = relabelled.windows(4).position(|w| w == b"RUST").unwrap();
    relabelled[at + 3] = b'X';
    let mut duplicated = entries.clone();
    duplicated.push(entries[0].clone());
    let duplicate = signed_raw(
        &protected,
        &map_of(&[0xa0 + count + 1], &duplicated, &[]),
        &key,
    );
    let indefinite = signed_raw(&protected, &map_of(&[0xbf], &entries, &[0xff]), &key);
    let trailing_claims = signed_raw(
        &protected,
        &map_of(&[0xa0 + count], &entries, &[0x00]),
        &key,
    );
    // The protected header with a critical header nobody knows (label 99).
    let mut crit = Vec::new();
    minicbor::Encoder::new(&mut crit)
        .map(3)
        .unwrap()
        .i64(1)
        .unwrap()
        .i64(-8)
        .unwrap()
        .i64(2)
        .unwrap()
        .array(1)
        .unwrap()
        .i64(99)
        .unwrap()
        .i64(4)
        .unwrap()
        .bytes(key.kid().as_bytes())
        .unwrap();
    let critical = signed_raw(&crit, &payload, &key);
    let mut trailing = good.clone();
    trailing.push(0x00);
    let truncated = good[..good.len() - 10].to_vec();
    let mut later = claims;
    later.issued_at = now + 30 * 86_400;
    later.not_before = Some(now + 30 * 86_400);
    let not_yet = resign(later, &key);
    let mut old = claims;
    old.issued_at = now - 400 * 86_400;
    old.expires = Some(now - 86_400);
    let expired = resign(old, &key);
    // Escape codes in a badge another trusted center signed.
    let center = tessera_core::SigningKey::from_seed([78; 32]).unwrap();
    tessera(home)
        .args(["trust", "add"])
        .arg(tessera_formats::did::verification_method(
            &center.public_key(),
        ))
        .args(["--name", "Porto Test Center"])
        .assert()
        .success();
    let mut loud = claims;
    loud.issuer = Some("Porto Test Center");
    loud.display_name = Some("Ada \u{202e}DILAV\u{1b}[32m VALID\u{1b}[0m");
    let hostile_text = resign(loud, &center);
    // A thief with this desk's key relabels badge 1: page and kiosk cannot
    // tell; the desk, which knows what it issued, can.
    let mut relabel = claims;
    relabel.achievement_id = "RUST-301";
    let thief = resign(relabel, &key);
    let stranger = tessera_core::SigningKey::from_seed([77; 32]).unwrap();
    let unknown = resign(claims, &stranger);
    // A stranger's signature under this desk's key id.
    let impostor = signed_raw(&protected, &payload, &stranger);

    let corpus: Vec<(&str, &[u8], &str, Option<&str>)> = vec![
        (
            "the badge as issued",
            &good,
            "valid",
            Some("genuine and current"),
        ),
        ("signature flipped", &flipped, "forged", None),
        ("claims relabelled", &relabelled, "forged", None),
        ("a claim given twice", &duplicate, "unreadable", None),
        (
            "claims of indefinite length",
            &indefinite,
            "unreadable",
            None,
        ),
        (
            "bytes after the claims",
            &trailing_claims,
            "unreadable",
            None,
        ),
        ("an unknown critical header", &critical, "unreadable", None),
        ("bytes after the message", &trailing, "unreadable", None),
        ("cut short", &truncated, "unreadable", None),
        ("not valid yet", &not_yet, "expired", None),
        ("expired", &expired, "expired", None),
        (
            "escape codes and a bidi override",
            &hostile_text,
            "valid",
            None,
        ),
        ("signed by a stranger", &unknown, "unknown_issuer", None),
        (
            "a stranger under this desk's kid",
            &impostor,
            "forged",
            None,
        ),
    ];
    let plain: Vec<(&str, &[u8], &str)> = corpus.iter().map(|(n, b, v, _)| (*n, *b, *v)).collect();
    // Desk (`tessera verify --json`), page (the site's verifier) and kiosk
    // (the core on `trust export --format kiosk` and `status-list`; under
    // firmware/ci.sh the QEMU kiosk on these cards): one verdict each.
    all_agree(home, &plain);
    // The desk's words for the hostile text: shown as text, never acted on.
    let out = tessera(home)
        .arg("verify")
        .arg({
            let f = home.join("loud.cbor");
            std::fs::write(&f, &hostile_text).unwrap();
            f
        })
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.starts_with("VALID"), "{shown}");
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{202e}'),
        "{shown:?}"
    );
    // And the page in headless Chromium.
    browser_agrees(home, &corpus);
    let desk = desk_json(home, &thief);
    assert_eq!(desk["verdict"], "forged", "{desk}");
    assert!(
        desk["reason"]
            .as_str()
            .unwrap()
            .contains("this desk never issued it"),
        "{desk}"
    );
    assert_eq!(page_verdict(home, &thief), "valid");
    assert_eq!(kiosk_verdict(home, &thief), "valid");
}
