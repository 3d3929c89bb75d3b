//! Watching the reader hands-free: a loop that reports every card placed
//! (read in full), every card taken off, and the reader or the PC/SC
//! service going away and coming back, until it is told to stop. The desk
//! screen and `tessera card check --watch` both run it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::pcsc::PcscReader;
use super::{CardContents, CardError, read_card};

/// How long one wait blocks before the loop looks at its flags again.
const POLL: Duration = Duration::from_millis(100);

/// How often an unavailable reader or service is tried again.
const RETRY: Duration = Duration::from_millis(500);

/// What happened at the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderEvent {
    /// This reader is connected and waiting for a card.
    Ready(String),
    /// No reader, or no PC/SC service: what is wrong and what to do. The
    /// watcher keeps trying and sends [`ReaderEvent::Ready`] when it is back.
    Unavailable(CardError),
    /// A card was placed and read (or reading it failed).
    Card(Result<CardContents, CardError>),
    /// The card was taken off the reader.
    Removed,
}

/// Flags the owner of a watcher sets from another thread.
#[derive(Debug, Default)]
pub struct WatchControl {
    /// Stop watching (the loop returns within a tenth of a second).
    pub stop: AtomicBool,
    /// Read the card on the reader again (the next candidate did not
    /// change cards, or the ledger changed since).
    pub reread: AtomicBool,
}

fn pause(control: &WatchControl, total: Duration) {
    let mut left = total;
    while !left.is_zero() && !control.stop.load(Ordering::Relaxed) {
        let step = left.min(POLL);
        std::thread::sleep(step);
        left = left.saturating_sub(step);
    }
}

/// Watch the first reader whose name contains `filter` (any reader when
/// `None`) until `control.stop` is set, reporting to `on_event`. An
/// unavailable reader is reported once per change of problem, then tried
/// again every half second.
pub fn watch(filter: Option<&str>, control: &WatchControl, on_event: &mut dyn FnMut(ReaderEvent)) {
    let mut last_problem: Option<CardError> = None;
    while !control.stop.load(Ordering::Relaxed) {
        let reader = match PcscReader::open(filter) {
            Ok(r) => r,
            Err(e) => {
                if last_problem.as_ref() != Some(&e) {
                    last_problem = Some(e.clone());
                    on_event(ReaderEvent::Unavailable(e));
                }
                pause(control, RETRY);
                continue;
            }
        };
        last_problem = None;
        on_event(ReaderEvent::Ready(reader.name()));
        if let Err(e) = follow(&reader, control, on_event) {
            last_problem = Some(e.clone());
            on_event(ReaderEvent::Unavailable(e));
            pause(control, RETRY);
        }
    }
}

/// Follow one reader until it fails or the watcher is stopped.
fn follow(
    reader: &PcscReader,
    control: &WatchControl,
    on_event: &mut dyn FnMut(ReaderEvent),
) -> Result<(), CardError> {
    let mut presence = reader.presence();
    let mut card_on = false;
    let mut seen_events = None;
    while !control.stop.load(Ordering::Relaxed) {
        let (present, events) = presence.wait(POLL)?;
        let reread = control.reread.swap(false, Ordering::Relaxed);
        // A card swapped for another between two waits still counts events.
        let swapped = card_on && seen_events.is_some_and(|n| n != events);
        if present && (!card_on || reread || swapped) {
            card_on = true;
            seen_events = Some(events);
            let read = reader.connect().and_then(|mut tag| read_card(&mut tag));
            match read {
                // Gone before it could be read: wait for the next one.
                Err(CardError::Removed(_)) => {
                    card_on = false;
                    on_event(ReaderEvent::Removed);
                }
                other => on_event(ReaderEvent::Card(other)),
            }
        } else if !present && card_on {
            card_on = false;
            on_event(ReaderEvent::Removed);
        }
    }
    Ok(())
}
