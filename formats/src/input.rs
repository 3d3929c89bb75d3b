//! What an input is, and the compact badge inside it.

use serde_json::Value;

use crate::dump::{self, DumpError, DumpFormat};
use crate::qr_text::{self, QrError};
use crate::shared::{self, PNG_SIGNATURE, SharedError};

/// How the badge came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// QR text, or a verification link with `#TSR1:…`.
    QrText,
    /// COSE_Sign1 bytes (a `.cbor` file).
    Cose,
    /// An NDEF card image (user memory from page 4).
    CardImage,
    /// A whole-tag dump from page 0.
    TagDump,
    /// A Flipper Zero `.nfc` file.
    Flipper,
    /// A baked Open Badges PNG.
    BakedPng,
    /// A VC-JWT.
    VcJwt,
    /// Open Badges 3.0 JSON.
    Ob3Json,
}

impl Via {
    /// A stable machine name (`snake_case`).
    pub const fn code(self) -> &'static str {
        match self {
            Via::QrText => "qr_text",
            Via::Cose => "cbor",
            Via::CardImage => "card_image",
            Via::TagDump => "tag_dump",
            Via::Flipper => "flipper",
            Via::BakedPng => "baked_png",
            Via::VcJwt => "vc_jwt",
            Via::Ob3Json => "ob3_json",
        }
    }
}

/// An input with its compact badge taken out.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// What the input was.
    pub via: Via,
    /// The compact badge: COSE_Sign1 bytes.
    pub badge: Vec<u8>,
    /// The UID a whole-tag dump states (a file's word, not a card read).
    pub tag_uid: Option<Vec<u8>>,
    /// The Open Badges credential the badge came in (not verified here).
    pub credential: Option<Value>,
    /// The VC-JWT it came in, for a verifier that checks its signature.
    pub jwt: Option<String>,
    /// The credential was baked in a PNG.
    pub baked: bool,
}

/// Why an input holds no badge, in words a person can act on.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum InputError {
    /// Nothing was read.
    #[error("the input is empty: nothing was read")]
    Empty,
    /// Not a format a badge comes in.
    #[error(
        "this is not a badge: expected a card dump, a .cbor badge file, QR text starting with TSR1:, a baked badge PNG, a VC-JWT or Open Badges 3.0 JSON"
    )]
    NotABadge,
    /// QR text that is damaged.
    #[error(transparent)]
    Qr(#[from] QrError),
    /// A tag dump that is damaged.
    #[error("{format}: {error}")]
    Dump {
        /// Which kind of dump.
        format: &'static str,
        /// What is wrong with it.
        error: DumpError,
    },
    /// A shared file without a readable badge.
    #[error(transparent)]
    Shared(#[from] SharedError),
    /// The card image in a card file or dump is not a badge's.
    #[error("{0}")]
    Card(tessera_core::Error),
}

impl InputError {
    /// The core error behind it, when there is one (for translating it).
    pub fn core_error(&self) -> Option<tessera_core::Error> {
        match self {
            InputError::Card(e) => Some(*e),
            _ => None,
        }
    }
}

/// Find the compact badge in `input`: a baked PNG, a VC-JWT or OB 3.0 JSON
/// (the badge in the credential's evidence), QR text or a verification
/// link, a whole-tag dump (page 0 or Flipper `.nfc`), a `.cbor` file or an
/// NDEF card image.
pub fn classify(input: &[u8]) -> Result<Input, InputError> {
    let plain = |via, badge| Input {
        via,
        badge,
        tag_uid: None,
        credential: None,
        jwt: None,
        baked: false,
    };
    let (text, baked) = if input.starts_with(&PNG_SIGNATURE) {
        (Some(shared::unbake(input)?), true)
    } else {
        (std::str::from_utf8(input).ok().map(str::to_string), false)
    };
    if let Some(text) = &text {
        let t = text.trim();
        if shared::looks_like_jwt(t) {
            let credential = shared::jwt_credential(&shared::jwt_claims(t)?)?;
            return Ok(Input {
                badge: shared::compact_badge(&credential)?,
                credential: Some(credential),
                jwt: Some(t.to_string()),
                baked,
                ..plain(if baked { Via::BakedPng } else { Via::VcJwt }, Vec::new())
            });
        }
        if t.starts_with('{') {
            let credential: Value = crate::json::parse_str(t).map_err(|e| {
                SharedError::NotCredential(format!("the JSON does not parse ({e})"))
            })?;
            return Ok(Input {
                badge: shared::compact_badge(&credential)?,
                credential: Some(credential),
                baked,
                ..plain(if baked { Via::BakedPng } else { Via::Ob3Json }, Vec::new())
            });
        }
        if baked {
            return Err(SharedError::NotCredential(
                "the PNG's credential chunk holds neither a VC-JWT nor JSON".into(),
            )
            .into());
        }
        if let Some(qr) = qr_text::find_in_link(t) {
            return Ok(plain(Via::QrText, qr_text::from_text(&qr)?));
        }
    }
    if let Some(d) = dump::parse(input) {
        let d = d.map_err(|error| InputError::Dump {
            // Flipper files are text; a page-0 dump never is (its first
            // check byte has the top bit set).
            format: if text.is_some() {
                DumpFormat::Flipper.label()
            } else {
                DumpFormat::Pages.label()
            },
            error,
        })?;
        let badge =
            tessera_core::ndef::parse_card_image(&d.user_memory).map_err(InputError::Card)?;
        let via = match d.format {
            DumpFormat::Pages => Via::TagDump,
            DumpFormat::Flipper => Via::Flipper,
        };
        return Ok(Input {
            tag_uid: Some(d.uid),
            ..plain(via, badge.to_vec())
        });
    }
    match input.first() {
        Some(0xd2) => Ok(plain(Via::Cose, input.to_vec())),
        Some(0x00..=0x03) => {
            let badge = tessera_core::ndef::parse_card_image(input).map_err(InputError::Card)?;
            Ok(plain(Via::CardImage, badge.to_vec()))
        }
        None => Err(InputError::Empty),
        Some(_) => Err(InputError::NotABadge),
    }
}
