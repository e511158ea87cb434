//! The README against the code: its collector table lists every collector of the registry, in
//! the registry's order, with its default and the API paths it calls; its alert table lists every
//! alert of `contrib/prometheus/alerts.yml`, once, and nothing else.

use std::path::PathBuf;

use technitium_exporter::collector::{self, SESSION, Spec};

/// One row of the README's collector table: name, default, calls.
#[derive(Debug)]
struct Row {
    name: String,
    default: String,
    calls: String,
}

/// The rows of the table whose header is `| collector | default | calls | permission |`.
fn collector_table(readme: &str) -> Vec<Row> {
    let mut lines = readme
        .lines()
        .skip_while(|l| !l.starts_with("| collector | default | calls |"))
        .skip(2);
    let mut rows = Vec::new();
    while let Some(line) = lines.next().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let [name, default, calls, ..] = cells[..] else {
            panic!("a row with fewer than three cells: {line}");
        };
        rows.push(Row {
            name: name.trim_matches('`').to_owned(),
            default: default.to_owned(),
            calls: calls.to_owned(),
        });
    }
    rows
}

fn readme() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What the table should say about a collector's default.
fn default_of(spec: &Spec) -> &'static str {
    match (spec.name == SESSION.name, spec.default_enabled) {
        (true, _) => "always",
        (false, true) => "on",
        (false, false) => "off",
    }
}

#[test]
fn the_readme_collector_table_matches_the_registry() {
    let rows = collector_table(&readme());
    let specs: Vec<&Spec> = std::iter::once(&SESSION)
        .chain(collector::specs())
        .collect();
    let listed: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let registered: Vec<&str> = specs.iter().map(|s| s.name).collect();
    assert_eq!(
        listed, registered,
        "README.md's collector table (## Collectors and metrics) lists other collectors, or in another order, than the registry"
    );
    for (row, spec) in rows.iter().zip(&specs) {
        let want = default_of(spec);
        // "on (v15+ only)": the first word is the default, the rest says when it applies.
        assert_eq!(
            row.default.split_whitespace().next(),
            Some(want),
            "README.md says the {} collector's default is {:?}; the registry says {want}",
            row.name,
            row.default
        );
        for endpoint in spec.endpoints {
            assert!(
                row.calls.contains(endpoint.path()),
                "README.md's row for {} does not name {}, which it calls: {:?}",
                row.name,
                endpoint.path(),
                row.calls
            );
        }
    }
}

#[test]
fn the_collector_table_parser_reads_cells_and_stops_at_the_table_end() {
    let text = "intro\n| collector | default | calls | permission |\n|---|---|---|---|\n| `a` | on (v14+) | `/api/x` | none |\n| `b` | off | none | Zones: View |\n\nafter\n| `c` | on | x | y |\n";
    let rows = collector_table(text);
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(rows[0].default, "on (v14+)");
    assert_eq!(rows[0].calls, "`/api/x`");
}

/// The alert names of the README's table whose header is `| alert | fires when | severity |`
/// (a row may name two alerts as `A / B`).
fn alert_table(readme: &str) -> Vec<String> {
    let mut lines = readme
        .lines()
        .skip_while(|l| !l.starts_with("| alert | fires when |"))
        .skip(2);
    let mut names = Vec::new();
    while let Some(line) = lines.next().filter(|l| l.starts_with('|')) {
        let first = line
            .trim_matches('|')
            .split(" | ")
            .next()
            .unwrap_or_default();
        names.extend(first.split(" / ").map(|n| n.trim().to_owned()));
    }
    names
}

#[test]
fn the_readme_alert_table_lists_each_alert_of_alerts_yml_once() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("contrib/prometheus/alerts.yml");
    let rules =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut defined: Vec<String> = rules
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- alert: "))
        .map(|n| n.trim().to_owned())
        .collect();
    let mut listed = alert_table(&readme());
    let count = listed.len();
    listed.sort();
    listed.dedup();
    assert_eq!(count, listed.len(), "the README lists an alert twice");
    defined.sort();
    assert_eq!(listed, defined, "README alert table vs alerts.yml");
}

#[test]
fn the_alert_table_parser_splits_two_names_and_stops_at_the_table_end() {
    let text = "| alert | fires when | severity |\n|---|---|---|\n| A / B | x | warning |\n| C | y | critical |\n\n| D | z | warning |\n";
    assert_eq!(alert_table(text), ["A", "B", "C"]);
}
