//! The ledger: every issued badge, issuer keys and trusted issuers.
//!
//! One interface, [`Ledger`], over two backends: SQLite in the desk's data
//! directory (the embedded default, [`sqlite`]) and, for a center with
//! several desks, a shared PostgreSQL database. Both keep the same promises:
//!
//! - A badge is signed first and recorded in the same transaction that takes
//!   its serial; nothing is reported before that transaction commits. So a
//!   crash never loses a reported badge, never records one that was not
//!   signed, and never gives two badges one serial (the serial is the
//!   primary key and rows are never deleted).
//! - A bulk issue is one transaction: all of it or none of it.
//! - Every lookup the desk makes is on an index: a page of the Ledger
//!   screen, its counts and its search cost the same in a ledger of ten
//!   thousand badges as in one of a million.
//! - The schema is versioned; opening a ledger written by an older release
//!   upgrades it in place in one transaction.

mod connect;
pub mod postgres;
mod sql;
pub mod sqlite;

use std::path::Path;

/// Lifecycle of a badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BadgeState {
    /// Signed and recorded.
    Issued,
    /// Written to a card and read back.
    Written,
    /// The candidate accepted it.
    Accepted,
    /// The candidate declined it.
    Declined,
    /// Revoked by the issuer.
    Revoked,
}

impl BadgeState {
    /// Every state, in lifecycle order.
    pub const ALL: [BadgeState; 5] = [
        BadgeState::Issued,
        BadgeState::Written,
        BadgeState::Accepted,
        BadgeState::Declined,
        BadgeState::Revoked,
    ];

    /// The name stored in the ledger and shown to staff.
    pub const fn as_str(self) -> &'static str {
        match self {
            BadgeState::Issued => "issued",
            BadgeState::Written => "written",
            BadgeState::Accepted => "accepted",
            BadgeState::Declined => "declined",
            BadgeState::Revoked => "revoked",
        }
    }

    /// May a badge in this state move to `to`? Issued and written badges
    /// can be (re)written, accepted or declined; nothing else moves here
    /// (revocation has its own operation).
    pub const fn can_become(self, to: BadgeState) -> bool {
        matches!(
            (self, to),
            (
                BadgeState::Issued | BadgeState::Written,
                BadgeState::Written | BadgeState::Accepted | BadgeState::Declined
            )
        )
    }

    /// Parse a stored state.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl std::fmt::Display for BadgeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Ledger failures, in words staff can act on.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The shared ledger's address or its TLS settings cannot be used; the
    /// message says what to write instead.
    #[error("{0}")]
    Config(String),
    /// The file is not a readable ledger.
    #[error(
        "the ledger file {path} is damaged or not a Tessera ledger ({detail}); nothing was changed. Restore it from a backup, or move it away to start a new one"
    )]
    Corrupt {
        /// The file.
        path: String,
        /// What SQLite said.
        detail: String,
    },
    /// The ledger file or its folder cannot be written (permissions, a
    /// read-only disk).
    #[error(
        "the ledger {path} cannot be written ({detail}): check that the data directory is writable by you (or set TESSERA_HOME to one that is); nothing was changed"
    )]
    ReadOnly {
        /// The file.
        path: String,
        /// What SQLite said.
        detail: String,
    },
    /// No badge with that serial.
    #[error(
        "there is no badge with serial {0} in the ledger; check the number (`tessera ledger list`)"
    )]
    UnknownSerial(u32),
    /// The badge is already revoked.
    #[error("badge {0} is already revoked")]
    AlreadyRevoked(u32),
    /// The badge is already suspended.
    #[error("badge {0} is already suspended (`tessera reinstate {0}` lifts it)")]
    AlreadySuspended(u32),
    /// The badge is not suspended.
    #[error("badge {0} is not suspended")]
    NotSuspended(u32),
    /// A state change that the lifecycle does not allow.
    #[error("badge {serial} is {from}; it cannot become {to}")]
    BadTransition {
        /// The badge.
        serial: u32,
        /// Its state.
        from: BadgeState,
        /// The state asked for.
        to: BadgeState,
    },
    /// Every serial is used.
    #[error("this issuer has used every serial number; rotate to a new issuer key")]
    SerialsExhausted,
    /// Writing the ledger failed: the disk (or the file size limit) is full,
    /// or the disk is failing. The transaction was rolled back.
    #[error(
        "the ledger could not be written (the disk may be full or failing): nothing was recorded; free some space or check the disk, then try again"
    )]
    WriteFailed,
    /// A row holds a value Tessera never writes: the file was changed by
    /// another program.
    #[error(
        "the ledger is damaged: {0}; nothing was changed. Restore the ledger from a backup, or ask for help before using it"
    )]
    Damaged(String),
    /// The ledger was written by a newer release of Tessera.
    #[error(
        "the ledger {path} was written by a newer Tessera (schema version {found}; this release knows up to {known}); nothing was changed. Update Tessera on this desk"
    )]
    TooNew {
        /// The ledger.
        path: String,
        /// Its schema version.
        found: i64,
        /// The newest this release knows.
        known: i64,
    },
    /// Any other database failure.
    #[error("ledger error: {0}")]
    Sql(rusqlite::Error),
    /// The PostgreSQL server cannot be reached, or the connection was lost.
    #[error(
        "the shared ledger {location} cannot be reached ({detail}); nothing was recorded. Check the network and that the PostgreSQL server is running, then try again"
    )]
    Unreachable {
        /// Where (no password).
        location: String,
        /// What the connection said.
        detail: String,
    },
    /// The connection was lost during a commit: the server may or may not
    /// have recorded the batch.
    #[error(
        "the connection to the shared ledger {location} was lost while recording ({detail}); the badges may or may not have been recorded. Run the same command again when the server is back: rows already recorded are reported as held and are not issued twice"
    )]
    CommitUnknown {
        /// Where (no password).
        location: String,
        /// What the connection said.
        detail: String,
    },
    /// A badge read back after copying is not the badge copied.
    #[error(
        "badge {serial} did not survive the copy: {what}; nothing was copied and this desk keeps its own ledger. Check the target database (triggers, other writers) and try again"
    )]
    CopyMismatch {
        /// The badge.
        serial: u32,
        /// What is wrong.
        what: String,
    },
    /// A copied badge's serial is already used in the target ledger.
    #[error(
        "serial {0} is already used in the target ledger; a desk's badges can only join a ledger whose serials do not overlap (nothing was copied)"
    )]
    SerialTaken(u32),
    /// A PostgreSQL failure: what the server said.
    #[error("shared ledger error: {0}")]
    Postgres(String),
    /// An operation this backend does not do.
    #[error("not supported: {0}")]
    Unsupported(&'static str),
    /// Signing a badge of a batch failed; the batch was rolled back (the
    /// caller reports the signer's own error).
    #[error("signing failed; nothing was recorded")]
    SignFailed,
}

/// A card written with a badge: its UID, and the card-bound badge written
/// on it (`None`: written as issued, unbound).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardWritten<'a> {
    /// The card's UID.
    pub uid: &'a [u8],
    /// The card-bound badge (COSE_Sign1) on it.
    pub cose: Option<&'a [u8]>,
}

/// One badge as recorded. Its `Debug` leaves out the salt (the claim code).
#[derive(Clone, PartialEq, Eq)]
pub struct BadgeRecord {
    /// Serial (`cti`).
    pub serial: u32,
    /// Key id of the signing key.
    pub kid: Vec<u8>,
    /// Recipient e-mail or candidate id (stays in the ledger, never on the card).
    pub recipient: String,
    /// The recipient salt (the claim code).
    pub salt: Vec<u8>,
    /// The `sub` commitment on the card.
    pub subject: String,
    /// Achievement id.
    pub achievement_id: String,
    /// Achievement name, when the profile carries it.
    pub achievement_name: Option<String>,
    /// `mini` or `standard`.
    pub profile: String,
    /// Display name shown on the card, if the recipient chose it.
    pub display_name: Option<String>,
    /// Issue time (Unix seconds).
    pub issued_at: i64,
    /// Expiry (Unix seconds).
    pub expires_at: Option<i64>,
    /// Lifecycle state.
    pub state: BadgeState,
    /// UID of the card it was written to.
    pub card_uid: Option<Vec<u8>>,
    /// The card-bound badge on that card (this badge's claims with the
    /// card's UID, signed by the same key), when the write bound it.
    pub card_cose: Option<Vec<u8>>,
    /// Revocation time and reason.
    pub revoked_at: Option<i64>,
    /// Why it was revoked.
    pub revocation_reason: Option<String>,
    /// Left out of exports and listings meant for sharing.
    pub private: bool,
    /// The signed badge (COSE_Sign1 bytes).
    pub cose: Vec<u8>,
    /// Evidence URL (signed in the badge).
    pub evidence: Option<String>,
    /// Level (signed in the badge).
    pub level: Option<u8>,
}

impl std::fmt::Debug for BadgeRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BadgeRecord")
            .field("serial", &self.serial)
            .field("kid", &hex::encode(&self.kid))
            .field("recipient", &self.recipient)
            .field("salt", &"[redacted]")
            .field("achievement_id", &self.achievement_id)
            .field("profile", &self.profile)
            .field("state", &self.state)
            .field("private", &self.private)
            .field("cose_len", &self.cose.len())
            .finish_non_exhaustive()
    }
}

/// A badge to record (everything but the serial, which the ledger assigns).
#[derive(Debug, Clone)]
pub struct NewBadge {
    /// Recipient e-mail or id.
    pub recipient: String,
    /// Recipient salt.
    pub salt: Vec<u8>,
    /// The `sub` commitment.
    pub subject: String,
    /// Achievement id.
    pub achievement_id: String,
    /// Achievement name.
    pub achievement_name: Option<String>,
    /// Profile name.
    pub profile: String,
    /// Display name on the card.
    pub display_name: Option<String>,
    /// Issue time.
    pub issued_at: i64,
    /// Expiry.
    pub expires_at: Option<i64>,
    /// Private badge.
    pub private: bool,
    /// Evidence URL.
    pub evidence: Option<String>,
    /// Level.
    pub level: Option<u8>,
    /// Queue the notification e-mail in the outbox with the badge.
    pub notify: bool,
}

/// Where a badge's notification e-mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MailState {
    /// Waiting to be sent (again, after a temporary failure).
    Pending,
    /// The server accepted it.
    Sent,
    /// Refused for good (a bad address, a permanent SMTP refusal).
    Failed,
}

impl MailState {
    /// The word stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            MailState::Pending => "pending",
            MailState::Sent => "sent",
            MailState::Failed => "failed",
        }
    }

    /// Read a stored word.
    pub fn parse(s: &str) -> Option<Self> {
        [MailState::Pending, MailState::Sent, MailState::Failed]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// A suspended badge: why and since when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suspension {
    /// The badge.
    pub serial: u32,
    /// Why, as staff recorded it.
    pub reason: String,
    /// When, Unix seconds.
    pub suspended_at: i64,
}

/// A badge's notification e-mail in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutboxRecord {
    /// The badge.
    pub serial: u32,
    /// Its stable `Message-ID` (a resend on request gets a new one).
    pub message_id: String,
    /// The address it goes to.
    pub recipient: String,
    /// Where it stands.
    pub state: MailState,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// Not before this time (Unix seconds): the retry backoff.
    pub next_attempt_at: i64,
    /// The last failure, as the server or the network gave it.
    pub last_error: Option<String>,
    /// When it was queued.
    pub queued_at: i64,
    /// When the server accepted it.
    pub sent_at: Option<i64>,
}

/// Which outbox rows to read.
#[derive(Debug, Clone, Copy)]
pub enum OutboxQuery<'a> {
    /// Pending and due at this time, oldest first, at most this many.
    Due(i64, u32),
    /// Every pending one with a serial above the first, in serial order,
    /// at most this many.
    Pending(u32, u32),
    /// These badges'.
    Of(&'a [u32]),
    /// Every row (for a ledger copy).
    All,
}

/// Held by the one process sending a ledger's outbox (a file lock next to
/// a SQLite ledger, a PostgreSQL session lock on its own connection): two
/// senders never take the same message. The kernel or the server lets go
/// when the process dies, however it dies.
pub struct SenderLock {
    _held: Box<dyn Send>,
}

impl std::fmt::Debug for SenderLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SenderLock")
    }
}

/// A change to one outbox row.
#[derive(Debug, Clone)]
pub enum OutboxChange {
    /// The server accepted the message with this `Message-ID` at this time.
    Sent(String, i64),
    /// A temporary failure: attempts so far, not before this time, why.
    Retry(u32, i64, String),
    /// A permanent failure, why.
    Failed(String),
    /// Send (again: staff asked) under this `Message-ID` to this address,
    /// from this time; queues a badge that had no message.
    Requeue(String, String, i64),
}

/// The `Message-ID` of a badge's notification (`resend` 0 for the first).
pub fn message_id(kid: &[u8], serial: u32, resend: u32) -> String {
    let kid = hex::encode(kid);
    if resend == 0 {
        format!("<badge.{serial}.{kid}@tessera.invalid>")
    } else {
        format!("<badge.{serial}.{kid}.r{resend}@tessera.invalid>")
    }
}

/// An issuer key as recorded (the secret lives in its key file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerRecord {
    /// Key id.
    pub kid: Vec<u8>,
    /// Public key.
    pub public_key: Vec<u8>,
    /// Issuer name shown on badges.
    pub name: String,
    /// The labelled demo issuer.
    pub demo: bool,
    /// When created.
    pub created_at: i64,
    /// When retired (rotated out); retired keys still verify their badges.
    pub retired_at: Option<i64>,
}

/// A trusted issuer of another center.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedRecord {
    /// Key id.
    pub kid: Vec<u8>,
    /// Public key.
    pub public_key: Vec<u8>,
    /// Name given when it was added.
    pub name: String,
    /// When added.
    pub added_at: i64,
}

/// One catalogue entry as stored: its code and its document (JSON; the
/// desk's catalogue module reads and writes it). The ledger keeps the
/// catalogue so that every desk on a shared ledger applies the same rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueRow {
    /// The achievement code, e.g. `AZ-305`.
    pub code: String,
    /// The entry, as JSON.
    pub entry: String,
}

/// An exam pass, as recorded by `tessera result`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassRecord {
    /// The candidate, trimmed and lowercased (passes match recipients
    /// case-insensitively, as the duplicate check does).
    pub recipient: String,
    /// The exam's code.
    pub exam: String,
    /// The day of the pass, `YYYY-MM-DD`.
    pub passed_on: String,
    /// When it was recorded, Unix seconds.
    pub recorded_at: i64,
}

/// Filters for listing badges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Words of the recipient: every word given starts a word of the
    /// recipient, case- and accent-insensitive (`ana silva`, `silva@ex`).
    pub recipient: Option<String>,
    /// Words of the achievement code or title, as for `recipient`.
    pub achievement: Option<String>,
    /// Only this state.
    pub state: Option<BadgeState>,
    /// Issued at or after (Unix seconds).
    pub from: Option<i64>,
    /// Issued before (Unix seconds).
    pub until: Option<i64>,
    /// Leave out private badges (for listings meant for sharing).
    pub public_only: bool,
    /// Words of the recipient, achievement code or title, as for
    /// `recipient` (the Ledger screen's search box).
    pub any: Option<String>,
    /// Only badges signed by this key id.
    pub kid: Option<Vec<u8>>,
}

/// A window of a listing: `limit` rows from the `offset`-th, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Rows to skip.
    pub offset: u64,
    /// Rows to return at most.
    pub limit: u32,
}

/// The words of a search, as the index stores them: runs of letters and
/// runs of digits, lower-cased, accents taken off. `"RUST-101 ana@x"` gives
/// `rust`, `101`, `ana`, `x`; `"Segurança"` gives `seguranca`;
/// `"candidate42"` gives `candidate`, `42` (so `az305` finds `AZ-305`, and
/// a ledger of a million numbered addresses does not hold a million words
/// for one prefix to expand to). An empty list (only punctuation) filters
/// nothing. Both backends index and search these words, so a search finds
/// the same badges on either.
pub fn search_words(text: &str) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let folded: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase();
    let mut words = Vec::new();
    let mut word = String::new();
    let mut digits = false;
    for c in folded.chars() {
        let boundary = !c.is_alphanumeric() || c.is_numeric() != digits;
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            digits = c.is_numeric();
            word.push(c);
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The words the index keeps for a badge's recipient, and for its
/// achievement code and title, space-separated.
pub fn index_words(recipient: &str, achievement_id: &str, title: Option<&str>) -> (String, String) {
    (
        search_words(recipient).join(" "),
        search_words(&format!("{achievement_id} {}", title.unwrap_or(""))).join(" "),
    )
}

/// Signs the badge about to be recorded under a serial: its COSE bytes.
type Signer<'a> = dyn FnMut(u32, &NewBadge) -> Result<Vec<u8>, LedgerError> + 'a;

/// What a backend does; [`Ledger`] wraps one. Every method is one
/// statement or one transaction.
/// Every column of the badges table Tessera reads and writes, in both
/// backends (their full-text search columns aside). `ledger audit` checks
/// each backend's table against it, and the tests check both backends'
/// schemas and statements against it.
pub const BADGE_COLUMNS: [&str; 20] = [
    "serial",
    "kid",
    "recipient",
    "salt",
    "subject",
    "achievement_id",
    "achievement_name",
    "profile",
    "display_name",
    "issued_at",
    "expires_at",
    "state",
    "card_uid",
    "card_cose",
    "revoked_at",
    "revocation_reason",
    "private",
    "cose",
    "evidence",
    "level",
];

/// What a backend's badges table lacks of [`BADGE_COLUMNS`], in words
/// (`None` when it has them all).
fn missing_badge_columns(have: &[String]) -> Option<String> {
    let missing: Vec<&str> = BADGE_COLUMNS
        .into_iter()
        .filter(|c| !have.iter().any(|h| h == c))
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "the badges table has no column {} (the ledger was changed outside Tessera)",
            missing.join(", ")
        )
    })
}

trait Backend: Send {
    fn integrity_check(&self) -> Result<String, LedgerError>;
    fn add_issuer(&self, issuer: &IssuerRecord) -> Result<(), LedgerError>;
    fn retire(&self, kid: &[u8], now: i64) -> Result<bool, LedgerError>;
    fn issuers(&self) -> Result<Vec<IssuerRecord>, LedgerError>;
    /// Record `badges` and `passes` in one transaction (a pass already
    /// recorded is left as it was).
    fn issue_batch(
        &mut self,
        kid: &[u8],
        badges: &[NewBadge],
        passes: &[PassRecord],
        sign: &mut Signer<'_>,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<Vec<BadgeRecord>, LedgerError>;
    fn catalogue(&self) -> Result<Vec<CatalogueRow>, LedgerError>;
    /// Add or replace entries, all in one transaction.
    fn put_catalogue(&mut self, rows: &[CatalogueRow], now: i64) -> Result<(), LedgerError>;
    /// The passes of these (lowercased) recipients, or of everyone.
    fn passes(&self, recipients: Option<&[&str]>) -> Result<Vec<PassRecord>, LedgerError>;
    fn outbox(&self, query: OutboxQuery<'_>) -> Result<Vec<OutboxRecord>, LedgerError>;
    /// The one sender of this ledger's outbox, or `None` while another
    /// process holds it. Released when dropped or when the process dies.
    fn sender_lock(&self) -> Result<Option<SenderLock>, LedgerError>;
    /// Change one row; false when it is not in a state the change applies
    /// to (a `Sent` needs it pending under that `Message-ID`).
    fn outbox_change(&self, serial: u32, change: &OutboxChange) -> Result<bool, LedgerError>;
    fn next_serial(&self) -> Result<u32, LedgerError>;
    fn badge(&self, serial: u32) -> Result<Option<BadgeRecord>, LedgerError>;
    fn list(&self, filter: &Filter, page: Option<Page>) -> Result<Vec<BadgeRecord>, LedgerError>;
    fn count_matching(&self, filter: &Filter, cap: Option<u64>) -> Result<u64, LedgerError>;
    fn scan(&self, after: u32, limit: u32) -> Result<Vec<BadgeRecord>, LedgerError>;
    fn existing(&self, pairs: &[(&str, &str)]) -> Result<Vec<(usize, u32)>, LedgerError>;
    fn revoke(&self, serial: u32, reason: &str, now: i64) -> Result<bool, LedgerError>;
    fn set_state_from(
        &self,
        serial: u32,
        from: BadgeState,
        to: BadgeState,
        card: Option<CardWritten<'_>>,
    ) -> Result<bool, LedgerError>;
    fn set_private(&self, serial: u32, private: bool) -> Result<bool, LedgerError>;
    fn revoked_serials(&self, kid: &[u8]) -> Result<Vec<u32>, LedgerError>;
    fn max_serial(&self) -> Result<u32, LedgerError>;
    fn serial_range(&self, kid: &[u8]) -> Result<Option<(u32, u32)>, LedgerError>;
    /// Suspend a badge that is not revoked; `false` when it is revoked,
    /// unknown or suspended already.
    fn suspend(&self, serial: u32, reason: &str, at: i64) -> Result<bool, LedgerError>;
    /// Lift a suspension; `false` when there was none.
    fn reinstate(&self, serial: u32) -> Result<bool, LedgerError>;
    /// The suspended badges (of key `kid`, or all) that are not revoked.
    fn suspensions(&self, kid: Option<&[u8]>) -> Result<Vec<Suspension>, LedgerError>;
    /// Badge `serial`'s suspension, if it is suspended and not revoked.
    fn suspension(&self, serial: u32) -> Result<Option<Suspension>, LedgerError>;
    fn trust(&self, record: &TrustedRecord) -> Result<bool, LedgerError>;
    fn untrust(&self, public_key: &[u8]) -> Result<bool, LedgerError>;
    fn trusted(&self) -> Result<Vec<TrustedRecord>, LedgerError>;
    fn meta(&self, key: &str) -> Result<Option<String>, LedgerError>;
    fn set_meta(&self, key: &str, value: &str) -> Result<(), LedgerError>;
    /// Copy another ledger in, badges under their own serials, then hand
    /// every stored badge to `check` in serial order, chunk by chunk, and
    /// an empty chunk at the end, all in one transaction.
    fn import(
        &mut self,
        from: &Copied,
        next: &mut dyn FnMut() -> Result<Vec<BadgeRecord>, LedgerError>,
        check: &mut dyn FnMut(Vec<BadgeRecord>) -> Result<(), LedgerError>,
    ) -> Result<u64, LedgerError> {
        let _ = (from, next, check);
        Err(LedgerError::Unsupported(
            "copying a ledger into a SQLite ledger; migrate into PostgreSQL",
        ))
    }
}

/// Everything but the badges that a ledger copy takes along.
struct Copied {
    issuers: Vec<IssuerRecord>,
    trusted: Vec<TrustedRecord>,
    catalogue: Vec<CatalogueRow>,
    passes: Vec<PassRecord>,
    outbox: Vec<OutboxRecord>,
    suspensions: Vec<Suspension>,
}

/// The ledger database (either backend).
pub struct Ledger {
    backend: Box<dyn Backend>,
    /// Where it is, for messages (a path, or a URL without its password).
    location: String,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("location", &self.location)
            .finish()
    }
}

impl Ledger {
    /// Open (creating if needed) the SQLite ledger at `path`, check it and
    /// bring its schema up to date.
    pub fn open(path: &Path) -> Result<Self, LedgerError> {
        Ok(Self {
            backend: Box::new(sqlite::SqliteLedger::open(path)?),
            location: path.display().to_string(),
        })
    }

    /// Connect to the shared PostgreSQL ledger at `url`
    /// (`postgres://user:password@host:port/database`, or any form the
    /// `postgres` crate reads) and bring its schema up to date.
    pub fn connect(url: &str) -> Result<Self, LedgerError> {
        Ok(Self {
            backend: Box::new(postgres::PgLedger::connect(url)?),
            location: postgres::describe(url),
        })
    }

    /// Is `text` a PostgreSQL URL (rather than a file)?
    pub fn is_url(text: &str) -> bool {
        text.starts_with("postgres://") || text.starts_with("postgresql://")
    }

    /// Where the ledger is: its file, or its database URL without password.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The database's own integrity check: `ok` when it is sound.
    pub fn integrity_check(&self) -> Result<String, LedgerError> {
        self.backend.integrity_check()
    }

    /// Record an issuer key.
    pub fn add_issuer(&self, issuer: &IssuerRecord) -> Result<(), LedgerError> {
        self.backend.add_issuer(issuer)
    }

    /// Retire an issuer key (key rotation); false if it was retired already.
    pub fn retire(&self, kid: &[u8], now: i64) -> Result<bool, LedgerError> {
        self.backend.retire(kid, now)
    }

    /// All issuer keys, newest first.
    pub fn issuers(&self) -> Result<Vec<IssuerRecord>, LedgerError> {
        self.backend.issuers()
    }

    /// The issuer key in use: the newest one not retired.
    pub fn active_issuer(&self) -> Result<Option<IssuerRecord>, LedgerError> {
        Ok(self.issuers()?.into_iter().find(|i| i.retired_at.is_none()))
    }

    /// Record badges signed by `sign`, each under the next serial, all in
    /// one transaction. `sign(serial, &new)` returns the COSE bytes; if it
    /// fails for any badge nothing is recorded and its error is returned.
    /// `progress(done)` returning false cancels (nothing is recorded, and
    /// the result is empty). Returns the records.
    pub fn issue_batch<E: From<LedgerError>>(
        &mut self,
        kid: &[u8],
        badges: &[NewBadge],
        sign: impl FnMut(u32, &NewBadge) -> Result<Vec<u8>, E>,
        progress: impl FnMut(usize) -> bool,
    ) -> Result<Vec<BadgeRecord>, E> {
        self.issue_with_passes(kid, badges, &[], sign, progress)
    }

    /// [`Ledger::issue_batch`] that also records exam passes in the same
    /// transaction: the badges a results file earns and the passes that
    /// earned them are kept together or not at all.
    pub fn issue_with_passes<E: From<LedgerError>>(
        &mut self,
        kid: &[u8],
        badges: &[NewBadge],
        passes: &[PassRecord],
        mut sign: impl FnMut(u32, &NewBadge) -> Result<Vec<u8>, E>,
        mut progress: impl FnMut(usize) -> bool,
    ) -> Result<Vec<BadgeRecord>, E> {
        let mut failed = None;
        let result = self.backend.issue_batch(
            kid,
            badges,
            passes,
            &mut |serial, badge| {
                sign(serial, badge).map_err(|e| {
                    failed = Some(e);
                    LedgerError::SignFailed
                })
            },
            &mut progress,
        );
        match (result, failed) {
            (Err(_), Some(e)) => Err(e),
            (result, _) => result.map_err(E::from),
        }
    }

    /// The program's catalogue, entry by entry, in code order.
    pub fn catalogue(&self) -> Result<Vec<CatalogueRow>, LedgerError> {
        self.backend.catalogue()
    }

    /// Add or replace catalogue entries, all or none.
    pub fn put_catalogue(&mut self, rows: &[CatalogueRow], now: i64) -> Result<(), LedgerError> {
        self.backend.put_catalogue(rows, now)
    }

    /// The recorded exam passes of these recipients (compared trimmed and
    /// case-insensitively), a few thousand recipients a query.
    pub fn passes(&self, recipients: &[&str]) -> Result<Vec<PassRecord>, LedgerError> {
        let keys: Vec<String> = recipients.iter().map(|r| r.trim().to_lowercase()).collect();
        let mut out = Vec::new();
        for chunk in keys.chunks(4096) {
            let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
            out.extend(self.backend.passes(Some(&chunk))?);
        }
        Ok(out)
    }

    /// Outbox rows.
    pub fn outbox(&self, query: OutboxQuery<'_>) -> Result<Vec<OutboxRecord>, LedgerError> {
        match query {
            OutboxQuery::Of(serials) => {
                let mut out = Vec::new();
                for chunk in serials.chunks(4096) {
                    out.extend(self.backend.outbox(OutboxQuery::Of(chunk))?);
                }
                Ok(out)
            }
            q => self.backend.outbox(q),
        }
    }

    /// Become the one sender of this ledger's outbox (`None`: another
    /// process is sending).
    pub fn sender_lock(&self) -> Result<Option<SenderLock>, LedgerError> {
        self.backend.sender_lock()
    }

    /// Change one outbox row (see [`OutboxChange`]); false when the row is
    /// not there or not in a state the change applies to.
    pub fn outbox_change(&self, serial: u32, change: &OutboxChange) -> Result<bool, LedgerError> {
        self.backend.outbox_change(serial, change)
    }

    /// The serial the next issued badge gets (on a shared ledger, another
    /// desk may take it first).
    pub fn next_serial(&self) -> Result<u32, LedgerError> {
        self.backend.next_serial()
    }

    /// One badge.
    pub fn badge(&self, serial: u32) -> Result<BadgeRecord, LedgerError> {
        self.backend
            .badge(serial)?
            .ok_or(LedgerError::UnknownSerial(serial))
    }

    /// Every badge matching `filter`, newest first.
    pub fn list(&self, filter: &Filter) -> Result<Vec<BadgeRecord>, LedgerError> {
        self.backend.list(filter, None)
    }

    /// One page of the badges matching `filter`, newest first.
    pub fn page(&self, filter: &Filter, page: Page) -> Result<Vec<BadgeRecord>, LedgerError> {
        self.backend.list(filter, Some(page))
    }

    /// How many badges match `filter`.
    pub fn count_matching(&self, filter: &Filter) -> Result<u64, LedgerError> {
        self.backend.count_matching(filter, None)
    }

    /// How many badges match `filter`, counting no further than `cap`: a
    /// search that matches most of a large ledger is not worth counting to
    /// the end on every keystroke ("10,000 or more" says enough).
    pub fn count_up_to(&self, filter: &Filter, cap: u64) -> Result<u64, LedgerError> {
        self.backend.count_matching(filter, Some(cap))
    }

    /// Up to `limit` badges with serials above `after`, in serial order:
    /// walks the whole ledger in bounded memory (audit, migration).
    pub fn scan(&self, after: u32, limit: u32) -> Result<Vec<BadgeRecord>, LedgerError> {
        self.backend.scan(after, limit)
    }

    /// Serials of badges already issued to `recipient` for `achievement_id`
    /// and not revoked or declined (duplicates to flag).
    pub fn duplicates(
        &self,
        recipient: &str,
        achievement_id: &str,
    ) -> Result<Vec<u32>, LedgerError> {
        Ok(self
            .existing(&[(recipient, achievement_id)])?
            .into_iter()
            .next()
            .unwrap_or_default())
    }

    /// For each (recipient, achievement id) pair, the serials of badges
    /// already issued for it and not revoked or declined, in serial order:
    /// the duplicate check of a whole CSV as one query. Recipients compare
    /// trimmed and case-insensitively.
    pub fn existing(&self, pairs: &[(&str, &str)]) -> Result<Vec<Vec<u32>>, LedgerError> {
        let mut out = vec![Vec::new(); pairs.len()];
        let trimmed: Vec<(&str, &str)> = pairs.iter().map(|(r, a)| (r.trim(), *a)).collect();
        // Bounded statements: a CSV of any size, a few thousand pairs a query.
        for (chunk_no, chunk) in trimmed.chunks(4096).enumerate() {
            for (i, serial) in self.backend.existing(chunk)? {
                if let Some(v) = out.get_mut(chunk_no * 4096 + i) {
                    v.push(serial);
                }
            }
        }
        for v in &mut out {
            v.sort_unstable();
        }
        Ok(out)
    }

    /// Revoke a badge with a reason.
    pub fn revoke(&self, serial: u32, reason: &str, now: i64) -> Result<(), LedgerError> {
        // One statement decides and changes, so another desk process (a card
        // writer, say) cannot slip in between a read and the update.
        if !self.backend.revoke(serial, reason, now)? {
            // Unknown serial, or revoked already.
            self.badge(serial)?;
            return Err(LedgerError::AlreadyRevoked(serial));
        }
        Ok(())
    }

    /// Move a badge along its lifecycle: issued → written → accepted, or
    /// issued/written → declined. Writing again to a new card is allowed.
    pub fn set_state(
        &self,
        serial: u32,
        to: BadgeState,
        card: Option<CardWritten<'_>>,
    ) -> Result<(), LedgerError> {
        let from = self.badge(serial)?.state;
        if !from.can_become(to) {
            return Err(LedgerError::BadTransition { serial, from, to });
        }
        // Only from the state just read: a revocation that lands in between
        // is never overwritten.
        if !self.backend.set_state_from(serial, from, to, card)? {
            let now = self.badge(serial)?.state;
            return Err(LedgerError::BadTransition {
                serial,
                from: now,
                to,
            });
        }
        Ok(())
    }

    /// Mark a badge private (left out of sharing) or not.
    pub fn set_private(&self, serial: u32, private: bool) -> Result<(), LedgerError> {
        if !self.backend.set_private(serial, private)? {
            return Err(LedgerError::UnknownSerial(serial));
        }
        Ok(())
    }

    /// Revoked serials of the issuer `kid`, and the highest serial issued.
    pub fn revocations(&self, kid: &[u8]) -> Result<(Vec<u32>, u32), LedgerError> {
        Ok((
            self.backend.revoked_serials(kid)?,
            self.backend.max_serial()?,
        ))
    }

    /// The revoked serials of key `kid`, in order.
    pub fn revoked_serials(&self, kid: &[u8]) -> Result<Vec<u32>, LedgerError> {
        self.backend.revoked_serials(kid)
    }

    /// The first and last serial of key `kid` (`None` when it signed no
    /// badge): what its status lists cover.
    pub fn serial_range(&self, kid: &[u8]) -> Result<Option<(u32, u32)>, LedgerError> {
        self.backend.serial_range(kid)
    }

    /// Suspend a badge (reversibly), with the reason.
    pub fn suspend(&self, serial: u32, reason: &str, now: i64) -> Result<(), LedgerError> {
        if self.backend.suspend(serial, reason, now)? {
            return Ok(());
        }
        let b = self.badge(serial)?;
        Err(if b.state == BadgeState::Revoked {
            LedgerError::AlreadyRevoked(serial)
        } else {
            LedgerError::AlreadySuspended(serial)
        })
    }

    /// Lift a badge's suspension.
    pub fn reinstate(&self, serial: u32) -> Result<(), LedgerError> {
        if self.backend.reinstate(serial)? {
            return Ok(());
        }
        self.badge(serial)?;
        Err(LedgerError::NotSuspended(serial))
    }

    /// The suspended badges of key `kid` (all keys with `None`), in serial
    /// order; a revoked badge is revoked, not suspended.
    pub fn suspensions(&self, kid: Option<&[u8]>) -> Result<Vec<Suspension>, LedgerError> {
        self.backend.suspensions(kid)
    }

    /// Badge `serial`'s suspension, if it is suspended (and not revoked).
    pub fn suspension(&self, serial: u32) -> Result<Option<Suspension>, LedgerError> {
        self.backend.suspension(serial)
    }

    /// Count of badges.
    pub fn count(&self) -> Result<u64, LedgerError> {
        self.count_matching(&Filter::default())
    }

    /// Trust another center's issuer key.
    pub fn trust(&self, record: &TrustedRecord) -> Result<bool, LedgerError> {
        self.backend.trust(record)
    }

    /// Stop trusting a key.
    pub fn untrust(&self, public_key: &[u8]) -> Result<bool, LedgerError> {
        self.backend.untrust(public_key)
    }

    /// Trusted issuers of other centers.
    pub fn trusted(&self) -> Result<Vec<TrustedRecord>, LedgerError> {
        self.backend.trusted()
    }

    /// Copy every badge, issuer key and trusted issuer of `from` into this
    /// ledger under their own serials, then read every badge back and hand
    /// each chunk to `check(source rows, stored rows)` (the stored rows of a
    /// serial range and the source rows in it; a shared ledger may hold
    /// other desks' badges too), all in one transaction: if a serial is
    /// taken, a copied badge is missing, or `check` fails, nothing is kept.
    /// Returns how many badges were copied.
    pub fn import_from(
        &mut self,
        from: &Ledger,
        mut check: impl FnMut(&[BadgeRecord], &[BadgeRecord]) -> Result<(), LedgerError>,
    ) -> Result<u64, LedgerError> {
        const CHUNK: u32 = 4096;
        let copied_too = Copied {
            issuers: from.issuers()?,
            trusted: from.trusted()?,
            catalogue: from.catalogue()?,
            passes: from.backend.passes(None)?,
            outbox: from.backend.outbox(OutboxQuery::All)?,
            suspensions: from.backend.suspensions(None)?,
        };
        let copied = std::cell::Cell::new(0u64);
        let mut after = 0;
        let mut next = || {
            let rows = from.scan(after, CHUNK)?;
            if let Some(last) = rows.last() {
                after = last.serial;
            }
            copied.set(copied.get() + rows.len() as u64);
            Ok(rows)
        };
        let mut matched = 0u64;
        let mut compare = |stored: Vec<BadgeRecord>| {
            let (Some(first), Some(last)) = (stored.first(), stored.last()) else {
                // The end of the walk: every copied badge was read back.
                let missing = copied.get().saturating_sub(matched);
                return if missing == 0 {
                    Ok(())
                } else {
                    Err(LedgerError::Damaged(format!(
                        "{missing} copied badges are not in the target ledger"
                    )))
                };
            };
            let mut source = Vec::new();
            let mut at = first.serial.saturating_sub(1);
            while at < last.serial {
                let rows = from.scan(at, CHUNK)?;
                let Some(end) = rows.last() else { break };
                at = end.serial;
                source.extend(rows.into_iter().filter(|r| r.serial <= last.serial));
            }
            matched += source.len() as u64;
            check(&source, &stored)
        };
        self.backend.import(&copied_too, &mut next, &mut compare)
    }

    /// A stored setting.
    pub fn meta(&self, key: &str) -> Result<Option<String>, LedgerError> {
        self.backend.meta(key)
    }

    /// Store a setting.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), LedgerError> {
        self.backend.set_meta(key, value)
    }
}

/// The record of a badge just inserted.
fn inserted(serial: u32, kid: &[u8], b: &NewBadge, cose: Vec<u8>) -> BadgeRecord {
    BadgeRecord {
        serial,
        kid: kid.to_vec(),
        recipient: b.recipient.clone(),
        salt: b.salt.clone(),
        subject: b.subject.clone(),
        achievement_id: b.achievement_id.clone(),
        achievement_name: b.achievement_name.clone(),
        profile: b.profile.clone(),
        display_name: b.display_name.clone(),
        issued_at: b.issued_at,
        expires_at: b.expires_at,
        state: BadgeState::Issued,
        card_uid: None,
        card_cose: None,
        revoked_at: None,
        revocation_reason: None,
        private: b.private,
        cose,
        evidence: b.evidence.clone(),
        level: b.level,
    }
}
