//! Check: tap a card, open a file or paste QR text, and see one large,
//! unmistakable verdict with the reason and the badge details.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::prelude::*;
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use super::widgets::{Input, field};
use crate::verdict::{Verdict, VerdictKind};

/// Where the badge to check comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CheckMode {
    /// Choosing.
    #[default]
    Idle,
    /// Waiting for a card on the reader (Esc cancels).
    WaitingForCard(String),
    /// Typing a file path.
    File(Input),
    /// Pasting QR text.
    Qr(Input),
}

/// The Check screen's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckState {
    /// Input mode.
    pub mode: CheckMode,
    /// The last verdict and where the badge came from.
    pub verdict: Option<(Verdict, String)>,
}

/// What a key asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckAction {
    /// Nothing outside the screen.
    None,
    /// Wait for a card and check it.
    TapCard,
    /// Stop waiting for a card.
    CancelCard,
    /// Check this file.
    File(String),
    /// Check this QR text.
    Qr(String),
}

impl CheckState {
    /// Is a text input active (so letters are typed, not commands)?
    pub fn typing(&self) -> bool {
        matches!(self.mode, CheckMode::File(_) | CheckMode::Qr(_))
    }

    /// Handle a key.
    pub fn handle(&mut self, key: KeyEvent) -> CheckAction {
        match &mut self.mode {
            CheckMode::Idle => match key.code {
                KeyCode::Char('t') => return CheckAction::TapCard,
                KeyCode::Char('o') => self.mode = CheckMode::File(Input::default()),
                KeyCode::Char('p') => self.mode = CheckMode::Qr(Input::default()),
                _ => {}
            },
            CheckMode::WaitingForCard(_) => {
                if key.code == KeyCode::Esc {
                    return CheckAction::CancelCard;
                }
            }
            CheckMode::File(input) | CheckMode::Qr(input) => match key.code {
                KeyCode::Esc => self.mode = CheckMode::Idle,
                KeyCode::Enter => {
                    let value = input.value.trim().to_string();
                    let file = matches!(self.mode, CheckMode::File(_));
                    self.mode = CheckMode::Idle;
                    if value.is_empty() {
                        return CheckAction::None;
                    }
                    return if file {
                        CheckAction::File(value)
                    } else {
                        CheckAction::Qr(value)
                    };
                }
                _ => {
                    input.handle(key);
                }
            },
        }
        CheckAction::None
    }
}

fn colors(kind: VerdictKind) -> (Color, &'static str) {
    match kind {
        VerdictKind::Valid => (Color::Green, "✔"),
        VerdictKind::Revoked | VerdictKind::Forged => (Color::Red, "✘"),
        VerdictKind::Expired | VerdictKind::UnknownIssuer => (Color::Yellow, "!"),
        VerdictKind::Unreadable => (Color::Magenta, "?"),
    }
}

/// Draw the Check screen.
pub fn view(state: &CheckState, frame: &mut Frame, area: Rect) {
    let [top, verdict_area, details_area] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(7),
        Constraint::Min(3),
    ])
    .areas(area);
    let block = Block::bordered().title(" Check a badge ");
    let inner = block.inner(top);
    frame.render_widget(block, top);
    match &state.mode {
        CheckMode::Idle => frame.render_widget(
            Paragraph::new("t: tap a card on the reader   o: open a file   p: paste QR text"),
            inner,
        ),
        CheckMode::WaitingForCard(s) => frame.render_widget(
            Paragraph::new(format!("{s}   (Esc cancels)"))
                .style(Style::new().fg(Color::Cyan).bold()),
            inner,
        ),
        CheckMode::File(input) => field(frame, inner, "File", input, true, None, false),
        CheckMode::Qr(input) => field(frame, inner, "QR text", input, true, None, false),
    }
    let Some((v, source)) = &state.verdict else {
        frame.render_widget(
            Paragraph::new("No badge checked yet.").block(Block::bordered().title(" Verdict ")),
            verdict_area,
        );
        return;
    };
    let (color, mark) = colors(v.verdict);
    let headline = format!(
        "{mark}  {}{}  {mark}",
        v.verdict.headline(),
        if v.demo { " (DEMO)" } else { "" }
    );
    let verdict = Paragraph::new(vec![
        Line::default(),
        Line::styled(headline, Style::new().bold().fg(Color::Black).bg(color)).centered(),
        Line::default(),
        Line::from(v.reason.clone()).centered(),
    ])
    .wrap(Wrap { trim: true })
    .block(
        Block::bordered()
            .border_type(BorderType::Thick)
            .border_style(Style::new().fg(color))
            .title(format!(" Verdict — {source} ")),
    );
    frame.render_widget(verdict, verdict_area);
    let mut lines = Vec::new();
    if let Some(b) = &v.badge {
        let row = |k: &str, val: String| {
            Line::from(vec![
                Span::styled(format!("{k:>12}: "), Style::new().fg(Color::Gray)),
                Span::raw(val),
            ])
        };
        lines.push(row(
            "Achievement",
            format!(
                "{} {}",
                b.achievement_id,
                b.achievement_name.as_deref().unwrap_or("")
            ),
        ));
        lines.push(row("Issuer", format!("{} (key {})", b.issuer, b.kid)));
        lines.push(row("Serial", b.serial.to_string()));
        lines.push(row("Issued", b.issued.clone()));
        lines.push(row(
            "Expires",
            b.expires.clone().unwrap_or_else(|| "never".into()),
        ));
        if let Some(d) = &b.display_name {
            lines.push(row("Name on card", d.clone()));
        }
        if let Some(r) = &b.recipient {
            lines.push(row("Recipient", format!("{r} (from this desk's ledger)")));
        }
    }
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Badge ")),
        details_area,
    );
}
