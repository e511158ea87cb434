//! The session's spec (first, always on) and the lookups over the switchable collectors, which
//! the `collectors!` list in `mod.rs` declares in output order (`REGISTRY`).

use super::REGISTRY;
use super::spec::Spec;
use crate::technitium::Endpoint;

/// The session's spec: always on, first, cannot be switched off (`technitium_up`).
pub static SESSION: Spec = Spec {
    name: "session",
    help: "Server version, start time and the token's permissions (always on)",
    default_enabled: true,
    endpoints: &[Endpoint::SessionGet],
    ..Spec::DEFAULT
};

/// Every switchable collector's spec, in output order.
pub fn specs() -> impl Iterator<Item = &'static Spec> {
    REGISTRY.iter().map(|c| c.spec())
}

/// The spec of the switchable collector `name`.
#[must_use]
pub fn spec(name: &str) -> Option<&'static Spec> {
    specs().find(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collector::spec::{Given, OptionValues};
    use crate::technitium::Section;
    use std::collections::BTreeMap;

    /// Each option's help text default, given explicitly, yields the real default settings:
    /// the help cannot lie about a default.
    #[test]
    fn help_defaults_are_the_real_defaults() {
        for c in REGISTRY {
            let spec = c.spec();
            let default = format!("{:?}", c.default_settings());
            let none = c.settings(&OptionValues::none()).map(|s| format!("{s:?}"));
            assert_eq!(none.as_ref(), Ok(&default), "{}: no values", spec.name);
            for opt in spec.options.iter().filter(|o| !o.default.is_empty()) {
                let mut values = BTreeMap::new();
                values.insert(opt.key, Given::one(opt.default, "test"));
                let given = c
                    .settings(&OptionValues::new(&values))
                    .map(|s| format!("{s:?}"));
                assert_eq!(given, Ok(default.clone()), "{}.{}", spec.name, opt.key);
            }
        }
    }

    #[test]
    fn names_are_unique_and_flag_safe() {
        let mut names: Vec<&str> = specs().map(|s| s.name).collect();
        names.push(SESSION.name);
        let before = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), before);
        for spec in specs() {
            assert!(!spec.name.is_empty() && !spec.help.is_empty(), "{spec:?}");
            assert!(
                spec.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_')
            );
            for o in spec.options {
                assert!(o.key.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
                assert_ne!(o.key, "min-interval", "{}: reserved key", spec.name);
            }
        }
    }

    /// A collector that declares options parses them (the default `settings`, for collectors
    /// without options, would ignore every value): a value no option takes as it is fails, or
    /// changes the settings.
    #[test]
    fn a_collector_with_options_reads_them() {
        for c in REGISTRY.iter().filter(|c| !c.spec().options.is_empty()) {
            let spec = c.spec();
            let default = format!("{:?}", c.default_settings());
            let read = spec.options.iter().any(|opt| {
                let mut values = BTreeMap::new();
                values.insert(opt.key, Given::one("7x;not-a-default", "test"));
                c.settings(&OptionValues::new(&values))
                    .map_or(true, |s| format!("{s:?}") != default)
            });
            assert!(read, "{}: no option changes its settings", spec.name);
        }
    }

    /// The permission check before a collector runs reads its sections: they are exactly the
    /// sections its endpoints need, no more (a needless grant) and no fewer (a call that fails
    /// instead of being skipped with a clear "lacks permission").
    #[test]
    fn each_collectors_sections_are_what_its_endpoints_need() {
        for spec in specs().chain([&SESSION]) {
            let mut needed: Vec<Section> =
                spec.endpoints.iter().filter_map(|e| e.section()).collect();
            needed.sort_unstable();
            needed.dedup();
            let mut declared = spec.sections.to_vec();
            declared.sort_unstable();
            assert_eq!(declared, needed, "{}", spec.name);
        }
    }
}
