//! Bounds on what a verifier reads, so that hostile input costs bounded
//! time and memory. A Tessera credential is about 4 KB, 16 KB with a
//! catalogue image; the bounds leave room for other issuers' credentials.

/// Largest credential accepted, in bytes of JSON (a 256 KB catalogue
/// image is about 342 KB of base64).
pub const MAX_DOCUMENT_BYTES: usize = 512 * 1024;

/// Deepest nesting of JSON objects and arrays accepted.
pub const MAX_DEPTH: usize = 16;

/// Most RDF statements a credential may expand to.
pub const MAX_STATEMENTS: usize = 2_000;

/// Most blank nodes a credential may expand to. RDF canonicalization of
/// blank nodes that look alike grows very fast with their number; real
/// credentials have a few (ours: about eight).
pub const MAX_BLANK_NODES: usize = 64;

/// Most proofs on one credential.
pub const MAX_PROOFS: usize = 4;

/// How far in the future a proof's `created` may be (clock skew), seconds.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;
