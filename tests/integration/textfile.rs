//! `textfile` against the built binary: golden content from a wiremock server replaying the v15.2
//! fixtures (tests/fixtures/technitium/15.2, shared with the other tests), file mode, temp-file
//! hygiene, a down server, unwritable directories, and atomicity under SIGKILL.
//!
//! `UPDATE_GOLDEN=1 cargo test --test integration textfile` rewrites tests/golden/textfile_v15_2.prom;
//! review the diff before committing it.

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use crate::common::{TOKEN, Version, exporter_command, start_mock};

/// The binary with a clean environment (no TECHNITIUM_* or RUST_LOG from the caller).
fn exporter() -> Command {
    exporter_command()
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Duration values change every run: replace them with 0.
fn normalise(exposition: &str) -> String {
    exposition
        .lines()
        .map(|l| {
            if l.starts_with("technitium_scrape_duration_seconds")
                || l.starts_with("technitium_scrape_collector_duration_seconds")
            {
                let (series, _) = l.rsplit_once(' ').unwrap();
                format!("{series} 0\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

/// Checks that `text` is a complete exposition: every line is a comment or `series value`, every
/// sample follows its family's TYPE line, no timestamps, and the scrape duration comes last.
fn assert_complete(text: &str) {
    assert!(
        text.starts_with("# HELP technitium_up "),
        "starts with: {:?}",
        &text[..text.len().min(80)]
    );
    assert!(text.ends_with('\n'), "no final newline");
    let mut family = String::new();
    let mut last = "";
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            family = rest.split(' ').next().unwrap().to_owned();
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        assert!(!line.starts_with('#'), "stray comment {line:?}");
        // `name{labels} value`: label values may hold spaces, the value never does.
        let (series, value) = line.rsplit_once(' ').unwrap();
        assert!(
            value.parse::<f64>().is_ok() || ["+Inf", "-Inf", "NaN"].contains(&value),
            "bad value in {line:?}"
        );
        let name = series.split('{').next().unwrap();
        assert_eq!(name, family, "sample outside its family: {line:?}");
        assert!(
            !series.contains('{') || series.ends_with('}'),
            "timestamp or junk after the labels: {line:?}"
        );
        last = line;
    }
    assert!(
        last.starts_with("technitium_scrape_duration_seconds "),
        "last sample is {last:?}"
    );
}

fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".technitium.prom."))
        .collect()
}

fn set_age(file: &Path, age: Duration) {
    fs::File::options()
        .write(true)
        .open(file)
        .unwrap()
        .set_modified(SystemTime::now() - age)
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_the_golden_file_atomically_with_mode_0644() {
    let server = start_mock(Version::V15_2).await;
    let dir = tempfile::tempdir().unwrap();
    // A stale temp file of a killed run (older than a minute), a fresh one that may belong to a
    // run still writing, and somebody else's file.
    let stale = dir.path().join(".technitium.prom.AbC123");
    let fresh = dir.path().join(".technitium.prom.XyZ789");
    let other = dir.path().join(".other.prom.AbC123");
    for f in [&stale, &fresh, &other] {
        fs::write(f, "partial").unwrap();
    }
    set_age(&stale, Duration::from_secs(120));
    set_age(&other, Duration::from_secs(120));

    let out = run(exporter()
        .arg("textfile")
        .args(["--technitium.url", &server.uri()])
        .args(["--technitium.token", TOKEN])
        .arg("--output.dir")
        .arg(dir.path()));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert!(stdout.is_empty(), "stdout: {stdout}");

    let target = dir.path().join("technitium.prom");
    let written = fs::read_to_string(&target).unwrap();
    assert_complete(&written);
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/textfile_v15_2.prom");
    let normalised = normalise(&written);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&golden, &normalised).unwrap();
    }
    assert_eq!(normalised, fs::read_to_string(&golden).unwrap());

    // node_exporter's own families and the exporter's self metrics stay out.
    for line in written.lines() {
        let name = line
            .trim_start_matches("# HELP ")
            .trim_start_matches("# TYPE ");
        assert!(
            !name.starts_with("process_")
                && !name.starts_with("go_")
                && !name.starts_with("technitium_exporter_"),
            "{line}"
        );
    }
    assert!(written.contains("technitium_up 1\n"));

    let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "mode {mode:o}");
    // The stale temp file is gone; the fresh one and the foreign file are not ours to remove.
    assert_eq!(temp_files(dir.path()), vec![".technitium.prom.XyZ789"]);
    assert!(other.exists());

    // One info line with the path and the series count.
    let series = written.lines().filter(|l| !l.starts_with('#')).count();
    let info: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("textfile written"))
        .collect();
    assert_eq!(info.len(), 1, "stderr: {stderr}");
    assert!(
        info[0].contains(&format!("path={}", target.display())),
        "{stderr}"
    );
    assert!(info[0].contains(&format!("series={series}")), "{stderr}");

    for output in [&stdout, &stderr, &written] {
        assert!(!output.contains(TOKEN));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn output_file_names_a_bare_prom_file() {
    let server = start_mock(Version::V15_2).await;
    let dir = tempfile::tempdir().unwrap();
    let out = run(exporter()
        .arg("textfile")
        .args(["--technitium.url", &server.uri()])
        .args(["--technitium.token", TOKEN])
        .arg("--output.dir")
        .arg(dir.path())
        .args(["--output.file", "dns2.prom"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_complete(&fs::read_to_string(dir.path().join("dns2.prom")).unwrap());

    for (name, message) in [
        ("technitium.txt", "must end in .prom"),
        ("sub/technitium.prom", "bare file name"),
        ("../technitium.prom", "bare file name"),
        (".prom", "must not start with a dot"),
    ] {
        let out = run(exporter()
            .args(["textfile", "--demo", "--output.file", name])
            .arg("--output.dir")
            .arg(dir.path()));
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(message), "{name}: {stderr}");
    }
    let mut left: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, vec!["dns2.prom"]);
}

#[test]
fn a_down_server_still_gets_its_file_with_up_0() {
    let dir = tempfile::tempdir().unwrap();
    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let target = dir.path().join("technitium.prom");
    for (fail_on_down, code) in [(false, 0), (true, 1)] {
        let _ = fs::remove_file(&target);
        let mut cmd = exporter();
        cmd.arg("textfile")
            .args(["--technitium.url", &url, "--technitium.token", TOKEN])
            .arg("--output.dir")
            .arg(dir.path());
        if fail_on_down {
            cmd.arg("--fail-on-down");
        }
        let out = run(&mut cmd);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{stderr}");
        let written = fs::read_to_string(&target).unwrap();
        assert_complete(&written);
        assert!(written.contains("technitium_up 0\n"), "{written}");
        assert!(
            written.contains("technitium_scrape_error{reason=\"unreachable\"} 1\n"),
            "{written}"
        );
        assert!(stderr.contains("cannot reach"), "{stderr}");
        assert!(!stderr.contains(TOKEN) && !written.contains(TOKEN));
    }
}

#[test]
fn an_unwritable_directory_is_a_clear_error_and_the_old_file_stays() {
    let dir = tempfile::tempdir().unwrap();
    // A directory path whose parent is a regular file: nobody can create it, not even root.
    let file = dir.path().join("plain-file");
    fs::write(&file, "x").unwrap();
    let out = run(exporter()
        .args(["textfile", "--demo", "--output.dir"])
        .arg(file.join("sub")));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(stderr.contains("is not a directory"), "{stderr}");
    assert!(!stderr.contains("os error"), "{stderr}");

    // A directory that does not exist.
    let out = run(exporter()
        .args(["textfile", "--demo", "--output.dir"])
        .arg(dir.path().join("missing")));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(!dir.path().join("missing").exists());

    // A real permission error needs a user without CAP_DAC_OVERRIDE: as root, drop to nobody.
    if !running_as_root() || !Path::new("/usr/bin/setpriv").exists() {
        eprintln!("skipping the permission-denied part: needs root and setpriv");
        return;
    }
    let locked = dir.path().join("locked");
    fs::create_dir(&locked).unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    let old = locked.join("technitium.prom");
    fs::write(&old, "# the old, complete file\ntechnitium_up 1\n").unwrap();
    fs::set_permissions(&old, fs::Permissions::from_mode(0o644)).unwrap();
    let as_nobody = |args: &[&str]| {
        let mut cmd = Command::new("/usr/bin/setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(env!("CARGO_BIN_EXE_technitium-exporter"))
            .args(args)
            .env_remove("TECHNITIUM_EXPORTER_OUTPUT_DIR")
            .env_remove("TECHNITIUM_EXPORTER_OUTPUT_FILE")
            .stdin(Stdio::null());
        cmd.output().unwrap()
    };
    let locked_str = locked.to_str().unwrap();
    let out = as_nobody(&["textfile", "--demo", "--output.dir", locked_str]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot write {locked_str}: permission denied")),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(&old).unwrap(),
        "# the old, complete file\ntechnitium_up 1\n"
    );
    assert_eq!(fs::read_dir(&locked).unwrap().count(), 1);

    // Without --output.dir, the default directory: whatever state it is in on this machine
    // (missing, or root's), nobody cannot write there and is told about --output.dir.
    let out = as_nobody(&["textfile", "--demo"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write /var/lib/prometheus/node-exporter"),
        "{stderr}"
    );
    assert!(stderr.contains("pass --output.dir"), "{stderr}");
}

fn running_as_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// A small xorshift generator: random kill points without a dependency.
struct Rng(u64);

impl Rng {
    fn new() -> Self {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let seed =
            u64::try_from(nanos % u128::from(u64::MAX)).unwrap() ^ u64::from(std::process::id());
        eprintln!("atomicity seed: {seed}");
        Self(seed | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Keeps reading `target` until `stop`, asserting each read is a complete exposition.
fn spawn_reader(
    target: std::path::PathBuf,
    stop: Arc<AtomicBool>,
    reads: Arc<AtomicUsize>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            let body = fs::read(&target).expect("the target vanished");
            assert!(
                body.starts_with(b"# HELP technitium_up ")
                    && body.ends_with(b"\n")
                    && body[..body.len() - 1]
                        .rsplit(|b| *b == b'\n')
                        .next()
                        .is_some_and(|l| l.starts_with(b"technitium_scrape_duration_seconds ")),
                "the reader saw a partial file of {} bytes",
                body.len()
            );
            reads.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(15));
        }
    })
}

/// The names of the state file's temporary files in `dir`.
fn state_temps(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".state-"))
        .collect()
}

/// Kills runs at random moments (a fixed number of them, half as soon as a write has begun):
/// the `.prom` and the state file are always complete, and the temporary files the killed runs
/// left are removed by the next run once they are older than a minute. The number of kills,
/// not the machine's speed, bounds the test.
#[test]
fn sigkill_at_any_moment_leaves_a_complete_file() {
    const KILLS: usize = 6;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("technitium.prom");
    let state = dir.path().join("counters.json");
    // About 116 000 series, 8 MB: writing it takes long enough to be interrupted.
    let args = |cmd: &mut Command| {
        cmd.args([
            "textfile",
            "--demo",
            "--demo.zones",
            "20000",
            "--collector.zones.limit",
            "0",
            "--log.level",
            "warn",
            "--output.dir",
        ])
        .arg(dir.path())
        .arg("--state.file")
        .arg(&state)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    };
    // Before the first write the file is absent; afterwards it must always be complete.
    assert!(!target.exists());
    let started = Instant::now();
    let status = {
        let mut cmd = exporter();
        args(&mut cmd);
        cmd.status().unwrap()
    };
    // Only to spread the random kill points over a run; nothing is asserted on time.
    let full_run = started.elapsed();
    assert!(status.success());
    assert_complete(&fs::read_to_string(&target).unwrap());

    // A reader that keeps opening the file while writers are being killed.
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let reader = spawn_reader(target.clone(), stop.clone(), reads.clone());

    let mut rng = Rng::new();
    let max_ms = u64::try_from(full_run.as_millis()).unwrap() * 11 / 10;
    let mut in_write = 0;
    for kill in 0..KILLS {
        let mut cmd = exporter();
        args(&mut cmd);
        let before = temp_files(dir.path());
        let mut child = cmd.spawn().unwrap();
        if kill % 2 == 0 {
            // Anywhere in the run (mostly the demo start and the collection).
            std::thread::sleep(Duration::from_millis(rng.below(max_ms)));
        } else {
            // Inside the write: as soon as a new temp file appears (unless the run ends
            // first), plus 0–7 ms.
            while child.try_wait().unwrap().is_none()
                && temp_files(dir.path()).iter().all(|t| before.contains(t))
            {
                std::thread::sleep(Duration::from_micros(300));
            }
            in_write += usize::from(child.try_wait().unwrap().is_none());
            std::thread::sleep(Duration::from_millis(rng.below(8)));
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        assert_complete(&fs::read_to_string(&target).unwrap());
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o777,
            0o644
        );
        // The state file is the old one or the new one, whole.
        let kept = fs::read(&state).unwrap();
        assert!(
            serde_json::from_slice::<serde_json::Value>(&kept).is_ok(),
            "a partial state file of {} bytes",
            kept.len()
        );
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().expect("reader failed");
    assert!(reads.load(Ordering::Relaxed) > 0);

    // Each killed run leaves at most its preflight and its real temp file, and its state's.
    let left = temp_files(dir.path());
    let left_state = state_temps(dir.path());
    eprintln!(
        "{KILLS} kills ({in_write} inside a write), {} reads, {} temp files and {} state temp files left by killed writers",
        reads.load(Ordering::Relaxed),
        left.len(),
        left_state.len()
    );
    assert!(
        left.len() <= 2 * KILLS,
        "{} temp files: {left:?}",
        left.len()
    );
    assert!(left_state.len() <= KILLS, "{left_state:?}");
    // Once they are older than a minute, the next successful run removes them all.
    for name in left.iter().chain(&left_state) {
        set_age(&dir.path().join(name), Duration::from_secs(90));
    }
    let mut cmd = exporter();
    args(&mut cmd);
    assert!(cmd.status().unwrap().success());
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    assert_eq!(state_temps(dir.path()), Vec::<String>::new());
    assert_complete(&fs::read_to_string(&target).unwrap());
}
