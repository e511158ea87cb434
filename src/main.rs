//! Entry point: parse the command line, run the chosen mode, exit with its code.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use technitium_exporter::app;
use technitium_exporter::cli::Cli;

#[tokio::main]
async fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    app::run(cli, &matches).await
}
