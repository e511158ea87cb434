//! `update` (opt-in): whether the server reports a newer Technitium release. The server calls
//! out to check, which is why it is off by default.

use super::contract::{Collect, Cx, WriteCx};
use super::error::CollectError;
use super::samples::{flag, gauge_opt};
use super::spec::Spec;
use crate::exposition::Encoder;
use crate::technitium::Endpoint;
use crate::technitium::types::UpdateCheck;

/// The `update` collector.
#[derive(Debug)]
pub struct Update;

impl Collect for Update {
    type Settings = ();
    type Data = UpdateCheck;
    type State = ();
    const SPEC: &'static Spec = &Spec {
        name: "update",
        help: "Update availability (the server calls out to check)",
        endpoints: &[Endpoint::CheckForUpdate],
        ..Spec::DEFAULT
    };

    async fn fetch(cx: Cx<'_, Self>) -> Result<UpdateCheck, CollectError> {
        Ok(cx.client.check_for_update().await?)
    }

    fn write(u: &UpdateCheck, _: &WriteCx<'_>, enc: &mut Encoder) {
        gauge_opt(
            enc,
            "technitium_update_available",
            "Whether the server reports a newer Technitium version (1) or not, or could not check (0).",
            Some(flag(u.update_available)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::ExpositionFormat;

    #[test]
    fn a_failed_check_reads_zero() {
        let mut enc = Encoder::new(ExpositionFormat::Text);
        Update::write(
            &UpdateCheck::default(),
            &WriteCx { session: None },
            &mut enc,
        );
        assert_eq!(
            enc.finish().lines().last(),
            Some("technitium_update_available 0")
        );
    }
}
