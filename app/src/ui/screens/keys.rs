//! Keys & trust: this desk's issuer keys (active, retired, demo), rotation,
//! and the trusted issuers of other centers; `c` turns to the program's
//! catalogue (its exams and certifications, what each requires, which
//! have badges and which retired).

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::prelude::*;
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Wrap};

use super::widgets::{Input, field};
use super::{Context, Pane, Reply};
use crate::ui::Effect;
use tessera_desk::catalogue::{Catalogue, LANGUAGES};
use tessera_desk::check::date;
use tessera_desk::store::ledger::{IssuerRecord, TrustedRecord};
use tessera_desk::store::secret::Secret;

/// Which prompt is open.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum KeysPrompt {
    /// None.
    #[default]
    None,
    /// Adding a trusted issuer: key file, then name.
    AddTrust {
        /// Path of the key file.
        file: Input,
        /// Name for the issuer.
        name: Input,
        /// Typing the name (else the path).
        on_name: bool,
    },
    /// Rotating: the active key's passphrase (once), or a new passphrase
    /// (twice) when the demo issuer is replaced.
    Rotate {
        /// The passphrase.
        pass: Input,
        /// The same again.
        again: Input,
        /// Typing the repeat.
        on_again: bool,
        /// Asking for the active key's passphrase (no repeat).
        current: bool,
    },
}

/// The Keys screen's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeysView {
    /// This desk's issuer keys.
    pub issuers: Vec<IssuerRecord>,
    /// Trusted issuers.
    pub trusted: Vec<TrustedRecord>,
    /// Selected trusted issuer.
    pub selected: usize,
    /// Open prompt.
    pub prompt: KeysPrompt,
    /// Last result.
    pub result: Option<String>,
    /// The catalogue tab is shown instead of the keys.
    pub show_catalogue: bool,
    /// The program's catalogue.
    pub catalogue: Catalogue,
    /// The selected catalogue entry.
    pub catalogue_selected: usize,
}

/// What a key asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeysAction {
    /// Nothing.
    None,
    /// Trust the key in this file under this name.
    AddTrust(String, String),
    /// Stop trusting this kid (hex).
    RemoveTrust(String),
    /// Make a new issuer key with this passphrase.
    Rotate(Secret),
    /// Read the catalogue again (its tab was opened).
    LoadCatalogue,
}

impl KeysView {
    /// Is a prompt taking keys?
    pub fn typing(&self) -> bool {
        self.prompt != KeysPrompt::None
    }

    /// Handle a key.
    pub fn handle(&mut self, key: KeyEvent) -> KeysAction {
        if self.show_catalogue && self.prompt == KeysPrompt::None {
            let last = self.catalogue.len().saturating_sub(1);
            match key.code {
                KeyCode::Char('c') | KeyCode::Esc | KeyCode::Tab => self.show_catalogue = false,
                KeyCode::Down => self.catalogue_selected = (self.catalogue_selected + 1).min(last),
                KeyCode::Up => self.catalogue_selected = self.catalogue_selected.saturating_sub(1),
                KeyCode::PageDown => {
                    self.catalogue_selected = (self.catalogue_selected + 10).min(last)
                }
                KeyCode::PageUp => {
                    self.catalogue_selected = self.catalogue_selected.saturating_sub(10)
                }
                KeyCode::Home => self.catalogue_selected = 0,
                KeyCode::End => self.catalogue_selected = last,
                _ => {}
            }
            return KeysAction::None;
        }
        match &mut self.prompt {
            KeysPrompt::None => match key.code {
                KeyCode::Char('c') | KeyCode::Tab => {
                    self.show_catalogue = true;
                    return KeysAction::LoadCatalogue;
                }
                KeyCode::Char('a') => {
                    self.prompt = KeysPrompt::AddTrust {
                        file: Input::default(),
                        name: Input::default(),
                        on_name: false,
                    };
                }
                KeyCode::Char('n') => {
                    self.prompt = KeysPrompt::Rotate {
                        pass: Input::secret(),
                        again: Input::secret(),
                        on_again: false,
                        current: self
                            .issuers
                            .iter()
                            .any(|i| i.retired_at.is_none() && !i.demo),
                    };
                }
                KeyCode::Down => {
                    self.selected = (self.selected + 1).min(self.trusted.len().saturating_sub(1))
                }
                KeyCode::Up => self.selected = self.selected.saturating_sub(1),
                KeyCode::Char('x') => {
                    if let Some(t) = self.trusted.get(self.selected) {
                        return KeysAction::RemoveTrust(hex::encode(&t.kid));
                    }
                }
                _ => {}
            },
            KeysPrompt::AddTrust {
                file,
                name,
                on_name,
            } => match key.code {
                KeyCode::Esc => self.prompt = KeysPrompt::None,
                KeyCode::Enter if !*on_name => *on_name = true,
                KeyCode::Enter => {
                    let action = KeysAction::AddTrust(
                        file.value.trim().to_string(),
                        name.value.trim().to_string(),
                    );
                    self.prompt = KeysPrompt::None;
                    return action;
                }
                _ => {
                    if *on_name {
                        name.handle(key)
                    } else {
                        file.handle(key)
                    };
                }
            },
            KeysPrompt::Rotate {
                pass,
                again,
                on_again,
                current,
            } => match key.code {
                KeyCode::Esc => self.prompt = KeysPrompt::None,
                KeyCode::Enter if *current => {
                    let p = pass.take_secret();
                    self.prompt = KeysPrompt::None;
                    return KeysAction::Rotate(p);
                }
                KeyCode::Enter if !*on_again => *on_again = true,
                KeyCode::Enter => {
                    if pass.value != again.value {
                        self.result = Some("the passphrases differ; try again".into());
                        self.prompt = KeysPrompt::None;
                        return KeysAction::None;
                    }
                    let p = pass.take_secret();
                    self.prompt = KeysPrompt::None;
                    return KeysAction::Rotate(p);
                }
                _ => {
                    if *on_again {
                        again.handle(key)
                    } else {
                        pass.handle(key)
                    };
                }
            },
        }
        KeysAction::None
    }
}

/// Draw the Keys & trust screen.
/// The Keys screen (and its catalogue tab) at `now` (the desk's clock).
pub fn view(v: &KeysView, now: i64, frame: &mut Frame, area: Rect) {
    if v.show_catalogue {
        return catalogue_view(v, now, frame, area);
    }
    let [mine, theirs, bottom] = Layout::vertical([
        Constraint::Length(v.issuers.len().clamp(1, 6) as u16 + 2),
        Constraint::Min(3),
        Constraint::Length(4),
    ])
    .areas(area);
    let items: Vec<ListItem> = v
        .issuers
        .iter()
        .map(|i| {
            let status = match (i.retired_at, i.demo) {
                (None, true) => {
                    Span::styled(" ACTIVE · DEMO", Style::new().fg(Color::Yellow).bold())
                }
                (None, false) => Span::styled(" ACTIVE", Style::new().fg(Color::Green).bold()),
                (Some(r), _) => Span::styled(
                    format!(" retired {}, still verifies", date(r)),
                    Style::new().fg(Color::Gray),
                ),
            };
            ListItem::new(Line::from(vec![
                Span::raw(format!(
                    "{}  {} ({})",
                    hex::encode(&i.kid),
                    i.name,
                    date(i.created_at)
                )),
                status,
            ]))
        })
        .collect();
    frame.render_widget(
        List::new(items).block(Block::bordered().title(" This desk's issuer keys ")),
        mine,
    );
    let items: Vec<ListItem> = v
        .trusted
        .iter()
        .map(|t| {
            ListItem::new(format!(
                "{}  {}  added {}",
                hex::encode(&t.kid),
                t.name,
                date(t.added_at)
            ))
        })
        .collect();
    let empty = items.is_empty();
    let mut state = ListState::default().with_selected((!empty).then_some(v.selected));
    frame.render_stateful_widget(
        List::new(items)
            .highlight_style(Style::new().reversed())
            .block(Block::bordered().title(if empty {
                " Trusted issuers of other centers: none yet "
            } else {
                " Trusted issuers of other centers "
            })),
        theirs,
        &mut state,
    );
    let block = Block::bordered();
    let inner = block.inner(bottom);
    frame.render_widget(block, bottom);
    let [row1, row2] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(inner);
    match &v.prompt {
        KeysPrompt::None => frame.render_widget(
            Paragraph::new(v.result.clone().unwrap_or_else(|| "a: trust another center's key   x: remove selected   n: new issuer key (rotate)   c: catalogue".into()))
                .wrap(Wrap { trim: true }),
            inner,
        ),
        KeysPrompt::AddTrust { file, name, on_name } => {
            field(frame, row1, "Key file", file, !on_name, None, false);
            field(frame, row2, "Issuer name", name, *on_name, None, false);
        }
        KeysPrompt::Rotate {
            pass,
            current: true,
            ..
        } => {
            field(frame, row1, "Current passphrase", pass, true, None, true);
        }
        KeysPrompt::Rotate {
            pass,
            again,
            on_again,
            current: false,
        } => {
            field(frame, row1, "New passphrase", pass, !on_again, None, true);
            field(frame, row2, "Repeat", again, *on_again, None, true);
        }
    }
}

/// The catalogue tab: every entry, and the selected one in full.
fn catalogue_view(v: &KeysView, now: i64, frame: &mut Frame, area: Rect) {
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(9)]).areas(area);
    let today = tessera_desk::Clock::Fixed(now).today();
    let items: Vec<ListItem> = v
        .catalogue
        .entries()
        .map(|e| {
            let mut spans = vec![
                Span::styled(format!("{:<12}", e.code), Style::new().bold()),
                Span::raw(format!(" {:<13} ", e.kind.as_str())),
                Span::raw(e.name_in(LANGUAGES[0]).to_string()),
            ];
            if !e.badge {
                spans.push(Span::styled(
                    "  no badge (legacy)",
                    Style::new().fg(Color::Gray),
                ));
            }
            if let Some(r) = e.retired_on {
                spans.push(Span::styled(
                    if e.is_retired(today) {
                        format!("  retired {r}")
                    } else {
                        format!("  retires after {r}")
                    },
                    Style::new().fg(Color::Yellow),
                ));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let empty = items.is_empty();
    let mut state = ListState::default().with_selected((!empty).then_some(v.catalogue_selected));
    let title = if empty {
        " Catalogue: empty — `tessera catalogue import FILE` adds the program's exams and certifications ".to_string()
    } else {
        format!(" Catalogue: {} entries ", v.catalogue.len())
    };
    frame.render_stateful_widget(
        List::new(items)
            .highlight_style(Style::new().reversed())
            .block(Block::bordered().title(title)),
        list_area,
        &mut state,
    );
    let mut lines = Vec::new();
    if let Some(e) = v.catalogue.entries().nth(v.catalogue_selected) {
        let row = |k: &str, val: String| {
            Line::from(vec![
                Span::styled(format!("{k:>12}: "), Style::new().fg(Color::Gray)),
                Span::raw(val),
            ])
        };
        for lang in LANGUAGES {
            if let Some(n) = e.name.get(lang) {
                lines.push(row(&format!("Name ({lang})"), n.clone()));
            }
        }
        if let Some(d) = e.description_in(LANGUAGES[0]) {
            lines.push(row("Description", d.to_string()));
        }
        if let Some(c) = e.criteria_in(LANGUAGES[0]) {
            lines.push(row("Criteria", c.to_string()));
        }
        if !e.requires.is_empty() {
            lines.push(row(
                "Requires",
                e.requires
                    .iter()
                    .map(|p| p.join(" and "))
                    .collect::<Vec<_>>()
                    .join(", or "),
            ));
        }
        lines.push(row(
            "Badge",
            match (e.badge, e.image.is_some()) {
                (false, _) => "none (legacy entry)".to_string(),
                (true, true) => "yes, with its own image".to_string(),
                (true, false) => "yes".to_string(),
            },
        ));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" Entry — ↑↓ move · c or Esc back to keys ")),
        detail_area,
    );
}

impl Pane for KeysView {
    fn title(&self) -> &'static str {
        "Keys"
    }

    fn typing(&self) -> bool {
        KeysView::typing(self)
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &Context) -> Reply {
        Reply::Effect(match self.handle(key) {
            KeysAction::AddTrust(f, n) => Effect::AddTrust(f, n),
            KeysAction::RemoveTrust(k) => Effect::RemoveTrust(k),
            KeysAction::Rotate(p) => Effect::Rotate(p),
            KeysAction::LoadCatalogue => Effect::LoadCatalogue,
            KeysAction::None => return Reply::None,
        })
    }

    fn view(&self, cx: &Context, frame: &mut Frame, area: Rect) {
        view(self, cx.now, frame, area);
    }

    fn on_enter(&self, _cx: &Context) -> Option<Effect> {
        Some(Effect::LoadKeys)
    }
}
