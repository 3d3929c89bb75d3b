//! The Tessera desk app's library: card readers (PC/SC), QR text, and (with
//! the app) the ledger and screens. The `tessera` binary is built on it.

pub mod app;
pub mod card;
pub mod cli;
pub mod desk;
pub mod export;
pub mod keystore;
pub mod ledger;
pub mod picture;
pub mod qr;
pub mod screens;
pub mod share;
pub mod verdict;
