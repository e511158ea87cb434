//! `--demo` as one layer of the configuration, between the defaults and the config file: the
//! demo server's URL and token, its listeners as a collector's defaults with the CA their
//! certificate chains to, and (in `serve`) the `/probe?target=demo` target. The demo fills a
//! [`DemoLayer`] in; [`super::Config::build`] applies it once, where the defaults are, so the
//! config file, the environment and the flags still set every value, and a reload applies it
//! the same way.

use std::sync::Arc;

use url::Url;

use crate::technitium::Secret;

/// The name of the `/probe` target `serve --demo` adds (unless the config file has one).
pub const DEMO_TARGET: &str = "demo";

/// What `--demo` gives, below the config file, the environment and the flags.
#[derive(Debug, Clone)]
pub struct DemoLayer {
    /// The demo server's URL: the default target's, unless a higher layer gives one.
    pub url: Url,
    /// Its token: the default target's, unless a higher layer gives one (before the systemd
    /// credential).
    pub token: Secret,
    /// Collector defaults aimed at the demo's listeners.
    pub presets: Vec<Preset>,
}

/// One collector's option values from the demo, below the config file's, the environment's
/// and the flags' (key by key).
#[derive(Debug, Clone)]
pub struct Preset {
    /// The collector's name.
    pub collector: &'static str,
    /// The option that aims the collector at a server: when a higher layer gives it, the
    /// collector is aimed elsewhere and none of the preset applies, its CA included.
    pub aim: &'static str,
    /// Option values by key.
    pub values: Vec<(&'static str, String)>,
    /// The CA (PEM) the listeners' certificates chain to: while the preset applies, every
    /// target's probes trust it (`ClientConfig::extra_ca_pem`).
    pub ca_pem: Option<Arc<str>>,
}

/// Where the demo's values come from, in option errors.
pub(super) const ORIGIN: &str = "--demo";
