//! How a run ends: the exit codes every subcommand shares, and the one fatal-error type every
//! mode returns when it cannot do its job at all.
//!
//! Modes return `Result<Exit, Fatal>`; `main` prints a [`Fatal`] once, on stderr, and exits with
//! [`Fatal::exit`]. Nothing else prints errors: problems a mode reports as its result (a target
//! that is down, a degraded `check`) are part of its output, not fatal errors.

use std::fmt;
use std::io::{self, Write as _};
use std::process::ExitCode;

use crate::collector::StateError;
use crate::config::ConfigError;
use crate::technitium::ClientBuildError;

/// Exit codes shared by every subcommand (the design's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// All good (`textfile`: the file was written, even with `technitium_up 0`).
    Ok = 0,
    /// The target is down or the token rejected (`scrape`, `check`); `textfile` could not write
    /// its file, or `--fail-on-down` and up is 0.
    Down = 1,
    /// Usage or configuration error (clap's own code).
    Usage = 2,
    /// `check` only: reachable and authorised, but an enabled collector failed or lacks
    /// permission.
    Degraded = 3,
}

impl Exit {
    /// The process exit code.
    #[must_use]
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e.code())
    }
}

/// Why a mode could not do its job; printed once by `main`.
#[derive(Debug, thiserror::Error)]
pub enum Fatal {
    /// The configuration is invalid (every problem is listed).
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The HTTP client could not be built from the TLS settings.
    #[error("{0}")]
    Client(#[from] ClientBuildError),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(io::Error),
    /// `--demo` could not start its simulated server.
    #[error("cannot start the demo server on a loopback port: {0}")]
    Demo(io::Error),
    /// `serve` could not listen on an address.
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address as configured.
        address: String,
        /// Why.
        source: io::Error,
    },
    /// `serve` could not set up its own metrics.
    #[error("cannot set up the exporter's own metrics: {0}")]
    SelfMetrics(#[from] prometheus::Error),
    /// `textfile` could not write its file (the message says what to do).
    #[error("{0}")]
    Output(String),
    /// A single run could not read, lock or keep its state (`--state.file`), or was given a
    /// place that can never hold it.
    #[error("{0}")]
    State(#[from] StateError),
    /// `check --format json` could not serialise its report.
    #[error("cannot write check's report as JSON: {0}")]
    ReportJson(serde_json::Error),
    /// Standard output could not be written (other than a closed pipe, which is success).
    #[error("cannot write to standard output: {0}")]
    Stdout(io::Error),
}

impl Fatal {
    /// The exit code that goes with this error.
    #[must_use]
    pub fn exit(&self) -> Exit {
        match self {
            Self::Config(_) | Self::Client(_) | Self::Listen { .. } | Self::SelfMetrics(_) => {
                Exit::Usage
            }
            Self::State(StateError::Usage(_)) => Exit::Usage,
            Self::Runtime(_)
            | Self::State(StateError::Failed(_))
            | Self::Demo(_)
            | Self::Output(_)
            | Self::ReportJson(_)
            | Self::Stdout(_) => Exit::Down,
        }
    }

    /// Prints the error on stderr, one `error: ` line per problem.
    pub fn report(&self) {
        let text = self.to_string();
        let mut stderr = io::stderr().lock();
        for line in text.lines() {
            let _ = writeln!(stderr, "error: {line}");
        }
    }
}

/// Writes `text` to stdout and flushes it. A closed pipe (`scrape | head`) is success, as in
/// ripgrep: the reader had what it wanted. Any other failure is [`Fatal::Stdout`].
///
/// # Errors
/// When stdout cannot be written for another reason (a full disk behind a redirect, say).
pub fn write_stdout(text: &str) -> Result<(), Fatal> {
    write_stdout_bytes(text.as_bytes())
}

/// [`write_stdout`] for bytes (a piece of an exposition being printed as it is rendered).
///
/// # Errors
/// As [`write_stdout`].
pub fn write_stdout_bytes(bytes: &[u8]) -> Result<(), Fatal> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Fatal::Stdout(e)),
    }
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}
