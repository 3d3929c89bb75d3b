//! The ledger's own promises, through its public interface: versioned
//! migrations from a ledger the previous release wrote, word search on the
//! index, windows and counts, and the set-wise duplicate check, each on
//! both backends (SQLite, and PostgreSQL on the server `.ci/test` starts).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use std::path::{Path, PathBuf};

#[path = "common/pg.rs"]
mod pg;

use tempfile::TempDir;
use tessera_desk::Desk;
use tessera_desk::store::ledger::sqlite::SCHEMA_VERSION;
use tessera_desk::store::ledger::{
    BADGE_COLUMNS, BadgeState, Filter, IssuerRecord, Ledger, LedgerError, NewBadge, Page,
    search_words,
};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger-0.1.0")
}

/// A copy of the 0.1.0 data directory (opening upgrades it in place).
fn old_desk() -> TempDir {
    let dir = TempDir::new().unwrap();
    let from = fixture();
    for entry in walk(&from) {
        let to = dir.path().join(entry.strip_prefix(&from).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
    dir
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

fn user_version(path: &Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_ledger_written_by_0_1_0_upgrades_in_place_and_keeps_every_badge() {
    let home = old_desk();
    let file = home.path().join("ledger.sqlite");
    assert_eq!(user_version(&file), 0, "the fixture predates versioning");

    let desk = Desk::open(home.path()).unwrap();
    assert_eq!(user_version(&file), SCHEMA_VERSION);
    let all = desk.badges(&Filter::default()).unwrap();
    assert_eq!(
        all.iter().map(|b| b.serial).collect::<Vec<_>>(),
        [5, 4, 3, 2, 1]
    );
    let b1 = desk.badge(1).unwrap();
    assert_eq!(b1.recipient, "ana.silva@example.org");
    assert_eq!(b1.evidence.as_deref(), Some("https://example.org/e/1"));
    assert_eq!(b1.level, Some(2));
    assert!(b1.private);
    let b2 = desk.badge(2).unwrap();
    assert_eq!(b2.state, BadgeState::Revoked);
    assert_eq!(
        b2.revocation_reason.as_deref(),
        Some("issued to the wrong candidate")
    );
    assert_eq!(desk.badge(3).unwrap().state, BadgeState::Accepted);
    assert_eq!(desk.badge(5).unwrap().state, BadgeState::Declined);
    assert_eq!(desk.badge(5).unwrap().profile, "mini");
    // Every badge still verifies against its row.
    let audit = desk.audit().unwrap();
    assert_eq!((audit.checked, audit.genuine), (5, 5), "{audit:?}");
    // The old rows are in the new search index.
    let found = desk
        .badges(&Filter {
            any: Some("seguranca".into()),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(found.iter().map(|b| b.serial).collect::<Vec<_>>(), [4]);
    // Opening again changes nothing; the history records the steps.
    drop(desk);
    let ledger = Ledger::open(&file).unwrap();
    assert_eq!(user_version(&file), SCHEMA_VERSION);
    assert!(ledger.meta("schema_2").unwrap().is_some());
    assert_eq!(ledger.integrity_check().unwrap(), "ok");
}

#[test]
fn the_upgraded_fixture_works_through_the_binary() {
    let home = old_desk();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
        .env("TESSERA_HOME", home.path())
        .args(["ledger", "list", "--achievement", "az"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("maria@example.org") && text.contains("pedro@example.org"));
    assert!(text.ends_with("2 badges\n"), "{text}");
}

#[test]
fn a_ledger_from_a_newer_release_is_refused_untouched() {
    let home = old_desk();
    let file = home.path().join("ledger.sqlite");
    drop(Ledger::open(&file).unwrap());
    rusqlite::Connection::open(&file)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = Ledger::open(&file).unwrap_err();
    assert!(
        matches!(err, LedgerError::TooNew { found: 99, .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("newer Tessera") && text.contains("Update Tessera"),
        "{text}"
    );
    assert_eq!(user_version(&file), 99);
}

fn new_badge(recipient: &str, achievement: &str, title: Option<&str>) -> NewBadge {
    NewBadge {
        recipient: recipient.into(),
        salt: vec![0; 16],
        subject: "s".into(),
        achievement_id: achievement.into(),
        achievement_name: title.map(str::to_string),
        profile: "standard".into(),
        display_name: None,
        issued_at: 1_700_000_000,
        expires_at: None,
        private: false,
        evidence: None,
        level: None,
        notify: true,
    }
}

/// What keeps a test ledger alive: its directory or its database.
#[allow(dead_code)]
enum Keep {
    Dir(TempDir),
    Db(pg::TestDb),
}

/// The same badges in a SQLite ledger and in a PostgreSQL one.
fn ledgers_with(badges: &[NewBadge]) -> Vec<(&'static str, Keep, Ledger)> {
    let dir = TempDir::new().unwrap();
    let sqlite = Ledger::open(&dir.path().join("ledger.sqlite")).unwrap();
    let db = pg::TestDb::new();
    let postgres = Ledger::connect(&db.url).unwrap();
    let mut out = vec![
        ("sqlite", Keep::Dir(dir), sqlite),
        ("postgres", Keep::Db(db), postgres),
    ];
    for (_, _, ledger) in &mut out {
        ledger
            .add_issuer(&IssuerRecord {
                kid: vec![1, 2, 3, 4],
                public_key: vec![9; 32],
                name: "T".into(),
                demo: false,
                created_at: 0,
                retired_at: None,
            })
            .unwrap();
        ledger
            .issue_batch::<LedgerError>(&[1, 2, 3, 4], badges, |s, _| Ok(vec![s as u8]), |_| true)
            .unwrap();
    }
    out
}

fn serials(ledger: &Ledger, filter: Filter) -> Vec<u32> {
    let rows = ledger.list(&filter).unwrap();
    assert_eq!(ledger.count_matching(&filter).unwrap(), rows.len() as u64);
    rows.iter().map(|b| b.serial).collect()
}

#[test]
fn search_finds_words_by_their_start_in_recipient_code_and_title() {
    for (backend, _keep, ledger) in ledgers_with(&[
        new_badge(
            "ana.silva@example.org",
            "RUST-101",
            Some("Rust Fundamentals"),
        ),
        new_badge("joao@example.org", "AZ-305", Some("Azure Architect")),
        new_badge("Ana.Souza@Example.org", "SEC-200", Some("Segurança")),
        new_badge("bob@rust.example", "AZ-104", None),
    ]) {
        eprintln!("{backend}");
        search_on(&ledger);
    }
}

fn search_on(ledger: &Ledger) {
    let any = |q: &str| {
        serials(
            ledger,
            Filter {
                any: Some(q.into()),
                ..Filter::default()
            },
        )
    };
    assert_eq!(any("ana"), [3, 1], "case-insensitive, newest first");
    assert_eq!(any("ana silva"), [1], "every word must match");
    assert_eq!(any("silva@ex"), [1], "punctuation separates words");
    assert_eq!(any("rust"), [4, 1], "recipient or code");
    assert_eq!(any("RUST-101"), [1]);
    assert_eq!(
        any("RUST-1"),
        [4, 1],
        "words anywhere: bob@rust… holds AZ-104"
    );
    assert_eq!(any("fundam"), [1], "title");
    assert_eq!(any("SEGURANCA"), [3], "accents and case folded");
    assert_eq!(any("a"), [4, 3, 2, 1], "one letter");
    assert_eq!(any("ilva"), Vec::<u32>::new(), "not the middle of a word");
    assert_eq!(any("@"), [4, 3, 2, 1], "no words filters nothing");
    // Column filters.
    let recipient = |q: &str| {
        serials(
            ledger,
            Filter {
                recipient: Some(q.into()),
                ..Filter::default()
            },
        )
    };
    assert_eq!(recipient("rust"), [4], "recipient only");
    let achievement = |q: &str| {
        serials(
            ledger,
            Filter {
                achievement: Some(q.into()),
                ..Filter::default()
            },
        )
    };
    assert_eq!(achievement("az"), [4, 2]);
    assert_eq!(achievement("azure"), [2], "titles too");
    // Words and other conditions together.
    ledger.revoke(3, "test", 1).unwrap();
    assert_eq!(
        serials(
            ledger,
            Filter {
                any: Some("ana".into()),
                state: Some(BadgeState::Revoked),
                ..Filter::default()
            }
        ),
        [3]
    );
    assert_eq!(any("az305"), [2], "letters and digits are separate words");
    assert_eq!(search_words("RUST-101 ana@x"), ["rust", "101", "ana", "x"]);
    assert_eq!(search_words("Candidate42@Sé"), ["candidate", "42", "se"]);
}

#[test]
fn pages_are_windows_of_the_same_order_and_counts_come_from_the_database() {
    let badges: Vec<NewBadge> = (0..250)
        .map(|i| new_badge(&format!("c{i}@example.org"), "RUST-101", None))
        .collect();
    for (backend, _keep, ledger) in ledgers_with(&badges) {
        eprintln!("{backend}");
        pages_on(&ledger);
    }
}

fn pages_on(ledger: &Ledger) {
    let all = ledger.list(&Filter::default()).unwrap();
    let mut paged = Vec::new();
    for offset in (0..260).step_by(100) {
        paged.extend(
            ledger
                .page(&Filter::default(), Page { offset, limit: 100 })
                .unwrap(),
        );
    }
    assert_eq!(paged, all);
    assert_eq!(ledger.count().unwrap(), 250);
    let words = Filter {
        any: Some("rust".into()),
        ..Filter::default()
    };
    let page = ledger
        .page(
            &words,
            Page {
                offset: 240,
                limit: 100,
            },
        )
        .unwrap();
    assert_eq!(
        page.iter().map(|b| b.serial).collect::<Vec<_>>(),
        (1..=10).rev().collect::<Vec<_>>()
    );
    // A walk in serial order in bounded chunks sees every badge once.
    let mut after = 0;
    let mut seen = 0;
    loop {
        let chunk = ledger.scan(after, 64).unwrap();
        let Some(last) = chunk.last() else { break };
        assert!(chunk.len() <= 64 && chunk[0].serial == after + 1);
        after = last.serial;
        seen += chunk.len();
    }
    assert_eq!(seen, 250);
}

#[test]
fn the_duplicate_check_of_a_whole_file_is_one_set_query() {
    for (backend, _keep, ledger) in ledgers_with(&[
        new_badge("ana@example.org", "RUST-101", None),
        new_badge("Bob@Example.org", "RUST-101", None),
        new_badge("ana@example.org", "AZ-305", None),
        new_badge("ana@example.org", "RUST-101", None),
        new_badge("carol@example.org", "RUST-101", None),
    ]) {
        eprintln!("{backend}");
        duplicates_on(&ledger);
    }
}

fn duplicates_on(ledger: &Ledger) {
    ledger.revoke(5, "wrong person", 1).unwrap();
    ledger.set_state(3, BadgeState::Declined, None).unwrap();
    let held = ledger
        .existing(&[
            ("ANA@example.org", "RUST-101"),
            ("bob@example.org ", "RUST-101"),
            ("ana@example.org", "AZ-305"),
            ("carol@example.org", "RUST-101"),
            ("dave@example.org", "RUST-101"),
            ("ana@example.org", "rust-101"),
        ])
        .unwrap();
    assert_eq!(
        held,
        [vec![1, 4], vec![2], vec![], vec![], vec![], vec![]],
        "case-insensitive recipient, exact code; declined and revoked do not count"
    );
    assert_eq!(
        ledger.duplicates("ana@example.org", "RUST-101").unwrap(),
        [1, 4]
    );
    // Thousands of pairs at once.
    let many: Vec<(String, String)> = (0..10_000)
        .map(|i| (format!("x{i}@example.org"), "RUST-101".to_string()))
        .chain([("ana@example.org".to_string(), "RUST-101".to_string())])
        .collect();
    let pairs: Vec<(&str, &str)> = many.iter().map(|(r, a)| (r.as_str(), a.as_str())).collect();
    let held = ledger.existing(&pairs).unwrap();
    assert_eq!(held.len(), 10_001);
    assert_eq!(held[10_000], [1, 4]);
    assert!(held[..10_000].iter().all(Vec::is_empty));
}

#[test]
fn the_outbox_queues_with_the_badges_and_keeps_each_message_in_one_state() {
    use tessera_desk::store::ledger::{MailState, OutboxChange, OutboxQuery, message_id};
    let mut quiet = new_badge("candidate-id-42", "AZ-305", None);
    quiet.notify = false;
    for (backend, _keep, ledger) in ledgers_with(&[
        new_badge("ana@example.org", "AZ-305", None),
        quiet,
        new_badge("bob@example.org", "AZ-305", None),
    ]) {
        eprintln!("{backend}");
        let kid = [1, 2, 3, 4];
        // Queued in the issuing transaction, only where asked.
        let due = ledger.outbox(OutboxQuery::Due(1_700_000_000, 10)).unwrap();
        assert_eq!(due.iter().map(|r| r.serial).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(due[0].message_id, message_id(&kid, 1, 0));
        assert_eq!(due[0].state, MailState::Pending);
        assert!(
            ledger
                .outbox(OutboxQuery::Due(1_600_000_000, 10))
                .unwrap()
                .is_empty()
        );
        // Sent only under the Message-ID that was sent, and only once.
        assert!(
            !ledger
                .outbox_change(1, &OutboxChange::Sent("<other@x>".into(), 5))
                .unwrap()
        );
        assert!(
            ledger
                .outbox_change(1, &OutboxChange::Sent(message_id(&kid, 1, 0), 5))
                .unwrap()
        );
        assert!(
            !ledger
                .outbox_change(1, &OutboxChange::Sent(message_id(&kid, 1, 0), 6))
                .unwrap()
        );
        // A retry waits; a failure is final until requeued.
        assert!(
            ledger
                .outbox_change(
                    3,
                    &OutboxChange::Retry(1, 1_800_000_000, "451 later".into())
                )
                .unwrap()
        );
        assert!(
            ledger
                .outbox(OutboxQuery::Due(1_700_000_000, 10))
                .unwrap()
                .is_empty()
        );
        assert_eq!(ledger.outbox(OutboxQuery::Pending(0, 10)).unwrap().len(), 1);
        assert!(
            ledger
                .outbox_change(3, &OutboxChange::Failed("550 no such user".into()))
                .unwrap()
        );
        let row = &ledger.outbox(OutboxQuery::Of(&[3])).unwrap()[0];
        assert_eq!((row.state, row.attempts), (MailState::Failed, 2));
        assert_eq!(row.last_error.as_deref(), Some("550 no such user"));
        // A resend (or a first message for a badge without one).
        for serial in [1, 2] {
            assert!(
                ledger
                    .outbox_change(
                        serial,
                        &OutboxChange::Requeue(
                            message_id(&kid, serial, 1),
                            "x@example.org".into(),
                            7
                        ),
                    )
                    .unwrap()
            );
        }
        let rows = ledger.outbox(OutboxQuery::All).unwrap();
        assert_eq!(
            rows.iter().map(|r| (r.serial, r.state)).collect::<Vec<_>>(),
            [
                (1, MailState::Pending),
                (2, MailState::Pending),
                (3, MailState::Failed)
            ]
        );
        assert_eq!(rows[0].sent_at, None);
        // One sender at a time.
        let held = ledger.sender_lock().unwrap();
        assert!(held.is_some());
        assert!(
            ledger.sender_lock().unwrap().is_none(),
            "a second sender waits"
        );
        drop(held);
        assert!(ledger.sender_lock().unwrap().is_some());
    }
}

#[test]
fn suspensions_and_key_ranges_are_the_same_on_both_backends() {
    let badges: Vec<NewBadge> = (0..5)
        .map(|i| new_badge(&format!("c{i}@example.org"), "RUST-101", None))
        .collect();
    for (backend, _keep, ledger) in ledgers_with(&badges) {
        let kid = [1, 2, 3, 4];
        assert_eq!(
            ledger.serial_range(&kid).unwrap(),
            Some((1, 5)),
            "{backend}"
        );
        assert_eq!(
            ledger.serial_range(&[9, 9, 9, 9]).unwrap(),
            None,
            "{backend}"
        );
        ledger.suspend(2, "under investigation", 100).unwrap();
        ledger.suspend(4, "card reported lost", 200).unwrap();
        assert!(matches!(
            ledger.suspend(2, "again", 300),
            Err(LedgerError::AlreadySuspended(2))
        ));
        assert!(matches!(
            ledger.suspend(99, "none", 300),
            Err(LedgerError::UnknownSerial(99))
        ));
        ledger.revoke(5, "fraud", 300).unwrap();
        assert!(matches!(
            ledger.suspend(5, "revoked first", 300),
            Err(LedgerError::AlreadyRevoked(5))
        ));
        // A suspended badge revoked later is revoked, not suspended.
        ledger.revoke(4, "fraud", 400).unwrap();
        let s = ledger.suspensions(Some(&kid)).unwrap();
        assert_eq!(s.len(), 1, "{backend}");
        assert_eq!(
            (s[0].serial, s[0].reason.as_str(), s[0].suspended_at),
            (2, "under investigation", 100),
            "{backend}"
        );
        assert!(ledger.suspensions(Some(&[9, 9, 9, 9])).unwrap().is_empty());
        assert_eq!(ledger.suspensions(None).unwrap().len(), 1);
        // One badge's suspension, by serial: the same row, none for the
        // revoked one or one never suspended.
        assert_eq!(
            ledger.suspension(2).unwrap().as_ref(),
            Some(&s[0]),
            "{backend}"
        );
        assert_eq!(ledger.suspension(4).unwrap(), None, "{backend}");
        assert_eq!(ledger.suspension(3).unwrap(), None, "{backend}");
        ledger.reinstate(2).unwrap();
        assert_eq!(ledger.suspension(2).unwrap(), None, "{backend}");
        assert!(matches!(
            ledger.reinstate(2),
            Err(LedgerError::NotSuspended(2))
        ));
        assert!(ledger.suspensions(None).unwrap().is_empty(), "{backend}");
    }
}

/// The badge columns are described once (`BADGE_COLUMNS`); each backend's
/// table has every one, and the audit names one that goes missing.
#[test]
fn every_described_badge_column_is_in_both_backends_and_the_audit_names_a_missing_one() {
    for (backend, keep, ledger) in ledgers_with(&[new_badge("ada@example.org", "RUST-101", None)]) {
        assert_eq!(ledger.integrity_check().unwrap(), "ok", "{backend}");
        let drop = "ALTER TABLE badges DROP COLUMN evidence";
        match &keep {
            Keep::Dir(dir) => rusqlite::Connection::open(dir.path().join("ledger.sqlite"))
                .unwrap()
                .execute_batch(drop)
                .unwrap(),
            Keep::Db(db) => postgres::Client::connect(&db.url, postgres::NoTls)
                .unwrap()
                .batch_execute(drop)
                .unwrap(),
        }
        let report = ledger.integrity_check().unwrap();
        assert_eq!(
            report,
            "the badges table has no column evidence (the ledger was changed outside Tessera)",
            "{backend}"
        );
        assert!(BADGE_COLUMNS.contains(&"evidence"));
    }
}
