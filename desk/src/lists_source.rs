//! Where another center's status lists come from for `tessera trust
//! lists`: a file (a CBOR sequence from `tessera status-list`, or a JWK Set
//! from `tessera trust export --format jwks`, which carries them), their
//! site's folder, or their published site on the web (its
//! `status-lists.cbor`, fetched over HTTPS). Whatever the source, the
//! lists are then checked by [`Desk::import_status_lists`]: signed by a
//! trusted key, current, and no older than the lists held.
//!
//! [`Desk::import_status_lists`]: crate::Desk::import_status_lists

use std::io::Read as _;
use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::DeskError;
pub use super::site::Reasons;
use super::site::{STATUS_LISTS_FILE, on_site};
use crate::store::files;

/// The JWK Set member that carries the exporting desk's signed status
/// lists, each base64url (a JWK Set's members a reader does not know are
/// ignored, RFC 7517 §5).
pub const JWKS_LISTS_MEMBER: &str = "tessera_status_lists";

/// The JWK Set member that carries the reasons of the exporting desk's
/// revocations and suspensions ([`Reasons`]): unsigned words, shown only
/// for a badge a signed list marks revoked or suspended.
pub const JWKS_REASONS_MEMBER: &str = "tessera_reasons";

/// The reasons a JWK Set from `trust export` carries, if any (a file
/// whose reasons cannot be read carries none: they are only words).
pub fn reasons_of(json: &serde_json::Value) -> Reasons {
    json.get(JWKS_REASONS_MEMBER)
        .cloned()
        .and_then(|r| serde_json::from_value(r).ok())
        .unwrap_or_default()
}

/// Largest list file taken from the web: the lists of about a billion
/// badges; a bigger answer is not a Tessera site's.
const MAX_FETCH: u64 = 256 * 1024 * 1024;

/// How long a site may take to answer.
const FETCH_TIMEOUT: Duration = Duration::from_secs(60);

/// The signed lists (a CBOR sequence) of `source`: an `http(s)://` address
/// (a site's address, or the list file's own), a site folder (its
/// `status-lists.cbor`) or a file; and the reasons it carries, when it is
/// a JWK Set from `trust export` (`None` otherwise: reasons held before
/// are kept).
pub fn read(source: &str) -> Result<(Vec<u8>, Option<Reasons>), DeskError> {
    if source.starts_with("https://") || source.starts_with("http://") {
        return Ok((fetch(source)?, None));
    }
    let path = Path::new(source);
    let bytes = if path.is_dir() {
        let file = path.join(STATUS_LISTS_FILE);
        if !file.is_file() {
            return Err(DeskError::Input(format!(
                "{} has no {STATUS_LISTS_FILE}: is it a Tessera site folder (`tessera site build` writes one)?",
                path.display()
            )));
        }
        files::read(&file)?
    } else {
        files::read(path)?
    };
    // A JWK Set from `trust export` (JSON, read once), else the lists
    // themselves (a CBOR sequence of signed lists).
    if !bytes.trim_ascii_start().starts_with(b"{") {
        return Ok((bytes, None));
    }
    let json = tessera_formats::json::parse(&bytes)
        .map_err(|e| DeskError::Input(format!("that JSON file is not valid JSON: {e}")))?;
    Ok((lists_in(&json)?, Some(reasons_of(&json))))
}

/// The lists a JWK Set from `trust export` carries, as one CBOR sequence.
pub fn lists_in(json: &serde_json::Value) -> Result<Vec<u8>, DeskError> {
    let lists = json
        .get(JWKS_LISTS_MEMBER)
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| {
            DeskError::Input(format!(
                "that JSON file carries no status lists (no \"{JWKS_LISTS_MEMBER}\" member): export them with `tessera trust export --format jwks` after `tessera status-list`, or give their status-lists.cbor"
            ))
        })?;
    let mut out = Vec::new();
    for (i, list) in lists.iter().enumerate() {
        let text = list.as_str().unwrap_or_default();
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| {
            DeskError::Input(format!(
                "status list {} of the JWK Set is not base64url",
                i + 1
            ))
        })?;
        out.extend_from_slice(&bytes);
    }
    Ok(out)
}

/// The lists as a JWK Set member's value (see [`JWKS_LISTS_MEMBER`]).
pub fn jwks_member(lists: &[Vec<u8>]) -> serde_json::Value {
    lists
        .iter()
        .map(|l| serde_json::Value::from(URL_SAFE_NO_PAD.encode(l)))
        .collect()
}

/// GET the site's lists: `url` itself when it names a `.cbor` file, else
/// the site's `status-lists.cbor`.
fn fetch(url: &str) -> Result<Vec<u8>, DeskError> {
    let url = if url.ends_with(".cbor") {
        url.to_string()
    } else {
        on_site(
            url.split(['?', '#']).next().unwrap_or(url),
            STATUS_LISTS_FILE,
        )
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(FETCH_TIMEOUT))
        .http_status_as_error(false)
        .build()
        .into();
    let failed = |why: String| {
        DeskError::Input(format!(
            "cannot fetch the status lists from {url}: {why}; check the address (their site's, as `tessera site build --url` set it), or import their status-lists.cbor file instead"
        ))
    };
    let response = agent.get(&url).call().map_err(|e| failed(e.to_string()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(failed(format!("the site answered {status}")));
    }
    let mut bytes = Vec::new();
    response
        .into_body()
        .into_reader()
        .take(MAX_FETCH + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| failed(e.to_string()))?;
    if bytes.len() as u64 > MAX_FETCH {
        return Err(failed(format!(
            "the answer is larger than {MAX_FETCH} bytes"
        )));
    }
    Ok(bytes)
}
