//! HTTP side: one fallback handler that splits `/_sandbox/*` admin endpoints from Graph
//! requests, counts them, adds latency, applies the fault decision around the answer, and
//! writes Meta's usage headers and error envelope.

use crate::admin::{self, AdminAnswer};
use crate::auth;
use crate::clock::Clock;
use crate::errors::{fbtrace_id, GraphError};
use crate::faults::{Decision, FaultKind, Faults};
use crate::graph::{self, GraphReq};
use crate::ledger;
use crate::links::{self, Pairs};
use crate::oauth::{self, TokenAnswer};
use crate::stats::{endpoint_key, Stats};
use crate::tokens::expired_error;
use crate::usage::{self, BucKey, Level};
use crate::webhooks::{self, Hooks, WebhookOptions};
use crate::world::World;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::Value;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;

/// Largest request body read (Graph form posts are small; uploads go to another host).
const MAX_BODY: usize = 4 << 20;

/// State shared by every request of one sandbox.
pub(crate) struct Shared {
    pub seed: u64,
    pub media_count: usize,
    pub bulk_comments: usize,
    pub latency: Duration,
    pub require_proof: bool,
    pub usage_start: u64,
    /// `http://host:port` (fallback origin when a request has no Host header).
    pub url: String,
    pub info: Value,
    pub world: Mutex<World>,
    pub stats: Mutex<Stats>,
    pub clock: Mutex<Clock>,
    pub faults: Mutex<Faults>,
    /// Subscriptions, deliveries and delivery settings.
    pub hooks: Mutex<Hooks>,
    /// The delivery settings `start` was given (what reset goes back to).
    pub webhook_defaults: WebhookOptions,
    /// Client of the handshakes and deliveries (rustls; no proxy: callbacks are local).
    pub http: reqwest::Client,
}

/// Per-connection switch the `connection_reset` fault pulls: the server drops the connection.
#[derive(Clone, Default)]
pub(crate) struct Kill(pub Arc<Notify>);

/// A poisoned lock only means an earlier request panicked; the data is still usable.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One executed Graph request, before it is turned into HTTP.
struct Answer {
    status: u16,
    body: Value,
    buc: Option<BucKey>,
    /// A write that changed the world (goes to the ledger).
    wrote: bool,
    /// api.instagram.com answers carry no Graph usage headers.
    graph_headers: bool,
}

/// The parsed request.
struct Req {
    method: Method,
    path: String,
    params: Pairs,
    headers: HeaderMap,
    origin: String,
    endpoint: String,
    n: u64,
}

/// Every request lands here.
pub(crate) async fn dispatch(State(sh): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let kill = parts.extensions.get::<Kill>().cloned();
    let path = parts.uri.path().to_owned();
    let query = links::parse_query(parts.uri.query());
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => Bytes::new(),
    };
    if path == "/_sandbox/webhooks" || path.starts_with("/_sandbox/webhooks/") {
        let (status, v) = webhooks::admin::handle(&sh, parts.method.as_str(), &path, &body).await;
        return json_response(status, v.to_string(), HeaderMap::new());
    }
    if path == "/_sandbox" || path.starts_with("/_sandbox/") {
        return match admin::handle(&sh, parts.method.as_str(), &path, &query, &body) {
            AdminAnswer::Json(status, v) => json_response(status, v.to_string(), HeaderMap::new()),
            AdminAnswer::Redirect(to) => redirect(&to),
        };
    }
    let endpoint = endpoint_key(parts.method.as_str(), &path);
    let n = lock(&sh.stats).record(parts.method.as_str(), &path);
    if !sh.latency.is_zero() {
        tokio::time::sleep(sh.latency).await;
    }
    let origin = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .map(|h| format!("http://{h}"))
        .unwrap_or_else(|| sh.url.clone());
    let mut params = query;
    if parts.method != Method::GET && !body.is_empty() {
        params.extend(body_params(&parts.headers, &body));
    }
    let req = Req {
        method: parts.method,
        path,
        params,
        headers: parts.headers,
        origin,
        endpoint,
        n,
    };
    // Subscriptions await a handshake with the callback, so they are served here, outside the
    // world lock (and without fault injection: faults model the data endpoints).
    let sub = webhooks::subscriptions::route(&lock(&sh.world), &req.path);
    if let Some((version, route)) = sub {
        let r = webhooks::subscriptions::handle(
            &sh,
            &req.method,
            &version,
            route,
            &req.params,
            &req.headers,
        )
        .await;
        return respond(&sh, &req, graph_answer(r, None, false, req.n), None);
    }
    let write = req.method != Method::GET && req.method != Method::HEAD;
    // api.instagram.com is another host with its own error shape: faults model graph hosts.
    let decision = if oauth::is_api_instagram(&req.method, &req.path) {
        None
    } else {
        lock(&sh.faults).decide(&req.endpoint, write)
    };
    match decision {
        None => {
            let a = execute(&sh, &req, None);
            respond(&sh, &req, a, None)
        }
        Some(d) => inject(&sh, &req, d, write, kill).await,
    }
}

/// Graph takes parameters in a form body (or JSON) as well as in the query string.
fn body_params(headers: &HeaderMap, body: &[u8]) -> Pairs {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if json {
        if let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(body) {
            return m
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => (k, s),
                    other => (k, other.to_string()),
                })
                .collect();
        }
        return Vec::new();
    }
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// Run the request against the world. `fault` names a fault that will follow (ledger note).
fn execute(sh: &Arc<Shared>, req: &Req, fault: Option<FaultKind>) -> Answer {
    let now = lock(&sh.clock).now();
    let mut world = lock(&sh.world);
    if let Some(t) = oauth::route(&mut world, &req.method, &req.path, &req.params, now) {
        return match t {
            TokenAnswer::Graph(r) => graph_answer(r, None, false, req.n),
            TokenAnswer::Api(status, body) => Answer {
                status,
                body,
                buc: None,
                wrote: false,
                graph_headers: false,
            },
        };
    }
    let g = GraphReq {
        method: &req.method,
        path: &req.path,
        params: &req.params,
        headers: &req.headers,
        origin: req.origin.clone(),
        require_proof: sh.require_proof,
        now,
    };
    let (r, buc) = graph::handle(&mut world, &g);
    drop(world);
    // Messages the Send API accepted are echoed to the webhook in the background (even when a
    // fault then hides the answer: the message was sent).
    webhooks::echoes::flush(sh);
    let write = req.method != Method::GET && req.method != Method::HEAD;
    let a = graph_answer(r, buc, write, req.n);
    if a.wrote {
        let rest = crate::stats::split_version(&req.path)
            .map(|(_, r)| r)
            .unwrap_or(&req.path);
        let key = ledger::content_key(req.method.as_str(), rest, &req.params);
        lock(&sh.stats)
            .writes
            .record(req.n, &req.endpoint, key, fault.map(FaultKind::name));
    }
    a
}

fn graph_answer(r: Result<Value, GraphError>, buc: Option<BucKey>, write: bool, n: u64) -> Answer {
    match r {
        Ok(v) => Answer {
            status: 200,
            body: v,
            buc,
            wrote: write,
            graph_headers: true,
        },
        Err(e) => Answer {
            status: e.status,
            body: e.body(&fbtrace_id(n)),
            buc,
            wrote: false,
            graph_headers: true,
        },
    }
}

/// Apply one fault decision (see `faults.rs` for which kinds run a write first).
async fn inject(
    sh: &Arc<Shared>,
    req: &Req,
    d: Decision,
    write: bool,
    kill: Option<Kill>,
) -> Response {
    lock(&sh.stats).record_fault(d.kind, write.then_some(d.write_first));
    let regain = {
        let f = lock(&sh.faults);
        if d.kind == FaultKind::ThrottleLong {
            f.opts.long_regain_minutes
        } else {
            f.opts.regain_minutes
        }
    };
    let slow = Duration::from_millis(lock(&sh.faults).opts.slow_ms);
    let first_seg = req
        .path
        .split('/')
        .filter(|s| !s.is_empty())
        .nth(1)
        .unwrap_or("")
        .to_owned();
    // The caller's bucket when the token is good (Page tokens: `pages`), else the demo account.
    let buc = || -> Option<BucKey> {
        let now = lock(&sh.clock).now();
        let w = lock(&sh.world);
        auth::token_of(&req.params, &req.headers)
            .and_then(|t| auth::resolve(&w, t, now).ok())
            .and_then(|c| c.buc(&w))
            .or_else(|| {
                w.accounts.first().map(|a| BucKey {
                    id: a.user.id.clone(),
                    kind: "instagram",
                })
            })
    };
    let refusal = |e: GraphError, throttled: bool| {
        let a = Answer {
            status: e.status,
            body: e.body(&fbtrace_id(req.n)),
            buc: buc(),
            wrote: false,
            graph_headers: true,
        };
        respond(sh, req, a, throttled.then_some(regain))
    };
    let kind = d.kind;
    if let Some(code) = kind.throttle_code() {
        return refusal(throttle_error(code, d.variant), true);
    }
    match kind {
        FaultKind::Unsupported10033 => refusal(
            GraphError::unsupported(req.method.as_str(), &first_seg),
            false,
        ),
        FaultKind::ExpiredToken => {
            let now = lock(&sh.clock).now();
            refusal(expired_error(now - 1, now), false)
        }
        FaultKind::Http500 | FaultKind::Code1 | FaultKind::Code2 => {
            if d.write_first {
                let _ = execute(sh, req, Some(kind));
            }
            let e = match (kind, d.variant) {
                (FaultKind::Http500, false) => {
                    let mut e = GraphError::new(1, "An unknown error has occurred.");
                    e.status = 500;
                    e.is_transient = Some(true);
                    e
                }
                (FaultKind::Http500, true) => {
                    let mut e = GraphError::new(
                        2,
                        "An unexpected error has occurred. Please retry your request later.",
                    );
                    e.status = 500;
                    e.is_transient = Some(true);
                    e
                }
                (FaultKind::Code1, _) => {
                    let mut e = GraphError::new(1, "An unknown error has occurred.");
                    e.is_transient = Some(false);
                    e
                }
                _ => {
                    let mut e = GraphError::new(2, "Service temporarily unavailable");
                    e.is_transient = Some(true);
                    e
                }
            };
            refusal(e, false)
        }
        FaultKind::ConnectionReset => {
            if d.write_first {
                let _ = execute(sh, req, Some(kind));
            }
            match kill {
                Some(k) => {
                    k.0.notify_one();
                    // The connection task drops this future with the socket; never answer.
                    std::future::pending::<()>().await;
                    unreachable_response()
                }
                None => unreachable_response(),
            }
        }
        FaultKind::Slow => {
            let a = if d.write_first {
                let a = execute(sh, req, Some(kind));
                tokio::time::sleep(slow).await;
                a
            } else {
                // A client that gives up during the delay drops the connection and this
                // future with it: the write then never runs.
                tokio::time::sleep(slow).await;
                execute(sh, req, Some(kind))
            };
            respond(sh, req, a, None)
        }
        FaultKind::TruncatedJson => {
            let a = execute(sh, req, Some(kind));
            let text = a.body.to_string();
            let mut cut = text.len() / 2;
            while cut > 0 && !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let headers = graph_headers(sh, req, a.buc.as_ref(), None);
            json_response(200, text[..cut.max(1).min(text.len())].to_owned(), headers)
        }
        _ => {
            let a = execute(sh, req, None);
            respond(sh, req, a, None)
        }
    }
}

/// A throttle as Meta words it (graph-api.md §4.2); #4 sometimes comes with HTTP 403.
fn throttle_error(code: i64, variant: bool) -> GraphError {
    let message = match code {
        4 => "(#4) Application request limit reached",
        17 => "(#17) User request limit reached",
        32 => "(#32) Page request limit reached",
        341 => "(#341) Application limit reached",
        613 => "(#613) Calls to this api have exceeded the rate limit.",
        80001 => "(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
        80006 => "(#80006) There have been too many messaging requests to this Messenger account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
        _ => "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
    };
    let mut e = GraphError::new(code, message);
    e.is_transient = Some(true);
    if code == 4 && variant {
        e.status = 403;
    }
    e
}

fn unreachable_response() -> Response {
    // Only reached without a connection switch (never in a served sandbox): answer nothing useful.
    json_response(500, String::new(), HeaderMap::new())
}

fn graph_headers(
    sh: &Shared,
    req: &Req,
    buc: Option<&BucKey>,
    throttled: Option<u64>,
) -> HeaderMap {
    let mut h = HeaderMap::new();
    let level = Level {
        n: req.n,
        start: sh.usage_start,
        throttled,
    };
    if let Ok(v) = HeaderValue::from_str(&usage::app_usage(level)) {
        h.insert("x-app-usage", v);
    }
    if let Some(b) = buc {
        if let Ok(v) = HeaderValue::from_str(&usage::buc_usage(b, level)) {
            h.insert("x-business-use-case-usage", v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(&fbtrace_id(req.n)) {
        h.insert("x-fb-trace-id", v);
    }
    h
}

fn respond(sh: &Shared, req: &Req, a: Answer, throttled: Option<u64>) -> Response {
    let headers = if a.graph_headers {
        graph_headers(sh, req, a.buc.as_ref(), throttled)
    } else {
        HeaderMap::new()
    };
    json_response(a.status, a.body.to_string(), headers)
}

fn json_response(status: u16, body: String, headers: HeaderMap) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    h.extend(headers);
    resp
}

fn redirect(to: &str) -> Response {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::FOUND;
    if let Ok(v) = HeaderValue::from_str(to) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_and_json_bodies() {
        let mut h = HeaderMap::new();
        assert_eq!(
            body_params(&h, b"message=hi%21&x=1"),
            vec![
                ("message".to_owned(), "hi!".to_owned()),
                ("x".to_owned(), "1".to_owned())
            ]
        );
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert_eq!(
            body_params(&h, br#"{"message":"hi","n":2}"#),
            vec![
                ("message".to_owned(), "hi".to_owned()),
                ("n".to_owned(), "2".to_owned())
            ]
        );
        assert!(body_params(&h, b"{nope").is_empty());
        assert!(body_params(&HeaderMap::new(), &[0xff, 0xfe, b'=', 0x80]).len() <= 1);
    }

    #[test]
    fn throttles_as_meta_sends_them() {
        assert_eq!(throttle_error(4, true).status, 403);
        assert_eq!(throttle_error(4, false).status, 400);
        assert_eq!(throttle_error(80002, true).status, 400);
        assert!(throttle_error(613, false).message.starts_with("(#613)"));
    }
}
