//! The verifier behind the page, as plain Rust (no browser types), so it
//! runs natively in tests too: the site's trust list and status lists in,
//! a verdict report (JSON) out.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use tessera_core::{
    CoseSign1, PublicKey, StatusList, StatusListBuilder, TrustStore, Verdict, VerifiedBadge,
};
use tessera_formats::Input;
use tessera_formats::credential::{self, CredentialError};
use tessera_formats::input::{InputError, Via};
use tessera_formats::text::{CardRead, card_bound_valid, date, expiry_date, parse_claim_code};

/// The site data `tessera site build` writes (`window.TESSERA_SITE`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct Site {
    /// `tessera-site-2`.
    pub format: String,
    /// The desk that built the site.
    pub issuer: String,
    /// Where the site is published, when known.
    pub url: Option<String>,
    /// When the site was built (RFC 3339).
    pub built_at: String,
    /// The issuers this site accepts.
    pub trust: Vec<SiteIssuer>,
    /// Every key's signed status lists, in parts ([`CompactList`]): a
    /// few bytes for a list of mostly valid serials.
    pub compact_lists: Vec<CompactList>,
    /// Why badges were revoked (the list itself only says that they were).
    pub revocations: Vec<SiteRevocation>,
    /// Why badges are suspended, and since when (absent in sites built
    /// before suspensions).
    #[serde(default)]
    pub suspensions: Vec<SiteRevocation>,
}

/// A signed status list in parts: its fields, the serials it marks, and
/// its signature. The page re-creates the signed bytes
/// ([`StatusListBuilder::assemble`]) and verifies them as any list, so it
/// trusts nothing the signature does not cover; a list of 65,536 serials
/// with few revoked takes a few hundred bytes instead of 8 KiB of bits.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct CompactList {
    /// The signing key's id, hex.
    pub kid: String,
    /// First serial covered.
    pub first: u32,
    /// Serials covered.
    pub count: u32,
    /// When the list was made (Unix seconds).
    pub iat: u64,
    /// When it goes stale.
    pub exp: Option<u64>,
    /// The revoked serials' indexes (serial − `first`), ascending.
    pub revoked: Vec<u32>,
    /// The suspended serials' indexes, ascending.
    #[serde(default)]
    pub suspended: Vec<u16>,
    /// When the key was declared compromised.
    #[serde(default)]
    pub compromised_since: Option<u64>,
    /// The signature, hex.
    pub sig: String,
}

impl CompactList {
    /// The parts of a signed list (its signature is not checked here: the
    /// page checks what it re-creates).
    pub fn from_signed(bytes: &[u8], trust: &TrustStore<64>) -> Result<Self, String> {
        let list = StatusList::verify(bytes, trust, None).map_err(|e| e.to_string())?;
        let message = CoseSign1::from_slice(bytes).map_err(|e| e.to_string())?;
        let revoked = (0..list.count())
            .filter(|i| {
                list.bits()
                    .get((i / 8) as usize)
                    .is_some_and(|b| b & (1 << (i % 8)) != 0)
            })
            .collect();
        let suspended = list
            .suspended()
            .unwrap_or_default()
            .chunks_exact(2)
            .map(|p| {
                u16::from_be_bytes([
                    p.first().copied().unwrap_or(0),
                    p.get(1).copied().unwrap_or(0),
                ])
            })
            .collect();
        Ok(Self {
            kid: list.kid().to_string(),
            first: list.first(),
            count: list.count(),
            iat: list.issued_at(),
            exp: list.expires(),
            revoked,
            suspended,
            compromised_since: list.compromised_since(),
            sig: hex::encode(message.signature.as_bytes()),
        })
    }

    /// The signed bytes again.
    pub fn to_signed(&self) -> Result<Vec<u8>, String> {
        let kid: [u8; tessera_core::sizes::KID_LEN] = hex::decode(&self.kid)
            .ok()
            .and_then(|k| k.try_into().ok())
            .ok_or_else(|| format!("key id {:?}", self.kid))?;
        let sig = hex::decode(&self.sig)
            .ok()
            .and_then(|s| tessera_core::Signature::try_from(s.as_slice()).ok())
            .ok_or_else(|| "a status list signature is not 64 bytes of hex".to_string())?;
        let mut bits = vec![0u8; tessera_core::status::bits_len(self.count)];
        for i in &self.revoked {
            tessera_core::status::set_revoked(&mut bits, *i).map_err(|e| e.to_string())?;
        }
        let suspended: Vec<u8> = self
            .suspended
            .iter()
            .flat_map(|i| i.to_be_bytes())
            .collect();
        let mut out = vec![0u8; tessera_core::sizes::MAX_STATUS_LIST_LEN];
        let n = StatusListBuilder {
            issued_at: self.iat,
            expires: self.exp,
            first: self.first,
            count: self.count,
            bits: &bits,
            compromised_since: self.compromised_since,
            suspended: (!suspended.is_empty()).then_some(suspended.as_slice()),
        }
        .assemble(tessera_core::Kid::from(kid), &sig, &mut out)
        .map_err(|e| e.to_string())?;
        out.truncate(n);
        Ok(out)
    }
}

/// One trusted issuer key.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct SiteIssuer {
    /// Key id, hex.
    pub kid: String,
    /// Ed25519 public key, hex.
    pub key: String,
    /// The issuer's name.
    pub name: String,
    /// The labelled demo issuer.
    pub demo: bool,
}

/// Why one badge was revoked.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct SiteRevocation {
    /// Issuer key id, hex.
    pub kid: String,
    /// Badge serial.
    pub serial: u32,
    /// ISO date.
    pub date: String,
    /// The reason recorded by the issuer.
    pub reason: String,
}

/// The site format this verifier reads.
pub const SITE_FORMAT: &str = "tessera-site-2";

/// The verdict report the page draws (see `web/README.md`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Report {
    /// `valid`, `revoked`, `suspended`, `expired`, `unknown_issuer`,
    /// `forged`, `unreadable` (the core's [`Verdict::code`]), or
    /// `not_checked`: a credential whose signature this page cannot check
    /// ([`NOT_CHECKED`]).
    pub verdict: &'static str,
    /// The English headline.
    pub headline: &'static str,
    /// The core error's name, for the page to translate the reason.
    pub error: Option<String>,
    /// Why, in English.
    pub reason: String,
    /// Signed by a labelled demo issuer.
    pub demo: bool,
    /// How the badge came (`qr_text`, `cbor`, `baked_png`...), when read.
    pub via: Option<&'static str>,
    /// The badge, when its signature holds.
    pub badge: Option<BadgeView>,
    /// When revoked and the site knows why.
    pub revocation: Option<SiteRevocation>,
    /// Issue date of the status list checked against.
    pub revocations_as_of: Option<String>,
    /// The holder check, when asked for.
    pub holder: Option<HolderView>,
}

/// What the badge says.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BadgeView {
    /// Serial.
    pub serial: u32,
    /// Issuer name (the badge's, else the site's name for its key).
    pub issuer: String,
    /// Issuer key id, hex.
    pub kid: String,
    /// Achievement code.
    pub achievement_id: String,
    /// Achievement name.
    pub achievement_name: Option<String>,
    /// Name shown on the card.
    pub display_name: Option<String>,
    /// ISO date.
    pub issued: String,
    /// Last valid day.
    pub expires: Option<String>,
    /// Level.
    pub level: Option<u8>,
    /// Evidence URL.
    pub evidence: Option<String>,
}

/// Whose badge it is.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HolderView {
    /// The identity the viewer typed.
    pub identity: String,
    /// The badge's recipient commitment matches it and the claim code.
    pub belongs: bool,
}

/// The site's trust list and status lists, ready to check badges.
#[derive(Debug)]
pub struct Verifier {
    site: Site,
    trust: TrustStore<64>,
    /// The compact lists, verified the first time a badge needs one (a
    /// desk of 10,000,000 badges has 153 lists a key: checking one badge
    /// needs one). `None`: not tried yet; `Some(None)`: it did not verify.
    verified: RefCell<Vec<Option<Option<StatusList<'static>>>>>,
    /// Whether each compact list is its key's newest (computed once).
    newest: Vec<bool>,
}

fn bad_site(what: String) -> String {
    format!("this verification page's data is damaged ({what}); ask the issuer for a fresh copy")
}

impl Verifier {
    /// Read the site data (JSON); each status list must verify against the
    /// trust list.
    pub fn new(site_json: &str) -> Result<Self, String> {
        let site: Site = serde_json::from_str(site_json).map_err(|e| bad_site(e.to_string()))?;
        if site.format != SITE_FORMAT {
            return Err(bad_site(format!("format {:?}", site.format)));
        }
        let mut trust = TrustStore::new();
        for i in &site.trust {
            let bytes = hex::decode(&i.key).map_err(|_| bad_site(format!("key of {}", i.name)))?;
            let key = PublicKey::try_from(bytes.as_slice())
                .map_err(|e| bad_site(format!("key of {}: {e}", i.name)))?;
            trust.add(key).map_err(|e| bad_site(e.to_string()))?;
        }
        for c in &site.compact_lists {
            if hex::decode(&c.kid).map_or(true, |k| k.len() != tessera_core::sizes::KID_LEN) {
                return Err(bad_site(format!("a status list's key id {:?}", c.kid)));
            }
        }
        let verified = RefCell::new(vec![None; site.compact_lists.len()]);
        let lists = &site.compact_lists;
        let newest = lists
            .iter()
            .map(|c| {
                !lists
                    .iter()
                    .any(|o| o.kid == c.kid && (o.iat, o.first) > (c.iat, c.first))
            })
            .collect();
        Ok(Self {
            site,
            trust,
            verified,
            newest,
        })
    }

    /// The lists that may answer for `badge`: the compact lists of the key its `kid` header names (every key's, for a
    /// badge without one) that cover its serial or are that key's newest,
    /// verified now if they were not yet. The header and serial only choose
    /// which lists to load: the core then picks among them by the key that
    /// verified the signature. `Err` when one of them does not verify.
    fn lists_for(&self, badge: &[u8]) -> Result<Vec<StatusList<'static>>, tessera_core::Error> {
        let mut out = Vec::new();
        let Ok(message) = CoseSign1::from_slice(badge) else {
            return Ok(out);
        };
        let kid = message.kid.map(hex::encode);
        let serial = tessera_core::BadgeClaims::decode(message.payload, message.payload_offset)
            .map(|c| c.serial)
            .ok();
        let compact = &self.site.compact_lists;
        let of_key = |c: &CompactList| kid.as_ref().is_none_or(|k| *k == c.kid);
        let covers = |c: &CompactList| {
            serial.is_some_and(|s| {
                s >= c.first && u64::from(s) < u64::from(c.first) + u64::from(c.count)
            })
        };
        let mut verified = self.verified.borrow_mut();
        for (i, c) in compact.iter().enumerate() {
            let newest = self.newest.get(i).copied().unwrap_or(false);
            if !(of_key(c) && (covers(c) || newest)) {
                continue;
            }
            let slot = verified
                .get_mut(i)
                .ok_or(tessera_core::Error::StatusListMissing)?;
            if slot.is_none() {
                *slot = Some(
                    c.to_signed()
                        .ok()
                        .and_then(|bytes| verify_static(bytes, &self.trust).ok()),
                );
            }
            match slot {
                Some(Some(list)) => out.push(*list),
                // A list of this page that does not verify: fail closed.
                _ => return Err(tessera_core::Error::StatusListMissing),
            }
        }
        Ok(out)
    }

    /// The site data.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// The status lists: issuer, key id, issue and expiry dates.
    ///
    /// One entry per key (its newest list; a key has one list per 65,536
    /// serials, all made together), described as the site states it: each
    /// list is verified when a badge needs it.
    pub fn lists(&self) -> serde_json::Value {
        let mut seen: Vec<(String, u64, Option<u64>)> = Vec::new();
        let all = self
            .site
            .compact_lists
            .iter()
            .map(|c| (c.kid.clone(), c.iat, c.exp));
        for (kid, iat, exp) in all {
            match seen.iter_mut().find(|(k, _, _)| *k == kid) {
                Some(entry) if entry.1 < iat => *entry = (kid, iat, exp),
                Some(_) => {}
                None => seen.push((kid, iat, exp)),
            }
        }
        serde_json::Value::Array(
            seen.into_iter()
                .map(|(kid, iat, exp)| {
                    serde_json::json!({
                        "issuer": self.name_of(&kid),
                        "kid": kid,
                        "issued": date(secs(iat)),
                        "expires": exp.map(|e| date(secs(e))),
                    })
                })
                .collect(),
        )
    }

    fn name_of(&self, kid: &str) -> String {
        self.site
            .trust
            .iter()
            .find(|i| i.kid == kid)
            .map_or_else(|| format!("issuer key {kid}"), |i| i.name.clone())
    }

    /// The site's name for the issuer key that verified `b` (matched by
    /// the whole key, never by the short kid alone).
    fn trusted_name(&self, b: &VerifiedBadge<'_>) -> Option<&str> {
        let key = hex::encode(b.issuer_key.as_bytes());
        self.site
            .trust
            .iter()
            .find(|i| i.key == key)
            .map(|i| i.name.as_str())
    }

    fn is_demo(&self, kid: &[u8]) -> bool {
        let kid = hex::encode(kid);
        self.site.trust.iter().any(|i| i.demo && i.kid == kid)
    }

    /// Check `input` (any format a badge travels in) at time `now`.
    pub fn check(&self, input: &[u8], now: u64) -> Report {
        self.check_for(input, now, None, None)
    }

    /// Check `input` as read from the card with serial number `uid` (Web
    /// NFC's `serialNumber`): a badge bound to another card reads FORGED,
    /// as a clone.
    pub fn check_card(&self, input: &[u8], uid: &[u8], now: u64) -> Report {
        self.check_for(input, now, None, Some(uid))
    }

    /// [`Verifier::check`] and whether the badge belongs to `identity`
    /// with `claim_code`. A malformed claim code is an error.
    pub fn check_holder(
        &self,
        input: &[u8],
        now: u64,
        identity: &str,
        claim_code: &str,
    ) -> Result<Report, String> {
        let salt = parse_claim_code(claim_code).map_err(|e| e.to_string())?;
        Ok(self.check_for(input, now, Some((identity, &salt)), None))
    }

    fn check_for(
        &self,
        input: &[u8],
        now: u64,
        holder: Option<(&str, &tessera_core::Salt)>,
        card_uid: Option<&[u8]>,
    ) -> Report {
        let found = match tessera_formats::classify(input) {
            Ok(f) => f,
            Err(e) => return self.not_a_badge(input, &e),
        };
        // A credential's own signature before the badge inside it.
        let wrapper = match self.wrapper(&found) {
            Ok(w) => w,
            Err(report) => return *report,
        };
        let badge_bytes = wrapper.badge.as_deref().unwrap_or(&found.badge);
        let kid = CoseSign1::from_slice(badge_bytes)
            .ok()
            .and_then(|m| m.kid.map(<[u8]>::to_vec));
        // The list is picked by the key that verified the signature and the
        // badge's serial, among every key's lists the site carries.
        let lists = self.lists_for(badge_bytes);
        let result = lists.as_ref().map_err(|e| *e).and_then(|lists| {
            tessera_core::verify_lists(badge_bytes, &self.trust, Some(now), lists)
        });
        // A card read names its UID; a dump file states one.
        let uid = card_uid.or(found.tag_uid.as_deref());
        let result = result.and_then(|b| {
            if let Some(uid) = uid {
                b.check_card_uid(uid)?;
            }
            Ok(b)
        });
        // What the badge says, when its signature holds (also when expired
        // or revoked).
        let signed = match &result {
            Ok(b) => Some(*b),
            Err(_) => tessera_core::verify(badge_bytes, &self.trust, None, None).ok(),
        };
        // The credential around a genuine badge: signed by the badge's
        // issuer (a VC-JWT), and saying what the badge says.
        let refused = match &result {
            Ok(b) => wrapper.check(b, badge_bytes).err(),
            Err(_) => None,
        };
        let list = signed.as_ref().and_then(|b| {
            lists.as_ref().ok().and_then(|lists| {
                tessera_core::status::select(lists, b.issuer_key, b.claims.serial).copied()
            })
        });
        let demo = signed.as_ref().map_or_else(
            || kid.as_deref().is_some_and(|k| self.is_demo(k)),
            |b| self.is_demo(b.kid.as_bytes()),
        );
        let verdict = refused
            .as_ref()
            .map_or_else(|| Verdict::of(&result), CredentialError::verdict);
        let revocation = match (&result, &signed) {
            (Err(tessera_core::Error::Revoked { serial }), Some(b)) => {
                find_reason(&self.site.revocations, b, *serial)
            }
            (Err(tessera_core::Error::Suspended { serial }), Some(b)) => {
                find_reason(&self.site.suspensions, b, *serial)
            }
            _ => None,
        };
        let reason = match (&result, &refused) {
            (_, Some(e)) => e.to_string(),
            (Ok(b), None) if b.claims.card_uid.is_some() => {
                card_bound_valid(match (card_uid, &found.tag_uid) {
                    (Some(_), _) => CardRead::Card,
                    (None, Some(_)) => CardRead::Dump,
                    (None, None) => CardRead::Elsewhere,
                })
                .to_string()
            }
            (Ok(b), None) => {
                let mut reason = if b.revocation_checked {
                    "genuine and current: signed by a trusted issuer, not expired, not revoked"
                        .to_string()
                } else {
                    format!(
                        "genuine and current: signed by a trusted issuer, not expired; revocation not checked (this page holds no revocation list of {})",
                        self.name_of(&b.kid.to_string())
                    )
                };
                if let Some(note) = &wrapper.note {
                    reason.push_str(&format!(" ({note})"));
                }
                reason
            }
            (Err(e), None) => match (&revocation, e) {
                (Some(r), tessera_core::Error::Suspended { .. }) => format!(
                    "suspended on {}: {}; do not accept it until the issuer reinstates it",
                    r.date, r.reason
                ),
                (Some(r), _) => format!("revoked on {}: {}; do not accept it", r.date, r.reason),
                (None, _) => e.to_string(),
            },
        };
        Report {
            verdict: verdict.code(),
            headline: verdict.headline(),
            error: result.as_ref().err().map(error_name),
            reason,
            demo,
            via: Some(found.via.code()),
            holder: holder.and_then(|(identity, salt)| {
                signed.as_ref().map(|b| HolderView {
                    identity: identity.trim().to_string(),
                    belongs: b.is_for(salt, identity),
                })
            }),
            badge: signed.as_ref().map(|b| self.view(b)),
            revocation,
            revocations_as_of: list.map(|l| date(secs(l.issued_at()))),
        }
    }

    /// The report on an input without a badge to check: a credential's
    /// own refusal (a VC-JWT's signature, a proof this page cannot check)
    /// before what it lacks.
    fn not_a_badge(&self, input: &[u8], e: &InputError) -> Report {
        if matches!(e, InputError::Shared(_)) {
            if credential::json_in(input).is_some_and(|c| c.get("proof").is_some()) {
                return not_checked(Via::Ob3Json);
            }
            if let Some(token) = credential::jwt_in(input)
                && let Err(refusal) = credential::verify_jwt(&token, &self.trust)
            {
                return refused(&refusal, Via::VcJwt);
            }
        }
        unreadable(e)
    }

    /// What the file around the badge adds: a VC-JWT's signature, checked
    /// here, with the badge its verified payload carries; the credential
    /// the badge must match; or, for a Data Integrity proof, which this
    /// page cannot check, the refusal.
    fn wrapper(&self, found: &Input) -> Result<Wrapper, Box<Report>> {
        if let Some(token) = &found.jwt {
            let jwt = credential::verify_jwt(token, &self.trust)
                .map_err(|e| Box::new(refused(&e, found.via)))?;
            let badge = tessera_formats::shared::compact_badge(&jwt.credential)
                .map_err(|e| Box::new(refused(&e.into(), found.via)))?;
            return Ok(Wrapper {
                badge: Some(badge),
                jwt_signer: Some(jwt.signer),
                credential: Some(jwt.credential),
                note: Some("its VC-JWT signature checked".into()),
            });
        }
        match &found.credential {
            Some(c) if c.get("proof").is_some() => Err(Box::new(not_checked(found.via))),
            Some(c) => {
                let note = credential::unsigned_note(
                    "unsigned Open Badges JSON: judged on the signed badge inside",
                    c,
                    &found.badge,
                );
                Ok(Wrapper {
                    credential: Some(c.clone()),
                    note: Some(note),
                    ..Wrapper::default()
                })
            }
            None => Ok(Wrapper::default()),
        }
    }

    fn view(&self, b: &VerifiedBadge<'_>) -> BadgeView {
        let c = &b.claims;
        let kid = b.kid.to_string();
        BadgeView {
            serial: c.serial,
            issuer: issuer_shown(self.trusted_name(b), c.issuer, &kid),
            kid,
            achievement_id: c.achievement_id.to_string(),
            achievement_name: c.achievement_name.map(str::to_string),
            display_name: c.display_name.map(str::to_string),
            issued: date(secs(c.issued_at)),
            expires: c.expires.map(|e| expiry_date(secs(e))),
            level: c.level,
            evidence: c.evidence.map(str::to_string),
        }
    }
}

/// The issuer a verdict names: the trust list's name for the key that
/// verified the badge, never only the name the badge gives itself (any
/// trusted key can sign any name). A signed name that differs is shown as
/// what the badge claims. Desk and page both name issuers this way.
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

/// What the file around a badge adds to its check ([`Verifier::wrapper`]).
#[derive(Debug, Default)]
struct Wrapper {
    /// The compact badge in a verified VC-JWT's payload.
    badge: Option<Vec<u8>>,
    /// The key that signed the VC-JWT.
    jwt_signer: Option<PublicKey>,
    /// The credential, which must say what the badge says.
    credential: Option<serde_json::Value>,
    /// How the file was judged, for the reason of a VALID verdict.
    note: Option<String>,
}

impl Wrapper {
    /// The credential around genuine badge `b` (COSE bytes `cose`): a
    /// VC-JWT signed by the badge's issuer, JSON that says what it says.
    fn check(&self, b: &VerifiedBadge<'_>, cose: &[u8]) -> Result<(), CredentialError> {
        if let Some(signer) = &self.jwt_signer {
            credential::check_jwt_binding(signer, b)?;
        }
        if let Some(c) = &self.credential {
            credential::check_matches(c, b, cose)?;
        }
        Ok(())
    }
}

/// What the page says of a credential it cannot check: never VALID on a
/// signature it did not verify.
pub const NOT_CHECKED: &str = "this credential is signed with a Data Integrity proof, which this page cannot check; check the file with `tessera verify` at a desk or with a Data Integrity verifier (such as the Digital Credentials Consortium's), or check the badge's link or QR code here";

fn not_checked(via: Via) -> Report {
    file_refused(
        "not_checked",
        "CANNOT CHECK HERE",
        NOT_CHECKED.to_string(),
        via,
    )
}

/// The report on a credential refused for its own fault (its VC-JWT).
fn refused(e: &CredentialError, via: Via) -> Report {
    let verdict = e.verdict();
    file_refused(verdict.code(), verdict.headline(), e.to_string(), via)
}

/// A report on a file judged before any badge in it: no badge to show.
fn file_refused(verdict: &'static str, headline: &'static str, reason: String, via: Via) -> Report {
    Report {
        verdict,
        headline,
        error: None,
        reason,
        demo: false,
        via: Some(via.code()),
        badge: None,
        revocation: None,
        revocations_as_of: None,
        holder: None,
    }
}

/// The published reason for badge `serial` of the key that verified `b`
/// (the page's site data, or another center's trust file at the desk).
pub fn find_reason(
    reasons: &[SiteRevocation],
    b: &VerifiedBadge<'_>,
    serial: u32,
) -> Option<SiteRevocation> {
    let kid = b.kid.to_string();
    reasons
        .iter()
        .find(|r| r.serial == serial && r.kid == kid)
        .cloned()
}

/// Verify a signed list that lives as long as the page: one site, one
/// page, so its bytes are kept as 'static (the verified list borrows them).
fn verify_static(
    bytes: Vec<u8>,
    trust: &TrustStore<64>,
) -> Result<StatusList<'static>, tessera_core::Error> {
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    StatusList::verify(bytes, trust, None)
}

/// Unix seconds as the signed integer dates are written from.
fn secs(t: u64) -> i64 {
    i64::try_from(t).unwrap_or(i64::MAX)
}

/// The core error's variant name (`SignatureInvalid`), for translations.
fn error_name(e: &tessera_core::Error) -> String {
    e.code().to_string()
}

fn unreadable(e: &InputError) -> Report {
    Report {
        verdict: Verdict::Unreadable.code(),
        headline: Verdict::Unreadable.headline(),
        error: e.core_error().as_ref().map(error_name),
        reason: e.to_string(),
        demo: false,
        via: None,
        badge: None,
        revocation: None,
        revocations_as_of: None,
        holder: None,
    }
}
