//! Entry point: parse the command line, run the chosen mode, exit with its code.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use technitium_exporter::app;
use technitium_exporter::cli::Cli;

/// Every mode runs on one thread (a current-thread tokio runtime; large `serve` expositions
/// render on tokio's blocking pool). The exporter mostly waits on the upstream, and the API calls
/// of a scrape still run concurrently. Against a multi-threaded runtime this measured about 20%
/// less CPU per scrape, lower latency, a faster start for `scrape` and `textfile`, and a lower
/// peak RSS at 100 000 zones, because glibc's malloc keeps freed memory per thread arena
/// (BENCHMARKS.md has the figures).
fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(app::run(cli, &matches))
}
