//! The desk's status lists as IETF Token Status List tokens
//! (draft-ietf-oauth-status-list, the CWT form), for verifiers that speak
//! that standard rather than Tessera's own lists: published on the site
//! beside them, one token per issuer key and segment of 65,536 serials,
//! at `status/KIDHEX/FIRST.cwt`.
//!
//! A token is a COSE_Sign1 by the issuer key with the protected header
//! `{1: -8 (EdDSA), 4: kid, 16: "application/statuslist+cwt"}` and the
//! claims `{2: sub (the token's own address), 4: exp, 6: iat,
//! 65533: status_list {"lst": zlib(statuses), "bits": 2}, 65534: ttl}`.
//! A badge with serial `s` of that key is entry `s - FIRST`: 0 valid, 1
//! invalid (revoked), 2 suspended, two bits each, least significant first.

use flate2::Compression;
use flate2::write::ZlibEncoder;
use minicbor::Encoder;
use std::io::Write as _;
use tessera_core::SigningKey;
use tessera_core::cose::{ALG_EDDSA, HEADER_ALG, HEADER_KID, HEADER_TYP};

use super::{DeskError, KeyStatuses};

/// The `typ` of a Status List Token in CWT form.
pub const TYP: &str = "application/statuslist+cwt";
/// CWT claim key of `status_list`.
pub const CLAIM_STATUS_LIST: u64 = 65533;
/// CWT claim key of `ttl` (seconds a verifier may cache the token).
pub const CLAIM_TTL: u64 = 65534;
/// Status values (the draft's Status Types).
pub const VALID: u8 = 0;
/// Revoked.
pub const INVALID: u8 = 1;
/// Suspended.
pub const SUSPENDED: u8 = 2;
/// Bits per entry: room for valid, invalid and suspended.
pub const BITS: u8 = 2;
/// How long verifiers may cache a token: a day (the desk republishes on
/// every change and the lists are valid for 7 days).
pub const TTL_SECS: u64 = 86_400;

/// Where the token of key `kid_hex` and the segment from `first` lives on
/// the site.
pub fn path_of(kid_hex: &str, first: u32) -> String {
    format!("status/{kid_hex}/{first}.cwt")
}

/// The two-bit statuses of `count` serials from `first`.
fn statuses(first: u32, count: u32, revoked: &[u32], suspended: &[u32]) -> Vec<u8> {
    let mut lst = vec![0u8; (count as usize).div_ceil(4)];
    let mut mark = |serial: u32, status: u8| {
        if let Some(index) = serial.checked_sub(first).filter(|i| *i < count)
            && let Some(byte) = lst.get_mut(index as usize / 4)
        {
            *byte |= status << ((index % 4) * 2);
        }
    };
    for s in suspended {
        mark(*s, SUSPENDED);
    }
    // Revoked wins: set last, over the whole entry.
    for s in revoked {
        if let Some(index) = s.checked_sub(first).filter(|i| *i < count)
            && let Some(byte) = lst.get_mut(index as usize / 4)
        {
            let shift = (index % 4) * 2;
            *byte = (*byte & !(0b11 << shift)) | (INVALID << shift);
        }
    }
    lst
}

fn zlib(bytes: &[u8]) -> Result<Vec<u8>, DeskError> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    z.write_all(bytes)
        .and_then(|()| z.finish())
        .map_err(|e| DeskError::Input(format!("a status list cannot be compressed: {e}")))
}

impl KeyStatuses {
    /// The key's Token Status List tokens made at `issued_at`, each with
    /// its path on the site, for a site at `base` (its address, ending in
    /// `/`): one per segment, as [`KeyStatuses::sign`].
    pub fn tokens(
        &self,
        key: &SigningKey,
        issued_at: u64,
        base: &str,
    ) -> Result<Vec<(String, Vec<u8>)>, DeskError> {
        let kid = key.kid().to_string();
        let mut protected = Vec::new();
        Encoder::new(&mut protected)
            .map(3)
            .and_then(|e| e.i64(HEADER_ALG))
            .and_then(|e| e.i64(ALG_EDDSA))
            .and_then(|e| e.i64(HEADER_KID))
            .and_then(|e| e.bytes(key.kid().as_bytes()))
            .and_then(|e| e.i64(HEADER_TYP))
            .and_then(|e| e.str(TYP))
            .map_err(|e| DeskError::Input(format!("a status token cannot be written: {e}")))?;
        let mut out = Vec::new();
        for (first, count) in self.segments() {
            let path = path_of(&kid, first);
            let lst = zlib(&statuses(first, count, &self.revoked, &self.suspended))?;
            let mut payload = Vec::new();
            Encoder::new(&mut payload)
                .map(5)
                .and_then(|e| e.u64(2))
                .and_then(|e| e.str(&format!("{base}{path}")))
                .and_then(|e| e.u64(4))
                .and_then(|e| e.u64(issued_at + super::STATUS_LIST_VALID_SECS))
                .and_then(|e| e.u64(6))
                .and_then(|e| e.u64(issued_at))
                .and_then(|e| e.u64(CLAIM_STATUS_LIST))
                // Deterministic order: the shorter key first.
                .and_then(|e| e.map(2))
                .and_then(|e| e.str("lst"))
                .and_then(|e| e.bytes(&lst))
                .and_then(|e| e.str("bits"))
                .and_then(|e| e.u8(BITS))
                .and_then(|e| e.u64(CLAIM_TTL))
                .and_then(|e| e.u64(TTL_SECS))
                .map_err(|e| DeskError::Input(format!("a status token cannot be written: {e}")))?;
            let mut signed = vec![0u8; payload.len() + protected.len() + 128];
            let n = tessera_core::cose::sign1(
                &protected,
                &tessera_core::UNPROTECTED,
                &payload,
                key,
                &mut signed,
            )?;
            signed.truncate(n);
            out.push((path, signed));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    // Reason: tests.
    use super::*;

    #[test]
    fn two_bits_an_entry_least_significant_first_and_revoked_wins() {
        let lst = statuses(100, 9, &[101, 104, 108], &[102, 104, 200]);
        // Entries 0..=3: valid, revoked, suspended, valid.
        assert_eq!(lst[0], 0b00_10_01_00);
        // Entry 4 both: revoked.
        assert_eq!(lst[1], 0b00_00_00_01);
        assert_eq!(lst[2], 0b00_00_00_01);
        assert_eq!(lst.len(), 3);
    }
}
