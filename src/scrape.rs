//! `scrape`: one collection printed to stdout, as exposition text, OpenMetrics, JSON or a table.

use crate::collector::{Scraper, encode};
use crate::config::Config;
use crate::exit::{Exit, Fatal, write_stdout};
use crate::exposition::ExpositionFormat;
use crate::render::table;

/// What `scrape` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Prometheus text format 0.0.4.
    Text,
    /// OpenMetrics 1.0.
    OpenMetrics,
    /// The families as JSON.
    Json,
    /// Tables for people.
    Table,
}

/// Runs `scrape`: exit 0 when the server is up, 1 when it is not (the output says why).
///
/// With `--state.file`, the state is loaded (and locked) before the collection and saved before
/// anything is printed: a run that cannot keep it prints nothing rather than counters the next
/// run would contradict.
///
/// # Errors
/// When stdout cannot be written (a closed pipe is not an error), or the state cannot be read,
/// locked or saved.
pub async fn run(config: &Config, collector: &Scraper, output: Output) -> Result<Exit, Fatal> {
    let state_file = config.state_file.as_deref();
    collector.load_states(state_file).await?;
    let deadline = tokio::time::Instant::now() + config.client.timeout;
    // A failure is logged once by the collector; the exit code says it too.
    let snapshot = collector.collect(deadline).await;
    collector.save_states(state_file).await?;
    let text = match output {
        Output::Table => table::render(&snapshot, collector.client().server()),
        Output::Text => encode(&snapshot, ExpositionFormat::Text),
        Output::OpenMetrics => encode(&snapshot, ExpositionFormat::OpenMetrics),
        Output::Json => encode(&snapshot, ExpositionFormat::Json),
    };
    write_stdout(&text)?;
    Ok(if snapshot.up() { Exit::Ok } else { Exit::Down })
}
