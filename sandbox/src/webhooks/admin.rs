//! `/_sandbox/webhooks/*`:
//!
//! * `POST simulate` `{"event": kind, ...}` → deliveries of the activity (see `events.rs`)
//! * `GET deliveries` → every attempt with the headers and body sent
//! * `POST redeliver` `{"id"}` → the same bytes again, as a new delivery
//! * `GET|POST config` → `{"retries","backoff_ms","sha1","timeout_ms"}`
//! * `GET state` → subscriptions, account subscriptions, messaging windows, mentions

use super::deliver::{self, virtual_ms};
use super::{events, meta_json, DState, Delivery, Hooks};
use crate::routes::{lock, Shared};
use crate::world::{World, MESSAGING_WINDOW_SECS};
use serde_json::{json, Map, Value};
use std::sync::Arc;

fn err(code: u16, message: &str) -> (u16, Value) {
    (
        code,
        json!({"error": {"message": message, "type": "SandboxException", "code": code}}),
    )
}

fn object(body: &[u8]) -> Result<Map<String, Value>, (u16, Value)> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(err(400, "expected a JSON object")),
        Err(e) => Err(err(400, &format!("invalid JSON body: {e}"))),
    }
}

/// Answer a `/_sandbox/webhooks/*` request.
pub(crate) async fn handle(sh: &Arc<Shared>, method: &str, sub: &str, body: &[u8]) -> (u16, Value) {
    let name = sub
        .trim_end_matches('/')
        .trim_start_matches("/_sandbox/webhooks");
    match (method, name) {
        ("POST", "/simulate") => match object(body) {
            Ok(m) => match simulate(sh, &m).await {
                Ok(v) => (200, v),
                Err(m) => err(400, &m),
            },
            Err(a) => a,
        },
        ("GET", "/deliveries") => (200, deliveries(sh)),
        ("POST", "/redeliver") => match object(body) {
            Ok(m) => match m.get("id").and_then(Value::as_str) {
                Some(id) => match redeliver(sh, id).await {
                    Some(v) => (200, v),
                    None => err(404, "redeliver: id: no such delivery"),
                },
                None => err(400, "redeliver: id: required (a delivery id from simulate)"),
            },
            Err(a) => a,
        },
        ("GET", "/config") => (200, lock(&sh.hooks).config.to_json()),
        ("POST", "/config") => match object(body) {
            Ok(m) => {
                let mut h = lock(&sh.hooks);
                let mut next = h.config.clone();
                match next.apply_json(&m) {
                    Ok(()) => {
                        h.config = next;
                        (200, h.config.to_json())
                    }
                    Err(e) => err(400, &format!("webhooks config: {e}")),
                }
            }
            Err(a) => a,
        },
        ("GET", "/state") => (200, state(sh)),
        (_, "/simulate" | "/deliveries" | "/redeliver" | "/config" | "/state") => {
            err(405, &format!("{method} is not allowed on {sub}"))
        }
        _ => err(
            404,
            "Unknown webhooks endpoint; try POST /_sandbox/webhooks/simulate, GET /_sandbox/webhooks/deliveries, POST /_sandbox/webhooks/redeliver, GET|POST /_sandbox/webhooks/config or GET /_sandbox/webhooks/state",
        ),
    }
}

/// Run one simulation: build the activity, deliver it where the subscriptions say, and
/// answer `{"deliveries","body","events",...}`. Errors are messages naming the option.
pub(crate) async fn simulate(sh: &Arc<Shared>, spec: &Map<String, Value>) -> Result<Value, String> {
    let common = events::common(spec)?;
    let now_ms = virtual_ms(sh);
    let now = now_ms.div_euclid(1000);
    let (built, secret, pages) = {
        let mut w = lock(&sh.world);
        let built = events::build(&mut w, now, now_ms, spec)?;
        let pages = pages_of(&w, built.account);
        (built, w.app.secret.clone(), pages)
    };
    let body = meta_json::to_string(&built.payload);
    let target = target(&lock(&sh.hooks), built.account, &pages, built.field);
    let mut out = json!({
        "object": "instagram",
        "event": built.event,
        "field": built.field,
        "account_id": built.account_id,
        "events": built.events,
        "created": built.created,
        "body": body,
    });
    let (url, sha1) = match target {
        Ok(t) => t,
        Err(why) => {
            out["deliveries"] = json!([]);
            out["undelivered"] = json!(why);
            return Ok(out);
        }
    };
    let headers = deliver::headers_for(&secret, body.as_bytes(), sha1);
    let body: Arc<str> = Arc::from(body);
    let mut summaries = Vec::new();
    let mut first_id: Option<String> = None;
    for _ in 0..=common.duplicates {
        let id = deliver::record(
            &mut lock(&sh.hooks),
            Delivery {
                id: String::new(),
                url: url.clone(),
                body: Arc::clone(&body),
                headers: headers.clone(),
                event: built.event.to_owned(),
                field: built.field.to_owned(),
                repeats: first_id.clone(),
                state: DState::Retrying,
                attempts: Vec::new(),
            },
        );
        if let Some(s) = deliver::send(sh, &id, common.wait_all).await {
            summaries.push(s);
        }
        first_id.get_or_insert(id);
    }
    out["deliveries"] = Value::Array(summaries);
    Ok(out)
}

/// The Pages linked to the account (whose `subscribed_apps` enables delivery with Facebook Login).
pub(crate) fn pages_of(w: &World, account: usize) -> Vec<usize> {
    w.pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.account == Some(account))
        .map(|(i, _)| i)
        .collect()
}

/// Where an update of `field` for `account` goes: the callback URL and whether to add the SHA-1
/// header, or why it is not delivered.
///
/// Delivery rule: the app subscribes object `instagram` with this field, and the account is
/// subscribed: Instagram Login `/me/subscribed_apps` with the field, or (Facebook Login) its
/// Page has `subscribed_apps`.
pub(crate) fn target(
    h: &Hooks,
    account: usize,
    pages: &[usize],
    field: &str,
) -> Result<(String, bool), String> {
    match h.app_sub("instagram") {
        None => Err(
            "no app subscription for object instagram (POST /{app-id}/subscriptions)".to_owned(),
        ),
        Some(s) if !s.fields.iter().any(|(n, _)| n == field) => Err(format!(
            "the app subscription for object instagram lacks the field {field}"
        )),
        Some(s) => {
            let ig = h
                .ig_subs
                .get(&account)
                .is_some_and(|f| f.iter().any(|n| n == field));
            let page = pages.iter().any(|p| h.page_subs.contains_key(p));
            if ig || page {
                Ok((s.callback_url.clone(), h.config.sha1))
            } else {
                Err(format!(
                    "the account is not subscribed to {field} (POST /me/subscribed_apps with an Instagram token, or /{{page-id}}/subscribed_apps with its Page token)"
                ))
            }
        }
    }
}

/// Send a delivery's bytes (and headers) again as a new delivery.
pub(crate) async fn redeliver(sh: &Arc<Shared>, id: &str) -> Option<Value> {
    let new_id = {
        let mut h = lock(&sh.hooks);
        let d = h.deliveries.iter().find(|d| d.id == id)?.clone();
        deliver::record(
            &mut h,
            Delivery {
                repeats: Some(d.id.clone()),
                state: DState::Retrying,
                attempts: Vec::new(),
                ..d
            },
        )
    };
    deliver::send(sh, &new_id, false).await
}

/// Every delivery and every attempt.
pub(crate) fn deliveries(sh: &Shared) -> Value {
    let h = lock(&sh.hooks);
    let mut attempts = Vec::new();
    for d in &h.deliveries {
        let headers: Map<String, Value> = d
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        for a in &d.attempts {
            let mut v = json!({
                "id": d.id,
                "url": d.url,
                "attempt": a.n,
                "status": a.status,
                "headers": headers,
                "body": &*d.body,
                "at": a.at_ms,
                // The contract's name for the same instant.
                "time": a.at_ms,
                "event": d.event,
                "field": d.field,
            });
            if let Some(e) = &a.error {
                v["error"] = json!(e);
            }
            if let Some(r) = &d.repeats {
                v["repeats"] = json!(r);
            }
            attempts.push(v);
        }
    }
    json!({
        "data": attempts,
        "deliveries": h.deliveries.iter().map(Delivery::summary).collect::<Vec<_>>(),
    })
}

/// Subscriptions, messaging windows and mentions (never the verify token).
fn state(sh: &Shared) -> Value {
    let now = lock(&sh.clock).now();
    let w = lock(&sh.world);
    let h = lock(&sh.hooks);
    let subs: Vec<Value> = h
        .app_subs
        .iter()
        .map(|s| {
            json!({
                "object": s.object,
                "callback_url": s.callback_url,
                "active": true,
                "include_values": s.include_values,
                "fields": s.fields.iter().map(|(n, v)| json!({"name": n, "version": v})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let accounts: Vec<Value> = h
        .ig_subs
        .iter()
        .filter_map(|(a, f)| {
            w.accounts
                .get(*a)
                .map(|acc| json!({"account_id": acc.user.id, "subscribed_fields": f}))
        })
        .collect();
    let pages: Vec<Value> = h
        .page_subs
        .iter()
        .filter_map(|(p, f)| {
            w.pages
                .get(*p)
                .map(|pg| json!({"page_id": pg.id, "subscribed_fields": f}))
        })
        .collect();
    let mut windows = Vec::new();
    let mut mentions = Vec::new();
    for acc in &w.accounts {
        for (igsid, t) in &acc.threads {
            windows.push(json!({
                "account_id": acc.user.id,
                "igsid": igsid,
                "last_incoming_at": t.last_incoming_at,
                "window_open": t.window_open(now),
                "window_closes_at": t.last_incoming_at.map(|x| x + MESSAGING_WINDOW_SECS),
                "last_mid": t.last_mid,
                "last_echo_mid": t.last_echo_mid,
            }));
        }
        for m in &acc.mentions {
            mentions.push(json!({
                "account_id": acc.user.id,
                "media_id": m.media_id,
                "comment_id": m.comment_id,
                "at": m.at,
            }));
        }
    }
    json!({
        "now": now,
        "subscriptions": subs,
        "account_subscriptions": accounts,
        "page_subscriptions": pages,
        "messaging_windows": windows,
        "mentions": mentions,
        "config": h.config.to_json(),
        "deliveries": h.deliveries.len(),
    })
}
