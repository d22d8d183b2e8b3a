//! `/_sandbox/*`: the endpoints tests use to look inside and steer the simulator.
//!
//! * `GET /_sandbox/stats`, `GET /_sandbox/info`, `POST /_sandbox/reset`
//! * `/_sandbox/webhooks/*` (served by `webhooks::admin`)
//! * `GET|POST /_sandbox/messaging` (`{"sending_restricted": bool}`, see `messaging`)
//! * `GET|POST /_sandbox/clock` (`{"advance_seconds": N}` or `{"now": <unix seconds>}`)
//! * `GET|POST /_sandbox/faults` (`{"fault_rate", "fault_seed", "faults", "endpoints", "slow_ms",
//!   "regain_minutes", "long_regain_minutes"}`; `0` turns faults off)
//! * `POST /_sandbox/oauth/code` (`{"login": "instagram"|"facebook", "redirect_uri"}`)
//! * `GET /_sandbox/oauth/authorize?client_id=&redirect_uri=[&login=facebook][&state=]`: a 302
//!   to `redirect_uri?code=…#_` like Instagram's dialog (Facebook's appends `#_=_`).

use crate::links::{self, Pairs};
use crate::oauth;
use crate::routes::{lock, Shared};
use crate::seed;
use crate::stats::Stats;
use crate::tokens::Family;
use serde_json::{json, Map, Value};
use url::Url;

/// An admin answer: status and JSON body, or a redirect.
pub(crate) enum AdminAnswer {
    Json(u16, Value),
    Redirect(String),
}

fn ok(v: Value) -> AdminAnswer {
    AdminAnswer::Json(200, v)
}

fn err(code: u16, message: &str) -> AdminAnswer {
    AdminAnswer::Json(
        code,
        json!({"error": {"message": message, "type": "SandboxException", "code": code}}),
    )
}

/// The JSON object of a request body (empty body = `{}`).
fn body_object(body: &[u8]) -> Result<Map<String, Value>, AdminAnswer> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(err(400, "expected a JSON object")),
        Err(e) => Err(err(400, &format!("invalid JSON body: {e}"))),
    }
}

/// Answer one `/_sandbox/*` request.
pub(crate) fn handle(
    sh: &Shared,
    method: &str,
    path: &str,
    query: &Pairs,
    body: &[u8],
) -> AdminAnswer {
    let sub = path.trim_end_matches('/');
    match (method, sub) {
        ("GET", "/_sandbox/stats") => ok(lock(&sh.stats).to_json()),
        ("GET", "/_sandbox/info") => ok(sh.info.clone()),
        ("POST", "/_sandbox/reset") => {
            // Everything back to the seed: clock, world (tokens, codes, writes), stats, faults.
            let now = {
                let mut c = lock(&sh.clock);
                *c = Default::default();
                c.now()
            };
            *lock(&sh.world) = seed::build(sh.seed, sh.media_count, sh.bulk_comments, now);
            *lock(&sh.stats) = Stats::default();
            lock(&sh.faults).reseed();
            lock(&sh.hooks).reset(sh.webhook_defaults.clone());
            ok(json!({"ok": true}))
        }
        ("GET", "/_sandbox/clock") => ok(json!({"now": lock(&sh.clock).now()})),
        ("POST", "/_sandbox/clock") => {
            let m = match body_object(body) {
                Ok(m) => m,
                Err(a) => return a,
            };
            let mut c = lock(&sh.clock);
            let r = match (m.get("advance_seconds"), m.get("now")) {
                (Some(a), None) => match a.as_i64() {
                    Some(s) => c.advance(s),
                    None => Err("advance_seconds: expected an integer".to_owned()),
                },
                (None, Some(n)) => match n.as_i64() {
                    Some(t) => c.set(t),
                    None => Err("now: expected an integer (unix seconds)".to_owned()),
                },
                (None, None) => Ok(c.now()),
                (Some(_), Some(_)) => Err("give advance_seconds or now, not both".to_owned()),
            };
            match r {
                Ok(now) => ok(json!({"now": now})),
                Err(m) => err(400, &m),
            }
        }
        ("GET", "/_sandbox/faults") => ok(lock(&sh.faults).opts.to_json()),
        ("POST", "/_sandbox/faults") => {
            let m = match body_object(body) {
                Ok(m) => m,
                Err(a) => return a,
            };
            let mut f = lock(&sh.faults);
            let mut next = f.opts.clone();
            if let Err(e) = next.apply_json(&m) {
                return err(400, &format!("faults: {e}"));
            }
            // Setting a rate alone replaces an earlier per-kind map (the rate is the mix).
            if m.contains_key("fault_rate") && !m.contains_key("faults") {
                next.kinds.clear();
            }
            f.opts = next;
            // Every change restarts the sequence, so "configure, then run" is reproducible.
            f.reseed();
            ok(f.opts.to_json())
        }
        ("POST", "/_sandbox/oauth/code") => {
            let m = match body_object(body) {
                Ok(m) => m,
                Err(a) => return a,
            };
            let login = match m.get("login").and_then(Value::as_str).unwrap_or("instagram") {
                "instagram" => Family::Instagram,
                "facebook" => Family::Facebook,
                _ => return err(400, "login: expected \"instagram\" or \"facebook\""),
            };
            let Some(redirect_uri) = m.get("redirect_uri").and_then(Value::as_str) else {
                return err(400, "redirect_uri: required (a string)");
            };
            if redirect_uri.is_empty() || redirect_uri.len() > 2048 {
                return err(400, "redirect_uri: must be 1..2048 characters");
            }
            let now = lock(&sh.clock).now();
            let code = oauth::issue_code(&mut lock(&sh.world), login, redirect_uri, now);
            ok(json!({
                "code": code,
                "login": if login == Family::Instagram { "instagram" } else { "facebook" },
                "redirect_uri": redirect_uri,
                "expires_at": now + oauth::CODE_LIFETIME_SECS,
                "expires_in": oauth::CODE_LIFETIME_SECS,
            }))
        }
        ("GET", "/_sandbox/oauth/authorize") => authorize(sh, query),
        // Messaging switches (the 10/1893063 refusal) live with messaging.
        ("GET" | "POST", "/_sandbox/messaging") => {
            let m = match body_object(body) {
                Ok(m) => m,
                Err(a) => return a,
            };
            match crate::messaging::admin(&mut lock(&sh.world), method, &m) {
                Ok(v) => ok(v),
                Err(e) => err(400, &e),
            }
        }
        (
            _,
            "/_sandbox/stats" | "/_sandbox/info" | "/_sandbox/reset" | "/_sandbox/clock"
            | "/_sandbox/faults" | "/_sandbox/oauth/code" | "/_sandbox/oauth/authorize"
            | "/_sandbox/messaging",
        ) => err(405, &format!("{method} is not allowed on {sub}")),
        _ => err(
            404,
            &format!(
                "Unknown sandbox endpoint {}; try /_sandbox/stats, /_sandbox/info, /_sandbox/clock, /_sandbox/faults, /_sandbox/oauth/code or POST /_sandbox/reset",
                sub.chars().take(80).collect::<String>()
            ),
        ),
    }
}

/// The stand-in for the login dialog: the user always agrees.
fn authorize(sh: &Shared, query: &Pairs) -> AdminAnswer {
    let login = match links::get(query, "login").unwrap_or("instagram") {
        "instagram" => Family::Instagram,
        "facebook" => Family::Facebook,
        _ => return err(400, "login: expected instagram or facebook"),
    };
    let app_id = lock(&sh.world).app.id.clone();
    if links::get(query, "client_id") != Some(app_id.as_str()) {
        return err(400, "Invalid platform app");
    }
    let Some(redirect) = links::get(query, "redirect_uri") else {
        return err(400, "redirect_uri: required");
    };
    let Ok(mut url) = Url::parse(redirect) else {
        return err(400, "redirect_uri: not an absolute URL");
    };
    let now = lock(&sh.clock).now();
    let code = oauth::issue_code(&mut lock(&sh.world), login, redirect, now);
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("code", &code);
        if let Some(state) = links::get(query, "state") {
            q.append_pair("state", state);
        }
    }
    url.set_fragment(Some(if login == Family::Instagram {
        "_"
    } else {
        "_=_"
    }));
    AdminAnswer::Redirect(url.to_string())
}
