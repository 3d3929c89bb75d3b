//! What the whole-program tests share: a `tessera` process in a real
//! terminal (tmux, driven with `send-keys`, read with `capture-pane`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Reason: test support; each test binary uses part of it.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The `tessera` binary on the data directory `home`, with nothing from
/// the caller's environment that would pick another ledger, key or page.
pub fn tessera_process(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tessera"));
    c.env("TESSERA_HOME", home)
        .env_remove("TESSERA_PASSPHRASE")
        .env_remove("TESSERA_LEDGER")
        .env_remove("TESSERA_WEB_ASSETS");
    c
}

/// [`tessera_process`] as an `assert_cmd` command (`.assert()`,
/// `.write_stdin()`).
pub fn tessera(home: &Path) -> assert_cmd::Command {
    assert_cmd::Command::from_std(tessera_process(home))
}

/// One tmux session running a command; killed when dropped.
pub struct Session(pub String);

impl Session {
    /// Start `cmd` in a new detached tmux session of `width` × `height`.
    pub fn start(name: &str, width: u16, height: u16, cmd: &str) -> Self {
        let s = Session(format!("{name}-{}", std::process::id()));
        s.tmux(&[
            "new-session",
            "-d",
            "-s",
            &s.0,
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            cmd,
        ]);
        s
    }

    /// Run a tmux command; its standard output.
    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(args).output().unwrap_or_else(|e| {
            panic!("tmux is needed for this test ({e}); install it: apt-get install tmux (`bash .ci/test` does)")
        });
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Press keys (tmux key names: `Enter`, `F3`, `C-q`).
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", &self.0, k]);
        }
    }

    /// Type text literally.
    pub fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", &self.0, "-l", text]);
    }

    /// The screen now.
    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", &self.0])
    }

    /// Wait until the screen shows `needle` (20 s at most); the screen.
    pub fn wait_for(&self, needle: &str) -> String {
        self.wait_until(needle, |s| s.contains(needle))
    }

    /// Wait until `ok(screen)` holds (20 s at most); the screen.
    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what:?}; the screen shows:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Quit with Ctrl+Q and wait for the program to end.
    pub fn quit(&self) {
        self.keys(&["C-q"]);
        let deadline = Instant::now() + Duration::from_secs(10);
        while self
            .tmux(&["list-sessions"])
            .lines()
            .any(|l| l.starts_with(&format!("{}:", self.0)))
        {
            assert!(Instant::now() < deadline, "the app did not quit");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

/// `node SCRIPT ARGS…` from `tests/interop/js` (other people's verifiers):
/// its JSON answer, the last line it prints (libraries may print before
/// it), which must list nothing under `refused` (nothing is fetched).
pub fn interop_node(script: &str, args: &[&std::ffi::OsStr]) -> serde_json::Value {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/interop/js");
    assert!(
        dir.join("node_modules").is_dir(),
        "the JavaScript verifiers are not installed: run `npm ci` in tests/interop/js (`bash .ci/run` does)"
    );
    let out = Command::new("node")
        .arg(dir.join(script))
        .args(args)
        .output()
        .expect("node is needed for the interop tests");
    assert!(
        out.status.success(),
        "{script} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let answer: serde_json::Value = stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("{script} printed no answer: {stdout}"));
    assert_eq!(
        answer["refused"],
        serde_json::json!([]),
        "{script} reached for the network: {answer}"
    );
    answer
}

/// The `eddsa-rdfc-2022` Data Integrity proof of `credential` by `key`,
/// made from its parts as another issuer's software might
/// (`tessera_ld::sign` refuses what no verifier accepts, such as a date
/// given twice, which some tests need signed).
pub fn proof_of(
    credential: &serde_json::Value,
    key: &tessera_core::SigningKey,
) -> serde_json::Value {
    let method = tessera_ld::did::verification_method(&key.public_key());
    let mut proof = tessera_ld::proof::proof_options(&method, "2020-06-01T00:00:00Z");
    let data = tessera_ld::proof::hash_data(credential, proof.as_object().unwrap()).unwrap();
    proof["proofValue"] = format!(
        "z{}",
        bs58::encode(key.sign(&data).as_bytes()).into_string()
    )
    .into();
    proof
}
