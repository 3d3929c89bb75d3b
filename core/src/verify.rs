//! Verifying a badge: structure, issuer, signature, claims, time, revocation
//! and card binding, in that order.

use serde::Serialize;

use crate::backend::Backend;
use crate::claims::BadgeClaims;
use crate::cose::CoseSign1;
use crate::error::Error;
use crate::keys::{Kid, PublicKey};
use crate::recipient::{Salt, Subject};
use crate::sizes::KID_LEN;
use crate::status::{STATUS_LIST_TYP, StatusList};
use crate::trust::TrustStore;
#[cfg(feature = "dalek")]
use crate::trust::TrustedIssuer;

/// A badge whose signature, issuer, validity period and revocation status
/// were checked. Text fields borrow from the verified bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct VerifiedBadge<'a> {
    /// The signed claims.
    pub claims: BadgeClaims<'a>,
    /// Key id of the issuer key that signed it.
    pub kid: Kid,
    /// The issuer key that signed it.
    pub issuer_key: PublicKey,
    /// The time expiry was checked against (the caller's `now` or the
    /// status list's issue time, whichever is later); `None` when no time
    /// was known, so expiry was **not** checked. `nbf` is checked against
    /// the caller's `now` only.
    pub checked_at: Option<u64>,
    /// Whether a status list was consulted.
    pub revocation_checked: bool,
}

/// Verify a badge (a tagged COSE_Sign1) against the trusted issuers.
///
/// * `now`: the current time in seconds since the Unix epoch, if known.
/// * `status`: the issuer's latest verified [`StatusList`]. Its issue time is
///   a floor for `now`, so a kiosk without a clock still rejects badges that
///   expired before the list was made.
///
/// Checks run in this order and the first failure is returned: structure and
/// algorithm, issuer lookup by `kid`, signature, claims, validity period,
/// status list issuer and freshness, revocation.
pub fn verify<'a, const N: usize>(
    bytes: &'a [u8],
    trust: &TrustStore<N>,
    now: Option<u64>,
    status: Option<&StatusList<'_>>,
) -> Result<VerifiedBadge<'a>, Error> {
    verify_with(Backend::DEFAULT, bytes, trust, now, status)
}

/// [`verify`] with a chosen Ed25519 [`Backend`]; the verdict is the same
/// with every backend.
// `inline(always)` along verify_with → TrustStore::signer_of →
// TrustedIssuer::check → CoseSign1::verify_signature_with →
// Backend::verify_parts: the backend is then a constant at every call, so a
// build that only ever uses the default backend (the web module) links
// only that backend's arithmetic (25 KB less WebAssembly).
#[inline(always)]
pub fn verify_with<'a, const N: usize>(
    backend: Backend,
    bytes: &'a [u8],
    trust: &TrustStore<N>,
    now: Option<u64>,
    status: Option<&StatusList<'_>>,
) -> Result<VerifiedBadge<'a>, Error> {
    let message = decode_badge(bytes)?;
    let signer = trust.signer_of(backend, &message)?;
    let claims = BadgeClaims::decode(message.payload, message.payload_offset)?;
    check_claims(claims, signer.kid, signer.key, now, status)
}

/// [`verify`] against every status list a verifier holds: the one that
/// answers is picked by the key that verified the signature and the
/// badge's serial ([`status::select`](crate::status::select)), so badges
/// of retired keys and of any serial are checked against their own list.
pub fn verify_lists<'a, const N: usize>(
    bytes: &'a [u8],
    trust: &TrustStore<N>,
    now: Option<u64>,
    lists: &[StatusList<'_>],
) -> Result<VerifiedBadge<'a>, Error> {
    let message = decode_badge(bytes)?;
    let signer = trust.signer_of(Backend::DEFAULT, &message)?;
    let claims = BadgeClaims::decode(message.payload, message.payload_offset)?;
    let status = crate::status::select(lists, signer.key, claims.serial);
    check_claims(claims, signer.kid, signer.key, now, status)
}

/// Structure checks: a COSE_Sign1 that is not a status list.
fn decode_badge(bytes: &[u8]) -> Result<CoseSign1<'_>, Error> {
    let message = CoseSign1::from_slice(bytes)?;
    if message.typ == Some(STATUS_LIST_TYP) {
        return Err(Error::NotCoseSign1);
    }
    Ok(message)
}

/// Everything after the signature: claims, validity period, status list.
fn check_claims<'a>(
    claims: BadgeClaims<'a>,
    kid: Kid,
    key: PublicKey,
    now: Option<u64>,
    status: Option<&StatusList<'_>>,
) -> Result<VerifiedBadge<'a>, Error> {
    debug!("badge serial {} signature ok", claims.serial);

    // The list must be this issuer's before its time is trusted as a floor.
    if let Some(list) = status {
        if list.issuer() != key {
            return Err(Error::StatusListWrongIssuer);
        }
        list.check_current(now)?;
    }
    // The status list's issue time is a lower bound on the real time: it can
    // prove a badge expired, but never that one is not valid yet, so `nbf`
    // is checked against the caller's clock only.
    let checked_at = match (now, status) {
        (Some(now), Some(list)) => Some(now.max(list.issued_at())),
        (Some(now), None) => Some(now),
        (None, Some(list)) => Some(list.issued_at()),
        (None, None) => None,
    };
    if let (Some(now), Some(nbf)) = (now, claims.not_before)
        && now < nbf
    {
        return Err(Error::NotYetValid { nbf });
    }
    if let (Some(t), Some(exp)) = (checked_at, claims.expires)
        && t >= exp
    {
        return Err(Error::Expired { exp });
    }
    if let Some(list) = status {
        let compromised = list.compromised_since();
        if let Some(since) = compromised
            && claims.issued_at >= since
        {
            return Err(Error::IssuerKeyCompromised { since });
        }
        match (list.is_revoked(claims.serial), compromised) {
            (Some(true), _) => {
                return Err(Error::Revoked {
                    serial: claims.serial,
                });
            }
            (Some(false), _) if list.is_suspended(claims.serial) => {
                return Err(Error::Suspended {
                    serial: claims.serial,
                });
            }
            (Some(false), _) => {}
            // A compromised key's lists are closed: what they do not cover,
            // its issuer did not issue before the compromise.
            (None, Some(since)) => return Err(Error::IssuerKeyCompromised { since }),
            // Issued after the list was made: the list cannot know it yet.
            (None, None) if claims.issued_at >= list.issued_at() => {}
            (None, None) => {
                return Err(Error::NotInStatusList {
                    serial: claims.serial,
                });
            }
        }
    }
    Ok(VerifiedBadge {
        claims,
        kid,
        issuer_key: key,
        checked_at,
        revocation_checked: status.is_some(),
    })
}

/// How many signatures one batch equation covers at most. Larger batches
/// cost less per signature (above about 190 points the multi-scalar
/// multiplication switches to Pippenger's method); a failed batch is split
/// in halves to find its bad signatures.
#[cfg(feature = "dalek")]
pub const BATCH_SIZE: usize = 256;

/// Verify many badges at once (a ledger audit, a folder of badges, an
/// employer's list) with batch signature verification; feature `dalek`,
/// for hosts with an allocator.
///
/// Returns one result per input, in order, each exactly what [`verify`]
/// returns for that input. Signatures are checked [`BATCH_SIZE`] at a time
/// with one multi-scalar equation; when a batch fails it is split in
/// halves, down to single checks, so the bad ones are named and the good
/// ones still pass.
#[cfg(feature = "dalek")]
pub fn verify_batch<'a, const N: usize>(
    badges: &[&'a [u8]],
    trust: &TrustStore<N>,
    now: Option<u64>,
    status: Option<&StatusList<'_>>,
) -> alloc::vec::Vec<Result<VerifiedBadge<'a>, Error>> {
    use alloc::vec::Vec;

    // Badges whose signature goes into a batch: (index, message, signer).
    let mut pending: Vec<(usize, CoseSign1<'a>, TrustedIssuer)> = Vec::new();
    let mut results: Vec<Result<VerifiedBadge<'a>, Error>> = badges
        .iter()
        .enumerate()
        .map(|(index, bytes)| {
            let message = decode_badge(bytes)?;
            let mut candidates = trust.candidates(message.kid);
            match (candidates.next(), candidates.next()) {
                (None, _) => Err(Error::UnknownIssuer),
                (Some(signer), None) => {
                    pending.push((index, message, *signer));
                    // Replaced once the batch is checked.
                    Err(Error::SignatureInvalid)
                }
                // No kid, or two keys share one: try each, as `verify` does.
                (Some(_), Some(_)) => {
                    let signer = trust.signer_of(Backend::Dalek, &message)?;
                    let claims = BadgeClaims::decode(message.payload, message.payload_offset)?;
                    check_claims(claims, signer.kid, signer.key, now, status)
                }
            }
        })
        .collect();
    for chunk in pending.chunks(BATCH_SIZE) {
        let good = good_signatures(chunk);
        for ((index, message, signer), signature_ok) in chunk.iter().zip(good) {
            if let Some(slot) = results.get_mut(*index) {
                *slot = if signature_ok {
                    BadgeClaims::decode(message.payload, message.payload_offset).and_then(
                        |claims| check_claims(claims, signer.kid, signer.key, now, status),
                    )
                } else {
                    Err(Error::SignatureInvalid)
                };
            }
        }
    }
    results
}

/// Which signatures in `chunk` hold: one batch equation for all of them;
/// when it fails, each half again, down to single checks for a few, so a
/// few bad badges among many cost a few small batches, not one check each.
#[cfg(feature = "dalek")]
fn good_signatures(chunk: &[(usize, CoseSign1<'_>, TrustedIssuer)]) -> alloc::vec::Vec<bool> {
    use crate::backend::dalek;
    use alloc::vec::Vec;
    if chunk.len() <= SINGLE_CHECK_BELOW {
        return chunk
            .iter()
            .map(|(_, message, signer)| signer.check(Backend::Dalek, message).is_ok())
            .collect();
    }
    let items: Vec<_> = chunk
        .iter()
        .map(|(_, message, signer)| dalek::Item {
            key: &signer.point,
            signature: message.signature,
            feed: |f: &mut dyn FnMut(&[u8])| message.feed_to_be_signed(f),
        })
        .collect();
    if dalek::verify_batch(&items) {
        return alloc::vec![true; chunk.len()];
    }
    let (first, second) = chunk.split_at(chunk.len() / 2);
    let mut good = good_signatures(first);
    good.extend(good_signatures(second));
    good
}

/// Batches this small are checked one signature at a time (a batch
/// equation of a few points costs about as much as the single checks).
#[cfg(feature = "dalek")]
const SINGLE_CHECK_BELOW: usize = 4;

/// Verify a badge read from a card whose UID the reader reported: as
/// [`verify`], then [`VerifiedBadge::check_card_uid`].
pub fn verify_card<'a, const N: usize>(
    bytes: &'a [u8],
    card_uid: &[u8],
    trust: &TrustStore<N>,
    now: Option<u64>,
    status: Option<&StatusList<'_>>,
) -> Result<VerifiedBadge<'a>, Error> {
    let badge = verify(bytes, trust, now, status)?;
    badge.check_card_uid(card_uid)?;
    Ok(badge)
}

/// Verify the badge in a card's user memory (from page 4) read from a card
/// with `card_uid`: parse the NDEF card image, then [`verify_card`].
pub fn verify_card_image<'a, const N: usize>(
    memory: &'a [u8],
    card_uid: &[u8],
    trust: &TrustStore<N>,
    now: Option<u64>,
    status: Option<&StatusList<'_>>,
) -> Result<VerifiedBadge<'a>, Error> {
    let badge = crate::ndef::parse_card_image(memory)?;
    verify_card(badge, card_uid, trust, now, status)
}

/// [`verify_card_image`] against every status list a verifier holds (see
/// [`verify_lists`]): what a kiosk with several issuer keys' lists runs.
pub fn verify_card_image_lists<'a, const N: usize>(
    memory: &'a [u8],
    card_uid: &[u8],
    trust: &TrustStore<N>,
    now: Option<u64>,
    lists: &[StatusList<'_>],
) -> Result<VerifiedBadge<'a>, Error> {
    let badge = crate::ndef::parse_card_image(memory)?;
    let badge = verify_lists(badge, trust, now, lists)?;
    badge.check_card_uid(card_uid)?;
    Ok(badge)
}

/// The JSON summary of a verified badge (see [`VerifiedBadge::summary_json`]).
#[derive(Serialize)]
struct Summary<'a> {
    verdict: &'static str,
    serial: u32,
    kid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer: Option<&'a str>,
    recipient: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<&'a str>,
    achievement_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    achievement_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<&'a str>,
    issued_at: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_before: Option<u64>,
    card_bound: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    checked_at: Option<u64>,
    revocation_checked: bool,
}

impl<'a> VerifiedBadge<'a> {
    /// Check a badge whose signature was verified without a status list
    /// (by [`verify`] or [`verify_batch`]) against the lists a verifier
    /// holds, as [`verify_lists`] would, without verifying the signature
    /// again. The list is picked by the key that verified the signature.
    pub fn check_lists(self, now: Option<u64>, lists: &[StatusList<'_>]) -> Result<Self, Error> {
        let status = crate::status::select(lists, self.issuer_key, self.claims.serial);
        check_claims(self.claims, self.kid, self.issuer_key, now, status)
    }

    /// Fail with [`Error::CardMismatch`] if the badge is bound to a card and
    /// `card_uid` is not that card's UID. Unbound badges pass.
    pub fn check_card_uid(&self, card_uid: &[u8]) -> Result<(), Error> {
        match self.claims.card_uid {
            Some(bound) if bound != card_uid => Err(Error::CardMismatch),
            _ => Ok(()),
        }
    }

    /// Does the badge belong to `identity`, given the recipient's claim code?
    pub fn is_for(&self, salt: &Salt, identity: &str) -> bool {
        Subject::matches(self.claims.subject, salt, identity)
    }

    /// Write a JSON summary of the badge (what a kiosk sends to its display
    /// or host) into `out`; returns the length. A buffer of
    /// [`SUMMARY_JSON_MAX_LEN`](crate::sizes::SUMMARY_JSON_MAX_LEN) bytes
    /// always suffices.
    pub fn summary_json(&self, out: &mut [u8]) -> Result<usize, Error> {
        let mut kid = [0u8; 2 * KID_LEN];
        for (pair, b) in kid.chunks_exact_mut(2).zip(self.kid.as_bytes()) {
            for (dst, nibble) in pair.iter_mut().zip([b >> 4, b & 0x0f]) {
                *dst = b"0123456789abcdef"
                    .get(usize::from(nibble))
                    .copied()
                    .unwrap_or(b'0');
            }
        }
        let kid = core::str::from_utf8(&kid).map_err(|_| Error::BufferTooSmall)?;
        let c = &self.claims;
        let summary = Summary {
            verdict: "valid",
            serial: c.serial,
            kid,
            issuer: c.issuer,
            recipient: c.subject,
            display_name: c.display_name,
            achievement_id: c.achievement_id,
            achievement_name: c.achievement_name,
            level: c.level,
            evidence: c.evidence,
            issued_at: c.issued_at,
            expires: c.expires,
            not_before: c.not_before,
            card_bound: c.card_uid.is_some(),
            checked_at: self.checked_at,
            revocation_checked: self.revocation_checked,
        };
        serde_json_core::to_slice(&summary, out).map_err(|_| Error::BufferTooSmall)
    }
}
