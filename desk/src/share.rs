//! Sharing a badge beyond the card: an Open Badges 3.0
//! `OpenBadgeCredential` (plain JSON, or a VC-JWT signed with the issuer's
//! Ed25519 key), and a baked PNG that carries the credential in an `iTXt`
//! chunk with the keyword `openbadgecredential`.
//!
//! Every credential also carries the compact signed badge itself, as an
//! `evidence` entry with a `data:application/cose` URI. So any of these
//! files verifies offline to the same verdict as the card: the reader
//! checks the JWT signature (for a VC-JWT), runs the core verifier on the
//! compact badge, and checks that the JSON says what the signed badge says.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tessera_core::{SigningKey, VerifiedBadge};

pub use tessera_formats::shared::{
    COMPACT_BADGE_URI, JWT_REGISTERED_CLAIMS, PNG_KEYWORD, PNG_SIGNATURE, SharedError,
    looks_like_jwt,
};

/// Why a shared badge file cannot be read: what every verifier finds
/// ([`CredentialError`]), and what only the desk checks (a Data
/// Integrity proof, which the page cannot).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShareError {
    /// The credential or its VC-JWT.
    #[error(transparent)]
    Credential(#[from] CredentialError),
    /// A Data Integrity proof that does not hold, or cannot be checked.
    #[error(transparent)]
    Proof(#[from] tessera_ld::LdError),
    /// A Data Integrity proof by a trusted key that did not sign the badge
    /// inside.
    #[error(
        "this credential's proof was made by key {0}, not by the issuer of the badge inside it: it was re-wrapped"
    )]
    ProofWrongSigner(String),
}

impl From<SharedError> for ShareError {
    fn from(e: SharedError) -> Self {
        ShareError::Credential(e.into())
    }
}

pub use tessera_formats::credential::{
    AchievementText, CredentialError, CredentialInput, Identity, OB3_CONTEXT, VerifiedJwt,
    check_jwt_binding, check_matches, credential, credential_id, jwt_claims_agree, rfc3339,
    status_entry, subject_id, unsigned_fields, unsigned_note, verify_jwt,
};
pub use tessera_ld::did::{did_key, verification_method};

/// The Open Badges `identityHash` of an identity with its claim code as
/// salt: `sha256$` + hex(SHA-256(normalised identity + salt)). The salt is
/// left out of the credential (the recipient holds it, as for the card).
pub fn identity_hash(identity: &str, claim_code: &str) -> String {
    let mut h = Sha256::new();
    h.update(identity.trim().to_lowercase().as_bytes());
    h.update(claim_code.as_bytes());
    format!("sha256${}", hex::encode(h.finalize()))
}

/// What stopped the desk making an export or a signed file. None of it
/// is the user's input: each keeps the library's error as its source (and
/// says it, as the desk's errors are printed one line each).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The Data Integrity proof could not be made.
    #[error("the credential cannot be signed: {0}")]
    Sign(#[source] tessera_ld::LdError),
    /// The VC-JWT could not be made.
    #[error("the VC-JWT cannot be signed: {0}")]
    Jwt(#[source] jsonwebtoken::errors::Error),
    /// The picture could not be encoded.
    #[error("the picture cannot be written as PNG: {0}")]
    Png(#[source] png::EncodingError),
    /// A document could not be written as JSON.
    #[error("{0} cannot be written as JSON: {1}")]
    Json(&'static str, #[source] serde_json::Error),
    /// A status list could not be compressed.
    #[error("the status list cannot be compressed: {0}")]
    Compress(#[source] std::io::Error),
}

/// The credential with its Data Integrity proof (`eddsa-rdfc-2022`) by the
/// issuer's key, `created` at Unix time `created`. A badge's credential is
/// dated at the badge's issue time, so every export of a badge is the same
/// bytes (Ed25519 is deterministic): a re-sent e-mail or a second download
/// matches the first.
pub fn sign_credential(
    credential: &Value,
    key: &SigningKey,
    created: u64,
) -> Result<Value, WriteError> {
    tessera_ld::sign(
        credential,
        key,
        &verification_method(&key.public_key()),
        &rfc3339(created),
    )
    .map_err(WriteError::Sign)
}

/// The credential as a VC-JWT by the Open Badges 3.0 JOSE rules: a compact
/// JWS (`alg` EdDSA, `typ` JWT, `kid` the issuer's verification method
/// `did:key:…#…`) whose payload is the credential itself, with `iss` =
/// `issuer.id`, `jti` = `id`, `nbf` = `validFrom`, `exp` = `validUntil`
/// and `sub` = `credentialSubject.id`.
pub fn vc_jwt(
    credential: &Value,
    badge: &VerifiedBadge<'_>,
    key: &SigningKey,
) -> Result<String, WriteError> {
    let mut header = Header::new(Algorithm::EdDSA);
    header.typ = Some("JWT".into());
    header.kid = Some(verification_method(&key.public_key()));
    let mut claims = credential.clone();
    if let Some(map) = claims.as_object_mut() {
        map.insert("iss".into(), json!(did_key(&key.public_key())));
        map.insert("jti".into(), json!(credential_id(badge)));
        map.insert("nbf".into(), json!(badge.claims.issued_at));
        map.insert("sub".into(), json!(subject_id(badge)));
        if let Some(exp) = badge.claims.expires {
            map.insert("exp".into(), json!(exp));
        }
    }
    // RFC 8410 PrivateKeyInfo for Ed25519: a fixed prefix, then the seed.
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&key.seed());
    let encoding = EncodingKey::from_ed_der(&der);
    der.fill(0);
    jsonwebtoken::encode(&header, &claims, &encoding).map_err(WriteError::Jwt)
}

/// The compact badge inside a credential.
pub fn compact_badge(credential: &Value) -> Result<Vec<u8>, ShareError> {
    Ok(tessera_formats::shared::compact_badge(credential)?)
}

/// Encode pixels as PNG, with an optional `iTXt` chunk (keyword, text),
/// uncompressed, before the image data.
pub fn encode_png(
    pixels: &[u8],
    side: u32,
    color: png::ColorType,
    itxt: Option<(&str, &str)>,
) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    if let Some((keyword, text)) = itxt {
        encoder.add_itxt_chunk(keyword.to_string(), text.to_string())?;
    }
    let mut writer = encoder.write_header()?;
    writer.write_image_data(pixels)?;
    writer.finish()?;
    Ok(out)
}

/// The baked badge: the picture with the credential (a VC-JWT or the
/// credential JSON) in an uncompressed `iTXt` chunk `openbadgecredential`.
pub fn bake(pixels: &[u8], credential_text: &str) -> Result<Vec<u8>, WriteError> {
    encode_png(
        pixels,
        crate::picture::SIDE,
        png::ColorType::Rgb,
        Some((PNG_KEYWORD, credential_text)),
    )
    .map_err(WriteError::Png)
}

/// The credential text baked into a PNG.
pub fn unbake(bytes: &[u8]) -> Result<String, ShareError> {
    Ok(tessera_formats::shared::unbake(bytes)?)
}
