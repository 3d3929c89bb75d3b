//! What can happen in the app ([`Message`]) and the IO `update` asks the
//! runtime for ([`Effect`]).

use crossterm::event::KeyEvent;
use tessera_desk::IssueRequest;
use tessera_desk::check::Report;
use tessera_desk::issue::BulkRows;
use tessera_desk::reader::watch::ReaderEvent;
use tessera_desk::reader::{CardContents, CardError};
use tessera_desk::store::ledger::{BadgeRecord, BadgeState, IssuerRecord, TrustedRecord};
use tessera_desk::store::secret::Secret;

/// A window of the Ledger screen, loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRows {
    /// The rows.
    pub rows: Vec<BadgeRecord>,
    /// Index of the first among all matching badges.
    pub offset: u64,
    /// How many badges match.
    pub total: u64,
    /// The serial the next badge gets.
    pub next_serial: u32,
    /// The rows' notification e-mails: state and failure reason.
    pub mail:
        std::collections::BTreeMap<u32, (tessera_desk::store::ledger::MailState, Option<String>)>,
}

/// Everything that can happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A key was pressed.
    Key(KeyEvent),
    /// Time passed.
    Tick(i64),
    /// A badge was issued: (serial, claim code, bytes, fits).
    Issued(Result<(u32, String, usize, String), String>),
    /// A verdict, with where the badge came from.
    Checked(Box<Report>, String),
    /// The card reader's state while waiting to write.
    CardWaiting(String),
    /// What the watched reader saw (Check screen), from watcher number
    /// `.0` (events of a watcher already stopped are dropped).
    Reader(u64, ReaderEvent),
    /// The verdict on a card the watched reader read.
    CardChecked(Box<Report>, String),
    /// A card was written: (serial, result text).
    Written(Result<String, String>),
    /// Ledger rows, and the next serial.
    LedgerRows(LedgerRows),
    /// Keys and trusted issuers.
    KeysLoaded(Vec<IssuerRecord>, Vec<TrustedRecord>, String, bool),
    /// The program's catalogue and the issuer's language.
    CatalogueLoaded(tessera_desk::catalogue::Catalogue, String),
    /// CSV checked.
    BulkChecked(Result<BulkRows, String>),
    /// Bulk progress.
    BulkProgress(usize, usize),
    /// Bulk finished.
    BulkDone(Result<String, String>),
    /// Revocation done.
    Revoked(Result<String, String>),
    /// What a serial being revoked is.
    RevokeAbout(Option<String>),
    /// The key is needed: ask for the passphrase, then run the effect.
    NeedPassphrase(Box<Effect>),
    /// A QR code to show over the Ledger screen.
    ShowQr(String),
    /// Something to tell the user.
    Info(String),
    /// A run of the e-mail sender ended (what it did).
    MailDone(String),
    /// Something went wrong; what to do is in the text.
    Error(String),
}

/// IO the runtime performs for `update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Issue a badge.
    Issue(IssueRequest),
    /// Read the card on the watched reader again.
    Reread,
    /// Check what the reader read from a card.
    CheckCard(Result<CardContents, CardError>),
    /// Check the badge shown against this identity and claim code.
    CheckHolder(String, String),
    /// Stop waiting for a card to write.
    CancelCard,
    /// Check a file.
    CheckFile(String),
    /// Check QR text.
    CheckQr(String),
    /// Reload the ledger rows with this filter.
    LoadLedger(
        tessera_desk::store::ledger::Filter,
        tessera_desk::store::ledger::Page,
    ),
    /// Write a badge to a card.
    WriteCard(u32),
    /// Export a badge (shown on screen for the terminal QR code).
    Export(u32, tessera_desk::ExportFormat),
    /// Write a badge's share kit to the exports folder.
    Share(u32),
    /// Send the notification e-mails: this badge's (again), or the due ones.
    SendMail(Option<u32>),
    /// Record the candidate's answer.
    Mark(u32, BadgeState),
    /// Set private.
    SetPrivate(u32, bool),
    /// Load and check a CSV.
    LoadBulk(String),
    /// Issue the checked rows.
    RunBulk(Vec<IssueRequest>),
    /// Cancel the bulk job.
    CancelBulk,
    /// Revoke.
    Revoke(u32, String),
    /// Describe a serial.
    LookupSerial(u32),
    /// Trust a key file.
    AddTrust(String, String),
    /// Stop trusting a kid.
    RemoveTrust(String),
    /// New issuer key with this passphrase.
    Rotate(Secret),
    /// Reload keys.
    LoadKeys,
    /// Reload the catalogue.
    LoadCatalogue,
    /// Unlock the issuer key, then run the effect.
    Unlock(Secret, Box<Effect>),
    /// Quit.
    Quit,
}
