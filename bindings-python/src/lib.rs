//! `instagram_graph._native`: the Python binding of the `instagram-graph` core.
//!
//! Thin on purpose: a handful of generic entry points that take and return JSON strings.
//! Every operation goes through `Client.call(op_id, params_json)`; the idiomatic classes,
//! generated methods and typing live in the Python package.

// The core's `Error` is one flat struct of Graph's fields by design; it only crosses here.
#![allow(clippy::result_large_err)]

mod client;
mod errors;
mod json;
mod paginator;
mod runtime;
mod sandbox;
mod webhook;

use pyo3::prelude::*;

/// The operation catalogue as a JSON array string.
#[pyfunction]
fn operations() -> String {
    instagram_graph::operations().to_string()
}

/// The normalized webhook events' schema as a JSON string: what tools/generate.py writes the
/// event TypedDicts from.
/// A panic (none is expected: the schema is a constant) becomes `InternalError`, not a pyo3
/// `PanicException`.
#[pyfunction]
fn webhook_event_schema(py: Python<'_>) -> PyResult<String> {
    std::panic::catch_unwind(|| instagram_graph::webhook::event_schema().to_string()).map_err(
        |_| {
            let err = instagram_graph::Error::internal(
                "webhooks.event_schema: internal error (Rust panic)",
            );
            errors::to_pyerr(py, &err)
        },
    )
}

/// Build the error a Graph answer (`http_status` + JSON body) classifies as, without any
/// request: lets the Python tests check the mapping against Meta's documented envelopes.
#[pyfunction]
#[pyo3(signature = (http_status, body_json))]
fn _error_from_graph(py: Python<'_>, http_status: u16, body_json: &str) -> PyResult<Py<PyAny>> {
    let body = json::parse(body_json, "body")?;
    let err = instagram_graph::Error::from_graph(http_status, Some(&body));
    Ok(errors::to_pyerr(py, &err).into_value(py).into_any())
}

/// Test hook (feature `test-hooks`, never in shipped builds): panic inside a future run by the
/// blocking path (or, with `awaitable`, the asyncio path), to prove a panic surfaces as
/// `InternalError` rather than taking Python down. With `client`, the panic message quotes
/// the client's secrets, to prove they are scrubbed.
#[cfg(feature = "test-hooks")]
#[pyfunction]
#[pyo3(signature = (awaitable=false, client=None))]
fn _panic_in_future(
    py: Python<'_>,
    awaitable: bool,
    client: Option<PyRef<'_, client::Client>>,
) -> PyResult<Py<PyAny>> {
    let core = client.map(|c| c.core().clone());
    let quoted = core
        .as_ref()
        .map(|c| c.secrets().join(" "))
        .unwrap_or_default();
    fn explode(quoted: &str) -> instagram_graph::Result<String> {
        if quoted.is_empty() {
            panic!("deliberate panic from _panic_in_future");
        }
        panic!("deliberate panic from _panic_in_future quoting {quoted}");
    }
    let boom = async move {
        tokio::task::yield_now().await;
        explode(&quoted)
    };
    if awaitable {
        Ok(runtime::awaitable(py, boom, core, None)?.unbind())
    } else {
        let s = runtime::block_on(py, boom, core, None)?;
        Ok(s.into_pyobject(py)?.into_any().unbind())
    }
}

/// `instagram_graph::shortcode` failures as `InvalidParamsError`, named by the Python function.
fn shortcode_result<T>(
    py: Python<'_>,
    what: &str,
    r: Result<T, instagram_graph::shortcode::ShortcodeError>,
) -> PyResult<T> {
    r.map_err(|e| {
        let err =
            instagram_graph::Error::invalid_params(format!("shortcode.{what}: {}", e.message));
        errors::to_pyerr(py, &err)
    })
}

/// The media pk (decimal text) a shortcode spells; private-share suffixes dropped.
#[pyfunction]
fn shortcode_to_pk(py: Python<'_>, shortcode: &str) -> PyResult<String> {
    shortcode_result(py, "to_pk", instagram_graph::shortcode::to_pk(shortcode))
        .map(|pk| pk.to_string())
}

/// The shortcode of a media pk given as decimal text (or a legacy `<pk>_<owner>` id).
#[pyfunction]
fn shortcode_from_pk(py: Python<'_>, pk: &str) -> PyResult<String> {
    shortcode_result(py, "from_pk", instagram_graph::shortcode::from_pk_str(pk))
}

/// The shortcode in a post, reel or IGTV URL.
#[pyfunction]
fn shortcode_from_url(py: Python<'_>, url: &str) -> PyResult<String> {
    shortcode_result(py, "from_url", instagram_graph::shortcode::from_url(url))
}

/// The public shortcode of a URL or a bare (possibly private-share) shortcode.
#[pyfunction]
fn shortcode_parse(py: Python<'_>, value: &str) -> PyResult<String> {
    shortcode_result(py, "parse", instagram_graph::shortcode::parse(value))
}

/// Creation time (Unix seconds) encoded in a media pk given as decimal text; None when it
/// encodes none.
#[pyfunction]
fn shortcode_created_at(py: Python<'_>, pk: &str) -> PyResult<Option<i64>> {
    let n = pk.trim().parse::<u128>().map_err(|_| {
        let err = instagram_graph::Error::invalid_params(format!(
            "shortcode.created_at: {:?} is not a media pk (decimal digits)",
            pk.trim()
        ));
        errors::to_pyerr(py, &err)
    })?;
    Ok(instagram_graph::shortcode::created_at(n))
}

#[pymodule(gil_used = false)]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    runtime::configure();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "DEFAULT_API_VERSION",
        instagram_graph::config::DEFAULT_API_VERSION,
    )?;
    m.add_function(wrap_pyfunction!(operations, m)?)?;
    m.add_function(wrap_pyfunction!(_error_from_graph, m)?)?;
    #[cfg(feature = "test-hooks")]
    m.add_function(wrap_pyfunction!(_panic_in_future, m)?)?;
    m.add_function(wrap_pyfunction!(webhook::webhook_verify_signature, m)?)?;
    m.add_function(wrap_pyfunction!(
        webhook::webhook_verify_signature_headers,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(webhook::webhook_verify_subscription, m)?)?;
    m.add_function(wrap_pyfunction!(webhook::webhook_parse_objects, m)?)?;
    m.add_function(wrap_pyfunction!(webhook::webhook_fields, m)?)?;
    m.add_function(wrap_pyfunction!(webhook_event_schema, m)?)?;
    m.add_function(wrap_pyfunction!(shortcode_to_pk, m)?)?;
    m.add_function(wrap_pyfunction!(shortcode_from_pk, m)?)?;
    m.add_function(wrap_pyfunction!(shortcode_from_url, m)?)?;
    m.add_function(wrap_pyfunction!(shortcode_parse, m)?)?;
    m.add_function(wrap_pyfunction!(shortcode_created_at, m)?)?;
    m.add_class::<client::Client>()?;
    m.add_class::<paginator::Paginator>()?;
    m.add_class::<sandbox::Sandbox>()?;
    Ok(())
}
