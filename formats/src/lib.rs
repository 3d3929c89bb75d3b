//! The files and texts a Tessera badge travels in, read one way for every
//! verifier: the desk (`tessera verify`, the Check screen) and the web page
//! (this crate compiled to WebAssembly) both call [`classify`] to find the
//! compact badge (COSE_Sign1 bytes) inside an input, then judge it with
//! `tessera-core`.
//!
//! | input | module |
//! |---|---|
//! | QR text or a link with `#TSR1:…` | [`qr_text`] |
//! | a whole-tag dump from page 0, a Flipper Zero `.nfc` file | [`dump`] |
//! | a baked Open Badges PNG, a VC-JWT, Open Badges 3.0 JSON | [`shared`] |
//! | an Open Badges credential around a badge: a VC-JWT's signature and claims, and whether the credential says what its badge says | [`credential`] |
//! | `did:key` and Multikey | [`did`] |
//! | one verdict pipeline from input to report, for every verifier | [`verdict`] |
//!
//! [`classify`] only takes the badge out; the core verifies it. A VC-JWT's
//! own signature is checked here ([`credential::verify_jwt`], with the
//! core's Ed25519), so the desk and the page judge a credential alike.

pub mod credential;
pub mod did;
pub mod dump;
pub mod input;
pub mod json;
pub mod qr_text;
pub mod shared;
pub mod site;
pub mod text;
pub mod verdict;

pub use input::{Input, classify};
