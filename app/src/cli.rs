//! The plain command-line interface (for scripts and tests). Every command
//! runs the same [`Desk`] code as the TUI. Errors go to stderr in plain
//! words with the fix; the exit code is 0 on success, 1 for a refusal (an
//! invalid badge, bad input), 2 for an unreadable input.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use clap::{Args, Parser, Subcommand, ValueEnum};
use tessera_core::{Profile, PublicKey};

use tessera_desk::check::{Holder, Report, date};
use tessera_desk::issue::parse_claim_code;
use tessera_desk::reader::watch::{ReaderEvent, WatchControl, watch};
use tessera_desk::store::files;
use tessera_desk::store::ledger::{BadgeRecord, BadgeState, Filter, Page};
use tessera_desk::store::secret::Secret;
use tessera_desk::{Desk, DeskError, ExportFormat, IssueRequest, claim_code, default_home};

mod catalogue;
mod mail;
pub use catalogue::CatalogueCommand;
pub use mail::{MailCommand, NotifyArgs};

/// Tessera: offline, tamper-proof certification badges on NFC cards.
///
/// With no command, opens the terminal app.
#[derive(Debug, Parser)]
#[command(name = "tessera", version, about, long_about = None)]
pub struct Cli {
    /// Data directory (ledger, keys). Default: $TESSERA_HOME or the XDG data dir.
    #[arg(long, global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Read the issuer key passphrase from this file (else $TESSERA_PASSPHRASE, else a prompt).
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// The ledger: a shared PostgreSQL ledger (postgres://user:password@host/db)
    /// or a SQLite file. Default: the one `ledger migrate` switched this desk
    /// to, else ledger.sqlite in the data directory.
    #[arg(long, global = true, env = "TESSERA_LEDGER", value_name = "URL")]
    pub ledger: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up this desk's issuer key (passphrase-protected), or the demo issuer.
    Init {
        /// The labelled demo issuer (unencrypted key; its badges say DEMO).
        #[arg(long)]
        demo: bool,
        /// The issuer name printed on standard badges.
        #[arg(long, default_value = "Tessera Test Center")]
        name: String,
    },
    /// Issue one badge.
    Issue(IssueArgs),
    /// Issue badges from a CSV file (columns: recipient, achievement; optional: title, profile, display_name, expires, evidence, level, private).
    IssueBulk {
        /// The CSV file.
        #[arg(long)]
        csv: PathBuf,
        /// Check every row and list the problems; issue nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the issued serials as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export a ledger badge: the card formats, QR, or Open Badges 3.0
    /// (JSON, VC-JWT, baked PNG). Revoked and private badges are not shared.
    Export {
        /// The badge serial.
        serial: u32,
        /// The format: cbor, ndef, qr-text, qr-png, qr-svg, qr-terminal,
        /// baked-png, vc-jwt or ob3-json.
        #[arg(long, value_parser = parse_format)]
        format: ExportFormat,
        /// Write here (atomically); without it, text goes to standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check a badge: a card dump, a .cbor file, QR text, a baked badge PNG,
    /// a VC-JWT or Open Badges 3.0 JSON, or `-` for stdin.
    Verify {
        /// The input file, or `-`; several files or folders check many
        /// badges at once (batch signature verification), one line each.
        #[arg(required = true, num_args = 1..)]
        inputs: Vec<String>,
        /// UID of the card it was read from (hex), to check the card binding.
        #[arg(long)]
        uid: Option<String>,
        /// Check that the badge belongs to this e-mail address or candidate
        /// id (with --claim-code, the code the candidate gave you).
        #[arg(long, requires = "claim_code")]
        recipient: Option<String>,
        /// The candidate's claim code (with --recipient).
        #[arg(long, requires = "recipient")]
        claim_code: Option<String>,
        /// Print the verdict as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The candidate's share kit: verification link, LinkedIn link, HTML
    /// snippets, claim code; with --out also the baked picture and the
    /// printable claim sheets (PDF, A4 and Letter).
    Share {
        /// The badge serial.
        serial: u32,
        /// Write the kit's files into this folder.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// NFC cards on the reader: write a badge, check a card, dump a tag.
    #[command(subcommand)]
    Card(CardCommand),
    /// Revoke a badge and publish new status lists.
    Revoke {
        /// The badge serial.
        serial: u32,
        /// Why (kept in the ledger).
        #[arg(long)]
        reason: String,
    },
    /// Suspend a badge for now (reversible, e.g. during an investigation)
    /// and publish new status lists: verifiers say SUSPENDED with the
    /// reason until `tessera reinstate`.
    Suspend {
        /// The badge serial.
        serial: u32,
        /// Why (kept in the ledger and shown to verifiers).
        #[arg(long)]
        reason: String,
    },
    /// Lift a badge's suspension and publish new status lists.
    Reinstate {
        /// The badge serial.
        serial: u32,
    },
    /// The verification web site (the badge verifier in WebAssembly, this
    /// desk's trust list and status list), for any static host or file://.
    #[command(subcommand)]
    Site(SiteCommand),
    /// Sign and write the current status list (for kiosks).
    StatusList {
        /// Where to write it (default: status-list.cbor in the data directory).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Issuer keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Other centers' issuers this desk accepts.
    #[command(subcommand)]
    Trust(TrustCommand),
    /// The ledger of issued badges.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// The notification e-mails' server and sender, and the outbox.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Send the notification e-mails: the pending ones (--pending), or one
    /// badge's again (SERIAL); --watch keeps sending as badges are issued.
    Notify(NotifyArgs),
    /// The program's catalogue of exams and certifications: the codes
    /// badges are issued for and the rules for which one a pass earns.
    #[command(subcommand)]
    Catalogue(CatalogueCommand),
    /// Record one exam pass and issue what the catalogue's rules give: the
    /// certification's badge when the pass completes one, else the exam's.
    Result {
        /// The candidate's e-mail address or candidate id.
        #[arg(long)]
        recipient: String,
        /// The exam's code.
        #[arg(long)]
        exam: String,
        /// The day of the pass, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        passed_on: String,
        /// Show what the pass would give; record nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record exam passes from a CSV (columns recipient, exam, passed_on;
    /// other columns are ignored) and issue what the rules give, all in one
    /// transaction. Passes recorded before are not counted twice.
    ResultBulk {
        /// The results CSV, as the exam delivery system exports it.
        #[arg(long)]
        csv: PathBuf,
        /// Show, per row, which badge each result gives and why; record nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `site` subcommands.
#[derive(Debug, Subcommand)]
pub enum SiteCommand {
    /// Write the whole site to DIR; publishing is copying DIR to a web
    /// host. `tessera revoke` rebuilds it afterwards.
    Build {
        /// The folder to write.
        #[arg(long)]
        out: PathBuf,
        /// Where the site will be published (for share links), e.g.
        /// <https://badges.example.org/> (remembered).
        #[arg(long)]
        url: Option<String>,
        /// A page built elsewhere (`bash web/build.sh` makes web/dist);
        /// without it, the page built into tessera ($TESSERA_WEB_ASSETS
        /// also names one).
        #[arg(long)]
        assets: Option<PathBuf>,
    },
    /// Show or set where the site is published (share links and the
    /// notification e-mails link there), for a site built elsewhere.
    Url {
        /// The address, e.g. <https://badges.example.org/>.
        url: Option<String>,
    },
}

/// `card` subcommands. They use the first PC/SC reader (or the one whose
/// name contains --reader).
#[derive(Debug, Subcommand)]
pub enum CardCommand {
    /// Write a ledger badge to the card on the reader: capacity check, write,
    /// read back every page; the ledger marks it written only after that.
    /// A standard badge is bound to the card's UID (signed again with it, by
    /// the key that signed it: its passphrase is asked), so a copy on
    /// another card reads FORGED.
    Write {
        /// The badge serial.
        serial: u32,
        /// Use the reader whose name contains this.
        #[arg(long)]
        reader: Option<String>,
        /// Write the badge as issued, not bound to this card (a copy of the
        /// card then reads VALID too); no passphrase is asked.
        #[arg(long)]
        unbound: bool,
    },
    /// Check the card on the reader (its UID binding included) and print the
    /// verdict as `tessera verify` does, with the same exit codes.
    Check {
        /// Keep watching: one line per card placed, until interrupted.
        #[arg(long)]
        watch: bool,
        /// Use the reader whose name contains this.
        #[arg(long)]
        reader: Option<String>,
        /// Print the verdict as JSON (one object per line with --watch).
        #[arg(long)]
        json: bool,
    },
    /// Save the whole tag memory from page 0 (as `nfc-mfultralight r` does);
    /// `tessera verify` reads the file.
    Dump {
        /// Where to write it (atomically).
        #[arg(long)]
        out: PathBuf,
        /// Use the reader whose name contains this.
        #[arg(long)]
        reader: Option<String>,
    },
}

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    s.parse()
}

/// Arguments of `issue`.
#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Recipient e-mail address or candidate id (kept in the ledger, never on the card).
    #[arg(long)]
    pub recipient: String,
    /// Achievement code, e.g. RUST-101 (at most 7 characters for mini).
    #[arg(long)]
    pub achievement: String,
    /// Achievement name, e.g. "Rust Fundamentals" (standard profile).
    #[arg(long)]
    pub title: Option<String>,
    /// mini (fits an NTAG213) or standard.
    #[arg(long, value_enum, default_value_t = ProfileArg::Standard)]
    pub profile: ProfileArg,
    /// Put this display name on the card (only if the recipient wants it).
    #[arg(long)]
    pub display_name: Option<String>,
    /// Expiry date, YYYY-MM-DD.
    #[arg(long)]
    pub expires: Option<String>,
    /// Evidence URL (signed in the badge; Open Badges `evidence`).
    #[arg(long)]
    pub evidence: Option<String>,
    /// Level, 0 to 255 (signed in the badge).
    #[arg(long)]
    pub level: Option<u8>,
    /// Keep the badge out of sharing listings and exports.
    #[arg(long)]
    pub private: bool,
    /// Write the badge's COSE bytes to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Profile choice on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProfileArg {
    /// The mini profile.
    Mini,
    /// The standard profile.
    Standard,
}

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
        value: String,
    },
}

/// `ledger` subcommands.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// List badges, newest first.
    List {
        /// Words of the recipient (each word given starts a word of it, any
        /// case or accent: `ana silva`, `silva@ex`).
        #[arg(long)]
        recipient: Option<String>,
        /// Words of the achievement code or title, as for --recipient.
        #[arg(long)]
        achievement: Option<String>,
        /// Only this state (issued, written, accepted, declined, revoked).
        #[arg(long)]
        state: Option<String>,
        /// Leave out private badges.
        #[arg(long)]
        public_only: bool,
        /// Only the newest N.
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record the candidate's answer: accepted or declined.
    Mark {
        /// The badge serial.
        serial: u32,
        /// accepted or declined.
        state: String,
    },
    /// Re-verify every badge in the ledger (batch signature checks) and
    /// compare it with its ledger row; exit code 1 if any fails.
    Audit {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Mark a badge private (on) or shareable (off).
    Private {
        /// The badge serial.
        serial: u32,
        /// on or off.
        value: String,
    },
    /// Move this desk onto a shared PostgreSQL ledger: copy every badge,
    /// key and trusted issuer, check every copy (signature and row) as read
    /// back from the server, and only then switch the desk over. The SQLite
    /// ledger is left as it was, as a backup.
    Migrate {
        /// The shared ledger, postgres://user:password@host:port/database.
        #[arg(long, value_name = "URL")]
        to: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Say what changed and where the new status lists are, and rebuild the
/// site `site build` last wrote. A failed rebuild is reported, not
/// returned: the change stands and only the site is behind.
fn status_changed(desk: &Desk, keys: &tessera_desk::KeyRing, what: &str, lists: &Path) {
    println!("{what}; new status lists for kiosks: {}", lists.display());
    match desk.rebuild_site(keys) {
        Ok(Some(site)) => println!(
            "the verification site in {} was rebuilt: publish it again",
            site.dir.display()
        ),
        Ok(None) => {
            println!("if you publish a verification site, rebuild it: tessera site build --out DIR")
        }
        Err(e) => eprintln!("the verification site could not be rebuilt: {e}"),
    }
}

/// Print a report as one line of JSON.
fn print_json(report: &impl serde::Serialize) -> Result<(), DeskError> {
    let text = serde_json::to_string(report)
        .map_err(|e| DeskError::Input(format!("the report cannot be written as JSON: {e}")))?;
    println!("{text}");
    Ok(())
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

fn request(a: &IssueArgs) -> IssueRequest {
    IssueRequest {
        recipient: a.recipient.clone(),
        achievement: a.achievement.clone(),
        title: a.title.clone(),
        profile: Some(match a.profile {
            ProfileArg::Mini => Profile::Mini,
            ProfileArg::Standard => Profile::Standard,
        }),
        display_name: a.display_name.clone(),
        expires: a.expires.clone(),
        evidence: a.evidence.clone(),
        level: a.level,
        private: a.private,
    }
}

fn badge_json(b: &BadgeRecord) -> serde_json::Value {
    serde_json::json!({
        "serial": b.serial,
        "size": b.cose.len(),
        "profile": b.profile,
        "state": b.state.as_str(),
        "recipient": b.recipient,
        "achievement": b.achievement_id,
        "title": b.achievement_name,
        "issued": date(b.issued_at),
        "expires": b.expires_at.map(tessera_desk::check::expiry_date),
        "private": b.private,
        "evidence": b.evidence,
        "level": b.level,
        "claim_code": claim_code(&b.salt),
        "kid": hex::encode(&b.kid),
        "card_image_size": tessera_core::ndef::card_image_len(b.cose.len()),
        "fits": tessera_core::CardType::smallest_for(tessera_core::ndef::card_image_len(b.cose.len())).map(|c| c.name()),
    })
}

/// `on`/`yes` or `off`/`no`.
fn on_off(value: &str) -> Result<bool, DeskError> {
    match value {
        "on" | "yes" => Ok(true),
        "off" | "no" => Ok(false),
        other => Err(DeskError::Input(format!("{other:?}: say on or off"))),
    }
}

/// The files named, with folders replaced by the files in them (sorted,
/// hidden files left out).
fn expand_inputs(inputs: &[String]) -> Result<Vec<String>, DeskError> {
    let mut files = Vec::new();
    for input in inputs {
        let path = Path::new(input);
        if !path.is_dir() {
            files.push(input.clone());
            continue;
        }
        let io = |source| {
            DeskError::File(files::FileError {
                path: input.clone(),
                source,
            })
        };
        let mut inside: Vec<String> = std::fs::read_dir(path)
            .map_err(io)?
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path().display().to_string())
            .collect();
        inside.sort();
        files.extend(inside);
    }
    Ok(files)
}

/// `verify` with several inputs: one verdict line each and a summary;
/// exit code 0 only when every badge is valid.
fn verify_many(desk: &Desk, inputs: &[String], json: bool) -> Result<i32, DeskError> {
    let files = expand_inputs(inputs)?;
    if files.is_empty() {
        eprintln!("no files to check in {}", inputs.join(", "));
        return Ok(2);
    }
    let contents: Vec<Result<Vec<u8>, DeskError>> = files.iter().map(|f| read_input(f)).collect();
    let readable: Vec<&[u8]> = contents
        .iter()
        .filter_map(|c| c.as_ref().ok().map(Vec::as_slice))
        .collect();
    let mut checked = desk.check_many(&readable)?.into_iter();
    let verdicts: Vec<Report> = contents
        .iter()
        .map(|c| match c {
            // check_many gives one report per readable input.
            Ok(_) => checked
                .next()
                .unwrap_or_else(|| Report::unreadable("internal error: not checked")),
            Err(e) => Report::unreadable(&e.to_string()),
        })
        .collect();
    let mut counts = std::collections::BTreeMap::new();
    for v in &verdicts {
        *counts.entry(v.verdict.headline()).or_insert(0usize) += 1;
    }
    if json {
        let rows: Vec<serde_json::Value> = files
            .iter()
            .zip(&verdicts)
            .map(|(f, v)| serde_json::json!({"file": f, "result": v}))
            .collect();
        println!("{}", serde_json::Value::Array(rows));
    } else {
        for (f, v) in files.iter().zip(&verdicts) {
            println!("{}", verdict_line(f, v));
        }
        let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
        println!("{} checked: {}", verdicts.len(), summary.join(", "));
    }
    Ok(verdicts.iter().map(|v| v.exit_code()).max().unwrap_or(0))
}

fn read_input(input: &str) -> Result<Vec<u8>, DeskError> {
    files::read_input(input)?.map_err(|size| DeskError::Input(too_large(input, size)))
}

/// Why a file that large is not read.
fn too_large(input: &str, size: u64) -> String {
    format!("{input} is {size} bytes; no badge file is that large (baked images are under 100 KB)")
}

/// One verdict on one line, for many files or a watched reader:
/// `WHERE: VERDICT serial N CODE (ISSUER), reason`.
fn verdict_line(source: &str, v: &Report) -> String {
    let what = v
        .badge
        .as_ref()
        .map_or(String::new(), |b| match &b.credential_id {
            Some(id) => format!(" credential {id} {} ({}),", b.achievement_id, b.issuer),
            None => format!(" serial {} {} ({}),", b.serial, b.achievement_id, b.issuer),
        });
    let line = format!(
        "{source}: {}{}{}{what} {}",
        v.verdict.headline(),
        if v.demo { " (DEMO)" } else { "" },
        note(v),
        v.reason
    );
    // The file name, the badge's texts: one inert line.
    tessera_formats::text::inert(&line).into_owned()
}

/// The note said next to a verdict (" · retired certification"), if any.
fn note(v: &Report) -> String {
    v.note
        .as_ref()
        .map(|n| format!(" · {n}"))
        .unwrap_or_default()
}

/// What `trust lists` (or `trust add` of a file with lists) took in.
fn print_imported(imported: &[tessera_desk::ImportedList]) {
    for l in imported {
        println!(
            "status list of key {}: serials {} to {}, {} revoked",
            l.kid,
            l.first,
            u64::from(l.first) + u64::from(l.count).saturating_sub(1),
            l.revoked
        );
    }
    println!(
        "{} status lists imported; rebuild the site and the kiosk file (`tessera site build`, `tessera status-list`) to carry them",
        imported.len()
    );
}

/// Print a verdict the way `verify` and `card check` do. Every text in it
/// may come from the badge or file checked: each line goes out through
/// [`inert`](tessera_formats::text::inert), so no escape sequence, line break or
/// bidirectional control in it can rewrite what the terminal shows.
fn print_report(v: &Report, json: bool) {
    if json {
        match serde_json::to_string(v) {
            Ok(line) => println!("{}", tessera_formats::text::inert_json(&line)),
            Err(e) => eprintln!("error: the verdict cannot be written as JSON: {e}"),
        }
        return;
    }
    let say = |line: String| println!("{}", tessera_formats::text::inert(&line));
    say(format!(
        "{}{}{}",
        v.verdict.headline(),
        if v.demo { " (DEMO)" } else { "" },
        note(v)
    ));
    say(v.reason.clone());
    if let Some(h) = &v.holder {
        if h.belongs {
            say(format!("belongs to {}", h.identity));
        } else {
            say(format!(
                "does not belong to {} (or the claim code is wrong)",
                h.identity
            ));
        }
    }
    if let Some(b) = &v.badge {
        let title = b.achievement_name.as_deref().unwrap_or("");
        say(format!(
            "{}: {}{}",
            b.credential_id.as_ref().map_or_else(
                || format!("serial {}", b.serial),
                |id| format!("credential {id}")
            ),
            b.achievement_id,
            if title.is_empty() {
                String::new()
            } else {
                format!(" — {title}")
            }
        ));
        say(format!(
            "issuer: {}; issued {}{}",
            b.issuer,
            b.issued,
            b.expires
                .as_ref()
                .map(|e| format!(", expires {e}"))
                .unwrap_or_default()
        ));
        if let Some(l) = b.level {
            say(format!("level: {l}"));
        }
        if let Some(e) = &b.evidence {
            say(format!("evidence: {e}"));
        }
    }
}

/// `card ...`: the same desk operations as the app's Ledger and Check
/// screens, on the reader.
fn run_card(
    desk: &Desk,
    command: CardCommand,
    passphrase: &mut dyn FnMut() -> Option<Secret>,
) -> Result<i32, DeskError> {
    let never = AtomicBool::new(false);
    let waiting = |name: &str| eprintln!("Put the card on {name}…");
    match command {
        CardCommand::Write {
            serial,
            reader,
            unbound,
        } => {
            // Refuse a badge that cannot be written, and unlock the key that
            // binds it, before asking for a card.
            desk.writable_card_image(serial)?;
            let key = if unbound {
                None
            } else {
                Some(desk.card_key(serial, passphrase)?)
            };
            let mut tag = tessera_desk::card::wait_for_card(reader.as_deref(), &never, &mut |n| {
                eprintln!("Put a blank card on {n} to write badge {serial}…")
            })?;
            let interactive = std::io::stderr().is_terminal();
            let written = desk.write_card(serial, &mut tag, key.as_ref(), &mut |done, total| {
                if interactive {
                    eprint!("\rwriting {done}/{total} pages");
                }
            })?;
            let report = &written.report;
            if interactive {
                eprintln!();
            }
            println!(
                "badge {serial} written to the {} with UID {} and verified ({} pages, {} ms); {}",
                report.card_type,
                hex::encode_upper(&report.uid),
                report.pages,
                report.elapsed.as_millis(),
                written.binding.describe()
            );
            Ok(0)
        }
        CardCommand::Check {
            watch: false,
            reader,
            json,
        } => {
            let mut tag =
                tessera_desk::card::wait_for_card(reader.as_deref(), &never, &mut |n| waiting(n))?;
            let (v, source) = desk.read_and_check(&mut tag)?;
            if !json {
                println!("{source}");
            }
            print_report(&v, json);
            Ok(v.exit_code())
        }
        CardCommand::Check {
            watch: true,
            reader,
            json,
        } => {
            let control = WatchControl::default();
            let mut failed: Option<DeskError> = None;
            watch(reader.as_deref(), &control, &mut |event| match event {
                ReaderEvent::Ready(name) => {
                    eprintln!("watching {name}: put a card on it (Ctrl-C stops)")
                }
                ReaderEvent::Unavailable(e) => {
                    eprintln!("{e} (waiting for the reader to come back)")
                }
                ReaderEvent::Removed => eprintln!("card taken off"),
                ReaderEvent::Card(read) => match desk.check_read(read) {
                    Ok((v, _)) if json => print_report(&v, true),
                    Ok((v, source)) => {
                        println!("{}", verdict_line(&source, &v));
                        let _ = std::io::stdout().flush();
                    }
                    // The card left mid-read, say: the next card will do.
                    Err(DeskError::Card(e)) => eprintln!("the card could not be read: {e}"),
                    Err(e) => {
                        failed = Some(e);
                        control
                            .stop
                            .store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                },
            });
            match failed {
                Some(e) => Err(e),
                None => Ok(0),
            }
        }
        CardCommand::Dump { out, reader } => {
            let mut tag =
                tessera_desk::card::wait_for_card(reader.as_deref(), &never, &mut |n| waiting(n))?;
            let (uid, card_type, memory) = tessera_desk::card::dump_tag(&mut tag)?;
            files::write_atomic(&out, &memory)?;
            println!(
                "{card_type} with UID {}: {} bytes ({} pages from page 0) written to {}",
                hex::encode_upper(&uid),
                memory.len(),
                memory.len() / tessera_core::ndef::PAGE_LEN,
                out.display()
            );
            Ok(0)
        }
    }
}

fn write_out(path: Option<&Path>, bytes: &[u8]) -> Result<(), DeskError> {
    match path {
        Some(p) => Ok(files::write_atomic(p, bytes)?),
        None => std::io::stdout().write_all(bytes).map_err(|source| {
            DeskError::File(files::FileError {
                path: "standard output".into(),
                source,
            })
        }),
    }
}

/// Run a command; returns the process exit code.
pub fn run(cli: Cli, command: Command) -> Result<i32, DeskError> {
    let home = cli.home.clone().unwrap_or_else(default_home);
    let ledger = cli.ledger.as_deref();
    let mut pass = passphrase_source(cli.passphrase_file.clone(), false);
    match command {
        Command::Init { demo, name } => {
            let desk = Desk::open_at(&home, ledger)?;
            let record = if demo {
                desk.setup(None, &name)?
            } else {
                let mut new_pass = passphrase_source(cli.passphrase_file.clone(), true);
                let p =
                    new_pass().ok_or(tessera_desk::store::keystore::KeyError::NeedsPassphrase)?;
                desk.setup(Some(&p), &name)?
            };
            println!(
                "issuer key {} ready: {}{}\ndata directory: {}",
                hex::encode(&record.kid),
                record.name,
                if record.demo {
                    " (DEMO: badges say DEMO and real installations do not trust it)"
                } else {
                    ""
                },
                home.display()
            );
            Ok(0)
        }
        Command::Issue(args) => {
            let mut desk = Desk::open_or_demo_at(&home, ledger)?;
            let key = desk.signing_key(&mut pass)?;
            let record = desk.issue(&key, &request(&args))?;
            if let Some(out) = &args.out {
                files::write_atomic(out, &record.cose)?;
            }
            if args.json {
                println!("{}", badge_json(&record));
            } else {
                println!(
                    "issued badge {} ({} bytes, {} profile) to {}; claim code {}{}",
                    record.serial,
                    record.cose.len(),
                    record.profile,
                    record.recipient,
                    claim_code(&record.salt),
                    args.out
                        .as_ref()
                        .map(|p| format!("; written to {}", p.display()))
                        .unwrap_or_default()
                );
            }
            Ok(0)
        }
        Command::Mail(m) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            mail::run_mail(&desk, m, &mut pass)
        }
        Command::Notify(args) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            mail::run_notify(&desk, args, &mut pass)
        }
        Command::Catalogue(c) => {
            let mut desk = Desk::open_or_demo_at(&home, ledger)?;
            catalogue::run_catalogue(&mut desk, c)
        }
        Command::Result {
            recipient,
            exam,
            passed_on,
            dry_run,
            json,
        } => {
            let mut desk = Desk::open_or_demo_at(&home, ledger)?;
            // Line 1 marks the single result (a CSV's rows start at 2).
            let result = tessera_desk::results::ExamResult {
                line: 1,
                recipient,
                exam,
                passed_on,
            };
            catalogue::run_results(&mut desk, &[result], Vec::new(), dry_run, json, &mut pass)
        }
        Command::ResultBulk { csv, dry_run, json } => {
            let mut desk = Desk::open_or_demo_at(&home, ledger)?;
            let (results, problems) = catalogue::results_file(&csv)?;
            catalogue::run_results(&mut desk, &results, problems, dry_run, json, &mut pass)
        }
        Command::IssueBulk { csv, dry_run, json } => {
            let mut desk = Desk::open_or_demo_at(&home, ledger)?;
            let bytes = files::read(&csv)?;
            let (rows, problems) = desk.check_bulk_csv(&bytes)?;
            for p in &problems {
                eprintln!(
                    "line {}: {}",
                    p.line,
                    tessera_formats::text::inert(&p.reason)
                );
            }
            if dry_run {
                println!(
                    "{} rows ready to issue, {} rows with problems",
                    rows.len(),
                    problems.len()
                );
                return Ok(if problems.is_empty() { 0 } else { 1 });
            }
            if !problems.is_empty() {
                eprintln!(
                    "nothing was issued: fix the {} rows above (or check with --dry-run) and run again",
                    problems.len()
                );
                return Ok(1);
            }
            let key = desk.signing_key(&mut pass)?;
            let reqs: Vec<IssueRequest> = rows.into_iter().map(|(_, r)| r).collect();
            let total = reqs.len();
            let interactive = std::io::stderr().is_terminal();
            let records = desk.issue_many(&key, &reqs, &mut |done| {
                if interactive && (done % 100 == 0 || done == total) {
                    eprint!("\rissuing {done}/{total}");
                }
                true
            })?;
            if interactive {
                eprintln!();
            }
            if json {
                let serials: Vec<u32> = records.iter().map(|r| r.serial).collect();
                println!(
                    "{}",
                    serde_json::json!({ "issued": records.len(), "serials": serials })
                );
                return Ok(0);
            }
            match (records.first(), records.last()) {
                (Some(first), Some(last)) => println!(
                    "issued {} badges, serials {} to {}{}",
                    records.len(),
                    first.serial,
                    last.serial,
                    // On a shared ledger other desks may issue in between.
                    if (last.serial - first.serial) as usize + 1 == records.len() {
                        ""
                    } else {
                        " (with other desks' badges in between)"
                    }
                ),
                _ => println!("the CSV has no rows: nothing was issued"),
            }
            Ok(0)
        }
        Command::Verify {
            inputs,
            uid,
            recipient,
            claim_code,
            json,
        } => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            let holder = match (recipient, claim_code) {
                (Some(identity), Some(code)) => Some(Holder {
                    salt: parse_claim_code(&code)?,
                    identity,
                }),
                _ => None,
            };
            let single = match inputs.as_slice() {
                [one] if !Path::new(one).is_dir() => Some(one.clone()),
                _ => None,
            };
            let Some(input) = single else {
                if uid.is_some() {
                    return Err(DeskError::Input(
                        "--uid belongs to one card: give a single input".into(),
                    ));
                }
                if holder.is_some() {
                    return Err(DeskError::Input(
                        "--recipient and --claim-code belong to one badge: give a single input"
                            .into(),
                    ));
                }
                return verify_many(&desk, &inputs, json);
            };
            // A file too large to be a badge is a verdict, as among many.
            let bytes = match files::read_input(&input)? {
                Ok(bytes) => bytes,
                Err(size) => {
                    let v = Report::unreadable(&too_large(&input, size));
                    print_report(&v, json);
                    return Ok(v.exit_code());
                }
            };
            let uid = uid
                .map(|u| {
                    hex::decode(u.trim())
                        .map_err(|_| DeskError::Input(format!("{u:?} is not a card UID in hex")))
                })
                .transpose()?;
            let v = desk.check(&bytes, uid.as_deref(), holder.as_ref())?;
            print_report(&v, json);
            Ok(v.exit_code())
        }
        Command::Share { serial, out } => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            let kit = desk.share_kit(serial)?;
            match out {
                None => print!("{}", kit.text()),
                Some(dir) => {
                    let record = desk.badge(serial)?;
                    let key = desk.signing_key_for(&record.kid, &mut pass)?;
                    let written = desk.write_share_kit(serial, &dir, &key)?;
                    println!(
                        "share kit of badge {serial} written to {}: {}",
                        written.dir.display(),
                        written.files.join(", ")
                    );
                }
            }
            Ok(0)
        }
        Command::Card(command) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            run_card(&desk, command, &mut pass)
        }
        Command::Revoke { serial, reason } => {
            let mut desk = Desk::open_or_demo_at(&home, ledger)?;
            let keys = desk.unlock(&mut pass)?;
            let path = desk.revoke(&keys, serial, &reason)?;
            status_changed(&desk, &keys, &format!("badge {serial} revoked"), &path);
            Ok(0)
        }
        Command::Suspend { serial, reason } => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            let keys = desk.unlock(&mut pass)?;
            let path = desk.suspend(&keys, serial, &reason)?;
            status_changed(&desk, &keys, &format!("badge {serial} suspended"), &path);
            Ok(0)
        }
        Command::Reinstate { serial } => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            let keys = desk.unlock(&mut pass)?;
            let path = desk.reinstate(&keys, serial)?;
            status_changed(&desk, &keys, &format!("badge {serial} reinstated"), &path);
            Ok(0)
        }
        Command::Export {
            serial,
            format,
            out,
        } => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            if format.is_binary() && out.is_none() && std::io::stdout().is_terminal() {
                return Err(DeskError::Input(format!(
                    "a {} is binary: give --out FILE (for example --out badge-{serial}.{})",
                    format.label(),
                    format.extension()
                )));
            }
            // Refuse revoked or private badges before asking for a passphrase.
            let record = desk.exportable(serial, format)?;
            let key = if format.needs_key() {
                Some(desk.signing_key_for(&record.kid, &mut pass)?)
            } else {
                None
            };
            let bytes = desk.export(serial, format, key.as_ref())?;
            write_out(out.as_deref(), &bytes)?;
            if let Some(path) = &out {
                eprintln!(
                    "badge {serial} exported as {} ({} bytes) to {}",
                    format.label(),
                    bytes.len(),
                    path.display()
                );
            }
            Ok(0)
        }
        Command::Site(SiteCommand::Build { out, url, assets }) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            let keys = desk.unlock(&mut pass)?;
            let assets = tessera_desk::site::PageAssets::chosen(assets);
            let site = desk.build_site(&keys, &out, &assets, url.as_deref())?;
            println!(
                "verification site written to {} ({} trusted issuer keys, {} revoked badges listed); open {}/index.html or publish the folder{}",
                site.dir.display(),
                site.issuers,
                site.revoked,
                site.dir.display(),
                site.url.map(|u| format!(" at {u}")).unwrap_or_default()
            );
            Ok(0)
        }
        Command::Site(SiteCommand::Url { url }) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            if let Some(u) = url {
                desk.set_site_url(&u)?;
            }
            match desk.site_url()? {
                Some(u) => println!("the verification site is at {u}"),
                None => println!(
                    "no site address yet: `tessera site url https://…` or `tessera site build --url https://…`"
                ),
            }
            Ok(0)
        }
        Command::StatusList { out } => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            let keys = desk.unlock(&mut pass)?;
            let path = desk.publish_status_list(&keys, out.as_deref())?;
            println!("status lists written to {}", path.display());
            Ok(0)
        }
        Command::Key(KeyCommand::ExportPublic { format, out }) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            let issuer = desk.issuer()?;
            let key = PublicKey::try_from(issuer.public_key.as_slice())?;
            let bytes = match format {
                KeyFormat::CoseKey => tessera_desk::keyfile::cose_key(&key)?,
                KeyFormat::Jwk => format!("{}\n", tessera_desk::keyfile::jwk(&key)).into_bytes(),
            };
            write_out(out.as_deref(), &bytes)?;
            Ok(0)
        }
        Command::Key(KeyCommand::Rotate { name }) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            // The active key's passphrase (it must open it, and it seals the
            // new key); a new one, asked twice, when the demo is replaced.
            let demo = desk.issuer()?.demo;
            let mut source = passphrase_source(cli.passphrase_file.clone(), demo);
            let p = source().ok_or(tessera_desk::store::keystore::KeyError::NeedsPassphrase)?;
            let (old, record) = desk.rotate(&p, name.as_deref())?;
            println!(
                "new issuer key {} is active; {} is retired and still verifies the badges it signed",
                hex::encode(&record.kid),
                hex::encode(&old.kid)
            );
            Ok(0)
        }
        Command::Key(KeyCommand::Compromised { kid, since }) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
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
            let keys = desk.unlock(&mut pass)?;
            let revoked = desk.declare_compromised(&kid, day)?;
            let path = desk.publish_status_list(&keys, None)?;
            let what = format!(
                "key {kid} declared compromised from {since}: {} of its badges revoked; any other badge of it dated from {since} on, or missing from its lists, is refused",
                revoked.len()
            );
            status_changed(&desk, &keys, &what, &path);
            Ok(0)
        }
        Command::Key(KeyCommand::List) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
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
        Command::Trust(TrustCommand::Add { file, name }) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
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
        Command::Trust(TrustCommand::Export { format, out }) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
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
        Command::Trust(TrustCommand::Lists { source }) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            let (lists, reasons) = tessera_desk::lists_source::read(&source)?;
            print_imported(&desk.import_status_lists_with(&lists, reasons.as_ref())?);
            Ok(0)
        }
        Command::Trust(TrustCommand::List) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
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
        Command::Trust(TrustCommand::Remove { kid }) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            let t = desk.trust_remove(&kid)?;
            println!("no longer trusting {} ({})", t.name, hex::encode(&t.kid));
            Ok(0)
        }
        Command::Trust(TrustCommand::Demo { value }) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            let on = on_off(&value)?;
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
        Command::Ledger(LedgerCommand::List {
            recipient,
            achievement,
            state,
            public_only,
            limit,
            json,
        }) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            let state = state
                .map(|s| {
                    BadgeState::parse(&s).ok_or_else(|| {
                        DeskError::Input(format!(
                            "{s:?} is not a state: issued, written, accepted, declined or revoked"
                        ))
                    })
                })
                .transpose()?;
            let filter = Filter {
                recipient,
                achievement,
                state,
                public_only,
                ..Filter::default()
            };
            let rows = match limit {
                Some(limit) => desk.badge_page(&filter, Page { offset: 0, limit })?,
                None => desk.badges(&filter)?,
            };
            if json {
                let v: Vec<_> = rows.iter().map(badge_json).collect();
                println!("{}", serde_json::Value::Array(v));
            } else {
                println!(
                    "{:>7}  {:<9} {:<10} {:<32} {:<10} profile",
                    "serial", "state", "issued", "recipient", "achievement"
                );
                for b in &rows {
                    println!(
                        "{:>7}  {:<9} {:<10} {:<32} {:<10} {}{}",
                        b.serial,
                        b.state.as_str(),
                        date(b.issued_at),
                        b.recipient,
                        b.achievement_id,
                        b.profile,
                        if b.private { " (private)" } else { "" }
                    );
                }
                match limit {
                    Some(_) => println!(
                        "{} badges (the newest of {})",
                        rows.len(),
                        desk.badge_count(&filter, None)?
                    ),
                    None => println!("{} badges", rows.len()),
                }
            }
            Ok(0)
        }
        Command::Ledger(LedgerCommand::Audit { json }) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            let report = desk.audit()?;
            if json {
                print_json(&report)?;
            } else {
                println!(
                    "{} badges checked: {} genuine ({} expired, {} revoked), {} failed",
                    report.checked,
                    report.genuine,
                    report.expired,
                    report.revoked,
                    report.problems.len()
                );
                for (serial, problem) in &report.problems {
                    println!("  serial {serial}: FAILED: {problem}");
                }
                if report.database != "ok" {
                    println!(
                        "the ledger database itself is damaged: {}; restore it from a backup",
                        report.database
                    );
                }
            }
            Ok(i32::from(
                !report.problems.is_empty() || report.database != "ok",
            ))
        }
        Command::Ledger(LedgerCommand::Migrate { to, json }) => {
            let mut desk = Desk::open_at(&home, ledger)?;
            let from = desk.ledger_location().to_string();
            let report = desk.migrate_to(&to)?;
            if json {
                print_json(&report)?;
            } else {
                println!(
                    "copied {} badges to {} and checked every copy (signature and row, read back from the server)",
                    report.copied, report.location
                );
                println!(
                    "this desk now uses {}; {from} is left as it was, as a backup",
                    report.location
                );
            }
            Ok(0)
        }
        Command::Ledger(LedgerCommand::Mark { serial, state }) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            let to = match state.as_str() {
                "accepted" => BadgeState::Accepted,
                "declined" => BadgeState::Declined,
                other => {
                    return Err(DeskError::Input(format!(
                        "{other:?}: mark a badge accepted or declined"
                    )));
                }
            };
            desk.mark(serial, to)?;
            println!("badge {serial} is now {to}");
            Ok(0)
        }
        Command::Ledger(LedgerCommand::Private { serial, value }) => {
            let desk = Desk::open_or_demo_at(&home, ledger)?;
            let on = on_off(&value)?;
            desk.set_private(serial, on)?;
            println!(
                "badge {serial} is now {}",
                if on { "private" } else { "shareable" }
            );
            Ok(0)
        }
    }
}
