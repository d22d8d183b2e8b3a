//! Node binding of the `instagram-graph` core: a few generic entry points, JSON strings across
//! the boundary. Results and errors travel in one envelope, `{"ok":true,"value":...}` or
//! `{"ok":false,"error":{...}}` (the core's `Error::to_json()`), so the TypeScript facade can
//! rebuild typed errors with every Graph field. No per-operation code lives here.
// `ig::Error` is large by design (it carries every Graph field); it is built once per failure.
#![allow(clippy::result_large_err)]

use futures::FutureExt;
use instagram_graph as ig;
use napi::{Error as NapiError, Status};
use napi_derive::napi;
use serde_json::{json, Value};
use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

fn envelope(result: ig::Result<Value>) -> String {
    match result {
        Ok(value) => json!({ "ok": true, "value": value }).to_string(),
        Err(e) => json!({ "ok": false, "error": e.to_json() }).to_string(),
    }
}

/// A synchronous entry point cannot resolve to an envelope, so it throws one: the JS `Error`'s
/// message is the `{"ok":false,...}` JSON, which the facade parses.
fn throw(e: ig::Error) -> NapiError {
    NapiError::new(Status::GenericFailure, envelope(Err(e)))
}

/// Turn a caught panic into an `internal` error. The payload is scrubbed of the secrets we
/// know, since a panic message is free text.
fn panic_error(what: &str, payload: Box<dyn Any + Send>, secrets: &[&str]) -> ig::Error {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_owned());
    ig::Error::internal(format!("{what}: internal error (Rust panic): {detail}")).scrub(secrets)
}

fn guard_sync<T>(what: &str, secrets: &[&str], f: impl FnOnce() -> ig::Result<T>) -> ig::Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(panic_error(what, p, secrets)))
}

async fn guard_async(
    what: &str,
    secrets: Vec<String>,
    fut: impl Future<Output = ig::Result<Value>>,
) -> String {
    let result = AssertUnwindSafe(fut)
        .catch_unwind()
        .await
        .unwrap_or_else(|p| {
            let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
            Err(panic_error(what, p, &secrets))
        });
    envelope(result)
}

fn parse_json(what: &str, text: &str) -> ig::Result<Value> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(text)
        .map_err(|e| ig::Error::invalid_params(format!("{what}: not valid JSON: {e}")))
}

fn client_secrets(client: &ig::Client) -> Vec<String> {
    let cfg = client.config();
    let mut out = vec![cfg.access_token.expose().to_owned()];
    out.extend(cfg.app_secret.as_ref().map(|s| s.expose().to_owned()));
    out
}

/// A Graph API client for one access token (see `ig::ClientConfig::from_json` for the keys).
#[napi]
pub struct NativeClient {
    inner: ig::Client,
}

#[napi]
impl NativeClient {
    /// Build a client from a JSON config; throws an error envelope on a bad config.
    #[napi(constructor)]
    pub fn new(config_json: String) -> napi::Result<Self> {
        guard_sync("client config", &[], || {
            let config = parse_json("client config", &config_json)?;
            ig::Client::from_json(&config)
        })
        .map(|inner| NativeClient { inner })
        .map_err(throw)
    }

    /// Call an operation by id; resolves to an envelope (one page for paginated operations).
    #[napi]
    pub async fn call(&self, op_id: String, params_json: String) -> String {
        let client = self.inner.clone();
        let secrets = client_secrets(&client);
        guard_async("call", secrets, async move {
            let params = parse_json(&format!("{op_id}: params"), &params_json)?;
            client.call(&op_id, params).await
        })
        .await
    }

    /// The last reading of Meta's usage headers as JSON (`null` before any answer carried one).
    #[napi]
    pub fn usage(&self) -> String {
        serde_json::to_string(&self.inner.usage()).unwrap_or_else(|_| "null".to_owned())
    }

    /// Start walking a paginated operation; params are validated now (throws an envelope).
    #[napi]
    pub fn paginator(
        &self,
        op_id: String,
        params_json: String,
        max_items: Option<f64>,
    ) -> napi::Result<NativePaginator> {
        let owned = client_secrets(&self.inner);
        let secrets: Vec<&str> = owned.iter().map(String::as_str).collect();
        let walker = guard_sync("paginate", &secrets, || {
            let max = match max_items {
                None => None,
                Some(m) if m.is_finite() && m >= 0.0 && m.fract() == 0.0 => Some(m as u64),
                Some(_) => {
                    return Err(ig::Error::invalid_params(format!(
                        "{op_id}: maxItems: expected a non-negative integer"
                    )))
                }
            };
            let params = parse_json(&format!("{op_id}: params"), &params_json)?;
            self.inner.paginate(&op_id, params, max)
        })
        .map_err(throw)?;
        Ok(NativePaginator {
            inner: Arc::new(tokio::sync::Mutex::new(walker)),
            secrets: owned,
        })
    }
}

/// A walk over a paginated operation, one page in memory at a time.
#[napi]
pub struct NativePaginator {
    inner: Arc<tokio::sync::Mutex<ig::Paginator>>,
    secrets: Vec<String>,
}

#[napi]
impl NativePaginator {
    /// Resolves to an envelope whose value is `{data, paging}`, or `null` once the walk is over.
    #[napi]
    pub async fn next_page(&self) -> String {
        let inner = self.inner.clone();
        guard_async("nextPage", self.secrets.clone(), async move {
            let mut walker = inner.lock().await;
            Ok(walker
                .next_page()
                .await?
                .map_or(Value::Null, |p| p.to_json()))
        })
        .await
    }
}

/// The operation catalogue as a JSON array string.
#[napi]
pub fn operations() -> napi::Result<String> {
    guard_sync("operations", &[], || Ok(ig::operations().to_string())).map_err(throw)
}

#[cfg(feature = "sandbox")]
pub mod sandbox;

/// Debug builds only: panic inside a synchronous entry point, so tests can prove a panic
/// becomes an `internal` error instead of aborting Node.
#[cfg(debug_assertions)]
#[napi(js_name = "__panicForTests")]
pub fn panic_for_tests() -> napi::Result<String> {
    guard_sync("__panicForTests", &[], || -> ig::Result<String> {
        panic!("deliberate panic (test hook)")
    })
    .map_err(throw)
}

/// Debug builds only: the same inside an async entry point (resolves to an error envelope).
#[cfg(debug_assertions)]
#[napi(js_name = "__panicForTestsAsync")]
pub async fn panic_for_tests_async() -> String {
    guard_async("__panicForTestsAsync", Vec::new(), async {
        tokio::task::yield_now().await;
        panic!("deliberate panic (test hook)")
    })
    .await
}
