//! Checking a badge at the desk: one unmistakable verdict with its reason
//! and the badge details, whatever the input (card dump, `.cbor`, QR text).

use serde::Serialize;
use tessera_core::{Error as CoreError, Salt, TrustStore, VerifiedBadge};
use tessera_formats::text::{CardRead, card_bound_valid};
use tessera_web::verifier::issuer_shown;

use crate::store::ledger::{BadgeRecord, BadgeState, Ledger, LedgerError};

pub use tessera_core::Verdict;

fn verdict_code<S: serde::Serializer>(v: &Verdict, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v.code())
}

/// The details of a badge, for display and JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Details {
    /// Serial.
    pub serial: u32,
    /// Issuer name (standard profile) or key id.
    pub issuer: String,
    /// Issuer key id, hex.
    pub kid: String,
    /// Achievement id.
    pub achievement_id: String,
    /// Achievement name.
    pub achievement_name: Option<String>,
    /// Display name on the card.
    pub display_name: Option<String>,
    /// Issued (ISO date).
    pub issued: String,
    /// Expires (ISO date).
    pub expires: Option<String>,
    /// Level, for programs with grades.
    pub level: Option<u8>,
    /// Evidence URL.
    pub evidence: Option<String>,
    /// Recipient from this desk's ledger, when it issued the badge.
    pub recipient: Option<String>,
    /// The credential's `id`, for an Open Badges credential of another
    /// issuer (which has no Tessera serial: `serial` is 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
}

/// Whether a badge belongs to the person its viewer was told it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolderCheck {
    /// The e-mail address or candidate id given.
    pub identity: String,
    /// The badge's recipient commitment matches that identity and claim code.
    pub belongs: bool,
}

/// A verdict with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// The verdict.
    #[serde(serialize_with = "verdict_code")]
    pub verdict: Verdict,
    /// Why, in plain words, with what to do.
    pub reason: String,
    /// Signed by the labelled demo issuer: not a real certification.
    pub demo: bool,
    /// The badge, when it could be read.
    pub badge: Option<Details>,
    /// The holder check, when one was asked for and the badge could be read.
    pub holder: Option<HolderCheck>,
    /// Said next to the verdict: "retired certification" for a valid
    /// badge of an achievement the program has since retired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl CheckReport {
    /// An input that could not be read at all.
    pub fn unreadable(reason: &str) -> Self {
        Self {
            verdict: Verdict::Unreadable,
            reason: reason.to_string(),
            demo: false,
            badge: None,
            holder: None,
            note: None,
        }
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

/// Who the viewer was told holds the badge: the identity and the claim code
/// the candidate gave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// E-mail address or candidate id.
    pub identity: String,
    /// The claim code (the recipient salt).
    pub salt: Salt,
}

pub use tessera_formats::text::{date, expiry_date};

/// This desk's ledger row of a verified badge, if this desk issued it.
fn own_row(b: &VerifiedBadge<'_>, ledger: &Ledger) -> Result<Option<BadgeRecord>, LedgerError> {
    match ledger.badge(b.claims.serial) {
        Ok(r) if r.kid == b.kid.as_bytes() && r.subject == b.claims.subject => Ok(Some(r)),
        Ok(_) | Err(LedgerError::UnknownSerial(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

fn details<const N: usize>(
    b: &VerifiedBadge<'_>,
    own: Option<&BadgeRecord>,
    cx: &Context<'_, N>,
) -> Details {
    let c = &b.claims;
    let recipient = own.map(|r| r.recipient.clone());
    Details {
        serial: c.serial,
        issuer: issuer_shown(cx.name_of(&b.issuer_key), c.issuer, &b.kid.to_string()),
        kid: b.kid.to_string(),
        achievement_id: c.achievement_id.to_string(),
        achievement_name: c.achievement_name.map(str::to_string),
        display_name: c.display_name.map(str::to_string),
        issued: date(i64::try_from(c.issued_at).unwrap_or(i64::MAX)),
        expires: c
            .expires
            .map(|e| expiry_date(i64::try_from(e).unwrap_or(i64::MAX))),
        level: c.level,
        evidence: c.evidence.map(str::to_string),
        recipient,
        credential_id: None,
    }
}

/// Why a check failed: the badge, or the shared file around it.
enum Failure {
    Core(CoreError),
    Share(crate::desk::share::ShareError),
}

/// An input made ready for the signature check.
struct Prepared {
    /// The COSE_Sign1 bytes.
    bytes: Vec<u8>,
    /// Read from a card image (a card dump file, or a card's memory).
    from_card: bool,
    /// The UID of the tag a whole-tag dump was made of.
    dump_uid: Option<Vec<u8>>,
    /// The Open Badges credential it came in, if any.
    credential: Option<serde_json::Value>,
    /// For a VC-JWT: the key that signed it.
    jwt: Option<tessera_core::PublicKey>,
    /// The credential's Data Integrity proof, verified.
    proof: Option<tessera_ld::VerifiedProof>,
    /// How it came, for the reason line ("" for plain badges).
    via: String,
    /// Signed by a demo key.
    demo: bool,
}

/// The verdict on a shared file whose own wrapping failed: its VC-JWT
/// or Data Integrity proof, or what it lacks.
fn refused(e: crate::desk::share::ShareError) -> Box<CheckReport> {
    use crate::desk::share::ShareError;
    use tessera_ld::LdError;
    let verdict = match &e {
        ShareError::Credential(e) => e.verdict(),
        ShareError::Proof(LdError::UntrustedKey(_)) => Verdict::UnknownIssuer,
        ShareError::Proof(
            LdError::Signature
            | LdError::ProofValue(_)
            | LdError::IssuerMismatch { .. }
            | LdError::CreatedInFuture(_)
            | LdError::ProofContext,
        )
        | ShareError::ProofWrongSigner(_) => Verdict::Forged,
        ShareError::Proof(_) => Verdict::Unreadable,
    };
    Box::new(CheckReport {
        verdict,
        reason: e.to_string(),
        demo: false,
        badge: None,
        holder: None,
        note: None,
    })
}

/// Check a credential's Data Integrity proof against the trusted keys.
fn check_proof<const N: usize>(
    credential: &serde_json::Value,
    trust: &TrustStore<N>,
    now: i64,
) -> Result<tessera_ld::VerifiedProof, crate::desk::share::ShareError> {
    let trusted = |k: &tessera_core::PublicKey| trust.contains(k);
    Ok(tessera_ld::verify(credential, &trusted, Some(now))?)
}

/// Find the badge in the input (the one reading every verifier shares,
/// `tessera_formats::classify`), check a VC-JWT's own signature and a
/// credential's Data Integrity proof, and note how the badge came. An
/// Open Badges credential of another issuer (a Data Integrity proof and no
/// compact badge) is judged here whole.
fn prepare<const N: usize>(
    input: &[u8],
    cx: &Context<'_, N>,
) -> Result<Prepared, Box<CheckReport>> {
    let (trust, demo_kids, now) = (cx.trust, cx.demo_kids, cx.now);
    use crate::desk::share;
    use tessera_formats::input::{InputError, Via};
    use tessera_formats::shared::SharedError;
    let found = match tessera_formats::classify(input) {
        Ok(f) => f,
        Err(InputError::Shared(e)) => {
            // Another issuer's credential: a proof and no compact badge.
            if e == SharedError::NoCompactBadge
                && let Some(credential) =
                    tessera_formats::credential::json_in(input).filter(|c| c.get("proof").is_some())
            {
                return Err(Box::new(foreign_credential(&credential, cx)));
            }
            // A VC-JWT's own faults (its header, algorithm, signature) come
            // before what its payload lacks.
            if let Some(token) = tessera_formats::credential::jwt_in(input)
                && let Err(jwt_error) = share::verify_jwt(&token, trust)
            {
                return Err(refused(jwt_error.into()));
            }
            return Err(refused(e.into()));
        }
        Err(e) => return Err(Box::new(CheckReport::unreadable(&e.to_string()))),
    };
    // A VC-JWT's signature is checked here; its verified claims are what
    // the badge is compared with.
    let (credential, jwt) = match &found.jwt {
        Some(token) => {
            let verified = share::verify_jwt(token, trust).map_err(|e| refused(e.into()))?;
            (Some(verified.credential), Some(verified.signer))
        }
        None => (found.credential.clone(), None),
    };
    let proof = match &credential {
        Some(c) if c.get("proof").is_some() => Some(check_proof(c, trust, now).map_err(refused)?),
        _ => None,
    };
    let bytes = match &credential {
        Some(c) if jwt.is_some() => share::compact_badge(c).map_err(refused)?,
        _ => found.badge,
    };
    let via = match (found.via, proof.is_some()) {
        (Via::BakedPng, _) if jwt.is_some() => "baked badge image, VC-JWT signature checked",
        (Via::VcJwt, _) => "VC-JWT signature checked",
        (Via::BakedPng, true) => "baked badge image, Data Integrity proof checked",
        (Via::Ob3Json, true) => "Open Badges JSON, Data Integrity proof checked",
        (Via::BakedPng, false) => {
            "baked badge image, unsigned JSON: judged on the signed badge inside"
        }
        (Via::Ob3Json, false) => "unsigned Open Badges JSON: judged on the signed badge inside",
        _ => "",
    };
    // Unsigned JSON: every field the signed badge cannot vouch for, named.
    let via = match (&credential, &proof, jwt.is_some()) {
        (Some(c), None, false) => share::unsigned_note(via, c, &bytes),
        _ => via.to_string(),
    };
    let demo = tessera_core::CoseSign1::from_slice(&bytes).is_ok_and(|m| {
        m.kid
            .is_some_and(|k| demo_kids.iter().any(|d| d.as_slice() == k))
    });
    Ok(Prepared {
        bytes,
        // A dump is a file: its UID is what the file says, not a read.
        from_card: found.via == Via::CardImage,
        dump_uid: found.tag_uid,
        credential,
        jwt,
        proof,
        via,
        demo,
    })
}

/// The verdict on an Open Badges credential of another issuer: its Data
/// Integrity proof by a trusted key, and its dates. Its revocation is
/// published by its issuer online, which an offline check cannot read:
/// the verdict says so.
fn foreign_credential<const N: usize>(
    credential: &serde_json::Value,
    cx: &Context<'_, N>,
) -> CheckReport {
    let now = cx.now;
    let proof = match check_proof(credential, cx.trust, now) {
        Ok(p) => p,
        Err(e) => return *refused(e),
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
        cx.name_of(&proof.key),
        claimed.as_deref(),
        &proof.key.kid().to_string(),
    );
    let details = Details {
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
    CheckReport {
        verdict,
        reason,
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
pub struct Context<'l, const N: usize> {
    /// Trusted issuer keys.
    pub trust: &'l TrustStore<N>,
    /// Key ids of the labelled demo issuer.
    pub demo_kids: &'l [Vec<u8>],
    /// This desk's ledger (revocation is immediate here; kiosks learn it
    /// from the published status list).
    pub ledger: &'l Ledger,
    /// Now, Unix seconds.
    pub now: i64,
    /// The program's catalogue, for what it says of this desk's badges.
    pub catalogue: Option<&'l crate::desk::catalogue::Catalogue>,
    /// This ledger's keys declared compromised, with from when (see
    /// [`Desk::declare_compromised`](crate::desk::Desk::declare_compromised)).
    pub compromised: &'l [(Vec<u8>, i64)],
    /// Other centers' status lists this desk holds (see
    /// [`Desk::import_status_lists`](crate::desk::Desk::import_status_lists)).
    pub foreign_lists: &'l [tessera_core::StatusList<'l>],
    /// The reasons those centers gave with their lists.
    pub foreign_reasons: &'l crate::desk::lists_source::Reasons,
    /// The trust list's name for each trusted key.
    pub names: &'l [(tessera_core::PublicKey, String)],
}

impl<const N: usize> Context<'_, N> {
    /// The trust list's name for `key`.
    fn name_of(&self, key: &tessera_core::PublicKey) -> Option<&str> {
        self.names
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, n)| n.as_str())
    }
}

/// Check `input`. `card_uid` is the UID of the card it was read from, for
/// the card binding; `holder` whom the viewer was told it belongs to. A
/// ledger that cannot be read is an error, never a verdict.
pub fn check<const N: usize>(
    input: &[u8],
    card_uid: Option<&[u8]>,
    holder: Option<&Holder>,
    cx: &Context<'_, N>,
) -> Result<CheckReport, LedgerError> {
    let p = match prepare(input, cx) {
        Ok(p) => p,
        Err(v) => return Ok(*v),
    };
    let uid = card_uid.or(p.dump_uid.as_deref());
    let result = tessera_core::verify(&p.bytes, cx.trust, u64::try_from(cx.now).ok(), None);
    judge(&p, result, uid, holder, cx)
}

/// [`check`] for many inputs at once (a folder of badges from an employer,
/// say), with batch signature verification; one verdict per input, each
/// what [`check`] gives for it alone.
pub fn check_many<const N: usize>(
    inputs: &[&[u8]],
    cx: &Context<'_, N>,
) -> Result<Vec<CheckReport>, LedgerError> {
    let prepared: Vec<Result<Prepared, Box<CheckReport>>> =
        inputs.iter().map(|i| prepare(i, cx)).collect();
    let badges: Vec<&[u8]> = prepared
        .iter()
        .filter_map(|p| p.as_ref().ok().map(|p| p.bytes.as_slice()))
        .collect();
    let mut results =
        tessera_core::verify_batch(&badges, cx.trust, u64::try_from(cx.now).ok(), None).into_iter();
    prepared
        .iter()
        .map(|p| match p {
            Ok(p) => match results.next() {
                Some(result) => judge(p, result, p.dump_uid.as_deref(), None, cx),
                // verify_batch returns one result per input.
                None => Ok(CheckReport::unreadable(
                    "internal error: a badge was not checked",
                )),
            },
            Err(v) => Ok((**v).clone()),
        })
        .collect()
}

/// The verdict on a prepared input given the core's result.
fn judge<const N: usize>(
    p: &Prepared,
    result: Result<VerifiedBadge<'_>, CoreError>,
    card_uid: Option<&[u8]>,
    holder: Option<&Holder>,
    cx: &Context<'_, N>,
) -> Result<CheckReport, LedgerError> {
    let (from_card, via) = (p.from_card, p.via.as_str());
    // Demo by the key that actually signed, when the signature held (a
    // badge without a kid is matched against every key).
    let demo = match &result {
        Ok(b) => cx
            .demo_kids
            .iter()
            .any(|d| d.as_slice() == b.kid.as_bytes()),
        Err(_) => p.demo,
    };
    let result = result
        .and_then(|b| {
            if let Some(uid) = card_uid {
                b.check_card_uid(uid)?;
            }
            Ok(b)
        })
        .map_err(Failure::Core);
    let result = result.and_then(|b| {
        if let Some(signer) = &p.jwt {
            crate::desk::share::check_jwt_binding(signer, &b)
                .map_err(|e| Failure::Share(e.into()))?;
        }
        if let Some(proof) = &p.proof
            && proof.key != b.issuer_key
        {
            return Err(Failure::Share(
                crate::desk::share::ShareError::ProofWrongSigner(proof.key.kid().to_string()),
            ));
        }
        match &p.credential {
            Some(c) => crate::desk::share::check_matches(c, &b, &p.bytes)
                .map(|()| b)
                .map_err(|e| Failure::Share(e.into())),
            None => Ok(b),
        }
    });
    let holder_of = |b: &VerifiedBadge<'_>| {
        holder.map(|h| HolderCheck {
            identity: h.identity.trim().to_string(),
            belongs: b.is_for(&h.salt, &h.identity),
        })
    };
    // A compromised key's badge holds only if it is, byte for byte, one
    // the ledger recorded before the compromise (the thief can sign
    // anything else, any date and serial included).
    let result = match result {
        Ok(b) => match cx.compromised.iter().find(|(k, _)| k == b.kid.as_bytes()) {
            Some((_, since)) => {
                let recorded = match cx.ledger.badge(b.claims.serial) {
                    Ok(r) => Some(r),
                    Err(LedgerError::UnknownSerial(_)) => None,
                    Err(e) => return Err(e),
                };
                match recorded {
                    // The badge as issued, or as bound to the card it was
                    // last written on.
                    Some(r)
                        if (r.cose == p.bytes || r.card_cose.as_deref() == Some(&p.bytes[..]))
                            && r.issued_at < *since =>
                    {
                        Ok(b)
                    }
                    _ => Err(Failure::Core(CoreError::IssuerKeyCompromised {
                        since: u64::try_from(*since).unwrap_or(0),
                    })),
                }
            }
            None => Ok(b),
        },
        Err(e) => Err(e),
    };
    // Another center's badge: against that center's list, when held.
    let mut foreign_checked = false;
    let result = match result {
        Ok(b)
            if tessera_core::status::select(cx.foreign_lists, b.issuer_key, b.claims.serial)
                .is_some() =>
        {
            foreign_checked = true;
            b.check_lists(u64::try_from(cx.now).ok(), cx.foreign_lists)
                .map_err(Failure::Core)
        }
        other => other,
    };
    let mut v = match result {
        Ok(badge) => {
            let own = own_row(&badge, cx.ledger)?;
            let d = details(&badge, own.as_ref(), cx);
            let holder = holder_of(&badge);
            let suspension = match &own {
                Some(r) if r.state != BadgeState::Revoked => cx.ledger.suspension(r.serial)?,
                _ => None,
            };
            // Only this ledger's own badges have their revocation known here.
            let revocation_known = own.is_some() || foreign_checked;
            match (own, suspension) {
                (Some(_), Some(x)) => CheckReport {
                    verdict: Verdict::Suspended,
                    reason: format!(
                        "suspended on {}: {}; do not accept it until the issuer reinstates it",
                        date(x.suspended_at),
                        x.reason
                    ),
                    demo,
                    badge: Some(d),
                    holder,
                    note: None,
                },
                (Some(r), _) if r.state == BadgeState::Revoked => CheckReport {
                    verdict: Verdict::Revoked,
                    reason: format!(
                        "revoked on {}: {}; do not accept it",
                        r.revoked_at
                            .map_or_else(|| "an unrecorded date".into(), date),
                        r.revocation_reason
                            .as_deref()
                            .unwrap_or("no reason recorded")
                    ),
                    demo,
                    badge: Some(d),
                    holder,
                    note: None,
                },
                _ => CheckReport {
                    verdict: Verdict::Valid,
                    reason: if badge.claims.card_uid.is_some() && card_uid.is_none() {
                        card_bound_valid(CardRead::Elsewhere).into()
                    } else if badge.claims.card_uid.is_some() && p.dump_uid.is_some() {
                        card_bound_valid(CardRead::Dump).into()
                    } else if from_card && badge.claims.card_uid.is_some() {
                        card_bound_valid(CardRead::Card).into()
                    } else if revocation_known {
                        "genuine and current: signed by a trusted issuer, not expired, not revoked"
                            .into()
                    } else {
                        "genuine and current: signed by a trusted issuer, not expired; revocation not checked (this desk holds no revocation list of that issuer)"
                            .into()
                    },
                    demo,
                    badge: Some(d),
                    holder,
                    note: None,
                },
            }
        }
        Err(e) => {
            // Show what the badge says when its signature held.
            let signed = tessera_core::verify(&p.bytes, cx.trust, None, None).ok();
            let (badge, holder) = match &signed {
                Some(b) => {
                    let own = own_row(b, cx.ledger)?;
                    (Some(details(b, own.as_ref(), cx)), holder_of(b))
                }
                None => (None, None),
            };
            // Another center's revocation or suspension, with the reason
            // it gave (unsigned words; the signed list is what decides).
            let given = |reasons: &[tessera_web::verifier::SiteRevocation], serial: u32| {
                signed
                    .as_ref()
                    .and_then(|b| tessera_web::verifier::find_reason(reasons, b, serial))
            };
            let (verdict, reason) = match e {
                Failure::Core(CoreError::Revoked { serial })
                    if foreign_checked
                        && let Some(r) = given(&cx.foreign_reasons.revoked, serial) =>
                {
                    (
                        Verdict::Revoked,
                        format!(
                            "revoked by its issuer on {}: {}; do not accept it",
                            r.date, r.reason
                        ),
                    )
                }
                Failure::Core(CoreError::Suspended { serial })
                    if foreign_checked
                        && let Some(r) = given(&cx.foreign_reasons.suspended, serial) =>
                {
                    (
                        Verdict::Suspended,
                        format!(
                            "suspended by its issuer on {}: {}; do not accept it until they reinstate it",
                            r.date, r.reason
                        ),
                    )
                }
                Failure::Core(e) => (e.verdict(), e.to_string()),
                Failure::Share(e) => (Verdict::Forged, e.to_string()),
            };
            CheckReport {
                verdict,
                reason,
                demo,
                badge,
                holder,
                note: None,
            }
        }
    };
    // A badge this desk issued, for an achievement the program retired:
    // still valid, and said so.
    if v.verdict == Verdict::Valid
        && let (Some(cat), Some(b)) = (cx.catalogue, &v.badge)
        && b.recipient.is_some()
        && let Some(entry) = cat.get(&b.achievement_id)
    {
        let today = chrono::DateTime::from_timestamp(cx.now, 0)
            .map_or(chrono::NaiveDate::MAX, |t| t.date_naive());
        if let Some((note, why)) = crate::desk::catalogue::retired_note(entry, today) {
            v.note = Some(note);
            v.reason = format!("{}; {why}", v.reason);
        }
    }
    if !via.is_empty() && v.verdict == Verdict::Valid {
        v.reason = format!("{} ({via})", v.reason);
    }
    if v.demo {
        v.reason = format!("DEMO badge, not a real certification. {}", v.reason);
    }
    Ok(v)
}

impl crate::desk::Desk {
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
    ) -> Result<CheckReport, crate::desk::DeskError> {
        self.with_context(|cx| check(input, card_uid, holder, cx))
    }

    /// [`Desk::check`](crate::desk::Desk::check) for many inputs, with batch signature verification.
    pub fn check_many(&self, inputs: &[&[u8]]) -> Result<Vec<CheckReport>, crate::desk::DeskError> {
        self.with_context(|cx| check_many(inputs, cx))
    }

    /// Run `f` with this desk's trust, demo keys, ledger and the time now.
    fn with_context<T>(
        &self,
        f: impl FnOnce(&Context<'_, 64>) -> Result<T, LedgerError>,
    ) -> Result<T, crate::desk::DeskError> {
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
        let cx = Context {
            names: &names,
            foreign_reasons: &foreign_reasons,
            trust: &trust,
            demo_kids: &demo_kids,
            ledger: &self.ledger,
            now: crate::desk::now(),
            catalogue: Some(&catalogue),
            compromised: &compromised,
            foreign_lists: &foreign_lists,
        };
        Ok(f(&cx)?)
    }
}
