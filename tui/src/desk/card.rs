//! Card operations at the desk: writing a ledger badge to a card (the
//! ledger marks it written only after every page reads back right),
//! checking a card that was read, and the reader helpers the front ends
//! share.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::check::{CheckReport, Holder};
use super::{Desk, DeskError};
use crate::card::pcsc::{PcscReader, PcscTag};
use crate::card::{self, CardContents, CardError, Tag, WriteReport};
use crate::store::ledger::BadgeState;

/// How long a command waits for a card to be put on the reader.
pub const CARD_WAIT: Duration = Duration::from_secs(60);

/// Where a checked card came from, for the verdict's title.
pub fn card_source(contents: &CardContents) -> String {
    format!(
        "{} card {}",
        contents.card_type,
        hex::encode_upper(&contents.uid)
    )
}

/// Open the reader (the first whose name contains `filter`), tell
/// `waiting` its name, and wait for a card. `cancel` stops the wait.
pub fn wait_for_card(
    filter: Option<&str>,
    cancel: &AtomicBool,
    waiting: &mut dyn FnMut(&str),
) -> Result<PcscTag, DeskError> {
    let reader = PcscReader::open(filter)?;
    waiting(&reader.name());
    Ok(reader.wait_for_card(CARD_WAIT, cancel, &mut |_| {})?)
}

impl Desk {
    /// Write ledger badge `serial` to the card `tag` and verify it: the
    /// capacity is checked before the first page is written, every page is
    /// read back, and only then is the badge marked written (with the
    /// card's UID). `progress(done, total)` follows the pages.
    pub fn write_card(
        &self,
        serial: u32,
        tag: &mut dyn Tag,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<WriteReport, DeskError> {
        let image = self.writable_card_image(serial)?;
        let report = card::write_card(tag, &image, progress)?;
        self.ledger
            .set_state(serial, BadgeState::Written, Some(&report.uid))
            .map_err(DeskError::WrittenNotRecorded)?;
        Ok(report)
    }

    /// The card image of a badge that may be written to a card now (issued
    /// or written before; not revoked, accepted or declined). Called before
    /// asking for a card, so nothing is written that the ledger would then
    /// refuse to record.
    pub fn writable_card_image(&self, serial: u32) -> Result<Vec<u8>, DeskError> {
        let record = self.ledger.badge(serial)?;
        if !record.state.can_become(BadgeState::Written) {
            return Err(DeskError::Input(format!(
                "badge {serial} is {}; only issued or written badges are written to cards",
                record.state
            )));
        }
        self.card_image(serial)
    }

    /// The verdict on what the reader read: a card that is no NTAG21x or
    /// holds no badge is a NOT A BADGE verdict like any other input; a
    /// reader failure is an error.
    pub fn check_read(
        &self,
        read: Result<CardContents, CardError>,
    ) -> Result<(CheckReport, String), DeskError> {
        match read {
            Ok(contents) => Ok((self.check_card(&contents, None)?, card_source(&contents))),
            Err(CardError::Badge(e)) => Ok((
                CheckReport::unreadable(&format!("the card is not a badge card: {e}")),
                "card".to_string(),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Read and check the card on `tag`.
    pub fn read_and_check(&self, tag: &mut dyn Tag) -> Result<(CheckReport, String), DeskError> {
        self.check_read(card::read_card(tag))
    }

    /// Check what was read from a card, its UID binding included.
    pub fn check_card(
        &self,
        contents: &CardContents,
        holder: Option<&Holder>,
    ) -> Result<CheckReport, DeskError> {
        self.check(&contents.memory, Some(&contents.uid), holder)
    }
}

/// A tag's whole memory from page 0 (`tessera card dump`): its UID, type
/// and bytes.
pub fn dump_tag(
    tag: &mut dyn Tag,
) -> Result<(Vec<u8>, tessera_core::CardType, Vec<u8>), DeskError> {
    let uid = tag.uid()?;
    let (card_type, memory) = card::read_whole_tag(tag)?;
    Ok((uid, card_type, memory))
}
