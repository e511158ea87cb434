//! SIGHUP: re-read the config file and the token files, and swap the targets in. A bad
//! configuration is logged as a failed reload and the old one kept. The listener (`[web]`,
//! `--web.*`) is not rebuilt: a changed one is reported as needing a restart.

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
    let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else {
        return;
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
    let new = match new {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(
                "reload failed, keeping the old configuration: {}",
                e.problems.join("; ")
            );
            return;
        }
    };
    let kit = super::kit::TargetKit {
        previous: Some(Arc::new(state.targets().previous())),
        ..state.kit.clone()
    };
    match Targets::build(&new, &kit) {
        Ok(targets) => {
            state.set_targets(targets);
            tracing::info!(targets = new.targets.len(), "configuration reloaded");
            if listener_changed(running, &new) {
                tracing::warn!(
                    "[web] or --web.* changed: the listener keeps its old settings until a restart"
                );
            }
        }
        Err(e) => tracing::error!(
            "reload failed, keeping the old configuration: {}",
            e.problems.join("; ")
        ),
    }
}

fn listener_changed(running: &Config, new: &Config) -> bool {
    running.web.file != new.web.file
        || running.web.listen_addresses != new.web.listen_addresses
        || running.web.telemetry_path != new.web.telemetry_path
}
