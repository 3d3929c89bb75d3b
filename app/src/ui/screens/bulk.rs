//! Bulk issue: load a CSV, see every bad row by line number and reason
//! (a dry run), then issue all rows in one transaction with a progress bar
//! and cancel.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::prelude::*;
use ratatui::widgets::{Block, Gauge, List, ListItem, Paragraph, Wrap};

use super::widgets::{Input, field};
use super::{Context, Pane, Reply};
use crate::ui::Effect;
use tessera_desk::IssueRequest;
use tessera_desk::RowProblem;

/// Where the bulk job is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BulkPhase {
    /// Typing the CSV path.
    #[default]
    Path,
    /// Dry run done: rows ready and problems listed.
    Checked,
    /// Issuing: done of total.
    Issuing(usize, usize),
    /// Finished (message).
    Done(String),
}

/// The Bulk screen's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BulkState {
    /// CSV path.
    pub path: Input,
    /// Phase.
    pub phase: BulkPhase,
    /// Rows ready to issue (line, request).
    pub ready: Vec<(usize, IssueRequest)>,
    /// Problems found.
    pub problems: Vec<RowProblem>,
}

/// What a key asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkAction {
    /// Nothing.
    None,
    /// Load and check the CSV.
    Load(String),
    /// Issue the ready rows.
    Issue,
    /// Cancel the running job.
    Cancel,
}

impl BulkState {
    /// Is the path input taking keys?
    pub fn typing(&self) -> bool {
        self.phase == BulkPhase::Path
    }

    /// Handle a key.
    pub fn handle(&mut self, key: KeyEvent) -> BulkAction {
        match (&self.phase, key.code) {
            (BulkPhase::Path, KeyCode::Enter) => {
                let p = self.path.value.trim().to_string();
                if !p.is_empty() {
                    return BulkAction::Load(p);
                }
            }
            (BulkPhase::Path, _) => {
                self.path.handle(key);
            }
            (BulkPhase::Checked, KeyCode::Char('i'))
                if self.problems.is_empty() && !self.ready.is_empty() =>
            {
                return BulkAction::Issue;
            }
            (BulkPhase::Checked | BulkPhase::Done(_), KeyCode::Char('n')) => {
                *self = Self::default()
            }
            (BulkPhase::Issuing(..), KeyCode::Esc | KeyCode::Char('c')) => {
                return BulkAction::Cancel;
            }
            _ => {}
        }
        BulkAction::None
    }
}

/// Draw the Bulk screen.
pub fn view(s: &BulkState, frame: &mut Frame, area: Rect) {
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(3),
        Constraint::Length(3),
    ])
    .areas(area);
    let block = Block::bordered().title(" Bulk issue from CSV ");
    let inner = block.inner(top);
    frame.render_widget(block, top);
    field(
        frame,
        inner,
        "CSV file",
        &s.path,
        s.phase == BulkPhase::Path,
        None,
        false,
    );
    let items: Vec<ListItem> = if s.problems.is_empty() {
        s.ready
            .iter()
            .take(200)
            .map(|(line, r)| {
                ListItem::new(format!("line {line}: {} — {}", r.recipient, r.achievement))
            })
            .collect()
    } else {
        s.problems
            .iter()
            .map(|p| {
                ListItem::new(format!("line {}: {}", p.line, p.reason))
                    .style(Style::new().fg(Color::Red))
            })
            .collect()
    };
    let title = format!(
        " {} rows ready, {} problems ",
        s.ready.len(),
        s.problems.len()
    );
    frame.render_widget(
        List::new(items).block(Block::bordered().title(title)),
        middle,
    );
    match &s.phase {
        BulkPhase::Issuing(done, total) => {
            let ratio = if *total == 0 {
                0.0
            } else {
                *done as f64 / *total as f64
            };
            frame.render_widget(
                Gauge::default()
                    .block(Block::bordered().title(" Issuing — Esc cancels (nothing is kept) "))
                    .gauge_style(Style::new().fg(Color::Green))
                    .ratio(ratio.clamp(0.0, 1.0))
                    .label(format!("{done}/{total}")),
                bottom,
            );
        }
        phase => {
            let text = match phase {
                BulkPhase::Path => {
                    "Type the CSV path and press Enter to check it (nothing is issued yet)."
                        .to_string()
                }
                BulkPhase::Checked if s.problems.is_empty() => format!(
                    "All {} rows are fine. i: issue them all   n: new file",
                    s.ready.len()
                ),
                BulkPhase::Checked => {
                    "Fix the rows listed above in the CSV, then load it again (n).".to_string()
                }
                BulkPhase::Done(m) => format!("{m}   n: new file"),
                BulkPhase::Issuing(..) => String::new(),
            };
            frame.render_widget(
                Paragraph::new(text)
                    .wrap(Wrap { trim: true })
                    .block(Block::bordered()),
                bottom,
            );
        }
    }
}

impl Pane for BulkState {
    fn title(&self) -> &'static str {
        "Bulk"
    }

    fn typing(&self) -> bool {
        BulkState::typing(self)
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &Context) -> Reply {
        match self.handle(key) {
            BulkAction::Load(p) => Reply::Effect(Effect::LoadBulk(p)),
            BulkAction::Issue => Reply::Effect(Effect::RunBulk(
                self.ready.iter().map(|(_, r)| r.clone()).collect(),
            )),
            BulkAction::Cancel => Reply::Effect(Effect::CancelBulk),
            BulkAction::None => Reply::None,
        }
    }

    fn view(&self, _cx: &Context, frame: &mut Frame, area: Rect) {
        view(self, frame, area);
    }
}
