//! The Tessera desk as a library: one test center's data directory
//! (ledger, issuer keys, published status lists) and every operation staff
//! perform: issue, bulk issue, check, card write and read, revoke, trust,
//! export, share, the verification site, e-mail and the catalogue. The
//! `tessera` app's CLI and terminal UI, and the earner's portal, call these
//! functions and only translate input and output, so they behave the same.
//!
//! Layers, whose arrows point down only (gitui's split of `asyncgit` from
//! its UI is the model):
//!
//! | layer | modules | knows |
//! |---|---|---|
//! | operations | this module: [`Desk`] and its issue, check, card, trust, status, export, share, site | the store, the readers, the core |
//! | devices | [`reader`]: NTAG21x over PC/SC, the reader watcher, tag dump files | the core |
//! | store | [`store`]: ledger (SQLite or PostgreSQL), encrypted issuer keys, atomic files, secrets | the core |
//!
//! No clap, ratatui, terminal or HTTP types here, and not the page's crate:
//! the site data it writes is `tessera_formats::site`.

pub mod card;
pub mod catalogue;
pub mod check;
pub mod export;
pub mod issue;
pub mod keyfile;
pub mod kit;
pub mod lists_source;
pub mod notify;
pub mod picture;
pub mod qr;
pub mod reader;
pub mod results;
pub mod share;
pub mod site;
pub mod status_credential;
pub mod store;
pub mod token_status;

use std::path::{Path, PathBuf};

use tessera_core::sizes::{MAX_STATUS_LIST_LEN, MAX_SUSPENDED_PER_LIST};
use tessera_core::status::{bits_len, segment_of, segment_range, set_revoked, suspended_indexes};
use tessera_core::{Error as CoreError, PublicKey, SigningKey, StatusListBuilder, TrustStore};

pub use check::{BadgeView, HolderView, Report};
pub use export::{ExportFormat, FORMATS, FormatInfo};
pub use issue::{BulkRows, FieldProblem, IssueRequest, Preview, RowProblem, claim_code};

use crate::reader::CardError;
use crate::store::files::{self, FileError};
use crate::store::keystore::{self, KeyError};
use crate::store::ledger::{
    BadgeRecord, BadgeState, Filter, IssuerRecord, Ledger, LedgerError, Page, Suspension,
    TrustedRecord,
};
use crate::store::secret::Secret;

/// Name of the demo issuer, shown on every verdict of its badges.
pub const DEMO_NAME: &str = "DEMO Test Center (not a real issuer)";

/// The issuer name a demo desk's first real key gets when none is given.
pub const DEFAULT_ISSUER_NAME: &str = "Tessera Test Center";

/// Everything that can go wrong at the desk.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// Ledger problem.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Key problem.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// Badge format problem.
    #[error("{0}")]
    Badge(#[from] CoreError),
    /// Card reader or card problem.
    #[error(transparent)]
    Card(#[from] CardError),
    /// Bad input from the user.
    #[error("{0}")]
    Input(String),
    /// A file the desk makes could not be made (signing, encoding); not
    /// the user's input.
    #[error(transparent)]
    Write(#[from] share::WriteError),
    /// File system problem.
    #[error(transparent)]
    File(#[from] FileError),
    /// No issuer key set up.
    #[error(
        "no issuer key is set up: run `tessera init` (or `tessera init --demo` to try things out)"
    )]
    NoIssuer,
    /// `init` on a desk that already has a real issuer key.
    #[error(
        "this desk already has the issuer key {kid} ({name}); use `tessera key rotate` to replace it"
    )]
    AlreadySetUp {
        /// The active key id, hex.
        kid: String,
        /// Its issuer name.
        name: String,
    },
    /// A card was written and verified but the ledger could not record it.
    #[error(
        "the card was written and verified, but the ledger could not record it ({0}); the card is good: mark the badge written after fixing the ledger"
    )]
    WrittenNotRecorded(LedgerError),
}

impl DeskError {
    /// Is this the encrypted key asking for its passphrase?
    pub fn needs_passphrase(&self) -> bool {
        matches!(self, DeskError::Key(KeyError::NeedsPassphrase))
    }
}

/// What [`Desk::audit`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AuditReport {
    /// Badges in the ledger.
    pub checked: usize,
    /// Badges whose signature and contents hold (expired and revoked
    /// included).
    pub genuine: usize,
    /// Of those, past their expiry.
    pub expired: usize,
    /// Of those, revoked in the ledger.
    pub revoked: usize,
    /// Serials that failed, with why.
    pub problems: Vec<(u32, String)>,
    /// The database's own integrity check: `ok`, or what it found.
    pub database: String,
}

/// The ledger's meta entry listing its own keys that are no longer
/// trusted (hex key ids, comma-separated).
const DISTRUSTED: &str = "distrusted_keys";

/// The ledger's meta entry listing its keys declared compromised
/// (`kidhex:since`, comma-separated).
const COMPROMISED: &str = "compromised_keys";

/// The folder in a data directory holding other centers' status lists.
const FOREIGN_LISTS: &str = "foreign-status";

/// What [`Desk::published_status_lists`] hands other centers.
#[derive(Debug, Clone, Default)]
pub struct PublishedLists {
    /// The signed lists, each current and of a trusted key.
    pub lists: Vec<Vec<u8>>,
    /// The reasons of this desk's keys' revocations and suspensions.
    pub reasons: lists_source::Reasons,
    /// Lists left out as out of date.
    pub stale: usize,
}

/// One list [`Desk::import_status_lists`] took in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportedList {
    /// Its issuer's key id, hex.
    pub kid: String,
    /// The first serial it covers.
    pub first: u32,
    /// How many serials it covers.
    pub count: u32,
    /// How many of them it marks revoked.
    pub revoked: u32,
}

/// The file in a data directory that names the shared ledger the desk
/// uses (written by `ledger migrate`).
pub const LEDGER_URL_FILE: &str = "ledger-url";

/// What [`Desk::migrate_to`] did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MigrationReport {
    /// Badges copied.
    pub copied: u64,
    /// Copies read back and checked.
    pub checked: u64,
    /// The ledger the desk uses now (no password).
    pub location: String,
}

/// One key's entry in a per-key meta list: its id and the value, if any.
type KeyEntry = (Vec<u8>, Option<String>);

/// A key id written in hex, as `tessera key list` and `trust list` show it.
fn kid_of(kid_hex: &str) -> Result<Vec<u8>, DeskError> {
    hex::decode(kid_hex.trim())
        .map_err(|_| DeskError::Input(format!("{kid_hex:?} is not a key id in hex")))
}

/// Two comma-separated lists of per-key entries (`kidhex` or
/// `kidhex:value`) as one: every key once, `ours` winning.
fn merge_key_entries(theirs: &str, ours: &str) -> String {
    let key_of = |e: &str| e.split(':').next().unwrap_or_default().trim().to_string();
    let ours: Vec<&str> = ours.split(',').filter(|e| !e.trim().is_empty()).collect();
    let mut merged: Vec<&str> = theirs
        .split(',')
        .filter(|e| !e.trim().is_empty() && !ours.iter().any(|o| key_of(o) == key_of(e)))
        .collect();
    merged.extend(ours);
    merged.join(",")
}

/// The first field in which two records of one badge differ.
fn first_difference(a: &BadgeRecord, b: &BadgeRecord) -> Option<&'static str> {
    let fields: [(&'static str, bool); 20] = [
        ("serial", a.serial == b.serial),
        ("key id", a.kid == b.kid),
        ("recipient", a.recipient == b.recipient),
        ("claim code", a.salt == b.salt),
        ("recipient commitment", a.subject == b.subject),
        ("achievement code", a.achievement_id == b.achievement_id),
        (
            "achievement title",
            a.achievement_name == b.achievement_name,
        ),
        ("profile", a.profile == b.profile),
        ("display name", a.display_name == b.display_name),
        ("issue date", a.issued_at == b.issued_at),
        ("expiry", a.expires_at == b.expires_at),
        ("state", a.state == b.state),
        ("card UID", a.card_uid == b.card_uid),
        ("card-bound badge", a.card_cose == b.card_cose),
        ("revocation date", a.revoked_at == b.revoked_at),
        (
            "revocation reason",
            a.revocation_reason == b.revocation_reason,
        ),
        ("private flag", a.private == b.private),
        ("signed badge", a.cose == b.cose),
        ("evidence", a.evidence == b.evidence),
        ("level", a.level == b.level),
    ];
    fields.into_iter().find(|(_, same)| !same).map(|(f, _)| f)
}

/// Does a verified badge say what its ledger row says? `Some(why)` when not.
/// What is wrong with the card-bound copy a row keeps, if anything: it
/// must be signed by the badge's key and say what the badge says, with the
/// card's UID.
fn card_copy_problem<const N: usize>(
    row: &BadgeRecord,
    issued: &tessera_core::VerifiedBadge<'_>,
    store: &TrustStore<N>,
) -> Option<String> {
    let card = row.card_cose.as_deref()?;
    let copy = match tessera_core::verify(card, store, None, None) {
        Ok(copy) => copy,
        Err(e) => return Some(format!("the card-bound copy: {e}")),
    };
    (copy.issuer_key != issued.issuer_key
        || copy.claims.card_uid.is_none()
        || !copy.claims.same_badge(&issued.claims))
    .then(|| "the card-bound copy does not say what the badge says".to_string())
}

fn row_mismatch(row: &BadgeRecord, b: &tessera_core::VerifiedBadge<'_>) -> Option<String> {
    (b.claims.serial != row.serial
        || b.kid.as_bytes() != row.kid.as_slice()
        || b.claims.subject != row.subject
        || b.claims.achievement_id != row.achievement_id)
        .then(|| "the ledger row does not match the badge it signed".to_string())
}

/// Badges [`Desk::audit`] reads and verifies at a time.
const AUDIT_CHUNK: u32 = 4096;

/// How long a published status list is current: 7 days (kiosks call an
/// older one stale).
pub const STATUS_LIST_VALID_SECS: u64 = 7 * 86_400;

/// A list valid for 7 days from `issued_at`, signed by `key` (closed from
/// `compromised_since` when the key was declared compromised).
fn sign_status_list(
    key: &SigningKey,
    issued_at: u64,
    (first, count): (u32, u32),
    bits: &[u8],
    suspended: Option<&[u8]>,
    compromised_since: Option<u64>,
) -> Result<Vec<u8>, DeskError> {
    let mut out = vec![0u8; MAX_STATUS_LIST_LEN];
    let n = StatusListBuilder {
        compromised_since,
        suspended,
        issued_at,
        expires: Some(issued_at + STATUS_LIST_VALID_SECS),
        first,
        count,
        bits,
    }
    .sign(key, &mut out)?;
    out.truncate(n);
    Ok(out)
}

/// What one issuer key's status lists say (see [`Desk::status_lists`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyStatuses {
    /// The key's first and last serial (`None`: it signed no badge).
    pub range: Option<(u32, u32)>,
    /// Its revoked serials, ascending.
    pub revoked: Vec<u32>,
    /// Its suspended serials that are not revoked, ascending.
    pub suspended: Vec<u32>,
    /// When it was declared compromised, if it was.
    pub compromised_since: Option<u64>,
}

impl KeyStatuses {
    /// The `(first, count)` of each of the key's lists: one per segment of
    /// 65,536 serials from its first serial to its last, or one empty list
    /// (`(1, 0)`) for a key without badges.
    pub fn segments(&self) -> Vec<(u32, u32)> {
        match self.range {
            Some((lo, hi)) => (segment_of(lo)..=segment_of(hi))
                .filter_map(|s| segment_range(s, hi))
                .collect(),
            None => vec![(1, 0)],
        }
    }

    /// The key's signed lists made at `issued_at`: one per segment of
    /// 65,536 serials from its first to its last (see
    /// [`tessera_core::status::segment_range`]), or one empty list for a
    /// key without badges.
    pub fn sign(&self, key: &SigningKey, issued_at: u64) -> Result<Vec<Vec<u8>>, DeskError> {
        let segments = self.segments();
        let mut revoked = self.revoked.iter().copied().peekable();
        let mut out = Vec::with_capacity(segments.len());
        for (first, count) in segments {
            let bits = segment_bits(&mut revoked, first, count)?;
            let end = u64::from(first) + u64::from(count);
            // `suspended` is ascending: the segment's are one run of it.
            let from = self.suspended.partition_point(|s| *s < first);
            let to = self.suspended.partition_point(|s| u64::from(*s) < end);
            let in_segment = self.suspended.get(from..to).unwrap_or_default();
            if in_segment.len() > MAX_SUSPENDED_PER_LIST {
                return Err(DeskError::Input(format!(
                    "{} badges from serial {first} are suspended; a status list holds at most {MAX_SUSPENDED_PER_LIST} suspensions per 65,536 serials: revoke or reinstate some",
                    in_segment.len()
                )));
            }
            let mut indexes = vec![0u8; 2 * in_segment.len()];
            suspended_indexes(first, in_segment, &mut indexes)?;
            let paused = (!indexes.is_empty()).then_some(indexes.as_slice());
            out.push(sign_status_list(
                key,
                issued_at,
                (first, count),
                &bits,
                paused,
                self.compromised_since,
            )?);
        }
        Ok(out)
    }
}

/// The bits of the segment `first`, `count` for the serials `serials`
/// (ascending) yields, taken off it as they are used.
fn segment_bits(
    serials: &mut std::iter::Peekable<impl Iterator<Item = u32>>,
    first: u32,
    count: u32,
) -> Result<Vec<u8>, DeskError> {
    let mut bits = vec![0u8; bits_len(count)];
    let end = u64::from(first) + u64::from(count);
    while let Some(s) = serials.next_if(|s| u64::from(*s) < end) {
        if let Some(index) = s.checked_sub(first) {
            set_revoked(&mut bits, index)?;
        }
    }
    Ok(bits)
}

/// This desk's unlocked issuer keys that verifiers trust (see
/// [`Desk::unlock`]): the active key first, then the retired ones.
#[derive(Clone)]
pub struct KeyRing {
    active: SigningKey,
    retired: Vec<SigningKey>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|k| k.kid()))
            .finish()
    }
}

impl KeyRing {
    /// The active key (it signs new badges).
    pub fn active(&self) -> &SigningKey {
        &self.active
    }

    /// The key with this key id.
    pub fn get(&self, kid: &[u8]) -> Option<&SigningKey> {
        self.iter().find(|k| k.kid().as_bytes() == kid)
    }

    /// Every key, the active one first.
    pub fn iter(&self) -> impl Iterator<Item = &SigningKey> {
        std::iter::once(&self.active).chain(&self.retired)
    }
}

/// Where the desk reads the time. Every operation that records or
/// compares a time asks its desk's clock (issuing, revoking, suspending,
/// status lists, checks, results, catalogue dates, the outbox), so a test,
/// or the portal's, can fix "now" and move it; only [`Clock::System`]
/// reads the wall clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The system's clock.
    #[default]
    System,
    /// A fixed instant, Unix seconds.
    Fixed(i64),
}

impl Clock {
    /// The current time, Unix seconds.
    pub fn now(self) -> i64 {
        match self {
            Self::System => chrono::Utc::now().timestamp(),
            Self::Fixed(t) => t,
        }
    }

    /// Today's date (UTC).
    pub fn today(self) -> chrono::NaiveDate {
        chrono::DateTime::from_timestamp(self.now(), 0)
            .map_or(chrono::NaiveDate::MAX, |t| t.date_naive())
    }

    /// The current time for what is signed with it (claims and lists
    /// carry unsigned seconds).
    pub fn signing_time(self) -> Result<u64, DeskError> {
        u64::try_from(self.now()).map_err(|_| {
            DeskError::Input("the system clock is before 1970: set the date and try again".into())
        })
    }
}

/// What [`Desk::trust_add`] took in: the keys newly trusted, and the
/// status lists the file carried.
#[derive(Debug)]
pub struct TrustAdded {
    /// Keys added (keys trusted before are left as they were).
    pub keys: Vec<TrustedRecord>,
    /// Status lists imported with them.
    pub lists: Vec<ImportedList>,
}

/// One test center's data: a directory with the ledger and key files.
pub struct Desk {
    home: PathBuf,
    /// The ledger named when opening (see [`Desk::open_at`]).
    ledger_spec: Option<String>,
    ledger: Ledger,
    /// Where "now" comes from.
    clock: Clock,
}

/// Where a desk is: enough to open it again (a worker thread opens its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The data directory.
    pub home: PathBuf,
    /// The ledger named when it was opened, if any.
    pub ledger: Option<String>,
    /// The desk's clock.
    pub clock: Clock,
}

impl Place {
    /// Open the desk here.
    pub fn open(&self) -> Result<Desk, DeskError> {
        Ok(Desk::open_at(&self.home, self.ledger.as_deref())?.with_clock(self.clock))
    }
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk").field("home", &self.home).finish()
    }
}

/// Where the data lives: `$TESSERA_HOME`, else the XDG data directory.
pub fn default_home() -> PathBuf {
    if let Some(h) = std::env::var_os("TESSERA_HOME") {
        return PathBuf::from(h);
    }
    directories::ProjectDirs::from("", "", "tessera")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".tessera"))
}

impl Desk {
    /// Open the data directory (creating it and the ledger if needed) with
    /// the ledger it is set up for (see [`Desk::open_at`]).
    pub fn open(home: &Path) -> Result<Self, DeskError> {
        Self::open_at(home, None)
    }

    /// Open the data directory with this ledger: `ledger` (a
    /// `postgres://…` URL or a SQLite file), else the shared ledger the
    /// desk was switched to (its `ledger-url` file, written by
    /// [`Desk::migrate_to`]), else `ledger.sqlite` in the directory.
    pub fn open_at(home: &Path, ledger: Option<&str>) -> Result<Self, DeskError> {
        // The ledger (recipients, claim codes) and the keys live here.
        files::create_private_dir(home)?;
        let ledger_spec = ledger.map(str::to_string);
        let saved = home.join(LEDGER_URL_FILE);
        let configured = match ledger {
            Some(l) => Some(l.trim().to_string()),
            None if saved.exists() => Some(
                String::from_utf8_lossy(&files::read(&saved)?)
                    .trim()
                    .to_string(),
            ),
            None => None,
        };
        let ledger = match configured {
            Some(url) if Ledger::is_url(&url) => Ledger::connect(&url)?,
            Some(file) => Ledger::open(Path::new(&file))?,
            None => Ledger::open(&home.join("ledger.sqlite"))?,
        };
        Ok(Self {
            home: home.to_path_buf(),
            ledger_spec,
            ledger,
            clock: Clock::System,
        })
    }

    /// This desk reading the time from `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The desk's clock.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// The current time by the desk's clock, Unix seconds.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Today's date (UTC) by the desk's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    /// Where this desk is, to open it again.
    pub fn place(&self) -> Place {
        Place {
            home: self.home.clone(),
            ledger: self.ledger_spec.clone(),
            clock: self.clock,
        }
    }

    /// Open, and on first run set up the labelled demo issuer, so the app
    /// works with one command.
    pub fn open_or_demo(home: &Path) -> Result<Self, DeskError> {
        Self::open_or_demo_at(home, None)
    }

    /// [`Desk::open_at`], and on first run (a ledger without any issuer)
    /// the labelled demo issuer.
    pub fn open_or_demo_at(home: &Path, ledger: Option<&str>) -> Result<Self, DeskError> {
        let desk = Self::open_at(home, ledger)?;
        if desk.ledger.issuers()?.is_empty() {
            desk.init(None, DEMO_NAME)?;
        }
        Ok(desk)
    }

    /// Where this desk's ledger is (a file, or a URL without password).
    pub fn ledger_location(&self) -> &str {
        self.ledger.location()
    }

    /// This desk's own issuer keys, newest first: those whose key file is
    /// in its data directory. A shared ledger also lists the other desks'.
    pub fn own_issuers(&self) -> Result<Vec<IssuerRecord>, DeskError> {
        let dir = self.keys_dir();
        Ok(self
            .ledger
            .issuers()?
            .into_iter()
            .filter(|i| keystore::key_path(&dir, &i.kid).exists())
            .collect())
    }

    /// The data directory.
    pub fn home(&self) -> &Path {
        &self.home
    }

    fn keys_dir(&self) -> PathBuf {
        self.home.join("keys")
    }

    /// Create a new issuer key and make it the active one; older keys are
    /// retired (they keep verifying their badges). `passphrase = None`
    /// makes the unencrypted demo issuer.
    pub fn init(&self, passphrase: Option<&Secret>, name: &str) -> Result<IssuerRecord, DeskError> {
        if name.trim().is_empty() || name.len() > tessera_core::sizes::MAX_ISSUER_LEN {
            return Err(DeskError::Input(format!(
                "the issuer name must be 1 to {} bytes",
                tessera_core::sizes::MAX_ISSUER_LEN
            )));
        }
        let key = SigningKey::from_seed(keystore::random_bytes::<32>()?)?;
        keystore::save(&self.keys_dir(), &key, passphrase.map(Secret::expose))?;
        let record = IssuerRecord {
            kid: key.kid().as_bytes().to_vec(),
            public_key: key.public_key().as_bytes().to_vec(),
            name: name.trim().to_string(),
            demo: passphrase.is_none(),
            created_at: self.now(),
            retired_at: None,
        };
        self.ledger.add_issuer(&record)?;
        // Only this desk's keys: on a shared ledger the others stay active.
        for old in self.own_issuers()? {
            if old.kid != record.kid && old.retired_at.is_none() {
                self.ledger.retire(&old.kid, self.now())?;
            }
        }
        Ok(record)
    }

    /// The active issuer: this desk's newest key not retired.
    pub fn issuer(&self) -> Result<IssuerRecord, DeskError> {
        self.active_issuer()?.ok_or(DeskError::NoIssuer)
    }

    fn active_issuer(&self) -> Result<Option<IssuerRecord>, DeskError> {
        Ok(self
            .own_issuers()?
            .into_iter()
            .find(|i| i.retired_at.is_none()))
    }

    /// Unlock the active issuer's signing key.
    pub fn signing_key(
        &self,
        passphrase: &mut dyn FnMut() -> Option<Secret>,
    ) -> Result<SigningKey, DeskError> {
        self.signing_key_for(&self.issuer()?.kid, passphrase)
    }

    /// Does the active issuer's key need a passphrase?
    pub fn needs_passphrase(&self) -> Result<bool, DeskError> {
        let issuer = self.issuer()?;
        Ok(!keystore::is_demo(&keystore::key_path(
            &self.keys_dir(),
            &issuer.kid,
        ))?)
    }

    /// The keys this desk accepts: its own issuer keys (current and retired;
    /// the demo issuer only while it is the active one or when `trust_demo`
    /// is set) and the trusted issuers of other centers.
    pub fn trust_store(&self) -> Result<(TrustStore<64>, Vec<Vec<u8>>), DeskError> {
        let mut store = TrustStore::new();
        let active = self.active_issuer()?;
        let trust_demo = active.as_ref().is_some_and(|a| a.demo)
            || self.ledger.meta("trust_demo")?.as_deref() == Some("yes");
        let mut demo_kids = Vec::new();
        let distrusted = self.distrusted()?;
        for issuer in self.ledger.issuers()? {
            if distrusted.contains(&issuer.kid) {
                continue;
            }
            if issuer.demo {
                demo_kids.push(issuer.kid.clone());
                if !trust_demo {
                    continue;
                }
            }
            store.add(PublicKey::try_from(issuer.public_key.as_slice())?)?;
        }
        for t in self.ledger.trusted()? {
            store.add(PublicKey::try_from(t.public_key.as_slice())?)?;
        }
        Ok((store, demo_kids))
    }

    /// Unlock every issuer key of this desk that verifiers trust: the
    /// active key first, then the retired ones, all with one passphrase
    /// (asked for once). Publishing status lists needs them all: each key
    /// signs the lists of its own badges, and every key's lists are
    /// republished together so none goes stale. A key that the passphrase
    /// does not open is an error naming it (nothing is published without
    /// it).
    pub fn unlock(
        &self,
        passphrase: &mut dyn FnMut() -> Option<Secret>,
    ) -> Result<KeyRing, DeskError> {
        let active = self.issuer()?;
        let mut asked: Option<Option<Secret>> = None;
        let mut once = || asked.get_or_insert_with(&mut *passphrase).clone();
        let active_key = self.signing_key_for(&active.kid, &mut once)?;
        let mut retired = Vec::new();
        let (store, _) = self.trust_store()?;
        for issuer in self.own_issuers()? {
            let trusted = PublicKey::try_from(issuer.public_key.as_slice())
                .is_ok_and(|k| store.iter().any(|t| t.key == k));
            if issuer.kid == active.kid || !trusted {
                continue;
            }
            let key = self.signing_key_for(&issuer.kid, &mut once).map_err(|e| {
                match e {
                    DeskError::Key(KeyError::WrongPassphrase(_)) => DeskError::Input(format!(
                        "the retired issuer key {} does not open with the active key's passphrase; every key of a desk shares one passphrase (`tessera key rotate` keeps it), so give that key's passphrase to this desk's keys again",
                        hex::encode(&issuer.kid)
                    )),
                    other => other,
                }
            })?;
            retired.push(key);
        }
        Ok(KeyRing {
            active: active_key,
            retired,
        })
    }

    /// Revoke a badge of any of this desk's keys (active or retired) and
    /// publish every key's new signed status lists; returns their path.
    pub fn revoke(
        &mut self,
        keys: &KeyRing,
        serial: u32,
        reason: &str,
    ) -> Result<PathBuf, DeskError> {
        if reason.trim().is_empty() {
            return Err(DeskError::Input(
                "give a reason for the revocation (it is kept in the ledger)".into(),
            ));
        }
        self.own_badge_key(keys, serial)?;
        self.ledger.revoke(serial, reason.trim(), self.now())?;
        self.publish_status_list(keys, None)
    }

    /// Fail unless badge `serial` was signed by one of `keys` (its status
    /// lists are this desk's to publish).
    fn own_badge_key(&self, keys: &KeyRing, serial: u32) -> Result<(), DeskError> {
        let badge = self.ledger.badge(serial)?;
        if keys.get(&badge.kid).is_none() {
            let own = self.own_issuers()?.iter().any(|i| i.kid == badge.kid);
            return Err(DeskError::Input(if own {
                format!(
                    "badge {serial} was signed by the key {}, which verifiers no longer trust (`tessera trust list`), so no status list of it is published",
                    hex::encode(&badge.kid)
                )
            } else {
                format!(
                    "badge {serial} was signed by key {}, which is another desk's: revoke or suspend it at that desk, which signs that key's status list",
                    hex::encode(&badge.kid)
                )
            }));
        }
        Ok(())
    }

    /// Sign the current status lists of every key in `keys` and write them
    /// to `out` (default `status-list.cbor` in the data directory) as one
    /// CBOR sequence (RFC 8742), the kiosk's `status.cbor`. Valid for 7
    /// days: kiosks call an older list stale. With a site address, each
    /// key's Open Badges status list credential goes beside it.
    pub fn publish_status_list(
        &self,
        keys: &KeyRing,
        out: Option<&Path>,
    ) -> Result<PathBuf, DeskError> {
        // This desk's lists, then the other centers' it holds: the kiosk
        // checks their badges too.
        let mut bytes = self.status_lists(keys)?.concat();
        bytes.extend(self.foreign_status_lists()?.concat());
        let path = out.map_or_else(|| self.home.join("status-list.cbor"), Path::to_path_buf);
        files::write_atomic(&path, &bytes)?;
        // The Open Badges verifiers' lists, beside it, once there is a site.
        self.write_status_credentials(keys, path.parent().unwrap_or(&self.home))?;
        Ok(path)
    }

    /// Write every key's Open Badges status list credential
    /// (`status/KID.json`) and IETF Token Status List tokens
    /// (`status/KID/FIRST.cwt`, see [`token_status`]) under `dir`, when
    /// the desk has a site address.
    pub(crate) fn write_status_credentials(
        &self,
        keys: &KeyRing,
        dir: &Path,
    ) -> Result<(), DeskError> {
        let write = |path: &str, bytes: &[u8]| -> Result<(), DeskError> {
            let file = dir.join(path);
            if let Some(parent) = file.parent() {
                files::create_dir(parent)?;
            }
            Ok(files::write_atomic(&file, bytes)?)
        };
        for key in keys.iter() {
            self.write_segment_credentials(key, dir)?;
            if let Some(json) = self.status_list_credential(key)? {
                write(&status_credential::path_of(&key.kid().to_string()), &json)?;
            }
        }
        // The IETF Token Status List tokens, named by their own address.
        if let Some(url) = self.site_url()? {
            let base = site::on_site(&url, "");
            let issued_at = self.clock.signing_time()?;
            for (key, statuses) in self.key_statuses(keys)? {
                for (path, token) in statuses.tokens(key, issued_at, &base)? {
                    write(&path, &token)?;
                }
            }
        }
        Ok(())
    }

    /// Every signed status list of every key in `keys`: one per segment of
    /// 65,536 serials holding a badge of that key (see
    /// [`tessera_core::status::segment_range`]), so every badge of every key
    /// has its list at any ledger size; a key without badges gets one
    /// empty list (it proves the key's lists are current).
    pub fn status_lists(&self, keys: &KeyRing) -> Result<Vec<Vec<u8>>, DeskError> {
        let issued_at = self.clock.signing_time()?;
        let mut out = Vec::new();
        for (key, statuses) in self.key_statuses(keys)? {
            out.extend(statuses.sign(key, issued_at)?);
        }
        Ok(out)
    }

    /// What each key's status lists say, read from the ledger.
    fn key_statuses<'k>(
        &self,
        keys: &'k KeyRing,
    ) -> Result<Vec<(&'k SigningKey, KeyStatuses)>, DeskError> {
        let compromised = self.compromised()?;
        keys.iter()
            .map(|key| {
                let kid = key.kid();
                let statuses = KeyStatuses {
                    range: self.ledger.serial_range(kid.as_bytes())?,
                    revoked: self.ledger.revoked_serials(kid.as_bytes())?,
                    suspended: self
                        .ledger
                        .suspensions(Some(kid.as_bytes()))?
                        .into_iter()
                        .map(|x| x.serial)
                        .collect(),
                    compromised_since: compromised
                        .iter()
                        .find(|(k, _)| k.as_slice() == kid.as_bytes())
                        .map(|(_, t)| u64::try_from(*t).unwrap_or(0)),
                };
                Ok((key, statuses))
            })
            .collect()
    }

    /// Import another center's signed status lists (a file `tessera
    /// status-list` wrote there: one list or a CBOR sequence of them).
    /// Each must verify against a key this desk trusts as another
    /// center's, be current, and be no older than the list of the same key
    /// and segment held already; then the desk, its site and its kiosk file
    /// check that center's badges against them (before, their revocation
    /// is "not checked"). All or nothing: returns `(key id, first serial,
    /// serials, revoked)` per list.
    pub fn import_status_lists(&self, bytes: &[u8]) -> Result<Vec<ImportedList>, DeskError> {
        self.import_status_lists_with(bytes, None)
    }

    /// [`Desk::import_status_lists`] with the reasons their trust file
    /// carried ([`lists_source::reasons_of`]): kept for the keys whose
    /// lists were imported, and shown (desk, site) for a badge those lists
    /// mark revoked or suspended.
    pub fn import_status_lists_with(
        &self,
        bytes: &[u8],
        reasons: Option<&lists_source::Reasons>,
    ) -> Result<Vec<ImportedList>, DeskError> {
        let trust = self.other_centers()?;
        let now = self.clock.signing_time()?;
        let dir = self.home.join(FOREIGN_LISTS);
        let mut rest = bytes;
        let mut lists = Vec::new();
        while !rest.is_empty() {
            let (one, tail) = tessera_core::status::split_sequence(rest).map_err(|e| {
                DeskError::Input(format!(
                    "list {} of the file is not a signed status list ({e}); nothing was imported",
                    lists.len() + 1
                ))
            })?;
            rest = tail;
            let list = tessera_core::StatusList::verify(one, &trust, Some(now)).map_err(|e| {
                DeskError::Input(format!(
                    "list {} of the file does not check out ({e}): it must be signed by a trusted issuer of another center (`tessera trust add` first) and current; nothing was imported",
                    lists.len() + 1
                ))
            })?;
            let file = dir.join(format!("{}-{}.cbor", list.kid(), list.first()));
            if let Ok(held) = files::read(&file)
                && let Ok(held) = tessera_core::StatusList::verify(&held, &trust, None)
                && held.issued_at() > list.issued_at()
            {
                return Err(DeskError::Input(format!(
                    "list {} of the file (key {}, serials from {}) is older than the one held; nothing was imported",
                    lists.len() + 1,
                    list.kid(),
                    list.first()
                )));
            }
            lists.push((file, one, list));
        }
        if lists.is_empty() {
            return Err(DeskError::Input("the file holds no status list".into()));
        }
        files::create_dir(&dir)?;
        let mut out = Vec::new();
        for (file, one, list) in lists {
            files::write_atomic(&file, one)?;
            if let Some(reasons) = reasons {
                let kid = list.kid().to_string();
                let json = serde_json::to_vec_pretty(&reasons.of_key(&kid))
                    .map_err(|e| share::WriteError::Json("the revocation reasons", e))?;
                files::write_atomic(&dir.join(format!("reasons-{kid}.json")), &json)?;
            }
            out.push(ImportedList {
                kid: list.kid().to_string(),
                first: list.first(),
                count: list.count(),
                revoked: list.revoked_count(),
            });
        }
        Ok(out)
    }

    /// The other centers' status lists this desk holds (see
    /// [`Desk::import_status_lists`]) whose key it still trusts.
    pub fn foreign_status_lists(&self) -> Result<Vec<Vec<u8>>, DeskError> {
        let trust = self.other_centers()?;
        let mut held = self.held_foreign_lists()?;
        held.retain(|bytes| tessera_core::StatusList::verify(bytes, &trust, None).is_ok());
        Ok(held)
    }

    /// The status lists to hand other centers with this desk's trust file:
    /// the ones it last published (`tessera status-list`, or any
    /// revocation: this desk's keys' and the other centers' it holds),
    /// those that still verify and are current, with the reasons of this
    /// desk's own keys among them. Also says how many were left out as out
    /// of date (publish again to include them).
    pub fn published_status_lists(&self) -> Result<PublishedLists, DeskError> {
        let mut out = PublishedLists::default();
        let Ok(bytes) = files::read(&self.home.join("status-list.cbor")) else {
            return Ok(out);
        };
        let (trust, _) = self.trust_store()?;
        let own: Vec<Vec<u8>> = self.ledger.issuers()?.into_iter().map(|i| i.kid).collect();
        let now = self.clock.signing_time()?;
        let (lists, stale) = (&mut out.lists, &mut out.stale);
        let mut kids: Vec<Vec<u8>> = Vec::new();
        let mut rest = bytes.as_slice();
        while let Ok((one, tail)) = tessera_core::status::split_sequence(rest) {
            rest = tail;
            match tessera_core::StatusList::verify(one, &trust, Some(now)) {
                Ok(list) => {
                    let kid = list.kid().as_bytes().to_vec();
                    if own.contains(&kid) && !kids.contains(&kid) {
                        kids.push(kid);
                    }
                    lists.push(one.to_vec());
                }
                Err(CoreError::StatusListStale { .. }) => *stale += 1,
                // A distrusted key's list: not handed on.
                Err(_) => {}
            }
            if rest.is_empty() {
                break;
            }
        }
        out.reasons = self.reasons_of(&kids)?;
        Ok(out)
    }

    /// The reasons other centers gave with their lists (see
    /// [`Desk::import_status_lists_with`]), for keys this desk still trusts.
    pub fn foreign_reasons(&self) -> Result<lists_source::Reasons, DeskError> {
        let mut out = lists_source::Reasons::default();
        let dir = self.home.join(FOREIGN_LISTS);
        let trusted: Vec<String> = self
            .ledger
            .trusted()?
            .iter()
            .map(|t| hex::encode(&t.kid))
            .collect();
        for kid in trusted {
            if let Ok(bytes) = files::read(&dir.join(format!("reasons-{kid}.json"))) {
                let reasons: lists_source::Reasons =
                    serde_json::from_slice(&bytes).unwrap_or_default();
                out.extend(reasons.of_key(&kid));
            }
        }
        Ok(out)
    }

    /// The files of other centers' lists this desk holds, in name order,
    /// unverified (see [`Desk::foreign_status_lists`]).
    pub(crate) fn held_foreign_lists(&self) -> Result<Vec<Vec<u8>>, DeskError> {
        let Ok(entries) = std::fs::read_dir(self.home.join(FOREIGN_LISTS)) else {
            return Ok(Vec::new());
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "cbor"))
            .collect();
        paths.sort();
        Ok(paths
            .iter()
            .map(|p| files::read(p))
            .collect::<Result<_, _>>()?)
    }

    /// The issuer keys of other centers this desk trusts.
    fn other_centers(&self) -> Result<TrustStore<64>, DeskError> {
        let mut trust = TrustStore::new();
        for t in self.ledger.trusted()? {
            trust.add(PublicKey::try_from(t.public_key.as_slice())?)?;
        }
        Ok(trust)
    }

    /// Suspend a badge of any of this desk's keys (reversibly: during an
    /// investigation, say) and publish every key's new status lists;
    /// returns their path. Desk, page and kiosks say SUSPENDED with the
    /// reason until [`Desk::reinstate`].
    pub fn suspend(&self, keys: &KeyRing, serial: u32, reason: &str) -> Result<PathBuf, DeskError> {
        if reason.trim().is_empty() {
            return Err(DeskError::Input(
                "give a reason for the suspension (it is kept in the ledger and shown to verifiers)"
                    .into(),
            ));
        }
        self.own_badge_key(keys, serial)?;
        self.ledger.suspend(serial, reason.trim(), self.now())?;
        self.publish_status_list(keys, None)
    }

    /// Lift a badge's suspension and publish every key's new status lists.
    pub fn reinstate(&self, keys: &KeyRing, serial: u32) -> Result<PathBuf, DeskError> {
        self.own_badge_key(keys, serial)?;
        self.ledger.reinstate(serial)?;
        self.publish_status_list(keys, None)
    }

    /// The suspension of badge `serial`, if it is suspended.
    pub fn suspension(&self, serial: u32) -> Result<Option<Suspension>, DeskError> {
        self.ledger.badge(serial)?;
        Ok(self.ledger.suspension(serial)?)
    }

    /// Re-verify every badge in the ledger against this desk's own issuer
    /// keys (current, retired and demo) in signature batches, and compare
    /// each signed badge with its ledger row. Finds a ledger whose badges
    /// were altered or damaged after issuing.
    pub fn audit(&self) -> Result<AuditReport, DeskError> {
        let mut store: TrustStore<64> = TrustStore::new();
        for issuer in self.ledger.issuers()? {
            store.add(PublicKey::try_from(issuer.public_key.as_slice())?)?;
        }
        let now = self.clock.signing_time()?;
        let mut report = AuditReport {
            database: self.ledger.integrity_check()?,
            ..AuditReport::default()
        };
        // In chunks, in serial order: bounded memory for any ledger size.
        let mut after = 0;
        loop {
            let rows = self.ledger.scan(after, AUDIT_CHUNK)?;
            let Some(last) = rows.last() else { break };
            after = last.serial;
            report.checked += rows.len();
            let inputs: Vec<&[u8]> = rows.iter().map(|r| r.cose.as_slice()).collect();
            // No time: an expired badge must still have its row compared.
            let results = tessera_core::verify_batch(&inputs, &store, None, None);
            for (row, result) in rows.iter().zip(results) {
                let problem = match result {
                    Ok(b) => {
                        let mismatch =
                            row_mismatch(row, &b).or_else(|| card_copy_problem(row, &b, &store));
                        if mismatch.is_none() && b.claims.expires.is_some_and(|exp| now >= exp) {
                            report.expired += 1;
                        }
                        mismatch
                    }
                    Err(e) => Some(e.to_string()),
                };
                match problem {
                    Some(p) => report.problems.push((row.serial, p)),
                    None if row.state == BadgeState::Revoked => report.revoked += 1,
                    None => {}
                }
            }
        }
        report.genuine = report.checked - report.problems.len();
        Ok(report)
    }

    /// Move this desk onto the shared PostgreSQL ledger at `url`: copy every
    /// badge (under its own serial), issuer key and trusted issuer; read
    /// every copied badge back from the server and check it (all fields
    /// equal to its source row, signature verified, signed claims matching
    /// the row); only when all of them pass, commit and switch the desk over
    /// (its `ledger-url` file). If anything fails, the server keeps nothing
    /// of the copy and the desk stays on its own ledger, which is never
    /// changed either way (it stays as a backup).
    pub fn migrate_to(&mut self, url: &str) -> Result<MigrationReport, DeskError> {
        if !Ledger::is_url(url) {
            return Err(DeskError::Input(format!(
                "{url:?} is not a PostgreSQL URL; give one like postgres://user:password@host/database"
            )));
        }
        if Ledger::is_url(self.ledger.location()) {
            return Err(DeskError::Input(format!(
                "this desk already uses the shared ledger {}",
                self.ledger.location()
            )));
        }
        let mut store: TrustStore<64> = TrustStore::new();
        for issuer in self.ledger.issuers()? {
            store.add(PublicKey::try_from(issuer.public_key.as_slice())?)?;
        }
        let mut target = Ledger::connect(url)?;
        let mut checked = 0u64;
        let copied = target.import_from(&self.ledger, |source, stored| {
            let mut copies = Vec::with_capacity(source.len());
            for s in source {
                let copy = stored
                    .binary_search_by_key(&s.serial, |t| t.serial)
                    .ok()
                    .and_then(|i| stored.get(i))
                    .ok_or_else(|| LedgerError::CopyMismatch {
                        serial: s.serial,
                        what: "it is not in the target ledger".into(),
                    })?;
                if let Some(field) = first_difference(s, copy) {
                    return Err(LedgerError::CopyMismatch {
                        serial: s.serial,
                        what: format!("its {field} differs from this desk's ledger"),
                    });
                }
                copies.push(copy);
            }
            let inputs: Vec<&[u8]> = copies.iter().map(|c| c.cose.as_slice()).collect();
            for (copy, result) in copies
                .iter()
                .zip(tessera_core::verify_batch(&inputs, &store, None, None))
            {
                let problem = match result {
                    Ok(b) => row_mismatch(copy, &b),
                    Err(e) => Some(e.to_string()),
                };
                if let Some(what) = problem {
                    return Err(LedgerError::CopyMismatch {
                        serial: copy.serial,
                        what,
                    });
                }
            }
            checked += copies.len() as u64;
            Ok(())
        })?;
        // The trust decisions kept beside the tables go along, merged with
        // what the shared ledger already holds (an entry per key).
        for key in [DISTRUSTED, COMPROMISED] {
            if let Some(ours) = self.ledger.meta(key)? {
                let theirs = target.meta(key)?.unwrap_or_default();
                target.set_meta(key, &merge_key_entries(&theirs, &ours))?;
            }
        }
        files::write_private(&self.home.join(LEDGER_URL_FILE), url.as_bytes())?;
        let location = target.location().to_string();
        self.ledger = target;
        self.ledger_spec = None;
        Ok(MigrationReport {
            copied,
            checked,
            location,
        })
    }

    /// The signing key with this key id (active or retired).
    pub fn signing_key_for(
        &self,
        kid: &[u8],
        passphrase: &mut dyn FnMut() -> Option<Secret>,
    ) -> Result<SigningKey, DeskError> {
        Ok(keystore::load(
            &keystore::key_path(&self.keys_dir(), kid),
            passphrase,
        )?)
    }

    /// Trust another center's issuer keys (a COSE_Key, JWK, JWK Set or
    /// COSE_KeySet file): returns the keys added; keys already trusted are
    /// left as they are. With several keys each is named `name (kid)`. A
    /// JWK Set from `trust export` also carries that center's status lists
    /// and reasons: they are imported with the keys (also when every key
    /// was trusted before: the file then refreshes them).
    pub fn trust_add(&self, key_file: &[u8], name: &str) -> Result<TrustAdded, DeskError> {
        let file = keyfile::read_trust_file(key_file)?;
        let keys = file.keys;
        let several = keys.len() > 1;
        let mut added = Vec::new();
        for public in keys {
            let kid = public.kid();
            let record = TrustedRecord {
                kid: kid.as_bytes().to_vec(),
                public_key: public.as_bytes().to_vec(),
                name: if several {
                    format!("{} ({kid})", name.trim())
                } else {
                    name.trim().to_string()
                },
                added_at: self.now(),
            };
            if self.ledger.trust(&record)? {
                added.push(record);
            }
        }
        let Some(lists) = file.lists else {
            if added.is_empty() {
                return Err(DeskError::Input(
                    "every key in that file is already trusted".into(),
                ));
            }
            return Ok(TrustAdded {
                keys: added,
                lists: Vec::new(),
            });
        };
        let imported = self
            .import_status_lists_with(&lists, Some(&file.reasons))
            .map_err(|e| {
                DeskError::Input(if added.is_empty() {
                    format!("the status lists that file carries were not imported: {e}")
                } else {
                    format!(
                        "the keys were added, but the status lists the file carries were not imported: {e}"
                    )
                })
            })?;
        Ok(TrustAdded {
            keys: added,
            lists: imported,
        })
    }

    /// The keys this desk trusts (what [`Desk::trust_store`] holds), with
    /// names, for a trust file other centers and kiosks import.
    pub fn trusted_keys(&self) -> Result<Vec<(PublicKey, String)>, DeskError> {
        let (store, _) = self.trust_store()?;
        let issuers = self.ledger.issuers()?;
        let trusted = self.ledger.trusted()?;
        Ok(store
            .iter()
            .map(|i| {
                let bytes = i.key.as_bytes().as_slice();
                let name = issuers
                    .iter()
                    .find(|r| r.public_key == bytes)
                    .map(|r| r.name.clone())
                    .or_else(|| {
                        trusted
                            .iter()
                            .find(|t| t.public_key == bytes)
                            .map(|t| t.name.clone())
                    })
                    // Every key in the store came from one of the two lists.
                    .unwrap_or_else(|| format!("issuer key {}", i.key.kid()));
                (i.key, name)
            })
            .collect())
    }

    /// Stop trusting the key with this hex kid: another center's, or one
    /// of this ledger's own retired keys (a lost or stolen one). Its
    /// badges are then UNKNOWN ISSUER everywhere this desk's trust goes
    /// (the site, `trust export`, the kiosk), and every desk on a shared
    /// ledger stops trusting it too. The active key cannot be removed:
    /// rotate first.
    pub fn trust_remove(&self, kid_hex: &str) -> Result<TrustedRecord, DeskError> {
        let kid = kid_of(kid_hex)?;
        if let Some(t) = self.ledger.trusted()?.into_iter().find(|t| t.kid == kid) {
            self.ledger.untrust(&t.public_key)?;
            return Ok(t);
        }
        let own = self.retired_own_key(&kid, kid_hex, "remove this one")?;
        self.set_key_entry(DISTRUSTED, &own.kid, None)?;
        Ok(TrustedRecord {
            kid: own.kid,
            public_key: own.public_key,
            name: own.name,
            added_at: own.created_at,
        })
    }

    /// Declare one of this ledger's retired keys stolen or compromised
    /// from `since` (Unix seconds): every badge of it issued then or later
    /// is revoked in the ledger with the reason "issuer key compromised",
    /// and its status lists are published closed from then on
    /// ([`tessera_core::status::STATUS_COMPROMISED_SINCE`]): pages and
    /// kiosks refuse its badges issued from `since` and every serial its
    /// lists do not cover, whatever date the thief writes in them. Badges
    /// it issued before stay valid; to refuse them all, give the key's
    /// creation date, or distrust it ([`Desk::trust_remove`]). Every desk
    /// on a shared ledger sees it. Returns the serials revoked now.
    pub fn declare_compromised(&self, kid_hex: &str, since: i64) -> Result<Vec<u32>, DeskError> {
        let kid = kid_of(kid_hex)?;
        self.retired_own_key(&kid, kid_hex, "declare this one compromised")?;
        self.set_key_entry(COMPROMISED, &kid, Some(&since.to_string()))?;
        let mut revoked = Vec::new();
        let badges = self.ledger.list(&Filter {
            kid: Some(kid),
            ..Filter::default()
        })?;
        for b in badges {
            if b.issued_at >= since && b.state != BadgeState::Revoked {
                self.ledger
                    .revoke(b.serial, "issuer key compromised", self.now())?;
                revoked.push(b.serial);
            }
        }
        revoked.sort_unstable();
        Ok(revoked)
    }

    /// This ledger's keys declared compromised, with from when (see
    /// [`Desk::declare_compromised`]).
    pub fn compromised(&self) -> Result<Vec<(Vec<u8>, i64)>, DeskError> {
        Ok(self
            .key_entries(COMPROMISED)?
            .into_iter()
            .filter_map(|(kid, since)| Some((kid, since?.parse().ok()?)))
            .collect())
    }

    /// This ledger's own keys that are no longer trusted (see
    /// [`Desk::trust_remove`]).
    pub fn distrusted(&self) -> Result<Vec<Vec<u8>>, DeskError> {
        Ok(self
            .key_entries(DISTRUSTED)?
            .into_iter()
            .map(|(kid, _)| kid)
            .collect())
    }

    /// The per-key entries of the ledger's meta entry `name`
    /// (`kidhex[:value]`, comma-separated): what every desk on the ledger
    /// decides about its keys.
    fn key_entries(&self, name: &str) -> Result<Vec<KeyEntry>, DeskError> {
        Ok(self
            .ledger
            .meta(name)?
            .unwrap_or_default()
            .split(',')
            .filter_map(|entry| {
                let (kid, value) = match entry.trim().split_once(':') {
                    Some((k, v)) => (k, Some(v.to_string())),
                    None => (entry.trim(), None),
                };
                Some((hex::decode(kid).ok().filter(|k| !k.is_empty())?, value))
            })
            .collect())
    }

    /// Set key `kid`'s entry in the meta entry `name` (see
    /// [`Desk::key_entries`]), replacing any earlier one.
    fn set_key_entry(&self, name: &str, kid: &[u8], value: Option<&str>) -> Result<(), DeskError> {
        let mine = match value {
            Some(v) => format!("{}:{v}", hex::encode(kid)),
            None => hex::encode(kid),
        };
        let all = self.ledger.meta(name)?.unwrap_or_default();
        Ok(self
            .ledger
            .set_meta(name, &merge_key_entries(&all, &mine))?)
    }

    /// This ledger's retired key `kid` (written `kid_hex`), or why it is
    /// not one; `then` says what to do after rotating an active one.
    fn retired_own_key(
        &self,
        kid: &[u8],
        kid_hex: &str,
        then: &str,
    ) -> Result<IssuerRecord, DeskError> {
        let Some(own) = self.ledger.issuers()?.into_iter().find(|i| i.kid == kid) else {
            return Err(DeskError::Input(format!(
                "no trusted issuer has the key id {kid_hex}, nor has any of this ledger's own keys (`tessera trust list`, `tessera key list`)"
            )));
        };
        if own.retired_at.is_none() {
            return Err(DeskError::Input(format!(
                "{kid_hex} is an active issuer key: make a new one first (`tessera key rotate`), then {then}"
            )));
        }
        Ok(own)
    }

    /// The card image (NDEF TLV, record, terminator) of a ledger badge.
    pub fn card_image(&self, serial: u32) -> Result<Vec<u8>, DeskError> {
        card::card_image_of(&self.ledger.badge(serial)?.cose)
    }

    /// One ledger badge.
    pub fn badge(&self, serial: u32) -> Result<BadgeRecord, DeskError> {
        Ok(self.ledger.badge(serial)?)
    }

    /// Ledger badges matching `filter`, newest first.
    pub fn badges(&self, filter: &Filter) -> Result<Vec<BadgeRecord>, DeskError> {
        Ok(self.ledger.list(filter)?)
    }

    /// One page of the badges matching `filter`, newest first.
    pub fn badge_page(&self, filter: &Filter, page: Page) -> Result<Vec<BadgeRecord>, DeskError> {
        Ok(self.ledger.page(filter, page)?)
    }

    /// How many badges match `filter`; with `cap`, counting stops there
    /// (see [`Ledger::count_up_to`]).
    pub fn badge_count(&self, filter: &Filter, cap: Option<u64>) -> Result<u64, DeskError> {
        Ok(match cap {
            Some(cap) => self.ledger.count_up_to(filter, cap)?,
            None => self.ledger.count_matching(filter)?,
        })
    }

    /// The serial the next badge issued will get.
    pub fn next_serial(&self) -> Result<u32, DeskError> {
        Ok(self.ledger.next_serial()?)
    }

    /// Record the candidate's answer (accepted or declined) or another
    /// lifecycle step the ledger allows.
    pub fn mark(&self, serial: u32, state: BadgeState) -> Result<(), DeskError> {
        if !matches!(state, BadgeState::Accepted | BadgeState::Declined) {
            return Err(DeskError::Input(format!(
                "{state}: a badge is marked accepted or declined (written comes from writing a card, revoked from revoking)"
            )));
        }
        Ok(self.ledger.set_state(serial, state, None)?)
    }

    /// Mark a badge private (left out of sharing) or shareable.
    pub fn set_private(&self, serial: u32, private: bool) -> Result<(), DeskError> {
        Ok(self.ledger.set_private(serial, private)?)
    }

    /// Every issuer key of this desk, newest first.
    pub fn issuers(&self) -> Result<Vec<IssuerRecord>, DeskError> {
        Ok(self.ledger.issuers()?)
    }

    /// Other centers' issuers this desk trusts.
    pub fn trusted(&self) -> Result<Vec<TrustedRecord>, DeskError> {
        Ok(self.ledger.trusted()?)
    }

    /// Accept (or stop accepting) badges of this desk's retired demo issuer.
    pub fn set_trust_demo(&self, on: bool) -> Result<(), DeskError> {
        Ok(self
            .ledger
            .set_meta("trust_demo", if on { "yes" } else { "no" })?)
    }

    /// Set up this desk's first real issuer key (`passphrase`) or the demo
    /// issuer (`None`). Refused when a real key is already set up: that is
    /// what [`Desk::rotate`] is for.
    pub fn setup(
        &self,
        passphrase: Option<&Secret>,
        name: &str,
    ) -> Result<IssuerRecord, DeskError> {
        if let Some(active) = self.active_issuer()?
            && !active.demo
        {
            return Err(DeskError::AlreadySetUp {
                kid: hex::encode(&active.kid),
                name: active.name,
            });
        }
        match passphrase {
            Some(p) => self.init(Some(p), name),
            None => self.init(None, DEMO_NAME),
        }
    }

    /// Make a new issuer key and retire the active one (it keeps verifying
    /// its badges). The name defaults to the current issuer's, or to
    /// [`DEFAULT_ISSUER_NAME`] when the demo issuer is being replaced.
    /// Returns the old and the new issuer.
    ///
    /// `passphrase` must open the active key (whoever rotates must hold
    /// it: a new key is trusted by every desk on a shared ledger), and the
    /// new key is sealed with it, so one passphrase opens all of this
    /// desk's keys (see [`Desk::unlock`]). Replacing the demo issuer, which
    /// has none, it is the new key's passphrase.
    pub fn rotate(
        &self,
        passphrase: &Secret,
        name: Option<&str>,
    ) -> Result<(IssuerRecord, IssuerRecord), DeskError> {
        let old = self.issuer()?;
        if !old.demo {
            // Refused before anything is made when it does not open the key.
            self.signing_key_for(&old.kid, &mut || Some(passphrase.clone()))?;
        }
        let name = match name {
            Some(n) => n.to_string(),
            None if old.demo => DEFAULT_ISSUER_NAME.to_string(),
            None => old.name.clone(),
        };
        let new = self.init(Some(passphrase), &name)?;
        Ok((old, new))
    }
}
