//! Dedupe keys (graph-api.md §3.6): Meta redelivers for up to 36 hours, so every event gets a
//! key that is the same for every redelivery of the same update and differs between updates.
//!
//! Form: `<kind>:<part>[:<part>...]`, e.g. `message:<mid>`, `comment:<comment id>`. A part longer
//! than [`MAX_PART`] characters (message ids are ~150) or containing `:` is replaced by the first
//! 32 hex digits of its SHA-256, so keys stay short for n8n's deduplication store. Items with no
//! id of their own get `<kind>:<32 hex>` over the field, account, time and the item's canonical
//! JSON (keys sorted, compact).

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// Longest part kept as written.
pub(super) const MAX_PART: usize = 64;

/// The first 128 bits of SHA-256 over `bytes`, as 32 lowercase hex digits.
fn hash32(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..16])
}

/// `kind:part1:part2...`, long or awkward parts hashed.
pub(super) fn key(kind: &str, parts: &[&str]) -> String {
    let mut out =
        String::with_capacity(kind.len() + parts.iter().map(|p| p.len() + 1).sum::<usize>());
    out.push_str(kind);
    for p in parts {
        out.push(':');
        if p.len() > MAX_PART || p.contains(':') {
            out.push_str(&hash32(p.as_bytes()));
        } else {
            out.push_str(p);
        }
    }
    out
}

/// The key for an item without ids: a hash of what identifies it.
pub(super) fn fallback(
    kind: &str,
    field: &str,
    account_id: &str,
    time: i64,
    raw: &Value,
) -> String {
    let mut buf = String::with_capacity(256);
    buf.push_str(field);
    buf.push('\n');
    buf.push_str(account_id);
    buf.push('\n');
    let _ = write!(buf, "{time}");
    buf.push('\n');
    canonical(raw, &mut buf);
    let mut out = String::with_capacity(kind.len() + 33);
    out.push_str(kind);
    out.push(':');
    out.push_str(&hash32(buf.as_bytes()));
    out
}

/// Compact JSON with object keys sorted by their UTF-8 bytes at every level, independent of
/// serde_json's map order (the `preserve_order` feature may be on in a build).
pub(super) fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_unstable();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(k, out);
                out.push(':');
                if let Some(x) = m.get(k) {
                    canonical(x, out);
                }
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        Value::String(s) => string(s, out),
        // Null, booleans and numbers print the same through serde_json in any map mode.
        other => out.push_str(&other.to_string()),
    }
}

fn string(s: &str, out: &mut String) {
    // serde_json's string escaping (`"`, `\`, control characters); never fails for a str.
    out.push_str(&Value::from(s).to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn short_parts_are_kept_and_long_ones_hashed() {
        assert_eq!(key("message", &["m_1"]), "message:m_1");
        assert_eq!(key("mention", &["1", "2"]), "mention:1:2");
        let long = "a".repeat(150);
        let k = key("message", &[&long]);
        assert_eq!(k.len(), "message:".len() + 32);
        assert_eq!(k, key("message", &[&long]));
        assert_ne!(key("x", &["a:b"]), "x:a:b");
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let mut a = String::new();
        canonical(
            &json!({"b": [1, {"z": null, "a": "é\n"}], "a": true}),
            &mut a,
        );
        assert_eq!(a, r#"{"a":true,"b":[1,{"a":"é\n","z":null}]}"#);
    }

    #[test]
    fn fallback_depends_on_every_input() {
        let v = json!({"x": 1});
        let base = fallback("unknown", "f", "1", 2, &v);
        assert_eq!(base, fallback("unknown", "f", "1", 2, &json!({"x": 1})));
        assert_ne!(base, fallback("unknown", "g", "1", 2, &v));
        assert_ne!(base, fallback("unknown", "f", "3", 2, &v));
        assert_ne!(base, fallback("unknown", "f", "1", 4, &v));
        assert_ne!(base, fallback("unknown", "f", "1", 2, &json!({"x": 2})));
        assert!(base.starts_with("unknown:"));
    }
}
