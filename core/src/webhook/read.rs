//! Typed reads of the known fields of a delivery, with errors that name the JSON path as Meta
//! spells it (`entry[3].messaging[0].sender.id: expected a string, got a number`).
//!
//! Paths are linked segments on the stack, formatted only when an error is built, so reading a
//! 1,000-update delivery allocates nothing for them.

use crate::error::{Error, ErrorKind, Result};
use serde_json::{Map, Value};
use std::fmt;

/// One step of a JSON path.
#[derive(Debug, Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// A JSON path: a segment and the path it hangs from.
#[derive(Debug, Clone, Copy)]
pub(super) struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
}

impl<'a> Path<'a> {
    /// A top-level key (`entry`, `object`).
    pub(super) const fn root(key: &'a str) -> Self {
        Path {
            parent: None,
            seg: Seg::Key(key),
        }
    }
    /// `self.key`.
    pub(super) fn key(&'a self, key: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Seg::Key(key),
        }
    }
    /// `self[index]`.
    pub(super) fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Seg::Index(index),
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.parent {
            p.fmt(f)?;
        }
        match (self.seg, self.parent.is_some()) {
            (Seg::Key(k), true) => write!(f, ".{k}"),
            (Seg::Key(k), false) => f.write_str(k),
            (Seg::Index(i), _) => write!(f, "[{i}]"),
        }
    }
}

/// An `invalid_payload` error about `path`.
pub(super) fn invalid(path: &Path<'_>, what: &str) -> Error {
    Error::new(
        ErrorKind::InvalidPayload,
        format!("webhook payload: {path}: {what}"),
    )
}

/// What a JSON value is, in words for error messages.
pub(super) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// An error saying `path` holds `got` where `want` belongs.
pub(super) fn wrong(path: &Path<'_>, want: &str, got: &Value) -> Error {
    invalid(path, &format!("expected {want}, got {}", kind_of(got)))
}

/// `map[key]`, treating JSON null like an absent key.
fn present<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    map.get(key).filter(|v| !v.is_null())
}

/// An object field (absent or null → `None`).
pub(super) fn obj<'v>(
    map: &'v Map<String, Value>,
    key: &str,
    at: &Path<'_>,
) -> Result<Option<&'v Map<String, Value>>> {
    match present(map, key) {
        None => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(v) => Err(wrong(&at.key(key), "an object", v)),
    }
}

/// A list field (absent or null → `None`).
pub(super) fn list<'v>(
    map: &'v Map<String, Value>,
    key: &str,
    at: &Path<'_>,
) -> Result<Option<&'v Vec<Value>>> {
    match present(map, key) {
        None => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(v) => Err(wrong(&at.key(key), "a list", v)),
    }
}

/// A text field (absent or null → `None`).
pub(super) fn text<'v>(
    map: &'v Map<String, Value>,
    key: &str,
    at: &Path<'_>,
) -> Result<Option<&'v str>> {
    match present(map, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(wrong(&at.key(key), "a string", v)),
    }
}

/// An id field: Meta sends ids as strings; a JSON integer is accepted and written as its digits
/// (old Messenger-style payloads), anything else is an error.
pub(super) fn id(map: &Map<String, Value>, key: &str, at: &Path<'_>) -> Result<Option<String>> {
    match present(map, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) if n.is_u64() || n.is_i64() => Ok(Some(n.to_string())),
        Some(v) => Err(wrong(&at.key(key), "a string", v)),
    }
}

/// A flag: absent or null is `false`.
pub(super) fn flag(map: &Map<String, Value>, key: &str, at: &Path<'_>) -> Result<bool> {
    match present(map, key) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(wrong(&at.key(key), "true or false", v)),
    }
}

/// An integer field: a JSON integer or a string of ASCII digits (Meta's docs show both for some
/// fields); absent or null → `None`.
pub(super) fn int(map: &Map<String, Value>, key: &str, at: &Path<'_>) -> Result<Option<i64>> {
    match present(map, key) {
        None => Ok(None),
        Some(v) => as_int(v)
            .map(Some)
            .ok_or_else(|| wrong(&at.key(key), "an integer", v)),
    }
}

/// `v` as an integer when it is a JSON integer in range or a string of 1–18 ASCII digits.
pub(super) fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) if digits(s) => s.parse().ok(),
        _ => None,
    }
}

/// Whether `s` is 1–18 ASCII digits (always fits an i64).
pub(super) fn digits(s: &str) -> bool {
    (1..=18).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// Meta sends entry `time` and item `timestamp` in seconds in some payloads and milliseconds in
/// others (graph-api.md §3.4). Below 10^11 a value can only be seconds (10^11 ms is 1973,
/// 10^11 s is the year 5138), so it is scaled to milliseconds.
pub(super) fn to_millis(t: i64) -> i64 {
    if (0..100_000_000_000).contains(&t) {
        t * 1000
    } else {
        t
    }
}

/// A time field normalized to milliseconds; negative values are refused.
pub(super) fn time_ms(map: &Map<String, Value>, key: &str, at: &Path<'_>) -> Result<Option<i64>> {
    match int(map, key, at)? {
        Some(t) if t < 0 => Err(invalid(
            &at.key(key),
            "expected a time, got a negative number",
        )),
        t => Ok(t.map(to_millis)),
    }
}

/// A JSON string value, or null.
pub(super) fn s(v: Option<&str>) -> Value {
    v.map_or(Value::Null, |s| Value::String(s.to_owned()))
}

/// An owned JSON string value, or null.
pub(super) fn so(v: Option<String>) -> Value {
    v.map_or(Value::Null, Value::String)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_read_like_meta_spells_them() {
        let root = Path::root("entry");
        let e = root.index(3);
        let m = e.key("messaging");
        let i = m.index(0);
        let s = i.key("sender");
        assert_eq!(s.key("id").to_string(), "entry[3].messaging[0].sender.id");
        let map = json!({"id": true}).as_object().unwrap().clone();
        let err = id(&map, "id", &s).unwrap_err();
        assert_eq!(
            err.message,
            "webhook payload: entry[3].messaging[0].sender.id: expected a string, got a boolean"
        );
    }

    #[test]
    fn times_in_seconds_become_milliseconds() {
        assert_eq!(to_millis(1_520_622_968), 1_520_622_968_000);
        assert_eq!(to_millis(1_569_262_486_134), 1_569_262_486_134);
        assert_eq!(to_millis(99_999_999_999), 99_999_999_999_000);
        assert_eq!(to_millis(100_000_000_000), 100_000_000_000);
        assert_eq!(to_millis(0), 0);
        assert_eq!(to_millis(i64::MAX), i64::MAX);
    }

    #[test]
    fn integers_as_numbers_or_digit_strings() {
        assert_eq!(as_int(&json!(3)), Some(3));
        assert_eq!(as_int(&json!("12")), Some(12));
        assert_eq!(as_int(&json!("")), None);
        assert_eq!(as_int(&json!("1e3")), None);
        assert_eq!(as_int(&json!("-1")), None);
        assert_eq!(as_int(&json!(1.5)), None);
        assert_eq!(as_int(&json!("9999999999999999999")), None);
        assert_eq!(as_int(&json!(u64::MAX)), None);
    }
}
