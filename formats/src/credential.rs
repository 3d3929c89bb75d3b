//! Open Badges 3.0 credentials made from a compact badge, and how every
//! verifier judges one: a VC-JWT's signature and claims, and whether the
//! credential says exactly what its signed badge says.
//!
//! The desk and the page both call these, so a credential gets one verdict
//! wherever it is checked. A credential's Data Integrity proof is checked
//! by `tessera-ld` (JSON-LD canonicalization), which the desk links and the
//! page's module cannot hold within its size budget.
//!
//! The VC-JWT's signature is checked with the core's Ed25519, not a JOSE
//! crate: the page links no JOSE crate (one would bring a second Ed25519
//! into a module with a size budget), and the desk must judge a token
//! exactly as the page does. What such a token may be is narrow (compact
//! JWS, `alg` EdDSA, no critical extensions); PyJWT and `jose` check the
//! desk's tokens in the interop tests, and this reads theirs.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use tessera_core::{PublicKey, Signature, TrustStore, Verdict, VerifiedBadge};

use crate::did::{did_key, method_key};
use crate::shared::{COMPACT_BADGE_URI, SharedError, jwt_credential};

/// The VC data model 2.0 context.
pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// The Open Badges 3.0 context (version 3.0.3).
pub const OB_V3P0: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The JSON-LD contexts of an Open Badges 3.0 credential.
pub const OB3_CONTEXT: [&str; 2] = [CREDENTIALS_V2, OB_V3P0];

/// Why a credential is not what its signed badge says, or its VC-JWT does
/// not hold.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum CredentialError {
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
    /// A VC-JWT signed by a trusted key, but not the one that signed the
    /// badge inside.
    #[error(
        "this VC-JWT was signed by key {0}, not by the issuer of the badge inside it: it was re-wrapped"
    )]
    JwtWrongSigner(String),
    /// A Data Integrity proof by a trusted key that did not sign the badge
    /// inside.
    #[error(
        "this credential's proof was made by key {0}, not by the issuer of the badge inside it: it was re-wrapped"
    )]
    ProofWrongSigner(String),
}

impl CredentialError {
    /// The verdict on a credential refused for this: the same at the desk
    /// and on the page.
    pub const fn verdict(&self) -> Verdict {
        match self {
            CredentialError::JwtUnknownKey(_) => Verdict::UnknownIssuer,
            CredentialError::JwtUnsigned
            | CredentialError::JwtAlgorithm(_)
            | CredentialError::JwtSignature
            | CredentialError::Mismatch(_)
            | CredentialError::JwtClaims(_)
            | CredentialError::JwtWrongSigner(_)
            | CredentialError::ProofWrongSigner(_) => Verdict::Forged,
            CredentialError::Shared(_) => Verdict::Unreadable,
        }
    }
}

/// The recipient's identity in a credential: the Open Badges
/// `identityHash` (the desk makes it from the identity and the claim code,
/// which the credential leaves out) and whether it is an e-mail address.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    /// `sha256$…`.
    pub hash: &'a str,
    /// An e-mail address (`emailAddress`), or another identifier.
    pub email: bool,
}

/// What a credential is made from besides the verified badge.
pub struct CredentialInput<'a> {
    /// The signed badge bytes (COSE_Sign1).
    pub cose: &'a [u8],
    /// The badge, verified.
    pub badge: &'a VerifiedBadge<'a>,
    /// Issuer name when the badge has none (mini profile).
    pub issuer_name: &'a str,
    /// The recipient's hashed identity; `None` leaves it out.
    pub identity: Option<Identity<'a>>,
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
        // The Display of the date and of the time (whole seconds: no
        // fraction) are `YYYY-MM-DD` and `HH:MM:SS`; `format(…)` would print
        // the same through chrono's strftime parser (10 KB of the page's
        // module).
        .map_or_else(
            || t.to_string(),
            |d| format!("{}T{}Z", d.date_naive(), d.time()),
        )
}

/// Unix seconds of an RFC 3339 date and time.
pub fn parse_time(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp())
}

/// The credential subject's `id`: a URN of the badge's recipient
/// commitment, which is a salted hash and says nothing about who the
/// recipient is (the compact badge inside carries the same value).
pub fn subject_id(badge: &VerifiedBadge<'_>) -> String {
    format!("urn:tessera:recipient:{}", badge.claims.subject)
}

/// The `credentialStatus` of a badge: entry `index` of the Bitstring
/// Status List credential at `list_url`.
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

/// The credential's issuer id (`issuer` as a string, or `issuer.id`).
pub fn issuer_id(credential: &Value) -> Option<&str> {
    let issuer = credential.get("issuer")?;
    issuer
        .as_str()
        .or_else(|| issuer.get("id").and_then(Value::as_str))
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
    if let Some(identity) = input.identity {
        set(
            &mut subject,
            "identifier",
            json!([{
                "type": "IdentityObject",
                "identityHash": identity.hash,
                "identityType": if identity.email { "emailAddress" } else { "identifier" },
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

/// The text of a shared file: the credential baked in a PNG, or the
/// input itself when it is UTF-8.
fn shared_text(input: &[u8]) -> Option<String> {
    if input.starts_with(&crate::shared::PNG_SIGNATURE) {
        crate::shared::unbake(input).ok()
    } else {
        std::str::from_utf8(input).ok().map(str::to_string)
    }
}

/// The VC-JWT in an input (as text, or baked in a PNG), if there is one.
pub fn jwt_in(input: &[u8]) -> Option<String> {
    let text = shared_text(input)?;
    crate::shared::looks_like_jwt(&text).then(|| text.trim().to_string())
}

/// The credential JSON in an input (as text, or baked in a PNG), if it is
/// a JSON object with each key once.
pub fn json_in(input: &[u8]) -> Option<Value> {
    let text = shared_text(input)?;
    let text = text.trim();
    if !text.starts_with('{') {
        return None;
    }
    crate::json::parse_str(text).ok()
}

/// A VC-JWT whose signature held.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedJwt {
    /// The credential (the `vc` claim, or the payload without the
    /// registered claims).
    pub credential: Value,
    /// The whole claims set.
    pub claims: Value,
    /// The key that signed it.
    pub signer: PublicKey,
}

/// Check a VC-JWT's header and signature against `trust`, and that its
/// registered claims say what its credential says ([`jwt_claims_agree`]).
///
/// The token is a compact JWS of three base64url parts (no padding); its
/// header names `alg` EdDSA, no `crit` extensions, and a `kid`: a
/// verification method (`did:key:…#…`, or an issuer URL with a Multikey
/// fragment), or in exports before 0.2 a 4-byte key id, which two keys may
/// share (each is tried). Time and revocation are judged on the compact
/// badge inside, as for every other input.
pub fn verify_jwt<const N: usize>(
    token: &str,
    trust: &TrustStore<N>,
) -> Result<VerifiedJwt, CredentialError> {
    let malformed = |why: &str| CredentialError::from(SharedError::JwtMalformed(why.into()));
    let token = token.trim();
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed(
            "it is not three base64url parts separated by dots",
        ));
    };
    let header: Value = URL_SAFE_NO_PAD
        .decode(header_b64)
        .ok()
        .and_then(|h| crate::json::parse(&h).ok())
        .filter(Value::is_object)
        .ok_or_else(|| malformed("its header is not base64url JSON (with each key once)"))?;
    match header.get("alg").and_then(Value::as_str) {
        Some("EdDSA") => {}
        Some(alg) if alg.eq_ignore_ascii_case("none") => return Err(CredentialError::JwtUnsigned),
        Some(alg) => return Err(CredentialError::JwtAlgorithm(alg.to_string())),
        None => return Err(malformed("its header names no algorithm")),
    }
    if header.get("crit").is_some() {
        return Err(malformed(
            "its header names critical extensions (crit), which no Tessera verifier understands",
        ));
    }
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("its header names no key (kid)"))?;
    let signed = token
        .get(..header_b64.len() + 1 + payload_b64.len())
        .unwrap_or_default()
        .as_bytes();
    let named = method_key(kid).map(|m| m.key);
    let mut candidates = trust
        .iter()
        .filter(|i| match named {
            Some(key) => i.key == key,
            None => i.kid.to_string() == kid,
        })
        .peekable();
    if candidates.peek().is_none() {
        return Err(CredentialError::JwtUnknownKey(kid.to_string()));
    }
    // A signature that is not 64 bytes of base64url does not match either:
    // an altered token, as for any other signature that fails.
    let signature = URL_SAFE_NO_PAD
        .decode(signature_b64)
        .ok()
        .and_then(|s| Signature::try_from(s.as_slice()).ok())
        .ok_or(CredentialError::JwtSignature)?;
    let signer = candidates
        .map(|i| i.key)
        .find(|key| key.verify(signed, &signature).is_ok())
        .ok_or(CredentialError::JwtSignature)?;
    let claims = URL_SAFE_NO_PAD
        .decode(payload_b64)
        .ok()
        .and_then(|p| crate::json::parse(&p).ok())
        .filter(Value::is_object)
        .ok_or_else(|| {
            malformed("its payload is not a base64url JSON object (with each key once)")
        })?;
    let credential = jwt_credential(&claims)?;
    jwt_claims_agree(&claims, &credential)?;
    Ok(VerifiedJwt {
        credential,
        claims,
        signer,
    })
}

/// Check the OB 3.0 JOSE mapping: a VC-JWT's registered claims say what
/// its credential says (`iss` = `issuer.id`, `jti` = `id`, `nbf` =
/// `validFrom`, `exp` = `validUntil`, `sub` = `credentialSubject.id`).
/// A claim or field that one has and the other lacks disagrees too, except
/// `jti` and `sub`, which are optional.
pub fn jwt_claims_agree(claims: &Value, credential: &Value) -> Result<(), CredentialError> {
    let text = |v: &Value, pointer: &str| {
        v.pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let seconds = |field: &str| {
        text(credential, field).map(|t| parse_time(&t).map_or_else(|| json!(t), |s| json!(s)))
    };
    let issuer = issuer_id(credential).map(str::to_string);
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
            return Err(CredentialError::JwtClaims(format!(
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
pub fn check_jwt_binding(
    signer: &PublicKey,
    badge: &VerifiedBadge<'_>,
) -> Result<(), CredentialError> {
    if *signer != badge.issuer_key {
        return Err(CredentialError::JwtWrongSigner(signer.kid().to_string()));
    }
    Ok(())
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
/// what signs them; without one, they are unsigned words
/// ([`unsigned_fields`]).
pub fn check_matches(
    credential: &Value,
    badge: &VerifiedBadge<'_>,
    cose: &[u8],
) -> Result<(), CredentialError> {
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
        Some(path) => Err(CredentialError::Mismatch(path)),
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

/// What a verdict says of an unsigned credential (no Data Integrity
/// proof, not a VC-JWT) judged on its compact badge `cose`: `via`, then
/// every field of it the badge cannot vouch for ([`unsigned_fields`]).
pub fn unsigned_note(via: &str, credential: &Value, cose: &[u8]) -> String {
    let names_issuer = tessera_core::CoseSign1::from_slice(cose)
        .ok()
        .and_then(|m| tessera_core::BadgeClaims::decode(m.payload, m.payload_offset).ok())
        .is_some_and(|claims| claims.issuer.is_some());
    let fields = unsigned_fields(credential, names_issuer);
    if fields.is_empty() {
        via.to_string()
    } else {
        format!(
            "{via}; not signed, so not vouched for: {}",
            fields.join(", ")
        )
    }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use tessera_core::SigningKey;

    /// A compact JWS of `header` and `payload` signed by `key`.
    fn token(header: &Value, payload: &Value, key: &SigningKey) -> String {
        let h = URL_SAFE_NO_PAD.encode(serde_json::to_vec(header).unwrap());
        let p = URL_SAFE_NO_PAD.encode(serde_json::to_vec(payload).unwrap());
        let signed = format!("{h}.{p}");
        let sig = key.sign(signed.as_bytes());
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(sig.as_bytes()))
    }

    #[test]
    fn a_vc_jwt_with_critical_extensions_or_not_three_parts_is_refused_by_name() {
        let key = SigningKey::from_seed([5; 32]).unwrap();
        let mut trust: TrustStore<4> = TrustStore::new();
        trust.add(key.public_key()).unwrap();
        let kid = crate::did::verification_method(&key.public_key());
        let payload = json!({"@context": ["https://www.w3.org/ns/credentials/v2"]});
        // Signed by the trusted key, so only the header can be at fault.
        let crit = token(
            &json!({"alg": "EdDSA", "kid": kid, "crit": ["exp"], "exp": 1}),
            &payload,
            &key,
        );
        let e = verify_jwt(&crit, &trust).err().unwrap();
        assert!(e.to_string().contains("critical extensions (crit)"), "{e}");
        assert_eq!(e.verdict(), Verdict::Unreadable);
        let plain = token(&json!({"alg": "EdDSA", "kid": kid}), &payload, &key);
        let two = plain.rsplit_once('.').unwrap().0;
        let four = format!("{plain}.AA");
        for bad in [two, four.as_str()] {
            let e = verify_jwt(bad, &trust).err().unwrap();
            assert!(e.to_string().contains("not three base64url parts"), "{e}");
        }
    }
}
