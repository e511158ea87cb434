//! The validated configuration: defaults < config file < environment < flags.
//!
//! This is the only module that reads command-line values (`cli.rs`'s structures) and the raw
//! config file; everything else gets a [`Config`]. Every default lives here, once, as a
//! constant (collector options' defaults live in each collector's settings), and every
//! setting is validated here — the listener's `[web]` and `textfile`'s `[output]` included —
//! so `check` reports a bad one like any other, before a mode starts.

pub mod file;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;
use url::Url;

use crate::cli::{AuthArg, Cli, Command, GlobalArgs, LogFormatArg, LogLevelArg};
use crate::collector::{Given, OptionError, Options, spec::parse_duration};
use crate::logging;
use crate::technitium::{AuthMode, ClientConfig, Secret};
use crate::web::{BasicAuth, TlsListener};
pub use file::FileConfig;
use file::{FileCollectors, FileTarget, FileWeb};

/// Default Technitium URL.
pub const DEFAULT_URL: &str = "http://localhost:5380";
/// Default upstream timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest accepted timeout: deadlines are computed from it, and a scrape that waits
/// longer than this has lost its purpose.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);
/// Default response size cap.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 64 * 1024 * 1024;
/// The accepted range of `--technitium.max-response-size`.
pub const RESPONSE_SIZE_RANGE: std::ops::RangeInclusive<u64> = 1024..=1024 * 1024 * 1024;
/// Default listen address (Go style: every interface).
pub const DEFAULT_LISTEN: &str = ":9274";
/// Default path of the exporter's metrics.
pub const DEFAULT_TELEMETRY_PATH: &str = "/metrics";
/// Where Debian's node_exporter reads textfiles.
pub const DEFAULT_OUTPUT_DIR: &str = "/var/lib/prometheus/node-exporter";
/// The default textfile name.
pub const DEFAULT_OUTPUT_FILE: &str = "technitium.prom";
/// Default log level.
pub const DEFAULT_LOG_LEVEL: logging::Level = logging::Level::Info;
/// Default log format.
pub const DEFAULT_LOG_FORMAT: logging::LogFormat = logging::LogFormat::Logfmt;
/// Name of the systemd credential holding the token.
pub const CREDENTIAL_NAME: &str = "technitium-token";

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
struct Problems(Vec<String>);

impl Problems {
    /// The value, or `None` with its problems recorded.
    fn take<T>(&mut self, r: Result<T, ConfigError>) -> Option<T> {
        r.map_err(|mut e| self.0.append(&mut e.problems)).ok()
    }

    fn push(&mut self, problem: impl Into<String>) {
        self.0.push(problem.into());
    }
}

/// Everything the modes read.
#[derive(Debug, Clone)]
pub struct Config {
    /// The default target.
    pub client: ClientConfig,
    /// What to collect from it.
    pub options: Options,
    /// Logging.
    pub log: LogConfig,
    /// Named targets for `/probe`, in name order.
    pub targets: Vec<TargetConfig>,
    /// Modules for URL targets, in name order.
    pub modules: Vec<ModuleConfig>,
    /// The `serve` listener.
    pub web: WebConfig,
    /// Where `textfile` writes.
    pub output: OutputConfig,
    /// Where `scrape` and `textfile` keep the derived counters between runs (`--state.file`).
    pub state_file: Option<PathBuf>,
}

/// Logging settings.
#[derive(Debug, Clone, Copy)]
pub struct LogConfig {
    /// Level.
    pub level: logging::Level,
    /// Format.
    pub format: logging::LogFormat,
    /// Whether a level was asked for (`check` logs errors only otherwise).
    pub level_given: bool,
}

/// The `serve` listener: addresses, path, TLS, basic auth.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Addresses to listen on, as given (syntax checked; `:PORT` means every interface).
    pub listen_addresses: Vec<String>,
    /// Path of the exporter's metrics.
    pub telemetry_path: String,
    /// The exporter's URL as Prometheus reaches it (`--web.external-url`), without a trailing
    /// `/`; `/sd` uses the request's Host header when unset.
    pub external_url: Option<Url>,
    /// TLS on the listener, loaded and checked.
    pub tls: Option<TlsListener>,
    /// Basic auth on the listener.
    pub basic_auth: Option<Arc<BasicAuth>>,
    /// The `[web]` table as written (SIGHUP cannot apply a changed one: it says so).
    pub file: FileWeb,
}

/// Where `textfile` writes.
#[derive(Debug, Clone)]
pub struct OutputConfig {
    /// The directory.
    pub dir: PathBuf,
    /// The file name (a bare name ending in `.prom`).
    pub file: String,
    /// Whether the directory was given (messages then do not suggest `--output.dir`).
    pub dir_given: bool,
}

impl OutputConfig {
    /// The file's full path.
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.dir.join(&self.file)
    }
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
    /// Whether every node of the target's cluster can be collected through it
    /// (`/probe?target=NAME&node=NODE`, `/sd`, `check`): `per_node`, default true.
    pub per_node: bool,
    /// Nodes collected at their own URL (`node_urls`), by node name (lower case); the others
    /// go through the target's URL with `node=`.
    pub node_urls: BTreeMap<String, Url>,
}

impl TargetConfig {
    /// A target with the default per-node settings (every node through its URL).
    #[must_use]
    pub fn new(name: &str, client: ClientConfig, options: Options) -> Self {
        Self {
            name: name.to_owned(),
            client,
            options,
            per_node: true,
            node_urls: BTreeMap::new(),
        }
    }
}

/// Parses and checks a Technitium base URL.
///
/// # Errors
/// When it is not an http(s) URL, or carries a query or password (tokens never go in URLs).
pub fn parse_url(s: &str, what: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(s.trim()).map_err(|e| {
        ConfigError::one(format!(
            "{what}: {s:?} is not a URL ({e}); expected e.g. http://dns.lan:5380"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        let hint = if s.contains("://") {
            String::new()
        } else {
            format!(" (write it as http://{})", s.trim())
        };
        return Err(ConfigError::one(format!(
            "{what}: the scheme must be http or https, not {:?}{hint}",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ConfigError::one(format!("{what}: {s:?} has no host")));
    }
    if url.query().is_some() || url.password().is_some() {
        return Err(ConfigError::one(format!(
            "{what}: put no query string or password in the URL; pass the token with --technitium.token-file"
        )));
    }
    Ok(url)
}

fn duration_setting(s: &str, what: &str) -> Result<Duration, ConfigError> {
    let d = parse_duration(s).map_err(|m| ConfigError::one(format!("{what}: {m}")))?;
    if d.is_zero() {
        return Err(ConfigError::one(format!("{what} must be more than 0s")));
    }
    if d > MAX_TIMEOUT {
        return Err(ConfigError::one(format!(
            "{what} must be at most {}",
            humantime::format_duration(MAX_TIMEOUT)
        )));
    }
    Ok(d)
}

fn size_setting(s: &str, what: &str) -> Result<u64, ConfigError> {
    let size = s
        .trim()
        .parse::<bytesize::ByteSize>()
        .map(|b| b.as_u64())
        .map_err(|e| ConfigError::one(format!("{what}: {s:?} is not a size like 64MiB ({e})")))?;
    if !RESPONSE_SIZE_RANGE.contains(&size) {
        return Err(ConfigError::one(format!(
            "{what}: {s:?} is outside {} to {}",
            bytesize::ByteSize(*RESPONSE_SIZE_RANGE.start()),
            bytesize::ByteSize(*RESPONSE_SIZE_RANGE.end())
        )));
    }
    Ok(size)
}

/// The token in a token file's text: surrounding whitespace and a UTF-8 byte-order mark
/// removed; `None` when there is none.
///
/// # Errors
/// When the text has more than one line (a token is one line).
fn token_in(text: &str, path: &Path) -> Result<Option<Secret>, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.lines().count() > 1 {
        return Err(ConfigError::one(format!(
            "token file {} has more than one line: put only the token in it",
            path.display()
        )));
    }
    Ok(Some(Secret::new(text)))
}

/// Reads a token file.
///
/// # Errors
/// When it cannot be read, is empty or has more than one line.
pub fn read_token_file(path: &Path) -> Result<Secret, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::one(format!("cannot read token file {}: {e}", path.display())))?;
    token_in(&text, path)?
        .ok_or_else(|| ConfigError::one(format!("token file {} is empty", path.display())))
}

/// Whether a value was given on the command line (not by its environment variable).
fn from_cli(matches: Option<&ArgMatches>, id: &str) -> bool {
    matches.and_then(|m| m.value_source(id)) == Some(ValueSource::CommandLine)
}

/// The token from the highest layer that has one: flags, environment, the file, then the
/// systemd credential.
fn resolve_token(
    args: &GlobalArgs,
    matches: Option<&ArgMatches>,
    file: &FileTarget,
) -> Result<Option<Secret>, ConfigError> {
    let (lit, path) = (args.token.as_ref(), args.token_file.as_deref());
    let (lit_cli, path_cli) = (from_cli(matches, "token"), from_cli(matches, "token_file"));
    // Flags, then environment: a literal and a file in the same layer is ambiguous.
    for cli_layer in [true, false] {
        let lit = lit.filter(|_| lit_cli == cli_layer);
        let path = path.filter(|_| path_cli == cli_layer);
        let layer = if cli_layer { "flags" } else { "environment" };
        match (lit, path) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::one(format!(
                    "both a token and a token file are given in the {layer}: keep one (prefer the file)"
                )));
            }
            (Some(t), None) => return Ok(Some(t.clone())),
            (None, Some(p)) => return read_token_file(p).map(Some),
            (None, None) => {}
        }
    }
    match (&file.token, &file.token_file) {
        (Some(_), Some(_)) => Err(ConfigError::one(
            "config file: [technitium] has both token and token_file: keep one",
        )),
        (Some(t), None) => Ok(Some(t.clone())),
        (None, Some(p)) => read_token_file(p).map(Some),
        (None, None) => credential_token(),
    }
}

/// The systemd credential, used only when no other source is given. The packaged unit passes
/// an empty credential until the admin writes a token: that is "no token yet" (up 0,
/// invalid_token), not a configuration error.
fn credential_token() -> Result<Option<Secret>, ConfigError> {
    let Some(dir) = std::env::var_os("CREDENTIALS_DIRECTORY") else {
        return Ok(None);
    };
    let path = PathBuf::from(dir).join(CREDENTIAL_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) => token_in(&text, &path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigError::one(format!(
            "cannot read systemd credential {}: {e}",
            path.display()
        ))),
    }
}

fn auth_mode(a: AuthArg) -> AuthMode {
    match a {
        AuthArg::Auto => AuthMode::Auto,
        AuthArg::Header => AuthMode::Header,
        AuthArg::Query => AuthMode::Query,
    }
}

fn log_level(l: LogLevelArg) -> logging::Level {
    match l {
        LogLevelArg::Trace => logging::Level::Trace,
        LogLevelArg::Debug => logging::Level::Debug,
        LogLevelArg::Info => logging::Level::Info,
        LogLevelArg::Warn => logging::Level::Warn,
        LogLevelArg::Error => logging::Level::Error,
    }
}

fn log_format(f: LogFormatArg) -> logging::LogFormat {
    match f {
        LogFormatArg::Logfmt => logging::LogFormat::Logfmt,
        LogFormatArg::Json => logging::LogFormat::Json,
    }
}

/// The default target's upstream settings, layered.
fn default_client(
    args: &GlobalArgs,
    matches: Option<&ArgMatches>,
    t: &FileTarget,
    problems: &mut Problems,
) -> Option<ClientConfig> {
    let url_text = args
        .url
        .as_deref()
        .or(t.url.as_deref())
        .unwrap_or(DEFAULT_URL);
    let url = problems.take(parse_url(url_text, "--technitium.url"));
    let timeout = match args.timeout.as_ref().or(t.timeout.as_ref()) {
        Some(s) => problems.take(duration_setting(s, "--technitium.timeout")),
        None => Some(DEFAULT_TIMEOUT),
    };
    let max_response_size = match args
        .max_response_size
        .as_ref()
        .or(t.max_response_size.as_ref())
    {
        Some(s) => problems.take(size_setting(s, "--technitium.max-response-size")),
        None => Some(DEFAULT_MAX_RESPONSE_SIZE),
    };
    let token = problems.take(resolve_token(args, matches, t)).flatten();
    if t.collector.is_some() {
        problems
            .push("config file: [technitium] has no `collector` key; use the [collector] table");
    }
    if t.per_node.is_some() || t.node_urls.is_some() {
        problems.push(
            "config file: per_node and node_urls belong in [targets.NAME]: /metrics serves the default target's own node (list the server as a [targets.NAME] to collect its cluster node by node)",
        );
    }
    Some(ClientConfig {
        url: url?,
        token,
        auth: args.auth.map(auth_mode).or(t.auth).unwrap_or_default(),
        timeout: timeout?,
        max_response_size: max_response_size?,
        ca_file: args.ca_file.clone().or_else(|| t.ca_file.clone()),
        insecure_skip_verify: args
            .insecure_skip_verify
            .or(t.insecure_skip_verify)
            .unwrap_or(false),
    })
}

impl Config {
    /// Builds the configuration from the command line (with `matches` telling flags from
    /// environment variables; `None` when the values were set by the program, as `--demo`
    /// does) and the optional config file.
    ///
    /// # Errors
    /// Every problem found.
    pub fn build(cli: &Cli, matches: Option<&ArgMatches>) -> Result<Self, ConfigError> {
        let args = &cli.global;
        let file = match &args.config_file {
            Some(p) => FileConfig::load(p)?,
            None => FileConfig::default(),
        };
        let mut problems = Problems::default();
        let client = default_client(args, matches, &file.technitium, &mut problems);
        let options = problems.take(build_options(args, &file.collector));
        let modules = match (&client, &options) {
            (Some(c), Some(o)) => build_modules(&file, c, o, &mut problems),
            _ => Vec::new(),
        };
        let targets = match (&client, &options) {
            (Some(c), Some(o)) => build_targets(&file, c, o, &mut problems),
            _ => Vec::new(),
        };
        let web = build_web(cli, &file.web, &mut problems);
        let output = build_output(cli, &file.output, &mut problems);
        let state_file = match &cli.command {
            Command::Scrape(a) => a.state_file.clone(),
            Command::Textfile(a) => a.state_file.clone(),
            _ => None,
        }
        .or_else(|| file.state.file.clone());
        let log = LogConfig {
            level: args
                .log_level
                .map(log_level)
                .or(file.log.level)
                .unwrap_or(DEFAULT_LOG_LEVEL),
            format: args
                .log_format
                .map(log_format)
                .or(file.log.format)
                .unwrap_or(DEFAULT_LOG_FORMAT),
            level_given: args.log_level.is_some() || file.log.level.is_some(),
        };
        match (client, options, web, output) {
            (Some(client), Some(options), Some(web), Some(output)) if problems.0.is_empty() => {
                Ok(Self {
                    client,
                    options,
                    log,
                    targets,
                    modules,
                    web,
                    output,
                    state_file,
                })
            }
            _ => Err(ConfigError {
                problems: problems.0,
            }),
        }
    }
}

/// `--web.listen-address` values: `:PORT` (every interface), `HOST:PORT` or `[IPv6]:PORT`.
fn check_listen_address(a: &str) -> Result<(), String> {
    let port = match a.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') || host.starts_with('[') => port,
        _ => return Err(format!("{a:?} is not :PORT, HOST:PORT or [IPv6]:PORT")),
    };
    port.parse::<u16>()
        .map(drop)
        .map_err(|_| format!("{a:?}: the port {port:?} is not a number from 0 to 65535"))
}

fn build_web(cli: &Cli, file: &FileWeb, problems: &mut Problems) -> Option<WebConfig> {
    let serve = match &cli.command {
        Command::Serve(s) => Some(s),
        _ => None,
    };
    let listen_addresses = serve
        .and_then(|s| s.listen_address.clone())
        .or_else(|| file.listen_address.clone())
        .unwrap_or_else(|| vec![DEFAULT_LISTEN.to_owned()]);
    for a in &listen_addresses {
        if let Err(e) = check_listen_address(a) {
            problems.push(format!("--web.listen-address: {e}"));
        }
    }
    let external_url = serve
        .and_then(|s| s.external_url.clone())
        .or_else(|| file.external_url.clone())
        .and_then(|u| problems.take(external_url(&u)));
    let telemetry_path = serve
        .and_then(|s| s.telemetry_path.clone())
        .or_else(|| file.telemetry_path.clone())
        .unwrap_or_else(|| DEFAULT_TELEMETRY_PATH.to_owned());
    if !telemetry_path.starts_with('/')
        || matches!(telemetry_path.as_str(), "/" | "/probe" | "/sd")
        || telemetry_path.starts_with("/-/")
    {
        problems.push(format!(
            "--web.telemetry-path must start with / and not be /, /probe, /sd or /-/...: {telemetry_path:?}"
        ));
    }
    let tls = match (&file.tls_cert_file, &file.tls_key_file) {
        (Some(cert), Some(key)) => problems.take(
            TlsListener::load(cert, key)
                .map_err(|e| ConfigError::one(format!("config file: [web] {e}"))),
        ),
        (None, None) => None,
        _ => {
            problems
                .push("config file: [web] needs both tls_cert_file and tls_key_file, or neither");
            None
        }
    };
    let basic_auth = match &file.basic_auth_users {
        Some(users) => problems.take(
            BasicAuth::new(users.clone())
                .map(Arc::new)
                .map_err(|e| ConfigError::one(format!("config file: {e}"))),
        ),
        None => None,
    };
    Some(WebConfig {
        listen_addresses,
        telemetry_path,
        external_url,
        tls,
        basic_auth,
        file: file.clone(),
    })
}

/// `--web.external-url`: an http(s) URL with a host and maybe a path prefix; no credentials,
/// query or fragment (Prometheus gets the address, scheme and path from it). A trailing `/` is
/// dropped.
fn external_url(s: &str) -> Result<Url, ConfigError> {
    let what = "--web.external-url";
    let mut url = Url::parse(s.trim()).map_err(|e| {
        ConfigError::one(format!(
            "{what}: {s:?} is not a URL ({e}); expected e.g. https://exporter.lan:9274 or https://mon.lan/technitium"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(ConfigError::one(format!(
            "{what}: {s:?} must be an http or https URL with a host, e.g. https://exporter.lan:9274"
        )));
    }
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(ConfigError::one(format!(
            "{what}: put no user, password, query or fragment in it (Prometheus's http_sd_configs has basic_auth for a protected /sd)"
        )));
    }
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

/// Whether `name` can be a cluster node's name: a host name, lower case (Technitium names a node
/// after its URL's host, lower-cased).
fn valid_node_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

/// A target's `per_node` and `node_urls`.
fn node_settings(
    target: &FileTarget,
    what: &str,
    problems: &mut Problems,
) -> (bool, BTreeMap<String, Url>) {
    let per_node = target.per_node.unwrap_or(true);
    let mut urls = BTreeMap::new();
    for (node, url) in target.node_urls.iter().flatten() {
        let name = node.trim().to_ascii_lowercase();
        if !valid_node_name(&name) {
            problems.push(format!(
                "{what} node_urls: {node:?} is not a node name (a cluster node is named by its host name, e.g. dns2.lan)"
            ));
            continue;
        }
        if let Some(url) = problems.take(parse_url(url, &format!("{what} node_urls.{name:?}"))) {
            urls.insert(name, url);
        }
    }
    if !per_node && target.node_urls.as_ref().is_some_and(|m| !m.is_empty()) {
        problems.push(format!(
            "{what}: node_urls needs per_node = true (per_node = false collects only the node the target's URL reaches)"
        ));
    }
    (per_node, urls)
}

/// A bare file name ending in `.prom` (node_exporter reads only those).
///
/// # Errors
/// What is wrong with the name.
pub fn check_output_file(name: &str) -> Result<(), &'static str> {
    if name.contains(['/', '\0']) {
        return Err("give a bare file name; put the directory in --output.dir");
    }
    if name.starts_with('.') {
        return Err("the name must not start with a dot (hidden files are ours: temp files)");
    }
    match name.strip_suffix(".prom") {
        Some(stem) if !stem.is_empty() => Ok(()),
        _ => Err("the name must end in .prom (node_exporter reads only *.prom files)"),
    }
}

fn build_output(
    cli: &Cli,
    file: &file::FileOutput,
    problems: &mut Problems,
) -> Option<OutputConfig> {
    let args = match &cli.command {
        Command::Textfile(t) => Some(t),
        _ => None,
    };
    let name = args
        .and_then(|a| a.output_file.clone())
        .or_else(|| file.file.clone())
        .unwrap_or_else(|| DEFAULT_OUTPUT_FILE.to_owned());
    if let Err(msg) = check_output_file(&name) {
        problems.push(format!("--output.file {name:?}: {msg}"));
    }
    let dir = args
        .and_then(|a| a.output_dir.clone())
        .or_else(|| file.dir.clone());
    Some(OutputConfig {
        dir_given: dir.is_some(),
        dir: dir.unwrap_or_else(|| PathBuf::from(DEFAULT_OUTPUT_DIR)),
        file: name,
    })
}

/// The token of a `[targets.NAME]` or `[modules.NAME]` table, if it has one of its own.
fn own_token(
    literal: Option<&Secret>,
    file: Option<&Path>,
    what: &str,
    problems: &mut Problems,
) -> Option<Secret> {
    match (literal, file) {
        (Some(_), Some(_)) => {
            problems.push(format!("{what}: both token and token_file: keep one"));
            None
        }
        (Some(t), None) => Some(t.clone()),
        (None, Some(p)) => {
            problems.take(read_token_file(p).map_err(|e| ConfigError::one(format!("{what}: {e}"))))
        }
        (None, None) => None,
    }
}

/// Applies a target's or module's `collector = { NAME = bool }` switches.
fn apply_switches(
    options: &Options,
    switches: Option<&BTreeMap<String, bool>>,
    what: &str,
    problems: &mut Problems,
) -> Options {
    let mut options = options.clone();
    for (key, on) in switches.into_iter().flatten() {
        if !options.set_enabled(key, *on) {
            problems.push(file::unknown_collector(&format!("{what} collector"), key));
        }
    }
    options
}

fn timeout_or(
    own: Option<&String>,
    inherited: Duration,
    what: &str,
    problems: &mut Problems,
) -> Duration {
    own.and_then(|s| problems.take(duration_setting(s, &format!("{what} timeout"))))
        .unwrap_or(inherited)
}

/// The `[modules.NAME]` tables. A module that allows URL targets must bring its own token: the
/// default token never goes to a host a caller chose.
fn build_modules(
    file: &FileConfig,
    default: &ClientConfig,
    options: &Options,
    problems: &mut Problems,
) -> Vec<ModuleConfig> {
    let mut modules = Vec::new();
    for (name, m) in &file.modules {
        let what = format!("config file [modules.{name}]");
        let token = own_token(m.token.as_ref(), m.token_file.as_deref(), &what, problems);
        if m.allow_url_targets && m.token.is_none() && m.token_file.is_none() {
            problems.push(format!(
                "{what}: allow_url_targets needs the module's own token or token_file (the default token is never sent to a host a caller chose)"
            ));
        }
        let Ok(placeholder) = Url::parse("http://module.invalid") else {
            continue;
        };
        modules.push(ModuleConfig {
            name: name.clone(),
            allow_url_targets: m.allow_url_targets,
            client: ClientConfig {
                url: placeholder,
                token,
                auth: m.auth.unwrap_or_default(),
                timeout: timeout_or(m.timeout.as_ref(), default.timeout, &what, problems),
                max_response_size: default.max_response_size,
                ca_file: m.ca_file.clone(),
                insecure_skip_verify: m.insecure_skip_verify.unwrap_or(false),
            },
            options: apply_switches(options, m.collector.as_ref(), &what, problems),
        });
    }
    modules
}

/// Whether a target name is usable in `/probe?target=NAME` and in labels.
fn valid_target_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// The `[targets.NAME]` tables; a target without its own token uses the default one.
fn build_targets(
    file: &FileConfig,
    default: &ClientConfig,
    options: &Options,
    problems: &mut Problems,
) -> Vec<TargetConfig> {
    let mut targets = Vec::new();
    for (name, target) in &file.targets {
        let what = format!("config file [targets.{name}]");
        if !valid_target_name(name) {
            problems.push(format!(
                "{what}: target names may use letters, digits, '-', '_' and '.'"
            ));
        }
        let Some(url) = target.url.as_deref() else {
            problems.push(format!("{what}: `url` is missing"));
            continue;
        };
        let url = problems.take(parse_url(url, &format!("{what} url")));
        let token = own_token(
            target.token.as_ref(),
            target.token_file.as_deref(),
            &what,
            problems,
        );
        let timeout = timeout_or(target.timeout.as_ref(), default.timeout, &what, problems);
        let options = apply_switches(options, target.collector.as_ref(), &what, problems);
        let (per_node, node_urls) = node_settings(target, &what, problems);
        if let Some(url) = url {
            targets.push(TargetConfig {
                name: name.clone(),
                per_node,
                node_urls,
                client: ClientConfig {
                    url,
                    token: token.or_else(|| default.token.clone()),
                    auth: target.auth.unwrap_or_default(),
                    timeout,
                    max_response_size: default.max_response_size,
                    ca_file: target.ca_file.clone(),
                    insecure_skip_verify: target.insecure_skip_verify.unwrap_or(false),
                },
                options,
            });
        }
    }
    targets
}

/// What to collect: defaults < `[collector]` of the file < environment < flags, per collector.
fn build_options(args: &GlobalArgs, file: &FileCollectors) -> Result<Options, ConfigError> {
    let c = &args.collectors;
    let mut options = Options::default();
    if c.disable_defaults
        .or(file.disable_defaults)
        .unwrap_or(false)
    {
        options.disable_all();
    }
    let mut problems = Problems::default();
    for spec in crate::collector::specs() {
        let from_file = file.entries.get(spec.name);
        let from_cli = c.collectors.iter().find(|f| f.name == spec.name);
        let enabled = from_cli
            .and_then(|f| f.enabled)
            .or_else(|| from_file.and_then(|f| f.enabled));
        if let Some(on) = enabled {
            options.set_enabled(spec.name, on);
        }
        let interval = from_cli
            .and_then(|f| f.min_interval.as_ref())
            .or_else(|| from_file.and_then(|f| f.min_interval.as_ref()));
        if let Some(given) = interval {
            match min_interval(given) {
                Ok(d) => {
                    options.set_min_interval(spec.name, d);
                }
                Err(e) => problems.push(e.to_string()),
            }
        }
        // File values first, then the command line's, key by key.
        let mut values: BTreeMap<&'static str, &Given> = BTreeMap::new();
        for (k, g) in from_file.into_iter().flat_map(|f| &f.options) {
            values.insert(k, g);
        }
        for (k, g) in from_cli.into_iter().flat_map(|f| &f.options) {
            values.insert(k, g);
        }
        for (key, given) in values {
            if let Err(e) = options.set_option(spec.name, key, given.clone()) {
                problems.push(e.to_string());
            }
        }
    }
    if problems.0.is_empty() {
        Ok(options)
    } else {
        Err(ConfigError {
            problems: problems.0,
        })
    }
}

fn min_interval(given: &Given) -> Result<Duration, OptionError> {
    let v = given.values.last().map_or("", String::as_str);
    parse_duration(v).map_err(|message| OptionError {
        origin: given.origin.clone(),
        message,
    })
}

#[cfg(test)]
mod tests;
