//! The `eddsa-rdfc-2022` cryptosuite of W3C Data Integrity: create and
//! verify a `DataIntegrityProof` on a JSON-LD credential.
//!
//! Signing: the proof options (`type`, `cryptosuite`, `created`,
//! `verificationMethod`, `proofPurpose`, with the credential's
//! `@context`) and the credential without its proof are each
//! canonicalized ([`canonicalize`]); the Ed25519 signature over
//! `SHA-256(options) ‖ SHA-256(credential)` is the `proofValue`, base58btc
//! with the multibase prefix `z`. Verifying repeats that with the proof
//! read back, after checking every field a forger could bend.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use tessera_core::{PublicKey, Signature, SigningKey};

use crate::did::{MethodKey, method_key};
use crate::sizes::{MAX_CLOCK_SKEW_SECS, MAX_PROOFS};
use crate::{LdError, canonicalize};
pub use tessera_formats::credential::{issuer_id, parse_time};

/// The cryptosuite.
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";
/// The proof type.
pub const PROOF_TYPE: &str = "DataIntegrityProof";
/// The proof purpose of an issuer's credential.
pub const ASSERTION_METHOD: &str = "assertionMethod";

/// A proof that held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    /// The key that signed.
    pub key: PublicKey,
    /// Its verification method, as the proof names it.
    pub verification_method: String,
    /// The method's controller: the issuer's id.
    pub controller: String,
    /// When the proof was made, as it says (`created`).
    pub created: String,
    /// What the proof signs about the credential, read from the signed
    /// RDF rather than the JSON (see [`Signed`]).
    pub signed: Signed,
}

/// The credential's dates and status as the signed RDF dataset says them:
/// the same for every JSON-LD form that expands to that dataset (a value
/// object, an array of one, reordered keys), so a date cannot hide from a
/// verifier that reads JSON strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signed {
    /// `validFrom`, Unix seconds.
    pub valid_from: Option<i64>,
    /// `validUntil`, Unix seconds.
    pub valid_until: Option<i64>,
    /// How many `credentialStatus` entries it names.
    pub status_entries: usize,
}

const RDF_TYPE: &str = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>";
const VC_TYPE: &str = "<https://www.w3.org/2018/credentials#VerifiableCredential>";
const VC_NS: &str = "https://www.w3.org/2018/credentials#";

impl Signed {
    /// Read the facts from canonical N-Quads (one statement a line: subject,
    /// predicate, object, an optional graph, ` .`).
    pub fn from_nquads(nquads: &str) -> Result<Self, LdError> {
        let statements: Vec<(&str, &str, &str, bool)> = nquads
            .lines()
            .filter_map(|line| {
                let line = line.strip_suffix(" .")?;
                let (s, rest) = line.split_once(' ')?;
                let (p, rest) = rest.split_once(' ')?;
                let end = object_end(rest)?;
                let (o, graph) = rest.split_at(end);
                Some((s, p, o, !graph.trim().is_empty()))
            })
            .collect();
        let credentials: Vec<&str> = statements
            .iter()
            .filter(|(_, p, o, g)| !g && *p == RDF_TYPE && *o == VC_TYPE)
            .map(|(s, ..)| *s)
            .collect();
        let [credential] = credentials.as_slice() else {
            return Err(LdError::SignedField {
                field: "type",
                why: format!("{} VerifiableCredential nodes, not one", credentials.len()),
            });
        };
        let values = |name: &str| -> Vec<&str> {
            let predicate = format!("<{VC_NS}{name}>");
            statements
                .iter()
                .filter(|(s, p, _, g)| !g && s == credential && *p == predicate)
                .map(|(_, _, o, _)| *o)
                .collect()
        };
        let date = |field: &'static str| -> Result<Option<i64>, LdError> {
            match values(field).as_slice() {
                [] => Ok(None),
                [one] => {
                    // A literal: `"…"` with a datatype (or none).
                    let text = one
                        .strip_prefix('"')
                        .and_then(|t| t.rsplit_once('"'))
                        .map(|(v, _)| v)
                        .ok_or_else(|| LdError::SignedField {
                            field,
                            why: format!("{one}, not a date"),
                        })?;
                    parse_time(text)
                        .map(Some)
                        .ok_or_else(|| LdError::SignedField {
                            field,
                            why: format!("{text:?}, not an RFC 3339 date and time"),
                        })
                }
                many => Err(LdError::SignedField {
                    field,
                    why: format!("given {} times", many.len()),
                }),
            }
        };
        Ok(Self {
            valid_from: date("validFrom")?,
            valid_until: date("validUntil")?,
            status_entries: values("credentialStatus").len(),
        })
    }
}

/// The proof options of a new proof.
pub fn proof_options(verification_method: &str, created: &str) -> Value {
    json!({
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": ASSERTION_METHOD,
    })
}

/// The 64 bytes a proof signs: SHA-256 of the canonical proof
/// configuration (the options with the document's `@context`), then
/// SHA-256 of the canonical document (without its proof).
pub fn hash_data(unsecured: &Value, options: &Map<String, Value>) -> Result<[u8; 64], LdError> {
    Ok(hash_and_document(unsecured, options)?.0)
}

/// [`hash_data`] and the canonical N-Quads of the document it hashed.
fn hash_and_document(
    unsecured: &Value,
    options: &Map<String, Value>,
) -> Result<([u8; 64], String), LdError> {
    let mut config = options.clone();
    config.remove("proofValue");
    if let Some(context) = unsecured.get("@context") {
        config.insert("@context".into(), context.clone());
    }
    let config = canonicalize(&Value::Object(config))?;
    let document = canonicalize(unsecured)?;
    let mut out = [0u8; 64];
    let (first, second) = out.split_at_mut(32);
    first.copy_from_slice(&Sha256::digest(config.as_bytes()));
    second.copy_from_slice(&Sha256::digest(document.as_bytes()));
    Ok((out, document))
}

/// Sign `credential` (which has no proof yet): returns it with a `proof`
/// array holding one `DataIntegrityProof` by `key`, whose verification
/// method is `verification_method`, created at `created` (RFC 3339).
pub fn sign(
    credential: &Value,
    key: &SigningKey,
    verification_method: &str,
    created: &str,
) -> Result<Value, LdError> {
    let object = credential.as_object().ok_or(LdError::NotAnObject)?;
    if object.contains_key("proof") {
        return Err(LdError::ProofMalformed(
            "the credential is already signed; sign the credential without its proof".into(),
        ));
    }
    parse_time(created).ok_or_else(|| LdError::CreatedMalformed(created.to_string()))?;
    let options = proof_options(verification_method, created);
    let Value::Object(mut proof) = options else {
        return Err(LdError::NotAnObject);
    };
    let (data, document) = hash_and_document(credential, &proof)?;
    // Refuse to sign what no verifier (this one included) would accept: a
    // document that is not one credential, or whose dates are not dates.
    Signed::from_nquads(&document)?;
    let signature = key.sign(&data);
    proof.insert(
        "proofValue".into(),
        Value::String(format!(
            "z{}",
            bs58::encode(signature.as_bytes()).into_string()
        )),
    );
    let mut signed = object.clone();
    signed.insert("proof".into(), Value::Array(vec![Value::Object(proof)]));
    Ok(Value::Object(signed))
}

/// Verify the Data Integrity proofs of `credential`: every proof must be
/// an `eddsa-rdfc-2022` `DataIntegrityProof` for `assertionMethod`, by a
/// key `trusted` accepts whose controller is the credential's issuer, not
/// created after `now` (Unix seconds; `None` skips the time checks), and
/// its signature must hold over the credential as it is. Returns the first
/// proof.
pub fn verify(
    credential: &Value,
    trusted: &dyn Fn(&PublicKey) -> bool,
    now: Option<i64>,
) -> Result<VerifiedProof, LdError> {
    let object = credential.as_object().ok_or(LdError::NotAnObject)?;
    let proofs: Vec<&Value> = match object.get("proof") {
        None => return Err(LdError::NoProof),
        Some(Value::Array(list)) if list.is_empty() => return Err(LdError::NoProof),
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
    };
    if proofs.len() > MAX_PROOFS {
        return Err(LdError::ProofMalformed(format!(
            "it has {} proofs; at most {MAX_PROOFS} are read",
            proofs.len()
        )));
    }
    let mut unsecured = object.clone();
    unsecured.remove("proof");
    let unsecured = Value::Object(unsecured);
    let issuer = issuer_id(credential);
    let mut first = None;
    for proof in proofs {
        let verified = verify_one(&unsecured, proof, issuer, trusted, now)?;
        first.get_or_insert(verified);
    }
    first.ok_or(LdError::NoProof)
}

fn verify_one(
    unsecured: &Value,
    proof: &Value,
    issuer: Option<&str>,
    trusted: &dyn Fn(&PublicKey) -> bool,
    now: Option<i64>,
) -> Result<VerifiedProof, LdError> {
    let proof = proof
        .as_object()
        .ok_or_else(|| LdError::ProofMalformed("a proof is not a JSON object".into()))?;
    let text = |key: &str| proof.get(key).and_then(Value::as_str);
    let field =
        |key: &str| text(key).ok_or_else(|| LdError::ProofMalformed(format!("it has no {key}")));
    match proof.get("type") {
        Some(Value::String(t)) if t == PROOF_TYPE => {}
        Some(other) => return Err(LdError::ProofType(shown(other))),
        None => return Err(LdError::ProofMalformed("it has no type".into())),
    }
    let suite = field("cryptosuite")?;
    if suite != CRYPTOSUITE {
        return Err(LdError::Cryptosuite(suite.to_string()));
    }
    let purpose = field("proofPurpose")?;
    if purpose != ASSERTION_METHOD {
        return Err(LdError::ProofPurpose(purpose.to_string()));
    }
    let created = field("created")?;
    let created_at =
        parse_time(created).ok_or_else(|| LdError::CreatedMalformed(created.to_string()))?;
    if let Some(now) = now {
        if created_at > now.saturating_add(MAX_CLOCK_SKEW_SECS) {
            return Err(LdError::CreatedInFuture(created.to_string()));
        }
        if let Some(expires) = text("expires") {
            let at = parse_time(expires).ok_or_else(|| {
                LdError::ProofMalformed(format!("expires {expires:?} is not a date"))
            })?;
            if at < now {
                return Err(LdError::ProofExpired(expires.to_string()));
            }
        }
    }
    let method = field("verificationMethod")?;
    let MethodKey { controller, key } =
        method_key(method).ok_or_else(|| LdError::VerificationMethod(method.to_string()))?;
    if issuer != Some(controller.as_str()) {
        return Err(LdError::IssuerMismatch {
            method_controller: controller,
            issuer: issuer.unwrap_or("not named").to_string(),
        });
    }
    if !trusted(&key) {
        return Err(LdError::UntrustedKey(format!(
            "{method} (key {})",
            key.kid()
        )));
    }
    let value = field("proofValue")?;
    let signature = value
        .strip_prefix('z')
        .ok_or_else(|| LdError::ProofValue("it does not start with z (base58btc)".into()))
        .and_then(|b58| {
            bs58::decode(b58)
                .into_vec()
                .map_err(|e| LdError::ProofValue(e.to_string()))
        })
        .and_then(|bytes| {
            Signature::try_from(bytes.as_slice())
                .map_err(|_| LdError::ProofValue(format!("{} bytes, not 64", bytes.len())))
        })?;
    if let Some(context) = proof.get("@context")
        && !context_starts(unsecured.get("@context"), context)
    {
        return Err(LdError::ProofContext);
    }
    let (data, document) = hash_and_document(unsecured, proof)?;
    key.verify(&data, &signature)
        .map_err(|_| LdError::Signature)?;
    Ok(VerifiedProof {
        key,
        verification_method: method.to_string(),
        controller,
        created: created.to_string(),
        signed: Signed::from_nquads(&document)?,
    })
}

/// Where an N-Quads object ends in `rest` (a literal with its escapes,
/// datatype or language; an IRI; a blank node).
fn object_end(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    match bytes.first()? {
        b'"' => {
            let mut i = 1;
            while i < bytes.len() {
                match bytes.get(i)? {
                    b'\\' => i += 2,
                    b'"' => break,
                    _ => i += 1,
                }
            }
            // Past the closing quote: `^^<…>`, `@lang`, or nothing.
            let after = i + 1;
            let tail = rest.get(after..)?;
            if let Some(dt) = tail.strip_prefix("^^<") {
                Some(after + 3 + dt.find('>')? + 1)
            } else if tail.starts_with('@') {
                Some(after + tail.find(' ').unwrap_or(tail.len()))
            } else {
                Some(after)
            }
        }
        b'<' => Some(rest.find('>')? + 1),
        _ => Some(rest.find(' ').unwrap_or(rest.len())),
    }
}

/// Does the document's `@context` start with the proof's?
fn context_starts(document: Option<&Value>, proof: &Value) -> bool {
    let list = |v: &Value| match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    let (Some(document), proof) = (document.map(list), list(proof)) else {
        return false;
    };
    document.starts_with(&proof)
}

/// A JSON value for a message: a string as it is, anything else as JSON.
fn shown(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    // Reason: tests.
    use super::Signed;

    const TYPE: &str = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .";
    const UNTIL: &str = "<https://www.w3.org/2018/credentials#validUntil>";
    const DT: &str = "^^<http://www.w3.org/2001/XMLSchema#dateTime>";

    #[test]
    fn dates_are_read_from_the_credential_node_only_and_once() {
        let doc = format!(
            "<urn:c> {TYPE}\n\
             <urn:c> {UNTIL} \"2021-01-01T00:00:00Z\"{DT} .\n\
             <urn:c> <https://schema.org/name> \"a \\\"quoted\\\" name with spaces\" .\n\
             <urn:other> {UNTIL} \"2099-01-01T00:00:00Z\"{DT} .\n\
             <urn:c> <https://www.w3.org/2018/credentials#credentialStatus> _:c14n0 .\n"
        );
        let s = Signed::from_nquads(&doc).unwrap();
        assert_eq!(s.valid_until, Some(1_609_459_200));
        assert_eq!(s.valid_from, None);
        assert_eq!(s.status_entries, 1);
        let twice = format!("{doc}<urn:c> {UNTIL} \"2022-01-01T00:00:00Z\"{DT} .\n");
        let err = Signed::from_nquads(&twice).unwrap_err().to_string();
        assert!(err.contains("given 2 times"), "{err}");
        let none = Signed::from_nquads("<urn:c> <urn:p> \"x\" .\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("validUntil") && none.contains("0 VerifiableCredential"),
            "{none}"
        );
    }
}
