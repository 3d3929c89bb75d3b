//! The Ed25519 arithmetic behind signature checks.
//!
//! * [`Backend::Compact`] (always there, the default): `ed25519-compact`,
//!   tiny and `no_std`; what the firmware measured fastest on Cortex-M4.
//! * [`Backend::Dalek`] (feature `dalek`, for std hosts): the point
//!   arithmetic of `curve25519-dalek`, which uses AVX2 on x86_64, plus batch
//!   verification ([`crate::verify_batch`]).
//!
//! Both accept exactly the same signatures. The rules are
//! `ed25519-compact`'s: `S` canonical (below the group order), `R` and the
//! public key canonical encodings of points that are not of small order, and
//! `[S]B - [k]A - R` of small order (the cofactored equation, RFC 8032
//! §5.1.7 and the "strict" column of the Wycheproof vectors). The Dalek
//! backend checks each rule itself rather than using `ed25519-dalek`'s
//! `verify_strict`, whose cofactorless equation differs from compact's on
//! signatures whose `R` has a torsion component (only the key holder can
//! make those), so a verdict never depends on the backend. The Wycheproof,
//! RFC 8032 and differential tests run every input through both.

use crate::error::Error;
use crate::keys::{PublicKey, Signature};

/// Hands the signed message to its argument, in pieces.
pub(crate) type Feed<'f> = &'f dyn Fn(&mut dyn FnMut(&[u8]));

/// Which Ed25519 implementation checks signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Backend {
    /// `ed25519-compact`: small code, streaming, no allocation.
    Compact,
    /// `curve25519-dalek` arithmetic (SIMD on x86_64), same acceptance rules.
    #[cfg(feature = "dalek")]
    Dalek,
}

impl Backend {
    /// What [`crate::verify`] uses: `Dalek` when the `dalek` feature is on,
    /// else `Compact`.
    #[cfg(feature = "dalek")]
    pub const DEFAULT: Self = Self::Dalek;
    /// What [`crate::verify`] uses: `Dalek` when the `dalek` feature is on,
    /// else `Compact`.
    #[cfg(not(feature = "dalek"))]
    pub const DEFAULT: Self = Self::Compact;

    /// Every backend compiled in, for tests that compare them.
    pub const ALL: &'static [Self] = &[
        Self::Compact,
        #[cfg(feature = "dalek")]
        Self::Dalek,
    ];

    /// Check `signature` by `key` over the message `feed` hands out in
    /// pieces (the COSE Sig_structure never has to exist in memory).
    #[inline(always)]
    pub(crate) fn verify_parts(
        self,
        key: &PublicKey,
        signature: &Signature,
        feed: Feed<'_>,
    ) -> Result<(), Error> {
        match self {
            Self::Compact => {
                let mut state = ed25519_compact::PublicKey::new(*key.as_bytes())
                    .verify_incremental(&ed25519_compact::Signature::new(*signature.as_bytes()))
                    .map_err(|_| Error::SignatureInvalid)?;
                feed(&mut |chunk| state.absorb(chunk));
                state.verify().map_err(|_| Error::SignatureInvalid)
            }
            #[cfg(feature = "dalek")]
            Self::Dalek => {
                let point = dalek::NegatedKey::new(key)?;
                dalek::verify(&point, signature, feed)
            }
        }
    }
}

#[cfg(feature = "dalek")]
pub(crate) mod dalek {
    //! Ed25519 checks on `curve25519-dalek` points, with compact's rules.

    use alloc::vec::Vec;

    use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
    use curve25519_dalek::scalar::Scalar;
    use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
    use ed25519_compact::sha512;

    use super::Feed;
    use crate::error::Error;
    use crate::keys::{PublicKey, Signature};

    /// A public key decoded once: its bytes and the point `-A`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) struct NegatedKey {
        bytes: [u8; 32],
        minus_a: EdwardsPoint,
    }

    impl NegatedKey {
        pub(crate) fn new(key: &PublicKey) -> Result<Self, Error> {
            let point = decode_point(key.as_bytes()).ok_or(Error::InvalidKey)?;
            Ok(Self {
                bytes: *key.as_bytes(),
                minus_a: -point,
            })
        }
    }

    /// A canonical encoding of a point that is not of small order (the rule
    /// ed25519-compact applies to `R` and to public keys).
    fn decode_point(bytes: &[u8; 32]) -> Option<EdwardsPoint> {
        if !is_canonical_y(bytes) {
            return None;
        }
        let point = CompressedEdwardsY(*bytes).decompress()?;
        (!point.is_small_order()).then_some(point)
    }

    /// Is the y coordinate (bit 255 cleared) below p = 2^255 - 19?
    /// The only values at or above p have bytes 1..=30 all 0xff, byte 31
    /// 0x7f and byte 0 at least 0xed.
    fn is_canonical_y(bytes: &[u8; 32]) -> bool {
        let [first, middle @ .., last] = bytes;
        !(last & 0x7f == 0x7f && middle.iter().all(|&b| b == 0xff) && *first >= 0xed)
    }

    /// A signature split into its checked parts.
    struct Parsed {
        r: EdwardsPoint,
        s: Scalar,
        k: Scalar,
    }

    fn parse(key: &NegatedKey, signature: &Signature, feed: Feed<'_>) -> Option<Parsed> {
        let (r_bytes, s_bytes) = signature.as_bytes().split_at(32);
        let r_bytes: &[u8; 32] = r_bytes.try_into().ok()?;
        let s_bytes: [u8; 32] = s_bytes.try_into().ok()?;
        let s = Option::from(Scalar::from_canonical_bytes(s_bytes))?;
        let r = decode_point(r_bytes)?;
        let mut hash = sha512::Hash::new();
        hash.update(r_bytes);
        hash.update(key.bytes);
        feed(&mut |chunk| hash.update(chunk));
        let k = Scalar::from_bytes_mod_order_wide(&hash.finalize());
        Some(Parsed { r, s, k })
    }

    /// One signature: `[S]B + [k](-A) - R` must be of small order.
    pub(crate) fn verify(
        key: &NegatedKey,
        signature: &Signature,
        feed: Feed<'_>,
    ) -> Result<(), Error> {
        let p = parse(key, signature, feed).ok_or(Error::SignatureInvalid)?;
        let check = EdwardsPoint::vartime_double_scalar_mul_basepoint(&p.k, &key.minus_a, &p.s);
        if (check - p.r).is_small_order() {
            Ok(())
        } else {
            Err(Error::SignatureInvalid)
        }
    }

    /// One entry of a batch.
    pub(crate) struct Item<'k, F> {
        pub(crate) key: &'k NegatedKey,
        pub(crate) signature: Signature,
        pub(crate) feed: F,
    }

    /// True when every signature in `items` is valid (false positives
    /// have probability below 2^-120). With random 128-bit `z_i` it checks
    /// `[8]( [sum z_i S_i]B + sum [z_i k_i](-A_i) + sum [-z_i]R_i ) = 0`
    /// (terms with the same key `A` merged into one):
    /// when each `[S_i]B - [k_i]A_i - R_i` is of small order (what single
    /// verification accepts) the sum is 0 after the cofactor; otherwise it is
    /// not, except with negligible probability. The `z_i` come from a
    /// SHA-512 transcript of every input, so no random source is needed and
    /// a signer cannot pick them.
    pub(crate) fn verify_batch<F: Fn(&mut dyn FnMut(&[u8]))>(items: &[Item<'_, F>]) -> bool {
        let mut parsed = Vec::with_capacity(items.len());
        let mut transcript = sha512::Hash::new();
        transcript.update(b"tessera batch verification v1");
        for item in items {
            let Some(p) = parse(item.key, &item.signature, &item.feed) else {
                return false;
            };
            transcript.update(item.signature.as_bytes());
            transcript.update(item.key.bytes);
            transcript.update(p.k.as_bytes());
            parsed.push(p);
        }
        let seed = transcript.finalize();
        let mut b_coefficient = Scalar::ZERO;
        // Badges of one issuer share `A`: their `z_i k_i` add up into one
        // coefficient, so the equation has about n + 1 points, not 2n + 1.
        let mut keys: Vec<(&NegatedKey, Scalar)> = Vec::new();
        let mut scalars = Vec::with_capacity(items.len() + 2);
        let mut points = Vec::with_capacity(items.len() + 2);
        let mut block = [0u8; 64];
        for (i, (item, p)) in items.iter().zip(&parsed).enumerate() {
            // Four 128-bit z values from each SHA-512 block of the seed.
            if i % 4 == 0 {
                let mut h = sha512::Hash::new();
                h.update(seed);
                h.update(((i / 4) as u64).to_le_bytes());
                block = h.finalize();
            }
            let start = (i % 4) * 16;
            let z: [u8; 16] = block
                .get(start..start + 16)
                .and_then(|b| b.try_into().ok())
                .unwrap_or_default();
            let z = Scalar::from(u128::from_le_bytes(z));
            b_coefficient += z * p.s;
            match keys.iter_mut().find(|(k, _)| k.bytes == item.key.bytes) {
                Some((_, c)) => *c += z * p.k,
                None => keys.push((item.key, z * p.k)),
            }
            scalars.push(-z);
            points.push(p.r);
        }
        for (key, coefficient) in keys {
            scalars.push(coefficient);
            points.push(key.minus_a);
        }
        scalars.push(b_coefficient);
        points.push(curve25519_dalek::constants::ED25519_BASEPOINT_POINT);
        EdwardsPoint::vartime_multiscalar_mul(scalars, points)
            .mul_by_cofactor()
            .is_identity()
    }
}

#[cfg(all(test, feature = "dalek"))]
mod tests {
    use super::dalek::{Item, NegatedKey, verify_batch};
    use crate::SigningKey;
    use crate::keys::Signature;

    /// The batch equation itself (not the one-by-one fallback behind it):
    /// true for good signatures from several keys, false as soon as one
    /// signature or message is wrong.
    #[test]
    fn the_batch_equation_accepts_good_batches_and_only_those() {
        let (Ok(a), Ok(b)) = (
            SigningKey::from_seed([1; 32]),
            SigningKey::from_seed([2; 32]),
        ) else {
            return;
        };
        let (Ok(na), Ok(nb)) = (
            NegatedKey::new(&a.public_key()),
            NegatedKey::new(&b.public_key()),
        ) else {
            return;
        };
        let messages: [[u8; 3]; 9] = core::array::from_fn(|i| [i as u8, 7, 9]);
        let signed: [(Signature, &NegatedKey); 9] = core::array::from_fn(|i| {
            let m = messages.get(i).copied().unwrap_or_default();
            if i % 3 == 0 {
                (b.sign(&m), &nb)
            } else {
                (a.sign(&m), &na)
            }
        });
        let items = |bad: Option<usize>| {
            signed
                .iter()
                .zip(messages)
                .enumerate()
                .map(|(i, ((signature, key), message))| {
                    let mut message = message;
                    if bad == Some(i) {
                        message[2] ^= 1;
                    }
                    Item {
                        key,
                        signature: *signature,
                        feed: move |f: &mut dyn FnMut(&[u8])| f(&message),
                    }
                })
                .collect::<alloc::vec::Vec<_>>()
        };
        assert!(verify_batch(&items(None)));
        for bad in 0..9 {
            assert!(!verify_batch(&items(Some(bad))), "message {bad} altered");
        }
        // A signature under the other key.
        let mut swapped = items(None);
        if let Some(first) = swapped.first_mut() {
            first.key = &na;
        }
        assert!(!verify_batch(&swapped));
    }
}
