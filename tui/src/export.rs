//! Public-key export and import: COSE_Key (CBOR, RFC 9052 §7) and JWK
//! (RFC 8037 OKP).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tessera_core::PublicKey;

use crate::desk::DeskError;

/// The COSE_Key of a public key.
pub fn cose_key(key: &PublicKey) -> Vec<u8> {
    let mut buf = [0u8; 128];
    let n = key.to_cose_key(&mut buf).unwrap_or(0);
    buf.get(..n).map(<[u8]>::to_vec).unwrap_or_default()
}

/// The JWK of a public key, with `kid` (hex) and `alg` EdDSA.
pub fn jwk(key: &PublicKey) -> String {
    serde_json::json!({
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": "EdDSA",
        "use": "sig",
        "kid": key.kid().to_string(),
        "x": URL_SAFE_NO_PAD.encode(key.as_bytes()),
    })
    .to_string()
}

/// Read a public key from the bytes of a COSE_Key (CBOR) or JWK (JSON) file.
pub fn parse_public_key(bytes: &[u8]) -> Result<PublicKey, DeskError> {
    let bad = |why: &str| {
        DeskError::Input(format!(
            "not an Ed25519 public key file: {why} (expected a COSE_Key or a JWK)"
        ))
    };
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
        let text = |k: &str| v.get(k).and_then(serde_json::Value::as_str);
        if text("kty") != Some("OKP") || text("crv") != Some("Ed25519") {
            return Err(bad("the JWK is not an OKP Ed25519 key"));
        }
        let x = text("x").ok_or_else(|| bad("the JWK has no x"))?;
        let raw = URL_SAFE_NO_PAD
            .decode(x.trim_end_matches('='))
            .map_err(|_| bad("x is not base64url"))?;
        return Ok(PublicKey::try_from(raw.as_slice())?);
    }
    let x = cose_key_x(bytes).ok_or_else(|| bad("the COSE_Key has no Ed25519 x"))?;
    Ok(PublicKey::try_from(x.as_slice())?)
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
