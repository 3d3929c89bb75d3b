//! The files a badge is shared in: an Open Badges 3.0 credential (plain
//! JSON, or a VC-JWT) carrying the compact badge in its `evidence` as a
//! `data:application/cose` URI, and a baked PNG carrying the credential in
//! an `iTXt` chunk `openbadgecredential` (Open Badges 3.0 baking).
//!
//! This module takes the compact badge out; the desk additionally checks
//! the JWT's signature and that the JSON says what the badge says.

use std::io::Cursor;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value;

/// The PNG chunk keyword of a baked Open Badges credential.
pub const PNG_KEYWORD: &str = "openbadgecredential";
/// The start of the data URI that carries the compact badge in `evidence`.
pub const COMPACT_BADGE_URI: &str = "data:application/cose;cose-type=cose-sign1;base64,";
/// The first eight bytes of every PNG file.
pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
/// The largest PNG read (baked badges are under 100 KB).
const MAX_PNG_BYTES: usize = 16 * 1024 * 1024;
/// The largest decoded picture read (a 512×512 RGBA badge is 1 MiB).
const MAX_PIXEL_BYTES: usize = 64 * 1024 * 1024;

/// Why a shared file holds no readable badge.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SharedError {
    /// The PNG is damaged.
    #[error("this PNG cannot be read ({0}); export the badge image again")]
    PngUnreadable(String),
    /// A PNG without the credential chunk.
    #[error(
        "this PNG has no `openbadgecredential` chunk, so it is a picture, not a baked badge; ask for the badge file or its QR code"
    )]
    PngNoCredential,
    /// The JWT is not three base64url parts with JSON inside.
    #[error("this VC-JWT is damaged: {0}")]
    JwtMalformed(String),
    /// JSON that is not an OpenBadgeCredential.
    #[error("this is not an Open Badges credential: {0}")]
    NotCredential(String),
    /// No compact badge inside.
    #[error(
        "this credential carries no Tessera compact badge (evidence with a data:application/cose URI), so it cannot be checked offline"
    )]
    NoCompactBadge,
}

/// Does `text` look like a compact JWS (three base64url parts)?
pub fn looks_like_jwt(text: &str) -> bool {
    let text = text.trim();
    text.starts_with("eyJ")
        && text.split('.').count() == 3
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The claims of a JWT (its middle part), not verified.
pub fn jwt_claims(token: &str) -> Result<Value, SharedError> {
    let payload = token
        .trim()
        .split('.')
        .nth(1)
        .ok_or_else(|| SharedError::JwtMalformed("it has no payload".into()))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| SharedError::JwtMalformed("its payload is not base64url".into()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| SharedError::JwtMalformed(format!("its payload is not JSON ({e})")))
}

/// The JWT claims that are the JWT's own, not the credential's (OB 3.0
/// mirrors the credential's `issuer.id`, `id`, `validFrom`, `validUntil`
/// and `credentialSubject.id` in them).
pub const JWT_REGISTERED_CLAIMS: [&str; 7] = ["iss", "jti", "nbf", "exp", "sub", "iat", "aud"];

/// The credential of a VC-JWT's claims. By the OB 3.0 JOSE rules the
/// payload is the credential itself, with the registered claims beside
/// its fields; VC 1.1-style tokens (and Tessera's before 0.2) wrap it in a
/// `vc` claim, which is read too.
pub fn jwt_credential(claims: &Value) -> Result<Value, SharedError> {
    if let Some(vc) = claims.get("vc") {
        return Ok(vc.clone());
    }
    let Some(map) = claims.as_object().filter(|m| m.contains_key("@context")) else {
        return Err(SharedError::NotCredential(
            "the JWT's payload is not a credential (no @context) and has no `vc` claim".into(),
        ));
    };
    let mut credential = map.clone();
    for claim in JWT_REGISTERED_CLAIMS {
        credential.remove(claim);
    }
    Ok(Value::Object(credential))
}

/// The compact badge inside a credential.
pub fn compact_badge(credential: &Value) -> Result<Vec<u8>, SharedError> {
    let types = credential.get("type").and_then(Value::as_array);
    if !types.is_some_and(|t| t.iter().any(|t| t == "OpenBadgeCredential")) {
        return Err(SharedError::NotCredential(
            "its type does not include OpenBadgeCredential".into(),
        ));
    }
    credential
        .get("evidence")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("id").and_then(Value::as_str))
        .find_map(|id| id.strip_prefix(COMPACT_BADGE_URI))
        .ok_or(SharedError::NoCompactBadge)
        .and_then(|b64| {
            STANDARD
                .decode(b64)
                .map_err(|_| SharedError::NoCompactBadge)
        })
}

/// The credential text baked into a PNG (read with the `png` crate, chunks
/// before and after the image data). Sizes are checked before allocating.
pub fn unbake(bytes: &[u8]) -> Result<String, SharedError> {
    let bad = |e: png::DecodingError| SharedError::PngUnreadable(e.to_string());
    if bytes.len() > MAX_PNG_BYTES {
        return Err(SharedError::PngUnreadable(format!(
            "it is {} bytes; a baked badge is far smaller",
            bytes.len()
        )));
    }
    let decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: MAX_PIXEL_BYTES,
        },
    );
    let mut reader = decoder.read_info().map_err(bad)?;
    // The header's size is the sender's claim: refuse before allocating.
    let size = reader.output_buffer_size().unwrap_or(usize::MAX);
    if size > MAX_PIXEL_BYTES {
        let info = reader.info();
        return Err(SharedError::PngUnreadable(format!(
            "its picture claims {} × {} pixels, far more than a badge image",
            info.width, info.height
        )));
    }
    let mut buf = vec![0; size];
    reader.next_frame(&mut buf).map_err(bad)?;
    reader.finish().map_err(bad)?;
    let info = reader.info();
    if let Some(chunk) = info.utf8_text.iter().find(|c| c.keyword == PNG_KEYWORD) {
        return chunk
            .get_text()
            .map_err(|e| SharedError::PngUnreadable(e.to_string()));
    }
    // Open Badges 2.0 baking used tEXt with the same keyword family.
    if let Some(chunk) = info
        .uncompressed_latin1_text
        .iter()
        .find(|c| c.keyword == PNG_KEYWORD)
    {
        return Ok(chunk.text.clone());
    }
    Err(SharedError::PngNoCredential)
}
