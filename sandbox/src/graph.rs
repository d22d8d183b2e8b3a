//! Graph paths as both hosts serve them, told apart by the token family: `/me`, nodes, edges,
//! `/me/accounts` and Pages (Facebook Login), `?ids=`, and the writes of `writes.rs`.

use crate::auth::{self, fb_only, Caller};
use crate::errors::GraphError;
use crate::fields::{self, FieldSel};
use crate::insights;
use crate::links::{self, Links, Pairs};
use crate::paging::PageReq;
use crate::render::{self, Ctx, ItemKind};
use crate::seed;
use crate::stats::split_version;
use crate::tokens::{Family, Subject};
use crate::usage::BucKey;
use crate::world::{MediaType, NodeKind, NodeRef, World};
use crate::writes;
use axum::http::{HeaderMap, Method};
use serde_json::{Map, Value};

/// One Graph request as the router needs it.
pub(crate) struct GraphReq<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    /// Query and body parameters (body last, so it wins when a key repeats).
    pub params: &'a Pairs,
    pub headers: &'a HeaderMap,
    pub origin: String,
    pub require_proof: bool,
    pub now: i64,
}

/// One authenticated Graph request as the messaging and content routers see it.
#[allow(dead_code)] // read by the routers as they are filled in
pub(crate) struct RouteReq<'a> {
    pub method: &'a Method,
    /// Path segments after the version (`["me", "messages"]`).
    pub segs: &'a [&'a str],
    /// Query and body parameters.
    pub params: &'a Pairs,
    /// Origin, version, path and query, for paging links.
    pub links: &'a Links,
    /// Virtual-clock seconds.
    pub now: i64,
}

/// What a successful Graph call answers, and whose usage bucket it charged.
pub(crate) type GraphResult = (Result<Value, GraphError>, Option<BucKey>);

fn parse_fields(query: &Pairs) -> Result<Vec<FieldSel>, GraphError> {
    match links::get(query, "fields") {
        Some(f) => fields::parse(f).map_err(|m| GraphError::new(2500, m)),
        None => Ok(Vec::new()),
    }
}

/// Answer one Graph request (after counting, latency and the fault decision).
pub(crate) fn handle(world: &mut World, req: &GraphReq) -> GraphResult {
    let mut buc = None;
    let r = handle_inner(world, req, &mut buc);
    if buc.is_none() {
        // Errors before the token is known are still charged to the demo account, as the
        // headers of every Graph answer carry the figures.
        buc = world.accounts.first().map(|a| BucKey {
            id: a.user.id.clone(),
            kind: "instagram",
        });
    }
    (r, buc)
}

fn handle_inner(
    world: &mut World,
    req: &GraphReq,
    buc: &mut Option<BucKey>,
) -> Result<Value, GraphError> {
    let (version, rest) = split_version(req.path).ok_or_else(|| {
        GraphError::unknown_path(&format!(
            "{} (the sandbox serves Graph paths under /vNN.N/, e.g. /v25.0/me)",
            req.path
        ))
    })?;
    let token = auth::token_of(req.params, req.headers).ok_or_else(GraphError::missing_token)?;
    let caller = auth::resolve(world, token, req.now)?;
    *buc = caller.buc(world);
    match links::get(req.params, "appsecret_proof") {
        Some(p) if !p.eq_ignore_ascii_case(&seed::appsecret_proof(token, &world.app.secret)) => {
            return Err(GraphError::bad_appsecret_proof());
        }
        None if req.require_proof => return Err(GraphError::appsecret_proof_required()),
        _ => {}
    }
    let segs: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let first = segs.first().copied().unwrap_or("");
    let links = Links {
        origin: req.origin.clone(),
        version: version.to_owned(),
        path: rest.to_owned(),
        query: req.params.clone(),
    };
    let route = RouteReq {
        method: req.method,
        segs: &segs,
        params: req.params,
        links: &links,
        now: req.now,
    };
    // Messaging (Send API, conversations, messenger profile, attachments, IGSID profiles)
    // and the content endpoints beyond the feed each claim their own paths first.
    if let Some(r) = crate::messaging::route(world, &caller, &route) {
        return r;
    }
    if let Some(r) = crate::content::route(world, &caller, &route) {
        return r;
    }
    if *req.method == Method::POST {
        return writes::post(world, &caller, &segs, req.params, req.now);
    }
    if *req.method != Method::GET {
        return Err(GraphError::unsupported(req.method.as_str(), first));
    }
    let ctx = Ctx {
        world,
        links: &links,
        now: req.now,
        family: caller.family,
        subject: caller.subject,
    };
    let sel = parse_fields(&links.query)?;
    get(&ctx, &caller, &segs, &sel)
}

fn get(ctx: &Ctx, caller: &Caller, segs: &[&str], sel: &[FieldSel]) -> Result<Value, GraphError> {
    let world = ctx.world;
    // Hashtag search is a Facebook Login feature (§1.6), served by `content::route`.
    if segs.first() == Some(&"ig_hashtag_search") {
        fb_only(caller)?;
    }
    match segs {
        [] => multi_id(ctx, caller, sel),
        ["me"] => match caller.subject {
            Subject::IgUser(a) => {
                render::user(ctx, &world.accounts[a], sel, &["id", "username"], true)
            }
            Subject::FbUser => render::fb_user(ctx, sel),
            // On graph.facebook.com `/me` with a Page token is the Page.
            Subject::Page(p) => render::page(ctx, p, sel, &["name", "id"]),
        },
        ["me", edge] => match caller.subject {
            Subject::IgUser(a) => {
                if *edge == "accounts" {
                    fb_only(caller)?;
                }
                let r = NodeRef {
                    account: a,
                    kind: NodeKind::User,
                };
                edge_request(ctx, r, &world.accounts[a].user.id, edge, sel)
            }
            Subject::FbUser => fb_user_edge(ctx, edge, sel),
            Subject::Page(_) => Err(GraphError::nonexisting_field(edge, "Page")),
        },
        [id] => {
            if let Some(p) = world.page_index(id) {
                fb_only(caller)?;
                if !caller.can_see_page(p) {
                    return Err(GraphError::unsupported("GET", id));
                }
                return render::page(ctx, p, sel, &["name", "id"]);
            }
            if *id == world.fb_user.id {
                fb_only(caller)?;
                return match caller.subject {
                    Subject::FbUser => render::fb_user(ctx, sel),
                    _ => Err(GraphError::unsupported("GET", id)),
                };
            }
            let r = resolve(world, caller, id, ctx.now)?;
            render::node(ctx, r, id, sel, &["id"])
        }
        [id, edge] => {
            if let Some(p) = world.page_index(id) {
                fb_only(caller)?;
                if !caller.can_see_page(p) {
                    return Err(GraphError::unsupported("GET", id));
                }
                // Page edges (messages, conversations, subscribed_apps) come with messaging.
                return Err(GraphError::unknown_path(&format!("/{edge}")));
            }
            if *id == world.fb_user.id {
                fb_only(caller)?;
                return match caller.subject {
                    Subject::FbUser => fb_user_edge(ctx, edge, sel),
                    _ => Err(GraphError::unsupported("GET", id)),
                };
            }
            let r = resolve(world, caller, id, ctx.now)?;
            edge_request(ctx, r, id, edge, sel)
        }
        [_, more @ ..] => Err(GraphError::unknown_path(&format!("/{}", more.join("/")))),
    }
}

/// Edges of the Facebook user: only `accounts` (its Pages, cursor-paged).
fn fb_user_edge(ctx: &Ctx, edge: &str, sel: &[FieldSel]) -> Result<Value, GraphError> {
    if edge != "accounts" {
        return Err(GraphError::nonexisting_field(edge, "User"));
    }
    let q = &ctx.links.query;
    let req = page_req(q);
    let link = |dir: &str, cursor: &str, limit: usize| ctx.links.cursor_link(dir, cursor, limit);
    let items = render::page_items(&ctx.world.pages);
    render::pages_page(ctx, &items, &req, sel, &link)
}

fn page_req(q: &Pairs) -> PageReq {
    PageReq {
        limit: links::get(q, "limit").map(str::to_owned),
        after: links::get(q, "after").map(str::to_owned),
        before: links::get(q, "before").map(str::to_owned),
    }
}

/// Find an Instagram node the caller can see; expired stories are gone like on Instagram.
pub(crate) fn resolve(
    world: &World,
    caller: &Caller,
    id: &str,
    now: i64,
) -> Result<NodeRef, GraphError> {
    if id == "me" {
        if let Subject::IgUser(account) = caller.subject {
            return Ok(NodeRef {
                account,
                kind: NodeKind::User,
            });
        }
    }
    let r = world
        .lookup(id)
        .filter(|r| caller.can_see_account(world, r.account))
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
fn multi_id(ctx: &Ctx, caller: &Caller, sel: &[FieldSel]) -> Result<Value, GraphError> {
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
        let r = resolve(ctx.world, caller, id, ctx.now).map_err(|_| {
            GraphError::new(
                803,
                format!("(#803) Some of the aliases you requested do not exist: {id}"),
            )
        })?;
        let v = if id == "me" {
            render::user(
                ctx,
                &ctx.world.accounts[r.account],
                sel,
                &["id", "username"],
                true,
            )?
        } else {
            render::node(ctx, r, id, sel, &["id"])?
        };
        out.insert(id.to_owned(), v);
    }
    Ok(Value::Object(out))
}

fn edge_request(
    ctx: &Ctx,
    r: NodeRef,
    id: &str,
    edge: &str,
    sel: &[FieldSel],
) -> Result<Value, GraphError> {
    let acc = &ctx.world.accounts[r.account];
    let q = &ctx.links.query;
    let req = page_req(q);
    let link = |dir: &str, cursor: &str, limit: usize| ctx.links.cursor_link(dir, cursor, limit);
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
        // Mentions and tags are Facebook Login lookups (§1.1).
        (NodeKind::User, "tags" | "mentioned_media") if ctx.family == Family::Instagram => {
            return Err(GraphError::invalid_token())
        }
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
