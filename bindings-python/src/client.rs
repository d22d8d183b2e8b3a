//! `Client`: one core client; `call` blocks with the GIL released, `call_async` returns an
//! asyncio awaitable, `paginator` starts a page walk. Params and results are JSON strings.

use crate::errors;
use crate::json;
use crate::paginator::Paginator;
use crate::runtime;
use instagram_graph as ig;
use pyo3::prelude::*;
use serde_json::Value;

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

#[pymethods]
impl Client {
    /// `config_json`: `{access_token, login, api_version, app_secret, base_url, timeout_ms,
    /// max_retries}`.
    #[new]
    fn new(py: Python<'_>, config_json: &str) -> PyResult<Self> {
        let config = json::parse(config_json, "client config")?;
        // Building the HTTP client may touch the system (TLS roots): keep the GIL free.
        let inner = py
            .detach(|| ig::Client::from_json(&config))
            .map_err(|e| errors::to_pyerr(py, &e))?;
        Ok(Client { inner })
    }

    /// Call an operation and wait for its JSON result (one page for paginated operations).
    #[pyo3(signature = (op_id, params_json=None))]
    fn call(&self, py: Python<'_>, op_id: &str, params_json: Option<&str>) -> PyResult<String> {
        let params = params(params_json)?;
        let client = self.inner.clone();
        let op_id = op_id.to_owned();
        runtime::block_on(py, async move {
            client.call(&op_id, params).await.map(|v| v.to_string())
        })
    }

    /// Same as `call`, as an asyncio awaitable (needs a running event loop).
    #[pyo3(signature = (op_id, params_json=None))]
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        op_id: String,
        params_json: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = params(params_json)?;
        let client = self.inner.clone();
        runtime::awaitable(py, async move {
            client.call(&op_id, params).await.map(|v| v.to_string())
        })
    }

    /// Start walking a paginated operation. Params are validated now, before any request.
    #[pyo3(signature = (op_id, params_json=None, max_items=None))]
    fn paginator(
        &self,
        py: Python<'_>,
        op_id: &str,
        params_json: Option<&str>,
        max_items: Option<u64>,
    ) -> PyResult<Paginator> {
        let params = params(params_json)?;
        let walk = self
            .inner
            .paginate(op_id, params, max_items)
            .map_err(|e| errors::to_pyerr(py, &e))?;
        Ok(Paginator::new(walk))
    }

    /// `"facebook"` or `"instagram"`.
    #[getter]
    fn login(&self) -> &'static str {
        self.inner.login().as_str()
    }

    /// Graph API version in use (`v25.0`).
    #[getter]
    fn api_version(&self) -> String {
        self.inner.config().api_version.clone()
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
        // Never the token or app secret.
        format!(
            "Client(login={:?}, api_version={:?}, base_url={:?})",
            self.login(),
            self.api_version(),
            self.base_url()
        )
    }
}
