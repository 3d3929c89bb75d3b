//! The terminal app, Elm style: a [`Model`], the [`Message`]s that change
//! it, a pure [`update`] that may ask for an [`Effect`], and a [`view`].
//! All IO (ledger, key, card reader, files) happens in [`Runtime`], outside
//! `update`, and comes back as messages; so `update` and `view` are tested
//! without a terminal.

mod message;
mod runtime;
pub mod screens;
mod update;

pub use message::{Effect, LedgerRows, Message};
pub use runtime::{Runtime, apply, run_terminal};
pub use update::update;

use ratatui::prelude::*;
use ratatui::widgets::{Block, Clear, Paragraph, Tabs, Wrap};

use crate::ui::screens::bulk::BulkState;
use crate::ui::screens::check::CheckState;
use crate::ui::screens::issue::IssueForm;
use crate::ui::screens::keys::KeysView;
use crate::ui::screens::ledger::LedgerView;
use crate::ui::screens::revoke::RevokeForm;
use crate::ui::screens::widgets::Input;
use crate::ui::screens::{Context, Pane};

/// The screens, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Issue one badge.
    Issue,
    /// Bulk issue from CSV.
    Bulk,
    /// Check a badge.
    Check,
    /// Revoke a badge.
    Revoke,
    /// The ledger.
    Ledger,
    /// Keys and trust.
    Keys,
}

impl Screen {
    /// Every screen, in tab order.
    pub const ALL: [Screen; 6] = [
        Screen::Issue,
        Screen::Bulk,
        Screen::Check,
        Screen::Revoke,
        Screen::Ledger,
        Screen::Keys,
    ];

    /// The F-key that shows it (F1 for the first).
    pub fn key(self) -> u8 {
        u8::try_from(self.index() + 1).unwrap_or(u8::MAX)
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// The whole app state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    /// The screen shown.
    pub screen: Screen,
    /// Issue form.
    pub issue: IssueForm,
    /// Bulk job.
    pub bulk: BulkState,
    /// Check screen.
    pub check: CheckState,
    /// Revoke form.
    pub revoke: RevokeForm,
    /// Ledger view.
    pub ledger: LedgerView,
    /// Keys view.
    pub keys: KeysView,
    /// Active issuer's name.
    pub issuer_name: String,
    /// The active issuer is the demo issuer.
    pub demo: bool,
    /// Status line: (is an error, text).
    pub status: Option<(bool, String)>,
    /// Passphrase prompt before an effect that needs the issuer key.
    pub passphrase: Option<(Input, Box<Effect>)>,
    /// A card job is waiting for a card (what it is for).
    pub card_job: Option<String>,
    /// The serial the next badge issued gets (for the Issue preview).
    pub next_serial: u32,
    /// Current time (Unix seconds), advanced by ticks.
    pub now: i64,
    /// Leave the app.
    pub quit: bool,
}

impl Model {
    /// A fresh model.
    pub fn new(issuer_name: &str, demo: bool, now: i64) -> Self {
        Self {
            screen: Screen::Issue,
            issue: IssueForm::default(),
            bulk: BulkState::default(),
            check: CheckState::default(),
            revoke: RevokeForm::default(),
            ledger: LedgerView::default(),
            keys: KeysView::default(),
            issuer_name: issuer_name.to_string(),
            demo,
            status: None,
            passphrase: None,
            card_job: None,
            next_serial: 1,
            now,
            quit: false,
        }
    }

    /// The screen `screen`'s state.
    pub fn pane(&self, screen: Screen) -> &dyn Pane {
        match screen {
            Screen::Issue => &self.issue,
            Screen::Bulk => &self.bulk,
            Screen::Check => &self.check,
            Screen::Revoke => &self.revoke,
            Screen::Ledger => &self.ledger,
            Screen::Keys => &self.keys,
        }
    }

    fn pane_mut(&mut self, screen: Screen) -> &mut dyn Pane {
        match screen {
            Screen::Issue => &mut self.issue,
            Screen::Bulk => &mut self.bulk,
            Screen::Check => &mut self.check,
            Screen::Revoke => &mut self.revoke,
            Screen::Ledger => &mut self.ledger,
            Screen::Keys => &mut self.keys,
        }
    }

    /// What the screens may read of the rest of the app.
    pub fn context(&self) -> Context {
        Context {
            now: self.now,
            issuer_name: self.issuer_name.clone(),
            next_serial: self.next_serial,
        }
    }

    /// The tab of `screen`: its F-key and title.
    pub fn tab(&self, screen: Screen) -> String {
        format!("F{} {}", screen.key(), self.pane(screen).title())
    }
}

/// The help line: the F-keys of the list of screens, and the keys every
/// screen shares.
fn help() -> String {
    format!(
        "F1–F{} screens · ↑↓ move · Enter ok · Esc cancel · Ctrl+Q quit",
        Screen::ALL.len()
    )
}

/// Draw the whole app.
pub fn view(model: &Model, frame: &mut Frame) {
    let [tabs_area, body, status_area, help_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    frame.render_widget(
        Tabs::new(Screen::ALL.iter().map(|s| model.tab(*s)))
            .select(model.screen.index())
            .highlight_style(Style::new().bold().reversed()),
        tabs_area,
    );
    // The issuer sits at the right of the help line, where it never hides a tab.
    let label = if model.demo {
        " DEMO ISSUER ".to_string()
    } else {
        format!(" {} ", model.issuer_name)
    };
    let width = u16::try_from(label.chars().count())
        .unwrap_or(u16::MAX)
        .min(30);
    let [help_left, issuer_area] =
        Layout::horizontal([Constraint::Min(20), Constraint::Length(width)]).areas(help_area);
    let issuer = if model.demo {
        Span::styled(
            label,
            Style::new().bold().fg(Color::Black).bg(Color::Yellow),
        )
    } else {
        Span::styled(label, Style::new().fg(Color::Cyan))
    };
    frame.render_widget(
        Paragraph::new(Line::from(issuer)).right_aligned(),
        issuer_area,
    );
    model.pane(model.screen).view(&model.context(), frame, body);
    if let Some((is_error, text)) = &model.status {
        let style = if *is_error {
            Style::new().fg(Color::White).bg(Color::Red)
        } else {
            Style::new().fg(Color::Green)
        };
        frame.render_widget(Paragraph::new(text.as_str()).style(style), status_area);
    }
    frame.render_widget(
        Paragraph::new(help()).style(Style::new().fg(Color::DarkGray)),
        help_left,
    );
    if let Some((input, _)) = &model.passphrase {
        let area = body.centered(
            Constraint::Length(60.min(body.width)),
            Constraint::Length(5),
        );
        frame.render_widget(Clear, area);
        let block = Block::bordered().title(" Issuer key passphrase ");
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [l1, l2] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(2)]).areas(inner);
        crate::ui::screens::widgets::field(frame, l1, "Passphrase", input, true, None, true);
        frame.render_widget(
            Paragraph::new("Enter unlocks the key for this session · Esc cancels")
                .wrap(Wrap { trim: true }),
            l2,
        );
    }
}
