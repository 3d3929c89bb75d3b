//! `update`: a message in, the model changed, and the IO to perform out.
//! Pure: no desk, no terminal, no clock of its own.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tessera_desk::reader::watch::ReaderEvent;

use super::screens::Reply;
use super::screens::bulk::BulkPhase;
use super::screens::check::ReaderStatus;
use super::screens::revoke::RevokeForm;
use super::screens::widgets::Input;
use super::{Effect, Message, Model, Screen};

fn reload_ledger(model: &Model) -> Effect {
    model.ledger.reload(model.now)
}

fn error(model: &mut Model, text: String) {
    model.status = Some((true, text));
}

fn info(model: &mut Model, text: String) {
    model.status = Some((false, text));
}

/// Apply a message; returns the IO to perform, if any.
pub fn update(model: &mut Model, msg: Message) -> Option<Effect> {
    match msg {
        Message::Key(key) => return on_key(model, key),
        Message::Tick(t) => model.now = t,
        Message::Issued(Ok((serial, code, size, fits))) => {
            model.issue.next_candidate(format!(
                "Issued badge {serial} ({size} bytes, fits {fits}). Claim code for the candidate: {code}. Write it to a card from the Ledger (F5, w)."
            ));
            info(model, format!("badge {serial} issued"));
            return Some(reload_ledger(model));
        }
        // A card job ends only with its Written message.
        Message::Issued(Err(e)) | Message::Error(e) => error(model, e),
        Message::Checked(v, source) => {
            model.check.note = None;
            model.check.card_verdict = false;
            model.check.verdict = Some((*v, source));
            model.screen = Screen::Check;
        }
        Message::CardChecked(v, source) => {
            model.check.note = None;
            model.check.card_verdict = true;
            model.check.verdict = Some((*v, source));
        }
        Message::CardWaiting(s) => info(model, s),
        Message::Reader(_, event) => return on_reader(model, event),
        Message::Written(r) => {
            model.card_job = None;
            match r {
                Ok(t) => info(model, t),
                Err(e) => error(model, e),
            }
            return Some(reload_ledger(model));
        }
        Message::MailDone(text) => {
            info(model, text);
            return Some(reload_ledger(model));
        }
        Message::LedgerRows(page) => {
            model.next_serial = page.next_serial;
            model.ledger.mail = page.mail;
            model.ledger.loaded(page.rows, page.offset, page.total);
        }
        Message::KeysLoaded(issuers, trusted, name, demo) => {
            model.keys.issuers = issuers;
            model.keys.trusted = trusted;
            model.keys.selected = model
                .keys
                .selected
                .min(model.keys.trusted.len().saturating_sub(1));
            model.issuer_name = name;
            model.demo = demo;
        }
        Message::CatalogueLoaded(catalogue, language) => {
            model.keys.catalogue = catalogue.clone();
            model.keys.catalogue_selected = model
                .keys
                .catalogue_selected
                .min(catalogue.len().saturating_sub(1));
            model.issue.catalogue = catalogue;
            model.issue.language = language;
        }
        Message::BulkChecked(Ok((ready, problems))) => {
            model.bulk.ready = ready;
            model.bulk.problems = problems;
            model.bulk.phase = BulkPhase::Checked;
        }
        Message::BulkChecked(Err(e)) => error(model, e),
        Message::BulkProgress(done, total) => model.bulk.phase = BulkPhase::Issuing(done, total),
        Message::BulkDone(r) => {
            let text = match r {
                Ok(t) => t,
                Err(e) => e,
            };
            model.bulk.phase = BulkPhase::Done(text.clone());
            info(model, text);
            return Some(reload_ledger(model));
        }
        Message::Revoked(r) => {
            match r {
                Ok(t) => {
                    model.revoke = RevokeForm {
                        result: Some(t.clone()),
                        ..RevokeForm::default()
                    };
                    info(model, t);
                }
                Err(e) => {
                    model.revoke.result = Some(e.clone());
                    error(model, e);
                }
            }
            return Some(reload_ledger(model));
        }
        Message::RevokeAbout(a) => model.revoke.about = a,
        Message::NeedPassphrase(effect) => model.passphrase = Some((Input::secret(), effect)),
        Message::ShowQr(q) => model.ledger.qr = Some(q),
        Message::Info(t) => info(model, t),
    }
    None
}

/// What the watched reader saw. A card placed is checked at once; taking
/// it off clears the verdict for the next candidate.
fn on_reader(model: &mut Model, event: ReaderEvent) -> Option<Effect> {
    match event {
        ReaderEvent::Ready(name) => {
            // Watching starts again (back on F3, or the reader is back): a
            // card's old verdict must not stand for whatever is there now;
            // a card on the reader is read at once.
            model.check.clear_card_verdict();
            model.check.reader = ReaderStatus::Ready(name);
        }
        ReaderEvent::Unavailable(e) => {
            model.check.clear_card_verdict();
            model.check.reader = ReaderStatus::Unavailable(format!(
                "{e} — checking resumes by itself when the reader is back"
            ))
        }
        ReaderEvent::Card(read) => {
            // The last card's verdict goes at once, whatever this one gives.
            model.check.clear_card_verdict();
            model.check.note = Some("Checking the card…".into());
            return Some(Effect::CheckCard(read));
        }
        ReaderEvent::Removed => {
            model.check.clear_card_verdict();
            model.check.note = Some("Card taken off. Ready for the next card.".into());
        }
    }
    None
}

fn on_key(model: &mut Model, key: KeyEvent) -> Option<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q')) {
        if let Some(job) = &model.card_job {
            // Quitting now would leave half a badge on the card.
            let text = format!("wait: the reader is busy ({job}); Esc stops waiting for a card");
            info(model, text);
            return None;
        }
        model.quit = true;
        return Some(Effect::Quit);
    }
    if let Some((input, _)) = &mut model.passphrase {
        match key.code {
            KeyCode::Esc => {
                model.passphrase = None;
                info(model, "cancelled".into());
            }
            KeyCode::Enter => {
                let (mut input, effect) = model.passphrase.take()?;
                return Some(Effect::Unlock(input.take_secret(), effect));
            }
            _ => {
                input.handle(key);
            }
        }
        return None;
    }
    if let KeyCode::F(n) = key.code
        && let Some(screen) = usize::from(n)
            .checked_sub(1)
            .and_then(|i| Screen::ALL.get(i))
    {
        model.screen = *screen;
        model.status = None;
        return model.pane(*screen).on_enter(&model.context());
    }
    if ctrl && matches!(key.code, KeyCode::Left | KeyCode::Right) {
        let i = model.screen.index();
        let n = Screen::ALL.len();
        let next = if key.code == KeyCode::Right {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        };
        model.screen = Screen::ALL.get(next).copied().unwrap_or(Screen::Issue);
        return None;
    }
    let typing = model.pane(model.screen).typing();
    if key.code == KeyCode::Char('q') && !typing && model.card_job.is_none() {
        model.quit = true;
        return Some(Effect::Quit);
    }
    if model.card_job.is_some() && key.code == KeyCode::Esc {
        return Some(Effect::CancelCard);
    }
    let cx = model.context();
    match model.pane_mut(model.screen).on_key(key, &cx) {
        Reply::None => None,
        Reply::Effect(effect) => Some(effect),
        Reply::CardJob(job, effect) => {
            info(
                model,
                format!("Put a card on the reader to {job} (Esc cancels)"),
            );
            model.card_job = Some(job);
            Some(effect)
        }
        Reply::RevokeSerial(s) => {
            model.revoke = RevokeForm {
                serial: Input::with(&s.to_string()),
                on_reason: true,
                ..RevokeForm::default()
            };
            model.screen = Screen::Revoke;
            Some(Effect::LookupSerial(s))
        }
    }
}
