//! `serve`: the HTTP exporter.
//!
//! Every scrape goes through the same collector and renderer as `scrape`. The parts:
//! - [`routes`]: `/metrics` (the telemetry path), `/probe`, `/`, `/-/healthy`, `/-/ready`;
//! - [`targets`]: the default, named and URL targets, one HTTP client per TLS profile;
//! - [`coalesce`]: concurrent scrapes of one target share one upstream fetch;
//! - [`fleet`]: the node lists of clustered targets and one collector per node;
//! - [`kit`]: what every target is built with, and what a reload hands over;
//! - [`status`]: the status part of `/` (the targets' last scrapes, from [`seen`]);
//! - [`debug`]: `debug=true`, one scrape with every upstream call it made;
//! - [`sd`]: `/sd`, Prometheus HTTP service discovery;
//! - [`negotiate`]: the exposition format a scrape's `Accept` header asks for (protobuf too);
//! - [`response`]: whole, gzip and streamed exposition bodies;
//! - [`metrics`]: the exporter's own metrics;
//! - [`listener`]: binding, accept loop, connection limits and timeouts, graceful drain;
//! - [`reload`]: SIGHUP re-reads the configuration.

mod coalesce;
mod debug;
mod fleet;
mod kit;
mod listener;
mod metrics;
mod negotiate;
mod reload;
mod response;
mod routes;
mod sd;
mod seen;
mod status;
mod targets;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::config::Config;
use crate::exit::{Exit, Fatal};
use crate::technitium::ResponseBudget;
pub use routes::scrape_timeout;

/// Runs `serve` until SIGINT or SIGTERM. `reload` rebuilds the configuration on SIGHUP.
///
/// # Errors
/// When the exporter cannot start: a target's TLS settings, an address it cannot listen on.
pub async fn run(config: Config, reload: reload::Reload) -> Result<Exit, Fatal> {
    let metrics = Arc::new(metrics::SelfMetrics::new()?);
    if config.client.token.is_none() {
        tracing::warn!(
            "no API token configured: every scrape reports technitium_up 0 (reason invalid_token) until one is set with --technitium.token-file, TECHNITIUM_TOKEN_FILE or the systemd credential technitium-token, followed by a reload"
        );
    }
    // One memory budget for every target's responses: concurrent scrapes of many targets
    // cannot hold more response bytes than it at once.
    let kit = kit::TargetKit {
        metrics: Arc::clone(&metrics),
        budget: ResponseBudget::for_responses_of(config.client.max_response_size),
        previous: None,
    };
    let targets = targets::Targets::build(&config, &kit)?;
    let listeners = listener::bind_all(&config.web.listen_addresses).await?;
    let state = Arc::new(routes::ServeState {
        targets: RwLock::new(Arc::new(targets)),
        kit,
        metrics,
        telemetry_path: config.web.telemetry_path.clone(),
        max_timeout: config.client.timeout,
        auth: config.web.basic_auth.clone(),
        external_url: config.web.external_url.clone(),
        tls: config.web.tls.is_some(),
    });
    for l in &listeners {
        if let Ok(addr) = l.local_addr() {
            tracing::info!(address = %addr, tls = config.web.tls.is_some(), basic_auth = state.auth.is_some(), "listening");
        }
    }
    let idle = (config.client.timeout * 2).max(Duration::from_secs(60));
    let server = listener::Server::start(listeners, &state, config.web.tls.clone(), idle);
    let drain = config.client.timeout + Duration::from_secs(5);
    let stopping = server.stopping();
    tokio::select! {
        () = listener::shutdown_signal() => {}
        () = reload::watch_sighup(state, config, reload, stopping) => {}
    }
    server.drain(drain).await;
    Ok(Exit::Ok)
}
