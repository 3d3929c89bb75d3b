//! The Tessera desk app's library: card readers (PC/SC), QR text, and (with
//! the app) the ledger and screens. The `tessera` binary is built on it.

pub mod card;
pub mod qr;
