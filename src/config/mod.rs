//! The validated configuration: defaults < config file < environment < flags.
//!
//! This is the only module that reads command-line values (`cli.rs`'s structures) and the raw
//! config file; everything else gets a [`Config`]. Every default lives here, once, as a
//! constant (collector options' defaults live in each collector's settings), and every
//! setting is validated here — the listener's `[web]` and `textfile`'s `[output]` included —
//! so `check` reports a bad one like any other, before a mode starts.
//!
//! The parts, each using only those listed before it:
//! - [`error`]: [`ConfigError`], and the list that gathers every problem of one build;
//! - [`defaults`]: every default and limit;
//! - [`file`]: the TOML file's shape;
//! - [`model`]: [`Config`] and its parts, what the modes read;
//! - [`values`]: checks of single values (URLs, durations, sizes, names);
//! - [`token`]: the token's sources, in order;
//! - [`targets`]: the `[targets.NAME]` and `[modules.NAME]` tables;
//! - this file: [`Config::build`], which layers the rest.

mod defaults;
mod error;
pub mod file;
mod model;
mod targets;
mod token;
mod values;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::ArgMatches;

use crate::cli::{AuthArg, Cli, Command, GlobalArgs, LogFormatArg, LogLevelArg};
use crate::collector::{Given, OptionError, Options, spec::parse_duration};
use crate::logging;
use crate::technitium::{AuthMode, ClientConfig};
use crate::web::{BasicAuth, TlsListener};
use error::Problems;
use file::{FileCollectors, FileOutput, FileTarget, FileWeb};
use targets::{build_modules, build_targets};
use token::resolve_token;
use values::{check_listen_address, duration_setting, external_url, size_setting};

pub use defaults::{
    CREDENTIAL_NAME, DEFAULT_LISTEN, DEFAULT_LOG_FORMAT, DEFAULT_LOG_LEVEL,
    DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_OUTPUT_DIR, DEFAULT_OUTPUT_FILE, DEFAULT_TELEMETRY_PATH,
    DEFAULT_TIMEOUT, DEFAULT_URL, MAX_TIMEOUT, RESPONSE_SIZE_RANGE,
};
pub use error::ConfigError;
pub use file::FileConfig;
pub use model::{
    ClientTemplate, Config, LogConfig, ModuleConfig, OutputConfig, TargetConfig, WebConfig,
};
pub use token::read_token_file;
pub use values::{ListenAddressError, OutputFileError, check_output_file, parse_url};

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
        let built = match (client, options, web, output) {
            (Some(client), Some(options), Some(web), Some(output)) => Some(Self {
                client,
                options,
                log,
                targets,
                modules,
                web,
                output,
                state_file,
            }),
            _ => None,
        };
        problems.finish(built)
    }
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

fn build_output(cli: &Cli, file: &FileOutput, problems: &mut Problems) -> Option<OutputConfig> {
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
    problems.finish(Some(options))
}

fn min_interval(given: &Given) -> Result<Duration, OptionError> {
    let v = given.values.last().map_or("", String::as_str);
    parse_duration(v).map_err(|e| OptionError {
        origin: given.origin.clone(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests;
