//! Revocation that other people's verifiers can check: W3C Bitstring
//! Status List credentials (`BitstringStatusListCredential`, VC 2.0),
//! signed with the same Data Integrity proof as the badges' credentials and
//! published on the verification site.
//!
//! Each issuer key has one list per segment of 65,536 serials (the
//! segments of the compact lists, `docs/format.md` §8), at
//! `status/KIDHEX/FIRST.json`, of [`LIST_ENTRIES`] entries. A badge's
//! index in it is its place in the segment put through FF1 (NIST SP
//! 800-38G, AES-128) under a key derived from the issuer key and a tweak
//! of the key id and segment: indexes are spread over the whole list in an
//! order that says nothing of the order or time of issue, as the W3C
//! recommendation's herd-privacy advice asks, and only the issuer can tell
//! which badge an entry is.
//!
//! Credentials exported before these lists named `status/KIDHEX.json`
//! with the serial as index; that list is still published for them.
//!
//! The compact CBOR status list (`status-list.cbor`) stays what kiosks
//! and the web page read; these are for verifiers of Open Badges.

use crate::share::WriteError;
use std::io::Write as _;
use std::path::Path;

use aes::Aes128;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fpe::ff1::{FF1, FlexibleNumeralString};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use tessera_core::SigningKey;
use tessera_core::status::{SEGMENT_SERIALS, segment_of, segment_range};

use super::share::{did_key, rfc3339, sign_credential};
use super::{Desk, DeskError};
use crate::store::files;

/// The smallest list of the old, serial-indexed kind: 16 KB of bits
/// (131,072 entries), the size the W3C recommendation asks for so that a
/// list says little about any one entry. Larger serials grow it.
pub const MIN_BITS: usize = 131_072;

/// Bits of a list index: FF1 on bits takes no fewer than 20 (a domain of
/// at least a million, SP 800-38G Rev. 1).
const INDEX_BITS: u32 = 20;

/// Entries in each segment's list: 1,048,576 (128 KiB of bits, a few
/// hundred bytes gzipped), for at most 65,536 badges: at least the
/// 131,072 the W3C recommendation asks for.
pub const LIST_ENTRIES: u32 = 1 << INDEX_BITS;

/// The path of the old, serial-indexed list of a key under the site folder.
pub fn path_of(kid_hex: &str) -> String {
    format!("status/{kid_hex}.json")
}

/// The path of a key's list for the segment whose first serial is `first`.
pub fn segment_path(kid_hex: &str, first: u32) -> String {
    format!("status/{kid_hex}/{first}.json")
}

/// Where a badge's revocation entry is: the first serial of its segment
/// (which names the list) and its index in that list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The first serial of the badge's segment.
    pub first: u32,
    /// The badge's index in that segment's list, below [`LIST_ENTRIES`].
    pub index: u32,
}

/// A key's herd-privacy index permutation (see the module documentation).
pub struct Indexes {
    ff1: FF1<Aes128>,
    kid: [u8; 4],
}

impl Indexes {
    /// The permutation of `key`'s lists. Its AES key is derived from the
    /// issuer key's secret, so nobody else can compute or invert it.
    pub fn new(key: &SigningKey) -> Result<Self, DeskError> {
        let mut h = Sha256::new();
        h.update(b"tessera bitstring status list index v1\0");
        h.update(key.seed());
        let derived = h.finalize();
        let ff1 = FF1::<Aes128>::new(derived.get(..16).unwrap_or_default(), 2)
            .map_err(|e| DeskError::Input(format!("the status list index cipher: {e}")))?;
        let mut kid = [0u8; 4];
        kid.copy_from_slice(key.kid().as_bytes().get(..4).unwrap_or(&[0; 4]));
        Ok(Self { ff1, kid })
    }

    /// The entry of badge `serial`.
    pub fn entry(&self, serial: u32) -> Entry {
        let first = segment_range(segment_of(serial), serial).map_or(serial, |(f, _)| f);
        let offset = serial % SEGMENT_SERIALS;
        let digits: Vec<u16> = (0..INDEX_BITS)
            .map(|i| ((offset >> i) & 1) as u16)
            .collect();
        let mut tweak = self.kid.to_vec();
        tweak.extend_from_slice(&first.to_be_bytes());
        let index = self
            .ff1
            .encrypt(&tweak, &FlexibleNumeralString::from(digits))
            .map(Vec::<u16>::from)
            // 20 binary digits are a valid numeral string for radix 2.
            .unwrap_or_default()
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, d)| acc | (u32::from(*d & 1) << i));
        Entry { first, index }
    }
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

/// The bits of a segment's list with `indexes` set.
pub fn segment_bits(indexes: impl IntoIterator<Item = u32>) -> Vec<u8> {
    let mut out = vec![0u8; (LIST_ENTRIES / 8) as usize];
    for i in indexes {
        if let Some(byte) = out.get_mut((i / 8) as usize) {
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
        .map_err(|e| WriteError::Compress(e).into())
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

    /// The `credentialStatus` place of badge `serial` of `key`: its list's
    /// address and its index; `None` when this desk has no site address.
    pub fn status_entry_of(
        &self,
        key: &SigningKey,
        serial: u32,
    ) -> Result<Option<(String, u32)>, DeskError> {
        let Some(base) = self.site_url()? else {
            return Ok(None);
        };
        let entry = Indexes::new(key)?.entry(serial);
        let kid = hex::encode(key.kid().as_bytes());
        Ok(Some((
            super::site::on_site(&base, &segment_path(&kid, entry.first)),
            entry.index,
        )))
    }

    /// Write `key`'s lists, one per segment of its serials, under `dir`
    /// (the site folder), each re-signed only when its revocations changed
    /// (a list has no expiry: a 10,000,000-badge desk re-signs one list on
    /// a revocation, not 153). Nothing without a site address.
    pub fn write_segment_credentials(&self, key: &SigningKey, dir: &Path) -> Result<(), DeskError> {
        let Some(base) = self.site_url()? else {
            return Ok(());
        };
        let kid = key.kid();
        let Some((lo, hi)) = self.ledger.serial_range(kid.as_bytes())? else {
            return Ok(());
        };
        let revoked = self.ledger.revoked_serials(kid.as_bytes())?;
        let indexes = Indexes::new(key)?;
        let kid_hex = hex::encode(kid.as_bytes());
        let now = self.clock.signing_time()?;
        for segment in segment_of(lo)..=segment_of(hi) {
            let Some((first, count)) = segment_range(segment, hi) else {
                continue;
            };
            let end = u64::from(first) + u64::from(count);
            let bits = segment_bits(
                revoked
                    .iter()
                    .filter(|&&s| s >= first && u64::from(s) < end)
                    .map(|&s| indexes.entry(s).index),
            );
            let encoded = encode_list(&bits)?;
            let path = segment_path(&kid_hex, first);
            let url = super::site::on_site(&base, &path);
            let file = dir.join(&path);
            let unchanged = files::read(&file)
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .is_some_and(|v| {
                    v.pointer("/credentialSubject/encodedList")
                        .and_then(Value::as_str)
                        == Some(encoded.as_str())
                        && v.get("id").and_then(Value::as_str) == Some(url.as_str())
                });
            if unchanged {
                continue;
            }
            let signed = sign_credential(&credential(&url, key, &encoded, now), key, now)?;
            let mut text = serde_json::to_string_pretty(&signed)
                .map_err(|e| WriteError::Json("the status list", e))?;
            text.push('\n');
            if let Some(parent) = file.parent() {
                files::create_dir(parent)?;
            }
            files::write_atomic(&file, text.as_bytes())?;
        }
        Ok(())
    }

    /// The signed status list credential of `key` of the old kind (index =
    /// serial, every revoked serial of the key), for credentials exported
    /// before the segment lists; `None` without a site address.
    pub fn status_list_credential(&self, key: &SigningKey) -> Result<Option<Vec<u8>>, DeskError> {
        let kid = key.kid();
        let Some(url) = self.status_list_url(kid.as_bytes())? else {
            return Ok(None);
        };
        let (revoked, max) = self.ledger.revocations(kid.as_bytes())?;
        let encoded = encode_list(&bitstring(&revoked, max))?;
        let now = self.clock.signing_time()?;
        let signed = sign_credential(&credential(&url, key, &encoded, now), key, now)?;
        let mut text = serde_json::to_string_pretty(&signed)
            .map_err(|e| WriteError::Json("the status list", e))?;
        text.push('\n');
        Ok(Some(text.into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    // Reason: tests.

    #[test]
    fn index_zero_is_the_first_bit_and_the_list_has_the_minimum_size() {
        let bits = super::bitstring(&[0, 9, 131_071], 12);
        assert_eq!(bits.len(), super::MIN_BITS / 8);
        assert_eq!(bits.first(), Some(&0x80));
        assert_eq!(bits.get(1), Some(&0x40));
        assert_eq!(bits.last(), Some(&0x01));
        assert_eq!(super::bitstring(&[200_000], 200_000).len(), 25_001);
    }

    #[test]
    fn indexes_are_a_keyed_permutation_that_hides_the_order_of_issue() {
        use super::{Entry, Indexes, LIST_ENTRIES};
        let key = tessera_core::SigningKey::from_seed([7; 32]).unwrap();
        let ix = Indexes::new(&key).unwrap();
        // Stable: the index is in signed credentials.
        assert_eq!(ix.entry(1), Indexes::new(&key).unwrap().entry(1));
        // One segment's serials: distinct indexes, all in the list.
        let seen: std::collections::HashSet<u32> = (1..65_536)
            .map(|s| {
                let Entry { first, index } = ix.entry(s);
                assert_eq!(first, 1);
                assert!(index < LIST_ENTRIES);
                index
            })
            .collect();
        assert_eq!(seen.len(), 65_535);
        // Consecutive badges land far apart, in no rising order.
        let run: Vec<u32> = (100..120).map(|s| ix.entry(s).index).collect();
        assert!(run.windows(2).any(|w| w[0] > w[1]), "{run:?}");
        assert!(
            run.windows(2)
                .filter(|w| w[0].abs_diff(w[1]) < 1024)
                .count()
                < 3,
            "{run:?}"
        );
        // The next segment has its own list and its own permutation.
        assert_eq!(ix.entry(65_536).first, 65_536);
        assert_ne!(ix.entry(65_537).index, ix.entry(1).index);
        // Another key: another permutation.
        let other = Indexes::new(&tessera_core::SigningKey::from_seed([8; 32]).unwrap()).unwrap();
        assert_ne!(
            (1..20).map(|s| other.entry(s).index).collect::<Vec<_>>(),
            (1..20).map(|s| ix.entry(s).index).collect::<Vec<_>>()
        );
    }
}
