//! PC/SC backend: USB NFC readers (ACR122U class) through `pcscd`, using the
//! PC/SC Part 3 storage-card pseudo-APDUs:
//!
//! | command | APDU |
//! |---|---|
//! | get UID | `FF CA 00 00 00` |
//! | read 4 pages | `FF B0 00 <page> 10` |
//! | write 1 page | `FF D6 00 <page> 04 <4 bytes>` |

use std::ffi::CString;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use pcsc::{Card, Context, Protocols, ReaderState, Scope, ShareMode, State};

use super::{CardError, READ_LEN, RemovedDuring, Tag};
use tessera_core::ndef::PAGE_LEN;

/// How long one wait for a card blocks before checking for cancellation.
const POLL: Duration = Duration::from_millis(100);

/// What the reader is doing while the app waits, for the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitState {
    /// No card on the reader yet.
    Waiting,
    /// A card is on the reader; connecting.
    CardPresent,
}

/// A PC/SC reader.
pub struct PcscReader {
    ctx: Context,
    name: CString,
}

impl std::fmt::Debug for PcscReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscReader")
            .field("name", &self.name)
            .finish()
    }
}

fn service_error(e: pcsc::Error) -> CardError {
    match e {
        pcsc::Error::NoService | pcsc::Error::ServiceStopped => match pcsc_sys::library_error() {
            Some(why) => CardError::NoLibrary(why.to_string()),
            None => CardError::NoService,
        },
        pcsc::Error::NoReadersAvailable
        | pcsc::Error::UnknownReader
        | pcsc::Error::ReaderUnavailable => CardError::NoReader,
        pcsc::Error::RemovedCard | pcsc::Error::ResetCard | pcsc::Error::NoSmartcard => {
            CardError::Removed(RemovedDuring::Read)
        }
        other => CardError::Reader(other.to_string()),
    }
}

impl PcscReader {
    /// The names of the connected readers.
    pub fn list() -> Result<Vec<String>, CardError> {
        let ctx = Context::establish(Scope::User).map_err(service_error)?;
        let names = ctx.list_readers_owned().map_err(service_error)?;
        Ok(names
            .iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect())
    }

    /// Open the first reader whose name contains `filter` (any reader when
    /// `None`).
    pub fn open(filter: Option<&str>) -> Result<Self, CardError> {
        let ctx = Context::establish(Scope::User).map_err(service_error)?;
        let names = ctx.list_readers_owned().map_err(service_error)?;
        let name = names
            .into_iter()
            .find(|n| filter.is_none_or(|f| n.to_string_lossy().contains(f)))
            .ok_or(CardError::NoReader)?;
        Ok(Self { ctx, name })
    }

    /// The reader's name.
    pub fn name(&self) -> String {
        self.name.to_string_lossy().into_owned()
    }

    /// Is a card on the reader now?
    pub fn card_present(&self) -> Result<bool, CardError> {
        let mut states = [ReaderState::new(self.name.clone(), State::UNAWARE)];
        self.ctx
            .get_status_change(Duration::ZERO, &mut states)
            .map_err(service_error)?;
        Ok(states[0].event_state().contains(State::PRESENT))
    }

    /// Connect to the card on the reader now.
    pub fn connect(&self) -> Result<PcscTag, CardError> {
        self.ctx
            .connect(&self.name, ShareMode::Shared, Protocols::ANY)
            .map(|card| PcscTag { card })
            .map_err(service_error)
    }

    /// Start following whether a card is on the reader (see
    /// [`Presence::wait`]).
    pub fn presence(&self) -> Presence<'_> {
        Presence {
            reader: self,
            states: [ReaderState::new(self.name.clone(), State::UNAWARE)],
        }
    }

    /// Wait until a card is on the reader and connect to it. Checks `cancel`
    /// every 100 ms; reports state changes through `on_state`.
    pub fn wait_for_card(
        &self,
        timeout: Duration,
        cancel: &AtomicBool,
        on_state: &mut dyn FnMut(WaitState),
    ) -> Result<PcscTag, CardError> {
        let deadline = Instant::now() + timeout;
        let mut states = [ReaderState::new(self.name.clone(), State::UNAWARE)];
        on_state(WaitState::Waiting);
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(CardError::Cancelled);
            }
            match self.ctx.get_status_change(POLL, &mut states) {
                Ok(()) | Err(pcsc::Error::Timeout) => {}
                Err(e) => return Err(service_error(e)),
            }
            let state = states[0].event_state();
            states[0].sync_current_state();
            if state.contains(State::PRESENT) && !state.contains(State::MUTE) {
                on_state(WaitState::CardPresent);
                match self
                    .ctx
                    .connect(&self.name, ShareMode::Shared, Protocols::ANY)
                {
                    Ok(card) => return Ok(PcscTag { card }),
                    // The card left again before we connected: keep waiting.
                    Err(pcsc::Error::RemovedCard | pcsc::Error::NoSmartcard) => {
                        on_state(WaitState::Waiting);
                    }
                    Err(e) => return Err(service_error(e)),
                }
            }
            if Instant::now() >= deadline {
                return Err(CardError::TimedOut(timeout));
            }
        }
    }
}

/// Whether a card is on a reader, followed with PC/SC status changes.
pub struct Presence<'r> {
    reader: &'r PcscReader,
    states: [ReaderState; 1],
}

impl std::fmt::Debug for Presence<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Presence")
    }
}

impl Presence<'_> {
    /// Wait up to `timeout` for the reader's state to change; returns
    /// whether a (responsive) card is on it now, and the reader's count of
    /// card events (it changes when a card is swapped for another between
    /// two waits). Fails when the reader is unplugged or the service stops.
    pub fn wait(&mut self, timeout: Duration) -> Result<(bool, u32), CardError> {
        match self.reader.ctx.get_status_change(timeout, &mut self.states) {
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            Err(e) => return Err(service_error(e)),
        }
        let [state] = &mut self.states;
        let now = state.event_state();
        state.sync_current_state();
        if now.intersects(State::UNKNOWN | State::UNAVAILABLE | State::IGNORE) {
            return Err(CardError::NoReader);
        }
        Ok((
            now.contains(State::PRESENT) && !now.contains(State::MUTE),
            state.event_count(),
        ))
    }
}

/// A connected card.
pub struct PcscTag {
    card: Card,
}

impl std::fmt::Debug for PcscTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PcscTag")
    }
}

impl PcscTag {
    /// Has the card left the reader? Readers notice a removal a little
    /// after a command fails, so this asks for up to half a second.
    fn card_gone(&self) -> bool {
        for _ in 0..10 {
            match self.card.status2_owned() {
                Err(
                    pcsc::Error::RemovedCard | pcsc::Error::NoSmartcard | pcsc::Error::ResetCard,
                ) => {
                    return true;
                }
                Ok(status) if !status.status().contains(pcsc::Status::PRESENT) => return true,
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
        false
    }

    /// Send one APDU; returns the response data without the status word.
    /// A failed exchange with the card gone is [`CardError::Removed`].
    fn transmit(
        &mut self,
        command: &'static str,
        apdu: &[u8],
        during: RemovedDuring,
    ) -> Result<Vec<u8>, CardError> {
        let mut buf = [0u8; 258];
        let resp = match self.card.transmit(apdu, &mut buf) {
            Ok(resp) => resp,
            Err(e) => {
                return Err(match service_error(e) {
                    CardError::Removed(_) => CardError::Removed(during),
                    _ if self.card_gone() => CardError::Removed(during),
                    other => other,
                });
            }
        };
        let (data, sw) = match resp {
            [data @ .., sw1, sw2] => (data, u16::from_be_bytes([*sw1, *sw2])),
            // No status word at all: the card stopped answering.
            _ if self.card_gone() => return Err(CardError::Removed(during)),
            _ => return Err(CardError::Refused { command, sw: 0 }),
        };
        if sw != 0x9000 {
            return Err(CardError::Refused { command, sw });
        }
        Ok(data.to_vec())
    }
}

impl Tag for PcscTag {
    fn uid(&mut self) -> Result<Vec<u8>, CardError> {
        self.transmit(
            "GET UID",
            &[0xff, 0xca, 0x00, 0x00, 0x00],
            RemovedDuring::Read,
        )
    }

    fn read(&mut self, page: u8) -> Result<[u8; READ_LEN], CardError> {
        let data = self.transmit(
            "READ",
            &[0xff, 0xb0, 0x00, page, READ_LEN as u8],
            RemovedDuring::Read,
        )?;
        data.as_slice().try_into().map_err(|_| CardError::Refused {
            command: "READ",
            sw: 0x6700,
        })
    }

    fn write(&mut self, page: u8, data: [u8; PAGE_LEN]) -> Result<(), CardError> {
        let [a, b, c, d] = data;
        // The caller replaces the page counts in RemovedDuring::Write.
        self.transmit(
            "WRITE",
            &[0xff, 0xd6, 0x00, page, PAGE_LEN as u8, a, b, c, d],
            RemovedDuring::Write {
                written: 0,
                total: 0,
            },
        )
        .map(|_| ())
    }
}
