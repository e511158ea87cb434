//! Technitium's permission sections (`info.permissions` of `session/get`): which part of the
//! server a token may view.

use std::fmt;

/// A permission section, in the server's enum order (`PermissionSection` 1..11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    /// The dashboard: stats, top lists, lifetime counters.
    Dashboard,
    /// Zones.
    Zones,
    /// The DNS cache.
    Cache,
    /// Manually allowed zones.
    Allowed,
    /// Manually blocked zones.
    Blocked,
    /// DNS apps.
    Apps,
    /// The built-in DNS client (`dnsClient/resolve`).
    DnsClient,
    /// Server settings (the body also carries secrets).
    Settings,
    /// The DHCP server.
    DhcpServer,
    /// Administration: users, groups, sessions, cluster state.
    Administration,
    /// Logs.
    Logs,
}

impl Section {
    /// The key in `info.permissions`, as the server spells it.
    #[must_use]
    pub fn api_name(self) -> &'static str {
        match self {
            Self::Dashboard => "Dashboard",
            Self::Zones => "Zones",
            Self::Cache => "Cache",
            Self::Allowed => "Allowed",
            Self::Blocked => "Blocked",
            Self::Apps => "Apps",
            Self::DnsClient => "DnsClient",
            Self::Settings => "Settings",
            Self::DhcpServer => "DhcpServer",
            Self::Administration => "Administration",
            Self::Logs => "Logs",
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.api_name())
    }
}
