//! Ledger: every badge, searchable by recipient or achievement, filtered by
//! state and date; actions move a badge along its lifecycle.
//!
//! The screen holds one window of [`WINDOW`] rows around the selection and
//! the count of all matching badges; moving out of the window loads the
//! next one, so the screen costs the same over any size of ledger.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::prelude::*;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use super::widgets::{Input, field};
use super::{Context, Pane, Reply};
use crate::ui::Effect;
use tessera_desk::check::date;
use tessera_desk::store::ledger::{BadgeRecord, BadgeState, Filter, MailState, Page};
use tessera_desk::{ExportFormat, FORMATS};

/// Rows the screen loads at a time.
pub const WINDOW: u32 = 200;

/// The screen counts matching badges up to this many and then says "more
/// than": counting most of a million badges on every keystroke would cost
/// more than it tells (`tessera ledger list` gives exact counts).
pub const COUNT_CAP: u64 = 10_000;

/// Rows PageUp and PageDown move.
const PAGE_STEP: usize = 20;

/// The Ledger screen's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LedgerView {
    /// Search text (recipient or achievement).
    pub search: Input,
    /// Typing in the search box.
    pub searching: bool,
    /// State filter.
    pub state: Option<BadgeState>,
    /// Only badges issued in the last 30 days.
    pub recent: bool,
    /// The window of rows loaded, from the `offset`-th matching badge.
    pub rows: Vec<BadgeRecord>,
    /// Index of `rows[0]` among all matching badges.
    pub offset: u64,
    /// How many badges match (all of them, not only the window).
    pub total: u64,
    /// Selected badge: its index among all matching badges.
    pub selected: usize,
    /// The export menu is open.
    pub exporting: bool,
    /// A QR code shown over the screen (any key closes it).
    pub qr: Option<String>,
    /// The notification e-mail of each badge in the window that has one:
    /// where it stands, and why it failed.
    pub mail: std::collections::BTreeMap<u32, (MailState, Option<String>)>,
}

/// What a key asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerAction {
    /// Nothing.
    None,
    /// Reload with the current filter.
    Reload,
    /// Write the selected badge to a card.
    Write(u32),
    /// Record an answer of the candidate.
    Mark(u32, BadgeState),
    /// Toggle private.
    TogglePrivate(u32, bool),
    /// Go to Revoke with this serial.
    Revoke(u32),
    /// Export the badge in this format (to the desk's exports folder).
    Export(u32, ExportFormat),
    /// Write the candidate's share kit.
    Share(u32),
    /// Send the badge's notification e-mail (again).
    Notify(u32),
}

impl LedgerView {
    /// The filter for the current search.
    pub fn filter(&self, now: i64) -> Filter {
        Filter {
            any: self.search.opt(),
            state: self.state,
            from: self.recent.then_some(now - 30 * 86_400),
            ..Filter::default()
        }
    }

    /// The window that holds the selection.
    pub fn page(&self) -> Page {
        let window = u64::from(WINDOW);
        Page {
            offset: self.selected as u64 / window * window,
            limit: WINDOW,
        }
    }

    /// The selected badge.
    pub fn current(&self) -> Option<&BadgeRecord> {
        let i = (self.selected as u64).checked_sub(self.offset)?;
        self.rows.get(usize::try_from(i).ok()?)
    }

    /// Take a loaded window.
    pub fn loaded(&mut self, rows: Vec<BadgeRecord>, offset: u64, total: u64) {
        self.rows = rows;
        self.offset = offset;
        self.total = total;
        self.selected = self
            .selected
            .min(usize::try_from(total.saturating_sub(1)).unwrap_or(usize::MAX));
    }

    /// Select the `to`-th badge; loads its window when it is not loaded.
    fn select(&mut self, to: usize) -> LedgerAction {
        let last = usize::try_from(self.total.saturating_sub(1)).unwrap_or(usize::MAX);
        let before = self.page();
        self.selected = to.min(last);
        if self.page() != before || self.current().is_none() {
            LedgerAction::Reload
        } else {
            LedgerAction::None
        }
    }

    /// A new filter: back to the newest badge.
    fn refilter(&mut self) -> LedgerAction {
        self.selected = 0;
        LedgerAction::Reload
    }

    /// Is the search box taking keys?
    pub fn typing(&self) -> bool {
        self.searching || self.exporting || self.qr.is_some()
    }

    /// Handle a key.
    pub fn handle(&mut self, key: KeyEvent) -> LedgerAction {
        if self.searching {
            match key.code {
                KeyCode::Enter | KeyCode::Esc => self.searching = false,
                _ => {
                    if self.search.handle(key) {
                        return self.refilter();
                    }
                }
            }
            return LedgerAction::None;
        }
        if self.qr.take().is_some() {
            return LedgerAction::None;
        }
        let serial = self.current().map(|b| b.serial);
        if self.exporting {
            self.exporting = false;
            if let (KeyCode::Char(c), Some(s)) = (key.code, serial)
                && let Some(format) = ExportFormat::from_key(c)
            {
                return LedgerAction::Export(s, format);
            }
            return LedgerAction::None;
        }
        match (key.code, serial) {
            (KeyCode::Char('e'), Some(_)) => self.exporting = true,
            (KeyCode::Char('S'), Some(s)) => return LedgerAction::Share(s),
            (KeyCode::Char('m'), Some(s)) => return LedgerAction::Notify(s),
            (KeyCode::Char('/'), _) => self.searching = true,
            (KeyCode::Down | KeyCode::Char('j'), _) => return self.select(self.selected + 1),
            (KeyCode::Up | KeyCode::Char('k'), _) => {
                return self.select(self.selected.saturating_sub(1));
            }
            (KeyCode::PageDown, _) => return self.select(self.selected + PAGE_STEP),
            (KeyCode::PageUp, _) => return self.select(self.selected.saturating_sub(PAGE_STEP)),
            (KeyCode::Home | KeyCode::Char('g'), _) => return self.select(0),
            (KeyCode::End | KeyCode::Char('G'), _) => return self.select(usize::MAX),
            (KeyCode::Char('s'), _) => {
                let all = BadgeState::ALL;
                self.state = match self.state {
                    None => all.first().copied(),
                    Some(s) => all
                        .iter()
                        .position(|x| *x == s)
                        .and_then(|i| all.get(i + 1))
                        .copied(),
                };
                return self.refilter();
            }
            (KeyCode::Char('d'), _) => {
                self.recent = !self.recent;
                return self.refilter();
            }
            (KeyCode::Char('w'), Some(s)) => return LedgerAction::Write(s),
            (KeyCode::Char('a'), Some(s)) => return LedgerAction::Mark(s, BadgeState::Accepted),
            (KeyCode::Char('x'), Some(s)) => return LedgerAction::Mark(s, BadgeState::Declined),
            (KeyCode::Char('p'), Some(s)) => {
                let private = self.current().is_some_and(|b| b.private);
                return LedgerAction::TogglePrivate(s, !private);
            }
            (KeyCode::Char('r'), Some(s)) => return LedgerAction::Revoke(s),
            _ => {}
        }
        LedgerAction::None
    }
}

/// Draw the Ledger screen.
pub fn view(v: &LedgerView, frame: &mut Frame, area: Rect) {
    let [top, table_area, detail_area] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(4),
        Constraint::Length(4),
    ])
    .areas(area);
    let title = format!(
        " Ledger — state: {} — {} ",
        v.state.map_or("all", BadgeState::as_str),
        if v.recent {
            "last 30 days"
        } else {
            "all dates"
        }
    );
    let block = Block::bordered().title(title);
    let inner = block.inner(top);
    frame.render_widget(block, top);
    field(frame, inner, "Search", &v.search, v.searching, None, false);
    let header = Row::new([
        "Serial",
        "State",
        "Issued",
        "Recipient",
        "Achievement",
        "Profile",
        "E-mail",
    ])
    .style(Style::new().bold());
    let rows = v.rows.iter().map(|b| {
        let state_style = match b.state {
            BadgeState::Revoked => Style::new().fg(Color::Red),
            BadgeState::Declined => Style::new().fg(Color::DarkGray),
            BadgeState::Written | BadgeState::Accepted => Style::new().fg(Color::Green),
            BadgeState::Issued => Style::new(),
        };
        Row::new(vec![
            Cell::from(b.serial.to_string()),
            Cell::from(b.state.as_str()).style(state_style),
            Cell::from(date(b.issued_at)),
            Cell::from(format!(
                "{}{}",
                b.recipient,
                if b.private { " (private)" } else { "" }
            )),
            Cell::from(b.achievement_id.clone()),
            Cell::from(b.profile.clone()),
            match v.mail.get(&b.serial) {
                Some((m, _)) => Cell::from(m.as_str()).style(match m {
                    MailState::Failed => Style::new().fg(Color::Red),
                    MailState::Sent => Style::new().fg(Color::Green),
                    MailState::Pending => Style::new(),
                }),
                None => Cell::from("—").style(Style::new().fg(Color::DarkGray)),
            },
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(7),
            Constraint::Length(9),
            Constraint::Length(10),
            Constraint::Min(16),
            Constraint::Length(12),
            Constraint::Length(8),
            Constraint::Length(7),
        ],
    )
    .header(header)
    .row_highlight_style(Style::new().reversed())
    .block(Block::bordered().title(match v.total {
        0 => " no badges ".to_string(),
        1 => " 1 badge ".to_string(),
        n if n > COUNT_CAP => format!(" {} of more than {COUNT_CAP} badges ", v.selected + 1),
        n => format!(" {} of {n} badges ", v.selected + 1),
    }));
    let in_window = (v.selected as u64)
        .checked_sub(v.offset)
        .and_then(|i| usize::try_from(i).ok())
        .filter(|i| *i < v.rows.len());
    let mut state = TableState::default().with_selected(in_window);
    frame.render_stateful_widget(table, table_area, &mut state);
    let detail = match v.current() {
        Some(b) if v.exporting => vec![Line::from(vec![
            Span::from(format!("Export badge {}: ", b.serial)).bold(),
            Span::from(
                FORMATS
                    .iter()
                    .map(|f| format!("{} {}", f.key, f.short))
                    .collect::<Vec<_>>()
                    .join("  ")
                    + "  Esc cancel",
            ),
        ])],
        Some(b) => vec![
            Line::from(
                format!(
                    "Badge {}: {} {} — {} bytes, {}{}",
                    b.serial,
                    b.achievement_id,
                    b.achievement_name.as_deref().unwrap_or(""),
                    b.cose.len(),
                    b.state,
                    b.revocation_reason
                        .as_deref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                ) + &match v.mail.get(&b.serial) {
                    Some((MailState::Failed, why)) => {
                        format!("; e-mail not sent: {}", why.as_deref().unwrap_or("refused"))
                    }
                    Some((m, _)) => format!("; e-mail {}", m.as_str()),
                    None => String::new(),
                },
            ),
            Line::styled(
                "w write to card  e export  S share kit  m e-mail again  a accepted  x declined  p private  r revoke  / search  s state  d dates",
                Style::new().fg(Color::DarkGray),
            ),
        ],
        None => vec![Line::from("No badges match.")],
    };
    frame.render_widget(
        Paragraph::new(detail)
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(Block::bordered()),
        detail_area,
    );
    if let Some(qr) = &v.qr {
        let lines: Vec<&str> = qr.lines().collect();
        let (w, h) = (
            lines.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u16,
            lines.len() as u16,
        );
        frame.render_widget(ratatui::widgets::Clear, area);
        let text = if w <= area.width && h < area.height {
            let mut t: Vec<Line> = lines.iter().map(|l| Line::from(*l)).collect();
            t.push(Line::styled(
                "any key closes",
                Style::new().fg(Color::DarkGray),
            ));
            t
        } else {
            vec![Line::from(format!(
                "The QR code needs a window of at least {} × {} characters; enlarge the window, or export it as a QR PNG (e, then 4). Any key closes.",
                w,
                h + 1
            ))]
        };
        frame.render_widget(
            Paragraph::new(text)
                .alignment(Alignment::Center)
                .wrap(ratatui::widgets::Wrap { trim: false }),
            area,
        );
    }
}

impl LedgerView {
    /// Load the rows the filter and window show.
    pub fn reload(&self, now: i64) -> Effect {
        Effect::LoadLedger(self.filter(now), self.page())
    }
}

impl Pane for LedgerView {
    fn title(&self) -> &'static str {
        "Ledger"
    }

    fn typing(&self) -> bool {
        LedgerView::typing(self)
    }

    fn on_key(&mut self, key: KeyEvent, cx: &Context) -> Reply {
        Reply::Effect(match self.handle(key) {
            LedgerAction::Reload => self.reload(cx.now),
            LedgerAction::Write(s) => {
                return Reply::CardJob(format!("write badge {s}"), Effect::WriteCard(s));
            }
            LedgerAction::Export(s, f) => Effect::Export(s, f),
            LedgerAction::Share(s) => Effect::Share(s),
            LedgerAction::Notify(s) => Effect::SendMail(Some(s)),
            LedgerAction::Mark(s, st) => Effect::Mark(s, st),
            LedgerAction::TogglePrivate(s, p) => Effect::SetPrivate(s, p),
            LedgerAction::Revoke(s) => return Reply::RevokeSerial(s),
            LedgerAction::None => return Reply::None,
        })
    }

    fn view(&self, _cx: &Context, frame: &mut Frame, area: Rect) {
        view(self, frame, area);
    }

    fn on_enter(&self, cx: &Context) -> Option<Effect> {
        Some(self.reload(cx.now))
    }
}
