//! The one dispatch: builds the configuration, the client and the collector once, then runs the
//! chosen mode. Each mode returns its exit code.

use std::process::ExitCode;

use clap::ArgMatches;

use crate::cli::{Cli, Command, ScrapeArgs, ScrapeFormat};
use crate::collector::Collector;
use crate::config::{Config, TargetConfig};
use crate::render::exposition::Format;
use crate::technitium::Client;
use crate::{check, demo, logging, render, serve, textfile};

/// Exit codes shared by every subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// All good.
    Ok = 0,
    /// Target down or token rejected; textfile not written.
    Down = 1,
    /// Usage or configuration error.
    Usage = 2,
    /// `check`: degraded.
    Degraded = 3,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// Runs the command line. `matches` lets the configuration tell flags from environment values.
pub async fn run(mut cli: Cli, matches: &ArgMatches) -> ExitCode {
    // Keep the demo server alive for the whole run.
    let mut _demo = None;
    let mut matches = Some(matches);
    if cli.global.demo {
        match demo::start(cli.global.demo_version, cli.global.demo_zones).await {
            Ok(d) => {
                cli.global.url = Some(d.url.to_string());
                cli.global.token = Some(d.token.expose().to_owned());
                cli.global.token_file = None;
                matches = None;
                _demo = Some(d);
            }
            Err(e) => {
                eprintln!("error: cannot start the demo server on a loopback port: {e}");
                return Exit::Down.into();
            }
        }
    }
    // Only `serve` has /probe; `check` would walk the same server twice.
    let demo = cli.global.demo && matches!(cli.command, Command::Serve(_));
    let config = match Config::build(&cli.global, matches).map(|c| with_demo_target(c, demo)) {
        Ok(c) => c,
        Err(e) => {
            for line in e.0.lines() {
                eprintln!("error: {line}");
            }
            return Exit::Usage.into();
        }
    };
    // `check` reports every problem in its own table: the collectors' warnings would repeat it,
    // so unless a level was asked for, it logs errors only.
    let level = if matches!(cli.command, Command::Check(_)) && cli.global.log_level.is_none() {
        crate::cli::LogLevel::Error
    } else {
        config.log_level
    };
    logging::init(level, config.log_format);
    if config.client.insecure_skip_verify {
        tracing::warn!(
            "TLS certificate verification is OFF for {}: anyone on the path can read the token",
            config.client.url
        );
    }
    let client = match Client::new(&config.client) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Usage.into();
        }
    };
    let collector = Collector::new(client, config.options.clone());
    match cli.command {
        Command::Scrape(args) => scrape(&config, &collector, &args).await.into(),
        Command::Textfile(args) => textfile::run(&config, &collector, &args).await.into(),
        Command::Check(args) => check::run(&config, &collector, &args).await.into(),
        Command::Serve(args) => {
            let global = &cli.global;
            let reload = move || Config::build(global, matches).map(|c| with_demo_target(c, demo));
            serve::run(&config, collector, &args, &reload).await.into()
        }
    }
}

/// With `--demo`, the demo server is also the `/probe?target=demo` target, so every route can be
/// tried without a config file.
fn with_demo_target(mut config: Config, demo: bool) -> Config {
    if demo && !config.targets.iter().any(|t| t.name == "demo") {
        config.targets.push(TargetConfig {
            name: "demo".to_owned(),
            client: config.client.clone(),
            options: config.options.clone(),
        });
    }
    config
}

/// `scrape`: one collection printed to stdout.
async fn scrape(config: &Config, collector: &Collector, args: &ScrapeArgs) -> Exit {
    let deadline = tokio::time::Instant::now() + config.client.timeout;
    // A failure is logged once by the collector; the exit code says it too.
    let snapshot = collector.collect(deadline).await;
    let format = if args.table {
        ScrapeFormat::Table
    } else {
        args.format
    };
    let text = match format {
        ScrapeFormat::Table => render::table::render(&snapshot, collector.client().server()),
        ScrapeFormat::Text => render::render(&snapshot, Format::Text),
        ScrapeFormat::Openmetrics => render::render(&snapshot, Format::OpenMetrics),
        ScrapeFormat::Json => render::render(&snapshot, Format::Json),
    };
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return Exit::Down;
    }
    if snapshot.up() { Exit::Ok } else { Exit::Down }
}
