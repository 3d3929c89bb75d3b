//! The JSON-LD contexts a credential may name: the W3C Verifiable
//! Credentials 2.0 context, the Open Badges 3.0.3 context and the Open
//! Badges extensions context, bundled byte for byte (see
//! `contexts/PROVENANCE.md`). Nothing else is ever loaded.

/// The W3C Verifiable Credentials Data Model 2.0 context, and the Open
/// Badges 3.0 context, version 3.0.3 (named where credentials are made).
pub use tessera_formats::credential::{CREDENTIALS_V2, OB_V3P0};
/// The Open Badges 3.0 extensions context (`1EdTechRevocationList`,
/// `1EdTechJsonSchemaValidator2019`, `1EdTechCredentialRefresh`).
pub const OB_EXTENSIONS: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";

/// Every bundled context: (URL, document).
pub const BUNDLED: [(&str, &str); 3] = [
    (
        CREDENTIALS_V2,
        include_str!("../contexts/credentials-v2.jsonld"),
    ),
    (OB_V3P0, include_str!("../contexts/ob-context-3.0.3.json")),
    (
        OB_EXTENSIONS,
        include_str!("../contexts/ob-extensions.json"),
    ),
];

/// The bundled document of a context URL.
pub fn document(url: &str) -> Option<&'static str> {
    BUNDLED.iter().find(|(u, _)| *u == url).map(|(_, d)| *d)
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    #[test]
    fn bundled_contexts_are_the_published_bytes() {
        let expected = [
            "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
            "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
            "146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3",
        ];
        for ((url, doc), want) in super::BUNDLED.iter().zip(expected) {
            assert_eq!(hex::encode(Sha256::digest(doc.as_bytes())), want, "{url}");
        }
        assert!(super::document("https://example.org/context").is_none());
    }
}
