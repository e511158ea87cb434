//! The per-target collector options: each collector's switch, minimum interval and settings
//! parsed from the values given ([`Options`]). Built by the configuration, read by the
//! orchestrator.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::REGISTRY;
use super::contract::{Collect, OtherSettings};
use super::erased::AnySettings;
use super::registry::SESSION;
use super::spec::{Given, OptionError, OptionValues, Spec};

/// One collector's switch, interval and settings for one target.
#[derive(Clone)]
pub(super) struct Entry {
    pub(super) enabled: bool,
    pub(super) min_interval: Duration,
    values: BTreeMap<&'static str, Given>,
    pub(super) settings: Arc<dyn AnySettings>,
}

impl std::fmt::Debug for Entry {
    /// The resolved switch, interval and settings (not the raw values they came from).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("enabled", &self.enabled)
            .field("min_interval", &self.min_interval)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// What to collect from one target: each collector's switch, minimum interval and settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// One per collector, in registry order.
    pub(super) entries: Vec<Entry>,
}

impl Default for Options {
    /// Every collector at its defaults.
    fn default() -> Self {
        Self {
            entries: REGISTRY
                .iter()
                .map(|c| Entry {
                    enabled: c.spec().default_enabled,
                    min_interval: c.spec().default_min_interval,
                    values: BTreeMap::new(),
                    settings: c.default_settings(),
                })
                .collect(),
        }
    }
}

impl Options {
    /// Every collector on, at its defaults.
    #[must_use]
    pub fn all() -> Self {
        let mut o = Self::default();
        for e in &mut o.entries {
            e.enabled = true;
        }
        o
    }

    pub(super) fn index(name: &str) -> Option<usize> {
        REGISTRY.iter().position(|c| c.spec().name == name)
    }

    /// Whether a collector is on (the session always is).
    #[must_use]
    pub fn is_enabled(&self, name: &str) -> bool {
        name == SESSION.name
            || Self::index(name)
                .and_then(|i| self.entries.get(i))
                .is_some_and(|e| e.enabled)
    }

    /// Switches a collector on or off; `false` when there is no such collector.
    pub fn set_enabled(&mut self, name: &str, on: bool) -> bool {
        match Self::index(name).and_then(|i| self.entries.get_mut(i)) {
            Some(e) => {
                e.enabled = on;
                true
            }
            None => false,
        }
    }

    /// Switches every collector off (`--collector.disable-defaults`).
    pub fn disable_all(&mut self) {
        for e in &mut self.entries {
            e.enabled = false;
        }
    }

    /// The enabled collectors' specs, in output order.
    pub fn enabled(&self) -> impl Iterator<Item = &'static Spec> + '_ {
        REGISTRY
            .iter()
            .zip(&self.entries)
            .filter(|(_, e)| e.enabled)
            .map(|(c, _)| c.spec())
    }

    /// Sets a collector's minimum interval.
    pub fn set_min_interval(&mut self, name: &str, interval: Duration) -> bool {
        match Self::index(name).and_then(|i| self.entries.get_mut(i)) {
            Some(e) => {
                e.min_interval = interval;
                true
            }
            None => false,
        }
    }

    /// A collector's minimum interval (0: fresh every scrape).
    #[must_use]
    pub fn min_interval(&self, name: &str) -> Duration {
        Self::index(name)
            .and_then(|i| self.entries.get(i))
            .map_or(Duration::ZERO, |e| e.min_interval)
    }

    /// Whether any enabled collector reuses data (its minimum interval is set).
    #[must_use]
    pub fn caches(&self) -> bool {
        self.entries
            .iter()
            .any(|e| e.enabled && !e.min_interval.is_zero())
    }

    /// Gives option `key` of collector `name` a value (replacing an earlier one) and re-parses
    /// the collector's settings.
    ///
    /// # Errors
    /// An unknown collector or key, or a bad value.
    pub fn set_option(&mut self, name: &str, key: &str, given: Given) -> Result<(), OptionError> {
        let unknown = |what: String| OptionError {
            origin: given.origin.clone(),
            message: what,
        };
        let i = Self::index(name).ok_or_else(|| unknown(format!("no collector named {name:?}")))?;
        let collector = REGISTRY[i];
        let opt = collector
            .spec()
            .option(key)
            .ok_or_else(|| unknown(format!("collector {name} has no option {key:?}")))?;
        let entry = &mut self.entries[i];
        entry.values.insert(opt.key, given);
        entry.settings = collector.settings(&OptionValues::new(&entry.values))?;
        Ok(())
    }

    /// Collector `C`'s settings.
    #[must_use]
    pub fn settings<C: Collect>(&self) -> Option<&C::Settings> {
        let entry = self.entries.get(Self::index(C::SPEC.name)?)?;
        let any: &dyn Any = &*entry.settings;
        any.downcast_ref::<C::Settings>()
    }
}

impl OtherSettings for Options {
    fn erased(&self, name: &str) -> Option<&(dyn Any + Send + Sync)> {
        let entry = self.entries.get(Self::index(name)?)?;
        let any: &(dyn Any + Send + Sync) = &*entry.settings;
        Some(any)
    }

    fn fetches_every_scrape(&self, name: &str) -> bool {
        Self::index(name)
            .and_then(|i| self.entries.get(i))
            .is_some_and(|e| e.enabled && e.min_interval.is_zero())
    }
}
