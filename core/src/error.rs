//! The one error type of the crate.

use core::fmt;

use crate::tag::CardType;

/// A named field of a badge or status list, used in errors so a person can
/// see which part was wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Field {
    /// `iss` (claim 1): the issuer name.
    Issuer,
    /// `sub` (claim 2): the recipient commitment.
    Subject,
    /// `exp` (claim 4): the expiry time.
    Expiry,
    /// `nbf` (claim 5): the not-before time.
    NotBefore,
    /// `iat` (claim 6): the issue time.
    IssuedAt,
    /// `cti` (claim 7): the badge serial.
    Serial,
    /// The Tessera badge map (claim -65537).
    Badge,
    /// Badge field 1: achievement id.
    AchievementId,
    /// Badge field 2: achievement name.
    AchievementName,
    /// Badge field 3: level.
    Level,
    /// Badge field 4: evidence URL.
    Evidence,
    /// Badge field 5: recipient display name.
    DisplayName,
    /// Badge field 6: card UID binding.
    CardUid,
    /// The protected header's `kid`.
    KeyId,
    /// The status list map (claim -65538).
    StatusList,
    /// The first serial a status list covers.
    StatusFirst,
    /// How many serials a status list covers.
    StatusCount,
    /// The revocation bits of a status list.
    StatusBits,
}

impl Field {
    /// A short human name of the field.
    pub const fn name(self) -> &'static str {
        match self {
            Field::Issuer => "issuer name",
            Field::Subject => "recipient",
            Field::Expiry => "expiry date",
            Field::NotBefore => "valid-from date",
            Field::IssuedAt => "issue date",
            Field::Serial => "serial number",
            Field::Badge => "badge details",
            Field::AchievementId => "achievement id",
            Field::AchievementName => "achievement name",
            Field::Level => "level",
            Field::Evidence => "evidence URL",
            Field::DisplayName => "display name",
            Field::CardUid => "card UID",
            Field::KeyId => "issuer key id",
            Field::StatusList => "status list",
            Field::StatusFirst => "status list first serial",
            Field::StatusCount => "status list size",
            Field::StatusBits => "status list bits",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything that can go wrong encoding, decoding or verifying a badge.
///
/// Each variant names something a person can act on; its `Display` text says
/// what happened and what to do. Offsets are byte positions in the input
/// (inside the payload for claim errors, which the variant says).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not well-formed CBOR, or an item has the wrong type.
    MalformedCbor {
        /// Byte offset of the item that could not be read.
        offset: usize,
    },
    /// The bytes are CBOR but not a tagged COSE_Sign1 (tag 18, 4-array).
    NotCoseSign1,
    /// The protected header does not say EdDSA (-8) or Ed25519 (-19).
    UnsupportedAlgorithm,
    /// A header lists a critical (`crit`) parameter this verifier does not know.
    UnknownCriticalHeader,
    /// An indefinite-length item where only definite lengths are allowed.
    IndefiniteLength {
        /// Byte offset of the item.
        offset: usize,
    },
    /// A map has the same key twice.
    DuplicateKey {
        /// Byte offset of the second occurrence.
        offset: usize,
    },
    /// Arrays or maps nested deeper than the format allows.
    TooDeep {
        /// Byte offset of the item that went too deep.
        offset: usize,
    },
    /// A map or array has more entries than the format allows.
    TooManyEntries {
        /// Byte offset of the map or array.
        offset: usize,
    },
    /// Bytes follow the end of the message (or of the claims in the payload).
    TrailingBytes {
        /// Offset of the first extra byte.
        offset: usize,
    },
    /// A required claim or field is missing.
    MissingField(Field),
    /// A claim or field has the wrong type or an impossible value.
    InvalidField(Field),
    /// A text or byte field is longer than the format allows.
    FieldTooLong(Field),
    /// The badge map has a critical (negative) key this verifier does not know.
    UnknownCriticalField {
        /// The unknown key.
        key: i64,
    },
    /// No trusted issuer has the key id the badge names.
    UnknownIssuer,
    /// The signature does not match: the badge was altered or forged.
    SignatureInvalid,
    /// The badge expired at this time (seconds since the Unix epoch).
    Expired {
        /// `exp` of the badge.
        exp: u64,
    },
    /// The badge is not valid before this time (seconds since the Unix epoch).
    NotYetValid {
        /// `nbf` of the badge.
        nbf: u64,
    },
    /// The issuer revoked the badge with this serial.
    Revoked {
        /// Serial of the badge.
        serial: u32,
    },
    /// The status list is past its `exp` (next-update) time.
    StatusListStale {
        /// `exp` of the list.
        exp: u64,
    },
    /// The status list was signed by another issuer than the badge.
    StatusListWrongIssuer,
    /// The verifier's revocation lists are missing or damaged, so it
    /// cannot say whether the badge was revoked (a verifier that must check
    /// revocation fails closed with this).
    StatusListMissing,
    /// The issuer has suspended the badge (reversibly: it may be
    /// reinstated, e.g. after an investigation).
    Suspended {
        /// Serial of the badge.
        serial: u32,
    },
    /// The issuer declared the key that signed the badge compromised from
    /// `since`, and the badge is not one it issued before then.
    IssuerKeyCompromised {
        /// From when (seconds since the Unix epoch).
        since: u64,
    },
    /// The badge was issued before the status list but is not covered by it.
    NotInStatusList {
        /// Serial of the badge.
        serial: u32,
    },
    /// A signed message that is not a Tessera status list was given as one.
    NotAStatusList,
    /// The badge is bound to another card than the one it was read from.
    CardMismatch,
    /// The output buffer is too small.
    BufferTooSmall,
    /// The encoded badge is larger than its profile allows.
    TooLargeForProfile {
        /// Encoded length.
        len: usize,
        /// The profile's limit.
        max: usize,
    },
    /// A field the chosen profile does not carry was set.
    NotInProfile(Field),
    /// The trust store is full.
    TrustStoreFull,
    /// A public key, secret key or signature has the wrong length or is not
    /// a valid Ed25519 value.
    InvalidKey,
    /// The card's capability container is not one of an NTAG213/215/216.
    UnknownCardType,
    /// The card image does not fit the card.
    CardTooSmall {
        /// Bytes the card image needs.
        needed: usize,
        /// The card on the reader.
        card: CardType,
    },
    /// The card holds no badge (blank, erased, or an empty NDEF message).
    CardEmpty,
    /// A TLV block on the card is not one a Type 2 Tag may hold there.
    NdefWrongTlv {
        /// Byte offset in user memory.
        offset: usize,
    },
    /// A TLV or NDEF length runs past the card's memory.
    NdefLengthPastEnd {
        /// Byte offset in user memory of the item whose length is wrong.
        offset: usize,
    },
    /// The card holds an NDEF record that is not a Tessera badge.
    NdefWrongRecordType,
    /// The card holds more than one NDEF record or message.
    NdefMultipleRecords,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::MalformedCbor { offset } => write!(
                f,
                "damaged data at byte {offset}: this is not a readable badge; re-read the card or ask for a new copy"
            ),
            Error::NotCoseSign1 => f.write_str(
                "not a Tessera badge: expected a signed COSE_Sign1 message (CBOR tag 18); check that the right file or card was used",
            ),
            Error::UnsupportedAlgorithm => f.write_str(
                "the badge is not signed with EdDSA/Ed25519, the only algorithm Tessera accepts; it was not made by a Tessera issuer",
            ),
            Error::UnknownCriticalHeader => f.write_str(
                "the badge needs a feature this verifier does not know (critical header); update the verifier software",
            ),
            Error::IndefiniteLength { offset } => write!(
                f,
                "badge data at byte {offset} uses an indefinite length, which Tessera does not allow; the badge is malformed"
            ),
            Error::DuplicateKey { offset } => write!(
                f,
                "badge data at byte {offset} repeats a field; the badge is malformed or was tampered with"
            ),
            Error::TooDeep { offset } => write!(
                f,
                "badge data at byte {offset} is nested deeper than the format allows; the badge is malformed"
            ),
            Error::TooManyEntries { offset } => write!(
                f,
                "badge data at byte {offset} has more entries than the format allows; the badge is malformed"
            ),
            Error::TrailingBytes { offset } => write!(
                f,
                "unexpected extra data after byte {offset}; the badge was altered or the file holds more than one badge"
            ),
            Error::MissingField(field) => write!(f, "the badge has no {field}; it is incomplete"),
            Error::InvalidField(field) => write!(f, "the badge's {field} is not valid"),
            Error::FieldTooLong(field) => write!(f, "the {field} is too long; shorten it"),
            Error::UnknownCriticalField { key } => write!(
                f,
                "the badge carries a field ({key}) that this verifier must understand but does not; update the verifier software"
            ),
            Error::UnknownIssuer => f.write_str(
                "the badge's issuer is not on the trusted issuers list; do not accept it unless you add that issuer's key",
            ),
            Error::SignatureInvalid => f.write_str(
                "the signature does not match: the badge was altered or forged; do not accept it",
            ),
            Error::Expired { exp } => write!(f, "the badge expired (at {exp}, Unix time); it is no longer valid"),
            Error::NotYetValid { nbf } => write!(
                f,
                "the badge is not valid yet (from {nbf}, Unix time); check the device clock or try again later"
            ),
            Error::Revoked { serial } => write!(
                f,
                "badge {serial} was revoked by its issuer; do not accept it"
            ),
            Error::StatusListStale { exp } => write!(
                f,
                "the revocation list is out of date (valid until {exp}, Unix time); load the issuer's latest list"
            ),
            Error::StatusListWrongIssuer => f.write_str(
                "the revocation list is from another issuer than the badge; load this issuer's list",
            ),
            Error::StatusListMissing => f.write_str(
                "cannot check revocation: this verifier's revocation lists are missing or damaged; load the issuer's newest lists (`tessera status-list`) and restart it",
            ),
            Error::Suspended { serial } => write!(
                f,
                "badge {serial} is suspended by its issuer (for now: it may be reinstated); do not accept it until then"
            ),
            Error::IssuerKeyCompromised { since } => write!(
                f,
                "the issuer reported the key that signed this badge stolen or compromised from {since} (Unix time), and this badge is not one it issued before then; do not accept it"
            ),
            Error::NotInStatusList { serial } => write!(
                f,
                "badge {serial} is older than the revocation list but not listed in it; load the issuer's complete list"
            ),
            Error::NotAStatusList => f.write_str(
                "this signed file is not a Tessera revocation list; check that the right file was loaded",
            ),
            Error::CardMismatch => f.write_str(
                "the badge belongs to another card: it was copied; do not accept it",
            ),
            Error::BufferTooSmall => f.write_str("the output buffer is too small for this badge"),
            Error::TooLargeForProfile { len, max } => write!(
                f,
                "the badge needs {len} bytes but its profile allows {max}; shorten the fields or use the standard profile"
            ),
            Error::NotInProfile(field) => write!(
                f,
                "the mini profile has no {field}; leave it out or use the standard profile"
            ),
            Error::TrustStoreFull => f.write_str(
                "the trusted issuers list is full; remove an issuer before adding another",
            ),
            Error::InvalidKey => f.write_str("the key or signature is not a valid Ed25519 value"),
            Error::UnknownCardType => f.write_str(
                "this card is not an NTAG213, NTAG215 or NTAG216 (or is not NDEF-formatted); use one of those",
            ),
            Error::CardTooSmall { needed, card } => match CardType::smallest_for(needed) {
                Some(fits) => write!(
                    f,
                    "this badge needs {needed} bytes: it needs an {fits} card, the card on the reader is an {card}"
                ),
                None => write!(
                    f,
                    "this badge needs {needed} bytes, more than any supported card holds; use the mini or a shorter standard badge"
                ),
            },
            Error::CardEmpty => f.write_str("the card holds no badge: it is blank or was erased"),
            Error::NdefWrongTlv { offset } => write!(
                f,
                "the card's data is damaged at byte {offset} (unexpected block); rewrite the card"
            ),
            Error::NdefLengthPastEnd { offset } => write!(
                f,
                "the card's data at byte {offset} claims more bytes than the card holds; rewrite the card"
            ),
            Error::NdefWrongRecordType => f.write_str(
                "the card holds something other than a Tessera badge (another NDEF record type)",
            ),
            Error::NdefMultipleRecords => f.write_str(
                "the card holds more than one record; a Tessera card holds exactly one badge, rewrite it",
            ),
        }
    }
}

impl core::error::Error for Error {}

impl From<minicbor::encode::Error<minicbor::encode::write::EndOfSlice>> for Error {
    fn from(_: minicbor::encode::Error<minicbor::encode::write::EndOfSlice>) -> Self {
        // The only failure of encoding into a slice is running out of room.
        Error::BufferTooSmall
    }
}
