//! The store layer: what the desk keeps. The ledger (SQLite, or a shared PostgreSQL), the
//! issuer key files, atomic file writes and the secrets read from files.
//! Nothing here knows about the terminal, clap or card readers.

pub mod files;
pub mod keystore;
pub mod ledger;
pub mod secret;
