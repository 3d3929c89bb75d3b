//! # tessera-core
//!
//! Compact, offline-verifiable certification badges for NFC cards and
//! microcontrollers: a badge is a COSE_Sign1 message (RFC 9052, EdDSA over
//! Ed25519) carrying CWT claims (RFC 8392) and a small Tessera badge map.
//! The crate is `no_std`, allocates nothing and contains no `unsafe`.
//!
//! * Build and sign: [`BadgeBuilder`] encodes into a caller's buffer.
//! * Verify: [`verify`] checks structure, issuer ([`TrustStore`]),
//!   signature, validity period and revocation ([`StatusList`]) and returns
//!   a [`VerifiedBadge`] that borrows from the input.
//! * Interop: [`CoseSign1`] decodes any EdDSA COSE_Sign1 and exposes the
//!   exact signed bytes ([`CoseSign1::to_be_signed`]).
//!
//! The byte format is specified in `docs/format.md`.
//!
//! ```
//! use tessera_core::{verify, BadgeBuilder, BadgeClaims, Profile, Salt, SigningKey, Subject, TrustStore};
//!
//! // Issuer side (host): sign a standard badge.
//! let key = SigningKey::from_seed([42; 32])?;
//! let salt = Salt::from([9; 10]); // random per badge in real use: the claim code
//! let sub = Subject::commit(&salt, "ada@example.org");
//! let mut claims = BadgeClaims::new(sub.as_str(), 1001, 1_790_000_000, "RUST-101");
//! claims.issuer = Some("Tessera Test Center");
//! claims.achievement_name = Some("Rust Fundamentals");
//! claims.expires = Some(1_900_000_000);
//! let mut buf = [0u8; 512];
//! let len = BadgeBuilder::new(Profile::Standard, claims).sign(&key, &mut buf)?;
//!
//! // Verifier side (kiosk): trust the issuer, verify offline.
//! let mut trust: TrustStore = TrustStore::new();
//! trust.add(key.public_key())?;
//! let badge = verify(&buf[..len], &trust, Some(1_800_000_000), None)?;
//! assert_eq!(badge.claims.achievement_id, "RUST-101");
//! assert!(badge.is_for(&salt, "Ada@Example.org"));
//! # Ok::<(), tessera_core::Error>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]

// Only the `dalek` feature (std hosts) allocates, for batch verification.
#[cfg(feature = "dalek")]
extern crate alloc;

#[macro_use]
mod fmt;

pub mod backend;
mod builder;
mod cbor;
pub mod claims;
pub mod cose;
mod error;
mod keys;
pub mod ndef;
mod recipient;
pub mod sizes;
pub mod status;
mod tag;
mod trust;
mod verdict;
mod verify;

pub use backend::Backend;
pub use builder::{BadgeBuilder, PROTECTED_LEN, Profile, UNPROTECTED, protected_header};
pub use claims::BadgeClaims;
pub use cose::CoseSign1;
pub use error::{Error, Field};
pub use keys::{Kid, PublicKey, Signature, SigningKey};
pub use ndef::CardType;
pub use recipient::{Salt, Subject};
pub use status::{StatusList, StatusListBuilder};
pub use trust::{TrustStore, TrustedIssuer};
pub use verdict::Verdict;
#[cfg(feature = "dalek")]
pub use verify::{BATCH_SIZE, verify_batch};
pub use verify::{
    VerifiedBadge, verify, verify_card, verify_card_image, verify_card_image_lists, verify_lists,
    verify_with,
};
