//! Building and signing badges into a caller's buffer.

use crate::claims::BadgeClaims;
use crate::cose::{self, ALG_EDDSA, HEADER_ALG, HEADER_KID};
use crate::error::{Error, Field};
use crate::keys::{Kid, SigningKey};
use crate::sizes::{KID_LEN, MINI_MAX_ACHIEVEMENT_ID_LEN, MINI_MAX_LEN, STANDARD_MAX_LEN};

/// How much a badge carries, which decides the cards it fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Profile {
    /// Recipient, serial, issue time, a short achievement id and an optional
    /// level; at most [`MINI_MAX_LEN`] bytes, so the card image fits an
    /// NTAG213 (144 bytes). No issuer name, expiry or texts.
    Mini,
    /// Everything: issuer name, achievement name, expiry, evidence URL,
    /// optional display name and card UID; at most [`STANDARD_MAX_LEN`]
    /// bytes, well inside an NTAG215's 496-byte NDEF area.
    Standard,
}

impl Profile {
    /// The largest encoded badge of this profile.
    pub const fn max_len(self) -> usize {
        match self {
            Profile::Mini => MINI_MAX_LEN,
            Profile::Standard => STANDARD_MAX_LEN,
        }
    }

    /// The profile's name as used on the command line and in docs.
    pub const fn name(self) -> &'static str {
        match self {
            Profile::Mini => "mini",
            Profile::Standard => "standard",
        }
    }

    /// Check that `claims` only uses what this profile carries.
    pub fn check(self, claims: &BadgeClaims<'_>) -> Result<(), Error> {
        claims.validate()?;
        if self == Profile::Standard {
            return Ok(());
        }
        let not_allowed = [
            (claims.issuer.is_some(), Field::Issuer),
            (claims.expires.is_some(), Field::Expiry),
            (claims.not_before.is_some(), Field::NotBefore),
            (claims.achievement_name.is_some(), Field::AchievementName),
            (claims.evidence.is_some(), Field::Evidence),
            (claims.display_name.is_some(), Field::DisplayName),
            (claims.card_uid.is_some(), Field::CardUid),
        ];
        if let Some((_, field)) = not_allowed.iter().find(|(set, _)| *set) {
            return Err(Error::NotInProfile(*field));
        }
        if claims.achievement_id.len() > MINI_MAX_ACHIEVEMENT_ID_LEN {
            return Err(Error::FieldTooLong(Field::AchievementId));
        }
        Ok(())
    }
}

/// Length of the protected header Tessera writes: `{1: -8, 4: h'kid'}`.
pub const PROTECTED_LEN: usize = 5 + KID_LEN;

/// The protected header `{1: -8, 4: h'<kid>'}` in deterministic CBOR:
/// `A2 01 27 04 44 <kid>`.
pub fn protected_header(kid: &Kid) -> [u8; PROTECTED_LEN] {
    let mut out = [0u8; PROTECTED_LEN];
    let head = [
        0xa2,
        HEADER_ALG as u8,
        0x20 | (-1 - ALG_EDDSA) as u8,
        HEADER_KID as u8,
        0x40 | KID_LEN as u8,
    ];
    for (dst, src) in out.iter_mut().zip(head.iter().chain(kid.as_bytes().iter())) {
        *dst = *src;
    }
    out
}

/// The unprotected header Tessera writes: the empty map.
pub const UNPROTECTED: [u8; 1] = [0xa0];

/// A badge ready to be signed: its profile and claims.
///
/// ```
/// use tessera_core::{BadgeBuilder, BadgeClaims, Profile, Salt, SigningKey, Subject};
///
/// let key = SigningKey::from_seed([7; 32])?;
/// let sub = Subject::commit(&Salt::from([1; 10]), "ada@example.org");
/// let claims = BadgeClaims::new(sub.as_str(), 1, 1_790_000_000, "RUST-1");
/// let mut card = [0u8; 130];
/// let len = BadgeBuilder::new(Profile::Mini, claims).sign(&key, &mut card)?;
/// assert!(len <= Profile::Mini.max_len());
/// # Ok::<(), tessera_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadgeBuilder<'a> {
    profile: Profile,
    claims: BadgeClaims<'a>,
}

impl<'a> BadgeBuilder<'a> {
    /// A builder for `claims` in `profile`.
    pub const fn new(profile: Profile, claims: BadgeClaims<'a>) -> Self {
        Self { profile, claims }
    }

    /// The claims.
    pub const fn claims(&self) -> &BadgeClaims<'a> {
        &self.claims
    }

    /// The profile.
    pub const fn profile(&self) -> Profile {
        self.profile
    }

    /// Encode just the claims (the COSE payload) into `out`.
    pub fn encode_payload(&self, out: &mut [u8]) -> Result<usize, Error> {
        self.profile.check(&self.claims)?;
        self.claims.encode(out)
    }

    /// The exact bytes that get signed for an issuer with key id `kid`
    /// (the COSE Sig_structure), written into `out`; returns the length.
    pub fn to_be_signed(&self, kid: &Kid, out: &mut [u8]) -> Result<usize, Error> {
        self.profile.check(&self.claims)?;
        let protected = protected_header(kid);
        let (len, _) = cose::to_be_signed_with(&protected, out, |dst| self.claims.encode(dst))?;
        Ok(len)
    }

    /// Sign the badge with `key` into `out` as a tagged COSE_Sign1; returns
    /// the length. Fails with [`Error::TooLargeForProfile`] (nothing useful
    /// is left in `out`) when the result exceeds the profile's limit.
    pub fn sign(&self, key: &SigningKey, out: &mut [u8]) -> Result<usize, Error> {
        self.profile.check(&self.claims)?;
        let protected = protected_header(&key.kid());
        let len = cose::sign1_with(&protected, &UNPROTECTED, key, out, |dst| {
            self.claims.encode(dst)
        })?;
        let max = self.profile.max_len();
        if len > max {
            if let Some(written) = out.get_mut(..len) {
                written.fill(0);
            }
            return Err(Error::TooLargeForProfile { len, max });
        }
        Ok(len)
    }
}
