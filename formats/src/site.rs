//! The verification site's data: what `tessera site build` writes into the
//! page (`window.TESSERA_SITE`) and the page reads. It lives here, beside
//! the verdict both run, so the desk that writes it and the page that
//! reads it share one definition without the desk depending on the page.

use serde::{Deserialize, Serialize};
use tessera_core::{CoseSign1, StatusList, StatusListBuilder, TrustStore};

use crate::verdict::Reason;

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
    pub revocations: Vec<Reason>,
    /// Why badges are suspended, and since when (absent in sites built
    /// before suspensions).
    #[serde(default)]
    pub suspensions: Vec<Reason>,
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

/// The site format this verifier reads.
pub const SITE_FORMAT: &str = "tessera-site-2";
