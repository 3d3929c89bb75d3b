//! Recipient privacy: the card carries a salted commitment to the
//! recipient's identity, never the identity itself.
//!
//! `sub = base64url(SHA-512("tessera/sub/v1" 0x00 || salt || identity)[..12])`
//! where `identity` is the e-mail address or candidate id with surrounding
//! whitespace removed and ASCII letters lowercased, and `salt` is 10 random
//! bytes that are **not on the card**: the issuer keeps them in its ledger and
//! gives them to the recipient as a claim code. Someone holding only the card
//! must guess salt and identity together (2^80 salts for each candidate
//! identity); someone told the identity and the claim code checks the badge
//! offline with one hash. See `docs/format.md` for the guessing costs.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_compact::sha512;

use crate::error::{Error, Field};
use crate::sizes::{SALT_LEN, SUBJECT_HASH_LEN, SUBJECT_LEN};

/// Domain separation for the commitment hash.
const SUBJECT_DOMAIN: &[u8] = b"tessera/sub/v1\0";

/// The recipient's salt: 10 random bytes, the recipient's claim code.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Salt([u8; SALT_LEN]);

impl Salt {
    /// The raw bytes.
    pub const fn as_bytes(&self) -> &[u8; SALT_LEN] {
        &self.0
    }
}

impl From<[u8; SALT_LEN]> for Salt {
    fn from(bytes: [u8; SALT_LEN]) -> Self {
        Self(bytes)
    }
}

impl TryFrom<&[u8]> for Salt {
    type Error = Error;
    fn try_from(bytes: &[u8]) -> Result<Self, Error> {
        let bytes: [u8; SALT_LEN] = bytes
            .try_into()
            .map_err(|_| Error::InvalidField(Field::Subject))?;
        Ok(Self(bytes))
    }
}

impl fmt::Debug for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The salt protects the recipient's identity: keep it out of logs.
        f.write_str("Salt(<redacted>)")
    }
}

/// A recipient commitment: the `sub` claim text Tessera writes.
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Subject([u8; SUBJECT_LEN]);

impl Subject {
    /// Commit to `identity` (an e-mail address or candidate id) with `salt`.
    pub fn commit(salt: &Salt, identity: &str) -> Self {
        let mut h = sha512::Hash::new();
        h.update(SUBJECT_DOMAIN);
        h.update(salt.0);
        // Lowercase ASCII letters chunk by chunk: no allocation.
        let mut chunk = [0u8; 32];
        for part in identity.trim().as_bytes().chunks(chunk.len()) {
            let mut n = 0;
            for (dst, src) in chunk.iter_mut().zip(part) {
                *dst = src.to_ascii_lowercase();
                n += 1;
            }
            h.update(chunk.get(..n).unwrap_or_default());
        }
        let digest = h.finalize();
        let mut text = [0u8; SUBJECT_LEN];
        let hash = digest.get(..SUBJECT_HASH_LEN).unwrap_or_default();
        // 12 bytes always encode to exactly 16 base64url characters.
        let _ = URL_SAFE_NO_PAD.encode_slice(hash, &mut text);
        Self(text)
    }

    /// The `sub` text.
    pub fn as_str(&self) -> &str {
        // Base64url output is ASCII.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Does the `sub` of a badge commit to `identity` under `salt`?
    /// Compares in constant time.
    pub fn matches(sub: &str, salt: &Salt, identity: &str) -> bool {
        let expected = Self::commit(salt, identity);
        let sub = sub.as_bytes();
        if sub.len() != SUBJECT_LEN {
            return false;
        }
        let diff = sub
            .iter()
            .zip(expected.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        diff == 0
    }
}

impl fmt::Debug for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Subject({})", self.as_str())
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
