//! Inputs made by someone trying to get VALID, or a misleading VALID, and
//! the desk's own files against other users of the machine (issue 28),
//! through the real `tessera` binary and the built site's verifier.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

mod common;
use common::tessera;

use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;
use tessera_web::verifier::Verifier;

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/dist")
}

/// The desk's `verify --json` answer on `bytes`.
fn desk(home: &Path, bytes: &[u8]) -> Value {
    let file = home.join("input.bin");
    std::fs::write(&file, bytes).unwrap();
    let out = tessera(home)
        .args(["verify", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The page's report on `bytes`, from the site `home` builds now.
fn page(home: &Path, bytes: &[u8]) -> tessera_web::verifier::Report {
    let site = home.join("site");
    tessera(home)
        .args(["site", "build", "--out"])
        .arg(&site)
        .arg("--assets")
        .arg(assets())
        .assert()
        .success();
    let html = std::fs::read_to_string(site.join("index.html")).unwrap();
    let open = r#"<script type="application/json" id="tessera-site">"#;
    let start = html.find(open).unwrap() + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    Verifier::new(&html[start..end])
        .unwrap()
        .check(bytes, chrono::Utc::now().timestamp() as u64)
}

#[test]
fn a_trusted_key_cannot_present_itself_as_another_center() {
    let (real, fake, checker) = (
        TempDir::new().unwrap(),
        TempDir::new().unwrap(),
        TempDir::new().unwrap(),
    );
    let (real, fake, checker) = (real.path(), fake.path(), checker.path());
    // Two centers, the second signing badges in the first's name.
    for home in [real, fake] {
        tessera(home)
            .args(["init", "--name", "Lyon Test Center"])
            .env("TESSERA_PASSPHRASE", "correct horse battery")
            .assert()
            .success();
    }
    for (home, name) in [(real, "Lyon Test Center"), (fake, "Porto Partner")] {
        let key = home.join("public.cose");
        tessera(home)
            .args(["key", "export-public", "--format", "cose-key", "--out"])
            .arg(&key)
            .assert()
            .success();
        tessera(checker)
            .args(["trust", "add"])
            .arg(&key)
            .args(["--name", name])
            .assert()
            .success();
    }
    let issue = |home: &Path| {
        tessera(home)
            .env("TESSERA_PASSPHRASE", "correct horse battery")
            .args([
                "issue",
                "--recipient",
                "ana@example.org",
                "--achievement",
                "RUST-101",
            ])
            .assert()
            .success();
        let file = home.join("badge.cbor");
        tessera(home)
            .args(["export", "1", "--format", "cbor", "--out"])
            .arg(&file)
            .assert()
            .success();
        std::fs::read(file).unwrap()
    };
    let (honest, impostor) = (issue(real), issue(fake));
    // The honest badge: the trust list's name, nothing more.
    let d = desk(checker, &honest);
    assert_eq!(d["verdict"], "valid", "{d}");
    assert_eq!(d["badge"]["issuer"], "Lyon Test Center", "{d}");
    assert_eq!(
        page(checker, &honest).badge.unwrap().issuer,
        "Lyon Test Center"
    );
    // The impostor's: genuine from the key trusted as Porto Partner, and
    // named so, its claim to be Lyon shown as a claim (desk and page).
    let d = desk(checker, &impostor);
    assert_eq!(d["verdict"], "valid", "{d}");
    let want = "Porto Partner (the badge calls its issuer \"Lyon Test Center\")";
    assert_eq!(d["badge"]["issuer"], want, "{d}");
    assert_eq!(page(checker, &impostor).badge.unwrap().issuer, want);
}

#[cfg(unix)]
#[test]
fn the_data_directory_ledger_and_keys_are_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt as _;
    let home = TempDir::new().unwrap();
    let home = home.path().join("desk");
    tessera(&home)
        .args(["init", "--name", "Lyon Test Center"])
        .env("TESSERA_PASSPHRASE", "correct horse battery")
        .assert()
        .success();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&home), 0o700, "the data directory");
    assert_eq!(mode(&home.join("ledger.sqlite")), 0o600, "the ledger");
    let keys: Vec<PathBuf> = walk(&home)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".key.json"))
        .collect();
    assert!(!keys.is_empty());
    for k in &keys {
        assert_eq!(mode(k), 0o600, "{}", k.display());
    }
    // A data directory made wider by hand is narrowed when the desk opens it.
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o755)).unwrap();
    tessera(&home).args(["key", "list"]).assert().success();
    assert_eq!(mode(&home), 0o700);
    // No temp file is left behind by the writes.
    assert!(
        walk(&home)
            .iter()
            .all(|p| !p.to_string_lossy().contains(".partial")),
        "{:?}",
        walk(&home)
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_catalogue_image_outside_its_folder_or_a_device_is_refused_by_name() {
    let home = TempDir::new().unwrap();
    let home = home.path();
    let dir = home.join("catalogue");
    std::fs::create_dir_all(&dir).unwrap();
    for (image, why) in [
        ("../secret.png", "outside the catalogue's folder"),
        ("/dev/zero", "outside the catalogue's folder"),
    ] {
        std::fs::write(home.join("secret.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
        let csv = dir.join("catalogue.csv");
        std::fs::write(
            &csv,
            format!("code,kind,name,image\nAZ-900,exam,Azure Fundamentals,{image}\n"),
        )
        .unwrap();
        let out = tessera(home)
            .args(["catalogue", "import"])
            .arg(&csv)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{image}: {err}");
        assert!(err.contains(why), "{image}: {err}");
    }
}

#[test]
fn a_credential_naming_a_key_twice_is_refused_by_desk_and_page() {
    let home = TempDir::new().unwrap();
    let home = home.path();
    tessera(home)
        .args([
            "issue",
            "--recipient",
            "ana@example.org",
            "--achievement",
            "RUST-101",
        ])
        .args(["--expires", "2030-01-01"])
        .assert()
        .success();
    let file = home.join("badge.json");
    tessera(home)
        .args(["export", "1", "--format", "ob3-json", "--out"])
        .arg(&file)
        .assert()
        .success();
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(desk(home, text.as_bytes())["verdict"], "valid");
    // A second validUntil after the first: last-wins readers see 2099.
    let twice = text.replacen(
        "\"validUntil\"",
        "\"validUntil\": \"2099-01-01T00:00:00Z\", \"validUntil\"",
        1,
    );
    assert_ne!(twice, text);
    let d = desk(home, twice.as_bytes());
    assert_ne!(d["verdict"], "valid", "{d}");
    assert!(
        d["reason"].as_str().unwrap().contains("appears twice"),
        "{d}"
    );
    let p = page(home, twice.as_bytes());
    assert_ne!(p.verdict.code(), "valid", "{p:?}");
    assert!(p.reason.contains("appears twice"), "{p:?}");
}

/// A trust file is another party's JSON too: a key named twice (one reader
/// trusts the first `x`, another the second) is refused by name, before
/// anything is trusted.
#[test]
fn a_trust_file_naming_a_member_twice_is_refused() {
    let home = TempDir::new().unwrap();
    let home = home.path();
    let other = TempDir::new().unwrap();
    let jwks = other.path().join("trust.jwks");
    tessera(other.path())
        .args(["trust", "export", "--format", "jwks", "--out"])
        .arg(&jwks)
        .assert()
        .success();
    let text = std::fs::read_to_string(&jwks).unwrap();
    let twice = text.replacen(
        "\"x\"",
        "\"x\": \"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\", \"x\"",
        1,
    );
    assert_ne!(twice, text);
    let file = home.join("twice.jwks");
    std::fs::write(&file, twice).unwrap();
    let out = tessera(home)
        .args(["trust", "add"])
        .arg(&file)
        .args(["--name", "Other Center"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("appears twice"), "{err}");
    let list = tessera(home).args(["trust", "list"]).output().unwrap();
    assert!(
        !String::from_utf8_lossy(&list.stdout).contains("Other Center"),
        "nothing trusted"
    );
    // The file as exported is taken, lists and all.
    tessera(home)
        .args(["trust", "add"])
        .arg(&jwks)
        .args(["--name", "Other Center"])
        .assert()
        .success();
}

#[test]
fn a_file_over_16_mb_is_refused_before_it_is_read() {
    let home = TempDir::new().unwrap();
    let file = home.path().join("huge.cbor");
    // Sparse: 17 MiB that take no room, and would take 17 MiB to read.
    std::fs::File::create(&file)
        .unwrap()
        .set_len(17 * 1024 * 1024)
        .unwrap();
    let out = tessera(home.path())
        .arg("verify")
        .arg(&file)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("NOT A BADGE"), "{said}");
    assert!(said.contains("17825792 bytes"), "{said}");
}
