//! HTTP side: one fallback handler that routes Graph paths, `/_sandbox/*` admin endpoints,
//! auth and `appsecret_proof`, latency, usage headers and the error envelope.

use super::errors::{fbtrace_id, GraphError};
use super::fields::{self, FieldSel};
use super::insights;
use super::links::{self, Links, Pairs};
use super::paging::PageReq;
use super::render::{self, Ctx, ItemKind};
use super::seed;
use super::stats::{split_version, Stats};
use super::usage;
use super::world::{MediaType, NodeKind, NodeRef, World};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// State shared by every request of one sandbox.
pub(crate) struct Shared {
    pub seed: u64,
    pub media_count: usize,
    pub latency: Duration,
    pub require_proof: bool,
    /// `http://host:port` (fallback origin when a request has no Host header).
    pub url: String,
    pub ig_user_id: String,
    pub info: Value,
    pub world: Mutex<World>,
    pub stats: Mutex<Stats>,
}

/// A poisoned lock only means an earlier request panicked; the data is still usable.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Every request lands here.
pub(crate) async fn dispatch(
    State(sh): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path().to_owned();
    if path == "/_sandbox" || path.starts_with("/_sandbox/") {
        let (status, body) = admin(&sh, &method, &path);
        return json_response(status, &body, None);
    }
    let n = lock(&sh.stats).record(method.as_str(), &path);
    if !sh.latency.is_zero() {
        tokio::time::sleep(sh.latency).await;
    }
    let origin = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .map(|h| format!("http://{h}"))
        .unwrap_or_else(|| sh.url.clone());
    let (status, body) = match graph(&sh, &method, &path, uri.query(), &headers, origin) {
        Ok(v) => (200, v),
        Err(e) => (e.status, e.body(&fbtrace_id(n))),
    };
    json_response(status, &body, Some((n, sh.ig_user_id.as_str())))
}

fn json_response(status: u16, body: &Value, usage_after: Option<(u64, &str)>) -> Response {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    if let Some((n, ig)) = usage_after {
        if let Ok(v) = HeaderValue::from_str(&usage::app_usage(n)) {
            h.insert("x-app-usage", v);
        }
        if let Ok(v) = HeaderValue::from_str(&usage::buc_usage(ig, n)) {
            h.insert("x-business-use-case-usage", v);
        }
        if let Ok(v) = HeaderValue::from_str(&fbtrace_id(n)) {
            h.insert("x-fb-trace-id", v);
        }
    }
    resp
}

fn admin(sh: &Shared, method: &Method, path: &str) -> (u16, Value) {
    let sub = path.trim_end_matches('/');
    match (method.as_str(), sub) {
        ("GET", "/_sandbox/stats") => (200, lock(&sh.stats).to_json()),
        ("GET", "/_sandbox/info") => (200, sh.info.clone()),
        ("POST", "/_sandbox/reset") => {
            let fresh = seed::build(sh.seed, sh.media_count, unix_now());
            *lock(&sh.world) = fresh;
            *lock(&sh.stats) = Stats::default();
            (200, json!({"ok": true}))
        }
        (_, "/_sandbox/stats" | "/_sandbox/info" | "/_sandbox/reset") => {
            (405, admin_error(405, &format!("{} is not allowed on {sub}", method.as_str())))
        }
        _ => (404, admin_error(404, &format!("Unknown sandbox endpoint {sub}; try /_sandbox/stats, /_sandbox/info or POST /_sandbox/reset"))),
    }
}

fn admin_error(code: u16, message: &str) -> Value {
    json!({"error": {"message": message, "type": "SandboxException", "code": code}})
}

/// The token of a request: `access_token` query parameter, else an `Authorization` header.
fn token_of<'a>(query: &'a Pairs, headers: &'a HeaderMap) -> Option<&'a str> {
    if let Some(t) = links::get(query, "access_token").filter(|t| !t.is_empty()) {
        return Some(t);
    }
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = auth.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth"))
        .then(|| rest.trim())
        .filter(|t| !t.is_empty())
}

fn parse_fields(query: &Pairs) -> Result<Vec<FieldSel>, GraphError> {
    match links::get(query, "fields") {
        Some(f) => fields::parse(f).map_err(|m| GraphError::new(2500, m)),
        None => Ok(Vec::new()),
    }
}

/// Answer one Graph request (everything after counting and latency).
fn graph(
    sh: &Shared,
    method: &Method,
    path: &str,
    raw_query: Option<&str>,
    headers: &HeaderMap,
    origin: String,
) -> Result<Value, GraphError> {
    let (version, rest) = split_version(path).ok_or_else(|| {
        GraphError::unknown_path(&format!(
            "{path} (the sandbox serves Graph paths under /vNN.N/, e.g. /v25.0/me)"
        ))
    })?;
    let query = links::parse_query(raw_query);
    let world = lock(&sh.world);
    let token = token_of(&query, headers).ok_or_else(GraphError::missing_token)?;
    let account = world
        .account_for_token(token)
        .ok_or_else(GraphError::invalid_token)?;
    match links::get(&query, "appsecret_proof") {
        Some(p) if !p.eq_ignore_ascii_case(&seed::appsecret_proof(token, &world.app_secret)) => {
            return Err(GraphError::bad_appsecret_proof());
        }
        None if sh.require_proof => return Err(GraphError::appsecret_proof_required()),
        _ => {}
    }
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let links = Links {
        origin,
        version: version.to_owned(),
        path: rest.to_owned(),
        query,
    };
    let ctx = Ctx {
        world: &world,
        links: &links,
        now: unix_now(),
    };
    let first = segs.first().copied().unwrap_or("");
    if method != Method::GET {
        return Err(GraphError::unsupported(method.as_str(), first));
    }
    let sel = parse_fields(&links.query)?;
    match segs.as_slice() {
        [] => multi_id(&ctx, account, &sel),
        [id] => {
            let r = resolve(&world, account, id, ctx.now)?;
            let default: &[&str] = if *id == "me" {
                &["id", "username"]
            } else {
                &["id"]
            };
            render::node(&ctx, r, real_id(&world, account, id), &sel, default)
        }
        [id, edge] => {
            let r = resolve(&world, account, id, ctx.now)?;
            edge_request(&ctx, r, id, real_id(&world, account, id), edge, &sel)
        }
        [_, more @ ..] => Err(GraphError::unknown_path(&format!("/{}", more.join("/")))),
    }
}

fn real_id<'a>(world: &'a World, account: usize, id: &'a str) -> &'a str {
    if id == "me" {
        world
            .accounts
            .get(account)
            .map(|a| a.user.id.as_str())
            .unwrap_or(id)
    } else {
        id
    }
}

/// Find a node the token can see; expired stories are gone like on Instagram.
fn resolve(world: &World, account: usize, id: &str, now: i64) -> Result<NodeRef, GraphError> {
    if id == "me" {
        return Ok(NodeRef {
            account,
            kind: NodeKind::User,
        });
    }
    let r = world
        .lookup(id)
        .filter(|r| r.account == account)
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    if r.kind == NodeKind::Media {
        let acc = &world.accounts[r.account];
        if !acc.media.get(id).is_some_and(|m| acc.is_story_live(m, now)) {
            return Err(GraphError::unsupported("GET", id));
        }
    }
    Ok(r)
}

/// `GET /?ids=a,b&fields=...` -> `{"a":{...},"b":{...}}`.
fn multi_id(ctx: &Ctx, account: usize, sel: &[FieldSel]) -> Result<Value, GraphError> {
    let Some(ids) = links::get(&ctx.links.query, "ids") else {
        return Err(GraphError::param("The parameter ids is required"));
    };
    let ids: Vec<&str> = ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if ids.is_empty() || ids.len() > 50 {
        return Err(GraphError::param(
            "The parameter ids must name between 1 and 50 ids",
        ));
    }
    let mut out = Map::new();
    for id in ids {
        let r = resolve(ctx.world, account, id, ctx.now).map_err(|_| {
            GraphError::new(
                803,
                format!("(#803) Some of the aliases you requested do not exist: {id}"),
            )
        })?;
        let default: &[&str] = if id == "me" {
            &["id", "username"]
        } else {
            &["id"]
        };
        let v = render::node(ctx, r, real_id(ctx.world, account, id), sel, default)?;
        out.insert(id.to_owned(), v);
    }
    Ok(Value::Object(out))
}

fn edge_request(
    ctx: &Ctx,
    r: NodeRef,
    path_id: &str,
    id: &str,
    edge: &str,
    sel: &[FieldSel],
) -> Result<Value, GraphError> {
    let acc = &ctx.world.accounts[r.account];
    let q = &ctx.links.query;
    let req = PageReq {
        limit: links::get(q, "limit").map(str::to_owned),
        after: links::get(q, "after").map(str::to_owned),
        before: links::get(q, "before").map(str::to_owned),
    };
    let has_limit = links::get(q, "limit").is_some();
    let link = |dir: &str, cursor: &str, limit: usize| {
        let other = if dir == "after" { "before" } else { "after" };
        let mut changes = vec![(dir, Some(cursor.to_owned())), (other, None)];
        if !has_limit {
            changes.push(("limit", Some(limit.to_string())));
        }
        ctx.links.with(&changes)
    };
    let unknown = || GraphError::unknown_path(&format!("/{edge}"));
    let time = |name: &str| {
        links::get(q, name)
            .map(|v| render::parse_time(name, v))
            .transpose()
    };
    let (items, cap, kind) = match (r.kind, edge) {
        (NodeKind::User, "media") => (
            acc.feed_items(time("since")?, time("until")?),
            render::CAP_MEDIA,
            ItemKind::Media,
        ),
        (NodeKind::User, "stories") => (
            acc.live_story_items(ctx.now),
            render::CAP_STORIES,
            ItemKind::Media,
        ),
        (NodeKind::User, "insights") => return insights::user(ctx, acc, q, Some(ctx.links)),
        // Facebook Login discovery: the token's Pages, each linked to the IG account.
        (NodeKind::User, "accounts") if path_id == "me" => (
            vec![(0, acc.page.id.clone())],
            render::CAP_ACCOUNTS,
            ItemKind::Page,
        ),
        (NodeKind::Media, "children" | "comments" | "insights") => {
            let m = acc
                .media
                .get(id)
                .ok_or_else(|| GraphError::unsupported("GET", id))?;
            match edge {
                "insights" => return insights::media(ctx, acc, m, q, Some(ctx.links)),
                "children" if m.media_type == MediaType::CarouselAlbum => {
                    (acc.children_items(m), render::CAP_CHILDREN, ItemKind::Media)
                }
                "children" => (Vec::new(), render::CAP_CHILDREN, ItemKind::Media),
                _ => (
                    acc.comment_items(m),
                    render::CAP_COMMENTS,
                    ItemKind::Comment,
                ),
            }
        }
        (NodeKind::Comment, "replies") => {
            let c = acc
                .comments
                .get(id)
                .ok_or_else(|| GraphError::unsupported("GET", id))?;
            (acc.reply_items(c), render::CAP_REPLIES, ItemKind::Comment)
        }
        _ => return Err(unknown()),
    };
    render::edge_page(ctx, acc, &items, cap, &req, sel, kind, &link)
}
