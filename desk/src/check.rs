//! Checking a badge at the desk: one unmistakable verdict with its reason
//! and the badge details, whatever the input (card dump, `.cbor`, QR text).
//!
//! The verdict comes from the pipeline every verifier shares
//! ([`tessera_formats::verdict`]); this module is what the desk knows:
//! its trusted keys and their names, its ledger (a badge it issued, revoked
//! or suspended there; a key declared compromised), other centers' status
//! lists it holds, and Data Integrity proofs, which it checks.

use serde_json::Value;
use tessera_core::{Error as CoreError, PublicKey, StatusList, TrustStore, VerifiedBadge};
use tessera_formats::input::Via;
use tessera_formats::verdict::{Ask, Knowledge, ProofSigner, Reason, Record};

use crate::store::ledger::{BadgeRecord, BadgeState, Ledger, LedgerError};

pub use tessera_core::Verdict;
pub use tessera_formats::text::{date, expiry_date};
pub use tessera_formats::verdict::{BadgeView, Holder, HolderView, Report, issuer_shown};

/// This desk's ledger row of a verified badge, if this desk issued it.
fn own_row(b: &VerifiedBadge<'_>, ledger: &Ledger) -> Result<Option<BadgeRecord>, LedgerError> {
    match ledger.badge(b.claims.serial) {
        Ok(r) if r.kid == b.kid.as_bytes() && r.subject == b.claims.subject => Ok(Some(r)),
        Ok(_) | Err(LedgerError::UnknownSerial(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Does `b` say what the ledger's badge `r` says? A card-bound copy (the
/// same claims with the card's UID, signed again when written) does.
fn as_issued(b: &VerifiedBadge<'_>, r: &BadgeRecord) -> bool {
    let Some(issued) = tessera_core::CoseSign1::from_slice(&r.cose)
        .ok()
        .and_then(|m| tessera_core::BadgeClaims::decode(m.payload, m.payload_offset).ok())
    else {
        return false;
    };
    b.claims.same_badge(&issued)
}

/// The verdict on a credential whose Data Integrity proof does not hold
/// or cannot be read.
fn proof_refused(e: &tessera_ld::LdError, via: Via) -> Report {
    use tessera_ld::LdError;
    let verdict = match e {
        LdError::UntrustedKey(_) => Verdict::UnknownIssuer,
        LdError::Signature
        | LdError::ProofValue(_)
        | LdError::IssuerMismatch { .. }
        | LdError::CreatedInFuture(_)
        | LdError::ProofContext => Verdict::Forged,
        _ => Verdict::Unreadable,
    };
    Report::refused(verdict, e.to_string(), Some(via))
}

/// Check a credential's Data Integrity proof against the trusted keys.
fn check_proof<const N: usize>(
    credential: &Value,
    trust: &TrustStore<N>,
    now: i64,
) -> Result<tessera_ld::VerifiedProof, tessera_ld::LdError> {
    let trusted = |k: &PublicKey| trust.contains(k);
    tessera_ld::verify(credential, &trusted, Some(now))
}

/// The verdict on an Open Badges credential of another issuer: its Data
/// Integrity proof by a trusted key, and its dates. Its revocation is
/// published by its issuer online, which an offline check cannot read:
/// the verdict says so.
fn foreign_credential(credential: &serde_json::Value, cx: &Context<'_>) -> Report {
    let now = cx.now;
    let proof = match check_proof(credential, cx.trust, now) {
        Ok(p) => p,
        Err(e) => return proof_refused(&e, Via::Ob3Json),
    };
    let text = |pointer: &str| {
        credential
            .pointer(pointer)
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    // The dates as the proof signs them (the RDF, whatever JSON form wrote
    // them), never the JSON strings alone.
    let (valid_from, valid_until) = (proof.signed.valid_from, proof.signed.valid_until);
    // The trust list's name for the key that made the proof; the name the
    // credential gives itself only as what it claims.
    let claimed = text("/issuer/name")
        .or_else(|| tessera_ld::proof::issuer_id(credential).map(str::to_string));
    let issuer = issuer_shown(
        cx.trusted_name(&proof.key),
        claimed.as_deref(),
        &proof.key.kid().to_string(),
    );
    let details = BadgeView {
        serial: 0,
        issuer: issuer.clone(),
        kid: proof.key.kid().to_string(),
        achievement_id: text("/credentialSubject/achievement/humanCode")
            .or_else(|| text("/credentialSubject/achievement/id"))
            .unwrap_or_default(),
        achievement_name: text("/credentialSubject/achievement/name").or_else(|| text("/name")),
        display_name: text("/credentialSubject/name"),
        issued: valid_from.map_or_else(|| "not given".into(), date),
        expires: valid_until.map(expiry_date),
        level: None,
        evidence: None,
        recipient: None,
        credential_id: text("/id"),
    };
    let status =
        text("/credentialStatus/statusListCredential").or_else(|| text("/credentialStatus/id"));
    let (verdict, reason) = match (valid_from, valid_until) {
        (Some(from), _) if from > now => (
            Verdict::Expired,
            format!("not valid yet: its validity starts {}", date(from)),
        ),
        (_, Some(until)) if until < now => (
            Verdict::Expired,
            format!("expired on {}", expiry_date(until)),
        ),
        _ => (
            Verdict::Valid,
            format!(
                "genuine and current: an Open Badges credential whose Data Integrity proof by {issuer} holds; {}",
                match (status, proof.signed.status_entries) {
                    (_, 0) => "it names no revocation list".to_string(),
                    (Some(url), _) => format!(
                        "its revocation list is online at {url}, which this offline check does not read"
                    ),
                    (None, _) =>
                        "it names a revocation list, which this offline check does not read"
                            .to_string(),
                }
            ),
        ),
    };
    Report {
        verdict,
        error: None,
        reason,
        via: Some(Via::Ob3Json),
        revocation: None,
        revocations_as_of: None,
        // DEMO by the key that made the proof.
        demo: cx
            .demo_kids
            .iter()
            .any(|d| d.as_slice() == proof.key.kid().as_bytes()),
        badge: Some(details),
        holder: None,
        note: (verdict == Verdict::Valid).then(|| "another issuer's Open Badge".to_string()),
    }
}

/// What a check is made against: the desk's trusted keys, which of them
/// are demo keys, its ledger and the time.
pub struct Context<'l> {
    /// Trusted issuer keys.
    pub trust: &'l TrustStore<64>,
    /// Key ids of the labelled demo issuer.
    pub demo_kids: &'l [Vec<u8>],
    /// This desk's ledger (revocation is immediate here; kiosks learn it
    /// from the published status list).
    pub ledger: &'l Ledger,
    /// Now, Unix seconds.
    pub now: i64,
    /// The program's catalogue, for what it says of this desk's badges.
    pub catalogue: Option<&'l crate::catalogue::Catalogue>,
    /// This ledger's keys declared compromised, with from when (see
    /// [`Desk::declare_compromised`](crate::Desk::declare_compromised)).
    pub compromised: &'l [(Vec<u8>, i64)],
    /// Other centers' status lists this desk holds (see
    /// [`Desk::import_status_lists`](crate::Desk::import_status_lists)).
    pub foreign_lists: &'l [tessera_core::StatusList<'l>],
    /// The reasons those centers gave with their lists.
    pub foreign_reasons: &'l crate::lists_source::Reasons,
    /// The trust list's name for each trusted key.
    pub names: &'l [(tessera_core::PublicKey, String)],
    /// This ledger's own issuer keys (not the demo issuer's, which every
    /// desk shares), whose every badge is in the ledger.
    pub own_kids: &'l [Vec<u8>],
}

impl Context<'_> {
    /// The trust list's name for `key`.
    fn trusted_name(&self, key: &PublicKey) -> Option<&str> {
        self.names
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, n)| n.as_str())
    }
}

impl Knowledge for Context<'_> {
    type Error = LedgerError;

    fn place(&self) -> &'static str {
        "desk"
    }

    fn trust(&self) -> &TrustStore<64> {
        self.trust
    }

    fn name_of(&self, key: &PublicKey) -> Option<&str> {
        self.trusted_name(key)
    }

    fn is_demo(&self, kid: &[u8]) -> bool {
        self.demo_kids.iter().any(|d| d.as_slice() == kid)
    }

    /// Other centers' lists: this desk's own badges are judged by its
    /// ledger, which knows a revocation before any list is published.
    fn lists_for(&self, _: &[u8]) -> Result<Vec<StatusList<'_>>, CoreError> {
        Ok(self.foreign_lists.to_vec())
    }

    fn published_reason(&self, b: &VerifiedBadge<'_>, e: &CoreError) -> Option<Reason> {
        let (reasons, serial) = match e {
            CoreError::Revoked { serial } => (&self.foreign_reasons.revoked, serial),
            CoreError::Suspended { serial } => (&self.foreign_reasons.suspended, serial),
            _ => return None,
        };
        tessera_formats::verdict::find_reason(reasons, b, *serial)
    }

    /// A compromised key's badge holds only if it is, byte for byte, one
    /// the ledger recorded before the compromise (the thief can sign
    /// anything else, any date and serial included).
    fn vouch(
        &self,
        b: &VerifiedBadge<'_>,
        cose: &[u8],
    ) -> Result<Result<(), CoreError>, LedgerError> {
        let Some((_, since)) = self.compromised.iter().find(|(k, _)| k == b.kid.as_bytes()) else {
            return Ok(Ok(()));
        };
        let recorded = match self.ledger.badge(b.claims.serial) {
            Ok(r) => Some(r),
            Err(LedgerError::UnknownSerial(_)) => None,
            Err(e) => return Err(e),
        };
        Ok(match recorded {
            // The badge as issued, or as bound to the card it was last
            // written on.
            Some(r)
                if (r.cose == cose || r.card_cose.as_deref() == Some(cose))
                    && r.issued_at < *since =>
            {
                Ok(())
            }
            _ => Err(CoreError::IssuerKeyCompromised {
                since: u64::try_from(*since).unwrap_or(0),
            }),
        })
    }

    /// The ledger's row, when this desk issued the badge: its recipient,
    /// and whether it is revoked or suspended (known here at once).
    fn record(&self, b: &VerifiedBadge<'_>) -> Result<Record, LedgerError> {
        let own = own_row(b, self.ledger)?;
        // Signed by this ledger's own (not demo) key, yet not a badge it
        // issued, or not as it issued it: only someone else holding the key
        // makes those.
        if self.own_kids.iter().any(|k| k == b.kid.as_bytes())
            && !own.as_ref().is_some_and(|r| as_issued(b, r))
        {
            return Ok(Record {
                refused: Some((
                    Verdict::Forged,
                    format!(
                        "signed with this desk's own key {}, but this desk never issued it (its ledger has no such badge {}): someone else has the key; do not accept it, and declare the key compromised (`tessera key compromised`)",
                        b.kid, b.claims.serial
                    ),
                )),
                ..Record::default()
            });
        }
        let Some(r) = own else {
            return Ok(Record::default());
        };
        let reason = |date: String, reason: String| Reason {
            kid: b.kid.to_string(),
            serial: r.serial,
            date,
            reason,
        };
        let standing = if r.state == BadgeState::Revoked {
            Some((
                Verdict::Revoked,
                reason(
                    r.revoked_at
                        .map_or_else(|| "an unrecorded date".into(), date),
                    r.revocation_reason
                        .clone()
                        .unwrap_or_else(|| "no reason recorded".into()),
                ),
            ))
        } else {
            self.ledger
                .suspension(r.serial)?
                .map(|x| (Verdict::Suspended, reason(date(x.suspended_at), x.reason)))
        };
        Ok(Record {
            standing,
            recipient: Some(r.recipient),
            knows_revocation: true,
            refused: None,
        })
    }

    fn proof(&self, credential: &Value, via: Via) -> Result<ProofSigner, Box<Report>> {
        check_proof(credential, self.trust, self.now)
            .map(|p| ProofSigner { key: p.key })
            .map_err(|e| Box::new(proof_refused(&e, via)))
    }

    fn whole_credential(&self, credential: &Value) -> Report {
        foreign_credential(credential, self)
    }

    /// A badge this desk issued, for an achievement the program retired:
    /// still valid, and said so.
    fn valid_note(&self, badge: &BadgeView) -> Option<(String, String)> {
        let cat = self.catalogue?;
        badge.recipient.as_ref()?;
        let entry = cat.get(&badge.achievement_id)?;
        let today = chrono::DateTime::from_timestamp(self.now, 0)
            .map_or(chrono::NaiveDate::MAX, |t| t.date_naive());
        crate::catalogue::retired_note(entry, today)
    }
}

/// Check `input`. `card_uid` is the UID of the card it was read from, for
/// the card binding; `holder` whom the viewer was told it belongs to. A
/// ledger that cannot be read is an error, never a verdict.
pub fn check(
    input: &[u8],
    card_uid: Option<&[u8]>,
    holder: Option<&Holder>,
    cx: &Context<'_>,
) -> Result<Report, LedgerError> {
    let ask = Ask {
        now: u64::try_from(cx.now).unwrap_or(0),
        card_uid,
        holder,
    };
    tessera_formats::verdict::check(input, &ask, cx)
}

/// [`check`] for many inputs at once (a folder of badges from an employer,
/// say), with batch signature verification; one verdict per input, each
/// what [`check`] gives for it alone.
pub fn check_many(inputs: &[&[u8]], cx: &Context<'_>) -> Result<Vec<Report>, LedgerError> {
    use tessera_formats::verdict::{judge, prepare};
    let now = u64::try_from(cx.now).unwrap_or(0);
    let prepared: Vec<_> = inputs.iter().map(|i| prepare(i, cx)).collect();
    let badges: Vec<&[u8]> = prepared
        .iter()
        .filter_map(|p| p.as_ref().ok().map(|p| p.cose()))
        .collect();
    let mut results = tessera_core::verify_batch(&badges, cx.trust, Some(now), None).into_iter();
    let ask = Ask {
        now,
        card_uid: None,
        holder: None,
    };
    prepared
        .iter()
        .map(|p| match p {
            Ok(p) => match results.next() {
                Some(result) => judge(p, result, &ask, cx),
                // verify_batch returns one result per badge.
                None => Ok(Report::unreadable(
                    "internal error: a badge was not checked",
                )),
            },
            Err(report) => Ok((**report).clone()),
        })
        .collect()
}

impl crate::Desk {
    /// Verify badge input (COSE bytes, a card image, a whole-tag dump, QR
    /// text, a baked PNG, a VC-JWT or OB 3.0 JSON) against this desk's
    /// trust and ledger. `card_uid` is the card it was read from; `holder`
    /// whom it should belong to. `Err` only when the desk itself fails (its
    /// ledger or keys cannot be read): a bad badge is a verdict.
    pub fn check(
        &self,
        input: &[u8],
        card_uid: Option<&[u8]>,
        holder: Option<&Holder>,
    ) -> Result<Report, crate::DeskError> {
        self.with_context(|cx| check(input, card_uid, holder, cx))
    }

    /// [`Desk::check`](crate::Desk::check) for many inputs, with batch signature verification.
    pub fn check_many(&self, inputs: &[&[u8]]) -> Result<Vec<Report>, crate::DeskError> {
        self.with_context(|cx| check_many(inputs, cx))
    }

    /// Run `f` with this desk's trust, demo keys, ledger and the time now.
    fn with_context<T>(
        &self,
        f: impl FnOnce(&Context<'_>) -> Result<T, LedgerError>,
    ) -> Result<T, crate::DeskError> {
        let (trust, demo_kids) = self.trust_store()?;
        let catalogue = self.catalogue()?;
        let compromised = self.compromised()?;
        // Read once and verified once, against the whole trust store
        // (the import refuses this desk's own keys' lists).
        let foreign = self.held_foreign_lists()?;
        let foreign_lists: Vec<tessera_core::StatusList<'_>> = foreign
            .iter()
            .filter_map(|b| tessera_core::StatusList::verify(b, &trust, None).ok())
            .collect();
        let foreign_reasons = self.foreign_reasons()?;
        let names = self.trusted_keys()?;
        let own_kids: Vec<Vec<u8>> = self
            .issuers()?
            .into_iter()
            .filter(|i| !i.demo)
            .map(|i| i.kid)
            .collect();
        let cx = Context {
            names: &names,
            foreign_reasons: &foreign_reasons,
            trust: &trust,
            demo_kids: &demo_kids,
            ledger: &self.ledger,
            now: self.now(),
            catalogue: Some(&catalogue),
            compromised: &compromised,
            own_kids: &own_kids,
            foreign_lists: &foreign_lists,
        };
        Ok(f(&cx)?)
    }
}
