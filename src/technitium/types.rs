//! Serde structures for the parts of Technitium's HTTP API the exporter reads.
//!
//! Only the fields the exporter uses are declared: serde skips the rest, so secrets that some
//! responses carry (the echoed token of `session/get`, TSIG keys in `settings/get`) are never
//! kept. Every structure also implements `Serialize` so the built-in demo server (`demo/`)
//! answers with exactly the shapes the client parses.
//!
//! Fields the server writes only in some versions or states are `Option`s: an absent field gives
//! an absent series, never a made-up zero.
//!
//! Every list and map is parsed through `meter.rs` (`deserialize_with = "metered…"`), which
//! counts what it holds against the memory budget as it is parsed, and its element type says
//! what it owns ([`Footprint`]). No `flatten` when parsing: it would buffer every unknown field's
//! value (however large) into an intermediate tree before parsing it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::meter::{Footprint, metered, metered_map, metered_option};

/// Every response: the status, the server's message for a non-ok status, and the payload.
///
/// Wrapped calls put their payload under `response`; `session/get` writes it as `info` at the
/// top level, which the alias covers. No `flatten` here: it would buffer a 100 000-zone list
/// into an intermediate tree before parsing it.
#[derive(Debug, Deserialize, Serialize)]
pub struct Envelope<T> {
    /// `ok`, `error`, `invalid-token` or `2fa-required`.
    pub status: String,
    /// The server's message for a non-ok status.
    #[serde(
        rename = "errorMessage",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub error_message: Option<String>,
    /// The message of the error's cause, when it had one (a proxied call's connection error).
    #[serde(
        rename = "innerErrorMessage",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub inner_error_message: Option<String>,
    /// The payload; present when `status` is `ok`.
    #[serde(
        alias = "info",
        default = "Option::default",
        skip_serializing_if = "Option::is_none"
    )]
    pub response: Option<T>,
    /// The node's `dnsServerDomain` (v14+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
}

/// A point in time as Technitium writes it (ISO-8601, UTC, up to 7 fractional digits), held as
/// seconds since the Unix epoch.
///
/// .NET's "never" (`0001-01-01T00:00:00`) and anything unparsable read as absent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timestamp(pub f64);

impl Timestamp {
    /// Parses Technitium's date format; `None` for the .NET "never" value or garbage.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let parsed = OffsetDateTime::parse(s, &Rfc3339)
            .or_else(|_| OffsetDateTime::parse(&format!("{s}Z"), &Rfc3339))
            .ok()?;
        if parsed.year() <= 1 {
            return None;
        }
        let nanos = parsed.unix_timestamp_nanos();
        #[allow(clippy::cast_precision_loss)]
        Some(Self(nanos as f64 / 1e9))
    }

    /// The current time.
    #[must_use]
    pub fn now() -> Self {
        #[allow(clippy::cast_precision_loss)]
        Self(OffsetDateTime::now_utc().unix_timestamp_nanos() as f64 / 1e9)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[allow(clippy::cast_possible_truncation)]
        let nanos = (self.0 * 1e9) as i128;
        let dt =
            OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(serde::ser::Error::custom)?;
        let text = dt.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

/// Deserializes an optional timestamp leniently: absent, null, "never" or garbage are `None`.
fn lenient_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    Ok(raw.as_deref().and_then(Timestamp::parse))
}

/// `info` of `/api/user/session/get`. The echoed `token` beside it is deliberately not declared.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// "Major.Minor[.Build[.Revision]]", e.g. "14.3".
    pub version: String,
    /// When the server process started.
    #[serde(
        default,
        deserialize_with = "lenient_timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub uptimestamp: Option<Timestamp>,
    /// The server's own domain name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_server_domain: Option<String>,
    /// v14+: whether this node is part of a cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_initialized: Option<bool>,
    /// v14+, when clustered: the cluster's domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_domain: Option<String>,
    /// v14+, when clustered: every node as this node sees it (the docs call it `nodes`).
    #[serde(
        default,
        alias = "nodes",
        deserialize_with = "metered_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub cluster_nodes: Option<Vec<ClusterNode>>,
    /// Permission section name → flags, in the server's order.
    #[serde(default, deserialize_with = "metered_map")]
    pub permissions: Permissions,
}

/// The token's permission map, keyed by section name (`Dashboard`, `Zones`, `DhcpServer`, ...).
pub type Permissions = std::collections::BTreeMap<String, Permission>;

/// What the token may do in one section.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    /// View permission: the only one the exporter needs.
    #[serde(default)]
    pub can_view: bool,
    /// Modify permission (read only for the `check` report).
    #[serde(default)]
    pub can_modify: bool,
    /// Delete permission.
    #[serde(default)]
    pub can_delete: bool,
}

/// A cluster node as listed in session info or cluster state.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterNode {
    /// The node's name (its domain).
    pub name: String,
    /// The node's web console URL (`https://NAME:53443/`), as the cluster knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `Primary`, `Secondary` or `Unknown`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub node_type: Option<String>,
    /// `Self`, `Connected`, `Unreachable` or `Unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Last successful exchange with this node (absent if never seen, and for Self).
    #[serde(
        default,
        deserialize_with = "lenient_timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_seen: Option<Timestamp>,
    /// When the node started, when known.
    #[serde(
        default,
        deserialize_with = "lenient_timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub up_since: Option<Timestamp>,
    /// The version the node runs (15.6+): always on the `Self` entry, on a peer only after its
    /// first heartbeat since this server started (absent ≠ old).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// `/api/admin/cluster/state` (v14+): the server's own facts and its view of the cluster, the
/// same node list as session/get's. Proxied with `node=`, it is the node's (session/get never
/// is: the contacted server always answers it).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterState {
    /// "Major.Minor[.Build[.Revision]]".
    pub version: String,
    /// The server's own domain name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_server_domain: Option<String>,
    /// Whether the server is part of a cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_initialized: Option<bool>,
    /// The cluster's domain, when clustered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_domain: Option<String>,
    /// Every node as this server sees it (the docs call it `nodes`).
    #[serde(
        default,
        alias = "nodes",
        deserialize_with = "metered_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub cluster_nodes: Option<Vec<ClusterNode>>,
}

/// `/api/dashboard/metrics/json` (v15+).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricsJson {
    /// Totals since the server process started.
    pub lifetime_counters: QueryTotals,
}

/// The eleven `total*` numbers, shared by the lifetime counters and the window stats.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct QueryTotals {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_queries: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_no_error: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_server_failure: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_nx_domain: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_refused: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_authoritative: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_recursive: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_cached: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_blocked: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_dropped: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_clients: Option<u64>,
}

impl QueryTotals {
    /// `(rcode label, value)` for the four rcode buckets.
    #[must_use]
    pub fn rcodes(&self) -> [(&'static str, Option<u64>); 4] {
        [
            ("NOERROR", self.total_no_error),
            ("SERVFAIL", self.total_server_failure),
            ("NXDOMAIN", self.total_nx_domain),
            ("REFUSED", self.total_refused),
        ]
    }

    /// `(outcome label, value)` for the five outcome buckets.
    #[must_use]
    pub fn outcomes(&self) -> [(&'static str, Option<u64>); 5] {
        [
            ("authoritative", self.total_authoritative),
            ("recursive", self.total_recursive),
            ("cached", self.total_cached),
            ("blocked", self.total_blocked),
            ("dropped", self.total_dropped),
        ]
    }
}

/// `/api/dashboard/stats/get` response.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardStats {
    /// Window sums and live gauges.
    pub stats: Stats,
    /// Query types in the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_type_chart_data: Option<ChartData>,
    /// Transport protocols in the window (zero rows omitted by the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_type_chart_data: Option<ChartData>,
    /// The web console's main chart: one bucket per minute for `LastHour` and short `Custom`
    /// ranges (read by the `counters` collector).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_chart_data: Option<MainChartData>,
}

/// `mainChartData` of `stats/get`: bucket labels (with `utc=true`, the ISO-8601 UTC END of
/// each bucket) and one named dataset per series (`Total`, `No Error`, …, `Clients`), each
/// aligned with the labels.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct MainChartData {
    /// Bucket end times, oldest first.
    #[serde(default, deserialize_with = "metered")]
    pub labels: Vec<String>,
    /// One dataset per series.
    #[serde(default, deserialize_with = "metered")]
    pub datasets: Vec<NamedDataset>,
}

impl MainChartData {
    /// The data of the dataset labelled `label`, if the server sent it.
    #[must_use]
    pub fn series(&self, label: &str) -> Option<&[serde_json::Number]> {
        self.datasets
            .iter()
            .find(|d| d.label == label)
            .map(|d| &d.data[..])
    }
}

/// One series of the main chart.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct NamedDataset {
    /// The series name (`Total`, `No Error`, …).
    #[serde(default)]
    pub label: String,
    /// One number per bucket.
    #[serde(default, deserialize_with = "metered")]
    pub data: Vec<serde_json::Number>,
}

/// `stats` of `stats/get`: window sums (`total*`) and live, unwindowed gauges.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", from = "StatsWire")]
#[allow(missing_docs)]
pub struct Stats {
    #[serde(flatten)]
    pub totals: QueryTotals,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_entries: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_zones: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_zones: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_list_zones: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_list_zones: Option<u64>,
}

/// [`Stats`] as it is parsed: every field at one level, so no `flatten` buffers what the
/// server sends beside them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatsWire {
    total_queries: Option<u64>,
    total_no_error: Option<u64>,
    total_server_failure: Option<u64>,
    total_nx_domain: Option<u64>,
    total_refused: Option<u64>,
    total_authoritative: Option<u64>,
    total_recursive: Option<u64>,
    total_cached: Option<u64>,
    total_blocked: Option<u64>,
    total_dropped: Option<u64>,
    total_clients: Option<u64>,
    zones: Option<u64>,
    cached_entries: Option<u64>,
    allowed_zones: Option<u64>,
    blocked_zones: Option<u64>,
    allow_list_zones: Option<u64>,
    block_list_zones: Option<u64>,
}

impl From<StatsWire> for Stats {
    fn from(w: StatsWire) -> Self {
        Self {
            totals: QueryTotals {
                total_queries: w.total_queries,
                total_no_error: w.total_no_error,
                total_server_failure: w.total_server_failure,
                total_nx_domain: w.total_nx_domain,
                total_refused: w.total_refused,
                total_authoritative: w.total_authoritative,
                total_recursive: w.total_recursive,
                total_cached: w.total_cached,
                total_blocked: w.total_blocked,
                total_dropped: w.total_dropped,
                total_clients: w.total_clients,
            },
            zones: w.zones,
            cached_entries: w.cached_entries,
            allowed_zones: w.allowed_zones,
            blocked_zones: w.blocked_zones,
            allow_list_zones: w.allow_list_zones,
            block_list_zones: w.block_list_zones,
        }
    }
}

/// A chart as the web console draws it: parallel `labels` and `datasets[0].data`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ChartData {
    /// Row names.
    #[serde(default, deserialize_with = "metered")]
    pub labels: Vec<String>,
    /// Only the first dataset is used.
    #[serde(default, deserialize_with = "metered")]
    pub datasets: Vec<Dataset>,
}

impl ChartData {
    /// `(label, value)` pairs; rows without a number are skipped.
    pub fn rows(&self) -> impl Iterator<Item = (&str, f64)> {
        let data = self.datasets.first().map_or(&[][..], |d| &d.data[..]);
        self.labels
            .iter()
            .zip(data)
            .filter_map(|(l, v)| v.as_f64().map(|v| (l.as_str(), v)))
    }
}

/// One dataset of a chart.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Dataset {
    /// Numbers aligned with the chart's labels.
    #[serde(default, deserialize_with = "metered")]
    pub data: Vec<serde_json::Number>,
}

/// `/api/dashboard/stats/getTop` response: exactly one of the lists is present.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct TopStats {
    #[serde(
        default,
        deserialize_with = "metered_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub top_clients: Option<Vec<TopEntry>>,
    #[serde(
        default,
        deserialize_with = "metered_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub top_domains: Option<Vec<TopEntry>>,
    #[serde(
        default,
        deserialize_with = "metered_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub top_blocked_domains: Option<Vec<TopEntry>>,
}

/// A row of a top list.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TopEntry {
    /// Client address or domain name.
    pub name: String,
    /// Client name from a reverse lookup or DHCP (clients only, when known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Queries in the window.
    pub hits: u64,
}

/// `/api/zones/list` response (unpaged).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ZoneList {
    /// Every zone the token may view.
    #[serde(deserialize_with = "metered")]
    pub zones: Vec<Zone>,
}

/// One zone of `zones/list`; all but the first five fields depend on the zone type.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Zone {
    /// ASCII name; the root zone is `""`.
    pub name: String,
    #[serde(rename = "type")]
    pub zone_type: String,
    #[serde(
        default,
        deserialize_with = "lenient_timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_modified: Option<Timestamp>,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soa_serial: Option<u64>,
    /// Built-in zones (localhost, reverse zones of loopback); only on Primary zones.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
    /// The catalog zone this zone is a member of (`null` when none; Primary, Secondary, Stub,
    /// Forwarder and SecondaryForwarder zones only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnssec_status: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient_timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiry: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_expired: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_failed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_failed: Option<bool>,
}

/// `/api/dhcp/scopes/list` response.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DhcpScopes {
    /// Every scope, sorted by name.
    #[serde(deserialize_with = "metered")]
    pub scopes: Vec<DhcpScope>,
}

/// One DHCP scope.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct DhcpScope {
    pub name: String,
    #[serde(default)]
    pub enabled: bool,
    pub starting_address: String,
    pub ending_address: String,
}

impl DhcpScope {
    /// Size of the address range (end − start + 1), for IPv4 ranges that parse.
    #[must_use]
    pub fn range_size(&self) -> Option<u64> {
        let start: std::net::Ipv4Addr = self.starting_address.parse().ok()?;
        let end: std::net::Ipv4Addr = self.ending_address.parse().ok()?;
        let (s, e) = (u32::from(start), u32::from(end));
        (e >= s).then(|| u64::from(e - s) + 1)
    }
}

/// `/api/dhcp/leases/list` response.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DhcpLeases {
    /// Leases of every scope.
    #[serde(deserialize_with = "metered")]
    pub leases: Vec<DhcpLease>,
}

/// One lease: only its scope and type are used (lease details would be unbounded labels).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[allow(missing_docs)]
pub struct DhcpLease {
    pub scope: String,
    /// `Dynamic` or `Reserved`.
    #[serde(rename = "type")]
    pub lease_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// The few fields of `/api/settings/get` the exporter uses. The response also carries secrets
/// (TSIG keys, proxy password): they are not declared, so they are never kept.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Settings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_blocking: Option<bool>,
    #[serde(
        default,
        deserialize_with = "lenient_timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub temporary_disable_blocking_till: Option<Timestamp>,
    #[serde(
        default,
        deserialize_with = "lenient_timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub block_list_next_updated_on: Option<Timestamp>,
    /// Forwarder addresses as configured (`null` when none): the `forwarders` collector's.
    #[serde(
        default,
        deserialize_with = "metered_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub forwarders: Option<Vec<String>>,
    /// `Udp`, `Tcp`, `Tls`, `Https` or `Quic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarder_protocol: Option<String>,
    /// "Enable Check For Update" (15.3+): when off, `user/checkForUpdate` answers "no update"
    /// without checking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_server_enable_check_for_update: Option<bool>,
}

/// `/api/user/checkForUpdate` response.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateCheck {
    /// False also when the server could not check, or (15.3+) does not check.
    #[serde(default)]
    pub update_available: bool,
    /// The newer version, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_version: Option<String>,
    /// Whether the server checks at all ("Enable Check For Update", 15.3+), when the answer
    /// says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_server_enable_check_for_update: Option<bool>,
}

/// `/api/status` (15.3+, no token needed), read from the top level of the answer.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerStatus {
    /// Whether the built-in `admin` account still has its default password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_default_credentials: Option<bool>,
    /// Whether single sign-on is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso_enabled: Option<bool>,
}

/// The two fields of `/api/settings/get` the `forwarders` collector reads. The rest of that
/// body (TSIG secrets, the proxy password, …) is not declared, so it is skipped while parsing
/// and never kept.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForwarderConfig {
    /// Forwarder addresses as configured (`null` when none).
    #[serde(
        default,
        deserialize_with = "metered_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub forwarders: Option<Vec<String>>,
    /// `Udp`, `Tcp`, `Tls`, `Https` or `Quic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarder_protocol: Option<String>,
}

impl From<&Settings> for ForwarderConfig {
    fn from(s: &Settings) -> Self {
        Self {
            forwarders: s.forwarders.clone(),
            forwarder_protocol: s.forwarder_protocol.clone(),
        }
    }
}

/// `/api/dnsClient/resolve` response (`response`): the answer the server's DNS client got.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ResolveAnswer {
    /// The DNS response, in Technitium's JSON rendering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<ResolveResult>,
}

/// The parts of a resolved DNS response the exporter reads.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ResolveResult {
    /// How the answer was obtained.
    #[serde(rename = "Metadata", default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<ResolveMetadata>,
    /// The response code as .NET names it (`NoError`, `ServerFailure`, `NxDomain`, `Refused`, …).
    #[serde(rename = "RCODE", default, skip_serializing_if = "Option::is_none")]
    pub rcode: Option<String>,
}

/// `Metadata` of a resolved response.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ResolveMetadata {
    /// The server asked, e.g. `"8.8.8.8:53"` or `"dns.google:853 (8.8.8.8:853)"`.
    #[serde(
        rename = "NameServer",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub name_server: Option<String>,
    /// The transport used (`Udp`, `Tls`, …).
    #[serde(rename = "Protocol", default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Text such as `"1.42 ms"`: `Math.Round(rtt, 2) + " ms"` in the server's culture (so the
    /// decimal separator may be a comma).
    #[serde(
        rename = "RoundTripTime",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub round_trip_time: Option<String>,
}

// What each element of a metered list owns beyond its own size (`meter.rs`): its strings. A
// string field added to one of these types is added here; lists inside an element are metered
// themselves and not counted again.

impl Footprint for ClusterNode {
    fn heap_bytes(&self) -> usize {
        self.name.heap_bytes()
            + self.url.heap_bytes()
            + self.node_type.heap_bytes()
            + self.state.heap_bytes()
    }
}

impl Footprint for Permission {
    fn heap_bytes(&self) -> usize {
        0
    }
}

impl Footprint for NamedDataset {
    fn heap_bytes(&self) -> usize {
        self.label.heap_bytes()
    }
}

impl Footprint for Dataset {
    fn heap_bytes(&self) -> usize {
        0
    }
}

impl Footprint for TopEntry {
    fn heap_bytes(&self) -> usize {
        self.name.heap_bytes() + self.domain.heap_bytes()
    }
}

impl Footprint for Zone {
    fn heap_bytes(&self) -> usize {
        self.name.heap_bytes() + self.zone_type.heap_bytes() + self.dnssec_status.heap_bytes()
    }
}

impl Footprint for DhcpScope {
    fn heap_bytes(&self) -> usize {
        self.name.heap_bytes()
            + self.starting_address.heap_bytes()
            + self.ending_address.heap_bytes()
    }
}

impl Footprint for DhcpLease {
    fn heap_bytes(&self) -> usize {
        self.scope.heap_bytes() + self.lease_type.heap_bytes() + self.address.heap_bytes()
    }
}

/// Parses "Major.Minor[.Build...]" into `(major, minor)`.
#[must_use]
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.trim().split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every list or map a response type holds is parsed through `meter.rs`, so what it parses
    /// into counts against the memory budget: a field added without it fails here.
    #[test]
    fn every_list_and_map_is_metered() {
        let source = include_str!("types.rs");
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        let mut since_last_field = String::new();
        let mut lists = 0;
        for line in code.lines().map(str::trim) {
            let is_field = line.starts_with("pub ") && line.ends_with(',') && line.contains(": ");
            if is_field
                && ["Vec<", "Map<", "Permissions"]
                    .iter()
                    .any(|t| line.contains(t))
            {
                lists += 1;
                assert!(
                    since_last_field.contains("metered"),
                    "{line} is not metered"
                );
            }
            if is_field || line.ends_with('{') {
                since_last_field.clear();
            } else {
                since_last_field.push_str(line);
            }
        }
        assert!(
            lists >= 17,
            "{lists} lists found: the scan no longer reads this file"
        );
    }

    #[test]
    fn timestamps_parse_leniently() {
        let t = Timestamp::parse("2026-05-09T10:28:36.3757654Z").map(|t| t.0);
        assert!(matches!(t, Some(v) if (v - 1_778_322_516.375_765_4).abs() < 1e-3));
        assert_eq!(Timestamp::parse("0001-01-01T00:00:00"), None);
        assert_eq!(Timestamp::parse("08/25/2020 17:52:51"), None);
        assert!(Timestamp::parse("2026-05-09T10:28:36").is_some());
    }

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("13.6"), Some((13, 6)));
        assert_eq!(parse_version("13.4.1"), Some((13, 4)));
        assert_eq!(parse_version("15"), Some((15, 0)));
        assert_eq!(parse_version("x"), None);
    }

    #[test]
    fn dhcp_range_size() {
        let s = DhcpScope {
            name: "a".into(),
            enabled: true,
            starting_address: "192.168.1.1".into(),
            ending_address: "192.168.1.254".into(),
        };
        assert_eq!(s.range_size(), Some(254));
    }
}
