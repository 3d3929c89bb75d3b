//! The files a badge is shared in: an Open Badges 3.0 credential (plain
//! JSON, or a VC-JWT) carrying the compact badge in its `evidence` as a
//! `data:application/cose` URI, and a baked PNG carrying the credential in
//! an `iTXt` chunk `openbadgecredential` (Open Badges 3.0 baking).
//!
//! This module takes the compact badge out; the desk additionally checks
//! the JWT's signature and that the JSON says what the badge says.

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
/// The largest picture a baked badge may claim, in RGBA bytes (a 512×512
/// badge is 1 MiB).
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
    crate::json::parse(&bytes)
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

/// The vocabulary IRI the Open Badges context gives `OpenBadgeCredential`.
const OPEN_BADGE_CREDENTIAL_IRI: &str =
    "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential";

/// Does `credential` say it is an `OpenBadgeCredential`, in any JSON-LD
/// form of the same statement: under `type` or the keyword `@type` (the
/// VC context makes one an alias of the other), as one string or in an
/// array, by its term or its full IRI?
pub fn is_open_badge(credential: &Value) -> bool {
    ["type", "@type"]
        .iter()
        .filter_map(|k| credential.get(*k))
        .flat_map(|t| match t {
            Value::Array(items) => items.iter().collect::<Vec<_>>(),
            one => vec![one],
        })
        .any(|t| t == "OpenBadgeCredential" || t == OPEN_BADGE_CREDENTIAL_IRI)
}

/// The compact badge inside a credential.
pub fn compact_badge(credential: &Value) -> Result<Vec<u8>, SharedError> {
    if !is_open_badge(credential) {
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

/// The credential text baked into a PNG.
///
/// Only the chunks are read (`img-parts`, which checks every chunk's CRC),
/// never the picture: the credential is what is signed, and the `png`
/// crate's image decoder (60 KB of the web verifier's module, with its
/// inflater) would decode pixels nobody looks at. The text chunk's layout
/// (PNG §11.3.3) is read here.
pub fn unbake(bytes: &[u8]) -> Result<String, SharedError> {
    let unreadable = |why: String| SharedError::PngUnreadable(why);
    if bytes.len() > MAX_PNG_BYTES {
        return Err(unreadable(format!(
            "it is {} bytes; a baked badge is far smaller",
            bytes.len()
        )));
    }
    let png = img_parts::png::Png::from_bytes(bytes.to_vec().into())
        .map_err(|e| unreadable(e.to_string()))?;
    let header = png
        .chunks()
        .first()
        .filter(|c| c.kind() == *b"IHDR" && c.contents().len() == 13)
        .ok_or_else(|| unreadable("it does not start with an image header (IHDR)".into()))?;
    let dimension = |at: usize| {
        header
            .contents()
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u32::from_be_bytes)
    };
    let (width, height) = (dimension(0), dimension(4));
    if u64::from(width) * u64::from(height) * 4 > MAX_PIXEL_BYTES as u64 {
        return Err(unreadable(format!(
            "its picture claims {width} × {height} pixels, far more than a badge image"
        )));
    }
    if png.chunk_by_type(*b"IEND").is_none() {
        return Err(unreadable("it is cut short (no IEND chunk)".into()));
    }
    // Open Badges 3.0 baking uses iTXt; 2.0 used tEXt with the keyword.
    for chunk in png.chunks() {
        let contents = chunk.contents();
        let Some(text) = contents
            .strip_prefix(PNG_KEYWORD.as_bytes())
            .and_then(|rest| rest.strip_prefix(b"\0"))
        else {
            continue;
        };
        match chunk.kind() {
            kind if kind == *b"iTXt" => return itxt_text(text),
            kind if kind == *b"tEXt" => return Ok(text.iter().map(|&b| char::from(b)).collect()),
            _ => {}
        }
    }
    Err(SharedError::PngNoCredential)
}

/// An `iTXt` chunk's text after its keyword: compression flag and method,
/// language tag, translated keyword, then UTF-8 text.
fn itxt_text(after_keyword: &[u8]) -> Result<String, SharedError> {
    let unreadable = |why: &str| SharedError::PngUnreadable(why.into());
    let [flag, _method, rest @ ..] = after_keyword else {
        return Err(unreadable("its credential chunk is cut short"));
    };
    if *flag != 0 {
        return Err(unreadable(
            "its credential chunk is compressed, which Open Badges baking does not allow; bake the badge again",
        ));
    }
    let mut parts = rest.splitn(3, |&b| b == 0);
    let (Some(_language), Some(_translated), Some(text)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(unreadable("its credential chunk is cut short"));
    };
    String::from_utf8(text.to_vec())
        .map_err(|_| unreadable("its credential chunk is not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    // Reason: tests.
    use super::*;

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(kind);
        hasher.update(data);
        let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&hasher.finalize().to_be_bytes());
        out
    }

    /// A 1×1 PNG with `text` chunks between the header and the end (the
    /// picture data is never read, so none is needed).
    fn png(texts: &[(&[u8; 4], Vec<u8>)], end: bool) -> Vec<u8> {
        let mut out = PNG_SIGNATURE.to_vec();
        out.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]));
        for (kind, data) in texts {
            out.extend(chunk(kind, data));
        }
        if end {
            out.extend(chunk(b"IEND", &[]));
        }
        out
    }

    fn itxt(flag: u8, text: &str) -> Vec<u8> {
        let mut data = b"openbadgecredential\0".to_vec();
        data.extend_from_slice(&[flag, 0]);
        data.extend_from_slice(b"en\0\0");
        data.extend_from_slice(text.as_bytes());
        data
    }

    #[test]
    fn the_credential_comes_from_its_itxt_chunk_or_an_older_text_chunk() {
        let other = b"Software\0desk".to_vec();
        let baked = png(
            &[(b"tEXt", other), (b"iTXt", itxt(0, "{\"a\":\"é\"}"))],
            true,
        );
        assert_eq!(unbake(&baked).unwrap(), "{\"a\":\"é\"}");
        let old = png(&[(b"tEXt", b"openbadgecredential\0{}".to_vec())], true);
        assert_eq!(unbake(&old).unwrap(), "{}");
        assert_eq!(unbake(&png(&[], true)), Err(SharedError::PngNoCredential));
    }

    #[test]
    fn damaged_cut_or_compressed_pngs_say_what_is_wrong() {
        let why = |bytes: &[u8]| unbake(bytes).unwrap_err().to_string();
        let compressed = png(&[(b"iTXt", itxt(1, "x"))], true);
        assert!(
            why(&compressed).contains("compressed"),
            "{}",
            why(&compressed)
        );
        let cut = png(&[(b"iTXt", itxt(0, "{}"))], false);
        assert!(why(&cut).contains("no IEND"), "{}", why(&cut));
        let mut bad_crc = png(&[(b"iTXt", itxt(0, "{}"))], true);
        let at = bad_crc.len() - 20;
        *bad_crc.get_mut(at).unwrap() ^= 1;
        assert!(
            why(&bad_crc).contains("cannot be read"),
            "{}",
            why(&bad_crc)
        );
        let no_header = [&PNG_SIGNATURE[..], &chunk(b"IEND", &[])].concat();
        assert!(why(&no_header).contains("IHDR"), "{}", why(&no_header));
        let not_utf8 = png(&[(b"iTXt", [itxt(0, ""), vec![0xff]].concat())], true);
        assert!(why(&not_utf8).contains("UTF-8"), "{}", why(&not_utf8));
    }
}
