//! The allowlist: every API path the exporter may request, in one table, and the typed values
//! of the parameters the client fills in ([`Window`], [`TopKind`]).
//!
//! Technitium also acts on GET requests (`dnsClient/resolve?import=true` creates and overwrites
//! zones), so what may be requested is a type: an [`Endpoint`] is one row of the table below,
//! with its path, the query parameters it may carry, the permission section whose View right
//! it needs and whether the contacted server always answers it itself. The table is written
//! out by hand and must stay so: never derive it from another list, never add a row that
//! writes, never allow `token`, `node` or `import` as a parameter (the client adds the first
//! two itself).

use super::section::Section;
use super::section::Section::{Administration, Dashboard, DhcpServer, DnsClient, Settings, Zones};

/// Declares [`Endpoint`] from its table: one row per endpoint, so the variant, its path, its
/// parameters, its section and [`Endpoint::ALL`] cannot drift apart.
macro_rules! endpoints {
    ($(
        $(#[$doc:meta])*
        $name:ident => $path:literal, view: $section:expr, answered_by: $answered:ident,
        params: [$($param:literal),*]$(, payload: $payload:ident)?;
    )*) => {
        /// The read-only API paths the exporter may request. Nothing else can be requested:
        /// Technitium also acts on GET requests, so the allowlist is the type itself.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Endpoint {
            $($(#[$doc])* $name,)*
        }

        impl Endpoint {
            /// Every endpoint, in the table's order (self-metric initialisation, docs).
            pub const ALL: [Self; [$(Endpoint::$name),*].len()] = [$(Self::$name),*];

            /// The endpoint's row.
            const fn row(self) -> EndpointRow {
                match self {
                    $(Self::$name => EndpointRow {
                        path: $path,
                        params: &[$($param),*],
                        section: $section,
                        on_contacted_node: endpoints!(@contacted $answered),
                        payload: endpoints!(@payload $($payload)?),
                    },)*
                }
            }
        }
    };
    (@contacted contacted) => { true };
    (@contacted named_node) => { false };
    (@payload) => { Payload::Wrapped };
    (@payload top_level) => { Payload::TopLevel };
    (@payload none) => { Payload::Nothing };
}

/// Where an ok answer carries its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    /// Under `response` (session/get: `info`): every call but the two below.
    Wrapped,
    /// At the top level, beside `status` and `server` (`/api/status`).
    TopLevel,
    /// Nowhere: `{"server":…,"status":"ok"}` says it all (`dnsClient/healthCheck`).
    Nothing,
}

/// What the table says about one endpoint.
struct EndpointRow {
    path: &'static str,
    params: &'static [&'static str],
    section: Option<Section>,
    on_contacted_node: bool,
    payload: Payload,
}

endpoints! {
    // `view`: the permission section whose View right the call needs (None: any valid token).
    // `answered_by`: `contacted` when the contacted server answers whatever `node=` says (in a
    // cluster, v15.2's `DnsWebService.GetClusterNodeTypeForPath` pins `user/login`, `logout`,
    // `session/get`, `session/delete` and SSO to it), `named_node` when `node=` proxies it to
    // the node it names.
    // `params`: the query parameters the call may carry, besides the `token` (servers before
    // v15) and `node` (cluster nodes) the client adds itself.
    // `payload` (when not under `response`): `top_level` or `none`.

    /// Validates the token; the server's version, cluster view and permissions.
    SessionGet => "/api/user/session/get",
        view: None, answered_by: contacted,
        params: [];
    /// Lifetime counters (v15+).
    MetricsJson => "/api/dashboard/metrics/json",
        view: Some(Dashboard), answered_by: named_node,
        params: [];
    /// Dashboard stats of one window, or of a custom range of minutes.
    StatsGet => "/api/dashboard/stats/get",
        view: Some(Dashboard), answered_by: named_node,
        params: ["type", "utc", "dontTrimQueryTypeData", "start", "end"];
    /// A top list (clients, domains, blocked domains) of one window.
    StatsGetTop => "/api/dashboard/stats/getTop",
        view: Some(Dashboard), answered_by: named_node,
        params: ["type", "statsType", "limit", "noReverseLookup"];
    /// Every zone, unpaged.
    ZonesList => "/api/zones/list",
        view: Some(Zones), answered_by: named_node,
        params: [];
    /// The DHCP scopes.
    DhcpScopesList => "/api/dhcp/scopes/list",
        view: Some(DhcpServer), answered_by: named_node,
        params: [];
    /// The DHCP leases.
    DhcpLeasesList => "/api/dhcp/leases/list",
        view: Some(DhcpServer), answered_by: named_node,
        params: [];
    /// Server settings (the body also carries secrets, which are never declared).
    SettingsGet => "/api/settings/get",
        view: Some(Settings), answered_by: named_node,
        params: [];
    /// Whether a newer version is out.
    CheckForUpdate => "/api/user/checkForUpdate",
        view: None, answered_by: named_node,
        params: [];
    /// One query by the server's own DNS client (never with `import`, which writes zones).
    DnsClientResolve => "/api/dnsClient/resolve",
        view: Some(DnsClient), answered_by: named_node,
        params: ["server", "domain", "type", "protocol"];
    /// The version, domain and cluster view of the server or node (v14+).
    ClusterState => "/api/admin/cluster/state",
        view: Some(Administration), answered_by: named_node,
        params: [];
    /// The server resolving `domain` (type A) with its own resolver, writing no query-log
    /// entry (15.3+; an unknown path, HTTP 404, before). Success is a bare `status: ok`.
    HealthCheck => "/api/dnsClient/healthCheck",
        view: Some(DnsClient), answered_by: named_node,
        params: ["domain"], payload: none;
    /// Whether the built-in `admin` account still has its default password (15.3+; needs no
    /// token). Like the `/api/sso/status` it replaced, the contacted server answers it.
    Status => "/api/status",
        view: None, answered_by: contacted,
        params: [], payload: top_level;
}

impl Endpoint {
    /// The API path.
    #[must_use]
    pub fn path(self) -> &'static str {
        self.row().path
    }

    /// The query parameters a request to this endpoint may carry (besides the `token` the
    /// client adds itself on servers before v15, and the `node` a node's client adds to
    /// every call but [`Endpoint::on_contacted_node`]'s). Anything else is refused before a
    /// request is built: Technitium acts on GET parameters, e.g.
    /// `dnsClient/resolve?import=true` creates and overwrites zones.
    #[must_use]
    pub fn params(self) -> &'static [&'static str] {
        self.row().params
    }

    /// Whether the server always answers this call itself, whatever `node=` says: in a cluster,
    /// v15.2's `DnsWebService.GetClusterNodeTypeForPath` pins `/api/user/login`, `logout`,
    /// `session/get` and `session/delete` (and SSO, whose status call 15.3's `/api/status`
    /// replaced) to the contacted node; every other path we call is proxied to the node that
    /// `node=` names.
    #[must_use]
    pub fn on_contacted_node(self) -> bool {
        self.row().on_contacted_node
    }

    /// The permission section whose View right the endpoint needs, if any.
    #[must_use]
    pub fn section(self) -> Option<Section> {
        self.row().section
    }

    /// Where an ok answer carries its payload.
    #[must_use]
    pub fn payload(self) -> Payload {
        self.row().payload
    }
}

/// A dashboard window (`type=` of the stats calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Window {
    /// The last 60 complete minutes.
    LastHour,
    /// The last 24 hours.
    LastDay,
    /// The last 7 days.
    LastWeek,
    /// The last 31 days.
    LastMonth,
    /// The last 12 months.
    LastYear,
}

impl Window {
    /// Every window, shortest first.
    pub const ALL: [Self; 5] = [
        Self::LastHour,
        Self::LastDay,
        Self::LastWeek,
        Self::LastMonth,
        Self::LastYear,
    ];

    /// The window whose `window` label is `label` (`last_hour`, …).
    #[must_use]
    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.label() == label)
    }

    /// The API's spelling.
    #[must_use]
    pub fn api_name(self) -> &'static str {
        match self {
            Self::LastHour => "LastHour",
            Self::LastDay => "LastDay",
            Self::LastWeek => "LastWeek",
            Self::LastMonth => "LastMonth",
            Self::LastYear => "LastYear",
        }
    }

    /// The `window` label value.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::LastHour => "last_hour",
            Self::LastDay => "last_day",
            Self::LastWeek => "last_week",
            Self::LastMonth => "last_month",
            Self::LastYear => "last_year",
        }
    }

    /// Nominal length in seconds.
    #[must_use]
    pub fn seconds(self) -> u64 {
        match self {
            Self::LastHour => 3_600,
            Self::LastDay => 86_400,
            Self::LastWeek => 604_800,
            Self::LastMonth => 2_678_400,
            Self::LastYear => 31_536_000,
        }
    }
}

/// Which top list `stats/getTop` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopKind {
    /// `TopClients`.
    Clients,
    /// `TopDomains`.
    Domains,
    /// `TopBlockedDomains`.
    BlockedDomains,
}

impl TopKind {
    /// The API's spelling (`statsType=`).
    pub(super) fn api_name(self) -> &'static str {
        match self {
            Self::Clients => "TopClients",
            Self::Domains => "TopDomains",
            Self::BlockedDomains => "TopBlockedDomains",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Technitium acts on GET parameters: no endpoint may carry one that writes (`import` of
    /// dnsClient/resolve), or the token and node the client adds itself.
    #[test]
    fn no_endpoint_allows_import_token_or_node() {
        for e in Endpoint::ALL {
            for forbidden in ["import", "token", "node"] {
                assert!(!e.params().contains(&forbidden), "{e:?} allows {forbidden}");
            }
        }
        assert_eq!(
            Endpoint::DnsClientResolve.params(),
            &["server", "domain", "type", "protocol"]
        );
    }

    /// The table as it was written: thirteen paths, each once, each under `/api/`; only
    /// session/get and status answered by the contacted server; only status and the health
    /// check answer outside `response`.
    #[test]
    fn the_table_lists_each_path_once() {
        let mut paths: Vec<&str> = Endpoint::ALL.iter().map(|e| e.path()).collect();
        assert_eq!(paths.len(), 13);
        assert!(paths.iter().all(|p| p.starts_with("/api/")));
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), 13);
        let contacted: Vec<Endpoint> = Endpoint::ALL
            .into_iter()
            .filter(|e| e.on_contacted_node())
            .collect();
        assert_eq!(contacted, [Endpoint::SessionGet, Endpoint::Status]);
        let unwrapped: Vec<(Endpoint, Payload)> = Endpoint::ALL
            .into_iter()
            .filter(|e| e.payload() != Payload::Wrapped)
            .map(|e| (e, e.payload()))
            .collect();
        assert_eq!(
            unwrapped,
            [
                (Endpoint::HealthCheck, Payload::Nothing),
                (Endpoint::Status, Payload::TopLevel)
            ]
        );
        assert_eq!(Endpoint::HealthCheck.params(), &["domain"]);
        assert_eq!(Endpoint::HealthCheck.section(), Some(Section::DnsClient));
        assert_eq!(Endpoint::Status.section(), None);
        assert_eq!(
            Endpoint::ClusterState.section(),
            Some(Section::Administration)
        );
        assert_eq!(Endpoint::CheckForUpdate.section(), None);
    }

    #[test]
    fn windows_round_trip_their_labels() {
        for w in Window::ALL {
            assert_eq!(Window::from_label(w.label()), Some(w));
        }
        assert_eq!(Window::from_label("last_decade"), None);
    }
}
