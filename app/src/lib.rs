//! The Tessera desk app's front ends over the [`tessera_desk`] library:
//!
//! | front end | module | knows |
//! |---|---|---|
//! | terminal UI | [`ui`]: the ratatui app and its screens | the desk |
//! | command line | [`cli`]: clap commands and their printed lines | the desk |
//!
//! They only translate keys and arguments into operations and results into
//! screens and lines; the operations, the store and the card readers are
//! the desk's. The `tessera` binary is built on them.

pub mod cli;
pub mod ui;
