//! The verifier behind the page, as plain Rust (no browser types), so it
//! runs natively in tests too: the site's trust list and status lists in,
//! a verdict report (JSON) out.

use std::cell::RefCell;

use serde_json::Value;
use tessera_core::{CoseSign1, PublicKey, StatusList, TrustStore, Verdict};
use tessera_core::{Error, VerifiedBadge};
use tessera_formats::input::Via;
pub use tessera_formats::site::{CompactList, SITE_FORMAT, Site, SiteIssuer};
use tessera_formats::text::{date, parse_claim_code};
pub use tessera_formats::verdict::{
    Ask, BadgeView, Holder, HolderView, Reason, Report, find_reason, issuer_shown,
};
use tessera_formats::verdict::{Knowledge, ProofSigner, Record};

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
    fn lists_of(&self, badge: &[u8]) -> Result<Vec<StatusList<'static>>, tessera_core::Error> {
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
                        "issuer": self.name_of_kid(&kid),
                        "kid": kid,
                        "issued": date(secs(iat)),
                        "expires": exp.map(|e| date(secs(e))),
                    })
                })
                .collect(),
        )
    }

    fn name_of_kid(&self, kid: &str) -> String {
        self.site
            .trust
            .iter()
            .find(|i| i.kid == kid)
            .map_or_else(|| format!("issuer key {kid}"), |i| i.name.clone())
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
        let holder = Holder {
            identity: identity.to_string(),
            salt,
        };
        Ok(self.check_for(input, now, Some(&holder), None))
    }

    fn check_for(
        &self,
        input: &[u8],
        now: u64,
        holder: Option<&Holder>,
        card_uid: Option<&[u8]>,
    ) -> Report {
        let ask = Ask {
            now,
            card_uid,
            holder,
        };
        match tessera_formats::verdict::check(input, &ask, self) {
            Ok(report) => report,
            Err(never) => match never {},
        }
    }
}

/// What the page knows: the site's trust list, its status lists (each
/// verified the first time a badge needs it) and the reasons published
/// with them. It holds no ledger, and cannot check Data Integrity proofs.
impl Knowledge for Verifier {
    type Error = std::convert::Infallible;

    fn place(&self) -> &'static str {
        "page"
    }

    fn trust(&self) -> &TrustStore<64> {
        &self.trust
    }

    /// The site's name for the issuer key (matched by the whole key, never
    /// by the short kid alone).
    fn name_of(&self, key: &PublicKey) -> Option<&str> {
        let key = hex::encode(key.as_bytes());
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

    fn lists_for(&self, cose: &[u8]) -> Result<Vec<StatusList<'_>>, Error> {
        self.lists_of(cose)
    }

    fn published_reason(&self, b: &VerifiedBadge<'_>, e: &Error) -> Option<Reason> {
        match e {
            Error::Revoked { serial } => find_reason(&self.site.revocations, b, *serial),
            Error::Suspended { serial } => find_reason(&self.site.suspensions, b, *serial),
            _ => None,
        }
    }

    fn vouch(&self, _: &VerifiedBadge<'_>, _: &[u8]) -> Result<Result<(), Error>, Self::Error> {
        Ok(Ok(()))
    }

    fn record(&self, _: &VerifiedBadge<'_>) -> Result<Record, Self::Error> {
        Ok(Record::default())
    }

    fn proof(&self, _: &Value, via: Via) -> Result<ProofSigner, Box<Report>> {
        Err(Box::new(not_checked(via)))
    }

    fn whole_credential(&self, _: &Value) -> Report {
        not_checked(Via::Ob3Json)
    }
}

/// What the page says of a credential it cannot check: never VALID on a
/// signature it did not verify.
pub const NOT_CHECKED: &str = "this credential is signed with a Data Integrity proof, which this page cannot check; check the file with `tessera verify` at a desk or with a Data Integrity verifier (such as the Digital Credentials Consortium's), or check the badge's link or QR code here";

fn not_checked(via: Via) -> Report {
    Report::refused(Verdict::NotChecked, NOT_CHECKED.to_string(), Some(via))
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
