//! `trust`: other centers' issuers this desk accepts, their status lists,
//! and the trust files other centers and kiosks read.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use tessera_desk::DeskError;
use tessera_desk::check::date;
use tessera_desk::store::files;

use super::output::{print_imported, write_out};
use super::{Ctx, Switch};

/// Trust file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TrustFormat {
    /// JWK Set (JSON), for other centers and JWT tools.
    Jwks,
    /// COSE_KeySet (CBOR array of COSE_Keys), for other centers.
    CoseKeySet,
    /// 32 raw bytes per key: the kiosk firmware's `trust.bin`.
    Kiosk,
}

/// `trust` subcommands.
#[derive(Debug, Subcommand)]
pub enum TrustCommand {
    /// Trust issuer keys: a COSE_Key or JWK from `tessera key
    /// export-public`, a JWK Set / COSE_KeySet from `tessera trust export`,
    /// or an Open Badges issuer's key as a did:key, a Multikey (z6Mk…) or
    /// a verification method URL ending in #z6Mk….
    Add {
        /// The key file, or the did:key / Multikey / verification method itself.
        file: PathBuf,
        /// A name for this issuer.
        #[arg(long)]
        name: String,
    },
    /// Write the keys this desk trusts (its own and other centers') as a
    /// trust file: a JWK Set or COSE_KeySet for other centers, or the
    /// kiosk's raw `trust.bin`.
    Export {
        /// jwks, cose-key-set or kiosk.
        #[arg(long, value_enum)]
        format: TrustFormat,
        /// Write here (atomically); without it, to standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// List trusted issuers.
    List,
    /// Import another center's status lists: its badges are then checked
    /// for revocation here, on this desk's site and at its kiosks. Import
    /// again whenever they publish (lists are valid for 7 days).
    Lists {
        /// Their site's address (https://…, its `status-lists.cbor` is
        /// fetched), their site folder, the `status-list.cbor` their
        /// `tessera status-list` wrote, or their `trust export --format
        /// jwks` file.
        source: String,
    },
    /// Stop trusting an issuer, by key id (hex): another center's, or one
    /// of this desk's own retired keys (lost or stolen).
    Remove {
        /// The key id.
        kid: String,
    },
    /// Accept badges of this desk's retired demo issuer (off by default once
    /// a real issuer key is set up).
    Demo {
        /// on or off.
        #[arg(value_enum)]
        value: Switch,
    },
}

impl TrustCommand {
    /// Run it on this desk's trust list.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let desk = ctx.desk()?;
        match self {
            TrustCommand::Add { file, name } => {
                let text = file.to_string_lossy();
                let bytes = if !file.exists() && tessera_desk::keyfile::is_key_text(&text) {
                    text.as_bytes().to_vec()
                } else {
                    files::read(&file)?
                };
                let added = desk.trust_add(&bytes, &name)?;
                for t in &added.keys {
                    println!("now trusting {} ({})", t.name, hex::encode(&t.kid));
                }
                // A JWK Set from `trust export` carries that center's lists:
                // their revocations came in with their keys.
                if !added.lists.is_empty() {
                    print_imported(&added.lists);
                }
                Ok(0)
            }
            TrustCommand::Export { format, out } => {
                let keys = desk.trusted_keys()?;
                // The JWK Set carries the lists this desk last published, so
                // another center imports keys and revocations in one file.
                let published = if format == TrustFormat::Jwks {
                    desk.published_status_lists()?
                } else {
                    tessera_desk::PublishedLists::default()
                };
                let (lists, stale) = (&published.lists, published.stale);
                let bytes = match format {
                    TrustFormat::Jwks => {
                        tessera_desk::keyfile::jwks_with_lists(&keys, lists, &published.reasons)
                            .into_bytes()
                    }
                    TrustFormat::CoseKeySet => tessera_desk::keyfile::cose_key_set(&keys)?,
                    TrustFormat::Kiosk => tessera_desk::keyfile::kiosk_trust(&keys),
                };
                if format != TrustFormat::Jwks && out.is_none() && std::io::stdout().is_terminal() {
                    return Err(DeskError::Input(
                        "this trust file is binary: give --out FILE".into(),
                    ));
                }
                write_out(out.as_deref(), &bytes)?;
                eprintln!(
                    "{} trusted keys written{}",
                    keys.len(),
                    out.as_ref()
                        .map(|p| format!(" to {}", p.display()))
                        .unwrap_or_default()
                );
                if format == TrustFormat::Jwks {
                    eprintln!(
                        "with {} status lists (their revocations: `tessera trust lists FILE` imports them)",
                        lists.len()
                    );
                    if stale > 0 {
                        eprintln!(
                            "{stale} status lists left out: out of date; run `tessera status-list` and export again"
                        );
                    }
                }
                Ok(0)
            }
            TrustCommand::Lists { source } => {
                let (lists, reasons) = tessera_desk::lists_source::read(&source)?;
                print_imported(&desk.import_status_lists_with(&lists, reasons.as_ref())?);
                Ok(0)
            }
            TrustCommand::List => {
                for t in desk.trusted()? {
                    println!(
                        "{}  {}  added {}",
                        hex::encode(&t.kid),
                        t.name,
                        date(t.added_at)
                    );
                }
                Ok(0)
            }
            TrustCommand::Remove { kid } => {
                let t = desk.trust_remove(&kid)?;
                println!("no longer trusting {} ({})", t.name, hex::encode(&t.kid));
                Ok(0)
            }
            TrustCommand::Demo { value } => {
                let on = value.is_on();
                desk.set_trust_demo(on)?;
                println!(
                    "demo issuer badges are now {}",
                    if on {
                        "accepted (still marked DEMO)"
                    } else {
                        "not accepted"
                    }
                );
                Ok(0)
            }
        }
    }
}
