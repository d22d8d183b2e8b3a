//! The client: configuration + transport + the operation catalogue.

use crate::config::{ClientConfig, Login};
use crate::error::{Error, Result};
use crate::flow::{cancelled_error, CallOptions, CallReport, Executor, ReportCell};
use crate::ops::{self, Flow, OpContext, Operation, Prepared};
use crate::paging::Paginator;
use crate::redact::Secret;
use crate::request::{Credential, GraphRequest};
use crate::transport::Transport;
use crate::usage::Usage;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A Graph API client for one access token. Cheap to clone; share it across tasks.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// Everything one client shares between its clones, paginators and flows.
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) config: ClientConfig,
    pub(crate) transport: Transport,
    /// Page tokens looked up for Facebook Login messaging, per Page id.
    page_tokens: Mutex<HashMap<String, Secret>>,
    /// The only Page with a linked Instagram account and its token ([`Credential::LinkedPage`]),
    /// once looked up.
    linked_page: Mutex<Option<(String, Secret)>>,
    /// Small per-client memo for flows (hashtag ids and when they were searched).
    cache: Cache,
    closed: AtomicBool,
    /// Known expiry of the client's token, and the refresh lock (see `token.rs`).
    pub(crate) token_state: crate::token::TokenState,
}

/// The result of [`Client::call_with`]: the operation's JSON and what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct CallOutcome {
    /// The operation's result.
    pub value: Value,
    /// Requests, retries and waits.
    pub report: CallReport,
}

impl Inner {
    /// Send one request, resolving its credential first (a Page token is looked up once per
    /// Page and cached). Every request of every operation and flow passes here.
    pub(crate) async fn send(
        &self,
        req: &GraphRequest,
        idempotent: bool,
        report: &ReportCell,
        cancel: Option<&crate::flow::CancelToken>,
    ) -> Result<Value> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(Error::unsupported("client is closed"));
        }
        let token = match &req.credential {
            Credential::Page(page_id) => Some(self.page_token(page_id, report, cancel).await?),
            Credential::LinkedPage => Some(self.linked_page_token(report, cancel).await?.1),
            _ => None,
        };
        let fut = self.transport.send(req, idempotent, token.as_ref(), report);
        match cancel {
            None => fut.await,
            Some(c) => tokio::select! {
                r = fut => r,
                _ = c.cancelled() => Err(cancelled_error("request")),
            },
        }
    }

    /// Follow a `paging.next` URL (time windows), with the same closed and cancel checks.
    pub(crate) async fn send_next(
        &self,
        url: &str,
        report: &ReportCell,
        cancel: Option<&crate::flow::CancelToken>,
    ) -> Result<Value> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(Error::unsupported("client is closed"));
        }
        let fut = self.transport.send_next(url, report);
        match cancel {
            None => fut.await,
            Some(c) => tokio::select! {
                r = fut => r,
                _ = c.cancelled() => Err(cancelled_error("request")),
            },
        }
    }

    async fn page_token(
        &self,
        page_id: &str,
        report: &ReportCell,
        cancel: Option<&crate::flow::CancelToken>,
    ) -> Result<Secret> {
        if let Some(t) = self
            .page_tokens
            .lock()
            .ok()
            .and_then(|m| m.get(page_id).cloned())
        {
            return Ok(t);
        }
        let lookup = GraphRequest::get([page_id]).query("fields", "access_token");
        let fut = self.transport.send(&lookup, true, None, report);
        let v = match cancel {
            None => fut.await?,
            Some(c) => tokio::select! {
                r = fut => r?,
                _ = c.cancelled() => return Err(cancelled_error("page token lookup")),
            },
        };
        let page = crate::ops::auth::normalize_page("page token lookup", page_id, &v)?;
        let token = page["access_token"].as_str().unwrap_or_default();
        let secret = Secret::new(token);
        self.transport.add_secret(token);
        if let Ok(mut m) = self.page_tokens.lock() {
            m.insert(page_id.to_owned(), secret.clone());
        }
        Ok(secret)
    }

    /// The only Page of the user with a linked Instagram account, with its token: one
    /// `GET /me/accounts` listing (Page tokens included, so no per-Page lookup follows), cached
    /// like Page tokens. Every Page token listed is cached and scrubbed from then on.
    pub(crate) async fn linked_page_token(
        &self,
        report: &ReportCell,
        cancel: Option<&crate::flow::CancelToken>,
    ) -> Result<(String, Secret)> {
        if let Some(found) = self.linked_page.lock().ok().and_then(|g| g.clone()) {
            return Ok(found);
        }
        if self.config.login != Login::Facebook {
            return Err(Error::unsupported(
                "Page tokens are a Facebook Login feature; Instagram Login sends as the account itself",
            ));
        }
        // Users with many Pages get a few pages of listing; beyond that, ask for page_id.
        const MAX_LISTING_PAGES: usize = 10;
        let mut linked: Vec<(String, Option<String>)> = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_LISTING_PAGES {
            let lookup = GraphRequest::get(["me", "accounts"])
                .query("fields", "id,access_token,instagram_business_account{id}")
                .query("limit", 100)
                .query_opt("after", after.take());
            let fut = self.transport.send(&lookup, true, None, report);
            let v = match cancel {
                None => fut.await?,
                Some(c) => tokio::select! {
                    r = fut => r?,
                    _ = c.cancelled() => return Err(cancelled_error("linked Page lookup")),
                },
            };
            for p in v
                .get("data")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(id) = p.get("id").and_then(Value::as_str) else {
                    continue;
                };
                let token = p
                    .get("access_token")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty());
                if let Some(t) = token {
                    self.transport.add_secret(t);
                    if let Ok(mut m) = self.page_tokens.lock() {
                        m.insert(id.to_owned(), Secret::new(t));
                    }
                }
                if p.get("instagram_business_account")
                    .is_some_and(|a| !a.is_null())
                {
                    linked.push((id.to_owned(), token.map(str::to_owned)));
                }
            }
            let has_next = v.pointer("/paging/next").is_some_and(|n| !n.is_null());
            after = v
                .pointer("/paging/cursors/after")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if !has_next || after.is_none() {
                break;
            }
        }
        match linked.as_slice() {
            [(id, Some(token))] => {
                let found = (id.clone(), Secret::new(token.as_str()));
                if let Ok(mut g) = self.linked_page.lock() {
                    *g = Some(found.clone());
                }
                Ok(found)
            }
            [(id, None)] => Err(Error::permission(format!(
                "no Page access token for Page {id} (the only Page with a linked Instagram account): the user token needs pages_show_list and the MESSAGING task on the Page"
            ))),
            [] => Err(Error::invalid_params(
                "params.page_id: is required: the token manages no Page with a linked Instagram account",
            )),
            many => Err(Error::invalid_params(format!(
                "params.page_id: is required: the token manages {} Pages with a linked Instagram account ({}); pick one",
                many.len(),
                many.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    fn ctx(&self) -> OpContext {
        OpContext {
            login: self.config.login,
        }
    }
}

impl Client {
    /// Build a client from a configuration.
    pub fn new(config: ClientConfig) -> Result<Self> {
        let transport = Transport::new(&config)?;
        let token_state = crate::token::TokenState::new(config.token_expires_at);
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                transport,
                page_tokens: Mutex::new(HashMap::new()),
                linked_page: Mutex::new(None),
                cache: Cache::default(),
                closed: AtomicBool::new(false),
                token_state,
            }),
        })
    }

    /// Build a client from the bindings' JSON options (see [`ClientConfig::from_json`]).
    pub fn from_json(options: &Value) -> Result<Self> {
        Self::new(ClientConfig::from_json(options)?)
    }

    /// Login flavour.
    pub fn login(&self) -> Login {
        self.inner.config.login
    }

    /// Graph API version in use (`v27.0`).
    pub fn api_version(&self) -> &str {
        &self.inner.config.api_version
    }

    /// A warning about the configured API version (expired, expiring within 90 days, or
    /// unknown), if any.
    pub fn version_warning(&self) -> Option<String> {
        crate::version::warning_now(&self.inner.config.api_version)
    }

    /// The configuration (the token inside never prints; after a refresh it is the original
    /// token: [`Client::access_token`] has the current one).
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Every secret this client knows (token, app secret, proofs, Page tokens), for scrubbing
    /// free text such as panic messages at the binding boundary.
    pub fn secrets(&self) -> Vec<String> {
        self.inner.transport.secrets()
    }

    /// Usage readings from Meta's headers, per business object and type.
    pub fn usage(&self) -> Option<Usage> {
        self.inner.transport.usage()
    }

    /// The client's in-memory key-value cache, shared by its clones (flows keep lookups there
    /// that never change, such as hashtag ids).
    pub fn cache(&self) -> &Cache {
        &self.inner.cache
    }

    /// Refuse every further request, from this client, its clones, paginators and flows.
    pub fn close(&self) {
        self.inner.closed.store(true, Ordering::SeqCst);
    }

    /// Whether [`Client::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::SeqCst)
    }

    /// Call an operation by id with JSON params. Paginated operations return one page
    /// (`{data, paging}`); use [`Client::paginate`] to walk them all.
    pub async fn call(&self, op_id: &str, params: Value) -> Result<Value> {
        self.call_inner(op_id, params, CallOptions::default(), ReportCell::default())
            .await
    }

    /// [`Client::call`] with progress reports and cancellation; also says what the call cost.
    pub async fn call_with(
        &self,
        op_id: &str,
        params: Value,
        options: CallOptions,
    ) -> Result<CallOutcome> {
        let report = ReportCell::default();
        let value = self
            .call_inner(op_id, params, options, report.clone())
            .await?;
        Ok(CallOutcome {
            value,
            report: report.get(),
        })
    }

    pub(crate) async fn call_inner(
        &self,
        op_id: &str,
        params: Value,
        options: CallOptions,
        report: ReportCell,
    ) -> Result<Value> {
        let (spec, prepared) = ops::prepare(op_id, params, &self.inner.ctx())?;
        if options.cancel.as_ref().is_some_and(|c| c.is_cancelled()) {
            return Err(cancelled_error(spec.id));
        }
        match prepared {
            Prepared::Request(req) => {
                let v = self
                    .inner
                    .send(&req, spec.idempotent, &report, options.cancel.as_ref())
                    .await
                    .map_err(|e| e.with_op(spec.id))?;
                if spec.paginated {
                    crate::paging::check_page_shape(&v, spec).map_err(|e| e.with_op(spec.id))?;
                }
                Ok(v)
            }
            Prepared::Flow(run) => {
                let ex = Executor {
                    client: self.clone(),
                    op_id: spec.id,
                    options,
                    report,
                };
                run(ex).await.map_err(|e| e.with_op(spec.id))
            }
        }
    }

    /// Send one described request through the client's transport (credentials, retries,
    /// pacing): the escape hatch for Graph calls the catalogue does not have. `idempotent`
    /// says whether repeating it is harmless.
    pub async fn send(&self, req: &GraphRequest, idempotent: bool) -> Result<Value> {
        self.inner
            .send(req, idempotent, &ReportCell::default(), None)
            .await
    }

    /// Call a typed request operation (same checks as [`Client::call`]: login flavour, params).
    pub async fn execute<O: Operation>(&self, op: &O) -> Result<Value> {
        self.call(O::ID, to_params(op, O::ID)?).await
    }

    /// Run a typed flow (same checks as [`Client::call`]).
    pub async fn run<F: Flow>(&self, flow: &F) -> Result<Value> {
        self.call(F::ID, to_params(flow, F::ID)?).await
    }

    /// Walk a paginated operation page by page. Params are validated now. Without an explicit
    /// page size, pages use the edge's maximum size (fewer requests); with `max_items` below
    /// that, the first page asks for just `max_items`.
    pub fn paginate(
        &self,
        op_id: &str,
        params: Value,
        max_items: Option<u64>,
    ) -> Result<Paginator> {
        Paginator::new(self.clone(), op_id, params, max_items)
    }

    /// Typed variant of [`Client::paginate`].
    pub fn paginate_op<O: Operation>(&self, op: &O, max_items: Option<u64>) -> Result<Paginator> {
        self.paginate(O::ID, to_params(op, O::ID)?, max_items)
    }
}

/// A small in-memory key-value store of JSON values, one per client (and its clones). Bounded:
/// when full, the oldest entry goes, so a long-running process cannot grow it without limit.
/// Never holds secrets.
#[derive(Debug, Default)]
pub struct Cache {
    entries: Mutex<CacheEntries>,
}

#[derive(Debug, Default)]
struct CacheEntries {
    map: HashMap<String, Value>,
    /// Insertion order, oldest first (for eviction).
    order: std::collections::VecDeque<String>,
}

impl Cache {
    /// Most entries kept; enough for every hashtag budget many times over.
    pub const CAPACITY: usize = 4096;

    /// The value stored under `key`, if any.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.entries.lock().ok()?.map.get(key).cloned()
    }

    /// Store `value` under `key` (replacing an older value).
    pub fn insert(&self, key: impl Into<String>, value: Value) {
        let key = key.into();
        let Ok(mut e) = self.entries.lock() else {
            return;
        };
        if e.map.insert(key.clone(), value).is_some() {
            e.order.retain(|k| k != &key);
        }
        e.order.push_back(key);
        while e.order.len() > Self::CAPACITY {
            if let Some(old) = e.order.pop_front() {
                e.map.remove(&old);
            }
        }
    }
}

/// A typed request back to JSON params, so typed and dynamic calls share one path (login
/// check, default page size, validation).
fn to_params<T: serde::Serialize>(op: &T, id: &str) -> Result<Value> {
    serde_json::to_value(op).map_err(|e| Error::invalid_params(format!("{id}: params: {e}")))
}

#[cfg(test)]
mod cache_tests {
    use super::Cache;
    use serde_json::json;

    #[test]
    fn the_cache_is_bounded_and_replaces_values() {
        let c = Cache::default();
        c.insert("a", json!(1));
        c.insert("a", json!(2));
        assert_eq!(c.get("a"), Some(json!(2)));
        for i in 0..Cache::CAPACITY {
            c.insert(format!("k{i}"), json!(i));
        }
        assert_eq!(c.get("a"), None, "the oldest entry went");
        assert_eq!(c.get("k0"), Some(json!(0)));
        assert_eq!(
            c.get(&format!("k{}", Cache::CAPACITY - 1)),
            Some(json!(Cache::CAPACITY - 1))
        );
    }
}
