//! Paging: every paginated operation is walked by re-preparing it with the cursor of the page
//! before (`after`), so a walk can be resumed from any page's cursors and every page is
//! validated like a first call. The operation declares its style ([`PagingStyle`]): cursor
//! edges stop when `paging.next` is absent, after-only edges when the cursor repeats or a page
//! is empty, nested pages are read at a JSON pointer, time windows follow `paging.next`.
//! One page is held in memory at a time.

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::flow::{CallOptions, ReportCell};
use crate::ops::{self, OpSpec, PagingStyle, Prepared};
use serde_json::{Map, Value};
use std::collections::HashSet;

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
        let mut m = Map::new();
        m.insert("data".into(), Value::Array(self.data.clone()));
        if let Some(p) = &self.paging {
            m.insert("paging".into(), p.clone());
        }
        Value::Object(m)
    }

    /// `paging.cursors.after`, to resume after this page.
    pub fn after(&self) -> Option<&str> {
        self.paging
            .as_ref()
            .and_then(|p| p.pointer("/cursors/after"))
            .and_then(Value::as_str)
    }
}

/// Where the next page comes from.
#[derive(Debug, Clone)]
enum Next {
    /// The first page: the caller's params as given.
    First,
    /// Re-prepare with `after`.
    Cursor(String),
    /// Follow a `paging.next` URL (time windows, or an edge that gives no cursor).
    Url(String),
}

/// Walks a paginated operation. Not `Clone`: one walker, one position.
#[derive(Debug)]
pub struct Paginator {
    client: Client,
    spec: &'static OpSpec,
    params: Map<String, Value>,
    next: Option<Next>,
    seen_cursors: HashSet<String>,
    seen_urls: HashSet<String>,
    max_items: Option<u64>,
    yielded: u64,
    pages: u64,
    options: CallOptions,
    report: ReportCell,
}

impl Paginator {
    pub(crate) fn new(
        client: Client,
        op_id: &str,
        params: Value,
        max_items: Option<u64>,
    ) -> Result<Self> {
        let spec = ops::find(op_id)
            .ok_or_else(|| Error::unsupported(format!("unknown operation {op_id:?}")))?;
        if !spec.paginated {
            return Err(Error::unsupported(format!(
                "{op_id}: is not paginated; use call"
            )));
        }
        let mut params = match params {
            Value::Null => Map::new(),
            Value::Object(m) => m,
            _ => {
                return Err(Error::invalid_params(format!(
                    "{op_id}: params: expected an object"
                )))
            }
        };
        params.retain(|_, v| !v.is_null());
        // Flows page edges they do not know (graph.request): Graph's own default size there.
        let sized = spec.kind == ops::OpKind::Request;
        if let Some(size) = spec.page_size.filter(|_| sized) {
            if !params.contains_key(spec.page_size_param) {
                let want =
                    max_items.map_or(u64::from(size.max), |m| m.clamp(1, u64::from(size.max)));
                params.insert(spec.page_size_param.into(), Value::from(want));
            }
        }
        // Validate now, so bad params fail before the first page is asked for.
        ops::prepare(op_id, Value::Object(params.clone()), &ctx(&client))?;
        Ok(Paginator {
            client,
            spec,
            params,
            next: (max_items != Some(0)).then_some(Next::First),
            seen_cursors: HashSet::new(),
            seen_urls: HashSet::new(),
            max_items,
            yielded: 0,
            pages: 0,
            options: CallOptions::default(),
            report: ReportCell::default(),
        })
    }

    pub(crate) fn set_options(&mut self, options: CallOptions, report: ReportCell) {
        self.options = options;
        self.report = report;
    }

    /// Report progress and honour cancellation for this walk.
    pub fn with_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
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
        self.next.is_none()
    }

    /// The cursor the next page will resume from, if the walk is between cursor pages: keep
    /// it to resume later with `after` in the params.
    pub fn resume_cursor(&self) -> Option<&str> {
        match &self.next {
            Some(Next::Cursor(c)) => Some(c),
            _ => None,
        }
    }

    /// Requests, retries and waits of the walk so far.
    pub fn report(&self) -> crate::flow::CallReport {
        self.report.get()
    }

    /// Fetch the next page; `Ok(None)` once the walk is over. After an error the walk can be
    /// resumed by calling again (the same page is requested).
    pub async fn next_page(&mut self) -> Result<Option<Page>> {
        let Some(next) = self.next.clone() else {
            return Ok(None);
        };
        let op = self.spec.id;
        if self.client.is_closed() {
            return Err(Error::unsupported(format!("{op}: client is closed")));
        }
        if let Some(c) = &self.options.cancel {
            if c.is_cancelled() {
                return Err(crate::flow::cancelled_error(op));
            }
        }
        let inner = &self.client.inner;
        let body = match &next {
            Next::First | Next::Cursor(_) => {
                let mut params = self.params.clone();
                if let Next::Cursor(c) = &next {
                    params.remove("before");
                    params.insert("after".into(), Value::String(c.clone()));
                }
                let (_, prepared) = ops::prepare(op, Value::Object(params), &ctx(&self.client))?;
                match prepared {
                    Prepared::Request(req) => {
                        inner
                            .send(&req, true, &self.report, self.options.cancel.as_ref())
                            .await
                    }
                    // A paginated flow (graph.request) returns one page per run; it decides
                    // itself what may be retried.
                    Prepared::Flow(run) => {
                        run(crate::flow::Executor {
                            client: self.client.clone(),
                            op_id: self.spec.id,
                            options: self.options.clone(),
                            report: self.report.clone(),
                        })
                        .await
                    }
                }
            }
            Next::Url(url) => {
                inner
                    .send_next(url, &self.report, self.options.cancel.as_ref())
                    .await
            }
        }
        .map_err(|e| e.with_op(op))?;
        self.pages += 1;
        let (mut data, paging) = split_page(body, self.spec).map_err(|e| e.with_op(op))?;
        let got = data.len() as u64;
        let mut done = false;
        if let Some(max) = self.max_items {
            let left = max.saturating_sub(self.yielded);
            if got >= left {
                data.truncate(usize::try_from(left).unwrap_or(usize::MAX));
                done = true;
            }
        }
        self.yielded += data.len() as u64;
        self.next = if done {
            None
        } else {
            let requested = self
                .params
                .get(self.spec.page_size_param)
                .and_then(Value::as_u64);
            follow(
                self.spec.paging_style,
                paging.as_ref(),
                got,
                requested,
                &mut self.seen_cursors,
                &mut self.seen_urls,
            )
        };
        if let Some(cb) = &self.options.progress {
            let p = crate::flow::Progress {
                op: op.to_owned(),
                step: "page".to_owned(),
                done: self.yielded,
                total: self.max_items,
                message: format!("page {} fetched, {} items so far", self.pages, self.yielded),
            };
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cb(&p)));
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

/// Decide where the page after this one comes from, guarding against loops (a cursor or URL
/// seen before ends the walk).
fn follow(
    style: PagingStyle,
    paging: Option<&Value>,
    got: u64,
    requested: Option<u64>,
    seen_cursors: &mut HashSet<String>,
    seen_urls: &mut HashSet<String>,
) -> Option<Next> {
    let text = |ptr: &str| {
        paging
            .and_then(|p| p.pointer(ptr))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let after = text("/cursors/after");
    let next_url = text("/next");
    let fresh = |seen: &mut HashSet<String>, c: String| seen.insert(c.clone()).then_some(c);
    match style {
        PagingStyle::Cursor => {
            // Meta: stop when `next` is absent, never because a page is short.
            next_url.as_ref()?;
            match after {
                Some(c) => fresh(seen_cursors, c).map(Next::Cursor),
                None => next_url.and_then(|u| fresh(seen_urls, u)).map(Next::Url),
            }
        }
        // A nested page's `next`, when Graph gives one, addresses the inner edge directly
        // (another account's `/media` cannot be paged that way): only the cursor goes back
        // into the expansion (`.after(c)`). Some expansions carry `next` while there is more
        // (conversation messages), others never do (business discovery): without `next`, a
        // full page means there may be more, a short one that this was the last.
        PagingStyle::Nested(_) => {
            let more = next_url.is_some() || requested.is_none_or(|n| got >= n);
            if got == 0 || !more {
                return None;
            }
            after.and_then(|c| fresh(seen_cursors, c)).map(Next::Cursor)
        }
        PagingStyle::AfterOnly => {
            if got == 0 {
                return None;
            }
            after.and_then(|c| fresh(seen_cursors, c)).map(Next::Cursor)
        }
        PagingStyle::TimeWindow => next_url.and_then(|u| fresh(seen_urls, u)).map(Next::Url),
    }
}

fn ctx(client: &Client) -> ops::OpContext {
    ops::OpContext {
        login: client.login(),
    }
}

fn shape_error(what: &str) -> Error {
    Error::new(
        ErrorKind::UnexpectedResponse,
        format!("Graph answered with {what} where a page ({{data: [...], paging}}) was expected"),
    )
}

/// Where the page sits in a response of `spec`.
fn page_value<'a>(body: &'a Value, spec: &OpSpec) -> Result<&'a Map<String, Value>> {
    let at = match spec.paging_style {
        PagingStyle::Nested(ptr) => body
            .pointer(ptr)
            .ok_or_else(|| shape_error(&format!("no {ptr}")))?,
        _ => body,
    };
    at.as_object()
        .ok_or_else(|| shape_error("something that is not an object"))
}

/// Check that a response of a paginated operation has the page shape (`data` a list).
pub(crate) fn check_page_shape(body: &Value, spec: &OpSpec) -> Result<()> {
    let page = page_value(body, spec)?;
    match page.get("data") {
        Some(Value::Array(_)) => Ok(()),
        Some(_) => Err(shape_error("a `data` that is not a list")),
        None => Err(shape_error("no `data`")),
    }
}

fn split_page(body: Value, spec: &OpSpec) -> Result<(Vec<Value>, Option<Value>)> {
    check_page_shape(&body, spec)?;
    let mut body = body;
    let page = match spec.paging_style {
        PagingStyle::Nested(ptr) => body.pointer_mut(ptr).map(Value::take).unwrap_or_default(),
        _ => body,
    };
    let Value::Object(mut m) = page else {
        return Err(shape_error("something that is not an object"));
    };
    let data = match m.remove("data") {
        Some(Value::Array(a)) => a,
        _ => return Err(shape_error("a `data` that is not a list")),
    };
    Ok((data, m.remove("paging")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn step(
        style: PagingStyle,
        paging: Value,
        got: u64,
        seen: &mut (HashSet<String>, HashSet<String>),
    ) -> Option<Next> {
        follow(style, Some(&paging), got, Some(2), &mut seen.0, &mut seen.1)
    }

    #[test]
    fn cursor_edges_stop_without_next_even_with_a_cursor() {
        let mut seen = Default::default();
        let p = json!({"cursors": {"after": "A"}, "next": "https://x/v27.0/1/media?after=A"});
        assert!(
            matches!(step(PagingStyle::Cursor, p.clone(), 0, &mut seen), Some(Next::Cursor(c)) if c == "A"),
            "short or empty pages go on while next exists"
        );
        assert!(
            step(PagingStyle::Cursor, p, 5, &mut seen).is_none(),
            "a repeated cursor ends the walk"
        );
        let last = json!({"cursors": {"after": "B"}});
        assert!(step(PagingStyle::Cursor, last, 5, &mut seen).is_none());
        let url_only = json!({"next": "https://x/v27.0/1/media?x=1"});
        assert!(matches!(
            step(PagingStyle::Cursor, url_only, 5, &mut seen),
            Some(Next::Url(_))
        ));
    }

    #[test]
    fn after_only_edges_go_on_while_pages_have_items_and_cursors_are_new() {
        let mut seen = Default::default();
        let p = |c: &str| json!({"cursors": {"after": c}});
        assert!(
            matches!(
                step(PagingStyle::AfterOnly, p("A"), 3, &mut seen),
                Some(Next::Cursor(_))
            ),
            "no next needed"
        );
        assert!(
            step(PagingStyle::AfterOnly, p("A"), 3, &mut seen).is_none(),
            "same cursor every page: stop"
        );
        assert!(
            step(PagingStyle::AfterOnly, p("B"), 0, &mut seen).is_none(),
            "an empty page ends it"
        );
    }

    #[test]
    fn nested_pages_resume_from_their_cursor_never_from_next() {
        // Requested page size 2 (see `step`).
        let mut seen = Default::default();
        let n = PagingStyle::Nested("/x");
        let p = json!({"cursors": {"after": "A"}, "next": "https://x/v27.0/other/media?after=A"});
        assert!(
            matches!(step(n, p.clone(), 1, &mut seen), Some(Next::Cursor(c)) if c == "A"),
            "next present: go on, even after a short page"
        );
        assert!(step(n, p, 2, &mut seen).is_none(), "repeated cursor");
        let no_next = |c: &str| json!({"cursors": {"after": c}});
        assert!(
            matches!(step(n, no_next("B"), 2, &mut seen), Some(Next::Cursor(c)) if c == "B"),
            "no next but a full page: there may be more"
        );
        assert!(
            step(n, no_next("C"), 1, &mut seen).is_none(),
            "no next, short page: done"
        );
        assert!(
            step(n, no_next("D"), 0, &mut seen).is_none(),
            "empty page: done"
        );
        let url_only = json!({"next": "https://x/v27.0/other/media?after=E"});
        assert!(
            step(n, url_only, 2, &mut seen).is_none(),
            "the inner edge's URL is not followed"
        );
        let mut seen: (HashSet<String>, HashSet<String>) = Default::default();
        assert!(
            follow(n, Some(&no_next("F")), 7, None, &mut seen.0, &mut seen.1).is_some(),
            "page size unknown: go on while pages have items"
        );
    }

    #[test]
    fn time_windows_follow_next_urls_once() {
        let mut seen = Default::default();
        let p = json!({"next": "https://x/v27.0/1/insights?since=1&until=2", "previous": "p"});
        assert!(matches!(
            step(PagingStyle::TimeWindow, p.clone(), 1, &mut seen),
            Some(Next::Url(_))
        ));
        assert!(step(PagingStyle::TimeWindow, p, 1, &mut seen).is_none());
    }

    #[test]
    fn nested_pages_are_read_at_their_pointer_and_wrong_shapes_are_errors() {
        let spec = crate::ops::find("media.list").unwrap();
        let mut nested = OpSpec::test_clone(spec);
        nested.paging_style = PagingStyle::Nested("/business_discovery/media");
        let nested: &'static OpSpec = Box::leak(Box::new(nested));
        let body = json!({"business_discovery": {"media": {"data": [{"id": "1"}], "paging": {"cursors": {"after": "Q"}}}}, "id": "x"});
        let (data, paging) = split_page(body, nested).unwrap();
        assert_eq!(data, vec![json!({"id": "1"})]);
        assert_eq!(paging.unwrap()["cursors"]["after"], "Q");
        let e = split_page(json!({"business_discovery": {}}), nested).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnexpectedResponse);
        for bad in [
            json!({"data": {"id": 1}}),
            json!({"paging": {}}),
            json!([1]),
        ] {
            let e = split_page(bad, spec).unwrap_err();
            assert_eq!(e.kind, ErrorKind::UnexpectedResponse, "never an empty page");
        }
    }
}
