//! `scrape`: one collection printed to stdout, as exposition text, OpenMetrics, JSON or a table.

use std::sync::{Arc, Mutex};

use crate::collector::{Scraper, Snapshot, encode, lock, may_exceed, write_families};
use crate::config::Config;
use crate::exit::{Exit, Fatal, write_stdout, write_stdout_bytes};
use crate::exposition::{Encoder, ExpositionFormat};
use crate::render::table;

/// Expositions that may be larger than this are written piece by piece as they are rendered,
/// never whole: a large scrape's text can be larger than the answers it came from.
const PRINT_WHOLE_UP_TO: usize = 1024 * 1024;
/// Size of one printed piece.
const PIECE: usize = 256 * 1024;

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
    let format = match output {
        Output::Table => None,
        Output::Text => Some(ExpositionFormat::Text),
        Output::OpenMetrics => Some(ExpositionFormat::OpenMetrics),
        Output::Json => Some(ExpositionFormat::Json),
    };
    match format {
        None => write_stdout(&table::render(&snapshot, collector.client().server()))?,
        Some(format) if may_exceed(&snapshot, PRINT_WHOLE_UP_TO) => {
            print_pieces(&snapshot, format)?
        }
        Some(format) => write_stdout(&encode(&snapshot, format))?,
    }
    Ok(if snapshot.up() { Exit::Ok } else { Exit::Down })
}

/// Prints `snapshot`'s exposition in pieces of about [`PIECE`] bytes as they are rendered
/// (the same text as a whole render); after a failed write the rest is rendered unprinted.
fn print_pieces(snapshot: &Snapshot, format: ExpositionFormat) -> Result<(), Fatal> {
    let failed: Arc<Mutex<Option<Fatal>>> = Arc::default();
    let seen = Arc::clone(&failed);
    let print = move |piece: Vec<u8>| {
        let mut failed = lock(&seen);
        if failed.is_none() {
            *failed = write_stdout_bytes(&piece).err();
        }
    };
    let mut enc = Encoder::streaming(format, PIECE, Box::new(print));
    write_families(snapshot, &mut enc);
    let _ = enc.finish();
    let failed = lock(&failed).take();
    failed.map_or(Ok(()), Err)
}
