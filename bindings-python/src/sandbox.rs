//! `Sandbox`: the Graph API simulator (crate `instagram-graph-sandbox`), on its own thread.

use crate::errors;
use crate::json;
use instagram_graph as ig;
use instagram_graph_sandbox as sb;
use pyo3::prelude::*;
use std::sync::Mutex;

/// The sandbox's own errors become the core's typed errors, so Python sees the same classes.
fn to_ig(e: sb::Error) -> ig::Error {
    match e.kind {
        sb::ErrorKind::InvalidOptions => ig::Error::invalid_params(e.message),
        _ => ig::Error::internal(e.message),
    }
}

/// A running sandbox. `stop()` is idempotent; dropping the object stops it too.
#[pyclass(frozen, module = "instagram_graph._native")]
pub(crate) struct Sandbox {
    running: Mutex<Option<sb::Sandbox>>,
    url: String,
    access_token: String,
    facebook_access_token: String,
    page_access_token: String,
    app_id: String,
    app_secret: String,
    ig_user_id: String,
    page_id: String,
    info_json: String,
}

#[pymethods]
impl Sandbox {
    /// Start a sandbox. `options_json`: `{seed, latency_ms, host, port, media_count,
    /// require_appsecret_proof, usage_start_percent, fault_rate, fault_seed, faults,
    /// fault_endpoints, slow_ms, regain_minutes, long_regain_minutes}` (all optional).
    #[staticmethod]
    #[pyo3(signature = (options_json=None))]
    fn start(py: Python<'_>, options_json: Option<&str>) -> PyResult<Sandbox> {
        let options = match options_json {
            Some(s) => json::parse(s, "sandbox options")?,
            None => serde_json::Value::Null,
        };
        let options =
            sb::SandboxOptions::from_json(&options).map_err(|e| errors::to_pyerr(py, &to_ig(e)))?;
        let running = py
            .detach(|| sb::Sandbox::start(options))
            .map_err(|e| errors::to_pyerr(py, &to_ig(e)))?;
        Ok(Sandbox {
            url: running.url().to_string(),
            access_token: running.access_token().to_string(),
            facebook_access_token: running.facebook_access_token().to_string(),
            page_access_token: running.page_access_token().to_string(),
            app_id: running.app_id().to_string(),
            app_secret: running.app_secret().to_string(),
            ig_user_id: running.ig_user_id().to_string(),
            page_id: running.page_id().to_string(),
            info_json: running.info_json().to_string(),
            running: Mutex::new(Some(running)),
        })
    }

    /// Base URL to give `Client(base_url=...)`.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// Instagram Login token (`IGAA…`) of the demo account.
    #[getter]
    fn access_token(&self) -> &str {
        &self.access_token
    }

    /// Facebook Login user token (`EAA…`) of the user who manages the Pages.
    #[getter]
    fn facebook_access_token(&self) -> &str {
        &self.facebook_access_token
    }

    /// Page token of the Page linked to the demo account.
    #[getter]
    fn page_access_token(&self) -> &str {
        &self.page_access_token
    }

    /// App id (numeric string), the OAuth `client_id`.
    #[getter]
    fn app_id(&self) -> &str {
        &self.app_id
    }

    /// App secret (for `appsecret_proof` and `client_secret`).
    #[getter]
    fn app_secret(&self) -> &str {
        &self.app_secret
    }

    /// IG professional account id of the demo account.
    #[getter]
    fn ig_user_id(&self) -> &str {
        &self.ig_user_id
    }

    /// Id of the Facebook Page linked to the demo account.
    #[getter]
    fn page_id(&self) -> &str {
        &self.page_id
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

    /// Simulate activity and deliver it as signed webhooks, like `POST
    /// /_sandbox/webhooks/simulate` with `spec_json` as its body; returns the endpoint's
    /// answer as JSON. Waits for the deliveries with the GIL released, so a callback served by
    /// another thread of this process can answer.
    fn simulate(&self, py: Python<'_>, spec_json: &str) -> PyResult<String> {
        let spec = json::parse(spec_json, "sandbox.simulate: spec")?;
        let result = py.detach(|| {
            let guard = match self.running.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            match guard.as_ref() {
                None => Err(ig::Error::invalid_params(
                    "sandbox.simulate: the sandbox is stopped",
                )),
                Some(running) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    running.simulate(&spec).map_err(to_ig)
                }))
                .unwrap_or_else(|_| {
                    Err(ig::Error::internal(
                        "sandbox.simulate: internal error (Rust panic)",
                    ))
                }),
            }
        });
        result
            .map(|v| v.to_string())
            .map_err(|e| errors::to_pyerr(py, &e.scrub(&[&self.app_secret])))
    }

    /// Stop serving (idempotent). Signals the server, then waits for its thread with the GIL
    /// released, so other Python threads run meanwhile.
    fn stop(&self, py: Python<'_>) {
        // The lock is taken with the GIL released: a `simulate` holding it may be waiting for
        // a callback that needs the GIL to answer.
        let taken = py.detach(|| match self.running.lock() {
            Ok(mut g) => g.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        });
        if let Some(mut s) = taken {
            s.signal_stop();
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
