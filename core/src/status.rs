//! Revocation without a network: a signed status list with one bit per
//! serial, checked offline.
//!
//! A status list is a COSE_Sign1 by the issuer's key whose protected header
//! carries `typ` (16) = [`STATUS_LIST_TYP`] and whose payload is
//! `{? 4: exp, 6: iat, -65538: {1: first, 2: count, 3: bits}}`. Bit `i`
//! (byte `i / 8`, bit `i % 8`, least significant first, as in the IETF
//! Token Status List) is 1 when serial `first + i` is revoked.

use minicbor::Encoder;
use minicbor::encode::write::Cursor;

use crate::cbor::{Reader, SeenKeys, invalid};
use crate::claims::{CLAIM_EXP, CLAIM_IAT};
use crate::cose::{self, ALG_EDDSA, CoseSign1, HEADER_ALG, HEADER_KID, HEADER_TYP};
use crate::error::{Error, Field};
use crate::keys::{Kid, PublicKey, Signature, SigningKey};
use crate::sizes::{KID_LEN, MAX_STATUS_BITS_LEN, MAX_STATUS_SERIALS, MAX_SUSPENDED_PER_LIST};
use crate::trust::TrustStore;

/// The `typ` header value that marks a status list.
pub const STATUS_LIST_TYP: &str = "application/tessera-status+cwt";
/// Private-use claim key of the status map.
pub const CLAIM_STATUS: i64 = -65538;
/// Status map key: first serial covered.
pub const STATUS_FIRST: i64 = 1;
/// Status map key: number of serials covered.
pub const STATUS_COUNT: i64 = 2;
/// Status map key: the bits.
pub const STATUS_BITS: i64 = 3;
/// Status map key (critical: a verifier that does not know it refuses the
/// list): the issuer declared this key compromised from this time. Every
/// badge of the key issued then or later, and every serial the key's lists
/// do not cover, is [`Error::IssuerKeyCompromised`].
pub const STATUS_COMPROMISED_SINCE: i64 = -1;
/// Status map key (critical): the serials suspended (reversibly) and not
/// revoked, as their indexes in the list (serial minus `first`), each two
/// bytes big-endian, strictly ascending: few badges are suspended at a
/// time, so this is far smaller than a second bit string.
pub const STATUS_SUSPENDED: i64 = -2;

/// Serials per status list segment: an issuer key's lists cover its
/// serials in aligned segments, segment `k` holding serials
/// `k·65,536` to `k·65,536 + 65,535` (segment 0 starts at serial 1), so
/// every serial of a key has exactly one list, at any ledger size.
pub const SEGMENT_SERIALS: u32 = MAX_STATUS_SERIALS;

/// The segment of `serial` (see [`SEGMENT_SERIALS`]).
pub const fn segment_of(serial: u32) -> u32 {
    serial / SEGMENT_SERIALS
}

/// The first serial and the serial count of `segment`, up to and including
/// `last` (the highest serial the list must cover): `None` when `last` is
/// before the segment.
pub const fn segment_range(segment: u32, last: u32) -> Option<(u32, u32)> {
    let start = segment.saturating_mul(SEGMENT_SERIALS);
    let first = if start == 0 { 1 } else { start };
    let end = start.saturating_add(SEGMENT_SERIALS - 1);
    let end = if last < end { last } else { end };
    if end < first {
        None
    } else {
        Some((first, end - first + 1))
    }
}

/// The list among `lists` that answers for a badge with `serial` signed
/// by `issuer`: picked by the key that verified the badge's signature,
/// never by the badge's unverified `kid` header.
///
/// That key's list covering the serial, else that key's newest list (so a
/// badge issued after it passes, and an older badge missing from every
/// list is [`Error::NotInStatusList`], never valid); `None` when no list
/// of that key is held (revocation is then not checked, and
/// [`VerifiedBadge::revocation_checked`](crate::VerifiedBadge::revocation_checked)
/// says so).
pub fn select<'l, 'a>(
    lists: &'l [StatusList<'a>],
    issuer: PublicKey,
    serial: u32,
) -> Option<&'l StatusList<'a>> {
    let mut newest: Option<&'l StatusList<'a>> = None;
    for list in lists.iter().filter(|l| l.issuer == issuer) {
        if list.is_revoked(serial).is_some() {
            return Some(list);
        }
        if newest.is_none_or(|n| list.issued_at > n.issued_at) {
            newest = Some(list);
        }
    }
    newest
}

/// Split the first item off a CBOR sequence (RFC 8742) of signed status
/// lists, as the desk writes them for kiosks (`status.cbor`): the first
/// list's bytes and the rest. The list itself is checked by
/// [`StatusList::verify`].
pub fn split_sequence(bytes: &[u8]) -> Result<(&[u8], &[u8]), Error> {
    let mut r = Reader::new(bytes, 0);
    r.skip(1)?;
    bytes
        .split_at_checked(r.offset())
        .ok_or(Error::NotAStatusList)
}

/// The suspended-serial field of a list from `first` for `serials`
/// (ascending, each in the list): 2-byte big-endian indexes.
pub fn suspended_indexes(first: u32, serials: &[u32], out: &mut [u8]) -> Result<usize, Error> {
    let mut n = 0;
    for s in serials {
        let index = s
            .checked_sub(first)
            .and_then(|i| u16::try_from(i).ok())
            .ok_or(Error::InvalidField(Field::StatusBits))?;
        let dst = out.get_mut(n..n + 2).ok_or(Error::BufferTooSmall)?;
        dst.copy_from_slice(&index.to_be_bytes());
        n += 2;
    }
    Ok(n)
}

/// Bytes of bits needed for `count` serials.
pub const fn bits_len(count: u32) -> usize {
    (count as usize).div_ceil(8)
}

/// Mark serial index `index` (serial minus `first`) revoked in `bits`.
pub fn set_revoked(bits: &mut [u8], index: u32) -> Result<(), Error> {
    let byte = bits
        .get_mut((index / 8) as usize)
        .ok_or(Error::InvalidField(Field::StatusBits))?;
    *byte |= 1 << (index % 8);
    Ok(())
}

/// A verified status list; the bits borrow from the message. It can only
/// be made by [`StatusList::verify`], so holding one means its signature
/// was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct StatusList<'a> {
    issuer: PublicKey,
    kid: Kid,
    issued_at: u64,
    expires: Option<u64>,
    first: u32,
    count: u32,
    bits: &'a [u8],
    suspended: Option<&'a [u8]>,
    compromised_since: Option<u64>,
}

impl<'a> StatusList<'a> {
    /// Decode and verify a signed status list against the trusted issuers.
    /// With `now`, a list past its `exp` is [`Error::StatusListStale`].
    pub fn verify<const N: usize>(
        bytes: &'a [u8],
        trust: &TrustStore<N>,
        now: Option<u64>,
    ) -> Result<Self, Error> {
        let message = CoseSign1::from_slice(bytes)?;
        if message.typ != Some(STATUS_LIST_TYP) {
            return Err(Error::NotAStatusList);
        }
        let signer = trust.signer_of(crate::Backend::DEFAULT, &message)?;
        let list = decode_payload(message.payload, message.payload_offset, signer.key)?;
        list.check_current(now)?;
        Ok(list)
    }

    /// The issuer key that signed the list.
    pub fn issuer(&self) -> PublicKey {
        self.issuer
    }

    /// Its key id.
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// When the list was made (seconds since the Unix epoch); a verifier
    /// without a clock uses it as the time floor for expiry checks.
    pub fn issued_at(&self) -> u64 {
        self.issued_at
    }

    /// When the list stops being current, if the issuer set a next update.
    pub fn expires(&self) -> Option<u64> {
        self.expires
    }

    /// First serial covered.
    pub fn first(&self) -> u32 {
        self.first
    }

    /// Number of serials covered.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// One bit per serial, [`bits_len`]`(count)` bytes.
    pub fn bits(&self) -> &'a [u8] {
        self.bits
    }

    /// Fail with [`Error::StatusListStale`] if `now` is at or past `exp`.
    pub fn check_current(&self, now: Option<u64>) -> Result<(), Error> {
        match (now, self.expires) {
            (Some(now), Some(exp)) if now >= exp => Err(Error::StatusListStale { exp }),
            _ => Ok(()),
        }
    }

    /// Is `serial` revoked? `None` when the list does not cover it.
    pub fn is_revoked(&self, serial: u32) -> Option<bool> {
        let index = serial.checked_sub(self.first)?;
        if index >= self.count {
            return None;
        }
        let byte = self.bits.get((index / 8) as usize)?;
        Some(byte & (1 << (index % 8)) != 0)
    }

    /// The suspended serials' 2-byte indexes, if any (see
    /// [`STATUS_SUSPENDED`]).
    pub fn suspended(&self) -> Option<&'a [u8]> {
        self.suspended
    }

    /// When the issuer declared this key compromised, if it did (see
    /// [`STATUS_COMPROMISED_SINCE`]).
    pub fn compromised_since(&self) -> Option<u64> {
        self.compromised_since
    }

    /// Is `serial` suspended? `false` when the list does not cover it.
    pub fn is_suspended(&self, serial: u32) -> bool {
        let Some(suspended) = self.suspended else {
            return false;
        };
        let Some(index) = serial
            .checked_sub(self.first)
            .filter(|i| *i < self.count)
            .and_then(|i| u16::try_from(i).ok())
        else {
            return false;
        };
        // Ascending 2-byte indexes (checked when the list was decoded).
        let (mut lo, mut hi) = (0, suspended.len() / 2);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match suspended_index(suspended, mid).map(|v| v.cmp(&index)) {
                Some(core::cmp::Ordering::Less) => lo = mid + 1,
                Some(core::cmp::Ordering::Greater) => hi = mid,
                Some(core::cmp::Ordering::Equal) => return true,
                None => return false,
            }
        }
        false
    }

    /// How many serials the list marks revoked.
    pub fn revoked_count(&self) -> u32 {
        self.bits.iter().map(|b| b.count_ones()).sum()
    }
}

fn decode_payload(payload: &[u8], base: usize, issuer: PublicKey) -> Result<StatusList<'_>, Error> {
    let mut r = Reader::new(payload, base);
    let n = r.map(Error::NotAStatusList)?;
    let mut seen = SeenKeys::new();
    let (mut iat, mut exp, mut status) = (None, None, None);
    for _ in 0..n {
        let key_offset = r.offset();
        let key = r.key()?;
        seen.insert(key, key_offset)?;
        match key.label() {
            Some(CLAIM_IAT) => iat = Some(r.u64(invalid(Field::IssuedAt))?),
            Some(CLAIM_EXP) => exp = Some(r.u64(invalid(Field::Expiry))?),
            Some(CLAIM_STATUS) => status = Some(decode_status_map(&mut r)?),
            _ => r.skip(2)?,
        }
    }
    r.finish()?;
    let issued_at = iat.ok_or(Error::MissingField(Field::IssuedAt))?;
    let StatusMap {
        first,
        count,
        bits,
        suspended,
        compromised_since,
    } = status.ok_or(Error::MissingField(Field::StatusList))?;
    if exp.is_some_and(|e| e <= issued_at) {
        return Err(Error::InvalidField(Field::Expiry));
    }
    Ok(StatusList {
        issuer,
        kid: issuer.kid(),
        issued_at,
        expires: exp,
        first,
        count,
        bits,
        suspended,
        compromised_since,
    })
}

/// The decoded status map.
struct StatusMap<'a> {
    first: u32,
    count: u32,
    bits: &'a [u8],
    suspended: Option<&'a [u8]>,
    compromised_since: Option<u64>,
}

fn decode_status_map<'a>(r: &mut Reader<'a>) -> Result<StatusMap<'a>, Error> {
    let n = r.map(invalid(Field::StatusList))?;
    let mut seen = SeenKeys::new();
    let (mut first, mut count, mut bits, mut since) = (None, None, None, None);
    let mut suspended = None;
    for _ in 0..n {
        let key_offset = r.offset();
        let key = r.key()?;
        seen.insert(key, key_offset)?;
        match key.label() {
            Some(STATUS_FIRST) => {
                let v = r.u64(invalid(Field::StatusFirst))?;
                first = Some(u32::try_from(v).map_err(|_| invalid(Field::StatusFirst))?);
            }
            Some(STATUS_COUNT) => {
                let v = r.u64(invalid(Field::StatusCount))?;
                if v > u64::from(MAX_STATUS_SERIALS) {
                    return Err(Error::FieldTooLong(Field::StatusCount));
                }
                count = Some(v as u32);
            }
            Some(STATUS_BITS) => bits = Some(r.bytes(invalid(Field::StatusBits))?),
            Some(STATUS_COMPROMISED_SINCE) => since = Some(r.u64(invalid(Field::StatusList))?),
            Some(STATUS_SUSPENDED) => suspended = Some(r.bytes(invalid(Field::StatusBits))?),
            Some(other) if other < 0 => return Err(Error::UnknownCriticalField { key: other }),
            _ => r.skip(3)?,
        }
    }
    let first = first.ok_or(Error::MissingField(Field::StatusFirst))?;
    let count = count.ok_or(Error::MissingField(Field::StatusCount))?;
    let bits = bits.ok_or(Error::MissingField(Field::StatusBits))?;
    check_shape(first, count, bits)?;
    if let Some(s) = suspended {
        check_suspended(count, s)?;
    }
    Ok(StatusMap {
        first,
        count,
        bits,
        suspended,
        compromised_since: since,
    })
}

/// The `n`th index of a suspended list.
fn suspended_index(suspended: &[u8], n: usize) -> Option<u16> {
    let pair = suspended.get(n * 2..n * 2 + 2)?;
    Some(u16::from_be_bytes([*pair.first()?, *pair.get(1)?]))
}

/// Suspended indexes: 2-byte big-endian, strictly ascending, each below
/// `count`, and at least one.
fn check_suspended(count: u32, suspended: &[u8]) -> Result<(), Error> {
    if suspended.len() > 2 * MAX_SUSPENDED_PER_LIST {
        return Err(Error::FieldTooLong(Field::StatusBits));
    }
    if suspended.is_empty() || !suspended.len().is_multiple_of(2) {
        return Err(Error::InvalidField(Field::StatusBits));
    }
    let mut previous: Option<u16> = None;
    for pair in suspended.chunks_exact(2) {
        let index = u16::from_be_bytes([*pair.first().unwrap_or(&0), *pair.get(1).unwrap_or(&0)]);
        if u32::from(index) >= count || previous.is_some_and(|p| p >= index) {
            return Err(Error::InvalidField(Field::StatusBits));
        }
        previous = Some(index);
    }
    Ok(())
}

fn check_shape(first: u32, count: u32, bits: &[u8]) -> Result<(), Error> {
    if count > MAX_STATUS_SERIALS {
        return Err(Error::FieldTooLong(Field::StatusCount));
    }
    if u64::from(first) + u64::from(count) > u64::from(u32::MAX) + 1 {
        return Err(Error::InvalidField(Field::StatusCount));
    }
    if bits.len() != bits_len(count) {
        return Err(Error::InvalidField(Field::StatusBits));
    }
    // Bits past `count` in the last byte must be zero: they name no serial.
    let used = count % 8;
    if used != 0 && bits.last().is_some_and(|b| b >> used != 0) {
        return Err(Error::InvalidField(Field::StatusBits));
    }
    Ok(())
}

/// A status list ready to be signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusListBuilder<'a> {
    /// When the list is made.
    pub issued_at: u64,
    /// Optional next-update time after which verifiers call it stale.
    pub expires: Option<u64>,
    /// First serial covered.
    pub first: u32,
    /// Number of serials covered (at most [`MAX_STATUS_SERIALS`]).
    pub count: u32,
    /// [`bits_len`]`(count)` bytes; see [`set_revoked`].
    pub bits: &'a [u8],
    /// The key was declared compromised from this time (see
    /// [`STATUS_COMPROMISED_SINCE`]).
    pub compromised_since: Option<u64>,
    /// Suspended serials as ascending 2-byte big-endian indexes (see
    /// [`STATUS_SUSPENDED`], [`suspended_indexes`]); `None` when none is.
    pub suspended: Option<&'a [u8]>,
}

/// Length of the protected header of a status list.
// map(3), alg 1: -8, kid 4: bstr(KID_LEN), typ 16: text(30).
const STATUS_PROTECTED_LEN: usize = 1 + 2 + 2 + KID_LEN + 1 + 2 + STATUS_LIST_TYP.len();

impl StatusListBuilder<'_> {
    fn encode_payload(&self, out: &mut [u8]) -> Result<usize, Error> {
        check_shape(self.first, self.count, self.bits)?;
        if let Some(s) = self.suspended {
            check_suspended(self.count, s)?;
        }
        let mut e = Encoder::new(Cursor::new(out));
        e.map(2 + u64::from(self.expires.is_some()))?;
        if let Some(exp) = self.expires {
            if exp <= self.issued_at {
                return Err(Error::InvalidField(Field::Expiry));
            }
            e.i64(CLAIM_EXP)?.u64(exp)?;
        }
        e.i64(CLAIM_IAT)?.u64(self.issued_at)?;
        e.i64(CLAIM_STATUS)?.map(
            3 + u64::from(self.compromised_since.is_some()) + u64::from(self.suspended.is_some()),
        )?;
        e.i64(STATUS_FIRST)?.u32(self.first)?;
        e.i64(STATUS_COUNT)?.u32(self.count)?;
        e.i64(STATUS_BITS)?.bytes(self.bits)?;
        // Canonical order: -1 (0x20) sorts after 1, 2 and 3.
        if let Some(since) = self.compromised_since {
            e.i64(STATUS_COMPROMISED_SINCE)?.u64(since)?;
        }
        // -2 (0x21) after -1.
        if let Some(suspended) = self.suspended {
            e.i64(STATUS_SUSPENDED)?.bytes(suspended)?;
        }
        Ok(e.into_writer().position())
    }

    /// Sign the list with `key` into `out`; returns the length. A full list
    /// of 65,536 serials needs [`MAX_STATUS_LIST_LEN`](crate::sizes::MAX_STATUS_LIST_LEN) bytes.
    pub fn sign(&self, key: &SigningKey, out: &mut [u8]) -> Result<usize, Error> {
        let (protected, len) = protected_header(key.kid())?;
        let protected = protected.get(..len).ok_or(Error::BufferTooSmall)?;
        cose::sign1_with(protected, &crate::builder::UNPROTECTED, key, out, |dst| {
            self.encode_payload(dst)
        })
    }

    /// Re-create the list key `kid` signed with `signature` from its parts
    /// (what a compact transport such as the verification site's data
    /// carries): the encoding is deterministic, so these are the signed
    /// bytes when the parts are the signed ones, and
    /// [`StatusList::verify`] then accepts them; any other part fails it.
    pub fn assemble(
        &self,
        kid: Kid,
        signature: &Signature,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let (protected, len) = protected_header(kid)?;
        let protected = protected.get(..len).ok_or(Error::BufferTooSmall)?;
        cose::seal1_with(
            protected,
            &crate::builder::UNPROTECTED,
            |_| *signature,
            out,
            |dst| self.encode_payload(dst),
        )
    }
}

/// A status list's protected header for key `kid`, and its length.
fn protected_header(kid: Kid) -> Result<([u8; STATUS_PROTECTED_LEN], usize), Error> {
    let mut protected = [0u8; STATUS_PROTECTED_LEN];
    let mut e = Encoder::new(Cursor::new(&mut protected[..]));
    e.map(3)?
        .i64(HEADER_ALG)?
        .i64(ALG_EDDSA)?
        .i64(HEADER_KID)?
        .bytes(kid.as_bytes())?
        .i64(HEADER_TYP)?
        .str(STATUS_LIST_TYP)?;
    let len = e.into_writer().position();
    Ok((protected, len))
}

const _: () = assert!(MAX_STATUS_BITS_LEN == bits_len(MAX_STATUS_SERIALS));
