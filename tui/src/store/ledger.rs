//! The local ledger: every issued badge, issuer keys and trusted issuers, in
//! SQLite (WAL, `synchronous = FULL`).
//!
//! A badge is signed first and recorded in the same transaction that takes
//! its serial; nothing is reported before that transaction commits. So a
//! crash never loses a reported badge, never records one that was not
//! signed, and never gives two badges one serial (the serial is the primary
//! key and rows are never deleted).

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

impl From<rusqlite::Error> for LedgerError {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e {
            return LedgerError::Damaged(inner.to_string());
        }
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull | rusqlite::ErrorCode::SystemIoFailure) => {
                LedgerError::WriteFailed
            }
            _ => LedgerError::Sql(e),
        }
    }
}

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
    /// Any other database failure.
    #[error("ledger error: {0}")]
    Sql(rusqlite::Error),
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

/// Filters for listing badges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Substring of the recipient (case-insensitive).
    pub recipient: Option<String>,
    /// Substring of the achievement id or name (case-insensitive).
    pub achievement: Option<String>,
    /// Only this state.
    pub state: Option<BadgeState>,
    /// Issued at or after (Unix seconds).
    pub from: Option<i64>,
    /// Issued before (Unix seconds).
    pub until: Option<i64>,
    /// Leave out private badges (for listings meant for sharing).
    pub public_only: bool,
    /// Substring of the recipient, achievement id or achievement name.
    pub any: Option<String>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS issuers (
    kid BLOB PRIMARY KEY,
    public_key BLOB NOT NULL UNIQUE,
    name TEXT NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    retired_at INTEGER
);
CREATE TABLE IF NOT EXISTS badges (
    serial INTEGER PRIMARY KEY CHECK (serial BETWEEN 1 AND 4294967295),
    kid BLOB NOT NULL REFERENCES issuers(kid),
    recipient TEXT NOT NULL,
    salt BLOB NOT NULL,
    subject TEXT NOT NULL,
    achievement_id TEXT NOT NULL,
    achievement_name TEXT,
    profile TEXT NOT NULL CHECK (profile IN ('mini', 'standard')),
    display_name TEXT,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER,
    state TEXT NOT NULL CHECK (state IN ('issued', 'written', 'accepted', 'declined', 'revoked')),
    card_uid BLOB,
    revoked_at INTEGER,
    revocation_reason TEXT,
    private INTEGER NOT NULL DEFAULT 0,
    cose BLOB NOT NULL,
    evidence TEXT,
    level INTEGER CHECK (level BETWEEN 0 AND 255)
);
CREATE INDEX IF NOT EXISTS badges_recipient ON badges(recipient);
CREATE INDEX IF NOT EXISTS badges_dup ON badges(recipient, achievement_id);
CREATE TABLE IF NOT EXISTS trusted (
    public_key BLOB PRIMARY KEY,
    kid BLOB NOT NULL,
    name TEXT NOT NULL,
    added_at INTEGER NOT NULL
);
";

/// The ledger database.
pub struct Ledger {
    conn: Connection,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ledger")
    }
}

/// Columns added after the first release, added to older ledgers on open.
/// Added columns are nullable, so existing rows stay as they were.
const ADDED_COLUMNS: [(&str, &str); 2] = [
    ("evidence", "TEXT"),
    ("level", "INTEGER CHECK (level BETWEEN 0 AND 255)"),
];

fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('badges')")?;
    let have: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for (name, decl) in ADDED_COLUMNS {
        if !have.iter().any(|h| h == name) {
            conn.execute_batch(&format!("ALTER TABLE badges ADD COLUMN {name} {decl}"))?;
        }
    }
    Ok(())
}

/// A stored value the ledger never writes (a state outside the lifecycle):
/// the file was changed by something else.
#[derive(Debug, thiserror::Error)]
#[error("badge {serial} has the state {state:?}, which Tessera never writes")]
struct UnknownState {
    serial: u32,
    state: String,
}

fn row_to_badge(row: &rusqlite::Row<'_>) -> rusqlite::Result<BadgeRecord> {
    let state_text: String = row.get("state")?;
    let serial: u32 = row.get("serial")?;
    let state = BadgeState::parse(&state_text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            Box::new(UnknownState {
                serial,
                state: state_text.clone(),
            }),
        )
    })?;
    Ok(BadgeRecord {
        serial: row.get("serial")?,
        kid: row.get("kid")?,
        recipient: row.get("recipient")?,
        salt: row.get("salt")?,
        subject: row.get("subject")?,
        achievement_id: row.get("achievement_id")?,
        achievement_name: row.get("achievement_name")?,
        profile: row.get("profile")?,
        display_name: row.get("display_name")?,
        issued_at: row.get("issued_at")?,
        expires_at: row.get("expires_at")?,
        state,
        evidence: row.get("evidence")?,
        level: row.get("level")?,
        card_uid: row.get("card_uid")?,
        revoked_at: row.get("revoked_at")?,
        revocation_reason: row.get("revocation_reason")?,
        private: row.get("private")?,
        cose: row.get("cose")?,
    })
}

impl Ledger {
    /// Open (creating if needed) the ledger at `path`, and check it.
    pub fn open(path: &Path) -> Result<Self, LedgerError> {
        let corrupt = |e: rusqlite::Error| {
            let (path, detail) = (path.display().to_string(), e.to_string());
            match e.sqlite_error_code() {
                Some(
                    rusqlite::ErrorCode::ReadOnly
                    | rusqlite::ErrorCode::CannotOpen
                    | rusqlite::ErrorCode::PermissionDenied,
                ) => LedgerError::ReadOnly { path, detail },
                _ => LedgerError::Corrupt { path, detail },
            }
        };
        let conn = Connection::open(path).map_err(corrupt)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(corrupt)?;
        // Reading the schema is the first thing that fails on a damaged file.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(corrupt)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(corrupt)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(corrupt)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(corrupt)?;
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(corrupt)?;
        if check != "ok" {
            return Err(LedgerError::Corrupt {
                path: path.display().to_string(),
                detail: check,
            });
        }
        conn.execute_batch(SCHEMA).map_err(corrupt)?;
        migrate(&conn).map_err(corrupt)?;
        Ok(Self { conn })
    }

    /// SQLite's full integrity check: `ok` when the file is sound.
    pub fn integrity_check(&self) -> Result<String, LedgerError> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Record an issuer key.
    pub fn add_issuer(&self, issuer: &IssuerRecord) -> Result<(), LedgerError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO issuers (kid, public_key, name, demo, created_at, retired_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![issuer.kid, issuer.public_key, issuer.name, issuer.demo, issuer.created_at, issuer.retired_at],
        )?;
        Ok(())
    }

    /// Retire every active issuer key except `keep` (key rotation).
    pub fn retire_others(&self, keep: &[u8], now: i64) -> Result<usize, LedgerError> {
        Ok(self.conn.execute(
            "UPDATE issuers SET retired_at = ?2 WHERE retired_at IS NULL AND kid != ?1",
            params![keep, now],
        )?)
    }

    /// All issuer keys, newest first.
    pub fn issuers(&self) -> Result<Vec<IssuerRecord>, LedgerError> {
        let mut stmt = self.conn.prepare(
            "SELECT kid, public_key, name, demo, created_at, retired_at FROM issuers ORDER BY created_at DESC, rowid DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(IssuerRecord {
                kid: r.get(0)?,
                public_key: r.get(1)?,
                name: r.get(2)?,
                demo: r.get(3)?,
                created_at: r.get(4)?,
                retired_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The issuer key in use: the newest one not retired.
    pub fn active_issuer(&self) -> Result<Option<IssuerRecord>, LedgerError> {
        Ok(self.issuers()?.into_iter().find(|i| i.retired_at.is_none()))
    }

    /// Record badges signed by `sign`, each under the next serial, all in
    /// one transaction. `sign(serial, &new)` returns the COSE bytes; if it
    /// fails for any badge nothing is recorded. Returns the records.
    pub fn issue_batch<E: From<LedgerError>>(
        &mut self,
        kid: &[u8],
        badges: &[NewBadge],
        mut sign: impl FnMut(u32, &NewBadge) -> Result<Vec<u8>, E>,
        mut progress: impl FnMut(usize) -> bool,
    ) -> Result<Vec<BadgeRecord>, E> {
        let tx = self.conn.transaction().map_err(LedgerError::from)?;
        let next: i64 = tx
            .query_row("SELECT coalesce(max(serial), 0) + 1 FROM badges", [], |r| {
                r.get(0)
            })
            .map_err(LedgerError::from)?;
        let mut out = Vec::with_capacity(badges.len());
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO badges (serial, kid, recipient, salt, subject, achievement_id, achievement_name, profile,
                        display_name, issued_at, expires_at, state, private, cose, evidence, level)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'issued', ?12, ?13, ?14, ?15)",
                )
                .map_err(LedgerError::from)?;
            for (i, b) in badges.iter().enumerate() {
                let serial =
                    u32::try_from(next + i as i64).map_err(|_| LedgerError::SerialsExhausted)?;
                let cose = sign(serial, b)?;
                insert
                    .execute(params![
                        serial,
                        kid,
                        b.recipient,
                        b.salt,
                        b.subject,
                        b.achievement_id,
                        b.achievement_name,
                        b.profile,
                        b.display_name,
                        b.issued_at,
                        b.expires_at,
                        b.private,
                        cose,
                        b.evidence,
                        b.level
                    ])
                    .map_err(LedgerError::from)?;
                out.push(BadgeRecord {
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
                    revoked_at: None,
                    revocation_reason: None,
                    private: b.private,
                    cose,
                    evidence: b.evidence.clone(),
                    level: b.level,
                });
                if !progress(i + 1) {
                    // Cancelled: dropping the transaction rolls everything back.
                    return Ok(Vec::new());
                }
            }
        }
        tx.commit().map_err(LedgerError::from)?;
        Ok(out)
    }

    /// The serial the next issued badge gets.
    pub fn next_serial(&self) -> Result<u32, LedgerError> {
        let next: i64 =
            self.conn
                .query_row("SELECT coalesce(max(serial), 0) + 1 FROM badges", [], |r| {
                    r.get(0)
                })?;
        u32::try_from(next).map_err(|_| LedgerError::SerialsExhausted)
    }

    /// One badge.
    pub fn badge(&self, serial: u32) -> Result<BadgeRecord, LedgerError> {
        self.conn
            .query_row(
                "SELECT * FROM badges WHERE serial = ?1",
                [serial],
                row_to_badge,
            )
            .optional()?
            .ok_or(LedgerError::UnknownSerial(serial))
    }

    /// Badges matching `filter`, newest first.
    pub fn list(&self, filter: &Filter) -> Result<Vec<BadgeRecord>, LedgerError> {
        let mut stmt = self.conn.prepare(
            "SELECT * FROM badges
             WHERE (?1 IS NULL OR instr(lower(recipient), lower(?1)) > 0)
               AND (?2 IS NULL OR instr(lower(achievement_id), lower(?2)) > 0
                    OR instr(lower(coalesce(achievement_name, '')), lower(?2)) > 0)
               AND (?3 IS NULL OR state = ?3)
               AND (?4 IS NULL OR issued_at >= ?4)
               AND (?5 IS NULL OR issued_at < ?5)
               AND (?6 = 0 OR private = 0)
               AND (?7 IS NULL OR instr(lower(recipient), lower(?7)) > 0
                    OR instr(lower(achievement_id), lower(?7)) > 0
                    OR instr(lower(coalesce(achievement_name, '')), lower(?7)) > 0)
             ORDER BY serial DESC",
        )?;
        let rows = stmt.query_map(
            params![
                filter.recipient,
                filter.achievement,
                filter.state.map(BadgeState::as_str),
                filter.from,
                filter.until,
                filter.public_only,
                filter.any
            ],
            row_to_badge,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Serials of badges already issued to `recipient` for `achievement_id`
    /// and not revoked or declined (duplicates to flag).
    pub fn duplicates(
        &self,
        recipient: &str,
        achievement_id: &str,
    ) -> Result<Vec<u32>, LedgerError> {
        let mut stmt = self.conn.prepare(
            "SELECT serial FROM badges WHERE lower(recipient) = lower(?1) AND achievement_id = ?2
             AND state NOT IN ('revoked', 'declined') ORDER BY serial",
        )?;
        let rows = stmt.query_map(params![recipient.trim(), achievement_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Revoke a badge with a reason.
    pub fn revoke(&self, serial: u32, reason: &str, now: i64) -> Result<(), LedgerError> {
        // One statement decides and changes, so another desk process (a card
        // writer, say) cannot slip in between a read and the update.
        let changed = self.conn.execute(
            "UPDATE badges SET state = 'revoked', revoked_at = ?2, revocation_reason = ?3
             WHERE serial = ?1 AND state != 'revoked'",
            params![serial, now, reason],
        )?;
        if changed == 0 {
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
        card_uid: Option<&[u8]>,
    ) -> Result<(), LedgerError> {
        let from = self.badge(serial)?.state;
        if !from.can_become(to) {
            return Err(LedgerError::BadTransition { serial, from, to });
        }
        // Only from the state just read: a revocation that lands in between
        // is never overwritten.
        let changed = self.conn.execute(
            "UPDATE badges SET state = ?2, card_uid = coalesce(?3, card_uid)
             WHERE serial = ?1 AND state = ?4",
            params![serial, to.as_str(), card_uid, from.as_str()],
        )?;
        if changed == 0 {
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
        if self.conn.execute(
            "UPDATE badges SET private = ?2 WHERE serial = ?1",
            params![serial, private],
        )? == 0
        {
            return Err(LedgerError::UnknownSerial(serial));
        }
        Ok(())
    }

    /// Revoked serials of the issuer `kid`, and the highest serial issued.
    pub fn revocations(&self, kid: &[u8]) -> Result<(Vec<u32>, u32), LedgerError> {
        let mut stmt = self.conn.prepare(
            "SELECT serial FROM badges WHERE kid = ?1 AND state = 'revoked' ORDER BY serial",
        )?;
        let revoked = stmt
            .query_map([kid], |r| r.get(0))?
            .collect::<Result<Vec<u32>, _>>()?;
        let max: u32 =
            self.conn
                .query_row("SELECT coalesce(max(serial), 0) FROM badges", [], |r| {
                    r.get(0)
                })?;
        Ok((revoked, max))
    }

    /// Count of badges.
    pub fn count(&self) -> Result<u64, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM badges", [], |r| r.get(0))?)
    }

    /// Trust another center's issuer key.
    pub fn trust(&self, record: &TrustedRecord) -> Result<bool, LedgerError> {
        Ok(self.conn.execute(
            "INSERT OR IGNORE INTO trusted (public_key, kid, name, added_at) VALUES (?1, ?2, ?3, ?4)",
            params![record.public_key, record.kid, record.name, record.added_at],
        )? == 1)
    }

    /// Stop trusting a key (by hex kid or public key prefix match done by the caller).
    pub fn untrust(&self, public_key: &[u8]) -> Result<bool, LedgerError> {
        Ok(self
            .conn
            .execute("DELETE FROM trusted WHERE public_key = ?1", [public_key])?
            == 1)
    }

    /// Trusted issuers of other centers.
    pub fn trusted(&self) -> Result<Vec<TrustedRecord>, LedgerError> {
        let mut stmt = self.conn.prepare(
            "SELECT kid, public_key, name, added_at FROM trusted ORDER BY added_at, rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(TrustedRecord {
                kid: r.get(0)?,
                public_key: r.get(1)?,
                name: r.get(2)?,
                added_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A stored setting.
    pub fn meta(&self, key: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Store a setting.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), LedgerError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}
