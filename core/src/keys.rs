//! Key, key-id and signature newtypes, so a 32-byte key can never be passed
//! where a 64-byte signature goes.

use core::fmt;

use ed25519_compact::sha512;

use crate::error::Error;
use crate::sizes::{KID_LEN, PUBLIC_KEY_LEN, SEED_LEN, SIGNATURE_LEN};

/// An Ed25519 public key of an issuer.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PublicKey([u8; PUBLIC_KEY_LEN]);

/// An Ed25519 signature.
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Signature([u8; SIGNATURE_LEN]);

/// A Tessera key id: the first [`KID_LEN`] bytes of the SHA-512 of the key's
/// RFC 9679 COSE_Key thumbprint input. See [`Kid::derive`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Kid([u8; KID_LEN]);

/// An issuer's signing key (Ed25519 seed and its public key). The secret is
/// wiped from memory when the value is dropped and never printed by `Debug`.
#[derive(Clone)]
pub struct SigningKey {
    pair: ed25519_compact::KeyPair,
    kid: Kid,
}

impl PublicKey {
    /// Wrap 32 bytes, checking that they encode a point on the curve.
    pub fn new(bytes: [u8; PUBLIC_KEY_LEN]) -> Result<Self, Error> {
        ed25519_compact::PublicKey::new(bytes)
            .validate()
            .map_err(|_| Error::InvalidKey)?;
        Ok(Self(bytes))
    }

    /// The raw 32 bytes.
    pub const fn as_bytes(&self) -> &[u8; PUBLIC_KEY_LEN] {
        &self.0
    }

    /// The key id Tessera derives from this key.
    pub fn kid(&self) -> Kid {
        Kid::derive(self)
    }

    /// Verify a signature over a raw message (no COSE framing) with the
    /// default [`Backend`](crate::Backend). This is the same signature check
    /// the badge verifier runs.
    // `inline(always)` here and in `verify_with`, as along the badge
    // verifier's path: the backend is a constant where it is called, so a
    // build that uses only the default backend (the web module, which
    // checks VC-JWT signatures with this) links only its arithmetic.
    #[inline(always)]
    pub fn verify(&self, message: &[u8], signature: &Signature) -> Result<(), Error> {
        self.verify_with(crate::Backend::DEFAULT, message, signature)
    }

    /// [`PublicKey::verify`] with a chosen backend.
    #[inline(always)]
    pub fn verify_with(
        &self,
        backend: crate::Backend,
        message: &[u8],
        signature: &Signature,
    ) -> Result<(), Error> {
        backend.verify_parts(self, signature, &|f| f(message))
    }

    /// Encode this key as a COSE_Key (RFC 9052 §7, OKP/Ed25519, with `kid`
    /// and `alg` EdDSA) into `out`, in deterministic CBOR. Returns the length.
    pub fn to_cose_key(&self, out: &mut [u8]) -> Result<usize, Error> {
        let mut enc = minicbor::Encoder::new(minicbor::encode::write::Cursor::new(out));
        enc.map(5)?
            .u8(1)? // kty
            .u8(1)? // OKP
            .u8(2)? // kid
            .bytes(self.kid().as_bytes())?
            .u8(3)? // alg
            .i8(-8)? // EdDSA
            .i8(-1)? // crv
            .u8(6)? // Ed25519
            .i8(-2)? // x
            .bytes(&self.0)?;
        Ok(enc.into_writer().position())
    }
}

impl From<PublicKey> for [u8; PUBLIC_KEY_LEN] {
    fn from(key: PublicKey) -> Self {
        key.0
    }
}

impl TryFrom<&[u8]> for PublicKey {
    type Error = Error;
    fn try_from(bytes: &[u8]) -> Result<Self, Error> {
        let bytes: [u8; PUBLIC_KEY_LEN] = bytes.try_into().map_err(|_| Error::InvalidKey)?;
        Self::new(bytes)
    }
}

impl TryFrom<[u8; PUBLIC_KEY_LEN]> for PublicKey {
    type Error = Error;
    fn try_from(bytes: [u8; PUBLIC_KEY_LEN]) -> Result<Self, Error> {
        Self::new(bytes)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PublicKey(")?;
        hex(f, &self.0)?;
        f.write_str(")")
    }
}

impl Signature {
    /// The raw 64 bytes (R then S).
    pub const fn as_bytes(&self) -> &[u8; SIGNATURE_LEN] {
        &self.0
    }
}

impl From<[u8; SIGNATURE_LEN]> for Signature {
    fn from(bytes: [u8; SIGNATURE_LEN]) -> Self {
        Self(bytes)
    }
}

impl TryFrom<&[u8]> for Signature {
    type Error = Error;
    fn try_from(bytes: &[u8]) -> Result<Self, Error> {
        let bytes: [u8; SIGNATURE_LEN] = bytes.try_into().map_err(|_| Error::SignatureInvalid)?;
        Ok(Self(bytes))
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signature(")?;
        hex(f, &self.0)?;
        f.write_str(")")
    }
}

impl Kid {
    /// Derive the key id of a public key.
    ///
    /// The input is the RFC 9679 COSE Key thumbprint input of the key, the
    /// deterministic CBOR map `{1: 1, -1: 6, -2: x}` (kty OKP, crv Ed25519,
    /// x): `A3 01 01 20 06 21 58 20 || x`. Tessera hashes it with SHA-512
    /// (the hash Ed25519 already links, so the firmware carries no second
    /// hash function) and keeps the first [`KID_LEN`] bytes. Anyone can
    /// recompute it: `sha512(bytes.fromhex("a301012006215820") + x)[:4]`.
    pub fn derive(key: &PublicKey) -> Self {
        let mut h = sha512::Hash::new();
        h.update([0xa3, 0x01, 0x01, 0x20, 0x06, 0x21, 0x58, 0x20]);
        h.update(key.0);
        let digest = h.finalize();
        let mut kid = [0u8; KID_LEN];
        for (k, d) in kid.iter_mut().zip(digest.iter()) {
            *k = *d;
        }
        Self(kid)
    }

    /// The raw bytes.
    pub const fn as_bytes(&self) -> &[u8; KID_LEN] {
        &self.0
    }
}

impl From<[u8; KID_LEN]> for Kid {
    fn from(bytes: [u8; KID_LEN]) -> Self {
        Self(bytes)
    }
}

impl TryFrom<&[u8]> for Kid {
    type Error = Error;
    fn try_from(bytes: &[u8]) -> Result<Self, Error> {
        let bytes: [u8; KID_LEN] = bytes
            .try_into()
            .map_err(|_| Error::InvalidField(crate::Field::KeyId))?;
        Ok(Self(bytes))
    }
}

impl fmt::Debug for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Kid(")?;
        hex(f, &self.0)?;
        f.write_str(")")
    }
}

impl fmt::Display for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        hex(f, &self.0)
    }
}

impl SigningKey {
    /// The signing key for a 32-byte Ed25519 seed (the RFC 8032 secret
    /// key). The all-zero seed is refused ([`Error::InvalidKey`]): it is
    /// what an unfilled buffer holds, never a real key.
    pub fn from_seed(seed: [u8; SEED_LEN]) -> Result<Self, Error> {
        let pair = ed25519_compact::KeyPair::try_from_seed(ed25519_compact::Seed::new(seed))
            .map_err(|_| Error::InvalidKey)?;
        let public = PublicKey(*pair.pk);
        Ok(Self {
            pair,
            kid: Kid::derive(&public),
        })
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(*self.pair.pk)
    }

    /// The key id of the public half.
    pub const fn kid(&self) -> Kid {
        self.kid
    }

    /// The 32-byte seed, for storing the key (encrypted) on the host.
    pub fn seed(&self) -> [u8; SEED_LEN] {
        *self.pair.sk.seed()
    }

    /// Sign a raw message (deterministic Ed25519, RFC 8032).
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(*self.pair.sk.sign(message, None))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("secret", &"<redacted>")
            .finish()
    }
}

fn hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for b in bytes {
        write!(f, "{b:02x}")?;
    }
    Ok(())
}
