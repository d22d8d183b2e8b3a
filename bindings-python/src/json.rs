//! JSON strings across the boundary: the Python side uses the C `json` module, which is
//! faster than walking Python objects from Rust and keeps the native surface tiny.

use crate::errors;
use pyo3::prelude::*;
use serde_json::Value;

/// Parse a JSON argument; a bad string is the caller's mistake (`InvalidParamsError`).
pub(crate) fn parse(text: &str, what: &str) -> PyResult<Value> {
    serde_json::from_str(text).map_err(|e| {
        let err = instagram_graph::Error::invalid_params(format!("{what}: invalid JSON: {e}"));
        Python::attach(|py| errors::to_pyerr(py, &err))
    })
}
