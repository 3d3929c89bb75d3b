//! What every command runs with ([`Ctx`]), and the arguments several share.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use tessera_desk::store::files;
use tessera_desk::store::secret::Secret;
use tessera_desk::{Desk, DeskError, default_home};

use super::Cli;

/// What a command runs with: where the desk is, and the issuer key's
/// passphrase, read at most once.
#[derive(Debug)]
pub struct Ctx {
    home: PathBuf,
    ledger: Option<String>,
    passphrase_file: Option<PathBuf>,
    passphrase: Option<Secret>,
}

impl Ctx {
    /// From the global options.
    pub fn new(cli: &Cli) -> Self {
        Self {
            home: cli.home.clone().unwrap_or_else(default_home),
            ledger: cli.ledger.clone(),
            passphrase_file: cli.passphrase_file.clone(),
            passphrase: None,
        }
    }

    /// The data directory.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// The desk, with the labelled demo issuer made on first use.
    pub fn desk(&self) -> Result<Desk, DeskError> {
        Desk::open_or_demo_at(&self.home, self.ledger.as_deref())
    }

    /// The desk as it is, no issuer made (`init`, `ledger migrate`).
    pub fn existing_desk(&self) -> Result<Desk, DeskError> {
        Desk::open_at(&self.home, self.ledger.as_deref())
    }

    /// The passphrase of this desk's keys ([`passphrase_source`]), read
    /// the first time it is needed and kept for the rest of the command.
    pub fn passphrase(&mut self) -> impl FnMut() -> Option<Secret> + '_ {
        move || {
            if self.passphrase.is_none() {
                self.passphrase = passphrase_source(self.passphrase_file.clone(), false)();
            }
            self.passphrase.clone()
        }
    }

    /// A new passphrase (asked twice at a prompt when `confirm`).
    pub fn new_passphrase(&self, confirm: bool) -> impl FnMut() -> Option<Secret> + use<> {
        passphrase_source(self.passphrase_file.clone(), confirm)
    }
}

/// `on`/`yes` or `off`/`no`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    /// On.
    #[value(alias = "yes")]
    On,
    /// Off.
    #[value(alias = "no")]
    Off,
}

impl Switch {
    /// Whether it is on.
    pub fn is_on(self) -> bool {
        self == Self::On
    }
}

/// Where the passphrase comes from: `--passphrase-file` (read by the one
/// rule in [`files::read_passphrase_file`]), `$TESSERA_PASSPHRASE`, or a
/// prompt when standard input is a terminal.
pub fn passphrase_source(file: Option<PathBuf>, confirm: bool) -> impl FnMut() -> Option<Secret> {
    move || {
        if let Some(f) = &file {
            return match files::read_passphrase_file(f) {
                Ok(p) => Some(p),
                Err(e) => {
                    eprintln!(
                        "error: {}",
                        tessera_formats::text::inert_lines(&e.to_string())
                    );
                    None
                }
            };
        }
        if let Ok(p) = std::env::var("TESSERA_PASSPHRASE") {
            return Some(Secret::new(p));
        }
        if !std::io::stdin().is_terminal() {
            return None;
        }
        let first = Secret::new(rpassword::prompt_password("Issuer key passphrase: ").ok()?);
        if confirm {
            let again = Secret::new(rpassword::prompt_password("Repeat the passphrase: ").ok()?);
            if again != first {
                eprintln!("the passphrases differ");
                return None;
            }
        }
        Some(first)
    }
}
