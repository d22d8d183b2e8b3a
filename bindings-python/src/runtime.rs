//! One tokio runtime for the blocking and the asyncio APIs (pyo3-async-runtimes' global
//! runtime, created lazily on first use so importing the module starts no threads), the
//! asyncio bridge, progress delivery and the panic guard.
//!
//! Worker threads only ever touch Python through `Python::try_attach`, and a closed event loop
//! is not an error: a call can finish after its loop has gone (cancelled at `asyncio.run`'s
//! end) or while the interpreter shuts down, and neither may print or panic.

use crate::errors;
use futures::FutureExt;
use instagram_graph as ig;
use pyo3::prelude::*;
use pyo3::IntoPyObjectExt;
use std::collections::VecDeque;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

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
    ig::panic_hook::install_quiet_panic_hook();
}

pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    pyo3_async_runtimes::tokio::get_runtime()
}

/// The secrets to scrub from a panic message: the client's (token, app secret, proofs, Page
/// tokens), read when the panic happens so Page tokens learnt meanwhile count too.
pub(crate) type Scrub = Option<ig::Client>;

/// Turn a panic inside a future into an `internal` error instead of unwinding into Python.
pub(crate) async fn guarded<F, T>(fut: F, scrub: Scrub) -> ig::Result<T>
where
    F: Future<Output = ig::Result<T>>,
{
    match AssertUnwindSafe(fut).catch_unwind().await {
        Ok(r) => r,
        Err(panic) => Err(panic_error(&panic, scrub.as_ref())),
    }
}

fn panic_error(p: &Box<dyn std::any::Any + Send>, client: Option<&ig::Client>) -> ig::Error {
    let detail = if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    };
    let err = ig::Error::internal(format!(
        "internal error (panic in instagram-graph): {detail}"
    ));
    match client {
        Some(c) => {
            let secrets = c.secrets();
            let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
            err.scrub(&refs)
        }
        None => err,
    }
}

/// Progress reports of one call or walk, bound for a Python callable (the package's wrapper,
/// which parses the JSON text, calls the user's function and logs what it raises).
///
/// Blocking calls queue reports and deliver them on the calling thread while it waits (so a
/// notebook's progress bar updates from the thread that owns it); asyncio calls hand them to
/// their event loop with `call_soon_threadsafe`, ahead of the result.
pub(crate) struct ProgressSink {
    callback: Py<PyAny>,
    queue: Mutex<VecDeque<String>>,
    ready: Notify,
    event_loop: Mutex<Option<Py<PyAny>>>,
}

impl ProgressSink {
    pub(crate) fn new(callback: Py<PyAny>) -> Arc<Self> {
        Arc::new(ProgressSink {
            callback,
            queue: Mutex::new(VecDeque::new()),
            ready: Notify::new(),
            event_loop: Mutex::new(None),
        })
    }

    /// The core's callback: called on runtime threads, must not block.
    pub(crate) fn progress_fn(self: &Arc<Self>) -> ig::ProgressFn {
        let sink = Arc::downgrade(self);
        Arc::new(move |p: &ig::Progress| {
            if let (Some(sink), Ok(text)) = (sink.upgrade(), serde_json::to_string(p)) {
                sink.push(text);
            }
        })
    }

    fn push(&self, text: String) {
        let to_loop = self.event_loop.lock().map(|g| g.is_some()).unwrap_or(false);
        if to_loop {
            let _ = Python::try_attach(|py| {
                let lp = self
                    .event_loop
                    .lock()
                    .ok()
                    .and_then(|g| g.as_ref().map(|l| l.clone_ref(py)));
                if let Some(lp) = lp {
                    // A closed loop has nobody left to tell.
                    let _ = lp.call_method1(
                        py,
                        "call_soon_threadsafe",
                        (self.callback.clone_ref(py), text),
                    );
                }
            });
            return;
        }
        if let Ok(mut q) = self.queue.lock() {
            q.push_back(text);
        }
        self.ready.notify_one();
    }

    /// Deliver reports through this event loop from now on (`None`: queue them).
    fn route_to(&self, event_loop: Option<Py<PyAny>>) {
        if let Ok(mut g) = self.event_loop.lock() {
            *g = event_loop;
        }
    }

    /// Call the callback for every queued report (on the calling thread, GIL held).
    fn drain(&self, py: Python<'_>) {
        loop {
            let next = self.queue.lock().ok().and_then(|mut q| q.pop_front());
            let Some(text) = next else { return };
            if let Err(e) = self.callback.call1(py, (text,)) {
                // The package's wrapper already logs `Exception`s; anything else is reported
                // the way Python reports errors it cannot raise, and the call goes on.
                e.write_unraisable(py, None);
            }
        }
    }
}

enum Outcome<T> {
    Done(ig::Result<T>),
    Interrupted(PyErr),
}

/// Run `fut` to completion on the shared runtime with the GIL released, so other Python
/// threads keep running. Ctrl-C (a pending signal handler raising) cancels the call: the
/// future is dropped at once, which cancels the request or flow in the core, and
/// `KeyboardInterrupt` propagates. Progress reports are delivered on this thread.
pub(crate) fn block_on<F, T>(
    py: Python<'_>,
    fut: F,
    scrub: Scrub,
    progress: Option<&Arc<ProgressSink>>,
) -> PyResult<T>
where
    F: Future<Output = ig::Result<T>> + Send,
    T: Send,
{
    let rt = runtime();
    if let Some(p) = progress {
        p.route_to(None);
    }
    let outcome = py.detach(|| {
        rt.block_on(async {
            let fut = guarded(fut, scrub);
            tokio::pin!(fut);
            let mut tick =
                tokio::time::interval_at(tokio::time::Instant::now() + SIGNAL_TICK, SIGNAL_TICK);
            let reports = next_report(progress);
            tokio::pin!(reports);
            loop {
                tokio::select! {
                    r = &mut fut => return Outcome::Done(r),
                    _ = tick.tick() => {
                        if let Err(e) = Python::attach(|py| py.check_signals()) {
                            return Outcome::Interrupted(e);
                        }
                    }
                    _ = &mut reports => {
                        if let Some(p) = progress {
                            Python::attach(|py| p.drain(py));
                        }
                        reports.set(next_report(progress));
                    }
                }
            }
        })
    });
    if let Some(p) = progress {
        p.drain(py);
    }
    match outcome {
        Outcome::Done(r) => r.map_err(|e| errors::to_pyerr(py, &e)),
        Outcome::Interrupted(e) => Err(e),
    }
}

/// Resolves when a report is queued (never without a sink).
async fn next_report(progress: Option<&Arc<ProgressSink>>) {
    match progress {
        Some(p) => p.ready.notified().await,
        None => std::future::pending().await,
    }
}

/// Sets the asyncio future's outcome on its loop's thread, unless it is already done
/// (cancelled meanwhile).
#[pyclass(frozen, module = "instagram_graph._native")]
struct Complete;

#[pymethods]
impl Complete {
    fn __call__(&self, fut: &Bound<'_, PyAny>, ok: bool, value: Bound<'_, PyAny>) -> PyResult<()> {
        if fut.call_method0("done")?.is_truthy()? {
            return Ok(());
        }
        if ok {
            fut.call_method1("set_result", (value,))?;
        } else {
            fut.call_method1("set_exception", (value,))?;
        }
        Ok(())
    }
}

/// Aborts the Rust task when its asyncio future is cancelled: the future is dropped at once,
/// which cancels the request or flow in the core.
#[pyclass(frozen, module = "instagram_graph._native")]
struct AbortOnCancel {
    handle: Mutex<Option<tokio::task::AbortHandle>>,
}

#[pymethods]
impl AbortOnCancel {
    fn __call__(&self, fut: &Bound<'_, PyAny>) -> PyResult<()> {
        let cancelled = fut.call_method0("cancelled")?.is_truthy()?;
        let handle = self.handle.lock().ok().and_then(|mut h| h.take());
        if let (true, Some(h)) = (cancelled, handle) {
            h.abort();
        }
        Ok(())
    }
}

/// Wrap `fut` as an asyncio awaitable (a future of the running loop) running on the shared
/// runtime. Cancelling the asyncio future drops the Rust future.
pub(crate) fn awaitable<'py, F, T>(
    py: Python<'py>,
    fut: F,
    scrub: Scrub,
    progress: Option<&Arc<ProgressSink>>,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = ig::Result<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let event_loop = py
        .import("asyncio")?
        .call_method0("get_running_loop")?
        .unbind();
    if let Some(p) = progress {
        p.route_to(Some(event_loop.clone_ref(py)));
    }
    let py_fut = event_loop.bind(py).call_method0("create_future")?;
    let target = py_fut.clone().unbind();
    let lp = event_loop;
    let task = runtime().spawn(async move {
        let result = guarded(fut, scrub).await;
        // Interpreter shutting down, or loop closed: nobody awaits this any more.
        let _ = Python::try_attach(move |py| {
            let deliver = || -> PyResult<()> {
                let (ok, value) = match result {
                    Ok(v) => (true, v.into_bound_py_any(py)?),
                    Err(e) => (
                        false,
                        errors::to_pyerr(py, &e)
                            .into_value(py)
                            .into_bound(py)
                            .into_any(),
                    ),
                };
                lp.call_method1(py, "call_soon_threadsafe", (Complete, target, ok, value))?;
                Ok(())
            };
            // Err: the loop is closed; drop the error here, with the GIL held.
            deliver().is_ok()
        });
    });
    py_fut.call_method1(
        "add_done_callback",
        (AbortOnCancel {
            handle: Mutex::new(Some(task.abort_handle())),
        },),
    )?;
    Ok(py_fut)
}
