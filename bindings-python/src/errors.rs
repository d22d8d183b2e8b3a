//! Core errors become instances of the classes in `instagram_graph.errors`, so Python sees
//! typed exceptions (`RateLimitError`, ...) carrying every field of the core error.

use instagram_graph as ig;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// How the core ends the message of a call refused by a closed client.
const CLOSED: &str = "client is closed";

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
    // A closed client is refused by the core as `unsupported`; Python users also catch it as
    // the `RuntimeError` that `close()` has always promised.
    let class = if err.kind == ig::ErrorKind::Unsupported && err.message.ends_with(CLOSED) {
        module.getattr("ClientClosedError")?
    } else {
        module.getattr("error_class_for_kind")?.call1((kind,))?
    };
    // Every field of the core's JSON, unknown ones included (they land in `extra`).
    let fields = err.to_json();
    let kw = py
        .import("json")?
        .call_method1("loads", (fields.to_string(),))?
        .cast_into::<PyDict>()?;
    kw.del_item("message")?;
    let exc = class.call((err.message.as_str(),), Some(&kw))?;
    Ok(PyErr::from_value(exc))
}
