//! The `[targets.NAME]` and `[modules.NAME]` tables: each inherits the default target's
//! settings and overrides what it names.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use url::Url;

use super::error::{ConfigError, Problems};
use super::file::{self, FileConfig, FileTarget};
use super::model::{ClientTemplate, ModuleConfig, TargetConfig};
use super::token::read_token_file;
use super::values::{duration_setting, parse_url, valid_node_name, valid_target_name};
use crate::collector::Options;
use crate::technitium::{ClientConfig, Secret};

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
pub(super) fn build_modules(
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
        modules.push(ModuleConfig {
            name: name.clone(),
            allow_url_targets: m.allow_url_targets,
            client: ClientTemplate {
                token,
                auth: m.auth.unwrap_or_default(),
                timeout: timeout_or(m.timeout.as_ref(), default.timeout, &what, problems),
                max_response_size: default.max_response_size,
                ca_file: m.ca_file.clone(),
                extra_ca_pem: default.extra_ca_pem.clone(),
                insecure_skip_verify: m.insecure_skip_verify.unwrap_or(false),
            },
            options: apply_switches(options, m.collector.as_ref(), &what, problems),
        });
    }
    modules
}

/// The `[targets.NAME]` tables; a target without its own token uses the default one.
pub(super) fn build_targets(
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
                    extra_ca_pem: default.extra_ca_pem.clone(),
                    insecure_skip_verify: target.insecure_skip_verify.unwrap_or(false),
                },
                options,
            });
        }
    }
    targets
}
