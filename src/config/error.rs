//! The error every configuration check returns, and the list that gathers problems while a
//! configuration is built (so every problem is reported at once, not only the first).

use crate::collector::OptionError;

/// Every configuration problem found, one message each (the first names where it is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", problems.join("\n"))]
pub struct ConfigError {
    /// The problems, each naming the flag, variable or file key and what would be right.
    pub problems: Vec<String>,
}

impl ConfigError {
    /// A single problem.
    #[must_use]
    pub fn one(problem: impl Into<String>) -> Self {
        Self {
            problems: vec![problem.into()],
        }
    }
}

impl From<OptionError> for ConfigError {
    fn from(e: OptionError) -> Self {
        Self::one(e.to_string())
    }
}

/// Collects problems while a configuration is checked.
#[derive(Debug, Default)]
pub(super) struct Problems(pub(super) Vec<String>);

impl Problems {
    /// The value, or `None` with its problems recorded.
    pub(super) fn take<T>(&mut self, r: Result<T, ConfigError>) -> Option<T> {
        r.map_err(|mut e| self.0.append(&mut e.problems)).ok()
    }

    /// Records a problem.
    pub(super) fn push(&mut self, problem: impl Into<String>) {
        self.0.push(problem.into());
    }

    /// `value` when no problem was recorded, else every problem.
    pub(super) fn finish<T>(self, value: Option<T>) -> Result<T, ConfigError> {
        match value {
            Some(v) if self.0.is_empty() => Ok(v),
            _ => Err(ConfigError { problems: self.0 }),
        }
    }
}
