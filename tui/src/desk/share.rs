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

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tessera_core::{PublicKey, SigningKey, TrustStore, VerifiedBadge};

/// The JSON-LD contexts of an Open Badges 3.0 credential (VC data model 2.0).
pub const OB3_CONTEXT: [&str; 2] = [
    tessera_ld::contexts::CREDENTIALS_V2,
    tessera_ld::contexts::OB_V3P0,
];
pub use tessera_formats::shared::{
    COMPACT_BADGE_URI, JWT_REGISTERED_CLAIMS, PNG_KEYWORD, PNG_SIGNATURE, SharedError,
    looks_like_jwt,
};

/// Why a shared badge file cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShareError {
    /// The file holds no readable credential or badge (damaged PNG, a
    /// picture without a credential, a malformed JWT, JSON that is not a
    /// credential, no compact badge).
    #[error(transparent)]
    Shared(#[from] SharedError),
    /// `alg: none`.
    #[error("this VC-JWT is unsigned (alg \"none\") and proves nothing; refused")]
    JwtUnsigned,
    /// Any algorithm but EdDSA.
    #[error(
        "this VC-JWT is signed with {0}; Tessera credentials are signed with EdDSA (Ed25519) only, so it is refused"
    )]
    JwtAlgorithm(String),
    /// Signed by a key nobody here trusts.
    #[error(
        "this VC-JWT is signed by key {0}, which is not a trusted issuer here; add the issuer's public key with `tessera trust add` if you trust them"
    )]
    JwtUnknownKey(String),
    /// The signature does not hold.
    #[error("this VC-JWT's signature does not match its contents: it was altered or forged")]
    JwtSignature,
    /// JSON fields that say something else than the signed badge.
    #[error("the credential's {0} does not match its signed badge: it was altered")]
    Mismatch(String),
    /// A VC-JWT whose registered claims say something else than its
    /// credential.
    #[error("this VC-JWT's claims disagree with its credential: {0}")]
    JwtClaims(String),
    /// A Data Integrity proof that does not hold, or cannot be checked.
    #[error(transparent)]
    Proof(#[from] tessera_ld::LdError),
    /// A Data Integrity proof by a trusted key that did not sign the badge
    /// inside.
    #[error(
        "this credential's proof was made by key {0}, not by the issuer of the badge inside it: it was re-wrapped"
    )]
    ProofWrongSigner(String),
    /// A VC-JWT signed by a trusted key, but not the one that signed the
    /// badge inside.
    #[error(
        "this VC-JWT was signed by key {0}, not by the issuer of the badge inside it: it was re-wrapped"
    )]
    JwtWrongSigner(String),
}

/// What a credential is made from besides the verified badge.
pub struct CredentialInput<'a> {
    /// The signed badge bytes (COSE_Sign1).
    pub cose: &'a [u8],
    /// The badge, verified.
    pub badge: &'a VerifiedBadge<'a>,
    /// Issuer name when the badge has none (mini profile).
    pub issuer_name: &'a str,
    /// The recipient's identity (e-mail or candidate id) and claim code,
    /// for the hashed identity; `None` leaves the identity out.
    pub identity: Option<(&'a str, &'a str)>,
    /// The achievement's texts and image from the program's catalogue;
    /// `None` describes it from the badge alone.
    pub achievement: Option<AchievementText<'a>>,
    /// The URL of the badge's published status list credential
    /// (`BitstringStatusListCredential`) and its index there, for
    /// `credentialStatus`; `None` (a desk without a site) leaves revocation
    /// to the compact badge's own status lists.
    pub status_list: Option<(&'a str, u32)>,
}

/// What the catalogue says about an achievement, in the issuer's language.
#[derive(Debug, Clone, Copy)]
pub struct AchievementText<'a> {
    /// The Open Badges `achievementType` (`Certification`, `Assessment`).
    pub achievement_type: &'a str,
    /// Description.
    pub description: Option<&'a str>,
    /// Criteria narrative.
    pub criteria: Option<&'a str>,
    /// The badge image, PNG.
    pub image_png: Option<&'a [u8]>,
}

/// The achievement fields a credential takes from the issuer's catalogue
/// rather than from the signed badge: a verifier cannot rebuild them, so
/// [`check_matches`] leaves them as they are (the Data Integrity proof over
/// the whole credential is what covers them).
const CATALOGUE_FIELDS: [&str; 4] = ["achievementType", "description", "criteria", "image"];

/// Set `key` in a JSON object.
fn set(object: &mut Value, key: &str, value: Value) {
    if let Some(map) = object.as_object_mut() {
        map.insert(key.to_string(), value);
    }
}

/// RFC 3339 UTC time of Unix seconds.
pub fn rfc3339(t: u64) -> String {
    i64::try_from(t)
        .ok()
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map_or_else(
            || t.to_string(),
            |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        )
}

pub use tessera_ld::did::{did_key, verification_method};

/// The credential subject's `id`: a URN of the badge's recipient
/// commitment, which is a salted hash and says nothing about who the
/// recipient is (the compact badge inside carries the same value).
pub fn subject_id(badge: &VerifiedBadge<'_>) -> String {
    format!("urn:tessera:recipient:{}", badge.claims.subject)
}

/// The `credentialStatus` of a badge: entry `index` of the Bitstring
/// Status List credential at `list_url` (see
/// [`status_credential`](super::status_credential) for how the index is
/// chosen).
pub fn status_entry(list_url: &str, index: u32) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

/// The credential's `id`.
pub fn credential_id(badge: &VerifiedBadge<'_>) -> String {
    format!("urn:tessera:badge:{}:{}", badge.kid, badge.claims.serial)
}

/// The Open Badges `identityHash` of an identity with its claim code as
/// salt: `sha256$` + hex(SHA-256(normalised identity + salt)). The salt is
/// left out of the credential (the recipient holds it, as for the card).
pub fn identity_hash(identity: &str, claim_code: &str) -> String {
    let mut h = Sha256::new();
    h.update(identity.trim().to_lowercase().as_bytes());
    h.update(claim_code.as_bytes());
    format!("sha256${}", hex::encode(h.finalize()))
}

/// The `OpenBadgeCredential` of a verified badge.
pub fn credential(input: &CredentialInput<'_>) -> Value {
    let b = input.badge;
    let c = &b.claims;
    let issuer_name = c.issuer.unwrap_or(input.issuer_name);
    let title = c.achievement_name.unwrap_or(c.achievement_id);
    let mut achievement = json!({
        "id": format!("urn:tessera:achievement:{}:{}", b.kid, c.achievement_id),
        "type": ["Achievement"],
        "achievementType": "Certification",
        "humanCode": c.achievement_id,
        "name": title,
        "description": format!("{title} ({}), a certification awarded by {issuer_name}.", c.achievement_id),
        "criteria": {"narrative": format!("Passed the {} certification exam at {issuer_name}.", c.achievement_id)},
    });
    if let Some(t) = &input.achievement {
        set(
            &mut achievement,
            "achievementType",
            json!(t.achievement_type),
        );
        if let Some(d) = t.description {
            set(&mut achievement, "description", json!(d));
        }
        if let Some(n) = t.criteria {
            set(&mut achievement, "criteria", json!({ "narrative": n }));
        }
        if let Some(png) = t.image_png {
            set(
                &mut achievement,
                "image",
                json!({
                    "id": format!("data:image/png;base64,{}", STANDARD.encode(png)),
                    "type": "Image",
                }),
            );
        }
    }
    if let Some(level) = c.level {
        set(&mut achievement, "tag", json!([format!("level {level}")]));
    }
    let mut subject = json!({
        "id": subject_id(b),
        "type": ["AchievementSubject"],
        "achievement": achievement,
    });
    if let Some((identity, code)) = input.identity {
        set(
            &mut subject,
            "identifier",
            json!([{
                "type": "IdentityObject",
                "identityHash": identity_hash(identity, code),
                "identityType": if identity.contains('@') { "emailAddress" } else { "identifier" },
                "hashed": true,
            }]),
        );
    }
    if let Some(name) = c.display_name {
        set(&mut subject, "name", json!(name));
    }
    let mut evidence = vec![json!({
        "id": format!("{COMPACT_BADGE_URI}{}", STANDARD.encode(input.cose)),
        "type": ["Evidence"],
        "name": "Tessera compact badge",
        "description": "The signed COSE_Sign1 badge this credential was made from; it verifies offline with the issuer's public key.",
    })];
    if let Some(url) = c.evidence {
        evidence.push(json!({"id": url, "type": ["Evidence"], "name": "Exam record"}));
    }
    let mut vc = json!({
        "@context": OB3_CONTEXT,
        "id": credential_id(b),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "issuer": {
            "id": did_key(&b.issuer_key),
            "type": ["Profile"],
            "name": issuer_name,
        },
        "validFrom": rfc3339(c.issued_at),
        "credentialSubject": subject,
        "evidence": evidence,
    });
    if let Some((url, index)) = input.status_list {
        set(&mut vc, "credentialStatus", status_entry(url, index));
    }
    if let Some(exp) = c.expires {
        set(&mut vc, "validUntil", json!(rfc3339(exp)));
    }
    vc
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
) -> Result<Value, String> {
    tessera_ld::sign(
        credential,
        key,
        &verification_method(&key.public_key()),
        &rfc3339(created),
    )
    .map_err(|e| e.to_string())
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
) -> Result<String, String> {
    let mut header = Header::new(Algorithm::EdDSA);
    header.typ = Some("JWT".into());
    header.kid = Some(verification_method(&key.public_key()));
    let mut claims = credential.clone();
    set(&mut claims, "iss", json!(did_key(&key.public_key())));
    set(&mut claims, "jti", json!(credential_id(badge)));
    set(&mut claims, "nbf", json!(badge.claims.issued_at));
    set(&mut claims, "sub", json!(subject_id(badge)));
    if let Some(exp) = badge.claims.expires {
        set(&mut claims, "exp", json!(exp));
    }
    // RFC 8410 PrivateKeyInfo for Ed25519: a fixed prefix, then the seed.
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&key.seed());
    let encoding = EncodingKey::from_ed_der(&der);
    der.fill(0);
    jsonwebtoken::encode(&header, &claims, &encoding).map_err(|e| e.to_string())
}

/// Check a VC-JWT's header and signature against `trust`; returns the
/// credential (the `vc` claim), the whole claims set and the key that
/// signed it.
pub fn verify_jwt<const N: usize>(
    token: &str,
    trust: &TrustStore<N>,
) -> Result<(Value, Value, PublicKey), ShareError> {
    let token = token.trim();
    let header_b64 = token.split('.').next().unwrap_or_default();
    let header: Value = URL_SAFE_NO_PAD
        .decode(header_b64)
        .ok()
        .and_then(|h| tessera_formats::json::parse(&h).ok())
        .ok_or_else(|| {
            ShareError::from(SharedError::JwtMalformed(
                "its header is not base64url JSON (with each key once)".into(),
            ))
        })?;
    match header.get("alg").and_then(Value::as_str) {
        Some("EdDSA") => {}
        Some(alg) if alg.eq_ignore_ascii_case("none") => return Err(ShareError::JwtUnsigned),
        Some(alg) => return Err(ShareError::JwtAlgorithm(alg.to_string())),
        None => {
            return Err(SharedError::JwtMalformed("its header names no algorithm".into()).into());
        }
    }
    let kid = header.get("kid").and_then(Value::as_str).ok_or_else(|| {
        ShareError::from(SharedError::JwtMalformed(
            "its header names no key (kid)".into(),
        ))
    })?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    // Time and revocation are judged on the compact badge inside, as for
    // every other input, so the verdict is the same.
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    let mut outcome = Err(ShareError::JwtUnknownKey(kid.to_string()));
    // The kid is a verification method (did:key:…#…, or an issuer URL with
    // a Multikey fragment), or in exports before 0.2 a 4-byte key id, which
    // two keys may share: try each candidate.
    let named = tessera_ld::did::method_key(kid).ok().map(|m| m.key);
    let candidates = trust.iter().filter(|i| match named {
        Some(key) => i.key == key,
        None => i.kid.to_string() == kid,
    });
    for issuer in candidates {
        outcome = jsonwebtoken::decode::<Value>(
            token,
            &DecodingKey::from_ed_der(issuer.key.as_bytes()),
            &validation,
        )
        .map(|data| (data.claims, issuer.key))
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => ShareError::JwtSignature,
            _ => SharedError::JwtMalformed(e.to_string()).into(),
        });
        if outcome.is_ok() {
            break;
        }
    }
    let (claims, key) = outcome?;
    let vc = tessera_formats::shared::jwt_credential(&claims)?;
    jwt_claims_agree(&claims, &vc)?;
    Ok((vc, claims, key))
}

/// Check the OB 3.0 JOSE mapping: a VC-JWT's registered claims say what
/// its credential says (`iss` = `issuer.id`, `jti` = `id`, `nbf` =
/// `validFrom`, `exp` = `validUntil`, `sub` = `credentialSubject.id`).
/// A claim or field that one has and the other lacks disagrees too, except
/// `jti` and `sub`, which are optional.
pub fn jwt_claims_agree(claims: &Value, credential: &Value) -> Result<(), ShareError> {
    let text = |v: &Value, pointer: &str| {
        v.pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let seconds = |field: &str| {
        text(credential, field)
            .map(|t| tessera_ld::proof::parse_time(&t).map_or_else(|| json!(t), |s| json!(s)))
    };
    let issuer = tessera_ld::proof::issuer_id(credential).map(str::to_string);
    let rules: [(&str, Option<Value>, &str, bool); 5] = [
        ("iss", issuer.map(Value::from), "issuer.id", true),
        ("jti", text(credential, "/id").map(Value::from), "id", false),
        ("nbf", seconds("/validFrom"), "validFrom", true),
        ("exp", seconds("/validUntil"), "validUntil", true),
        (
            "sub",
            text(credential, "/credentialSubject/id").map(Value::from),
            "credentialSubject.id",
            false,
        ),
    ];
    for (claim, expected, field, required) in rules {
        let given = claims.get(claim);
        let agrees = match (given, &expected) {
            (Some(g), Some(e)) => g == e,
            (None, None) => true,
            (None, Some(_)) => !required,
            (Some(_), None) => false,
        };
        if !agrees {
            let shown =
                |v: Option<&Value>| v.map_or_else(|| "nothing".to_string(), Value::to_string);
            return Err(ShareError::JwtClaims(format!(
                "its claim `{claim}` is {} but its credential's {field} is {}",
                shown(given),
                shown(expected.as_ref())
            )));
        }
    }
    Ok(())
}

/// Check that a VC-JWT belongs to the badge inside it: signed by the
/// badge's issuer key ([`jwt_claims_agree`] has bound its claims to the
/// credential, and [`check_matches`] the credential to the badge).
pub fn check_jwt_binding(signer: &PublicKey, badge: &VerifiedBadge<'_>) -> Result<(), ShareError> {
    if *signer != badge.issuer_key {
        return Err(ShareError::JwtWrongSigner(signer.kid().to_string()));
    }
    Ok(())
}

/// The compact badge inside a credential.
pub fn compact_badge(credential: &Value) -> Result<Vec<u8>, ShareError> {
    Ok(tessera_formats::shared::compact_badge(credential)?)
}

/// Check that the credential says exactly what its verified compact badge
/// says: the credential rebuilt from the badge must equal it field by
/// field, with nothing added. Some fields cannot be rebuilt and are left as
/// they are: the recipient `identifier` (a hash with the candidate's claim
/// code, which the badge does not carry), for mini badges, which carry no
/// issuer name, `issuer.name`, the achievement's texts and image from
/// the issuer's catalogue (`achievementType`, `description`, `criteria`,
/// `image`), `credentialStatus` (where the issuer publishes its status
/// list) and the `proof`. A Data Integrity proof by the badge's issuer is
/// what signs them; without one, they are unsigned words.
pub fn check_matches(
    credential: &Value,
    badge: &VerifiedBadge<'_>,
    cose: &[u8],
) -> Result<(), ShareError> {
    let given_name = credential
        .pointer("/issuer/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut expected = self::credential(&CredentialInput {
        cose,
        badge,
        issuer_name: given_name,
        identity: None,
        achievement: None,
        status_list: None,
    });
    // Where the issuer publishes its status list is not in the badge.
    if let Some(status) = credential.get("credentialStatus") {
        set(&mut expected, "credentialStatus", status.clone());
    }
    // The proof is checked on its own (`tessera_ld::verify`).
    if let Some(proof) = credential.get("proof") {
        set(&mut expected, "proof", proof.clone());
    }
    if let Some(identifier) = credential.pointer("/credentialSubject/identifier")
        && let Some(subject) = expected.get_mut("credentialSubject")
    {
        set(subject, "identifier", identifier.clone());
    }
    if let (Some(given), Some(rebuilt)) = (
        credential.pointer("/credentialSubject/achievement"),
        expected.pointer_mut("/credentialSubject/achievement"),
    ) {
        for field in CATALOGUE_FIELDS {
            match given.get(field) {
                Some(v) => set(rebuilt, field, v.clone()),
                None => {
                    if let Some(map) = rebuilt.as_object_mut() {
                        map.remove(field);
                    }
                }
            }
        }
    }
    match first_difference(&expected, credential, "") {
        None => Ok(()),
        Some(path) => Err(ShareError::Mismatch(path)),
    }
}

/// The fields of an unsigned credential (no Data Integrity proof) that
/// [`check_matches`] cannot check against the signed badge inside, as they
/// are present: unsigned words a verdict must name, not vouch for.
/// `badge_names_issuer`: the compact badge carries the issuer's name (a
/// mini badge does not, so the JSON's `issuer.name` is unsigned too).
pub fn unsigned_fields(credential: &Value, badge_names_issuer: bool) -> Vec<&'static str> {
    let has = |pointer: &str| credential.pointer(pointer).is_some();
    let mut out = Vec::new();
    if has("/credentialSubject/identifier") {
        out.push("the recipient identifier");
    }
    if !badge_names_issuer && has("/issuer/name") {
        out.push("the issuer's name");
    }
    for (field, name) in [
        ("achievementType", "the achievement type"),
        ("description", "the description"),
        ("criteria", "the criteria"),
        ("image", "the image"),
    ] {
        if has(&format!("/credentialSubject/achievement/{field}")) {
            out.push(name);
        }
    }
    if has("/credentialStatus") {
        out.push("the revocation list entry");
    }
    out
}

/// The path of the first place where two JSON values differ.
fn first_difference(expected: &Value, given: &Value, path: &str) -> Option<String> {
    let at = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (expected, given) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                match b.get(key) {
                    Some(other) => {
                        if let Some(p) = first_difference(value, other, &at(key)) {
                            return Some(p);
                        }
                    }
                    None => return Some(at(key)),
                }
            }
            b.keys().find(|k| !a.contains_key(*k)).map(|k| at(k))
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(path.to_string());
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]")))
        }
        (a, b) if a == b => None,
        _ => Some(path.to_string()),
    }
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
pub fn bake(pixels: &[u8], credential_text: &str) -> Result<Vec<u8>, String> {
    encode_png(
        pixels,
        crate::desk::picture::SIDE,
        png::ColorType::Rgb,
        Some((PNG_KEYWORD, credential_text)),
    )
    .map_err(|e| e.to_string())
}

/// The credential text baked into a PNG.
pub fn unbake(bytes: &[u8]) -> Result<String, ShareError> {
    Ok(tessera_formats::shared::unbake(bytes)?)
}
