//! Open Badges 3.0 credentials with an embedded Data Integrity proof
//! (`DataIntegrityProof`, cryptosuite `eddsa-rdfc-2022`), signed and
//! verified offline.
//!
//! A credential is expanded from JSON-LD to RDF with the contexts bundled
//! here ([`contexts`]) and nothing else, canonicalized with RDFC-1.0
//! ([`canonicalize`]), and signed with Ed25519 over
//! `SHA-256(canonical proof options) ‖ SHA-256(canonical document)`
//! ([`sign`], [`verify`]), as the W3C *Data Integrity EdDSA Cryptosuites
//! v1.0* specify. JSON-LD expansion and canonicalization come from
//! oxigraph's `oxjsonld` and `oxrdf`; this crate adds the cryptosuite, the
//! `did:key` keys ([`did`]) and the checks a verifier must make before it
//! believes a proof: only bundled contexts, no term left undefined (JSON-LD
//! would silently drop it, leaving it unsigned), bounded size, depth and
//! blank nodes ([`sizes`]).
//!
//! ```
//! use serde_json::json;
//! use tessera_core::SigningKey;
//!
//! let key = SigningKey::from_seed([7; 32])?;
//! let method = tessera_ld::did::verification_method(&key.public_key());
//! let credential = json!({
//!     "@context": ["https://www.w3.org/ns/credentials/v2",
//!                  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
//!     "id": "urn:example:1",
//!     "type": ["VerifiableCredential", "OpenBadgeCredential"],
//!     "issuer": {"id": tessera_ld::did::did_key(&key.public_key()), "type": ["Profile"], "name": "Example"},
//!     "validFrom": "2026-01-01T00:00:00Z",
//!     "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
//!         "id": "urn:example:a", "type": ["Achievement"], "name": "A",
//!         "description": "An achievement.", "criteria": {"narrative": "Do it."}}}
//! });
//! let signed = tessera_ld::sign(&credential, &key, &method, "2026-01-01T00:00:00Z")?;
//! let trusted = |k: &tessera_core::PublicKey| *k == key.public_key();
//! let proof = tessera_ld::verify(&signed, &trusted, None)?;
//! assert_eq!(proof.key, key.public_key());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod canon;
pub mod contexts;
pub mod did;
mod error;
pub mod proof;
pub mod sizes;

pub use canon::canonicalize;
pub use error::LdError;
pub use proof::{CRYPTOSUITE, Signed, VerifiedProof, sign, verify};
