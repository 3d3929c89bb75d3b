//! Ed25519 keys as `did:key` identifiers and Multikey verification methods.
//!
//! An issuer's id is `did:key:z6Mk…`: the multicodec `ed25519-pub` prefix
//! (0xed 0x01) and the 32 key bytes, base58btc with the multibase prefix
//! `z`. Its one verification method is `did:key:z6Mk…#z6Mk…`. Issuers who
//! publish their key at a web address name a method such as
//! `https://example.edu/issuers/565049#z6Mk…` (the 1EdTech test vector
//! does): the fragment is the Multikey, the rest the key's controller.

use tessera_core::PublicKey;

/// The multicodec prefix of an Ed25519 public key.
pub const ED25519_PUB: [u8; 2] = [0xed, 0x01];

/// The key as a Multikey: `z` + base58btc(0xed 0x01 ‖ key).
pub fn multikey(key: &PublicKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// The key's `did:key`.
pub fn did_key(key: &PublicKey) -> String {
    format!("did:key:{}", multikey(key))
}

/// The key's verification method: `did:key:z6Mk…#z6Mk…`.
pub fn verification_method(key: &PublicKey) -> String {
    let m = multikey(key);
    format!("did:key:{m}#{m}")
}

/// The Ed25519 key of a Multikey (`z6Mk…`).
pub fn parse_multikey(text: &str) -> Option<PublicKey> {
    let bytes = bs58::decode(text.strip_prefix('z')?).into_vec().ok()?;
    let key = bytes.strip_prefix(&ED25519_PUB)?;
    PublicKey::try_from(key).ok()
}

/// The Ed25519 key of a `did:key` (without a fragment).
pub fn parse_did_key(did: &str) -> Option<PublicKey> {
    parse_multikey(did.strip_prefix("did:key:")?)
}

/// A verification method's key and who controls it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodKey {
    /// The method without its fragment: the `did:key`, or the issuer URL.
    pub controller: String,
    /// The Ed25519 key.
    pub key: PublicKey,
}

/// The key a verification method names: `did:key:X#X` (both parts the
/// same key), or `URL#X` where X is a Multikey; `None` for anything else.
pub fn method_key(method: &str) -> Option<MethodKey> {
    let (controller, fragment) = method.split_once('#')?;
    let key = parse_multikey(fragment)?;
    if let Some(did) = controller.strip_prefix("did:key:")
        && did != fragment
    {
        return None;
    }
    if controller.is_empty() || !controller.contains(':') {
        return None;
    }
    Some(MethodKey {
        controller: controller.to_string(),
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multikey_of_the_1edtech_test_vector_key() {
        let key = PublicKey::try_from(
            hex::decode("4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5")
                .unwrap_or_default()
                .as_slice(),
        )
        .ok();
        let key = key.unwrap_or_else(|| unreachable!("a valid key"));
        assert_eq!(
            multikey(&key),
            "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
        );
        assert_eq!(parse_multikey(&multikey(&key)), Some(key));
        let m = method_key(&verification_method(&key));
        assert_eq!(m.map(|m| m.controller), Some(did_key(&key)));
        let url = method_key(
            "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        );
        assert_eq!(
            url.map(|m| (m.controller, m.key)),
            Some(("https://example.edu/issuers/565049".to_string(), key))
        );
    }

    #[test]
    fn malformed_methods_are_refused() {
        let other = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi";
        for bad in [
            "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            "#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            "https://example.edu/k#key-1",
            "https://example.edu/k#z6Mk",
            &format!("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#{other}"),
        ] {
            assert_eq!(method_key(bad), None, "{bad}");
        }
    }
}
