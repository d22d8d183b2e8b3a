//! `Sandbox`: the core's embedded Graph API simulator, started on its own thread.

use crate::errors;
use crate::json;
use instagram_graph::sandbox as sb;
use pyo3::prelude::*;
use std::sync::Mutex;

/// A running sandbox. `stop()` is idempotent; dropping the object stops it too.
#[pyclass(frozen, module = "instagram_graph._native")]
pub(crate) struct Sandbox {
    running: Mutex<Option<sb::Sandbox>>,
    url: String,
    access_token: String,
    app_secret: String,
    ig_user_id: String,
    info_json: String,
}

#[pymethods]
impl Sandbox {
    /// Start a sandbox. `options_json`: `{seed, latency_ms, host, port, media_count,
    /// require_appsecret_proof}` (all optional).
    #[staticmethod]
    #[pyo3(signature = (options_json=None))]
    fn start(py: Python<'_>, options_json: Option<&str>) -> PyResult<Sandbox> {
        let options = match options_json {
            Some(s) => json::parse(s, "sandbox options")?,
            None => serde_json::Value::Null,
        };
        let options =
            sb::SandboxOptions::from_json(&options).map_err(|e| errors::to_pyerr(py, &e))?;
        let running = py
            .detach(|| sb::Sandbox::start(options))
            .map_err(|e| errors::to_pyerr(py, &e))?;
        Ok(Sandbox {
            url: running.url().to_string(),
            access_token: running.access_token().to_string(),
            app_secret: running.app_secret().to_string(),
            ig_user_id: running.ig_user_id().to_string(),
            info_json: running.info_json().to_string(),
            running: Mutex::new(Some(running)),
        })
    }

    /// Base URL to give `Client(base_url=...)`.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// Access token of the demo account.
    #[getter]
    fn access_token(&self) -> &str {
        &self.access_token
    }

    /// App secret (for `appsecret_proof`).
    #[getter]
    fn app_secret(&self) -> &str {
        &self.app_secret
    }

    /// IG user id of the demo account.
    #[getter]
    fn ig_user_id(&self) -> &str {
        &self.ig_user_id
    }

    /// Everything the sandbox reports about itself, as JSON.
    fn info_json(&self) -> &str {
        &self.info_json
    }

    /// Whether `stop()` has not been called yet.
    #[getter]
    fn running(&self) -> bool {
        self.running.lock().is_ok_and(|g| g.is_some())
    }

    /// Stop serving (idempotent). Waits for the server thread with the GIL released.
    fn stop(&self, py: Python<'_>) {
        let taken = match self.running.lock() {
            Ok(mut g) => g.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(mut s) = taken {
            py.detach(move || {
                s.stop();
            });
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "Sandbox(url={:?}, ig_user_id={:?}, running={})",
            self.url,
            self.ig_user_id,
            if self.running() { "True" } else { "False" }
        )
    }
}
