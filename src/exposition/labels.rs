//! The rule for label values taken from upstream data (what the server, its DNS clients or its
//! admin chose): each value is checked, and a family holds a bounded number of them.
//!
//! A DNS client chooses the query type of its query (16 bits: 65,536 values), the names it asks
//! for, and through PTR records the names of clients; the admin chooses zone, scope and
//! forwarder names; a broken or hostile server can send anything. None of it may turn into
//! unbounded series or into label values nobody can read. Two checks ([`Rule`]) and two ways
//! to bound:
//! - counts folded under their label ([`key`], [`Folded`]): a value that fails its rule, or
//!   that comes when the family already holds its bound, is counted under [`OTHER`];
//! - items with one series each ([`admit`]): valid, distinct names, at most a bound of them,
//!   in the order given (the caller puts first what must not fall out); the rest are counted
//!   so the collector can say so.

use std::collections::{BTreeMap, HashSet};

/// The label value counts go under when their own value is not kept.
pub const OTHER: &str = "other";

/// Distinct values a family keeps of a label that comes from upstream data (the derived
/// counters' and the window gauges' `qtype`; cluster nodes), [`OTHER`] included.
pub const MAX_VALUES: usize = 64;

/// What a label value from upstream data must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// An identifier the server sends from a fixed vocabulary: an RR type or a type number
    /// (`A`, `TYPE65280`, `65280`), a protocol, a zone type, a permission section. 1 to 24
    /// ASCII letters, digits or `-`.
    Token,
    /// A name: a domain, a zone, a DHCP scope, a forwarder address, a version. 1 to 255 bytes,
    /// no control character (no newline, tab, NUL, escape…).
    Name,
}

impl Rule {
    /// Whether `s` is a label value under this rule.
    #[must_use]
    pub fn accepts(self, s: &str) -> bool {
        match self {
            Self::Token => {
                !s.is_empty()
                    && s.len() <= 24
                    && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            }
            Self::Name => !s.is_empty() && s.len() <= 255 && !s.chars().any(char::is_control),
        }
    }
}

/// The label values a family holds so far.
pub trait Held {
    /// Whether it holds `label`.
    fn holds(&self, label: &str) -> bool;
    /// How many distinct values it holds.
    fn distinct(&self) -> usize;
}

impl<V> Held for BTreeMap<String, V> {
    fn holds(&self, label: &str) -> bool {
        self.contains_key(label)
    }
    fn distinct(&self) -> usize {
        self.len()
    }
}

/// The label value a count read with `label` goes under, in a family that holds `held`:
/// `label` itself when `rule` accepts it and the family holds it already or has room for it
/// (at most `max` values, one of them kept for [`OTHER`]); [`OTHER`] otherwise.
#[must_use]
pub fn key<'a>(held: &impl Held, label: &'a str, rule: Rule, max: usize) -> &'a str {
    if !rule.accepts(label) {
        return OTHER;
    }
    if held.holds(label) {
        return label;
    }
    let room = max.saturating_sub(usize::from(!held.holds(OTHER)));
    if held.distinct() < room { label } else { OTHER }
}

/// Counts folded under bounded label values by [`key`], in the order their values were first
/// seen (so output follows the server's order); a value seen twice is summed.
#[derive(Debug)]
pub struct Folded<'a> {
    rows: Vec<(&'a str, f64)>,
    rule: Rule,
    max: usize,
}

impl Held for Folded<'_> {
    fn holds(&self, label: &str) -> bool {
        self.rows.iter().any(|(l, _)| *l == label)
    }
    fn distinct(&self) -> usize {
        self.rows.len()
    }
}

impl<'a> Folded<'a> {
    /// No counts yet; values must pass `rule`, at most `max` of them.
    #[must_use]
    pub fn new(rule: Rule, max: usize) -> Self {
        Self {
            rows: Vec::new(),
            rule,
            max,
        }
    }

    /// Adds `value` under [`key`] of `label`.
    pub fn add(&mut self, label: &'a str, value: f64) {
        let k = key(self, label, self.rule, self.max);
        match self.rows.iter_mut().find(|(l, _)| *l == k) {
            Some((_, v)) => *v += value,
            None => self.rows.push((k, value)),
        }
    }

    /// The folded counts.
    #[must_use]
    pub fn rows(&self) -> &[(&'a str, f64)] {
        &self.rows
    }
}

/// What [`admit`] kept of a list of items, each with one series per name.
#[derive(Debug)]
pub struct Admitted<'a, T> {
    /// The items kept, in the order given.
    pub kept: Vec<&'a T>,
    /// Items whose name the rule refused (left out).
    pub invalid: usize,
    /// Valid, distinct items beyond the bound (left out).
    pub over: usize,
}

impl<T> Admitted<'_, T> {
    /// Whether anything was left out (a repeated name is not counted: its first item stays).
    #[must_use]
    pub fn left_out(&self) -> bool {
        self.invalid > 0 || self.over > 0
    }
}

/// The items whose name (`name_of`) `rule` accepts, each name once, the first `max` of them
/// in the order given.
pub fn admit<'a, T>(
    items: impl IntoIterator<Item = &'a T>,
    name_of: impl Fn(&T) -> &str,
    rule: Rule,
    max: usize,
) -> Admitted<'a, T> {
    let mut seen = HashSet::new();
    let mut out = Admitted {
        kept: Vec::new(),
        invalid: 0,
        over: 0,
    };
    for item in items {
        let name = name_of(item);
        if !rule.accepts(name) {
            out.invalid += 1;
        } else if !seen.insert(name) {
            // A repeated name would repeat its series: the first item stands for it.
        } else if out.kept.len() < max {
            out.kept.push(item);
        } else {
            out.over += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_accept_what_servers_send_and_nothing_odd() {
        for ok in [
            "A",
            "AAAA",
            "TYPE65280",
            "65280",
            "Https",
            "SecondaryForwarder",
        ] {
            assert!(Rule::Token.accepts(ok), "{ok}");
        }
        let long = "A".repeat(25);
        for bad in ["", "A A", "A\n", "{x=\"y\"}", "A.B", long.as_str(), "Å"] {
            assert!(!Rule::Token.accepts(bad), "{bad:?}");
        }
        for ok in [
            "example.com",
            ".",
            "LAN scope",
            "Büro",
            "https://dns.example/dns-query (1.1.1.1)",
        ] {
            assert!(Rule::Name.accepts(ok), "{ok}");
        }
        let long = "a".repeat(256);
        for bad in ["", "a\nb", "a\0b", "tab\there", "\u{1b}[31m", long.as_str()] {
            assert!(!Rule::Name.accepts(bad), "{bad:?}");
        }
    }

    #[test]
    fn keys_keep_at_most_the_bound_other_included() {
        let mut held: BTreeMap<String, u64> = BTreeMap::new();
        for i in 0..100 {
            let label = format!("T{i}");
            let k = key(&held, &label, Rule::Token, 8).to_owned();
            *held.entry(k).or_default() += 1;
        }
        assert_eq!(held.len(), 8, "{held:?}");
        assert_eq!(held.get(OTHER), Some(&93), "7 kept, the rest under other");
        // A value already held stays itself once the bound is reached.
        assert_eq!(key(&held, "T3", Rule::Token, 8), "T3");
        assert_eq!(key(&held, "bad label", Rule::Token, 8), OTHER);
    }

    #[test]
    fn folded_counts_sum_repeats_and_keep_first_seen_order() {
        let mut f = Folded::new(Rule::Token, 3);
        for (label, v) in [("B", 1.0), ("A", 2.0), ("B", 3.0), ("C", 4.0), ("x y", 5.0)] {
            f.add(label, v);
        }
        assert_eq!(f.rows(), &[("B", 4.0), ("A", 2.0), ("other", 9.0)]);
    }

    #[test]
    fn admit_keeps_valid_distinct_names_up_to_the_bound() {
        let names = ["b", "a\n", "b", "c", "d", ""];
        let a = admit(&names, |n| n, Rule::Name, 2);
        assert_eq!(a.kept, [&"b", &"c"]);
        assert_eq!((a.invalid, a.over), (2, 1));
        assert!(a.left_out());
    }
}
