//! `textfile`: one collection written atomically for node_exporter's textfile collector.

use crate::app::Exit;
use crate::cli::TextfileArgs;
use crate::collector::Collector;
use crate::config::Config;

/// Runs `textfile`.
pub async fn run(_config: &Config, _collector: &Collector, _args: &TextfileArgs) -> Exit {
    eprintln!("error: textfile is not implemented yet");
    Exit::Usage
}
