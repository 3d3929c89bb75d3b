//! Whole-tag memory dumps in files, so a badge card read by another tool can
//! be checked without the card: [`parse`] recognises two kinds.
//!
//! - **Raw pages from page 0** ([`DumpFormat::Pages`]), as libnfc's
//!   `nfc-mfultralight r FILE` writes them: the tag's pages, 4 bytes each,
//!   from page 0. libnfc writes every page it read successfully (45, 135 or
//!   231 pages for an NTAG213, 215 or 216, so the lock and configuration
//!   pages after user memory too; older libnfc versions always wrote 16
//!   pages), and fewer when a read failed. So a dump may be shorter or longer
//!   than user memory: user memory is what the file holds from page 4, cut at
//!   the card's end of user memory. A file is taken for such a dump only when
//!   both UID check bytes hold (page 0 byte 3 = `88 ^ UID0 ^ UID1 ^ UID2`,
//!   page 2 byte 0 = `UID3 ^ UID4 ^ UID5 ^ UID6`) and page 3, when the file
//!   reaches it, is the capability container of an NTAG213/215/216.
//!   Text never passes the first check (the `88` sets the top bit) and
//!   neither does a bare card image or COSE badge.
//! - **Flipper Zero `.nfc` files** ([`DumpFormat::Flipper`]): text starting
//!   with `Filetype: Flipper NFC device`, in the old layout (file format
//!   Version 2 or 3: `Device type: NTAG215`) or the current one (Version 4:
//!   `Device type: NTAG/Ultralight` and `NTAG/Ultralight type: NTAG215`).
//!   The `UID:` line and the `Page N: XX XX XX XX` lines are read; pages must
//!   run from `Page 0` without gaps, and only the `Pages read:` first pages
//!   count (the Flipper saves the pages it could not read as zeros). The
//!   card type comes from page 3, and must agree with the device type line.
//!   Unknown keys and `#` comments are ignored.

use tessera_core::CardType;
use tessera_core::ndef::{CC_PAGE, FIRST_USER_PAGE, PAGE_LEN};

/// The cascade tag the first UID check byte includes (ISO/IEC 14443-3).
const CASCADE_TAG: u8 = 0x88;
/// The Flipper file's first key and value.
const FLIPPER_FILETYPE: (&str, &str) = ("Filetype", "Flipper NFC device");
/// The Version 4 device type of the Ultralight family; the concrete type is
/// then in [`FLIPPER_UL_TYPE_KEY`].
const FLIPPER_UL_DEVICE: &str = "NTAG/Ultralight";
const FLIPPER_UL_TYPE_KEY: &str = "NTAG/Ultralight type";
/// The concrete Ultralight-family types the Flipper writes (in `Device type`
/// up to file format Version 3, in `NTAG/Ultralight type` from Version 4).
const FLIPPER_UL_TYPES: [&str; 11] = [
    "Mifare Ultralight",
    "Mifare Ultralight 11",
    "Mifare Ultralight 21",
    "NTAG203",
    "NTAG213",
    "NTAG215",
    "NTAG216",
    "NTAG I2C 1K",
    "NTAG I2C 2K",
    "NTAG I2C Plus 1K",
    "NTAG I2C Plus 2K",
];
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A tag's memory read from a dump file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagDump {
    /// The UID from the dump (7 bytes for NTAG21x).
    pub uid: Vec<u8>,
    /// The card type from the capability container, when page 3 is present and valid.
    pub card_type: Option<CardType>,
    /// User memory from page 4 on (what `tessera_core::ndef::parse_card_image` reads).
    pub user_memory: Vec<u8>,
    /// Which kind of file it was.
    pub format: DumpFormat,
}

/// The kinds of dump file [`parse`] recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpFormat {
    /// Raw pages from page 0 (libnfc's `nfc-mfultralight r`, `tessera card dump`).
    Pages,
    /// A Flipper Zero `.nfc` file.
    Flipper,
}

impl DumpFormat {
    /// What to call the file in messages.
    pub fn label(self) -> &'static str {
        match self {
            DumpFormat::Pages => "tag memory dump from page 0",
            DumpFormat::Flipper => "Flipper Zero .nfc file",
        }
    }
}

/// What is wrong with a file that is recognisably a tag dump (every one is a
/// Flipper `.nfc` file; line numbers count from 1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DumpError {
    /// A line is not UTF-8 text.
    #[error(
        "line {line} of the Flipper .nfc file is not text: the file is damaged; save the card again from the Flipper"
    )]
    NotText {
        /// The line.
        line: usize,
    },
    /// The file holds another kind of card than an NTAG/Ultralight.
    #[error(
        "line {line}: the Flipper .nfc file holds a `{device_type}`, not an NTAG213/215/216 badge card: read the badge card itself on the Flipper (NFC > Read) and save that"
    )]
    NotNtag {
        /// The line of `Device type:`.
        line: usize,
        /// The device type it names.
        device_type: String,
    },
    /// No `UID:` line.
    #[error(
        "the Flipper .nfc file has no `UID:` line: the file is damaged or cut short; save the card again from the Flipper"
    )]
    MissingUid,
    /// A value that should be hex bytes is not.
    #[error(
        "line {line}: `{key}:` should be hex bytes separated by spaces (4 for a page, such as `03 1F D4 08`) but is `{found}`: the file is damaged; fix the line or save the card again from the Flipper"
    )]
    BadHex {
        /// The line.
        line: usize,
        /// Its key (`UID`, `Page 7`).
        key: String,
        /// The value found.
        found: String,
    },
    /// A value that should be a whole number is not.
    #[error(
        "line {line}: `{key}` should be a whole number but is `{found}`: the file is damaged; fix the line or save the card again from the Flipper"
    )]
    BadNumber {
        /// The line.
        line: usize,
        /// Its key (`Pages read`, or the `Page …` key).
        key: String,
        /// The text found where the number should be.
        found: String,
    },
    /// A page line out of sequence: a page is missing (or repeated).
    #[error(
        "line {line} is page {found} but page {expected} should come next (pages run from `Page 0` without gaps): page {expected} is missing or out of place, so the file is damaged; save the card again from the Flipper"
    )]
    PageOutOfOrder {
        /// The line of the page out of sequence.
        line: usize,
        /// The page that should have come.
        expected: usize,
        /// The page the line holds.
        found: usize,
    },
    /// `Pages total:` or `Pages read:` counts more (or fewer) pages than the
    /// file lists.
    #[error(
        "line {line} says `{key}: {declared}` but the file has {found} page lines: pages are missing, so the file is cut short or damaged; save the card again from the Flipper"
    )]
    PageCountMismatch {
        /// The line of the count.
        line: usize,
        /// `Pages total` or `Pages read`.
        key: String,
        /// The count it says.
        declared: usize,
        /// Page lines in the file.
        found: usize,
    },
    /// No `Page N:` lines at all.
    #[error(
        "the Flipper .nfc file has no `Page 0:` line, so it holds no tag memory: on the Flipper, read the card with NFC > Read (not only its UID) and save that"
    )]
    NoPages,
    /// The `UID:` line disagrees with pages 0 and 1.
    #[error(
        "line {line}: the UID differs from the one in pages 0 and 1: the file was edited or is damaged; save the card again from the Flipper"
    )]
    UidMismatch {
        /// The line of `UID:`.
        line: usize,
    },
    /// Page 3 is not the capability container of an NDEF-formatted
    /// NTAG213/215/216.
    #[error(
        "line {line}: page 3 is `{}`, not the capability container of an NDEF-formatted NTAG213/215/216 (`E1 10 12 00`, `E1 10 3E 00` or `E1 10 6D 00`): the tag is not formatted for NDEF or is another kind of tag, so it holds no Tessera badge",
        spaced_hex(.found)
    )]
    NoCapabilityContainer {
        /// The line of `Page 3:`.
        line: usize,
        /// Page 3's bytes.
        found: [u8; PAGE_LEN],
    },
    /// The device type line names another card than page 3 says.
    #[error(
        "line {line} says the tag is a {declared} but its capability container (page 3) says {cc}: the file was edited or is damaged; save the card again from the Flipper"
    )]
    TypeMismatch {
        /// The line of the device type (or `NTAG/Ultralight type:`).
        line: usize,
        /// The type it names.
        declared: String,
        /// The type page 3 says.
        cc: CardType,
    },
}

/// Recognise a tag dump and read it.
///
/// `None` when `bytes` is neither kind of dump (the caller then tries its other formats);
/// `Some(Err)` when it is recognisably a dump but damaged.
pub fn parse(bytes: &[u8]) -> Option<Result<TagDump, DumpError>> {
    if is_flipper(bytes) {
        return Some(parse_flipper(bytes));
    }
    parse_pages(bytes).map(Ok)
}

/// The user memory in `from_page4`, cut at the end of the card's user memory.
fn user_memory(from_page4: &[u8], card_type: Option<CardType>) -> Vec<u8> {
    let end = card_type.map_or(from_page4.len(), |t| t.user_bytes().min(from_page4.len()));
    from_page4.get(..end).unwrap_or_default().to_vec()
}

const USER_START: usize = FIRST_USER_PAGE as usize * PAGE_LEN;
const CC_START: usize = CC_PAGE as usize * PAGE_LEN;

fn parse_pages(bytes: &[u8]) -> Option<TagDump> {
    let &[u0, u1, u2, bcc0, u3, u4, u5, u6, bcc1, ..] = bytes else {
        return None;
    };
    if bcc0 != CASCADE_TAG ^ u0 ^ u1 ^ u2 || bcc1 != u3 ^ u4 ^ u5 ^ u6 {
        return None;
    }
    let card_type = match bytes.get(CC_START..USER_START) {
        Some(cc) => Some(CardType::from_cc_page(cc).ok()?),
        // Cut short before page 3 ends: no card type, no user memory.
        None => None,
    };
    Some(TagDump {
        uid: vec![u0, u1, u2, u3, u4, u5, u6],
        card_type,
        user_memory: user_memory(bytes.get(USER_START..).unwrap_or_default(), card_type),
        format: DumpFormat::Pages,
    })
}

/// The lines of `bytes` numbered from 1, the BOM taken off the first.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    bytes.split(|&b| b == b'\n').zip(1..).map(|(l, n)| {
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        (n, l)
    })
}

/// A line's key and value (`Key: value`), trimmed; `None` for blank lines
/// and `#` comments. A line without a colon is all key.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    Some(match line.split_once(':') {
        Some((k, v)) => (k.trim(), v.trim()),
        None => (line, ""),
    })
}

/// Whether the first line that is not blank or a comment is
/// `Filetype: Flipper NFC device`.
fn is_flipper(bytes: &[u8]) -> bool {
    for (_, line) in lines(bytes) {
        let Ok(line) = std::str::from_utf8(line) else {
            return false;
        };
        if let Some(kv) = key_value(line) {
            return kv == FLIPPER_FILETYPE;
        }
    }
    false
}

/// Space-separated two-digit hex bytes.
fn hex_bytes(value: &str) -> Option<Vec<u8>> {
    value
        .split_ascii_whitespace()
        .map(|t| {
            if t.len() == 2 && t.bytes().all(|c| c.is_ascii_hexdigit()) {
                u8::from_str_radix(t, 16).ok()
            } else {
                None
            }
        })
        .collect()
}

/// A decimal number, digits only.
fn decimal(s: &str) -> Option<usize> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn spaced_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the device type lines say the tag is.
enum Declared {
    /// No type named (no `Device type:`, or a Version 4 file without the
    /// `NTAG/Ultralight type:` line of data format version 2).
    Unnamed,
    /// The type named, at this line.
    Named(usize, String),
}

fn card_type_named(name: &str) -> Option<CardType> {
    CardType::ALL.into_iter().find(|t| t.name() == name)
}

/// A value (number) line: `(line, key, count)`.
type Count = (usize, &'static str, usize);

fn parse_flipper(bytes: &[u8]) -> Result<TagDump, DumpError> {
    let mut device: Option<(usize, String)> = None;
    let mut ul_type: Option<(usize, String)> = None;
    let mut uid: Option<(usize, Vec<u8>)> = None;
    let mut pages_total: Option<Count> = None;
    let mut pages_read: Option<Count> = None;
    // (page bytes, line)
    let mut pages: Vec<([u8; PAGE_LEN], usize)> = Vec::new();

    for (n, raw) in lines(bytes) {
        let text = std::str::from_utf8(raw).map_err(|_| DumpError::NotText { line: n })?;
        let Some((key, value)) = key_value(text) else {
            continue;
        };
        match key {
            "Device type" if device.is_none() => {
                if value != FLIPPER_UL_DEVICE && !FLIPPER_UL_TYPES.contains(&value) {
                    return Err(DumpError::NotNtag {
                        line: n,
                        device_type: value.to_string(),
                    });
                }
                device = Some((n, value.to_string()));
            }
            FLIPPER_UL_TYPE_KEY if ul_type.is_none() => ul_type = Some((n, value.to_string())),
            "UID" if uid.is_none() => {
                let bytes = hex_bytes(value).filter(|b| !b.is_empty()).ok_or_else(|| {
                    DumpError::BadHex {
                        line: n,
                        key: key.to_string(),
                        found: value.to_string(),
                    }
                })?;
                uid = Some((n, bytes));
            }
            "Pages total" | "Pages read" => {
                let count = decimal(value).ok_or_else(|| DumpError::BadNumber {
                    line: n,
                    key: key.to_string(),
                    found: value.to_string(),
                })?;
                if key == "Pages total" {
                    pages_total.get_or_insert((n, "Pages total", count));
                } else {
                    pages_read.get_or_insert((n, "Pages read", count));
                }
            }
            _ => {
                if let Some(number) = key.strip_prefix("Page ") {
                    let page = decimal(number.trim()).ok_or_else(|| DumpError::BadNumber {
                        line: n,
                        key: key.to_string(),
                        found: number.trim().to_string(),
                    })?;
                    if page != pages.len() {
                        return Err(DumpError::PageOutOfOrder {
                            line: n,
                            expected: pages.len(),
                            found: page,
                        });
                    }
                    let data: [u8; PAGE_LEN] = hex_bytes(value)
                        .and_then(|b| b.try_into().ok())
                        .ok_or_else(|| DumpError::BadHex {
                            line: n,
                            key: key.to_string(),
                            found: value.to_string(),
                        })?;
                    pages.push((data, n));
                }
            }
        }
    }

    let (uid_line, uid) = uid.ok_or(DumpError::MissingUid)?;
    if pages.is_empty() {
        return Err(DumpError::NoPages);
    }
    // The Flipper lists every page of the tag and says how many it read.
    for (line, key, declared) in [pages_total, pages_read].into_iter().flatten() {
        if declared > pages.len() || (key == "Pages total" && declared != pages.len()) {
            return Err(DumpError::PageCountMismatch {
                line,
                key: key.to_string(),
                declared,
                found: pages.len(),
            });
        }
    }
    let read = pages_read.map_or(pages.len(), |(_, _, r)| r);
    let pages = pages.get(..read).unwrap_or_default();

    if let [(p0, _), (p1, _), ..] = pages {
        let ([a, b, c, _], [d, e, f, g]) = (*p0, *p1);
        let in_pages = [a, b, c, d, e, f, g];
        if uid != in_pages {
            return Err(DumpError::UidMismatch { line: uid_line });
        }
    }

    let declared = match (&device, ul_type) {
        (Some((_, d)), Some((line, t))) if d == FLIPPER_UL_DEVICE => Declared::Named(line, t),
        (Some((_, d)), None) if d == FLIPPER_UL_DEVICE => Declared::Unnamed,
        (Some((line, d)), _) => Declared::Named(*line, d.clone()),
        (None, _) => Declared::Unnamed,
    };

    let card_type = match pages.get(usize::from(CC_PAGE)) {
        None => None,
        Some((cc, line)) => {
            let cc_type =
                CardType::from_cc_page(cc).map_err(|_| DumpError::NoCapabilityContainer {
                    line: *line,
                    found: *cc,
                })?;
            if let Declared::Named(line, name) = declared
                && card_type_named(&name) != Some(cc_type)
            {
                return Err(DumpError::TypeMismatch {
                    line,
                    declared: name,
                    cc: cc_type,
                });
            }
            Some(cc_type)
        }
    };

    let from_page4: Vec<u8> = pages
        .iter()
        .skip(usize::from(FIRST_USER_PAGE))
        .flat_map(|(p, _)| *p)
        .collect();
    Ok(TagDump {
        uid,
        card_type,
        user_memory: user_memory(&from_page4, card_type),
        format: DumpFormat::Flipper,
    })
}

#[cfg(test)]
mod tests {
    // Reason: tests.
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use tessera_core::ndef;

    const V4_NTAG215: &str = include_str!("../../tests/vectors/dumps/ntag215-badge.flipper-v4.nfc");
    const V2_NTAG213: &str = include_str!("../../tests/vectors/dumps/ntag213-badge.flipper-v2.nfc");

    /// The card image in the fixtures, written out by hand: NDEF TLV of 31
    /// bytes, record header (MB ME SR, TNF 4), type length 8, payload length
    /// 20, "tsr.io:b", 20 x AA, terminator.
    fn image() -> Vec<u8> {
        let mut v = vec![0x03, 0x1f, 0xd4, 0x08, 0x14];
        v.extend_from_slice(b"tsr.io:b");
        v.extend_from_slice(&[0xaa; 20]);
        v.push(0xfe);
        v
    }

    /// A libnfc-style NTAG213 dump: all 45 pages, UID 04 A1 B2 C3 D4 E5 F6
    /// (BCC0 9F, BCC1 04, worked out by hand), the image from page 4, then
    /// dynamic lock, CFG0, CFG1, PWD and PACK.
    fn ntag213_pages() -> Vec<u8> {
        let mut d = vec![
            0x04, 0xa1, 0xb2, 0x9f, // UID0-2, BCC0
            0xc3, 0xd4, 0xe5, 0xf6, // UID3-6
            0x04, 0x48, 0x00, 0x00, // BCC1, internal, lock
            0xe1, 0x10, 0x12, 0x00, // CC: NTAG213
        ];
        let mut user = image();
        user.resize(144, 0);
        d.extend_from_slice(&user);
        d.extend_from_slice(&[0, 0, 0, 0xbd, 0x04, 0, 0, 0xff, 0, 0x05, 0, 0]);
        d.extend_from_slice(&[0; 8]);
        assert_eq!(d.len(), 45 * 4);
        d
    }

    fn ok(bytes: &[u8]) -> TagDump {
        parse(bytes).unwrap().unwrap()
    }

    fn err(text: &str) -> DumpError {
        parse(text.as_bytes()).unwrap().unwrap_err()
    }

    /// The fixture with line `n` (from 1) replaced.
    fn with_line(text: &str, n: usize, new: &str) -> String {
        text.lines()
            .enumerate()
            .map(|(i, l)| if i + 1 == n { new } else { l })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn without_line(text: &str, n: usize) -> String {
        text.lines()
            .enumerate()
            .filter(|(i, _)| i + 1 != n)
            .map(|(_, l)| l)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_image_is_what_core_encodes() {
        let mut out = [0u8; 64];
        let n = ndef::encode_card_image(&[0xaa; 20], &mut out).unwrap();
        assert_eq!(&out[..n], image().as_slice());
    }

    #[test]
    fn reads_a_version_4_ntag215_flipper_file() {
        let dump = ok(V4_NTAG215.as_bytes());
        assert_eq!(dump.format, DumpFormat::Flipper);
        assert_eq!(dump.uid, [0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6]);
        assert_eq!(dump.card_type, Some(CardType::Ntag215));
        // Pages 4 to 129; the lock and configuration pages are left out.
        assert_eq!(dump.user_memory.len(), CardType::Ntag215.user_bytes());
        assert!(dump.user_memory.starts_with(&image()));
        assert_eq!(
            ndef::parse_card_image(&dump.user_memory).unwrap(),
            [0xaa; 20]
        );
    }

    #[test]
    fn reads_a_version_2_ntag213_flipper_file() {
        let dump = ok(V2_NTAG213.as_bytes());
        assert_eq!(dump.format, DumpFormat::Flipper);
        assert_eq!(dump.uid, [0x04, 0x5c, 0x3e, 0x7a, 0x91, 0x28, 0x80]);
        assert_eq!(dump.card_type, Some(CardType::Ntag213));
        assert_eq!(dump.user_memory.len(), CardType::Ntag213.user_bytes());
        assert!(dump.user_memory.starts_with(&image()));
        assert_eq!(
            ndef::parse_card_image(&dump.user_memory).unwrap(),
            [0xaa; 20]
        );
    }

    #[test]
    fn flipper_file_with_bom_crlf_and_leading_blank_lines() {
        let text = format!("\u{feff}\r\n  \r\n{}", V2_NTAG213.replace('\n', "\r\n"));
        let dump = ok(text.as_bytes());
        assert_eq!(dump.card_type, Some(CardType::Ntag213));
        assert_eq!(
            ndef::parse_card_image(&dump.user_memory).unwrap(),
            [0xaa; 20]
        );
    }

    #[test]
    fn unknown_keys_and_comments_are_ignored() {
        let text = V4_NTAG215.replace(
            "SAK: 00\n",
            "SAK: 00\n# a comment\nSomething new: 12 34\nNo colon here\n",
        );
        assert_eq!(ok(text.as_bytes()), ok(V4_NTAG215.as_bytes()));
    }

    #[test]
    fn only_the_pages_read_count() {
        // 10 pages read: pages 4 to 9 of user memory, the image cut short.
        let text = V2_NTAG213.replace("Pages read: 45", "Pages read: 10");
        let dump = ok(text.as_bytes());
        assert_eq!(dump.user_memory, image()[..24]);
        assert!(ndef::parse_card_image(&dump.user_memory).is_err());
        // 3 pages read: no capability container, so no card type.
        let text = V2_NTAG213.replace("Pages read: 45", "Pages read: 3");
        let dump = ok(text.as_bytes());
        assert_eq!(dump.card_type, None);
        assert!(dump.user_memory.is_empty());
    }

    #[test]
    fn a_gap_in_the_pages_names_the_line() {
        // Line 21 + n holds page n in the Version 2 file; drop page 17.
        assert_eq!(&V2_NTAG213.lines().nth(37), &Some("Page 17: 00 00 00 00"));
        let e = err(&without_line(V2_NTAG213, 38));
        assert_eq!(
            e,
            DumpError::PageOutOfOrder {
                line: 38,
                expected: 17,
                found: 18
            }
        );
        assert!(e.to_string().contains("line 38"));
        // A repeated page is out of order too.
        let text = with_line(V2_NTAG213, 38, "Page 16: 00 00 00 00");
        assert_eq!(
            err(&text),
            DumpError::PageOutOfOrder {
                line: 38,
                expected: 17,
                found: 16
            }
        );
    }

    #[test]
    fn missing_pages_at_the_end_are_an_error() {
        let text: String = V2_NTAG213
            .lines()
            .filter(|l| l != &"Page 44: 00 00 00 00")
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(
            err(&text),
            DumpError::PageCountMismatch {
                line: 19,
                key: "Pages total".into(),
                declared: 45,
                found: 44
            }
        );
    }

    #[test]
    fn bad_hex_names_the_line() {
        // Line 26 holds page 3 in the Version 4 file.
        for bad in [
            "Page 3: E1 10 3E",
            "Page 3: E1 10 3E 00 00",
            "Page 3: E1 10 3G 00",
            "Page 3: E1 10 +3 00",
            "Page 3: E110 3E00",
            "Page 3:",
        ] {
            let e = err(&with_line(V4_NTAG215, 26, bad));
            assert!(
                matches!(&e, DumpError::BadHex { line: 26, key, .. } if key == "Page 3"),
                "{bad}: {e:?}"
            );
            assert!(e.to_string().starts_with("line 26:"), "{e}");
        }
        let e = err(&with_line(V4_NTAG215, 6, "UID: 04 A1 B2 C3 D4 E5 XX"));
        assert!(matches!(e, DumpError::BadHex { line: 6, .. }), "{e:?}");
        let e = err(&with_line(V4_NTAG215, 26, "Page three: E1 10 3E 00"));
        assert!(matches!(e, DumpError::BadNumber { line: 26, .. }), "{e:?}");
    }

    #[test]
    fn device_type_disagreeing_with_the_capability_container() {
        // Version 2: the type is in `Device type` (line 4).
        let text = with_line(V2_NTAG213, 4, "Device type: NTAG215");
        let e = err(&text);
        assert_eq!(
            e,
            DumpError::TypeMismatch {
                line: 4,
                declared: "NTAG215".into(),
                cc: CardType::Ntag213
            }
        );
        assert!(e.to_string().contains("line 4"));
        let text = with_line(V2_NTAG213, 4, "Device type: Mifare Ultralight");
        assert!(matches!(
            err(&text),
            DumpError::TypeMismatch { line: 4, .. }
        ));
        // Version 4: in `NTAG/Ultralight type` (line 12).
        let text = with_line(V4_NTAG215, 12, "NTAG/Ultralight type: NTAG216");
        assert_eq!(
            err(&text),
            DumpError::TypeMismatch {
                line: 12,
                declared: "NTAG216".into(),
                cc: CardType::Ntag215
            }
        );
        // Without the type line the page-3 type stands.
        let dump = ok(without_line(V4_NTAG215, 12).as_bytes());
        assert_eq!(dump.card_type, Some(CardType::Ntag215));
    }

    #[test]
    fn other_damage_in_flipper_files() {
        let e = err(&with_line(V4_NTAG215, 4, "Device type: Mifare Classic"));
        assert_eq!(
            e,
            DumpError::NotNtag {
                line: 4,
                device_type: "Mifare Classic".into()
            }
        );
        assert_eq!(err(&without_line(V4_NTAG215, 6)), DumpError::MissingUid);
        assert_eq!(
            err(&with_line(V4_NTAG215, 6, "UID: 04 A1 B2 C3 D4 E5 F7")),
            DumpError::UidMismatch { line: 6 }
        );
        let e = err(&with_line(V4_NTAG215, 26, "Page 3: F1 10 FF EE"));
        assert_eq!(
            e,
            DumpError::NoCapabilityContainer {
                line: 26,
                found: [0xf1, 0x10, 0xff, 0xee]
            }
        );
        assert!(e.to_string().contains("`F1 10 FF EE`"), "{e}");
        let header: String = V4_NTAG215
            .lines()
            .take(22)
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(err(&header), DumpError::NoPages);
        let mut bytes = V4_NTAG215.as_bytes().to_vec();
        bytes.extend_from_slice(b"Page 135: \xff\xfe\n");
        assert_eq!(
            parse(&bytes).unwrap(),
            Err(DumpError::NotText {
                line: V4_NTAG215.lines().count() + 1
            })
        );
        assert_eq!(
            err(&with_line(V4_NTAG215, 22, "Pages read: many")),
            DumpError::BadNumber {
                line: 22,
                key: "Pages read".into(),
                found: "many".into()
            }
        );
    }

    #[test]
    fn reads_a_whole_memory_page_dump() {
        let dump = ok(&ntag213_pages());
        assert_eq!(dump.format, DumpFormat::Pages);
        assert_eq!(dump.uid, [0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6]);
        assert_eq!(dump.card_type, Some(CardType::Ntag213));
        // Cut at the end of user memory: the 5 pages after it are not in it.
        assert_eq!(dump.user_memory.len(), 144);
        assert!(dump.user_memory.starts_with(&image()));
        assert_eq!(
            ndef::parse_card_image(&dump.user_memory).unwrap(),
            [0xaa; 20]
        );
    }

    #[test]
    fn shorter_and_longer_page_dumps() {
        let full = ntag213_pages();
        // Old libnfc: always 16 pages.
        let dump = ok(&full[..64]);
        assert_eq!(dump.user_memory, full[16..64]);
        assert_eq!(
            ndef::parse_card_image(&dump.user_memory).unwrap(),
            [0xaa; 20]
        );
        // Cut inside the image: what is there.
        let dump = ok(&full[..30]);
        assert_eq!(dump.user_memory, image()[..14]);
        // No whole page 3: no card type, no user memory.
        for len in 9..16 {
            let dump = ok(&full[..len]);
            assert_eq!(dump.card_type, None, "{len}");
            assert!(dump.user_memory.is_empty(), "{len}");
        }
        // Longer than the tag: user memory still stops at its end.
        let mut long = full.clone();
        long.extend_from_slice(&[0x55; 100]);
        assert_eq!(ok(&long).user_memory, full[16..160]);
    }

    #[test]
    fn not_a_dump() {
        let full = ntag213_pages();
        // Wrong BCC0, wrong BCC1.
        for at in [3, 8] {
            let mut d = full.clone();
            d[at] ^= 0x01;
            assert_eq!(parse(&d), None, "{at}");
        }
        // Page 3 is not an NTAG21x capability container.
        for cc in [
            [0x00, 0, 0, 0],
            [0xe1, 0x10, 0x06, 0x00],
            [0xf1, 0x10, 0xff, 0xee],
        ] {
            let mut d = full.clone();
            d[12..16].copy_from_slice(&cc);
            assert_eq!(parse(&d), None, "{cc:?}");
        }
        // Too short for both check bytes; a bare card image; text.
        assert_eq!(parse(&full[..8]), None);
        assert_eq!(parse(&[]), None);
        assert_eq!(parse(&image()), None);
        assert_eq!(
            parse(b"HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N"),
            None
        );
        assert_eq!(
            parse(b"Filetype: Flipper SubGhz Key File\nVersion: 1\n"),
            None
        );
        assert_eq!(parse(b"# just a comment\n"), None);
        // Not the first line.
        let late = format!("hello\n{V2_NTAG213}");
        assert_eq!(parse(late.as_bytes()), None);
    }

    #[test]
    fn labels() {
        assert_eq!(DumpFormat::Pages.label(), "tag memory dump from page 0");
        assert_eq!(DumpFormat::Flipper.label(), "Flipper Zero .nfc file");
    }

    #[test]
    fn no_panics_on_cut_or_changed_files() {
        for text in [V2_NTAG213, V4_NTAG215] {
            let bytes = text.as_bytes();
            for len in 0..bytes.len() {
                let _ = parse(&bytes[..len]);
            }
        }
        let full = ntag213_pages();
        for len in 0..full.len() {
            let _ = parse(&full[..len]);
        }
        let bytes = V2_NTAG213.as_bytes();
        for at in (0..bytes.len()).step_by(7) {
            let mut b = bytes.to_vec();
            b[at] = 0xff;
            let _ = parse(&b);
        }
    }
}
