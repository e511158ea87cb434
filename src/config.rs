//! The validated configuration: defaults < config file < environment < flags.
//!
//! Nothing outside this module reads clap types or the raw config file: they get a [`Config`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;
use regex::Regex;
use serde::Deserialize;
use url::Url;

use crate::cli::{GlobalArgs, LogFormat, LogLevel};
use crate::collector::{CollectorName, Options, ZoneFilter};
use crate::technitium::{AuthMode, ClientConfig, Secret, Window};

/// Default Technitium URL.
pub const DEFAULT_URL: &str = "http://localhost:5380";
/// Default upstream timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default response size cap.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 64 * 1024 * 1024;
/// Name of the systemd credential holding the token.
pub const CREDENTIAL_NAME: &str = "technitium-token";

/// A configuration problem, with where it came from.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Everything the modes read.
#[derive(Debug, Clone)]
pub struct Config {
    /// The default target.
    pub client: ClientConfig,
    /// What to collect.
    pub options: Options,
    /// Log level.
    pub log_level: LogLevel,
    /// Log format.
    pub log_format: LogFormat,
    /// Named targets for `/probe`, in name order.
    pub targets: Vec<TargetConfig>,
    /// Modules for URL targets, in name order.
    pub modules: Vec<ModuleConfig>,
    /// `[web]` of the config file (flags override listen address and telemetry path).
    pub web: FileWeb,
    /// `[output]` of the config file (the textfile flags override it).
    pub output: FileOutput,
}

/// A `[modules.NAME]`: the settings a URL target gets.
#[derive(Debug, Clone)]
pub struct ModuleConfig {
    /// The name in `module=NAME` and in self-metric labels.
    pub name: String,
    /// Whether `/probe?target=URL` may use this module (must be set explicitly).
    pub allow_url_targets: bool,
    /// Upstream settings; `url` is a placeholder replaced by the probed URL.
    pub client: ClientConfig,
    /// What to collect.
    pub options: Options,
}

/// A named `/probe` target.
#[derive(Debug, Clone)]
pub struct TargetConfig {
    /// The name in `/probe?target=NAME` and in self-metric labels.
    pub name: String,
    /// Upstream settings.
    pub client: ClientConfig,
    /// What to collect.
    pub options: Options,
}

/// The TOML config file (the parts known so far; unknown keys are errors).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// `[technitium]`: the default target.
    #[serde(default)]
    pub technitium: FileTarget,
    /// `[collector]`: switches and collector options.
    #[serde(default)]
    pub collector: FileCollectors,
    /// `[log]`.
    #[serde(default)]
    pub log: FileLog,
    /// `[web]`: the `serve` listener.
    #[serde(default)]
    pub web: FileWeb,
    /// `[targets.NAME]`: servers reachable through `/probe?target=NAME`.
    #[serde(default)]
    pub targets: BTreeMap<String, FileTarget>,
    /// `[modules.NAME]`: what a URL target probed with `module=NAME` gets.
    #[serde(default)]
    pub modules: BTreeMap<String, FileModule>,
    /// `[output]`: where `textfile` writes.
    #[serde(default)]
    pub output: FileOutput,
}

/// `[output]` (`--output.dir`, `--output.file`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FileOutput {
    pub dir: Option<PathBuf>,
    pub file: Option<String>,
}

/// `[web]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FileWeb {
    pub listen_address: Option<Vec<String>>,
    pub telemetry_path: Option<String>,
    pub tls_cert_file: Option<PathBuf>,
    pub tls_key_file: Option<PathBuf>,
    pub basic_auth_users: Option<BTreeMap<String, String>>,
}

/// `[modules.NAME]`: settings for URL targets (`/probe?target=URL&module=NAME`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FileModule {
    #[serde(default)]
    pub allow_url_targets: bool,
    pub token: Option<String>,
    pub token_file: Option<PathBuf>,
    pub auth: Option<AuthMode>,
    pub timeout: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub insecure_skip_verify: Option<bool>,
    pub collector: Option<BTreeMap<String, bool>>,
}

/// Upstream settings in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FileTarget {
    pub url: Option<String>,
    pub token: Option<String>,
    pub token_file: Option<PathBuf>,
    pub auth: Option<AuthMode>,
    pub timeout: Option<String>,
    pub max_response_size: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub insecure_skip_verify: Option<bool>,
    /// Per-target collector switches (`collector = { zones = false }`); only in `[targets.NAME]`.
    pub collector: Option<BTreeMap<String, bool>>,
}

/// `[collector]`: `NAME = bool` plus `[collector.dashboard]`, `[collector.top]`, `[collector.zones]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FileCollectors {
    pub disable_defaults: Option<bool>,
    pub lifetime: Option<FileSwitch<FileBasic>>,
    pub dashboard: Option<FileSwitch<FileDashboard>>,
    pub zones: Option<FileSwitch<FileZones>>,
    pub dhcp: Option<FileSwitch<FileBasic>>,
    pub cluster: Option<FileSwitch<FileBasic>>,
    pub top: Option<FileSwitch<FileTop>>,
    pub settings: Option<FileSwitch<FileBasic>>,
    pub update: Option<FileSwitch<FileBasic>>,
}

/// `[collector.NAME]` of a collector with no options of its own.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FileBasic {
    pub enabled: Option<bool>,
    pub min_interval: Option<String>,
}

/// What every `[collector.NAME]` table has: an on/off switch and a minimum interval.
pub trait CollectorTable {
    /// `enabled = bool`.
    fn enabled(&self) -> Option<bool>;
    /// `min_interval = "1m"`.
    fn min_interval(&self) -> Option<&str>;
}

macro_rules! collector_table {
    ($($t:ty),*) => {$(
        impl CollectorTable for $t {
            fn enabled(&self) -> Option<bool> {
                self.enabled
            }
            fn min_interval(&self) -> Option<&str> {
                self.min_interval.as_deref()
            }
        }
    )*};
}
collector_table!(FileBasic, FileDashboard, FileTop, FileZones);

/// A collector key that is either `NAME = bool` or a `[collector.NAME]` table of options.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
#[allow(missing_docs)]
pub enum FileSwitch<T> {
    On(bool),
    Options(T),
}

/// `[collector.dashboard]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FileDashboard {
    pub enabled: Option<bool>,
    pub min_interval: Option<String>,
    pub window: Option<Vec<Window>>,
}

/// `[collector.top]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FileTop {
    pub enabled: Option<bool>,
    pub min_interval: Option<String>,
    pub limit: Option<usize>,
    pub reverse_lookup: Option<bool>,
}

/// `[collector.zones]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FileZones {
    pub enabled: Option<bool>,
    pub min_interval: Option<String>,
    pub include: Option<String>,
    pub exclude: Option<String>,
    pub limit: Option<usize>,
}

/// `[log]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FileLog {
    pub level: Option<LogLevel>,
    pub format: Option<LogFormat>,
}

impl<T: CollectorTable> FileSwitch<T> {
    /// `(enabled, min_interval, options table)`.
    fn parts(&self) -> (Option<bool>, Option<&str>, Option<&T>) {
        match self {
            Self::On(b) => (Some(*b), None, None),
            Self::Options(t) => (t.enabled(), t.min_interval(), Some(t)),
        }
    }
}

fn basic(s: Option<&FileSwitch<FileBasic>>) -> (Option<bool>, Option<&str>) {
    let (on, every, _) = parts(s);
    (on, every)
}

fn parts<T: CollectorTable>(s: Option<&FileSwitch<T>>) -> (Option<bool>, Option<&str>, Option<&T>) {
    s.map_or((None, None, None), FileSwitch::parts)
}

/// Reads and parses a config file.
///
/// # Errors
/// When the file cannot be read or has an unknown key, a bad type or bad TOML; the message names
/// the file and the key.
pub fn load_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("cannot read config file {}: {e}", path.display())))?;
    FileConfig::parse(&text)
        .map_err(|e| ConfigError(format!("config file {}: {}", path.display(), e.0)))
}

impl FileConfig {
    /// Parses config file text (what [`load_file`] does after reading the file; the fuzz
    /// targets' entry point).
    ///
    /// # Errors
    /// An unknown key, a bad type or bad TOML; the message names the key.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let msg = e.message();
            let key = e
                .span()
                .map(|s| text[s].lines().next().unwrap_or("").to_owned())
                .unwrap_or_default();
            ConfigError(format!("{msg} (at `{key}`)"))
        })
    }
}

fn parse_duration(s: &str, what: &str) -> Result<Duration, ConfigError> {
    humantime::parse_duration(s.trim()).map_err(|e| {
        ConfigError(format!(
            "{what}: {s:?} is not a duration like 10s or 1m30s ({e})"
        ))
    })
}

fn parse_size(s: &str, what: &str) -> Result<u64, ConfigError> {
    s.trim()
        .parse::<bytesize::ByteSize>()
        .map(|b| b.as_u64())
        .map_err(|e| ConfigError(format!("{what}: {s:?} is not a size like 64MiB ({e})")))
}

fn parse_regex(s: &str, what: &str) -> Result<Regex, ConfigError> {
    Regex::new(&format!("^(?:{s})$"))
        .map_err(|e| ConfigError(format!("{what}: invalid regex {s:?}: {e}")))
}

/// Parses and checks a Technitium base URL.
///
/// # Errors
/// When it is not an http(s) URL, or carries a query (tokens never go in the URL).
pub fn parse_url(s: &str, what: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(s.trim()).map_err(|e| {
        ConfigError(format!(
            "{what}: {s:?} is not a URL ({e}); expected e.g. http://dns.lan:5380"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        let hint = if s.contains("://") {
            String::new()
        } else {
            format!(" (write it as http://{})", s.trim())
        };
        return Err(ConfigError(format!(
            "{what}: the scheme must be http or https, not {:?}{hint}",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ConfigError(format!("{what}: {s:?} has no host")));
    }
    if url.query().is_some() || url.password().is_some() {
        return Err(ConfigError(format!(
            "{what}: put no query string or password in the URL; pass the token with --technitium.token-file"
        )));
    }
    Ok(url)
}

/// Reads a token file, trimming whitespace.
///
/// # Errors
/// When it cannot be read or is empty.
pub fn read_token_file(path: &Path) -> Result<Secret, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("cannot read token file {}: {e}", path.display())))?;
    let secret = Secret::new(&text);
    if secret.is_empty() {
        return Err(ConfigError(format!(
            "token file {} is empty",
            path.display()
        )));
    }
    Ok(secret)
}

/// Where a layered value came from.
fn from_cli(matches: Option<&ArgMatches>, id: &str) -> bool {
    matches.and_then(|m| m.value_source(id)) == Some(ValueSource::CommandLine)
}

/// Resolves the token from the highest layer that has one.
fn resolve_token(
    args: &GlobalArgs,
    matches: Option<&ArgMatches>,
    file: &FileTarget,
) -> Result<Option<Secret>, ConfigError> {
    let (lit, path) = (args.token.as_deref(), args.token_file.as_deref());
    let (lit_cli, path_cli) = (from_cli(matches, "token"), from_cli(matches, "token_file"));
    // Flags, then environment: a literal and a file in the same layer is ambiguous.
    for cli_layer in [true, false] {
        let lit = lit.filter(|_| lit_cli == cli_layer);
        let path = path.filter(|_| path_cli == cli_layer);
        let layer = if cli_layer { "flags" } else { "environment" };
        match (lit, path) {
            (Some(_), Some(_)) => {
                return Err(ConfigError(format!(
                    "both a token and a token file are given in the {layer}: keep one (prefer the file)"
                )));
            }
            (Some(t), None) => return Ok(Some(Secret::new(t))),
            (None, Some(p)) => return read_token_file(p).map(Some),
            (None, None) => {}
        }
    }
    match (&file.token, &file.token_file) {
        (Some(_), Some(_)) => Err(ConfigError(
            "config file: [technitium] has both token and token_file: keep one".to_owned(),
        )),
        (Some(t), None) => Ok(Some(Secret::new(t))),
        (None, Some(p)) => read_token_file(p).map(Some),
        (None, None) => {
            let Some(dir) = std::env::var_os("CREDENTIALS_DIRECTORY") else {
                return Ok(None);
            };
            // The packaged unit passes an empty credential until the admin writes a token:
            // that is "no token yet" (up 0, invalid_token), not a configuration error.
            let path = PathBuf::from(dir).join(CREDENTIAL_NAME);
            match std::fs::read_to_string(&path) {
                Ok(text) if text.trim().is_empty() => Ok(None),
                Ok(text) => Ok(Some(Secret::new(&text))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(ConfigError(format!(
                    "cannot read systemd credential {}: {e}",
                    path.display()
                ))),
            }
        }
    }
}

impl Config {
    /// Builds the configuration from the command line (with `matches` telling flags from
    /// environment variables) and the optional config file.
    ///
    /// # Errors
    /// Every problem found, one per line.
    pub fn build(args: &GlobalArgs, matches: Option<&ArgMatches>) -> Result<Self, ConfigError> {
        let file = match &args.config_file {
            Some(p) => load_file(p)?,
            None => FileConfig::default(),
        };
        let mut problems = Vec::new();
        let t = &file.technitium;
        let url_text = args
            .url
            .clone()
            .or_else(|| t.url.clone())
            .unwrap_or_else(|| DEFAULT_URL.to_owned());
        let url = parse_url(&url_text, "--technitium.url")
            .map_err(|e| problems.push(e.0))
            .ok();
        let timeout = match args.timeout.as_ref().or(t.timeout.as_ref()) {
            Some(s) => parse_duration(s, "--technitium.timeout")
                .map_err(|e| problems.push(e.0))
                .ok(),
            None => Some(DEFAULT_TIMEOUT),
        };
        if timeout == Some(Duration::ZERO) {
            problems.push("--technitium.timeout must be more than 0s".to_owned());
        }
        let max_response_size = match args
            .max_response_size
            .as_ref()
            .or(t.max_response_size.as_ref())
        {
            Some(s) => parse_size(s, "--technitium.max-response-size")
                .map_err(|e| problems.push(e.0))
                .ok(),
            None => Some(DEFAULT_MAX_RESPONSE_SIZE),
        };
        let token = resolve_token(args, matches, t)
            .map_err(|e| problems.push(e.0))
            .ok()
            .flatten();
        let options = build_options(args, &file.collector)
            .map_err(|e| problems.push(e.0))
            .ok();
        if t.collector.is_some() {
            problems.push(
                "config file: [technitium] has no `collector` key; use the [collector] table"
                    .to_owned(),
            );
        }
        let modules = build_modules(
            &file,
            timeout,
            max_response_size,
            options.as_ref(),
            &mut problems,
        );
        if let Some(users) = &file.web.basic_auth_users
            && let Err(e) = crate::web::BasicAuth::new(users.clone())
        {
            problems.push(format!("config file: {e}"));
        }
        if file.web.tls_cert_file.is_some() != file.web.tls_key_file.is_some() {
            problems.push(
                "config file: [web] needs both tls_cert_file and tls_key_file, or neither"
                    .to_owned(),
            );
        }
        let targets = build_targets(
            &file,
            &token,
            timeout,
            max_response_size,
            options.as_ref(),
            &mut problems,
        );
        if !problems.is_empty() {
            return Err(ConfigError(problems.join("\n")));
        }
        let (Some(url), Some(timeout), Some(max_response_size), Some(options)) =
            (url, timeout, max_response_size, options)
        else {
            return Err(ConfigError("invalid configuration".to_owned()));
        };
        Ok(Self {
            client: ClientConfig {
                url,
                token,
                auth: args.auth.or(t.auth).unwrap_or_default(),
                timeout,
                max_response_size,
                ca_file: args.ca_file.clone().or_else(|| t.ca_file.clone()),
                insecure_skip_verify: args
                    .insecure_skip_verify
                    .or(t.insecure_skip_verify)
                    .unwrap_or(false),
            },
            options,
            log_level: args.log_level.or(file.log.level).unwrap_or(LogLevel::Info),
            log_format: args
                .log_format
                .or(file.log.format)
                .unwrap_or(LogFormat::Logfmt),
            targets,
            modules,
            web: file.web,
            output: file.output,
        })
    }
}

/// The token of a `[targets.NAME]` or `[modules.NAME]` table, if it has one of its own.
fn own_token(
    literal: Option<&str>,
    file: Option<&Path>,
    what: &str,
    problems: &mut Vec<String>,
) -> Option<Secret> {
    match (literal, file) {
        (Some(_), Some(_)) => {
            problems.push(format!("{what}: both token and token_file: keep one"));
            None
        }
        (Some(t), None) => Some(Secret::new(t)),
        (None, Some(p)) => read_token_file(p)
            .map_err(|e| problems.push(format!("{what}: {}", e.0)))
            .ok(),
        (None, None) => None,
    }
}

/// Applies a target's or module's `collector = { NAME = bool }` switches.
fn apply_switches(
    options: Option<&Options>,
    switches: Option<&BTreeMap<String, bool>>,
    what: &str,
    problems: &mut Vec<String>,
) -> Option<Options> {
    let mut options = options.cloned()?;
    for (key, on) in switches.into_iter().flatten() {
        match CollectorName::OPTIONAL
            .into_iter()
            .find(|c| c.as_str() == key)
        {
            Some(c) => {
                options.enabled.retain(|e| *e != c);
                if *on {
                    options.enabled.push(c);
                    options.enabled.sort();
                }
            }
            None => problems.push(format!("{what}: unknown collector {key:?} in `collector`")),
        }
    }
    Some(options)
}

/// The `[modules.NAME]` tables. A module that allows URL targets must bring its own token: the
/// default token never goes to a host a caller chose.
fn build_modules(
    file: &FileConfig,
    timeout: Option<Duration>,
    max_response_size: Option<u64>,
    options: Option<&Options>,
    problems: &mut Vec<String>,
) -> Vec<ModuleConfig> {
    let mut modules = Vec::new();
    for (name, m) in &file.modules {
        let what = format!("config file [modules.{name}]");
        let token = own_token(m.token.as_deref(), m.token_file.as_deref(), &what, problems);
        if m.allow_url_targets && m.token.is_none() && m.token_file.is_none() {
            problems.push(format!(
                "{what}: allow_url_targets needs the module's own token or token_file (the default token is never sent to a host a caller chose)"
            ));
        }
        let m_timeout = match &m.timeout {
            Some(s) => parse_duration(s, &format!("{what} timeout"))
                .map_err(|e| problems.push(e.0))
                .ok(),
            None => timeout,
        };
        let m_options = apply_switches(options, m.collector.as_ref(), &what, problems);
        let Ok(placeholder) = Url::parse("http://module.invalid") else {
            continue;
        };
        if let (Some(t), Some(max), Some(o)) = (m_timeout, max_response_size, m_options) {
            modules.push(ModuleConfig {
                name: name.clone(),
                allow_url_targets: m.allow_url_targets,
                client: ClientConfig {
                    url: placeholder,
                    token,
                    auth: m.auth.unwrap_or_default(),
                    timeout: t,
                    max_response_size: max,
                    ca_file: m.ca_file.clone(),
                    insecure_skip_verify: m.insecure_skip_verify.unwrap_or(false),
                },
                options: o,
            });
        }
    }
    modules
}

/// The `[targets.NAME]` tables; a target without its own token uses the default one.
fn build_targets(
    file: &FileConfig,
    token: &Option<Secret>,
    timeout: Option<Duration>,
    max_response_size: Option<u64>,
    options: Option<&Options>,
    problems: &mut Vec<String>,
) -> Vec<TargetConfig> {
    let mut targets = Vec::new();
    for (name, target) in &file.targets {
        let what = format!("config file [targets.{name}]");
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            problems.push(format!(
                "{what}: target names may use letters, digits, '-', '_' and '.'"
            ));
        }
        let Some(url) = target.url.as_deref() else {
            problems.push(format!("{what}: `url` is missing"));
            continue;
        };
        let url = parse_url(url, &format!("{what} url"))
            .map_err(|e| problems.push(e.0))
            .ok();
        let own_token = own_token(
            target.token.as_deref(),
            target.token_file.as_deref(),
            &what,
            problems,
        );
        let t_timeout = match &target.timeout {
            Some(s) => parse_duration(s, &format!("{what} timeout"))
                .map_err(|e| problems.push(e.0))
                .ok(),
            None => timeout,
        };
        let t_options = apply_switches(options, target.collector.as_ref(), &what, problems);
        if let (Some(url), Some(t_timeout), Some(max), Some(t_options)) =
            (url, t_timeout, max_response_size, t_options)
        {
            targets.push(TargetConfig {
                name: name.clone(),
                client: ClientConfig {
                    url,
                    token: own_token.or_else(|| token.clone()),
                    auth: target.auth.unwrap_or_default(),
                    timeout: t_timeout,
                    max_response_size: max,
                    ca_file: target.ca_file.clone(),
                    insecure_skip_verify: target.insecure_skip_verify.unwrap_or(false),
                },
                options: t_options,
            });
        }
    }
    targets
}

fn build_options(args: &GlobalArgs, file: &FileCollectors) -> Result<Options, ConfigError> {
    let c = &args.collectors;
    let disable_defaults = c
        .disable_defaults
        .or(file.disable_defaults)
        .unwrap_or(false);
    let (dash_on, dash_every, dash) = parts(file.dashboard.as_ref());
    let (zones_on, zones_every, zones) = parts(file.zones.as_ref());
    let (top_on, top_every, top) = parts(file.top.as_ref());
    let file_switch: BTreeMap<&str, (Option<bool>, Option<&str>)> = [
        ("lifetime", basic(file.lifetime.as_ref())),
        ("dashboard", (dash_on, dash_every)),
        ("zones", (zones_on, zones_every)),
        ("dhcp", basic(file.dhcp.as_ref())),
        ("cluster", basic(file.cluster.as_ref())),
        ("top", (top_on, top_every)),
        ("settings", basic(file.settings.as_ref())),
        ("update", basic(file.update.as_ref())),
    ]
    .into_iter()
    .collect();
    let cli: BTreeMap<&str, (Option<bool>, bool, Option<&str>)> = c
        .switches()
        .into_iter()
        .map(|(n, on, off, every)| (n, (on, off, every)))
        .collect();
    let mut enabled = Vec::new();
    let mut min_interval = BTreeMap::new();
    for name in CollectorName::OPTIONAL {
        let key = name.as_str();
        let mut on = !disable_defaults && name.default_enabled();
        let (file_on, file_every) = file_switch.get(key).copied().unwrap_or_default();
        let (flag, no_flag, flag_every) = cli.get(key).copied().unwrap_or_default();
        if let Some(v) = file_on {
            on = v;
        }
        if let Some(v) = flag {
            on = v;
        }
        if no_flag {
            on = false;
        }
        if on {
            enabled.push(name);
        }
        if let Some(every) = flag_every.or(file_every) {
            let d = parse_duration(every, &format!("--collector.{key}.min-interval"))?;
            if !d.is_zero() {
                min_interval.insert(name, d);
            }
        }
    }
    let mut windows = c
        .dashboard_window
        .clone()
        .or_else(|| dash.and_then(|d| d.window.clone()))
        .unwrap_or_else(|| vec![Window::LastHour]);
    windows.sort();
    windows.dedup();
    if windows.is_empty() {
        windows.push(Window::LastHour);
    }
    let include = c
        .zones_include
        .as_ref()
        .or(zones.and_then(|z| z.include.as_ref()));
    let exclude = c
        .zones_exclude
        .as_ref()
        .or(zones.and_then(|z| z.exclude.as_ref()));
    Ok(Options {
        enabled,
        windows,
        top_limit: c
            .top_limit
            .or(top.and_then(|t| t.limit))
            .unwrap_or(10)
            .max(1),
        top_reverse_lookup: c
            .top_reverse_lookup
            .or(top.and_then(|t| t.reverse_lookup))
            .unwrap_or(false),
        zones: ZoneFilter {
            include: include
                .map(|s| parse_regex(s, "--collector.zones.include"))
                .transpose()?,
            exclude: exclude
                .map(|s| parse_regex(s, "--collector.zones.exclude"))
                .transpose()?,
            limit: c
                .zones_limit
                .or(zones.and_then(|z| z.limit))
                .unwrap_or(10_000),
        },
        min_interval,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked() {
        assert!(parse_url("http://dns.lan:5380", "x").is_ok());
        assert!(parse_url("ftp://dns.lan", "x").is_err());
        assert!(parse_url("dns.lan:5380", "x").is_err());
        assert!(parse_url("http://dns.lan:5380/?token=abc", "x").is_err());
    }

    #[test]
    fn file_config_rejects_unknown_keys() {
        let err = toml::from_str::<FileConfig>("[technitium]\nurll = \"x\"\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("urll"), "{err}");
        let ok: Result<FileConfig, _> =
            toml::from_str("[collector]\ndhcp = false\n[collector.zones]\nlimit = 5\n");
        assert!(ok.is_ok());
    }

    #[test]
    fn sizes_and_durations_parse() {
        assert_eq!(parse_size("64MiB", "x").ok(), Some(64 * 1024 * 1024));
        assert_eq!(
            parse_duration("1m30s", "x").ok(),
            Some(Duration::from_secs(90))
        );
    }
}
