//! Check: the reader is watched while this screen is shown, so a card put
//! on it gets its verdict with no keystroke; a file or pasted QR text can be
//! checked too. One verdict, in large letters on a full-width colour band,
//! with the reason and the badge details below.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::prelude::*;
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};
use tui_big_text::{BigText, PixelSize};

use super::widgets::{Input, field};
use super::{Context, Pane, Reply};
use crate::ui::Effect;
use tessera_desk::check::{Report, Verdict};
use tessera_formats::text::inert;

/// What the reader is doing, as the watcher last said.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ReaderStatus {
    /// Not watched yet.
    #[default]
    Starting,
    /// Waiting for a card on this reader.
    Ready(String),
    /// No reader or no PC/SC service: what to do.
    Unavailable(String),
}

/// The Check screen's input mode.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CheckMode {
    /// Watching the reader; single keys choose another input.
    #[default]
    Idle,
    /// Typing a file path.
    File(Input),
    /// Pasting QR text.
    Qr(Input),
    /// Asking whom the badge should belong to.
    Holder {
        /// E-mail address or candidate id.
        identity: Input,
        /// The candidate's claim code.
        code: Input,
        /// Typing the code (else the identity).
        on_code: bool,
    },
}

/// The Check screen's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckState {
    /// Input mode.
    pub mode: CheckMode,
    /// The reader.
    pub reader: ReaderStatus,
    /// The verdict shown and where the badge came from.
    pub verdict: Option<(Report, String)>,
    /// A line under the reader status (card taken off, reading again...).
    pub note: Option<String>,
    /// The verdict shown is of a card the reader read (cleared when the
    /// card leaves or the reader is watched afresh).
    pub card_verdict: bool,
}

/// What a key asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckAction {
    /// Nothing outside the screen.
    None,
    /// Read the card on the reader again.
    Reread,
    /// Check this file.
    File(String),
    /// Check this QR text.
    Qr(String),
    /// Check the badge shown against this identity and claim code.
    Holder(String, String),
}

impl CheckState {
    /// Is a text input active (so letters are typed, not commands)?
    pub fn typing(&self) -> bool {
        !matches!(self.mode, CheckMode::Idle)
    }

    /// Back to waiting for the next card: no verdict, no input.
    pub fn reset(&mut self) {
        self.mode = CheckMode::Idle;
        self.verdict = None;
        self.note = None;
        self.card_verdict = false;
    }

    /// Take down a card's verdict (a file's or QR text's stays), keeping
    /// what is being typed.
    pub fn clear_card_verdict(&mut self) {
        if self.card_verdict {
            self.verdict = None;
            self.card_verdict = false;
        }
    }

    /// Handle a key.
    pub fn handle(&mut self, key: KeyEvent) -> CheckAction {
        if key.code == KeyCode::Esc {
            // Esc always returns the screen to idle.
            self.reset();
            return CheckAction::None;
        }
        match &mut self.mode {
            CheckMode::Idle => match key.code {
                KeyCode::Char('t') => {
                    self.note = Some(
                        "Reading the card on the reader again (or the next one put on it)…".into(),
                    );
                    return CheckAction::Reread;
                }
                KeyCode::Char('o') => self.mode = CheckMode::File(Input::default()),
                KeyCode::Char('p') => self.mode = CheckMode::Qr(Input::default()),
                KeyCode::Char('h')
                    if self
                        .verdict
                        .as_ref()
                        .is_some_and(|(v, _)| v.badge.is_some()) =>
                {
                    self.mode = CheckMode::Holder {
                        identity: Input::default(),
                        code: Input::default(),
                        on_code: false,
                    }
                }
                KeyCode::Char('h') => {
                    self.note =
                        Some("Check a badge first; then h checks whom it belongs to.".into())
                }
                _ => {}
            },
            CheckMode::Holder {
                identity,
                code,
                on_code,
            } => match key.code {
                KeyCode::Enter | KeyCode::Tab if !*on_code => *on_code = true,
                KeyCode::BackTab => *on_code = false,
                KeyCode::Enter => {
                    let action = CheckAction::Holder(
                        identity.value.trim().to_string(),
                        code.value.trim().to_string(),
                    );
                    self.mode = CheckMode::Idle;
                    return action;
                }
                _ => {
                    if *on_code {
                        code.handle(key)
                    } else {
                        identity.handle(key)
                    };
                }
            },
            CheckMode::File(input) | CheckMode::Qr(input) => match key.code {
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

fn colors(kind: Verdict) -> (Color, &'static str) {
    match kind {
        Verdict::Valid => (Color::Green, "✔"),
        Verdict::Revoked | Verdict::Forged => (Color::Red, "✘"),
        Verdict::Expired | Verdict::UnknownIssuer | Verdict::Suspended => (Color::Yellow, "!"),
        Verdict::NotChecked | Verdict::Unreadable => (Color::Magenta, "?"),
    }
}

/// The verdict word in 8×8 block letters: half-height cells (8 columns a
/// letter) when it fits the width, quarter cells (4 columns) otherwise.
fn big_word(word: &str, width: u16) -> BigText<'static> {
    let wide = u16::try_from(word.chars().count() * 8).unwrap_or(u16::MAX);
    let size = if wide <= width {
        PixelSize::HalfHeight
    } else {
        PixelSize::Quadrant
    };
    BigText::builder()
        .pixel_size(size)
        .centered()
        .lines(vec![Line::from(word.to_string())])
        .build()
}

/// Draw the Check screen.
pub fn view(state: &CheckState, frame: &mut Frame, area: Rect) {
    let [top, band, details_area] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(9),
        Constraint::Min(3),
    ])
    .areas(area);
    let block = Block::bordered().title(" Check a badge ");
    let inner = block.inner(top);
    frame.render_widget(block, top);
    let [line1, line2] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(inner);
    let (reader_line, reader_style) = match &state.reader {
        ReaderStatus::Starting => (
            "Looking for the card reader…".to_string(),
            Style::new().fg(Color::Cyan),
        ),
        ReaderStatus::Ready(name) => (
            format!("Put a card on {name}: it is checked by itself."),
            Style::new().fg(Color::Cyan).bold(),
        ),
        ReaderStatus::Unavailable(why) => {
            (why.clone(), Style::new().fg(Color::White).bg(Color::Red))
        }
    };
    match &state.mode {
        // A reader problem takes both lines: it says what to do.
        CheckMode::Idle if matches!(state.reader, ReaderStatus::Unavailable(_)) => {
            frame.render_widget(
                Paragraph::new(reader_line)
                    .style(reader_style)
                    .wrap(Wrap { trim: true }),
                inner,
            );
        }
        CheckMode::Idle => {
            frame.render_widget(Paragraph::new(reader_line).style(reader_style), line1);
            let keys = state.note.clone().unwrap_or_else(|| {
                "t: read the card again   o: open a file   p: paste QR text   h: whose badge?   Esc: clear".into()
            });
            frame.render_widget(
                Paragraph::new(keys).style(Style::new().fg(Color::Gray)),
                line2,
            );
        }
        CheckMode::File(input) => {
            field(frame, line1, "File", input, true, None, false);
            frame.render_widget(Paragraph::new("Enter checks it · Esc cancels"), line2);
        }
        CheckMode::Qr(input) => {
            field(frame, line1, "QR text", input, true, None, false);
            frame.render_widget(Paragraph::new("Enter checks it · Esc cancels"), line2);
        }
        CheckMode::Holder {
            identity,
            code,
            on_code,
        } => {
            field(frame, line1, "E-mail / id", identity, !on_code, None, false);
            field(frame, line2, "Claim code", code, *on_code, None, false);
        }
    }
    let Some((v, source)) = &state.verdict else {
        frame.render_widget(
            Paragraph::new(vec![
                Line::default(),
                Line::from("Ready for the next card.").centered().bold(),
            ])
            .block(Block::bordered().title(" Verdict ")),
            band,
        );
        return;
    };
    let (color, mark) = colors(v.verdict);
    let band_style = Style::new().bold().fg(Color::Black).bg(color);
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(Style::new().fg(color))
        .title(format!(" Verdict — {source} "));
    let inner = block.inner(band);
    frame.render_widget(block, band);
    frame.render_widget(Block::new().style(band_style), inner);
    let [letters, words] =
        Layout::vertical([Constraint::Length(4), Constraint::Min(1)]).areas(inner);
    frame.render_widget(big_word(v.verdict.headline(), letters.width), letters);
    let headline = format!(
        "{mark}  {}{}{}  {mark}",
        v.verdict.headline(),
        if v.demo { " (DEMO)" } else { "" },
        v.note
            .as_ref()
            .map(|n| format!(" · {n}"))
            .unwrap_or_default()
    );
    frame.render_widget(
        Paragraph::new(vec![
            Line::styled(inert(&headline).into_owned(), band_style).centered(),
            Line::styled(inert(&v.reason).into_owned(), band_style).centered(),
        ])
        .wrap(Wrap { trim: true }),
        words,
    );
    let mut lines = Vec::new();
    if let Some(h) = &v.holder {
        lines.push(if h.belongs {
            Line::styled(
                format!("✔ belongs to {}", inert(&h.identity)),
                Style::new().fg(Color::Green).bold(),
            )
        } else {
            Line::styled(
                format!(
                    "✘ does not belong to {} (or the claim code is wrong)",
                    inert(&h.identity)
                ),
                Style::new().fg(Color::Red).bold(),
            )
        });
    }
    if let Some(b) = &v.badge {
        let row = |k: &str, val: String| {
            Line::from(vec![
                Span::styled(format!("{k:>12}: "), Style::new().fg(Color::Gray)),
                // The badge's or file's words, shown as words.
                Span::raw(inert(&val).into_owned()),
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
        lines.push(match &b.credential_id {
            Some(id) => row("Credential", id.clone()),
            None => row("Serial", b.serial.to_string()),
        });
        lines.push(row(
            "Dates",
            format!(
                "issued {}, expires {}",
                b.issued,
                b.expires.as_deref().unwrap_or("never")
            ),
        ));
        if let Some(l) = b.level {
            lines.push(row("Level", l.to_string()));
        }
        if let Some(e) = &b.evidence {
            lines.push(row("Evidence", e.clone()));
        }
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

impl Pane for CheckState {
    fn title(&self) -> &'static str {
        "Check"
    }

    fn typing(&self) -> bool {
        CheckState::typing(self)
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &Context) -> Reply {
        Reply::Effect(match self.handle(key) {
            CheckAction::Reread => Effect::Reread,
            CheckAction::File(f) => Effect::CheckFile(f),
            CheckAction::Qr(t) => Effect::CheckQr(t),
            CheckAction::Holder(identity, code) => Effect::CheckHolder(identity, code),
            CheckAction::None => return Reply::None,
        })
    }

    fn view(&self, _cx: &Context, frame: &mut Frame, area: Rect) {
        view(self, frame, area);
    }
}
