//! The TOML config file: its shape, and the `[collector]` table read against the collector
//! registry. Keys are snake_case; unknown keys are errors that name the file and the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::{ConfigError, Problems};
use crate::collector::{self, Given, Spec};
use crate::logging;
use crate::technitium::local_file;
use crate::technitium::{AuthMode, Secret};

/// The parsed config file.
#[derive(Debug, Default)]
pub struct FileConfig {
    /// `[technitium]`: the default target.
    pub technitium: FileTarget,
    /// `[collector]`: switches and options, by collector.
    pub collector: FileCollectors,
    /// `[log]`.
    pub log: FileLog,
    /// `[web]`: the `serve` listener.
    pub web: FileWeb,
    /// `[targets.NAME]`: servers reachable through `/probe?target=NAME`.
    pub targets: BTreeMap<String, FileTarget>,
    /// `[modules.NAME]`: what a URL target probed with `module=NAME` gets.
    pub modules: BTreeMap<String, FileModule>,
    /// `[output]`: where `textfile` writes.
    pub output: FileOutput,
    /// `[state]`: where `scrape` and `textfile` keep state between runs.
    pub state: FileState,
}

/// `[state]` (`--state.file`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileState {
    /// `file`.
    pub file: Option<PathBuf>,
}

/// The file as serde reads it; `[collector]` stays a raw table until it is checked against the
/// registry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    technitium: FileTarget,
    #[serde(default)]
    collector: toml::Table,
    #[serde(default)]
    log: FileLog,
    #[serde(default)]
    web: FileWeb,
    #[serde(default)]
    targets: BTreeMap<String, FileTarget>,
    #[serde(default)]
    modules: BTreeMap<String, FileModule>,
    #[serde(default)]
    output: FileOutput,
    #[serde(default)]
    state: FileState,
}

/// `[output]` (`--output.dir`, `--output.file`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileOutput {
    /// `dir`.
    pub dir: Option<PathBuf>,
    /// `file`.
    pub file: Option<String>,
}

/// `[web]`.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileWeb {
    /// `listen_address = [":9274"]`.
    pub listen_address: Option<Vec<String>>,
    /// `telemetry_path = "/metrics"`.
    pub telemetry_path: Option<String>,
    /// `external_url = "https://mon.lan/technitium"`: the exporter's address as Prometheus
    /// reaches it, for `/sd`.
    pub external_url: Option<String>,
    /// TLS certificate (PEM).
    pub tls_cert_file: Option<PathBuf>,
    /// TLS key (PEM).
    pub tls_key_file: Option<PathBuf>,
    /// `user → bcrypt hash`.
    pub basic_auth_users: Option<BTreeMap<String, String>>,
}

/// The basic-auth users by name only: a hash is for checking passwords, not for logs.
impl std::fmt::Debug for FileWeb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileWeb")
            .field("listen_address", &self.listen_address)
            .field("telemetry_path", &self.telemetry_path)
            .field("external_url", &self.external_url)
            .field("tls_cert_file", &self.tls_cert_file)
            .field("tls_key_file", &self.tls_key_file)
            .field(
                "basic_auth_users",
                &self
                    .basic_auth_users
                    .as_ref()
                    .map(|u| u.keys().collect::<Vec<_>>()),
            )
            .finish()
    }
}

/// `[modules.NAME]`: settings for URL targets (`/probe?target=URL&module=NAME`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileModule {
    /// Whether `/probe?target=URL` may use this module.
    #[serde(default)]
    pub allow_url_targets: bool,
    /// The module's own token.
    pub token: Option<Secret>,
    /// Or a file holding it.
    pub token_file: Option<PathBuf>,
    /// How the token is sent.
    pub auth: Option<AuthMode>,
    /// Request and scrape timeout.
    pub timeout: Option<String>,
    /// Extra CA bundle.
    pub ca_file: Option<PathBuf>,
    /// Accept any certificate.
    pub insecure_skip_verify: Option<bool>,
    /// Collector switches (`collector = { zones = false }`).
    pub collector: Option<BTreeMap<String, bool>>,
}

/// Upstream settings in the file (`[technitium]` and `[targets.NAME]`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileTarget {
    /// Base URL.
    pub url: Option<String>,
    /// The token.
    pub token: Option<Secret>,
    /// Or a file holding it.
    pub token_file: Option<PathBuf>,
    /// How the token is sent.
    pub auth: Option<AuthMode>,
    /// Request and scrape timeout.
    pub timeout: Option<String>,
    /// Largest accepted response.
    pub max_response_size: Option<String>,
    /// Extra CA bundle.
    pub ca_file: Option<PathBuf>,
    /// Accept any certificate.
    pub insecure_skip_verify: Option<bool>,
    /// Per-target collector switches (`collector = { zones = false }`); only in `[targets.NAME]`.
    pub collector: Option<BTreeMap<String, bool>>,
    /// Whether `/probe?target=NAME&node=NODE` and `/sd` cover every node of the target's cluster
    /// (default true); only in `[targets.NAME]`.
    pub per_node: Option<bool>,
    /// Nodes reached at their own URL instead of through the target's (`node = url`); only in
    /// `[targets.NAME]`.
    pub node_urls: Option<BTreeMap<String, String>>,
}

/// `[log]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLog {
    /// `level`.
    pub level: Option<logging::Level>,
    /// `format`.
    pub format: Option<logging::LogFormat>,
}

/// `[collector]`, checked against the registry.
#[derive(Debug, Default)]
pub struct FileCollectors {
    /// `disable_defaults = true`.
    pub disable_defaults: Option<bool>,
    /// What the file says per collector.
    pub entries: BTreeMap<&'static str, FileCollector>,
}

/// What the file says about one collector: `NAME = bool`, or a `[collector.NAME]` table.
#[derive(Debug, Default)]
pub struct FileCollector {
    /// `NAME = bool` or `enabled = bool`.
    pub enabled: Option<bool>,
    /// `min_interval = "1m"`.
    pub min_interval: Option<Given>,
    /// The collector's own keys.
    pub options: BTreeMap<&'static str, Given>,
}

impl FileConfig {
    /// Parses a config file's text; messages say "config file" for the origin.
    ///
    /// # Errors
    /// Bad TOML, an unknown key, a value of the wrong type: every problem found.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        Self::parse_named(text, "config file")
    }

    /// Reads and parses a config file; messages name the file.
    ///
    /// # Errors
    /// When the file cannot be read, or [`FileConfig::parse`] fails.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = local_file::read_text(path, local_file::CONFIG_FILE)
            .map_err(|e| ConfigError::one(e.to_string()))?;
        Self::parse_named(&text, &format!("config file {}", path.display()))
    }

    fn parse_named(text: &str, origin: &str) -> Result<Self, ConfigError> {
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| where_in(text, s.start))
                .unwrap_or_default();
            ConfigError::one(format!("{origin}: {}{at}", e.message().trim_end()))
        })?;
        let collector = collectors(&raw.collector, origin)?;
        Ok(Self {
            technitium: raw.technitium,
            collector,
            log: raw.log,
            web: raw.web,
            targets: raw.targets,
            modules: raw.modules,
            output: raw.output,
            state: raw.state,
        })
    }
}

/// Where offset `at` is, for people: " (line 3: `timeout = 5` in [technitium])".
fn where_in(text: &str, at: usize) -> String {
    let at = at.min(text.len());
    let Some(before) = text.get(..at) else {
        return String::new();
    };
    let number = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text
        .get(start..)
        .and_then(|t| t.lines().next())
        .unwrap_or("")
        .trim();
    let table = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .filter(|t| *t != line)
        .map(|t| format!(" in {t}"))
        .unwrap_or_default();
    format!(" (line {number}: `{line}`{table})")
}

/// Reads `[collector]`: `disable_defaults`, `NAME = bool`, `[collector.NAME]` tables.
fn collectors(table: &toml::Table, origin: &str) -> Result<FileCollectors, ConfigError> {
    let mut out = FileCollectors::default();
    let mut problems = Problems::default();
    for (key, value) in table {
        if key == "disable_defaults" {
            match value.as_bool() {
                Some(b) => out.disable_defaults = Some(b),
                None => problems.push(format!(
                    "{origin}: [collector] disable_defaults must be true or false"
                )),
            }
            continue;
        }
        let Some(spec) = collector::spec(key) else {
            problems.push(unknown_collector(origin, key));
            continue;
        };
        if let Some(entry) = problems.take(collector_entry(spec, value, origin)) {
            out.entries.insert(spec.name, entry);
        }
    }
    problems.finish(Some(out))
}

/// The message for a `[collector]` key that names no collector.
pub(super) fn unknown_collector(origin: &str, key: &str) -> String {
    let names: Vec<&str> = collector::specs().map(|s| s.name).collect();
    if key == collector::SESSION.name {
        format!("{origin}: the session collector is always on and has no settings")
    } else {
        format!(
            "{origin}: unknown collector {key:?} (collectors: {})",
            names.join(", ")
        )
    }
}

fn collector_entry(
    spec: &'static Spec,
    value: &toml::Value,
    origin: &str,
) -> Result<FileCollector, ConfigError> {
    let name = spec.name;
    if let Some(on) = value.as_bool() {
        return Ok(FileCollector {
            enabled: Some(on),
            ..FileCollector::default()
        });
    }
    let Some(table) = value.as_table() else {
        return Err(ConfigError::one(format!(
            "{origin}: [collector] {name} must be true, false or a [collector.{name}] table"
        )));
    };
    let mut entry = FileCollector::default();
    let mut problems = Problems::default();
    for (key, value) in table {
        let at = format!("{origin} [collector.{name}] {key}");
        match key.as_str() {
            "enabled" => match value.as_bool() {
                Some(b) => entry.enabled = Some(b),
                None => problems.push(format!("{at}: must be true or false")),
            },
            "min_interval" => entry.min_interval = problems.take(given(value, &at)),
            _ => match spec.options.iter().find(|o| o.file_key() == *key) {
                Some(opt) => {
                    if let Some(g) = problems.take(given(value, &at)) {
                        entry.options.insert(opt.key, g);
                    }
                }
                None => {
                    let mut keys: Vec<String> = spec.options.iter().map(|o| o.file_key()).collect();
                    keys.extend(["enabled".to_owned(), "min_interval".to_owned()]);
                    problems.push(format!(
                        "{at}: unknown key (keys of [collector.{name}]: {})",
                        keys.join(", ")
                    ));
                }
            },
        }
    }
    problems.finish(Some(entry))
}

/// A TOML value as option text; the collector parses it like a flag's value, so `limit = -5`
/// is reported at its key by the same check as `--collector.zones.limit -5`.
fn given(value: &toml::Value, at: &str) -> Result<Given, ConfigError> {
    let scalar = |v: &toml::Value| match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Float(f) => Some(f.to_string()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    };
    let values = match value {
        toml::Value::Array(items) => items.iter().map(scalar).collect::<Option<Vec<_>>>(),
        v => scalar(v).map(|s| vec![s]),
    };
    values
        .map(|values| Given {
            values,
            origin: at.to_owned(),
        })
        .ok_or_else(|| {
            ConfigError::one(format!(
                "{at}: expected a string, a number, true/false or a list of them"
            ))
        })
}
