//! The whole program once through a real terminal: `tessera` runs in tmux,
//! keys are sent with `send-keys`, the screen is read with `capture-pane`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use std::process::Command;

use tempfile::TempDir;

mod common;

use common::Session;

#[test]
fn issue_and_check_a_badge_in_the_real_terminal() {
    let home = TempDir::new().unwrap();
    let bin = env!("CARGO_BIN_EXE_tessera");
    // A badge to check, issued by the same desk through the CLI.
    let badge = home.path().join("badge.cbor");
    let status = Command::new(bin)
        .env("TESSERA_HOME", home.path())
        .args([
            "issue",
            "--recipient",
            "ada@example.org",
            "--achievement",
            "RUST-101",
            "--title",
            "Rust Fundamentals",
        ])
        .args(["--out", badge.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());

    let cmd = format!("TESSERA_HOME={} {bin}", home.path().display());
    let s = Session::start("tessera-e2e", 100, 30, &cmd);
    s.wait_for("F1 Issue");
    s.wait_for("DEMO ISSUER");

    // Issue a second badge from the Issue screen.
    s.text("grace@example.org");
    s.keys(&["Enter"]);
    s.text("RUST-101");
    // Enter through title, profile, display name, expiry, evidence and
    // level; the last Enter issues.
    for _ in 0..7 {
        s.keys(&["Enter"]);
    }
    let screen = s.wait_for("Issued badge 2");
    assert!(screen.contains("Claim code"), "{screen}");

    // Check the first badge from a file on the Check screen.
    s.keys(&["F3", "o"]);
    s.text(badge.to_str().unwrap());
    s.keys(&["Enter"]);
    let screen = s.wait_for("VALID");
    assert!(screen.contains("RUST-101 Rust Fundamentals"), "{screen}");
    assert!(screen.contains("DEMO"), "{screen}");
    println!("{screen}");

    // The Ledger lists both badges.
    s.keys(&["F5"]);
    let screen = s.wait_for("2 badges");
    assert!(
        screen.contains("grace@example.org") && screen.contains("ada@example.org"),
        "{screen}"
    );
    s.quit();
}
