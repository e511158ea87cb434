//! A simulated Technitium server with per-minute stats, served by wiremock, for the derived
//! counters' tests.
//!
//! It follows the server's code (v15.2 `StatsManager.cs`, `WebServiceDashboardApi.cs`; the same
//! in v13.6 and v14.3 where used here):
//! - a test-controlled clock (`now`, Unix seconds): no wall-clock time anywhere;
//! - deterministic traffic per minute ([`traffic`]), addressed by the minute's END label;
//! - `type=LastHour&utc=true`: 60 buckets labelled `trunc(now) − 59 min` … `trunc(now)`; a minute
//!   is locked `lock_lag` seconds after it ends (the 10 s maintenance timer), and until then its
//!   bucket reads 0 or, as the real server's reused slot does, the value of the same minute an
//!   hour earlier ([`Unlocked`]);
//! - `type=Custom&start=S&end=E`: `round((E − S) / 1 min) + 1` buckets labelled `S` … `E`, read
//!   from the "hourly store" (locked minutes only; everything 0 with in-memory stats); ranges
//!   whose `round(hours) + 1 > 3` come back per hour, as on the server; `queryTypeChartData`
//!   and `protocolTypeChartData` are the sums over the range, the query types trimmed to the top
//!   ten (nine plus `Others`, which leaves out the tenth) unless `dontTrimQueryTypeData=true`
//!   reaches a v14+ server that honours it;
//! - v13.6 / v14.3 / v15.2 envelopes and token carriers as in `mod.rs`;
//! - failure modes: down (HTTP 503), a slow `Custom` answer, restarts that lose minutes, a clock
//!   set back, another server behind the URL, Custom answers that disagree with LastHour;
//! - v15+ `metrics/json`: the lifetime query counter, every query since the simulation began
//!   (the server counts it when its stats queue takes the query, whether or not its minute
//!   statistics are written), and statistics frozen from a minute on (upstream #1975).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::{Version, authorized, json as json_answer};

/// Query types the traffic uses, most frequent first.
pub const QTYPES: [&str; 12] = [
    "A", "AAAA", "HTTPS", "PTR", "TXT", "SRV", "MX", "SOA", "NS", "CNAME", "DS", "DNSKEY",
];
/// Protocol names as the server writes them.
pub const PROTOCOLS: [&str; 5] = ["Udp", "Tcp", "Tls", "Https", "Quic"];

/// One minute of traffic, in the server's terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traffic {
    pub total: u64,
    pub rcodes: [u64; 4],
    pub outcomes: [u64; 5],
    /// Non-zero query types only (the server lists only types it saw).
    pub qtypes: Vec<(&'static str, u64)>,
    /// Non-zero protocols only.
    pub protocols: Vec<(&'static str, u64)>,
}

/// The deterministic traffic of the minute ending at `label` (`types` query types in use,
/// every one of them non-zero in every minute).
pub fn traffic(label: i64, types: usize) -> Traffic {
    let k = (label / 60).rem_euclid(1_000_003) as u64;
    let total = 40 + (k * 7) % 23;
    let dropped = k % 3;
    let answered = total - dropped;
    let mut left = answered;
    let mut qtypes = Vec::new();
    for (i, name) in QTYPES.iter().enumerate().take(types).skip(1) {
        let i = i as u64;
        let c = if i < 3 {
            4 + (k + 5 * i) % 4
        } else {
            1 + (k + 5 * i) % 2
        };
        let c = c.min(left);
        qtypes.push((*name, c));
        left -= c;
    }
    qtypes.insert(0, ("A", left));
    let (tcp, tls, https, quic) = (k % 4, k % 2, (k / 2) % 3, (k / 5) % 2);
    let udp = total - tcp - tls - https - quic;
    let protocols = PROTOCOLS
        .iter()
        .copied()
        .zip([udp, tcp, tls, https, quic])
        .filter(|(_, c)| *c > 0)
        .collect();
    let servfail = u64::from(k.is_multiple_of(5));
    let nx = k % 4;
    let refused = u64::from(k.is_multiple_of(7));
    let blocked = k % 3;
    let authoritative = answered / 10;
    let cached = answered / 2;
    Traffic {
        total,
        rcodes: [answered - servfail - nx - refused, servfail, nx, refused],
        outcomes: [
            authoritative,
            answered - authoritative - cached - blocked,
            cached,
            blocked,
            dropped,
        ],
        qtypes: qtypes.into_iter().filter(|(_, c)| *c > 0).collect(),
        protocols,
    }
}

/// What an unlocked (newest) LastHour bucket reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlocked {
    /// 0 (a fresh slot).
    Zero,
    /// The value of the same minute an hour earlier (the slot's previous, locked counter).
    HourOld,
}

/// The simulated server's state; tests change it between scrapes.
#[derive(Debug)]
#[allow(clippy::struct_excessive_bools)] // independent knobs of a test server
pub struct Sim {
    pub version: Version,
    /// The server's clock, Unix seconds.
    pub now: i64,
    /// Query types in use per minute (at most 12; more than 10 makes the trimmed list lose one).
    pub types: usize,
    /// Seconds after a minute ends until the maintenance timer locks it.
    pub lock_lag: i64,
    pub unlocked: Unlocked,
    /// Whether a v14+ server honours `dontTrimQueryTypeData=true`.
    pub honours_untrim: bool,
    /// "Enable In-Memory Stats": the hourly store Custom reads stays empty.
    pub in_memory: bool,
    /// Minutes whose Custom `Total` reads one more than LastHour's.
    pub corrupt: BTreeSet<i64>,
    /// Minutes that read 0 everywhere (the server was down, or lost them in a restart).
    pub lost: BTreeSet<i64>,
    /// Every call answers HTTP 503.
    pub down: bool,
    /// `dnsServerDomain`.
    pub server_name: String,
    /// The next Custom answer is held back this long (a slow server), then cleared.
    pub slow_custom: Option<std::time::Duration>,
    /// Shifts the traffic (another server has other traffic).
    pub traffic_shift: i64,
    /// Every Custom call seen: `(start, end)` as Unix seconds.
    pub custom_calls: Vec<(i64, i64)>,
    /// Number of LastHour calls seen.
    pub last_hour_calls: usize,
    /// In a cluster with `dns2.sim.lan` (v14+): the session lists both nodes, and a call with
    /// `node=` is answered as that node (the same traffic).
    pub clustered: bool,
    /// The clock when the simulation began: the lifetime counter counts from there.
    pub began: i64,
    /// #1975: the minute statistics of every minute ending after this read 0 (LastHour and the
    /// store), while the lifetime counter keeps counting.
    pub frozen_after: Option<i64>,
    /// Queries per minute the lifetime counter adds instead of the traffic (a server whose
    /// counter barely moves).
    pub lifetime_per_minute: Option<u64>,
}

impl Sim {
    /// The final data of the minute ending at `label`.
    pub fn minute(&self, label: i64) -> Traffic {
        if self.lost.contains(&label) || self.frozen_after.is_some_and(|f| label > f) {
            Traffic::default()
        } else {
            traffic(label + self.traffic_shift, self.types)
        }
    }

    /// Whether the minute ending at `label` is locked (final) by now.
    pub fn locked(&self, label: i64) -> bool {
        self.now >= label + self.lock_lag
    }

    /// The newest LastHour label: the end of the minute that ended last.
    pub fn newest_label(&self) -> i64 {
        self.now.div_euclid(60) * 60
    }

    /// The newest minute the exporter may count (one before the newest label).
    pub fn newest_final(&self) -> i64 {
        self.newest_label() - 60
    }

    fn last_hour_value(&self, label: i64) -> Traffic {
        if self.locked(label) {
            self.minute(label)
        } else {
            match self.unlocked {
                Unlocked::Zero => Traffic::default(),
                Unlocked::HourOld => self.minute(label - 3600),
            }
        }
    }

    fn stored_value(&self, label: i64) -> Traffic {
        if self.in_memory || !self.locked(label) {
            return Traffic::default();
        }
        let mut t = self.minute(label);
        if self.corrupt.contains(&label) {
            t.total += 1;
        }
        t
    }

    /// The lifetime query counter now: every query of the minutes since the simulation began,
    /// frozen or not, the current minute's pro rata.
    pub fn lifetime_queries(&self) -> u64 {
        let per_minute = |label: i64| {
            self.lifetime_per_minute
                .unwrap_or_else(|| traffic(label + self.traffic_shift, self.types).total)
        };
        let newest = self.newest_label();
        let mut total = 0;
        let mut label = self.began.div_euclid(60) * 60 + 60;
        while label <= newest {
            total += per_minute(label);
            label += 60;
        }
        total + per_minute(newest + 60) * u64::try_from(self.now - newest).unwrap_or(0) / 60
    }

    /// Sums the final data of the minutes ending in `(after, upto]`.
    pub fn sum(&self, after: i64, upto: i64) -> Sums {
        let mut s = Sums::default();
        let mut label = after + 60;
        while label <= upto {
            s.add(&self.minute(label));
            label += 60;
        }
        s
    }

    /// The qtype counters the exporter should hold after the recorded Custom calls when the
    /// server trims: per call, the named types of the trimmed answer, and `other` = the range's
    /// `Total − Dropped` minus the named types.
    pub fn expected_trimmed_qtypes(&self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for (start, end) in &self.custom_calls {
            let (rows, answered) = self.range_qtypes(*start, *end);
            let rows = trim(rows);
            let mut named = 0;
            for (name, c) in rows.iter().filter(|(n, _)| n != "Others") {
                *out.entry(name.clone()).or_insert(0) += c;
                named += c;
            }
            *out.entry("other".to_owned()).or_insert(0) += answered - named;
        }
        out
    }

    fn range_qtypes(&self, start: i64, end: i64) -> (Vec<(String, u64)>, u64) {
        let mut merged: BTreeMap<&str, u64> = BTreeMap::new();
        let mut answered = 0;
        let mut label = start;
        while label <= end {
            let t = self.stored_value(label);
            answered += t.total - t.outcomes[4];
            for (q, c) in t.qtypes {
                *merged.entry(q).or_insert(0) += c;
            }
            label += 60;
        }
        (
            merged.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            answered,
        )
    }

    fn envelope(&self, response: Value) -> Value {
        let mut v = json!({ "response": response, "status": "ok" });
        if self.version != Version::V13_6 {
            v["server"] = json!(self.server_name);
        }
        v
    }

    fn session(&self) -> Value {
        let version = match self.version {
            Version::V13_6 => "13.6",
            Version::V14_3 => "14.3",
            Version::V15_2 => "15.2",
            Version::V15_6 => "15.6",
        };
        let mut v = json!({
            "username": "exporter",
            "tokenName": "prometheus",
            "info": {
                "version": version,
                "uptimestamp": "2026-01-01T00:00:00Z",
                "dnsServerDomain": self.server_name,
                "permissions": { "Dashboard": { "canView": true, "canModify": false, "canDelete": false } }
            },
            "status": "ok"
        });
        if self.version != Version::V13_6 {
            v["server"] = json!(self.server_name);
        }
        if self.clustered {
            let info = &mut v["info"];
            info["clusterInitialized"] = json!(true);
            info["clusterDomain"] = json!("sim.lan");
            info["clusterNodes"] = json!([
                {"name": self.server_name, "type": "Primary", "state": "Self"},
                {"name": "dns2.sim.lan", "type": "Secondary", "state": "Connected"},
            ]);
        }
        v
    }

    /// A stats/get body for consecutive minute buckets.
    fn stats(&self, labels: &[i64], values: &[Traffic], untrimmed: bool) -> Value {
        let mut sums = Sums::default();
        let mut qtypes: BTreeMap<&str, u64> = BTreeMap::new();
        let mut protocols: BTreeMap<&str, u64> = BTreeMap::new();
        for t in values {
            sums.add(t);
            for (q, c) in &t.qtypes {
                *qtypes.entry(q).or_insert(0) += c;
            }
            for (p, c) in &t.protocols {
                *protocols.entry(p).or_insert(0) += c;
            }
        }
        let series = |f: &dyn Fn(&Traffic) -> u64| -> Vec<u64> { values.iter().map(f).collect() };
        let names = [
            "No Error",
            "Server Failure",
            "NX Domain",
            "Refused",
            "Authoritative",
            "Recursive",
            "Cached",
            "Blocked",
            "Dropped",
        ];
        let mut datasets =
            vec![json!({ "label": "Total", "borderWidth": 2, "data": series(&|t| t.total) })];
        for (i, name) in names.iter().enumerate() {
            let data = series(&|t| {
                if i < 4 {
                    t.rcodes[i]
                } else {
                    t.outcomes[i - 4]
                }
            });
            datasets.push(json!({ "label": name, "data": data }));
        }
        datasets
            .push(json!({ "label": "Clients", "data": series(&|t| u64::from(t.total > 0) * 3) }));
        let mut qrows: Vec<(String, u64)> =
            qtypes.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        qrows = if untrimmed { sort(qrows) } else { trim(qrows) };
        let prows = sort(
            protocols
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        );
        let chart = |rows: &[(String, u64)]| {
            json!({
                "labels": rows.iter().map(|(l, _)| l.clone()).collect::<Vec<_>>(),
                "datasets": [{ "data": rows.iter().map(|(_, v)| *v).collect::<Vec<_>>() }]
            })
        };
        self.envelope(json!({
            "stats": {
                "totalQueries": sums.queries,
                "totalNoError": sums.rcodes[0],
                "totalServerFailure": sums.rcodes[1],
                "totalNxDomain": sums.rcodes[2],
                "totalRefused": sums.rcodes[3],
                "totalAuthoritative": sums.outcomes[0],
                "totalRecursive": sums.outcomes[1],
                "totalCached": sums.outcomes[2],
                "totalBlocked": sums.outcomes[3],
                "totalDropped": sums.outcomes[4],
                "totalClients": 3,
                "zones": 4, "cachedEntries": 100, "allowedZones": 0, "blockedZones": 0,
                "allowListZones": 0, "blockListZones": 0
            },
            "mainChartData": {
                "labelFormat": "HH:mm",
                "labels": labels.iter().map(|l| label(*l)).collect::<Vec<_>>(),
                "datasets": datasets
            },
            "queryResponseChartData": {
                "labels": ["Authoritative", "Recursive", "Cached", "Blocked", "Dropped"],
                "datasets": [{ "data": sums.outcomes }]
            },
            "queryTypeChartData": chart(&qrows),
            "protocolTypeChartData": chart(&prows),
            "topClients": [], "topDomains": [], "topBlockedDomains": []
        }))
    }

    fn last_hour(&self, untrimmed: bool) -> Value {
        let newest = self.newest_label();
        let labels: Vec<i64> = (0..60).map(|i| newest - (59 - i) * 60).collect();
        let values: Vec<Traffic> = labels.iter().map(|l| self.last_hour_value(*l)).collect();
        self.stats(&labels, &values, untrimmed)
    }

    fn custom(&self, start: i64, end: i64, untrimmed: bool) -> Value {
        let duration = (end - start) as f64;
        if round_half_even(duration / 3600.0) + 1 > 3 {
            // Hour buckets: not what the exporter may ask for; answered as the server does.
            let first = start.div_euclid(3600) * 3600 + 3600;
            let n = round_half_even(duration / 3600.0) + 1;
            let labels: Vec<i64> = (0..n).map(|i| first + i * 3600).collect();
            let values = vec![Traffic::default(); labels.len()];
            return self.stats(&labels, &values, untrimmed);
        }
        let minutes = round_half_even(duration / 60.0) + 1;
        let first = start - 60; // GetMinuteWiseStats: startDate.AddMinutes(-1), label = +1 min
        let labels: Vec<i64> = (0..minutes).map(|i| first + (i + 1) * 60).collect();
        let values: Vec<Traffic> = labels.iter().map(|l| self.stored_value(*l)).collect();
        self.stats(&labels, &values, untrimmed)
    }
}

/// Sums of minute data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sums {
    pub queries: u64,
    pub rcodes: [u64; 4],
    pub outcomes: [u64; 5],
    pub qtypes: BTreeMap<String, u64>,
    pub protocols: BTreeMap<String, u64>,
}

impl Sums {
    fn add(&mut self, t: &Traffic) {
        self.queries += t.total;
        for i in 0..4 {
            self.rcodes[i] += t.rcodes[i];
        }
        for i in 0..5 {
            self.outcomes[i] += t.outcomes[i];
        }
        for (q, c) in &t.qtypes {
            *self.qtypes.entry((*q).to_owned()).or_insert(0) += c;
        }
        for (p, c) in &t.protocols {
            *self.protocols.entry(p.to_lowercase()).or_insert(0) += c;
        }
    }
}

/// Sorted by count, most first (ties by name, for determinism; the server's sort is unstable).
fn sort(mut rows: Vec<(String, u64)>) -> Vec<(String, u64)> {
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows
}

/// `ChartData.Trim(10)`: rows 0..8, then `Others` = the sum of rows 10.. (row 9 is lost).
fn trim(rows: Vec<(String, u64)>) -> Vec<(String, u64)> {
    let rows = sort(rows);
    if rows.len() <= 10 {
        return rows;
    }
    let others: u64 = rows[10..].iter().map(|(_, c)| c).sum();
    let mut out: Vec<(String, u64)> = rows[..9].to_vec();
    out.push(("Others".to_owned(), others));
    out
}

/// .NET's `Convert.ToInt32(double)`: rounds half to even.
fn round_half_even(x: f64) -> i64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 && (r as i64) % 2 != 0 {
        (r - x.signum()) as i64
    } else {
        r as i64
    }
}

/// A label as the server writes it with `utc=true`.
pub fn label(at: i64) -> String {
    OffsetDateTime::from_unix_timestamp(at)
        .unwrap()
        .format(&Rfc3339)
        .unwrap()
        .replace('Z', ".0000000Z")
}

fn parse(s: &str) -> Option<i64> {
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

/// A simulated server: wiremock plus its shared state.
pub struct SimServer {
    pub mock: MockServer,
    pub sim: Arc<Mutex<Sim>>,
}

impl SimServer {
    /// Starts a `version` server whose clock reads `now`, with 8 query types in use (none lost
    /// to trimming), locking minutes 10 s after they end, and unlocked buckets reading 0.
    pub async fn start(version: Version, now: i64) -> Self {
        let sim = Arc::new(Mutex::new(Sim {
            version,
            now,
            types: 8,
            lock_lag: 10,
            unlocked: Unlocked::Zero,
            honours_untrim: true,
            in_memory: false,
            corrupt: BTreeSet::new(),
            lost: BTreeSet::new(),
            down: false,
            server_name: "dns1.sim.lan".to_owned(),
            slow_custom: None,
            traffic_shift: 0,
            custom_calls: Vec::new(),
            last_hour_calls: 0,
            clustered: false,
            began: now,
            frozen_after: None,
            lifetime_per_minute: None,
        }));
        let mock = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(Responder(Arc::clone(&sim)))
            .mount(&mock)
            .await;
        Self { mock, sim }
    }

    /// Locks the state to change or read it.
    pub fn with<R>(&self, f: impl FnOnce(&mut Sim) -> R) -> R {
        f(&mut self.sim.lock().unwrap())
    }

    pub fn uri(&self) -> String {
        self.mock.uri()
    }
}

struct Responder(Arc<Mutex<Sim>>);

impl Respond for Responder {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut sim = self.0.lock().unwrap();
        if sim.down {
            return ResponseTemplate::new(503);
        }
        if !authorized(sim.version, req) {
            return json_answer(
                json!({"status": "invalid-token", "errorMessage": "Invalid token or session expired."})
                    .to_string(),
            );
        }
        let param = |k: &str| {
            req.url
                .query_pairs()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.into_owned())
        };
        let mut delay = None;
        let body = match req.url.path() {
            "/api/user/session/get" => sim.session(),
            "/api/dashboard/metrics/json"
                if matches!(sim.version, Version::V15_2 | Version::V15_6) =>
            {
                sim.envelope(json!({
                    "lifetimeCounters": { "totalQueries": sim.lifetime_queries() }
                }))
            }
            "/api/dashboard/stats/get" => {
                assert_eq!(
                    param("utc").as_deref(),
                    Some("true"),
                    "stats/get without utc=true"
                );
                let asked_untrimmed = param("dontTrimQueryTypeData").as_deref() == Some("true");
                assert!(
                    !(asked_untrimmed && sim.version == Version::V13_6),
                    "dontTrimQueryTypeData sent to a v13 server"
                );
                let untrimmed =
                    asked_untrimmed && sim.version != Version::V13_6 && sim.honours_untrim;
                match param("type").as_deref() {
                    Some("LastHour") => {
                        sim.last_hour_calls += 1;
                        sim.last_hour(untrimmed)
                    }
                    Some("Custom") => {
                        let (Some(start), Some(end)) = (
                            param("start").as_deref().and_then(parse),
                            param("end").as_deref().and_then(parse),
                        ) else {
                            return json_answer(
                                json!({"status": "error", "errorMessage": "Invalid start date format."})
                                    .to_string(),
                            );
                        };
                        if start > end {
                            return json_answer(json!({"status": "error", "errorMessage": "Start date must be less than or equal to end date."}).to_string());
                        }
                        sim.custom_calls.push((start, end));
                        delay = sim.slow_custom.take();
                        sim.custom(start, end, untrimmed)
                    }
                    other => panic!("unexpected stats type {other:?}"),
                }
            }
            other => panic!("unexpected path {other}"),
        };
        let mut body = body;
        if let Some(node) = param("node").filter(|_| sim.clustered) {
            body["server"] = json!(node);
        }
        let answer = json_answer(body.to_string());
        match delay {
            Some(d) => answer.set_delay(d),
            None => answer,
        }
    }
}
