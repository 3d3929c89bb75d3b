//! Shared helpers for the integration tests: loading vectors (data files),
//! a fixed test issuer, and building arbitrary signed COSE messages so the
//! negative tests can feed the verifier exactly the bytes they mean.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: test support code; a failed fixture load must stop the test loudly.

use std::path::PathBuf;

pub mod vcard;

use tessera_core::sizes::MAX_STATUS_LIST_LEN;
use tessera_core::status::{bits_len, set_revoked};
use tessera_core::{
    BadgeBuilder, BadgeClaims, Profile, Salt, SigningKey, StatusListBuilder, Subject, TrustStore,
    cose,
};

/// The folder with the test vectors (`tests/vectors`).
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Read a JSON vector file below `tests/vectors`.
pub fn read_json(name: &str) -> serde_json::Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON in {}: {e}", path.display()))
}

/// Decode a hex string field (upper or lower case).
pub fn hex_str(value: &serde_json::Value) -> Vec<u8> {
    hex::decode(value.as_str().expect("hex string")).expect("valid hex")
}

/// Parse annotated hex: one CBOR item per line, `#` starts a comment.
pub fn annotated_hex(text: &str) -> Vec<u8> {
    let digits: String = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    hex::decode(digits).expect("annotated hex has an odd or bad digit")
}

/// The fixed test issuer (seed: 32 bytes of 0x01).
pub fn issuer() -> SigningKey {
    SigningKey::from_seed([1; 32]).unwrap()
}

/// A second issuer, for "wrong issuer" cases (seed: 32 bytes of 0x02).
pub fn other_issuer() -> SigningKey {
    SigningKey::from_seed([2; 32]).unwrap()
}

/// A trust store holding `keys`.
pub fn trust(keys: &[&SigningKey]) -> TrustStore {
    let mut t = TrustStore::new();
    for k in keys {
        t.add(k.public_key()).unwrap();
    }
    t
}

/// 2026-11-25T00:00:00Z, the time the fixtures are checked at.
pub const NOW: u64 = 1_795_564_800;
/// Issue time of the fixtures (2026-09-01T00:00:00Z).
pub const ISSUED: u64 = 1_788_220_800;
/// Expiry of the standard fixture (2029-09-01T00:00:00Z).
pub const EXPIRES: u64 = 1_883_001_600;

/// The fixed recipient salt of the fixtures.
pub fn salt() -> Salt {
    Salt::from([0x5a; 10])
}

/// The fixed recipient commitment of the fixtures.
pub fn subject() -> Subject {
    Subject::commit(&salt(), "ada.lovelace@example.org")
}

/// A typical mini badge's claims.
pub fn mini_claims(sub: &Subject) -> BadgeClaims<'_> {
    let mut c = BadgeClaims::new(sub.as_str(), 1042, ISSUED, "RS-101");
    c.level = Some(2);
    c
}

/// A typical standard badge's claims.
pub fn standard_claims(sub: &Subject) -> BadgeClaims<'_> {
    let mut c = BadgeClaims::new(sub.as_str(), 1042, ISSUED, "RUST-101");
    c.issuer = Some("Tessera Test Center Lyon");
    c.achievement_name = Some("Rust Fundamentals");
    c.level = Some(2);
    c.expires = Some(EXPIRES);
    c.evidence = Some("https://tc.example.org/e/1042");
    c.display_name = Some("Ada Lovelace");
    c
}

/// Sign `claims` in `profile` with `key` and return the message bytes.
pub fn sign(profile: Profile, claims: BadgeClaims<'_>, key: &SigningKey) -> Vec<u8> {
    let mut buf = [0u8; 1024];
    let len = BadgeBuilder::new(profile, claims)
        .sign(key, &mut buf)
        .expect("fixture signs");
    buf[..len].to_vec()
}

/// Build a tagged COSE_Sign1 from raw parts, signed by `key` over the
/// Sig_structure of `protected` and `payload`, whatever they contain.
pub fn forge(
    tag: u64,
    protected: &[u8],
    unprotected: &[u8],
    payload: &[u8],
    key: &SigningKey,
) -> Vec<u8> {
    let mut tbs = vec![0u8; payload.len() + protected.len() + 64];
    let n = cose::write_to_be_signed(protected, payload, &mut tbs).unwrap();
    let sig = key.sign(&tbs[..n]);
    let mut out = Vec::new();
    let mut e = minicbor::Encoder::new(&mut out);
    e.tag(minicbor::data::Tag::new(tag))
        .unwrap()
        .array(4)
        .unwrap()
        .bytes(protected)
        .unwrap();
    out.extend_from_slice(unprotected);
    let mut e = minicbor::Encoder::new(&mut out);
    e.bytes(payload).unwrap().bytes(sig.as_bytes()).unwrap();
    out
}

/// Encode a CBOR value with a closure, for hand-made payloads and headers.
pub fn cbor(f: impl FnOnce(&mut minicbor::Encoder<&mut Vec<u8>>)) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = minicbor::Encoder::new(&mut out);
    f(&mut e);
    out
}

/// The protected header Tessera writes for `key`.
pub fn protected_for(key: &SigningKey) -> Vec<u8> {
    tessera_core::protected_header(&key.kid()).to_vec()
}

/// Check that `bytes` is one item of deterministic CBOR (RFC 8949 §4.2.1):
/// shortest heads, definite lengths, map keys in strictly increasing
/// bytewise order of their encodings, nothing after the item. Independent
/// of the encoder under test: it reads raw heads.
pub fn is_deterministic_cbor(bytes: &[u8]) -> Result<(), String> {
    fn head(b: &[u8], i: &mut usize) -> Result<(u8, u64), String> {
        let ib = *b.get(*i).ok_or("truncated")?;
        *i += 1;
        let (mt, ai) = (ib >> 5, ib & 0x1f);
        let n = match ai {
            0..=23 => return Ok((mt, u64::from(ai))),
            24 => 1,
            25 => 2,
            26 => 4,
            27 => 8,
            31 => return Err(format!("indefinite length at {}", *i - 1)),
            _ => return Err(format!("reserved additional info at {}", *i - 1)),
        };
        let raw = b.get(*i..*i + n).ok_or("truncated head")?;
        *i += n;
        let v = raw.iter().fold(0u64, |a, x| (a << 8) | u64::from(*x));
        let min = match n {
            1 => 24,
            2 => 0x100,
            4 => 0x1_0000,
            _ => 0x1_0000_0000,
        };
        if mt != 7 && v < min {
            return Err(format!("non-shortest head at {}", *i - 1 - n));
        }
        Ok((mt, v))
    }
    fn item(b: &[u8], i: &mut usize) -> Result<(), String> {
        let (mt, v) = head(b, i)?;
        match mt {
            0 | 1 | 7 => Ok(()),
            2 | 3 => {
                *i += v as usize;
                if *i > b.len() {
                    Err("truncated string".into())
                } else {
                    Ok(())
                }
            }
            4 => (0..v).try_for_each(|_| item(b, i)),
            5 => {
                let mut prev: Option<Vec<u8>> = None;
                for _ in 0..v {
                    let start = *i;
                    item(b, i)?;
                    let key = b[start..*i].to_vec();
                    if let Some(p) = &prev
                        && *p >= key
                    {
                        return Err(format!("map keys out of order at {start}"));
                    }
                    prev = Some(key);
                    item(b, i)?;
                }
                Ok(())
            }
            6 => item(b, i),
            _ => Err("bad major type".into()),
        }
    }
    let mut i = 0;
    item(bytes, &mut i)?;
    if i == bytes.len() {
        Ok(())
    } else {
        Err(format!("trailing bytes at {i}"))
    }
}

/// A status list by `key` of `count` serials from `first`, revoking
/// `revoked`, made at `issued_at` and valid for 7 days.
pub fn signed_list(
    first: u32,
    count: u32,
    revoked: &[u32],
    issued_at: u64,
    key: &SigningKey,
) -> Vec<u8> {
    let mut bits = vec![0u8; bits_len(count)];
    for serial in revoked {
        set_revoked(&mut bits, serial - first).unwrap();
    }
    let mut out = vec![0u8; MAX_STATUS_LIST_LEN];
    let n = StatusListBuilder {
        compromised_since: None,
        suspended: None,
        issued_at,
        expires: Some(issued_at + 7 * 86_400),
        first,
        count,
        bits: &bits,
    }
    .sign(key, &mut out)
    .unwrap();
    out.truncate(n);
    out
}

#[cfg(feature = "desk")]
/// A desk at `home` on its demo issuer with one standard badge issued
/// (Ada Lovelace, RUST-101 "Rust Fundamentals", expiring 2031-06-30).
pub fn desk_with_badge(
    home: &std::path::Path,
) -> (
    tessera_desk::Desk,
    SigningKey,
    tessera_desk::store::ledger::BadgeRecord,
) {
    let mut desk = tessera_desk::Desk::open_or_demo(home).unwrap();
    let key = desk.signing_key(&mut || None).unwrap();
    let record = desk
        .issue(
            &key,
            &tessera_desk::IssueRequest {
                recipient: "ada@example.org".into(),
                achievement: "RUST-101".into(),
                title: Some("Rust Fundamentals".into()),
                expires: Some("2031-06-30".into()),
                display_name: Some("Ada Lovelace".into()),
                ..Default::default()
            },
        )
        .unwrap();
    (desk, key, record)
}
