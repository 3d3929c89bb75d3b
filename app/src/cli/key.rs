//! `key`: this desk's issuer keys (export, rotate, list, compromised).

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use tessera_core::PublicKey;
use tessera_desk::DeskError;
use tessera_desk::check::date;
use tessera_desk::store::keystore::KeyError;

use super::Ctx;
use super::output::{status_changed, write_out};

/// `key` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Export the active issuer's public key.
    ExportPublic {
        /// cose-key (CBOR) or jwk (JSON).
        #[arg(long, value_enum)]
        format: KeyFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Make a new issuer key; the old one is retired but keeps verifying its
    /// badges. Needs the active key's passphrase, which also seals the new
    /// key (one passphrase opens all of a desk's keys).
    Rotate {
        /// Issuer name for the new key.
        #[arg(long)]
        name: Option<String>,
    },
    /// List issuer keys.
    List,
    /// Declare a retired key of this ledger stolen or compromised from a
    /// date: its badges issued from then on are revoked ("issuer key
    /// compromised"), and pages and kiosks refuse every badge of it not
    /// issued before then. Earlier badges stay valid; to refuse all of
    /// them, `tessera trust remove KID`.
    Compromised {
        /// The key id (hex, `tessera key list`).
        kid: String,
        /// The first day it may have been in other hands (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        since: String,
    },
}

/// Public key formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KeyFormat {
    /// COSE_Key (CBOR).
    CoseKey,
    /// JSON Web Key.
    Jwk,
}

impl KeyCommand {
    /// Run it on this desk's keys.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let desk = ctx.desk()?;
        match self {
            KeyCommand::ExportPublic { format, out } => {
                let issuer = desk.issuer()?;
                let key = PublicKey::try_from(issuer.public_key.as_slice())?;
                let bytes = match format {
                    KeyFormat::CoseKey => tessera_desk::keyfile::cose_key(&key)?,
                    KeyFormat::Jwk => {
                        format!("{}\n", tessera_desk::keyfile::jwk(&key)).into_bytes()
                    }
                };
                write_out(out.as_deref(), &bytes)?;
                Ok(0)
            }
            KeyCommand::Rotate { name } => {
                // The active key's passphrase (it must open it, and it seals the
                // new key); a new one, asked twice, when the demo is replaced.
                let demo = desk.issuer()?.demo;
                let mut source = ctx.new_passphrase(demo);
                let p = source().ok_or(KeyError::NeedsPassphrase)?;
                let (old, record) = desk.rotate(&p, name.as_deref())?;
                println!(
                    "new issuer key {} is active; {} is retired and still verifies the badges it signed",
                    hex::encode(&record.kid),
                    hex::encode(&old.kid)
                );
                Ok(0)
            }
            KeyCommand::Compromised { kid, since } => {
                let day = chrono::NaiveDate::parse_from_str(since.trim(), "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc().timestamp())
                .ok_or_else(|| {
                    DeskError::Input(format!(
                        "--since {since:?} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30"
                    ))
                })?;
                // Unlocked first: the lists are republished with the key closed.
                let keys = desk.unlock(&mut ctx.passphrase())?;
                let revoked = desk.declare_compromised(&kid, day)?;
                let path = desk.publish_status_list(&keys, None)?;
                let what = format!(
                    "key {kid} declared compromised from {since}: {} of its badges revoked; any other badge of it dated from {since} on, or missing from its lists, is refused",
                    revoked.len()
                );
                status_changed(&desk, &keys, &what, &path);
                Ok(0)
            }
            KeyCommand::List => {
                for i in desk.issuers()? {
                    println!(
                        "{}  {}{}  created {}{}",
                        hex::encode(&i.kid),
                        i.name,
                        if i.demo { " [DEMO]" } else { "" },
                        date(i.created_at),
                        i.retired_at
                            .map(|r| format!(", retired {}", date(r)))
                            .unwrap_or_else(|| ", active".into())
                    );
                }
                Ok(0)
            }
        }
    }
}
