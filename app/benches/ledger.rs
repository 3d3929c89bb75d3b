//! The ledger at scale: how the desk's costs grow with the ledger, from
//! 10,000 to 1,000,000 badges.
//!
//! For each size the setup makes a demo desk holding that many real, signed
//! badges (1 in 1,000 revoked), once, cached under
//! `target/ledger-bench/` (delete it to rebuild). Then it measures:
//!
//! - `tessera issue-bulk` of 5,000 new CSV rows through the real binary
//!   (open, duplicate check, sign, queue the notification e-mails, one
//!   transaction), into a fresh copy of the ledger each time, and the same
//!   into an empty ledger, with and without the e-mails queued;
//! - opening the Ledger screen: the first window, the count and the next
//!   serial (what the screen loads), then one frame drawn;
//! - each keystroke of a search (`c`, `cand`, `candidate`, a whole
//!   address): the window and count for that text;
//! - `ledger audit` (batch signature check of every badge against its row);
//! - building the signed status list;
//! - `tessera result-bulk` of a 5,000-row exam results CSV through the
//!   catalogue's rules (the fixture catalogue, imported into each fresh
//!   copy before timing): passes of the ledger's own candidates, seven
//!   badges for every ten rows, one transaction.
//!
//! Sizes come from `TESSERA_LEDGER_SIZES` (comma-separated; default
//! `10000,100000,1000000`); CI's smoke run uses a small one.
//!
//! With `TESSERA_BENCH_POSTGRES` (an admin URL, e.g. what
//! `bash .ci/postgres.sh start` prints) the same figures are measured on a
//! PostgreSQL ledger: the setup moves a copy of each SQLite desk onto its
//! own database with `ledger migrate` (timed and printed: that is the
//! migration's cost at that size), kept for the next run. There, each bulk
//! run's badges are deleted before the next (copying a database per run
//! would dwarf what is measured).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]
// Reason: benchmark harness.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tempfile::TempDir;
use tessera::ui::screens::ledger::{COUNT_CAP, LedgerView};
use tessera::ui::{LedgerRows, Message, Model, update, view};
use tessera_desk::store::ledger::Filter;
use tessera_desk::store::ledger::sqlite::SCHEMA_VERSION;
use tessera_desk::{Desk, IssueRequest};

const CODES: [(&str, &str); 4] = [
    ("RUST-101", "Rust Fundamentals"),
    ("AZ-305", "Azure Solutions Architect"),
    ("SEC-200", "Segurança da Informação"),
    ("NET-110", "Networking Basics"),
];

fn sizes() -> Vec<usize> {
    std::env::var("TESSERA_LEDGER_SIZES")
        .unwrap_or_else(|_| "10000,100000,1000000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("TESSERA_LEDGER_SIZES: numbers"))
        .collect()
}

fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/ledger-bench")
}

/// A demo desk with `n` signed badges (made once, then reused).
fn desk_of(n: usize) -> PathBuf {
    let home = cache_dir().join(format!("{n}-v{SCHEMA_VERSION}"));
    if home.join("complete").exists() {
        return home;
    }
    let _ = std::fs::remove_dir_all(&home);
    let mut desk = Desk::open_or_demo(&home).unwrap();
    let key = desk.signing_key(&mut || None).unwrap();
    let start = std::time::Instant::now();
    let mut made = 0;
    while made < n {
        let chunk = (n - made).min(50_000);
        let reqs: Vec<IssueRequest> = (made..made + chunk)
            .map(|i| {
                let (code, title) = CODES[i % CODES.len()];
                IssueRequest {
                    recipient: format!("candidate{i}@example.org"),
                    achievement: code.into(),
                    title: Some(title.into()),
                    expires: Some("2031-01-01".into()),
                    ..Default::default()
                }
            })
            .collect();
        desk.issue_many(&key, &reqs, &mut |_| true).unwrap();
        made += chunk;
    }
    let keys = desk.unlock(&mut || None).unwrap();
    for serial in (1000..=n as u32).step_by(1000) {
        desk.revoke(&keys, serial, "benchmark revocation").unwrap();
    }
    std::fs::write(home.join("complete"), b"").unwrap();
    eprintln!(
        "made a ledger of {n} badges in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    home
}

fn tessera(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tessera"));
    c.env("TESSERA_HOME", home);
    c
}

fn copy_desk(from: &Path) -> TempDir {
    let to = TempDir::new_in(cache_dir()).unwrap();
    for name in ["ledger.sqlite", "ledger.sqlite-wal"] {
        if from.join(name).exists() {
            std::fs::copy(from.join(name), to.path().join(name)).unwrap();
            // On disk before the timed run: the kernel writing back 600 MB
            // of a fresh copy would slow the run's own fsyncs.
            std::fs::File::open(to.path().join(name))
                .unwrap()
                .sync_all()
                .unwrap();
        }
    }
    let keys = to.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    for e in std::fs::read_dir(from.join("keys")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), keys.join(e.file_name())).unwrap();
    }
    to
}

fn csv_file(dir: &Path) -> PathBuf {
    let mut s = String::from("recipient,achievement,title,expires\n");
    for i in 0..5000 {
        s.push_str(&format!(
            "newcomer{i}@example.org,RUST-101,Rust Fundamentals,2031-01-01\n"
        ));
    }
    let path = dir.join("cohort.csv");
    std::fs::write(&path, s).unwrap();
    path
}

/// 5,000 exam results: ten rows for each of 500 of the ledger's
/// candidates, covering every rule (exam badge, one- and two-exam
/// certifications, a legacy exam, the same pass twice, an alternative
/// path completed again).
fn results_file(dir: &Path, n: usize) -> PathBuf {
    const EXAMS: [&str; 10] = [
        "AZ-305", "AZ-400", "AZ-104", "AZ-900", "DP-600", "MB-901", "AZ-305", "AZ-400", "PL-900",
        "DP-203",
    ];
    let mut s = String::from("recipient,exam,passed_on,score\n");
    for i in 0..5000 {
        let candidate = (i / 10) * 37 % n;
        s.push_str(&format!(
            "candidate{candidate}@example.org,{},2026-0{}-1{},800\n",
            EXAMS[i % 10],
            1 + i % 9,
            i % 10
        ));
    }
    let path = dir.join("results.csv");
    std::fs::write(&path, s).unwrap();
    path
}

fn catalogue_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalogue/catalogue.csv")
}

fn run_ok(c: &mut Command) {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn bulk(home: &Path, csv: &Path) {
    let out = tessera(home)
        .args(["issue-bulk", "--csv", csv.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn bench_ledger(c: &mut Criterion) {
    std::fs::create_dir_all(cache_dir()).unwrap();
    let work = TempDir::new_in(cache_dir()).unwrap();
    let csv = csv_file(work.path());
    {
        let mut group = c.benchmark_group("ledger/bulk_issue_5000");
        group.sample_size(10);
        group.bench_function("fresh ledger", |b| {
            b.iter_batched(
                || {
                    let home = TempDir::new_in(cache_dir()).unwrap();
                    assert!(
                        tessera(home.path())
                            .args(["key", "list"])
                            .status()
                            .unwrap()
                            .success()
                    );
                    home
                },
                |home| {
                    bulk(home.path(), &csv);
                    home
                },
                BatchSize::PerIteration,
            )
        });
        // The same without the notification e-mails in the outbox: what
        // queuing them in the issuing transaction costs.
        group.bench_function("fresh ledger, no e-mail queued", |b| {
            b.iter_batched(
                || {
                    let home = TempDir::new_in(cache_dir()).unwrap();
                    run_ok(tessera(home.path()).args(["mail", "queue", "off"]));
                    home
                },
                |home| {
                    bulk(home.path(), &csv);
                    home
                },
                BatchSize::PerIteration,
            )
        });
        if let Ok(admin) = std::env::var("TESSERA_BENCH_POSTGRES") {
            let (base, _) = admin.rsplit_once('/').unwrap();
            let base = base.to_string();
            let mut round = 0;
            group.bench_function("fresh ledger (PostgreSQL)", |b| {
                b.iter_batched(
                    || {
                        round += 1;
                        let name = format!("tessera_bench_fresh_{}_{round}", std::process::id());
                        let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
                        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
                            .unwrap();
                        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
                        let url = format!("{base}/{name}");
                        let home = TempDir::new_in(cache_dir()).unwrap();
                        let ok = tessera(home.path())
                            .env("TESSERA_LEDGER", &url)
                            .args(["key", "list"])
                            .status()
                            .unwrap()
                            .success();
                        assert!(ok);
                        (home, url, name)
                    },
                    |(home, url, name)| {
                        let out = tessera(home.path())
                            .env("TESSERA_LEDGER", &url)
                            .args(["issue-bulk", "--csv", csv.to_str().unwrap()])
                            .output()
                            .unwrap();
                        assert!(out.status.success(), "{out:?}");
                        (home, name)
                    },
                    BatchSize::PerIteration,
                )
            });
            let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
            for r in 1..=round {
                let name = format!("tessera_bench_fresh_{}_{r}", std::process::id());
                c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .unwrap();
            }
        }
        group.finish();
    }
    for n in sizes() {
        let home = desk_of(n);
        let mut group = c.benchmark_group(format!("ledger/{n}"));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(if n >= 1_000_000 { 30 } else { 10 }));
        group.bench_function("bulk_issue_5000", |b| {
            b.iter_batched(
                || copy_desk(&home),
                |copy| {
                    bulk(copy.path(), &csv);
                    copy
                },
                BatchSize::PerIteration,
            )
        });
        let results = results_file(work.path(), n);
        group.bench_function("result_bulk_5000", |b| {
            b.iter_batched(
                || {
                    let copy = copy_desk(&home);
                    run_ok(
                        tessera(copy.path())
                            .args(["catalogue", "import"])
                            .arg(catalogue_fixture()),
                    );
                    copy
                },
                |copy| {
                    run_ok(
                        tessera(copy.path())
                            .args(["result-bulk", "--csv"])
                            .arg(&results),
                    );
                    copy
                },
                BatchSize::PerIteration,
            )
        });
        desk_figures(&mut group, &home, n);
        group.finish();
        if let Ok(admin) = std::env::var("TESSERA_BENCH_POSTGRES") {
            let (pg_home, url) = postgres_desk_of(n, &home, &admin);
            let mut group = c.benchmark_group(format!("ledger_postgres/{n}"));
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(if n >= 1_000_000 { 30 } else { 10 }));
            group.bench_function("bulk_issue_5000", |b| {
                b.iter_batched(
                    || forget_after(&url, n),
                    |()| bulk(&pg_home, &csv),
                    BatchSize::PerIteration,
                )
            });
            forget_after(&url, n);
            desk_figures(&mut group, &pg_home, n);
            group.finish();
        }
    }
}

/// The Ledger screen, searches, audit and status list of the desk at `home`.
fn desk_figures(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    home: &Path,
    n: usize,
) {
    let desk = Desk::open(home).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let load = |filter: &Filter| {
        let page = LedgerView::default().page();
        let rows = desk.badge_page(filter, page).unwrap();
        let serials: Vec<u32> = rows.iter().map(|r| r.serial).collect();
        LedgerRows {
            mail: desk
                .mail_states(&serials)
                .unwrap()
                .into_iter()
                .map(|(s, r)| (s, (r.state, r.last_error)))
                .collect(),
            rows,
            offset: page.offset,
            total: desk.badge_count(filter, Some(COUNT_CAP + 1)).unwrap(),
            next_serial: desk.next_serial().unwrap(),
        }
    };
    group.bench_function("ledger_screen_open", |b| {
        b.iter(|| {
            let mut model = Model::new("Bench", true, 0);
            update(&mut model, Message::LedgerRows(load(&Filter::default())));
            terminal.draw(|f| view(&model, f)).unwrap();
        })
    });
    // A whole address: candidate4242 where the ledger has it (the figures in
    // BENCHMARKS.md), else one that a smaller smoke-run ledger holds.
    let address = format!("candidate{}@example.org", 4242.min(n / 2));
    for text in ["c", "cand", "candidate", address.as_str()] {
        let filter = Filter {
            any: Some(text.into()),
            ..Filter::default()
        };
        let rows = load(&filter);
        assert!(rows.total > 0, "{text:?} finds badges");
        group.bench_function(format!("search_keystroke {text:?}"), |b| {
            b.iter(|| load(&filter))
        });
    }
    group.bench_function("ledger_audit", |b| {
        b.iter(|| {
            let report = desk.audit().unwrap();
            assert!(report.problems.is_empty() && report.checked >= n);
        })
    });
    let keys = desk.unlock(&mut || None).unwrap();
    group.bench_function("status_lists", |b| {
        b.iter(|| desk.status_lists(&keys).unwrap())
    });
}

/// A desk on its own PostgreSQL database holding the `n` badges of the
/// SQLite desk at `sqlite_home`, moved there by `ledger migrate` once.
fn postgres_desk_of(n: usize, sqlite_home: &Path, admin: &str) -> (PathBuf, String) {
    use tessera_desk::store::ledger::postgres::SCHEMA_VERSION as PG_VERSION;
    let name = format!("tessera_bench_{n}_v{SCHEMA_VERSION}_{PG_VERSION}");
    let (base, _) = admin.rsplit_once('/').unwrap();
    let url = format!("{base}/{name}");
    let home = cache_dir().join(format!("pg-{n}-v{SCHEMA_VERSION}_{PG_VERSION}"));
    let mut c = postgres::Client::connect(admin, postgres::NoTls).unwrap();
    let exists = !c
        .query("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .unwrap()
        .is_empty();
    if exists && home.join("complete").exists() {
        return (home, url);
    }
    if exists {
        c.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .unwrap();
    }
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    let copy = copy_desk(sqlite_home);
    std::fs::rename(copy.path().join("keys"), home.join("keys")).unwrap();
    std::fs::rename(
        copy.path().join("ledger.sqlite"),
        home.join("ledger.sqlite"),
    )
    .unwrap();
    let start = std::time::Instant::now();
    let mut desk = Desk::open(&home).unwrap();
    let report = desk.migrate_to(&url).unwrap();
    assert_eq!(report.copied as usize, n);
    eprintln!(
        "ledger migrate of {n} badges to PostgreSQL (copy, read back, check every one): {:.1} s",
        start.elapsed().as_secs_f64()
    );
    postgres::Client::connect(&url, postgres::NoTls)
        .unwrap()
        .batch_execute("VACUUM ANALYZE")
        .unwrap();
    std::fs::remove_file(home.join("ledger.sqlite")).unwrap();
    std::fs::write(home.join("complete"), b"").unwrap();
    (home, url)
}

/// Delete the badges a bulk run added past the first `n` (benchmark only:
/// the desk never deletes a badge).
fn forget_after(url: &str, n: usize) {
    // The run's queued e-mails first: they name its badges.
    postgres::Client::connect(url, postgres::NoTls)
        .unwrap()
        .batch_execute(&format!(
            "DELETE FROM outbox WHERE serial > {n}; DELETE FROM badges WHERE serial > {n};"
        ))
        .unwrap();
}

criterion_group!(benches, bench_ledger);
criterion_main!(benches);
