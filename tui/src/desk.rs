//! The desk: one test center's data directory (ledger, issuer keys,
//! published status list) and every operation staff perform. The CLI and
//! the TUI both call these functions, so they behave the same.

use std::path::{Path, PathBuf};

use tessera_core::ndef::{card_image_len, encode_card_image};
use tessera_core::sizes::{MAX_STATUS_LIST_LEN, MAX_STATUS_SERIALS};
use tessera_core::status::{bits_len, set_revoked};
use tessera_core::{
    BadgeBuilder, BadgeClaims, Error as CoreError, Profile, PublicKey, Salt, SigningKey,
    StatusListBuilder, Subject, TrustStore,
};
use zeroize::Zeroizing;

use crate::keystore::{self, KeyError};
use crate::ledger::{
    BadgeRecord, BadgeState, Filter, IssuerRecord, Ledger, LedgerError, NewBadge, TrustedRecord,
};
use crate::verdict::{self, Verdict};

/// Name of the demo issuer, shown on every verdict of its badges.
pub const DEMO_NAME: &str = "DEMO Test Center (not a real issuer)";

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
    /// Bad input from the user.
    #[error("{0}")]
    Input(String),
    /// File system problem.
    #[error("cannot use {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// No issuer key set up.
    #[error(
        "no issuer key is set up: run `tessera init` (or `tessera init --demo` to try things out)"
    )]
    NoIssuer,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> DeskError + '_ {
    move |source| DeskError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The formats a badge can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// The signed badge, COSE_Sign1 bytes.
    Cbor,
    /// The exact card image written to a tag (TLV, record, terminator).
    Ndef,
    /// The QR text (`TSR1:` + base45).
    QrText,
    /// The QR code as PNG.
    QrPng,
    /// The QR code as SVG.
    QrSvg,
    /// The QR code drawn with Unicode half blocks, for a terminal.
    QrTerminal,
    /// A baked Open Badges 3.0 image: picture + VC-JWT in `iTXt`.
    BakedPng,
    /// The Open Badges 3.0 credential as a VC-JWT (EdDSA).
    VcJwt,
    /// The Open Badges 3.0 credential as plain JSON.
    Ob3Json,
}

impl ExportFormat {
    /// Every format, in menu order.
    pub const ALL: [Self; 9] = [
        Self::Cbor,
        Self::Ndef,
        Self::QrText,
        Self::QrPng,
        Self::QrSvg,
        Self::QrTerminal,
        Self::BakedPng,
        Self::VcJwt,
        Self::Ob3Json,
    ];

    /// What people call it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Cbor => "badge file (.cbor)",
            Self::Ndef => "card image (NDEF)",
            Self::QrText => "QR text",
            Self::QrPng => "QR code PNG",
            Self::QrSvg => "QR code SVG",
            Self::QrTerminal => "QR code for the terminal",
            Self::BakedPng => "baked badge image (Open Badges PNG)",
            Self::VcJwt => "Open Badges VC-JWT",
            Self::Ob3Json => "Open Badges JSON",
        }
    }

    /// File name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Cbor => "cbor",
            Self::Ndef => "ndef",
            Self::QrText => "qr.txt",
            Self::QrPng => "qr.png",
            Self::QrSvg => "qr.svg",
            Self::QrTerminal => "qr-terminal.txt",
            Self::BakedPng => "png",
            Self::VcJwt => "jwt",
            Self::Ob3Json => "ob3.json",
        }
    }

    /// Binary output (never printed to a terminal).
    pub fn is_binary(self) -> bool {
        matches!(self, Self::Cbor | Self::Ndef | Self::QrPng | Self::BakedPng)
    }

    /// Needs the issuer's signing key.
    pub fn needs_key(self) -> bool {
        matches!(self, Self::BakedPng | Self::VcJwt)
    }

    /// Meant for showing to others (refused for revoked or private badges).
    pub fn is_for_sharing(self) -> bool {
        !matches!(self, Self::Cbor | Self::Ndef)
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
}

/// The current time, Unix seconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A request to issue one badge, as typed by staff or read from a CSV row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueRequest {
    /// Recipient e-mail address or candidate id.
    pub recipient: String,
    /// Achievement id (short code, e.g. `RUST-101`).
    pub achievement: String,
    /// Achievement name (standard profile).
    pub title: Option<String>,
    /// Profile.
    pub profile: Option<Profile>,
    /// Display name to put on the card (the recipient's choice).
    pub display_name: Option<String>,
    /// Expiry date, `YYYY-MM-DD` (end of that day, UTC).
    pub expires: Option<String>,
    /// Evidence URL.
    pub evidence: Option<String>,
    /// Level.
    pub level: Option<u8>,
    /// Keep out of sharing listings and exports.
    pub private: bool,
}

/// What is wrong with a request, per field, for validation as you type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field (`recipient`, `achievement`, ...).
    pub field: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Check an e-mail address or candidate id loosely but usefully.
pub fn check_recipient(r: &str) -> Result<(), String> {
    let r = r.trim();
    if r.is_empty() {
        return Err("enter the candidate's e-mail address or candidate id".into());
    }
    if r.contains('@') {
        let (local, domain) = r.rsplit_once('@').unwrap_or(("", ""));
        if local.is_empty()
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || r.contains(' ')
        {
            return Err(format!(
                "{r:?} is not a valid e-mail address (expected name@example.org)"
            ));
        }
    } else if r.contains(' ') || r.len() > 64 {
        return Err(format!(
            "{r:?} is neither an e-mail address nor a candidate id (no spaces, at most 64 characters)"
        ));
    }
    Ok(())
}

/// Parse `YYYY-MM-DD` to the end of that day (UTC), Unix seconds.
pub fn parse_date(s: &str) -> Result<i64, String> {
    let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date; write it as YYYY-MM-DD, e.g. 2029-09-01"))?;
    let end = d
        .and_hms_opt(23, 59, 59)
        .ok_or_else(|| format!("{s:?} is not a date"))?;
    Ok(end.and_utc().timestamp() + 1)
}

impl IssueRequest {
    /// The profile: asked for, or mini when the request fits it.
    pub fn effective_profile(&self) -> Profile {
        self.profile.unwrap_or(Profile::Standard)
    }

    /// Every problem with the request (empty when it can be issued).
    pub fn problems(&self, now: i64) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let mut p = |field, message: String| out.push(FieldProblem { field, message });
        if let Err(m) = check_recipient(&self.recipient) {
            p("recipient", m);
        }
        let ach = self.achievement.trim();
        let profile = self.effective_profile();
        let id_max = match profile {
            Profile::Mini => tessera_core::sizes::MINI_MAX_ACHIEVEMENT_ID_LEN,
            Profile::Standard => tessera_core::sizes::MAX_ACHIEVEMENT_ID_LEN,
        };
        if ach.is_empty() {
            p(
                "achievement",
                "enter the achievement code, e.g. RUST-101".into(),
            );
        } else if ach.len() > id_max {
            p(
                "achievement",
                format!(
                    "the achievement code is {} bytes; the {} profile allows {id_max}",
                    ach.len(),
                    profile.name()
                ),
            );
        }
        if let Some(e) = &self.expires {
            match parse_date(e) {
                Ok(t) if t <= now => p("expires", "the expiry date is in the past".into()),
                Ok(_) => {}
                Err(m) => p("expires", m),
            }
        }
        if profile == Profile::Mini {
            for (set, field) in [
                (self.title.is_some(), "title"),
                (self.display_name.is_some(), "display name"),
                (self.expires.is_some(), "expires"),
                (self.evidence.is_some(), "evidence"),
            ] {
                if set {
                    p(
                        if field == "display name" {
                            "display_name"
                        } else {
                            field
                        },
                        format!(
                            "the mini profile has no {field}; leave it empty or choose standard"
                        ),
                    );
                }
            }
        }
        let limits = [
            (
                "title",
                self.title.as_deref(),
                tessera_core::sizes::MAX_ACHIEVEMENT_NAME_LEN,
            ),
            (
                "display_name",
                self.display_name.as_deref(),
                tessera_core::sizes::MAX_DISPLAY_NAME_LEN,
            ),
            (
                "evidence",
                self.evidence.as_deref(),
                tessera_core::sizes::MAX_EVIDENCE_LEN,
            ),
        ];
        for (field, value, max) in limits {
            if let Some(v) = value
                && v.len() > max
            {
                p(field, format!("too long: {} bytes, at most {max}", v.len()));
            }
        }
        out
    }
}

/// One test center's data: a directory with the ledger and key files.
pub struct Desk {
    home: PathBuf,
    ledger: Ledger,
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
    /// Open the data directory (creating it and the ledger if needed).
    pub fn open(home: &Path) -> Result<Self, DeskError> {
        std::fs::create_dir_all(home).map_err(io_err(home))?;
        let ledger = Ledger::open(&home.join("ledger.sqlite"))?;
        Ok(Self {
            home: home.to_path_buf(),
            ledger,
        })
    }

    /// Open, and on first run set up the labelled demo issuer, so the app
    /// works with one command.
    pub fn open_or_demo(home: &Path) -> Result<Self, DeskError> {
        let desk = Self::open(home)?;
        if desk.ledger.issuers()?.is_empty() {
            desk.init(None, DEMO_NAME)?;
        }
        Ok(desk)
    }

    /// The data directory.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// The ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    fn keys_dir(&self) -> PathBuf {
        self.home.join("keys")
    }

    /// Create a new issuer key and make it the active one; older keys are
    /// retired (they keep verifying their badges). `passphrase = None`
    /// makes the unencrypted demo issuer.
    pub fn init(&self, passphrase: Option<&str>, name: &str) -> Result<IssuerRecord, DeskError> {
        if name.trim().is_empty() || name.len() > tessera_core::sizes::MAX_ISSUER_LEN {
            return Err(DeskError::Input(format!(
                "the issuer name must be 1 to {} bytes",
                tessera_core::sizes::MAX_ISSUER_LEN
            )));
        }
        let key = SigningKey::from_seed(keystore::random_bytes::<32>())?;
        keystore::save(&self.keys_dir(), &key, passphrase)?;
        let record = IssuerRecord {
            kid: key.kid().as_bytes().to_vec(),
            public_key: key.public_key().as_bytes().to_vec(),
            name: name.trim().to_string(),
            demo: passphrase.is_none(),
            created_at: now(),
            retired_at: None,
        };
        self.ledger.add_issuer(&record)?;
        self.ledger.retire_others(&record.kid, now())?;
        Ok(record)
    }

    /// The active issuer.
    pub fn issuer(&self) -> Result<IssuerRecord, DeskError> {
        self.ledger.active_issuer()?.ok_or(DeskError::NoIssuer)
    }

    /// Unlock the active issuer's signing key.
    pub fn signing_key(
        &self,
        passphrase: &mut dyn FnMut() -> Option<Zeroizing<String>>,
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
        let active = self.ledger.active_issuer()?;
        let trust_demo = active.as_ref().is_some_and(|a| a.demo)
            || self.ledger.meta("trust_demo")?.as_deref() == Some("yes");
        let mut demo_kids = Vec::new();
        for issuer in self.ledger.issuers()? {
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

    /// Build the claims for `req` (after [`IssueRequest::problems`]).
    fn new_badge(&self, req: &IssueRequest, now: i64) -> Result<NewBadge, DeskError> {
        if let Some(p) = req.problems(now).first() {
            return Err(DeskError::Input(format!("{}: {}", p.field, p.message)));
        }
        let salt: [u8; tessera_core::sizes::SALT_LEN] = keystore::random_bytes();
        let subject = Subject::commit(&Salt::from(salt), &req.recipient);
        Ok(NewBadge {
            recipient: req.recipient.trim().to_string(),
            salt: salt.to_vec(),
            subject: subject.as_str().to_string(),
            achievement_id: req.achievement.trim().to_string(),
            achievement_name: req.title.clone(),
            profile: req.effective_profile().name().to_string(),
            display_name: req.display_name.clone(),
            issued_at: now,
            expires_at: req
                .expires
                .as_deref()
                .map(parse_date)
                .transpose()
                .map_err(DeskError::Input)?,
            private: req.private,
        })
    }

    /// Issue one badge: sign and record it.
    pub fn issue(
        &mut self,
        key: &SigningKey,
        req: &IssueRequest,
    ) -> Result<BadgeRecord, DeskError> {
        let issuer = self.issuer()?;
        let b = self.new_badge(req, now())?;
        let mut records = self.issue_rows(key, &issuer, &[b], &mut |_| true)?;
        records
            .pop()
            .ok_or_else(|| DeskError::Input("nothing was issued".into()))
    }

    /// Issue many badges in one transaction; `progress(done)` returning
    /// false cancels (nothing is recorded).
    pub fn issue_many(
        &mut self,
        key: &SigningKey,
        reqs: &[IssueRequest],
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<Vec<BadgeRecord>, DeskError> {
        let issuer = self.issuer()?;
        let t = now();
        let rows = reqs
            .iter()
            .map(|r| self.new_badge(r, t))
            .collect::<Result<Vec<_>, _>>()?;
        self.issue_rows(key, &issuer, &rows, progress)
    }

    fn issue_rows(
        &mut self,
        key: &SigningKey,
        issuer: &IssuerRecord,
        rows: &[NewBadge],
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<Vec<BadgeRecord>, DeskError> {
        if key.kid().as_bytes().as_slice() != issuer.kid.as_slice() {
            return Err(DeskError::Input(
                "the unlocked key is not the active issuer key".into(),
            ));
        }
        let name = issuer.name.clone();
        let kid = issuer.kid.clone();
        // Borrow split: signing needs only the key and name, not the ledger.
        let signer = |serial: u32, b: &NewBadge| -> Result<Vec<u8>, DeskError> {
            sign_badge(key, &name, serial, b)
        };
        let ledger = &mut self.ledger;
        ledger.issue_batch(&kid, rows, signer, progress)
    }

    /// Revoke a badge and publish a new signed status list; returns its path.
    pub fn revoke(
        &mut self,
        key: &SigningKey,
        serial: u32,
        reason: &str,
    ) -> Result<PathBuf, DeskError> {
        if reason.trim().is_empty() {
            return Err(DeskError::Input(
                "give a reason for the revocation (it is kept in the ledger)".into(),
            ));
        }
        let badge = self.ledger.badge(serial)?;
        if badge.kid != key.kid().as_bytes() {
            return Err(DeskError::Input(format!(
                "badge {serial} was signed by the retired key {}; revoke it with that key's status list",
                hex::encode(&badge.kid)
            )));
        }
        self.ledger.revoke(serial, reason.trim(), now())?;
        self.publish_status_list(key, None)
    }

    /// Sign the current status list of the active issuer and write it to
    /// `out` (default `status-list.cbor` in the data directory). Valid for
    /// 7 days: kiosks call an older list stale.
    pub fn publish_status_list(
        &self,
        key: &SigningKey,
        out: Option<&Path>,
    ) -> Result<PathBuf, DeskError> {
        let bytes = self.status_list(key)?;
        let path = out.map_or_else(|| self.home.join("status-list.cbor"), Path::to_path_buf);
        write_atomic(&path, &bytes)?;
        Ok(path)
    }

    /// The signed status list bytes.
    pub fn status_list(&self, key: &SigningKey) -> Result<Vec<u8>, DeskError> {
        let (revoked, max) = self.ledger.revocations(key.kid().as_bytes())?;
        let first = max.saturating_sub(MAX_STATUS_SERIALS - 1).max(1);
        let count = if max == 0 { 0 } else { max - first + 1 };
        let mut bits = vec![0u8; bits_len(count)];
        for s in revoked.into_iter().filter(|s| *s >= first) {
            set_revoked(&mut bits, s - first)?;
        }
        let issued_at = u64::try_from(now()).unwrap_or(0);
        let mut out = vec![0u8; MAX_STATUS_LIST_LEN];
        let n = StatusListBuilder {
            issued_at,
            expires: Some(issued_at + 7 * 86_400),
            first,
            count,
            bits: &bits,
        }
        .sign(key, &mut out)?;
        out.truncate(n);
        Ok(out)
    }

    /// Verify badge input (COSE bytes, a card image, QR text or a card dump)
    /// against this desk's trust and ledger.
    pub fn check(&self, input: &[u8], card_uid: Option<&[u8]>) -> Verdict {
        match self.trust_store() {
            Ok((store, demo)) => {
                verdict::check(input, card_uid, &store, &demo, &self.ledger, now())
            }
            Err(e) => Verdict::error(&format!("cannot load the trusted issuers: {e}")),
        }
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
        let rows = self.ledger.list(&Filter::default())?;
        let inputs: Vec<&[u8]> = rows.iter().map(|r| r.cose.as_slice()).collect();
        let now = u64::try_from(now()).unwrap_or(0);
        // No time: an expired badge must still have its row compared.
        let results = tessera_core::verify_batch(&inputs, &store, None, None);
        let mut report = AuditReport {
            checked: rows.len(),
            ..AuditReport::default()
        };
        for (row, result) in rows.iter().zip(results) {
            let problem = match result {
                Ok(b)
                    if b.claims.serial != row.serial
                        || b.kid.as_bytes() != row.kid.as_slice()
                        || b.claims.subject != row.subject
                        || b.claims.achievement_id != row.achievement_id =>
                {
                    Some("the ledger row does not match the badge it signed".to_string())
                }
                Ok(b) => {
                    if b.claims.expires.is_some_and(|exp| now >= exp) {
                        report.expired += 1;
                    }
                    None
                }
                Err(e) => Some(e.to_string()),
            };
            match problem {
                Some(p) => report.problems.push((row.serial, p)),
                None if row.state == BadgeState::Revoked => report.revoked += 1,
                None => {}
            }
        }
        report.genuine = report.checked - report.problems.len();
        Ok(report)
    }

    /// The signing key with this key id (active or retired).
    pub fn signing_key_for(
        &self,
        kid: &[u8],
        passphrase: &mut dyn FnMut() -> Option<Zeroizing<String>>,
    ) -> Result<SigningKey, DeskError> {
        Ok(keystore::load(
            &keystore::key_path(&self.keys_dir(), kid),
            passphrase,
        )?)
    }

    /// The ledger record of a badge that may be exported in `format`:
    /// revoked and private badges are not shared (card formats are fine).
    pub fn exportable(&self, serial: u32, format: ExportFormat) -> Result<BadgeRecord, DeskError> {
        let record = self.ledger.badge(serial)?;
        if format.is_for_sharing() {
            if record.state == BadgeState::Revoked {
                return Err(DeskError::Input(format!(
                    "badge {serial} is revoked; it cannot be shared"
                )));
            }
            if record.private {
                return Err(DeskError::Input(format!(
                    "badge {serial} is private (the candidate did not want it shared); `tessera ledger private {serial} off` makes it shareable"
                )));
            }
        }
        Ok(record)
    }

    /// A ledger badge in a sharing or card format. `signer` is the key that
    /// signed the badge, needed for the VC-JWT and the baked image
    /// ([`ExportFormat::needs_key`]).
    pub fn export(
        &self,
        serial: u32,
        format: ExportFormat,
        signer: Option<&SigningKey>,
    ) -> Result<Vec<u8>, DeskError> {
        let record = self.exportable(serial, format)?;
        let qr_err = |e: crate::qr::QrError| DeskError::Input(e.to_string());
        match format {
            ExportFormat::Cbor => return Ok(record.cose),
            ExportFormat::Ndef => return self.card_image(serial),
            ExportFormat::QrText => {
                return Ok(format!("{}\n", crate::qr::to_text(&record.cose)).into_bytes());
            }
            ExportFormat::QrPng => return crate::qr::to_png(&record.cose).map_err(qr_err),
            ExportFormat::QrTerminal => {
                return crate::qr::to_terminal(&record.cose)
                    .map(|q| format!("{q}\n").into_bytes())
                    .map_err(qr_err);
            }
            ExportFormat::QrSvg => {
                return crate::qr::to_svg(&record.cose)
                    .map(String::into_bytes)
                    .map_err(qr_err);
            }
            _ => {}
        }
        // The credential formats are built from the verified badge.
        let issuer = self
            .ledger
            .issuers()?
            .into_iter()
            .find(|i| i.kid == record.kid)
            .ok_or_else(|| {
                DeskError::Input(format!(
                    "badge {serial} names an issuer key this desk does not have"
                ))
            })?;
        let mut store: TrustStore<1> = TrustStore::new();
        store.add(PublicKey::try_from(issuer.public_key.as_slice())?)?;
        let badge = tessera_core::verify(&record.cose, &store, None, None)?;
        let code = crate::cli::claim_code(&record.salt);
        let credential = crate::share::credential(&crate::share::CredentialInput {
            cose: &record.cose,
            badge: &badge,
            issuer_name: &issuer.name,
            identity: Some((&record.recipient, &code)),
        });
        if format == ExportFormat::Ob3Json {
            let mut text = serde_json::to_string_pretty(&credential).unwrap_or_default();
            text.push('\n');
            return Ok(text.into_bytes());
        }
        let signer = signer
            .filter(|k| k.public_key() == badge.issuer_key)
            .ok_or_else(|| {
                DeskError::Input(format!(
                    "a {} is signed with the key that signed badge {serial} (key {}); unlock that key",
                    format.label(),
                    hex::encode(&record.kid)
                ))
            })?;
        let jwt = crate::share::vc_jwt(&credential, &badge, signer).map_err(DeskError::Input)?;
        if format == ExportFormat::VcJwt {
            return Ok(format!("{jwt}\n").into_bytes());
        }
        let c = &badge.claims;
        let valid_until = c.expires.map(|e| {
            format!(
                "valid until {}",
                verdict::expiry_date(i64::try_from(e).unwrap_or(i64::MAX))
            )
        });
        let face = crate::picture::BadgeFace {
            title: c.achievement_name.unwrap_or(c.achievement_id),
            code: c.achievement_id,
            issuer: c.issuer.unwrap_or(&issuer.name),
            issued: &verdict::date(i64::try_from(c.issued_at).unwrap_or(i64::MAX)),
            valid_until: valid_until.as_deref(),
            serial,
            demo: issuer.demo,
        };
        crate::share::bake(&face, &jwt).map_err(DeskError::Input)
    }

    /// [`Desk::check`] for many inputs, with batch signature verification.
    pub fn check_many(&self, inputs: &[&[u8]]) -> Vec<Verdict> {
        match self.trust_store() {
            Ok((store, demo)) => verdict::check_many(inputs, &store, &demo, &self.ledger, now()),
            Err(e) => {
                let v = Verdict::error(&format!("cannot load the trusted issuers: {e}"));
                vec![v; inputs.len()]
            }
        }
    }

    /// Trust another center's issuer keys (a COSE_Key, JWK, JWK Set or
    /// COSE_KeySet file): returns the keys added; keys already trusted are
    /// left as they are. With several keys each is named `name (kid)`.
    pub fn trust_add(&self, key_file: &[u8], name: &str) -> Result<Vec<TrustedRecord>, DeskError> {
        let keys = crate::export::parse_public_keys(key_file)?;
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
                added_at: now(),
            };
            if self.ledger.trust(&record)? {
                added.push(record);
            }
        }
        if added.is_empty() {
            return Err(DeskError::Input(
                "every key in that file is already trusted".into(),
            ));
        }
        Ok(added)
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
                    .unwrap_or_default();
                (i.key, name)
            })
            .collect())
    }

    /// Stop trusting the key with this hex kid.
    pub fn trust_remove(&self, kid_hex: &str) -> Result<TrustedRecord, DeskError> {
        let kid = hex::decode(kid_hex.trim())
            .map_err(|_| DeskError::Input(format!("{kid_hex:?} is not a key id in hex")))?;
        let found = self.ledger.trusted()?.into_iter().find(|t| t.kid == kid);
        let Some(t) = found else {
            return Err(DeskError::Input(format!(
                "no trusted issuer has the key id {kid_hex} (`tessera trust list`)"
            )));
        };
        self.ledger.untrust(&t.public_key)?;
        Ok(t)
    }

    /// The card image (NDEF TLV, record, terminator) of a ledger badge.
    pub fn card_image(&self, serial: u32) -> Result<Vec<u8>, DeskError> {
        let b = self.ledger.badge(serial)?;
        let mut out = vec![0u8; card_image_len(b.cose.len())];
        encode_card_image(&b.cose, &mut out)?;
        Ok(out)
    }
}

fn sign_badge(
    key: &SigningKey,
    issuer_name: &str,
    serial: u32,
    b: &NewBadge,
) -> Result<Vec<u8>, DeskError> {
    let profile = if b.profile == "mini" {
        Profile::Mini
    } else {
        Profile::Standard
    };
    let mut claims = BadgeClaims::new(
        &b.subject,
        serial,
        u64::try_from(b.issued_at).unwrap_or(0),
        &b.achievement_id,
    );
    if profile == Profile::Standard {
        claims.issuer = Some(issuer_name);
        claims.achievement_name = b.achievement_name.as_deref();
        claims.display_name = b.display_name.as_deref();
        claims.expires = b.expires_at.and_then(|e| u64::try_from(e).ok());
    }
    let mut buf = [0u8; 1024];
    let len = BadgeBuilder::new(profile, claims).sign(key, &mut buf)?;
    Ok(buf.get(..len).map(<[u8]>::to_vec).unwrap_or_default())
}

/// Write a file atomically (temp file, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), DeskError> {
    use std::io::Write;
    let tmp = path.with_extension("partial");
    let mut f = std::fs::File::create(&tmp).map_err(io_err(&tmp))?;
    f.write_all(bytes).map_err(io_err(&tmp))?;
    f.sync_all().map_err(io_err(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io_err(path))?;
    Ok(())
}
