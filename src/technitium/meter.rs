//! What an answer parses into, counted while it is parsed: [`Footprint`], the list and map
//! deserializers that count ([`metered`], [`metered_option`], [`metered_map`]), and the meter
//! they count against ([`measure`]).
//!
//! An answer's body is charged to the response budget while it is read; what it parses into can
//! be many times larger (a 24-byte zone becomes a struct of more than 100 bytes and two heap
//! strings; a 4-byte label a 24-byte `String` and its allocation). Every list of the API's
//! answers is parsed through these deserializers, which count each element as it is added (its
//! slot in the list, the list's growth, its strings) and stop the parse once the room the meter
//! was given is used up, before the list grows further.
//!
//! The meter is set by the transport around one decode and read by the deserializers through a
//! thread-local: decoding is synchronous (it never awaits), so nothing else runs on the thread
//! meanwhile, and the response types need no context of their own. Without a meter (the demo's
//! own parsing, tests) nothing is counted and nothing is refused.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::mem::size_of;

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};

/// Heap memory a parsed value owns, beyond its own size: its strings, as the allocator hands them
/// out. Lists parsed through [`metered`] count their own elements' slots and growth, so a value
/// with such a list inside does not count that list again.
pub trait Footprint {
    /// Bytes of heap this value owns.
    fn heap_bytes(&self) -> usize;
}

/// What the allocator hands out for `capacity` bytes: nothing for none, else at least 32 bytes,
/// in steps of 16, with 8 bytes of its own bookkeeping (glibc's malloc on 64-bit Linux).
#[must_use]
pub fn allocation(capacity: usize) -> usize {
    if capacity == 0 {
        0
    } else {
        capacity
            .saturating_add(8)
            .checked_next_multiple_of(16)
            .unwrap_or(usize::MAX)
            .max(32)
    }
}

impl Footprint for String {
    fn heap_bytes(&self) -> usize {
        allocation(self.capacity())
    }
}

impl<T: Footprint> Footprint for Option<T> {
    fn heap_bytes(&self) -> usize {
        self.as_ref().map_or(0, Footprint::heap_bytes)
    }
}

impl Footprint for serde_json::Number {
    fn heap_bytes(&self) -> usize {
        0
    }
}

/// The meter of one decode.
#[derive(Debug, Clone, Copy)]
struct Meter {
    /// Bytes counted so far.
    used: u64,
    /// Bytes it may count.
    room: u64,
    /// Whether a count did not fit (the parse was stopped).
    exceeded: bool,
}

thread_local! {
    static METER: Cell<Option<Meter>> = const { Cell::new(None) };
}

/// What a decode under [`measure`] counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    /// Bytes the parsed lists hold.
    pub used: u64,
    /// Whether the parse was stopped because they did not fit in the room given.
    pub exceeded: bool,
}

/// Runs `parse` (one synchronous decode) with a meter of `room` bytes: the lists it parses
/// count against it, and a list that would not fit fails the parse.
pub fn measure<R>(room: u64, parse: impl FnOnce() -> R) -> (R, Measured) {
    /// Puts back the meter that was set before (none, unless decodes nest), even on a panic.
    struct Restore(Option<Meter>);
    impl Drop for Restore {
        fn drop(&mut self) {
            METER.with(|m| m.set(self.0));
        }
    }
    let before = METER.with(|m| {
        m.replace(Some(Meter {
            used: 0,
            room,
            exceeded: false,
        }))
    });
    let restore = Restore(before);
    let result = parse();
    let meter = METER.with(Cell::get);
    drop(restore);
    let measured = meter.map_or(
        Measured {
            used: 0,
            exceeded: false,
        },
        |m| Measured {
            used: m.used,
            exceeded: m.exceeded,
        },
    );
    (result, measured)
}

/// Counts `keep` bytes that stay, after checking that `peak` bytes (`keep` and what exists only
/// for a moment, such as a list's old buffer while it is copied) fit. False when they do not:
/// the parse must stop. True without a meter.
fn count(keep: usize, peak: usize) -> bool {
    METER.with(|cell| {
        let Some(mut meter) = cell.get() else {
            return true;
        };
        let fits = meter.used.saturating_add(peak as u64) <= meter.room;
        if fits {
            meter.used = meter.used.saturating_add(keep as u64);
        } else {
            meter.exceeded = true;
        }
        cell.set(Some(meter));
        fits
    })
}

/// The error a parse stops with when the meter's room is used up (the transport reports it as
/// its own error, with what to do, not as this text).
const NO_ROOM: &str = "the exporter's memory budget has no room left for this list";

/// Deserializes a list, counting every element ([`Footprint`]) and the list's growth against
/// the meter. For `#[serde(deserialize_with = "metered")]`.
///
/// # Errors
/// The element's error, or one when the meter's room is used up.
pub fn metered<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Footprint,
{
    d.deserialize_seq(ListVisitor(PhantomData))
}

/// [`metered`] for an optional list (`null` or absent is `None`; absent needs
/// `#[serde(default)]` beside it).
///
/// # Errors
/// As [`metered`].
pub fn metered_option<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Footprint,
{
    Ok(Option::<Metered<T>>::deserialize(d)?.map(|m| m.0))
}

/// Deserializes a map, counting every entry against the meter (a `BTreeMap` entry costs about
/// twice its key and value in node space, plus their heap).
///
/// # Errors
/// An entry's error, or one when the meter's room is used up.
pub fn metered_map<'de, D, K, V>(d: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Footprint + Ord,
    V: Deserialize<'de> + Footprint,
{
    d.deserialize_map(MapVisitor(PhantomData))
}

/// A list parsed through [`metered`].
struct Metered<T>(Vec<T>);

impl<'de, T: Deserialize<'de> + Footprint> Deserialize<'de> for Metered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        metered(d).map(Metered)
    }
}

struct ListVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de> + Footprint> Visitor<'de> for ListVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items: Vec<T> = Vec::new();
        while let Some(item) = seq.next_element::<T>()? {
            if items.len() == items.capacity() {
                // Grow as Vec would (doubling), but only once the new buffer fits beside the
                // old one, which exists until its elements are copied over.
                let old = items.capacity();
                let new = old.saturating_mul(2).max(4);
                let size = size_of::<T>();
                let keep = (new - old).saturating_mul(size);
                if !count(keep, new.saturating_mul(size)) {
                    return Err(A::Error::custom(NO_ROOM));
                }
                items.reserve_exact(new - old);
            }
            let heap = item.heap_bytes();
            if !count(heap, heap) {
                return Err(A::Error::custom(NO_ROOM));
            }
            items.push(item);
        }
        Ok(items)
    }
}

struct MapVisitor<K, V>(PhantomData<fn() -> (K, V)>);

impl<'de, K, V> Visitor<'de> for MapVisitor<K, V>
where
    K: Deserialize<'de> + Footprint + Ord,
    V: Deserialize<'de> + Footprint,
{
    type Value = BTreeMap<K, V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BTreeMap<K, V>, A::Error> {
        let mut entries = BTreeMap::new();
        while let Some((key, value)) = map.next_entry::<K, V>()? {
            let cost =
                2 * (size_of::<K>() + size_of::<V>()) + key.heap_bytes() + value.heap_bytes();
            if !count(cost, cost) {
                return Err(A::Error::custom(NO_ROOM));
            }
            entries.insert(key, value);
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Doc {
        #[serde(deserialize_with = "metered")]
        names: Vec<String>,
        #[serde(default, deserialize_with = "metered_option")]
        more: Option<Vec<String>>,
    }

    fn parse(text: &str, room: u64) -> (Result<Doc, serde_json::Error>, Measured) {
        measure(room, || serde_json::from_str::<Doc>(text))
    }

    #[test]
    fn allocations_are_counted_as_the_allocator_hands_them_out() {
        assert_eq!(allocation(0), 0);
        assert_eq!(allocation(1), 32);
        assert_eq!(allocation(24), 32);
        assert_eq!(allocation(25), 48);
        assert_eq!(allocation(usize::MAX), usize::MAX);
    }

    #[test]
    fn a_list_counts_its_slots_and_its_strings() {
        let (doc, measured) = parse(r#"{"names":["a","b","c","d","e"]}"#, 1 << 20);
        assert_eq!(doc.map(|d| d.names.len()).ok(), Some(5));
        // 8 slots of 24 bytes (4, then doubled) and five 32-byte allocations.
        assert_eq!(
            measured,
            Measured {
                used: 8 * 24 + 5 * 32,
                exceeded: false
            }
        );
        let (doc, measured) = parse(r#"{"names":[],"more":null}"#, 0);
        assert!(doc.is_ok_and(|d| d.names.is_empty() && d.more.is_none()));
        assert_eq!(measured.used, 0);
    }

    #[test]
    fn a_list_that_does_not_fit_stops_the_parse() {
        let (doc, measured) = parse(r#"{"names":["a","b","c","d","e"]}"#, 200);
        assert!(doc.is_err());
        assert!(measured.exceeded);
        assert!(measured.used <= 200, "{measured:?}");
        // The optional list counts against the same meter.
        let (doc, measured) = parse(r#"{"names":["a"],"more":["b","c"]}"#, 4 * 24 + 32 + 95);
        assert!(doc.is_err() && measured.exceeded, "{measured:?}");
    }

    #[test]
    fn nothing_is_counted_or_refused_without_a_meter() {
        let doc: Result<Doc, _> = serde_json::from_str(r#"{"names":["a","b"]}"#);
        assert!(doc.is_ok());
        assert!(count(usize::MAX, usize::MAX));
    }

    #[test]
    fn maps_count_their_entries() {
        #[derive(serde::Deserialize)]
        struct M {
            #[serde(deserialize_with = "metered_map")]
            m: BTreeMap<String, String>,
        }
        let (m, measured) = measure(1 << 20, || {
            serde_json::from_str::<M>(r#"{"m":{"a":"x","b":""}}"#)
        });
        assert_eq!(m.map(|m| m.m.len()).ok(), Some(2));
        assert_eq!(measured.used, 2 * 2 * 48 + 32 + 32 + 32);
    }
}
