//! The targets `serve` scrapes: the default one (`/metrics`), the named `[targets.NAME]`
//! (`/probe?target=NAME`) and the URL targets of `[modules.NAME]`
//! (`/probe?target=URL&module=NAME`), each with its own collector and coalescing state. The
//! whole set is replaced on SIGHUP.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::coalesce::ServedTarget;
use super::fleet::Fleet;
use super::kit::{Previous, TargetKit};
use super::metrics::observer;
use crate::collector::{Options, Scraper, TargetInfo, lock};
use crate::config::{Config, ConfigError, ModuleConfig, parse_url};
use crate::technitium::{Client, ClientConfig};
use crate::technitium::{display_base, http_client};

/// The name of the `/metrics` target in self-metric labels.
pub(super) const DEFAULT_TARGET: &str = "default";
/// Most URL targets kept at once (their clients and auth state); the set is cleared when full.
const URL_TARGET_LIMIT: usize = 256;

/// A `[modules.NAME]` with the HTTP client of its TLS profile.
#[derive(Debug)]
struct Module {
    config: ModuleConfig,
    http: reqwest::Client,
}

/// The configured targets.
#[derive(Debug)]
pub(super) struct Targets {
    pub(super) default: Arc<ServedTarget>,
    pub(super) named: HashMap<String, Arc<ServedTarget>>,
    /// The clusters of the named targets with `per_node` on.
    pub(super) fleets: HashMap<String, Arc<Fleet>>,
    modules: HashMap<String, Module>,
    /// URL targets seen through modules, by (module, base URL).
    by_url: Mutex<HashMap<(String, String), Arc<ServedTarget>>>,
    kit: TargetKit,
}

/// One `reqwest::Client` per distinct TLS profile (CA file, verification on or off), shared by
/// every target that uses it.
#[derive(Default)]
struct Profiles(HashMap<(Option<PathBuf>, bool), reqwest::Client>);

impl Profiles {
    fn http(
        &mut self,
        what: &str,
        ca_file: Option<&Path>,
        insecure_skip_verify: bool,
    ) -> Result<reqwest::Client, ConfigError> {
        if insecure_skip_verify {
            tracing::warn!(target_name = %what, "TLS certificate verification is OFF: anyone on the path can read this target's token");
        }
        let key = (ca_file.map(Path::to_path_buf), insecure_skip_verify);
        if let Some(c) = self.0.get(&key) {
            return Ok(c.clone());
        }
        let c = http_client(ca_file, insecure_skip_verify)
            .map_err(|e| ConfigError::one(format!("{what}: {e}")))?;
        self.0.insert(key, c.clone());
        Ok(c)
    }
}

fn target(
    name: &str,
    http: reqwest::Client,
    cfg: &ClientConfig,
    options: &Options,
    kit: &TargetKit,
    on_demand: bool,
) -> Arc<ServedTarget> {
    let client = Client::with_http(http, cfg)
        .with_observer(observer(name, None, &kit.metrics))
        .with_budget(kit.budget.clone())
        .with_log_name(name, None);
    let mut collector = Scraper::with_target(client, options.clone(), TargetInfo::of(cfg));
    // A reload keeps a target's per-collector state (derived counters go on counting) when it
    // still watches the same server.
    let before = kit.previous.as_ref().and_then(|p| p.targets.get(name));
    if let Some(before) = before {
        collector.adopt_states(&before.collector);
    }
    collector.start_background(on_demand);
    let served = ServedTarget::new(name, collector);
    if let Some(before) = before {
        served.inherit_last(before);
    }
    served
}

impl Targets {
    /// The default and named targets by name (the default one as `default`).
    pub(super) fn by_name(&self) -> HashMap<String, Arc<ServedTarget>> {
        let mut all = self.named.clone();
        all.insert(DEFAULT_TARGET.to_owned(), Arc::clone(&self.default));
        all
    }

    /// The running targets and node collectors, for a reload to take their state over.
    pub(super) fn previous(&self) -> Previous {
        Previous {
            targets: self.by_name(),
            nodes: self
                .fleets
                .iter()
                .map(|(name, fleet)| (name.clone(), fleet.node_targets()))
                .collect(),
        }
    }

    /// Every target of `config`, with one HTTP client per TLS profile.
    pub(super) fn build(config: &Config, kit: &TargetKit) -> Result<Self, ConfigError> {
        let mut profiles = Profiles::default();
        let c = &config.client;
        let http = profiles.http(DEFAULT_TARGET, c.ca_file.as_deref(), c.insecure_skip_verify)?;
        let default = target(
            DEFAULT_TARGET,
            http,
            &config.client,
            &config.options,
            kit,
            false,
        );
        let mut named = HashMap::new();
        let mut fleets = HashMap::new();
        for t in &config.targets {
            let c = &t.client;
            let http = profiles.http(&t.name, c.ca_file.as_deref(), c.insecure_skip_verify)?;
            let plain = target(&t.name, http.clone(), &t.client, &t.options, kit, false);
            if t.per_node {
                let fleet = Fleet::new(t, Arc::clone(&plain), http, kit);
                fleets.insert(t.name.clone(), Arc::new(fleet));
            }
            named.insert(t.name.clone(), plain);
        }
        let mut modules = HashMap::new();
        for m in &config.modules {
            let c = &m.client;
            let http = profiles.http(&m.name, c.ca_file.as_deref(), c.insecure_skip_verify)?;
            let config = m.clone();
            modules.insert(m.name.clone(), Module { config, http });
        }
        Ok(Self {
            default,
            named,
            fleets,
            modules,
            by_url: Mutex::new(HashMap::new()),
            kit: kit.settled(),
        })
    }

    /// The target for `/probe?target=URL&module=NAME`, or why there is none (for a 400).
    pub(super) fn url_target(
        &self,
        module: &str,
        url: &str,
    ) -> Result<Arc<ServedTarget>, UrlTargetError> {
        let Some(m) = self.modules.get(module) else {
            return Err(UrlTargetError::UnknownModule(truncate(module)));
        };
        if !m.config.allow_url_targets {
            return Err(UrlTargetError::NotAllowed(truncate(module)));
        }
        let url = parse_url(url, "target").map_err(UrlTargetError::BadUrl)?;
        let key = (module.to_owned(), display_base(&url));
        let mut by_url = lock(&self.by_url);
        if let Some(t) = by_url.get(&key) {
            return Ok(Arc::clone(t));
        }
        if by_url.len() >= URL_TARGET_LIMIT {
            by_url.clear();
        }
        let config = m.config.client.for_url(url);
        let t = target(
            module,
            m.http.clone(),
            &config,
            &m.config.options,
            &self.kit,
            true,
        );
        by_url.insert(key, Arc::clone(&t));
        Ok(t)
    }
}

/// Why `/probe?target=URL&module=NAME` has no target (the caller's text cut to 64 characters).
#[derive(Debug, thiserror::Error)]
pub(super) enum UrlTargetError {
    /// No `[modules.NAME]` of that name.
    #[error("unknown module {0:?}: modules come from [modules.NAME] in the config file")]
    UnknownModule(String),
    /// The module does not set `allow_url_targets = true`.
    #[error("module {0:?} does not allow URL targets (allow_url_targets = true)")]
    NotAllowed(String),
    /// The target is not a usable base URL.
    #[error("{0}")]
    BadUrl(ConfigError),
}

/// At most 64 characters of a caller's text, for messages.
pub(super) fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}
