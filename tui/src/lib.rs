//! The Tessera desk app's library, in layers whose arrows point down only
//! (gitui's split of `asyncgit` from its UI is the model):
//!
//! | layer | modules | knows |
//! |---|---|---|
//! | front ends | [`ui`] (ratatui app and screens), [`cli`] (clap commands and printing) | the desk |
//! | operations | [`desk`]: issue, bulk, check, card, trust, status, export, share | the store, the card layer, the core |
//! | devices | [`card`]: NTAG21x over PC/SC, the reader watcher, tag dump files | the core |
//! | store | [`store`]: ledger (SQLite or PostgreSQL), encrypted issuer keys, atomic files, secrets | the core |
//!
//! The operations layer has its own error type ([`desk::DeskError`]) and no
//! clap or ratatui types; the front ends only translate keys and arguments
//! into operations and results into screens and lines. The `tessera` binary
//! is built on it.

pub mod card;
pub mod cli;
pub mod desk;
pub mod store;
pub mod ui;
