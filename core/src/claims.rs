//! The CWT claims of a badge (RFC 8392 integer keys) and Tessera's badge map
//! under one private-use claim key.
//!
//! Encoding is deterministic (RFC 8949 §4.2.1: shortest forms, definite
//! lengths, keys in bytewise order of their encodings). Decoding accepts any
//! key order but rejects duplicates, indefinite lengths, nesting beyond
//! [`MAX_DEPTH`] and trailing bytes. Unknown claims are ignored; unknown keys
//! in the badge map are ignored when non-negative and rejected when negative
//! (negative keys are *critical*: a verifier that does not know one must
//! refuse the badge).

use minicbor::Encoder;
use minicbor::encode::write::Cursor;

use crate::cbor::{Key, Reader, SeenKeys, invalid};
use crate::error::{Error, Field};
use crate::sizes::{
    CARD_UID_LENS, MAX_ACHIEVEMENT_ID_LEN, MAX_ACHIEVEMENT_NAME_LEN, MAX_DEPTH,
    MAX_DISPLAY_NAME_LEN, MAX_EVIDENCE_LEN, MAX_ISSUER_LEN, MAX_SUBJECT_LEN,
};

/// Claim key `iss`.
pub const CLAIM_ISS: i64 = 1;
/// Claim key `sub`.
pub const CLAIM_SUB: i64 = 2;
/// Claim key `exp`.
pub const CLAIM_EXP: i64 = 4;
/// Claim key `nbf`.
pub const CLAIM_NBF: i64 = 5;
/// Claim key `iat`.
pub const CLAIM_IAT: i64 = 6;
/// Claim key `cti`.
pub const CLAIM_CTI: i64 = 7;
/// Private-use claim key of the Tessera badge map.
pub const CLAIM_BADGE: i64 = -65537;

/// Badge map key: achievement id (text).
pub const BADGE_ACHIEVEMENT_ID: i64 = 1;
/// Badge map key: achievement name (text).
pub const BADGE_ACHIEVEMENT_NAME: i64 = 2;
/// Badge map key: level (unsigned integer 0–255).
pub const BADGE_LEVEL: i64 = 3;
/// Badge map key: evidence URL (text).
pub const BADGE_EVIDENCE: i64 = 4;
/// Badge map key: recipient display name (text).
pub const BADGE_DISPLAY_NAME: i64 = 5;
/// Badge map key: card UID the badge is bound to (4, 7 or 10 bytes).
pub const BADGE_CARD_UID: i64 = 6;

/// The claims of one badge. Text and byte fields borrow from the decoded
/// payload (or from the caller, when building).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct BadgeClaims<'a> {
    /// `iss`: the issuer's name (absent in the mini profile).
    pub issuer: Option<&'a str>,
    /// `sub`: the recipient commitment (see [`Subject`](crate::Subject)).
    pub subject: &'a str,
    /// `exp`: expiry, seconds since the Unix epoch.
    pub expires: Option<u64>,
    /// `nbf`: not valid before, seconds since the Unix epoch.
    pub not_before: Option<u64>,
    /// `iat`: issue time, seconds since the Unix epoch.
    pub issued_at: u64,
    /// `cti`: the badge serial, unique per issuer.
    pub serial: u32,
    /// Achievement id (a short code such as `AZ-900`).
    pub achievement_id: &'a str,
    /// Achievement name.
    pub achievement_name: Option<&'a str>,
    /// Level (0–255), for programs with grades.
    pub level: Option<u8>,
    /// Evidence URL.
    pub evidence: Option<&'a str>,
    /// Recipient display name, only when the recipient chose to show it.
    pub display_name: Option<&'a str>,
    /// UID of the card this badge is bound to.
    pub card_uid: Option<&'a [u8]>,
}

impl<'a> BadgeClaims<'a> {
    /// The same badge: every claim equal but the card UID, which a
    /// card-bound copy adds to the claims as issued (the desk compares a
    /// card's copy, or a badge shown, with the one it issued).
    pub fn same_badge(&self, other: &BadgeClaims<'_>) -> bool {
        let mut this = *self;
        let mut other = *other;
        this.card_uid = None;
        other.card_uid = None;
        this == other
    }

    /// Claims with the required fields and nothing else.
    pub const fn new(
        subject: &'a str,
        serial: u32,
        issued_at: u64,
        achievement_id: &'a str,
    ) -> Self {
        Self {
            issuer: None,
            subject,
            expires: None,
            not_before: None,
            issued_at,
            serial,
            achievement_id,
            achievement_name: None,
            level: None,
            evidence: None,
            display_name: None,
            card_uid: None,
        }
    }

    /// Check every field against the format's limits.
    pub fn validate(&self) -> Result<(), Error> {
        check_text(self.issuer, MAX_ISSUER_LEN, Field::Issuer)?;
        check_text(Some(self.subject), MAX_SUBJECT_LEN, Field::Subject)?;
        check_text(
            Some(self.achievement_id),
            MAX_ACHIEVEMENT_ID_LEN,
            Field::AchievementId,
        )?;
        check_text(
            self.achievement_name,
            MAX_ACHIEVEMENT_NAME_LEN,
            Field::AchievementName,
        )?;
        check_text(self.evidence, MAX_EVIDENCE_LEN, Field::Evidence)?;
        check_text(self.display_name, MAX_DISPLAY_NAME_LEN, Field::DisplayName)?;
        if let Some(uid) = self.card_uid
            && !CARD_UID_LENS.contains(&uid.len())
        {
            return Err(Error::InvalidField(Field::CardUid));
        }
        if let (Some(exp), Some(nbf)) = (self.expires, self.not_before)
            && exp <= nbf
        {
            return Err(Error::InvalidField(Field::Expiry));
        }
        Ok(())
    }

    /// Encode the claims map (deterministic CBOR) into `out`; returns the
    /// length.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, Error> {
        self.validate()?;
        let mut e = Encoder::new(Cursor::new(out));
        let entries = 4
            + u64::from(self.issuer.is_some())
            + u64::from(self.expires.is_some())
            + u64::from(self.not_before.is_some());
        e.map(entries)?;
        // Keys in bytewise order of their encodings: 01 02 04 05 06 07 3A..
        if let Some(iss) = self.issuer {
            e.i64(CLAIM_ISS)?.str(iss)?;
        }
        e.i64(CLAIM_SUB)?.str(self.subject)?;
        if let Some(exp) = self.expires {
            e.i64(CLAIM_EXP)?.u64(exp)?;
        }
        if let Some(nbf) = self.not_before {
            e.i64(CLAIM_NBF)?.u64(nbf)?;
        }
        e.i64(CLAIM_IAT)?.u64(self.issued_at)?;
        let (cti, cti_len) = serial_bytes(self.serial);
        e.i64(CLAIM_CTI)?
            .bytes(cti.get(4 - cti_len..).unwrap_or_default())?;
        e.i64(CLAIM_BADGE)?;
        let badge_entries = 1
            + u64::from(self.achievement_name.is_some())
            + u64::from(self.level.is_some())
            + u64::from(self.evidence.is_some())
            + u64::from(self.display_name.is_some())
            + u64::from(self.card_uid.is_some());
        e.map(badge_entries)?;
        e.i64(BADGE_ACHIEVEMENT_ID)?.str(self.achievement_id)?;
        if let Some(name) = self.achievement_name {
            e.i64(BADGE_ACHIEVEMENT_NAME)?.str(name)?;
        }
        if let Some(level) = self.level {
            e.i64(BADGE_LEVEL)?.u8(level)?;
        }
        if let Some(evidence) = self.evidence {
            e.i64(BADGE_EVIDENCE)?.str(evidence)?;
        }
        if let Some(name) = self.display_name {
            e.i64(BADGE_DISPLAY_NAME)?.str(name)?;
        }
        if let Some(uid) = self.card_uid {
            e.i64(BADGE_CARD_UID)?.bytes(uid)?;
        }
        Ok(e.into_writer().position())
    }

    /// Decode a claims map from `payload` strictly. `base` is the payload's
    /// offset in the whole message, so errors report message offsets.
    pub fn decode(payload: &'a [u8], base: usize) -> Result<Self, Error> {
        let mut r = Reader::new(payload, base);
        let mut claims = Self::new("", 0, 0, "");
        let (mut has_sub, mut has_iat, mut has_cti, mut has_badge) = (false, false, false, false);
        let n = r.map(Error::InvalidField(Field::Badge))?;
        let mut seen = SeenKeys::new();
        for _ in 0..n {
            let key_offset = r.offset();
            let key = r.key()?;
            seen.insert(key, key_offset)?;
            match key.label() {
                Some(CLAIM_ISS) => {
                    claims.issuer = Some(text(&mut r, MAX_ISSUER_LEN, Field::Issuer)?);
                }
                Some(CLAIM_SUB) => {
                    claims.subject = text(&mut r, MAX_SUBJECT_LEN, Field::Subject)?;
                    has_sub = true;
                }
                Some(CLAIM_EXP) => claims.expires = Some(r.u64(invalid(Field::Expiry))?),
                Some(CLAIM_NBF) => claims.not_before = Some(r.u64(invalid(Field::NotBefore))?),
                Some(CLAIM_IAT) => {
                    claims.issued_at = r.u64(invalid(Field::IssuedAt))?;
                    has_iat = true;
                }
                Some(CLAIM_CTI) => {
                    claims.serial = serial_from(r.bytes(invalid(Field::Serial))?)?;
                    has_cti = true;
                }
                Some(CLAIM_BADGE) => {
                    decode_badge_map(&mut r, &mut claims)?;
                    has_badge = true;
                }
                // Unknown claims are ignored (RFC 8392 §3).
                _ => r.skip(2)?,
            }
        }
        r.finish()?;
        if !has_sub {
            return Err(Error::MissingField(Field::Subject));
        }
        if !has_iat {
            return Err(Error::MissingField(Field::IssuedAt));
        }
        if !has_cti {
            return Err(Error::MissingField(Field::Serial));
        }
        if !has_badge {
            return Err(Error::MissingField(Field::Badge));
        }
        claims.validate()?;
        Ok(claims)
    }
}

fn decode_badge_map<'a>(r: &mut Reader<'a>, claims: &mut BadgeClaims<'a>) -> Result<(), Error> {
    let n = r.map(invalid(Field::Badge))?;
    let mut seen = SeenKeys::new();
    let mut has_id = false;
    for _ in 0..n {
        let key_offset = r.offset();
        let key = r.key()?;
        seen.insert(key, key_offset)?;
        match key.label() {
            Some(BADGE_ACHIEVEMENT_ID) => {
                claims.achievement_id = text(r, MAX_ACHIEVEMENT_ID_LEN, Field::AchievementId)?;
                has_id = true;
            }
            Some(BADGE_ACHIEVEMENT_NAME) => {
                claims.achievement_name =
                    Some(text(r, MAX_ACHIEVEMENT_NAME_LEN, Field::AchievementName)?);
            }
            Some(BADGE_LEVEL) => {
                let level = r.u64(invalid(Field::Level))?;
                claims.level = Some(u8::try_from(level).map_err(|_| invalid(Field::Level))?);
            }
            Some(BADGE_EVIDENCE) => {
                claims.evidence = Some(text(r, MAX_EVIDENCE_LEN, Field::Evidence)?);
            }
            Some(BADGE_DISPLAY_NAME) => {
                claims.display_name = Some(text(r, MAX_DISPLAY_NAME_LEN, Field::DisplayName)?);
            }
            Some(BADGE_CARD_UID) => {
                claims.card_uid = Some(r.bytes(invalid(Field::CardUid))?);
            }
            Some(other) if other < 0 => return Err(Error::UnknownCriticalField { key: other }),
            _ => {
                if let Key::Int(v) = key
                    && v < 0
                {
                    // A negative key beyond i64: still critical.
                    return Err(Error::UnknownCriticalField { key: i64::MIN });
                }
                r.skip(3)?;
            }
        }
    }
    if has_id {
        Ok(())
    } else {
        Err(Error::MissingField(Field::AchievementId))
    }
}

/// Read a text field of at most `max` bytes.
fn text<'a>(r: &mut Reader<'a>, max: usize, field: Field) -> Result<&'a str, Error> {
    let s = r.str(invalid(field))?;
    if s.len() > max {
        return Err(Error::FieldTooLong(field));
    }
    Ok(s)
}

fn check_text(value: Option<&str>, max: usize, field: Field) -> Result<(), Error> {
    match value {
        Some("") => Err(Error::InvalidField(field)),
        Some(s) if s.len() > max => Err(Error::FieldTooLong(field)),
        _ => Ok(()),
    }
}

/// The serial as big-endian bytes without leading zeros (at least one byte):
/// the buffer and how many of its last bytes are used.
pub(crate) fn serial_bytes(serial: u32) -> ([u8; 4], usize) {
    let be = serial.to_be_bytes();
    let zeros = (serial.leading_zeros() / 8) as usize;
    (be, (4 - zeros).max(1))
}

/// A serial from 1 to 4 big-endian bytes.
fn serial_from(bytes: &[u8]) -> Result<u32, Error> {
    if bytes.is_empty() || bytes.len() > 4 {
        return Err(Error::InvalidField(Field::Serial));
    }
    Ok(bytes.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

// MAX_DEPTH bounds the skips above: the claims map is level 1, the badge map
// level 2, values inside it level 3.
const _: () = assert!(MAX_DEPTH >= 3);
