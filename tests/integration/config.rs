//! Configuration precedence through the binary, with the environment layer this time (the
//! library's unit tests cover defaults < file < flags): defaults < config file < environment <
//! flags, for several settings, read back from `check --format json` (its config step lists the
//! timeout and the enabled collectors; `target` is the URL). The URLs point at closed ports:
//! only the configuration matters here.

use serde_json::Value;

use crate::common::{exporter_command, refused_port};

/// `check --format json` with these config-file lines, environment and flags.
fn check(file: &str, env: &[(&str, &str)], flags: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, file).unwrap();
    let mut cmd = exporter_command();
    cmd.arg("--config.file")
        .arg(&path)
        .args(flags)
        .args(["check", "--format", "json"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn config_detail(report: &Value) -> String {
    report["targets"][0]["steps"][0]["detail"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn target(report: &Value) -> String {
    report["targets"][0]["target"].as_str().unwrap().to_owned()
}

/// `(setting, file, (variable, value), flags, read it back, what file, env and flag give)`.
type Row = (
    &'static str,
    String,
    (&'static str, String),
    Vec<String>,
    fn(&Value) -> String,
    [String; 3],
);

#[test]
fn defaults_then_file_then_environment_then_flags() {
    let url = |n: u16| format!("http://127.0.0.1:{n}");
    let (file_url, env_url, flag_url) = (
        url(refused_port()),
        url(refused_port()),
        url(refused_port()),
    );
    let rows: Vec<Row> = vec![
        (
            "url",
            format!("[technitium]\nurl = \"{file_url}\"\n"),
            ("TECHNITIUM_URL", env_url.clone()),
            vec!["--technitium.url".into(), flag_url.clone()],
            target,
            [file_url.clone(), env_url.clone(), flag_url.clone()],
        ),
        (
            "timeout",
            format!("[technitium]\nurl = \"{file_url}\"\ntimeout = \"3s\"\n"),
            ("TECHNITIUM_TIMEOUT", "5s".into()),
            vec!["--technitium.timeout".into(), "7s".into()],
            config_detail,
            [
                "timeout 3s;".into(),
                "timeout 5s;".into(),
                "timeout 7s;".into(),
            ],
        ),
        (
            "a collector switch",
            format!("[technitium]\nurl = \"{file_url}\"\n[collector]\ntop = true\n"),
            ("TECHNITIUM_EXPORTER_COLLECTOR_TOP", "false".into()),
            vec!["--collector.top=true".into()],
            config_detail,
            [
                "security, top".into(),
                "security\n".into(),
                "security, top".into(),
            ],
        ),
        (
            "disable_defaults",
            format!("[technitium]\nurl = \"{file_url}\"\n[collector]\ndisable_defaults = true\n"),
            (
                "TECHNITIUM_EXPORTER_COLLECTOR_DISABLE_DEFAULTS",
                "false".into(),
            ),
            vec!["--collector.disable-defaults".into()],
            config_detail,
            [
                "collectors: session, \n".into(),
                "collectors: session, lifetime".into(),
                "collectors: session, \n".into(),
            ],
        ),
    ];
    for (what, file, (var, value), flags, read, [from_file, from_env, from_flag]) in rows {
        let env = [(var, value.as_str())];
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        let shown = |r: &Value| format!("{}\n", read(r));
        assert!(
            shown(&check(&file, &[], &[])).contains(&from_file),
            "{what}: file"
        );
        assert!(
            shown(&check(&file, &env, &[])).contains(&from_env),
            "{what}: env over file"
        );
        assert!(
            shown(&check(&file, &env, &flags)).contains(&from_flag),
            "{what}: flag over env"
        );
    }
}
