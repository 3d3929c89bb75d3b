//! Secrets (issuer key passphrases): wiped from memory when dropped and
//! never printed. `Debug` and `Display` both show `[redacted]`, so a
//! passphrase inside a message, an effect or an error can never reach a
//! log line or the screen.

use zeroize::Zeroizing;

/// A secret string that zeroizes on drop and prints as `[redacted]`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Take ownership of `s` (its buffer is wiped when the secret drops).
    pub fn new(s: String) -> Self {
        Self(Zeroizing::new(s))
    }

    /// The secret text, for the one place that needs it (key derivation).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Is it empty?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self::new(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self::new(s.to_string())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn never_prints_the_secret() {
        let s = Secret::from("correct horse");
        assert_eq!(format!("{s:?} {s}"), "[redacted] [redacted]");
        assert_eq!(s.expose(), "correct horse");
        #[derive(Debug)]
        #[allow(dead_code)] // Reason: only its Debug output is tested.
        struct Holder(Secret);
        assert_eq!(format!("{:?}", Holder(s)), "Holder([redacted])");
    }
}
