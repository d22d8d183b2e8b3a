//! Cursor paging: follow `paging.next` until it is absent, a cursor repeats, or `max_items`
//! is reached, holding one page in memory at a time.

use crate::client::Inner;
use crate::error::Result;
use crate::request::GraphRequest;
use serde_json::Value;
use std::collections::HashSet;
use std::sync::Arc;

/// One page of a paginated edge.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// Items of this page (already cut to `max_items`).
    pub data: Vec<Value>,
    /// Graph's `paging` object (credentials stripped), if any.
    pub paging: Option<Value>,
}

impl Page {
    /// `{data, paging}` JSON.
    pub fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        m.insert("data".into(), Value::Array(self.data.clone()));
        if let Some(p) = &self.paging {
            m.insert("paging".into(), p.clone());
        }
        Value::Object(m)
    }
}

/// Walks a paginated operation. Not `Clone`: one walker, one position.
#[derive(Debug)]
pub struct Paginator {
    inner: Arc<Inner>,
    op_id: &'static str,
    first: Option<GraphRequest>,
    next: Option<String>,
    seen_cursors: HashSet<String>,
    seen_urls: HashSet<String>,
    max_items: Option<u64>,
    yielded: u64,
    pages: u64,
    done: bool,
}

impl Paginator {
    pub(crate) fn new(
        inner: Arc<Inner>,
        op_id: &'static str,
        first: GraphRequest,
        max_items: Option<u64>,
    ) -> Self {
        Paginator {
            inner,
            op_id,
            first: Some(first),
            next: None,
            seen_cursors: HashSet::new(),
            seen_urls: HashSet::new(),
            max_items,
            yielded: 0,
            pages: 0,
            done: max_items == Some(0),
        }
    }

    /// Items handed out so far.
    pub fn items_yielded(&self) -> u64 {
        self.yielded
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.pages
    }

    /// Whether the walk is over.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Fetch the next page; `Ok(None)` once the walk is over. After an error the walk can be
    /// resumed by calling again (the same page is requested).
    pub async fn next_page(&mut self) -> Result<Option<Page>> {
        if self.done {
            return Ok(None);
        }
        let body = if let Some(req) = &self.first {
            let v = self
                .inner
                .transport
                .send(req, true)
                .await
                .map_err(|e| e.with_op(self.op_id))?;
            self.first = None;
            v
        } else if let Some(url) = self.next.take() {
            match self.inner.transport.send_next(&url).await {
                Ok(v) => v,
                Err(e) => {
                    self.next = Some(url);
                    return Err(e.with_op(self.op_id));
                }
            }
        } else {
            self.done = true;
            return Ok(None);
        };
        self.pages += 1;
        let (mut data, paging) = split_page(body);
        if let Some(max) = self.max_items {
            let left = max.saturating_sub(self.yielded);
            if (data.len() as u64) >= left {
                data.truncate(left as usize);
                self.done = true;
            }
        }
        self.yielded += data.len() as u64;
        if !self.done {
            self.next = next_url(paging.as_ref());
            let cursor = paging
                .as_ref()
                .and_then(|p| p.pointer("/cursors/after"))
                .and_then(Value::as_str);
            let repeated_cursor = cursor.is_some_and(|c| !self.seen_cursors.insert(c.to_owned()));
            let repeated_url = self
                .next
                .as_ref()
                .is_some_and(|u| !self.seen_urls.insert(u.clone()));
            if self.next.is_none() || repeated_cursor || repeated_url {
                self.next = None;
                self.done = true;
            }
        }
        Ok(Some(Page { data, paging }))
    }

    /// Collect every remaining item (convenience for Rust users; bounded by `max_items`).
    pub async fn collect_all(mut self) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        while let Some(p) = self.next_page().await? {
            out.extend(p.data);
        }
        Ok(out)
    }
}

fn split_page(body: Value) -> (Vec<Value>, Option<Value>) {
    match body {
        Value::Object(mut m) => {
            let data = match m.remove("data") {
                Some(Value::Array(a)) => a,
                _ => Vec::new(),
            };
            (data, m.remove("paging"))
        }
        _ => (Vec::new(), None),
    }
}

fn next_url(paging: Option<&Value>) -> Option<String> {
    paging
        .and_then(|p| p.get("next"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}
