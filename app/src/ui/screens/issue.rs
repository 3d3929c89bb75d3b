//! Issue: a form validated as you type, with a live preview of the card
//! bytes and which cards they fit.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::prelude::*;
use ratatui::widgets::{Block, Paragraph, Wrap};
use tessera_core::Profile;

use super::widgets::{Input, field};
use super::{Context, Pane, Reply};
use crate::ui::Effect;
use tessera_desk::catalogue::Catalogue;
use tessera_desk::{FieldProblem, IssueRequest};

/// The form's fields, in order.
pub const FIELDS: [(&str, &str); 8] = [
    ("recipient", "Recipient"),
    ("achievement", "Achievement"),
    ("title", "Title"),
    ("profile", "Profile"),
    ("display_name", "Display name"),
    ("expires", "Expires"),
    ("evidence", "Evidence URL"),
    ("level", "Level (0-255)"),
];

/// The Issue screen's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueForm {
    /// Inputs, by field index (profile uses `mini`).
    pub inputs: Vec<Input>,
    /// The mini profile instead of standard.
    pub mini: bool,
    /// The focused field.
    pub focus: usize,
    /// The last issued badge (serial, claim code, size) for the result line.
    pub last: Option<String>,
    /// The program's catalogue: the achievement code picks an entry and
    /// fills in its name (empty: any code goes).
    pub catalogue: Catalogue,
    /// The issuer's language, for the catalogue's names.
    pub language: String,
}

impl Default for IssueForm {
    fn default() -> Self {
        Self {
            inputs: vec![Input::default(); FIELDS.len()],
            mini: false,
            focus: 0,
            last: None,
            catalogue: Catalogue::default(),
            language: tessera_desk::catalogue::LANGUAGES[0].to_string(),
        }
    }
}

/// The day of Unix time `now` (UTC).
fn day(now: i64) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp(now, 0).map_or(chrono::NaiveDate::MAX, |t| t.date_naive())
}

/// What a key did on the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormAction {
    /// Nothing to do outside the form.
    None,
    /// Submit the request.
    Submit(IssueRequest),
}

impl IssueForm {
    /// The request the form describes, as the catalogue fills it in (its
    /// entry's name when the title is empty); as typed when the code is
    /// not in the catalogue.
    pub fn request(&self, now: i64) -> IssueRequest {
        let typed = self.typed();
        self.catalogue
            .fill(&typed, &self.language, day(now))
            .unwrap_or(typed)
    }

    /// The request exactly as typed.
    fn typed(&self) -> IssueRequest {
        let get = |i: usize| self.inputs.get(i).and_then(Input::opt);
        IssueRequest {
            recipient: get(0).unwrap_or_default(),
            achievement: get(1).unwrap_or_default(),
            title: get(2),
            profile: Some(if self.mini {
                Profile::Mini
            } else {
                Profile::Standard
            }),
            display_name: get(4),
            expires: get(5),
            evidence: get(6),
            level: get(7).and_then(|l| l.trim().parse().ok()),
            private: false,
        }
    }

    /// Problems with the current input, for validation as you type.
    pub fn problems(&self, now: i64) -> Vec<FieldProblem> {
        let mut problems = self.request(now).problems(now);
        if let Err(p) = self.catalogue.fill(&self.typed(), &self.language, day(now)) {
            problems.insert(0, p);
        }
        if let Some(l) = self.inputs.get(7).and_then(Input::opt)
            && l.trim().parse::<u8>().is_err()
        {
            problems.push(FieldProblem {
                field: "level",
                message: format!("{l:?} is not a level: a whole number from 0 to 255"),
            });
        }
        problems
    }

    /// Handle a key.
    pub fn handle(&mut self, key: KeyEvent, now: i64) -> FormAction {
        match key.code {
            KeyCode::Down | KeyCode::Tab => self.focus = (self.focus + 1) % FIELDS.len(),
            KeyCode::Up | KeyCode::BackTab => {
                self.focus = (self.focus + FIELDS.len() - 1) % FIELDS.len()
            }
            KeyCode::Enter
                if self.focus + 1 < FIELDS.len()
                    && !key.modifiers.contains(KeyModifiers::CONTROL) =>
            {
                self.focus += 1;
            }
            KeyCode::Enter => {
                if self.problems(now).is_empty() {
                    return FormAction::Submit(self.request(now));
                }
                // Jump to the first field with a problem.
                if let Some(p) = self.problems(now).first() {
                    self.focus = FIELDS.iter().position(|(k, _)| *k == p.field).unwrap_or(0);
                }
            }
            KeyCode::Left | KeyCode::Right | KeyCode::Char(' ') if self.focus == 3 => {
                self.mini = !self.mini
            }
            _ if self.focus != 3 => {
                if let Some(input) = self.inputs.get_mut(self.focus) {
                    input.handle(key);
                }
            }
            _ => {}
        }
        FormAction::None
    }

    /// Clear the form after issuing (keeps achievement, title, profile and
    /// expiry: staff usually issue the same badge to the next candidate).
    pub fn next_candidate(&mut self, summary: String) {
        for i in [0, 4] {
            if let Some(input) = self.inputs.get_mut(i) {
                *input = Input::default();
            }
        }
        self.focus = 0;
        self.last = Some(summary);
    }
}

/// Draw the Issue screen.
pub fn view(
    form: &IssueForm,
    issuer_name: &str,
    next_serial: u32,
    now: i64,
    frame: &mut Frame,
    area: Rect,
) {
    let [form_area, preview_area] = Layout::vertical([
        Constraint::Length(FIELDS.len() as u16 + 3),
        Constraint::Min(3),
    ])
    .areas(area);
    let block = Block::bordered().title(" Issue a badge ");
    let inner = block.inner(form_area);
    frame.render_widget(block, form_area);
    let problems = form.problems(now);
    let typed = |i: usize| form.inputs.get(i).is_some_and(|x| !x.value.is_empty());
    for (i, (key, label)) in FIELDS.iter().enumerate() {
        let row = Rect {
            y: inner.y + i as u16,
            height: 1,
            ..inner
        };
        // Show a field's problem once something was typed there or the form
        // was submitted past it, not on an untouched empty form.
        let problem = problems
            .iter()
            .find(|p| p.field == *key)
            .filter(|_| typed(i) || (form.focus > i && typed(0)))
            .map(|p| p.message.as_str());
        if i == 3 {
            let text = if form.mini {
                "◀ mini ▶  (fits NTAG213)"
            } else {
                "◀ standard ▶"
            };
            field(
                frame,
                row,
                label,
                &Input::with(text),
                form.focus == i,
                problem,
                false,
            );
        } else {
            let mut input = form.inputs.get(i).cloned().unwrap_or_default();
            // An empty title takes the catalogue's name: show it.
            if i == 2 && input.value.is_empty() && form.focus != i {
                let req = form.request(now);
                if let Some(name) = req.title.filter(|_| !form.catalogue.is_empty()) {
                    input = Input::with(&format!("{name}  (from the catalogue)"));
                }
            }
            field(frame, row, label, &input, form.focus == i, problem, false);
        }
    }
    let mut lines = Vec::new();
    if let Some(last) = &form.last {
        lines.push(Line::styled(
            last.clone(),
            Style::new().fg(Color::Green).bold(),
        ));
    }
    if let Some(e) = form
        .catalogue
        .get(form.inputs.get(1).map_or("", |i| i.value.as_str()))
    {
        lines.push(Line::from(vec![
            Span::styled("Catalogue: ", Style::new().fg(Color::Gray)),
            Span::styled(
                format!("{} — {}", e.code, e.name_in(&form.language)),
                Style::new().bold(),
            ),
            Span::raw(format!(
                " ({}{})",
                e.kind.as_str(),
                if e.requires.is_empty() {
                    String::new()
                } else {
                    format!(", requires {}", e.requires_text())
                }
            )),
        ]));
    } else if form.catalogue.is_empty() {
        lines.push(Line::styled(
            "No catalogue yet: any achievement code goes.",
            Style::new().fg(Color::DarkGray),
        ));
    }
    // The same function issuing uses builds the previewed bytes.
    let preview = if problems.is_empty() {
        tessera_desk::issue::preview(&form.request(now), issuer_name, next_serial, now).ok()
    } else {
        None
    };
    match preview {
        Some(p) => {
            let (bytes, image) = (p.bytes, p.card_image_len);
            let fits: Vec<&str> = p.fits.iter().map(|c| c.name()).collect();
            lines.push(Line::from(format!(
                "Card bytes: {} (card image {} bytes) — fits {}",
                bytes.len(),
                image,
                if fits.is_empty() {
                    "no card".to_string()
                } else {
                    fits.join(", ")
                }
            )));
            let hex: String = bytes.iter().take(48).map(|b| format!("{b:02X} ")).collect();
            lines.push(Line::styled(
                format!("{hex}…"),
                Style::new().fg(Color::DarkGray),
            ));
            lines.push(Line::from(
                "Enter on the last field (or Ctrl+Enter) issues the badge.",
            ));
        }
        None if form
            .inputs
            .iter()
            .take(2)
            .all(|i| !i.value.trim().is_empty()) =>
        {
            lines.push(Line::styled(
                "Fix the fields marked ✗ to see the card bytes.",
                Style::new().fg(Color::Red),
            ))
        }
        None => lines.push(Line::styled(
            "Fill in the recipient and the achievement code to see the card bytes.",
            Style::new().fg(Color::DarkGray),
        )),
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Preview ")),
        preview_area,
    );
}

impl Pane for IssueForm {
    fn title(&self) -> &'static str {
        "Issue"
    }

    fn typing(&self) -> bool {
        true
    }

    fn on_key(&mut self, key: KeyEvent, cx: &Context) -> Reply {
        match self.handle(key, cx.now) {
            FormAction::Submit(req) => Reply::Effect(Effect::Issue(req)),
            FormAction::None => Reply::None,
        }
    }

    fn view(&self, cx: &Context, frame: &mut Frame, area: Rect) {
        view(self, &cx.issuer_name, cx.next_serial, cx.now, frame, area);
    }

    /// Another desk or `tessera catalogue import` may have changed it.
    fn on_enter(&self, _cx: &Context) -> Option<Effect> {
        Some(Effect::LoadCatalogue)
    }
}
