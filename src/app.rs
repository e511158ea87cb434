//! The one dispatch: builds the configuration, the client and the collector once, then runs the
//! chosen mode. This is the only place that maps the command line's per-invocation choices
//! (output formats, `--fail-on-down`, `--demo`) onto each mode's own options.

use clap::ArgMatches;

use crate::cli::{CheckFormat, Cli, Command, DemoVersionArg, ScrapeFormat};
use crate::collector::{Collector, TargetInfo};
use crate::config::{Config, TargetConfig};
use crate::demo::{self, DemoVersion};
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
        cli.global.token = Some(d.token.expose().to_owned());
        cli.global.token_file = None;
        matches = None;
        _demo = Some(d);
    }
    // Only `serve` has /probe; `check` would walk the same server twice.
    let demo = cli.global.demo && matches!(cli.command, Command::Serve(_));
    let config = Config::build(&cli, matches).map(|c| with_demo_target(c, demo))?;
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
    match &cli.command {
        Command::Serve(_) => {
            let reload = || Config::build(&cli, matches).map(|c| with_demo_target(c, demo));
            serve::run(config, &reload).await
        }
        Command::Scrape(args) => {
            let format = if args.table {
                scrape::Output::Table
            } else {
                scrape_output(args.format)
            };
            scrape::run(&config, &default_collector(&config)?, format).await
        }
        Command::Textfile(args) => {
            let options = textfile::Options {
                fail_on_down: args.fail_on_down,
            };
            textfile::run(&config, &default_collector(&config)?, options).await
        }
        Command::Check(args) => {
            let format = match args.format {
                CheckFormat::Table => check::Format::Table,
                CheckFormat::Json => check::Format::Json,
            };
            check::run(&config, &default_collector(&config)?, format).await
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

/// The collector of the default target.
fn default_collector(config: &Config) -> Result<Collector, Fatal> {
    let client = Client::new(&config.client)?;
    Ok(Collector::with_target(
        client,
        config.options.clone(),
        TargetInfo::of(&config.client),
    ))
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
