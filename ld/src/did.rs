//! Ed25519 keys as `did:key` identifiers and Multikey verification methods:
//! [`tessera_formats::did`], where every verifier (the page included, which
//! does not link this crate) reads them.

pub use tessera_formats::did::*;
