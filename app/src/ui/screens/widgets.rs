//! Small widgets shared by the screens: a one-line text input and the
//! labelled field row.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::prelude::*;
use ratatui::widgets::Paragraph;
use zeroize::Zeroize;

use tessera_desk::store::secret::Secret;

/// A one-line text input. A secret input (a passphrase) prints as
/// `[redacted]` and is wiped when dropped; [`Input::take_secret`] moves its
/// text into a [`Secret`] without a copy.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Input {
    /// The text.
    pub value: String,
    /// Cursor position in characters.
    pub cursor: usize,
    /// Holds a secret: redacted in `Debug`, wiped on drop.
    pub secret: bool,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Input");
        if self.secret {
            d.field("value", &"[redacted]");
        } else {
            d.field("value", &self.value);
        }
        d.field("cursor", &self.cursor).finish()
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        if self.secret {
            self.value.zeroize();
        }
    }
}

impl Input {
    /// An empty input for a secret.
    pub fn secret() -> Self {
        Self {
            value: String::new(),
            cursor: 0,
            secret: true,
        }
    }

    /// Move the text out as a [`Secret`], leaving the input empty.
    pub fn take_secret(&mut self) -> Secret {
        self.cursor = 0;
        Secret::new(std::mem::take(&mut self.value))
    }

    /// An input holding `s`, cursor at the end.
    pub fn with(s: &str) -> Self {
        Self {
            value: s.to_string(),
            cursor: s.chars().count(),
            secret: false,
        }
    }

    /// Handle an editing key; returns true when the key was used.
    pub fn handle(&mut self, key: KeyEvent) -> bool {
        let byte_at = |s: &str, c: usize| s.char_indices().nth(c).map_or(s.len(), |(i, _)| i);
        match key.code {
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                let at = byte_at(&self.value, self.cursor);
                self.value.insert(at, c);
                self.cursor += 1;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = byte_at(&self.value, self.cursor);
                self.value.remove(at);
            }
            KeyCode::Delete if self.cursor < self.value.chars().count() => {
                let at = byte_at(&self.value, self.cursor);
                self.value.remove(at);
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.value.chars().count()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.value.chars().count(),
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                *self = Self::default()
            }
            _ => return false,
        }
        true
    }

    /// The value, or `None` when blank.
    pub fn opt(&self) -> Option<String> {
        let t = self.value.trim();
        (!t.is_empty()).then(|| t.to_string())
    }
}

/// Draw `label: value` with the cursor when `focused`, and `problem` (if
/// any) in red after it.
pub fn field(
    frame: &mut Frame,
    area: Rect,
    label: &str,
    input: &Input,
    focused: bool,
    problem: Option<&str>,
    masked: bool,
) {
    let shown = if masked {
        "•".repeat(input.value.chars().count())
    } else {
        input.value.clone()
    };
    let label_style = if focused {
        Style::new().bold().fg(Color::Yellow)
    } else {
        Style::new().fg(Color::Gray)
    };
    let mut spans = vec![
        Span::styled(format!("{label:>14}: "), label_style),
        Span::styled(
            shown.clone(),
            if focused {
                Style::new().underlined()
            } else {
                Style::new()
            },
        ),
    ];
    if let Some(p) = problem {
        spans.push(Span::styled(
            format!("  ✗ {p}"),
            Style::new().fg(Color::Red),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if focused {
        let x = area.x + 16 + shown.chars().take(input.cursor).count() as u16;
        frame.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
    }
}
