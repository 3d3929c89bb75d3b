//! `ledger`: the issued badges (list, audit, the candidate's answer,
//! privacy) and the move to a shared PostgreSQL ledger.

use clap::{Subcommand, ValueEnum};
use tessera_desk::DeskError;
use tessera_desk::check::date;
use tessera_desk::store::ledger::{BadgeState, Filter, Page};

use super::output::{badge_json, print_json};
use super::{Ctx, Switch};

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
        /// Only this state.
        #[arg(long, value_enum)]
        state: Option<StateArg>,
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
        #[arg(value_enum)]
        state: Answer,
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
        #[arg(value_enum)]
        value: Switch,
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

/// A badge's state, as `ledger list --state` names it.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StateArg {
    /// Issued, not yet on a card.
    Issued,
    /// Written to a card.
    Written,
    /// The candidate accepted it.
    Accepted,
    /// The candidate declined it.
    Declined,
    /// Revoked.
    Revoked,
}

impl From<StateArg> for BadgeState {
    fn from(s: StateArg) -> Self {
        match s {
            StateArg::Issued => BadgeState::Issued,
            StateArg::Written => BadgeState::Written,
            StateArg::Accepted => BadgeState::Accepted,
            StateArg::Declined => BadgeState::Declined,
            StateArg::Revoked => BadgeState::Revoked,
        }
    }
}

/// The candidate's answer to a badge.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Answer {
    /// They accepted it.
    Accepted,
    /// They declined it.
    Declined,
}

impl From<Answer> for BadgeState {
    fn from(a: Answer) -> Self {
        match a {
            Answer::Accepted => BadgeState::Accepted,
            Answer::Declined => BadgeState::Declined,
        }
    }
}

impl LedgerCommand {
    /// Run it on the ledger.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        match self {
            LedgerCommand::List {
                recipient,
                achievement,
                state,
                public_only,
                limit,
                json,
            } => {
                let desk = ctx.desk()?;
                let state = state.map(BadgeState::from);
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
            LedgerCommand::Audit { json } => {
                let desk = ctx.desk()?;
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
            LedgerCommand::Migrate { to, json } => {
                let mut desk = ctx.existing_desk()?;
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
            LedgerCommand::Mark { serial, state } => {
                let desk = ctx.desk()?;
                let to = BadgeState::from(state);
                desk.mark(serial, to)?;
                println!("badge {serial} is now {to}");
                Ok(0)
            }
            LedgerCommand::Private { serial, value } => {
                let desk = ctx.desk()?;
                let on = value.is_on();
                desk.set_private(serial, on)?;
                println!(
                    "badge {serial} is now {}",
                    if on { "private" } else { "shareable" }
                );
                Ok(0)
            }
        }
    }
}
