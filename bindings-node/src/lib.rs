//! Node binding of the `instagram-graph` core: a few generic entry points, JSON strings across
//! the boundary. Results and errors travel in one envelope, `{"ok":true,"value":...}` or
//! `{"ok":false,"error":{...}}` (the core's `Error::to_json()`), so the TypeScript facade can
//! rebuild typed errors with every Graph field. No per-operation code lives here.
// `ig::Error` is large by design (it carries every Graph field); it is built once per failure.
#![allow(clippy::result_large_err)]

use futures::FutureExt;
use instagram_graph as ig;
use napi::bindgen_prelude::{ClassInstance, PromiseRaw};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Error as NapiError, Status};
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

fn quiet_panics() {
    ig::panic_hook::install_quiet_panic_hook();
}

/// Turn a caught panic into an `internal` error, scrubbed of the client's secrets (token, app
/// secret, `appsecret_proof`, Page tokens: read now, so tokens learnt meanwhile count too).
fn panic_error(what: &str, payload: Box<dyn Any + Send>, client: Option<&ig::Client>) -> ig::Error {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_owned());
    let err = ig::Error::internal(format!("{what}: internal error (Rust panic): {detail}"));
    match client {
        None => err,
        Some(c) => {
            let secrets = c.secrets();
            let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
            err.scrub(&refs)
        }
    }
}

/// Run a synchronous entry point, turning a panic into an `internal` error scrubbed of
/// `secrets` (sandbox.rs uses it too).
fn guard_sync<T>(what: &str, secrets: &[&str], f: impl FnOnce() -> ig::Result<T>) -> ig::Result<T> {
    quiet_panics();
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|p| Err(panic_error(what, p, None).scrub(secrets)))
}

/// [`guard_sync`] for a client's entry points: scrubbed of the client's secrets.
fn guard_client<T>(
    what: &str,
    client: &ig::Client,
    f: impl FnOnce() -> ig::Result<T>,
) -> ig::Result<T> {
    quiet_panics();
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(panic_error(what, p, Some(client))))
}

async fn guard_async(
    what: &str,
    client: Option<ig::Client>,
    fut: impl Future<Output = ig::Result<Value>>,
) -> String {
    quiet_panics();
    let result = AssertUnwindSafe(fut)
        .catch_unwind()
        .await
        .unwrap_or_else(|p| Err(panic_error(what, p, client.as_ref())));
    envelope(result)
}

fn parse_json(what: &str, text: &str) -> ig::Result<Value> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(text)
        .map_err(|e| ig::Error::invalid_params(format!("{what}: not valid JSON: {e}")))
}

/// The JS progress callback: receives each report as JSON text. Non-blocking calls on an
/// unbounded queue (a report never waits for the JS thread), weak (it never keeps Node alive).
type ProgressTsfn = ThreadsafeFunction<String, (), String, Status, false, true>;

fn progress_fn(tsfn: ProgressTsfn) -> ig::ProgressFn {
    Arc::new(move |p: &ig::Progress| {
        if let Ok(text) = serde_json::to_string(p) {
            let _ = tsfn.call(text, ThreadsafeFunctionCallMode::NonBlocking);
        }
    })
}

/// The core's token callback, handing the new token to JS as JSON text: a non-blocking call
/// on an unbounded queue (the refresh never waits for the JS thread), weak (it never keeps
/// Node alive).
fn token_refresh_fn(tsfn: ProgressTsfn) -> ig::OnTokenRefresh {
    ig::OnTokenRefresh::new(move |t: &ig::TokenInfo| {
        let _ = tsfn.call(
            t.to_json().to_string(),
            ThreadsafeFunctionCallMode::NonBlocking,
        );
    })
}

fn options(progress: Option<ProgressTsfn>, cancel: Option<&NativeCancel>) -> ig::CallOptions {
    ig::CallOptions {
        progress: progress.map(progress_fn),
        cancel: cancel.map(|c| c.token.clone()),
    }
}

/// Cancels the calls it is given to (the facade creates one per call with an `AbortSignal`).
#[napi]
pub struct NativeCancel {
    token: ig::CancelToken,
}

impl Default for NativeCancel {
    fn default() -> Self {
        Self::new()
    }
}

#[napi]
impl NativeCancel {
    /// A handle that is not cancelled.
    #[napi(constructor)]
    pub fn new() -> Self {
        NativeCancel {
            token: ig::CancelToken::new(),
        }
    }

    /// Cancel every call holding this handle; idempotent.
    #[napi]
    pub fn cancel(&self) {
        self.token.cancel();
    }

    /// Whether `cancel()` was called.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

/// A Graph API client for one access token (see `ig::ClientConfig::from_json` for the keys).
#[napi]
pub struct NativeClient {
    inner: ig::Client,
}

#[napi]
impl NativeClient {
    /// Build a client from a JSON config; throws an error envelope on a bad config.
    /// `on_token_refresh` receives the new token as JSON text (`{access_token, token_type,
    /// expires_in, expires_at}`) each time the client swaps its token.
    #[napi(constructor)]
    pub fn new(config_json: String, on_token_refresh: Option<ProgressTsfn>) -> napi::Result<Self> {
        guard_sync("client config", &[], || {
            let json = parse_json("client config", &config_json)?;
            let mut config = ig::ClientConfig::from_json(&json)?;
            config.on_token_refresh = on_token_refresh.map(token_refresh_fn);
            ig::Client::new(config)
        })
        .map(|inner| NativeClient { inner })
        .map_err(throw)
    }

    /// When the access token expires (Unix seconds), if known.
    #[napi(getter)]
    pub fn token_expires_at(&self) -> Option<f64> {
        self.inner.token_expires_at().map(|t| t as f64)
    }

    /// `access token expires in N days (...)` when the known expiry is within 7 days.
    #[napi(getter)]
    pub fn token_warning(&self) -> Option<String> {
        self.inner.token_warning()
    }

    /// Refresh an Instagram Login token due within `ahead_ms` (default 7 days) and at least
    /// 24 h old; resolves to an envelope whose value is the new token info, or `null` when
    /// nothing was due.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn refresh_token_if_needed<'env>(
        &self,
        env: &'env Env,
        ahead_ms: Option<f64>,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let client = self.inner.clone();
        env.spawn_future(async move {
            let scrub = client.clone();
            Ok(guard_async("refreshTokenIfNeeded", Some(scrub), async move {
                let ahead = match ahead_ms {
                    None => ig::token::DEFAULT_REFRESH_AHEAD,
                    Some(ms) if ms.is_finite() && ms >= 0.0 => {
                        std::time::Duration::from_millis(ms.min(u64::MAX as f64) as u64)
                    }
                    Some(_) => {
                        return Err(ig::Error::invalid_params(
                            "refreshTokenIfNeeded: aheadMs: expected a non-negative number of milliseconds",
                        ))
                    }
                };
                Ok(client
                    .refresh_token_if_needed(ahead)
                    .await?
                    .map_or(Value::Null, |t| t.to_json()))
            })
            .await)
        })
    }

    /// Call an operation by id; resolves to an envelope (one page for paginated operations;
    /// `{value, report}` when `detailed`). `progress` receives reports as JSON text; `cancel`
    /// cancels the call.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        op_id: String,
        params_json: String,
        detailed: Option<bool>,
        progress: Option<ProgressTsfn>,
        cancel: Option<ClassInstance<'env, NativeCancel>>,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let client = self.inner.clone();
        let opts = options(progress, cancel.as_deref());
        let detailed = detailed.unwrap_or(false);
        env.spawn_future(async move {
            let scrub = client.clone();
            Ok(guard_async("call", Some(scrub), async move {
                let params = parse_json(&format!("{op_id}: params"), &params_json)?;
                let out = client.call_with(&op_id, params, opts).await?;
                Ok(if detailed {
                    json!({ "value": out.value, "report": out.report })
                } else {
                    out.value
                })
            })
            .await)
        })
    }

    /// The last reading of Meta's usage headers as JSON (`null` before any answer carried one).
    #[napi]
    pub fn usage(&self) -> String {
        serde_json::to_string(&self.inner.usage()).unwrap_or_else(|_| "null".to_owned())
    }

    /// Graph API version in use (`v27.0`).
    #[napi(getter)]
    pub fn api_version(&self) -> String {
        self.inner.api_version().to_owned()
    }

    /// Why the API version needs attention (expired, expiring within 90 days, unknown), if so.
    #[napi(getter)]
    pub fn version_warning(&self) -> Option<String> {
        self.inner.version_warning()
    }

    /// Where requests go (no version, no trailing slash).
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.config().effective_base_url().to_owned()
    }

    /// Refuse every further request of this client, its paginators and calls in flight.
    #[napi]
    pub fn close(&self) {
        self.inner.close();
    }

    /// Whether `close()` was called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Start walking a paginated operation; params are validated now (throws an envelope).
    /// `progress` gets one report per page; `cancel` cancels the walk.
    #[napi]
    pub fn paginator(
        &self,
        op_id: String,
        params_json: String,
        max_items: Option<f64>,
        progress: Option<ProgressTsfn>,
        cancel: Option<ClassInstance<'_, NativeCancel>>,
    ) -> napi::Result<NativePaginator> {
        let opts = options(progress, cancel.as_deref());
        let walker = guard_client("paginate", &self.inner, || {
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
            Ok(self.inner.paginate(&op_id, params, max)?.with_options(opts))
        })
        .map_err(throw)?;
        Ok(NativePaginator {
            inner: Arc::new(tokio::sync::Mutex::new(walker)),
            client: self.inner.clone(),
        })
    }
}

/// A walk over a paginated operation, one page in memory at a time. Fails once its client is
/// closed.
#[napi]
pub struct NativePaginator {
    inner: Arc<tokio::sync::Mutex<ig::Paginator>>,
    client: ig::Client,
}

#[napi]
impl NativePaginator {
    /// Resolves to an envelope whose value is `{data, paging}`, or `null` once the walk is over.
    #[napi]
    pub async fn next_page(&self) -> String {
        let inner = self.inner.clone();
        guard_async("nextPage", Some(self.client.clone()), async move {
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

/// The normalized webhook events' schema (`webhook::event_schema()`) as a JSON string: what
/// scripts/generate.mjs writes the event types from.
#[napi]
pub fn webhook_event_schema() -> napi::Result<String> {
    guard_sync("webhookEventSchema", &[], || {
        Ok(ig::webhook::event_schema().to_string())
    })
    .map_err(throw)
}

/// `instagram_graph::shortcode` failures as `invalid_params`, named by the JS function.
fn shortcode_result<T>(what: &str, r: Result<T, ig::shortcode::ShortcodeError>) -> ig::Result<T> {
    r.map_err(|e| ig::Error::invalid_params(format!("shortcode.{what}: {}", e.message)))
}

/// The media pk (decimal text: pks exceed 2^53) a shortcode spells; private-share suffixes dropped.
#[napi]
pub fn shortcode_to_pk(shortcode: String) -> napi::Result<String> {
    guard_sync("shortcode.toPk", &[], || {
        shortcode_result("toPk", ig::shortcode::to_pk(&shortcode)).map(|pk| pk.to_string())
    })
    .map_err(throw)
}

/// The shortcode of a media pk given as decimal text (or a legacy `<pk>_<owner>` id).
#[napi]
pub fn shortcode_from_pk(pk: String) -> napi::Result<String> {
    guard_sync("shortcode.fromPk", &[], || {
        shortcode_result("fromPk", ig::shortcode::from_pk_str(&pk))
    })
    .map_err(throw)
}

/// The shortcode in a post, reel or IGTV URL.
#[napi]
pub fn shortcode_from_url(url: String) -> napi::Result<String> {
    guard_sync("shortcode.fromUrl", &[], || {
        shortcode_result("fromUrl", ig::shortcode::from_url(&url))
    })
    .map_err(throw)
}

/// The public shortcode of a URL or a bare (possibly private-share) shortcode.
#[napi]
pub fn shortcode_parse(input: String) -> napi::Result<String> {
    guard_sync("shortcode.parse", &[], || {
        shortcode_result("parse", ig::shortcode::parse(&input))
    })
    .map_err(throw)
}

/// Creation time (Unix seconds) encoded in a media pk given as decimal text; `null` when it
/// encodes none.
#[napi]
pub fn shortcode_created_at(pk: String) -> napi::Result<Option<f64>> {
    guard_sync("shortcode.createdAt", &[], || {
        let t = pk.trim();
        let n = t.parse::<u128>().map_err(|_| {
            ig::Error::invalid_params(format!(
                "shortcode.createdAt: {t:?} is not a media pk (decimal digits)"
            ))
        })?;
        Ok(ig::shortcode::created_at(n).map(|s| s as f64))
    })
    .map_err(throw)
}

/// The default Graph API version of this build (`v27.0`).
#[napi]
pub fn default_api_version() -> String {
    ig::DEFAULT_API_VERSION.to_owned()
}

/// The Rust target triple this addon was compiled for (`x86_64-unknown-linux-musl`, ...), from
/// cargo's `TARGET` at build time: the loader confirms the file it loaded is the build its name
/// says.
#[napi]
pub fn native_target() -> &'static str {
    env!("IG_NATIVE_TARGET")
}

#[cfg(feature = "sandbox")]
pub mod sandbox;

pub mod webhook;

#[cfg(feature = "test-hooks")]
mod test_hooks;
