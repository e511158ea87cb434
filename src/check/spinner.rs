//! A spinner on stderr while a step runs, only when stderr is a terminal.

use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The spinner, or nothing when stderr is not a terminal.
pub(super) struct Spinner(Option<ProgressBar>);

impl Spinner {
    pub(super) fn new() -> Self {
        if !std::io::stderr().is_terminal() {
            return Self(None);
        }
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
            pb.set_style(style);
        }
        pb.enable_steady_tick(Duration::from_millis(100));
        Self(Some(pb))
    }

    /// Says what runs now.
    pub(super) fn step(&self, target: &str, what: &str) {
        if let Some(pb) = &self.0 {
            pb.set_message(format!("{target}: {what}…"));
        }
    }

    /// Clears the spinner.
    pub(super) fn finish(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
}
