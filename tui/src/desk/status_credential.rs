//! Revocation that other people's verifiers can check: a W3C Bitstring
//! Status List credential (`BitstringStatusListCredential`, VC 2.0) per
//! issuer key, signed with the same Data Integrity proof as the badges'
//! credentials and published on the verification site at
//! `status/KID.json`. Each credential's `credentialStatus` is a
//! `BitstringStatusListEntry` whose index is the badge serial.
//!
//! The compact CBOR status list (`status-list.cbor`) stays what kiosks
//! and the web page read; this one is for verifiers of Open Badges.

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use tessera_core::SigningKey;

use super::share::{did_key, rfc3339, sign_credential};
use super::{Desk, DeskError};

/// The smallest list: 16 KB of bits (131,072 entries), the size the W3C
/// recommendation asks for so that a list says little about any one
/// entry. Larger serials grow it.
pub const MIN_BITS: usize = 131_072;

/// The path of a key's list under the site folder.
pub fn path_of(kid_hex: &str) -> String {
    format!("status/{kid_hex}.json")
}

/// The bitstring with `revoked` set (index 0 is the first byte's highest
/// bit), at least [`MIN_BITS`] long and long enough for `max_serial`.
pub fn bitstring(revoked: &[u32], max_serial: u32) -> Vec<u8> {
    let needed = usize::try_from(max_serial)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    let bits = needed.max(MIN_BITS).div_ceil(8) * 8;
    let mut out = vec![0u8; bits / 8];
    for &s in revoked {
        let i = usize::try_from(s).unwrap_or(usize::MAX);
        if let Some(byte) = out.get_mut(i / 8) {
            *byte |= 0x80 >> (i % 8);
        }
    }
    out
}

/// `encodedList`: multibase base64url (`u`) of the gzipped bitstring.
pub fn encode_list(bits: &[u8]) -> Result<String, DeskError> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bits)
        .and_then(|()| gz.finish())
        .map(|z| format!("u{}", URL_SAFE_NO_PAD.encode(z)))
        .map_err(|e| DeskError::Input(format!("the status list cannot be compressed: {e}")))
}

/// The unsigned status list credential of a key, at `url`.
pub fn credential(url: &str, key: &SigningKey, encoded: &str, now: u64) -> Value {
    json!({
        "@context": [tessera_ld::contexts::CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did_key(&key.public_key()),
        "validFrom": rfc3339(now),
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    })
}

impl Desk {
    /// Where a key's status list credential is published: the site's
    /// address + `status/KID.json`; `None` when this desk has no site
    /// address (then exports carry no `credentialStatus`).
    pub fn status_list_url(&self, kid: &[u8]) -> Result<Option<String>, DeskError> {
        Ok(self
            .site_url()?
            .map(|base| super::site::on_site(&base, &path_of(&hex::encode(kid)))))
    }

    /// The signed status list credential of `key` (every revoked serial
    /// of the key), for the site; `None` without a site address.
    pub fn status_list_credential(&self, key: &SigningKey) -> Result<Option<Vec<u8>>, DeskError> {
        let kid = key.kid();
        let Some(url) = self.status_list_url(kid.as_bytes())? else {
            return Ok(None);
        };
        let (revoked, max) = self.ledger.revocations(kid.as_bytes())?;
        let encoded = encode_list(&bitstring(&revoked, max))?;
        let now = u64::try_from(super::now()).map_err(|_| {
            DeskError::Input("the system clock is before 1970: set the date and try again".into())
        })?;
        let signed = sign_credential(&credential(&url, key, &encoded, now), key, now)
            .map_err(DeskError::Input)?;
        let mut text = serde_json::to_string_pretty(&signed)
            .map_err(|e| DeskError::Input(format!("the status list cannot be written: {e}")))?;
        text.push('\n');
        Ok(Some(text.into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn index_zero_is_the_first_bit_and_the_list_has_the_minimum_size() {
        let bits = super::bitstring(&[0, 9, 131_071], 12);
        assert_eq!(bits.len(), super::MIN_BITS / 8);
        assert_eq!(bits.first(), Some(&0x80));
        assert_eq!(bits.get(1), Some(&0x40));
        assert_eq!(bits.last(), Some(&0x01));
        assert_eq!(super::bitstring(&[200_000], 200_000).len(), 25_001);
    }
}
