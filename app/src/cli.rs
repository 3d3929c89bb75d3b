//! The plain command-line interface (for scripts and tests). Every command
//! runs the same [`Desk`](tessera_desk::Desk) code as the TUI. Errors go to stderr in plain
//! words with the fix; the exit code is 0 on success, 1 for a refusal (an
//! invalid badge, bad input), 2 for an unreadable input.
//!
//! One module per command group, each with its arguments and a
//! `run(self, &mut Ctx)` (cargo's commands are the model); [`Ctx`] opens
//! the desk and reads the passphrase, at most once.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use tessera_desk::DeskError;

mod card;
mod catalogue;
mod ctx;
mod export;
mod issue;
mod key;
mod ledger;
mod mail;
mod output;
mod status;
mod trust;
mod verify;

pub use card::CardCommand;
pub use catalogue::{CatalogueCommand, ResultArgs, ResultBulkArgs};
pub use ctx::{Ctx, Switch, passphrase_source};
pub use export::{ExportArgs, SiteCommand};
pub use issue::{InitArgs, IssueArgs, IssueBulkArgs, ProfileArg, ShareArgs};
pub use key::{KeyCommand, KeyFormat};
pub use ledger::{Answer, LedgerCommand, StateArg};
pub use mail::{MailCommand, NotifyArgs};
pub use status::{ReinstateArgs, RevokeArgs, StatusListArgs, SuspendArgs};
pub use trust::{TrustCommand, TrustFormat};
pub use verify::VerifyArgs;

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
    Init(InitArgs),
    /// Issue one badge.
    Issue(IssueArgs),
    /// Issue badges from a CSV file (columns: recipient, achievement; optional: title, profile, display_name, expires, evidence, level, private).
    IssueBulk(IssueBulkArgs),
    /// Export a ledger badge: the card formats, QR, or Open Badges 3.0
    /// (JSON, VC-JWT, baked PNG). Revoked and private badges are not shared.
    Export(ExportArgs),
    /// Check a badge: a card dump, a .cbor file, QR text, a baked badge PNG,
    /// a VC-JWT or Open Badges 3.0 JSON, or `-` for stdin.
    Verify(VerifyArgs),
    /// The candidate's share kit: verification link, LinkedIn link, HTML
    /// snippets, claim code; with --out also the baked picture and the
    /// printable claim sheets (PDF, A4 and Letter).
    Share(ShareArgs),
    /// NFC cards on the reader: write a badge, check a card, dump a tag.
    #[command(subcommand)]
    Card(CardCommand),
    /// Revoke a badge and publish new status lists.
    Revoke(RevokeArgs),
    /// Suspend a badge for now (reversible, e.g. during an investigation)
    /// and publish new status lists: verifiers say SUSPENDED with the
    /// reason until `tessera reinstate`.
    Suspend(SuspendArgs),
    /// Lift a badge's suspension and publish new status lists.
    Reinstate(ReinstateArgs),
    /// The verification web site (the badge verifier in WebAssembly, this
    /// desk's trust list and status list), for any static host or file://.
    #[command(subcommand)]
    Site(SiteCommand),
    /// Sign and write the current status list (for kiosks).
    StatusList(StatusListArgs),
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
    Result(ResultArgs),
    /// Record exam passes from a CSV (columns recipient, exam, passed_on;
    /// other columns are ignored) and issue what the rules give, all in one
    /// transaction. Passes recorded before are not counted twice.
    ResultBulk(ResultBulkArgs),
}

/// Run a command; returns the process exit code.
pub fn run(cli: Cli, command: Command) -> Result<i32, DeskError> {
    let ctx = &mut Ctx::new(&cli);
    match command {
        Command::Init(args) => args.run(ctx),
        Command::Issue(args) => args.run(ctx),
        Command::IssueBulk(args) => args.run(ctx),
        Command::Export(args) => args.run(ctx),
        Command::Verify(args) => args.run(ctx),
        Command::Share(args) => args.run(ctx),
        Command::Card(command) => command.run(ctx),
        Command::Revoke(args) => args.run(ctx),
        Command::Suspend(args) => args.run(ctx),
        Command::Reinstate(args) => args.run(ctx),
        Command::Site(command) => command.run(ctx),
        Command::StatusList(args) => args.run(ctx),
        Command::Key(command) => command.run(ctx),
        Command::Trust(command) => command.run(ctx),
        Command::Ledger(command) => command.run(ctx),
        Command::Mail(command) => command.run(ctx),
        Command::Notify(args) => args.run(ctx),
        Command::Catalogue(command) => command.run(ctx),
        Command::Result(args) => args.run(ctx),
        Command::ResultBulk(args) => args.run(ctx),
    }
}
