//! The `textfile` mode's state file (`--state.file`): the derived counters' [`Engine`] between
//! one-shot runs.
//!
//! JSON with a format name and version, bound to the target's base URL: a file written for
//! another URL (a copied file, a changed `--technitium.url`) is a fresh start, like a corrupt,
//! truncated or unknown-version file, and each of those is a warning, never a crash and never a
//! partial counter (the file is parsed whole or not at all). Writes are atomic: a temporary file
//! in the same directory, fsync, rename over the old file, fsync of the directory; a crash leaves
//! the old file or the new one, never a mix.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::engine::{Engine, MAX_PROTOCOLS, MAX_QTYPES};

/// The `format` field.
pub const FORMAT: &str = "technitium-exporter-derived-counters";
/// The `version` field this build writes and reads.
pub const VERSION: u32 = 1;
/// A state file is a few kilobytes; anything this large is not one.
pub const MAX_SIZE: u64 = 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: String,
    version: u32,
    url: String,
    engine: Engine,
}

/// How [`load`] found the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    /// The file continues the counters.
    Continued,
    /// No file yet: counters start now (the first run).
    Missing,
    /// The file could not be used; counters start afresh. The text says why (for a warning).
    Discarded(String),
}

/// Reads the state of the target at `url` (its base URL as shown to people) from `path`.
///
/// Never fails: a missing file is a fresh start; an unreadable, corrupt, foreign or
/// unknown-version file is a fresh start with a [`Loaded::Discarded`] reason to log.
#[must_use]
pub fn load(path: &Path, url: &str) -> (Engine, Loaded) {
    let shown = path.display();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return (Engine::default(), Loaded::Missing);
        }
        Err(e) => {
            return discard(format!(
                "cannot read the state file {shown}: {e}; the derived counters start afresh (check its permissions)"
            ));
        }
    };
    let mut body = Vec::new();
    if let Err(e) = file.take(MAX_SIZE + 1).read_to_end(&mut body) {
        return discard(format!(
            "cannot read the state file {shown}: {e}; the derived counters start afresh"
        ));
    }
    if body.len() as u64 > MAX_SIZE {
        return discard(format!(
            "the state file {shown} is larger than {MAX_SIZE} bytes, so it is not one; the derived counters start afresh (remove it)"
        ));
    }
    let parsed: File = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(e) => {
            return discard(format!(
                "the state file {shown} is corrupt ({e}); the derived counters start afresh"
            ));
        }
    };
    if parsed.format != FORMAT || parsed.version != VERSION {
        return discard(format!(
            "the state file {shown} is {:?} version {}, not {FORMAT:?} version {VERSION}; the derived counters start afresh",
            parsed.format, parsed.version
        ));
    }
    if parsed.url != url {
        return discard(format!(
            "the state file {shown} belongs to {}, not {url}; the derived counters start afresh (use one --state.file per target)",
            parsed.url
        ));
    }
    let t = &parsed.engine.totals;
    if t.qtypes.len() > MAX_QTYPES || t.protocols.len() > MAX_PROTOCOLS {
        return discard(format!(
            "the state file {shown} has more label values than this exporter keeps; the derived counters start afresh"
        ));
    }
    (parsed.engine, Loaded::Continued)
}

fn discard(reason: String) -> (Engine, Loaded) {
    (Engine::default(), Loaded::Discarded(reason))
}

/// Why the state could not be saved (the old file is left as it was).
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The state does not encode (it always does).
    #[error("cannot encode the state for {}: {reason}", path.display())]
    Encode {
        /// The state file.
        path: PathBuf,
        /// serde's words.
        reason: String,
    },
    /// The directory is not writable, or the disk failed.
    #[error(
        "cannot {what} the state file {}: {reason}; check that {} exists and is writable",
        path.display(),
        dir.display()
    )]
    Write {
        /// What could not be done (`write`, `replace`, …).
        what: &'static str,
        /// The state file.
        path: PathBuf,
        /// Its directory.
        dir: PathBuf,
        /// The system's words.
        reason: String,
    },
}

/// Writes the state of the target at `url` to `path` atomically.
///
/// # Errors
/// When the directory is not writable or the disk fails; the old file is then left as it was.
pub fn save(path: &Path, url: &str, engine: &Engine) -> Result<(), SaveError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let body = serde_json::to_vec_pretty(&FileRef {
        format: FORMAT,
        version: VERSION,
        url,
        engine,
    })
    .map_err(|e| SaveError::Encode {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    let fail = |what: &'static str, e: &dyn std::fmt::Display| SaveError::Write {
        what,
        path: path.to_owned(),
        dir: dir.to_owned(),
        reason: e.to_string(),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".state-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| fail("create a temporary file for", &e))?;
    tmp.write_all(&body)
        .and_then(|()| tmp.write_all(b"\n"))
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| fail("write", &e))?;
    tmp.persist(path).map_err(|e| fail("replace", &e.error))?;
    // The rename is durable only once the directory entry is on disk.
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[derive(Serialize)]
struct FileRef<'a> {
    format: &'a str,
    version: u32,
    url: &'a str,
    engine: &'a Engine,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::collector::counters::engine::AnchorReason;

    const URL: &str = "http://dns1.lan:5380";

    fn sample() -> Engine {
        let mut e = Engine::default();
        e.anchor(1_778_416_200, AnchorReason::First, Some("dns1"));
        e.totals.queries = 12_345;
        e.totals.qtypes.insert("A".into(), 999);
        e.totals.missed_minutes = 3;
        e
    }

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert_eq!(load(&path, URL), (Engine::default(), Loaded::Missing));
        save(&path, URL, &sample()).unwrap();
        assert_eq!(load(&path, URL), (sample(), Loaded::Continued));
        // Overwriting replaces it whole; no temporary file is left behind.
        let mut next = sample();
        next.totals.queries += 1;
        save(&path, URL, &next).unwrap();
        assert_eq!(load(&path, URL).0, next);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("state.json")]);
    }

    #[test]
    fn corrupt_foreign_and_future_files_start_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        save(&path, URL, &sample()).unwrap();
        let (e, why) = load(&path, "http://other:5380");
        assert_eq!(e, Engine::default());
        assert!(
            matches!(why, Loaded::Discarded(ref r) if r.contains("belongs to http://dns1.lan:5380"))
        );

        let good = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, &good[..good.len() / 2]).unwrap();
        let (e, why) = load(&path, URL);
        assert_eq!(e, Engine::default());
        assert!(matches!(why, Loaded::Discarded(ref r) if r.contains("corrupt")));

        std::fs::write(&path, good.replace("\"version\": 1", "\"version\": 2")).unwrap();
        assert!(matches!(load(&path, URL).1, Loaded::Discarded(ref r) if r.contains("version 2")));

        // A counter that is not a count (negative) rejects the whole file: never a partial state.
        std::fs::write(&path, good.replace("12345", "-1")).unwrap();
        assert_eq!(load(&path, URL).0, Engine::default());

        std::fs::write(&path, vec![b' '; usize::try_from(MAX_SIZE + 1).unwrap()]).unwrap();
        assert!(matches!(load(&path, URL).1, Loaded::Discarded(ref r) if r.contains("larger")));
    }

    #[test]
    fn a_failed_save_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        save(&path, URL, &sample()).unwrap();
        let missing = dir.path().join("no-such-dir").join("state.json");
        let err = save(&missing, URL, &sample()).unwrap_err();
        assert!(err.to_string().contains("no-such-dir"), "{err}");
        assert_eq!(load(&path, URL), (sample(), Loaded::Continued));
    }
}
