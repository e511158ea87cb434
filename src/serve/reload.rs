//! SIGHUP: re-read the config file and the token files, and swap the targets in. A bad
//! configuration is logged as a failed reload and the old one kept; the outcome is also on
//! `/metrics` (`technitium_exporter_config_last_reload_successful` and the time of the last
//! success). The listener (`[web]`, `--web.*`) is not rebuilt: a changed one is reported as
//! needing a restart.

use std::sync::Arc;

use tokio::sync::watch;

use super::routes::ServeState;
use super::targets::Targets;
use crate::config::{Config, ConfigError};

/// Builds a new configuration (the same flags, environment and files as at start).
pub(super) type Reload<'a> = &'a (dyn Fn() -> Result<Config, ConfigError> + Sync);

/// Reloads on every SIGHUP until `stop` turns true.
pub(super) async fn watch_sighup(
    state: Arc<ServeState>,
    running: Config,
    reload: Reload<'_>,
    mut stop: watch::Receiver<bool>,
) {
    let mut hup = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
        Ok(hup) => hup,
        Err(e) => {
            tracing::error!(
                "cannot watch for SIGHUP, so the configuration cannot be reloaded until a restart: {e}"
            );
            // `serve` keeps serving until it is told to stop.
            let _ = stop.changed().await;
            return;
        }
    };
    loop {
        tokio::select! {
            _ = hup.recv() => {}
            _ = stop.changed() => return,
        }
        apply(&state, &running, reload());
    }
}

fn apply(state: &ServeState, running: &Config, new: Result<Config, ConfigError>) {
    let built = new.and_then(|new| {
        let kit = super::kit::TargetKit {
            previous: Some(Arc::new(state.targets().previous())),
            ..state.kit.clone()
        };
        Targets::build(&new, &kit).map(|targets| (new, targets))
    });
    let (new, targets) = match built {
        Ok(built) => built,
        Err(e) => {
            state.metrics.reloaded(false);
            tracing::error!(
                "reload failed, keeping the old configuration: {}",
                e.problems.join("; ")
            );
            return;
        }
    };
    state.set_targets(targets);
    state.metrics.reloaded(true);
    tracing::info!(targets = new.targets.len(), "configuration reloaded");
    if listener_changed(running, &new) {
        tracing::warn!(
            "[web] or --web.* changed: the listener keeps its old settings until a restart"
        );
    }
}

fn listener_changed(running: &Config, new: &Config) -> bool {
    running.web.file != new.web.file
        || running.web.listen_addresses != new.web.listen_addresses
        || running.web.telemetry_path != new.web.telemetry_path
}
