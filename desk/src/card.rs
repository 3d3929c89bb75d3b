//! Card operations at the desk: writing a ledger badge to a card (the
//! ledger marks it written only after every page reads back right),
//! checking a card that was read, and the reader helpers the front ends
//! share.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::check::{Holder, Report};
use super::{Desk, DeskError};
use crate::reader::pcsc::{PcscReader, PcscTag};
use crate::reader::{self, CardContents, CardError, Tag, WriteReport};
use crate::store::ledger::{BadgeRecord, BadgeState, CardWritten};
use crate::store::secret::Secret;
use tessera_core::sizes::STANDARD_MAX_LEN;
use tessera_core::{BadgeBuilder, Profile, SigningKey, TrustStore};

/// A card written: the write, and whether the badge on it is bound to it.
#[derive(Debug)]
pub struct CardWrite {
    /// The badge written.
    pub serial: u32,
    /// Pages, UID, type, time.
    pub report: WriteReport,
    /// Bound to the card's UID, or why not.
    pub binding: Binding,
}

/// The line the CLI and the app both show for a card written.
impl std::fmt::Display for CardWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = &self.report;
        write!(
            f,
            "badge {} written to the {} with UID {} and verified ({} pages, {} ms); {}",
            self.serial,
            r.card_type,
            hex::encode_upper(&r.uid),
            r.pages,
            r.elapsed.as_millis(),
            self.binding.describe()
        )
    }
}

/// Whether a card holds its badge bound to its UID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// The badge on the card names the card's UID: a copy on another tag
    /// reads as a clone.
    Bound,
    /// The badge as issued, which any copy repeats; why.
    Unbound(&'static str),
}

impl Binding {
    /// For people: "bound to this card" or why not.
    pub fn describe(self) -> String {
        match self {
            Binding::Bound => "bound to this card (a copy on another card reads FORGED)".into(),
            Binding::Unbound(why) => format!("not bound to this card: {why}"),
        }
    }
}

/// The NDEF card image of a badge (COSE bytes).
pub(super) fn card_image_of(cose: &[u8]) -> Result<Vec<u8>, DeskError> {
    let mut out = vec![0u8; tessera_core::ndef::card_image_len(cose.len())];
    tessera_core::ndef::encode_card_image(cose, &mut out)?;
    Ok(out)
}

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
    /// The key that signed ledger badge `serial`, unlocked (asking
    /// `passphrase` when it has one), to bind the badge to the card it is
    /// written on ([`Desk::write_card`]). Front ends ask for it before
    /// waiting for the card.
    pub fn card_key(
        &self,
        serial: u32,
        passphrase: &mut dyn FnMut() -> Option<Secret>,
    ) -> Result<SigningKey, DeskError> {
        let record = self.ledger.badge(serial)?;
        self.signing_key_for(&record.kid, passphrase)
    }

    /// Write ledger badge `serial` to the card `tag` and verify it: the
    /// capacity is checked before the first page is written, every page is
    /// read back, and only then is the badge marked written (with the
    /// card's UID). With `key` (the key that signed it, [`Desk::card_key`])
    /// the card gets the badge bound to its UID: the same claims with the
    /// card's UID, signed again, so a copy on another tag reads as a clone
    /// (FORGED). Mini badges have no room for a UID and are written as
    /// issued; so is every badge without `key`. `progress(done, total)`
    /// follows the pages.
    pub fn write_card(
        &self,
        serial: u32,
        tag: &mut dyn Tag,
        key: Option<&SigningKey>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<CardWrite, DeskError> {
        let record = self.writable(serial)?;
        let uid = tag.uid()?;
        let (cose, binding) = match key {
            Some(key) => bound_badge(&record, &uid, key)?,
            None => (None, Binding::Unbound("no key was unlocked to bind it")),
        };
        let image = card_image_of(cose.as_deref().unwrap_or(&record.cose))?;
        let report = reader::write_card(tag, &image, progress)?;
        if report.uid != uid {
            return Err(DeskError::Input(format!(
                "the card on the reader changed during the write (UID {} before, {} after); badge {serial} was not recorded as written: put one card on the reader and write again",
                hex::encode_upper(&uid),
                hex::encode_upper(&report.uid)
            )));
        }
        self.ledger
            .set_state(
                serial,
                BadgeState::Written,
                Some(CardWritten {
                    uid: &report.uid,
                    cose: cose.as_deref(),
                }),
            )
            .map_err(DeskError::WrittenNotRecorded)?;
        Ok(CardWrite {
            serial,
            report,
            binding,
        })
    }

    /// Ledger badge `serial` bound to the card with `uid` (what
    /// [`Desk::write_card`] writes with `key`): its claims with the UID,
    /// signed by `key`, which must be the key that signed it; `None` with
    /// the reason for a badge that cannot be bound.
    pub fn card_bound_badge(
        &self,
        serial: u32,
        uid: &[u8],
        key: &SigningKey,
    ) -> Result<(Option<Vec<u8>>, Binding), DeskError> {
        bound_badge(&self.ledger.badge(serial)?, uid, key)
    }

    /// The card image of a badge that may be written to a card now (issued
    /// or written before; not revoked, accepted or declined). Called before
    /// asking for a card, so nothing is written that the ledger would then
    /// refuse to record.
    pub fn writable_card_image(&self, serial: u32) -> Result<Vec<u8>, DeskError> {
        card_image_of(&self.writable(serial)?.cose)
    }

    /// A ledger badge that may be written to a card now.
    fn writable(&self, serial: u32) -> Result<BadgeRecord, DeskError> {
        let record = self.ledger.badge(serial)?;
        if !record.state.can_become(BadgeState::Written) {
            return Err(DeskError::Input(format!(
                "badge {serial} is {}; only issued or written badges are written to cards",
                record.state
            )));
        }
        Ok(record)
    }

    /// The verdict on what the reader read: a card that is no NTAG21x or
    /// holds no badge is a NOT A BADGE verdict like any other input; a
    /// reader failure is an error.
    pub fn check_read(
        &self,
        read: Result<CardContents, CardError>,
    ) -> Result<(Report, String), DeskError> {
        match read {
            Ok(contents) => Ok((self.check_card(&contents, None)?, card_source(&contents))),
            Err(CardError::Badge(e)) => Ok((
                Report::unreadable(&format!("the card is not a badge card: {e}")),
                "card".to_string(),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Read and check the card on `tag`.
    pub fn read_and_check(&self, tag: &mut dyn Tag) -> Result<(Report, String), DeskError> {
        self.check_read(reader::read_card(tag))
    }

    /// Check what was read from a card, its UID binding included.
    pub fn check_card(
        &self,
        contents: &CardContents,
        holder: Option<&Holder>,
    ) -> Result<Report, DeskError> {
        self.check(&contents.memory, Some(&contents.uid), holder)
    }
}

/// A tag's whole memory from page 0 (`tessera card dump`): its UID, type
/// and bytes.
pub fn dump_tag(
    tag: &mut dyn Tag,
) -> Result<(Vec<u8>, tessera_core::CardType, Vec<u8>), DeskError> {
    let uid = tag.uid()?;
    let (card_type, memory) = reader::read_whole_tag(tag)?;
    Ok((uid, card_type, memory))
}

/// Badge `record` bound to the card with `uid`: its claims with the UID,
/// signed by `key`, which must be the key that signed it.
fn bound_badge(
    record: &BadgeRecord,
    uid: &[u8],
    key: &SigningKey,
) -> Result<(Option<Vec<u8>>, Binding), DeskError> {
    if record.profile != Profile::Standard.name() {
        return Ok((
            None,
            Binding::Unbound("a mini badge has no room for the card's UID"),
        ));
    }
    let mut own: TrustStore<1> = TrustStore::new();
    own.add(key.public_key())?;
    let badge = tessera_core::verify(&record.cose, &own, None, None).map_err(|_| {
        DeskError::Input(format!(
            "badge {} was signed by key {}, not by the key unlocked to bind it (key {})",
            record.serial,
            hex::encode(&record.kid),
            key.kid()
        ))
    })?;
    let mut claims = badge.claims;
    claims.card_uid = Some(uid);
    let mut out = [0u8; STANDARD_MAX_LEN];
    let len = BadgeBuilder::new(Profile::Standard, claims).sign(key, &mut out)?;
    let bound = out.get(..len).unwrap_or_default().to_vec();
    Ok((Some(bound), Binding::Bound))
}
