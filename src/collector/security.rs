//! `security` (default on): two of the most common and most dangerous misconfigurations, seen
//! from the exporter — a server still on the built-in admin account's default password
//! (`/api/status`, 15.3+, which needs no token) and an exporter token that may change the
//! server (the permissions session/get returns, every version).
//!
//! Both change rarely, so the collector's data is kept for `--collector.security.min-interval`
//! (5 minutes by default): `/api/status` is then one call every five minutes, not one per
//! scrape. In a cluster `/api/status` is answered by the contacted server whatever `node=`
//! says; users are the same on every node (the cluster syncs them), so its answer holds for
//! each node.

use std::time::Duration;

use super::contract::{Collect, Cx, Detail, DetailStatus, Warning, WriteCx};
use super::error::CollectError;
use super::samples::{flag, snake_case};
use super::spec::Spec;
use crate::exposition::{Encoder, Kind};
use crate::technitium::types::Permissions;
use crate::technitium::{ApiError, Endpoint};

/// The `security` collector.
#[derive(Debug)]
pub struct Security;

/// What to create instead of a token that may change the server.
pub const VIEW_ONLY_HINT: &str = "create a user (or group) with only View on the sections the exporter reads — Dashboard, Zones, DhcpServer, DnsClient; Settings for the settings, forwarders and update collectors; Administration for cluster nodes — and give the exporter an API token of that user";

/// What one fetch found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecurityData {
    /// `hasDefaultCredentials` of `/api/status` (15.3+), when the server said.
    pub default_credentials: Option<bool>,
    /// Each permission section of the token (as the server names it) and whether the token may
    /// modify or delete there, sorted by section.
    pub write: Vec<(String, bool)>,
}

impl SecurityData {
    /// The sections where the token may modify or delete.
    pub fn writable(&self) -> impl Iterator<Item = &str> {
        self.write
            .iter()
            .filter(|(_, w)| *w)
            .map(|(s, _)| s.as_str())
    }
}

impl Collect for Security {
    type Settings = ();
    type Data = SecurityData;
    type State = ();
    const SPEC: &'static Spec = &Spec {
        name: "security",
        help: "Default admin credentials (v15.3+) and whether the token may change the server",
        default_enabled: true,
        endpoints: &[Endpoint::Status],
        default_min_interval: Duration::from_secs(300),
        ..Spec::DEFAULT
    };

    async fn fetch(cx: Cx<'_, Self>) -> Result<SecurityData, CollectError> {
        let Some(session) = cx.session else {
            return Ok(SecurityData::default());
        };
        let default_credentials = if session.at_least_release(15, 3) {
            match cx.client.status().await {
                Ok(status) => status.has_default_credentials,
                // A server without /api/status (whatever its version says): unknown, and the
                // token's rights are still worth reporting.
                Err(ApiError::HttpStatus { status: 404, .. }) => None,
                Err(e) => return Err(e.into()),
            }
        } else {
            None
        };
        Ok(SecurityData {
            default_credentials,
            write: write_rights(&session.info.permissions),
        })
    }

    fn write(data: &SecurityData, _: &WriteCx<'_>, enc: &mut Encoder) {
        write(data, enc);
    }

    fn warning(data: &SecurityData, (): &()) -> Option<Warning> {
        warning(data)
    }

    fn details(data: &SecurityData, (): &()) -> Vec<Detail> {
        details(data)
    }
}

/// Each section and whether the token may modify or delete there.
fn write_rights(permissions: &Permissions) -> Vec<(String, bool)> {
    permissions
        .iter()
        .map(|(section, p)| (section.clone(), p.can_modify || p.can_delete))
        .collect()
}

fn write(data: &SecurityData, enc: &mut Encoder) {
    if let Some(default) = data.default_credentials {
        enc.family(
            "technitium_default_credentials",
            Kind::Gauge,
            "Whether the server's built-in admin account still has its default password (1) or not (0) (/api/status, v15.3+).",
        );
        enc.sample(&[], flag(default));
    }
    if !data.write.is_empty() {
        enc.family(
            "technitium_permission_write_granted",
            Kind::Gauge,
            "Whether the exporter's token may modify or delete in a permission section (1) or not (0); the exporter needs View only.",
        );
        for (section, write) in &data.write {
            enc.sample(&[("section", &snake_case(section))], flag(*write));
        }
    }
}

/// What is wrong, in one line for the log (once per change) and `check`'s verdict.
fn warning(data: &SecurityData) -> Option<Warning> {
    let writable: Vec<&str> = data.writable().collect();
    let default = data.default_credentials == Some(true);
    let (key, detail, hint) = match (default, writable.is_empty()) {
        (false, true) => return None,
        (true, true) => (
            "default_credentials",
            DEFAULT_CREDENTIALS.to_owned(),
            CHANGE_PASSWORD.to_owned(),
        ),
        (false, false) => (
            "over_privileged",
            over_privileged(&writable),
            VIEW_ONLY_HINT.to_owned(),
        ),
        (true, false) => (
            "default_credentials_and_over_privileged",
            format!("{DEFAULT_CREDENTIALS}, and {}", over_privileged(&writable)),
            format!("{CHANGE_PASSWORD}; {VIEW_ONLY_HINT}"),
        ),
    };
    Some(Warning {
        key,
        detail,
        hint: Some(hint),
    })
}

const DEFAULT_CREDENTIALS: &str = "the server's built-in admin account still has its default password (anyone who reaches the web console can take the server over)";
const CHANGE_PASSWORD: &str =
    "log in to the web console as admin and change the password (user menu → Change Password)";

fn over_privileged(writable: &[&str]) -> String {
    format!(
        "the exporter's token may modify or delete in {}: a leaked token could change the server",
        writable.join(", ")
    )
}

/// `check`'s rows: the default password (15.3+), the token's rights.
fn details(data: &SecurityData) -> Vec<Detail> {
    let mut rows = Vec::with_capacity(2);
    if let Some(default) = data.default_credentials {
        rows.push(Detail {
            id: "default_credentials".to_owned(),
            title: "default admin password".to_owned(),
            status: if default {
                DetailStatus::Warning
            } else {
                DetailStatus::Ok
            },
            detail: if default {
                DEFAULT_CREDENTIALS.to_owned()
            } else {
                "changed".to_owned()
            },
            hint: default.then(|| CHANGE_PASSWORD.to_owned()),
        });
    }
    if !data.write.is_empty() {
        let writable: Vec<&str> = data.writable().collect();
        rows.push(Detail {
            id: "token_rights".to_owned(),
            title: "token rights".to_owned(),
            status: if writable.is_empty() {
                DetailStatus::Ok
            } else {
                DetailStatus::Warning
            },
            detail: if writable.is_empty() {
                "view only: the token cannot change the server".to_owned()
            } else {
                over_privileged(&writable)
            },
            hint: (!writable.is_empty()).then(|| VIEW_ONLY_HINT.to_owned()),
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::ExpositionFormat;
    use crate::technitium::types::Permission;

    fn rights(pairs: &[(&str, bool, bool)]) -> Vec<(String, bool)> {
        let permissions: Permissions = pairs
            .iter()
            .map(|(s, m, d)| {
                let p = Permission {
                    can_view: true,
                    can_modify: *m,
                    can_delete: *d,
                };
                ((*s).to_owned(), p)
            })
            .collect();
        write_rights(&permissions)
    }

    fn render(data: &SecurityData) -> String {
        let mut enc = Encoder::new(ExpositionFormat::Text);
        Security::write(data, &WriteCx { session: None }, &mut enc);
        enc.finish()
    }

    #[test]
    fn a_view_only_token_on_a_changed_password_is_quiet() {
        let data = SecurityData {
            default_credentials: Some(false),
            write: rights(&[("Dashboard", false, false), ("DhcpServer", false, false)]),
        };
        let text = render(&data);
        assert!(
            text.contains("technitium_default_credentials 0\n"),
            "{text}"
        );
        assert!(text.contains("technitium_permission_write_granted{section=\"dhcp_server\"} 0\n"));
        assert_eq!(Security::warning(&data, &()), None);
        let rows = Security::details(&data, &());
        assert!(
            rows.iter().all(|r| r.status == DetailStatus::Ok),
            "{rows:?}"
        );
    }

    #[test]
    fn default_credentials_and_write_rights_warn_naming_the_sections() {
        let data = SecurityData {
            default_credentials: Some(true),
            write: rights(&[
                ("Dashboard", false, false),
                ("Settings", true, false),
                ("Zones", false, true),
            ]),
        };
        let text = render(&data);
        assert!(
            text.contains("technitium_default_credentials 1\n"),
            "{text}"
        );
        assert!(text.contains("technitium_permission_write_granted{section=\"settings\"} 1\n"));
        assert!(text.contains("technitium_permission_write_granted{section=\"zones\"} 1\n"));
        assert!(text.contains("technitium_permission_write_granted{section=\"dashboard\"} 0\n"));
        let w = Security::warning(&data, &());
        assert_eq!(
            w.as_ref().map(|w| w.key),
            Some("default_credentials_and_over_privileged")
        );
        assert!(
            w.as_ref()
                .is_some_and(|w| w.detail.contains("modify or delete in Settings, Zones")),
            "{w:?}"
        );
        assert!(
            w.and_then(|w| w.hint)
                .is_some_and(|h| h.contains("only View"))
        );
        let rows = Security::details(&data, &());
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.status == DetailStatus::Warning));
    }

    #[test]
    fn before_15_3_no_credentials_series_and_no_row() {
        let data = SecurityData {
            default_credentials: None,
            write: rights(&[("Zones", true, true)]),
        };
        let text = render(&data);
        assert!(!text.contains("technitium_default_credentials"), "{text}");
        let w = Security::warning(&data, &());
        assert_eq!(w.map(|w| w.key), Some("over_privileged"));
        assert_eq!(Security::details(&data, &()).len(), 1);
    }
}
