//! What every target is built with ([`TargetKit`]), and what a reload hands over from the
//! targets it replaces ([`Previous`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::coalesce::ServedTarget;
use super::metrics::SelfMetrics;
use crate::technitium::ResponseBudget;

/// What building a target takes besides its settings: the self metrics and the memory budget
/// for responses, which every target's client shares, and during a reload the running targets.
#[derive(Debug, Clone)]
pub(super) struct TargetKit {
    pub(super) metrics: Arc<SelfMetrics>,
    pub(super) budget: ResponseBudget,
    /// While a reload builds new targets: the running ones, whose state carries over.
    pub(super) previous: Option<Arc<Previous>>,
}

impl TargetKit {
    /// What a built target keeps: everything but the previous targets (which it must not hold
    /// on to once the reload is over).
    pub(super) fn settled(&self) -> Self {
        Self {
            previous: None,
            ..self.clone()
        }
    }
}

/// The targets running before a reload.
#[derive(Debug, Default)]
pub(super) struct Previous {
    /// By name.
    pub(super) targets: HashMap<String, Arc<ServedTarget>>,
    /// The node collectors of each per-node target, by target name, then node name.
    pub(super) nodes: HashMap<String, BTreeMap<String, Arc<ServedTarget>>>,
}
