//! `textfile`: one collection written atomically for node_exporter's textfile collector.
//!
//! The file is written the only way a reader can never see half of it: a temp file in the same
//! directory (`.<name>.XXXXXX`, which node_exporter ignores: it reads `*.prom` only), the whole
//! exposition written (a large one piece by piece as it is rendered), `fsync`, mode 0644,
//! `rename` over the target, then `fsync` of the directory so the rename survives a power cut.
//! A kill at any moment leaves the old complete file or the new complete one. Temp files older than a minute (left by a kill between create
//! and rename) are removed on the next run.
//!
//! The content is the target's metrics only, as in `/probe`: no `process_*` or `go_*` families
//! (node_exporter has its own and would reject the collision) and no timestamps.

use std::fs::{self, File, Permissions};
use std::io::{self, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::collector::{Scraper, Snapshot, encoder_for, lock, may_exceed, write_families};
use crate::config::{Config, OutputConfig};
use crate::exit::{Exit, Fatal};
use crate::exposition::{Encoder, ExpositionFormat};

/// Temp files of earlier runs older than this are removed.
const STALE_AFTER: Duration = Duration::from_secs(60);
/// Expositions that may be larger than this are written to the temp file piece by piece as they
/// are rendered, never whole (as `scrape` prints them).
const WRITE_WHOLE_UP_TO: usize = 1024 * 1024;
/// Size of one written piece.
const PIECE: usize = 256 * 1024;

/// `textfile`'s per-invocation options.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextfileOptions {
    /// Exit 1 when the server is down (the file is still written).
    pub fail_on_down: bool,
}

/// Runs `textfile`.
///
/// # Errors
/// When the file cannot be written, or the state (`--state.file`) cannot be read, locked or
/// saved (the old file stays); the message says what to do.
pub async fn run(
    config: &Config,
    collector: &Scraper,
    options: TextfileOptions,
) -> Result<Exit, Fatal> {
    let out = &config.output;
    // Fail before a possibly long collection when the directory cannot take the file.
    preflight(&out.dir, &out.file).map_err(|e| Fatal::Output(describe_io(out, &e)))?;

    // The state (`--state.file`) is locked from here until the run ends, and saved before the
    // file is written: two runs take turns, and a run that cannot keep its state leaves the old
    // file rather than write counters the next run would contradict.
    let state_file = config.state_file.as_deref();
    collector.load_states(state_file).await?;
    let deadline = tokio::time::Instant::now() + config.client.timeout;
    // A down server is logged by the collector (once) and still written: `technitium_up 0`.
    let snapshot = collector.collect(deadline).await;
    collector.save_states(state_file).await?;
    let series = write_atomically(&out.dir, &out.file, |file| render_into(&snapshot, file))
        .map_err(|e| Fatal::Output(describe_io(out, &e)))?;
    remove_stale_temps(&out.dir, &out.file);
    tracing::info!(
        path = %out.path().display(),
        series,
        up = u8::from(snapshot.up()),
        "textfile written"
    );
    Ok(if options.fail_on_down && !snapshot.up() {
        Exit::Down
    } else {
        Exit::Ok
    })
}

fn temp_prefix(name: &str) -> String {
    format!(".{name}.")
}

/// Proves that a temp file can be created in `dir` (and removes it at once).
fn preflight(dir: &Path, name: &str) -> io::Result<()> {
    let meta = fs::metadata(dir)?;
    if !meta.is_dir() {
        return Err(io::Error::from(io::ErrorKind::NotADirectory));
    }
    tempfile::Builder::new()
        .prefix(&temp_prefix(name))
        .tempfile_in(dir)
        .map(drop)
}

/// Writes `snapshot`'s exposition (text format) to `file` and returns its series: whole, or,
/// when it may be large, in pieces of about [`PIECE`] bytes as they are rendered.
fn render_into(snapshot: &Snapshot, file: &File) -> io::Result<usize> {
    if !may_exceed(snapshot, WRITE_WHOLE_UP_TO) {
        let mut enc = encoder_for(snapshot, ExpositionFormat::Text);
        write_families(snapshot, &mut enc);
        let series = enc.samples();
        let mut file = file;
        return file.write_all(enc.finish().as_bytes()).map(|()| series);
    }
    let mut out = file.try_clone()?;
    let failed: Arc<Mutex<Option<io::Error>>> = Arc::default();
    let seen = Arc::clone(&failed);
    let sink = move |piece: Vec<u8>| {
        let mut failed = lock(&seen);
        if failed.is_none() {
            *failed = out.write_all(&piece).err();
        }
    };
    let mut enc = Encoder::streaming(ExpositionFormat::Text, PIECE, Box::new(sink));
    write_families(snapshot, &mut enc);
    let series = enc.samples();
    let _ = enc.finish();
    let failed = lock(&failed).take();
    failed.map_or(Ok(series), Err)
}

/// Temp file, full write (by `write`), fsync, 0644, rename over the target, fsync of the
/// directory. Returns what `write` returned.
fn write_atomically<T>(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&File) -> io::Result<T>,
) -> io::Result<T> {
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(name))
        .tempfile_in(dir)?;
    let written = write(tmp.as_file())?;
    tmp.flush()?;
    tmp.as_file().sync_all()?;
    // fchmod: independent of the umask (the systemd unit runs with UMask=0077).
    tmp.as_file()
        .set_permissions(Permissions::from_mode(0o644))?;
    tmp.persist(dir.join(name)).map_err(|e| e.error)?;
    // The rename is durable only once the directory is synced. The new file is in place either
    // way, so a directory we may write but not open (mode -wx) is a warning, not a failure.
    if let Err(e) = File::open(dir).and_then(|d| d.sync_all()) {
        tracing::warn!(dir = %dir.display(), "cannot fsync the directory after the rename: {e}");
    }
    Ok(written)
}

/// Removes `.<name>.*` temp files older than a minute, left by a run killed before its rename.
/// Younger ones may belong to a run still writing.
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = temp_prefix(name);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        if !file_name
            .to_str()
            .is_some_and(|n| n.starts_with(&prefix) && n.len() > prefix.len())
        {
            continue;
        }
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if meta.is_file() && old {
            match fs::remove_file(entry.path()) {
                Ok(()) => {
                    tracing::debug!(path = %entry.path().display(), "removed a stale temp file")
                }
                Err(e) => tracing::warn!(
                    path = %entry.path().display(),
                    "cannot remove a stale temp file: {e}"
                ),
            }
        }
    }
}

/// One line a person can act on, instead of a bare `Permission denied (os error 13)`.
fn describe_io(out: &OutputConfig, e: &io::Error) -> String {
    let (dir, target) = (&out.dir, out.path());
    let or_flag = if out.dir_given {
        ""
    } else {
        " or pass --output.dir"
    };
    let d = dir.display();
    match e.kind() {
        io::ErrorKind::PermissionDenied => format!(
            "cannot write {d}: permission denied; run as a user allowed to write there (e.g. in the directory's group){or_flag}"
        ),
        io::ErrorKind::NotFound => format!(
            "cannot write {}: directory {d} does not exist; create it (is prometheus-node-exporter installed?){or_flag}",
            target.display()
        ),
        io::ErrorKind::NotADirectory => {
            format!(
                "cannot write {}: {d} is not a directory{or_flag}",
                target.display()
            )
        }
        io::ErrorKind::ReadOnlyFilesystem => {
            format!("cannot write {d}: read-only file system{or_flag}")
        }
        io::ErrorKind::StorageFull => format!(
            "cannot write {}: no space left on the device",
            target.display()
        ),
        _ => format!("cannot write {}: {e}", target.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn out(dir_given: bool) -> OutputConfig {
        OutputConfig {
            dir: PathBuf::from("/var/lib/prometheus/node-exporter"),
            file: "technitium.prom".to_owned(),
            dir_given,
        }
    }

    #[test]
    fn errors_say_what_to_do() {
        let msg = describe_io(
            &out(false),
            &io::Error::from(io::ErrorKind::PermissionDenied),
        );
        assert!(msg.contains("permission denied"), "{msg}");
        assert!(msg.contains("--output.dir"), "{msg}");
        let msg = describe_io(&out(true), &io::Error::from(io::ErrorKind::NotFound));
        assert!(
            msg.contains("does not exist") && !msg.contains("--output.dir"),
            "{msg}"
        );
    }
}
