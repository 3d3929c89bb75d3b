//! End to end through the real PC/SC stack: `pcscd` with the vsmartcard
//! `vpcd` virtual reader, and a virtual NTAG21x written in Rust
//! (`tessera_tests::vcard`) on it. Needs pcscd running with vpcd installed
//! (`bash .ci/test` or `.ci/run` set that up). One virtual reader, so the
//! tests take turns.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tessera_core::ndef::{card_image_len, encode_card_image};
use tessera_core::{CardType, Error, Profile, verify_card_image};
use tessera_desk::reader::pcsc::{PcscReader, PcscTag};
use tessera_desk::reader::{CardError, RemovedDuring, read_card, write_card};
use tessera_tests::vcard::{Config, VirtualCard};
use tessera_tests::*;

const UID_A: [u8; 7] = [0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66];
const UID_B: [u8; 7] = [0x04, 0x99, 0x88, 0x77, 0x66, 0x55, 0x44];

static READER: Mutex<()> = Mutex::new(());

/// The virtual reader, to ourselves for the test.
struct Bench {
    reader: PcscReader,
    _turn: MutexGuard<'static, ()>,
}

fn bench() -> Bench {
    let turn = READER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // pcscd lists vpcd's reader shortly after it starts: give it 5 s.
    let deadline = Instant::now() + Duration::from_secs(5);
    let reader = loop {
        match PcscReader::open(Some("Virtual PCD")) {
            Ok(reader) => break reader,
            Err(e) if Instant::now() > deadline => panic!(
                "virtual reader unavailable ({e}); run the tests with `bash .ci/test`, which starts pcscd with vsmartcard-vpcd"
            ),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    // A card left by a failed test must be gone before we start.
    wait_until(|| !reader.card_present().unwrap());
    Bench {
        reader,
        _turn: turn,
    }
}

fn wait_until(mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !f() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for the reader"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Bench {
    fn insert(&self, config: Config) -> (VirtualCard, PcscTag) {
        let card = VirtualCard::insert(config).expect("vpcd reachable on 127.0.0.1:35963");
        let tag = self
            .reader
            .wait_for_card(
                Duration::from_secs(10),
                &AtomicBool::new(false),
                &mut |_| {},
            )
            .unwrap();
        (card, tag)
    }

    fn take_off(&self, card: VirtualCard) -> Vec<u8> {
        let memory = card.remove();
        wait_until(|| !self.reader.card_present().unwrap());
        memory
    }
}

fn card_image(badge: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; card_image_len(badge.len())];
    encode_card_image(badge, &mut out).unwrap();
    out
}

#[test]
fn issue_write_read_back_verify_on_ntag215() {
    let b = bench();
    let sub = subject();
    let mut claims = standard_claims(&sub);
    claims.card_uid = Some(&UID_A);
    let badge = sign(Profile::Standard, claims, &issuer());
    let (card, mut tag) = b.insert(Config::new(CardType::Ntag215, UID_A));
    let mut seen = Vec::new();
    let report = write_card(&mut tag, &card_image(&badge), &mut |done, total| {
        seen.push((done, total))
    })
    .unwrap();
    assert_eq!(report.card_type, CardType::Ntag215);
    assert_eq!(report.uid, UID_A);
    assert_eq!(seen.last(), Some(&(report.pages, report.pages)));
    assert_eq!(card.writes(), report.pages);
    let contents = read_card(&mut tag).unwrap();
    let verified = verify_card_image(
        &contents.memory,
        &contents.uid,
        &trust(&[&issuer()]),
        Some(NOW),
        None,
    )
    .unwrap();
    assert_eq!(verified.claims, claims);
    eprintln!(
        "NTAG215: {} pages written and read back in {:?}",
        report.pages, report.elapsed
    );
    drop(tag);
    b.take_off(card);
}

#[test]
fn mini_badge_on_ntag213() {
    let b = bench();
    let sub = subject();
    let badge = sign(Profile::Mini, mini_claims(&sub), &issuer());
    let (card, mut tag) = b.insert(Config::new(CardType::Ntag213, UID_A));
    write_card(&mut tag, &card_image(&badge), &mut |_, _| {}).unwrap();
    let contents = read_card(&mut tag).unwrap();
    assert_eq!(contents.card_type, CardType::Ntag213);
    assert_eq!(contents.badge().unwrap(), badge.as_slice());
    drop(tag);
    b.take_off(card);
}

#[test]
fn one_flipped_byte_on_the_card_is_a_signature_error() {
    let b = bench();
    let sub = subject();
    let badge = sign(Profile::Standard, standard_claims(&sub), &issuer());
    let image = card_image(&badge);
    let (card, mut tag) = b.insert(Config::new(CardType::Ntag215, UID_A));
    write_card(&mut tag, &image, &mut |_, _| {}).unwrap();
    // Someone edits the card with another tool: one byte of the achievement name.
    let at = image.windows(4).position(|w| w == b"Rust").unwrap();
    card.poke_user_byte(at, b'R' ^ 0x20);
    let contents = read_card(&mut tag).unwrap();
    assert_eq!(
        verify_card_image(
            &contents.memory,
            &contents.uid,
            &trust(&[&issuer()]),
            Some(NOW),
            None
        )
        .unwrap_err(),
        Error::SignatureInvalid
    );
    drop(tag);
    b.take_off(card);
}

#[test]
fn uid_bound_badge_copied_to_another_card_is_rejected() {
    let b = bench();
    let sub = subject();
    let mut claims = standard_claims(&sub);
    claims.card_uid = Some(&UID_A);
    let badge = sign(Profile::Standard, claims, &issuer());
    // The badge bound to card A is written onto card B.
    let (card, mut tag) = b.insert(Config::new(CardType::Ntag215, UID_B));
    write_card(&mut tag, &card_image(&badge), &mut |_, _| {}).unwrap();
    let contents = read_card(&mut tag).unwrap();
    assert_eq!(contents.uid, UID_B);
    assert_eq!(
        verify_card_image(
            &contents.memory,
            &contents.uid,
            &trust(&[&issuer()]),
            Some(NOW),
            None
        )
        .unwrap_err(),
        Error::CardMismatch
    );
    drop(tag);
    b.take_off(card);
}

#[test]
fn standard_badge_is_refused_on_ntag213_before_writing() {
    let b = bench();
    let sub = subject();
    let badge = sign(Profile::Standard, standard_claims(&sub), &issuer());
    let image = card_image(&badge);
    let (card, mut tag) = b.insert(Config::new(CardType::Ntag213, UID_A));
    let before = card.memory();
    let err = write_card(&mut tag, &image, &mut |_, _| {
        panic!("no page may be written")
    })
    .unwrap_err();
    assert_eq!(
        err,
        CardError::Badge(Error::CardTooSmall {
            needed: image.len(),
            card: CardType::Ntag213
        })
    );
    assert!(
        err.to_string()
            .contains("needs an NTAG215 card, the card on the reader is an NTAG213"),
        "{err}"
    );
    assert_eq!(card.writes(), 0);
    assert_eq!(card.memory(), before);
    drop(tag);
    b.take_off(card);
}

#[test]
fn card_pulled_mid_write_is_reported_and_the_retry_succeeds() {
    let b = bench();
    let sub = subject();
    let badge = sign(Profile::Standard, standard_claims(&sub), &issuer());
    let image = card_image(&badge);
    let total = image.len().div_ceil(4);
    let mut config = Config::new(CardType::Ntag215, UID_A);
    config.vanish_after_writes = Some(10);
    let (card, mut tag) = b.insert(config.clone());
    let err = write_card(&mut tag, &image, &mut |_, _| {}).unwrap_err();
    assert_eq!(
        err,
        CardError::Removed(RemovedDuring::Write { written: 10, total })
    );
    assert!(card.vanished());
    drop(tag);
    let half_written = b.take_off(card);
    // The half-written card does not verify...
    let user = &half_written[16..16 + CardType::Ntag215.user_bytes()];
    assert!(verify_card_image(user, &UID_A, &trust(&[&issuer()]), Some(NOW), None).is_err());
    // ...and putting it back and writing again succeeds.
    config.vanish_after_writes = None;
    config.memory = Some(half_written);
    let (card, mut tag) = b.insert(config);
    write_card(&mut tag, &image, &mut |_, _| {}).unwrap();
    let contents = read_card(&mut tag).unwrap();
    verify_card_image(
        &contents.memory,
        &contents.uid,
        &trust(&[&issuer()]),
        Some(NOW),
        None,
    )
    .unwrap();
    drop(tag);
    b.take_off(card);
}

#[test]
fn blank_and_garbage_cards_give_clear_errors() {
    let b = bench();
    // Factory-fresh: an empty NDEF message.
    let (card, mut tag) = b.insert(Config::new(CardType::Ntag216, UID_A));
    let contents = read_card(&mut tag).unwrap();
    assert_eq!(contents.badge().unwrap_err(), Error::CardEmpty);
    drop(tag);
    b.take_off(card);
    // Garbage in user memory after a valid capability container.
    let mut memory = tessera_tests::vcard::factory_memory(CardType::Ntag213, &UID_A);
    for (i, byte) in memory.iter_mut().enumerate().skip(16) {
        *byte = (i * 37 % 251) as u8 | 0x40;
    }
    let mut config = Config::new(CardType::Ntag213, UID_A);
    config.memory = Some(memory);
    let (card, mut tag) = b.insert(config);
    let contents = read_card(&mut tag).unwrap();
    assert!(matches!(
        contents.badge(),
        Err(Error::NdefWrongTlv { offset: 0 })
    ));
    drop(tag);
    b.take_off(card);
}

#[test]
fn waiting_for_a_card_can_be_cancelled_and_times_out() {
    let b = bench();
    let cancel = AtomicBool::new(true);
    let err = b
        .reader
        .wait_for_card(Duration::from_secs(5), &cancel, &mut |_| {})
        .unwrap_err();
    assert_eq!(err, CardError::Cancelled);
    let err = b
        .reader
        .wait_for_card(
            Duration::from_millis(300),
            &AtomicBool::new(false),
            &mut |_| {},
        )
        .unwrap_err();
    assert_eq!(err, CardError::TimedOut(Duration::from_millis(300)));
}

/// Wait for the runtime's next message that is not a progress note.
fn next_result(rt: &tessera::ui::Runtime) -> tessera::ui::Message {
    loop {
        let m = rt
            .rx
            .recv_timeout(Duration::from_secs(20))
            .expect("a result from the card worker");
        if !matches!(m, tessera::ui::Message::CardWaiting(_)) {
            return m;
        }
    }
}

#[test]
fn the_app_writes_a_card_marks_it_written_and_never_on_failure() {
    use tessera::ui::{Effect, Message, Runtime};
    use tessera_desk::reader::watch::ReaderEvent;
    use tessera_desk::store::ledger::BadgeState;
    use tessera_desk::{Desk, IssueRequest};

    let b = bench();
    let home = tempfile::TempDir::new().unwrap();
    let mut desk = Desk::open_or_demo(home.path()).unwrap();
    let key = desk.signing_key(&mut || None).unwrap();
    let req = IssueRequest {
        recipient: "ada@example.org".into(),
        achievement: "RUST-101".into(),
        ..Default::default()
    };
    let first = desk.issue(&key, &req).unwrap();
    let second = desk
        .issue(
            &key,
            &IssueRequest {
                recipient: "bob@example.org".into(),
                ..req
            },
        )
        .unwrap();
    let mut rt = Runtime::new(desk, None);

    // A good write: the ledger says written, with the card's UID.
    let card = VirtualCard::insert(Config::new(CardType::Ntag215, UID_A)).unwrap();
    assert_eq!(rt.execute(Effect::WriteCard(first.serial)), None);
    let Message::Written(Ok(text)) = next_result(&rt) else {
        panic!("write failed")
    };
    assert!(text.contains("verified"), "{text}");
    let ledger =
        tessera_desk::store::ledger::Ledger::open(&home.path().join("ledger.sqlite")).unwrap();
    let rec = ledger.badge(first.serial).unwrap();
    assert_eq!(
        (rec.state, rec.card_uid.as_deref()),
        (BadgeState::Written, Some(&UID_A[..]))
    );
    // Checking the card from the app: the watched reader reads the card on
    // it by itself, and the desk gives its verdict.
    rt.set_watching(true);
    let contents = loop {
        match next_result(&rt) {
            Message::Reader(_, ReaderEvent::Card(Ok(c))) => break c,
            Message::Reader(_, ReaderEvent::Ready(_)) => {}
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(contents.uid, UID_A);
    let Some(Message::CardChecked(v, source)) = rt.execute(Effect::CheckCard(Ok(contents))) else {
        panic!("no verdict")
    };
    assert_eq!(v.verdict, tessera_core::Verdict::Valid, "{}", v.reason);
    assert!(source.contains("04112233445566"), "{source}");
    b.take_off(card);
    assert!(matches!(
        next_result(&rt),
        Message::Reader(_, ReaderEvent::Removed)
    ));
    rt.set_watching(false);

    // The card is pulled mid-write: reported, and the ledger does not say written.
    let mut config = Config::new(CardType::Ntag215, UID_B);
    config.vanish_after_writes = Some(5);
    let card = VirtualCard::insert(config).unwrap();
    assert_eq!(rt.execute(Effect::WriteCard(second.serial)), None);
    let Message::Written(Err(e)) = next_result(&rt) else {
        panic!("a pulled card must fail the write")
    };
    assert!(e.contains("taken off the reader after 5 of"), "{e}");
    assert_eq!(
        ledger.badge(second.serial).unwrap().state,
        BadgeState::Issued
    );
    b.take_off(card);
}

#[test]
fn card_pulled_at_every_page_of_a_write_is_reported_and_never_marked_written() {
    use tessera::ui::{Effect, Message, Runtime};
    use tessera_desk::store::ledger::BadgeState;
    use tessera_desk::{Desk, IssueRequest};

    let b = bench();
    let home = tempfile::TempDir::new().unwrap();
    let mut desk = Desk::open_or_demo(home.path()).unwrap();
    let key = desk.signing_key(&mut || None).unwrap();
    let req = IssueRequest {
        recipient: "ada@example.org".into(),
        achievement: "RS-1".into(),
        profile: Some(Profile::Mini),
        ..Default::default()
    };
    let badge = desk.issue(&key, &req).unwrap();
    let pages = card_image(&badge.cose).len().div_ceil(4);
    let mut rt = Runtime::new(desk, None);
    let ledger =
        tessera_desk::store::ledger::Ledger::open(&home.path().join("ledger.sqlite")).unwrap();
    for pulled_after in 0..pages {
        let mut config = Config::new(CardType::Ntag213, UID_A);
        config.vanish_after_writes = Some(pulled_after);
        let card = VirtualCard::insert(config).unwrap();
        assert_eq!(rt.execute(Effect::WriteCard(badge.serial)), None);
        let Message::Written(Err(e)) = next_result(&rt) else {
            panic!("pulled after {pulled_after} pages: write succeeded")
        };
        assert!(
            e.contains(&format!("after {pulled_after} of {pages} pages")),
            "{e}"
        );
        assert_eq!(
            ledger.badge(badge.serial).unwrap().state,
            BadgeState::Issued,
            "after {pulled_after} pages"
        );
        assert!(card.vanished());
        b.take_off(card);
    }
    eprintln!(
        "card pulled at each of the {pages} page writes: reported every time, never marked written"
    );
}
