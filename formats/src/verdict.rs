//! One verdict pipeline for the desk and the page: from any input to one
//! [`Report`], so a fix to how a verdict is reached lands once.
//!
//! What differs between verifiers is what they know, not how they judge:
//! the trusted keys and their names, the status lists they hold, the
//! reasons published with them, and for the desk its ledger (a badge it
//! issued, revoked or suspended there before any list said so; a key
//! declared compromised) and Data Integrity proofs, which the page cannot
//! check. That is the [`Knowledge`] a verifier gives [`check`]; the steps,
//! their order and every sentence of the report are here:
//!
//! 1. [`classify`](crate::classify) the input; a file around the badge is
//!    judged first: a VC-JWT's signature ([`credential::verify_jwt`]), a
//!    Data Integrity proof ([`Knowledge::proof`]), another issuer's
//!    credential without a compact badge ([`Knowledge::whole_credential`]);
//! 2. the badge's signature by a trusted key and its dates (the core);
//! 3. the card it was read from (a card-bound badge on another card is a
//!    clone);
//! 4. the file around it: signed by the badge's issuer, saying what the
//!    badge says ([`credential::check_matches`]), or FORGED;
//! 5. the verifier's own say on the key ([`Knowledge::vouch`]: the desk's
//!    compromised keys);
//! 6. the status list chosen by the key that verified the signature and the
//!    serial ([`Knowledge::lists_for`]; one that should answer and does not
//!    verify fails closed);
//! 7. the verifier's own record of the badge ([`Knowledge::record`]: the
//!    desk knows what it revoked or suspended before any list says so, and
//!    that a badge its own key signed and it never issued is not its own).
//!
//! Core errors map to verdicts in one place, [`tessera_core::Error::verdict`],
//! which the kiosk firmware uses too; each report names the core error by
//! its stable [`code`](tessera_core::Error::code).

use serde::ser::SerializeStruct as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tessera_core::{CoseSign1, Error, PublicKey, Salt, StatusList, TrustStore, Verdict};
use tessera_core::{VerifiedBadge, status};

use crate::credential::{self, CredentialError};
use crate::input::{Input, InputError, Via};
use crate::shared::SharedError;
use crate::text::{CardRead, card_bound_valid, date, expiry_date};

/// Why one badge was revoked or suspended, as its issuer published it (or
/// the desk's ledger records it).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct Reason {
    /// Issuer key id, hex.
    pub kid: String,
    /// Badge serial.
    pub serial: u32,
    /// ISO date.
    pub date: String,
    /// The reason recorded by the issuer.
    pub reason: String,
}

/// What a badge says, for display and JSON.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BadgeView {
    /// Serial (0 for another issuer's credential, which has none).
    pub serial: u32,
    /// The trust list's name for the key that verified it, with any other
    /// name the badge gives itself marked as claimed ([`issuer_shown`]).
    pub issuer: String,
    /// Issuer key id, hex.
    pub kid: String,
    /// Achievement code.
    pub achievement_id: String,
    /// Achievement name.
    pub achievement_name: Option<String>,
    /// Name shown on the card.
    pub display_name: Option<String>,
    /// Issued (ISO date).
    pub issued: String,
    /// Last valid day (ISO date).
    pub expires: Option<String>,
    /// Level, for programs with grades.
    pub level: Option<u8>,
    /// Evidence URL.
    pub evidence: Option<String>,
    /// The recipient, from the records of the verifier that issued it (the
    /// desk's ledger).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// The credential's `id`, for an Open Badges credential of another
    /// issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
}

/// Whose badge it is, when the viewer was told.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HolderView {
    /// The e-mail address or candidate id given.
    pub identity: String,
    /// The badge's recipient commitment matches that identity and claim
    /// code.
    pub belongs: bool,
}

/// Who the viewer was told holds the badge: the identity and the claim code
/// the candidate gave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// E-mail address or candidate id.
    pub identity: String,
    /// The claim code (the recipient salt).
    pub salt: Salt,
}

/// A verdict with its reason: what every verifier shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The verdict.
    pub verdict: Verdict,
    /// The core error behind it, by its stable code (for translations).
    pub error: Option<&'static str>,
    /// Why, in plain words, with what to do.
    pub reason: String,
    /// Signed by a labelled demo issuer: not a real certification.
    pub demo: bool,
    /// How the badge came, when the input was read.
    pub via: Option<Via>,
    /// The badge, when its signature holds (also when expired or revoked).
    pub badge: Option<BadgeView>,
    /// The holder check, when one was asked for and the badge was read.
    pub holder: Option<HolderView>,
    /// Why it was revoked or suspended, when that is known.
    pub revocation: Option<Reason>,
    /// Issue date of the status list it was checked against.
    pub revocations_as_of: Option<String>,
    /// Said next to the verdict ("retired certification", "another
    /// issuer's Open Badge").
    pub note: Option<String>,
}

impl Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut r = s.serialize_struct("Report", 11)?;
        r.serialize_field("verdict", self.verdict.code())?;
        r.serialize_field("headline", self.verdict.headline())?;
        r.serialize_field("error", &self.error)?;
        r.serialize_field("reason", &self.reason)?;
        r.serialize_field("demo", &self.demo)?;
        r.serialize_field("via", &self.via.map(Via::code))?;
        r.serialize_field("badge", &self.badge)?;
        r.serialize_field("holder", &self.holder)?;
        r.serialize_field("revocation", &self.revocation)?;
        r.serialize_field("revocations_as_of", &self.revocations_as_of)?;
        if let Some(note) = &self.note {
            r.serialize_field("note", note)?;
        } else {
            r.skip_field("note")?;
        }
        r.end()
    }
}

impl Report {
    /// A report on an input judged before any badge in it: no badge shown.
    pub fn refused(verdict: Verdict, reason: String, via: Option<Via>) -> Self {
        Self {
            verdict,
            error: None,
            reason,
            demo: false,
            via,
            badge: None,
            holder: None,
            revocation: None,
            revocations_as_of: None,
            note: None,
        }
    }

    /// An input that could not be read at all.
    pub fn unreadable(reason: &str) -> Self {
        Self::refused(Verdict::Unreadable, reason.to_string(), None)
    }

    /// A credential refused for its own fault (its VC-JWT, its proof, what
    /// it says against its badge).
    pub fn credential_refused(e: &CredentialError, via: Via) -> Self {
        Self::refused(e.verdict(), e.to_string(), Some(via))
    }

    /// Exit code for scripts: 0 only for a valid badge (that belongs to
    /// the holder, when that was checked).
    pub fn exit_code(&self) -> i32 {
        match (self.verdict.exit_code(), &self.holder) {
            (0, Some(h)) if !h.belongs => 1,
            (code, _) => code,
        }
    }
}

/// The issuer a verdict names: the trust list's name for the key that
/// verified the badge, never only the name the badge gives itself (any
/// trusted key can sign any name). A signed name that differs is shown as
/// what the badge claims.
pub fn issuer_shown(trusted: Option<&str>, claimed: Option<&str>, kid: &str) -> String {
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    match (trusted, claimed) {
        (Some(t), Some(c)) if !same(t, c) => {
            format!("{t} (the badge calls its issuer \"{c}\")")
        }
        (Some(t), _) => t.to_string(),
        (None, Some(c)) => format!("{c} (as the badge says; not in the trust list)"),
        (None, None) => format!("issuer key {kid}"),
    }
}

/// The published reason for badge `serial` of the key that verified `b`.
pub fn find_reason(reasons: &[Reason], b: &VerifiedBadge<'_>, serial: u32) -> Option<Reason> {
    let kid = b.kid.to_string();
    reasons
        .iter()
        .find(|r| r.serial == serial && r.kid == kid)
        .cloned()
}

/// A genuine badge in the verifier's own records (the desk's ledger).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Revoked ([`Verdict::Revoked`]) or suspended ([`Verdict::Suspended`])
    /// there, with when and why.
    pub standing: Option<(Verdict, Reason)>,
    /// To whom it was issued.
    pub recipient: Option<String>,
    /// The verifier knows whether it is revoked (it issued it).
    pub knows_revocation: bool,
    /// Its records refuse a badge whose signature holds, and why (the
    /// desk: its own key signed it, but it never issued it).
    pub refused: Option<(Verdict, String)>,
}

/// A Data Integrity proof that holds: the key that made it (the dates and
/// status it signs are read from the credential, which the proof covers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofSigner {
    /// The key that made the proof.
    pub key: PublicKey,
}

/// What one verifier knows beyond the badge (see the module).
pub trait Knowledge {
    /// A failure of the verifier itself (the desk's ledger cannot be read):
    /// never a verdict.
    type Error;

    /// Who checks, in reasons: "desk", "page".
    fn place(&self) -> &'static str;

    /// The trusted issuer keys.
    fn trust(&self) -> &TrustStore<64>;

    /// The trust list's name for `key`.
    fn name_of(&self, key: &PublicKey) -> Option<&str>;

    /// Is `kid` a labelled demo issuer's key?
    fn is_demo(&self, kid: &[u8]) -> bool;

    /// The status lists that may answer for the badge `cose` (the core picks
    /// among them by the key that verified it). `Err` when one that should
    /// answer cannot be trusted: the verdict fails closed.
    fn lists_for(&self, cose: &[u8]) -> Result<Vec<StatusList<'_>>, Error>;

    /// The reason published for a badge its list found revoked or
    /// suspended (`e` says which).
    fn published_reason(&self, b: &VerifiedBadge<'_>, e: &Error) -> Option<Reason>;

    /// The verifier's own say on a genuine badge's key (the desk refuses a
    /// compromised key's badge that is not, byte for byte, one it recorded
    /// before the compromise).
    fn vouch(&self, b: &VerifiedBadge<'_>, cose: &[u8]) -> Result<Result<(), Error>, Self::Error>;

    /// The verifier's own record of a badge whose signature holds.
    fn record(&self, b: &VerifiedBadge<'_>) -> Result<Record, Self::Error>;

    /// Check a Data Integrity proof on the credential around a badge:
    /// `Err` is the report refusing the file (a proof that does not hold,
    /// or that this verifier cannot check: never VALID).
    fn proof(&self, credential: &Value, via: Via) -> Result<ProofSigner, Box<Report>>;

    /// Another issuer's credential: a Data Integrity proof and no compact
    /// badge, judged whole.
    fn whole_credential(&self, credential: &Value) -> Report;

    /// What the verifier adds to a VALID badge: a note beside the verdict
    /// and the words for the reason (the desk: a retired certification).
    fn valid_note(&self, _badge: &BadgeView) -> Option<(String, String)> {
        None
    }
}

/// How a check is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    /// Now, Unix seconds.
    pub now: u64,
    /// The UID of the card the input was read from (a reader, Web NFC).
    pub card_uid: Option<&'a [u8]>,
    /// Whom the viewer was told it belongs to.
    pub holder: Option<&'a Holder>,
}

/// The file around a badge, made ready for the badge's check.
#[derive(Debug)]
pub struct Prepared {
    input: Input,
    /// The COSE_Sign1 bytes to check.
    cose: Vec<u8>,
    /// The key that signed a VC-JWT around it.
    jwt_signer: Option<PublicKey>,
    /// The key that made a Data Integrity proof around it.
    proof_signer: Option<PublicKey>,
    /// The credential, which must say what the badge says.
    credential: Option<Value>,
    /// How the file was judged, for the reason of a VALID verdict.
    note: String,
}

impl Prepared {
    /// The COSE_Sign1 bytes to check.
    pub fn cose(&self) -> &[u8] {
        &self.cose
    }
}

/// Check `input` (any format a badge travels in). `Err` only when the
/// verifier itself fails; a bad badge is a verdict.
pub fn check<K: Knowledge>(input: &[u8], ask: &Ask<'_>, k: &K) -> Result<Report, K::Error> {
    match prepare(input, k) {
        Ok(p) => {
            let result = tessera_core::verify(&p.cose, k.trust(), Some(ask.now), None);
            judge(&p, result, ask, k)
        }
        Err(report) => Ok(*report),
    }
}

/// Find the badge in the input and judge the file around it (step 1).
pub fn prepare<K: Knowledge>(input: &[u8], k: &K) -> Result<Prepared, Box<Report>> {
    let found = match crate::classify(input) {
        Ok(found) => found,
        Err(InputError::Shared(e)) => {
            // Another issuer's credential: a proof and no compact badge.
            if let Some(c) = credential::json_in(input).filter(|c| c.get("proof").is_some()) {
                return Err(Box::new(if e == SharedError::NoCompactBadge {
                    k.whole_credential(&c)
                } else {
                    match k.proof(&c, Via::Ob3Json) {
                        Ok(_) => Report::credential_refused(&e.into(), Via::Ob3Json),
                        Err(refusal) => *refusal,
                    }
                }));
            }
            // A VC-JWT's own faults (its header, algorithm, signature) come
            // before what its payload lacks.
            let jwt_refusal = credential::jwt_in(input).map(|token| {
                credential::verify_jwt(&token, k.trust())
                    .err()
                    .unwrap_or_else(|| e.clone().into())
            });
            return Err(Box::new(match jwt_refusal {
                Some(refusal) => Report::credential_refused(&refusal, Via::VcJwt),
                None => unreadable(&InputError::Shared(e)),
            }));
        }
        Err(e) => return Err(Box::new(unreadable(&e))),
    };
    let via = found.via;
    let refuse = |e: CredentialError| Box::new(Report::credential_refused(&e, via));
    if let Some(token) = &found.jwt {
        let jwt = credential::verify_jwt(token, k.trust()).map_err(refuse)?;
        let cose = crate::shared::compact_badge(&jwt.credential).map_err(|e| refuse(e.into()))?;
        let note = if found.baked {
            "baked badge image, its VC-JWT signature checked"
        } else {
            "its VC-JWT signature checked"
        };
        return Ok(Prepared {
            cose,
            jwt_signer: Some(jwt.signer),
            proof_signer: None,
            credential: Some(jwt.credential),
            note: note.into(),
            input: found,
        });
    }
    let (proof_signer, note) = match &found.credential {
        Some(c) if c.get("proof").is_some() => {
            let signer = k.proof(c, via)?;
            let note = if found.baked {
                "baked badge image, Data Integrity proof checked"
            } else {
                "Open Badges JSON, Data Integrity proof checked"
            };
            (Some(signer.key), note.to_string())
        }
        Some(c) => {
            let judged = if found.baked {
                "baked badge image, unsigned JSON: judged on the signed badge inside"
            } else {
                "unsigned Open Badges JSON: judged on the signed badge inside"
            };
            (None, credential::unsigned_note(judged, c, &found.badge))
        }
        None => (None, String::new()),
    };
    Ok(Prepared {
        cose: found.badge.clone(),
        jwt_signer: None,
        proof_signer,
        credential: found.credential.clone(),
        note,
        input: found,
    })
}

/// Steps 3 to 7 on a prepared input, given the core's signature check of
/// [`Prepared::cose`] at `ask.now` (step 2; a verifier with batch
/// verification makes it for many inputs at once).
pub fn judge<K: Knowledge>(
    p: &Prepared,
    result: Result<VerifiedBadge<'_>, Error>,
    ask: &Ask<'_>,
    k: &K,
) -> Result<Report, K::Error> {
    let cose = p.cose.as_slice();
    let now = Some(ask.now);
    // A card read names its UID; a dump file states one.
    let uid = ask.card_uid.or(p.input.tag_uid.as_deref());
    let result = result.and_then(|b| {
        if let Some(uid) = uid {
            b.check_card_uid(uid)?;
        }
        Ok(b)
    });
    // The file around a genuine badge: signed by the badge's issuer, and
    // saying what the badge says.
    let refused = match &result {
        Ok(b) => wrapper_check(p, b).err(),
        Err(_) => None,
    };
    let result = match (result, &refused) {
        (Ok(b), None) => k.vouch(&b, cose)?.map(|()| b),
        (other, _) => other,
    };
    let lists = k.lists_for(cose);
    let result = match (result, &refused) {
        (Ok(b), None) => match &lists {
            Ok(lists) => b.check_lists(now, lists),
            Err(e) => Err(*e),
        },
        (other, _) => other,
    };
    // What the badge says, when its signature holds (also when expired,
    // revoked or on the wrong card).
    let signed = match &result {
        Ok(b) => Some(*b),
        Err(_) => tessera_core::verify(cose, k.trust(), None, None).ok(),
    };
    let record = match &signed {
        Some(b) => k.record(b)?,
        None => Record::default(),
    };
    let demo = match &signed {
        Some(b) => k.is_demo(b.kid.as_bytes()),
        None => CoseSign1::from_slice(cose)
            .ok()
            .and_then(|m| m.kid)
            .is_some_and(|kid| k.is_demo(kid)),
    };
    let list = signed.as_ref().and_then(|b| {
        lists
            .as_ref()
            .ok()
            .and_then(|lists| status::select(lists, b.issuer_key, b.claims.serial).copied())
    });
    let badge = signed.as_ref().map(|b| view(b, &record, k));
    let holder = ask.holder.and_then(|h| {
        signed.as_ref().map(|b| HolderView {
            identity: h.identity.trim().to_string(),
            belongs: b.is_for(&h.salt, &h.identity),
        })
    });
    let mut report = Report {
        verdict: Verdict::Valid,
        error: result.as_ref().err().map(Error::code),
        reason: String::new(),
        demo,
        via: Some(p.input.via),
        badge,
        holder,
        revocation: None,
        revocations_as_of: list.map(|l| date(secs(l.issued_at()))),
        note: None,
    };
    match (&result, refused, record.standing) {
        (_, Some(e), _) => {
            report.verdict = e.verdict();
            report.reason = e.to_string();
        }
        (Ok(_), None, _) if record.refused.is_some() => {
            if let Some((verdict, why)) = record.refused {
                report.verdict = verdict;
                report.reason = why;
            }
        }
        (Err(e), None, _) => {
            report.verdict = e.verdict();
            let published = signed.as_ref().and_then(|b| k.published_reason(b, e));
            report.reason = match (&published, e) {
                (Some(r), Error::Suspended { .. }) => suspended(r),
                (Some(r), _) => revoked(r),
                (None, _) => e.to_string(),
            };
            report.revocation = published;
        }
        (Ok(_), None, Some((verdict, r))) => {
            report.verdict = verdict;
            report.reason = if verdict == Verdict::Suspended {
                suspended(&r)
            } else {
                revoked(&r)
            };
            report.revocation = Some(r);
        }
        (Ok(b), None, None) => {
            report.reason = if b.claims.card_uid.is_some() {
                card_bound_valid(match (ask.card_uid, &p.input.tag_uid) {
                    (Some(_), _) => CardRead::Card,
                    (None, Some(_)) => CardRead::Dump,
                    (None, None) => CardRead::Elsewhere,
                })
                .to_string()
            } else if b.revocation_checked || record.knows_revocation {
                "genuine and current: signed by a trusted issuer, not expired, not revoked".into()
            } else {
                format!(
                    "genuine and current: signed by a trusted issuer, not expired; revocation not checked (this {} holds no revocation list of {})",
                    k.place(),
                    k.name_of(&b.issuer_key)
                        .map_or_else(|| format!("issuer key {}", b.kid), str::to_string)
                )
            };
            if let Some((note, why)) = report.badge.as_ref().and_then(|v| k.valid_note(v)) {
                report.note = Some(note);
                report.reason = format!("{}; {why}", report.reason);
            }
            if !p.note.is_empty() {
                report.reason = format!("{} ({})", report.reason, p.note);
            }
        }
    }
    if report.demo {
        report.reason = format!("DEMO badge, not a real certification. {}", report.reason);
    }
    Ok(report)
}

/// Step 4: the credential around genuine badge `b`.
fn wrapper_check(p: &Prepared, b: &VerifiedBadge<'_>) -> Result<(), CredentialError> {
    if let Some(signer) = &p.jwt_signer {
        credential::check_jwt_binding(signer, b)?;
    }
    if let Some(signer) = &p.proof_signer
        && *signer != b.issuer_key
    {
        return Err(CredentialError::ProofWrongSigner(signer.kid().to_string()));
    }
    if let Some(c) = &p.credential {
        credential::check_matches(c, b, &p.cose)?;
    }
    Ok(())
}

fn revoked(r: &Reason) -> String {
    format!("revoked on {}: {}; do not accept it", r.date, r.reason)
}

fn suspended(r: &Reason) -> String {
    format!(
        "suspended on {}: {}; do not accept it until the issuer reinstates it",
        r.date, r.reason
    )
}

fn view<K: Knowledge>(b: &VerifiedBadge<'_>, record: &Record, k: &K) -> BadgeView {
    let c = &b.claims;
    let kid = b.kid.to_string();
    BadgeView {
        serial: c.serial,
        issuer: issuer_shown(k.name_of(&b.issuer_key), c.issuer, &kid),
        kid,
        achievement_id: c.achievement_id.to_string(),
        achievement_name: c.achievement_name.map(str::to_string),
        display_name: c.display_name.map(str::to_string),
        issued: date(secs(c.issued_at)),
        expires: c.expires.map(|e| expiry_date(secs(e))),
        level: c.level,
        evidence: c.evidence.map(str::to_string),
        recipient: record.recipient.clone(),
        credential_id: None,
    }
}

fn unreadable(e: &InputError) -> Report {
    Report {
        error: e.core_error().as_ref().map(Error::code),
        ..Report::unreadable(&e.to_string())
    }
}

/// Unix seconds as the signed integer dates are written from.
fn secs(t: u64) -> i64 {
    i64::try_from(t).unwrap_or(i64::MAX)
}
