//! deploy/kubernetes against what the project builds, with Rust alone (no kubectl, no cluster):
//! the Deployment runs the image `scripts/build-image.sh` tags from the `Containerfile` (name,
//! version, user, port, entrypoint and command), hardened and probed as documented; the Service
//! and the ServiceMonitor reach it; both config files start `serve`; the PrometheusRule holds
//! `contrib/prometheus/alerts.yml`'s groups line for line.
//!
//! The manifests are read with a small reader of the YAML they are written in (block mappings
//! and sequences, plain and quoted scalars, comments), which refuses anything else rather than
//! misread it: no YAML crate for a few files (serde_yaml is deprecated). scripts/check-kubernetes.sh
//! checks what kustomize renders from them, with kubernetes-validate and promtool.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use crate::common::{exporter_command, free_port};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(repo().join(relative))
        .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
}

/// A YAML node of the subset the manifests use: scalars stay text (`true`, `9274`).
#[derive(Debug, Clone, PartialEq)]
enum Yaml {
    Scalar(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    /// The node at `path` (mapping keys, or sequence indexes written as numbers).
    fn at(&self, path: &[&str]) -> &Yaml {
        let mut node = self;
        for (depth, key) in path.iter().enumerate() {
            node = match node {
                Yaml::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
                Yaml::Seq(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
                Yaml::Scalar(_) => None,
            }
            .unwrap_or_else(|| panic!("no {} in {self:?}", path[..=depth].join(".")));
        }
        node
    }

    fn str(&self, path: &[&str]) -> &str {
        match self.at(path) {
            Yaml::Scalar(s) => s,
            other => panic!("{} is not a scalar: {other:?}", path.join(".")),
        }
    }

    fn seq(&self, path: &[&str]) -> &[Yaml] {
        match self.at(path) {
            Yaml::Seq(items) => items,
            other => panic!("{} is not a sequence: {other:?}", path.join(".")),
        }
    }

    fn map(&self, path: &[&str]) -> &[(String, Yaml)] {
        match self.at(path) {
            Yaml::Map(entries) => entries,
            other => panic!("{} is not a mapping: {other:?}", path.join(".")),
        }
    }

    fn has(&self, key: &str) -> bool {
        matches!(self, Yaml::Map(entries) if entries.iter().any(|(k, _)| k == key))
    }

    /// The item of a sequence whose `key` is `value` (a container, port or volume by name).
    fn item<'a>(&'a self, path: &[&str], key: &str, value: &str) -> &'a Yaml {
        self.seq(path)
            .iter()
            .find(|item| item.has(key) && item.str(&[key]) == value)
            .unwrap_or_else(|| panic!("no item with {key}: {value} in {}", path.join(".")))
    }

    fn scalars(&self, path: &[&str]) -> Vec<&str> {
        (0..self.seq(path).len())
            .map(|i| self.str(&[path, &[i.to_string().as_str()]].concat()))
            .collect()
    }
}

/// Parses one YAML document of the subset; panics, naming the line, on anything else.
fn parse_yaml(name: &str, text: &str) -> Yaml {
    let mut lines = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let content = strip_comment(raw);
        let trimmed = content.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        let unsupported = trimmed.starts_with(['[', '{', '&', '*', '|', '>', '!', '%'])
            || trimmed.starts_with("---")
            || raw.starts_with('\t')
            || [": [", ": {", ": &", ": *", ": |", ": >", ": !"]
                .iter()
                .any(|s| trimmed.contains(s));
        assert!(
            !unsupported,
            "{name}:{}: outside the YAML subset this test reads (block style only): {raw}",
            n + 1
        );
        lines.push((
            content.len() - trimmed.len(),
            trimmed.trim_end().to_string(),
            n + 1,
        ));
    }
    let mut i = 0;
    let doc = parse_block(name, &mut lines, &mut i, 0);
    assert!(
        i == lines.len(),
        "{name}:{}: unexpected indentation",
        lines[i].2
    );
    doc
}

/// The line without its comment: `#` at its start or after a space, outside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') if previous == ' ' => return &line[..i],
            _ => {}
        }
        previous = c;
    }
    line
}

fn scalar(text: &str) -> Yaml {
    let unquoted = ['"', '\'']
        .iter()
        .find_map(|q| text.strip_prefix(*q).and_then(|t| t.strip_suffix(*q)));
    Yaml::Scalar(unquoted.unwrap_or(text).to_string())
}

/// `key: value` or `key:` (not inside quotes); None for a scalar line.
fn key_value(text: &str) -> Option<(&str, &str)> {
    if text.starts_with(['"', '\'']) {
        return None;
    }
    if let Some(key) = text.strip_suffix(':') {
        return Some((key, ""));
    }
    text.split_once(": ").map(|(k, v)| (k, v.trim()))
}

fn parse_block(
    name: &str,
    lines: &mut [(usize, String, usize)],
    i: &mut usize,
    indent: usize,
) -> Yaml {
    let is_item = |text: &str| text == "-" || text.starts_with("- ");
    if is_item(&lines[*i].1) {
        let mut items = Vec::new();
        while *i < lines.len() && lines[*i].0 == indent && is_item(&lines[*i].1) {
            let rest = lines[*i].1[1..].trim_start().to_string();
            if rest.is_empty() {
                *i += 1;
                let deeper = lines[*i].0;
                assert!(deeper > indent, "{name}:{}: an empty item", lines[*i].2);
                items.push(parse_block(name, lines, i, deeper));
            } else {
                // `- key: value` opens a mapping at the column after the dash.
                let column = indent + lines[*i].1.len() - rest.len();
                lines[*i].0 = column;
                lines[*i].1 = rest;
                items.push(parse_block(name, lines, i, column));
            }
        }
        return Yaml::Seq(items);
    }
    let Some((_, _)) = key_value(&lines[*i].1) else {
        let value = scalar(&lines[*i].1);
        *i += 1;
        return value;
    };
    let mut entries: Vec<(String, Yaml)> = Vec::new();
    while *i < lines.len() && lines[*i].0 == indent && !is_item(&lines[*i].1) {
        let line = lines[*i].2;
        let (key, value) = key_value(&lines[*i].1)
            .unwrap_or_else(|| panic!("{name}:{line}: expected `key: value`"));
        let key = key.to_string();
        assert!(
            entries.iter().all(|(k, _)| *k != key),
            "{name}:{line}: duplicate key {key}"
        );
        let value = if value.is_empty() {
            *i += 1;
            match lines.get(*i) {
                // A sequence may sit at its key's own indentation.
                Some((next, text, _)) if *next > indent || (*next == indent && is_item(text)) => {
                    let next = *next;
                    parse_block(name, lines, i, next)
                }
                _ => Yaml::Scalar(String::new()),
            }
        } else {
            *i += 1;
            scalar(value)
        };
        entries.push((key, value));
    }
    Yaml::Map(entries)
}

fn manifest(relative: &str) -> Yaml {
    parse_yaml(relative, &read(relative))
}

/// What scripts/build-image.sh and the Containerfile build.
struct Image {
    reference: String,
    uid: String,
    gid: String,
    port: String,
    entrypoint: String,
    command: String,
}

/// The value of a Containerfile instruction, or of a `NAME=value` line of build-image.sh.
fn instruction<'a>(text: &'a str, file: &str, prefix: &str) -> &'a str {
    let found: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix(prefix))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{file}: expected one `{prefix}` line, found {found:?}"
    );
    found[0].trim()
}

/// `["/usr/bin/x"]` → `/usr/bin/x` (a Containerfile's exec form with one element).
fn exec_form(value: &str) -> String {
    let inner = value
        .strip_prefix("[\"")
        .and_then(|v| v.strip_suffix("\"]"))
        .unwrap_or_else(|| panic!("expected the exec form [\"...\"]: {value}"));
    assert!(!inner.contains('"'), "one element expected: {value}");
    inner.to_string()
}

fn image() -> Image {
    let containerfile = read("Containerfile");
    let script = read("scripts/build-image.sh");
    let name = instruction(&script, "scripts/build-image.sh", "name=");
    let uid_gid = instruction(&script, "scripts/build-image.sh", "readonly UID_GID=");
    assert!(
        script.contains(r#"-t "$name:$version""#),
        "scripts/build-image.sh no longer tags $name:$version"
    );
    let user = instruction(&containerfile, "Containerfile", "USER ");
    assert_eq!(
        user,
        format!("{uid_gid}:{uid_gid}"),
        "the Containerfile's USER and build-image.sh's passwd entry"
    );
    let (uid, gid) = user.split_once(':').unwrap();
    Image {
        reference: format!("{name}:{}", env!("CARGO_PKG_VERSION")),
        uid: uid.to_string(),
        gid: gid.to_string(),
        port: instruction(&containerfile, "Containerfile", "EXPOSE ").to_string(),
        entrypoint: exec_form(instruction(&containerfile, "Containerfile", "ENTRYPOINT ")),
        command: exec_form(instruction(&containerfile, "Containerfile", "CMD ")),
    }
}

const DEPLOYMENT: &str = "deploy/kubernetes/base/deployment.yaml";
const SERVICE: &str = "deploy/kubernetes/base/service.yaml";
const SERVICE_MONITOR: &str =
    "deploy/kubernetes/components/prometheus-operator/servicemonitor.yaml";
const PROMETHEUS_RULE: &str =
    "deploy/kubernetes/components/prometheus-operator/prometheusrule.yaml";
const RULES: &str = "contrib/prometheus/alerts.yml";

/// The exporter's container in the Deployment.
fn container(deployment: &Yaml) -> &Yaml {
    let containers = deployment.seq(&["spec", "template", "spec", "containers"]);
    assert_eq!(containers.len(), 1, "one container");
    &containers[0]
}

/// `--flag=value` of the container's arguments.
fn flag<'a>(args: &[&'a str], flag: &str) -> &'a str {
    let prefix = format!("{flag}=");
    let found: Vec<&str> = args
        .iter()
        .filter_map(|a| a.strip_prefix(&prefix))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one {flag}=... in the Deployment's args: {args:?}"
    );
    found[0]
}

#[test]
fn deployment_runs_the_image_build_image_builds() {
    let image = image();
    let d = manifest(DEPLOYMENT);
    assert_eq!(d.str(&["apiVersion"]), "apps/v1");
    assert_eq!(d.str(&["kind"]), "Deployment");
    let c = container(&d);
    assert_eq!(
        c.str(&["image"]),
        image.reference,
        "the Deployment's image is what scripts/build-image.sh tags for Cargo.toml's version"
    );
    assert!(
        !c.has("command"),
        "the image's entrypoint {} runs: no command",
        image.entrypoint
    );
    assert!(image.entrypoint.ends_with("/technitium-exporter"));
    let args = c.scalars(&["args"]);
    assert_eq!(
        args.first().copied(),
        Some(image.command.as_str()),
        "args replace the image's CMD: the subcommand comes first"
    );

    let port = c.item(&["ports"], "containerPort", &image.port);
    let port_name = port.str(&["name"]);
    assert_eq!(port.str(&["protocol"]), "TCP");
    for (probe, path) in [
        ("livenessProbe", "/-/healthy"),
        ("readinessProbe", "/-/ready"),
    ] {
        assert_eq!(c.str(&[probe, "httpGet", "path"]), path, "{probe}");
        assert_eq!(c.str(&[probe, "httpGet", "port"]), port_name, "{probe}");
        assert!(
            !c.at(&[probe, "httpGet"]).has("scheme"),
            "{probe}: plain HTTP, as the base serves"
        );
    }
    for kind in ["requests", "limits"] {
        for resource in ["cpu", "memory"] {
            assert!(
                !c.str(&["resources", kind, resource]).is_empty(),
                "{kind}.{resource}"
            );
        }
    }
    assert!(
        !c.has("env"),
        "settings come from args and the config file; the token never from an env var"
    );
}

#[test]
fn deployment_is_hardened_as_the_image_allows() {
    let image = image();
    let d = manifest(DEPLOYMENT);
    let pod = d.at(&["spec", "template", "spec"]);
    assert_eq!(pod.str(&["automountServiceAccountToken"]), "false");
    assert_eq!(pod.str(&["enableServiceLinks"]), "false");
    let psc = pod.at(&["securityContext"]);
    assert_eq!(psc.str(&["runAsNonRoot"]), "true");
    assert_eq!(psc.str(&["runAsUser"]), image.uid, "the image's USER");
    assert_eq!(psc.str(&["runAsGroup"]), image.gid, "the image's USER");
    assert_eq!(
        psc.str(&["fsGroup"]),
        image.gid,
        "the Secret's files readable by the group"
    );
    assert_eq!(psc.str(&["seccompProfile", "type"]), "RuntimeDefault");
    let csc = container(&d).at(&["securityContext"]);
    assert_eq!(csc.str(&["readOnlyRootFilesystem"]), "true");
    assert_eq!(csc.str(&["allowPrivilegeEscalation"]), "false");
    assert_eq!(csc.scalars(&["capabilities", "drop"]), ["ALL"]);
    assert!(!csc.at(&["capabilities"]).has("add"));
    assert!(
        !csc.has("privileged") && !csc.has("runAsUser"),
        "the pod's settings hold"
    );
}

#[test]
fn deployment_mounts_the_token_secret_and_the_config_map() {
    let d = manifest(DEPLOYMENT);
    let c = container(&d);
    let args = c.scalars(&["args"]);
    let mount_of = |volume: &str| {
        let m = c.item(&["volumeMounts"], "name", volume);
        assert_eq!(
            m.str(&["readOnly"]),
            "true",
            "{volume} is mounted read-only"
        );
        m.str(&["mountPath"]).to_string()
    };
    let volume = |name: &str| {
        d.item(&["spec", "template", "spec", "volumes"], "name", name)
            .clone()
    };

    // The token: a file of the Secret (every key a file), as the Containerfile's comment and
    // the compose file have it; never a subPath, so the whole Secret is there.
    let token_file = flag(&args, "--technitium.token-file");
    assert_eq!(token_file, "/run/secrets/technitium-token");
    let token = d
        .seq(&["spec", "template", "spec", "volumes"])
        .iter()
        .find(|v| v.has("secret"))
        .expect("a Secret volume")
        .clone();
    let token_name = token.str(&["name"]);
    assert_eq!(
        token.str(&["secret", "secretName"]),
        "technitium-exporter-token"
    );
    assert!(
        !token.at(&["secret"]).has("items"),
        "every key of the Secret is a file"
    );
    assert_eq!(
        token.str(&["secret", "defaultMode"]),
        "0440",
        "readable by fsGroup only"
    );
    assert_eq!(
        Path::new(token_file).parent().unwrap(),
        Path::new(&mount_of(token_name))
    );
    assert!(!c.item(&["volumeMounts"], "name", token_name).has("subPath"));

    // The config file: the ConfigMap kustomize generates from base/config.toml.
    let config_file = flag(&args, "--config.file");
    let config = volume("config");
    assert_eq!(
        Path::new(config_file),
        Path::new(&mount_of("config")).join("config.toml")
    );
    let kustomization = manifest("deploy/kubernetes/base/kustomization.yaml");
    let generator = kustomization.item(
        &["configMapGenerator"],
        "name",
        config.str(&["configMap", "name"]),
    );
    assert_eq!(generator.scalars(&["files"]), ["config.toml"]);
    assert!(repo().join("deploy/kubernetes/base/config.toml").is_file());
}

#[test]
fn service_and_service_monitor_reach_the_container_port() {
    let d = manifest(DEPLOYMENT);
    let port = &container(&d).seq(&["ports"])[0];
    let pod_labels = d.map(&["spec", "template", "metadata", "labels"]);
    let s = manifest(SERVICE);
    let service_labels = s.map(&["metadata", "labels"]);
    let subset = |selector: &[(String, Yaml)], labels: &[(String, Yaml)]| {
        !selector.is_empty() && selector.iter().all(|kv| labels.contains(kv))
    };
    assert!(
        subset(s.map(&["spec", "selector"]), pod_labels),
        "the Service selects the pods"
    );
    assert!(
        subset(d.map(&["spec", "selector", "matchLabels"]), pod_labels),
        "the Deployment selects its pods"
    );
    let sp = s.item(&["spec", "ports"], "name", port.str(&["name"]));
    assert_eq!(
        sp.str(&["port"]),
        port.str(&["containerPort"]),
        "the exporter's port, 9274"
    );
    assert_eq!(sp.str(&["targetPort"]), port.str(&["name"]));

    let sm = manifest(SERVICE_MONITOR);
    assert_eq!(sm.str(&["kind"]), "ServiceMonitor");
    assert!(
        subset(sm.map(&["spec", "selector", "matchLabels"]), service_labels),
        "the ServiceMonitor selects the Service"
    );
    let endpoint = sm.item(&["spec", "endpoints"], "path", "/metrics");
    assert_eq!(endpoint.str(&["port"]), port.str(&["name"]));
}

/// The lines of `text` from its top-level `key:` line on, without trailing blank lines.
fn from_key<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    let mut lines: Vec<&str> = text.lines().skip_while(|l| *l != key).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

#[test]
fn prometheus_rule_holds_the_groups_of_alerts_yml() {
    let rule = read(PROMETHEUS_RULE);
    let rules = read(RULES);
    assert!(rule.contains("\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"));
    let spec = from_key(&rule, "spec:");
    assert!(!spec.is_empty(), "{PROMETHEUS_RULE} has no top-level spec:");
    let groups: Vec<&str> = spec[1..]
        .iter()
        .map(|l| {
            l.strip_prefix("  ")
                .or(l.is_empty().then_some(""))
                .unwrap_or_else(|| panic!("{PROMETHEUS_RULE}: a line outside spec: {l}"))
        })
        .collect();
    let want = from_key(&rules, "groups:");
    assert!(want.len() > 10, "{RULES} has a top-level groups:");
    let first_difference = groups.iter().zip(&want).position(|(a, b)| a != b);
    assert!(
        groups == want,
        "{PROMETHEUS_RULE} is not {RULES}'s groups indented by two (first difference at line {} of \
         the groups, {} against {} lines): run `python3 scripts/generate-prometheusrule.py` and commit",
        first_difference.map_or(groups.len().min(want.len()), |i| i) + 1,
        groups.len(),
        want.len(),
    );
}

/// A GET on loopback with std alone: the status code, or None while nothing answers.
fn status(port: u16, path: &str) -> Option<u16> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    answer.split(' ').nth(1)?.parse().ok()
}

/// `serve` starts with `config` as the Deployment passes it (the token files of /run/secrets
/// moved to a temporary directory) and reports ready.
fn assert_serve_accepts(config: &str) {
    let text = read(config);
    let dir = tempfile::tempdir().unwrap();
    let secrets = dir.path().join("secrets");
    std::fs::create_dir(&secrets).unwrap();
    let text = text.replace("/run/secrets/", &format!("{}/", secrets.display()));
    // Every token file the config names exists, as a key of the Secret would.
    let parsed: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{config}: {e}"));
    let mut token_files = vec![secrets.join("technitium-token")];
    for target in parsed
        .get("targets")
        .and_then(|t| t.as_table())
        .into_iter()
        .flat_map(|t| t.values())
    {
        if let Some(file) = target.get("token_file").and_then(|f| f.as_str()) {
            assert!(
                file.starts_with(&*secrets.to_string_lossy()),
                "{config}: {file} is not in /run/secrets"
            );
            token_files.push(PathBuf::from(file));
        }
    }
    for file in &token_files {
        std::fs::write(file, "a-token\n").unwrap();
    }
    let path = dir.path().join("config.toml");
    std::fs::write(&path, &text).unwrap();

    let port = free_port();
    let mut child = exporter_command()
        .arg("serve")
        .arg(format!("--config.file={}", path.display()))
        .arg(format!(
            "--technitium.token-file={}",
            token_files[0].display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = None;
    for _ in 0..200 {
        if let Some(code) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            panic!("serve with {config} exited with {code}: {stderr}");
        }
        ready = status(port, "/-/ready");
        if ready.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(ready, Some(200), "/-/ready of serve with {config}");
}

#[test]
fn config_files_start_serve() {
    assert_serve_accepts("deploy/kubernetes/base/config.toml");
    assert_serve_accepts("deploy/kubernetes/example/config.toml");
}

#[test]
fn yaml_reader_reads_the_subset_and_refuses_the_rest() {
    let doc = parse_yaml(
        "t",
        "a:\n  b: \"x # y\" # comment\n  c:\n  - 1\n  - k: v\n    l: w\nd: 'q'\n",
    );
    assert_eq!(doc.str(&["a", "b"]), "x # y");
    assert_eq!(doc.seq(&["a", "c"]).len(), 2);
    assert_eq!(doc.str(&["a", "c", "0"]), "1");
    assert_eq!(doc.str(&["a", "c", "1", "l"]), "w");
    assert_eq!(doc.str(&["d"]), "q");
    for bad in ["a: [x]\n", "a: |\n  x\n", "a:\n  b: 1\n c: 2\n"] {
        let result = std::panic::catch_unwind(|| parse_yaml("t", bad));
        assert!(result.is_err(), "accepted {bad:?}");
    }
}
