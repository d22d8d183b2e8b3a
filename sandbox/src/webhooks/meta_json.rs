//! JSON text as Meta's webhook deliveries carry it: compact, every non-ASCII character escaped
//! as `\uXXXX` with lowercase hex (UTF-16 surrogate pairs beyond the BMP), `/` written `\/`.
//!
//! Meta signs exactly these bytes ("an escaped unicode version of the payload, with lowercase
//! hex digits", graph-api.md §3.3), so a receiver that re-serializes parsed JSON computes a
//! different HMAC for any payload with non-ASCII text or a URL. serde_json's own writer emits
//! raw UTF-8 and a bare `/`, hence this small writer.
//!
//! Object keys come in Meta's order where its examples show one (`object` before `entry`,
//! `id`/`time` before `changes`/`messaging`, `sender`/`recipient`/`timestamp` first, `mid`
//! and `text` first in a message, `from`, `id`, `parent_id`, `text` in a comment), the rest
//! alphabetically (serde_json's map order).

use serde_json::Value;
use std::fmt::Write as _;

/// Keys written first, in this order, when an object has them.
const FIRST_KEYS: &[&str] = &[
    "object",
    "entry",
    "from",
    "id",
    "time",
    "changes",
    "messaging",
    "standby",
    "field",
    "value",
    "sender",
    "recipient",
    "timestamp",
    "mid",
    "media_id",
    "parent_id",
    "text",
    "type",
];

/// Serialize `v` as Meta does.
pub(crate) fn to_string(v: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_value(&mut out, v);
    out
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_str(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            let mut first = true;
            let mut entry = |out: &mut String, k: &str, v: &Value| {
                if !first {
                    out.push(',');
                }
                first = false;
                write_str(out, k);
                out.push(':');
                write_value(out, v);
            };
            for k in FIRST_KEYS {
                if let Some(v) = m.get(*k) {
                    entry(out, k, v);
                }
            }
            for (k, v) in m {
                if !FIRST_KEYS.contains(&k.as_str()) {
                    entry(out, k, v);
                }
            }
            out.push('}');
        }
    }
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) >= 0x7f => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_like_meta() {
        let v = json!({"entry": [{"time": 1, "id": "1"}], "object": "instagram",
            "t": "caf\u{e9} / ok \u{2764}\u{fe0f} \u{1f600} \"q\" \\ \n\u{1}\u{7f}"});
        let s = to_string(&v);
        assert_eq!(
            s,
            r#"{"object":"instagram","entry":[{"id":"1","time":1}],"t":"caf\u00e9 \/ ok \u2764\ufe0f \ud83d\ude00 \"q\" \\ \n\u0001\u007f"}"#
        );
        assert!(s.is_ascii());
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn numbers_and_literals() {
        let v = json!([1, -2, 1.5, true, false, null, {}, []]);
        assert_eq!(to_string(&v), "[1,-2,1.5,true,false,null,{},[]]");
    }
}
