//! The one dispatch: builds the configuration, the client and the collector once, then runs the
//! chosen mode. This is the only place that maps the command line's per-invocation choices
//! (output formats, `--fail-on-down`, `--demo`) onto each mode's own options.

use clap::ArgMatches;

use crate::cli::{CheckFormat, Cli, Command, DemoVersionArg, ScrapeFormat};
use crate::collector::{Scraper, TargetInfo};
use crate::config::{Config, DemoLayer};
use crate::demo::{self, DemoVersion, RunningDemo};
use crate::exit::{Exit, Fatal};
use crate::technitium::{Client, display_base};
use crate::{check, logging, scrape, serve, textfile};

fn demo_version(v: DemoVersionArg) -> DemoVersion {
    match v {
        DemoVersionArg::V13_6 => DemoVersion::V13_6,
        DemoVersionArg::V14_3 => DemoVersion::V14_3,
        DemoVersionArg::V15_2 => DemoVersion::V15_2,
        DemoVersionArg::V15_6 => DemoVersion::V15_6,
    }
}

/// Runs the command line. `matches` lets the configuration tell flags from environment values.
///
/// # Errors
/// What kept the mode from doing its job at all; `main` prints it once.
pub async fn run(cli: Cli, matches: &ArgMatches) -> Result<Exit, Fatal> {
    // The demo's server and listeners live for the whole run; its layer is part of every
    // build of the configuration, reloads included.
    let demo = if cli.global.demo {
        let version = demo_version(cli.global.demo_version);
        let started = demo::start_all(version, cli.global.demo_zones).await;
        Some(started.map_err(Fatal::Demo)?)
    } else {
        None
    };
    let layer = demo.as_ref().map(RunningDemo::layer);
    let config = Config::build(&cli, matches, layer.as_ref())?;
    // `check` reports every problem in its own table: the collectors' warnings would repeat
    // it, so unless a level was asked for, it logs errors only.
    let level = match cli.command {
        Command::Check(_) if !config.log.level_given => logging::Level::Error,
        _ => config.log.level,
    };
    logging::init(level, config.log.format);
    if let Some(d) = &demo {
        tracing::info!(url = %d.api.url, "demo Technitium server started");
        // Logged here, not where they start: logging begins only once the configuration is built.
        let r = &d.dns.responder;
        let at =
            |a: Option<std::net::SocketAddr>| a.map_or_else(|| "off".to_owned(), |a| a.to_string());
        tracing::info!(
            udp = %at(r.udp),
            tcp = %at(r.tcp),
            tls = %at(r.tls),
            https = %at(r.https),
            "demo DNS listeners started"
        );
        if config.client.url != d.api.url {
            tracing::warn!(
                "--demo: the default target is {}, as the config file, the environment or a flag says",
                display_base(&config.client.url)
            );
        }
    }
    if config.client.insecure_skip_verify {
        tracing::warn!(
            "TLS certificate verification is OFF for {}: anyone on the path can read the token",
            config.client.url
        );
    }
    dispatch(&cli, config, matches, layer.as_ref()).await
}

/// Runs the mode `cli` names with the built configuration.
async fn dispatch(
    cli: &Cli,
    config: Config,
    matches: &ArgMatches,
    demo: Option<&DemoLayer>,
) -> Result<Exit, Fatal> {
    match &cli.command {
        Command::Serve(_) => {
            // A reload reads files (config, tokens, CA bundles): it runs off the event loop, so
            // it owns what it builds from.
            let (cli, matches, demo) = (cli.clone(), matches.clone(), demo.cloned());
            let reload = std::sync::Arc::new(move || Config::build(&cli, &matches, demo.as_ref()));
            serve::run(config, reload).await
        }
        Command::Scrape(args) => {
            let format = if args.table {
                scrape::Output::Table
            } else {
                scrape_output(args.format)
            };
            scrape::run(&config, &default_scraper(&config)?, format).await
        }
        Command::Textfile(args) => {
            let options = textfile::TextfileOptions {
                fail_on_down: args.fail_on_down,
            };
            textfile::run(&config, &default_scraper(&config)?, options).await
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
