//! The validated configuration: defaults < `--demo` < config file < environment < flags.
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
//! - [`demo`]: what `--demo` gives ([`DemoLayer`]), the layer just above the defaults;
//! - [`file`]: the TOML file's shape;
//! - [`model`]: [`Config`] and its parts, what the modes read;
//! - [`values`]: checks of single values (URLs, durations, sizes, names);
//! - [`token`]: the token's sources, in order;
//! - [`targets`]: the `[targets.NAME]` and `[modules.NAME]` tables;
//! - this file: [`Config::build`], which layers the rest.

mod defaults;
pub mod demo;
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

use crate::cli::{AuthArg, Cli, CollectorFlags, Command, GlobalArgs, LogFormatArg, LogLevelArg};
use crate::collector::{Given, OptionError, Options, spec::parse_duration};
use crate::logging;
use crate::technitium::{AuthMode, ClientConfig};
use crate::web::{BasicAuth, TlsListener};
use error::Problems;
use file::{FileCollector, FileCollectors, FileOutput, FileTarget, FileWeb};
use targets::{build_modules, build_targets};
use token::resolve_token;
use values::{check_listen_address, duration_setting, external_url, size_setting};

pub use defaults::{
    CREDENTIAL_NAME, DEFAULT_LISTEN, DEFAULT_LOG_FORMAT, DEFAULT_LOG_LEVEL,
    DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_OUTPUT_DIR, DEFAULT_OUTPUT_FILE, DEFAULT_TELEMETRY_PATH,
    DEFAULT_TIMEOUT, DEFAULT_URL, MAX_TIMEOUT, RESPONSE_SIZE_RANGE,
};
pub use demo::{DEMO_TARGET, DemoLayer, Preset};
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

/// The default target's upstream settings, layered (the CA of `--demo`'s listeners is added
/// with the options, which say whether their preset applies).
fn default_client(
    args: &GlobalArgs,
    matches: &ArgMatches,
    t: &FileTarget,
    demo: Option<&DemoLayer>,
    problems: &mut Problems,
) -> Option<ClientConfig> {
    let url_text = args
        .url
        .as_deref()
        .or(t.url.as_deref())
        .or(demo.map(|d| d.url.as_str()))
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
    let demo_token = demo.map(|d| &d.token);
    let token = problems
        .take(resolve_token(args, matches, t, demo_token))
        .flatten();
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
        extra_ca_pem: None,
        insecure_skip_verify: args
            .insecure_skip_verify
            .or(t.insecure_skip_verify)
            .unwrap_or(false),
    })
}

impl Config {
    /// Builds the configuration from the command line (with `matches` telling flags from
    /// environment variables), the optional config file and, with `--demo`, the demo's layer
    /// just above the defaults.
    ///
    /// # Errors
    /// Every problem found.
    pub fn build(
        cli: &Cli,
        matches: &ArgMatches,
        demo: Option<&DemoLayer>,
    ) -> Result<Self, ConfigError> {
        let args = &cli.global;
        let file = match &args.config_file {
            Some(p) => FileConfig::load(p)?,
            None => FileConfig::default(),
        };
        let mut problems = Problems::default();
        let mut client = default_client(args, matches, &file.technitium, demo, &mut problems);
        let options = problems.take(build_options(args, &file.collector, demo));
        let options = options.map(|(options, extra_ca_pem)| {
            if let Some(c) = &mut client {
                c.extra_ca_pem = extra_ca_pem;
            }
            options
        });
        let (modules, mut targets) = match (&client, &options) {
            (Some(c), Some(o)) => (
                build_modules(&file, c, o, &mut problems),
                build_targets(&file, c, o, &mut problems),
            ),
            _ => (Vec::new(), Vec::new()),
        };
        if let (Some(d), Some(c), Some(o), Command::Serve(_)) =
            (demo, &client, &options, &cli.command)
        {
            add_demo_target(&mut targets, d, c, o);
        }
        let web = build_web(cli, &file.web, &mut problems);
        let output = build_output(cli, &file.output, &mut problems);
        let built = match (client, options, web, output) {
            (Some(client), Some(options), Some(web), Some(output)) => Some(Self {
                client,
                options,
                log: build_log(args, &file),
                targets,
                modules,
                web,
                output,
                state_file: state_file(cli, &file),
            }),
            _ => None,
        };
        problems.finish(built)
    }
}

/// With `serve --demo`, the demo server is also `/probe?target=demo` (unless the config file
/// names a target so), so every route can be tried without a config file.
fn add_demo_target(
    targets: &mut Vec<TargetConfig>,
    demo: &DemoLayer,
    client: &ClientConfig,
    options: &Options,
) {
    if targets.iter().any(|t| t.name == DEMO_TARGET) {
        return;
    }
    let client = ClientConfig {
        url: demo.url.clone(),
        token: Some(demo.token.clone()),
        ..client.clone()
    };
    targets.push(TargetConfig::new(DEMO_TARGET, client, options.clone()));
}

fn build_log(args: &GlobalArgs, file: &FileConfig) -> LogConfig {
    LogConfig {
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
    }
}

/// `--state.file` of `scrape` and `textfile`, else the file's `[state] file`.
fn state_file(cli: &Cli, file: &FileConfig) -> Option<PathBuf> {
    match &cli.command {
        Command::Scrape(a) => a.state_file.clone(),
        Command::Textfile(a) => a.state_file.clone(),
        _ => None,
    }
    .or_else(|| file.state.file.clone())
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

/// What to collect: defaults < `--demo` < `[collector]` of the file < environment < flags, per
/// collector; and the CA of the demo's listeners when a preset of the demo applies.
fn build_options(
    args: &GlobalArgs,
    file: &FileCollectors,
    demo: Option<&DemoLayer>,
) -> Result<(Options, Option<Arc<str>>), ConfigError> {
    let c = &args.collectors;
    let mut options = Options::default();
    if c.disable_defaults
        .or(file.disable_defaults)
        .unwrap_or(false)
    {
        options.disable_all();
    }
    let mut problems = Problems::default();
    let mut extra_ca_pem = None;
    for spec in crate::collector::specs() {
        let from_file = file.entries.get(spec.name);
        let from_cli = c.collectors.iter().find(|f| f.name == spec.name);
        switch(&mut options, spec.name, from_file, from_cli, &mut problems);
        let mut values = given_values(from_file, from_cli);
        let preset = demo.and_then(|d| d.presets.iter().find(|p| p.collector == spec.name));
        if let Some(p) = preset.filter(|p| !values.contains_key(p.aim)) {
            for (k, v) in &p.values {
                values
                    .entry(*k)
                    .or_insert_with(|| Given::one(v.as_str(), demo::ORIGIN));
            }
            extra_ca_pem = with_ca(extra_ca_pem, p.ca_pem.as_ref());
        }
        for (key, given) in values {
            if let Err(e) = options.set_option(spec.name, key, given) {
                problems.push(e.to_string());
            }
        }
    }
    problems.finish(Some((options, extra_ca_pem)))
}

/// A collector's switch and minimum interval: the file's, then the command line's.
fn switch(
    options: &mut Options,
    name: &'static str,
    from_file: Option<&FileCollector>,
    from_cli: Option<&CollectorFlags>,
    problems: &mut Problems,
) {
    let enabled = from_cli
        .and_then(|f| f.enabled)
        .or_else(|| from_file.and_then(|f| f.enabled));
    if let Some(on) = enabled {
        options.set_enabled(name, on);
    }
    let interval = from_cli
        .and_then(|f| f.min_interval.as_ref())
        .or_else(|| from_file.and_then(|f| f.min_interval.as_ref()));
    if let Some(given) = interval {
        match min_interval(given) {
            Ok(d) => {
                options.set_min_interval(name, d);
            }
            Err(e) => problems.push(e.to_string()),
        }
    }
}

/// A collector's option values: the file's, then the command line's, key by key.
fn given_values(
    from_file: Option<&FileCollector>,
    from_cli: Option<&CollectorFlags>,
) -> BTreeMap<&'static str, Given> {
    let mut values = BTreeMap::new();
    for (k, g) in from_file.into_iter().flat_map(|f| &f.options) {
        values.insert(*k, g.clone());
    }
    for (k, g) in from_cli.into_iter().flat_map(|f| &f.options) {
        values.insert(*k, g.clone());
    }
    values
}

/// `bundle` with `more`'s certificates (PEM bundles concatenate).
fn with_ca(bundle: Option<Arc<str>>, more: Option<&Arc<str>>) -> Option<Arc<str>> {
    match (bundle, more) {
        (Some(b), Some(m)) => Some(format!("{b}\n{m}").into()),
        (b, m) => b.or_else(|| m.cloned()),
    }
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
