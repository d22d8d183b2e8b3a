//! Keeping secrets out of everything we hand back: paging URLs, error text, Debug output.

use serde_json::Value;
use std::fmt;

/// Query parameters that carry credentials in Graph URLs.
pub const SECRET_PARAMS: &[&str] = &[
    "access_token",
    "appsecret_proof",
    "client_secret",
    "fb_exchange_token",
    "input_token",
];

/// A string that never prints: Debug and Display show `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret value.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The raw value, for the transport only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Remove credential query parameters from a URL string; other text is returned unchanged.
pub fn strip_url(raw: &str) -> String {
    let Ok(mut url) = url::Url::parse(raw) else {
        return raw.to_owned();
    };
    if url.query().is_none() {
        return raw.to_owned();
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !SECRET_PARAMS.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url.to_string()
}

/// Strip credentials from `paging.next` / `paging.previous` (at any depth: nested edges page too).
pub fn strip_paging_urls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == "paging" {
                    if let Value::Object(p) = child {
                        for key in ["next", "previous"] {
                            if let Some(Value::String(s)) = p.get_mut(key) {
                                *s = strip_url(s);
                            }
                        }
                    }
                }
                strip_paging_urls(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_paging_urls),
        _ => {}
    }
}

/// Replace `secret` in every string inside `v`.
pub fn scrub_value(v: &mut Value, secret: &str) {
    match v {
        Value::String(s) if s.contains(secret) => *s = s.replace(secret, "[redacted]"),
        Value::Array(a) => a.iter_mut().for_each(|x| scrub_value(x, secret)),
        Value::Object(m) => m.values_mut().for_each(|x| scrub_value(x, secret)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paging_urls_lose_credentials_but_keep_cursors() {
        let mut v = json!({"data": [], "paging": {"next": "https://graph.facebook.com/v25.0/1/media?access_token=TOK&limit=25&after=QVFI&appsecret_proof=abc"}});
        strip_paging_urls(&mut v);
        let next = v["paging"]["next"].as_str().unwrap();
        assert!(!next.contains("TOK") && !next.contains("appsecret_proof"));
        assert!(next.contains("after=QVFI") && next.contains("limit=25"));
    }

    #[test]
    fn secret_debug_is_redacted() {
        assert_eq!(format!("{:?}", Secret::new("EAAB")), "[redacted]");
    }
}
