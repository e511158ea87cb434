//! [`Secret`]: the API token as the exporter holds it.
//!
//! It owns one rule: the token never prints. `Debug` shows `Secret([redacted])` and there is no
//! `Display`; the one way to the text is [`Secret::expose`], for the request that sends it.

use std::fmt;

/// A secret string (the API token) whose `Debug` never shows it (and which has no `Display`).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token, trimming surrounding whitespace (token files end with a newline).
    #[must_use]
    pub fn new(s: &str) -> Self {
        Self(s.trim().to_owned())
    }

    /// The secret itself, for the one place that sends it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the secret is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// `--technitium.token VALUE`.
impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(s))
    }
}

/// `token = "…"` in the config file.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Self::new(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token_and_new_trims_it() {
        let s = Secret::new("  t0k3n-value\n");
        assert_eq!(s.expose(), "t0k3n-value");
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
        assert!(Secret::new(" \n").is_empty());
    }
}
