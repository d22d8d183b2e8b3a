//! Core errors become instances of the classes in `instagram_graph.errors`, so Python sees
//! typed exceptions (`RateLimitError`, ...) carrying every field of the core error.

use instagram_graph as ig;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The Python exception for `err`. Falls back to `RuntimeError` with the same text if the
/// errors module cannot be imported (the native module used on its own).
pub(crate) fn to_pyerr(py: Python<'_>, err: &ig::Error) -> PyErr {
    build(py, err).unwrap_or_else(|_| {
        PyRuntimeError::new_err(format!("instagram-graph {} error: {err}", err.kind))
    })
}

fn build(py: Python<'_>, err: &ig::Error) -> PyResult<PyErr> {
    let module = py.import("instagram_graph.errors")?;
    let kind = err.kind.as_str();
    let class = module.getattr("error_class_for_kind")?.call1((kind,))?;
    let kw = PyDict::new(py);
    kw.set_item("kind", kind)?;
    kw.set_item("http_status", err.http_status)?;
    kw.set_item("code", err.code)?;
    kw.set_item("error_subcode", err.error_subcode)?;
    kw.set_item("error_type", err.error_type.as_deref())?;
    kw.set_item("error_user_title", err.error_user_title.as_deref())?;
    kw.set_item("error_user_msg", err.error_user_msg.as_deref())?;
    kw.set_item("fbtrace_id", err.fbtrace_id.as_deref())?;
    kw.set_item("is_transient", err.is_transient)?;
    kw.set_item("retry_after", err.retry_after.map(|d| d.as_secs_f64()))?;
    let data = match &err.error_data {
        Some(v) => Some(py.import("json")?.call_method1("loads", (v.to_string(),))?),
        None => None,
    };
    kw.set_item("error_data", data)?;
    let exc = class.call((err.message.as_str(),), Some(&kw))?;
    Ok(PyErr::from_value(exc))
}
