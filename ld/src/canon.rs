//! JSON-LD to canonical N-Quads: the bytes a Data Integrity proof signs.
//!
//! [`canonicalize`] expands a JSON-LD document to RDF with oxigraph's
//! `oxjsonld`, loading only the bundled [`crate::contexts`], and
//! canonicalizes the dataset with RDFC-1.0 (SHA-256) from `oxrdf`. Before
//! that it makes the checks JSON-LD's "safe mode" makes, because expansion
//! silently drops what no context defines, and whatever is dropped is not
//! signed: a verifier that believed such a credential would show words
//! nobody signed. So a term no context defines, an embedded or unknown
//! context, or a relative `id` is refused, not dropped.

use std::collections::{HashMap, HashSet};

use std::sync::OnceLock;

use oxjsonld::{JsonLdContextCache, JsonLdParser, JsonLdRemoteDocument};
use oxrdf::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxrdf::{Dataset, GraphNameRef, NamedOrBlankNodeRef, TermRef};
use serde_json::Value;

use crate::LdError;
use crate::contexts;
use crate::sizes::{MAX_BLANK_NODES, MAX_DEPTH, MAX_DOCUMENT_BYTES, MAX_STATEMENTS};

/// The `@vocab` given to the expansion (never to the signed document): a
/// term that no context defines expands under it instead of vanishing, and
/// is then reported by name. It cannot change what a document that uses
/// none expands to.
const UNDEFINED: &str = "urn:tessera:undefined-term:";

/// Most processed contexts kept: the bundled contexts and the type- and
/// property-scoped contexts they define, along the paths documents take
/// (an Open Badges credential uses about forty). Past it, contexts are
/// processed anew each time, as without a cache.
const CONTEXT_CACHE_CAPACITY: usize = 4_096;

/// The processed contexts, shared by every expansion in the process. Every
/// expansion uses the same loader (the bundled contexts) and options, as
/// the cache requires.
fn context_cache() -> JsonLdContextCache {
    static CACHE: OnceLock<JsonLdContextCache> = OnceLock::new();
    CACHE
        .get_or_init(|| JsonLdContextCache::new(CONTEXT_CACHE_CAPACITY))
        .clone()
}

/// The RDFC-1.0 canonical N-Quads of a JSON-LD document (one statement a
/// line, sorted), after the checks above. The document names its contexts
/// by URL in a top-level `@context`, each one of the bundled contexts.
pub fn canonicalize(document: &Value) -> Result<String, LdError> {
    let object = document.as_object().ok_or(LdError::NotAnObject)?;
    let context = top_context(object.get("@context"))?;
    check_tree(document, 0, &mut Vec::new())?;
    // The expansion input: the document with the sentinel vocabulary last.
    let mut input = object.clone();
    let mut with_sentinel: Vec<Value> = context.into_iter().map(Value::from).collect();
    with_sentinel.push(serde_json::json!({ "@vocab": UNDEFINED }));
    input.insert("@context".into(), Value::Array(with_sentinel));
    let bytes = serde_json::to_vec(&input).map_err(|e| LdError::JsonLd(e.to_string()))?;
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(LdError::TooLarge {
            bytes: bytes.len(),
            max: MAX_DOCUMENT_BYTES,
        });
    }
    let parser = JsonLdParser::new()
        .with_context_cache(context_cache())
        .for_slice(&bytes)
        .with_load_document_callback(|url, _| {
            // Never fetched: only the bundled documents, by exact URL.
            contexts::document(url)
                .map(|d| JsonLdRemoteDocument {
                    document: d.as_bytes().to_vec(),
                    document_url: url.to_string(),
                })
                .ok_or_else(|| format!("{url} is not bundled").into())
        });
    let mut dataset = Dataset::new();
    for quad in parser {
        let quad = quad.map_err(|e| LdError::JsonLd(e.to_string()))?;
        dataset.insert(&quad);
        if dataset.len() > MAX_STATEMENTS {
            return Err(LdError::TooComplex {
                what: format!("more than {MAX_STATEMENTS} statements"),
                max: MAX_STATEMENTS,
            });
        }
    }
    check_dataset(&dataset)?;
    check_blank_nodes(&dataset)?;
    dataset.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    });
    let mut lines: Vec<String> = dataset.iter().map(|q| format!("{q} .\n")).collect();
    lines.sort_unstable();
    Ok(lines.concat())
}

/// The URLs of the top-level `@context`, every one bundled.
fn top_context(context: Option<&Value>) -> Result<Vec<&str>, LdError> {
    let urls: Vec<&Value> = match context {
        None => return Err(LdError::NoContext),
        Some(Value::Array(list)) if list.is_empty() => return Err(LdError::NoContext),
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
    };
    urls.into_iter()
        .map(|c| match c {
            Value::String(url) if contexts::document(url).is_some() => Ok(url.as_str()),
            Value::String(url) => Err(LdError::ContextNotBundled(url.clone())),
            _ => Err(LdError::EmbeddedContext("@context".into())),
        })
        .collect()
}

/// Depth, contexts inside the document, and `id`s, before any expansion.
/// `path` is where the walk is, for the messages.
fn check_tree(value: &Value, depth: usize, path: &mut Vec<String>) -> Result<(), LdError> {
    if depth > MAX_DEPTH {
        return Err(LdError::TooDeep {
            max: MAX_DEPTH,
            at: path.join("."),
        });
    }
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if (key == "@context") && depth > 0 {
                    path.push(key.clone());
                    return Err(LdError::EmbeddedContext(path.join(".")));
                }
                if (key == "id" || key == "@id")
                    && let Value::String(id) = v
                    && !is_absolute_iri(id)
                    && !id.starts_with("_:")
                {
                    return Err(LdError::RelativeId(id.clone()));
                }
                if key != "@context" {
                    path.push(key.clone());
                    check_tree(v, depth + 1, path)?;
                    path.pop();
                }
            }
            Ok(())
        }
        Value::Array(list) => {
            for (i, v) in list.iter().enumerate() {
                path.push(format!("[{i}]"));
                check_tree(v, depth + 1, path)?;
                path.pop();
            }
            Ok(())
        }
        Value::String(text) if text.contains(['\u{FFFE}', '\u{FFFF}']) => {
            // Canonical N-Quads implementations disagree on these two
            // noncharacters (oxrdf escapes them, rdf-canonize does not), so
            // a proof over them would not verify elsewhere.
            Err(LdError::Noncharacter(path.join(".")))
        }
        _ => Ok(()),
    }
}

/// An IRI with a scheme (`urn:`, `https:`, `did:`, `data:`…).
fn is_absolute_iri(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, _)) => {
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// No term fell through to the sentinel vocabulary; few enough blank nodes.
fn check_dataset(dataset: &Dataset) -> Result<(), LdError> {
    let mut blank = HashSet::new();
    let undefined = |iri: &str| {
        iri.strip_prefix(UNDEFINED)
            .map(|term| LdError::UndefinedTerm(term.to_string()))
    };
    for quad in dataset.iter() {
        if let Some(e) = undefined(quad.predicate.as_str()) {
            return Err(e);
        }
        match quad.subject {
            NamedOrBlankNodeRef::NamedNode(n) => {
                if let Some(e) = undefined(n.as_str()) {
                    return Err(e);
                }
            }
            NamedOrBlankNodeRef::BlankNode(b) => {
                blank.insert(b.as_str().to_string());
            }
        }
        match quad.object {
            TermRef::NamedNode(n) => {
                if let Some(e) = undefined(n.as_str()) {
                    return Err(e);
                }
            }
            TermRef::BlankNode(b) => {
                blank.insert(b.as_str().to_string());
            }
            TermRef::Literal(l) => {
                if let Some(e) = undefined(l.datatype().as_str()) {
                    return Err(e);
                }
            }
            #[allow(unreachable_patterns)] // Reason: RDF 1.2 triple terms, if enabled.
            _ => {}
        }
        if let GraphNameRef::BlankNode(b) = quad.graph_name {
            blank.insert(b.as_str().to_string());
        }
        if blank.len() > MAX_BLANK_NODES {
            return Err(LdError::TooComplex {
                what: format!("more than {MAX_BLANK_NODES} blank nodes"),
                max: MAX_BLANK_NODES,
            });
        }
    }
    Ok(())
}

/// Refuse the datasets whose canonicalization would take exponential time.
///
/// RDFC-1.0 labels a blank node by the hash of the statements it is in
/// (its first-degree hash). Only blank nodes that share that hash need the
/// costly N-degree step, which walks the paths through neighbouring blank
/// nodes and tries every order of look-alike neighbours: a handful of
/// interlinked look-alikes takes seconds, a dozen takes years (oxrdf sets
/// no bound). Look-alikes with no blank neighbour cost nothing there, so
/// exactly the look-alikes linked to another blank node are refused;
/// credentials have none (JSON nesting gives each object its own
/// statements, and objects with `id`s are not blank).
fn check_blank_nodes(dataset: &Dataset) -> Result<(), LdError> {
    let mut statements: HashMap<&str, Vec<String>> = HashMap::new();
    let mut linked: HashSet<&str> = HashSet::new();
    for quad in dataset.iter() {
        let subject = match quad.subject {
            NamedOrBlankNodeRef::BlankNode(b) => Some(b.as_str()),
            NamedOrBlankNodeRef::NamedNode(_) => None,
        };
        let object = match quad.object {
            TermRef::BlankNode(b) => Some(b.as_str()),
            _ => None,
        };
        let graph = match quad.graph_name {
            GraphNameRef::BlankNode(b) => Some(b.as_str()),
            _ => None,
        };
        let blanks: Vec<&str> = [subject, object, graph].into_iter().flatten().collect();
        if blanks.iter().any(|b| blanks.iter().any(|c| c != b)) {
            linked.extend(blanks.iter().copied());
        }
        for &reference in &blanks {
            // The statement as the first-degree hash sees it.
            let label = |b: Option<&str>, shown: String| match b {
                Some(b) if b == reference => "_:a".to_string(),
                Some(_) => "_:z".to_string(),
                None => shown,
            };
            let line = format!(
                "{} {} {} {}",
                label(subject, quad.subject.to_string()),
                quad.predicate,
                label(object, quad.object.to_string()),
                label(graph, quad.graph_name.to_string())
            );
            statements.entry(reference).or_default().push(line);
        }
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let signatures: Vec<(&str, String)> = statements
        .into_iter()
        .map(|(b, mut lines)| {
            lines.sort_unstable();
            (b, lines.join("\n"))
        })
        .collect();
    for (_, signature) in &signatures {
        *seen.entry(signature.clone()).or_default() += 1;
    }
    let alike_and_linked = signatures
        .iter()
        .filter(|(b, sig)| linked.contains(b) && seen.get(sig).is_some_and(|n| *n > 1))
        .count();
    if alike_and_linked > 0 {
        return Err(LdError::LookAlikeBlankNodes(alike_and_linked));
    }
    Ok(())
}
