//! Configuration tests: precedence (defaults < file < flags here; the environment layer is
//! tested through the binary in `tests/integration/config.rs`, since a test cannot safely set
//! this process's environment), validation messages, and help text defaults.

use std::io::Write as _;

use clap::{CommandFactory, FromArgMatches};

use super::*;
use crate::cli::Cli;
use crate::collector::dashboard::Dashboard;
use crate::collector::dns::Dns;
use crate::collector::top::Top;
use crate::collector::zones::Zones;
use crate::dnsprobe::Transport;
use crate::technitium::{Secret, Window};

/// Parses `args` (after the program name) like `main` does.
fn cli(args: &[&str]) -> Result<(Cli, ArgMatches), clap::Error> {
    let matches = Cli::command()
        .try_get_matches_from(std::iter::once("technitium-exporter").chain(args.iter().copied()))?;
    let cli = Cli::from_arg_matches(&matches)?;
    Ok((cli, matches))
}

fn build(args: &[&str]) -> Result<Config, ConfigError> {
    let (cli, matches) = cli(args).map_err(|e| ConfigError::one(e.to_string()))?;
    Config::build(&cli, &matches, None)
}

/// A config file with `text`, kept for the test's life.
fn file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap_or_else(|e| panic!("temp file: {e}"));
    f.write_all(text.as_bytes())
        .unwrap_or_else(|e| panic!("write: {e}"));
    f
}

fn problems(args: &[&str]) -> String {
    match build(args) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

/// One setting read back from a built configuration.
type Read = fn(&Config) -> String;

/// `(setting, file text, flags, read it back, default, file's value, flag's value)`.
type Row = (
    &'static str,
    &'static str,
    &'static [&'static str],
    Read,
    &'static str,
    &'static str,
    &'static str,
);

const ROWS: &[Row] = &[
    (
        "url",
        "[technitium]\nurl = \"http://file.lan:5380\"\n",
        &["--technitium.url", "http://flag.lan:5380"],
        |c| c.client.url.to_string(),
        "http://localhost:5380/",
        "http://file.lan:5380/",
        "http://flag.lan:5380/",
    ),
    (
        "timeout",
        "[technitium]\ntimeout = \"3s\"\n",
        &["--technitium.timeout", "7s"],
        |c| format!("{:?}", c.client.timeout),
        "10s",
        "3s",
        "7s",
    ),
    (
        "max response size",
        "[technitium]\nmax_response_size = \"1MiB\"\n",
        &["--technitium.max-response-size", "2MiB"],
        |c| c.client.max_response_size.to_string(),
        "67108864",
        "1048576",
        "2097152",
    ),
    (
        "a collector switch",
        "[collector]\ntop = true\n",
        &["--no-collector.top"],
        |c| c.options.is_enabled("top").to_string(),
        "false",
        "true",
        "false",
    ),
    (
        "a collector table's switch",
        "[collector.dhcp]\nenabled = false\n",
        &["--collector.dhcp=true"],
        |c| c.options.is_enabled("dhcp").to_string(),
        "true",
        "false",
        "true",
    ),
    (
        "a collector option",
        "[collector.zones]\nlimit = 5\n",
        &["--collector.zones.limit", "6"],
        |c| {
            c.options
                .settings::<Zones>()
                .map(|z| z.limit)
                .unwrap_or(0)
                .to_string()
        },
        "10000",
        "5",
        "6",
    ),
    (
        "a list option",
        "[collector.dashboard]\nwindow = [\"last_day\"]\n",
        &["--collector.dashboard.window", "last_week,last_hour"],
        |c| {
            format!(
                "{:?}",
                c.options.settings::<Dashboard>().map(|d| d.windows.clone())
            )
        },
        "Some([LastHour])",
        "Some([LastDay])",
        "Some([LastHour, LastWeek])",
    ),
    (
        "a min interval",
        "[collector.dashboard]\nmin_interval = \"1m\"\n",
        &["--collector.dashboard.min-interval", "2m"],
        |c| format!("{:?}", c.options.min_interval("dashboard")),
        "0ns",
        "60s",
        "120s",
    ),
    (
        "disable_defaults",
        "[collector]\ndisable_defaults = true\n",
        &["--collector.disable-defaults=false"],
        |c| c.options.is_enabled("zones").to_string(),
        "true",
        "false",
        "true",
    ),
    (
        "log level",
        "[log]\nlevel = \"warn\"\n",
        &["--log.level", "debug"],
        |c| c.log.level.as_str().to_owned(),
        "info",
        "warn",
        "debug",
    ),
    (
        "telemetry path",
        "[web]\ntelemetry_path = \"/file\"\n",
        &["serve", "--web.telemetry-path", "/flag"],
        |c| c.web.telemetry_path.clone(),
        "/metrics",
        "/file",
        "/flag",
    ),
    (
        "output file",
        "[output]\nfile = \"file.prom\"\n",
        &["textfile", "--output.file", "flag.prom"],
        |c| c.output.file.clone(),
        "technitium.prom",
        "file.prom",
        "flag.prom",
    ),
];

#[test]
fn defaults_then_file_then_flags() {
    for &(what, text, flags, read, default, from_file, from_flag) in ROWS {
        // Rows whose flags belong to a subcommand start with it; the others run `scrape`.
        let sub = match flags.first() {
            Some(s) if !s.starts_with('-') => None,
            _ => Some("scrape"),
        };
        let plain: Vec<&str> = sub.map_or_else(|| vec![flags[0]], |s| vec![s]);
        let config = file(text);
        let path = config.path().to_string_lossy().into_owned();
        let built = |extra: &[&str], with_file: bool| {
            let mut args: Vec<&str> = Vec::new();
            if with_file {
                args.extend(["--config.file", path.as_str()]);
            }
            args.extend(extra);
            args.extend(sub);
            build(&args).map(|c| read(&c))
        };
        let plain: &[&str] = if sub.is_some() { &[] } else { &plain };
        assert_eq!(
            built(plain, false),
            Ok(default.to_owned()),
            "{what}: default"
        );
        assert_eq!(built(plain, true), Ok(from_file.to_owned()), "{what}: file");
        assert_eq!(
            built(flags, true),
            Ok(from_flag.to_owned()),
            "{what}: flag over file"
        );
    }
}

#[test]
fn top_uses_its_own_options_and_a_limit_of_at_least_one() {
    let c = build(&[
        "--collector.top.limit",
        "0",
        "--collector.top.reverse-lookup=true",
        "scrape",
    ]);
    let top = c
        .as_ref()
        .ok()
        .and_then(|c| c.options.settings::<Top>().cloned());
    assert_eq!(top.map(|t| (t.limit, t.reverse_lookup)), Some((1, true)));
    assert_eq!(Window::from_label("last_month"), Some(Window::LastMonth));
}

#[test]
fn both_switches_of_one_collector_are_a_usage_error() {
    let e = cli(&["--collector.top", "--no-collector.top", "scrape"]).err();
    let msg = e.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("--collector.top and --no-collector.top are both given"),
        "{msg}"
    );
}

/// Each config file `text` fails `mode` with a problem that contains `wanted`, in words of
/// the file (never serde's internal names).
fn assert_file_problems(mode: &str, cases: &[(&str, &str)]) {
    for (text, wanted) in cases {
        let f = file(text);
        let path = f.path().to_string_lossy().into_owned();
        let got = problems(&["--config.file", &path, mode]);
        assert!(
            got.contains(wanted),
            "{text:?}: wanted {wanted:?} in {got:?}"
        );
        assert!(
            !got.contains("FileSwitch") && !got.contains("untagged"),
            "{got}"
        );
    }
}

#[test]
fn file_errors_name_the_key_and_what_is_right() {
    assert_file_problems(
        "scrape",
        &[
            ("[technitium]\nurll = \"x\"\n", "unknown field `urll`"),
            (
                "[technitium]\ntimeout = 5\n",
                "expected a string (line 2: `timeout = 5` in [technitium])",
            ),
            (
                "[collector.zones]\nlimit = -5\n",
                "[collector.zones] limit: \"-5\" is not a whole number",
            ),
            (
                "[collector.zones]\nlimt = 5\n",
                "[collector.zones] limt: unknown key (keys of [collector.zones]: include, exclude, limit, enabled, min_interval)",
            ),
            (
                "[collector]\nzone = false\n",
                "unknown collector \"zone\" (collectors: lifetime",
            ),
            (
                "[collector]\ntop = 3\n",
                "[collector] top must be true, false or a [collector.top] table",
            ),
            (
                "[collector]\nsession = false\n",
                "the session collector is always on",
            ),
            (
                "[collector.zones]\ninclude = \"[\"\n",
                "[collector.zones] include: invalid regex \"[\": error: unclosed character class",
            ),
            (
                "[collector.dashboard]\nwindow = [\"yesterday\"]\n",
                "\"yesterday\" is not a window",
            ),
            (
                "[web]\ntls_cert_file = \"/x\"\n",
                "[web] needs both tls_cert_file and tls_key_file",
            ),
            ("[output]\nfile = \"x.txt\"\n", "must end in .prom"),
            (
                "[web]\nlisten_address = [\"9274\"]\n",
                "\"9274\" is not :PORT, HOST:PORT or [IPv6]:PORT",
            ),
            (
                "[web]\ntelemetry_path = \"/probe\"\n",
                "--web.telemetry-path must start with /",
            ),
            (
                "[targets.\"a b\"]\nurl = \"http://x\"\n",
                "target names may use letters",
            ),
            (
                "[targets.x]\nurl = \"http://x\"\ncollector = { zonez = true }\n",
                "[targets.x] collector: unknown collector \"zonez\"",
            ),
        ],
    );
}

#[test]
fn flag_errors_name_the_flag() {
    for (args, wanted) in [
        (
            &["--technitium.url", "dns.lan:5380"][..],
            "(write it as http://dns.lan:5380)",
        ),
        (
            &["--technitium.url", "http://x/?token=abc"],
            "put no query string",
        ),
        (
            &["--technitium.timeout", "0s"],
            "--technitium.timeout must be more than 0s",
        ),
        (
            &["--technitium.timeout", "100years"],
            "--technitium.timeout must be at most 1h",
        ),
        (
            &["--technitium.max-response-size", "0"],
            "is outside 1.0 KiB to 1.0 GiB",
        ),
        (
            &["--collector.zones.limit=-1"],
            "--collector.zones.limit: \"-1\" is not a whole number",
        ),
        (
            &["--collector.dashboard.min-interval", "soon"],
            "--collector.dashboard.min-interval: \"soon\" is not a duration",
        ),
    ] {
        let mut all = args.to_vec();
        all.push("scrape");
        let got = problems(&all);
        assert!(
            got.contains(wanted),
            "{args:?}: wanted {wanted:?} in {got:?}"
        );
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    let got = build(&[
        "--technitium.url",
        "ftp://x",
        "--technitium.timeout",
        "x",
        "--collector.zones.limit",
        "y",
        "scrape",
    ]);
    assert_eq!(got.err().map(|e| e.problems.len()), Some(3));
}

#[test]
fn token_files_are_one_trimmed_line_without_a_bom() {
    let f = file("\u{feff}  secret-token \n");
    assert_eq!(
        read_token_file(f.path()).map(|s| s.expose().to_owned()),
        Ok("secret-token".to_owned())
    );
    let two = file("one\ntwo\n");
    let msg = read_token_file(two.path())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(msg.contains("has more than one line"), "{msg}");
    let empty = file(" \n");
    let msg = read_token_file(empty.path())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(msg.contains("is empty"), "{msg}");
}

#[test]
fn output_file_names_are_bare_and_end_in_prom() {
    assert!(check_output_file("technitium.prom").is_ok());
    assert!(check_output_file("dns-2.prom").is_ok());
    for bad in [
        "technitium",
        ".prom",
        "a/b.prom",
        "../x.prom",
        ".hidden.prom",
        "x.prom.tmp",
        "",
    ] {
        assert!(check_output_file(bad).is_err(), "{bad}");
    }
}

#[test]
fn per_node_keys_and_the_external_url_are_read() {
    // Good values: node names lower-cased, trailing / of the external URL dropped.
    let f = file(
        "[web]\nexternal_url = \"https://mon.lan/technitium/\"\n[targets.c]\nurl = \"http://a.lan:5380\"\nnode_urls = { \"B.lan\" = \"https://b.lan:53443\" }\n[targets.d]\nurl = \"http://d.lan:5380\"\nper_node = false\n",
    );
    let path = f.path().to_string_lossy().into_owned();
    let config = build(&["--config.file", &path, "serve"]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        config.web.external_url.as_ref().map(url::Url::as_str),
        Some("https://mon.lan/technitium")
    );
    let c = &config.targets[0];
    assert!(c.per_node);
    assert_eq!(
        c.node_urls.get("b.lan").map(url::Url::as_str),
        Some("https://b.lan:53443/")
    );
    assert!(!config.targets[1].per_node && config.targets[1].node_urls.is_empty());
    // The flag beats the file.
    let flagged = build(&[
        "--config.file",
        &path,
        "serve",
        "--web.external-url",
        "http://10.0.0.5:9274",
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        flagged.web.external_url.as_ref().map(url::Url::as_str),
        Some("http://10.0.0.5:9274/")
    );
}

#[test]
fn per_node_keys_and_the_external_url_are_checked() {
    assert_file_problems(
        "serve",
        &[
            (
                "[technitium]\nper_node = false\n",
                "per_node and node_urls belong in [targets.NAME]",
            ),
            (
                "[targets.c]\nurl = \"http://a.lan\"\nnode_urls = { \"b lan\" = \"http://b.lan\" }\n",
                "[targets.c] node_urls: \"b lan\" is not a node name",
            ),
            (
                "[targets.c]\nurl = \"http://a.lan\"\nnode_urls = { \"b.lan\" = \"b.lan:5380\" }\n",
                "[targets.c] node_urls.\"b.lan\": the scheme must be http or https",
            ),
            (
                "[targets.c]\nurl = \"http://a.lan\"\nper_node = false\nnode_urls = { \"b.lan\" = \"http://b.lan\" }\n",
                "[targets.c]: node_urls needs per_node = true",
            ),
            ("[modules.m]\nper_node = true\n", "unknown field `per_node`"),
            (
                "[web]\nexternal_url = \"mon.lan:9274\"\n",
                "--web.external-url: \"mon.lan:9274\" must be an http or https URL with a host",
            ),
            (
                "[web]\nexternal_url = \"https://u:p@mon.lan\"\n",
                "--web.external-url: put no user, password, query or fragment in it",
            ),
        ],
    );
}

/// Every `[default: X]` in the help is the real default: giving X explicitly changes nothing.
#[test]
fn help_defaults_are_the_real_defaults() {
    let cmd = Cli::command();
    let mut checked = 0;
    let subcommands: Vec<(&str, Vec<clap::Arg>)> =
        std::iter::once(("scrape", cmd.get_arguments().cloned().collect()))
            .chain(
                cmd.get_subcommands()
                    .map(|s| (s.get_name(), s.get_arguments().cloned().collect())),
            )
            .map(|(n, a)| {
                (
                    if n == "technitium-exporter" {
                        "scrape"
                    } else {
                        n
                    },
                    a,
                )
            })
            .collect();
    for (sub, args) in subcommands {
        // Two explicit values are meant to differ in one way: `check` logs at an explicit
        // --log.level, and textfile's messages stop suggesting --output.dir once it is given.
        let shown = |c: Config| {
            format!("{c:?}")
                .replace("level_given: true", "level_given: false")
                .replace("dir_given: true", "dir_given: false")
        };
        let baseline = build(&[sub]).map(shown);
        for arg in args {
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            let Some(default) = help
                .rsplit_once("[default: ")
                .and_then(|(_, d)| d.strip_suffix(']'))
            else {
                continue;
            };
            let Some(long) = arg.get_long() else { continue };
            let value = match default {
                "on" => "true",
                "off" => "false",
                "system roots" => continue,
                v => v,
            };
            let flag = format!("--{long}={value}");
            let (before, after): (Vec<&str>, Vec<&str>) = if sub == "scrape" || arg.is_global_set()
            {
                (vec![flag.as_str()], vec![sub])
            } else {
                (vec![sub], vec![flag.as_str()])
            };
            let args: Vec<&str> = before.into_iter().chain(after).collect();
            let explicit = build(&args).map(shown);
            assert_eq!(explicit, baseline, "{long}: help says [default: {default}]");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} defaults checked");
}

/// No `Debug` output of the command line, the config file or the built configuration shows a
/// token or a password hash: they are for the server and for checking passwords, not for logs.
#[test]
fn debug_output_never_shows_a_token_or_a_hash() {
    const FLAG_TOKEN: &str = "flag-token-0123456789";
    const FILE_TOKEN: &str = "file-token-0123456789";
    const MODULE_TOKEN: &str = "module-token-0123456789";
    let hash = bcrypt::hash("s3cret", 4).unwrap_or_else(|e| panic!("{e}"));
    let hash = hash.as_str();
    let text = format!(
        "[web]\nbasic_auth_users = {{ prometheus = \"{hash}\" }}\n\
         [targets.lab]\nurl = \"http://lab:5380\"\ntoken = \"{FILE_TOKEN}\"\n\
         [modules.any]\nallow_url_targets = true\ntoken = \"{MODULE_TOKEN}\"\n"
    );
    let parsed = FileConfig::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let f = file(&text);
    let path = f.path().to_string_lossy().into_owned();
    let args = [
        "--technitium.url",
        "http://dns:5380",
        "--technitium.token",
        FLAG_TOKEN,
        "--config.file",
        &path,
        "scrape",
    ];
    let (cli, _) = cli(&args).unwrap_or_else(|e| panic!("{e}"));
    let config = build(&args).unwrap_or_else(|e| panic!("{e}"));
    let shown = format!("{cli:?}\n{parsed:?}\n{config:?}");
    for secret in [FLAG_TOKEN, FILE_TOKEN, MODULE_TOKEN, hash] {
        assert!(!shown.contains(secret), "{secret} shown: {shown}");
    }
    assert!(shown.contains("prometheus"), "user names are fine: {shown}");
}

/// A layer as `--demo` gives one: its URL, token, and the dns collector aimed at listeners
/// with a CA.
fn demo_layer() -> DemoLayer {
    let values = [
        ("address", "127.0.0.1"),
        ("transports", "udp,tls"),
        ("udp-port", "5301"),
    ];
    DemoLayer {
        url: url::Url::parse("http://127.0.0.1:5999").unwrap_or_else(|e| panic!("{e}")),
        token: Secret::new("demo-token"),
        presets: vec![Preset {
            collector: "dns",
            aim: "address",
            values: values.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
            ca_pem: Some("DEMO CA".into()),
        }],
    }
}

fn build_with_demo(args: &[&str]) -> Config {
    let (cli, matches) = cli(args).unwrap_or_else(|e| panic!("{e}"));
    Config::build(&cli, &matches, Some(&demo_layer())).unwrap_or_else(|e| panic!("{e}"))
}

/// What `c`'s default target gets from the demo: URL, token, the dns probes' address,
/// transports and UDP port, and the CA they trust.
fn demo_parts(
    c: &Config,
) -> (
    String,
    bool,
    Option<String>,
    Vec<Transport>,
    u16,
    Option<&str>,
) {
    let dns = c
        .options
        .settings::<Dns>()
        .unwrap_or_else(|| panic!("dns settings"));
    (
        c.client.url.to_string(),
        c.client.token == Some(Secret::new("demo-token")),
        dns.address.clone(),
        dns.transports.clone(),
        dns.port(Transport::Udp),
        c.client.extra_ca_pem.as_deref(),
    )
}

const DEMO_URL: &str = "http://127.0.0.1:5999/";

/// `--demo` alone sets the URL, the token, the dns collector's defaults and the CA they trust,
/// and in `serve` the `demo` target.
#[test]
fn the_demo_alone_gives_its_server_listeners_and_target() {
    let alone = build_with_demo(&["serve"]);
    let aimed = Some("127.0.0.1".to_owned());
    let transports = vec![Transport::Udp, Transport::Tls];
    let expected = (
        DEMO_URL.to_owned(),
        true,
        aimed,
        transports,
        5301,
        Some("DEMO CA"),
    );
    assert_eq!(demo_parts(&alone), expected);
    let names: Vec<&str> = alone.targets.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, [DEMO_TARGET]);
    let demo = &alone.targets[0].client;
    assert_eq!(demo.url.as_str(), DEMO_URL);
    assert_eq!(demo.extra_ca_pem.as_deref(), Some("DEMO CA"));
    let scrape = build_with_demo(&["scrape"]);
    assert!(scrape.targets.is_empty(), "only serve has /probe");
}

/// The config file and the flags still win over `--demo`, key by key; an address given aims
/// the probes elsewhere, with none of the demo's values and without its CA.
#[test]
fn the_file_and_the_flags_win_over_the_demo() {
    let f = file(
        "[technitium]\nurl = \"http://file:5380\"\n[collector.dns]\ntransports = \"tcp\"\n\
         [targets.demo]\nurl = \"http://lab:5380\"\n",
    );
    let path = f.path().to_string_lossy().into_owned();
    let port = ["--collector.dns.udp-port", "5302"];
    let over = build_with_demo(&["--config.file", &path, port[0], port[1], "scrape"]);
    let (url, aimed) = ("http://file:5380/".to_owned(), Some("127.0.0.1".to_owned()));
    let expected = (
        url,
        true,
        aimed,
        vec![Transport::Tcp],
        5302,
        Some("DEMO CA"),
    );
    assert_eq!(demo_parts(&over), expected);
    let over = build_with_demo(&["--config.file", &path, "serve"]);
    assert_eq!(over.targets.len(), 1, "the file's demo target stays");
    assert_eq!(over.targets[0].client.url.as_str(), "http://lab:5380/");
    assert_eq!(
        over.targets[0].client.extra_ca_pem.as_deref(),
        Some("DEMO CA")
    );

    let elsewhere = build_with_demo(&["--collector.dns.address", "10.0.0.1", "scrape"]);
    let address = Some("10.0.0.1".to_owned());
    let transports = vec![Transport::Udp, Transport::Tcp];
    let expected = (DEMO_URL.to_owned(), true, address, transports, 53, None);
    assert_eq!(demo_parts(&elsewhere), expected);
    let token = build_with_demo(&["--technitium.token", "flag-token", "scrape"]);
    assert_eq!(token.client.token, Some(Secret::new("flag-token")));
}
