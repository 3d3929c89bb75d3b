//! Public-key export and import: COSE_Key (CBOR, RFC 9052 §7) and JWK
//! (RFC 8037 OKP), one key or a set (a JWK Set, RFC 7517 §5, or a
//! COSE_KeySet, a CBOR array of COSE_Keys), and the kiosk's raw trust file.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tessera_core::PublicKey;

use crate::DeskError;

/// The COSE_Key of a public key.
pub fn cose_key(key: &PublicKey) -> Result<Vec<u8>, DeskError> {
    // An Ed25519 COSE_Key is under 60 bytes.
    let mut buf = vec![0u8; 128];
    let n = key.to_cose_key(&mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

/// The JWK of a public key, with `kid` (hex) and `alg` EdDSA.
pub fn jwk(key: &PublicKey) -> String {
    jwk_value(key).to_string()
}

fn jwk_value(key: &PublicKey) -> serde_json::Value {
    serde_json::json!({
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": "EdDSA",
        "use": "sig",
        "kid": key.kid().to_string(),
        "x": URL_SAFE_NO_PAD.encode(key.as_bytes()),
    })
}

/// A JWK Set of keys, each JWK with a `name` member. Each key is in it
/// under every identifier Tessera's credentials name it by: the short
/// `kid` of the COSE badges and status lists, and the did:key
/// verification method in the VC-JWT's header `kid`, so a JOSE library
/// picks the key for either by `kid`.
pub fn jwks(keys: &[(PublicKey, String)]) -> String {
    jwks_with_lists(keys, &[], &super::lists_source::Reasons::default())
}

/// [`jwks`] carrying signed status lists and their reasons besides the
/// keys (in the members
/// [`JWKS_LISTS_MEMBER`](super::lists_source::JWKS_LISTS_MEMBER) and
/// [`JWKS_REASONS_MEMBER`](super::lists_source::JWKS_REASONS_MEMBER),
/// which JOSE libraries ignore), for `tessera trust add` or `trust lists`
/// at another center.
pub fn jwks_with_lists(
    keys: &[(PublicKey, String)],
    lists: &[Vec<u8>],
    reasons: &super::lists_source::Reasons,
) -> String {
    let keys: Vec<serde_json::Value> = keys
        .iter()
        .flat_map(|(key, name)| {
            let method = tessera_ld::did::verification_method(key);
            [key.kid().to_string(), method].map(|kid| {
                let mut jwk = jwk_value(key);
                if let Some(map) = jwk.as_object_mut() {
                    map.insert("kid".into(), kid.into());
                    map.insert("name".into(), name.clone().into());
                }
                jwk
            })
        })
        .collect();
    // `{:#}` is serde_json's pretty printer, which cannot fail on a Value.
    let mut set = serde_json::json!({ "keys": keys });
    if !lists.is_empty()
        && let Some(map) = set.as_object_mut()
    {
        map.insert(
            super::lists_source::JWKS_LISTS_MEMBER.into(),
            super::lists_source::jwks_member(lists),
        );
        if let Ok(reasons) = serde_json::to_value(reasons) {
            map.insert(super::lists_source::JWKS_REASONS_MEMBER.into(), reasons);
        }
    }
    format!("{set:#}\n")
}

/// A COSE_KeySet: a CBOR array of COSE_Keys. As in [`jwks`], each key is
/// in it under every identifier Tessera's credentials name it by: the
/// short `kid` (the COSE badges' and status lists' header) and the did:key
/// verification method (the VC-JWT's header `kid`, as UTF-8 bytes), so a
/// COSE library picks the key for either by `kid`.
pub fn cose_key_set(keys: &[(PublicKey, String)]) -> Result<Vec<u8>, DeskError> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail (its write error is `Infallible`).
    let _ = minicbor::Encoder::new(&mut out).array(2 * keys.len() as u64);
    for (key, _) in keys {
        out.extend_from_slice(&cose_key(key)?);
        let method = tessera_ld::did::verification_method(key);
        out.extend_from_slice(&cose_key_with_kid(key, method.as_bytes()));
    }
    Ok(out)
}

/// The COSE_Key of `key` (as [`cose_key`] writes it: OKP, Ed25519, alg
/// EdDSA, deterministic CBOR) under another `kid`.
fn cose_key_with_kid(key: &PublicKey, kid: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail (its write error is `Infallible`).
    let _ = minicbor::Encoder::new(&mut out)
        .map(5)
        .and_then(|e| e.u8(1)?.u8(1)) // kty: OKP
        .and_then(|e| e.u8(2)?.bytes(kid))
        .and_then(|e| e.u8(3)?.i8(-8)) // alg: EdDSA
        .and_then(|e| e.i8(-1)?.u8(6)) // crv: Ed25519
        .and_then(|e| e.i8(-2)?.bytes(key.as_bytes())); // x
    out
}

/// The kiosk trust file: each key's 32 raw bytes, one after another (what
/// the firmware reads as `trust.bin`).
pub fn kiosk_trust(keys: &[(PublicKey, String)]) -> Vec<u8> {
    keys.iter().flat_map(|(k, _)| *k.as_bytes()).collect()
}

/// A trust file read once: its keys, and what a JWK Set from
/// [`jwks_with_lists`] carries besides (the other center's status lists
/// and the reasons it gave).
#[derive(Debug, Default)]
pub struct TrustFile {
    /// Every public key in it, each once.
    pub keys: Vec<PublicKey>,
    /// The signed status lists it carries (a CBOR sequence), if any.
    pub lists: Option<Vec<u8>>,
    /// The reasons it carries for revoked and suspended badges.
    pub reasons: super::lists_source::Reasons,
}

/// Read a trust file: a JWK, a JWK Set (with the lists and reasons `trust
/// export` puts in it), a COSE_Key, a COSE_KeySet, or a key written out as
/// text. JSON is read once, refusing a key named twice.
pub fn read_trust_file(bytes: &[u8]) -> Result<TrustFile, DeskError> {
    let json = if bytes.trim_ascii_start().starts_with(b"{") {
        Some(
            tessera_formats::json::parse(bytes)
                .map_err(|e| DeskError::Input(format!("the key file is not valid JSON: {e}")))?,
        )
    } else {
        None
    };
    let Some(json) = json else {
        return Ok(TrustFile {
            keys: parse_public_keys(bytes, None)?,
            ..TrustFile::default()
        });
    };
    let lists = json
        .get(super::lists_source::JWKS_LISTS_MEMBER)
        .map(|_| super::lists_source::lists_in(&json))
        .transpose()?;
    Ok(TrustFile {
        keys: parse_public_keys(bytes, Some(&json))?,
        lists,
        reasons: super::lists_source::reasons_of(&json),
    })
}

/// Every public key in a key file (`json`: its bytes already read as JSON):
/// a JWK, a JWK Set, a COSE_Key or a COSE_KeySet.
fn parse_public_keys(
    bytes: &[u8],
    json: Option<&serde_json::Value>,
) -> Result<Vec<PublicKey>, DeskError> {
    if let Some(v) = json {
        let Some(keys) = v.get("keys").and_then(serde_json::Value::as_array) else {
            return jwk_key(v).map(|k| vec![k]);
        };
        if keys.is_empty() {
            return Err(DeskError::Input("the JWK Set holds no keys".into()));
        }
        let mut found: Vec<PublicKey> = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let key = jwk_key(k)
                .map_err(|e| DeskError::Input(format!("key {} of the JWK Set: {e}", i + 1)))?;
            // One key under several `kid`s (see [`jwks`]) is one key.
            if !found.contains(&key) {
                found.push(key);
            }
        }
        return Ok(found);
    }
    if bytes.first().is_some_and(|b| b >> 5 == 4) {
        // A CBOR array: a COSE_KeySet.
        let mut d = minicbor::Decoder::new(bytes);
        let n =
            d.array().ok().flatten().ok_or_else(|| {
                DeskError::Input("the COSE_KeySet is not a definite array".into())
            })?;
        if n == 0 || n > 128 {
            return Err(DeskError::Input(format!(
                "the COSE_KeySet holds {n} keys; expected 1 to 128 (64 keys, each under two kids)"
            )));
        }
        let mut keys: Vec<PublicKey> = Vec::new();
        for i in 0..n {
            let start = d.position();
            d.skip().map_err(|_| {
                DeskError::Input(format!("key {} of the COSE_KeySet is damaged", i + 1))
            })?;
            let item = bytes.get(start..d.position()).unwrap_or_default();
            let key = parse_public_key(item)
                .map_err(|e| DeskError::Input(format!("key {} of the COSE_KeySet: {e}", i + 1)))?;
            // One key under several `kid`s (see [`cose_key_set`]) is one key.
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        if d.position() != bytes.len() {
            return Err(DeskError::Input(
                "the COSE_KeySet has bytes after its keys".into(),
            ));
        }
        return Ok(keys);
    }
    parse_public_key(bytes).map(|k| vec![k])
}

/// Is `text` an Ed25519 key written out (a did:key, a Multikey `z6Mk…`, or
/// a verification method ending in `#z6Mk…`) rather than a key file?
pub fn is_key_text(text: &str) -> bool {
    // A JWK may name its key by a verification method (`"kid":
    // "did:key:…#z6Mk…"`, as `trust export` writes): JSON is a key file.
    !text.trim_start().starts_with('{')
        && (text.starts_with("did:key:") || text.starts_with("z6Mk") || text.contains("#z6Mk"))
}

/// A key file that holds no Ed25519 public key, and why.
fn not_a_key_file(why: &str) -> DeskError {
    DeskError::Input(format!(
        "not an Ed25519 public key file: {why} (expected a COSE_Key, a JWK, a Multikey z6Mk…, a did:key or a verification method …#z6Mk…)"
    ))
}

/// Read a public key from the bytes of a COSE_Key (CBOR) or JWK (JSON) file,
/// or from a key written out as text ([`is_key_text`]).
pub fn parse_public_key(bytes: &[u8]) -> Result<PublicKey, DeskError> {
    if let Ok(text) = std::str::from_utf8(bytes)
        && let text = text.trim()
        && is_key_text(text)
    {
        let multikey = text
            .rsplit_once('#')
            .map_or(text.trim_start_matches("did:key:"), |(_, f)| f);
        return tessera_ld::did::parse_multikey(multikey)
            .ok_or_else(|| not_a_key_file(&format!("{text:?} is not an Ed25519 Multikey")));
    }
    if bytes.trim_ascii_start().starts_with(b"{") {
        let v = tessera_formats::json::parse(bytes)
            .map_err(|e| not_a_key_file(&format!("the JWK is not valid JSON: {e}")))?;
        return jwk_key(&v);
    }
    let x = cose_key_x(bytes).ok_or_else(|| not_a_key_file("the COSE_Key has no Ed25519 x"))?;
    Ok(PublicKey::try_from(x.as_slice())?)
}

/// The key of a JWK (OKP, Ed25519) or a Multikey document (a DID
/// document's verification method).
fn jwk_key(v: &serde_json::Value) -> Result<PublicKey, DeskError> {
    let text = |k: &str| v.get(k).and_then(serde_json::Value::as_str);
    if let Some(m) = text("publicKeyMultibase") {
        return tessera_ld::did::parse_multikey(m)
            .ok_or_else(|| not_a_key_file("publicKeyMultibase is not an Ed25519 Multikey"));
    }
    if text("kty") != Some("OKP") || text("crv") != Some("Ed25519") {
        return Err(not_a_key_file("the JWK is not an OKP Ed25519 key"));
    }
    let x = text("x").ok_or_else(|| not_a_key_file("the JWK has no x"))?;
    let raw = URL_SAFE_NO_PAD
        .decode(x.trim_end_matches('='))
        .map_err(|_| not_a_key_file("x is not base64url"))?;
    Ok(PublicKey::try_from(raw.as_slice())?)
}

/// Label -2 (x) of an OKP (kty 1) Ed25519 (crv 6) COSE_Key.
fn cose_key_x(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut d = minicbor::Decoder::new(bytes);
    let n = d.map().ok()??;
    let (mut kty, mut crv, mut x) = (None, None, None);
    for _ in 0..n {
        match d.i64().ok()? {
            1 => kty = Some(d.i64().ok()?),
            -1 => crv = Some(d.i64().ok()?),
            -2 => x = Some(d.bytes().ok()?.to_vec()),
            _ => d.skip().ok()?,
        }
    }
    (kty == Some(1) && crv == Some(6)).then_some(x).flatten()
}
