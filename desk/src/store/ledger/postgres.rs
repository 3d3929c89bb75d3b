//! The PostgreSQL backend: one ledger shared by every desk of a center (or
//! of a program), through the `postgres` crate.
//!
//! The same promises as the SQLite ledger, for many desks at once:
//!
//! - Serials come from one sequence, `badge_serial`, so they are unique
//!   across desks. A rolled-back batch leaves a gap (sequences never go
//!   back); gaps are harmless: no badge carries those serials.
//! - A bulk issue is one transaction. If the connection is lost before the
//!   commit, nothing is recorded; if it is lost during the commit, the
//!   desk says it cannot know, and running the same file again is safe:
//!   the duplicate check reports every recorded row as already held.
//! - Revocations are rows of the shared table, so every desk sees them and
//!   builds its status list from them.
//! - The schema is versioned in `schema_history`; desks upgrading at once
//!   take an advisory lock, so the upgrade runs once.
//!
//! The connection is TLS with the server's certificate verified, or plain
//! only to a server on this machine (see the `connect` module).

use std::sync::{Mutex, MutexGuard};

use postgres::types::ToSql;
use postgres::{Client, Row};

use super::sql;
use super::{
    Backend, BadgeRecord, BadgeState, CardWritten, CatalogueRow, Copied, Filter, IssuerRecord,
    LedgerError, MailState, NewBadge, OutboxChange, OutboxQuery, OutboxRecord, Page, PassRecord,
    SenderLock, Signer, Suspension, TrustedRecord, index_words, inserted, message_id,
    missing_badge_columns, search_words,
};

/// Every schema version, in order (see the SQLite backend's list; never
/// edit a released step).
const MIGRATIONS: [(&str, &str); 5] = [
    (
        "the ledger's tables, indexes and word search",
        "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE issuers (
    kid BYTEA PRIMARY KEY,
    public_key BYTEA NOT NULL UNIQUE,
    name TEXT NOT NULL,
    demo BOOLEAN NOT NULL DEFAULT false,
    created_at BIGINT NOT NULL,
    retired_at BIGINT,
    seq BIGSERIAL NOT NULL
);
CREATE SEQUENCE badge_serial AS BIGINT MINVALUE 1 MAXVALUE 4294967295 NO CYCLE;
CREATE TABLE badges (
    serial BIGINT PRIMARY KEY CHECK (serial BETWEEN 1 AND 4294967295),
    kid BYTEA NOT NULL REFERENCES issuers (kid),
    recipient TEXT NOT NULL,
    salt BYTEA NOT NULL,
    subject TEXT NOT NULL,
    achievement_id TEXT NOT NULL,
    achievement_name TEXT,
    profile TEXT NOT NULL CHECK (profile IN ('mini', 'standard')),
    display_name TEXT,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT,
    state TEXT NOT NULL CHECK (state IN ('issued', 'written', 'accepted', 'declined', 'revoked')),
    card_uid BYTEA,
    revoked_at BIGINT,
    revocation_reason TEXT,
    private BOOLEAN NOT NULL DEFAULT false,
    cose BYTEA NOT NULL,
    evidence TEXT,
    level SMALLINT CHECK (level BETWEEN 0 AND 255),
    recipient_words TEXT NOT NULL,
    achievement_words TEXT NOT NULL,
    search TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', recipient_words), 'A')
        || setweight(to_tsvector('simple', achievement_words), 'B')
    ) STORED
);
CREATE INDEX badges_dup ON badges (lower(recipient), achievement_id);
CREATE INDEX badges_state ON badges (state, serial);
CREATE INDEX badges_issued ON badges (issued_at);
CREATE INDEX badges_kid_state ON badges (kid, state);
CREATE INDEX badges_search ON badges USING gin (search);
CREATE TABLE trusted (
    public_key BYTEA PRIMARY KEY,
    kid BYTEA NOT NULL,
    name TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    seq BIGSERIAL NOT NULL
);
",
    ),
    (
        "the program's catalogue and the exam passes recorded against it",
        "
CREATE TABLE catalogue (
    code TEXT PRIMARY KEY,
    entry JSONB NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE passes (
    recipient TEXT NOT NULL,
    exam TEXT NOT NULL,
    passed_on TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (recipient, exam)
);
",
    ),
    (
        "the outbox of notification e-mails",
        "
CREATE TABLE outbox (
    serial BIGINT PRIMARY KEY REFERENCES badges (serial),
    message_id TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    queued_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, serial);
",
    ),
    (
        "each issuer key's first and last serial found at once (its status lists), and suspensions",
        "
CREATE INDEX badges_kid_serial ON badges (kid, serial);
CREATE TABLE suspensions (
    serial BIGINT PRIMARY KEY REFERENCES badges (serial),
    reason TEXT NOT NULL,
    suspended_at BIGINT NOT NULL
);
",
    ),
    (
        "the card-bound badge written on a badge's card",
        "
ALTER TABLE badges ADD COLUMN card_cose BYTEA;
",
    ),
];

/// The newest schema version this release writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Advisory lock key held while the schema is upgraded ("TSRA").
const MIGRATION_LOCK: i64 = 0x5453_5241;

/// Advisory lock key of the outbox's one sender ("TSRM").
const SENDER_LOCK: i64 = 0x5453_524d;

/// Say where the ledger is without its password.
pub(super) fn describe(url: &str) -> String {
    // The connection options this desk reads itself are not the crate's.
    let url = super::connect::without_tls_options(url);
    match url.parse::<postgres::Config>() {
        Ok(c) => {
            let host = c
                .get_hosts()
                .first()
                .map(|h| match h {
                    postgres::config::Host::Tcp(h) => h.clone(),
                    #[cfg(unix)]
                    postgres::config::Host::Unix(p) => p.display().to_string(),
                })
                .unwrap_or_else(|| "localhost".into());
            let port = c.get_ports().first().copied().unwrap_or(5432);
            format!(
                "postgres://{}@{host}:{port}/{}",
                c.get_user().unwrap_or("(user)"),
                c.get_dbname().unwrap_or("(database)")
            )
        }
        Err(_) => "a PostgreSQL ledger".into(),
    }
}

/// The PostgreSQL ledger.
pub(super) struct PgLedger {
    client: Mutex<Client>,
    target: super::connect::Target,
    location: String,
}

impl PgLedger {
    /// Connect to `url` and bring the schema up to date.
    pub(super) fn connect(url: &str) -> Result<Self, LedgerError> {
        let target = super::connect::Target::parse(url)?;
        let location = describe(&target.url);
        let mut client = target.connect().map_err(|e| unreachable(&location, &e))?;
        migrate(&mut client).map_err(|e| pg_error(&location, e))?;
        Ok(Self {
            client: Mutex::new(client),
            target,
            location,
        })
    }

    /// The connection; a closed one (server restarted, network back) is
    /// opened again first.
    fn client(&self) -> Result<MutexGuard<'_, Client>, LedgerError> {
        let mut guard = self
            .client
            .lock()
            .map_err(|_| LedgerError::Damaged("the connection lock was poisoned".into()))?;
        if guard.is_closed() {
            *guard = self
                .target
                .connect()
                .map_err(|e| unreachable(&self.location, &e))?;
        }
        Ok(guard)
    }

    fn err(&self, e: postgres::Error) -> LedgerError {
        pg_error(&self.location, e)
    }

    fn execute(&self, sql: &str, args: &[&(dyn ToSql + Sync)]) -> Result<u64, LedgerError> {
        let mut c = self.client()?;
        c.execute(sql, args).map_err(|e| self.err(e))
    }

    fn query(&self, sql: &str, args: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, LedgerError> {
        let mut c = self.client()?;
        c.query(sql, args).map_err(|e| self.err(e))
    }

    fn badges(
        &self,
        sql: &str,
        args: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<BadgeRecord>, LedgerError> {
        self.query(sql, args)?.iter().map(row_to_badge).collect()
    }
}

fn migrate(client: &mut Client) -> Result<(), postgres::Error> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_history (
            version BIGINT PRIMARY KEY,
            what TEXT NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )",
    )?;
    let version: i64 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM schema_history", &[])?
        .try_get(0)?;
    for (i, (what, sql)) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO schema_history (version, what) VALUES ($1, $2)",
            &[&(i as i64 + 1), what],
        )?;
    }
    tx.commit()
}

/// Queue outbox rows as they are (a row already there stays), a thousand
/// per statement.
fn insert_outbox(
    tx: &mut postgres::Transaction<'_>,
    rows: &[OutboxRecord],
) -> Result<(), postgres::Error> {
    for chunk in rows.chunks(1000) {
        let serials: Vec<i64> = chunk.iter().map(|r| i64::from(r.serial)).collect();
        let text = |f: fn(&OutboxRecord) -> &str| chunk.iter().map(f).collect::<Vec<&str>>();
        let attempts: Vec<i32> = chunk
            .iter()
            .map(|r| i32::try_from(r.attempts).unwrap_or(i32::MAX))
            .collect();
        let next: Vec<i64> = chunk.iter().map(|r| r.next_attempt_at).collect();
        let errors: Vec<Option<&str>> = chunk.iter().map(|r| r.last_error.as_deref()).collect();
        let queued: Vec<i64> = chunk.iter().map(|r| r.queued_at).collect();
        let sent: Vec<Option<i64>> = chunk.iter().map(|r| r.sent_at).collect();
        tx.execute(
            "INSERT INTO outbox (serial, message_id, recipient, state, attempts, next_attempt_at,
                 last_error, queued_at, sent_at)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[],
                 $6::bigint[], $7::text[], $8::bigint[], $9::bigint[])
             ON CONFLICT DO NOTHING",
            &[
                &serials,
                &text(|r| &r.message_id),
                &text(|r| &r.recipient),
                &text(|r| r.state.as_str()),
                &attempts,
                &next,
                &errors,
                &queued,
                &sent,
            ],
        )?;
    }
    Ok(())
}

/// Record exam passes (a pass already recorded stays as it was), a
/// thousand per statement.
fn insert_passes(
    tx: &mut postgres::Transaction<'_>,
    passes: &[PassRecord],
) -> Result<(), postgres::Error> {
    for chunk in passes.chunks(1000) {
        let column = |f: fn(&PassRecord) -> &str| chunk.iter().map(f).collect::<Vec<&str>>();
        let recorded: Vec<i64> = chunk.iter().map(|p| p.recorded_at).collect();
        tx.execute(
            "INSERT INTO passes (recipient, exam, passed_on, recorded_at)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
             ON CONFLICT DO NOTHING",
            &[
                &column(|p| &p.recipient),
                &column(|p| &p.exam),
                &column(|p| &p.passed_on),
                &recorded,
            ],
        )?;
    }
    Ok(())
}

/// Add or replace catalogue entries.
fn put_catalogue(
    tx: &mut postgres::Transaction<'_>,
    rows: &[CatalogueRow],
    now: i64,
) -> Result<(), postgres::Error> {
    for r in rows {
        tx.execute(
            "INSERT INTO catalogue (code, entry, updated_at) VALUES ($1, $2::text::jsonb, $3)
             ON CONFLICT (code) DO UPDATE SET entry = excluded.entry, updated_at = excluded.updated_at",
            &[&r.code, &r.entry, &now],
        )?;
    }
    Ok(())
}

/// A connection that could not be made or was lost.
fn unreachable(location: &str, e: &postgres::Error) -> LedgerError {
    // The whole chain: "error performing TLS handshake" says little
    // without "invalid peer certificate: UnknownIssuer" behind it.
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !detail.contains(&text) {
            detail = format!("{detail}: {text}");
        }
        source = cause.source();
    }
    LedgerError::Unreachable {
        location: location.to_string(),
        detail,
    }
}

fn pg_error(location: &str, e: postgres::Error) -> LedgerError {
    let Some(db) = e.as_db_error() else {
        return unreachable(location, &e);
    };
    let code = db.code().code();
    match code {
        // The sequence reached its end.
        "2200H" => LedgerError::SerialsExhausted,
        // Disk full.
        "53100" => LedgerError::WriteFailed,
        // Connection exceptions (08…) and the server shutting down or
        // restarting (57P01 to 57P03).
        c if c.starts_with("08") || c.starts_with("57P") => LedgerError::Unreachable {
            location: location.to_string(),
            detail: db.message().to_string(),
        },
        _ => LedgerError::Postgres(format!("{} (SQLSTATE {code})", db.message())),
    }
}

/// Column `i` of a row; a value of another type than the schema gives is
/// a damaged ledger, reported, never a panic.
fn column<'a, T: postgres::types::FromSql<'a>>(row: &'a Row, i: usize) -> Result<T, LedgerError> {
    row.try_get(i)
        .map_err(|e| LedgerError::Damaged(e.to_string()))
}

fn serial_of(row: &Row, column: &str) -> Result<u32, LedgerError> {
    let v: i64 = row
        .try_get(column)
        .map_err(|e| LedgerError::Damaged(e.to_string()))?;
    u32::try_from(v).map_err(|_| LedgerError::Damaged(format!("serial {v} is out of range")))
}

fn row_to_badge(row: &Row) -> Result<BadgeRecord, LedgerError> {
    let damaged = |e: postgres::Error| LedgerError::Damaged(e.to_string());
    let serial = serial_of(row, "serial")?;
    let state_text: String = row.try_get("state").map_err(damaged)?;
    let state = BadgeState::parse(&state_text).ok_or_else(|| {
        LedgerError::Damaged(format!(
            "badge {serial} has the state {state_text:?}, which Tessera never writes"
        ))
    })?;
    let level: Option<i16> = row.try_get("level").map_err(damaged)?;
    Ok(BadgeRecord {
        serial,
        kid: row.try_get("kid").map_err(damaged)?,
        recipient: row.try_get("recipient").map_err(damaged)?,
        salt: row.try_get("salt").map_err(damaged)?,
        subject: row.try_get("subject").map_err(damaged)?,
        achievement_id: row.try_get("achievement_id").map_err(damaged)?,
        achievement_name: row.try_get("achievement_name").map_err(damaged)?,
        profile: row.try_get("profile").map_err(damaged)?,
        display_name: row.try_get("display_name").map_err(damaged)?,
        issued_at: row.try_get("issued_at").map_err(damaged)?,
        expires_at: row.try_get("expires_at").map_err(damaged)?,
        state,
        card_uid: row.try_get("card_uid").map_err(damaged)?,
        card_cose: row.try_get("card_cose").map_err(damaged)?,
        revoked_at: row.try_get("revoked_at").map_err(damaged)?,
        revocation_reason: row.try_get("revocation_reason").map_err(damaged)?,
        private: row.try_get("private").map_err(damaged)?,
        cose: row.try_get("cose").map_err(damaged)?,
        evidence: row.try_get("evidence").map_err(damaged)?,
        level: level
            .map(|l| {
                u8::try_from(l)
                    .map_err(|_| LedgerError::Damaged(format!("badge {serial} has level {l}")))
            })
            .transpose()?,
    })
}

/// Insert whole records (any state) a thousand per statement, skipping
/// serials already present; returns how many were inserted.
fn insert_records(
    tx: &mut postgres::Transaction<'_>,
    rows: &[BadgeRecord],
) -> Result<u64, postgres::Error> {
    let mut inserted = 0;
    for chunk in rows.chunks(1000) {
        let serial: Vec<i64> = chunk.iter().map(|b| i64::from(b.serial)).collect();
        let kid: Vec<&[u8]> = chunk.iter().map(|b| b.kid.as_slice()).collect();
        let recipient: Vec<&str> = chunk.iter().map(|b| b.recipient.as_str()).collect();
        let salt: Vec<&[u8]> = chunk.iter().map(|b| b.salt.as_slice()).collect();
        let subject: Vec<&str> = chunk.iter().map(|b| b.subject.as_str()).collect();
        let achievement: Vec<&str> = chunk.iter().map(|b| b.achievement_id.as_str()).collect();
        let title: Vec<Option<&str>> = chunk
            .iter()
            .map(|b| b.achievement_name.as_deref())
            .collect();
        let profile: Vec<&str> = chunk.iter().map(|b| b.profile.as_str()).collect();
        let display: Vec<Option<&str>> = chunk.iter().map(|b| b.display_name.as_deref()).collect();
        let issued: Vec<i64> = chunk.iter().map(|b| b.issued_at).collect();
        let expires: Vec<Option<i64>> = chunk.iter().map(|b| b.expires_at).collect();
        let state: Vec<&str> = chunk.iter().map(|b| b.state.as_str()).collect();
        let card: Vec<Option<&[u8]>> = chunk.iter().map(|b| b.card_uid.as_deref()).collect();
        let card_cose: Vec<Option<&[u8]>> = chunk.iter().map(|b| b.card_cose.as_deref()).collect();
        let revoked: Vec<Option<i64>> = chunk.iter().map(|b| b.revoked_at).collect();
        let reason: Vec<Option<&str>> = chunk
            .iter()
            .map(|b| b.revocation_reason.as_deref())
            .collect();
        let private: Vec<bool> = chunk.iter().map(|b| b.private).collect();
        let cose: Vec<&[u8]> = chunk.iter().map(|b| b.cose.as_slice()).collect();
        let evidence: Vec<Option<&str>> = chunk.iter().map(|b| b.evidence.as_deref()).collect();
        let level: Vec<Option<i16>> = chunk.iter().map(|b| b.level.map(i16::from)).collect();
        let (recipient_words, achievement_words): (Vec<String>, Vec<String>) = chunk
            .iter()
            .map(|b| {
                let (r, a) = index_words(
                    &b.recipient,
                    &b.achievement_id,
                    b.achievement_name.as_deref(),
                );
                (word_starts(&r), word_starts(&a))
            })
            .unzip();
        inserted += tx.execute(
            "INSERT INTO badges (serial, kid, recipient, salt, subject, achievement_id,
                achievement_name, profile, display_name, issued_at, expires_at, state, card_uid,
                revoked_at, revocation_reason, private, cose, evidence, level, recipient_words,
                achievement_words, card_cose)
             SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::text[], $4::bytea[], $5::text[],
                $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::bigint[],
                $12::text[], $13::bytea[], $14::bigint[], $15::text[], $16::bool[], $17::bytea[],
                $18::text[], $19::smallint[], $20::text[], $21::text[], $22::bytea[])
             ON CONFLICT (serial) DO NOTHING",
            &[
                &serial,
                &kid,
                &recipient,
                &salt,
                &subject,
                &achievement,
                &title,
                &profile,
                &display,
                &issued,
                &expires,
                &state,
                &card,
                &revoked,
                &reason,
                &private,
                &cose,
                &evidence,
                &level,
                &recipient_words,
                &achievement_words,
                &card_cose,
            ],
        )?;
    }
    Ok(inserted)
}

/// The columns of `badges` a listing reads (not the search columns).
const COLUMNS: &str = "b.serial, b.kid, b.recipient, b.salt, b.subject, b.achievement_id,
    b.achievement_name, b.profile, b.display_name, b.issued_at, b.expires_at, b.state,
    b.card_uid, b.card_cose, b.revoked_at, b.revocation_reason, b.private, b.cose, b.evidence,
    b.level";

/// How many of the newest badges a word search looks through before it
/// asks the word index (see `list` and `count_matching`).
const NEWEST_PROBE: i64 = 20_000;

/// Word starts indexed as words of their own: up to this many characters.
const INDEXED_STARTS: usize = 10;

/// What the word index keeps for space-separated `words`: every start of
/// every word up to [`INDEXED_STARTS`] characters, and each longer word
/// whole (`rust 101` gives `r ru rus rust 1 10 101`). A search for a word
/// start is then one exact entry of the index, which PostgreSQL's GIN
/// intersects by skipping; a prefix match (`cand:*`) would make it list
/// every badge of every matching word first (109 ms for a million).
fn word_starts(words: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for w in words.split(' ').filter(|w| !w.is_empty()) {
        let ends = w.char_indices().map(|(i, _)| i).skip(1).chain([w.len()]);
        for (n, end) in ends.enumerate() {
            if n < INDEXED_STARTS || end == w.len() {
                out.push(w.get(..end).unwrap_or(w));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out.join(" ")
}

/// A `tsquery` for the filter's words (`A` = recipient, `B` = achievement
/// code or title), or `None` without words: each word start is an exact
/// entry of the index ([`word_starts`]); only a longer one is a prefix
/// match.
fn ts_query(filter: &Filter) -> Option<String> {
    let mut terms = Vec::new();
    for (text, weight) in [
        (&filter.any, ""),
        (&filter.recipient, "A"),
        (&filter.achievement, "B"),
    ] {
        // Words are letters and digits only: nothing to escape.
        for w in text.as_deref().map(search_words).unwrap_or_default() {
            let prefix = if w.chars().count() > INDEXED_STARTS {
                "*"
            } else {
                ""
            };
            let sep = if prefix.is_empty() && weight.is_empty() {
                ""
            } else {
                ":"
            };
            terms.push(format!("{w}{sep}{prefix}{weight}"));
        }
    }
    (!terms.is_empty()).then(|| terms.join(" & "))
}

/// The WHERE clause of a filter, with its values.
fn where_clause(filter: &Filter) -> (String, Vec<Box<dyn ToSql + Sync>>) {
    let mut sql = String::from("TRUE");
    let mut args: Vec<Box<dyn ToSql + Sync>> = Vec::new();
    let mut cond = |text: &str, value: Option<Box<dyn ToSql + Sync>>| {
        args.extend(value);
        sql.push_str(&text.replace('?', &format!("${}", args.len())));
    };
    if let Some(q) = ts_query(filter) {
        cond(
            " AND b.search @@ to_tsquery('simple', ?)",
            Some(Box::new(q)),
        );
    }
    if let Some(s) = filter.state {
        cond(" AND b.state = ?", Some(Box::new(s.as_str())));
    }
    if let Some(t) = filter.from {
        cond(" AND b.issued_at >= ?", Some(Box::new(t)));
    }
    if let Some(t) = filter.until {
        cond(" AND b.issued_at < ?", Some(Box::new(t)));
    }
    if filter.public_only {
        cond(" AND NOT b.private", None);
    }
    if let Some(kid) = &filter.kid {
        cond(" AND b.kid = ?", Some(Box::new(kid.clone())));
    }
    (sql, args)
}

fn refs(args: &[Box<dyn ToSql + Sync>]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter()
        .map(|a| a.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

impl Backend for PgLedger {
    fn integrity_check(&self) -> Result<String, LedgerError> {
        // The server keeps its own data consistent (WAL, checksums when
        // enabled); here: the tables answer, with every column.
        self.query("SELECT count(*) FROM badges", &[])?;
        let columns = self
            .query(
                "SELECT column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = 'badges'",
                &[],
            )?
            .iter()
            .map(|r| column(r, 0))
            .collect::<Result<Vec<String>, _>>()?;
        Ok(missing_badge_columns(&columns).unwrap_or_else(|| "ok".into()))
    }

    fn add_issuer(&self, issuer: &IssuerRecord) -> Result<(), LedgerError> {
        self.execute(
            "INSERT INTO issuers (kid, public_key, name, demo, created_at, retired_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            &[
                &issuer.kid,
                &issuer.public_key,
                &issuer.name,
                &issuer.demo,
                &issuer.created_at,
                &issuer.retired_at,
            ],
        )?;
        Ok(())
    }

    fn retire(&self, kid: &[u8], now: i64) -> Result<bool, LedgerError> {
        Ok(self.execute(
            "UPDATE issuers SET retired_at = $2 WHERE kid = $1 AND retired_at IS NULL",
            &[&kid, &now],
        )? == 1)
    }

    fn issuers(&self) -> Result<Vec<IssuerRecord>, LedgerError> {
        let damaged = |e: postgres::Error| LedgerError::Damaged(e.to_string());
        self.query(
            "SELECT kid, public_key, name, demo, created_at, retired_at FROM issuers
             ORDER BY created_at DESC, seq DESC",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(IssuerRecord {
                kid: r.try_get(0).map_err(damaged)?,
                public_key: r.try_get(1).map_err(damaged)?,
                name: r.try_get(2).map_err(damaged)?,
                demo: r.try_get(3).map_err(damaged)?,
                created_at: r.try_get(4).map_err(damaged)?,
                retired_at: r.try_get(5).map_err(damaged)?,
            })
        })
        .collect()
    }

    fn issue_batch(
        &mut self,
        kid: &[u8],
        badges: &[NewBadge],
        passes: &[PassRecord],
        sign: &mut Signer<'_>,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<Vec<BadgeRecord>, LedgerError> {
        let location = self.location.clone();
        let err = |e| pg_error(&location, e);
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(err)?;
        let mut serials: Vec<i64> = tx
            .query(
                "SELECT nextval('badge_serial') FROM generate_series(1, $1::bigint)",
                &[&(badges.len() as i64)],
            )
            .map_err(err)?
            .iter()
            .map(|r| column(r, 0))
            .collect::<Result<_, _>>()?;
        serials.sort_unstable();
        // Sign everything first, then send the rows a thousand at a time
        // (a round trip per row would cost more than the signing).
        let mut out = Vec::with_capacity(badges.len());
        for (i, (b, serial)) in badges.iter().zip(serials).enumerate() {
            let serial = u32::try_from(serial).map_err(|_| LedgerError::SerialsExhausted)?;
            let cose = sign(serial, b)?;
            out.push(inserted(serial, kid, b, cose));
            if !progress(i + 1) {
                // Cancelled: dropping the transaction rolls everything back.
                return Ok(Vec::new());
            }
        }
        insert_records(&mut tx, &out).map_err(err)?;
        let queued: Vec<OutboxRecord> = badges
            .iter()
            .zip(&out)
            .filter(|(b, _)| b.notify)
            .map(|(b, r)| OutboxRecord {
                serial: r.serial,
                message_id: message_id(kid, r.serial, 0),
                recipient: b.recipient.trim().to_string(),
                state: MailState::Pending,
                attempts: 0,
                next_attempt_at: b.issued_at,
                last_error: None,
                queued_at: b.issued_at,
                sent_at: None,
            })
            .collect();
        insert_outbox(&mut tx, &queued).map_err(err)?;
        insert_passes(&mut tx, passes).map_err(err)?;
        tx.commit().map_err(|e| match err(e) {
            // The commit may have reached the server before the connection
            // went: say so, rather than "nothing was recorded".
            LedgerError::Unreachable { location, detail } => {
                LedgerError::CommitUnknown { location, detail }
            }
            other => other,
        })?;
        Ok(out)
    }

    fn outbox(&self, query: OutboxQuery<'_>) -> Result<Vec<OutboxRecord>, LedgerError> {
        const COLUMNS: &str = "serial, message_id, recipient, state, attempts, next_attempt_at,
            last_error, queued_at, sent_at";
        let rows = match query {
            OutboxQuery::Due(now, limit) => self.query(
                &format!(
                    "SELECT {COLUMNS} FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1
                     ORDER BY next_attempt_at, serial LIMIT $2"
                ),
                &[&now, &i64::from(limit)],
            )?,
            OutboxQuery::Pending(after, limit) => self.query(
                &format!(
                    "SELECT {COLUMNS} FROM outbox WHERE state = 'pending' AND serial > $1
                     ORDER BY serial LIMIT $2"
                ),
                &[&i64::from(after), &i64::from(limit)],
            )?,
            OutboxQuery::Of(serials) => {
                let serials: Vec<i64> = serials.iter().map(|s| i64::from(*s)).collect();
                self.query(
                    &format!("SELECT {COLUMNS} FROM outbox WHERE serial = ANY($1)"),
                    &[&serials],
                )?
            }
            OutboxQuery::All => self.query(
                &format!("SELECT {COLUMNS} FROM outbox ORDER BY serial"),
                &[],
            )?,
        };
        let damaged = |e: postgres::Error| LedgerError::Damaged(e.to_string());
        rows.iter()
            .map(|r| {
                let state: String = r.try_get(3).map_err(damaged)?;
                let attempts: i32 = r.try_get(4).map_err(damaged)?;
                Ok(OutboxRecord {
                    serial: serial_of(r, "serial")?,
                    message_id: r.try_get(1).map_err(damaged)?,
                    recipient: r.try_get(2).map_err(damaged)?,
                    state: MailState::parse(&state).ok_or_else(|| {
                        LedgerError::Damaged(format!(
                            "outbox state {state:?}, which Tessera never writes"
                        ))
                    })?,
                    attempts: u32::try_from(attempts).unwrap_or(0),
                    next_attempt_at: r.try_get(5).map_err(damaged)?,
                    last_error: r.try_get(6).map_err(damaged)?,
                    queued_at: r.try_get(7).map_err(damaged)?,
                    sent_at: r.try_get(8).map_err(damaged)?,
                })
            })
            .collect()
    }

    fn sender_lock(&self) -> Result<Option<SenderLock>, LedgerError> {
        // Its own connection: the session lock lives exactly as long as it.
        let mut client = self
            .target
            .connect()
            .map_err(|e| unreachable(&self.location, &e))?;
        let got: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&SENDER_LOCK])
            .map_err(|e| self.err(e))?
            .try_get(0)
            .map_err(|e| self.err(e))?;
        Ok(got.then(|| SenderLock {
            _held: Box::new(client),
        }))
    }

    fn outbox_change(&self, serial: u32, change: &OutboxChange) -> Result<bool, LedgerError> {
        let serial = i64::from(serial);
        let changed = match change {
            OutboxChange::Sent(id, at) => {
                self.execute(sql::pg(sql::OUTBOX_SENT).as_str(), &[&serial, id, at])?
            }
            OutboxChange::Retry(attempts, next, why) => {
                let attempts = i32::try_from(*attempts).unwrap_or(i32::MAX);
                self.execute(
                    sql::pg(sql::OUTBOX_RETRY).as_str(),
                    &[&serial, &attempts, next, why],
                )?
            }
            OutboxChange::Failed(why) => {
                self.execute(sql::pg(sql::OUTBOX_FAILED).as_str(), &[&serial, why])?
            }
            OutboxChange::Requeue(id, to, now) => self.execute(
                sql::pg(sql::OUTBOX_REQUEUE).as_str(),
                &[&serial, id, to, now],
            )?,
        };
        Ok(changed == 1)
    }

    fn catalogue(&self) -> Result<Vec<CatalogueRow>, LedgerError> {
        self.query(
            "SELECT code, entry::text FROM catalogue ORDER BY code COLLATE \"C\"",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(CatalogueRow {
                code: column(r, 0)?,
                entry: column(r, 1)?,
            })
        })
        .collect()
    }

    fn put_catalogue(&mut self, rows: &[CatalogueRow], now: i64) -> Result<(), LedgerError> {
        let location = self.location.clone();
        let err = |e| pg_error(&location, e);
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(err)?;
        put_catalogue(&mut tx, rows, now).map_err(err)?;
        tx.commit().map_err(err)
    }

    fn passes(&self, recipients: Option<&[&str]>) -> Result<Vec<PassRecord>, LedgerError> {
        let rows = match recipients {
            Some(keys) => self.query(
                "SELECT recipient, exam, passed_on, recorded_at FROM passes WHERE recipient = ANY($1)",
                &[&keys],
            )?,
            None => self.query(
                sql::pg(sql::ALL_PASSES).as_str(),
                &[],
            )?,
        };
        rows.iter()
            .map(|r| {
                Ok(PassRecord {
                    recipient: column(r, 0)?,
                    exam: column(r, 1)?,
                    passed_on: column(r, 2)?,
                    recorded_at: column(r, 3)?,
                })
            })
            .collect()
    }

    fn next_serial(&self) -> Result<u32, LedgerError> {
        let rows = self.query(
            "SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM badge_serial",
            &[],
        )?;
        let next: i64 = rows.first().map_or(Ok(1), |r| column(r, 0))?;
        u32::try_from(next).map_err(|_| LedgerError::SerialsExhausted)
    }

    fn badge(&self, serial: u32) -> Result<Option<BadgeRecord>, LedgerError> {
        Ok(self
            .badges(
                &format!("SELECT {COLUMNS} FROM badges AS b WHERE b.serial = $1"),
                &[&i64::from(serial)],
            )?
            .pop())
    }

    fn list(&self, filter: &Filter, page: Option<Page>) -> Result<Vec<BadgeRecord>, LedgerError> {
        let (cond, mut args) = where_clause(filter);
        let window = |args: &mut Vec<Box<dyn ToSql + Sync>>| match page {
            Some(p) => {
                args.push(Box::new(i64::from(p.limit)));
                args.push(Box::new(i64::try_from(p.offset).unwrap_or(i64::MAX)));
                format!(" LIMIT ${} OFFSET ${}", args.len() - 1, args.len())
            }
            None => String::new(),
        };
        if ts_query(filter).is_none() {
            let tail = window(&mut args);
            return self.badges(
                &format!(
                    "SELECT {COLUMNS} FROM badges AS b WHERE {cond} ORDER BY b.serial DESC{tail}"
                ),
                &refs(&args),
            );
        }
        // With words the planner cannot tell a word on every badge from a
        // word on a hundred, and walking the primary key for a rare one
        // reads every row (1.3 s for a million). So: the page among the
        // newest badges first, a bounded walk; if it is not full there,
        // the matches are few, and the word index finds them all.
        if let Some(p) = page {
            // The same conditions and numbering, and the walk's length.
            let (_, mut probe) = where_clause(filter);
            probe.push(Box::new(NEWEST_PROBE));
            let newest = probe.len();
            let tail = window(&mut probe);
            let rows = self.badges(
                &format!(
                    "SELECT {COLUMNS} FROM (SELECT * FROM badges ORDER BY serial DESC LIMIT ${newest}) AS b
                     WHERE {cond} ORDER BY b.serial DESC{tail}"
                ),
                &refs(&probe),
            )?;
            if rows.len() == p.limit as usize {
                return Ok(rows);
            }
        }
        let tail = window(&mut args);
        self.badges(
            &format!(
                "WITH m AS MATERIALIZED (SELECT {COLUMNS} FROM badges AS b WHERE {cond})
                 SELECT * FROM m ORDER BY serial DESC{tail}"
            ),
            &refs(&args),
        )
    }

    fn count_matching(&self, filter: &Filter, cap: Option<u64>) -> Result<u64, LedgerError> {
        let (cond, mut args) = where_clause(filter);
        let count = |sql: String, args: &[Box<dyn ToSql + Sync>]| -> Result<u64, LedgerError> {
            let rows = self.query(&format!("SELECT count(*) FROM ({sql}) AS m"), &refs(args))?;
            let n: i64 = rows.first().map_or(Ok(0), |r| column(r, 0))?;
            Ok(u64::try_from(n).unwrap_or(0))
        };
        let Some(cap) = cap else {
            return count(format!("SELECT 1 FROM badges AS b WHERE {cond}"), &args);
        };
        let limit = i64::try_from(cap).unwrap_or(i64::MAX);
        if ts_query(filter).is_some() {
            // A word matching most badges would make the word index list
            // every one of them (76 ms for a million) before the cap
            // applies. So first count among the newest 2 × cap badges, a
            // bounded walk of the primary key: if the cap is reached there,
            // that is the answer; otherwise the word is rare enough for the
            // index.
            args.push(Box::new(limit.saturating_mul(2).max(NEWEST_PROBE)));
            let newest = count(
                format!(
                    "SELECT 1 FROM (SELECT * FROM badges ORDER BY serial DESC LIMIT ${}) AS b WHERE {cond}",
                    args.len()
                ),
                &args,
            )?;
            args.pop();
            if newest >= cap {
                return Ok(cap);
            }
        }
        args.push(Box::new(limit));
        count(
            format!(
                "SELECT 1 FROM badges AS b WHERE {cond} LIMIT ${}",
                args.len()
            ),
            &args,
        )
    }

    fn scan(&self, after: u32, limit: u32) -> Result<Vec<BadgeRecord>, LedgerError> {
        self.badges(
            &format!(
                "SELECT {COLUMNS} FROM badges AS b WHERE b.serial > $1 ORDER BY b.serial LIMIT $2"
            ),
            &[&i64::from(after), &i64::from(limit)],
        )
    }

    fn existing(&self, pairs: &[(&str, &str)]) -> Result<Vec<(usize, u32)>, LedgerError> {
        let recipients: Vec<&str> = pairs.iter().map(|(r, _)| *r).collect();
        let achievements: Vec<&str> = pairs.iter().map(|(_, a)| *a).collect();
        self.query(
            "SELECT j.i, b.serial FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS j (r, a, i)
             JOIN badges AS b ON lower(b.recipient) = lower(j.r) AND b.achievement_id = j.a
             WHERE b.state NOT IN ('revoked', 'declined')",
            &[&recipients, &achievements],
        )?
        .iter()
        .map(|r| {
            let i: i64 = column(r, 0)?;
            Ok((usize::try_from(i - 1).unwrap_or(usize::MAX), serial_of(r, "serial")?))
        })
        .collect()
    }

    fn revoke(&self, serial: u32, reason: &str, now: i64) -> Result<bool, LedgerError> {
        Ok(self.execute(
            sql::pg(sql::REVOKE).as_str(),
            &[&i64::from(serial), &now, &reason],
        )? == 1)
    }

    fn set_state_from(
        &self,
        serial: u32,
        from: BadgeState,
        to: BadgeState,
        card: Option<CardWritten<'_>>,
    ) -> Result<bool, LedgerError> {
        // A new card replaces the last one's UID and card-bound badge.
        let uid = card.map(|c| c.uid);
        let cose = card.and_then(|c| c.cose);
        Ok(self.execute(
            "UPDATE badges SET state = $2,
                card_uid = coalesce($3, card_uid),
                card_cose = CASE WHEN $3::bytea IS NULL THEN card_cose ELSE $5 END
             WHERE serial = $1 AND state = $4",
            &[
                &i64::from(serial),
                &to.as_str(),
                &uid,
                &from.as_str(),
                &cose,
            ],
        )? == 1)
    }

    fn set_private(&self, serial: u32, private: bool) -> Result<bool, LedgerError> {
        Ok(self.execute(
            sql::pg(sql::SET_PRIVATE).as_str(),
            &[&i64::from(serial), &private],
        )? == 1)
    }

    fn revoked_serials(&self, kid: &[u8]) -> Result<Vec<u32>, LedgerError> {
        self.query(sql::pg(sql::REVOKED_SERIALS).as_str(), &[&kid])?
            .iter()
            .map(|r| serial_of(r, "serial"))
            .collect()
    }

    fn suspend(&self, serial: u32, reason: &str, at: i64) -> Result<bool, LedgerError> {
        Ok(self.execute(
            sql::pg(sql::SUSPEND).as_str(),
            &[&i64::from(serial), &reason, &at],
        )? == 1)
    }

    fn reinstate(&self, serial: u32) -> Result<bool, LedgerError> {
        Ok(self.execute(sql::pg(sql::REINSTATE).as_str(), &[&i64::from(serial)])? == 1)
    }

    fn suspensions(&self, kid: Option<&[u8]>) -> Result<Vec<Suspension>, LedgerError> {
        let damaged = |e: postgres::Error| LedgerError::Damaged(e.to_string());
        self.query(
            "SELECT s.serial, s.reason, s.suspended_at FROM suspensions AS s
             JOIN badges AS b ON b.serial = s.serial
             WHERE ($1::BYTEA IS NULL OR b.kid = $1) AND b.state != 'revoked' ORDER BY s.serial",
            &[&kid],
        )?
        .iter()
        .map(|r| {
            Ok(Suspension {
                serial: serial_of(r, "serial")?,
                reason: r.try_get("reason").map_err(damaged)?,
                suspended_at: r.try_get("suspended_at").map_err(damaged)?,
            })
        })
        .collect()
    }

    fn suspension(&self, serial: u32) -> Result<Option<Suspension>, LedgerError> {
        let damaged = |e: postgres::Error| LedgerError::Damaged(e.to_string());
        self.query(
            "SELECT s.serial, s.reason, s.suspended_at FROM suspensions AS s
             JOIN badges AS b ON b.serial = s.serial
             WHERE s.serial = $1 AND b.state != 'revoked'",
            &[&i64::from(serial)],
        )?
        .first()
        .map(|r| {
            Ok(Suspension {
                serial: serial_of(r, "serial")?,
                reason: r.try_get("reason").map_err(damaged)?,
                suspended_at: r.try_get("suspended_at").map_err(damaged)?,
            })
        })
        .transpose()
    }

    fn serial_range(&self, kid: &[u8]) -> Result<Option<(u32, u32)>, LedgerError> {
        let rows = self.query(
            "SELECT min(serial) AS lo, max(serial) AS hi FROM badges WHERE kid = $1",
            &[&kid],
        )?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let lo: Option<i64> = row
            .try_get("lo")
            .map_err(|e| LedgerError::Damaged(e.to_string()))?;
        if lo.is_none() {
            return Ok(None);
        }
        Ok(Some((serial_of(row, "lo")?, serial_of(row, "hi")?)))
    }

    fn max_serial(&self) -> Result<u32, LedgerError> {
        let rows = self.query("SELECT coalesce(max(serial), 0) AS serial FROM badges", &[])?;
        rows.first().map_or(Ok(0), |r| serial_of(r, "serial"))
    }

    fn trust(&self, record: &TrustedRecord) -> Result<bool, LedgerError> {
        Ok(self.execute(
            "INSERT INTO trusted (public_key, kid, name, added_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
            &[
                &record.public_key,
                &record.kid,
                &record.name,
                &record.added_at,
            ],
        )? == 1)
    }

    fn untrust(&self, public_key: &[u8]) -> Result<bool, LedgerError> {
        Ok(self.execute(sql::pg(sql::UNTRUST).as_str(), &[&public_key])? == 1)
    }

    fn trusted(&self) -> Result<Vec<TrustedRecord>, LedgerError> {
        let damaged = |e: postgres::Error| LedgerError::Damaged(e.to_string());
        self.query(
            "SELECT kid, public_key, name, added_at FROM trusted ORDER BY added_at, seq",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(TrustedRecord {
                kid: r.try_get(0).map_err(damaged)?,
                public_key: r.try_get(1).map_err(damaged)?,
                name: r.try_get(2).map_err(damaged)?,
                added_at: r.try_get(3).map_err(damaged)?,
            })
        })
        .collect()
    }

    fn meta(&self, key: &str) -> Result<Option<String>, LedgerError> {
        self.query(sql::pg(sql::META).as_str(), &[&key])?
            .first()
            .map(|r| column(r, 0))
            .transpose()
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<(), LedgerError> {
        self.execute(sql::pg(sql::SET_META).as_str(), &[&key, &value])?;
        Ok(())
    }

    fn import(
        &mut self,
        from: &Copied,
        next: &mut dyn FnMut() -> Result<Vec<BadgeRecord>, LedgerError>,
        check: &mut dyn FnMut(Vec<BadgeRecord>) -> Result<(), LedgerError>,
    ) -> Result<u64, LedgerError> {
        let location = self.location.clone();
        let err = |e| pg_error(&location, e);
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(err)?;
        // Serials are signed into the badges: they must land as they are.
        tx.execute("LOCK TABLE badges IN EXCLUSIVE MODE", &[])
            .map_err(err)?;
        for i in &from.issuers {
            tx.execute(
                "INSERT INTO issuers (kid, public_key, name, demo, created_at, retired_at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                &[
                    &i.kid,
                    &i.public_key,
                    &i.name,
                    &i.demo,
                    &i.created_at,
                    &i.retired_at,
                ],
            )
            .map_err(err)?;
        }
        for t in &from.trusted {
            tx.execute(
                "INSERT INTO trusted (public_key, kid, name, added_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
                &[&t.public_key, &t.kid, &t.name, &t.added_at],
            )
            .map_err(err)?;
        }
        put_catalogue(&mut tx, &from.catalogue, chrono::Utc::now().timestamp()).map_err(err)?;
        insert_passes(&mut tx, &from.passes).map_err(err)?;
        // The outbox rows name badges: they go in once the badges are there.
        let outbox = &from.outbox;
        let mut copied = 0u64;
        loop {
            let rows = next()?;
            if rows.is_empty() {
                break;
            }
            let stored = insert_records(&mut tx, &rows).map_err(err)?;
            if stored < rows.len() as u64 {
                // Some serial was there already: the same badge (copied
                // before) is fine; another badge under it is not.
                let serials: Vec<i64> = rows.iter().map(|r| i64::from(r.serial)).collect();
                let taken = tx
                    .query(
                        "SELECT min(serial) FROM badges WHERE serial = ANY($1) AND NOT (cose = ANY($2))",
                        &[&serials, &rows.iter().map(|r| r.cose.as_slice()).collect::<Vec<_>>()],
                    )
                    .map_err(err)?
                    .first()
                    .and_then(|r| r.get::<_, Option<i64>>(0))
                    .and_then(|s| u32::try_from(s).ok());
                if let Some(serial) = taken {
                    return Err(LedgerError::SerialTaken(serial));
                }
            }
            copied += rows.len() as u64;
        }
        insert_outbox(&mut tx, outbox).map_err(err)?;
        for x in &from.suspensions {
            tx.execute(
                "INSERT INTO suspensions (serial, reason, suspended_at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                &[&i64::from(x.serial), &x.reason, &x.suspended_at],
            )
            .map_err(err)?;
        }
        tx.execute(
            "SELECT setval('badge_serial', greatest(
                (SELECT coalesce(max(serial), 1) FROM badges),
                (SELECT last_value FROM badge_serial)))",
            &[],
        )
        .map_err(err)?;
        // Read every copied badge back, inside the transaction: the check
        // sees what the server holds, and a failure leaves it unchanged.
        let mut after = 0i64;
        loop {
            let rows: Vec<BadgeRecord> = tx
                .query(
                    &format!(
                        "SELECT {COLUMNS} FROM badges AS b WHERE b.serial > $1 ORDER BY b.serial LIMIT 4096"
                    ),
                    &[&after],
                )
                .map_err(err)?
                .iter()
                .map(row_to_badge)
                .collect::<Result<_, _>>()?;
            let Some(last) = rows.last() else { break };
            after = i64::from(last.serial);
            check(rows)?;
        }
        check(Vec::new())?;
        tx.commit().map_err(err)?;
        Ok(copied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The statements' column list is the one description of the table.
    #[test]
    fn the_badge_columns_read_are_the_described_ones() {
        let read: Vec<&str> = COLUMNS
            .split(',')
            .map(|c| c.trim().trim_start_matches("b."))
            .collect();
        assert_eq!(read, super::super::BADGE_COLUMNS);
    }
}
