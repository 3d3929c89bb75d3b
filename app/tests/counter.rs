//! The desk at the counter, end to end, the way staff use it: the real
//! `tessera` binary (in tmux for the app, as commands for scripts), the
//! real `pcscd` with the vsmartcard `vpcd` virtual reader, and a virtual
//! NTAG21x on it (`tests/src/vcard.rs`, shared with the core's card
//! tests). One reader, so the tests take turns.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

mod common;
// The virtual card lives with the other test support in the tests crate;
// that crate depends on this one, so the module is included by path.
#[path = "../../tests/src/vcard.rs"]
#[allow(dead_code, missing_docs)]
mod vcard;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;
use common::Session;
use tempfile::TempDir;
use tessera_core::CardType;
use tessera_desk::reader::pcsc::PcscReader;
use vcard::{Config, VirtualCard};

const UID_A: [u8; 7] = [0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66];
const UID_B: [u8; 7] = [0x04, 0x99, 0x88, 0x77, 0x66, 0x55, 0x44];

static READER: Mutex<()> = Mutex::new(());

/// The virtual reader, to ourselves for the test.
fn turn() -> MutexGuard<'static, ()> {
    let turn = READER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let reader = wait_for_reader();
    wait_until("no card on the reader", || !reader.card_present().unwrap());
    turn
}

fn wait_for_reader() -> PcscReader {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match PcscReader::open(Some("Virtual PCD")) {
            Ok(reader) => return reader,
            Err(e) if Instant::now() > deadline => panic!(
                "virtual reader unavailable ({e}); run the tests with `bash .ci/test`, which starts pcscd with vsmartcard-vpcd"
            ),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Put a card on the reader (vpcd may still be starting after a pcscd restart).
fn insert(config: Config) -> VirtualCard {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match VirtualCard::insert(config.clone()) {
            Ok(card) => return card,
            Err(e) if Instant::now() > deadline => panic!("vpcd unreachable: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

fn card_with(memory: &[u8], uid: [u8; 7]) -> Config {
    let mut config = Config::new(CardType::Ntag215, uid);
    config.memory = Some(memory.to_vec());
    config
}

/// Take the card off and wait until the reader says so.
fn take_off(card: VirtualCard) -> Vec<u8> {
    let memory = card.remove();
    let reader = wait_for_reader();
    wait_until("the card to leave", || !reader.card_present().unwrap());
    memory
}

fn tessera(home: &TempDir) -> Command {
    common::tessera_process(home.path())
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(home: &TempDir, args: &[&str]) -> Run {
    let out = tessera(home).args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn issue(home: &TempDir, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "issue",
        "--recipient",
        "ada@example.org",
        "--achievement",
        "RUST-101",
        "--json",
    ];
    args.extend_from_slice(extra);
    let r = run(home, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// Stop the real pcscd (it is restarted by [`start_pcscd`]). Only as root,
/// which is how `.ci/run` runs; elsewhere the reader-loss part is skipped
/// with a note.
fn stop_pcscd() -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if !root {
        eprintln!("not root: skipping the pcscd stop and start (CI runs it as root)");
        return false;
    }
    let _ = Command::new("pkill").args(["-x", "pcscd"]).status();
    wait_until("pcscd to stop", || {
        !Command::new("pgrep")
            .args(["-x", "pcscd"])
            .output()
            .unwrap()
            .status
            .success()
    });
    true
}

fn start_pcscd() {
    // Foreground mode, detached from the test: it outlives this process
    // and `.ci/test` (or `.ci/run`) stops every pcscd at the end.
    // Never waited for: it is meant to outlive the test.
    #[allow(clippy::zombie_processes)]
    let _pcscd = Command::new("pcscd")
        .arg("-f")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start pcscd");
    wait_for_reader();
}

#[test]
fn hands_free_check_at_the_counter() {
    let _turn = turn();
    let home = TempDir::new().unwrap();
    let bin = cargo_bin("tessera");
    let cmd = format!("TESSERA_HOME={} {}", home.path().display(), bin.display());
    let s = Session::start("tessera-counter", 100, 32, &cmd);
    s.wait_for("DEMO ISSUER");

    // F1: issue a badge, as the README's first run says.
    s.text("ada@example.org");
    s.keys(&["Enter"]);
    s.text("RUST-101");
    s.keys(&["Enter"]);
    s.text("Rust Fundamentals");
    for _ in 0..6 {
        s.keys(&["Enter"]);
    }
    let screen = s.wait_for("Issued badge 1");
    assert!(screen.contains("Claim code"), "{screen}");

    // F5, w: write it to the blank card on the reader.
    let card = insert(Config::new(CardType::Ntag215, UID_A));
    s.keys(&["F5"]);
    s.wait_for("1 badge ");
    s.keys(&["w"]);
    s.wait_for("written to the NTAG215 with UID 04112233445566 and verified");
    // F3 with the card still on the reader: the verdict, no keystroke.
    s.keys(&["F3"]);
    let screen = s.wait_for("VALID");
    assert!(
        screen.contains("RUST-101 Rust Fundamentals")
            && screen.contains("NTAG215 card 04112233445566"),
        "{screen}"
    );
    // The app wrote it bound to this card's UID.
    let screen = s.wait_for("on the card it was issued for");
    println!("--- hands-free check, VALID ---\n{screen}");
    let good = take_off(card);
    s.wait_for("Ready for the next card");

    // The same memory copied onto another tag: a clone, FORGED.
    let card = insert(card_with(&good, UID_B));
    let screen = s.wait_for("FORGED");
    println!("--- hands-free check, the copy ---\n{screen}");
    take_off(card);
    s.wait_for("Ready for the next card");

    // The next card has one flipped byte in its badge: FORGED.
    let mut forged = good.clone();
    forged[16 + 120] ^= 0x01;
    let card = insert(card_with(&forged, UID_A));
    let screen = s.wait_for("FORGED");
    println!("--- hands-free check, FORGED ---\n{screen}");
    take_off(card);
    s.wait_for("Ready for the next card");

    // F4: revoke it; back on F3 the same card is REVOKED, with the reason.
    s.keys(&["F4"]);
    s.text("1");
    s.keys(&["Enter"]);
    s.text("exam retaken");
    s.keys(&["Enter"]);
    s.wait_for("y");
    s.keys(&["y"]);
    s.wait_for("badge 1 revoked");
    s.keys(&["F3"]);
    s.wait_for("Ready for the next card");
    let card = insert(card_with(&good, UID_A));
    let screen = s.wait_for("REVOKED");
    assert!(screen.contains("exam retaken"), "{screen}");
    take_off(card);
    s.wait_for("Ready for the next card");

    // The reader service stops: the screen says so, and checking resumes
    // by itself when it is back.
    if stop_pcscd() {
        s.wait_for("pcscd) is not running");
        start_pcscd();
        s.wait_for("it is checked by itself");
        let card = insert(card_with(&good, UID_A));
        s.wait_for("REVOKED");
        take_off(card);
        s.wait_for("Ready for the next card");
    }
    s.quit();
}

#[test]
fn card_commands_write_check_watch_and_dump() {
    let _turn = turn();
    let home = TempDir::new().unwrap();
    let first = issue(&home, &["--title", "Rust Fundamentals", "--level", "3"]);
    let serial = first["serial"].as_u64().unwrap().to_string();
    let second = issue(&home, &["--evidence", "https://example.org/e/2"]);
    let second_serial = second["serial"].as_u64().unwrap().to_string();

    // A standard badge on an NTAG213: refused before any page is written.
    let card = insert(Config::new(CardType::Ntag213, UID_B));
    let r = run(&home, &["card", "write", &serial]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("needs an NTAG215 card, the card on the reader is an NTAG213"),
        "{}",
        r.stderr
    );
    assert_eq!(card.writes(), 0);
    take_off(card);

    // Pulled mid-write: reported with the pages, never marked written.
    let mut config = Config::new(CardType::Ntag215, UID_B);
    config.vanish_after_writes = Some(5);
    let card = insert(config);
    let r = run(&home, &["card", "write", &second_serial]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("taken off the reader after 5 of"),
        "{}",
        r.stderr
    );
    take_off(card);
    let list = run(&home, &["ledger", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["state"] == "issued")
    );

    // A good write, read back; the ledger says written only then.
    let card = insert(Config::new(CardType::Ntag215, UID_A));
    let r = run(&home, &["card", "write", &serial]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("written to the NTAG215 with UID 04112233445566 and verified"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("bound to this card (a copy on another card reads FORGED)"),
        "{}",
        r.stdout
    );
    let list = run(&home, &["ledger", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["serial"] == first["serial"])
        .unwrap();
    assert_eq!(row["state"], "written");
    // The ledger keeps the card-bound copy, and its audit checks it.
    let r = run(&home, &["ledger", "audit"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(" 0 failed"), "{}", r.stdout);

    // card check: the verdict and the exit code of `verify`.
    let r = run(&home, &["card", "check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("VALID") && r.stdout.contains("level: 3"),
        "{}",
        r.stdout
    );
    let r = run(&home, &["card", "check", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["verdict"], "valid");

    // card dump: the whole tag from page 0, which verify reads (with the
    // UID binding taken from the dump), and as a Flipper Zero .nfc file.
    let dump = home.path().join("tag.bin");
    let r = run(&home, &["card", "dump", "--out", dump.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bytes = std::fs::read(&dump).unwrap();
    assert_eq!(bytes.len(), 135 * 4);
    assert_eq!(&bytes[..3], &UID_A[..3]);
    assert_eq!(bytes, card.memory(), "the dump is the tag's memory");
    let r = run(&home, &["verify", dump.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.starts_with("VALID"), "{}", r.stdout);
    let flipper = home.path().join("tag.nfc");
    std::fs::write(&flipper, flipper_file(&bytes)).unwrap();
    let r = run(&home, &["verify", flipper.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.starts_with("VALID"), "{}", r.stdout);
    let good = take_off(card);

    // card check --watch: one line per card placed, until interrupted.
    let mut watch = tessera(&home)
        .args(["card", "check", "--watch"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(watch.stdout.take().unwrap()).lines();
    let card = insert(card_with(&good, UID_A));
    let line = lines.next().unwrap().unwrap();
    assert!(
        line.contains("VALID") && line.contains("04112233445566"),
        "{line}"
    );
    take_off(card);
    let mut forged = good.clone();
    forged[16 + 100] ^= 0x40;
    let card = insert(card_with(&forged, UID_A));
    let line = lines.next().unwrap().unwrap();
    assert!(line.contains("FORGED"), "{line}");
    take_off(card);
    // A blank card: its own verdict, and the watch goes on.
    let card = insert(Config::new(CardType::Ntag215, UID_B));
    let line = lines.next().unwrap().unwrap();
    assert!(
        line.contains("NOT A BADGE") && line.contains("blank"),
        "{line}"
    );
    take_off(card);
    watch.kill().unwrap();
    let _ = watch.wait();

    // The card's memory copied onto another tag: the badge names the first
    // card's UID, so the copy reads as a clone.
    let copy = insert(card_with(&good, UID_B));
    let r = run(&home, &["card", "check"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("FORGED"), "{}", r.stdout);
    take_off(copy);
    // Written unbound on request (no passphrase asked): a copy is not caught.
    let card = insert(Config::new(CardType::Ntag215, UID_B));
    let r = run(&home, &["card", "write", &second_serial, "--unbound"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("not bound to this card"), "{}", r.stdout);
    let unbound = take_off(card);
    let copy = insert(card_with(&unbound, UID_A));
    let r = run(&home, &["card", "check"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    take_off(copy);
}

/// A Flipper Zero `.nfc` file of a tag's memory, written from the
/// format's documentation (flipperzero-firmware,
/// documentation/file_formats/NfcFileFormats.md, version 4).
fn flipper_file(memory: &[u8]) -> String {
    let hex = |b: &[u8]| {
        b.iter()
            .map(|x| format!("{x:02X}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let pages = memory.len() / 4;
    let mut out = format!(
        "Filetype: Flipper NFC device\nVersion: 4\n# Device type can be ISO14443-3A, ISO14443-3B, ISO14443-4A, NTAG/Ultralight, Mifare Classic, Mifare DESFire\nDevice type: NTAG/Ultralight\n# UID is common for all formats\nUID: {}\n# ISO14443-3A specific data\nATQA: 00 44\nSAK: 00\n# NTAG/Ultralight specific data\nData format version: 2\nNTAG/Ultralight type: NTAG215\nSignature: {}\nMifare version: 00 04 04 02 01 00 11 03\nCounter 0: 0\nTearing 0: 00\nCounter 1: 0\nTearing 1: 00\nCounter 2: 0\nTearing 2: 00\nPages total: {pages}\nPages read: {pages}\n",
        hex(&[
            memory[0], memory[1], memory[2], memory[4], memory[5], memory[6], memory[7]
        ]),
        hex(&[0u8; 32]),
    );
    for (i, page) in memory.chunks(4).enumerate() {
        out.push_str(&format!("Page {i}: {}\n", hex(page)));
    }
    out.push_str("Failed authentication attempts: 0\n");
    out
}
