//! Sending a delivery as Meta does: `POST` of the exact bytes with `Content-Type:
//! application/json`, `X-Hub-Signature-256: sha256=<hex>` (and the legacy `X-Hub-Signature:
//! sha1=<hex>` unless turned off), Meta's crawler user agent; a non-2xx answer or no answer is
//! retried with exponential backoff (real time), then given up and recorded.

use super::{Attempt, DState, Delivery, Hooks};
use crate::routes::{lock, Shared};
use hmac::{Hmac, Mac};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// Longest wait between two attempts (Meta spreads its retries over 36 hours; a sandbox that
/// long-lived is not expected, so the doubling stops at 15 minutes).
const MAX_WAIT_MS: u64 = 15 * 60 * 1000;

/// The user agent of Meta's webhook (and link-preview) requests.
pub(crate) const USER_AGENT: &str = "facebookexternalua";

/// Hex HMAC-SHA256 and HMAC-SHA1 of `body` keyed by the app secret.
pub(crate) fn signatures(secret: &str, body: &[u8]) -> (String, String) {
    // HMAC takes keys of any length: `new_from_slice` cannot fail here.
    let s256 = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .map(|mut m| {
            m.update(body);
            hex::encode(m.finalize().into_bytes())
        })
        .unwrap_or_default();
    let s1 = <Hmac<sha1::Sha1> as Mac>::new_from_slice(secret.as_bytes())
        .map(|mut m| {
            m.update(body);
            hex::encode(m.finalize().into_bytes())
        })
        .unwrap_or_default();
    (s256, s1)
}

/// The headers of a delivery of `body`.
pub(crate) fn headers_for(secret: &str, body: &[u8], sha1: bool) -> Vec<(String, String)> {
    let (s256, s1) = signatures(secret, body);
    let mut h = vec![
        ("content-type".to_owned(), "application/json".to_owned()),
        ("user-agent".to_owned(), USER_AGENT.to_owned()),
        ("x-hub-signature-256".to_owned(), format!("sha256={s256}")),
    ];
    if sha1 {
        h.push(("x-hub-signature".to_owned(), format!("sha1={s1}")));
    }
    h
}

/// What went wrong with a request, without its URL (a handshake URL carries the verify token).
pub(crate) fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "timed out".to_owned();
    }
    let what = if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    // The innermost cause says why (refused, reset, ...) and never carries the URL.
    let mut detail = None;
    let mut cur = std::error::Error::source(e);
    while let Some(c) = cur {
        detail = Some(c.to_string());
        cur = c.source();
    }
    match detail.filter(|d| !d.is_empty()) {
        Some(d) => format!("{what}: {d}"),
        None => what.to_owned(),
    }
}

/// Unix milliseconds on the virtual clock.
pub(crate) fn virtual_ms(sh: &Shared) -> i64 {
    let s = lock(&sh.clock).now();
    s.saturating_mul(1000) + i64::from(chrono::Utc::now().timestamp_subsec_millis() % 1000)
}

/// Record a new delivery (nothing sent yet) and return its id.
pub(crate) fn record(h: &mut Hooks, mut d: Delivery) -> String {
    h.minted += 1;
    d.id = format!("dlv_{:06}", h.minted);
    let id = d.id.clone();
    h.deliveries.push(d);
    id
}

/// Send a recorded delivery: resolves after its first attempt, or after the last one when
/// `wait_all`; the other retries go on in the background. Returns its summary.
pub(crate) async fn send(sh: &Arc<Shared>, id: &str, wait_all: bool) -> Option<Value> {
    let (tx, rx) = oneshot::channel();
    let task = tokio::spawn(attempts(Arc::clone(sh), id.to_owned(), tx));
    if wait_all {
        let _ = task.await;
    } else {
        let _ = rx.await;
    }
    lock(&sh.hooks)
        .deliveries
        .iter()
        .find(|d| d.id == id)
        .map(Delivery::summary)
}

async fn attempts(sh: Arc<Shared>, id: String, first: oneshot::Sender<()>) {
    let mut first = Some(first);
    let (url, body, headers, cfg, generation) = {
        let h = lock(&sh.hooks);
        let Some(d) = h.deliveries.iter().find(|d| d.id == id) else {
            return;
        };
        (
            d.url.clone(),
            Arc::clone(&d.body),
            d.headers.clone(),
            h.config.clone(),
            h.generation,
        )
    };
    let timeout = Duration::from_millis(cfg.timeout_ms);
    let mut n: u32 = 0;
    loop {
        n += 1;
        let mut req = sh
            .http
            .post(&url)
            .timeout(timeout)
            .body(body.as_bytes().to_vec());
        for (k, v) in &headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let (status, error) = match req.send().await {
            Ok(resp) => {
                let s = resp.status().as_u16();
                // Read the answer so the connection can be reused; its content does not matter.
                let _ = resp.bytes().await;
                let e = (!(200..300).contains(&s)).then(|| format!("HTTP {s}"));
                (Some(s), e)
            }
            Err(e) => (None, Some(describe(&e))),
        };
        let ok = error.is_none();
        let at_ms = virtual_ms(&sh);
        let done = {
            let mut h = lock(&sh.hooks);
            if h.generation != generation {
                return;
            }
            let Some(d) = h.delivery_mut(&id) else {
                return;
            };
            d.attempts.push(Attempt {
                n,
                status,
                error,
                at_ms,
            });
            d.state = if ok {
                DState::Delivered
            } else if n > cfg.retries {
                DState::Failed
            } else {
                DState::Retrying
            };
            d.state != DState::Retrying
        };
        if let Some(tx) = first.take() {
            let _ = tx.send(());
        }
        if done {
            return;
        }
        let factor = 1u64 << (n - 1).min(20);
        let wait = cfg.backoff_ms.saturating_mul(factor).min(MAX_WAIT_MS);
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_known_vectors() {
        // RFC 4231 test case 2 (HMAC-SHA256) and RFC 2202 test case 2 (HMAC-SHA1).
        let (s256, s1) = signatures("Jefe", b"what do ya want for nothing?");
        assert_eq!(
            s256,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(s1, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
        let h = headers_for("k", b"{}", false);
        assert!(h.iter().all(|(k, _)| k != "x-hub-signature"));
        assert!(headers_for("k", b"{}", true)
            .iter()
            .any(|(k, v)| k == "x-hub-signature" && v.starts_with("sha1=")));
    }
}
