//! QR text: the badge bytes as base45 (RFC 9285, the QR alphanumeric
//! alphabet, as EU digital COVID certificates use) behind a `TSR1:` prefix.
//! The same text rides in a verification link's fragment (`…/#TSR1:…`).

/// Prefix of Tessera QR text (format version 1).
pub const PREFIX: &str = "TSR1:";

/// Why scanned text is not a badge.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum QrError {
    /// The text does not start with `TSR1:`.
    #[error(
        "this QR code is not a Tessera badge (it does not start with {PREFIX}); scan the badge's own QR code"
    )]
    NotTessera,
    /// The base45 text is damaged or cut short.
    #[error("the QR text is damaged or incomplete ({0}); scan it again")]
    Damaged(String),
    /// Making the QR code failed (the badge is too large for a QR code).
    #[error("cannot draw this badge as a QR code: {0}")]
    Encode(String),
}

/// The QR text of a badge: `TSR1:` + base45(bytes).
pub fn to_text(badge: &[u8]) -> String {
    format!("{PREFIX}{}", base45::encode(badge))
}

/// The `TSR1:` text inside a verification link (`https://…/#TSR1:…`,
/// percent-encoded as [`link_fragment`] writes it), or the QR text itself
/// when `text` starts with it; `None` when there is none.
pub fn find_in_link(text: &str) -> Option<String> {
    let text = text.trim();
    if text
        .get(..PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
    {
        // Scanned or pasted QR text: base45 as it is ('%' is in its alphabet).
        return Some(text.to_string());
    }
    let (_, fragment) = text.split_once('#')?;
    let decoded = percent_encoding::percent_decode_str(fragment)
        .decode_utf8()
        .ok()?;
    decoded
        .get(..PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
        .then(|| decoded.into_owned())
}

/// Characters of QR text that a URL fragment cannot carry as they are.
const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'%')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`');

/// The fragment of a verification link for `badge`: `TSR1:` + base45,
/// percent-encoded (base45's space and `%`), without the `#`.
pub fn link_fragment(badge: &[u8]) -> String {
    percent_encoding::utf8_percent_encode(&to_text(badge), FRAGMENT).to_string()
}

/// The badge bytes from scanned QR text. Surrounding whitespace is ignored;
/// the prefix is matched case-insensitively (some scanners lowercase).
pub fn from_text(text: &str) -> Result<Vec<u8>, QrError> {
    let text = text.trim();
    let body = match (text.get(..PREFIX.len()), text.get(PREFIX.len()..)) {
        (Some(p), Some(body)) if p.eq_ignore_ascii_case(PREFIX) => body,
        _ => return Err(QrError::NotTessera),
    };
    let bytes = base45::decode(body).map_err(|_| QrError::Damaged("not base45 text".into()))?;
    // Base45 cannot tell a code cut short by whole character groups: the
    // CBOR can. A message that ends mid-item was not scanned completely.
    if let Err(tessera_core::Error::MalformedCbor { offset }) =
        tessera_core::CoseSign1::from_slice(&bytes)
    {
        return Err(QrError::Damaged(format!(
            "the badge in it ends early, at byte {offset} of {}",
            bytes.len()
        )));
    }
    Ok(bytes)
}
