//! Why a credential cannot be canonicalized, signed or verified.

/// Why a credential cannot be canonicalized, signed or verified. Each
/// message says what is wrong and, where it helps, what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LdError {
    /// Not a JSON object.
    #[error("the credential is not a JSON object")]
    NotAnObject,
    /// Larger than [`MAX_DOCUMENT_BYTES`](crate::sizes::MAX_DOCUMENT_BYTES).
    #[error("the credential is {bytes} bytes of JSON; at most {max} are accepted")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The bound.
        max: usize,
    },
    /// Nested deeper than [`MAX_DEPTH`](crate::sizes::MAX_DEPTH).
    #[error("the credential nests objects and arrays more than {max} deep (at {at})")]
    TooDeep {
        /// The bound.
        max: usize,
        /// Where.
        at: String,
    },
    /// Expands to more statements or blank nodes than the bounds allow.
    #[error("the credential expands to {what}; at most {max} are accepted")]
    TooComplex {
        /// What there is too much of.
        what: String,
        /// The bound.
        max: usize,
    },
    /// Objects without ids that look alike and are linked to each other:
    /// their canonicalization would take exponential time.
    #[error(
        "the credential has {0} look-alike objects without ids linked to other objects without ids; canonicalizing them could take years, so it is refused (give those objects ids)"
    )]
    LookAlikeBlankNodes(usize),
    /// No `@context`.
    #[error(
        "the credential has no @context; an Open Badges 3.0 credential names https://www.w3.org/ns/credentials/v2 first"
    )]
    NoContext,
    /// A context this verifier does not bundle (it never fetches one).
    #[error(
        "the credential names the context {0}, which is not one of the bundled contexts (W3C credentials v2, Open Badges 3.0.3, Open Badges extensions); nothing is fetched, so it is refused"
    )]
    ContextNotBundled(String),
    /// A `@context` that is not a list of URLs (an embedded context object,
    /// or one inside the document).
    #[error(
        "the credential defines its own context at {0}; only the bundled contexts, named by URL at the top, are accepted"
    )]
    EmbeddedContext(String),
    /// A term no context defines: JSON-LD would drop it, and it would not
    /// be signed.
    #[error(
        "the credential uses {0:?}, which none of its contexts defines; JSON-LD would drop it unsigned, so it is refused"
    )]
    UndefinedTerm(String),
    /// An `id` that is not an absolute IRI.
    #[error("the credential's id {0:?} is not an absolute IRI (such as urn:… or https://…)")]
    RelativeId(String),
    /// A text with U+FFFE or U+FFFF, which canonical N-Quads writers
    /// escape differently.
    #[error(
        "the credential's {0} holds the noncharacter U+FFFE or U+FFFF, which RDF canonicalizers write differently; remove it"
    )]
    Noncharacter(String),
    /// What the JSON-LD processor refused.
    #[error("the credential is not valid JSON-LD: {0}")]
    JsonLd(String),
    /// No `proof`.
    #[error("the credential carries no proof: it is not signed")]
    NoProof,
    /// More than [`MAX_PROOFS`](crate::sizes::MAX_PROOFS) proofs, or a
    /// proof that is not an object.
    #[error("the credential's proof is malformed: {0}")]
    ProofMalformed(String),
    /// A proof type other than `DataIntegrityProof`.
    #[error(
        "the credential's proof is a {0:?}; only DataIntegrityProof (cryptosuite eddsa-rdfc-2022) is accepted"
    )]
    ProofType(String),
    /// Another cryptosuite.
    #[error("the credential's proof uses the cryptosuite {0:?}; only eddsa-rdfc-2022 is accepted")]
    Cryptosuite(String),
    /// A proof purpose other than `assertionMethod`.
    #[error(
        "the credential's proof has the purpose {0:?}; an issuer's credential is signed for assertionMethod"
    )]
    ProofPurpose(String),
    /// `created` is not an XML Schema dateTime.
    #[error("the proof's created time {0:?} is not a date and time such as 2026-05-01T09:00:00Z")]
    CreatedMalformed(String),
    /// `created` is in the future.
    #[error(
        "the proof was created {0}, which is in the future: it is refused (check this computer's clock)"
    )]
    CreatedInFuture(String),
    /// The proof's `expires` has passed.
    #[error("the proof expired on {0}")]
    ProofExpired(String),
    /// The verification method is neither a `did:key` nor a URL whose
    /// fragment is an Ed25519 Multikey.
    #[error(
        "the proof's verification method {0:?} is not an Ed25519 did:key (did:key:z6Mk…#z6Mk…) or a key URL ending in #z6Mk…"
    )]
    VerificationMethod(String),
    /// The key is not trusted here.
    #[error(
        "the proof is signed by {0}, which is not a trusted issuer here; add the issuer's key with `tessera trust add` if you trust them"
    )]
    UntrustedKey(String),
    /// The verification method belongs to someone other than the issuer.
    #[error(
        "the proof's key belongs to {method_controller}, but the credential's issuer is {issuer}: it was signed by someone else"
    )]
    IssuerMismatch {
        /// The controller of the verification method.
        method_controller: String,
        /// The credential's issuer id.
        issuer: String,
    },
    /// `proofValue` is not base58btc multibase of 64 bytes.
    #[error("the proof's proofValue is not an Ed25519 signature (z + base58btc of 64 bytes): {0}")]
    ProofValue(String),
    /// The proof's `@context` is not the start of the credential's.
    #[error("the proof's @context does not match the credential's")]
    ProofContext,
    /// The signature does not hold: something signed was changed.
    #[error(
        "the credential's Data Integrity proof does not match its contents: it was altered after signing, or forged"
    )]
    Signature,
    /// What the proof signs says a field twice, or in a form that is no
    /// date: a verifier cannot tell which value holds.
    #[error("the credential's signed {field} is {why}; refused")]
    SignedField {
        /// `validFrom`, `validUntil`, …
        field: &'static str,
        /// What is wrong with it.
        why: String,
    },
}
