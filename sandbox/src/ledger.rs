//! The write ledger: every write the sandbox executed, so a test can prove that retries and
//! faults never applied the same write twice.
//!
//! The dispatcher records every successful non-GET Graph request itself, so a new write
//! endpoint needs nothing but its handler. Two writes are "the same" when their method, path
//! and parameters (credentials excluded) are equal: the content key.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Entries kept in the log (counts keep going past it).
const MAX_LOG: usize = 10_000;

#[derive(Debug, Clone)]
struct Entry {
    request: u64,
    endpoint: String,
    content_key: String,
    fault: Option<&'static str>,
}

/// Executed writes since start or reset.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ledger {
    log: Vec<Entry>,
    executed: u64,
    duplicates: u64,
    by_endpoint: BTreeMap<String, (u64, u64)>,
    seen: BTreeMap<String, u64>,
}

/// The content key of a write: a hash of method, path and its non-credential parameters.
pub(crate) fn content_key(method: &str, path: &str, params: &[(String, String)]) -> String {
    let mut p: Vec<&(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "access_token" && k != "appsecret_proof")
        .collect();
    p.sort();
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update(b" ");
    h.update(path.as_bytes());
    for (k, v) in p {
        h.update(b"\n");
        h.update(k.as_bytes());
        h.update(b"=");
        h.update(v.as_bytes());
    }
    hex::encode(h.finalize())[..16].to_owned()
}

impl Ledger {
    /// Record one executed write; `fault` names the fault injected on its request (it came
    /// after the write, except for `slow`, whose delay may come first).
    pub(crate) fn record(
        &mut self,
        request: u64,
        endpoint: &str,
        content_key: String,
        fault: Option<&'static str>,
    ) {
        self.executed += 1;
        let seen = self.seen.entry(content_key.clone()).or_insert(0);
        *seen += 1;
        let first = *seen == 1;
        if !first {
            self.duplicates += 1;
        }
        let e = self
            .by_endpoint
            .entry(endpoint.to_owned())
            .or_insert((0, 0));
        e.0 += 1;
        if first {
            e.1 += 1;
        }
        if self.log.len() < MAX_LOG {
            self.log.push(Entry {
                request,
                endpoint: endpoint.to_owned(),
                content_key,
                fault,
            });
        }
    }

    /// `{"executed","duplicates","by_endpoint":{ep:{"executed","distinct"}},"log":[...]}`.
    pub(crate) fn to_json(&self) -> Value {
        let by: serde_json::Map<String, Value> = self
            .by_endpoint
            .iter()
            .map(|(k, (n, d))| (k.clone(), json!({"executed": n, "distinct": d})))
            .collect();
        let log: Vec<Value> = self
            .log
            .iter()
            .map(|e| {
                json!({"request": e.request, "endpoint": e.endpoint,
                       "content_key": e.content_key, "fault": e.fault})
            })
            .collect();
        json!({"executed": self.executed, "duplicates": self.duplicates, "by_endpoint": by, "log": log})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_counted_by_content() {
        let p = |m: &str| {
            vec![
                ("message".to_owned(), m.to_owned()),
                ("access_token".to_owned(), "T".to_owned()),
            ]
        };
        let k1 = content_key("POST", "/1/replies", &p("hi"));
        let mut other_token = p("hi");
        other_token[1].1 = "U".into();
        assert_eq!(k1, content_key("POST", "/1/replies", &other_token));
        assert_ne!(k1, content_key("POST", "/1/replies", &p("ho")));
        let mut l = Ledger::default();
        l.record(1, "POST /{id}/replies", k1.clone(), None);
        l.record(2, "POST /{id}/replies", k1, Some("http_500"));
        let j = l.to_json();
        assert_eq!(j["executed"], 2);
        assert_eq!(j["duplicates"], 1);
        assert_eq!(j["by_endpoint"]["POST /{id}/replies"]["distinct"], 1);
        assert_eq!(j["log"][1]["fault"], "http_500");
    }
}
