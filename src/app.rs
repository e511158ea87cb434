//! The one dispatch: builds the configuration, the client and the collector once, then runs the
//! chosen mode. This is the only place that maps the command line's per-invocation choices
//! (output formats, `--fail-on-down`, `--demo`) onto each mode's own options.

use clap::ArgMatches;

use crate::cli::{CheckFormat, Cli, Command, DemoVersionArg, ScrapeFormat};
use std::sync::Arc;

use crate::collector::dns::Dns;
use crate::collector::{Collect, Given, Options, Scraper, TargetInfo};
use crate::config::{Config, TargetConfig};
use crate::demo::{self, DemoVersion};
use crate::dnsprobe::DnsTarget;
use crate::exit::{Exit, Fatal};
use crate::technitium::Client;
use crate::{check, logging, scrape, serve, textfile};

fn demo_version(v: DemoVersionArg) -> DemoVersion {
    match v {
        DemoVersionArg::V13_6 => DemoVersion::V13_6,
        DemoVersionArg::V14_3 => DemoVersion::V14_3,
        DemoVersionArg::V15_2 => DemoVersion::V15_2,
    }
}

/// Runs the command line. `matches` lets the configuration tell flags from environment values.
///
/// # Errors
/// What kept the mode from doing its job at all; `main` prints it once.
pub async fn run(mut cli: Cli, matches: &ArgMatches) -> Result<Exit, Fatal> {
    // Keep the demo server alive for the whole run.
    let mut _demo = None;
    let mut matches = Some(matches);
    if cli.global.demo {
        let d = demo::start(demo_version(cli.global.demo_version), cli.global.demo_zones)
            .await
            .map_err(Fatal::Demo)?;
        cli.global.url = Some(d.url.to_string());
        cli.global.token = Some(d.token.clone());
        cli.global.token_file = None;
        matches = None;
        _demo = Some(d);
    }
    // Only `serve` has /probe; `check` would walk the same server twice.
    let demo = cli.global.demo && matches!(cli.command, Command::Serve(_));
    let mut config = Config::build(&cli, matches)?;
    // The demo's DNS listeners, when the dns collector is on: the probes go there.
    let demo_dns = match &_demo {
        Some(_) if config.options.is_enabled(Dns::SPEC.name) => Some(DemoDnsTarget::start().await?),
        _ => None,
    };
    config = for_demo(config, demo_dns.as_ref(), demo);
    // `check` reports every problem in its own table: the collectors' warnings would repeat
    // it, so unless a level was asked for, it logs errors only.
    let level = match cli.command {
        Command::Check(_) if !config.log.level_given => logging::Level::Error,
        _ => config.log.level,
    };
    logging::init(level, config.log.format);
    if let Some(d) = &_demo {
        tracing::info!(url = %d.url, "demo Technitium server started");
    }
    if config.client.insecure_skip_verify {
        tracing::warn!(
            "TLS certificate verification is OFF for {}: anyone on the path can read the token",
            config.client.url
        );
    }
    dispatch(&cli, config, matches, demo_dns.as_ref(), demo).await
}

/// Runs the mode `cli` names with the built configuration.
async fn dispatch(
    cli: &Cli,
    config: Config,
    matches: Option<&ArgMatches>,
    demo_dns: Option<&DemoDnsTarget>,
    demo: bool,
) -> Result<Exit, Fatal> {
    match &cli.command {
        Command::Serve(_) => {
            let reload = || Config::build(cli, matches).map(|c| for_demo(c, demo_dns, demo));
            serve::run(config, &reload).await
        }
        Command::Scrape(args) => {
            let format = if args.table {
                scrape::Output::Table
            } else {
                scrape_output(args.format)
            };
            let scraper = default_scraper(&config)?;
            let state_file = config.state_file.as_deref();
            scraper.load_states(state_file).await;
            let exit = scrape::run(&config, &scraper, format).await;
            scraper.save_states(state_file).await;
            exit
        }
        Command::Textfile(args) => {
            let options = textfile::TextfileOptions {
                fail_on_down: args.fail_on_down,
            };
            let scraper = default_scraper(&config)?;
            let state_file = config.state_file.as_deref();
            scraper.load_states(state_file).await;
            let exit = textfile::run(&config, &scraper, options).await;
            scraper.save_states(state_file).await;
            exit
        }
        Command::Check(args) => {
            let format = match args.format {
                CheckFormat::Table => check::ReportFormat::Table,
                CheckFormat::Json => check::ReportFormat::Json,
            };
            check::run(&config, &default_scraper(&config)?, format).await
        }
    }
}

fn scrape_output(f: ScrapeFormat) -> scrape::Output {
    match f {
        ScrapeFormat::Text => scrape::Output::Text,
        ScrapeFormat::Openmetrics => scrape::Output::OpenMetrics,
        ScrapeFormat::Json => scrape::Output::Json,
        ScrapeFormat::Table => scrape::Output::Table,
    }
}

/// The scraper of the default target.
fn default_scraper(config: &Config) -> Result<Scraper, Fatal> {
    let client = Client::new(&config.client)?;
    Ok(Scraper::with_target(
        client,
        config.options.clone(),
        TargetInfo::of(&config.client),
    ))
}

/// The demo's DNS listeners and a probe target that trusts their certificate.
struct DemoDnsTarget {
    dns: demo::DemoDns,
    target: Arc<DnsTarget>,
}

impl DemoDnsTarget {
    async fn start() -> Result<Self, Fatal> {
        let dns = demo::start_dns().await.map_err(Fatal::Demo)?;
        let target = dns
            .target()
            .map_err(|e| Fatal::Demo(std::io::Error::other(e)))?;
        Ok(Self {
            dns,
            target: Arc::new(target),
        })
    }

    /// Points `options`' DNS probes at the demo (every transport it has and its blocked name,
    /// unless those were given), except when an address was given.
    fn apply(&self, options: &mut Options) {
        if options.is_given(Dns::SPEC.name, "address") {
            return;
        }
        for (key, value) in [
            ("transports", "udp,tcp,tls,https"),
            ("blocked-name", demo::DEMO_BLOCKED_NAME),
        ] {
            if !options.is_given(Dns::SPEC.name, key) {
                let _ = options.set_option(Dns::SPEC.name, key, Given::one(value, "--demo"));
            }
        }
        options.update_settings::<Dns>(|s| {
            self.dns.apply(s);
            s.target = Some(Arc::clone(&self.target));
        });
    }
}

/// The configuration as `--demo` adjusts it: its DNS listeners (when probed) and its target.
fn for_demo(config: Config, demo_dns: Option<&DemoDnsTarget>, demo: bool) -> Config {
    with_demo_target(with_demo_dns(config, demo_dns), demo)
}

/// With `--demo` and the dns collector, every target's probes go to the demo's listeners.
fn with_demo_dns(mut config: Config, demo_dns: Option<&DemoDnsTarget>) -> Config {
    if let Some(d) = demo_dns {
        d.apply(&mut config.options);
        for t in &mut config.targets {
            d.apply(&mut t.options);
        }
    }
    config
}

/// With `--demo`, the demo server is also the `/probe?target=demo` target, so every route can be
/// tried without a config file.
fn with_demo_target(mut config: Config, demo: bool) -> Config {
    if demo && !config.targets.iter().any(|t| t.name == "demo") {
        let demo = TargetConfig::new("demo", config.client.clone(), config.options.clone());
        config.targets.push(demo);
    }
    config
}
