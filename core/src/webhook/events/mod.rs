//! Normalizing one update (a `messaging[]`/`standby[]` item or a `changes[]` value) into an
//! [`Event`]: every key of its type present (JSON null when absent), a dedupe key, the raw item.

mod changes;
mod messaging;

pub(super) use changes::change;
pub(super) use messaging::messaging;

use super::dedupe;
use super::read::{invalid, Path};
use super::{Event, EventType};
use crate::error::Result;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// What every update of one `entry[]` shares.
pub(super) struct Entry<'a> {
    /// `entry[].id`: the account the updates are for.
    pub account_id: &'a str,
    /// `entry[].time` in milliseconds, when given.
    pub time: Option<i64>,
    /// `entry[i]`, for error messages.
    pub path: &'a Path<'a>,
}

impl Entry<'_> {
    /// The entry time, which every `changes` update needs.
    pub(super) fn time(&self) -> Result<i64> {
        self.time
            .ok_or_else(|| invalid(&self.path.key("time"), "missing"))
    }
}

/// An event's own fields while they are gathered: a list, turned into a map once at the end
/// (one bulk build instead of a search and insert per key; 1,000 events add up).
pub(super) type Fields = Vec<(&'static str, Value)>;

/// Room for the largest type (message: 15 keys).
pub(super) const FIELDS_CAPACITY: usize = 16;

/// Insert `key: value` into a nested object (keys are the contract's snake_case names).
pub(super) fn put(object: &mut Map<String, Value>, key: &str, value: Value) {
    object.insert(key.to_owned(), value);
}

/// Add `key: value` to an event's fields (each key once).
pub(super) fn add(fields: &mut Fields, key: &'static str, value: Value) {
    fields.push((key, value));
}

/// A field of the event being built.
fn get<'f>(fields: &'f Fields, key: &str) -> Option<&'f Value> {
    fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// A string field of the event being built, for dedupe parts.
fn got<'f>(fields: &'f Fields, key: &str) -> Option<&'f str> {
    get(fields, key).and_then(Value::as_str)
}

/// The dedupe key `prefix:parts...` when every part is known, else the hash fallback over the
/// raw item.
fn dedupe_key(
    prefix: &str,
    parts: Option<&[&str]>,
    field: &str,
    entry: &Entry<'_>,
    time: i64,
    raw: &Value,
) -> String {
    match parts {
        Some(p) => dedupe::key(prefix, p),
        None => dedupe::fallback(prefix, field, entry.account_id, time, raw),
    }
}

pub(super) fn finish(
    event_type: EventType,
    field: &str,
    entry: &Entry<'_>,
    time: i64,
    dedupe_key: String,
    fields: Fields,
    raw: Box<RawValue>,
) -> Event {
    Event {
        event_type,
        field: field.to_owned(),
        account_id: entry.account_id.to_owned(),
        time,
        dedupe_key,
        fields: super::Fields::from_pairs(fields),
        raw,
    }
}

/// An entry with none of the envelopes this library knows (`changes`, `messaging`,
/// `standby`, `field`/`value`): kept whole as one `unknown` event under field `entry`.
pub(super) fn unknown_entry(entry: &Entry<'_>, value: &Value, raw: Box<RawValue>) -> Result<Event> {
    let time = entry.time()?;
    let key = dedupe_key("unknown", None, "entry", entry, time, value);
    Ok(finish(
        EventType::Unknown,
        "entry",
        entry,
        time,
        key,
        Fields::new(),
        raw,
    ))
}
