//! One module per screen: its state, its key handling, its view, and its
//! [`Pane`]: what the app needs of every screen. The app's list of screens
//! ([`Screen::ALL`](super::Screen::ALL)) gives each its F-key and tab; a new
//! screen is a module here, its line below, and its entry in that list.

use crossterm::event::KeyEvent;
use ratatui::prelude::*;

use super::Effect;

pub mod bulk;
pub mod check;
pub mod issue;
pub mod keys;
pub mod ledger;
pub mod revoke;
pub mod widgets;

/// What a screen may read of the rest of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The time, by the desk's clock (Unix seconds).
    pub now: i64,
    /// The active issuer's name.
    pub issuer_name: String,
    /// The serial the next badge issued gets.
    pub next_serial: u32,
}

/// What a key pressed on a screen asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Nothing beyond the screen itself.
    None,
    /// Perform this effect.
    Effect(Effect),
    /// A job that waits for a card on the reader (named in the status
    /// line; quitting waits for it), then this effect.
    CardJob(String, Effect),
    /// Open the Revoke screen on this badge.
    RevokeSerial(u32),
}

/// What the app needs of every screen.
pub trait Pane {
    /// The tab's title; its F-key comes from the screen's place in the list.
    fn title(&self) -> &'static str;
    /// Whether keys go to a text field (so `q` types rather than quits).
    fn typing(&self) -> bool;
    /// A key pressed while the screen is shown.
    fn on_key(&mut self, key: KeyEvent, cx: &Context) -> Reply;
    /// Draw the screen into `area`.
    fn view(&self, cx: &Context, frame: &mut Frame, area: Rect);
    /// What to load when the screen is switched to.
    fn on_enter(&self, _cx: &Context) -> Option<Effect> {
        None
    }
}
