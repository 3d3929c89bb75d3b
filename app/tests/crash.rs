//! Crash safety: `tessera` is killed (SIGKILL) at many points during bulk
//! issuing and during revocation. After every kill the ledger opens, passes
//! SQLite's integrity check, its serials are unique and contiguous, a bulk
//! run is all or nothing, and the published status list is never half
//! written. Then the job is run again and completes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;
use tessera_desk::store::ledger::{BadgeState, Filter, Ledger};

const ROWS: usize = 5000;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tessera"))
}

fn write_csv(path: &Path) {
    let mut s = String::from("recipient,achievement,title\n");
    for i in 0..ROWS {
        s.push_str(&format!(
            "candidate{i}@example.org,RUST-101,Rust Fundamentals\n"
        ));
    }
    std::fs::write(path, s).unwrap();
}

/// The ledger is sound: integrity ok, serials 1..=n without gaps.
fn check_ledger(home: &Path) -> usize {
    let ledger = Ledger::open(&home.join("ledger.sqlite")).unwrap();
    assert_eq!(ledger.integrity_check().unwrap(), "ok");
    let rows = ledger.list(&Filter::default()).unwrap();
    let mut serials: Vec<u32> = rows.iter().map(|r| r.serial).collect();
    serials.sort_unstable();
    let expected: Vec<u32> = (1..=rows.len() as u32).collect();
    assert_eq!(serials, expected, "serials unique and contiguous");
    rows.len()
}

/// Run `args`, kill it after `after`; returns whether it finished by itself.
fn run_and_kill(home: &Path, args: &[&str], after: Duration) -> bool {
    let mut child = bin()
        .env("TESSERA_HOME", home)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < after {
        if child.try_wait().unwrap().is_some() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    // SIGKILL: no chance to clean up.
    child.kill().unwrap();
    child.wait().unwrap();
    false
}

#[test]
fn killing_bulk_issue_never_loses_or_duplicates_badges() {
    let home = TempDir::new().unwrap();
    let csv = home.path().join("rows.csv");
    write_csv(&csv);
    // Set up the desk (demo issuer) and measure one full run elsewhere.
    assert!(
        bin()
            .env("TESSERA_HOME", home.path())
            .args(["ledger", "list"])
            .status()
            .unwrap()
            .success()
    );
    let probe = TempDir::new().unwrap();
    let t = Instant::now();
    assert!(
        bin()
            .env("TESSERA_HOME", probe.path())
            .args(["issue-bulk", "--csv", csv.to_str().unwrap()])
            .status()
            .unwrap()
            .success()
    );
    let full = t.elapsed();
    let mut kills = 0;
    let mut finished = false;
    // Kill points spread over the whole run, from start-up to commit.
    for i in 1..=12u32 {
        let after = full * i / 13;
        let done = run_and_kill(
            home.path(),
            &["issue-bulk", "--csv", csv.to_str().unwrap()],
            after,
        );
        let n = check_ledger(home.path());
        assert!(
            n == 0 || n == ROWS,
            "a bulk run is all or nothing, found {n} badges"
        );
        if done || n == ROWS {
            finished = true;
            break;
        }
        kills += 1;
    }
    // Resume: the job runs to the end (or had already committed).
    if !finished {
        assert!(
            bin()
                .env("TESSERA_HOME", home.path())
                .args(["issue-bulk", "--csv", csv.to_str().unwrap()])
                .status()
                .unwrap()
                .success()
        );
    }
    assert_eq!(check_ledger(home.path()), ROWS);
    eprintln!(
        "bulk issue of {ROWS} rows ({full:?} unkilled): {kills} kills, ledger sound after each"
    );
    assert!(
        kills >= 3,
        "the kill points should land inside the run ({kills} kills)"
    );
}

#[test]
fn killing_revocation_leaves_a_consistent_ledger_and_status_list() {
    let home = TempDir::new().unwrap();
    for i in 0..20 {
        let ok = bin()
            .env("TESSERA_HOME", home.path())
            .args([
                "issue",
                "--recipient",
                &format!("c{i}@example.org"),
                "--achievement",
                "RUST-101",
            ])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }
    let key = home.path().join("key.cose");
    assert!(
        bin()
            .env("TESSERA_HOME", home.path())
            .args([
                "key",
                "export-public",
                "--format",
                "cose-key",
                "--out",
                key.to_str().unwrap()
            ])
            .status()
            .unwrap()
            .success()
    );
    let public = tessera_desk::keyfile::parse_public_key(&std::fs::read(&key).unwrap()).unwrap();
    let mut trust: tessera_core::TrustStore = tessera_core::TrustStore::new();
    trust.add(public).unwrap();
    let list_path = home.path().join("status-list.cbor");
    let mut kills = 0;
    for serial in 1..=20u32 {
        // Kill after a few milliseconds: sometimes before, sometimes after the commit.
        let after = Duration::from_millis(u64::from(serial % 7) * 3);
        if !run_and_kill(
            home.path(),
            &["revoke", &serial.to_string(), "--reason", "test"],
            after,
        ) {
            kills += 1;
        }
        check_ledger(home.path());
        if list_path.exists() {
            let bytes = std::fs::read(&list_path).unwrap();
            tessera_core::StatusList::verify(&bytes, &trust, None)
                .expect("the status list is never half written");
        }
    }
    // Finish what the kills interrupted: revoke what is not revoked yet.
    let ledger = Ledger::open(&home.path().join("ledger.sqlite")).unwrap();
    for b in ledger.list(&Filter::default()).unwrap() {
        if b.state != BadgeState::Revoked {
            assert!(
                bin()
                    .env("TESSERA_HOME", home.path())
                    .args(["revoke", &b.serial.to_string(), "--reason", "test"])
                    .status()
                    .unwrap()
                    .success()
            );
        }
    }
    let bytes = std::fs::read(&list_path).unwrap();
    let list = tessera_core::StatusList::verify(&bytes, &trust, None).unwrap();
    assert_eq!(list.revoked_count(), 20);
    eprintln!("revocation: {kills} kills of 20 runs, ledger and status list sound after each");
}

#[test]
fn a_full_disk_is_a_clear_error_and_loses_nothing() {
    let home = TempDir::new().unwrap();
    let csv = home.path().join("rows.csv");
    write_csv(&csv);
    // Two badges first, so there is something to lose.
    for r in ["a@example.org", "b@example.org"] {
        let ok = bin()
            .env("TESSERA_HOME", home.path())
            .args([
                "issue",
                "--recipient",
                r,
                "--achievement",
                "RS-1",
                "--profile",
                "mini",
            ])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }
    let size_kb = std::fs::metadata(home.path().join("ledger.sqlite"))
        .unwrap()
        .len()
        / 1024;
    // RLIMIT_FSIZE makes every write past the limit fail like a full disk.
    let script = format!(
        "trap '' XFSZ; ulimit -f {}; exec {} issue-bulk --csv {}",
        size_kb + 64,
        env!("CARGO_BIN_EXE_tessera"),
        csv.display()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("TESSERA_HOME", home.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "could not be written (the disk may be full or failing): nothing was recorded"
        ),
        "{stderr}"
    );
    assert_eq!(
        check_ledger(home.path()),
        2,
        "the two earlier badges are intact, none of the bulk"
    );
}

#[test]
fn a_read_only_data_directory_is_a_clear_error_and_changes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let home = TempDir::new().unwrap();
    let ok = bin()
        .env("TESSERA_HOME", home.path())
        .args([
            "issue",
            "--recipient",
            "a@example.org",
            "--achievement",
            "RS-1",
            "--profile",
            "mini",
        ])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let ledger = home.path().join("ledger.sqlite");
    let before = std::fs::read(&ledger).unwrap();
    // Read-only for the app: root ignores permissions, so the app then runs
    // as `nobody` (setpriv, util-linux) on a directory it cannot write.
    for p in [home.path().to_path_buf(), ledger.clone()] {
        std::fs::set_permissions(
            &p,
            std::fs::Permissions::from_mode(if p.is_dir() { 0o555 } else { 0o444 }),
        )
        .unwrap();
    }
    let as_root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    let exe = env!("CARGO_BIN_EXE_tessera");
    let mut cmd = if as_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", exe]);
        c
    } else {
        Command::new(exe)
    };
    let out = cmd
        .env("TESSERA_HOME", home.path())
        .args([
            "issue",
            "--recipient",
            "b@example.org",
            "--achievement",
            "RS-1",
            "--profile",
            "mini",
        ])
        .output()
        .unwrap();
    for p in [home.path().to_path_buf(), ledger.clone()] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("read-only data directory: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("cannot be written") && stderr.contains("writable"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&ledger).unwrap(),
        before,
        "the ledger is unchanged"
    );
    assert_eq!(check_ledger(home.path()), 1);
}
