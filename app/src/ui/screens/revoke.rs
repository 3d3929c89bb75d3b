//! Revoke: a serial and a reason; revoking publishes a new signed status
//! list for the kiosks.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::prelude::*;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::widgets::{Input, field};
use super::{Context, Pane, Reply};
use crate::ui::Effect;

/// The Revoke screen's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RevokeForm {
    /// Serial input.
    pub serial: Input,
    /// Reason input.
    pub reason: Input,
    /// Focus on the reason (else the serial).
    pub on_reason: bool,
    /// Waiting for "y" to confirm.
    pub confirming: bool,
    /// What the badge is, once a serial is typed (from the ledger).
    pub about: Option<String>,
    /// The last result.
    pub result: Option<String>,
}

/// What a key asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevokeAction {
    /// Nothing.
    None,
    /// Look up the serial typed so far.
    Lookup(u32),
    /// Revoke it.
    Revoke(u32, String),
}

impl RevokeForm {
    /// The serial typed, if it is a number.
    pub fn serial(&self) -> Option<u32> {
        self.serial.value.trim().parse().ok()
    }

    /// A problem to show, if any.
    pub fn problem(&self) -> Option<&'static str> {
        if !self.serial.value.is_empty() && self.serial().is_none() {
            Some("the serial is a number, e.g. 1042")
        } else {
            None
        }
    }

    /// Handle a key.
    pub fn handle(&mut self, key: KeyEvent) -> RevokeAction {
        if self.confirming {
            self.confirming = false;
            return match (key.code, self.serial()) {
                (KeyCode::Char('y'), Some(s)) => {
                    RevokeAction::Revoke(s, self.reason.value.trim().to_string())
                }
                _ => {
                    self.result = Some("not revoked".into());
                    RevokeAction::None
                }
            };
        }
        match key.code {
            KeyCode::Tab | KeyCode::Down | KeyCode::Up | KeyCode::BackTab => {
                self.on_reason = !self.on_reason
            }
            KeyCode::Enter if !self.on_reason => self.on_reason = true,
            KeyCode::Enter => {
                if self.serial().is_some() && !self.reason.value.trim().is_empty() {
                    self.confirming = true;
                } else {
                    self.result = Some("enter the serial and a reason first".into());
                }
            }
            _ => {
                let before = self.serial.value.clone();
                let input = if self.on_reason {
                    &mut self.reason
                } else {
                    &mut self.serial
                };
                input.handle(key);
                if !self.on_reason && self.serial.value != before {
                    if let Some(s) = self.serial() {
                        return RevokeAction::Lookup(s);
                    }
                    self.about = None;
                }
            }
        }
        RevokeAction::None
    }
}

/// Draw the Revoke screen.
pub fn view(form: &RevokeForm, frame: &mut Frame, area: Rect) {
    let block = Block::bordered().title(" Revoke a badge ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [serial_row, reason_row, _, rest] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    field(
        frame,
        serial_row,
        "Serial",
        &form.serial,
        !form.on_reason,
        form.problem(),
        false,
    );
    field(
        frame,
        reason_row,
        "Reason",
        &form.reason,
        form.on_reason,
        None,
        false,
    );
    let mut lines = vec![Line::default()];
    if let Some(a) = &form.about {
        lines.push(Line::from(a.clone()));
    }
    if form.confirming {
        lines.push(Line::styled(
            format!("Revoke badge {}? Kiosks will refuse it once they load the new list. y: yes, any other key: no", form.serial.value.trim()),
            Style::new().fg(Color::Red).bold(),
        ));
    }
    if let Some(r) = &form.result {
        lines.push(Line::from(r.clone()));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), rest);
}

impl Pane for RevokeForm {
    fn title(&self) -> &'static str {
        "Revoke"
    }

    fn typing(&self) -> bool {
        true
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &Context) -> Reply {
        Reply::Effect(match self.handle(key) {
            RevokeAction::Lookup(s) => Effect::LookupSerial(s),
            RevokeAction::Revoke(s, r) => Effect::Revoke(s, r),
            RevokeAction::None => return Reply::None,
        })
    }

    fn view(&self, _cx: &Context, frame: &mut Frame, area: Rect) {
        view(self, frame, area);
    }
}
