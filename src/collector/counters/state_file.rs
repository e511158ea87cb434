//! The `textfile` and `scrape` modes' state file (`--state.file`): the derived counters'
//! [`Engine`] between one-shot runs.
//!
//! JSON with a format name and version, bound to the target's base URL. A file that is there but
//! cannot be used as state (written for another URL, a changed `--technitium.url`; corrupt,
//! truncated, of an unknown version, or holding values this exporter never writes) is a warning
//! and a fresh start, never a crash and never a partial counter: the file is parsed and checked
//! whole ([`parse`]) or not at all. A file that cannot be *read* (permissions) is an error, never
//! a fresh start: it may hold good counters, so it is left as it is and the run fails.
//!
//! The path must be a regular file or not exist: anything else (`/dev/null`, a FIFO, a device, a
//! directory, a symbolic link) is refused before it is opened ([`check_place`]), opens never
//! block, and a save never renames over anything but a regular file.
//!
//! Writes are atomic: a temporary file (`.state-*.tmp`) in the same directory, fsync, rename over
//! the old file, fsync of the directory; a crash leaves the old file or the new one, never a mix.
//! Temporary files older than a minute (left by a run killed before its rename) are removed by
//! the next save. Two runs never use one file at once: see [`super::state_lock`].

use std::fs::{File, FileType};
use std::io::{Read as _, Write as _};
use std::os::unix::fs::FileTypeExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use serde::{Deserialize, Serialize};

use super::engine::{
    AnchorReason, CountersWarning, Engine, MAX_PROTOCOLS, MAX_QTYPES, OUTCOMES, RCODES, Totals,
    valid_label,
};
use super::minutes::{MINUTE, format_label};

/// The `format` field.
pub const FORMAT: &str = "technitium-exporter-derived-counters";
/// The `version` field this build writes and reads.
pub const VERSION: u32 = 1;
/// A state file is a few kilobytes; anything this large is not one.
pub const MAX_SIZE: u64 = 1024 * 1024;
/// The largest count a state file may hold: 2^53, the largest integer a sample value (an f64)
/// holds exactly, and more than 285 years of a million queries a second. Anything above was
/// not counted by this exporter, and would saturate for ever.
pub const MAX_COUNT: u64 = 1 << 53;
/// How far from now (by this machine's clock) the watermark may be: a year either way. A
/// watermark further back would add its whole gap as missed minutes in one run; one further
/// ahead is no server's clock.
pub const MAX_WATERMARK_DISTANCE: i64 = 366 * 24 * 3600;
/// The longest `dnsServerDomain` kept: a DNS name has at most 253 characters.
pub const MAX_SERVER_NAME: usize = 253;
/// Temporary files of earlier saves older than this are removed.
const STALE_AFTER: Duration = Duration::from_secs(60);
/// Temporary files are `.state-XXXXXX.tmp`.
const TEMP_PREFIX: &str = ".state-";
const TEMP_SUFFIX: &str = ".tmp";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileBody {
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

/// Why the state file cannot be used or kept: the run stops with this message.
#[derive(Debug, thiserror::Error)]
pub enum StateFileError {
    /// The path exists and is not a regular file: a usage error.
    #[error(
        "--state.file {} is {what}, not a regular file: give the path of a file the derived counters can be kept in (it is created), or leave --state.file out to keep none",
        path.display()
    )]
    NotRegular {
        /// The path given (or its lock file).
        path: PathBuf,
        /// What it is (`a directory`, `a FIFO`, …).
        what: &'static str,
    },
    /// The file exists but cannot be read: it is left as it is.
    #[error(
        "cannot read the state file {}: {reason}; it is left as it is and this run writes nothing: let the user running the exporter read and write it (or remove it to start the derived counters afresh)",
        path.display()
    )]
    Unreadable {
        /// The state file.
        path: PathBuf,
        /// The system's words.
        reason: String,
    },
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
        "cannot {what} the state file {}: {reason}; this run writes nothing, so that the next one does not report the derived counters restarted: check that {} exists and is writable by the user running the exporter",
        path.display(),
        dir.display()
    )]
    Write {
        /// What could not be done (`write`, `replace`, `lock`, …).
        what: &'static str,
        /// The state file.
        path: PathBuf,
        /// Its directory.
        dir: PathBuf,
        /// The system's words.
        reason: String,
    },
    /// Another run holds the state file's lock and did not finish in time.
    #[error(
        "another run{} is using the state file {} and did not finish within {}s: this run stops without writing anything; runs that share a --state.file take turns (is a second timer or cron job running the same command?)",
        holder.map(|pid| format!(" (pid {pid})")).unwrap_or_default(),
        path.display(),
        waited.as_secs()
    )]
    Busy {
        /// The state file.
        path: PathBuf,
        /// The other run's process id, as it recorded it in the lock file.
        holder: Option<u32>,
        /// How long this run waited.
        waited: Duration,
    },
}

impl StateFileError {
    /// Whether the error is a usage error (exit 2) rather than a failed run (exit 1).
    #[must_use]
    pub fn is_usage(&self) -> bool {
        matches!(self, Self::NotRegular { .. })
    }
}

/// The directory of `path` (`.` for a bare file name).
#[must_use]
pub fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Refuses a `path` that exists and is not a regular file, without opening it (a FIFO would
/// block, a device node may act on an open). A missing path is fine.
///
/// # Errors
/// [`StateFileError::NotRegular`], or [`StateFileError::Unreadable`] when the path cannot be
/// looked at (a directory on the way that may not be searched).
pub fn check_place(path: &Path) -> Result<(), StateFileError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_file() => Ok(()),
        Ok(meta) => Err(StateFileError::NotRegular {
            path: path.to_owned(),
            what: what(meta.file_type()),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StateFileError::Unreadable {
            path: path.to_owned(),
            reason: words(&e),
        }),
    }
}

fn what(ft: FileType) -> &'static str {
    if ft.is_dir() {
        "a directory"
    } else if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_fifo() {
        "a FIFO (named pipe)"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "something else"
    }
}

/// Why [`open_regular`] did not give a file.
#[derive(Debug)]
pub(super) enum OpenError {
    /// There is no such file (and `O_CREAT` was not asked).
    NotFound,
    /// It is not a regular file (`what` it is).
    NotRegular(&'static str),
    /// The system's error.
    Io(std::io::Error),
}

/// Opens `path` with `flags`, never blocking (`O_NONBLOCK`: a FIFO swapped in after
/// [`check_place`] does not hang the run) and never through a symbolic link (`O_NOFOLLOW`),
/// and checks that what was opened is a regular file.
pub(super) fn open_regular(path: &Path, flags: OFlags, mode: Mode) -> Result<File, OpenError> {
    let flags = flags | OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = match rustix::fs::open(path, flags, mode) {
        Ok(fd) => fd,
        Err(Errno::NOENT) => return Err(OpenError::NotFound),
        Err(Errno::LOOP) => return Err(OpenError::NotRegular("a symbolic link")),
        Err(Errno::ISDIR) => return Err(OpenError::NotRegular("a directory")),
        Err(e) => return Err(OpenError::Io(e.into())),
    };
    let file = File::from(fd);
    let ft = file.metadata().map_err(OpenError::Io)?.file_type();
    if ft.is_file() {
        Ok(file)
    } else {
        Err(OpenError::NotRegular(what(ft)))
    }
}

/// The system's words for an error, without its ` (os error N)` number.
pub(super) fn words(e: &dyn std::fmt::Display) -> String {
    let mut text = e.to_string();
    if let Some(i) = text.find(" (os error ")
        && let Some(j) = text[i..].find(')')
    {
        text.replace_range(i..=i + j, "");
    }
    text
}

/// This machine's clock, Unix seconds (what the watermark is checked against).
#[must_use]
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .unwrap_or(0)
}

/// Reads the state of the target at `url` (its base URL as shown to people) from `path`; `now`
/// is this machine's clock ([`unix_now`]), against which the watermark is checked.
///
/// A missing file is a fresh start; a corrupt, foreign, unknown-version or implausible file is a
/// fresh start with a [`Loaded::Discarded`] reason to log.
///
/// # Errors
/// When the path is not a regular file, or the file is there but cannot be read: it may hold
/// good counters, so the run must neither start them afresh nor overwrite it.
pub fn load(path: &Path, url: &str, now: i64) -> Result<(Engine, Loaded), StateFileError> {
    check_place(path)?;
    let unreadable = |e: std::io::Error| StateFileError::Unreadable {
        path: path.to_owned(),
        reason: words(&e),
    };
    let file = match open_regular(path, OFlags::RDONLY, Mode::empty()) {
        Ok(f) => f,
        Err(OpenError::NotFound) => return Ok((Engine::default(), Loaded::Missing)),
        Err(OpenError::NotRegular(what)) => {
            return Err(StateFileError::NotRegular {
                path: path.to_owned(),
                what,
            });
        }
        Err(OpenError::Io(e)) => return Err(unreadable(e)),
    };
    let mut body = Vec::new();
    file.take(MAX_SIZE + 1)
        .read_to_end(&mut body)
        .map_err(unreadable)?;
    Ok(match parse(&body, url, now) {
        Ok(engine) => (engine, Loaded::Continued),
        Err(why) => (
            Engine::default(),
            Loaded::Discarded(format!(
                "the state file {} {why}; the derived counters start afresh",
                path.display()
            )),
        ),
    })
}

/// Why a state file's content is not a state to continue from; each message completes "the
/// state file PATH …" and quotes at most a few dozen characters of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAState {
    /// Over [`MAX_SIZE`] bytes.
    #[error("is larger than {MAX_SIZE} bytes, so it is not one (remove it)")]
    TooLarge,
    /// Not the JSON of a state file: the parser's words, shortened.
    #[error("is corrupt ({0})")]
    Corrupt(String),
    /// Another format or version.
    #[error("is {format} version {version}, not {FORMAT:?} version {VERSION}")]
    OtherFormat {
        /// The file's format, quoted and shortened.
        format: String,
        /// The file's version.
        version: u32,
    },
    /// The state of another target.
    #[error("belongs to {found}, not {url} (use one --state.file per target)")]
    OtherTarget {
        /// The file's URL, shortened.
        found: String,
        /// This target's URL.
        url: String,
    },
    /// A value the exporter never writes (a watermark, count, label value or name).
    #[error("{0}")]
    Implausible(String),
}

/// Parses and checks a state file's content for the target at `url`, `now` being this
/// machine's clock: the engine to continue from, or why the content is not a state to continue
/// (a phrase completing "the state file PATH …").
///
/// Nothing in the file is trusted: besides the format, version and URL, the watermark must be a
/// whole minute within [`MAX_WATERMARK_DISTANCE`] of `now`, every label value must pass the
/// label rules the counters apply to the server's data (the fixed rcode and outcome sets, valid
/// and bounded qtype and protocol names, at most [`MAX_QTYPES`] and [`MAX_PROTOCOLS`] of them),
/// every count at most [`MAX_COUNT`], and a server name a bounded name without control
/// characters.
///
/// # Errors
/// [`NotAState`]: the reason, in words for a warning.
pub fn parse(body: &[u8], url: &str, now: i64) -> Result<Engine, NotAState> {
    if body.len() as u64 > MAX_SIZE {
        return Err(NotAState::TooLarge);
    }
    let parsed: FileBody = serde_json::from_slice(body)
        .map_err(|e| NotAState::Corrupt(bounded(&e.to_string(), 160)))?;
    if parsed.format != FORMAT || parsed.version != VERSION {
        return Err(NotAState::OtherFormat {
            format: shown(&parsed.format),
            version: parsed.version,
        });
    }
    if parsed.url != url {
        return Err(NotAState::OtherTarget {
            found: bounded(&parsed.url, 120),
            url: url.to_owned(),
        });
    }
    check_engine(&parsed.engine, now)?;
    Ok(parsed.engine)
}

fn check_engine(engine: &Engine, now: i64) -> Result<(), NotAState> {
    if let Some(w) = engine.watermark {
        if now
            .checked_sub(w)
            .is_none_or(|d| d.abs() > MAX_WATERMARK_DISTANCE)
        {
            return Err(NotAState::Implausible(format!(
                "has a watermark ({w}, {}) more than a year from now",
                format_label(w)
            )));
        }
        if w.rem_euclid(MINUTE) != 0 {
            return Err(NotAState::Implausible(format!("has a watermark ({w}) that is not a whole minute")));
        }
    }
    if let Some(server) = &engine.server {
        check_name("server name", server)?;
    }
    check_totals(&engine.totals)?;
    match &engine.warning {
        Some(CountersWarning::Restarted {
            reason: AnchorReason::ServerChanged { from, to },
        }) => {
            check_name("server name", from)?;
            check_name("server name", to)
        }
        _ => Ok(()),
    }
}

fn check_totals(t: &Totals) -> Result<(), NotAState> {
    check_count("query count", t.queries)?;
    check_count("missed-minute count", t.missed_minutes)?;
    check_map("rcode", &t.rcodes, RCODES.len(), |k| RCODES.contains(&k))?;
    check_map("outcome", &t.outcomes, OUTCOMES.len(), |k| {
        OUTCOMES.contains(&k)
    })?;
    check_map("qtype", &t.qtypes, MAX_QTYPES, |k| {
        k == "other" || valid_label(k)
    })?;
    check_map("protocol", &t.protocols, MAX_PROTOCOLS, valid_protocol)
}

/// A protocol key as the counters make it: the snake_case of a valid label.
fn valid_protocol(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 48
        && k.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn check_map(
    what: &str,
    map: &std::collections::BTreeMap<String, u64>,
    max: usize,
    valid: impl Fn(&str) -> bool,
) -> Result<(), NotAState> {
    if map.len() > max {
        return Err(NotAState::Implausible(format!(
            "has {} {what} label values, more than the {max} this exporter keeps",
            map.len()
        )));
    }
    for (k, v) in map {
        if !valid(k) {
            return Err(NotAState::Implausible(format!(
                "has a {what} label value this exporter never writes ({})",
                shown(k)
            )));
        }
        check_count(what, *v)?;
    }
    Ok(())
}

fn check_count(what: &str, v: u64) -> Result<(), NotAState> {
    if v > MAX_COUNT {
        return Err(NotAState::Implausible(format!(
            "has a {what} ({v}) above {MAX_COUNT}, which no counter of this exporter reaches"
        )));
    }
    Ok(())
}

fn check_name(what: &str, name: &str) -> Result<(), NotAState> {
    if name.is_empty() || name.len() > MAX_SERVER_NAME || name.chars().any(char::is_control) {
        return Err(NotAState::Implausible(format!("has a {what} that is not one ({})", shown(name))));
    }
    Ok(())
}

/// At most 32 characters of `s`, quoted and escaped, for a message.
fn shown(s: &str) -> String {
    let mut cut: String = s.chars().take(32).collect();
    if cut.len() < s.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

/// `s` with control characters (and anything not ASCII) escaped, cut at about `n` bytes, for a
/// message.
fn bounded(s: &str, n: usize) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::escape_default) {
        if out.len() >= n {
            out.push('…');
            break;
        }
        out.push(c);
    }
    out
}

/// Writes the state of the target at `url` to `path` atomically, then removes temporary files
/// that earlier, killed saves left behind.
///
/// # Errors
/// When the path is no longer a regular file, the directory is not writable or the disk fails;
/// the old file is then left as it was.
pub fn save(path: &Path, url: &str, engine: &Engine) -> Result<(), StateFileError> {
    let dir = dir_of(path);
    let body = encode(url, engine).map_err(|e| StateFileError::Encode {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    let fail = |what: &'static str, e: &dyn std::fmt::Display| StateFileError::Write {
        what,
        path: path.to_owned(),
        dir: dir.to_owned(),
        reason: words(e),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| fail("create a temporary file for", &e))?;
    tmp.write_all(&body)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| fail("write", &e))?;
    // Never rename over a directory, a device or a FIFO put there since the run started.
    check_place(path)?;
    tmp.persist(path).map_err(|e| fail("replace", &e.error))?;
    // The rename is durable only once the directory entry is on disk.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    remove_stale_temps(dir);
    Ok(())
}

/// The content [`save`] writes: what [`parse`] reads back.
///
/// # Errors
/// When serde cannot encode the state (it always can).
pub fn encode(url: &str, engine: &Engine) -> Result<Vec<u8>, serde_json::Error> {
    let mut body = serde_json::to_vec_pretty(&FileRef {
        format: FORMAT,
        version: VERSION,
        url,
        engine,
    })?;
    body.push(b'\n');
    Ok(body)
}

/// Removes `.state-*.tmp` files older than a minute, left by a run killed before its rename.
/// Younger ones may belong to a run still writing (another target's state in the same
/// directory).
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let ours = name.to_str().is_some_and(|n| {
            n.len() > TEMP_PREFIX.len() + TEMP_SUFFIX.len()
                && n.starts_with(TEMP_PREFIX)
                && n.ends_with(TEMP_SUFFIX)
        });
        // `DirEntry::metadata` does not follow a symbolic link.
        let Some(meta) = ours.then(|| entry.metadata().ok()).flatten() else {
            continue;
        };
        let stale = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if meta.is_file() && stale {
            let path = entry.path();
            match std::fs::remove_file(&path) {
                Ok(()) => tracing::debug!(path = %path.display(), "removed a stale temp file"),
                Err(e) => {
                    tracing::warn!(path = %path.display(), "cannot remove a stale temp file: {e}")
                }
            }
        }
    }
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
    /// 2026-05-10T12:30:00Z, the minute the sample counted up to.
    const NOW: i64 = 1_778_416_200;

    fn sample() -> Engine {
        let mut e = Engine::default();
        e.anchor(NOW, AnchorReason::First, Some("dns1"));
        e.totals.queries = 12_345;
        e.totals.qtypes.insert("A".into(), 999);
        e.totals.missed_minutes = 3;
        e
    }

    fn load_now(path: &Path, url: &str) -> (Engine, Loaded) {
        load(path, url, NOW).unwrap()
    }

    fn discarded(body: &str) -> String {
        match parse(body.as_bytes(), URL, NOW) {
            Err(why) => why.to_string(),
            Ok(e) => panic!("accepted {body}: {e:?}"),
        }
    }

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert_eq!(load_now(&path, URL), (Engine::default(), Loaded::Missing));
        save(&path, URL, &sample()).unwrap();
        assert_eq!(load_now(&path, URL), (sample(), Loaded::Continued));
        // Overwriting replaces it whole; no temporary file is left behind.
        let mut next = sample();
        next.totals.queries += 1;
        save(&path, URL, &next).unwrap();
        assert_eq!(load_now(&path, URL).0, next);
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
        let (e, why) = load_now(&path, "http://other:5380");
        assert_eq!(e, Engine::default());
        assert!(
            matches!(why, Loaded::Discarded(ref r) if r.contains("belongs to http://dns1.lan:5380"))
        );

        let good = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, &good[..good.len() / 2]).unwrap();
        let (e, why) = load_now(&path, URL);
        assert_eq!(e, Engine::default());
        assert!(matches!(why, Loaded::Discarded(ref r) if r.contains("corrupt")));

        std::fs::write(&path, good.replace("\"version\": 1", "\"version\": 2")).unwrap();
        assert!(
            matches!(load_now(&path, URL).1, Loaded::Discarded(ref r) if r.contains("version 2"))
        );

        // A counter that is not a count (negative) rejects the whole file: never a partial state.
        std::fs::write(&path, good.replace("12345", "-1")).unwrap();
        assert_eq!(load_now(&path, URL).0, Engine::default());

        std::fs::write(&path, vec![b' '; usize::try_from(MAX_SIZE + 1).unwrap()]).unwrap();
        assert!(matches!(load_now(&path, URL).1, Loaded::Discarded(ref r) if r.contains("larger")));
    }

    /// A file as `save` writes it.
    fn good() -> String {
        String::from_utf8(encode(URL, &sample()).unwrap()).unwrap()
    }

    /// Issue 21, defect 7: values the exporter never writes are not trusted because the file
    /// parses. The watermark: on the minute grid, within a year of now.
    #[test]
    fn an_implausible_watermark_discards_the_file() {
        let good = good();
        assert_eq!(parse(good.as_bytes(), URL, NOW).unwrap(), sample());
        let watermark = format!("\"watermark\": {NOW}");
        for (bad, why) in [
            (i64::MIN.to_string(), "more than a year from now"),
            (i64::MAX.to_string(), "more than a year from now"),
            ("0".to_owned(), "more than a year from now"),
            ("-60".to_owned(), "more than a year from now"),
            (
                (NOW - 367 * 86_400).to_string(),
                "more than a year from now",
            ),
            (
                (NOW + 367 * 86_400).to_string(),
                "more than a year from now",
            ),
            ((NOW + 30).to_string(), "not a whole minute"),
        ] {
            let body = good.replace(&watermark, &format!("\"watermark\": {bad}"));
            assert!(
                discarded(&body).contains(why),
                "{bad}: {}",
                discarded(&body)
            );
        }
        // A year back is still continued (a timer stopped for months): its gap is missed.
        let old = good.replace(
            &watermark,
            &format!("\"watermark\": {}", NOW - 300 * 86_400),
        );
        assert!(parse(old.as_bytes(), URL, NOW).is_ok());
    }

    /// Label keys pass the counters' label rules and cap.
    #[test]
    fn label_values_the_counters_never_write_discard_the_file() {
        let good = good();
        let qtype = "\"A\": 999";
        for bad in [
            "\"\": 1".to_owned(),
            format!("\"{}\": 1", "A".repeat(5000)),
            "\"x=\\\"y\\\"\": 1".to_owned(),
            "\"A\\nB\": 1".to_owned(),
            "\"a b\": 1".to_owned(),
        ] {
            let body = good.replace(qtype, &bad);
            let why = discarded(&body);
            assert!(
                why.contains("qtype label value this exporter never writes"),
                "{why}"
            );
            assert!(why.len() < 200, "a bounded message: {why}");
        }
        let many: Vec<String> = (0..MAX_QTYPES).map(|i| format!("\"T{i}\": 1")).collect();
        let body = good.replace(qtype, &many.join(", "));
        assert!(
            discarded(&body).contains("more than the 64"),
            "{}",
            discarded(&body)
        );
    }

    /// The fixed rcode and outcome sets, counts below 2^53, a bounded server name.
    #[test]
    fn other_implausible_values_discard_the_file() {
        let good = good();
        for (from, to, want) in [
            ("\"NXDOMAIN\": 0", "\"nxdomain\": 0", "rcode label value"),
            ("\"cached\": 0", "\"CACHED\": 0", "outcome label value"),
            ("\"udp\": 0", "\"u-d-p\": 0", "protocol label value"),
            (
                "\"queries\": 12345",
                "\"queries\": 18446744073709551615",
                "query count",
            ),
            (
                "\"missed_minutes\": 3",
                "\"missed_minutes\": 9007199254740993",
                "missed-minute count",
            ),
            ("\"A\": 999", "\"A\": 9007199254740993", "qtype"),
            (
                "\"server\": \"dns1\"",
                "\"server\": \"dns1\\u0000\"",
                "server name",
            ),
            ("\"server\": \"dns1\"", "\"server\": \"\"", "server name"),
        ] {
            assert!(good.contains(from), "{from}");
            let why = discarded(&good.replace(from, to));
            assert!(why.contains(want), "{to}: {why}");
        }
    }

    #[test]
    fn a_failed_save_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        save(&path, URL, &sample()).unwrap();
        let missing = dir.path().join("no-such-dir").join("state.json");
        let err = save(&missing, URL, &sample()).unwrap_err();
        assert!(err.to_string().contains("no-such-dir"), "{err}");
        // A parent that is a regular file: not even root can save there.
        let under_a_file = path.join("state.json");
        let err = save(&under_a_file, URL, &sample()).unwrap_err();
        assert!(!err.is_usage());
        assert!(err.to_string().contains("this run writes nothing"), "{err}");
        assert_eq!(load_now(&path, URL), (sample(), Loaded::Continued));
    }

    /// Issue 21, defect 2: a save never renames over a directory or a FIFO (put there after the
    /// run started), and a load refuses them without blocking.
    #[test]
    fn nothing_but_a_regular_file_is_read_or_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        for path in [&fifo, &sub] {
            let err = save(path, URL, &sample()).unwrap_err();
            assert!(err.is_usage(), "{err}");
            assert!(err.to_string().contains("not a regular file"), "{err}");
            let err = load(path, URL, NOW).unwrap_err();
            assert!(err.is_usage(), "{err}");
        }
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
        assert!(sub.is_dir());
        // The temporary file of the refused saves is gone.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// Found by the fuzz target: a corrupt file's message quoted 160 characters escaped to six
    /// bytes each. Whatever the file holds, a message stays short.
    #[test]
    fn messages_quote_a_bounded_part_of_the_file() {
        let key = "\u{7f}".repeat(5000);
        for body in [
            format!("{{\"fo{key}rmat\": 1}}"),
            format!("{{\"format\": \"{key}\", \"version\": 1, \"url\": \"\", \"engine\": {{}}}}"),
        ] {
            let why = parse(body.as_bytes(), URL, NOW).unwrap_err().to_string();
            assert!(
                why.len() < 300 && !why.contains('\u{7f}'),
                "{} bytes: {why}",
                why.len()
            );
        }
    }
}
