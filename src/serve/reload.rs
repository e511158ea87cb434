//! SIGHUP: re-read the config file and the token files, and swap the targets in. The files
//! are read (and the targets' clients built, CA bundles read) on a blocking thread, bounded by
//! [`RELOAD_TIMEOUT`]: a FIFO, a device or a hung network mount never stops the routes
//! (`/-/healthy` included) from answering. A bad configuration, or one that could not be read
//! in time, is logged as a failed reload and the old one kept; the outcome is also on
//! `/metrics` (`technitium_exporter_config_last_reload_successful` and the time of the last
//! success). The listener (`[web]`, `--web.*`) is not rebuilt: a changed one is reported as
//! needing a restart.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::routes::ServeState;
use super::targets::Targets;
use crate::config::{Config, ConfigError};

/// Builds a new configuration (the same flags, environment and files as at start).
pub type Reload = Arc<dyn Fn() -> Result<Config, ConfigError> + Send + Sync>;

/// Longest a reload may take to read its files and build its targets; after it the reload
/// counts as failed (each file read is bounded too, by
/// [`crate::technitium::local_file::READ_TIMEOUT`]).
pub const RELOAD_TIMEOUT: Duration = Duration::from_secs(30);

/// Reloads on every SIGHUP until `stop` turns true.
pub(super) async fn watch_sighup(
    state: Arc<ServeState>,
    running: Config,
    reload: Reload,
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
        let built = build(&state, &reload).await;
        apply(&state, &running, built);
    }
}

/// A new configuration and its targets, built on a blocking thread within [`RELOAD_TIMEOUT`].
async fn build(state: &Arc<ServeState>, reload: &Reload) -> Result<(Config, Targets), ConfigError> {
    let kit = super::kit::TargetKit {
        previous: Some(Arc::new(state.targets().previous())),
        ..state.kit.clone()
    };
    let reload = Arc::clone(reload);
    let task = tokio::task::spawn_blocking(move || {
        let new = reload()?;
        Targets::build(&new, &kit).map(|targets| (new, targets))
    });
    match tokio::time::timeout(RELOAD_TIMEOUT, task).await {
        Ok(Ok(built)) => built,
        Ok(Err(e)) => Err(ConfigError::one(format!(
            "the reload stopped unexpectedly ({e}); this is a bug, please report it"
        ))),
        Err(_) => Err(ConfigError::one(format!(
            "reading the configuration took longer than {} s (a file on a hung network mount?)",
            RELOAD_TIMEOUT.as_secs()
        ))),
    }
}

fn apply(state: &ServeState, running: &Config, built: Result<(Config, Targets), ConfigError>) {
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
