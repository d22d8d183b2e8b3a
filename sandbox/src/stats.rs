//! Request counters behind `GET /_sandbox/stats`: requests by endpoint, injected faults by
//! kind, and the ledger of executed writes.

use crate::faults::FaultKind;
use crate::ledger::Ledger;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Graph requests served since start or the last reset.
#[derive(Debug, Default, Clone)]
pub(crate) struct Stats {
    pub requests: u64,
    pub by_endpoint: BTreeMap<String, u64>,
    /// Faults injected, by kind.
    pub faults: BTreeMap<FaultKind, u64>,
    /// Faults on writes that answered before the write ran / after it ran.
    pub faults_before_write: u64,
    pub faults_after_write: u64,
    pub writes: Ledger,
}

impl Stats {
    /// Count one Graph request; returns its number (1-based), which also seeds usage and trace ids.
    pub(crate) fn record(&mut self, method: &str, path: &str) -> u64 {
        self.requests += 1;
        *self
            .by_endpoint
            .entry(endpoint_key(method, path))
            .or_insert(0) += 1;
        self.requests
    }

    /// Count one injected fault.
    pub(crate) fn record_fault(&mut self, kind: FaultKind, on_write: Option<bool>) {
        *self.faults.entry(kind).or_insert(0) += 1;
        match on_write {
            Some(true) => self.faults_after_write += 1,
            Some(false) => self.faults_before_write += 1,
            None => {}
        }
    }

    pub(crate) fn to_json(&self) -> Value {
        let faults: serde_json::Map<String, Value> = FaultKind::ALL
            .into_iter()
            .map(|k| {
                (
                    k.name().to_owned(),
                    json!(self.faults.get(&k).copied().unwrap_or(0)),
                )
            })
            .collect();
        json!({
            "requests": self.requests,
            "by_endpoint": self.by_endpoint,
            "faults": faults,
            "faults_total": self.faults.values().sum::<u64>(),
            "faults_on_writes": {"before_write": self.faults_before_write, "after_write": self.faults_after_write},
            "writes": self.writes.to_json(),
        })
    }
}

fn is_version(seg: &str) -> bool {
    let Some(rest) = seg.strip_prefix('v') else {
        return false;
    };
    let mut parts = rest.splitn(2, '.');
    let (Some(a), Some(b)) = (parts.next(), parts.next()) else {
        return false;
    };
    !a.is_empty()
        && !b.is_empty()
        && a.bytes().all(|c| c.is_ascii_digit())
        && b.bytes().all(|c| c.is_ascii_digit())
}

/// Split `/v25.0/rest` into the version and the rest (`/` when empty).
pub(crate) fn split_version(path: &str) -> Option<(&str, &str)> {
    let trimmed = path.strip_prefix('/')?;
    let (first, rest) = match trimmed.find('/') {
        Some(i) => (&trimmed[..i], &trimmed[i..]),
        None => (trimmed, "/"),
    };
    is_version(first).then_some((first, rest))
}

/// `GET /v25.0/17841.../media` -> `GET /{id}/media`: stable keys whatever the ids.
pub(crate) fn endpoint_key(method: &str, path: &str) -> String {
    let rest = split_version(path).map(|(_, r)| r).unwrap_or(path);
    let segs: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .take(4)
        .map(|s| {
            let is_name = s == "me"
                || (s.len() <= 40
                    && s.bytes().all(|c| c.is_ascii_lowercase() || c == b'_')
                    && !s.is_empty());
            if is_name {
                s.to_owned()
            } else {
                "{id}".to_owned()
            }
        })
        .collect();
    format!("{} /{}", method.to_ascii_uppercase(), segs.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_normalise_ids_and_versions() {
        assert_eq!(
            endpoint_key("GET", "/v25.0/17841400000000001/media"),
            "GET /{id}/media"
        );
        assert_eq!(endpoint_key("get", "/v19.0/me"), "GET /me");
        assert_eq!(
            endpoint_key("GET", "/v25.0/me/accounts"),
            "GET /me/accounts"
        );
        assert_eq!(endpoint_key("GET", "/v25.0/18000000000000001"), "GET /{id}");
        assert_eq!(endpoint_key("GET", "/v25.0/"), "GET /");
        assert_eq!(endpoint_key("GET", "/nope/Abc"), "GET /nope/{id}");
    }

    #[test]
    fn versions() {
        assert_eq!(split_version("/v25.0/me"), Some(("v25.0", "/me")));
        assert_eq!(split_version("/v3.12"), Some(("v3.12", "/")));
        assert_eq!(split_version("/me"), None);
        assert_eq!(split_version("/v25/me"), None);
        assert_eq!(split_version("/v.1/me"), None);
    }

    #[test]
    fn record_counts() {
        let mut s = Stats::default();
        assert_eq!(s.record("GET", "/v25.0/me"), 1);
        assert_eq!(s.record("GET", "/v25.0/me"), 2);
        assert_eq!(s.to_json()["by_endpoint"]["GET /me"], 2);
    }
}
