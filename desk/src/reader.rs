//! NFC badge cards: reading and writing NTAG21x cards through a small
//! [`Tag`] trait, so the app and the tests can swap readers. The real
//! backend is [`pcsc::PcscReader`] (USB readers such as the ACR122U, and the
//! virtual reader the tests use).
//!
//! Writing never leaves a half-written card unreported: capacity is checked
//! before the first page is written, every page is read back and compared,
//! and only then is the write reported as done.

/// Tag dump files (page 0, Flipper Zero `.nfc`), shared with the web verifier.
pub use tessera_formats::dump;
pub mod pcsc;
pub mod watch;

use std::time::{Duration, Instant};

use tessera_core::CardType;
use tessera_core::ndef::{self, CC_PAGE, FIRST_USER_PAGE, PAGE_LEN};

/// Bytes one READ returns (4 pages).
pub const READ_LEN: usize = 16;

/// What can go wrong talking to a card, each with what to do about it.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum CardError {
    /// No PC/SC reader is connected.
    #[error("no NFC reader found: plug in the USB reader (ACR122U or similar) and try again")]
    NoReader,
    /// The PC/SC service is not running.
    #[error(
        "the smart-card service (pcscd) is not running: start it (`sudo systemctl start pcscd`) and try again"
    )]
    NoService,
    /// The PC/SC library (pcsc-lite) is not installed: the desk loads it
    /// when a reader is first used, so everything else works without it.
    #[error(
        "card readers need the PC/SC service, which is not installed ({0}): install it (Debian/Ubuntu: `sudo apt install pcscd libpcsclite1`; Fedora: `sudo dnf install pcsc-lite pcsc-lite-libs`; Arch: `sudo pacman -S pcsclite`) and try again"
    )]
    NoLibrary(String),
    /// Nobody put a card on the reader in time.
    #[error("no card was presented within {0:?}: put the card flat on the reader and try again")]
    TimedOut(Duration),
    /// The user cancelled the wait.
    #[error("cancelled")]
    Cancelled,
    /// The card left the reader during a read or write.
    #[error("the card was taken off the reader {0}: put it back and try again")]
    Removed(RemovedDuring),
    /// The card or reader answered a command with an error status word.
    #[error(
        "the reader refused {command} (status {sw:04X}): the card may be locked or not an NTAG21x"
    )]
    Refused {
        /// The command that failed.
        command: &'static str,
        /// The status word (SW1 SW2).
        sw: u16,
    },
    /// A page read back differently from what was written.
    #[error(
        "page {page} reads back different from what was written: the card may be locked or faulty; use another card"
    )]
    ReadBackMismatch {
        /// The page.
        page: u8,
    },
    /// The card's contents or size are not right for a badge.
    #[error("{0}")]
    Badge(#[from] tessera_core::Error),
    /// Any other PC/SC failure.
    #[error("card reader error: {0}")]
    Reader(String),
}

/// When a card was taken off the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovedDuring {
    /// While reading.
    Read,
    /// While writing: this many of the image's pages were written. The card
    /// holds a partial image and must be written again.
    Write {
        /// Pages written before the card left.
        written: usize,
        /// Pages of the whole image.
        total: usize,
    },
}

impl std::fmt::Display for RemovedDuring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RemovedDuring::Read => f.write_str("while it was being read"),
            RemovedDuring::Write { written, total } => write!(
                f,
                "after {written} of {total} pages were written (the card now holds an incomplete badge)"
            ),
        }
    }
}

/// One card on a reader, speaking the PC/SC storage-card commands.
pub trait Tag {
    /// The card's UID (7 bytes for NTAG21x).
    fn uid(&mut self) -> Result<Vec<u8>, CardError>;
    /// Read 4 pages (16 bytes) starting at `page`.
    fn read(&mut self, page: u8) -> Result<[u8; READ_LEN], CardError>;
    /// Write one page (4 bytes).
    fn write(&mut self, page: u8, data: [u8; PAGE_LEN]) -> Result<(), CardError>;
}

/// What is on a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardContents {
    /// The UID the reader reported.
    pub uid: Vec<u8>,
    /// The card type, from its capability container.
    pub card_type: CardType,
    /// User memory from page 4, as far as the card image needs (or all of
    /// it when the image could not be sized).
    pub memory: Vec<u8>,
}

impl CardContents {
    /// The badge bytes in the card image.
    pub fn badge(&self) -> Result<&[u8], tessera_core::Error> {
        ndef::parse_card_image(&self.memory)
    }
}

/// Read a card: UID, type, and the user memory holding the card image. Only
/// the pages the image needs are read (one READ per 4 pages).
pub fn read_card(tag: &mut dyn Tag) -> Result<CardContents, CardError> {
    let uid = tag.uid()?;
    let first = tag.read(CC_PAGE)?;
    let card_type = CardType::from_cc_page(&first)?;
    // The READ of page 3 also returned pages 4 to 6: the start of the image.
    let mut memory: Vec<u8> = first[PAGE_LEN..].to_vec();
    let wanted = ndef::image_len_hint(&memory)
        .map_or(card_type.user_bytes(), |n| n.min(card_type.user_bytes()));
    let mut page = FIRST_USER_PAGE + (memory.len() / PAGE_LEN) as u8;
    while memory.len() < wanted {
        let chunk = tag.read(page)?;
        memory.extend_from_slice(&chunk);
        page = page.saturating_add((READ_LEN / PAGE_LEN) as u8);
    }
    memory.truncate(card_type.user_bytes());
    Ok(CardContents {
        uid,
        card_type,
        memory,
    })
}

/// Pages of an NTAG21x: the user memory and the four pages before it, and
/// the five configuration pages after it (dynamic lock bytes, CFG0, CFG1,
/// PWD, PACK).
pub fn total_pages(card: CardType) -> usize {
    usize::from(card.last_user_page()) + 1 + 5
}

/// Read a tag's whole memory from page 0, as `nfc-mfultralight r` dumps
/// it: UID and lock bytes, the capability container, the user memory and
/// the configuration pages (a reader returns zeros for PWD and PACK).
/// Returns the card type and the bytes.
pub fn read_whole_tag(tag: &mut dyn Tag) -> Result<(CardType, Vec<u8>), CardError> {
    let head = tag.read(0)?;
    let cc = head
        .get(usize::from(CC_PAGE) * PAGE_LEN..)
        .unwrap_or_default();
    let card_type = CardType::from_cc_page(cc)?;
    let len = total_pages(card_type) * PAGE_LEN;
    let mut memory = head.to_vec();
    let mut page: u8 = (READ_LEN / PAGE_LEN) as u8;
    while memory.len() < len {
        memory.extend_from_slice(&tag.read(page)?);
        page = page.saturating_add((READ_LEN / PAGE_LEN) as u8);
    }
    // The last READ rolls over to page 0 past the end: keep the tag's pages.
    memory.truncate(len);
    Ok((card_type, memory))
}

/// The outcome of a verified write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// UID of the card written.
    pub uid: Vec<u8>,
    /// Its type.
    pub card_type: CardType,
    /// Pages written (and read back).
    pub pages: usize,
    /// Time from the first command to the verified read-back.
    pub elapsed: Duration,
}

/// Write a card image to the card on the reader and verify it.
///
/// Order: UID, capability container, capacity check (nothing is written if
/// the image does not fit: [`tessera_core::Error::CardTooSmall`] names the
/// card needed), pages from page 4, then every written page is read back
/// and compared. `progress(done, total)` is called after each page.
pub fn write_card(
    tag: &mut dyn Tag,
    image: &[u8],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<WriteReport, CardError> {
    let start = Instant::now();
    let uid = tag.uid()?;
    let cc_read = tag.read(CC_PAGE)?;
    let card_type = CardType::from_cc_page(&cc_read)?;
    // Fails before any write when the image does not fit the card.
    let pages: Vec<(u8, [u8; PAGE_LEN])> = ndef::pages(card_type, image)?.collect();
    let total = pages.len();
    for (done, (page, data)) in pages.iter().enumerate() {
        tag.write(*page, *data).map_err(|e| match e {
            CardError::Removed(_) => CardError::Removed(RemovedDuring::Write {
                written: done,
                total,
            }),
            other => other,
        })?;
        progress(done + 1, total);
    }
    // Read back in 4-page steps and compare every written page.
    for group in pages.chunks(READ_LEN / PAGE_LEN) {
        let Some(&(first_page, _)) = group.first() else {
            continue;
        };
        let back = tag.read(first_page).map_err(|e| match e {
            CardError::Removed(_) => CardError::Removed(RemovedDuring::Write {
                written: total,
                total,
            }),
            other => other,
        })?;
        for ((page, data), got) in group.iter().zip(back.chunks(PAGE_LEN)) {
            if got != data {
                return Err(CardError::ReadBackMismatch { page: *page });
            }
        }
    }
    Ok(WriteReport {
        uid,
        card_type,
        pages: total,
        elapsed: start.elapsed(),
    })
}
