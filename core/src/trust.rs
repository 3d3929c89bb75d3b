//! The trusted issuers: a fixed-capacity list of issuer public keys, looked
//! up by key id.

use crate::error::Error;
use crate::keys::{Kid, PublicKey};
use crate::sizes::DEFAULT_TRUST_CAPACITY;

/// One trusted issuer key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TrustedIssuer {
    /// The key id badges name.
    pub kid: Kid,
    /// The issuer's public key.
    pub key: PublicKey,
    /// The key decoded once for the `dalek` backend.
    #[cfg(feature = "dalek")]
    #[cfg_attr(feature = "defmt", defmt(Debug2Format))]
    pub(crate) point: crate::backend::dalek::NegatedKey,
}

impl TrustedIssuer {
    fn new(key: PublicKey) -> Result<Self, Error> {
        Ok(Self {
            kid: key.kid(),
            key,
            #[cfg(feature = "dalek")]
            point: crate::backend::dalek::NegatedKey::new(&key)?,
        })
    }

    /// Check `message`'s signature with this issuer's key.
    #[inline(always)]
    pub(crate) fn check(
        &self,
        backend: crate::Backend,
        message: &crate::CoseSign1<'_>,
    ) -> Result<(), Error> {
        match backend {
            #[cfg(feature = "dalek")]
            crate::Backend::Dalek => {
                crate::backend::dalek::verify(&self.point, &message.signature, &|f| {
                    message.feed_to_be_signed(f)
                })
            }
            _ => message.verify_signature_with(backend, &self.key),
        }
    }
}

/// Issuer public keys a verifier accepts, at most `N` (no allocation).
///
/// Retired (rotated) keys stay in the store so the badges they signed keep
/// verifying; remove a key only when its badges must stop verifying.
#[derive(Clone, Debug, Default)]
pub struct TrustStore<const N: usize = DEFAULT_TRUST_CAPACITY> {
    issuers: heapless::Vec<TrustedIssuer, N>,
}

impl<const N: usize> TrustStore<N> {
    /// An empty store.
    pub const fn new() -> Self {
        Self {
            issuers: heapless::Vec::new(),
        }
    }

    /// Trust `key`; returns its key id. Adding a key twice is a no-op.
    pub fn add(&mut self, key: PublicKey) -> Result<Kid, Error> {
        let issuer = TrustedIssuer::new(key)?;
        if !self.issuers.iter().any(|i| i.key == key) {
            self.issuers
                .push(issuer)
                .map_err(|_| Error::TrustStoreFull)?;
        }
        Ok(issuer.kid)
    }

    /// Stop trusting `key`; returns whether it was trusted.
    pub fn remove(&mut self, key: &PublicKey) -> bool {
        match self.issuers.iter().position(|i| i.key == *key) {
            Some(index) => {
                self.issuers.swap_remove(index);
                true
            }
            None => false,
        }
    }

    /// Is `key` trusted?
    pub fn contains(&self, key: &PublicKey) -> bool {
        self.issuers.iter().any(|i| i.key == *key)
    }

    /// The keys a message naming `kid` may be signed with: those whose key id
    /// is `kid`, or every key when the message names none.
    pub fn candidates<'s>(
        &'s self,
        kid: Option<&'s [u8]>,
    ) -> impl Iterator<Item = &'s TrustedIssuer> + 's {
        self.issuers
            .iter()
            .filter(move |i| kid.is_none_or(|k| i.kid.as_bytes().as_slice() == k))
    }

    /// All trusted issuers.
    pub fn iter(&self) -> impl Iterator<Item = &TrustedIssuer> {
        self.issuers.iter()
    }

    /// How many issuers are trusted.
    pub fn len(&self) -> usize {
        self.issuers.len()
    }

    /// True when no issuer is trusted.
    pub fn is_empty(&self) -> bool {
        self.issuers.is_empty()
    }

    /// Find the trusted key that signed `message` (a decoded COSE_Sign1).
    #[inline(always)]
    pub(crate) fn signer_of(
        &self,
        backend: crate::Backend,
        message: &crate::CoseSign1<'_>,
    ) -> Result<TrustedIssuer, Error> {
        let mut any = false;
        for issuer in self.candidates(message.kid) {
            any = true;
            if issuer.check(backend, message).is_ok() {
                return Ok(*issuer);
            }
        }
        if any {
            Err(Error::SignatureInvalid)
        } else {
            Err(Error::UnknownIssuer)
        }
    }
}

// A kiosk's trust store stays small: 8 issuers in at most 8 × 36 + 16 bytes
// (checked whenever the core is built without the host-only `dalek`
// backend, as for the firmware).
#[cfg(not(feature = "dalek"))]
const _: () = assert!(core::mem::size_of::<TrustStore<8>>() <= 8 * 36 + 16);
