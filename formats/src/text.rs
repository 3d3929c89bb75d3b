//! How badge values are written for people, the same on every verifier:
//! dates (UTC, ISO) and the claim code.

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
