//! The shared PostgreSQL ledger's server restarted in the middle of a bulk
//! issue (its own test binary: the restart drops every connection, so no
//! other test may run meanwhile).
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

#[path = "common/pg.rs"]
mod pg;

mod common;
#[path = "common/desks.rs"]
mod desks;

use desks::{bulk, census, csv, desk, serials_of};

/// Has some desk started inserting badges (seen by the server)?
fn inserting(admin: &mut postgres::Client, db: &str) -> bool {
    admin
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'INSERT INTO badges%'",
            &[&db],
        )
        .map(|r| r.get::<_, i64>(0) > 0)
        .unwrap_or(false)
}

#[test]
fn the_server_restarted_mid_batch_gives_a_clear_error_records_nothing_half_and_the_retry_succeeds()
{
    let db = pg::TestDb::new();
    let work = TempDir::new().unwrap();
    let d = desk(&db.url, "Desk R");
    let file = csv(work.path(), "R", 5000);
    let db_name = db.url.rsplit('/').next().unwrap().to_string();
    let mut admin = postgres::Client::connect(&pg::admin_url(), postgres::NoTls).unwrap();
    // Hold the desk's INSERT at the table lock, so the restart lands in the
    // middle of its transaction (serials taken, rows not yet written).
    let mut holder = db.client();
    let mut hold = holder.transaction().unwrap();
    hold.batch_execute("LOCK TABLE badges IN SHARE ROW EXCLUSIVE MODE")
        .unwrap();
    let child = bulk(&d, &db.url, &file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !inserting(&mut admin, &db_name) && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(
        inserting(&mut admin, &db_name),
        "the desk reached its INSERT"
    );
    drop(admin);
    let restart = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/postgres.sh"))
        .arg("restart")
        .status()
        .unwrap();
    assert!(restart.success());
    drop(hold);
    drop(holder);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (per, _) = census(&db.url);
    let stored = per.get("R").copied().unwrap_or(0);
    if out.status.success() {
        panic!("the batch finished before the restart ({stored} stored): make it longer");
    }
    assert!(
        stderr.contains("cannot be reached") || stderr.contains("was lost while recording"),
        "a clear error: {stderr}"
    );
    assert_eq!(stored, 0, "nothing half recorded");
    assert_eq!(
        serials_of(&bulk(&d, &db.url, &file).output().unwrap()).len(),
        5000
    );
    let (per, serials) = census(&db.url);
    assert_eq!(per["R"], 5000);
    assert_eq!(serials.len(), 5000);
    eprintln!("restart mid-batch: {stderr}");
}
