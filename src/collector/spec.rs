//! What a collector declares about itself ([`Spec`]), and the raw option values it is configured
//! with ([`OptionValues`]).
//!
//! Everything user-facing about a collector is derived from its spec: the `--collector.NAME`,
//! `--no-collector.NAME`, `--collector.NAME.min-interval` and `--collector.NAME.KEY` flags and
//! their environment variables (`cli.rs`), the `[collector.NAME]` keys of the config file
//! (`config.rs`), the permission check before a collector runs, `check`'s rows and the
//! `collector` label. Nothing here parses a command line or a file: values arrive as strings
//! with their origin, and each collector turns them into its typed settings.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use regex::Regex;

use crate::technitium::{Endpoint, Section};

/// A collector's metadata: the one row that everything else is derived from.
#[derive(Debug)]
pub struct Spec {
    /// The name in `--collector.NAME`, `[collector.NAME]` and the `collector` label.
    pub name: &'static str,
    /// One line for `--collector.NAME`'s help ("Per-zone health").
    pub help: &'static str,
    /// Whether the collector runs unless switched off.
    pub default_enabled: bool,
    /// Permission sections whose View right it needs (all of them).
    pub sections: &'static [Section],
    /// When it applies.
    pub requires: Requires,
    /// The API paths it calls, for documentation and `check`.
    pub endpoints: &'static [Endpoint],
    /// Its own options (`--collector.NAME.KEY`).
    pub options: &'static [OptSpec],
    /// The default of `--collector.NAME.min-interval` (0: fresh data every scrape).
    pub default_min_interval: Duration,
}

impl Spec {
    /// What every spec starts from, so a literal names only what differs
    /// (`Spec { name, help, endpoints, ..Spec::DEFAULT }`): off unless switched on, runs
    /// whenever session/get worked, no permission sections, endpoints or options, fresh data
    /// every scrape. The name and help are empty: every collector gives its own.
    pub const DEFAULT: Self = Self {
        name: "",
        help: "",
        default_enabled: false,
        sections: &[],
        requires: Requires::Session,
        endpoints: &[],
        options: &[],
        default_min_interval: Duration::ZERO,
    };

    /// The option `key`, if the collector has it.
    #[must_use]
    pub fn option(&self, key: &str) -> Option<&'static OptSpec> {
        self.options.iter().find(|o| o.key == key)
    }
}

/// When a collector applies to a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requires {
    /// Runs whenever session/get succeeded (and the token has its sections).
    Session,
    /// Needs at least this version; `what` names the feature for people ("lifetime
    /// counters").
    Version {
        /// The first major version that has the feature.
        major: u32,
        /// Its first minor version in that major (0: all of it).
        minor: u32,
        /// What the feature is called in messages.
        what: &'static str,
    },
    /// Needs an initialised cluster (v14+).
    Cluster,
    /// Runs even when session/get failed (it needs nothing from the API).
    Nothing,
}

/// One option of a collector: `--collector.NAME.KEY`, `[collector.NAME] KEY`.
#[derive(Debug)]
pub struct OptSpec {
    /// The key: `limit` is `--collector.zones.limit` and `[collector.zones] limit`
    /// (a `-` in the flag is `_` in the file).
    pub key: &'static str,
    /// The placeholder in help (`N`, `REGEX`).
    pub value_name: &'static str,
    /// One line of help, without the default.
    pub help: &'static str,
    /// What help shows as the default: the real default lives in the collector's settings'
    /// `Default`, and a test keeps the two equal.
    pub default: &'static str,
    /// The kind of value.
    pub kind: OptKind,
}

impl OptSpec {
    /// The key as written in the config file.
    #[must_use]
    pub fn file_key(&self) -> String {
        self.key.replace('-', "_")
    }
}

/// The kind of an option's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptKind {
    /// `true` or `false` (a bare flag means `true`).
    Bool,
    /// A whole number ≥ 0.
    Count,
    /// Free text.
    Text,
    /// A regular expression, matched against the whole value (anchored).
    Regex,
    /// A duration like `10s` or `1m30s`.
    Duration,
    /// Several values: a repeatable flag, a comma-separated environment variable, a TOML array.
    List,
}

/// Where a value came from, for messages: `--collector.zones.limit`,
/// `TECHNITIUM_EXPORTER_COLLECTOR_ZONES_LIMIT` or `config file x.toml [collector.zones] limit`.
pub type Origin = String;

/// A raw option value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    /// The value(s) as text (one for every kind but [`OptKind::List`]).
    pub values: Vec<String>,
    /// Where it came from.
    pub origin: Origin,
}

impl Given {
    /// One value.
    #[must_use]
    pub fn one(value: impl Into<String>, origin: impl Into<String>) -> Self {
        Self {
            values: vec![value.into()],
            origin: origin.into(),
        }
    }
}

/// A bad option value: where it came from and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {message}")]
pub struct OptionError {
    /// Where the value came from.
    pub origin: Origin,
    /// What is wrong, and what would be right.
    pub message: String,
}

/// The values given for one collector's options, by key, with typed readers. A key that was not
/// given reads as `None`: the collector keeps its default.
#[derive(Debug, Clone, Copy)]
pub struct OptionValues<'a> {
    values: &'a BTreeMap<&'static str, Given>,
}

/// No values at all.
static EMPTY: BTreeMap<&str, Given> = BTreeMap::new();

impl<'a> OptionValues<'a> {
    /// Values by key.
    #[must_use]
    pub fn new(values: &'a BTreeMap<&'static str, Given>) -> Self {
        Self { values }
    }

    /// No values: every option at its default.
    #[must_use]
    pub fn none() -> OptionValues<'static> {
        OptionValues { values: &EMPTY }
    }

    fn get(&self, key: &str) -> Option<&'a Given> {
        self.values.get(key)
    }

    fn single(&self, key: &str) -> Option<(&'a str, &'a Given)> {
        let given = self.get(key)?;
        given.values.last().map(|v| (v.trim(), given))
    }

    fn error(given: &Given, message: impl Into<String>) -> OptionError {
        OptionError {
            origin: given.origin.clone(),
            message: message.into(),
        }
    }

    /// A whole number ≥ 0.
    ///
    /// # Errors
    /// When the value is not one.
    pub fn count(&self, key: &str) -> Result<Option<usize>, OptionError> {
        let Some((v, given)) = self.single(key) else {
            return Ok(None);
        };
        v.parse::<usize>()
            .map(Some)
            .map_err(|_| Self::error(given, format!("{v:?} is not a whole number (0, 1, 2, …)")))
    }

    /// `true` or `false`.
    ///
    /// # Errors
    /// When the value is neither.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, OptionError> {
        let Some((v, given)) = self.single(key) else {
            return Ok(None);
        };
        parse_bool(v)
            .map(Some)
            .ok_or_else(|| Self::error(given, format!("{v:?} is not true or false")))
    }

    /// Every value of `key` joined with `,` (a list option as one text), when given.
    #[must_use]
    pub fn joined(&self, key: &str) -> Option<String> {
        self.get(key).map(|g| g.values.join(","))
    }

    /// Where the value of `key` came from, when given.
    #[must_use]
    pub fn origin(&self, key: &str) -> Option<&'a str> {
        self.get(key).map(|g| g.origin.as_str())
    }

    /// Free text.
    #[must_use]
    pub fn text(&self, key: &str) -> Option<&'a str> {
        self.single(key).map(|(v, _)| v)
    }

    /// An anchored regular expression (`^(?:…)$`).
    ///
    /// # Errors
    /// When the value is not a valid regex (the message is the regex crate's first line).
    pub fn regex(&self, key: &str) -> Result<Option<Regex>, OptionError> {
        let Some((v, given)) = self.single(key) else {
            return Ok(None);
        };
        Regex::new(&format!("^(?:{v})$")).map(Some).map_err(|e| {
            let why = e.to_string();
            let why = why.lines().last().unwrap_or("").trim().to_owned();
            Self::error(given, format!("invalid regex {v:?}: {why}"))
        })
    }

    /// A duration like `10s` or `1m30s`.
    ///
    /// # Errors
    /// When the value is not one.
    pub fn duration(&self, key: &str) -> Result<Option<Duration>, OptionError> {
        let Some((v, given)) = self.single(key) else {
            return Ok(None);
        };
        parse_duration(v)
            .map(Some)
            .map_err(|e| Self::error(given, e.to_string()))
    }

    /// Every value of a list option, trimmed, empty ones dropped; `None` when not given.
    #[must_use]
    pub fn list(&self, key: &str) -> Option<(Vec<&'a str>, &'a Given)> {
        let given = self.get(key)?;
        let items = given
            .values
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        Some((items, given))
    }

    /// The error for a bad list item, with the value's origin.
    #[must_use]
    pub fn bad_item(given: &Given, message: impl Into<String>) -> OptionError {
        Self::error(given, message)
    }
}

/// `true`/`false` as flags and environment variables spell them (also `1`/`0`, `yes`/`no`).
#[must_use]
pub fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A value that is not a duration; the message says what one looks like.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a duration like 10s or 1m30s ({reason})")]
pub struct DurationError {
    /// The value given.
    pub value: String,
    /// The parser's words.
    pub reason: String,
}

/// A duration like `10s` or `1m30s`.
///
/// # Errors
/// When the value is not one.
pub(crate) fn parse_duration(v: &str) -> Result<Duration, DurationError> {
    humantime::parse_duration(v.trim()).map_err(|e| DurationError {
        value: v.to_owned(),
        reason: e.to_string(),
    })
}

impl fmt::Display for Requires {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Session => f.write_str("any server"),
            Self::Version {
                major,
                minor: 0,
                what,
            } => write!(f, "{what}: v{major}+"),
            Self::Version { major, minor, what } => write!(f, "{what}: v{major}.{minor}+"),
            Self::Cluster => f.write_str("an initialised cluster (v14+)"),
            Self::Nothing => f.write_str("nothing from the API"),
        }
    }
}
