//! What the modes read: the validated [`Config`] and its parts. Nothing here parses or checks;
//! the builders in the sibling files fill these in.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::file::FileWeb;
use crate::collector::Options;
use crate::logging;
use crate::technitium::{AuthMode, ClientConfig, Secret};
use crate::web::{BasicAuth, TlsListener};

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
    /// Upstream settings: every one but the URL, which each probe names.
    pub client: ClientTemplate,
    /// What to collect.
    pub options: Options,
}

/// Upstream settings without a URL: a module's, which each `/probe?target=URL` completes with
/// the URL it names.
#[derive(Debug, Clone)]
pub struct ClientTemplate {
    /// The module's own token (the default token never goes to a host a caller chose).
    pub token: Option<Secret>,
    /// How the token is sent.
    pub auth: AuthMode,
    /// Limit for one request.
    pub timeout: Duration,
    /// Largest accepted response body in bytes.
    pub max_response_size: u64,
    /// Extra CA bundle (PEM) to trust.
    pub ca_file: Option<PathBuf>,
    /// The CA (PEM) of `--demo`'s DNS listeners, when the probes go there (the default
    /// target's).
    pub extra_ca_pem: Option<Arc<str>>,
    /// Accept any certificate.
    pub insecure_skip_verify: bool,
}

impl ClientTemplate {
    /// The settings of a client for `url`.
    #[must_use]
    pub fn for_url(&self, url: Url) -> ClientConfig {
        ClientConfig {
            url,
            token: self.token.clone(),
            auth: self.auth,
            timeout: self.timeout,
            max_response_size: self.max_response_size,
            ca_file: self.ca_file.clone(),
            extra_ca_pem: self.extra_ca_pem.clone(),
            insecure_skip_verify: self.insecure_skip_verify,
        }
    }
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
