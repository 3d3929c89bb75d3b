//! `init`, `issue`, `issue-bulk` and `share`: setting up the issuer and
//! giving candidates their badges.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use tessera_core::Profile;
use tessera_desk::store::files;
use tessera_desk::store::keystore::KeyError;
use tessera_desk::{DeskError, IssueRequest, claim_code};

use super::Ctx;
use super::output::badge_json;

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The labelled demo issuer (unencrypted key; its badges say DEMO).
    #[arg(long)]
    demo: bool,
    /// The issuer name printed on standard badges.
    #[arg(long, default_value = "Tessera Test Center")]
    name: String,
}

impl InitArgs {
    /// Make the issuer key (a new passphrase, asked twice at a prompt).
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let desk = ctx.existing_desk()?;
        let record = if self.demo {
            desk.setup(None, &self.name)?
        } else {
            let p = ctx.new_passphrase(true)().ok_or(KeyError::NeedsPassphrase)?;
            desk.setup(Some(&p), &self.name)?
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
            ctx.home().display()
        );
        Ok(0)
    }
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

impl From<ProfileArg> for Profile {
    fn from(p: ProfileArg) -> Self {
        match p {
            ProfileArg::Mini => Profile::Mini,
            ProfileArg::Standard => Profile::Standard,
        }
    }
}

impl IssueArgs {
    /// What the desk is asked to issue.
    fn request(&self) -> IssueRequest {
        IssueRequest {
            recipient: self.recipient.clone(),
            achievement: self.achievement.clone(),
            title: self.title.clone(),
            profile: Some(self.profile.into()),
            display_name: self.display_name.clone(),
            expires: self.expires.clone(),
            evidence: self.evidence.clone(),
            level: self.level,
            private: self.private,
        }
    }

    /// Issue one badge.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let mut desk = ctx.desk()?;
        let key = desk.signing_key(&mut ctx.passphrase())?;
        let record = desk.issue(&key, &self.request())?;
        if let Some(out) = &self.out {
            files::write_atomic(out, &record.cose)?;
        }
        if self.json {
            println!("{}", badge_json(&record));
        } else {
            println!(
                "issued badge {} ({} bytes, {} profile) to {}; claim code {}{}",
                record.serial,
                record.cose.len(),
                record.profile,
                record.recipient,
                claim_code(&record.salt),
                self.out
                    .as_ref()
                    .map(|p| format!("; written to {}", p.display()))
                    .unwrap_or_default()
            );
        }
        Ok(0)
    }
}

/// Arguments of `issue-bulk`.
#[derive(Debug, Args)]
pub struct IssueBulkArgs {
    /// The CSV file.
    #[arg(long)]
    csv: PathBuf,
    /// Check every row and list the problems; issue nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the issued serials as JSON.
    #[arg(long)]
    json: bool,
}

impl IssueBulkArgs {
    /// Check every row first; issue all of them or none.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let mut desk = ctx.desk()?;
        let bytes = files::read(&self.csv)?;
        let (rows, problems) = desk.check_bulk_csv(&bytes)?;
        for p in &problems {
            eprintln!(
                "line {}: {}",
                p.line,
                tessera_formats::text::inert(&p.reason)
            );
        }
        if self.dry_run {
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
        let key = desk.signing_key(&mut ctx.passphrase())?;
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
        if self.json {
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
}

/// Arguments of `share`.
#[derive(Debug, Args)]
pub struct ShareArgs {
    /// The badge serial.
    serial: u32,
    /// Write the kit's files into this folder.
    #[arg(long)]
    out: Option<PathBuf>,
}

impl ShareArgs {
    /// Print the kit, or write its files.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let desk = ctx.desk()?;
        let kit = desk.share_kit(self.serial)?;
        match self.out {
            None => print!("{}", kit.text()),
            Some(dir) => {
                let record = desk.badge(self.serial)?;
                let key = desk.signing_key_for(&record.kid, &mut ctx.passphrase())?;
                let written = desk.write_share_kit(self.serial, &dir, &key)?;
                println!(
                    "share kit of badge {} written to {}: {}",
                    self.serial,
                    written.dir.display(),
                    written.files.join(", ")
                );
            }
        }
        Ok(0)
    }
}
