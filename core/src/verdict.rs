//! The seven verdicts a person sees, and which verdict every [`Error`] is.
//!
//! The kiosk, the desk and the web page all show one of these words; they
//! classify errors here, in one place, so they can never disagree.

use crate::error::Error;

/// The verdict on a badge, as shown to staff, kiosks and employers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Verdict {
    /// Genuine, current, not revoked.
    Valid,
    /// Revoked by its issuer.
    Revoked,
    /// Suspended by its issuer for now (reversible: it may be reinstated).
    Suspended,
    /// Past its expiry date, not valid yet, or checked against a revocation
    /// list that is out of date, missing or damaged (the verifier cannot say
    /// it is current).
    Expired,
    /// Signed by an issuer the verifier does not trust.
    UnknownIssuer,
    /// Altered or forged: the signature does not match, or the badge was
    /// copied to another card.
    Forged,
    /// A credential whose signature this verifier cannot check (the web
    /// page and a Data Integrity proof): never VALID on a signature nobody
    /// verified; check it with a verifier that can.
    NotChecked,
    /// Not a readable badge (damaged, not a badge at all, or a verifier
    /// set-up problem such as the wrong revocation list).
    Unreadable,
}

impl Verdict {
    /// Every verdict, best first.
    pub const ALL: [Verdict; 8] = [
        Verdict::Valid,
        Verdict::Revoked,
        Verdict::Suspended,
        Verdict::Expired,
        Verdict::UnknownIssuer,
        Verdict::Forged,
        Verdict::NotChecked,
        Verdict::Unreadable,
    ];

    /// The large word on a screen.
    pub const fn headline(self) -> &'static str {
        match self {
            Verdict::Valid => "VALID",
            Verdict::Revoked => "REVOKED",
            Verdict::Suspended => "SUSPENDED",
            Verdict::Expired => "EXPIRED",
            Verdict::UnknownIssuer => "UNKNOWN ISSUER",
            Verdict::Forged => "FORGED",
            Verdict::NotChecked => "CANNOT CHECK HERE",
            Verdict::Unreadable => "NOT A BADGE",
        }
    }

    /// A stable machine name (`snake_case`), for JSON, logs and result files.
    pub const fn code(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Revoked => "revoked",
            Verdict::Suspended => "suspended",
            Verdict::Expired => "expired",
            Verdict::UnknownIssuer => "unknown_issuer",
            Verdict::Forged => "forged",
            Verdict::NotChecked => "not_checked",
            Verdict::Unreadable => "unreadable",
        }
    }

    /// Process exit code for scripts: 0 valid, 2 unreadable, 1 otherwise.
    pub const fn exit_code(self) -> i32 {
        match self {
            Verdict::Valid => 0,
            Verdict::Unreadable => 2,
            _ => 1,
        }
    }

    /// The verdict for a verification result.
    pub fn of<T>(result: &Result<T, Error>) -> Self {
        match result {
            Ok(_) => Verdict::Valid,
            Err(e) => e.verdict(),
        }
    }
}

impl core::fmt::Display for Verdict {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.headline())
    }
}

impl Error {
    /// Which verdict a badge that fails with this error gets. Every variant
    /// is listed, so a new one cannot be added without choosing.
    pub const fn verdict(&self) -> Verdict {
        match self {
            Error::Revoked { .. } | Error::IssuerKeyCompromised { .. } => Verdict::Revoked,
            Error::Suspended { .. } => Verdict::Suspended,
            Error::Expired { .. }
            | Error::NotYetValid { .. }
            | Error::StatusListStale { .. }
            | Error::StatusListMissing => Verdict::Expired,
            Error::UnknownIssuer => Verdict::UnknownIssuer,
            Error::SignatureInvalid | Error::CardMismatch => Verdict::Forged,
            Error::MalformedCbor { .. }
            | Error::NotCoseSign1
            | Error::UnsupportedAlgorithm
            | Error::UnknownCriticalHeader
            | Error::IndefiniteLength { .. }
            | Error::DuplicateKey { .. }
            | Error::TooDeep { .. }
            | Error::TooManyEntries { .. }
            | Error::TrailingBytes { .. }
            | Error::MissingField(_)
            | Error::InvalidField(_)
            | Error::FieldTooLong(_)
            | Error::UnknownCriticalField { .. }
            | Error::StatusListWrongIssuer
            | Error::NotInStatusList { .. }
            | Error::NotAStatusList
            | Error::BufferTooSmall
            | Error::TooLargeForProfile { .. }
            | Error::NotInProfile(_)
            | Error::TrustStoreFull
            | Error::InvalidKey
            | Error::UnknownCardType
            | Error::CardTooSmall { .. }
            | Error::CardEmpty
            | Error::NdefWrongTlv { .. }
            | Error::NdefLengthPastEnd { .. }
            | Error::NdefWrongRecordType
            | Error::NdefMultipleRecords => Verdict::Unreadable,
        }
    }

    /// A stable name for this error: what the page's translations, logs
    /// and reports key on. It is written out here, not derived from the
    /// variant's name, so renaming a variant cannot change it; every
    /// variant is listed, so a new one cannot be added without one.
    pub const fn code(&self) -> &'static str {
        match self {
            Error::MalformedCbor { .. } => "MalformedCbor",
            Error::NotCoseSign1 => "NotCoseSign1",
            Error::UnsupportedAlgorithm => "UnsupportedAlgorithm",
            Error::UnknownCriticalHeader => "UnknownCriticalHeader",
            Error::IndefiniteLength { .. } => "IndefiniteLength",
            Error::DuplicateKey { .. } => "DuplicateKey",
            Error::TooDeep { .. } => "TooDeep",
            Error::TooManyEntries { .. } => "TooManyEntries",
            Error::TrailingBytes { .. } => "TrailingBytes",
            Error::MissingField(_) => "MissingField",
            Error::InvalidField(_) => "InvalidField",
            Error::FieldTooLong(_) => "FieldTooLong",
            Error::UnknownCriticalField { .. } => "UnknownCriticalField",
            Error::UnknownIssuer => "UnknownIssuer",
            Error::SignatureInvalid => "SignatureInvalid",
            Error::Expired { .. } => "Expired",
            Error::NotYetValid { .. } => "NotYetValid",
            Error::Revoked { .. } => "Revoked",
            Error::StatusListStale { .. } => "StatusListStale",
            Error::StatusListWrongIssuer => "StatusListWrongIssuer",
            Error::StatusListMissing => "StatusListMissing",
            Error::Suspended { .. } => "Suspended",
            Error::IssuerKeyCompromised { .. } => "IssuerKeyCompromised",
            Error::NotInStatusList { .. } => "NotInStatusList",
            Error::NotAStatusList => "NotAStatusList",
            Error::CardMismatch => "CardMismatch",
            Error::BufferTooSmall => "BufferTooSmall",
            Error::TooLargeForProfile { .. } => "TooLargeForProfile",
            Error::NotInProfile(_) => "NotInProfile",
            Error::TrustStoreFull => "TrustStoreFull",
            Error::InvalidKey => "InvalidKey",
            Error::UnknownCardType => "UnknownCardType",
            Error::CardTooSmall { .. } => "CardTooSmall",
            Error::CardEmpty => "CardEmpty",
            Error::NdefWrongTlv { .. } => "NdefWrongTlv",
            Error::NdefLengthPastEnd { .. } => "NdefLengthPastEnd",
            Error::NdefWrongRecordType => "NdefWrongRecordType",
            Error::NdefMultipleRecords => "NdefMultipleRecords",
        }
    }
}
