//! `serve`: the HTTP exporter.

use crate::app::Exit;
use crate::cli::ServeArgs;
use crate::collector::Collector;
use crate::config::Config;

/// Runs `serve`.
pub async fn run(_config: &Config, _collector: Collector, _args: &ServeArgs) -> Exit {
    eprintln!("error: serve is not implemented yet");
    Exit::Usage
}
