//! Desk benchmarks: bulk issuing 5,000 CSV rows end to end through the real
//! `tessera` binary (sign + SQLite, one transaction), and the Check screen's
//! verify-to-render path (verdict from the ledger desk, then one frame drawn).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]
// Reason: benchmark harness.

use std::process::Command;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tempfile::TempDir;
use tessera::ui::{Message, Model, update, view};
use tessera_desk::{Desk, IssueRequest};

fn csv(rows: usize) -> String {
    let mut s = String::from("recipient,achievement,title,expires\n");
    for i in 0..rows {
        s.push_str(&format!(
            "candidate{i}@example.org,RUST-101,Rust Fundamentals,2030-01-01\n"
        ));
    }
    s
}

fn bench_bulk(c: &mut Criterion) {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("rows.csv");
    std::fs::write(&file, csv(5000)).unwrap();
    let mut group = c.benchmark_group("bulk_issue");
    group.sample_size(10);
    group.bench_function(
        "5000 CSV rows through `tessera issue-bulk` (fresh ledger)",
        |b| {
            b.iter_batched(
                || {
                    let home = TempDir::new().unwrap();
                    // First run sets up the demo issuer outside the timed part.
                    let ok = Command::new(env!("CARGO_BIN_EXE_tessera"))
                        .env("TESSERA_HOME", home.path())
                        .args(["key", "list"])
                        .output()
                        .unwrap()
                        .status
                        .success();
                    assert!(ok);
                    home
                },
                |home| {
                    let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
                        .env("TESSERA_HOME", home.path())
                        .args(["issue-bulk", "--csv", file.to_str().unwrap()])
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    home
                },
                BatchSize::PerIteration,
            )
        },
    );
    group.finish();
}

fn bench_check(c: &mut Criterion) {
    let home = TempDir::new().unwrap();
    let mut desk = Desk::open_or_demo(home.path()).unwrap();
    let key = desk.signing_key(&mut || None).unwrap();
    let req = IssueRequest {
        recipient: "ada@example.org".into(),
        achievement: "RUST-101".into(),
        title: Some("Rust Fundamentals".into()),
        ..Default::default()
    };
    let badge = desk.issue(&key, &req).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut group = c.benchmark_group("check_screen");
    group.bench_function(
        "verify (desk: trust store + core verify + ledger) then draw one frame",
        |b| {
            b.iter(|| {
                let mut model = Model::new("Lyon", false, 0);
                let v = desk.check(&badge.cose, None, None).unwrap();
                update(&mut model, Message::Checked(Box::new(v), "bench".into()));
                terminal.draw(|f| view(&model, f)).unwrap();
            })
        },
    );
    group.finish();
}

criterion_group!(benches, bench_bulk, bench_check);
criterion_main!(benches);
