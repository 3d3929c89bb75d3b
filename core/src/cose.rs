//! COSE_Sign1 (RFC 9052 §4.2) with EdDSA: borrowed decoding, the
//! Sig_structure that is signed, and signing into a caller's buffer.

use crate::cbor::{Key, Reader, SeenKeys};
use crate::error::{Error, Field};
use crate::keys::{PublicKey, Signature, SigningKey};
use crate::sizes::{KID_LEN, MAX_FOREIGN_KID_LEN, SIGNATURE_LEN};

/// CBOR tag of a COSE_Sign1 message.
pub const TAG_COSE_SIGN1: u64 = 18;
/// COSE algorithm EdDSA (RFC 9053).
pub const ALG_EDDSA: i64 = -8;
/// COSE algorithm Ed25519, the fully specified form (RFC 9864).
pub const ALG_ED25519: i64 = -19;

/// Header label `alg`.
pub const HEADER_ALG: i64 = 1;
/// Header label `crit`.
pub const HEADER_CRIT: i64 = 2;
/// Header label `content type`.
pub const HEADER_CONTENT_TYPE: i64 = 3;
/// Header label `kid`.
pub const HEADER_KID: i64 = 4;
/// Header label `typ` (RFC 9596).
pub const HEADER_TYP: i64 = 16;

/// The constant start of every Sig_structure for COSE_Sign1:
/// `84` (array of 4), `6A "Signature1"`.
const SIG_STRUCTURE_START: [u8; 12] = [
    0x84, 0x6a, b'S', b'i', b'g', b'n', b'a', b't', b'u', b'r', b'e', b'1',
];
/// The empty external AAD, `40` (empty byte string).
const EMPTY_AAD: [u8; 1] = [0x40];

/// A decoded COSE_Sign1 message whose fields borrow from the input bytes.
///
/// Decoding checks structure and headers only; the signature is checked by
/// [`CoseSign1::verify_signature`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CoseSign1<'a> {
    /// The protected header exactly as encoded (the contents of its bstr).
    pub protected: &'a [u8],
    /// The algorithm from the protected header (always EdDSA or Ed25519).
    pub alg: i64,
    /// The key id, from the protected or else the unprotected header.
    pub kid: Option<&'a [u8]>,
    /// The protected `typ` header (label 16) when it is a text value.
    pub typ: Option<&'a str>,
    /// The payload bytes.
    pub payload: &'a [u8],
    /// Where the payload starts in the message, for error offsets.
    pub payload_offset: usize,
    /// The signature.
    pub signature: Signature,
}

#[derive(Default)]
struct Headers<'a> {
    alg: Option<i64>,
    kid: Option<&'a [u8]>,
    typ: Option<&'a str>,
}

impl<'a> CoseSign1<'a> {
    /// Decode a tagged COSE_Sign1 message, rejecting trailing bytes, a
    /// protected header that does not name EdDSA, unknown critical headers,
    /// duplicate header labels and indefinite lengths.
    pub fn from_slice(bytes: &'a [u8]) -> Result<Self, Error> {
        Self::decode(bytes, true)
    }

    /// [`CoseSign1::from_slice`]; `fast` recognises the bytes every Tessera
    /// badge has (`D2 84` for tag and array, the protected header `A2 01 27
    /// 04 44 <kid>` of [`crate::protected_header`], the empty unprotected
    /// header `A0`) without the general reader, which would find exactly the
    /// same; anything else takes the general path.
    fn decode(bytes: &'a [u8], fast: bool) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, 0);
        // `D2 84`: tag 18, array of 4, as every Tessera badge starts.
        if fast && bytes.starts_with(&[0xd2, 0x84]) {
            r.advance(2);
        } else {
            if r.tag(Error::NotCoseSign1)? != TAG_COSE_SIGN1 {
                return Err(Error::NotCoseSign1);
            }
            if r.array(Error::NotCoseSign1)? != 4 {
                return Err(Error::NotCoseSign1);
            }
        }
        let protected = r.bytes(Error::NotCoseSign1)?;
        let mut seen = SeenKeys::new();
        let mut headers = Headers::default();
        let protected_at = r.offset() - protected.len();
        if let (true, [0xa2, 0x01, 0x27, 0x04, 0x44, kid @ ..]) = (fast, protected)
            && kid.len() == KID_LEN
        {
            headers.alg = Some(ALG_EDDSA);
            headers.kid = Some(kid);
            seen.insert(Key::Int(HEADER_ALG.into()), protected_at + 1)?;
            seen.insert(Key::Int(HEADER_KID.into()), protected_at + 3)?;
        } else if !protected.is_empty() {
            let mut p = Reader::new(protected, protected_at);
            read_headers(&mut p, &mut seen, &mut headers, true)?;
            p.finish()?;
        }
        let alg = headers.alg.ok_or(Error::UnsupportedAlgorithm)?;
        if alg != ALG_EDDSA && alg != ALG_ED25519 {
            return Err(Error::UnsupportedAlgorithm);
        }
        // `A0`: the empty unprotected header Tessera writes.
        if fast && r.peek() == Some(0xa0) {
            r.advance(1);
        } else {
            read_headers(&mut r, &mut seen, &mut headers, false)?;
        }
        let payload = r.bytes(Error::NotCoseSign1)?;
        let payload_offset = r.offset() - payload.len();
        let signature = r.bytes(Error::NotCoseSign1)?;
        let signature: [u8; SIGNATURE_LEN] =
            signature.try_into().map_err(|_| Error::SignatureInvalid)?;
        r.finish()?;
        Ok(Self {
            protected,
            alg,
            kid: headers.kid,
            typ: headers.typ,
            payload,
            payload_offset,
            signature: Signature::from(signature),
        })
    }

    /// Write the exact bytes that are signed (the Sig_structure of RFC 9052
    /// §4.4 with empty external AAD) into `out`; returns the length.
    pub fn to_be_signed(&self, out: &mut [u8]) -> Result<usize, Error> {
        write_to_be_signed(self.protected, self.payload, out)
    }

    /// Check the signature with `key` and the default
    /// [`Backend`](crate::Backend), streaming the Sig_structure through the
    /// hash without building it in memory.
    pub fn verify_signature(&self, key: &PublicKey) -> Result<(), Error> {
        self.verify_signature_with(crate::Backend::DEFAULT, key)
    }

    /// [`CoseSign1::verify_signature`] with a chosen backend.
    #[inline(always)]
    pub fn verify_signature_with(
        &self,
        backend: crate::Backend,
        key: &PublicKey,
    ) -> Result<(), Error> {
        backend.verify_parts(key, &self.signature, &|f| self.feed_to_be_signed(f))
    }

    /// Hand the Sig_structure to `f` in pieces.
    pub(crate) fn feed_to_be_signed(&self, f: &mut dyn FnMut(&[u8])) {
        for_each_tbs_chunk(self.protected, self.payload, f);
    }
}

/// Read one header map (protected when `protected`), merging into `out`.
fn read_headers<'a>(
    r: &mut Reader<'a>,
    seen: &mut SeenKeys<'a>,
    out: &mut Headers<'a>,
    protected: bool,
) -> Result<(), Error> {
    let n = r.map(Error::NotCoseSign1)?;
    for _ in 0..n {
        let key_offset = r.offset();
        let key = r.key()?;
        seen.insert(key, key_offset)?;
        match key {
            Key::Int(label) if label == i128::from(HEADER_ALG) => {
                let alg = r.i64(Error::UnsupportedAlgorithm)?;
                // Only the protected header's algorithm counts (RFC 9052 §3.1).
                if protected {
                    out.alg = Some(alg);
                }
            }
            Key::Int(label) if label == i128::from(HEADER_CRIT) => {
                if !protected {
                    // crit is only meaningful when protected.
                    return Err(Error::UnknownCriticalHeader);
                }
                let count = r.array(Error::UnknownCriticalHeader)?;
                if count == 0 {
                    return Err(Error::UnknownCriticalHeader);
                }
                for _ in 0..count {
                    let label = r.key()?;
                    if !understood(label) {
                        return Err(Error::UnknownCriticalHeader);
                    }
                }
            }
            Key::Int(label) if label == i128::from(HEADER_KID) => {
                let kid = r.bytes(Error::InvalidField(Field::KeyId))?;
                if kid.len() > MAX_FOREIGN_KID_LEN {
                    return Err(Error::FieldTooLong(Field::KeyId));
                }
                out.kid = Some(kid);
            }
            Key::Int(label) if label == i128::from(HEADER_TYP) => {
                // Only a signed (protected) typ tells what the message is.
                if protected && matches!(r.datatype()?, minicbor::data::Type::String) {
                    out.typ = Some(r.str(Error::NotCoseSign1)?);
                } else {
                    r.skip(2)?;
                }
            }
            _ => r.skip(2)?,
        }
    }
    Ok(())
}

/// Header labels this implementation understands when listed in `crit`.
fn understood(label: Key<'_>) -> bool {
    matches!(
        label.label(),
        Some(HEADER_ALG | HEADER_CRIT | HEADER_CONTENT_TYPE | HEADER_KID | HEADER_TYP)
    )
}

/// Feed the Sig_structure for (`protected`, `payload`) to `f` in pieces.
pub(crate) fn for_each_tbs_chunk(protected: &[u8], payload: &[u8], mut f: impl FnMut(&[u8])) {
    f(&SIG_STRUCTURE_START);
    let (head, n) = bstr_head(protected.len());
    f(head.get(..n).unwrap_or_default());
    f(protected);
    f(&EMPTY_AAD);
    let (head, n) = bstr_head(payload.len());
    f(head.get(..n).unwrap_or_default());
    f(payload);
}

/// Write the Sig_structure for (`protected`, `payload`) into `out`.
pub fn write_to_be_signed(
    protected: &[u8],
    payload: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    let mut len = 0usize;
    let mut result = Ok(());
    for_each_tbs_chunk(protected, payload, |chunk| {
        if result.is_err() {
            return;
        }
        match out.get_mut(len..len + chunk.len()) {
            Some(dst) => {
                dst.copy_from_slice(chunk);
                len += chunk.len();
            }
            None => result = Err(Error::BufferTooSmall),
        }
    });
    result.map(|()| len)
}

/// The CBOR head of a byte string of `len` bytes (major type 2): the
/// buffer and how many of its bytes are used.
fn bstr_head(len: usize) -> ([u8; 9], usize) {
    let len = len as u64;
    let be = len.to_be_bytes();
    let [b0, b1, b2, b3, b4, b5, b6, b7] = be;
    if len < 24 {
        ([0x40 | b7, 0, 0, 0, 0, 0, 0, 0, 0], 1)
    } else if len <= 0xff {
        ([0x58, b7, 0, 0, 0, 0, 0, 0, 0], 2)
    } else if len <= 0xffff {
        ([0x59, b6, b7, 0, 0, 0, 0, 0, 0], 3)
    } else if len <= 0xffff_ffff {
        ([0x5a, b4, b5, b6, b7, 0, 0, 0, 0], 5)
    } else {
        ([0x5b, b0, b1, b2, b3, b4, b5, b6, b7], 9)
    }
}

/// Sign `payload` as a tagged COSE_Sign1 into `out` and return its length.
///
/// `protected` and `unprotected` are the encoded header maps (each one
/// complete CBOR map; `protected` must name EdDSA).
pub fn sign1(
    protected: &[u8],
    unprotected: &[u8],
    payload: &[u8],
    key: &SigningKey,
    out: &mut [u8],
) -> Result<usize, Error> {
    sign1_with(protected, unprotected, key, out, |dst| {
        let dst = dst.get_mut(..payload.len()).ok_or(Error::BufferTooSmall)?;
        dst.copy_from_slice(payload);
        Ok(payload.len())
    })
}

/// Sign a payload that `encode` writes (into the slice it is given,
/// returning its length) as a tagged COSE_Sign1 in `out`.
///
/// No scratch buffer is needed: the Sig_structure is built in `out`, signed,
/// then overwritten by the message (the payload is encoded three times,
/// which costs far less than the signature). `encode` must be deterministic.
/// `out` needs room for the message (always longer than the Sig_structure).
pub(crate) fn sign1_with(
    protected: &[u8],
    unprotected: &[u8],
    key: &SigningKey,
    out: &mut [u8],
    encode: impl Fn(&mut [u8]) -> Result<usize, Error>,
) -> Result<usize, Error> {
    seal1_with(protected, unprotected, |tbs| key.sign(tbs), out, encode)
}

/// [`sign1_with`] with the signature `signer` gives for the Sig_structure
/// (a signature made earlier, to re-create a signed message from its
/// parts: the encoding is deterministic, so the bytes are the signed ones).
pub(crate) fn seal1_with(
    protected: &[u8],
    unprotected: &[u8],
    signer: impl FnOnce(&[u8]) -> Signature,
    out: &mut [u8],
    encode: impl Fn(&mut [u8]) -> Result<usize, Error>,
) -> Result<usize, Error> {
    let alg = check_header_map(protected, true)?;
    if alg != Some(ALG_EDDSA) && alg != Some(ALG_ED25519) {
        return Err(Error::UnsupportedAlgorithm);
    }
    check_header_map(unprotected, false)?;

    let (tbs_len, payload_len) = to_be_signed_with(protected, out, &encode)?;
    let tbs = out.get(..tbs_len).ok_or(Error::BufferTooSmall)?;
    let signature = signer(tbs);
    let (payload_head, head_len) = bstr_head(payload_len);
    let payload_head = payload_head.get(..head_len).unwrap_or_default();
    let (prot_head, prot_head_len) = bstr_head(protected.len());
    let prot_head = prot_head.get(..prot_head_len).unwrap_or_default();

    // The message: prefix || payload || signature, over the Sig_structure.
    let msg_prefix_len = 2 + prot_head.len() + protected.len() + unprotected.len() + head_len;
    let body = out.get_mut(msg_prefix_len..).ok_or(Error::BufferTooSmall)?;
    if encode(body)? != payload_len {
        return Err(Error::BufferTooSmall);
    }
    let mut at = 0usize;
    put(out, &mut at, &[0xd2, 0x84])?; // tag 18, array of 4
    put(out, &mut at, prot_head)?;
    put(out, &mut at, protected)?;
    put(out, &mut at, unprotected)?;
    put(out, &mut at, payload_head)?;
    at += payload_len;
    put(out, &mut at, &[0x58, 0x40])?; // bstr of 64
    put(out, &mut at, signature.as_bytes())?;
    Ok(at)
}

/// Write the Sig_structure of a payload that `encode` writes into `out`,
/// without a scratch buffer (the payload is encoded twice); returns the
/// Sig_structure's and the payload's lengths.
pub(crate) fn to_be_signed_with(
    protected: &[u8],
    out: &mut [u8],
    encode: impl Fn(&mut [u8]) -> Result<usize, Error>,
) -> Result<(usize, usize), Error> {
    // Learn the payload length, then put the payload after the prefix.
    let payload_len = encode(out)?;
    let (payload_head, head_len) = bstr_head(payload_len);
    let (prot_head, prot_head_len) = bstr_head(protected.len());
    let prefix_len =
        SIG_STRUCTURE_START.len() + prot_head_len + protected.len() + EMPTY_AAD.len() + head_len;
    let body = out.get_mut(prefix_len..).ok_or(Error::BufferTooSmall)?;
    if encode(body)? != payload_len {
        return Err(Error::BufferTooSmall);
    }
    let mut at = 0usize;
    put(out, &mut at, &SIG_STRUCTURE_START)?;
    put(
        out,
        &mut at,
        prot_head.get(..prot_head_len).unwrap_or_default(),
    )?;
    put(out, &mut at, protected)?;
    put(out, &mut at, &EMPTY_AAD)?;
    put(
        out,
        &mut at,
        payload_head.get(..head_len).unwrap_or_default(),
    )?;
    Ok((prefix_len + payload_len, payload_len))
}

/// Check that `bytes` is exactly one well-formed header map; returns its
/// algorithm when `protected`.
fn check_header_map(bytes: &[u8], protected: bool) -> Result<Option<i64>, Error> {
    let mut r = Reader::new(bytes, 0);
    let mut seen = SeenKeys::new();
    let mut headers = Headers::default();
    read_headers(&mut r, &mut seen, &mut headers, protected)?;
    r.finish()?;
    Ok(headers.alg)
}

/// Copy `chunk` into `out` at `*at` and advance `*at`.
fn put(out: &mut [u8], at: &mut usize, chunk: &[u8]) -> Result<(), Error> {
    let end = at.checked_add(chunk.len()).ok_or(Error::BufferTooSmall)?;
    let dst = out.get_mut(*at..end).ok_or(Error::BufferTooSmall)?;
    dst.copy_from_slice(chunk);
    *at = end;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::CoseSign1;
    use crate::{BadgeBuilder, BadgeClaims, Profile, SigningKey};

    /// The fast path for Tessera's protected header decodes every input
    /// exactly as the general header reader does: each byte of real badges
    /// set to a spread of values, including the header bytes themselves.
    #[test]
    fn fast_protected_header_path_agrees_with_the_general_reader() {
        let Ok(key) = SigningKey::from_seed([3; 32]) else {
            return;
        };
        let mut checked = 0u32;
        for profile in [Profile::Mini, Profile::Standard] {
            let mut claims = BadgeClaims::new("AAAAAAAAAAAAAAAA", 9, 1_790_000_000, "RS-1");
            claims.issuer = (profile == Profile::Standard).then_some("Lyon");
            let mut buf = [0u8; 512];
            let Ok(len) = BadgeBuilder::new(profile, claims).sign(&key, &mut buf) else {
                continue;
            };
            let badge = buf.get(..len).unwrap_or_default();
            assert!(CoseSign1::decode(badge, true).is_ok());
            for i in 0..len {
                for value in [
                    0x00, 0x01, 0x04, 0x20, 0x27, 0x40, 0x44, 0xa0, 0xa2, 0xa3, 0xff,
                ] {
                    let mut m = [0u8; 512];
                    m.get_mut(..len).unwrap_or_default().copy_from_slice(badge);
                    if let Some(b) = m.get_mut(i) {
                        *b = value;
                    }
                    let m = m.get(..len).unwrap_or_default();
                    assert_eq!(
                        CoseSign1::decode(m, true),
                        CoseSign1::decode(m, false),
                        "byte {i} = {value:#04x}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 1500, "{checked}");
    }
}
