//! Desks on a shared ledger, driven through the real `tessera` binary:
//! what the shared-ledger test binaries have in common.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Reason: test support; each test binary uses part of it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;
use tessera_desk::store::ledger::{Filter, Ledger};

/// The binary (as `common::tessera_process`) on the shared ledger `url`.
pub fn tessera(home: &Path, url: &str) -> Command {
    let mut c = crate::common::tessera_process(home);
    c.env("TESSERA_LEDGER", url);
    c
}

/// A desk with its own passphrase-protected key on the shared ledger.
pub struct DeskDir {
    /// Its data directory.
    pub home: TempDir,
    /// Its passphrase file.
    pub pass: PathBuf,
}

pub fn desk(url: &str, name: &str) -> DeskDir {
    let home = TempDir::new().unwrap();
    let pass = home.path().join("pass");
    std::fs::write(&pass, "correct horse battery staple\n").unwrap();
    let out = tessera(home.path(), url)
        .args(["init", "--name", name, "--passphrase-file"])
        .arg(&pass)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    DeskDir { home, pass }
}

pub fn csv(dir: &Path, tag: &str, n: usize) -> PathBuf {
    let mut s = String::from("recipient,achievement,title\n");
    for i in 0..n {
        s.push_str(&format!("{tag}-{i}@example.org,{tag},Cohort {tag}\n"));
    }
    let path = dir.join(format!("{tag}.csv"));
    std::fs::write(&path, s).unwrap();
    path
}

pub fn bulk(d: &DeskDir, url: &str, file: &Path) -> Command {
    let mut c = tessera(d.home.path(), url);
    c.args(["issue-bulk", "--json", "--csv"])
        .arg(file)
        .arg("--passphrase-file")
        .arg(&d.pass);
    c
}

pub fn serials_of(out: &Output) -> Vec<u32> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["serials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap() as u32)
        .collect()
}

/// Badges per achievement code, and every serial, straight from the server.
pub fn census(url: &str) -> (HashMap<String, usize>, Vec<u32>) {
    let ledger = Ledger::connect(url).unwrap();
    let rows = ledger.list(&Filter::default()).unwrap();
    let mut per = HashMap::new();
    for r in &rows {
        *per.entry(r.achievement_id.clone()).or_default() += 1;
    }
    (per, rows.iter().map(|r| r.serial).collect())
}
