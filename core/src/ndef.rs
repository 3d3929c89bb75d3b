//! Badges on NFC Forum Type 2 Tags (NXP NTAG213/215/216): the NDEF card
//! image and the tags' memory maps.
//!
//! The card image is what goes into user memory from page 4:
//!
//! ```text
//! 03 LL            NDEF Message TLV (LL = 1 byte, or FF + 2 bytes when >= 255)
//!   D4 08 PL       record header: MB ME SR, TNF 4 (NFC Forum external type),
//!                  type length 8, payload length (4 bytes when SR is clear)
//!   "tsr.io:b"     the record type: Tessera badge, external type name
//!   <badge>        payload: the COSE_Sign1 bytes
//! FE               Terminator TLV
//! ```
//!
//! Parsing is strict: a wrong TLV, a record of another type, a length that
//! runs past the memory, or more than one record or message each gets its
//! own [`Error`]. NULL TLVs and the Lock Control, Memory Control and
//! Proprietary TLVs some tags carry before the NDEF TLV are skipped, as the
//! Type 2 Tag specification says.

use crate::error::Error;
use crate::sizes::NDEF_OVERHEAD_MAX;
pub use crate::tag::CardType;

/// The NFC Forum external record type of a Tessera badge
/// (`urn:nfc:ext:tsr.io:b`).
pub const RECORD_TYPE: &[u8] = b"tsr.io:b";

/// TNF (type name format) of an NFC Forum external type.
const TNF_EXTERNAL: u8 = 0x04;
const FLAG_MB: u8 = 0x80;
const FLAG_ME: u8 = 0x40;
const FLAG_CF: u8 = 0x20;
const FLAG_SR: u8 = 0x10;
const FLAG_IL: u8 = 0x08;

const TLV_NULL: u8 = 0x00;
const TLV_LOCK_CONTROL: u8 = 0x01;
const TLV_MEMORY_CONTROL: u8 = 0x02;
const TLV_NDEF: u8 = 0x03;
const TLV_PROPRIETARY: u8 = 0xfd;
const TLV_TERMINATOR: u8 = 0xfe;

/// First page of user memory on every NTAG21x.
pub const FIRST_USER_PAGE: u8 = 4;
/// Page of the capability container.
pub const CC_PAGE: u8 = 3;
/// Bytes per page.
pub const PAGE_LEN: usize = 4;

impl CardType {
    /// The capability container (page 3) of a factory-formatted card:
    /// magic `E1`, mapping version 1.0, data area size / 8, read/write access.
    pub const fn capability_container(self) -> [u8; 4] {
        [0xe1, 0x10, self.cc_size_byte(), 0x00]
    }

    /// Last page of user memory.
    pub const fn last_user_page(self) -> u8 {
        match self {
            CardType::Ntag213 => 39,
            CardType::Ntag215 => 129,
            CardType::Ntag216 => 225,
        }
    }

    /// Recognise a card from its capability container.
    pub fn from_capability_container(cc: [u8; 4]) -> Result<Self, Error> {
        let [magic, version, size, _access] = cc;
        if magic != 0xe1 || version >> 4 != 1 {
            return Err(Error::UnknownCardType);
        }
        Self::ALL
            .into_iter()
            .find(|t| t.cc_size_byte() == size)
            .ok_or(Error::UnknownCardType)
    }

    /// Recognise a card from a READ of its capability-container page: the
    /// first four bytes of `page3` are the container.
    pub fn from_cc_page(page3: &[u8]) -> Result<Self, Error> {
        match page3 {
            [a, b, c, d, ..] => Self::from_capability_container([*a, *b, *c, *d]),
            _ => Err(Error::UnknownCardType),
        }
    }

    /// Check that a card image of `len` bytes fits this card.
    pub fn check_fits(self, len: usize) -> Result<(), Error> {
        if len <= self.ndef_capacity() {
            Ok(())
        } else {
            Err(Error::CardTooSmall {
                needed: len,
                card: self,
            })
        }
    }
}

/// Length of the NDEF record (the TLV's value) for a badge of `badge_len` bytes.
const fn record_len(badge_len: usize) -> usize {
    let payload_len_bytes = if badge_len < 256 { 1 } else { 4 };
    1 + 1 + payload_len_bytes + RECORD_TYPE.len() + badge_len
}

/// Length of the card image for a badge of `badge_len` bytes.
pub const fn card_image_len(badge_len: usize) -> usize {
    let record = record_len(badge_len);
    let tlv_head = if record < 0xff { 2 } else { 4 };
    tlv_head + record + 1
}

/// The length of the card image that starts `start` (user memory from page
/// 4), read from its NDEF TLV header as Tessera writes it, so a reader can
/// stop after the pages it needs; `None` when the memory does not start with
/// an NDEF TLV and must be read whole.
pub fn image_len_hint(start: &[u8]) -> Option<usize> {
    match start {
        [TLV_NDEF, 0xff, hi, lo, ..] => Some(4 + usize::from(u16::from_be_bytes([*hi, *lo])) + 1),
        [TLV_NDEF, len, ..] => Some(2 + usize::from(*len) + 1),
        _ => None,
    }
}

/// Write the card image (NDEF TLV, one record, terminator) of `badge` into
/// `out`; returns its length.
pub fn encode_card_image(badge: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let total = card_image_len(badge.len());
    if record_len(badge.len()) > 0xfffe {
        // The 3-byte TLV length cannot say more; no card holds this anyway.
        return Err(Error::CardTooSmall {
            needed: total,
            card: CardType::Ntag216,
        });
    }
    let out = out.get_mut(..total).ok_or(Error::BufferTooSmall)?;
    let short = badge.len() < 256;
    let record_len = record_len(badge.len());
    let mut w = Writer { out, at: 0 };
    w.put(&[TLV_NDEF])?;
    if record_len < 0xff {
        w.put(&[record_len as u8])?;
    } else {
        w.put(&[0xff])?;
        w.put(&(record_len as u16).to_be_bytes())?;
    }
    let flags = FLAG_MB | FLAG_ME | TNF_EXTERNAL | if short { FLAG_SR } else { 0 };
    w.put(&[flags, RECORD_TYPE.len() as u8])?;
    if short {
        w.put(&[badge.len() as u8])?;
    } else {
        w.put(&(badge.len() as u32).to_be_bytes())?;
    }
    w.put(RECORD_TYPE)?;
    w.put(badge)?;
    w.put(&[TLV_TERMINATOR])?;
    Ok(w.at)
}

struct Writer<'o> {
    out: &'o mut [u8],
    at: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self.at + bytes.len();
        self.out
            .get_mut(self.at..end)
            .ok_or(Error::BufferTooSmall)?
            .copy_from_slice(bytes);
        self.at = end;
        Ok(())
    }
}

/// Find the badge in a card's user memory (starting at page 4); returns the
/// badge bytes, borrowed from `memory`.
pub fn parse_card_image(memory: &[u8]) -> Result<&[u8], Error> {
    let mut at = 0usize;
    loop {
        let Some(&tag) = memory.get(at) else {
            return Err(Error::CardEmpty);
        };
        match tag {
            TLV_NULL => at += 1,
            TLV_TERMINATOR => return Err(Error::CardEmpty),
            TLV_LOCK_CONTROL | TLV_MEMORY_CONTROL | TLV_PROPRIETARY => {
                let (len, value_at) = tlv_length(memory, at)?;
                if value_at + len > memory.len() {
                    return Err(Error::NdefLengthPastEnd { offset: at });
                }
                at = value_at + len;
            }
            TLV_NDEF => {
                let (len, value_at) = tlv_length(memory, at)?;
                if len == 0 {
                    return Err(Error::CardEmpty);
                }
                let message = memory
                    .get(value_at..value_at + len)
                    .ok_or(Error::NdefLengthPastEnd { offset: at })?;
                let badge = parse_record(message, value_at)?;
                check_after_message(memory, value_at + len)?;
                return Ok(badge);
            }
            _ => return Err(Error::NdefWrongTlv { offset: at }),
        }
    }
}

/// The length of the TLV at `at` and where its value starts.
fn tlv_length(memory: &[u8], at: usize) -> Result<(usize, usize), Error> {
    let past = Error::NdefLengthPastEnd { offset: at };
    match memory.get(at + 1) {
        None => Err(past),
        Some(0xff) => {
            let hi = *memory.get(at + 2).ok_or(past)?;
            let lo = *memory.get(at + 3).ok_or(past)?;
            Ok((usize::from(u16::from_be_bytes([hi, lo])), at + 4))
        }
        Some(&len) => Ok((usize::from(len), at + 2)),
    }
}

/// After the NDEF message only NULL TLVs may come before the terminator
/// (or the end of memory); a second message is an error.
fn check_after_message(memory: &[u8], mut at: usize) -> Result<(), Error> {
    while let Some(&tag) = memory.get(at) {
        match tag {
            TLV_NULL => at += 1,
            TLV_TERMINATOR => return Ok(()),
            TLV_NDEF => return Err(Error::NdefMultipleRecords),
            _ => return Err(Error::NdefWrongTlv { offset: at }),
        }
    }
    Ok(())
}

/// Parse the single Tessera record of an NDEF message at `base` in memory.
fn parse_record(message: &[u8], base: usize) -> Result<&[u8], Error> {
    let past = |offset: usize| Error::NdefLengthPastEnd {
        offset: base + offset,
    };
    let flags = *message.first().ok_or(past(0))?;
    if flags & FLAG_MB == 0 || flags & FLAG_CF != 0 {
        return Err(Error::NdefWrongTlv { offset: base });
    }
    if flags & FLAG_ME == 0 {
        return Err(Error::NdefMultipleRecords);
    }
    let type_len = usize::from(*message.get(1).ok_or(past(1))?);
    let (payload_len, mut at) = if flags & FLAG_SR != 0 {
        (usize::from(*message.get(2).ok_or(past(2))?), 3)
    } else {
        let b: [u8; 4] = message
            .get(2..6)
            .and_then(|b| b.try_into().ok())
            .ok_or(past(2))?;
        (
            usize::try_from(u32::from_be_bytes(b)).map_err(|_| past(2))?,
            6,
        )
    };
    let id_len = if flags & FLAG_IL != 0 {
        let l = usize::from(*message.get(at).ok_or(past(at))?);
        at += 1;
        l
    } else {
        0
    };
    let record_type = message.get(at..at + type_len).ok_or(past(at))?;
    if flags & 0x07 != TNF_EXTERNAL || !record_type.eq_ignore_ascii_case(RECORD_TYPE) {
        return Err(Error::NdefWrongRecordType);
    }
    at += type_len + id_len;
    let end = at.checked_add(payload_len).ok_or(past(at))?;
    let payload = message.get(at..end).ok_or(past(at))?;
    if end != message.len() {
        // Bytes after the record inside the message: another record.
        return Err(Error::NdefMultipleRecords);
    }
    Ok(payload)
}

/// The pages to write for `image` on `card`: `(page number, 4 bytes)` from
/// page 4, the last page padded with zeros. Fails with
/// [`Error::CardTooSmall`] when the image does not fit, so no page past the
/// user memory (lock and configuration pages) is ever produced.
pub fn pages(
    card: CardType,
    image: &[u8],
) -> Result<impl Iterator<Item = (u8, [u8; PAGE_LEN])> + '_, Error> {
    card.check_fits(image.len())?;
    Ok(image
        .chunks(PAGE_LEN)
        .zip(FIRST_USER_PAGE..)
        .map(|(chunk, page)| {
            let mut data = [0u8; PAGE_LEN];
            for (d, s) in data.iter_mut().zip(chunk) {
                *d = *s;
            }
            (page, data)
        }))
}

const _: () = assert!(card_image_len(crate::sizes::MINI_MAX_LEN) <= 144);
const _: () = assert!(card_image_len(100) == 100 + NDEF_OVERHEAD_MAX);
const _: () = assert!(card_image_len(crate::sizes::STANDARD_MAX_LEN) + 20 <= 496);
