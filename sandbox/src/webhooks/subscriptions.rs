//! Subscription endpoints (graph-api.md §3.1):
//!
//! * `POST/GET/DELETE /vNN.N/{app-id}/subscriptions` with an app access token (`{app-id}|{app-secret}`
//!   or the token `grant_type=client_credentials` issues). POST first does Meta's handshake:
//!   `GET callback_url?hub.mode=subscribe&hub.challenge=<int>&hub.verify_token=<token>`, and
//!   stores nothing unless the answer is 200 with exactly the challenge as its body.
//! * `POST/GET/DELETE /vNN.N/me/subscribed_apps` with an Instagram Login token
//!   (`subscribed_fields`), and `/vNN.N/{page-id}/subscribed_apps` (or `/me/subscribed_apps`)
//!   with that Page's token.

use super::{AppSub, Hooks};
use crate::auth;
use crate::errors::GraphError;
use crate::links::{self, Pairs};
use crate::prng::mix;
use crate::routes::{lock, Shared};
use crate::stats::split_version;
use crate::tokens::{sha_hex, Subject};
use crate::world::World;
use axum::http::{HeaderMap, Method};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// Fields of object `instagram` an app may subscribe to (§3.1 table and the SDK enum).
pub(crate) const INSTAGRAM_FIELDS: &[&str] = &[
    "comments",
    "live_comments",
    "mentions",
    "story_insights",
    "messages",
    "message_reactions",
    "message_edit",
    "messaging_postbacks",
    "messaging_referral",
    "messaging_seen",
    "messaging_optins",
    "messaging_handover",
    "standby",
    "story_reactions",
    "share_to_story",
    "messaging_policy_enforcement",
    "response_feedback",
];

/// Fields an Instagram Login account subscribes with `/me/subscribed_apps` (§3.1 table: no
/// `mentions` or `story_insights` there).
pub(crate) const IG_LOGIN_FIELDS: &[&str] = &[
    "comments",
    "live_comments",
    "messages",
    "message_reactions",
    "message_edit",
    "messaging_postbacks",
    "messaging_referral",
    "messaging_seen",
    "messaging_optins",
    "messaging_handover",
    "standby",
];

/// Objects the sandbox accepts subscriptions for.
const OBJECTS: &[&str] = &["instagram", "page"];

/// Which subscription endpoint a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// `/{app-id}/subscriptions`
    App,
    /// `/me/subscribed_apps`: the account of an Instagram token, or the Page of a Page token.
    Me,
    /// `/{page-id}/subscribed_apps`
    Page(usize),
}

/// The app token `client_credentials` issues: `{app-id}|{27 characters}`, like Meta's.
pub(crate) fn app_access_token(world: &World) -> String {
    format!(
        "{}|{}",
        world.app.id,
        &sha_hex("app_access_token", world.seed)[..27]
    )
}

/// The subscription endpoint `path` names, with the Graph version, if it is one.
pub(crate) fn route(world: &World, path: &str) -> Option<(String, Route)> {
    let (version, rest) = split_version(path)?;
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let r = match segs.as_slice() {
        [id, "subscriptions"] if *id == world.app.id => Route::App,
        ["me", "subscribed_apps"] => Route::Me,
        [id, "subscribed_apps"] => Route::Page(world.page_index(id)?),
        _ => return None,
    };
    Some((version.to_owned(), r))
}

/// Answer one subscription request. Only the handshake awaits; no lock is held across it.
pub(crate) async fn handle(
    sh: &Arc<Shared>,
    method: &Method,
    version: &str,
    route: Route,
    params: &Pairs,
    headers: &HeaderMap,
) -> Result<Value, GraphError> {
    let Some(token) = auth::token_of(params, headers) else {
        // Graph words a missing token on `/me` (2500) and on other nodes (104) differently.
        return Err(match route {
            Route::Me => GraphError::missing_token(),
            _ => GraphError::new(104, "An access token is required to request this resource."),
        });
    };
    match route {
        Route::App => {
            check_app_token(&lock(&sh.world), token)?;
            app(sh, method, version, params).await
        }
        Route::Me | Route::Page(_) => {
            let now = lock(&sh.clock).now();
            let (subject, page_ids) = {
                let w = lock(&sh.world);
                let c = auth::resolve(&w, token, now)?;
                // Same rule as every other user- or Page-token call.
                match links::get(params, "appsecret_proof") {
                    Some(p)
                        if !p.eq_ignore_ascii_case(&crate::seed::appsecret_proof(
                            token,
                            &w.app.secret,
                        )) =>
                    {
                        return Err(GraphError::bad_appsecret_proof())
                    }
                    None if sh.require_proof => return Err(GraphError::appsecret_proof_required()),
                    _ => {}
                }
                let ids: Vec<String> = w.pages.iter().map(|p| p.id.clone()).collect();
                (c.subject, ids)
            };
            let target = match route {
                Route::Me => match subject {
                    Subject::IgUser(a) => Target::Account(a),
                    // On graph.facebook.com `/me` with a Page token is the Page.
                    Subject::Page(p) => Target::Page(p),
                    Subject::FbUser => {
                        return Err(GraphError::nonexisting_field("subscribed_apps", "User"))
                    }
                },
                Route::Page(p) => match subject {
                    Subject::Page(q) if p == q => Target::Page(p),
                    Subject::Page(_) => {
                        let id = page_ids.get(p).cloned().unwrap_or_default();
                        return Err(GraphError::unsupported(method.as_str(), &id));
                    }
                    Subject::IgUser(_) => return Err(GraphError::invalid_token()),
                    Subject::FbUser => {
                        return Err(GraphError::new(
                            210,
                            "(#210) A page access token is required to request this resource.",
                        ))
                    }
                },
                Route::App => return Err(GraphError::unknown_path("/subscriptions")),
            };
            account_level(sh, method, target, params)
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Account(usize),
    Page(usize),
}

/// `{app-id}|{app-secret}` or the client_credentials token; user and Page tokens get (#15).
fn check_app_token(world: &World, token: &str) -> Result<(), GraphError> {
    if let Some((id, secret)) = token.split_once('|') {
        if id != world.app.id {
            return Err(GraphError::invalid_token());
        }
        if secret == world.app.secret || token == app_access_token(world) {
            return Ok(());
        }
        return Err(GraphError::new(
            190,
            "Invalid OAuth access token signature.",
        ));
    }
    if world.tokens.get(token).is_some() {
        return Err(GraphError::new(
            15,
            "(#15) This method must be called with an app access_token.",
        ));
    }
    Err(GraphError::invalid_token())
}

/// A comma list (`a, b`) or a JSON array of strings; duplicates dropped, order kept.
pub(crate) fn field_list(name: &str, raw: &str) -> Result<Vec<String>, GraphError> {
    let items: Vec<String> = if raw.trim_start().starts_with('[') {
        let v: Value = serde_json::from_str(raw)
            .map_err(|_| GraphError::param(format!("Param {name} must be a list of strings")))?;
        let Value::Array(a) = v else {
            return Err(GraphError::param(format!(
                "Param {name} must be a list of strings"
            )));
        };
        a.iter()
            .map(|x| x.as_str().map(|s| s.trim().to_owned()))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| GraphError::param(format!("Param {name} must be a list of strings")))?
    } else {
        raw.split(',').map(|s| s.trim().to_owned()).collect()
    };
    let mut out: Vec<String> = Vec::new();
    for s in items.into_iter().filter(|s| !s.is_empty()) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    if out.is_empty() {
        return Err(GraphError::param(format!(
            "The parameter {name} is required"
        )));
    }
    Ok(out)
}

fn check_fields(name: &str, fields: &[String], allowed: Option<&[&str]>) -> Result<(), GraphError> {
    for (i, f) in fields.iter().enumerate() {
        let ok = match allowed {
            Some(list) => list.contains(&f.as_str()),
            // Page objects have dozens of fields: accept any field-shaped name.
            None => f.len() <= 64 && f.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
        };
        if !ok {
            let shown: String = f.chars().take(40).collect();
            return Err(match allowed {
                Some(list) => GraphError::param(format!(
                    "Param {name}[{i}] must be one of {{{}}} - got \"{shown}\"",
                    list.join(", ")
                )),
                None => GraphError::param(format!("Param {name}[{i}] is not a valid field name")),
            });
        }
    }
    Ok(())
}

fn required<'a>(params: &'a Pairs, name: &str) -> Result<&'a str, GraphError> {
    links::get(params, name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| GraphError::param(format!("The parameter {name} is required")))
}

fn object_param(params: &Pairs) -> Result<String, GraphError> {
    let o = required(params, "object")?;
    if !OBJECTS.contains(&o) {
        return Err(GraphError::param(format!(
            "Param object must be one of {{{}}} - got \"{}\"",
            OBJECTS.join(", "),
            o.chars().take(40).collect::<String>()
        )));
    }
    Ok(o.to_owned())
}

async fn app(
    sh: &Arc<Shared>,
    method: &Method,
    version: &str,
    params: &Pairs,
) -> Result<Value, GraphError> {
    match *method {
        Method::GET => {
            let h = lock(&sh.hooks);
            let data: Vec<Value> = h
                .app_subs
                .iter()
                .map(|s| {
                    json!({
                        "object": s.object,
                        "callback_url": s.callback_url,
                        "active": true,
                        "fields": s.fields.iter()
                            .map(|(n, v)| json!({"name": n, "version": v}))
                            .collect::<Vec<_>>(),
                    })
                })
                .collect();
            Ok(json!({ "data": data }))
        }
        Method::DELETE => {
            let object = match links::get(params, "object").filter(|o| !o.trim().is_empty()) {
                Some(_) => Some(object_param(params)?),
                None => None,
            };
            let fields = match links::get(params, "fields").filter(|f| !f.trim().is_empty()) {
                Some(f) => Some(field_list("fields", f)?),
                None => None,
            };
            let mut h = lock(&sh.hooks);
            match (object, fields) {
                (None, Some(_)) => {
                    return Err(GraphError::param(
                        "The parameter object is required when fields is given",
                    ))
                }
                (None, None) => h.app_subs.clear(),
                (Some(o), None) => h.app_subs.retain(|s| s.object != o),
                (Some(o), Some(f)) => {
                    for s in h.app_subs.iter_mut().filter(|s| s.object == o) {
                        s.fields.retain(|(n, _)| !f.contains(n));
                    }
                    h.app_subs.retain(|s| !s.fields.is_empty());
                }
            }
            Ok(json!({"success": true}))
        }
        Method::POST => subscribe(sh, version, params).await,
        _ => Err(GraphError::unsupported(method.as_str(), "subscriptions")),
    }
}

async fn subscribe(sh: &Arc<Shared>, version: &str, params: &Pairs) -> Result<Value, GraphError> {
    let object = object_param(params)?;
    let callback = required(params, "callback_url")?.to_owned();
    let url = url::Url::parse(&callback)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        .ok_or_else(|| {
            // Meta's dashboard wants https with a valid certificate; the sandbox also takes
            // http so tests can listen on loopback without TLS.
            GraphError::param("Param callback_url must be a valid http or https URL")
        })?;
    if callback.len() > 2048 {
        return Err(GraphError::param(
            "Param callback_url must be at most 2048 characters",
        ));
    }
    let verify_token = required(params, "verify_token")?.to_owned();
    if verify_token.len() > 1024 {
        return Err(GraphError::param(
            "Param verify_token must be at most 1024 characters",
        ));
    }
    let fields = field_list("fields", required(params, "fields")?)?;
    let allowed = (object == "instagram").then_some(INSTAGRAM_FIELDS);
    check_fields("fields", &fields, allowed)?;
    let include_values = links::get(params, "include_values").is_some_and(|v| v == "true");

    let (challenge, timeout) = {
        let mut h = lock(&sh.hooks);
        h.minted += 1;
        let c = 1_000_000_000 + mix(sh.seed ^ 0x5eed_4007, h.minted) % 1_000_000_000;
        (c.to_string(), Duration::from_millis(h.config.timeout_ms))
    };
    if let Err(why) = handshake(&sh.http, url, &verify_token, &challenge, timeout).await {
        // Meta's exact text for a failed verification is not documented; "(#2200) callback
        // verification failed" with the reason is how developers report it (UNCONFIRMED).
        return Err(GraphError::new(
            2200,
            format!("(#2200) callback verification failed: {why}"),
        ));
    }
    let mut h = lock(&sh.hooks);
    store(
        &mut h,
        object,
        callback,
        verify_token,
        fields,
        include_values,
        version,
    );
    Ok(json!({"success": true}))
}

/// Create or update the object's subscription. Fields are added to those already subscribed
/// (removing them is DELETE with `fields`), as the App Dashboard shows them.
fn store(
    h: &mut Hooks,
    object: String,
    callback_url: String,
    verify_token: String,
    fields: Vec<String>,
    include_values: bool,
    version: &str,
) {
    let pos = match h.app_subs.iter().position(|s| s.object == object) {
        Some(p) => p,
        None => {
            h.app_subs.push(AppSub {
                object,
                callback_url: String::new(),
                verify_token: String::new(),
                fields: Vec::new(),
                include_values,
            });
            h.app_subs.len() - 1
        }
    };
    let s = &mut h.app_subs[pos];
    s.callback_url = callback_url;
    s.verify_token = verify_token;
    s.include_values = include_values;
    for f in fields {
        match s.fields.iter_mut().find(|(n, _)| *n == f) {
            Some(e) => e.1 = version.to_owned(),
            None => s.fields.push((f, version.to_owned())),
        }
    }
}

/// Meta's verification request; Ok only for a 200 whose body is exactly the challenge.
async fn handshake(
    http: &reqwest::Client,
    mut url: url::Url,
    verify_token: &str,
    challenge: &str,
    timeout: Duration,
) -> Result<(), String> {
    url.query_pairs_mut()
        .append_pair("hub.mode", "subscribe")
        .append_pair("hub.challenge", challenge)
        .append_pair("hub.verify_token", verify_token);
    let resp = http
        .get(url)
        .header("user-agent", super::deliver::USER_AGENT)
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| {
            format!(
                "Couldn't connect to the callback URL ({})",
                super::deliver::describe(&e)
            )
        })?;
    let status = resp.status();
    let body = resp.bytes().await.map_err(|e| {
        format!(
            "Couldn't read the callback's answer ({})",
            super::deliver::describe(&e)
        )
    })?;
    if status.as_u16() != 200 {
        return Err(format!(
            "Callback verification failed with the following errors: HTTP Status Code = {}; HTTP Message = {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        ));
    }
    if body.as_ref() != challenge.as_bytes() {
        let got: String = String::from_utf8_lossy(&body).chars().take(64).collect();
        return Err(format!(
            "Response does not match challenge, expected value=\"{challenge}\", received=\"{got}\""
        ));
    }
    Ok(())
}

fn account_level(
    sh: &Arc<Shared>,
    method: &Method,
    target: Target,
    params: &Pairs,
) -> Result<Value, GraphError> {
    let (app_id, app_name) = {
        let w = lock(&sh.world);
        (w.app.id.clone(), w.app.name.clone())
    };
    let mut h = lock(&sh.hooks);
    let subs = match target {
        Target::Account(a) => h.ig_subs.entry(a),
        Target::Page(p) => h.page_subs.entry(p),
    };
    match *method {
        Method::GET => {
            let data: Vec<Value> = match subs {
                std::collections::btree_map::Entry::Occupied(e) => vec![json!({
                    "id": app_id,
                    "name": app_name,
                    "subscribed_fields": e.get(),
                })],
                std::collections::btree_map::Entry::Vacant(_) => Vec::new(),
            };
            Ok(json!({ "data": data }))
        }
        Method::POST => {
            let fields = field_list("subscribed_fields", required(params, "subscribed_fields")?)?;
            let allowed = matches!(target, Target::Account(_)).then_some(IG_LOGIN_FIELDS);
            check_fields("subscribed_fields", &fields, allowed)?;
            // A POST sets the account's list (Meta's examples resend the whole list).
            match subs {
                std::collections::btree_map::Entry::Occupied(mut e) => {
                    e.insert(fields);
                }
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(fields);
                }
            }
            Ok(json!({"success": true}))
        }
        Method::DELETE => {
            if let std::collections::btree_map::Entry::Occupied(e) = subs {
                e.remove();
            }
            Ok(json!({"success": true}))
        }
        _ => Err(GraphError::unsupported(method.as_str(), "subscribed_apps")),
    }
}
