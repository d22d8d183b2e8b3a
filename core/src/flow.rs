//! Flows: operations that send several requests, wait, poll and page. A flow never sends HTTP
//! itself; it talks to Graph through the [`Executor`] the client hands it, so retries, pacing,
//! faults, credentials and cancellation apply to every step exactly as to a single request.

use crate::client::Client;
use crate::config::Login;
use crate::error::{Error, ErrorKind, Result};
use crate::paging::Paginator;
use crate::request::GraphRequest;
use serde::Serialize;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// One progress report of a flow: which step, how far, and a line for humans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// Operation id (`media.publish`).
    pub op: String,
    /// Short machine-readable step name (`wait_container`).
    pub step: String,
    /// Units done so far in this step.
    pub done: u64,
    /// Units in this step, when known.
    pub total: Option<u64>,
    /// One human-readable line.
    pub message: String,
}

/// A progress callback; called on the runtime's threads, so it must be quick and thread-safe.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Cancels a call from outside (an `AbortSignal`, Ctrl-C). Cheap to clone; all clones share
/// one flag. Dropping the call's future cancels too, in Rust.
#[derive(Debug, Clone, Default)]
pub struct CancelToken {
    inner: Arc<CancelInner>,
}

#[derive(Debug, Default)]
struct CancelInner {
    cancelled: AtomicBool,
    notify: Notify,
}

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancel every call holding this token; idempotent.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// Resolves once cancelled.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.inner.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// Per-call options: progress reports and cancellation.
#[derive(Clone, Default)]
pub struct CallOptions {
    /// Called for each progress report of a flow (and each page of a walk).
    pub progress: Option<ProgressFn>,
    /// Cancels the call between steps and during waits.
    pub cancel: Option<CancelToken>,
}

impl std::fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallOptions")
            .field("progress", &self.progress.is_some())
            .field("cancel", &self.cancel)
            .finish()
    }
}

/// What one call cost: HTTP requests sent, retries among them, and time spent waiting
/// (backoff and pacing). Returned by [`Client::call_with`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CallReport {
    /// HTTP requests sent (every attempt counts).
    pub requests: u32,
    /// Attempts that were retries of an earlier one.
    pub retries: u32,
    /// Milliseconds slept before retries and for pacing.
    pub waited_ms: u64,
}

/// Shared, mutable report of one call (steps of a flow run concurrently at times).
#[derive(Debug, Clone, Default)]
pub(crate) struct ReportCell(Arc<Mutex<CallReport>>);

impl ReportCell {
    pub(crate) fn add(&self, requests: u32, retries: u32, waited: Duration) {
        if let Ok(mut r) = self.0.lock() {
            r.requests = r.requests.saturating_add(requests);
            r.retries = r.retries.saturating_add(retries);
            r.waited_ms = r
                .waited_ms
                .saturating_add(u64::try_from(waited.as_millis()).unwrap_or(u64::MAX));
        }
    }
    pub(crate) fn get(&self) -> CallReport {
        self.0.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// The error a cancelled call ends with.
pub fn cancelled_error(op: &str) -> Error {
    Error::new(ErrorKind::Cancelled, format!("{op}: cancelled"))
}

/// What a flow may use: the client's transport (through `send`), nested operations, waits,
/// progress and cancellation. Cheap to clone.
#[derive(Clone)]
pub struct Executor {
    pub(crate) client: Client,
    pub(crate) op_id: &'static str,
    pub(crate) options: CallOptions,
    pub(crate) report: ReportCell,
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executor")
            .field("op", &self.op_id)
            .finish_non_exhaustive()
    }
}

impl Executor {
    /// Login flavour of the client.
    pub fn login(&self) -> Login {
        self.client.login()
    }

    /// The operation this executor runs.
    pub fn op_id(&self) -> &'static str {
        self.op_id
    }

    /// The client (configuration, usage readings).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Fail with a `cancelled` error if the call was cancelled.
    pub fn check_cancelled(&self) -> Result<()> {
        match &self.options.cancel {
            Some(c) if c.is_cancelled() => Err(cancelled_error(self.op_id)),
            _ => Ok(()),
        }
    }

    /// Send a read (GET: retried on transient failures). Non-GET requests go through
    /// [`Executor::send_write`], which makes the idempotency decision explicit.
    pub async fn send(&self, req: GraphRequest) -> Result<Value> {
        if !req.is_read() {
            return Err(Error::internal(format!(
                "{}: {} sent as a read; use send_write",
                self.op_id,
                req.describe()
            )));
        }
        self.send_write(req, true).await
    }

    /// Send any request; `idempotent` says whether repeating it is harmless (decides whether
    /// an ambiguous failure may be retried).
    pub async fn send_write(&self, req: GraphRequest, idempotent: bool) -> Result<Value> {
        self.check_cancelled()?;
        let fut =
            self.client
                .inner
                .send(&req, idempotent, &self.report, self.options.cancel.as_ref());
        fut.await.map_err(|e| e.with_op(self.op_id))
    }

    /// Call another operation as a step (validated like any call; shares this call's
    /// progress, cancellation and report).
    pub async fn call(&self, op_id: &str, params: Value) -> Result<Value> {
        self.check_cancelled()?;
        self.client
            .call_inner(op_id, params, self.options.clone(), self.report.clone())
            .await
    }

    /// Walk a paginated operation as a step.
    pub fn paginate(
        &self,
        op_id: &str,
        params: Value,
        max_items: Option<u64>,
    ) -> Result<Paginator> {
        let mut p = self.client.paginate(op_id, params, max_items)?;
        p.set_options(self.options.clone(), self.report.clone());
        Ok(p)
    }

    /// Report progress to the caller's callback, if any.
    pub fn progress(&self, step: &str, done: u64, total: Option<u64>, message: impl Into<String>) {
        if let Some(cb) = &self.options.progress {
            let p = Progress {
                op: self.op_id.to_owned(),
                step: step.to_owned(),
                done,
                total,
                message: message.into(),
            };
            // A panicking callback must not take the flow down with it.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cb(&p)));
        }
    }

    /// Sleep between steps (polling); ends early with `cancelled` when the call is cancelled.
    pub async fn sleep(&self, d: Duration) -> Result<()> {
        self.check_cancelled()?;
        match &self.options.cancel {
            None => {
                tokio::time::sleep(d).await;
                Ok(())
            }
            Some(c) => tokio::select! {
                _ = tokio::time::sleep(d) => Ok(()),
                _ = c.cancelled() => Err(cancelled_error(self.op_id)),
            },
        }
    }

    /// What the call has cost so far.
    pub fn report(&self) -> CallReport {
        self.report.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn cancel_wakes_waiters() {
        let t = CancelToken::new();
        let t2 = t.clone();
        let waiter = tokio::spawn(async move { t2.cancelled().await });
        tokio::task::yield_now().await;
        t.cancel();
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("woken")
            .unwrap();
        assert!(t.is_cancelled());
    }
}
