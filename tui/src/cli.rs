//! The plain command-line interface (for scripts and tests). Every command
//! runs the same [`Desk`] code as the TUI. Errors go to stderr in plain
//! words with the fix; the exit code is 0 on success, 1 for a refusal (an
//! invalid badge, bad input), 2 for an unreadable input.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use tessera_core::{Profile, PublicKey};
use zeroize::Zeroizing;

use crate::desk::{Desk, DeskError, IssueRequest, default_home};
use crate::ledger::{BadgeRecord, BadgeState, Filter};
use crate::verdict::date;

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
    },
    /// Export a ledger badge: the card formats, QR, or Open Badges 3.0
    /// (JSON, VC-JWT, baked PNG). Revoked and private badges are not shared.
    Export {
        /// The badge serial.
        serial: u32,
        /// The format.
        #[arg(long, value_enum)]
        format: crate::desk::ExportFormat,
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
        /// Print the verdict as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a badge and publish a new status list.
    Revoke {
        /// The badge serial.
        serial: u32,
        /// Why (kept in the ledger).
        #[arg(long)]
        reason: String,
    },
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
    /// Evidence URL.
    #[arg(long)]
    pub evidence: Option<String>,
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
    /// Make a new issuer key; the old one is retired but keeps verifying its badges.
    Rotate {
        /// Issuer name for the new key.
        #[arg(long)]
        name: Option<String>,
    },
    /// List issuer keys.
    List,
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
    /// export-public`, or a JWK Set / COSE_KeySet from `tessera trust export`.
    Add {
        /// The key file.
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
    /// Stop trusting an issuer, by key id (hex).
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
        /// Recipient contains.
        #[arg(long)]
        recipient: Option<String>,
        /// Achievement code or name contains.
        #[arg(long)]
        achievement: Option<String>,
        /// Only this state (issued, written, accepted, declined, revoked).
        #[arg(long)]
        state: Option<String>,
        /// Leave out private badges.
        #[arg(long)]
        public_only: bool,
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
}

/// Where the passphrase comes from.
pub fn passphrase_source(
    file: Option<PathBuf>,
    confirm: bool,
) -> impl FnMut() -> Option<Zeroizing<String>> {
    move || {
        if let Some(f) = &file {
            return std::fs::read_to_string(f)
                .ok()
                .map(|s| Zeroizing::new(s.trim_end_matches(['\n', '\r']).to_string()));
        }
        if let Ok(p) = std::env::var("TESSERA_PASSPHRASE") {
            return Some(Zeroizing::new(p));
        }
        if !std::io::stdin().is_terminal() {
            return None;
        }
        let first = Zeroizing::new(rpassword::prompt_password("Issuer key passphrase: ").ok()?);
        if confirm {
            let again = Zeroizing::new(rpassword::prompt_password("Repeat the passphrase: ").ok()?);
            if again != first {
                eprintln!("the passphrases differ");
                return None;
            }
        }
        Some(first)
    }
}

/// Format the claim code (recipient salt) for people: base32 in groups of 4.
pub fn claim_code(salt: &[u8]) -> String {
    let text = data_encoding::BASE32_NOPAD.encode(salt);
    text.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
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
        level: None,
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
        "expires": b.expires_at.map(crate::verdict::expiry_date),
        "private": b.private,
        "claim_code": claim_code(&b.salt),
        "kid": hex::encode(&b.kid),
        "card_image_size": tessera_core::ndef::card_image_len(b.cose.len()),
        "fits": tessera_core::CardType::smallest_for(tessera_core::ndef::card_image_len(b.cose.len())).map(|c| c.name()),
    })
}

/// A CSV row problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// Line in the file (the header is line 1).
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// A checked bulk CSV: the rows ready to issue (line, request) and every
/// problem found.
pub type BulkRows = (Vec<(usize, IssueRequest)>, Vec<RowProblem>);

/// Read a bulk CSV: the requests and every problem, by line.
pub fn read_bulk_csv(desk: &Desk, bytes: &[u8]) -> Result<BulkRows, DeskError> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|e| DeskError::Input(format!("cannot read the CSV header: {e}")))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(rc), Some(ac)) = (col("recipient"), col("achievement")) else {
        let missing: Vec<&str> = ["recipient", "achievement"]
            .into_iter()
            .filter(|c| col(c).is_none())
            .collect();
        return Err(DeskError::Input(format!(
            "the CSV is missing the column(s) {}; the first line must name the columns, e.g. recipient,achievement,title,expires",
            missing.join(", ")
        )));
    };
    let known = [
        "recipient",
        "achievement",
        "title",
        "profile",
        "display_name",
        "expires",
        "evidence",
        "level",
        "private",
    ];
    if let Some(unknown) = headers
        .iter()
        .find(|h| !known.iter().any(|k| k.eq_ignore_ascii_case(h)))
    {
        return Err(DeskError::Input(format!(
            "unknown CSV column {unknown:?}; known columns: {}",
            known.join(", ")
        )));
    }
    let opt = |rec: &csv::StringRecord, name: &str| {
        col(name)
            .and_then(|i| rec.get(i))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let now = crate::desk::now();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                problems.push(RowProblem {
                    line,
                    reason: format!("cannot read the row: {e}"),
                });
                continue;
            }
        };
        let profile = match opt(&rec, "profile").as_deref() {
            None | Some("standard") => Some(Profile::Standard),
            Some("mini") => Some(Profile::Mini),
            Some(other) => {
                problems.push(RowProblem {
                    line,
                    reason: format!("profile {other:?} is not mini or standard"),
                });
                continue;
            }
        };
        let level = match opt(&rec, "level").map(|l| l.parse::<u8>()) {
            Some(Err(_)) => {
                problems.push(RowProblem {
                    line,
                    reason: "level must be a whole number from 0 to 255".into(),
                });
                continue;
            }
            Some(Ok(l)) => Some(l),
            None => None,
        };
        let private = matches!(opt(&rec, "private").as_deref(), Some("yes" | "true" | "1"));
        let req = IssueRequest {
            recipient: rec.get(rc).unwrap_or_default().to_string(),
            achievement: rec.get(ac).unwrap_or_default().to_string(),
            title: opt(&rec, "title"),
            profile,
            display_name: opt(&rec, "display_name"),
            expires: opt(&rec, "expires"),
            evidence: opt(&rec, "evidence"),
            level,
            private,
        };
        let row_problems = req.problems(now);
        if !row_problems.is_empty() {
            for p in row_problems {
                problems.push(RowProblem {
                    line,
                    reason: format!("{}: {}", p.field, p.message),
                });
            }
            continue;
        }
        let key = (
            req.recipient.trim().to_lowercase(),
            req.achievement.trim().to_string(),
        );
        if let Some(first) = seen.insert(key.clone(), line) {
            problems.push(RowProblem {
                line,
                reason: format!("duplicate of line {first} (same recipient and achievement)"),
            });
            continue;
        }
        let existing = desk.ledger().duplicates(&key.0, &key.1)?;
        if !existing.is_empty() {
            problems.push(RowProblem {
                line,
                reason: format!(
                    "{} already holds {} (serial {:?}); remove the row or revoke the old badge",
                    key.0, key.1, existing
                ),
            });
            continue;
        }
        out.push((line, req));
    }
    Ok((out, problems))
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
        let io = |source| DeskError::Io {
            path: input.clone(),
            source,
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
    let mut checked = desk.check_many(&readable).into_iter();
    let verdicts: Vec<crate::verdict::Verdict> = contents
        .iter()
        .map(|c| match c {
            Ok(_) => checked
                .next()
                .unwrap_or_else(|| crate::verdict::Verdict::error("not checked")),
            Err(e) => crate::verdict::Verdict::error(&e.to_string()),
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
            let what = v.badge.as_ref().map_or(String::new(), |b| {
                format!(" serial {} {} ({}),", b.serial, b.achievement_id, b.issuer)
            });
            println!(
                "{f}: {}{}{what} {}",
                v.verdict.headline(),
                if v.demo { " (DEMO)" } else { "" },
                v.reason
            );
        }
        let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
        println!("{} checked: {}", verdicts.len(), summary.join(", "));
    }
    Ok(verdicts.iter().map(|v| v.exit_code()).max().unwrap_or(0))
}

/// The largest file `verify` reads.
const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

fn read_input(input: &str) -> Result<Vec<u8>, DeskError> {
    if input == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(MAX_INPUT_BYTES)
            .read_to_end(&mut buf)
            .map_err(|source| DeskError::Io {
                path: "standard input".into(),
                source,
            })?;
        Ok(buf)
    } else {
        let io = |source| DeskError::Io {
            path: input.to_string(),
            source,
        };
        let size = std::fs::metadata(input).map_err(io)?.len();
        if size > MAX_INPUT_BYTES {
            return Err(DeskError::Input(format!(
                "{input} is {size} bytes; no badge file is that large (baked images are under 100 KB)"
            )));
        }
        std::fs::read(input).map_err(io)
    }
}

fn write_out(path: Option<&Path>, bytes: &[u8]) -> Result<(), DeskError> {
    match path {
        Some(p) => crate::desk::write_atomic(p, bytes),
        None => std::io::stdout()
            .write_all(bytes)
            .map_err(|source| DeskError::Io {
                path: "standard output".into(),
                source,
            }),
    }
}

/// Run a command; returns the process exit code.
pub fn run(cli: Cli, command: Command) -> Result<i32, DeskError> {
    let home = cli.home.clone().unwrap_or_else(default_home);
    let mut pass = passphrase_source(cli.passphrase_file.clone(), false);
    match command {
        Command::Init { demo, name } => {
            let desk = Desk::open(&home)?;
            if let Some(active) = desk.ledger().active_issuer()?
                && !active.demo
            {
                return Err(DeskError::Input(format!(
                    "this desk already has the issuer key {} ({}); use `tessera key rotate` to replace it",
                    hex::encode(&active.kid),
                    active.name
                )));
            }
            let record = if demo {
                desk.init(None, crate::desk::DEMO_NAME)?
            } else {
                let mut new_pass = passphrase_source(cli.passphrase_file.clone(), true);
                let p = new_pass().ok_or(crate::keystore::KeyError::NeedsPassphrase)?;
                desk.init(Some(&p), &name)?
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
            let mut desk = Desk::open_or_demo(&home)?;
            let key = desk.signing_key(&mut pass)?;
            let record = desk.issue(&key, &request(&args))?;
            if let Some(out) = &args.out {
                crate::desk::write_atomic(out, &record.cose)?;
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
        Command::IssueBulk { csv, dry_run } => {
            let mut desk = Desk::open_or_demo(&home)?;
            let bytes = std::fs::read(&csv).map_err(|source| DeskError::Io {
                path: csv.display().to_string(),
                source,
            })?;
            let (rows, problems) = read_bulk_csv(&desk, &bytes)?;
            for p in &problems {
                eprintln!("line {}: {}", p.line, p.reason);
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
            let first = records.first().map_or(0, |r| r.serial);
            let last = records.last().map_or(0, |r| r.serial);
            println!("issued {} badges, serials {first} to {last}", records.len());
            Ok(0)
        }
        Command::Verify { inputs, uid, json } => {
            let desk = Desk::open_or_demo(&home)?;
            let single = match inputs.as_slice() {
                [one] => !Path::new(one).is_dir(),
                _ => false,
            };
            if !single {
                if uid.is_some() {
                    return Err(DeskError::Input(
                        "--uid belongs to one card: give a single input".into(),
                    ));
                }
                return verify_many(&desk, &inputs, json);
            }
            let input = inputs.first().cloned().unwrap_or_default();
            let bytes = read_input(&input)?;
            let uid = uid
                .map(|u| {
                    hex::decode(u.trim())
                        .map_err(|_| DeskError::Input(format!("{u:?} is not a card UID in hex")))
                })
                .transpose()?;
            let v = desk.check(&bytes, uid.as_deref());
            if json {
                println!("{}", serde_json::to_string(&v).unwrap_or_default());
            } else {
                println!(
                    "{}{}",
                    v.verdict.headline(),
                    if v.demo { " (DEMO)" } else { "" }
                );
                println!("{}", v.reason);
                if let Some(b) = &v.badge {
                    println!(
                        "serial {}: {} — {}",
                        b.serial,
                        b.achievement_id,
                        b.achievement_name.as_deref().unwrap_or("")
                    );
                    println!(
                        "issuer: {}; issued {}{}",
                        b.issuer,
                        b.issued,
                        b.expires
                            .as_ref()
                            .map(|e| format!(", expires {e}"))
                            .unwrap_or_default()
                    );
                }
            }
            Ok(v.exit_code())
        }
        Command::Revoke { serial, reason } => {
            let mut desk = Desk::open_or_demo(&home)?;
            let key = desk.signing_key(&mut pass)?;
            let path = desk.revoke(&key, serial, &reason)?;
            println!(
                "badge {serial} revoked; new status list for kiosks: {}",
                path.display()
            );
            Ok(0)
        }
        Command::Export {
            serial,
            format,
            out,
        } => {
            let desk = Desk::open_or_demo(&home)?;
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
        Command::StatusList { out } => {
            let desk = Desk::open_or_demo(&home)?;
            let key = desk.signing_key(&mut pass)?;
            let path = desk.publish_status_list(&key, out.as_deref())?;
            println!("status list written to {}", path.display());
            Ok(0)
        }
        Command::Key(KeyCommand::ExportPublic { format, out }) => {
            let desk = Desk::open_or_demo(&home)?;
            let issuer = desk.issuer()?;
            let key = PublicKey::try_from(issuer.public_key.as_slice())?;
            let bytes = match format {
                KeyFormat::CoseKey => crate::export::cose_key(&key),
                KeyFormat::Jwk => format!("{}\n", crate::export::jwk(&key)).into_bytes(),
            };
            write_out(out.as_deref(), &bytes)?;
            Ok(0)
        }
        Command::Key(KeyCommand::Rotate { name }) => {
            let desk = Desk::open_or_demo(&home)?;
            let old = desk.issuer()?;
            let mut new_pass = passphrase_source(cli.passphrase_file.clone(), true);
            let p = new_pass().ok_or(crate::keystore::KeyError::NeedsPassphrase)?;
            let name = name.unwrap_or_else(|| {
                if old.demo {
                    "Tessera Test Center".into()
                } else {
                    old.name.clone()
                }
            });
            let record = desk.init(Some(&p), &name)?;
            println!(
                "new issuer key {} is active; {} is retired and still verifies the badges it signed",
                hex::encode(&record.kid),
                hex::encode(&old.kid)
            );
            Ok(0)
        }
        Command::Key(KeyCommand::List) => {
            let desk = Desk::open_or_demo(&home)?;
            for i in desk.ledger().issuers()? {
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
            let desk = Desk::open_or_demo(&home)?;
            let bytes = std::fs::read(&file).map_err(|source| DeskError::Io {
                path: file.display().to_string(),
                source,
            })?;
            for t in desk.trust_add(&bytes, &name)? {
                println!("now trusting {} ({})", t.name, hex::encode(&t.kid));
            }
            Ok(0)
        }
        Command::Trust(TrustCommand::Export { format, out }) => {
            let desk = Desk::open_or_demo(&home)?;
            let keys = desk.trusted_keys()?;
            let bytes = match format {
                TrustFormat::Jwks => crate::export::jwks(&keys).into_bytes(),
                TrustFormat::CoseKeySet => crate::export::cose_key_set(&keys),
                TrustFormat::Kiosk => crate::export::kiosk_trust(&keys),
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
            Ok(0)
        }
        Command::Trust(TrustCommand::List) => {
            let desk = Desk::open_or_demo(&home)?;
            for t in desk.ledger().trusted()? {
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
            let desk = Desk::open_or_demo(&home)?;
            let t = desk.trust_remove(&kid)?;
            println!("no longer trusting {} ({})", t.name, hex::encode(&t.kid));
            Ok(0)
        }
        Command::Trust(TrustCommand::Demo { value }) => {
            let desk = Desk::open_or_demo(&home)?;
            let on = on_off(&value)?;
            desk.ledger()
                .set_meta("trust_demo", if on { "yes" } else { "no" })?;
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
            json,
        }) => {
            let desk = Desk::open_or_demo(&home)?;
            let state = state
                .map(|s| {
                    BadgeState::parse(&s).ok_or_else(|| {
                        DeskError::Input(format!(
                            "{s:?} is not a state: issued, written, accepted, declined or revoked"
                        ))
                    })
                })
                .transpose()?;
            let rows = desk.ledger().list(&Filter {
                recipient,
                achievement,
                state,
                public_only,
                ..Filter::default()
            })?;
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
                println!("{} badges", rows.len());
            }
            Ok(0)
        }
        Command::Ledger(LedgerCommand::Audit { json }) => {
            let desk = Desk::open_or_demo(&home)?;
            let report = desk.audit()?;
            if json {
                println!("{}", serde_json::to_string(&report).unwrap_or_default());
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
            }
            Ok(i32::from(!report.problems.is_empty()))
        }
        Command::Ledger(LedgerCommand::Mark { serial, state }) => {
            let desk = Desk::open_or_demo(&home)?;
            let to = match state.as_str() {
                "accepted" => BadgeState::Accepted,
                "declined" => BadgeState::Declined,
                other => {
                    return Err(DeskError::Input(format!(
                        "{other:?}: mark a badge accepted or declined"
                    )));
                }
            };
            desk.ledger().set_state(serial, to, None)?;
            println!("badge {serial} is now {to}");
            Ok(0)
        }
        Command::Ledger(LedgerCommand::Private { serial, value }) => {
            let desk = Desk::open_or_demo(&home)?;
            let on = on_off(&value)?;
            desk.ledger().set_private(serial, on)?;
            println!(
                "badge {serial} is now {}",
                if on { "private" } else { "shareable" }
            );
            Ok(0)
        }
    }
}
