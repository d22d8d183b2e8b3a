//! `Paginator`: one walk over a paginated operation, one page in memory at a time.

use crate::runtime::{self, ProgressSink};
use instagram_graph as ig;
use pyo3::prelude::*;
use std::sync::Arc;
use tokio::sync::Mutex;

/// A page walk started by `Client.paginator`. Pages come as JSON strings `{data, paging}`;
/// `None` once the walk is over. Fails once its client is closed.
#[pyclass(frozen, module = "instagram_graph._native")]
pub(crate) struct Paginator {
    // tokio's Mutex: the lock is held across the request's awaits.
    walk: Arc<Mutex<ig::Paginator>>,
    client: ig::Client,
    progress: Option<Arc<ProgressSink>>,
}

impl Paginator {
    pub(crate) fn new(
        walk: ig::Paginator,
        client: ig::Client,
        progress: Option<Arc<ProgressSink>>,
    ) -> Self {
        Paginator {
            walk: Arc::new(Mutex::new(walk)),
            client,
            progress,
        }
    }
}

async fn next_json(walk: Arc<Mutex<ig::Paginator>>) -> ig::Result<Option<String>> {
    let mut walk = walk.lock().await;
    Ok(walk.next_page().await?.map(|p| p.to_json().to_string()))
}

#[pymethods]
impl Paginator {
    /// Fetch the next page (blocking, GIL released; progress reported on this thread).
    fn next_page(&self, py: Python<'_>) -> PyResult<Option<String>> {
        runtime::block_on(
            py,
            next_json(self.walk.clone()),
            Some(self.client.clone()),
            self.progress.as_ref(),
        )
    }

    /// Fetch the next page, as an asyncio awaitable.
    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        runtime::awaitable(
            py,
            next_json(self.walk.clone()),
            Some(self.client.clone()),
            self.progress.as_ref(),
        )
    }

    /// `{requests, retries, waited_ms}` of the walk so far, as JSON.
    fn report_json(&self) -> String {
        match self.walk.try_lock() {
            Ok(w) => serde_json::to_string(&w.report()).unwrap_or_else(|_| "null".to_owned()),
            Err(_) => "null".to_owned(),
        }
    }

    /// The cursor to resume from (`after`), between cursor pages.
    fn resume_cursor(&self) -> Option<String> {
        self.walk
            .try_lock()
            .ok()
            .and_then(|w| w.resume_cursor().map(str::to_owned))
    }

    fn __repr__(&self) -> String {
        match self.walk.try_lock() {
            Ok(w) => format!(
                "Paginator(pages_fetched={}, items_yielded={}, done={})",
                w.pages_fetched(),
                w.items_yielded(),
                if w.is_done() { "True" } else { "False" }
            ),
            Err(_) => "Paginator(<fetching>)".to_owned(),
        }
    }
}
