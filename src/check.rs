//! `check`: configuration, connectivity, token and permissions, step by step, with a verdict.

use crate::app::Exit;
use crate::cli::CheckArgs;
use crate::collector::Collector;
use crate::config::Config;

/// Runs `check`.
pub async fn run(_config: &Config, _collector: &Collector, _args: &CheckArgs) -> Exit {
    eprintln!("error: check is not implemented yet");
    Exit::Usage
}
