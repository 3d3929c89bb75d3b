//! Every subcommand of the real `tessera` binary, including bad input:
//! each failure has a clear message and loses nothing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

mod common;
use common::tessera;

use std::path::Path;

use predicates::prelude::*;
use tempfile::TempDir;

/// Issue ada@example.org's RUST-101 badge with `extra` arguments.
fn issue_ada(home: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "--recipient",
        "ada@example.org",
        "--achievement",
        "RUST-101",
    ];
    args.extend_from_slice(extra);
    issue_json(home, &args)
}

fn issue_json(home: &Path, args: &[&str]) -> serde_json::Value {
    let out = tessera(home)
        .arg("issue")
        .args(args)
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn first_run_creates_a_labelled_demo_issuer_and_issues() {
    let home = TempDir::new().unwrap();
    let v = issue_json(
        home.path(),
        &[
            "--recipient",
            "ada@example.org",
            "--achievement",
            "RUST-101",
            "--title",
            "Rust Fundamentals",
        ],
    );
    assert_eq!(v["serial"], 1);
    assert!(v["size"].as_u64().unwrap() > 100);
    assert_eq!(v["fits"], "NTAG215");
    assert!(home.path().join("ledger.sqlite").exists());
    tessera(home.path())
        .args(["key", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("[DEMO]").and(predicate::str::contains("active")));
}

#[test]
fn issue_writes_cose_that_verifies_and_says_demo() {
    let home = TempDir::new().unwrap();
    let out = home.path().join("badge.cbor");
    let v = issue_json(
        home.path(),
        &[
            "--recipient",
            "ada@example.org",
            "--achievement",
            "RS-101",
            "--profile",
            "mini",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(bytes.len() as u64, v["size"].as_u64().unwrap());
    assert!(bytes.len() <= 130);
    tessera(home.path())
        .args(["verify", out.to_str().unwrap()])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("VALID (DEMO)"));
    let json = tessera(home.path())
        .args(["verify", "--json", out.to_str().unwrap()])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let j: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(j["verdict"], "valid");
    assert_eq!(j["demo"], true);
    assert_eq!(j["badge"]["recipient"], "ada@example.org");
}

#[test]
fn verify_gives_the_right_exit_code_for_each_verdict() {
    let home = TempDir::new().unwrap();
    let out = home.path().join("badge.cbor");
    issue_json(
        home.path(),
        &[
            "--recipient",
            "ada@example.org",
            "--achievement",
            "RUST-101",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let mut forged = std::fs::read(&out).unwrap();
    let pos = forged.windows(8).position(|w| w == b"RUST-101").unwrap();
    forged[pos + 7] = b'2';
    let forged_path = home.path().join("forged.cbor");
    std::fs::write(&forged_path, &forged).unwrap();
    tessera(home.path())
        .args(["verify", forged_path.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(
            predicate::str::starts_with("FORGED")
                .and(predicate::str::contains("altered or forged")),
        );
    let junk = home.path().join("junk.txt");
    std::fs::write(&junk, "hello").unwrap();
    tessera(home.path())
        .args(["verify", junk.to_str().unwrap()])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("NOT A BADGE"));
    tessera(home.path())
        .args(["verify", "/nonexistent/badge.cbor"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cannot use /nonexistent/badge.cbor",
        ));
    tessera(home.path())
        .args(["revoke", "1", "--reason", "exam irregularity"])
        .assert()
        .success();
    tessera(home.path())
        .args(["verify", out.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("REVOKED").and(predicate::str::contains("exam irregularity")),
        );
}

#[test]
fn verify_reads_qr_text_and_card_dumps_from_stdin() {
    let home = TempDir::new().unwrap();
    let out = home.path().join("badge.cbor");
    issue_json(
        home.path(),
        &[
            "--recipient",
            "ada@example.org",
            "--achievement",
            "RUST-101",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&out).unwrap();
    let qr = tessera_desk::qr::to_text(&bytes);
    tessera(home.path())
        .args(["verify", "-"])
        .write_stdin(qr.clone())
        .assert()
        .code(0);
    let truncated = &qr[..qr.len() - 4];
    tessera(home.path())
        .args(["verify", "-"])
        .write_stdin(truncated.to_string())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("damaged or incomplete"));
    let mut image = vec![0u8; tessera_core::ndef::card_image_len(bytes.len())];
    tessera_core::ndef::encode_card_image(&bytes, &mut image).unwrap();
    image.resize(504, 0);
    tessera(home.path())
        .args(["verify", "-"])
        .write_stdin(image)
        .assert()
        .code(0);
}

#[test]
fn bad_issue_input_gets_specific_errors_and_records_nothing() {
    let home = TempDir::new().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--recipient", "ada@", "--achievement", "RUST-101"],
            "not a valid e-mail address",
        ),
        (
            &[
                "--recipient",
                "ada@example.org",
                "--achievement",
                "RUST-101",
                "--expires",
                "next year",
            ],
            "write it as YYYY-MM-DD",
        ),
        (
            &[
                "--recipient",
                "ada@example.org",
                "--achievement",
                "RUST-101",
                "--expires",
                "2001-01-01",
            ],
            "in the past",
        ),
        (
            &[
                "--recipient",
                "ada@example.org",
                "--achievement",
                "TOOLONGCODE",
                "--profile",
                "mini",
            ],
            "the mini profile allows 7",
        ),
        (
            &[
                "--recipient",
                "ada@example.org",
                "--achievement",
                "RS-1",
                "--profile",
                "mini",
                "--title",
                "X",
            ],
            "the mini profile has no title",
        ),
    ];
    for (args, message) in cases {
        tessera(home.path())
            .arg("issue")
            .args(args)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(message));
    }
    tessera(home.path())
        .args(["ledger", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 badges"));
}

#[test]
fn revoke_unknown_serial_and_empty_reason_are_refused() {
    let home = TempDir::new().unwrap();
    tessera(home.path())
        .args(["revoke", "99", "--reason", "x"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("there is no badge with serial 99"));
    issue_json(
        home.path(),
        &[
            "--recipient",
            "ada@example.org",
            "--achievement",
            "RUST-101",
        ],
    );
    tessera(home.path())
        .args(["revoke", "1", "--reason", "  "])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("give a reason"));
    tessera(home.path())
        .args(["revoke", "1", "--reason", "error"])
        .assert()
        .success();
    tessera(home.path())
        .args(["revoke", "1", "--reason", "again"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already revoked"));
}

#[test]
fn status_list_verifies_in_the_core_and_lists_revocations() {
    let home = TempDir::new().unwrap();
    for r in ["a@example.org", "b@example.org", "c@example.org"] {
        issue_json(
            home.path(),
            &["--recipient", r, "--achievement", "RUST-101"],
        );
    }
    tessera(home.path())
        .args(["revoke", "2", "--reason", "error"])
        .assert()
        .success();
    let list = home.path().join("list.cbor");
    tessera(home.path())
        .args(["status-list", "--out", list.to_str().unwrap()])
        .assert()
        .success();
    let key = home.path().join("key.cose");
    tessera(home.path())
        .args([
            "key",
            "export-public",
            "--format",
            "cose-key",
            "--out",
            key.to_str().unwrap(),
        ])
        .assert()
        .success();
    let public = tessera_desk::keyfile::parse_public_key(&std::fs::read(&key).unwrap()).unwrap();
    let mut trust: tessera_core::TrustStore = tessera_core::TrustStore::new();
    trust.add(public).unwrap();
    let bytes = std::fs::read(&list).unwrap();
    let l = tessera_core::StatusList::verify(&bytes, &trust, None).unwrap();
    assert_eq!((l.first(), l.count()), (1, 3));
    assert_eq!(
        [1, 2, 3].map(|s| l.is_revoked(s)),
        [Some(false), Some(true), Some(false)]
    );
}

#[test]
fn another_center_trusts_our_exported_key() {
    let ours = TempDir::new().unwrap();
    let theirs = TempDir::new().unwrap();
    let out = ours.path().join("badge.cbor");
    issue_json(
        ours.path(),
        &[
            "--recipient",
            "ada@example.org",
            "--achievement",
            "RUST-101",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    for (format, file) in [("jwk", "key.jwk"), ("cose-key", "key.cose")] {
        let key = ours.path().join(file);
        tessera(ours.path())
            .args([
                "key",
                "export-public",
                "--format",
                format,
                "--out",
                key.to_str().unwrap(),
            ])
            .assert()
            .success();
        // Their desk runs on its own demo issuer, which does not know ours.
        tessera(theirs.path())
            .args(["verify", out.to_str().unwrap()])
            .assert()
            .code(1)
            .stdout(predicate::str::contains("UNKNOWN ISSUER"));
        tessera(theirs.path())
            .args(["trust", "add", key.to_str().unwrap(), "--name", "Lyon"])
            .assert()
            .success();
        tessera(theirs.path())
            .args(["verify", out.to_str().unwrap()])
            .assert()
            .code(0);
        let listed = tessera(theirs.path())
            .args(["trust", "list"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let kid = String::from_utf8(listed)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        tessera(theirs.path())
            .args(["trust", "remove", &kid])
            .assert()
            .success();
    }
    tessera(theirs.path())
        .args(["trust", "remove", "deadbeef"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no trusted issuer has the key id"));
    let junk = ours.path().join("junk.json");
    std::fs::write(&junk, "{\"kty\":\"EC\"}").unwrap();
    tessera(theirs.path())
        .args(["trust", "add", junk.to_str().unwrap(), "--name", "X"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not an Ed25519 public key file"));
}

#[test]
fn real_issuer_key_needs_its_passphrase_and_demo_is_no_longer_trusted() {
    let home = TempDir::new().unwrap();
    let demo_badge = home.path().join("demo.cbor");
    issue_json(
        home.path(),
        &[
            "--recipient",
            "ada@example.org",
            "--achievement",
            "RUST-101",
            "--out",
            demo_badge.to_str().unwrap(),
        ],
    );
    tessera(home.path())
        .args(["init", "--name", "Lyon Test Center"])
        .env("TESSERA_PASSPHRASE", "correct horse battery")
        .assert()
        .success();
    let key_files: Vec<_> = std::fs::read_dir(home.path().join("keys"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for f in &key_files {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(f).unwrap().permissions().mode() & 0o777,
            0o600,
            "{}",
            f.display()
        );
        let text = std::fs::read_to_string(f).unwrap();
        if !text.contains("\"demo\": true") {
            assert!(text.contains("argon2id"));
        }
    }
    // No passphrase: a clear error, nothing issued.
    tessera(home.path())
        .args([
            "issue",
            "--recipient",
            "bob@example.org",
            "--achievement",
            "RUST-101",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("protected by a passphrase"));
    tessera(home.path())
        .args([
            "issue",
            "--recipient",
            "bob@example.org",
            "--achievement",
            "RUST-101",
        ])
        .env("TESSERA_PASSPHRASE", "wrong passphrase")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("wrong passphrase"));
    let pass_file = home.path().join("pass.txt");
    std::fs::write(&pass_file, "correct horse battery\n").unwrap();
    let out = home.path().join("real.cbor");
    tessera(home.path())
        .args([
            "--passphrase-file",
            pass_file.to_str().unwrap(),
            "issue",
            "--recipient",
            "bob@example.org",
            "--achievement",
            "RUST-101",
        ])
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .success();
    tessera(home.path())
        .args(["verify", out.to_str().unwrap()])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("VALID\n"));
    // The demo issuer is retired and not trusted by a real installation.
    tessera(home.path())
        .args(["verify", demo_badge.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("UNKNOWN ISSUER"));
    // ...unless told to, and its badges still say DEMO.
    tessera(home.path())
        .args(["trust", "demo", "on"])
        .assert()
        .success();
    tessera(home.path())
        .args(["verify", demo_badge.to_str().unwrap()])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("VALID (DEMO)"));
    tessera(home.path())
        .args(["trust", "demo", "off"])
        .assert()
        .success();
    tessera(home.path())
        .args(["verify", demo_badge.to_str().unwrap()])
        .assert()
        .code(1);
    tessera(home.path())
        .args(["init", "--demo"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already has the issuer key"));
    tessera(home.path())
        .args(["init", "--name", "X"])
        .env("TESSERA_PASSPHRASE", "short")
        .assert()
        .code(1);
}

#[test]
fn key_rotation_keeps_old_badges_valid() {
    let home = TempDir::new().unwrap();
    let env = ("TESSERA_PASSPHRASE", "first passphrase");
    tessera(home.path())
        .args(["init", "--name", "Lyon"])
        .env(env.0, env.1)
        .assert()
        .success();
    let old = home.path().join("old.cbor");
    tessera(home.path())
        .args([
            "issue",
            "--recipient",
            "a@example.org",
            "--achievement",
            "RUST-101",
            "--out",
            old.to_str().unwrap(),
        ])
        .env(env.0, env.1)
        .assert()
        .success();
    // Only whoever holds the active key's passphrase rotates; it seals
    // the new key too.
    tessera(home.path())
        .args(["key", "rotate"])
        .env("TESSERA_PASSPHRASE", "second passphrase")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("wrong passphrase"));
    tessera(home.path())
        .args(["key", "rotate"])
        .env(env.0, env.1)
        .assert()
        .success();
    tessera(home.path())
        .args(["verify", old.to_str().unwrap()])
        .assert()
        .code(0);
    tessera(home.path())
        .args([
            "issue",
            "--recipient",
            "b@example.org",
            "--achievement",
            "RUST-101",
        ])
        .env(env.0, env.1)
        .assert()
        .success();
    let keys = tessera(home.path())
        .args(["key", "list"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let keys = String::from_utf8(keys).unwrap();
    // `init` on a fresh desk makes no demo issuer: Lyon's first key, retired, and the new one.
    assert_eq!(keys.matches("retired").count(), 1, "{keys}");
    assert_eq!(keys.matches("active").count(), 1, "{keys}");
}

#[test]
fn bulk_csv_dry_run_lists_every_bad_row_and_issue_is_all_or_nothing() {
    let home = TempDir::new().unwrap();
    let csv = home.path().join("rows.csv");
    std::fs::write(
        &csv,
        "recipient,achievement,title,expires\n\
         ada@example.org,RUST-101,Rust,2030-01-01\n\
         bob@,RUST-101,Rust,\n\
         carol@example.org,RUST-101,Rust,someday\n\
         ada@example.org,RUST-101,Rust,\n\
         dave@example.org,RUST-101,Rust,\n",
    )
    .unwrap();
    tessera(home.path())
        .args(["issue-bulk", "--csv", csv.to_str().unwrap(), "--dry-run"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "2 rows ready to issue, 3 rows with problems",
        ))
        .stderr(
            predicate::str::contains("line 3: recipient")
                .and(predicate::str::contains("line 4: expires"))
                .and(predicate::str::contains("line 5: duplicate of line 2")),
        );
    tessera(home.path())
        .args(["issue-bulk", "--csv", csv.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nothing was issued"));
    tessera(home.path())
        .args(["ledger", "list"])
        .assert()
        .stdout(predicate::str::contains("0 badges"));
    std::fs::write(
        &csv,
        "recipient,achievement\nada@example.org,RUST-101\nbob@example.org,RUST-101\n",
    )
    .unwrap();
    tessera(home.path())
        .args(["issue-bulk", "--csv", csv.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("issued 2 badges, serials 1 to 2"));
    // The same file again: every row is now a duplicate of a ledger badge.
    tessera(home.path())
        .args(["issue-bulk", "--csv", csv.to_str().unwrap(), "--dry-run"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already holds RUST-101"));
    std::fs::write(&csv, "email,course\nada@example.org,RUST-101\n").unwrap();
    tessera(home.path())
        .args(["issue-bulk", "--csv", csv.to_str().unwrap(), "--dry-run"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "missing the column(s) recipient, achievement",
        ));
}

#[test]
fn ledger_lifecycle_privacy_and_listing() {
    let home = TempDir::new().unwrap();
    for r in ["ada@example.org", "bob@example.org"] {
        issue_json(
            home.path(),
            &["--recipient", r, "--achievement", "RUST-101"],
        );
    }
    tessera(home.path())
        .args(["ledger", "mark", "1", "declined"])
        .assert()
        .success();
    tessera(home.path())
        .args(["ledger", "mark", "1", "accepted"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "badge 1 is declined; it cannot become accepted",
        ));
    tessera(home.path())
        .args(["ledger", "private", "2", "on"])
        .assert()
        .success();
    let out = tessera(home.path())
        .args(["ledger", "list", "--json", "--public-only"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["state"], "declined");
    tessera(home.path())
        .args(["ledger", "list", "--state", "declined"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("ada@example.org").and(predicate::str::contains("1 badges")),
        );
    tessera(home.path())
        .args(["ledger", "list", "--state", "lost"])
        .assert()
        // A usage error, as for any argument clap refuses: it names the
        // states there are.
        .code(2)
        .stderr(
            predicate::str::contains("invalid value 'lost'").and(predicate::str::contains(
                "issued, written, accepted, declined, revoked",
            )),
        );
}

#[test]
fn corrupt_ledger_is_reported_and_left_untouched() {
    let home = TempDir::new().unwrap();
    let ledger = home.path().join("ledger.sqlite");
    std::fs::write(&ledger, b"this is not a database, but somebody's data").unwrap();
    let before = std::fs::read(&ledger).unwrap();
    tessera(home.path())
        .args(["ledger", "list"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("damaged or not a Tessera ledger")
                .and(predicate::str::contains("nothing was changed")),
        );
    assert_eq!(std::fs::read(&ledger).unwrap(), before);
}

#[test]
fn ledger_audit_batch_verifies_every_badge_and_names_an_altered_one() {
    let home = TempDir::new().unwrap();
    let csv = home.path().join("rows.csv");
    let mut rows = String::from("recipient,achievement\n");
    for i in 0..150 {
        rows.push_str(&format!("candidate{i}@example.org,RUST-101\n"));
    }
    std::fs::write(&csv, rows).unwrap();
    tessera(home.path())
        .args(["issue-bulk", "--csv", csv.to_str().unwrap()])
        .assert()
        .success();
    tessera(home.path())
        .args(["revoke", "7", "--reason", "exam misconduct"])
        .assert()
        .success();
    tessera(home.path())
        .args(["ledger", "audit"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "150 badges checked: 150 genuine (0 expired, 1 revoked), 0 failed",
        ));
    // Someone edits the ledger file behind the app's back: one badge's
    // signature byte, and another row's recipient commitment.
    let db = rusqlite::Connection::open(home.path().join("ledger.sqlite")).unwrap();
    let cose: Vec<u8> = db
        .query_row("SELECT cose FROM badges WHERE serial = 42", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mut bad = cose.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    db.execute("UPDATE badges SET cose = ?1 WHERE serial = 42", [&bad])
        .unwrap();
    db.execute(
        "UPDATE badges SET subject = 'AAAAAAAAAAAAAAAA' WHERE serial = 99",
        [],
    )
    .unwrap();
    // And a third row's card-bound copy swapped for another genuine badge.
    db.execute(
        "UPDATE badges SET card_cose = (SELECT cose FROM badges WHERE serial = 121) WHERE serial = 120",
        [],
    )
    .unwrap();
    drop(db);
    let out = tessera(home.path())
        .args(["ledger", "audit", "--json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["checked"], 150);
    assert_eq!(report["genuine"], 147);
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 3, "{problems:?}");
    // In serial order.
    assert_eq!(problems[0][0], 42);
    assert!(problems[0][1].as_str().unwrap().contains("signature"));
    assert_eq!(problems[1][0], 99);
    assert!(problems[1][1].as_str().unwrap().contains("does not match"));
    assert_eq!(problems[2][0], 120);
    assert!(
        problems[2][1]
            .as_str()
            .unwrap()
            .contains("card-bound copy does not say what the badge says"),
        "{problems:?}"
    );
}

#[test]
fn verify_checks_a_folder_of_badges_one_line_each() {
    let home = TempDir::new().unwrap();
    let dir = home.path().join("from-employer");
    std::fs::create_dir(&dir).unwrap();
    for (i, who) in ["ada", "bob", "carol"].iter().enumerate() {
        issue_json(
            home.path(),
            &[
                "--recipient",
                &format!("{who}@example.org"),
                "--achievement",
                "RUST-101",
            ],
        );
        let serial = (i + 1).to_string();
        for (format, ext) in [("cbor", "cbor"), ("vc-jwt", "jwt"), ("baked-png", "png")] {
            tessera(home.path())
                .args(["export", &serial, "--format", format, "--out"])
                .arg(dir.join(format!("{who}.{ext}")))
                .assert()
                .success();
        }
    }
    // All good: exit code 0.
    tessera(home.path())
        .arg("verify")
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("9 checked: 9 VALID"));
    // One forged, one not a badge, one revoked.
    let mut jwt = std::fs::read_to_string(dir.join("bob.jwt")).unwrap();
    jwt.insert(jwt.len() - 10, 'A');
    std::fs::write(dir.join("bob.jwt"), jwt).unwrap();
    std::fs::write(dir.join("notes.txt"), "hello").unwrap();
    tessera(home.path())
        .args(["revoke", "3", "--reason", "exam misconduct"])
        .assert()
        .success();
    let out = tessera(home.path())
        .arg("verify")
        .arg(&dir)
        .arg(dir.join("ada.cbor"))
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("bob.jwt: FORGED"), "{out}");
    assert!(out.contains("carol.png: REVOKED"), "{out}");
    assert!(out.contains("notes.txt: NOT A BADGE"), "{out}");
    assert!(
        out.contains("ada.png: VALID (DEMO) serial 1 RUST-101"),
        "{out}"
    );
    assert!(
        out.contains("11 checked: 1 FORGED, 1 NOT A BADGE, 3 REVOKED, 6 VALID"),
        "{out}"
    );
    // --uid is for one card only.
    tessera(home.path())
        .args(["verify", "--uid", "04A1B2C3D4E5F6"])
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--uid belongs to one card"));
}

#[test]
fn trust_files_carry_every_trusted_key_to_other_centers_and_kiosks() {
    let ours = TempDir::new().unwrap();
    let partner = TempDir::new().unwrap();
    let theirs = TempDir::new().unwrap();
    // Our desk trusts a partner center besides its own (demo) issuer.
    let partner_key = partner.path().join("partner.jwk");
    tessera(partner.path())
        .args(["key", "export-public", "--format", "jwk", "--out"])
        .arg(&partner_key)
        .assert()
        .success();
    tessera(ours.path())
        .args(["trust", "add"])
        .arg(&partner_key)
        .args(["--name", "Partner"])
        .assert()
        .success();
    let ours_badge = ours.path().join("ours.cbor");
    let partner_badge = partner.path().join("partner.cbor");
    for (home, out) in [(ours.path(), &ours_badge), (partner.path(), &partner_badge)] {
        issue_json(
            home,
            &[
                "--recipient",
                "ada@example.org",
                "--achievement",
                "RUST-101",
                "--out",
                out.to_str().unwrap(),
            ],
        );
    }
    let jwks = ours.path().join("trust.jwks");
    let set = ours.path().join("trust.cose");
    let kiosk = ours.path().join("trust.bin");
    for (format, file) in [("jwks", &jwks), ("cose-key-set", &set), ("kiosk", &kiosk)] {
        tessera(ours.path())
            .args(["trust", "export", "--format", format, "--out"])
            .arg(file)
            .assert()
            .success()
            .stderr(predicate::str::contains("2 trusted keys written"));
    }
    // The kiosk file: 32 raw bytes a key.
    assert_eq!(std::fs::read(&kiosk).unwrap().len(), 64);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&jwks).unwrap()).unwrap();
    // Each key twice: by its short kid and by its did:key verification
    // method (the VC-JWT's header kid), the same key material.
    let jwks_keys = v["keys"].as_array().unwrap();
    assert_eq!(jwks_keys.len(), 4);
    for pair in jwks_keys.chunks(2) {
        assert_eq!(pair[0]["x"], pair[1]["x"]);
        assert_eq!(pair[0]["kid"].as_str().unwrap().len(), 8);
        assert!(pair[1]["kid"].as_str().unwrap().starts_with("did:key:z6Mk"));
    }
    assert!(
        v["keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["name"] == "Partner")
    );
    // Another center imports either set and then accepts both issuers'
    // badges; importing again changes nothing and says so.
    for file in [&jwks, &set] {
        let home = TempDir::new().unwrap();
        tessera(home.path())
            .args(["verify"])
            .arg(&ours_badge)
            .assert()
            .code(1);
        tessera(home.path())
            .args(["trust", "add"])
            .arg(file)
            .args(["--name", "Lyon"])
            .assert()
            .success()
            .stdout(predicate::str::contains("now trusting Lyon (").count(2));
        for badge in [&ours_badge, &partner_badge] {
            tessera(home.path())
                .arg("verify")
                .arg(badge)
                .assert()
                .code(0);
        }
        tessera(home.path())
            .args(["trust", "add"])
            .arg(file)
            .args(["--name", "Lyon"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("already trusted"));
    }
    // A damaged set names the key at fault.
    let mut v = v;
    v["keys"][1]["x"] = serde_json::json!("AAAA");
    let bad = theirs.path().join("bad.jwks");
    std::fs::write(&bad, v.to_string()).unwrap();
    tessera(theirs.path())
        .args(["trust", "add"])
        .arg(&bad)
        .args(["--name", "X"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("key 2 of the JWK Set"));
}

#[test]
fn holder_check_right_wrong_and_malformed() {
    let home = TempDir::new().unwrap();
    let v = issue_ada(home.path(), &[]);
    let code = v["claim_code"].as_str().unwrap().to_string();
    let badge = home.path().join("ada.cbor");
    tessera(home.path())
        .args(["export", "1", "--format", "cbor", "--out"])
        .arg(&badge)
        .assert()
        .success();
    // Right: e-mail in another case, code typed lower-case without dashes.
    let typed = code.replace('-', " ").to_lowercase();
    tessera(home.path())
        .arg("verify")
        .arg(&badge)
        .args(["--recipient", "Ada@Example.org", "--claim-code", &typed])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("belongs to Ada@Example.org"));
    // Wrong person: the badge is valid but not theirs, exit 1.
    tessera(home.path())
        .arg("verify")
        .arg(&badge)
        .args(["--recipient", "bob@example.org", "--claim-code", &code])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "does not belong to bob@example.org",
        ));
    let out = tessera(home.path())
        .arg("verify")
        .arg(&badge)
        .args([
            "--recipient",
            "bob@example.org",
            "--claim-code",
            &code,
            "--json",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let j: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(j["verdict"], "valid");
    assert_eq!(j["holder"]["belongs"], false);
    // Malformed code: its own error, before anything is checked.
    tessera(home.path())
        .arg("verify")
        .arg(&badge)
        .args(["--recipient", "ada@example.org", "--claim-code", "12345"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("\"12345\" is not a claim code"));
    // Both or neither.
    tessera(home.path())
        .arg("verify")
        .arg(&badge)
        .args(["--recipient", "ada@example.org"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--claim-code"));
}

/// The whole memory of an NTAG215 from page 0 holding `image` in its user
/// memory, as `nfc-mfultralight r` dumps it.
fn page0_dump(uid: [u8; 7], image: &[u8]) -> Vec<u8> {
    let mut mem = vec![0u8; 135 * 4];
    let bcc0 = 0x88 ^ uid[0] ^ uid[1] ^ uid[2];
    let bcc1 = uid[3] ^ uid[4] ^ uid[5] ^ uid[6];
    mem[..12].copy_from_slice(&[
        uid[0], uid[1], uid[2], bcc0, uid[3], uid[4], uid[5], uid[6], bcc1, 0x48, 0, 0,
    ]);
    mem[12..16].copy_from_slice(&[0xe1, 0x10, 0x3e, 0x00]);
    mem[16..16 + image.len()].copy_from_slice(image);
    mem
}

#[test]
fn verify_reads_page0_dumps_and_flipper_files() {
    let home = TempDir::new().unwrap();
    issue_ada(home.path(), &[]);
    let image = tessera(home.path())
        .args(["export", "1", "--format", "ndef"])
        .output()
        .unwrap()
        .stdout;
    let dump = home.path().join("tag.mfd");
    std::fs::write(&dump, page0_dump([4, 1, 2, 3, 4, 5, 6], &image)).unwrap();
    tessera(home.path())
        .arg("verify")
        .arg(&dump)
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("VALID"));
    // One flipped byte inside the badge: FORGED, from the dump too.
    let mut forged = std::fs::read(&dump).unwrap();
    forged[16 + 90] ^= 0x01;
    std::fs::write(&dump, &forged).unwrap();
    tessera(home.path())
        .arg("verify")
        .arg(&dump)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("FORGED"));
    // The committed Flipper Zero fixtures (written from the documented
    // format; their record holds no badge): recognised and read, and the
    // record inside is judged as what it is.
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/dumps");
    for name in [
        "ntag215-badge.flipper-v4.nfc",
        "ntag213-badge.flipper-v2.nfc",
    ] {
        tessera(home.path())
            .arg("verify")
            .arg(vectors.join(name))
            .assert()
            .code(2)
            .stdout(predicate::str::starts_with("NOT A BADGE"));
    }
    // A damaged Flipper file names the line.
    let text = std::fs::read_to_string(vectors.join("ntag215-badge.flipper-v4.nfc")).unwrap();
    let broken = text.replacen("Page 7: ", "Page 7: ZZ ", 1);
    let bad = home.path().join("broken.nfc");
    std::fs::write(&bad, broken).unwrap();
    tessera(home.path())
        .arg("verify")
        .arg(&bad)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("line"));
}

#[test]
fn evidence_and_level_are_signed_stored_and_exported() {
    let home = TempDir::new().unwrap();
    let v = issue_json(
        home.path(),
        &[
            "--recipient",
            "ada@example.org",
            "--achievement",
            "RUST-201",
            "--title",
            "Rust Systems",
            "--evidence",
            "https://example.org/e/1",
            "--level",
            "4",
            "--display-name",
            "Ada L.",
            "--expires",
            "2099-01-31",
        ],
    );
    assert_eq!(v["evidence"], "https://example.org/e/1");
    assert_eq!(v["level"], 4);
    let out = tessera(home.path())
        .args(["export", "1", "--format", "cbor"])
        .output()
        .unwrap()
        .stdout;
    let file = home.path().join("b.cbor");
    std::fs::write(&file, &out).unwrap();
    tessera(home.path())
        .arg("verify")
        .arg(&file)
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("level: 4").and(predicate::str::contains(
                "evidence: https://example.org/e/1",
            )),
        );
    let json = tessera(home.path())
        .args(["export", "1", "--format", "ob3-json"])
        .output()
        .unwrap()
        .stdout;
    let vc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let evidence = vc["evidence"].as_array().unwrap();
    assert!(
        evidence
            .iter()
            .any(|e| e["id"] == "https://example.org/e/1"),
        "{evidence:?}"
    );
    // Not a web address: refused with the field named.
    tessera(home.path())
        .args([
            "issue",
            "--recipient",
            "bob@example.org",
            "--achievement",
            "RUST-201",
            "--evidence",
            "exam room 3",
        ])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("evidence:")
                .and(predicate::str::contains("not a web address")),
        );
}

#[test]
fn a_state_the_desk_never_writes_is_a_damaged_ledger() {
    let home = TempDir::new().unwrap();
    issue_ada(home.path(), &[]);
    {
        let db = rusqlite::Connection::open(home.path().join("ledger.sqlite")).unwrap();
        db.execute_batch(
            "PRAGMA ignore_check_constraints = ON; UPDATE badges SET state = 'lost' WHERE serial = 1;",
        )
        .unwrap();
    }
    tessera(home.path())
        .args(["ledger", "list"])
        .assert()
        .code(1)
        // SQLite's check on open already sees the row break the schema's
        // CHECK; a row read later gets LedgerError::Damaged. Either way:
        // damaged, never read as "issued".
        .stderr(
            predicate::str::contains("damaged")
                .and(predicate::str::contains("nothing was changed")),
        );
}

#[test]
fn hostile_text_in_a_checked_file_is_printed_inert() {
    use base64::Engine as _;
    let home = TempDir::new().unwrap();
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    // A JWT whose header's alg would erase the FORGED headline, move the
    // cursor up and print VALID, reversed by a bidi override.
    let header = r#"{"alg":"\u001b[1A\u001b[2K\u202eDILAV\u001b[0m","typ":"JWT"}"#;
    let jwt = format!("{}.{}.{}", b64(header), b64(r#"{"sub":"x"}"#), b64("sig"));
    let file = home.path().join("hostile.jwt");
    std::fs::write(&file, &jwt).unwrap();
    for args in [vec!["verify"], vec!["verify", "--json"]] {
        let out = tessera(home.path())
            .args(&args)
            .arg(&file)
            .assert()
            .code(1)
            .get_output()
            .clone();
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        let text = String::from_utf8(all).unwrap();
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(!text.contains('\u{202e}'), "{text:?}");
        if args.len() == 1 {
            assert!(text.starts_with("FORGED"), "{text:?}");
            // The hostile alg is shown, as escaped words.
            assert!(text.contains("\\u{1b}[1A"), "{text:?}");
        }
    }
    // Many files at once: one inert line each.
    let out = tessera(home.path())
        .arg("verify")
        .arg(&file)
        .arg(&file)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert!(!out.contains(&0x1b), "{}", String::from_utf8_lossy(&out));
}
