//! Command-line interface: every flag, its environment variable and its help text.
//!
//! Layered options are `Option`s here so `config.rs` can tell "not given" from "given": the
//! order is defaults < config file < environment < flags. Defaults are applied in `config.rs`
//! and shown in the help text. Environment rule: `--technitium.X` ↔ `TECHNITIUM_X`; every other
//! flag ↔ `TECHNITIUM_EXPORTER_` + the flag upper-cased with `.` and `-` as `_`; repeatable flags
//! take comma-separated values there.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::technitium::{AuthMode, Window};

/// Prometheus exporter for Technitium DNS Server.
///
/// Exit codes: 0 ok; 1 target down or token rejected (scrape, check), file not written
/// (textfile); 2 usage or configuration error; 3 check: degraded.
#[derive(Debug, Parser)]
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
#[derive(Debug, Subcommand)]
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
#[derive(Debug, Args, Default)]
#[allow(clippy::struct_excessive_bools)]
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
    pub token: Option<String>,
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
    pub auth: Option<AuthMode>,
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
          num_args = 0..=1, default_missing_value = "true", global = true)]
    pub insecure_skip_verify: Option<bool>,

    /// TOML configuration file (see the README)
    #[arg(
        long = "config.file",
        env = "TECHNITIUM_EXPORTER_CONFIG_FILE",
        value_name = "PATH",
        global = true
    )]
    pub config_file: Option<PathBuf>,

    /// Collector switches.
    #[command(flatten)]
    pub collectors: CollectorArgs,

    /// Log level: trace, debug, info, warn, error (RUST_LOG overrides) [default: info]
    #[arg(
        long = "log.level",
        env = "TECHNITIUM_EXPORTER_LOG_LEVEL",
        value_name = "LEVEL",
        global = true
    )]
    pub log_level: Option<LogLevel>,
    /// Log format [default: logfmt]
    #[arg(
        long = "log.format",
        env = "TECHNITIUM_EXPORTER_LOG_FORMAT",
        value_name = "FORMAT",
        global = true
    )]
    pub log_format: Option<LogFormat>,

    /// Run against a built-in simulated Technitium server on a random loopback port
    #[arg(long, global = true)]
    pub demo: bool,
    /// Technitium version the demo server imitates
    #[arg(
        long = "demo.version",
        value_name = "VERSION",
        default_value = "15.2",
        global = true
    )]
    pub demo_version: DemoVersion,
    /// Number of zones the demo server has
    #[arg(
        long = "demo.zones",
        value_name = "N",
        default_value_t = 40,
        global = true
    )]
    pub demo_zones: usize,
}

macro_rules! collector_flags {
    ($( $field:ident, $no_field:ident, $interval:ident, $flag:literal, $no_flag:literal, $env:literal, $help:literal, $no_help:literal; )*) => {
        /// `--collector.NAME` / `--no-collector.NAME` for each optional collector.
        #[derive(Debug, Args, Default)]
        #[allow(clippy::struct_excessive_bools)]
        pub struct CollectorArgs {
            $(
                #[doc = $help]
                #[arg(long = $flag, env = $env, value_name = "BOOL", num_args = 0..=1,
                      default_missing_value = "true", global = true, help_heading = "Collectors")]
                pub $field: Option<bool>,
                #[doc = $no_help]
                #[arg(long = $no_flag, global = true, help_heading = "Collectors")]
                pub $no_field: bool,
                #[doc = "Reuse this collector's data while younger than this (serve; 0 = fresh every scrape) [default: 0s]"]
                #[arg(long = concat!($flag, ".min-interval"), env = concat!($env, "_MIN_INTERVAL"),
                      value_name = "DURATION", global = true, help_heading = "Collectors")]
                pub $interval: Option<String>,
            )*
            /// Turn every optional collector off (then enable the ones you want)
            #[arg(long = "collector.disable-defaults", env = "TECHNITIUM_EXPORTER_COLLECTOR_DISABLE_DEFAULTS",
                  value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", global = true,
                  help_heading = "Collectors")]
            pub disable_defaults: Option<bool>,
            /// Dashboard windows, repeatable: last_hour, last_day, last_week, last_month, last_year [default: last_hour]
            #[arg(long = "collector.dashboard.window", env = "TECHNITIUM_EXPORTER_COLLECTOR_DASHBOARD_WINDOW",
                  value_name = "WINDOW", value_delimiter = ',', global = true, help_heading = "Collectors")]
            pub dashboard_window: Option<Vec<Window>>,
            /// Rows per top list (top collector) [default: 10]
            #[arg(long = "collector.top.limit", env = "TECHNITIUM_EXPORTER_COLLECTOR_TOP_LIMIT",
                  value_name = "N", global = true, help_heading = "Collectors")]
            pub top_limit: Option<usize>,
            /// Let the server resolve client names for top clients (slow) [default: false]
            #[arg(long = "collector.top.reverse-lookup", env = "TECHNITIUM_EXPORTER_COLLECTOR_TOP_REVERSE_LOOKUP",
                  value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", global = true,
                  help_heading = "Collectors")]
            pub top_reverse_lookup: Option<bool>,
            /// Only zones whose name matches this regex get per-zone series [default: all]
            #[arg(long = "collector.zones.include", env = "TECHNITIUM_EXPORTER_COLLECTOR_ZONES_INCLUDE",
                  value_name = "REGEX", global = true, help_heading = "Collectors")]
            pub zones_include: Option<String>,
            /// Zones whose name matches this regex get no per-zone series [default: none]
            #[arg(long = "collector.zones.exclude", env = "TECHNITIUM_EXPORTER_COLLECTOR_ZONES_EXCLUDE",
                  value_name = "REGEX", global = true, help_heading = "Collectors")]
            pub zones_exclude: Option<String>,
            /// Drop all per-zone series when more zones match (0 = no limit) [default: 10000]
            #[arg(long = "collector.zones.limit", env = "TECHNITIUM_EXPORTER_COLLECTOR_ZONES_LIMIT",
                  value_name = "N", global = true, help_heading = "Collectors")]
            pub zones_limit: Option<usize>,
        }

        impl CollectorArgs {
            /// `(name, --collector.NAME value, --no-collector.NAME given, --collector.NAME.min-interval)`
            /// per collector.
            #[must_use]
            pub fn switches(&self) -> Vec<(&'static str, Option<bool>, bool, Option<&str>)> {
                vec![$( (
                    $flag.trim_start_matches("collector."),
                    self.$field,
                    self.$no_field,
                    self.$interval.as_deref(),
                ), )*]
            }
        }
    };
}

collector_flags! {
    lifetime, no_lifetime, lifetime_min_interval, "collector.lifetime", "no-collector.lifetime", "TECHNITIUM_EXPORTER_COLLECTOR_LIFETIME",
        "Lifetime counters from v15+ servers [default: on]", "Disable the lifetime collector";
    dashboard, no_dashboard, dashboard_min_interval, "collector.dashboard", "no-collector.dashboard", "TECHNITIUM_EXPORTER_COLLECTOR_DASHBOARD",
        "Dashboard window and live gauges [default: on]", "Disable the dashboard collector";
    zones, no_zones, zones_min_interval, "collector.zones", "no-collector.zones", "TECHNITIUM_EXPORTER_COLLECTOR_ZONES",
        "Per-zone health [default: on]", "Disable the zones collector";
    dhcp, no_dhcp, dhcp_min_interval, "collector.dhcp", "no-collector.dhcp", "TECHNITIUM_EXPORTER_COLLECTOR_DHCP",
        "DHCP scopes and leases [default: on]", "Disable the dhcp collector";
    cluster, no_cluster, cluster_min_interval, "collector.cluster", "no-collector.cluster", "TECHNITIUM_EXPORTER_COLLECTOR_CLUSTER",
        "Cluster nodes, from the session (v14+) [default: on]", "Disable the cluster collector";
    top, no_top, top_min_interval, "collector.top", "no-collector.top", "TECHNITIUM_EXPORTER_COLLECTOR_TOP",
        "Top clients and domains [default: off]", "Disable the top collector";
    settings, no_settings, settings_min_interval, "collector.settings", "no-collector.settings", "TECHNITIUM_EXPORTER_COLLECTOR_SETTINGS",
        "Blocking settings (needs Settings: View, which also exposes secrets) [default: off]", "Disable the settings collector";
    update, no_update, update_min_interval, "collector.update", "no-collector.update", "TECHNITIUM_EXPORTER_COLLECTOR_UPDATE",
        "Update availability (the server calls out to check) [default: off]", "Disable the update collector";
}

/// Log levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

/// Log formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// `key=value` lines.
    Logfmt,
    /// One JSON object per line.
    Json,
}

/// Versions the demo server can imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum DemoVersion {
    /// v13.6: query-string token only, no cluster, no lifetime counters.
    #[value(name = "13.6")]
    V13_6,
    /// v14.3: cluster, still query-string token only.
    #[value(name = "14.3")]
    V14_3,
    /// v15.2: Bearer header, lifetime counters.
    #[default]
    #[value(name = "15.2")]
    V15_2,
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
#[derive(Debug, Args)]
pub struct ScrapeArgs {
    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: ScrapeFormat,
    /// Same as --format table
    #[arg(long, conflicts_with = "format")]
    pub table: bool,
}

/// `textfile` options.
#[derive(Debug, Args)]
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
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "table")]
    pub format: CheckFormat,
}

/// `serve` options.
#[derive(Debug, Args)]
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
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
