//! The state file's lock: two runs sharing one `--state.file` take turns.
//!
//! Without it, a run that started earlier and finished later (a slow server, a manual run while
//! the timer runs, two timers) saved an older watermark and older totals over a newer run's, in
//! the state file and in the output, and the counters went down. A run takes an exclusive
//! `flock` on `PATH.lock`, a file beside the state file that is never renamed or removed (a lock
//! on the state file itself would be lost with each atomic rename), before it reads the state,
//! and keeps it until the run ends (the lock is released when its [`StateLock`] is dropped, or
//! by the system when the process dies, even by SIGKILL). It writes its process id into the lock
//! file, so a run that waits can say which run it waits for.
//!
//! A second run waits about as long as a run may take (its `--technitium.timeout` plus
//! [`MARGIN`]), then gives up with [`StateFileError::Busy`]: it stops before collecting and
//! writes nothing, and the run holding the lock writes the newer state.

use std::fs::File;
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rustix::fs::{FlockOperation, Mode, OFlags};
use rustix::io::Errno;
use tokio::time::Instant;

use super::state_file::{OpenError, StateFileError, check_place, dir_of, open_regular, words};

/// What a waiting run allows beyond the holder's timeout: its output and its save.
pub const MARGIN: Duration = Duration::from_secs(5);
/// How often a waiting run tries the lock again.
const POLL: Duration = Duration::from_millis(100);

/// The lock of a state file, held until dropped.
#[derive(Debug)]
pub struct StateLock {
    // Closing the file releases the lock.
    _file: File,
}

/// The lock file of the state file at `state`: `state` with `.lock` appended.
#[must_use]
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes the lock of the state file at `state`, waiting up to `wait` for a run that holds it.
///
/// The state file's own path is checked first ([`check_place`]), so that nothing is created
/// beside a path that can never hold state (no `/dev/null.lock`).
///
/// # Errors
/// [`StateFileError::NotRegular`] for a state or lock path that is not a regular file;
/// [`StateFileError::Write`] when the lock file cannot be created (the directory is missing or
/// not writable: the save would fail too); [`StateFileError::Busy`] when another run still
/// holds the lock after `wait`.
pub async fn acquire(state: &Path, wait: Duration) -> Result<StateLock, StateFileError> {
    check_place(state)?;
    let path = lock_path(state);
    check_place(&path)?;
    let fail = |what: &'static str, e: &dyn std::fmt::Display| StateFileError::Write {
        what,
        path: state.to_owned(),
        dir: dir_of(state).to_owned(),
        reason: format!("{}: {}", path.display(), words(e)),
    };
    let file = open_regular(
        &path,
        OFlags::RDWR | OFlags::CREATE,
        Mode::RUSR | Mode::WUSR,
    )
    .map_err(|e| match e {
        OpenError::NotRegular(what) => StateFileError::NotRegular {
            path: path.clone(),
            what,
        },
        OpenError::NotFound => fail("create the lock file of", &"not found"),
        OpenError::Io(e) => fail("create the lock file of", &e),
    })?;
    let deadline = Instant::now() + wait;
    let mut told = false;
    loop {
        match rustix::fs::flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => break,
            Err(Errno::INTR) => {}
            Err(Errno::WOULDBLOCK) => {
                let holder = holder(&file);
                if Instant::now() >= deadline {
                    return Err(StateFileError::Busy {
                        path: state.to_owned(),
                        holder,
                        waited: wait,
                    });
                }
                if !told {
                    told = true;
                    tracing::info!(
                        path = %state.display(),
                        pid = holder,
                        "another run is using the state file: waiting up to {}s for it",
                        wait.as_secs()
                    );
                }
                tokio::time::sleep(POLL).await;
            }
            Err(e) => return Err(fail("lock", &std::io::Error::from(e))),
        }
    }
    record_pid(&file);
    Ok(StateLock { _file: file })
}

/// The process id the holder wrote into the lock file, if it did.
fn holder(file: &File) -> Option<u32> {
    let mut buf = [0u8; 16];
    let n = file.read_at(&mut buf, 0).ok()?;
    std::str::from_utf8(&buf[..n]).ok()?.trim().parse().ok()
}

/// Writes this process's id into the lock file (only said in a waiting run's messages, so a
/// failure is no reason to stop).
fn record_pid(file: &File) {
    let pid = format!("{}\n", std::process::id());
    if let Err(e) = file
        .set_len(0)
        .and_then(|()| file.write_all_at(pid.as_bytes(), 0))
    {
        tracing::debug!("cannot record the process id in the state file's lock: {e}");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_second_run_waits_then_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("counters.json");
        let held = acquire(&state, Duration::ZERO).await.unwrap();
        assert_eq!(
            std::fs::read_to_string(lock_path(&state)).unwrap(),
            format!("{}\n", std::process::id())
        );
        // A lock is per open file: a second open in this process is another run.
        let started = Instant::now();
        let err = acquire(&state, Duration::from_secs(15)).await.unwrap_err();
        assert!(started.elapsed() >= Duration::from_secs(15));
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("another run (pid {})", std::process::id())),
            "{msg}"
        );
        assert!(msg.contains("within 15s"), "{msg}");
        assert!(!err.is_usage());
        drop(held);
        // Released: the next run gets it at once.
        acquire(&state, Duration::ZERO).await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiting_run_gets_the_lock_once_it_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("counters.json");
        let held = acquire(&state, Duration::ZERO).await.unwrap();
        let release = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(3)).await;
            drop(held);
        });
        acquire(&state, Duration::from_secs(10)).await.unwrap();
        release.await.unwrap();
    }

    #[tokio::test]
    async fn no_lock_file_beside_a_path_that_is_not_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = acquire(dir.path(), Duration::ZERO).await.unwrap_err();
        assert!(err.is_usage(), "{err}");
        assert!(
            err.to_string()
                .contains("is a directory, not a regular file")
        );
        assert!(!lock_path(dir.path()).exists());
        // A lock path that is a directory is refused too, without waiting.
        let state = dir.path().join("counters.json");
        std::fs::create_dir(lock_path(&state)).unwrap();
        let err = acquire(&state, Duration::ZERO).await.unwrap_err();
        assert!(err.is_usage(), "{err}");
        // A directory that does not exist: the lock file cannot be created, a failed run.
        let missing = dir.path().join("missing").join("counters.json");
        let err = acquire(&missing, Duration::ZERO).await.unwrap_err();
        assert!(!err.is_usage());
        let msg = err.to_string();
        assert!(
            msg.contains("cannot create the lock file of the state file"),
            "{msg}"
        );
        assert!(msg.contains("missing"), "{msg}");
    }
}
