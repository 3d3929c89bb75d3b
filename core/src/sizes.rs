//! Every buffer bound and field limit of the format, as named constants.
//!
//! The encoder refuses anything longer than these limits and the decoder
//! rejects it with [`Error::FieldTooLong`](crate::Error::FieldTooLong), so a
//! verified badge always fits the buffers sized here.

/// Length of an Ed25519 public key.
pub const PUBLIC_KEY_LEN: usize = 32;
/// Length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;
/// Length of an Ed25519 secret seed.
pub const SEED_LEN: usize = 32;
/// Length of a key id (`kid`, COSE header label 4): the first bytes of the
/// key's RFC 9679 thumbprint (see [`Kid::derive`](crate::Kid::derive)).
pub const KID_LEN: usize = 4;
/// Largest `kid` accepted from other encoders.
pub const MAX_FOREIGN_KID_LEN: usize = 16;

/// Length of the recipient salt (the candidate's claim code), in bytes.
pub const SALT_LEN: usize = 10;
/// Bytes of SHA-512 kept in the recipient commitment (96 bits).
pub const SUBJECT_HASH_LEN: usize = 12;
/// Length of the `sub` text Tessera writes: unpadded base64url of
/// [`SUBJECT_HASH_LEN`] bytes.
pub const SUBJECT_LEN: usize = 16;
/// Longest `sub` accepted from other encoders.
pub const MAX_SUBJECT_LEN: usize = 64;

/// Longest issuer name (`iss`), in bytes of UTF-8.
pub const MAX_ISSUER_LEN: usize = 48;
/// Longest achievement id in the standard profile.
pub const MAX_ACHIEVEMENT_ID_LEN: usize = 24;
/// Longest achievement id in the mini profile.
pub const MINI_MAX_ACHIEVEMENT_ID_LEN: usize = 7;
/// Longest achievement name.
pub const MAX_ACHIEVEMENT_NAME_LEN: usize = 64;
/// Longest evidence URL.
pub const MAX_EVIDENCE_LEN: usize = 96;
/// Longest recipient display name.
pub const MAX_DISPLAY_NAME_LEN: usize = 48;
/// Card UID lengths allowed by ISO 14443-3 (single, double, triple size).
pub const CARD_UID_LENS: [usize; 3] = [4, 7, 10];
/// Longest card UID.
pub const MAX_CARD_UID_LEN: usize = 10;

/// Largest serial a badge can carry (`cti` is 1 to 4 big-endian bytes).
pub const MAX_SERIAL: u32 = u32::MAX;

/// Largest encoded mini badge. With [`NDEF_OVERHEAD_MAX`] bytes of NDEF
/// framing the card image fits the 144 bytes of an NTAG213.
pub const MINI_MAX_LEN: usize = 130;
/// Largest encoded standard badge: every field at its limit still leaves
/// room to spare in an NTAG215's 496-byte NDEF area.
pub const STANDARD_MAX_LEN: usize = 456;
/// Bytes the NDEF framing of one badge may add (TLV, record header, type
/// name and terminator) for the mini profile budget.
pub const NDEF_OVERHEAD_MAX: usize = 14;
/// User memory of an NTAG213.
pub const NTAG213_USER_BYTES: usize = 144;

/// Most entries a CBOR map of ours (claims, badge fields, headers) may hold,
/// counting unknown entries.
pub const MAX_MAP_ENTRIES: usize = 24;
/// Deepest nesting allowed anywhere in a badge: the claims map (1), the badge
/// map (2) and one more level of arrays/maps for extensions (3).
pub const MAX_DEPTH: usize = 4;

/// Most serials one status list covers (8 KiB of bits).
pub const MAX_STATUS_SERIALS: u32 = 65_536;
/// Bytes of bits for [`MAX_STATUS_SERIALS`].
pub const MAX_STATUS_BITS_LEN: usize = (MAX_STATUS_SERIALS as usize) / 8;
/// Most serials one status list marks suspended (2 bytes each).
pub const MAX_SUSPENDED_PER_LIST: usize = 2048;
/// Largest encoded status list (bits, suspended indexes, headers, claims
/// and signature).
pub const MAX_STATUS_LIST_LEN: usize = MAX_STATUS_BITS_LEN + 2 * MAX_SUSPENDED_PER_LIST + 192;

/// Default capacity of a [`TrustStore`](crate::TrustStore).
pub const DEFAULT_TRUST_CAPACITY: usize = 8;

/// Size of a buffer that always holds [`VerifiedBadge::summary_json`](crate::VerifiedBadge::summary_json)
/// output: every text field at its limit and every byte escaped as
/// `\u00XX` (6 bytes; 344 bytes of text become 2,064), plus the names and
/// numbers.
pub const SUMMARY_JSON_MAX_LEN: usize = 2560;
