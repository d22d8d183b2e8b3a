//! `Client`: one core client; `call` blocks with the GIL released, `call_async` returns an
//! asyncio awaitable, `paginator` starts a page walk. Params and results are JSON strings.

use crate::errors;
use crate::json;
use crate::paginator::Paginator;
use crate::runtime::{self, ProgressSink};
use instagram_graph as ig;
use pyo3::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

/// A Graph API client for one access token (thread-safe; share it).
#[pyclass(frozen, module = "instagram_graph._native")]
pub(crate) struct Client {
    inner: ig::Client,
}

fn params(params_json: Option<&str>) -> PyResult<Value> {
    match params_json {
        None => Ok(Value::Null),
        Some(s) => json::parse(s, "params"),
    }
}

/// One call through the core; `detailed` wraps the value as `{value, report}`.
async fn run(
    client: ig::Client,
    op_id: String,
    params: Value,
    progress: Option<Arc<ProgressSink>>,
    detailed: bool,
) -> ig::Result<String> {
    let options = ig::CallOptions {
        progress: progress.as_ref().map(ProgressSink::progress_fn),
        cancel: None,
    };
    let out = client.call_with(&op_id, params, options).await?;
    // Keep the sink alive until the call is over (the core holds only a weak reference).
    drop(progress);
    Ok(if detailed {
        json!({ "value": out.value, "report": out.report }).to_string()
    } else {
        out.value.to_string()
    })
}

/// `ahead` of a refresh: finite, non-negative seconds.
fn ahead(py: Python<'_>, secs: f64) -> PyResult<std::time::Duration> {
    if !secs.is_finite() || secs < 0.0 {
        let e = ig::Error::invalid_params(
            "refresh_token_if_needed: ahead: expected a non-negative number of seconds",
        );
        return Err(errors::to_pyerr(py, &e));
    }
    Ok(std::time::Duration::from_secs_f64(secs.min(1e15)))
}

async fn refresh(client: ig::Client, ahead: std::time::Duration) -> ig::Result<Option<String>> {
    Ok(client
        .refresh_token_if_needed(ahead)
        .await?
        .map(|t| t.to_json().to_string()))
}

/// The core's token callback: hands the new token to the Python callable as JSON text (the
/// package's wrapper parses it and logs what the user's function raises). Without an
/// interpreter (shutting down) there is nobody to tell.
fn token_refresh_fn(callback: Py<PyAny>) -> ig::OnTokenRefresh {
    ig::OnTokenRefresh::new(move |t: &ig::TokenInfo| {
        let text = t.to_json().to_string();
        let _ = Python::try_attach(|py| {
            if let Err(e) = callback.call1(py, (text,)) {
                e.write_unraisable(py, None);
            }
        });
    })
}

#[pymethods]
impl Client {
    /// `config_json`: the core's client config (`access_token`, `login`, `api_version`,
    /// `app_secret`, `app_id`, `base_url`, `timeout_ms`, `max_retries`, `retry`,
    /// `max_total_wait_ms`, `high_water_mark`, `max_concurrency`, `token_expires_at`).
    /// `on_token_refresh` is called with the new token as JSON text each time the client swaps
    /// its token, on the thread running the refresh.
    #[new]
    #[pyo3(signature = (config_json, on_token_refresh=None))]
    fn new(
        py: Python<'_>,
        config_json: &str,
        on_token_refresh: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let json = json::parse(config_json, "client config")?;
        let mut config =
            ig::ClientConfig::from_json(&json).map_err(|e| errors::to_pyerr(py, &e))?;
        config.on_token_refresh = on_token_refresh.map(token_refresh_fn);
        // Building the HTTP client may touch the system (TLS roots): keep the GIL free.
        let inner = py
            .detach(|| ig::Client::new(config))
            .map_err(|e| errors::to_pyerr(py, &e))?;
        Ok(Client { inner })
    }

    /// When the access token expires (Unix seconds), if known.
    #[getter]
    fn token_expires_at(&self) -> Option<i64> {
        self.inner.token_expires_at()
    }

    /// `access token expires in N days (...)` when the known expiry is within 7 days.
    #[getter]
    fn token_warning(&self) -> Option<String> {
        self.inner.token_warning()
    }

    /// Refresh an Instagram Login token due within `ahead_secs` and at least 24 h old; the
    /// new token info as JSON text, or None when nothing was due. Blocks with the GIL released.
    fn refresh_token_if_needed(&self, py: Python<'_>, ahead_secs: f64) -> PyResult<Option<String>> {
        let ahead = ahead(py, ahead_secs)?;
        let fut = refresh(self.inner.clone(), ahead);
        runtime::block_on(py, fut, Some(self.inner.clone()), None)
    }

    /// Same as `refresh_token_if_needed`, as an asyncio awaitable.
    fn refresh_token_if_needed_async<'py>(
        &self,
        py: Python<'py>,
        ahead_secs: f64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ahead = ahead(py, ahead_secs)?;
        let fut = refresh(self.inner.clone(), ahead);
        runtime::awaitable(py, fut, Some(self.inner.clone()), None)
    }

    /// Call an operation and wait for its JSON result (one page for paginated operations).
    /// `progress` receives each report as JSON text, on this thread; `detailed` returns
    /// `{value, report}`.
    #[pyo3(signature = (op_id, params_json=None, progress=None, detailed=false))]
    fn call(
        &self,
        py: Python<'_>,
        op_id: &str,
        params_json: Option<&str>,
        progress: Option<Py<PyAny>>,
        detailed: bool,
    ) -> PyResult<String> {
        let params = params(params_json)?;
        let sink = progress.map(ProgressSink::new);
        let fut = run(
            self.inner.clone(),
            op_id.to_owned(),
            params,
            sink.clone(),
            detailed,
        );
        runtime::block_on(py, fut, Some(self.inner.clone()), sink.as_ref())
    }

    /// Same as `call`, as an asyncio awaitable (needs a running event loop); progress
    /// reports are scheduled on that loop.
    #[pyo3(signature = (op_id, params_json=None, progress=None, detailed=false))]
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        op_id: String,
        params_json: Option<&str>,
        progress: Option<Py<PyAny>>,
        detailed: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = params(params_json)?;
        let sink = progress.map(ProgressSink::new);
        let fut = run(self.inner.clone(), op_id, params, sink.clone(), detailed);
        runtime::awaitable(py, fut, Some(self.inner.clone()), sink.as_ref())
    }

    /// Start walking a paginated operation. Params are validated now, before any request.
    #[pyo3(signature = (op_id, params_json=None, max_items=None, progress=None))]
    fn paginator(
        &self,
        py: Python<'_>,
        op_id: &str,
        params_json: Option<&str>,
        max_items: Option<u64>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<Paginator> {
        let params = params(params_json)?;
        let sink = progress.map(ProgressSink::new);
        let mut walk = self
            .inner
            .paginate(op_id, params, max_items)
            .map_err(|e| errors::to_pyerr(py, &e))?;
        if let Some(s) = &sink {
            walk = walk.with_options(ig::CallOptions {
                progress: Some(s.progress_fn()),
                cancel: None,
            });
        }
        Ok(Paginator::new(walk, self.inner.clone(), sink))
    }

    /// Refuse every further request of this client, its paginators and calls in flight.
    fn close(&self) {
        self.inner.close();
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// `"facebook"` or `"instagram"`.
    #[getter]
    fn login(&self) -> &'static str {
        self.inner.login().as_str()
    }

    /// Graph API version in use (`v27.0`).
    #[getter]
    fn api_version(&self) -> String {
        self.inner.api_version().to_owned()
    }

    /// A warning about the API version (expired, expiring within 90 days, unknown), if any.
    #[getter]
    fn version_warning(&self) -> Option<String> {
        self.inner.version_warning()
    }

    /// Where requests go (no version, no trailing slash).
    #[getter]
    fn base_url(&self) -> String {
        self.inner.config().effective_base_url().to_owned()
    }

    /// The last usage reading from Meta's headers, as JSON, or `None` before any call.
    fn usage_json(&self) -> Option<String> {
        self.inner
            .usage()
            .and_then(|u| serde_json::to_string(&u).ok())
    }

    fn __repr__(&self) -> String {
        // Never the token, app secret or proof.
        format!(
            "Client(login={:?}, api_version={:?}, base_url={:?}{})",
            self.login(),
            self.api_version(),
            self.base_url(),
            if self.closed() { ", closed" } else { "" }
        )
    }
}

impl Client {
    /// The core client (test hooks scrub with its secrets).
    #[cfg_attr(not(feature = "test-hooks"), allow(dead_code))]
    pub(crate) fn core(&self) -> &ig::Client {
        &self.inner
    }
}
