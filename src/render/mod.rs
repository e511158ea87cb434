//! Rendering for people: `scrape --table`'s tables ([`table`]). It reads a collector's snapshot
//! and sits above the collectors; the exposition formats are written by the collectors through
//! [`crate::exposition`] (see [`crate::collector::families`]).

pub mod table;
