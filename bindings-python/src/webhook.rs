//! Webhooks (`instagram_graph::webhook`): signature checks, the subscription handshake and
//! parsing a delivery. The raw body arrives as `bytes` and is read in place; for large bodies
//! the GIL is released while the core works (a `bytes` object is immutable, so the view stays
//! valid). A panic becomes `InternalError` (pyo3's own `PanicException` is a BaseException
//! that `except Exception` would not catch), scrubbed of the secret.

use crate::errors;
use instagram_graph as ig;
use pyo3::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Below this size the GIL is kept: releasing and retaking it costs more than the work.
const DETACH_ABOVE: usize = 64 * 1024;

fn guarded<T>(what: &str, secrets: &[&str], f: impl FnOnce() -> ig::Result<T>) -> ig::Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(|e| e.scrub(secrets)),
        Err(p) => {
            let detail = p
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".to_owned());
            Err(ig::Error::internal(format!("{what}: internal error (Rust panic): {detail}"))
                .scrub(secrets))
        }
    }
}

/// Run `f` on `raw`, with the GIL released when `raw` is large.
fn run<T: Send>(
    py: Python<'_>,
    raw: &[u8],
    what: &str,
    secrets: &[&str],
    f: impl FnOnce(&[u8]) -> ig::Result<T> + Send,
) -> PyResult<T> {
    let result = if raw.len() > DETACH_ABOVE {
        py.detach(|| guarded(what, secrets, || f(raw)))
    } else {
        guarded(what, secrets, || f(raw))
    };
    result.map_err(|e| errors::to_pyerr(py, &e))
}

/// `verify_signature(raw, header, secret)`: True on a match, False on a well-formed mismatch;
/// `InvalidSignatureError` on a malformed header or an empty secret.
#[pyfunction]
pub(crate) fn webhook_verify_signature(
    py: Python<'_>,
    raw_body: &[u8],
    header: &str,
    app_secret: &str,
) -> PyResult<bool> {
    run(py, raw_body, "webhooks.verify_signature", &[app_secret], |raw| {
        ig::webhook::verify_signature(raw, header, app_secret)
    })
}

/// `verify_signature_headers`: the sha256 header when given, the sha1 one only without it.
#[pyfunction]
#[pyo3(signature = (raw_body, sha256_header, sha1_header, app_secret))]
pub(crate) fn webhook_verify_signature_headers(
    py: Python<'_>,
    raw_body: &[u8],
    sha256_header: Option<&str>,
    sha1_header: Option<&str>,
    app_secret: &str,
) -> PyResult<bool> {
    run(py, raw_body, "webhooks.verify_signature", &[app_secret], |raw| {
        ig::webhook::verify_signature_headers(raw, sha256_header, sha1_header, app_secret)
    })
}

/// Meta's GET handshake over the query's `(key, value)` pairs: the `hub.challenge`, or
/// `VerificationFailedError`.
#[pyfunction]
pub(crate) fn webhook_verify_subscription(
    py: Python<'_>,
    pairs: Vec<(String, String)>,
    verify_token: &str,
) -> PyResult<String> {
    guarded("webhooks.verify_subscription", &[verify_token], || {
        ig::webhook::verify_subscription(pairs, verify_token)
    })
    .map_err(|e| errors::to_pyerr(py, &e))
}

/// The normalized events of a delivery as one JSON array text (`json.loads` builds the
/// objects in C); `InvalidPayloadError` when the body is not a delivery.
#[pyfunction]
pub(crate) fn webhook_parse(py: Python<'_>, raw_body: &[u8]) -> PyResult<String> {
    run(py, raw_body, "webhooks.parse", &[], ig::webhook::parse_to_json)
}

/// The subscribable fields catalogue as a JSON array text.
#[pyfunction]
pub(crate) fn webhook_fields(py: Python<'_>) -> PyResult<String> {
    guarded("webhooks.fields", &[], || Ok(ig::webhook::fields().to_string()))
        .map_err(|e| errors::to_pyerr(py, &e))
}
