//! One tokio runtime for the blocking and the asyncio APIs: pyo3-async-runtimes' global
//! runtime, created lazily on first use so importing the module starts no threads.

use crate::errors;
use futures::FutureExt;
use instagram_graph as ig;
use pyo3::prelude::*;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

/// How often a blocking call looks for Ctrl-C while it waits with the GIL released.
const SIGNAL_TICK: Duration = Duration::from_millis(100);

/// Name the worker threads and keep them few: the work is I/O-bound.
pub(crate) fn configure() {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(2, 4);
    builder
        .enable_all()
        .worker_threads(workers)
        .thread_name("instagram-graph");
    pyo3_async_runtimes::tokio::init(builder);
}

pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    pyo3_async_runtimes::tokio::get_runtime()
}

/// Turn a panic inside a future into an `internal` error instead of unwinding into Python.
pub(crate) async fn guarded<F, T>(fut: F) -> ig::Result<T>
where
    F: Future<Output = ig::Result<T>>,
{
    match AssertUnwindSafe(fut).catch_unwind().await {
        Ok(r) => r,
        Err(panic) => Err(ig::Error::internal(format!(
            "internal error (panic in instagram-graph): {}",
            panic_message(&panic)
        ))),
    }
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    }
}

enum Outcome<T> {
    Done(ig::Result<T>),
    Interrupted(PyErr),
}

/// Run `fut` to completion on the shared runtime with the GIL released, so other Python
/// threads keep running. Ctrl-C (a pending signal handler raising) cancels the request.
pub(crate) fn block_on<F, T>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = ig::Result<T>> + Send,
    T: Send,
{
    let rt = runtime();
    let outcome = py.detach(|| {
        rt.block_on(async {
            let fut = guarded(fut);
            tokio::pin!(fut);
            let mut tick =
                tokio::time::interval_at(tokio::time::Instant::now() + SIGNAL_TICK, SIGNAL_TICK);
            loop {
                tokio::select! {
                    r = &mut fut => return Outcome::Done(r),
                    _ = tick.tick() => {
                        if let Err(e) = Python::attach(|py| py.check_signals()) {
                            return Outcome::Interrupted(e);
                        }
                    }
                }
            }
        })
    });
    match outcome {
        Outcome::Done(r) => r.map_err(|e| errors::to_pyerr(py, &e)),
        Outcome::Interrupted(e) => Err(e),
    }
}

/// Wrap `fut` as an asyncio awaitable running on the shared runtime.
pub(crate) fn awaitable<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = ig::Result<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        guarded(fut)
            .await
            .map_err(|e| Python::attach(|py| errors::to_pyerr(py, &e)))
    })
}
