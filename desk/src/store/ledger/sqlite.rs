//! The SQLite backend: one file in the desk's data directory (WAL,
//! `synchronous = FULL`), with bundled SQLite.
//!
//! The schema is versioned with `PRAGMA user_version`: `MIGRATIONS` lists
//! every step since the first release, and opening a ledger applies the
//! missing ones in one `BEGIN IMMEDIATE` transaction (two desks opening an
//! old ledger at once upgrade it once). Search uses an FTS5 index kept by
//! triggers; every other lookup has a B-tree index.
//!
//! The search index keeps prefix indexes for word starts of 1 to 10
//! characters: FTS5 answers a prefix it has indexed from one list, read
//! newest first and only as far as the screen needs, while any other prefix
//! makes it merge the lists of every word with that start before the first
//! row comes back (17 ms for `cand` over 100,000 numbered addresses, growing
//! with the ledger, against 3 ms indexed). They cost about 100 bytes a badge.

use std::path::Path;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params, params_from_iter};

use super::sql;
use super::{
    Backend, BadgeRecord, BadgeState, CardWritten, CatalogueRow, Filter, IssuerRecord, LedgerError,
    MailState, NewBadge, OutboxChange, OutboxQuery, OutboxRecord, Page, PassRecord, SenderLock,
    Signer, Suspension, TrustedRecord, index_words, inserted, message_id, missing_badge_columns,
    search_words,
};

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

/// One schema step.
struct Migration {
    /// What it brings, for the history.
    what: &'static str,
    /// The statements.
    sql: &'static str,
}

/// Every schema version since the first release, in order: a ledger at
/// `user_version` n has the first n applied. Never edit a released step;
/// add one. The first release's ledgers have `user_version` 0 and all of
/// step 1's tables (step 1 is idempotent for them; some lack the columns
/// that [`ADDED_BEFORE_VERSIONING`] adds).
const MIGRATIONS: [Migration; 6] = [
    Migration {
        what: "the first release's tables",
        sql: "
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
",
    },
    Migration {
        what: "indexes for every lookup and a word search (FTS5)",
        sql: "
DROP INDEX badges_recipient;
DROP INDEX badges_dup;
CREATE INDEX badges_dup ON badges(lower(recipient), achievement_id);
CREATE INDEX badges_state ON badges(state, serial);
CREATE INDEX badges_issued ON badges(issued_at);
CREATE INDEX badges_kid_state ON badges(kid, state);
ALTER TABLE badges ADD COLUMN recipient_words TEXT NOT NULL DEFAULT '';
ALTER TABLE badges ADD COLUMN achievement_words TEXT NOT NULL DEFAULT '';
UPDATE badges SET recipient_words = tessera_words(recipient),
    achievement_words = tessera_words(achievement_id || ' ' || coalesce(achievement_name, ''));
CREATE VIRTUAL TABLE badges_search USING fts5(
    recipient_words, achievement_words,
    content = 'badges', content_rowid = 'serial',
    tokenize = 'unicode61', prefix = '1 2 3 4 5 6 7 8 9 10'
);
INSERT INTO badges_search (badges_search) VALUES ('rebuild');
CREATE TRIGGER badges_search_insert AFTER INSERT ON badges BEGIN
    INSERT INTO badges_search (rowid, recipient_words, achievement_words)
    VALUES (new.serial, new.recipient_words, new.achievement_words);
END;
CREATE TRIGGER badges_search_update AFTER UPDATE OF recipient_words, achievement_words ON badges BEGIN
    INSERT INTO badges_search (badges_search, rowid, recipient_words, achievement_words)
    VALUES ('delete', old.serial, old.recipient_words, old.achievement_words);
    INSERT INTO badges_search (rowid, recipient_words, achievement_words)
    VALUES (new.serial, new.recipient_words, new.achievement_words);
END;
",
    },
    Migration {
        what: "the program's catalogue and the exam passes recorded against it",
        sql: "
CREATE TABLE catalogue (
    code TEXT PRIMARY KEY,
    entry TEXT NOT NULL CHECK (json_valid(entry)),
    updated_at INTEGER NOT NULL
);
CREATE TABLE passes (
    recipient TEXT NOT NULL,
    exam TEXT NOT NULL,
    passed_on TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (recipient, exam)
) WITHOUT ROWID;
",
    },
    Migration {
        what: "the outbox of notification e-mails",
        sql: "
CREATE TABLE outbox (
    serial INTEGER PRIMARY KEY REFERENCES badges(serial),
    message_id TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    queued_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at, serial);
",
    },
    Migration {
        what: "each issuer key's first and last serial found at once (its status lists), and suspensions",
        sql: "
CREATE INDEX badges_kid_serial ON badges(kid, serial);
CREATE TABLE suspensions (
    serial INTEGER PRIMARY KEY REFERENCES badges(serial),
    reason TEXT NOT NULL,
    suspended_at INTEGER NOT NULL
);
",
    },
    Migration {
        what: "the card-bound badge written on a badge's card",
        sql: "
ALTER TABLE badges ADD COLUMN card_cose BLOB;
",
    },
];

/// The newest schema version this release writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Columns the first release added to its own older ledgers on open
/// (nullable, so existing rows stay as they were); step 1 adds them where
/// missing.
const ADDED_BEFORE_VERSIONING: [(&str, &str); 2] = [
    ("evidence", "TEXT"),
    ("level", "INTEGER CHECK (level BETWEEN 0 AND 255)"),
];

/// Bring the schema to [`SCHEMA_VERSION`], all steps in one transaction.
/// The steps may call `tessera_words(text)`, the index's words of a text
/// ([`search_words`], space-separated), to fill columns of existing rows.
fn migrate(conn: &mut Connection, path: &Path) -> Result<(), LedgerError> {
    conn.create_scalar_function(
        "tessera_words",
        1,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8
            | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(search_words(&ctx.get::<String>(0)?).join(" ")),
    )?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(LedgerError::TooNew {
            path: path.display().to_string(),
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    for (done, step) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        tx.execute_batch(step.sql)?;
        if done == 0 {
            let have: Vec<String> = tx
                .prepare("SELECT name FROM pragma_table_info('badges')")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for (name, decl) in ADDED_BEFORE_VERSIONING {
                if !have.iter().any(|h| h == name) {
                    tx.execute_batch(&format!("ALTER TABLE badges ADD COLUMN {name} {decl}"))?;
                }
            }
        }
        tx.execute(
            sql::SET_META,
            params![
                format!("schema_{}", done + 1),
                format!("{} ({})", step.what, chrono::Utc::now().to_rfc3339())
            ],
        )?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
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
        serial,
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
        card_cose: row.get("card_cose")?,
        revoked_at: row.get("revoked_at")?,
        revocation_reason: row.get("revocation_reason")?,
        private: row.get("private")?,
        cose: row.get("cose")?,
    })
}

/// An FTS5 query for the filter's words: each word a prefix, all of them
/// required, restricted to the columns each filter names. `None` when the
/// filter has no words.
fn match_query(filter: &Filter) -> Option<String> {
    let words = |text: &Option<String>| {
        text.as_deref()
            .map(search_words)
            .unwrap_or_default()
            .into_iter()
            // Words are letters and digits only: nothing to escape.
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let parts: Vec<String> = [
        (None, words(&filter.any)),
        (Some("recipient_words"), words(&filter.recipient)),
        (Some("achievement_words"), words(&filter.achievement)),
    ]
    .into_iter()
    .filter(|(_, q)| !q.is_empty())
    .map(|(cols, q)| match cols {
        Some(c) => format!("{c} : ({q})"),
        None => format!("({q})"),
    })
    .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// The filter's conditions on `badges AS b` other than its words.
fn conditions(filter: &Filter, args: &mut Vec<Value>) -> String {
    let mut sql = String::new();
    let mut cond = |text: &str, value: Option<Value>| {
        sql.push_str(" AND ");
        sql.push_str(text);
        args.extend(value);
    };
    if let Some(s) = filter.state {
        cond("b.state = ?", Some(Value::Text(s.as_str().into())));
    }
    if let Some(t) = filter.from {
        cond("b.issued_at >= ?", Some(Value::Integer(t)));
    }
    if let Some(t) = filter.until {
        cond("b.issued_at < ?", Some(Value::Integer(t)));
    }
    if filter.public_only {
        cond("b.private = 0", None);
    }
    if let Some(kid) = &filter.kid {
        cond("b.kid = ?", Some(Value::Blob(kid.clone())));
    }
    sql
}

/// The SQLite ledger.
pub(super) struct SqliteLedger {
    conn: Connection,
    /// The file, for the outbox sender's lock beside it.
    path: std::path::PathBuf,
}

impl SqliteLedger {
    /// Open (creating if needed) the ledger at `path`, check it and bring
    /// its schema up to date.
    pub(super) fn open(path: &Path) -> Result<Self, LedgerError> {
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
        let mut conn = Connection::open(path).map_err(corrupt)?;
        // Recipients and claim codes: the owner's alone (SQLite gives its
        // WAL and shared-memory files the same mode). A file another user
        // owns keeps its mode: a shared desk account set it up that way.
        let _ = crate::store::files::make_private(path, 0o600);
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
        // 32 MB of page cache (the default is 2 MB): a bulk issue into a
        // large ledger touches thousands of pages of the duplicate-check
        // index at random, and re-reading spilled pages cost more than the
        // memory.
        conn.pragma_update(None, "cache_size", -32_768)
            .map_err(corrupt)?;
        // No quick_check here: it reads the whole file (2.7 s for a million
        // badges) on every start. A damaged page fails the query that
        // reaches it (reported as damaged); `ledger audit` runs SQLite's
        // full integrity check.
        migrate(&mut conn, path).map_err(|e| match e {
            LedgerError::Sql(e) => corrupt(e),
            other => other,
        })?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Rows of `SELECT b.* …` with `args`.
    fn badges(&self, sql: &str, args: Vec<Value>) -> Result<Vec<BadgeRecord>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params_from_iter(args), row_to_badge)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Backend for SqliteLedger {
    fn integrity_check(&self) -> Result<String, LedgerError> {
        let pages: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        let columns = self
            .conn
            .prepare("SELECT name FROM pragma_table_info('badges')")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(missing_badge_columns(&columns).unwrap_or(pages))
    }

    fn add_issuer(&self, issuer: &IssuerRecord) -> Result<(), LedgerError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO issuers (kid, public_key, name, demo, created_at, retired_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![issuer.kid, issuer.public_key, issuer.name, issuer.demo, issuer.created_at, issuer.retired_at],
        )?;
        Ok(())
    }

    fn retire(&self, kid: &[u8], now: i64) -> Result<bool, LedgerError> {
        Ok(self.conn.execute(
            "UPDATE issuers SET retired_at = ?2 WHERE retired_at IS NULL AND kid = ?1",
            params![kid, now],
        )? == 1)
    }

    fn issuers(&self) -> Result<Vec<IssuerRecord>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
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

    fn issue_batch(
        &mut self,
        kid: &[u8],
        badges: &[NewBadge],
        passes: &[PassRecord],
        sign: &mut Signer<'_>,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<Vec<BadgeRecord>, LedgerError> {
        // Immediate: the serials read here stay ours until the commit.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let next: i64 =
            tx.query_row("SELECT coalesce(max(serial), 0) + 1 FROM badges", [], |r| {
                r.get(0)
            })?;
        let mut out = Vec::with_capacity(badges.len());
        {
            let mut insert = tx.prepare(
                "INSERT INTO badges (serial, kid, recipient, salt, subject, achievement_id, achievement_name, profile,
                    display_name, issued_at, expires_at, state, private, cose, evidence, level,
                    recipient_words, achievement_words)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'issued', ?12, ?13, ?14, ?15, ?16, ?17)",
            )?;
            for (i, b) in badges.iter().enumerate() {
                let serial =
                    u32::try_from(next + i as i64).map_err(|_| LedgerError::SerialsExhausted)?;
                let cose = sign(serial, b)?;
                let (recipient_words, achievement_words) = index_words(
                    &b.recipient,
                    &b.achievement_id,
                    b.achievement_name.as_deref(),
                );
                insert.execute(params![
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
                    b.level,
                    recipient_words,
                    achievement_words
                ])?;
                out.push(inserted(serial, kid, b, cose));
                if !progress(i + 1) {
                    // Cancelled: dropping the transaction rolls everything back.
                    return Ok(Vec::new());
                }
            }
            let mut queue = tx.prepare(
                "INSERT INTO outbox (serial, message_id, recipient, state, next_attempt_at, queued_at)
                 VALUES (?1, ?2, ?3, 'pending', ?4, ?4)",
            )?;
            for (b, record) in badges.iter().zip(&out) {
                if b.notify {
                    queue.execute(params![
                        record.serial,
                        message_id(kid, record.serial, 0),
                        b.recipient.trim(),
                        b.issued_at
                    ])?;
                }
            }
            let mut pass = tx.prepare(
                "INSERT INTO passes (recipient, exam, passed_on, recorded_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO NOTHING",
            )?;
            for p in passes {
                pass.execute(params![p.recipient, p.exam, p.passed_on, p.recorded_at])?;
            }
        }
        tx.commit()?;
        Ok(out)
    }

    fn outbox(&self, query: OutboxQuery<'_>) -> Result<Vec<OutboxRecord>, LedgerError> {
        const COLUMNS: &str = "serial, message_id, recipient, state, attempts, next_attempt_at,
            last_error, queued_at, sent_at";
        let row = |r: &rusqlite::Row<'_>| {
            let state: String = r.get(3)?;
            Ok(OutboxRecord {
                serial: r.get(0)?,
                message_id: r.get(1)?,
                recipient: r.get(2)?,
                state: MailState::parse(&state).ok_or_else(|| {
                    rusqlite::Error::FromSqlConversionFailure(
                        3,
                        rusqlite::types::Type::Text,
                        format!("outbox state {state:?}, which Tessera never writes").into(),
                    )
                })?,
                attempts: r.get(4)?,
                next_attempt_at: r.get(5)?,
                last_error: r.get(6)?,
                queued_at: r.get(7)?,
                sent_at: r.get(8)?,
            })
        };
        let (sql, args): (String, Vec<Value>) = match query {
            OutboxQuery::Due(now, limit) => (
                format!(
                    "SELECT {COLUMNS} FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?1
                     ORDER BY next_attempt_at, serial LIMIT ?2"
                ),
                vec![Value::Integer(now), Value::Integer(i64::from(limit))],
            ),
            OutboxQuery::Pending(after, limit) => (
                format!(
                    "SELECT {COLUMNS} FROM outbox WHERE state = 'pending' AND serial > ?1
                     ORDER BY serial LIMIT ?2"
                ),
                vec![
                    Value::Integer(i64::from(after)),
                    Value::Integer(i64::from(limit)),
                ],
            ),
            OutboxQuery::Of(serials) => (
                format!(
                    "SELECT {COLUMNS} FROM outbox WHERE serial IN (SELECT value FROM json_each(?1))"
                ),
                vec![Value::Text(serde_json::json!(serials).to_string())],
            ),
            OutboxQuery::All => (
                format!("SELECT {COLUMNS} FROM outbox ORDER BY serial"),
                Vec::new(),
            ),
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn sender_lock(&self) -> Result<Option<SenderLock>, LedgerError> {
        let path = self.path.with_extension("sqlite-sender.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| LedgerError::ReadOnly {
                path: path.display().to_string(),
                detail: e.to_string(),
            })?;
        match file.try_lock() {
            Ok(()) => Ok(Some(SenderLock {
                _held: Box::new(file),
            })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(LedgerError::ReadOnly {
                path: path.display().to_string(),
                detail: e.to_string(),
            }),
        }
    }

    fn outbox_change(&self, serial: u32, change: &OutboxChange) -> Result<bool, LedgerError> {
        let changed = match change {
            OutboxChange::Sent(id, at) => self
                .conn
                .execute(sql::OUTBOX_SENT, params![serial, id, at])?,
            OutboxChange::Retry(attempts, next, why) => self
                .conn
                .execute(sql::OUTBOX_RETRY, params![serial, attempts, next, why])?,
            OutboxChange::Failed(why) => self
                .conn
                .execute(sql::OUTBOX_FAILED, params![serial, why])?,
            OutboxChange::Requeue(id, to, now) => self
                .conn
                .execute(sql::OUTBOX_REQUEUE, params![serial, id, to, now])?,
        };
        Ok(changed == 1)
    }

    fn catalogue(&self) -> Result<Vec<CatalogueRow>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT code, entry FROM catalogue ORDER BY code")?;
        let rows = stmt.query_map([], |r| {
            Ok(CatalogueRow {
                code: r.get(0)?,
                entry: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn put_catalogue(&mut self, rows: &[CatalogueRow], now: i64) -> Result<(), LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut put = tx.prepare(
                "INSERT INTO catalogue (code, entry, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (code) DO UPDATE SET entry = excluded.entry, updated_at = excluded.updated_at",
            )?;
            for r in rows {
                put.execute(params![r.code, r.entry, now])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn passes(&self, recipients: Option<&[&str]>) -> Result<Vec<PassRecord>, LedgerError> {
        let row = |r: &rusqlite::Row<'_>| {
            Ok(PassRecord {
                recipient: r.get(0)?,
                exam: r.get(1)?,
                passed_on: r.get(2)?,
                recorded_at: r.get(3)?,
            })
        };
        Ok(match recipients {
            Some(keys) => self
                .conn
                .prepare_cached(
                    "SELECT p.recipient, p.exam, p.passed_on, p.recorded_at FROM json_each(?1) AS j
                     JOIN passes AS p ON p.recipient = j.value",
                )?
                .query_map([serde_json::json!(keys).to_string()], row)?
                .collect::<Result<_, _>>()?,
            None => self
                .conn
                .prepare_cached(sql::ALL_PASSES)?
                .query_map([], row)?
                .collect::<Result<_, _>>()?,
        })
    }

    fn next_serial(&self) -> Result<u32, LedgerError> {
        let next: i64 =
            self.conn
                .query_row("SELECT coalesce(max(serial), 0) + 1 FROM badges", [], |r| {
                    r.get(0)
                })?;
        u32::try_from(next).map_err(|_| LedgerError::SerialsExhausted)
    }

    fn badge(&self, serial: u32) -> Result<Option<BadgeRecord>, LedgerError> {
        Ok(self
            .conn
            .prepare_cached("SELECT * FROM badges WHERE serial = ?1")?
            .query_row([serial], row_to_badge)
            .optional()?)
    }

    fn list(&self, filter: &Filter, page: Option<Page>) -> Result<Vec<BadgeRecord>, LedgerError> {
        let mut args = Vec::new();
        let words = match_query(filter);
        let searching = words.is_some();
        // With words, the search index drives (newest first, as it stores
        // them); otherwise the table or the state index does.
        let mut sql = if let Some(q) = words {
            args.push(Value::Text(q));
            "SELECT b.* FROM badges_search AS s JOIN badges AS b ON b.serial = s.rowid
             WHERE badges_search MATCH ?"
                .to_string()
        } else {
            "SELECT b.* FROM badges AS b WHERE 1".to_string()
        };
        sql.push_str(&conditions(filter, &mut args));
        // By the index's own rowid with words (no sort of every match).
        sql.push_str(if searching {
            " ORDER BY s.rowid DESC"
        } else {
            " ORDER BY b.serial DESC"
        });
        if let Some(p) = page {
            sql.push_str(" LIMIT ? OFFSET ?");
            args.push(Value::Integer(i64::from(p.limit)));
            args.push(Value::Integer(i64::try_from(p.offset).unwrap_or(i64::MAX)));
        }
        self.badges(&sql, args)
    }

    fn count_matching(&self, filter: &Filter, cap: Option<u64>) -> Result<u64, LedgerError> {
        let mut args = Vec::new();
        let mut sql = if let Some(q) = match_query(filter) {
            args.push(Value::Text(q));
            "SELECT 1 FROM badges_search AS s JOIN badges AS b ON b.serial = s.rowid
             WHERE badges_search MATCH ?"
                .to_string()
        } else {
            "SELECT 1 FROM badges AS b WHERE 1".to_string()
        };
        sql.push_str(&conditions(filter, &mut args));
        if let Some(cap) = cap {
            sql.push_str(" LIMIT ?");
            args.push(Value::Integer(i64::try_from(cap).unwrap_or(i64::MAX)));
        }
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM ({sql})"))?;
        Ok(stmt.query_row(params_from_iter(args), |r| r.get(0))?)
    }

    fn scan(&self, after: u32, limit: u32) -> Result<Vec<BadgeRecord>, LedgerError> {
        self.badges(
            "SELECT * FROM badges WHERE serial > ? ORDER BY serial LIMIT ?",
            vec![
                Value::Integer(i64::from(after)),
                Value::Integer(i64::from(limit)),
            ],
        )
    }

    fn existing(&self, pairs: &[(&str, &str)]) -> Result<Vec<(usize, u32)>, LedgerError> {
        let json = serde_json::Value::Array(
            pairs
                .iter()
                .map(|(r, a)| serde_json::json!([r, a]))
                .collect(),
        )
        .to_string();
        let mut stmt = self.conn.prepare_cached(
            "SELECT j.key, b.serial FROM json_each(?1) AS j
             JOIN badges AS b ON lower(b.recipient) = lower(j.value ->> 0)
                 AND b.achievement_id = j.value ->> 1
             WHERE b.state NOT IN ('revoked', 'declined')",
        )?;
        let rows = stmt.query_map([json], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn revoke(&self, serial: u32, reason: &str, now: i64) -> Result<bool, LedgerError> {
        Ok(self
            .conn
            .execute(sql::REVOKE, params![serial, now, reason])?
            == 1)
    }

    fn set_state_from(
        &self,
        serial: u32,
        from: BadgeState,
        to: BadgeState,
        card: Option<CardWritten<'_>>,
    ) -> Result<bool, LedgerError> {
        // A new card replaces the last one's UID and card-bound badge.
        Ok(self.conn.execute(
            "UPDATE badges SET state = ?2,
                card_uid = coalesce(?3, card_uid),
                card_cose = CASE WHEN ?3 IS NULL THEN card_cose ELSE ?5 END
             WHERE serial = ?1 AND state = ?4",
            params![
                serial,
                to.as_str(),
                card.map(|c| c.uid),
                from.as_str(),
                card.and_then(|c| c.cose)
            ],
        )? == 1)
    }

    fn set_private(&self, serial: u32, private: bool) -> Result<bool, LedgerError> {
        Ok(self
            .conn
            .execute(sql::SET_PRIVATE, params![serial, private])?
            == 1)
    }

    fn revoked_serials(&self, kid: &[u8]) -> Result<Vec<u32>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(sql::REVOKED_SERIALS)?;
        let rows = stmt.query_map([kid], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn suspend(&self, serial: u32, reason: &str, at: i64) -> Result<bool, LedgerError> {
        Ok(self
            .conn
            .execute(sql::SUSPEND, params![serial, reason, at])?
            == 1)
    }

    fn reinstate(&self, serial: u32) -> Result<bool, LedgerError> {
        Ok(self.conn.execute(sql::REINSTATE, [serial])? == 1)
    }

    fn suspensions(&self, kid: Option<&[u8]>) -> Result<Vec<Suspension>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.serial, s.reason, s.suspended_at FROM suspensions AS s
             JOIN badges AS b ON b.serial = s.serial
             WHERE (?1 IS NULL OR b.kid = ?1) AND b.state != 'revoked' ORDER BY s.serial",
        )?;
        let rows = stmt.query_map([kid], |r| {
            Ok(Suspension {
                serial: r.get(0)?,
                reason: r.get(1)?,
                suspended_at: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn suspension(&self, serial: u32) -> Result<Option<Suspension>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.serial, s.reason, s.suspended_at FROM suspensions AS s
             JOIN badges AS b ON b.serial = s.serial
             WHERE s.serial = ?1 AND b.state != 'revoked'",
        )?;
        Ok(stmt
            .query_row([serial], |r| {
                Ok(Suspension {
                    serial: r.get(0)?,
                    reason: r.get(1)?,
                    suspended_at: r.get(2)?,
                })
            })
            .optional()?)
    }

    fn serial_range(&self, kid: &[u8]) -> Result<Option<(u32, u32)>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT (SELECT serial FROM badges WHERE kid = ?1 ORDER BY serial LIMIT 1),
                    (SELECT serial FROM badges WHERE kid = ?1 ORDER BY serial DESC LIMIT 1)",
        )?;
        let (lo, hi): (Option<u32>, Option<u32>) =
            stmt.query_row([kid], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(lo.zip(hi))
    }

    fn max_serial(&self) -> Result<u32, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(serial), 0) FROM badges", [], |r| {
                r.get(0)
            })?)
    }

    fn trust(&self, record: &TrustedRecord) -> Result<bool, LedgerError> {
        Ok(self.conn.execute(
            "INSERT OR IGNORE INTO trusted (public_key, kid, name, added_at) VALUES (?1, ?2, ?3, ?4)",
            params![record.public_key, record.kid, record.name, record.added_at],
        )? == 1)
    }

    fn untrust(&self, public_key: &[u8]) -> Result<bool, LedgerError> {
        Ok(self.conn.execute(sql::UNTRUST, [public_key])? == 1)
    }

    fn trusted(&self) -> Result<Vec<TrustedRecord>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
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

    fn meta(&self, key: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .conn
            .query_row(sql::META, [key], |r| r.get(0))
            .optional()?)
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<(), LedgerError> {
        self.conn.execute(sql::SET_META, params![key, value])?;
        Ok(())
    }
}
