//! The TUI without a terminal: `update` unit tests, and snapshots of every
//! screen through ratatui's `TestBackend` at 80×24 and 120×40 (insta).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tessera::ui::LedgerRows;
use tessera::ui::screens::bulk::BulkPhase;
use tessera::ui::screens::ledger::WINDOW;
use tessera::ui::{Effect, Message, Model, Screen, update, view};
use tessera_desk::FORMATS;
use tessera_desk::IssueRequest;
use tessera_desk::RowProblem;
use tessera_desk::check::{BadgeView, Report, Verdict};
use tessera_desk::reader::watch::ReaderEvent;
use tessera_desk::store::ledger::{BadgeRecord, BadgeState, IssuerRecord, Page, TrustedRecord};

/// 2026-11-25T12:00:00Z.
const NOW: i64 = 1_795_608_000;

fn key(code: KeyCode) -> Message {
    Message::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl_key(c: char) -> Message {
    Message::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn typed(model: &mut Model, text: &str) {
    for c in text.chars() {
        let effect = update(model, key(KeyCode::Char(c)));
        // Typing asks for nothing, except the revoke form looking up a serial.
        assert!(
            effect.is_none() || matches!(effect, Some(Effect::LookupSerial(_))),
            "{effect:?}"
        );
    }
}

fn model() -> Model {
    Model::new("Lyon Test Center", false, NOW)
}

fn snapshot(name: &str, model: &Model) {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal.draw(|f| view(model, f)).unwrap();
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    }
}

/// The whole ledger as one loaded window.
fn rows(rows: Vec<BadgeRecord>) -> Message {
    use tessera_desk::store::ledger::MailState;
    Message::LedgerRows(LedgerRows {
        total: rows.len() as u64,
        next_serial: rows.iter().map(|r| r.serial).max().unwrap_or(0) + 1,
        offset: 0,
        // Every other badge's e-mail sent, the rest waiting.
        mail: rows
            .iter()
            .map(|r| {
                let state = if r.serial % 2 == 0 {
                    MailState::Sent
                } else {
                    MailState::Pending
                };
                (r.serial, (state, None))
            })
            .collect(),
        rows,
    })
}

fn record(serial: u32, recipient: &str, state: BadgeState) -> BadgeRecord {
    BadgeRecord {
        serial,
        kid: vec![0x30, 0xa9, 0x32, 0x02],
        recipient: recipient.into(),
        salt: vec![0x5a; 10],
        subject: "HZ1IyS1hYRRQDTEX".into(),
        achievement_id: "RUST-101".into(),
        achievement_name: Some("Rust Fundamentals".into()),
        profile: "standard".into(),
        display_name: None,
        issued_at: NOW - i64::from(serial) * 86_400,
        expires_at: None,
        state,
        card_uid: None,
        card_cose: None,
        revoked_at: (state == BadgeState::Revoked).then_some(NOW),
        revocation_reason: (state == BadgeState::Revoked).then(|| "issued in error".into()),
        private: serial == 2,
        cose: vec![0xd2; 226],
        evidence: None,
        level: None,
    }
}

fn verdict(kind: Verdict, reason: &str) -> Report {
    Report {
        verdict: kind,
        error: None,
        reason: reason.into(),
        demo: false,
        via: None,
        revocation: None,
        revocations_as_of: None,
        badge: Some(BadgeView {
            serial: 1042,
            issuer: "Lyon Test Center".into(),
            kid: "30a93202".into(),
            achievement_id: "RUST-101".into(),
            achievement_name: Some("Rust Fundamentals".into()),
            display_name: Some("Ada Lovelace".into()),
            issued: "2026-09-01".into(),
            expires: Some("2029-08-31".into()),
            level: None,
            evidence: Some("https://example.org/e/1042".into()),
            recipient: Some("ada.lovelace@example.org".into()),
            credential_id: None,
        }),
        holder: None,
        note: None,
    }
}

/// The catalogue fixture, imported into a fresh desk's ledger and read back.
fn fixture_catalogue() -> tessera_desk::catalogue::Catalogue {
    let home = tempfile::tempdir().unwrap();
    let mut desk = tessera_desk::Desk::open(home.path()).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/catalogue/catalogue.csv");
    let report = desk
        .import_catalogue(&path, &std::fs::read(&path).unwrap(), false)
        .unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    desk.catalogue().unwrap()
}

#[test]
fn function_keys_switch_screens_and_load_their_data() {
    let mut m = model();
    assert_eq!(
        update(&mut m, key(KeyCode::F(5))),
        Some(Effect::LoadLedger(
            Default::default(),
            Page {
                offset: 0,
                limit: WINDOW
            }
        ))
    );
    assert_eq!(m.screen, Screen::Ledger);
    assert_eq!(update(&mut m, key(KeyCode::F(6))), Some(Effect::LoadKeys));
    assert_eq!(update(&mut m, key(KeyCode::F(3))), None);
    assert_eq!(m.screen, Screen::Check);
    let quit = update(
        &mut m,
        Message::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL)),
    );
    assert_eq!(quit, Some(Effect::Quit));
    assert!(m.quit);
}

#[test]
fn issue_form_validates_as_you_type_and_submits() {
    let mut m = model();
    typed(&mut m, "ada@");
    let problems = m.issue.problems(NOW);
    assert!(problems.iter().any(|p| p.field == "recipient"));
    typed(&mut m, "example.org");
    update(&mut m, key(KeyCode::Enter));
    assert_eq!(m.issue.focus, 1);
    // Submitting with the achievement missing jumps to it instead of issuing.
    assert_eq!(
        update(
            &mut m,
            Message::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::CONTROL))
        ),
        None
    );
    assert_eq!(m.issue.focus, 1);
    typed(&mut m, "RUST-101");
    update(&mut m, key(KeyCode::Tab));
    typed(&mut m, "Rust Fundamentals");
    let effect = update(
        &mut m,
        Message::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::CONTROL)),
    );
    let Some(Effect::Issue(req)) = effect else {
        panic!("expected Issue, got {effect:?}")
    };
    assert_eq!(req.recipient, "ada@example.org");
    assert_eq!(req.title.as_deref(), Some("Rust Fundamentals"));
    // The result clears the candidate but keeps the achievement.
    let next = update(
        &mut m,
        Message::Issued(Ok((7, "AAAA-BBBB".into(), 189, "NTAG215".into()))),
    );
    assert!(matches!(next, Some(Effect::LoadLedger(..))));
    assert!(m.issue.inputs[0].value.is_empty());
    assert_eq!(m.issue.inputs[1].value, "RUST-101");
    assert!(m.issue.last.as_deref().unwrap().contains("AAAA-BBBB"));
}

#[test]
fn profile_field_toggles_mini() {
    let mut m = model();
    for _ in 0..3 {
        update(&mut m, key(KeyCode::Down));
    }
    update(&mut m, key(KeyCode::Char(' ')));
    assert!(m.issue.mini);
    assert!(
        !m.issue.inputs[3].value.contains(' '),
        "letters are not typed into the profile row"
    );
}

#[test]
fn check_screen_checks_a_card_by_itself_and_clears_when_it_leaves() {
    let mut m = model();
    update(&mut m, key(KeyCode::F(3)));
    update(
        &mut m,
        Message::Reader(1, ReaderEvent::Ready("Virtual PCD 00 00".into())),
    );
    // A card placed is checked with no keystroke.
    let contents = tessera_desk::reader::CardContents {
        uid: vec![4, 1, 2, 3, 4, 5, 6],
        card_type: tessera_core::CardType::Ntag215,
        memory: vec![3, 0, 0xfe],
    };
    assert_eq!(
        update(
            &mut m,
            Message::Reader(1, ReaderEvent::Card(Ok(contents.clone())))
        ),
        Some(Effect::CheckCard(Ok(contents.clone())))
    );
    update(
        &mut m,
        Message::CardChecked(
            Box::new(verdict(Verdict::Forged, "altered")),
            "NTAG215 card 04010203040506".into(),
        ),
    );
    assert!(m.check.verdict.is_some());
    // The next card takes the last verdict down at once.
    update(
        &mut m,
        Message::Reader(1, ReaderEvent::Card(Ok(contents.clone()))),
    );
    assert!(m.check.verdict.is_none());
    update(
        &mut m,
        Message::CardChecked(
            Box::new(verdict(Verdict::Valid, "genuine")),
            "NTAG215 card 04010203040506".into(),
        ),
    );
    // Quitting while a card is written is refused (it would leave half a
    // badge on the card).
    m.card_job = Some("write badge 3".into());
    assert_eq!(update(&mut m, ctrl_key('q')), None);
    assert!(!m.quit);
    m.card_job = None;
    // t reads the card again; taking it off clears the verdict.
    assert_eq!(
        update(&mut m, key(KeyCode::Char('t'))),
        Some(Effect::Reread)
    );
    update(&mut m, Message::Reader(1, ReaderEvent::Removed));
    assert!(m.check.verdict.is_none());
    // The reader going away is said, and Esc always returns to idle.
    update(
        &mut m,
        Message::Reader(
            1,
            ReaderEvent::Unavailable(tessera_desk::reader::CardError::NoService),
        ),
    );
    assert!(matches!(
        m.check.reader,
        tessera::ui::screens::check::ReaderStatus::Unavailable(_)
    ));
    update(&mut m, key(KeyCode::Char('o')));
    assert!(m.check.typing());
    assert_eq!(update(&mut m, key(KeyCode::Esc)), None);
    assert!(!m.check.typing());
    update(&mut m, key(KeyCode::Char('p')));
    typed(&mut m, "TSR1:ABC");
    assert_eq!(
        update(&mut m, key(KeyCode::Enter)),
        Some(Effect::CheckQr("TSR1:ABC".into()))
    );
    update(
        &mut m,
        Message::Checked(
            Box::new(verdict(Verdict::Valid, "genuine")),
            "QR text".into(),
        ),
    );
    assert_eq!(m.check.verdict.as_ref().unwrap().0.verdict, Verdict::Valid);
}

#[test]
fn bulk_screen_checks_then_issues_with_progress_and_cancel() {
    let mut m = model();
    update(&mut m, key(KeyCode::F(2)));
    typed(&mut m, "rows.csv");
    assert_eq!(
        update(&mut m, key(KeyCode::Enter)),
        Some(Effect::LoadBulk("rows.csv".into()))
    );
    let req = IssueRequest {
        recipient: "ada@example.org".into(),
        achievement: "RUST-101".into(),
        ..Default::default()
    };
    update(
        &mut m,
        Message::BulkChecked(Ok((
            vec![(2, req.clone())],
            vec![RowProblem {
                line: 3,
                reason: "recipient: bad".into(),
            }],
        ))),
    );
    assert_eq!(
        update(&mut m, key(KeyCode::Char('i'))),
        None,
        "rows with problems block issuing"
    );
    update(
        &mut m,
        Message::BulkChecked(Ok((vec![(2, req.clone())], vec![]))),
    );
    assert_eq!(
        update(&mut m, key(KeyCode::Char('i'))),
        Some(Effect::RunBulk(vec![req]))
    );
    update(&mut m, Message::BulkProgress(50, 100));
    assert_eq!(m.bulk.phase, BulkPhase::Issuing(50, 100));
    assert_eq!(update(&mut m, key(KeyCode::Esc)), Some(Effect::CancelBulk));
    update(
        &mut m,
        Message::BulkDone(Ok("cancelled: nothing was issued".into())),
    );
    assert!(matches!(m.bulk.phase, BulkPhase::Done(_)));
}

#[test]
fn revoke_asks_for_confirmation() {
    let mut m = model();
    update(&mut m, key(KeyCode::F(4)));
    assert_eq!(
        update(&mut m, key(KeyCode::Char('7'))),
        Some(Effect::LookupSerial(7))
    );
    update(&mut m, key(KeyCode::Enter));
    typed(&mut m, "exam irregularity");
    assert_eq!(update(&mut m, key(KeyCode::Enter)), None);
    assert!(m.revoke.confirming);
    assert_eq!(update(&mut m, key(KeyCode::Char('n'))), None);
    assert!(!m.revoke.confirming);
    update(&mut m, key(KeyCode::Enter));
    assert_eq!(
        update(&mut m, key(KeyCode::Char('y'))),
        Some(Effect::Revoke(7, "exam irregularity".into()))
    );
}

#[test]
fn ledger_actions_and_passphrase_prompt() {
    let mut m = model();
    update(&mut m, key(KeyCode::F(5)));
    update(
        &mut m,
        rows(vec![record(3, "carol@example.org", BadgeState::Issued)]),
    );
    assert_eq!(
        update(&mut m, key(KeyCode::Char('w'))),
        Some(Effect::WriteCard(3))
    );
    assert_eq!(update(&mut m, key(KeyCode::Esc)), Some(Effect::CancelCard));
    update(
        &mut m,
        Message::Written(Err("the card was taken off the reader".into())),
    );
    assert!(m.status.as_ref().unwrap().0, "shown as an error");
    let Some(Effect::LoadLedger(f, _)) = update(&mut m, key(KeyCode::Char('s'))) else {
        panic!()
    };
    assert_eq!(f.state, Some(BadgeState::Issued));
    // An effect needing the key opens the passphrase prompt, then retries.
    update(
        &mut m,
        Message::NeedPassphrase(Box::new(Effect::Revoke(3, "x".into()))),
    );
    typed(&mut m, "secret words");
    assert_eq!(
        update(&mut m, key(KeyCode::Enter)),
        Some(Effect::Unlock(
            "secret words".into(),
            Box::new(Effect::Revoke(3, "x".into()))
        ))
    );
    assert!(m.passphrase.is_none());
}

#[test]
fn ledger_exports_through_a_menu_and_shows_the_qr_code() {
    let mut m = model();
    update(&mut m, key(KeyCode::F(5)));
    update(
        &mut m,
        rows(vec![record(3, "carol@example.org", BadgeState::Issued)]),
    );
    // e opens the menu; a key that is no format closes it (and is not quit).
    assert_eq!(update(&mut m, key(KeyCode::Char('e'))), None);
    assert!(m.ledger.exporting);
    assert_eq!(update(&mut m, key(KeyCode::Char('z'))), None);
    assert!(!m.quit && !m.ledger.exporting);
    // Every format of the table has its key in the menu ('q' there is the
    // terminal QR code, not quit).
    for info in FORMATS {
        update(&mut m, key(KeyCode::Char('e')));
        assert_eq!(
            update(&mut m, key(KeyCode::Char(info.key))),
            Some(Effect::Export(3, info.format))
        );
        assert!(!m.quit);
    }
    // The terminal QR code is shown over the screen; any key closes it.
    update(&mut m, Message::ShowQr("██  ██\n  ██  \n".into()));
    assert!(m.ledger.qr.is_some());
    assert_eq!(update(&mut m, key(KeyCode::Char('w'))), None);
    assert!(m.ledger.qr.is_none());
}

#[test]
fn snapshots_issue() {
    let mut m = model();
    snapshot("issue_empty", &m);
    typed(&mut m, "ada.lovelace@example.org");
    update(&mut m, key(KeyCode::Enter));
    typed(&mut m, "RUST-101");
    update(&mut m, key(KeyCode::Enter));
    typed(&mut m, "Rust Fundamentals");
    update(&mut m, key(KeyCode::Enter));
    update(&mut m, key(KeyCode::Enter));
    update(&mut m, key(KeyCode::Enter));
    typed(&mut m, "2001-01-01");
    snapshot("issue_filled_with_problem", &m);
    for _ in 0..10 {
        update(&mut m, key(KeyCode::Backspace));
    }
    typed(&mut m, "2029-09-01");
    assert!(m.issue.problems(NOW).is_empty());
    snapshot("issue_ready_with_preview", &m);
}

#[test]
fn issue_form_takes_its_achievement_from_the_catalogue() {
    let mut m = model();
    update(
        &mut m,
        Message::CatalogueLoaded(fixture_catalogue(), "en".into()),
    );
    typed(&mut m, "ana.silva@example.org");
    update(&mut m, key(KeyCode::Enter));
    typed(&mut m, "AZ-3O5");
    let problems = m.issue.problems(NOW);
    assert!(
        problems[0].message.contains("did you mean AZ-305"),
        "{problems:?}"
    );
    snapshot("issue_catalogue_unknown_code", &m);
    for _ in 0..6 {
        update(&mut m, key(KeyCode::Backspace));
    }
    // Any case picks the entry; its name fills the empty title.
    typed(&mut m, "az-arch");
    assert!(m.issue.problems(NOW).is_empty());
    let req = m.issue.request(NOW);
    assert_eq!(req.achievement, "AZ-ARCH");
    assert_eq!(
        req.title.as_deref(),
        Some("Azure Solutions Architect Expert")
    );
    snapshot("issue_catalogue_ready", &m);
    for _ in 0..7 {
        update(&mut m, key(KeyCode::Backspace));
    }
    // Retired (AZ-SEC, 2025-06-30) and legacy (MB-901) entries take no new badge here.
    typed(&mut m, "AZ-SEC");
    assert!(
        m.issue.problems(NOW)[0]
            .message
            .contains("retired on 2025-06-30")
    );
    for _ in 0..6 {
        update(&mut m, key(KeyCode::Backspace));
    }
    typed(&mut m, "MB-901");
    assert!(
        m.issue.problems(NOW)[0]
            .message
            .contains("legacy exam without a badge")
    );
    update(
        &mut m,
        Message::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::CONTROL)),
    );
    assert_eq!(m.issue.focus, 1, "Enter jumps to the achievement's problem");
}

#[test]
fn keys_screen_has_a_catalogue_tab() {
    let mut m = model();
    update(&mut m, key(KeyCode::F(6)));
    assert_eq!(
        update(&mut m, key(KeyCode::Char('c'))),
        Some(Effect::LoadCatalogue)
    );
    update(
        &mut m,
        Message::CatalogueLoaded(fixture_catalogue(), "en".into()),
    );
    for _ in 0..5 {
        update(&mut m, key(KeyCode::Down));
    }
    snapshot("keys_catalogue", &m);
    update(&mut m, key(KeyCode::Char('c')));
    assert!(!m.keys.show_catalogue);
}

#[test]
fn snapshots_check() {
    let mut m = model();
    update(&mut m, key(KeyCode::F(3)));
    snapshot("check_idle", &m);
    update(
        &mut m,
        Message::Checked(
            Box::new(verdict(
                Verdict::Valid,
                "genuine and current: signed by a trusted issuer, not expired, not revoked",
            )),
            "NTAG215 card 04112233445566".into(),
        ),
    );
    snapshot("check_valid", &m);
    update(
        &mut m,
        Message::Checked(
            Box::new(verdict(
                Verdict::Forged,
                "the signature does not match: the badge was altered or forged; do not accept it",
            )),
            "file badge.cbor".into(),
        ),
    );
    snapshot("check_forged", &m);
    let mut retired = verdict(
        Verdict::Valid,
        "genuine and current: signed by a trusted issuer, not expired, not revoked; AZ-SEC retired on 2025-06-30; badges earned before then stay valid",
    );
    retired.note = Some("retired certification".into());
    if let Some(b) = retired.badge.as_mut() {
        b.achievement_id = "AZ-SEC".into();
        b.achievement_name = Some("Azure Security Engineer Associate".into());
    }
    update(
        &mut m,
        Message::Checked(Box::new(retired), "file badge-6.cbor".into()),
    );
    snapshot("check_valid_retired", &m);
    // Another issuer's Open Badges credential, its Data Integrity proof by
    // a trusted key: the credential's id where a serial would be.
    let mut foreign = verdict(
        Verdict::Valid,
        "genuine and current: an Open Badges credential whose Data Integrity proof by Example Corp holds; it names no revocation list",
    );
    foreign.note = Some("another issuer's Open Badge".into());
    if let Some(b) = foreign.badge.as_mut() {
        b.serial = 0;
        b.issuer = "Example Corp".into();
        b.kid = "aeb5dfdd".into();
        b.achievement_id = "https://example.com/achievements/21st-century-skills/teamwork".into();
        b.achievement_name = Some("Teamwork".into());
        b.display_name = None;
        b.issued = "2010-01-01".into();
        b.expires = None;
        b.evidence = None;
        b.recipient = None;
        b.credential_id = Some("http://example.com/credentials/3527".into());
    }
    update(
        &mut m,
        Message::Checked(Box::new(foreign), "file vector.json".into()),
    );
    snapshot("check_valid_foreign_credential", &m);
    let mut demo = Model::new("DEMO Test Center (not a real issuer)", true, NOW);
    update(&mut demo, key(KeyCode::F(3)));
    let mut v = verdict(
        Verdict::Revoked,
        "DEMO badge, not a real certification. revoked on 2026-11-25: issued in error; do not accept it",
    );
    v.demo = true;
    update(&mut demo, Message::Checked(Box::new(v), "QR text".into()));
    snapshot("check_revoked_demo", &demo);
}

#[test]
fn snapshots_bulk_revoke_ledger_keys() {
    let mut m = model();
    update(&mut m, key(KeyCode::F(2)));
    typed(&mut m, "candidates.csv");
    let req = |r: &str| IssueRequest {
        recipient: r.into(),
        achievement: "RUST-101".into(),
        ..Default::default()
    };
    update(
        &mut m,
        Message::BulkChecked(Ok((
            vec![(2, req("ada@example.org")), (4, req("carol@example.org"))],
            vec![
                RowProblem { line: 3, reason: "recipient: \"bob@\" is not a valid e-mail address (expected name@example.org)".into() },
                RowProblem { line: 5, reason: "duplicate of line 2 (same recipient and achievement)".into() },
            ],
        ))),
    );
    snapshot("bulk_checked", &m);
    update(&mut m, Message::BulkProgress(1200, 5000));
    snapshot("bulk_issuing", &m);

    let mut m = model();
    update(&mut m, key(KeyCode::F(4)));
    typed(&mut m, "1042");
    update(
        &mut m,
        Message::RevokeAbout(Some(
            "Badge 1042: RUST-101 for ada@example.org, issued 2026-09-01, written".into(),
        )),
    );
    update(&mut m, key(KeyCode::Enter));
    typed(&mut m, "exam irregularity");
    update(&mut m, key(KeyCode::Enter));
    snapshot("revoke_confirm", &m);

    let mut m = model();
    update(&mut m, key(KeyCode::F(5)));
    update(
        &mut m,
        rows(vec![
            record(3, "carol@example.org", BadgeState::Written),
            record(2, "bob@example.org", BadgeState::Revoked),
            record(1, "ada@example.org", BadgeState::Issued),
        ]),
    );
    update(&mut m, key(KeyCode::Down));
    snapshot("ledger", &m);
    update(&mut m, key(KeyCode::Char('e')));
    snapshot("ledger_export_menu", &m);

    let mut m = model();
    update(&mut m, key(KeyCode::F(6)));
    update(
        &mut m,
        Message::KeysLoaded(
            vec![
                IssuerRecord {
                    kid: vec![0x30, 0xa9, 0x32, 0x02],
                    public_key: vec![0; 32],
                    name: "Lyon Test Center".into(),
                    demo: false,
                    created_at: NOW,
                    retired_at: None,
                },
                IssuerRecord {
                    kid: vec![0xc3, 0x2c, 0x7b, 0x18],
                    public_key: vec![1; 32],
                    name: "DEMO Test Center (not a real issuer)".into(),
                    demo: true,
                    created_at: NOW - 86_400 * 30,
                    retired_at: Some(NOW),
                },
            ],
            vec![TrustedRecord {
                kid: vec![0xab, 0xcd, 0xef, 0x01],
                public_key: vec![2; 32],
                name: "Paris Test Center".into(),
                added_at: NOW - 86_400,
            }],
            "Lyon Test Center".into(),
            false,
        ),
    );
    snapshot("keys", &m);
}
