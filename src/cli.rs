//! Command-line interface: every flag, its environment variable and its help text. No other
//! module uses clap types: `config/` reads the values parsed here, and `app.rs` maps the
//! per-invocation choices onto each mode's own options.
//!
//! Layered options are `Option`s here so `config/` can tell "not given" from "given": the
//! order is defaults < config file < environment < flags. Defaults live in `config/` (and in
//! each collector's settings); a test keeps the `[default: …]` of every help text equal to
//! them. Environment rule: `--technitium.X` ↔ `TECHNITIUM_X`; every other flag ↔
//! `TECHNITIUM_EXPORTER_` + the flag upper-cased with `.` and `-` as `_`; repeatable flags take
//! comma-separated values there.
//!
//! A boolean flag is on when given alone (`--collector.top`) and takes a value only after `=`
//! (`--collector.top=false`), so it never swallows the next word (`--collector.top scrape`).
//!
//! The collector flags are not written out here: [`CollectorArgs`] generates
//! `--collector.NAME`, `--no-collector.NAME`, `--collector.NAME.min-interval` and one
//! `--collector.NAME.KEY` per collector option from the collector registry.

use std::path::PathBuf;

use clap::builder::ValueParser;
use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::collector::{self, Given, OptKind, OptSpec, Spec};
use crate::technitium::Secret;

/// Prometheus exporter for Technitium DNS Server.
///
/// Exit codes: 0 ok; 1 target down or token rejected (scrape, check), file not written
/// (textfile); 2 usage or configuration error; 3 check: degraded.
#[derive(Debug, Clone, Parser)]
#[command(name = "technitium-exporter", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// Options shared by every subcommand.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The four modes.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve /metrics, /probe and a landing page over HTTP (the daemon mode).
    Serve(ServeArgs),
    /// Fetch once and print the metrics (or a table) to stdout.
    Scrape(ScrapeArgs),
    /// Fetch once and write a .prom file for node_exporter's textfile collector.
    Textfile(TextfileArgs),
    /// Check configuration, connectivity, token and permissions, step by step.
    Check(CheckArgs),
}

/// Upstream, collector, logging and demo options (accepted before or after the subcommand).
#[derive(Debug, Clone, Args, Default)]
pub struct GlobalArgs {
    /// Technitium web console URL [default: http://localhost:5380]
    #[arg(
        long = "technitium.url",
        env = "TECHNITIUM_URL",
        value_name = "URL",
        global = true
    )]
    pub url: Option<String>,
    /// API token (visible in `ps`: prefer --technitium.token-file)
    #[arg(
        long = "technitium.token",
        env = "TECHNITIUM_TOKEN",
        value_name = "TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub token: Option<Secret>,
    /// File holding the API token (read at start and on SIGHUP)
    #[arg(
        long = "technitium.token-file",
        env = "TECHNITIUM_TOKEN_FILE",
        value_name = "PATH",
        global = true
    )]
    pub token_file: Option<PathBuf>,
    /// How to send the token: auto probes the Bearer header, then the query parameter (pre-v15) [default: auto]
    #[arg(
        long = "technitium.auth",
        env = "TECHNITIUM_AUTH",
        value_name = "MODE",
        global = true
    )]
    pub auth: Option<AuthArg>,
    /// Timeout of one upstream request, and of a whole scrape [default: 10s]
    #[arg(
        long = "technitium.timeout",
        env = "TECHNITIUM_TIMEOUT",
        value_name = "DURATION",
        global = true
    )]
    pub timeout: Option<String>,
    /// Largest accepted API response [default: 64MiB]
    #[arg(
        long = "technitium.max-response-size",
        env = "TECHNITIUM_MAX_RESPONSE_SIZE",
        value_name = "SIZE",
        global = true
    )]
    pub max_response_size: Option<String>,
    /// Extra CA bundle (PEM) to trust for https URLs [default: system roots]
    #[arg(
        long = "technitium.ca-file",
        env = "TECHNITIUM_CA_FILE",
        value_name = "PATH",
        global = true
    )]
    pub ca_file: Option<PathBuf>,
    /// Accept any TLS certificate from the server (insecure) [default: false]
    #[arg(long = "technitium.insecure-skip-verify", env = "TECHNITIUM_INSECURE_SKIP_VERIFY", value_name = "BOOL",
          num_args = 0..=1, require_equals = true, default_missing_value = "true", global = true)]
    pub insecure_skip_verify: Option<bool>,

    /// TOML configuration file (see the README)
    #[arg(
        long = "config.file",
        env = "TECHNITIUM_EXPORTER_CONFIG_FILE",
        value_name = "PATH",
        global = true
    )]
    pub config_file: Option<PathBuf>,

    /// Collector switches and options.
    #[command(flatten)]
    pub collectors: CollectorArgs,

    /// Log level: trace, debug, info, warn, error (RUST_LOG overrides) [default: info]
    #[arg(
        long = "log.level",
        env = "TECHNITIUM_EXPORTER_LOG_LEVEL",
        value_name = "LEVEL",
        global = true
    )]
    pub log_level: Option<LogLevelArg>,
    /// Log format [default: logfmt]
    #[arg(
        long = "log.format",
        env = "TECHNITIUM_EXPORTER_LOG_FORMAT",
        value_name = "FORMAT",
        global = true
    )]
    pub log_format: Option<LogFormatArg>,

    /// Run against a built-in simulated Technitium server on a random loopback port
    #[arg(long, global = true)]
    pub demo: bool,
    /// Technitium version the demo server imitates
    #[arg(
        long = "demo.version",
        value_name = "VERSION",
        default_value = "15.6",
        global = true
    )]
    pub demo_version: DemoVersionArg,
    /// Number of zones the demo server has
    #[arg(
        long = "demo.zones",
        value_name = "N",
        default_value_t = 40,
        global = true
    )]
    pub demo_zones: usize,
}

/// `--technitium.auth` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthArg {
    /// Bearer header first; fall back to the query parameter once if the server rejects it
    /// (Technitium before v15), and remember which one worked.
    Auto,
    /// Always the `Authorization: Bearer` header (v15+).
    Header,
    /// Always the `token` query parameter (before v15; the token then appears in the server's
    /// request URLs).
    Query,
}

/// `--log.level` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(missing_docs)]
pub enum LogLevelArg {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

/// `--log.format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormatArg {
    /// `key=value` lines.
    Logfmt,
    /// One JSON object per line.
    Json,
}

/// Versions the demo server can imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum DemoVersionArg {
    /// v13.6: query-string token only, no cluster, no lifetime counters.
    #[value(name = "13.6")]
    V13_6,
    /// v14.3: cluster, still query-string token only.
    #[value(name = "14.3")]
    V14_3,
    /// v15.2: Bearer header, lifetime counters.
    #[value(name = "15.2")]
    V15_2,
    /// v15.6: health check, /api/status, node versions in the node list.
    #[default]
    #[value(name = "15.6")]
    V15_6,
}

/// `scrape` output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScrapeFormat {
    /// Prometheus text format 0.0.4.
    Text,
    /// OpenMetrics 1.0.
    Openmetrics,
    /// The families as JSON.
    Json,
    /// A table for people.
    Table,
}

/// `scrape` options.
#[derive(Debug, Clone, Args)]
pub struct ScrapeArgs {
    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: ScrapeFormat,
    /// Same as --format table
    #[arg(long, conflicts_with = "format")]
    pub table: bool,
    /// Keep the derived counters (counters collector) in this file between runs; without it they are not emitted
    #[arg(
        long = "state.file",
        env = "TECHNITIUM_EXPORTER_STATE_FILE",
        value_name = "PATH"
    )]
    pub state_file: Option<PathBuf>,
}

/// `textfile` options.
#[derive(Debug, Clone, Args)]
pub struct TextfileArgs {
    /// Directory node_exporter's textfile collector reads [default: /var/lib/prometheus/node-exporter]
    #[arg(
        long = "output.dir",
        env = "TECHNITIUM_EXPORTER_OUTPUT_DIR",
        value_name = "DIR"
    )]
    pub output_dir: Option<PathBuf>,
    /// File name, a bare name ending in .prom [default: technitium.prom]
    #[arg(
        long = "output.file",
        env = "TECHNITIUM_EXPORTER_OUTPUT_FILE",
        value_name = "NAME"
    )]
    pub output_file: Option<String>,
    /// Exit 1 when the server is down (the file is still written)
    #[arg(long = "fail-on-down")]
    pub fail_on_down: bool,
    /// Keep the derived counters (counters collector) in this file between runs; without it they are not emitted
    #[arg(
        long = "state.file",
        env = "TECHNITIUM_EXPORTER_STATE_FILE",
        value_name = "PATH"
    )]
    pub state_file: Option<PathBuf>,
}

/// `check` output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// A table for people.
    Table,
    /// JSON for scripts.
    Json,
}

/// `check` options.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "table")]
    pub format: CheckFormat,
}

/// `serve` options.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on, repeatable; Go-style ":9274" means every interface [default: :9274]
    #[arg(
        long = "web.listen-address",
        env = "TECHNITIUM_EXPORTER_WEB_LISTEN_ADDRESS",
        value_name = "ADDR",
        value_delimiter = ','
    )]
    pub listen_address: Option<Vec<String>>,
    /// Path of the exporter's metrics [default: /metrics]
    #[arg(
        long = "web.telemetry-path",
        env = "TECHNITIUM_EXPORTER_WEB_TELEMETRY_PATH",
        value_name = "PATH"
    )]
    pub telemetry_path: Option<String>,
    /// The exporter's URL as Prometheus reaches it (a reverse proxy's, say), for the addresses
    /// /sd hands out; unset, /sd uses the request's Host header and the listener's scheme
    #[arg(
        long = "web.external-url",
        env = "TECHNITIUM_EXPORTER_WEB_EXTERNAL_URL",
        value_name = "URL"
    )]
    pub external_url: Option<String>,
}

/// The collector flags, generated from the collector registry.
#[derive(Debug, Clone, Default)]
pub struct CollectorArgs {
    /// `--collector.disable-defaults`.
    pub disable_defaults: Option<bool>,
    /// What was given per collector, in registry order (collectors with nothing given are
    /// absent).
    pub collectors: Vec<CollectorFlags>,
}

/// What the command line and environment say about one collector.
#[derive(Debug, Clone)]
pub struct CollectorFlags {
    /// The collector.
    pub name: &'static str,
    /// `--collector.NAME` (or its variable), overridden by `--no-collector.NAME`.
    pub enabled: Option<bool>,
    /// `--collector.NAME.min-interval`.
    pub min_interval: Option<Given>,
    /// `--collector.NAME.KEY` values.
    pub options: Vec<(&'static str, Given)>,
}

const COLLECTORS: &str = "Collectors";

/// The environment variable of a `TECHNITIUM_EXPORTER_` flag.
#[must_use]
pub fn env_name(flag: &str) -> String {
    format!(
        "TECHNITIUM_EXPORTER_{}",
        flag.to_ascii_uppercase().replace(['.', '-'], "_")
    )
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

fn switch_args(spec: &Spec) -> [Arg; 3] {
    let flag = format!("collector.{}", spec.name);
    let interval = format!("{flag}.min-interval");
    [
        Arg::new(flag.clone())
            .long(flag.clone())
            .env(env_name(&flag))
            .value_name("BOOL")
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("true")
            .value_parser(clap::value_parser!(bool))
            .help(format!("{} [default: {}]", spec.help, on_off(spec.default_enabled))),
        Arg::new(format!("no-{flag}"))
            .long(format!("no-{flag}"))
            .action(ArgAction::SetTrue)
            .help(format!("Disable the {} collector", spec.name)),
        Arg::new(interval.clone())
            .long(interval.clone())
            .env(env_name(&interval))
            .value_name("DURATION")
            .help(format!(
                "Reuse this collector's data while younger than this (serve; 0 = fresh every scrape) [default: {}]",
                humantime::format_duration(spec.default_min_interval)
            )),
    ]
}

fn option_arg(spec: &Spec, opt: &OptSpec) -> Arg {
    let flag = format!("collector.{}.{}", spec.name, opt.key);
    let help = if opt.default.is_empty() {
        opt.help.to_owned()
    } else {
        format!("{} [default: {}]", opt.help, opt.default)
    };
    let arg = Arg::new(flag.clone())
        .long(flag.clone())
        .env(env_name(&flag))
        .value_name(opt.value_name)
        .value_parser(ValueParser::string())
        .help(help);
    match opt.kind {
        OptKind::List => arg.action(ArgAction::Append).value_delimiter(','),
        OptKind::Bool => arg
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("true"),
        OptKind::Count | OptKind::Text | OptKind::Regex | OptKind::Duration => arg,
    }
}

impl Args for CollectorArgs {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        for spec in collector::specs() {
            for arg in switch_args(spec) {
                cmd = cmd.arg(arg.global(true).help_heading(COLLECTORS));
            }
            for opt in spec.options {
                cmd = cmd.arg(option_arg(spec, opt).global(true).help_heading(COLLECTORS));
            }
        }
        let flag = "collector.disable-defaults";
        cmd.arg(
            Arg::new(flag)
                .long(flag)
                .env(env_name(flag))
                .value_name("BOOL")
                .num_args(0..=1)
                .require_equals(true)
                .default_missing_value("true")
                .value_parser(clap::value_parser!(bool))
                .global(true)
                .help_heading(COLLECTORS)
                .help("Turn every optional collector off (then enable the ones you want)"),
        )
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// Where a value came from: the flag, or its environment variable.
fn origin(m: &ArgMatches, id: &str) -> String {
    match m.value_source(id) {
        Some(ValueSource::EnvVariable) => env_name(id),
        _ => format!("--{id}"),
    }
}

fn given(m: &ArgMatches, id: &str) -> Option<Given> {
    let values: Vec<String> = m.get_many::<String>(id)?.cloned().collect();
    Some(Given {
        values,
        origin: origin(m, id),
    })
}

fn flags_of(m: &ArgMatches, spec: &Spec) -> Result<CollectorFlags, clap::Error> {
    let flag = format!("collector.{}", spec.name);
    let on = m.get_one::<bool>(&flag).copied();
    let off = m.get_flag(&format!("no-{flag}"));
    if off && on.is_some() && m.value_source(&flag) == Some(ValueSource::CommandLine) {
        return Err(clap::Error::raw(
            ErrorKind::ArgumentConflict,
            format!("--{flag} and --no-{flag} are both given: keep one\n"),
        ));
    }
    let options = spec
        .options
        .iter()
        .filter_map(|o| Some((o.key, given(m, &format!("{flag}.{}", o.key))?)))
        .collect();
    Ok(CollectorFlags {
        name: spec.name,
        enabled: if off { Some(false) } else { on },
        min_interval: given(m, &format!("{flag}.min-interval")),
        options,
    })
}

impl FromArgMatches for CollectorArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut collectors = Vec::new();
        for spec in collector::specs() {
            let flags = flags_of(m, spec)?;
            if flags.enabled.is_some() || flags.min_interval.is_some() || !flags.options.is_empty()
            {
                collectors.push(flags);
            }
        }
        Ok(Self {
            disable_defaults: m.get_one::<bool>("collector.disable-defaults").copied(),
            collectors,
        })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn env_names_follow_the_rule() {
        assert_eq!(
            super::env_name("collector.zones.limit"),
            "TECHNITIUM_EXPORTER_COLLECTOR_ZONES_LIMIT"
        );
        assert_eq!(
            super::env_name("collector.top.reverse-lookup"),
            "TECHNITIUM_EXPORTER_COLLECTOR_TOP_REVERSE_LOOKUP"
        );
    }
}
