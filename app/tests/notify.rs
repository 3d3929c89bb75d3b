//! Claim by e-mail through the real `tessera` binary and a real SMTP
//! server (aiosmtpd, `tests/smtp/sink.py`, which parses every message it
//! takes as MIME): what the candidate receives, bad addresses and
//! refusals, and 5,000 badges issued while the server is down, then
//! delivered with the sender killed at random points along the way.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::tessera;

const FROM: &str = "Lisbon Test Center <badges@example.org>";
const SITE: &str = "https://badges.example.org/";

/// The SMTP server of one test; killed when dropped.
struct Sink {
    child: Child,
    port: u16,
    dir: TempDir,
}

impl Sink {
    /// Start it on `port` (0: any free one) and wait until it listens.
    fn start(port: u16) -> Self {
        Self::start_with(port, &[])
    }

    /// [`Sink::start`] with more of the server's options.
    fn start_with(port: u16, options: &[&str]) -> Self {
        let dir = TempDir::new().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/sink.py");
        let mut child = Process::new("python3")
            .arg(script)
            .args(["--port", &port.to_string(), "--dir"])
            .arg(dir.path())
            .args(options)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("ready ")
            .unwrap_or_else(|| {
                panic!(
                    "the SMTP server did not start ({line:?}); it needs aiosmtpd: \
                     python3 -m pip install -r tests/interop/requirements.txt (`.ci/test` does)"
                )
            })
            .parse()
            .unwrap();
        Sink { child, port, dir }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message taken, in order.
    fn log(&self) -> Vec<Value> {
        std::fs::read_to_string(self.dir.path().join("log.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The folder of the `n`-th message delivered (from 1).
    fn mail(&self, n: usize) -> PathBuf {
        self.dir.path().join("mail").join(n.to_string())
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on (yet).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A demo desk that knows where its site is published.
fn desk() -> TempDir {
    let home = TempDir::new().unwrap();
    tessera(home.path())
        .args(["site", "url", SITE])
        .assert()
        .success();
    home
}

fn issue(home: &Path, recipient: &str) -> Value {
    let out = tessera(home)
        .args(["issue", "--recipient", recipient, "--achievement", "AZ-305"])
        .args(["--title", "Azure Solutions Architect", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn notify_pending(home: &Path, sink_url: &str) -> assert_cmd::assert::Assert {
    tessera(home)
        .args(["notify", "--pending", "--smtp", sink_url, "--from", FROM])
        .assert()
}

fn status(home: &Path) -> Value {
    let out = tessera(home)
        .args(["mail", "status", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn the_candidate_gets_the_badge_its_link_and_claim_code() {
    let home = desk();
    let badge = issue(home.path(), "ana.silva@example.org");
    let serial = badge["serial"].as_u64().unwrap();
    assert_eq!(status(home.path())["pending"], 1, "queued with the badge");
    let sink = Sink::start(0);
    notify_pending(home.path(), &sink.url())
        .success()
        .stdout(predicate::str::contains("1 sent, 0 refused"));
    assert_eq!(status(home.path())["sent"], 1);

    let log = sink.log();
    assert_eq!(log.len(), 1, "{log:?}");
    let m = &log[0];
    assert_eq!(m["to"], serde_json::json!(["ana.silva@example.org"]));
    assert_eq!(m["subject"], "Your badge: Azure Solutions Architect");
    assert_eq!(
        m["message_id"],
        format!(
            "<badge.{serial}.{}@tessera.invalid>",
            badge["kid"].as_str().unwrap()
        )
    );
    let parts: Vec<&str> = m["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(
        parts,
        [
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/html",
            "image/png"
        ]
    );
    let dir = sink.mail(1);
    let text = std::fs::read_to_string(dir.join("text.txt")).unwrap();
    let html = std::fs::read_to_string(dir.join("body.html")).unwrap();
    let code = badge["claim_code"].as_str().unwrap();
    assert!(text.contains(code) && html.contains(code), "{text}");
    assert!(
        text.contains("https://www.linkedin.com/profile/add?"),
        "{text}"
    );
    assert!(text.contains("simply ignore this message"), "{text}");
    // The attachment is the baked badge, and it verifies.
    let picture = dir.join(format!("badge-{serial}.png"));
    tessera(home.path())
        .arg("verify")
        .arg(&picture)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("VALID"));
    // The link opens the badge: the site's address with the badge in the
    // fragment, which is what the page verifies (and `verify` reads links).
    let link = text
        .split_whitespace()
        .find(|w| w.starts_with(SITE))
        .unwrap();
    assert!(link.contains("#TSR1:"), "{link}");
    let qr = home.path().join("link.txt");
    std::fs::write(&qr, link).unwrap();
    tessera(home.path())
        .arg("verify")
        .arg(&qr)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("serial {serial}")));

    // Nothing is sent twice; a resend on request is a new message.
    notify_pending(home.path(), &sink.url())
        .success()
        .stdout(predicate::str::contains("0 sent"));
    tessera(home.path())
        .args([
            "notify",
            &serial.to_string(),
            "--smtp",
            &sink.url(),
            "--from",
            FROM,
        ])
        .assert()
        .success();
    let log = sink.log();
    assert_eq!(log.len(), 2);
    assert_ne!(log[0]["message_id"], log[1]["message_id"]);
    assert_eq!(log[1]["duplicate"], false);
}

#[test]
fn portuguese_issuers_write_in_portuguese() {
    let home = desk();
    tessera(home.path())
        .args(["catalogue", "language", "pt"])
        .assert()
        .success();
    issue(home.path(), "bruno@example.org");
    let sink = Sink::start(0);
    notify_pending(home.path(), &sink.url()).success();
    assert_eq!(
        sink.log()[0]["subject"],
        "Seu badge: Azure Solutions Architect"
    );
    let text = std::fs::read_to_string(sink.mail(1).join("text.txt")).unwrap();
    assert!(text.contains("basta ignorar esta mensagem"), "{text}");
}

#[test]
fn bad_addresses_and_refusals_are_flagged_and_the_rest_delivered() {
    let home = desk();
    for r in [
        "first@example.org",
        "reject.me@example.org",
        "ana@@example.org",
        "later@example.org",
        "last@example.org",
    ] {
        issue(home.path(), r);
    }
    let sink = Sink::start(0);
    let out = notify_pending(home.path(), &sink.url())
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("badge 2 to reject.me@example.org: not sent: the server refused it")
            && out.contains("550"),
        "{out}"
    );
    assert!(
        out.contains("badge 3 to ana@@example.org: not sent:")
            && out.contains("not a valid e-mail address"),
        "{out}"
    );
    assert!(
        out.contains("badge 4 to later@example.org: will retry:") && out.contains("451"),
        "{out}"
    );
    assert!(
        out.contains("2 sent, 2 refused, 1 to retry, 1 pending"),
        "{out}"
    );
    let to: Vec<String> = sink
        .log()
        .iter()
        .map(|m| m["to"][0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(to, ["first@example.org", "last@example.org"]);
    let s = status(home.path());
    assert_eq!(s["sent"], 2);
    assert_eq!(s["pending"], 1);
    let failed = s["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 2);
    assert!(
        failed[0]["reason"]
            .as_str()
            .unwrap()
            .contains("mailbox unavailable")
    );
    // The Ledger says so per badge.
    tessera(home.path())
        .args(["mail", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("badge 3 to ana@@example.org"));
}

#[test]
fn five_thousand_badges_issued_while_the_server_is_down_arrive_once_each() {
    const N: usize = 5000;
    const KILLS: usize = 8;
    let home = desk();
    let csv = home.path().join("cohort.csv");
    let mut rows = String::from("recipient,achievement,title\n");
    for i in 0..N {
        rows.push_str(&format!(
            "candidate{i}@example.org,AZ-305,Azure Solutions Architect\n"
        ));
    }
    std::fs::write(&csv, rows).unwrap();
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    // Issuing does not wait for the server: everything is queued.
    tessera(home.path())
        .args(["issue-bulk", "--csv"])
        .arg(&csv)
        .assert()
        .success();
    assert_eq!(status(home.path())["pending"], N as u64);
    notify_pending(home.path(), &url)
        .code(1)
        .stdout(predicate::str::contains("cannot be reached"));
    assert_eq!(
        status(home.path())["pending"],
        N as u64,
        "nothing lost while down"
    );

    // The server comes up; the sender is killed at random points. (The
    // server ACKs at once, so the run does not wait out lettre's 40 ms
    // Nagle stall on each of the 5,000 messages: see the sink.)
    let sink = Sink::start_with(port, &["--quickack", "--keep", "0"]);
    let bin = env!("CARGO_BIN_EXE_tessera");
    let started = Instant::now();
    let mut seed: u64 = 0x5eed_1234;
    for _ in 0..KILLS {
        let mut child = Process::new(bin)
            .env("TESSERA_HOME", home.path())
            .args(["notify", "--pending", "--smtp", &url, "--from", FROM])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        std::thread::sleep(Duration::from_millis(200 + (seed >> 33) % 1500));
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let killed_at = sink.log().len();
    notify_pending(home.path(), &url).success();
    let drained = started.elapsed();

    let log = sink.log();
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for m in &log {
        *per_id
            .entry(m["message_id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let resent: usize = per_id.values().map(|n| n - 1).sum();
    let delivered = log.iter().filter(|m| m["duplicate"] == false).count();
    println!(
        "{N} queued; {killed_at} taken before the last run; {} transmissions, {delivered} delivered, \
         {resent} resent after a kill (suppressed by Message-ID); drained in {:.1} s with {KILLS} kills",
        log.len(),
        drained.as_secs_f64()
    );
    assert_eq!(per_id.len(), N, "every message arrived");
    assert_eq!(delivered, N, "each exactly once");
    // Only a message in flight when its sender was killed goes again.
    assert!(resent <= KILLS, "{resent} resent with {KILLS} kills");
    assert!(per_id.values().all(|n| *n <= 2));
    let s = status(home.path());
    assert_eq!(
        (s["sent"].as_u64(), s["pending"].as_u64()),
        (Some(N as u64), Some(0))
    );
}

#[test]
fn the_ledger_screen_shows_each_badges_e_mail_and_sends_it_again() {
    let home = desk();
    let sink = Sink::start(0);
    tessera(home.path())
        .args(["mail", "setup", "--smtp", &sink.url(), "--from", FROM])
        .assert()
        .success();
    issue(home.path(), "ana.silva@example.org");
    let bin = env!("CARGO_BIN_EXE_tessera");
    let cmd = format!("TESSERA_HOME={} {bin}", home.path().display());
    let s = common::Session::start("tessera-mail", 120, 30, &cmd);
    s.wait_for("F1 Issue");
    s.keys(&["F5"]);
    let row = |screen: &str, state: &str| {
        screen
            .lines()
            .any(|l| l.contains("ana.silva@example.org") && l.contains(state))
    };
    s.wait_until("the badge's e-mail pending", |screen| {
        row(screen, "pending")
    });
    s.keys(&["m"]);
    let screen = s.wait_for("e-mail: 1 sent");
    println!("{screen}");
    s.wait_until("the badge's e-mail sent", |screen| row(screen, "sent"));
    assert_eq!(sink.log().len(), 1);
    s.quit();
}

#[test]
fn the_smtp_password_is_kept_sealed_and_logs_in() {
    let home = TempDir::new().unwrap();
    let pass = home.path().join("passphrase");
    std::fs::write(&pass, "correct horse battery staple\n").unwrap();
    let pw = home.path().join("smtp-password");
    std::fs::write(&pw, "s3cret-smtp\n").unwrap();
    let with_pass = |c: &mut Command| {
        c.arg("--passphrase-file").arg(&pass);
    };
    // The demo issuer cannot keep a password: its key is public.
    let demo = desk();
    tessera(demo.path())
        .args([
            "mail",
            "setup",
            "--smtp",
            "smtp://127.0.0.1:25",
            "--from",
            FROM,
        ])
        .args(["--user", "badges", "--password-file"])
        .arg(&pw)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot keep an SMTP password"));

    let mut init = tessera(home.path());
    with_pass(&mut init);
    init.args(["init", "--name", "Lisbon Test Center"])
        .assert()
        .success();
    tessera(home.path())
        .args(["site", "url", SITE])
        .assert()
        .success();
    let sink = Sink::start_with(0, &["--auth", "badges:s3cret-smtp"]);
    let mut setup = tessera(home.path());
    with_pass(&mut setup);
    setup
        .args(["mail", "setup", "--smtp", &sink.url(), "--from", FROM])
        .args(["--user", "badges", "--password-file"])
        .arg(&pw)
        .assert()
        .success()
        .stdout(predicate::str::contains("password stored sealed"))
        .stdout(predicate::str::contains("s3cret").not());
    let saved = std::fs::read_to_string(home.path().join("mail.json")).unwrap();
    assert!(!saved.contains("s3cret"), "{saved}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(home.path().join("mail.json"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "mail.json is private");

    let mut issue = tessera(home.path());
    with_pass(&mut issue);
    issue
        .args([
            "issue",
            "--recipient",
            "ana@example.org",
            "--achievement",
            "AZ-305",
        ])
        .assert()
        .success();
    // The saved settings: unsealed with the issuer key, then the login.
    let mut send = tessera(home.path());
    with_pass(&mut send);
    send.args(["notify", "--pending"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 sent"));
    let log = sink.log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["login"], "badges");
    // Without the passphrase, nothing opens.
    tessera(home.path())
        .args(["notify", "--pending"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("passphrase"));
}
