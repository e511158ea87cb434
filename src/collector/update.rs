//! `update` (opt-in): whether the server reports a newer Technitium release. The server calls
//! out to check, which is why it is off by default.
//!
//! From 15.3 the server has an "Enable Check For Update" switch (`dnsServerEnableCheckForUpdate`
//! in settings/get, and in the checkForUpdate answer of the 15.6 code we could read); when it is
//! off the server answers "no update" without checking. So a 0 is written only when the server
//! is known to check: the answer says so, or settings/get does (read only when the answer does
//! not say and the token may view Settings, and shared with the `settings` and `forwarders`
//! collectors), or the server is older than 15.3. A 1 is always written (the server did check).

use super::contract::{Collect, Cx, Detail, DetailStatus, WriteCx};
use super::error::CollectError;
use super::samples::{flag, gauge_opt};
use super::spec::Spec;
use crate::exposition::Encoder;
use crate::technitium::types::UpdateCheck;
use crate::technitium::{Endpoint, Section};

/// The `update` collector.
#[derive(Debug)]
pub struct Update;

/// Whether the server checks for updates at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checking {
    /// It does (or is older than 15.3, which always does).
    Yes,
    /// "Enable Check For Update" is off: "no update" means "not checked".
    No,
    /// A 15.3+ server whose answer does not say, and whose settings could not be read.
    Unknown,
}

/// What one fetch found.
#[derive(Debug, Clone)]
pub struct UpdateData {
    /// The server's answer.
    pub check: UpdateCheck,
    /// Whether it checks.
    pub checking: Checking,
}

impl Collect for Update {
    type Settings = ();
    type Data = UpdateData;
    type State = ();
    const SPEC: &'static Spec = &Spec {
        name: "update",
        help: "Update availability (the server calls out to check)",
        endpoints: &[Endpoint::CheckForUpdate],
        ..Spec::DEFAULT
    };

    async fn fetch(cx: Cx<'_, Self>) -> Result<UpdateData, CollectError> {
        let check = cx.client.check_for_update().await?;
        let checking = match check.dns_server_enable_check_for_update {
            Some(on) => checking(on),
            None if !cx.session.is_some_and(|s| s.at_least_release(15, 3)) => Checking::Yes,
            None if cx.session.is_some_and(|s| s.can_view(Section::Settings)) => {
                // Shared with `settings` and `forwarders`: no second settings/get.
                match cx.shared.settings().await {
                    Ok(s) => s
                        .dns_server_enable_check_for_update
                        .map_or(Checking::Unknown, checking),
                    Err(_) => Checking::Unknown,
                }
            }
            None => Checking::Unknown,
        };
        Ok(UpdateData { check, checking })
    }

    fn write(u: &UpdateData, _: &WriteCx<'_>, enc: &mut Encoder) {
        let known = u.check.update_available || u.checking == Checking::Yes;
        gauge_opt(
            enc,
            "technitium_update_available",
            "Whether the server reports a newer Technitium version (1) or not, or could not check (0); absent when it does not check (15.3+'s Enable Check For Update off) or that cannot be told.",
            known.then(|| flag(u.check.update_available)),
        );
    }

    fn details(u: &UpdateData, (): &()) -> Vec<Detail> {
        vec![detail(u)]
    }
}

fn checking(on: bool) -> Checking {
    if on { Checking::Yes } else { Checking::No }
}

/// `check`'s row: what the server says, and whether that means anything.
fn detail(u: &UpdateData) -> Detail {
    let newer = u
        .check
        .update_version
        .as_deref()
        .filter(|_| u.check.update_available);
    let (status, detail, hint) = match (newer, u.checking) {
        (Some(v), _) => (DetailStatus::Ok, format!("version {v} is out"), None),
        (None, Checking::Yes) => (
            DetailStatus::Ok,
            "no newer version (or the server could not check)".to_owned(),
            None,
        ),
        (None, Checking::No) => (
            DetailStatus::Warning,
            "the server does not check for updates (Enable Check For Update is off): technitium_update_available is left out".to_owned(),
            Some("turn on Settings → General → Enable Check For Update, or pass --no-collector.update".to_owned()),
        ),
        (None, Checking::Unknown) => (
            DetailStatus::Warning,
            "cannot tell whether the server checks for updates (15.3+ can be told not to): technitium_update_available is left out".to_owned(),
            Some("grant the token Settings: View so the exporter can read the switch, or pass --no-collector.update".to_owned()),
        ),
    };
    Detail {
        id: "update_check".to_owned(),
        title: "update check".to_owned(),
        status,
        detail,
        hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::ExpositionFormat;

    fn render(check: UpdateCheck, checking: Checking) -> (String, Detail) {
        let data = UpdateData { check, checking };
        let mut enc = Encoder::new(ExpositionFormat::Text);
        Update::write(&data, &WriteCx { session: None }, &mut enc);
        (enc.finish(), detail(&data))
    }

    #[test]
    fn a_failed_check_reads_zero_when_the_server_checks() {
        let (text, row) = render(UpdateCheck::default(), Checking::Yes);
        assert_eq!(text.lines().last(), Some("technitium_update_available 0"));
        assert_eq!(row.status, DetailStatus::Ok);
    }

    #[test]
    fn no_zero_when_the_server_does_not_check_or_that_is_unknown() {
        for checking in [Checking::No, Checking::Unknown] {
            let (text, row) = render(UpdateCheck::default(), checking);
            assert!(!text.contains("technitium_update_available"), "{text}");
            assert_eq!(row.status, DetailStatus::Warning);
            assert!(row.detail.contains("left out"), "{row:?}");
        }
        // A newer version found is known whatever the switch says.
        let newer = UpdateCheck {
            update_available: true,
            update_version: Some("15.7".to_owned()),
            dns_server_enable_check_for_update: None,
        };
        let (text, row) = render(newer, Checking::Unknown);
        assert!(text.contains("technitium_update_available 1\n"), "{text}");
        assert_eq!(row.detail, "version 15.7 is out");
    }
}
