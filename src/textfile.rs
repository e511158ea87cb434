//! `textfile`: one collection written atomically for node_exporter's textfile collector.
//!
//! The file is written the only way a reader can never see half of it: a temp file in the same
//! directory (`.<name>.XXXXXX`, which node_exporter ignores: it reads `*.prom` only), the whole
//! exposition written, `fsync`, mode 0644, `rename` over the target, then `fsync` of the
//! directory so the rename survives a power cut. A kill at any moment leaves the old complete
//! file or the new complete one. Temp files older than a minute (left by a kill between create
//! and rename) are removed on the next run.
//!
//! The content is the target's metrics only, as in `/probe`: no `process_*` or `go_*` families
//! (node_exporter has its own and would reject the collision) and no timestamps.

use std::fs::{self, File, Permissions};
use std::io::{self, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::app::Exit;
use crate::cli::TextfileArgs;
use crate::collector::{Collector, write_families};
use crate::config::Config;
use crate::render::encoder_for;
use crate::render::exposition::Format;

/// Where Debian's node_exporter reads textfiles.
pub const DEFAULT_DIR: &str = "/var/lib/prometheus/node-exporter";
/// The default file name.
pub const DEFAULT_FILE: &str = "technitium.prom";
/// Temp files of earlier runs older than this are removed.
const STALE_AFTER: Duration = Duration::from_secs(60);

/// Runs `textfile`.
pub async fn run(config: &Config, collector: &Collector, args: &TextfileArgs) -> Exit {
    let name = args
        .output_file
        .as_deref()
        .or(config.output.file.as_deref())
        .unwrap_or(DEFAULT_FILE);
    if let Err(msg) = check_file_name(name) {
        eprintln!("error: --output.file {name:?}: {msg}");
        return Exit::Usage;
    }
    let configured = args
        .output_dir
        .clone()
        .or_else(|| config.output.dir.clone());
    let explicit_dir = configured.is_some();
    let dir = configured.unwrap_or_else(|| PathBuf::from(DEFAULT_DIR));
    let target = dir.join(name);

    // Fail before a possibly long collection when the directory cannot take the file.
    if let Err(e) = preflight(&dir, name) {
        eprintln!("error: {}", describe_io(&dir, &target, &e, explicit_dir));
        return Exit::Down;
    }

    let deadline = tokio::time::Instant::now() + config.client.timeout;
    // A down server is logged by the collector (once) and still written: `technitium_up 0`.
    let snapshot = collector.collect(deadline).await;
    let mut enc = encoder_for(&snapshot, Format::Text);
    write_families(&snapshot, &mut enc);
    let series = enc.samples();
    let text = enc.finish();

    if let Err(e) = write_atomically(&dir, name, text.as_bytes()) {
        eprintln!("error: {}", describe_io(&dir, &target, &e, explicit_dir));
        return Exit::Down;
    }
    remove_stale_temps(&dir, name);
    tracing::info!(
        path = %target.display(),
        series,
        up = u8::from(snapshot.up()),
        "textfile written"
    );
    if args.fail_on_down && !snapshot.up() {
        Exit::Down
    } else {
        Exit::Ok
    }
}

/// A bare file name ending in `.prom` (node_exporter reads only those).
fn check_file_name(name: &str) -> Result<(), &'static str> {
    if name.contains(['/', '\0']) {
        return Err("give a bare file name; put the directory in --output.dir");
    }
    if name.starts_with('.') {
        return Err("the name must not start with a dot (hidden files are ours: temp files)");
    }
    match name.strip_suffix(".prom") {
        Some(stem) if !stem.is_empty() => Ok(()),
        _ => Err("the name must end in .prom (node_exporter reads only *.prom files)"),
    }
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

/// Temp file, full write, fsync, 0644, rename over the target, fsync of the directory.
fn write_atomically(dir: &Path, name: &str, content: &[u8]) -> io::Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(name))
        .tempfile_in(dir)?;
    tmp.write_all(content)?;
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
    Ok(())
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
fn describe_io(dir: &Path, target: &Path, e: &io::Error, explicit_dir: bool) -> String {
    let or_flag = if explicit_dir {
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

    #[test]
    fn file_names_are_bare_and_end_in_prom() {
        assert!(check_file_name("technitium.prom").is_ok());
        assert!(check_file_name("dns-2.prom").is_ok());
        for bad in [
            "technitium",
            ".prom",
            "a/b.prom",
            "../x.prom",
            ".hidden.prom",
            "x.prom.tmp",
            "",
        ] {
            assert!(check_file_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_say_what_to_do() {
        let dir = Path::new("/var/lib/prometheus/node-exporter");
        let target = dir.join("technitium.prom");
        let msg = describe_io(
            dir,
            &target,
            &io::Error::from(io::ErrorKind::PermissionDenied),
            false,
        );
        assert!(msg.contains("permission denied"), "{msg}");
        assert!(msg.contains("--output.dir"), "{msg}");
        let msg = describe_io(
            dir,
            &target,
            &io::Error::from(io::ErrorKind::NotFound),
            true,
        );
        assert!(
            msg.contains("does not exist") && !msg.contains("--output.dir"),
            "{msg}"
        );
    }
}
