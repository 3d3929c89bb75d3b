//! Many desks on one PostgreSQL ledger, through the real `tessera` binary on
//! the server `.ci/test` starts: concurrent bulk issues, desks killed with
//! SIGKILL mid-batch, the server restarted mid-batch, and `ledger migrate`
//! from the 0.1.0 fixture with an audit that catches a row altered on the
//! way.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;
use tessera_desk::store::ledger::Ledger;

#[path = "common/pg.rs"]
mod pg;

#[path = "common/desks.rs"]
mod desks;

use desks::{DeskDir, bulk, census, csv, desk, serials_of, tessera};

mod common;

fn audit(d: &DeskDir, url: &str) -> serde_json::Value {
    let out = tessera(d.home.path(), url)
        .args(["ledger", "audit", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn four_desks_issuing_at_once_get_distinct_serials_and_every_one_is_recorded() {
    let db = pg::TestDb::new();
    let work = TempDir::new().unwrap();
    let desks: Vec<DeskDir> = (0..4)
        .map(|i| desk(&db.url, &format!("Desk {i}")))
        .collect();
    let files: Vec<PathBuf> = (0..4)
        .map(|i| csv(work.path(), &format!("D{i}"), 2500))
        .collect();
    let children: Vec<Child> = desks
        .iter()
        .zip(&files)
        .map(|(d, f)| {
            bulk(d, &db.url, f)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut reported = Vec::new();
    for child in children {
        let s = serials_of(&child.wait_with_output().unwrap());
        assert_eq!(s.len(), 2500);
        reported.extend(s);
    }
    let distinct: BTreeSet<u32> = reported.iter().copied().collect();
    assert_eq!(distinct.len(), 10_000, "10,000 distinct serials reported");
    let (per, stored) = census(&db.url);
    let stored: BTreeSet<u32> = stored.into_iter().collect();
    assert_eq!(
        stored, distinct,
        "each reported serial stored, nothing else"
    );
    for i in 0..4 {
        assert_eq!(per[&format!("D{i}")], 2500);
    }
    // Every desk trusts every other desk's key (the shared issuers table):
    // its audit verifies all 10,000 signatures.
    let report = audit(&desks[0], &db.url);
    assert_eq!(report["checked"], 10_000);
    assert_eq!(report["genuine"], 10_000, "{report}");
    eprintln!(
        "4 desks × 2,500: {} distinct serials, {} stored, audit {} genuine",
        distinct.len(),
        stored.len(),
        report["genuine"]
    );
}

#[test]
fn desks_killed_mid_batch_lose_and_duplicate_nothing() {
    let db = pg::TestDb::new();
    let work = TempDir::new().unwrap();
    let a = desk(&db.url, "Desk A");
    let b = desk(&db.url, "Desk B");
    let mut killed = 0;
    // A bounded loop: each round both desks issue a cohort of 400 and one
    // of them is killed after a pseudo-random delay.
    let mut seed = 0x9e37_79b9_u32;
    for round in 0..8 {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let delay = Duration::from_millis(u64::from(seed % 1500));
        let fa = csv(work.path(), &format!("A{round}"), 400);
        let fb = csv(work.path(), &format!("B{round}"), 400);
        let mut ca = bulk(&a, &db.url, &fa)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let cb = bulk(&b, &db.url, &fb)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while start.elapsed() < delay && ca.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(5));
        }
        let a_finished = ca.try_wait().unwrap().is_some();
        if !a_finished {
            ca.kill().unwrap();
            killed += 1;
        }
        let a_status = ca.wait().unwrap();
        assert_eq!(serials_of(&cb.wait_with_output().unwrap()).len(), 400);
        let (per, _) = census(&db.url);
        let a_count = per.get(&format!("A{round}")).copied().unwrap_or(0);
        assert!(
            a_count == 0 || a_count == 400,
            "round {round}: a killed batch is all or nothing, found {a_count}"
        );
        if a_count == 0 {
            assert!(!a_status.success());
            // Run again: it completes, once.
            assert_eq!(
                serials_of(&bulk(&a, &db.url, &fa).output().unwrap()).len(),
                400
            );
        } else {
            // Killed after its commit: running again issues nothing twice.
            let again = bulk(&a, &db.url, &fa).output().unwrap();
            assert!(!again.status.success());
            assert!(String::from_utf8_lossy(&again.stderr).contains("already holds"));
        }
    }
    let (per, serials) = census(&db.url);
    assert!(per.values().all(|n| *n == 400), "{per:?}");
    assert_eq!(serials.len(), 16 * 400);
    assert_eq!(serials.iter().collect::<BTreeSet<_>>().len(), serials.len());
    let report = audit(&a, &db.url);
    assert_eq!(report["genuine"], 16 * 400, "{report}");
    assert!(killed > 0, "the loop killed some desk mid-batch");
    eprintln!(
        "killed {killed} of 8 batches; {} badges, none lost or twice",
        serials.len()
    );
}

fn fixture_copy() -> TempDir {
    let dir = TempDir::new().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger-0.1.0");
    std::fs::create_dir(dir.path().join("keys")).unwrap();
    for name in ["ledger.sqlite", "status-list.cbor"] {
        std::fs::copy(from.join(name), dir.path().join(name)).unwrap();
    }
    for e in std::fs::read_dir(from.join("keys")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join("keys").join(e.file_name())).unwrap();
    }
    dir
}

fn plain(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tessera"));
    c.env("TESSERA_HOME", home).env_remove("TESSERA_LEDGER");
    c
}

#[test]
fn ledger_migrate_copies_the_fixture_audits_it_and_switches_the_desk() {
    let db = pg::TestDb::new();
    let home = fixture_copy();
    let out = plain(home.path())
        .args(["ledger", "migrate", "--to", &db.url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("copied 5 badges") && text.contains("checked every copy"),
        "{text}"
    );
    // The desk now uses the shared ledger without being told.
    let list = plain(home.path())
        .args(["ledger", "list"])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(
        list.contains("lucia@example.org") && list.ends_with("5 badges\n"),
        "{list}"
    );
    let shared = Ledger::connect(&db.url).unwrap();
    assert_eq!(shared.count().unwrap(), 5);
    assert_eq!(
        shared.badge(2).unwrap().revocation_reason.as_deref(),
        Some("issued to the wrong candidate")
    );
    // New badges continue after the copied serials.
    let out = plain(home.path())
        .args([
            "issue",
            "--recipient",
            "new@example.org",
            "--achievement",
            "RUST-101",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["serial"], 6);
    let audit = plain(home.path())
        .args(["ledger", "audit", "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&audit.stdout).unwrap();
    assert_eq!(report["genuine"], 6, "{report}");
    // The SQLite ledger is left as it was.
    let old = Ledger::open(&home.path().join("ledger.sqlite")).unwrap();
    assert_eq!(old.count().unwrap(), 5);
    // Migrating again is refused.
    let again = plain(home.path())
        .args(["ledger", "migrate", "--to", &db.url])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("already uses the shared ledger"));
}

#[test]
fn ledger_migrate_catches_a_row_altered_on_the_way_and_keeps_nothing() {
    let db = pg::TestDb::new();
    // The schema, then a trigger that changes one badge as it is copied in.
    drop(Ledger::connect(&db.url).unwrap());
    db.client()
        .batch_execute(
            "CREATE FUNCTION alter_badge() RETURNS trigger AS $$
             BEGIN
                 IF NEW.serial = 3 THEN NEW.recipient := 'mallory@example.org'; END IF;
                 RETURN NEW;
             END $$ LANGUAGE plpgsql;
             CREATE TRIGGER alter_badge BEFORE INSERT ON badges
                 FOR EACH ROW EXECUTE FUNCTION alter_badge();",
        )
        .unwrap();
    let home = fixture_copy();
    let out = plain(home.path())
        .args(["ledger", "migrate", "--to", &db.url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("badge 3 did not survive the copy: its recipient differs")
            && err.contains("nothing was copied"),
        "{err}"
    );
    assert_eq!(Ledger::connect(&db.url).unwrap().count().unwrap(), 0);
    assert!(
        !home.path().join("ledger-url").exists(),
        "the desk is not switched"
    );
    let list = plain(home.path())
        .args(["ledger", "list"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).ends_with("5 badges\n"));
    // A signature changed on the way is caught too.
    db.client()
        .batch_execute(
            "CREATE OR REPLACE FUNCTION alter_badge() RETURNS trigger AS $$
             BEGIN
                 IF NEW.serial = 4 THEN NEW.cose := overlay(NEW.cose placing '\\x00'::bytea from length(NEW.cose)); END IF;
                 RETURN NEW;
             END $$ LANGUAGE plpgsql;",
        )
        .unwrap();
    let out = plain(home.path())
        .args(["ledger", "migrate", "--to", &db.url])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("badge 4 did not survive the copy"), "{err}");
    assert_eq!(Ledger::connect(&db.url).unwrap().count().unwrap(), 0);
}

#[test]
fn the_ledger_screen_pages_and_searches_a_shared_ledger_in_the_real_terminal() {
    let db = pg::TestDb::new();
    let work = TempDir::new().unwrap();
    let d = desk(&db.url, "Desk T");
    // More badges than one window of the screen (200 rows).
    let file = csv(work.path(), "T", 450);
    assert_eq!(
        serials_of(&bulk(&d, &db.url, &file).output().unwrap()).len(),
        450
    );
    let cmd = format!(
        "TESSERA_HOME={} TESSERA_LEDGER={} {}",
        d.home.path().display(),
        db.url,
        env!("CARGO_BIN_EXE_tessera")
    );
    let s = common::Session::start("tessera-shared", 110, 30, &cmd);
    s.wait_for("F1 Issue");
    s.keys(&["F5"]);
    let screen = s.wait_for("1 of 450 badges");
    assert!(
        screen.contains("T-449@example.org"),
        "newest first: {screen}"
    );
    // The last badge is in another window: End loads it.
    s.keys(&["End"]);
    let screen = s.wait_for("450 of 450 badges");
    assert!(screen.contains("T-0@example.org"), "{screen}");
    s.keys(&["PageUp"]);
    s.wait_for("430 of 450 badges");
    // Search by the start of a word; the count comes from the database.
    s.keys(&["/"]);
    s.text("t 44");
    let screen = s.wait_for("1 of 11 badges");
    assert!(
        screen.contains("T-449@example.org") && screen.contains("T-44@example.org"),
        "{screen}"
    );
    s.keys(&["Enter"]);
    s.quit();
}

/// `tessera verify FILE`'s exit code and first line, at desk `home`.
fn verdict_at(home: &Path, url: Option<&str>, badge: &Path) -> (i32, String) {
    let mut c = plain(home);
    if let Some(url) = url {
        c.env("TESSERA_LEDGER", url);
    }
    let out = c.arg("verify").arg(badge).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    (
        out.status.code().unwrap(),
        text.lines().next().unwrap_or_default().to_string(),
    )
}

/// The retired key of a desk (`tessera key list`).
fn retired_key(home: &Path, url: Option<&str>) -> String {
    let mut c = plain(home);
    if let Some(url) = url {
        c.env("TESSERA_LEDGER", url);
    }
    let out = c.args(["key", "list"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.contains("retired"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string()
}

#[test]
fn a_stolen_key_is_refused_by_every_desk_on_the_shared_ledger_and_after_a_migration() {
    let db = pg::TestDb::new();
    let (a, b) = (desk(&db.url, "Desk A"), desk(&db.url, "Desk B"));
    let run = |d: &DeskDir, args: &[&str]| {
        let out = tessera(d.home.path(), &db.url)
            .args(args)
            .arg("--passphrase-file")
            .arg(&d.pass)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        out
    };
    let badge = a.home.path().join("a.cbor");
    run(
        &a,
        &[
            "issue",
            "--recipient",
            "ana@example.org",
            "--achievement",
            "AZ-900",
        ],
    );
    let out = tessera(a.home.path(), &db.url)
        .args(["export", "1", "--format", "cbor", "--out"])
        .arg(&badge)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    run(&a, &["key", "rotate"]);
    let old = retired_key(a.home.path(), Some(&db.url));
    assert_eq!(verdict_at(b.home.path(), Some(&db.url), &badge).0, 0);
    // Desk A declares its old key stolen from tomorrow: desk B still takes
    // the earlier badge; then A distrusts the key, and B refuses it too.
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    run(&a, &["key", "compromised", &old, "--since", &tomorrow]);
    assert_eq!(verdict_at(b.home.path(), Some(&db.url), &badge).0, 0);
    run(&a, &["trust", "remove", &old]);
    assert_eq!(
        verdict_at(b.home.path(), Some(&db.url), &badge),
        (1, "UNKNOWN ISSUER".to_string())
    );

    // A desk on its own SQLite ledger distrusts its stolen key, then moves
    // to the shared ledger: the decision comes along.
    let c = TempDir::new().unwrap();
    let pass = c.path().join("pass");
    std::fs::write(&pass, "another good passphrase\n").unwrap();
    let own = |args: &[&str]| {
        let out = plain(c.path())
            .args(args)
            .arg("--passphrase-file")
            .arg(&pass)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
    };
    own(&["init", "--name", "Desk C"]);
    let c_badge = c.path().join("c.cbor");
    own(&[
        "issue",
        "--recipient",
        "caio@example.org",
        "--achievement",
        "AZ-900",
    ]);
    let out = plain(c.path())
        .args(["export", "1", "--format", "cbor", "--out"])
        .arg(&c_badge)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    own(&["key", "rotate"]);
    let c_old = retired_key(c.path(), None);
    own(&["trust", "remove", &c_old]);
    assert_eq!(verdict_at(c.path(), None, &c_badge).1, "UNKNOWN ISSUER");
    // A badge of the new key, suspended: the suspension moves too.
    own(&[
        "issue",
        "--recipient",
        "clara@example.org",
        "--achievement",
        "AZ-900",
    ]);
    let paused = c.path().join("paused.cbor");
    let out = plain(c.path())
        .args(["export", "2", "--format", "cbor", "--out"])
        .arg(&paused)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    own(&["suspend", "2", "--reason", "under investigation"]);
    // Desk C's serial 1 is taken on the shared ledger (desk A's badge): a
    // fresh database for the move.
    let shared = pg::TestDb::new();
    own(&["ledger", "migrate", "--to", &shared.url]);
    assert_eq!(verdict_at(c.path(), None, &c_badge).1, "UNKNOWN ISSUER");
    let d = desk(&shared.url, "Desk D");
    assert_eq!(
        verdict_at(d.home.path(), Some(&shared.url), &c_badge),
        (1, "UNKNOWN ISSUER".to_string())
    );
    assert_eq!(
        verdict_at(d.home.path(), Some(&shared.url), &paused),
        (1, "SUSPENDED".to_string())
    );
}
