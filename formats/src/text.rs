//! How badge values are written for people, the same on every verifier:
//! dates (UTC, ISO), the claim code, and any text from a badge or file
//! made inert ([`inert`]: no control, bidirectional or invisible
//! character reaches a terminal or a page as itself).

use std::borrow::Cow;
use std::fmt::Write as _;

use tessera_core::Salt;

/// RFC 4648 base32 without padding (claim codes are 16 characters).
const BASE32: base32::Alphabet = base32::Alphabet::Rfc4648 { padding: false };

/// Format Unix seconds as an ISO date (UTC).
pub fn date(t: i64) -> String {
    // `NaiveDate`'s Display is `YYYY-MM-DD`; `format("%Y-%m-%d")` would
    // print the same through chrono's strftime parser (10 KB of the web
    // verifier's module).
    chrono::DateTime::from_timestamp(t, 0)
        .map_or_else(|| t.to_string(), |d| d.date_naive().to_string())
}

/// The last day a badge with expiry `exp` is valid (expiry is the first
/// second it is not).
pub fn expiry_date(exp: i64) -> String {
    date(exp.saturating_sub(1))
}

/// Where a card-bound badge that checked out was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardRead {
    /// From the card itself, whose UID the badge names.
    Card,
    /// From a dump file naming the card's UID: a file cannot prove which
    /// card it was read from.
    Dump,
    /// From anywhere else (a file, a link): no card was seen.
    Elsewhere,
}

/// The reason a VALID card-bound badge gives, the same words on every
/// verifier (the page's translations key on them).
pub fn card_bound_valid(read: CardRead) -> &'static str {
    match read {
        CardRead::Card => "genuine, current, and on the card it was issued for",
        CardRead::Dump => {
            "genuine and current; the dump names the card the badge is bound to, but a file cannot prove which card it was read from: check the card itself"
        }
        CardRead::Elsewhere => {
            "genuine and current; it is bound to a card, so check the card itself to be sure it is the original"
        }
    }
}

/// The claim code (recipient salt) for people: base32 in groups of 4.
pub fn claim_code(salt: &[u8]) -> String {
    let text = base32::encode(BASE32, salt);
    text.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A claim code that is not one.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error(
    "{0:?} is not a claim code: a claim code is 16 letters and digits 2-7 in groups of four, like ABCD-EFGH-IJKL-MNOP"
)]
pub struct ClaimCodeError(pub String);

/// Read a claim code as a candidate or a viewer types it (any case, with or
/// without the dashes and spaces) back into the recipient salt.
pub fn parse_claim_code(code: &str) -> Result<Salt, ClaimCodeError> {
    let cleaned: String = code
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let bad = || ClaimCodeError(code.to_string());
    // The alphabet only: base32's decoder alone would also take '=' padding.
    if !cleaned
        .bytes()
        .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    {
        return Err(bad());
    }
    let bytes = base32::decode(BASE32, &cleaned).ok_or_else(bad)?;
    let salt: [u8; tessera_core::sizes::SALT_LEN] = bytes.try_into().map_err(|_| bad())?;
    Ok(Salt::from(salt))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    // Reason: tests.
    use super::*;

    #[test]
    fn claim_codes_round_trip_however_they_are_typed() {
        let salt = [7u8; 10];
        let code = claim_code(&salt);
        assert_eq!(code.len(), 19);
        let typed = code.replace('-', " ").to_lowercase();
        assert_eq!(parse_claim_code(&typed).unwrap(), Salt::from(salt));
        assert!(parse_claim_code("1234").is_err());
        assert!(parse_claim_code("ABCD-EFGH").is_err());
    }

    #[test]
    fn dates_are_utc_and_expiry_is_the_last_valid_day() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(expiry_date(86_400), "1970-01-01");
    }
}

// ---- Inert text ------------------------------------------------------
//
// Text from badges, credentials and other people's files made inert
// before a person sees it: every control character (an ESC that starts a
// terminal sequence, a carriage return or newline that forges a line, a
// C1 control), every bidirectional override or isolate (which reorders
// what the reader sees) and the invisible zero-width characters are
// written as `\u{…}` escapes. The desk's CLI and TUI print a verdict's
// texts through [`inert`]; the page's module hands its reports to the
// page with every text through it.

/// Does a terminal act on `c`, or does it hide or reorder text?
fn is_active(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'              // Arabic letter mark
            | '\u{200B}'..='\u{200F}' // zero-width space, joiners, LRM, RLM
            | '\u{202A}'..='\u{202E}' // embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // isolates
            | '\u{FEFF}'              // zero-width no-break space
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotations
        )
}

/// `text` with every active character escaped (see the module); the text
/// itself when it has none.
pub fn inert(text: &str) -> Cow<'_, str> {
    escape(text, is_active, Escape::Rust)
}

/// [`inert`] for a message of several lines (an error naming the rows at
/// fault): its line breaks stay, everything else active is escaped.
pub fn inert_lines(text: &str) -> Cow<'_, str> {
    escape(text, |c| c != '\n' && is_active(c), Escape::Rust)
}

/// JSON text (what `serde_json` wrote) with every active character as a
/// JSON `\uXXXX` escape: the same JSON value, inert on a terminal.
/// (`serde_json` escapes control characters itself, but not the
/// bidirectional and zero-width ones; all of them are in the BMP.)
pub fn inert_json(json: &str) -> Cow<'_, str> {
    escape(json, is_active, Escape::Json)
}

/// How an active character is written.
#[derive(Clone, Copy)]
enum Escape {
    /// `\u{1b}`, for people.
    Rust,
    /// `\u001b`, inside JSON strings.
    Json,
}

fn escape(text: &str, active: impl Fn(char) -> bool, how: Escape) -> Cow<'_, str> {
    if !text.chars().any(&active) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if active(c) {
            let code = u32::from(c);
            // Writing to a String cannot fail.
            let _ = match how {
                Escape::Rust => write!(out, "\\u{{{code:x}}}"),
                Escape::Json => write!(out, "\\u{code:04x}"),
            };
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod inert_tests {
    #![allow(clippy::unwrap_used)]
    // Reason: tests.
    use super::inert;

    #[test]
    fn terminal_sequences_line_breaks_and_bidi_controls_are_escaped() {
        assert_eq!(inert("Rust 101 — Ana"), "Rust 101 — Ana");
        assert_eq!(
            inert("\u{1b}[1A\u{1b}[2KVALID"),
            "\\u{1b}[1A\\u{1b}[2KVALID"
        );
        assert_eq!(inert("a\r\nVALID"), "a\\u{d}\\u{a}VALID");
        assert_eq!(inert("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(inert("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(inert("x\u{2067}y\u{2069}"), "x\\u{2067}y\\u{2069}");
        assert_eq!(inert("zero\u{200b}width"), "zero\\u{200b}width");
        // Letters of every script stay as they are.
        assert_eq!(inert("João Ñandú 山田 محمد"), "João Ñandú 山田 محمد");
        let json = serde_json::to_string("a\u{202e}b\u{1b}").unwrap();
        let safe = super::inert_json(&json);
        assert_eq!(safe, r#""a\u202eb\u001b""#);
        assert_eq!(
            serde_json::from_str::<String>(&safe).unwrap(),
            "a\u{202e}b\u{1b}"
        );
        assert_eq!(
            super::inert_lines("row 2: bad\nrow 3: \u{1b}[2Kbad"),
            "row 2: bad\nrow 3: \\u{1b}[2Kbad"
        );
    }
}
