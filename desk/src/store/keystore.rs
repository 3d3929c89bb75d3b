//! Issuer key files. A real issuer's Ed25519 seed is encrypted with a
//! passphrase (Argon2id, then ChaCha20-Poly1305); only the labelled demo
//! issuer's key is stored in the clear. Files are written with mode 0600 and
//! replaced atomically; secrets are wiped from memory after use.

use std::fs;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use serde::{Deserialize, Serialize};
use tessera_core::SigningKey;
use zeroize::Zeroizing;

use super::secret::Secret;

/// Argon2id cost: the OWASP minimum (19 MiB, 2 passes, 1 lane).
const KDF_M_KIB: u32 = 19_456;
const KDF_T: u32 = 2;
const KDF_P: u32 = 1;
const FORMAT: &str = "tessera-key-v1";

/// Key file failures.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The operating system gave no random bytes.
    #[error(
        "the operating system gave no random bytes ({0}); nothing was made. Restart the computer or check its entropy source"
    )]
    NoRandomness(String),
    /// The passphrase does not open the key.
    #[error("wrong passphrase for the issuer key {0}; try again (nothing was changed)")]
    WrongPassphrase(String),
    /// The key is encrypted and no passphrase was given.
    #[error(
        "the issuer key is protected by a passphrase: set TESSERA_PASSPHRASE, pass --passphrase-file FILE, or run in a terminal to be asked"
    )]
    NeedsPassphrase,
    /// A passphrase too short to protect a signing key.
    #[error("the passphrase must be at least 8 characters")]
    WeakPassphrase,
    /// The file is not a key file.
    #[error(
        "the key file {path} is damaged or not a Tessera key ({detail}); restore it from a backup"
    )]
    Corrupt {
        /// The file.
        path: String,
        /// What was wrong.
        detail: String,
    },
    /// File system failure.
    #[error("cannot use the key file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

#[derive(Serialize, Deserialize)]
struct KdfParams {
    alg: String,
    m_kib: u32,
    t: u32,
    p: u32,
    salt: String,
}

#[derive(Serialize, Deserialize)]
struct KeyFile {
    format: String,
    kid: String,
    public_key: String,
    demo: bool,
    kdf: Option<KdfParams>,
    nonce: Option<String>,
    secret: String,
}

/// Fresh random bytes (salts, seeds) from the OS. When the OS cannot give
/// any, nothing is made: a predictable key or salt would be worse.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], KeyError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| KeyError::NoRandomness(e.to_string()))?;
    Ok(b)
}

fn derive(
    passphrase: &str,
    salt: &[u8],
    m: u32,
    t: u32,
    p: u32,
) -> Result<Zeroizing<[u8; 32]>, String> {
    let params = Params::new(m, t, p, Some(32)).map_err(|e| e.to_string())?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The path of the key file for `kid` under `dir`.
pub fn key_path(dir: &Path, kid: &[u8]) -> PathBuf {
    dir.join(format!("{}.key.json", hex::encode(kid)))
}

/// Write a key file: encrypted under `passphrase`, or in the clear for the
/// demo issuer (`passphrase = None`).
pub fn save(dir: &Path, key: &SigningKey, passphrase: Option<&str>) -> Result<PathBuf, KeyError> {
    let path = key_path(dir, key.kid().as_bytes());
    let io = |source| KeyError::Io {
        path: path.display().to_string(),
        source,
    };
    fs::create_dir_all(dir).map_err(io)?;
    let seed = Zeroizing::new(key.seed());
    let (kdf, nonce, secret) = match passphrase {
        None => (None, None, hex::encode(seed.as_ref())),
        Some(pass) => {
            if pass.chars().count() < 8 {
                return Err(KeyError::WeakPassphrase);
            }
            let salt: [u8; 16] = random_bytes()?;
            let nonce: [u8; 12] = random_bytes()?;
            let k = derive(pass, &salt, KDF_M_KIB, KDF_T, KDF_P).map_err(|detail| {
                KeyError::Corrupt {
                    path: path.display().to_string(),
                    detail,
                }
            })?;
            let cipher = ChaCha20Poly1305::new(Key::from_slice(k.as_ref()));
            let aad = key.kid().as_bytes().to_vec();
            let ct = cipher
                .encrypt(
                    Nonce::from_slice(&nonce),
                    Payload {
                        msg: seed.as_ref(),
                        aad: &aad,
                    },
                )
                .map_err(|_| KeyError::Corrupt {
                    path: path.display().to_string(),
                    detail: "encryption failed".into(),
                })?;
            let kdf = KdfParams {
                alg: "argon2id".into(),
                m_kib: KDF_M_KIB,
                t: KDF_T,
                p: KDF_P,
                salt: hex::encode(salt),
            };
            (Some(kdf), Some(hex::encode(nonce)), hex::encode(ct))
        }
    };
    let file = KeyFile {
        format: FORMAT.into(),
        kid: hex::encode(key.kid().as_bytes()),
        public_key: hex::encode(key.public_key().as_bytes()),
        demo: passphrase.is_none(),
        kdf,
        nonce,
        secret,
    };
    // Serializing a struct of strings cannot fail; map it anyway rather
    // than write an empty key file.
    let text =
        Zeroizing::new(
            serde_json::to_string_pretty(&file).map_err(|e| KeyError::Corrupt {
                path: path.display().to_string(),
                detail: e.to_string(),
            })?,
        );
    crate::store::files::write_private(&path, text.as_bytes()).map_err(|e| KeyError::Io {
        path: e.path,
        source: e.source,
    })?;
    Ok(path)
}

/// Is the key file a demo (unencrypted) key?
pub fn is_demo(path: &Path) -> Result<bool, KeyError> {
    Ok(read(path)?.demo)
}

fn read(path: &Path) -> Result<KeyFile, KeyError> {
    let text = Zeroizing::new(fs::read_to_string(path).map_err(|source| KeyError::Io {
        path: path.display().to_string(),
        source,
    })?);
    let file: KeyFile = serde_json::from_str(&text).map_err(|e| KeyError::Corrupt {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    if file.format != FORMAT {
        return Err(KeyError::Corrupt {
            path: path.display().to_string(),
            detail: format!("format {:?}", file.format),
        });
    }
    Ok(file)
}

/// Load a signing key; `passphrase` is asked for only when the key is
/// encrypted.
pub fn load(
    path: &Path,
    passphrase: &mut dyn FnMut() -> Option<Secret>,
) -> Result<SigningKey, KeyError> {
    let file = read(path)?;
    let corrupt = |detail: &str| KeyError::Corrupt {
        path: path.display().to_string(),
        detail: detail.into(),
    };
    let bytes = |h: &str| hex::decode(h).map_err(|_| corrupt("bad hex"));
    let seed: Zeroizing<Vec<u8>> = match (&file.kdf, &file.nonce) {
        (None, _) => Zeroizing::new(bytes(&file.secret)?),
        (Some(kdf), Some(nonce)) => {
            let pass = passphrase().ok_or(KeyError::NeedsPassphrase)?;
            let k = derive(pass.expose(), &bytes(&kdf.salt)?, kdf.m_kib, kdf.t, kdf.p)
                .map_err(|d| corrupt(&d))?;
            let nonce = bytes(nonce)?;
            if nonce.len() != 12 {
                return Err(corrupt("bad nonce"));
            }
            let aad = bytes(&file.kid)?;
            let cipher = ChaCha20Poly1305::new(Key::from_slice(k.as_ref()));
            Zeroizing::new(
                cipher
                    .decrypt(
                        Nonce::from_slice(&nonce),
                        Payload {
                            msg: &bytes(&file.secret)?,
                            aad: &aad,
                        },
                    )
                    .map_err(|_| KeyError::WrongPassphrase(file.kid.clone()))?,
            )
        }
        (Some(_), None) => return Err(corrupt("missing nonce")),
    };
    let seed: Zeroizing<[u8; 32]> = Zeroizing::new(
        seed.as_slice()
            .try_into()
            .map_err(|_| corrupt("secret is not 32 bytes"))?,
    );
    let key =
        SigningKey::from_seed(*seed).map_err(|_| corrupt("the secret is not a usable key"))?;
    if hex::encode(key.public_key().as_bytes()) != file.public_key {
        return Err(corrupt("secret does not match the public key"));
    }
    Ok(key)
}
