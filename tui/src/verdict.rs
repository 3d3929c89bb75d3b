//! Checking a badge at the desk: one unmistakable verdict with its reason
//! and the badge details, whatever the input (card dump, `.cbor`, QR text).

use serde::Serialize;
use tessera_core::{Error as CoreError, TrustStore, VerifiedBadge};

use crate::ledger::{BadgeState, Ledger};

/// The verdict staff see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    /// Genuine, current, not revoked.
    Valid,
    /// Revoked by its issuer.
    Revoked,
    /// Past its expiry date (or not valid yet).
    Expired,
    /// Signed by an issuer this desk does not trust.
    UnknownIssuer,
    /// Altered or forged: the signature does not match, or it was copied to another card.
    Forged,
    /// Not a readable badge.
    Unreadable,
}

impl VerdictKind {
    /// The large word on the Check screen.
    pub const fn headline(self) -> &'static str {
        match self {
            VerdictKind::Valid => "VALID",
            VerdictKind::Revoked => "REVOKED",
            VerdictKind::Expired => "EXPIRED",
            VerdictKind::UnknownIssuer => "UNKNOWN ISSUER",
            VerdictKind::Forged => "FORGED",
            VerdictKind::Unreadable => "NOT A BADGE",
        }
    }
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
    /// Recipient from this desk's ledger, when it issued the badge.
    pub recipient: Option<String>,
}

/// A verdict with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The verdict.
    pub verdict: VerdictKind,
    /// Why, in plain words, with what to do.
    pub reason: String,
    /// Signed by the labelled demo issuer: not a real certification.
    pub demo: bool,
    /// The badge, when it could be read.
    pub badge: Option<Details>,
}

impl Verdict {
    /// An input that could not be read at all.
    pub fn error(reason: &str) -> Self {
        Self {
            verdict: VerdictKind::Unreadable,
            reason: reason.to_string(),
            demo: false,
            badge: None,
        }
    }

    /// Exit code for scripts: 0 only for a valid badge.
    pub fn exit_code(&self) -> i32 {
        match self.verdict {
            VerdictKind::Valid => 0,
            VerdictKind::Unreadable => 2,
            _ => 1,
        }
    }
}

/// Format Unix seconds as an ISO date.
pub fn date(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map_or_else(|| t.to_string(), |d| d.format("%Y-%m-%d").to_string())
}

/// The last day a badge with expiry `exp` is valid (expiry is the first
/// second it is not).
pub fn expiry_date(exp: i64) -> String {
    date(exp.saturating_sub(1))
}

/// What the input holds.
pub enum Input {
    /// COSE_Sign1 bytes.
    Cose(Vec<u8>),
    /// A card image or dump of user memory.
    Card(Vec<u8>),
}

/// Recognise the input format: COSE (`D2...`), a card image (`03...` or a
/// dump starting with NULL/control TLVs), or QR text (`TSR1:...`).
pub fn classify(input: &[u8]) -> Result<Input, String> {
    let text = std::str::from_utf8(input).ok().map(str::trim);
    if let Some(t) = text
        && t.len() >= 5
        && t.get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case(crate::qr::PREFIX))
    {
        return crate::qr::from_text(t)
            .map(Input::Cose)
            .map_err(|e| e.to_string());
    }
    match input.first() {
        Some(0xd2) => Ok(Input::Cose(input.to_vec())),
        Some(0x00..=0x03) => Ok(Input::Card(input.to_vec())),
        None => Err("the input is empty: nothing was read".into()),
        Some(_) => Err(
            "this is not a badge: expected a card dump, a .cbor badge file, QR text starting with TSR1:, a baked badge PNG, a VC-JWT or Open Badges 3.0 JSON".into(),
        ),
    }
}

fn kind_of(e: &CoreError) -> VerdictKind {
    match e {
        CoreError::Revoked { .. } => VerdictKind::Revoked,
        CoreError::Expired { .. } | CoreError::NotYetValid { .. } => VerdictKind::Expired,
        CoreError::UnknownIssuer => VerdictKind::UnknownIssuer,
        CoreError::SignatureInvalid | CoreError::CardMismatch => VerdictKind::Forged,
        _ => VerdictKind::Unreadable,
    }
}

fn details(b: &VerifiedBadge<'_>, ledger: &Ledger) -> Details {
    let c = &b.claims;
    let recipient = ledger
        .badge(c.serial)
        .ok()
        .filter(|r| r.kid == b.kid.as_bytes() && r.subject == c.subject)
        .map(|r| r.recipient);
    Details {
        serial: c.serial,
        issuer: c
            .issuer
            .map_or_else(|| format!("issuer key {}", b.kid), str::to_string),
        kid: b.kid.to_string(),
        achievement_id: c.achievement_id.to_string(),
        achievement_name: c.achievement_name.map(str::to_string),
        display_name: c.display_name.map(str::to_string),
        issued: date(i64::try_from(c.issued_at).unwrap_or(i64::MAX)),
        expires: c
            .expires
            .map(|e| expiry_date(i64::try_from(e).unwrap_or(i64::MAX))),
        recipient,
    }
}

/// Why a check failed: the badge, or the shared file around it.
enum Failure {
    Core(CoreError),
    Share(crate::share::ShareError),
}

/// The compact badge inside a baked PNG, a VC-JWT or an Open Badges 3.0
/// JSON credential, with the credential and how it came; `None` for every
/// other input. A failure is the verdict.
fn unwrap_shared<const N: usize>(
    input: &[u8],
    trust: &TrustStore<N>,
) -> Result<Option<Shared>, Box<Verdict>> {
    use crate::share::{self, ShareError};
    let refuse = |e: ShareError| {
        let kind = match e {
            ShareError::JwtUnknownKey(_) => VerdictKind::UnknownIssuer,
            ShareError::JwtSignature | ShareError::JwtUnsigned | ShareError::JwtAlgorithm(_) => {
                VerdictKind::Forged
            }
            _ => VerdictKind::Unreadable,
        };
        Box::new(Verdict {
            verdict: kind,
            reason: e.to_string(),
            demo: false,
            badge: None,
        })
    };
    let (text, baked) = if input.starts_with(&share::PNG_SIGNATURE) {
        (share::unbake(input).map_err(refuse)?, true)
    } else {
        match std::str::from_utf8(input) {
            Ok(t) => (t.to_string(), false),
            Err(_) => return Ok(None),
        }
    };
    let text = text.trim();
    let (credential, jwt, via) = if share::looks_like_jwt(text) {
        let (vc, claims, signer) = share::verify_jwt(text, trust).map_err(refuse)?;
        (
            vc,
            Some((claims, signer)),
            if baked {
                "baked badge image, VC-JWT signature checked"
            } else {
                "VC-JWT signature checked"
            },
        )
    } else if text.starts_with('{') {
        let vc: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            refuse(ShareError::NotCredential(format!(
                "the JSON does not parse ({e})"
            )))
        })?;
        (
            vc,
            None,
            if baked {
                "baked badge image, unsigned JSON: judged on the signed badge inside; its recipient identifier is not signed"
            } else {
                "unsigned Open Badges JSON: judged on the signed badge inside; its recipient identifier is not signed"
            },
        )
    } else if baked {
        return Err(refuse(ShareError::NotCredential(
            "the PNG's credential chunk holds neither a VC-JWT nor JSON".into(),
        )));
    } else {
        return Ok(None);
    };
    let cose = share::compact_badge(&credential).map_err(refuse)?;
    Ok(Some(Shared {
        cose,
        credential,
        jwt,
        via,
    }))
}

/// What a shared file held.
struct Shared {
    /// The compact badge from the credential's evidence.
    cose: Vec<u8>,
    /// The credential.
    credential: serde_json::Value,
    /// For a VC-JWT: its claims and the key that signed it.
    jwt: Option<(serde_json::Value, tessera_core::PublicKey)>,
    /// How it came, for the reason line.
    via: &'static str,
}

/// An input made ready for the signature check.
struct Prepared {
    /// The COSE_Sign1 bytes.
    bytes: Vec<u8>,
    /// Read from a card image.
    from_card: bool,
    /// The Open Badges credential it came in, if any.
    credential: Option<serde_json::Value>,
    /// For a VC-JWT: its claims and signer.
    jwt: Option<(serde_json::Value, tessera_core::PublicKey)>,
    /// How it came, for the reason line ("" for plain badges).
    via: &'static str,
    /// Signed by a demo key.
    demo: bool,
}

/// Unwrap shared formats, recognise the input, find the COSE bytes.
fn prepare<const N: usize>(
    input: &[u8],
    trust: &TrustStore<N>,
    demo_kids: &[Vec<u8>],
) -> Result<Prepared, Box<Verdict>> {
    // Shared formats (baked PNG, VC-JWT, OB 3.0 JSON) carry the compact
    // badge: check their own wrapping, then judge the badge inside.
    let (inner, credential, jwt, via) = match unwrap_shared(input, trust)? {
        Some(s) => (Some(s.cose), Some(s.credential), s.jwt, s.via),
        None => (None, None, None, ""),
    };
    let input = inner.as_deref().unwrap_or(input);
    let (bytes, from_card) = match classify(input) {
        Ok(Input::Cose(b)) => (b, false),
        Ok(Input::Card(mem)) => match tessera_core::ndef::parse_card_image(&mem) {
            // A card image inside a shared file was not read from a card.
            Ok(b) => (b.to_vec(), credential.is_none()),
            Err(e) => return Err(Box::new(Verdict::error(&e.to_string()))),
        },
        Err(reason) => return Err(Box::new(Verdict::error(&reason))),
    };
    let demo = tessera_core::CoseSign1::from_slice(&bytes).is_ok_and(|m| {
        m.kid
            .is_some_and(|k| demo_kids.iter().any(|d| d.as_slice() == k))
    });
    Ok(Prepared {
        bytes,
        from_card,
        credential,
        jwt,
        via,
        demo,
    })
}

/// Check `input` against `trust`; badges this desk issued are also checked
/// against its ledger (revocation is immediate here, kiosks learn it from
/// the published status list).
pub fn check<const N: usize>(
    input: &[u8],
    card_uid: Option<&[u8]>,
    trust: &TrustStore<N>,
    demo_kids: &[Vec<u8>],
    ledger: &Ledger,
    now: i64,
) -> Verdict {
    let p = match prepare(input, trust, demo_kids) {
        Ok(p) => p,
        Err(v) => return *v,
    };
    let result = tessera_core::verify(&p.bytes, trust, u64::try_from(now).ok(), None);
    judge(&p, result, card_uid, trust, demo_kids, ledger)
}

/// [`check`] for many inputs at once (a folder of badges from an employer,
/// say), with batch signature verification; one verdict per input, each
/// what [`check`] gives for it alone.
pub fn check_many<const N: usize>(
    inputs: &[&[u8]],
    trust: &TrustStore<N>,
    demo_kids: &[Vec<u8>],
    ledger: &Ledger,
    now: i64,
) -> Vec<Verdict> {
    let prepared: Vec<Result<Prepared, Box<Verdict>>> = inputs
        .iter()
        .map(|i| prepare(i, trust, demo_kids))
        .collect();
    let badges: Vec<&[u8]> = prepared
        .iter()
        .filter_map(|p| p.as_ref().ok().map(|p| p.bytes.as_slice()))
        .collect();
    let mut results =
        tessera_core::verify_batch(&badges, trust, u64::try_from(now).ok(), None).into_iter();
    prepared
        .iter()
        .map(|p| match p {
            Ok(p) => match results.next() {
                Some(result) => judge(p, result, None, trust, demo_kids, ledger),
                None => Verdict::error("internal error: a badge was not checked"),
            },
            Err(v) => (**v).clone(),
        })
        .collect()
}

/// The verdict on a prepared input given the core's result.
fn judge<const N: usize>(
    p: &Prepared,
    result: Result<VerifiedBadge<'_>, CoreError>,
    card_uid: Option<&[u8]>,
    trust: &TrustStore<N>,
    demo_kids: &[Vec<u8>],
    ledger: &Ledger,
) -> Verdict {
    let (from_card, via) = (p.from_card, p.via);
    // Demo by the key that actually signed, when the signature held (a
    // badge without a kid is matched against every key).
    let demo = match &result {
        Ok(b) => demo_kids.iter().any(|d| d.as_slice() == b.kid.as_bytes()),
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
        if let Some((claims, signer)) = &p.jwt {
            crate::share::check_jwt_binding(claims, signer, &b).map_err(Failure::Share)?;
        }
        match &p.credential {
            Some(c) => crate::share::check_matches(c, &b, &p.bytes)
                .map(|()| b)
                .map_err(Failure::Share),
            None => Ok(b),
        }
    });
    let mut v = match result {
        Ok(badge) => {
            let d = details(&badge, ledger);
            let own = ledger
                .badge(badge.claims.serial)
                .ok()
                .filter(|r| r.kid == badge.kid.as_bytes());
            match own {
                Some(r) if r.state == BadgeState::Revoked => Verdict {
                    verdict: VerdictKind::Revoked,
                    reason: format!(
                        "revoked on {}: {}; do not accept it",
                        r.revoked_at.map(date).unwrap_or_default(),
                        r.revocation_reason.unwrap_or_default()
                    ),
                    demo,
                    badge: Some(d),
                },
                _ => Verdict {
                    verdict: VerdictKind::Valid,
                    reason: if badge.claims.card_uid.is_some() && card_uid.is_none() {
                        "genuine and current; it is bound to a card, so check the card itself to be sure it is the original".into()
                    } else if from_card && badge.claims.card_uid.is_some() {
                        "genuine, current, and on the card it was issued for".into()
                    } else {
                        "genuine and current: signed by a trusted issuer, not expired, not revoked"
                            .into()
                    },
                    demo,
                    badge: Some(d),
                },
            }
        }
        Err(e) => {
            // Show what the badge says when its signature held.
            let badge = tessera_core::verify(&p.bytes, trust, None, None)
                .ok()
                .map(|b| details(&b, ledger));
            let (verdict, reason) = match e {
                Failure::Core(e) => (kind_of(&e), e.to_string()),
                Failure::Share(e) => (VerdictKind::Forged, e.to_string()),
            };
            Verdict {
                verdict,
                reason,
                demo,
                badge,
            }
        }
    };
    if !via.is_empty() && v.verdict == VerdictKind::Valid {
        v.reason = format!("{} ({via})", v.reason);
    }
    if v.demo {
        v.reason = format!("DEMO badge, not a real certification. {}", v.reason);
    }
    v
}
