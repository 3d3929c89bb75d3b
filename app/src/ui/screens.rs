//! One module per screen: its state, its key handling and its view.

pub mod bulk;
pub mod check;
pub mod issue;
pub mod keys;
pub mod ledger;
pub mod revoke;
pub mod widgets;
