//! `--state.file` against the built binary (issue 21): two runs sharing one file take turns and
//! never make a counter go down; a path that is not a regular file is refused without blocking
//! or replacing it; a file that cannot be read or saved fails the run and is left alone; the
//! temporary files of killed saves are swept; values the exporter never writes are not trusted.
//!
//! The permission cases need a process that the file modes bind: as root, the binary runs
//! without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (`setpriv --bounding-set`), so they run
//! (and can fail) as root and as any other user alike.

use std::fs;
use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

use technitium_exporter::collector::counters::{state_file, state_lock};

use crate::common::{TOKEN, Version, exporter_command, sample};
use crate::minutes::SimServer;

/// A whole minute near this machine's clock (the state file's watermark is checked against it).
fn t0() -> i64 {
    state_file::unix_now().div_euclid(60) * 60
}

/// `textfile` against `url`, writing into `out` and keeping its state at `state`.
fn textfile(url: &str, out: &Path, state: &Path) -> Command {
    let mut cmd = exporter_command();
    cmd.args([
        "textfile",
        "--technitium.url",
        url,
        "--technitium.token",
        TOKEN,
    ])
    .arg("--output.dir")
    .arg(out)
    .arg("--state.file")
    .arg(state)
    .stdout(Stdio::null());
    cmd
}

/// `textfile --demo`, writing into `out` and keeping its state at `state`.
fn demo_textfile(out: &Path, state: &Path) -> Command {
    let mut cmd = exporter_command();
    cmd.args(["textfile", "--demo", "--output.dir"])
        .arg(out)
        .arg("--state.file")
        .arg(state);
    cmd
}

/// Waits for `child`, failing the test (instead of hanging it) when it has not ended after a
/// generous minute: the defect of a FIFO as state file was a run that never ends.
fn finish(mut child: Child, what: &str) -> Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{what}: the run did not end");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn run(mut cmd: Command, what: &str) -> (Option<i32>, String) {
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = finish(child, what);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn queries(prom: &Path) -> f64 {
    let text = fs::read_to_string(prom).unwrap();
    sample(&text, "technitium_queries_total").unwrap_or_else(|| panic!("no counter in {text}"))
}

fn running_as_root() -> bool {
    fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
    })
}

/// `cmd` as a process the file modes bind: as root, without the capabilities that override
/// them; otherwise as it is.
fn bound_by_modes(cmd: &Command) -> Command {
    if !running_as_root() {
        let mut same = Command::new(cmd.get_program());
        same.args(cmd.get_args());
        return env_of(cmd, same);
    }
    let setpriv = Path::new("/usr/bin/setpriv");
    assert!(
        setpriv.exists(),
        "setpriv (util-linux) is needed to test permission errors as root"
    );
    let mut wrapped = Command::new(setpriv);
    wrapped
        .arg("--bounding-set=-dac_override,-dac_read_search")
        .arg("--")
        .arg(cmd.get_program())
        .args(cmd.get_args());
    env_of(cmd, wrapped)
}

fn env_of(from: &Command, mut to: Command) -> Command {
    for (k, v) in from.get_envs() {
        match v {
            Some(v) => to.env(k, v),
            None => to.env_remove(k),
        };
    }
    to.stdin(Stdio::null());
    to
}

fn set_age(file: &Path, age: Duration) {
    fs::File::options()
        .write(true)
        .open(file)
        .unwrap()
        .set_modified(SystemTime::now() - age)
        .unwrap();
}

/// Defect 1: a run that started earlier and finished later saved its older watermark and totals
/// over a newer run's, and `technitium_queries_total` went down in the `.prom`. The second run
/// now waits for the first, then continues from what it saved.
#[tokio::test(flavor = "multi_thread")]
async fn two_overlapping_runs_never_make_a_counter_go_down() {
    let t0 = t0();
    let sim = SimServer::start(Version::V13_6, t0 + 30).await;
    let dir = tempfile::tempdir().unwrap();
    let (out, state) = (dir.path().join("out"), dir.path().join("counters.json"));
    fs::create_dir(&out).unwrap();
    let prom = out.join("technitium.prom");
    let url = sim.uri();

    // The first run starts counting.
    let first = textfile(&url, &out, &state);
    let (code, stderr) = tokio::task::spawn_blocking(move || run(first, "first run"))
        .await
        .unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    let mut seen = vec![queries(&prom)];

    // A: three minutes later, on a server whose Custom answer takes 4 s.
    sim.with(|s| {
        s.now = t0 + 30 + 180;
        s.slow_custom = Some(Duration::from_secs(4));
    });
    let a = textfile(&url, &out, &state)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid_a = a.id();
    // B starts once A has asked for its minutes (A's answer is then on its way, held back),
    // three minutes later again.
    let asked = Instant::now();
    while sim.with(|s| s.custom_calls.len()) < 1 {
        assert!(asked.elapsed() < Duration::from_secs(60), "A never asked");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    sim.with(|s| s.now = t0 + 30 + 360);
    let b = textfile(&url, &out, &state)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // Read the file each time one of them ends.
    let prom_read = prom.clone();
    let (order, outputs, values) = tokio::task::spawn_blocking(move || {
        let mut running = vec![("A", Some(a)), ("B", Some(b))];
        let (mut order, mut outputs, mut values) = (Vec::new(), Vec::new(), Vec::new());
        let started = Instant::now();
        while order.len() < 2 {
            assert!(started.elapsed() < Duration::from_secs(60), "a run hung");
            for (name, slot) in &mut running {
                let done = slot
                    .as_mut()
                    .is_some_and(|c| c.try_wait().unwrap().is_some());
                if done {
                    values.push(queries(&prom_read));
                    let output = slot.take().unwrap().wait_with_output().unwrap();
                    order.push(*name);
                    outputs.push((*name, output));
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        (order, outputs, values)
    })
    .await
    .unwrap();
    seen.extend(&values);
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "technitium_queries_total went down: {seen:?} (runs ended in the order {order:?})"
    );
    for (name, output) in &outputs {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{name}: {stderr}");
        if *name == "B" {
            assert!(
                stderr.contains("another run is using the state file")
                    && stderr.contains(&format!("pid={pid_a}")),
                "B did not wait for A (pid {pid_a}): {stderr}"
            );
        }
    }
    // Nothing was lost or counted twice: every final minute since the first run, once.
    let want = sim.with(|s| s.sum(t0 - 60, t0 + 300)).queries as f64;
    assert_eq!(queries(&prom), want, "{seen:?}");
    let (engine, _) = state_file::load(&state, &url, state_file::unix_now()).unwrap();
    assert_eq!(engine.watermark, Some(t0 + 300));
    assert_eq!(engine.totals.queries as f64, want);
}

/// Defect 1, bounded: a run that cannot get the lock waits about as long as a run takes, then
/// stops with exit 1, names the run that holds it, and writes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_run_that_cannot_get_the_lock_names_the_other_run_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("counters.json");
    fs::write(&state, b"{ kept as it is }").unwrap();
    let held = state_lock::acquire(&state, Duration::ZERO).await.unwrap();
    let mut cmd = demo_textfile(dir.path(), &state);
    cmd.args(["--technitium.timeout", "1s"]);
    let (code, stderr) = tokio::task::spawn_blocking(move || run(cmd, "locked out"))
        .await
        .unwrap();
    drop(held);
    assert_eq!(code, Some(1), "{stderr}");
    let pid = std::process::id();
    assert!(
        stderr.contains(&format!("another run (pid {pid}) is using the state file")),
        "{stderr}"
    );
    assert!(stderr.contains("did not finish within 6s"), "{stderr}");
    assert!(!dir.path().join("technitium.prom").exists());
    assert_eq!(fs::read(&state).unwrap(), b"{ kept as it is }");
}

/// A character device of our own as root (so that a regression cannot replace the machine's
/// /dev/null), the real /dev/null otherwise (which nobody else may replace).
fn device_node(dir: &Path) -> PathBuf {
    if !running_as_root() {
        return PathBuf::from("/dev/null");
    }
    let node = dir.join("null");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &node,
        rustix::fs::FileType::CharacterDevice,
        rustix::fs::Mode::from_raw_mode(0o666),
        rustix::fs::makedev(1, 3),
    )
    .unwrap();
    node
}

/// Defect 2: `/dev/null` (as root) was replaced by a JSON file, a FIFO hung the run for ever in
/// `open()`, a directory was a warning every run. Each is now refused at once (exit 2), left
/// as it was, and nothing is created beside it.
#[test]
fn a_state_file_that_is_not_a_regular_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let places = dir.path().join("places");
    fs::create_dir(&places).unwrap();
    let fifo = places.join("fifo");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
    let directory = places.join("directory");
    fs::create_dir(&directory).unwrap();
    let target = places.join("target.json");
    fs::write(&target, b"{}").unwrap();
    let link = places.join("link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let device = device_node(&places);
    let cases: [(&Path, &str); 4] = [
        (&fifo, "is a FIFO (named pipe), not a regular file"),
        (&directory, "is a directory, not a regular file"),
        (&link, "is a symbolic link, not a regular file"),
        (&device, "is a character device, not a regular file"),
    ];
    let before: Vec<_> = fs::read_dir(&places).unwrap().collect();
    for (path, words) in cases {
        let (code, stderr) = run(demo_textfile(dir.path(), path), words);
        assert_eq!(code, Some(2), "{}: {stderr}", path.display());
        assert!(stderr.contains(words), "{}: {stderr}", path.display());
        assert!(stderr.contains("leave --state.file out"), "{stderr}");
        assert!(!dir.path().join("technitium.prom").exists());
    }
    // Each is what it was; no lock or temporary file appeared beside them.
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(fs::symlink_metadata(&directory).unwrap().is_dir());
    assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(fs::read(&target).unwrap(), b"{}");
    assert!(fs::metadata(&device).unwrap().file_type().is_char_device());
    assert_eq!(fs::read_dir(&places).unwrap().count(), before.len());
    // `scrape` refuses it the same way.
    let mut cmd = exporter_command();
    cmd.args(["scrape", "--demo", "--state.file"]).arg(&fifo);
    let (code, stderr) = run(cmd, "scrape with a FIFO");
    assert_eq!(code, Some(2), "{stderr}");
}

/// Defect 5: with a state path nobody can write, every run exited 0 and reported its counters
/// starting at 0. A state that cannot be kept now fails the run (exit 1) before the `.prom` is
/// written, so the old file stays and no counter restarts.
#[test]
fn a_state_file_that_cannot_be_saved_fails_the_run_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let prom = dir.path().join("technitium.prom");
    fs::write(&prom, "# the old, complete file\n").unwrap();
    // A parent that is a regular file: nothing can be created there, not even by root.
    let plain = dir.path().join("plain-file");
    fs::write(&plain, "x").unwrap();
    let (code, stderr) = run(
        demo_textfile(dir.path(), &plain.join("counters.json")),
        "parent is a file",
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("plain-file/counters.json") && stderr.contains("this run writes nothing"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(&prom).unwrap(),
        "# the old, complete file\n"
    );

    // A directory that may not be written: the lock file is there, so the run gets as far as
    // the save, which fails.
    let ro = dir.path().join("read-only");
    fs::create_dir(&ro).unwrap();
    let state = ro.join("counters.json");
    fs::write(state_lock::lock_path(&state), "").unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    let (code, stderr) = run(
        bound_by_modes(&demo_textfile(dir.path(), &state)),
        "read-only directory",
    );
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot create a temporary file for the state file"),
        "{stderr}"
    );
    assert!(stderr.contains("ermission denied"), "{stderr}");
    assert!(!stderr.contains("os error"), "{stderr}");
    assert_eq!(
        fs::read_to_string(&prom).unwrap(),
        "# the old, complete file\n"
    );
    assert!(!state.exists());
}

/// Defect 5: a good state file that could not be read (EACCES) was discarded and overwritten.
/// It is now left as it is, and the run fails without writing counters from 0.
#[test]
fn a_state_file_that_cannot_be_read_is_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("counters.json");
    let good = b"{\"format\": \"technitium-exporter-derived-counters\", \"version\": 1}";
    fs::write(&state, good).unwrap();
    fs::set_permissions(&state, fs::Permissions::from_mode(0o000)).unwrap();
    let (code, stderr) = run(
        bound_by_modes(&demo_textfile(dir.path(), &state)),
        "unreadable state",
    );
    fs::set_permissions(&state, fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot read the state file") && stderr.contains("it is left as it is"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ermission denied") && !stderr.contains("os error"),
        "{stderr}"
    );
    assert_eq!(fs::read(&state).unwrap(), good);
    assert!(!dir.path().join("technitium.prom").exists());
}

/// Defect 6: the `.state-*.tmp` files of runs killed during a save stayed for ever. A save
/// removes those older than a minute, and leaves younger ones (a save in progress) and other
/// files alone.
#[test]
fn stale_temporary_state_files_are_swept() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("counters.json");
    for name in [
        ".state-old1.tmp",
        ".state-old2.tmp",
        ".state-young.tmp",
        ".state-notes",
    ] {
        fs::write(dir.path().join(name), "{").unwrap();
    }
    for name in [".state-old1.tmp", ".state-old2.tmp", ".state-notes"] {
        set_age(&dir.path().join(name), Duration::from_secs(90));
    }
    let (code, stderr) = run(demo_textfile(dir.path(), &state), "sweep");
    assert_eq!(code, Some(0), "{stderr}");
    let mut left: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".state-"))
        .collect();
    left.sort();
    assert_eq!(left, [".state-notes", ".state-young.tmp"]);
    assert!(state.exists());
}

/// Defect 7: a watermark of `i64::MIN` wrapped (and overflowed in a debug build), 0 added
/// millions of missed minutes. Such a file is now a warning and a fresh start.
#[tokio::test(flavor = "multi_thread")]
async fn a_state_file_with_values_the_exporter_never_writes_starts_afresh() {
    let t0 = t0();
    let sim = SimServer::start(Version::V13_6, t0 + 30).await;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("counters.json");
    let url = sim.uri();
    for watermark in [i64::MIN, 0, -1] {
        fs::write(
            &state,
            format!(
                "{{\"format\": \"technitium-exporter-derived-counters\", \"version\": 1, \"url\": \"{url}\", \"engine\": {{\"watermark\": {watermark}, \"server\": null, \"totals\": {{\"queries\": 5, \"rcodes\": {{}}, \"outcomes\": {{}}, \"qtypes\": {{\"x=\\\"y\\\"\": 5}}, \"protocols\": {{}}, \"missed_minutes\": 0}}, \"custom_agrees\": null, \"warning\": null}}}}"
            ),
        )
        .unwrap();
        let cmd = textfile(&url, dir.path(), &state);
        let (code, stderr) = tokio::task::spawn_blocking(move || run(cmd, "implausible"))
            .await
            .unwrap();
        assert_eq!(code, Some(0), "{stderr}");
        assert!(
            stderr.contains("derived counters start afresh")
                && stderr.contains("more than a year from now"),
            "{stderr}"
        );
        let prom = dir.path().join("technitium.prom");
        assert_eq!(queries(&prom), 0.0);
        assert_eq!(
            sample(
                &fs::read_to_string(&prom).unwrap(),
                "technitium_derived_counters_missed_minute_buckets_total"
            ),
            Some(0.0)
        );
        let (engine, _) = state_file::load(&state, &url, state_file::unix_now()).unwrap();
        assert_eq!(engine.watermark, Some(t0 - 60));
    }
}
