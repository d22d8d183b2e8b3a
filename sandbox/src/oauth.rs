//! Token lifecycle endpoints as Meta documents them (graph-api.md §1.11):
//!
//! * graph.instagram.com `GET [/vNN.N]/access_token?grant_type=ig_exchange_token` (short → 60 days)
//!   and `GET [/vNN.N]/refresh_access_token?grant_type=ig_refresh_token` (≥ 24 h old, unexpired);
//! * api.instagram.com `POST /oauth/access_token` (form; code → short-lived `IGAA…` token), whose
//!   errors use `{"error_type","code","error_message"}` instead of the Graph envelope;
//! * graph.facebook.com `GET /vNN.N/oauth/access_token` (code → short-lived user token, or
//!   `grant_type=fb_exchange_token` → 60 days, `grant_type=client_credentials` → the app access
//!   token) and `GET /vNN.N/debug_token`.
//!
//! Meta's docs give the rules but rarely the error texts; where they are silent the texts below
//! are the ones Graph is widely reported to send (e.g. "Error validating client secret.", code
//! 1; 100/36007–36009 for spent codes), marked as such.

use crate::auth;
use crate::errors::GraphError;
use crate::links::{self, Pairs};
use crate::stats::split_version;
use crate::tokens::{
    sha_hex, Family, Subject, TokenInfo, DATA_ACCESS_SECS, LONG_LIVED_EXPIRES_IN, LONG_LIVED_SECS,
    REFRESH_MIN_AGE_SECS, SHORT_LIVED_SECS,
};
use crate::world::{AuthCode, World};
use axum::http::Method;
use serde_json::{json, Value};

/// Lifetime of an authorization code (1 h, single use).
pub(crate) const CODE_LIFETIME_SECS: i64 = 3600;

/// A token endpoint's answer: Graph-shaped, or api.instagram.com-shaped (status, body).
pub(crate) enum TokenAnswer {
    Graph(Result<Value, GraphError>),
    Api(u16, Value),
}

/// `POST /oauth/access_token` without a version: api.instagram.com's code exchange.
pub(crate) fn is_api_instagram(method: &Method, path: &str) -> bool {
    *method == Method::POST && path.trim_end_matches('/') == "/oauth/access_token"
}

/// Answer the request if it is a token endpoint.
pub(crate) fn route(
    world: &mut World,
    method: &Method,
    path: &str,
    params: &Pairs,
    now: i64,
) -> Option<TokenAnswer> {
    if is_api_instagram(method, path) {
        let (status, body) = match ig_code_exchange(world, params, now) {
            Ok(v) => (200, v),
            Err(m) => (
                400,
                json!({"error_type": "OAuthException", "code": 400, "error_message": m}),
            ),
        };
        return Some(TokenAnswer::Api(status, body));
    }
    let rest = split_version(path).map(|(_, r)| r).unwrap_or(path);
    let rest = rest.trim_end_matches('/');
    let read = *method == Method::GET || *method == Method::POST;
    let answer = match rest {
        "/access_token" if read => ig_exchange(world, params, now),
        "/refresh_access_token" if read => ig_refresh(world, params, now),
        "/oauth/access_token" if read => fb_oauth(world, params, now),
        "/debug_token" if *method == Method::GET => debug_token(world, params, now),
        _ => return None,
    };
    Some(TokenAnswer::Graph(answer))
}

fn required<'a>(params: &'a Pairs, name: &str) -> Result<&'a str, GraphError> {
    links::get(params, name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| GraphError::param(format!("Missing {name} parameter.")))
}

/// Graph's answer to a wrong app secret (code 1, as Graph is reported to send it).
fn bad_secret() -> GraphError {
    GraphError::new(1, "Error validating client secret.")
}

/// Graph's answer to an unknown app id (code 101).
fn bad_app_id() -> GraphError {
    GraphError::new(101, "Error validating application. Invalid application ID.")
}

fn bearer(token: &str, expires_in: i64) -> Value {
    json!({"access_token": token, "token_type": "bearer", "expires_in": expires_in})
}

/// `ig_exchange_token`: an unexpired Instagram token → a new 60-day token.
fn ig_exchange(world: &mut World, params: &Pairs, now: i64) -> Result<Value, GraphError> {
    let grant = required(params, "grant_type")?;
    if grant != "ig_exchange_token" {
        return Err(GraphError::param(format!(
            "Unsupported grant_type '{}': this endpoint takes ig_exchange_token",
            clip(grant)
        )));
    }
    let secret = required(params, "client_secret")?;
    let token = required(params, "access_token")?;
    let caller = auth::resolve(world, token, now)?;
    auth::ig_only(&caller)?;
    if secret != world.app.secret {
        return Err(bad_secret());
    }
    let info = TokenInfo {
        subject: caller.subject,
        long_lived: true,
        issued_at: now,
        expires_at: now + LONG_LIVED_SECS,
    };
    let t = world.tokens.mint(world.seed, info);
    Ok(bearer(&t, LONG_LIVED_EXPIRES_IN))
}

/// `ig_refresh_token`: a long-lived Instagram token at least 24 h old and unexpired → a fresh
/// 60-day token. Expired tokens cannot be refreshed (190/463, the user must log in again).
fn ig_refresh(world: &mut World, params: &Pairs, now: i64) -> Result<Value, GraphError> {
    let grant = required(params, "grant_type")?;
    if grant != "ig_refresh_token" {
        return Err(GraphError::param(format!(
            "Unsupported grant_type '{}': this endpoint takes ig_refresh_token",
            clip(grant)
        )));
    }
    let token = required(params, "access_token")?;
    let caller = auth::resolve(world, token, now)?;
    auth::ig_only(&caller)?;
    let Some(info) = world.tokens.get(token).cloned() else {
        return Err(GraphError::invalid_token());
    };
    // Meta states the rule (long-lived, ≥ 24 h old) but not its error text: this is ours.
    if !info.long_lived || now - info.issued_at < REFRESH_MIN_AGE_SECS {
        return Err(GraphError::param(
            "The access token can be refreshed only when it is a long-lived token at least 24 hours old",
        ));
    }
    let t = world.tokens.mint(
        world.seed,
        TokenInfo {
            issued_at: now,
            expires_at: now + LONG_LIVED_SECS,
            ..info
        },
    );
    Ok(bearer(&t, LONG_LIVED_EXPIRES_IN))
}

/// Take a code: it must exist, be of this login, unexpired, unused and match `redirect_uri`.
/// Errors are (code, subcode, message) as graph.facebook.com words them.
fn take_code(
    world: &mut World,
    code: &str,
    login: Family,
    redirect_uri: &str,
    now: i64,
) -> Result<(), (i64, Option<i64>, &'static str)> {
    let Some(c) = world.codes.get_mut(code).filter(|c| c.login == login) else {
        return Err((100, None, "Invalid verification code format."));
    };
    if c.used {
        return Err((100, Some(36009), "This authorization code has been used."));
    }
    if now >= c.expires_at {
        return Err((100, Some(36007), "This authorization code has expired."));
    }
    if c.redirect_uri != redirect_uri {
        return Err((
            100,
            Some(36008),
            "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
        ));
    }
    c.used = true;
    Ok(())
}

/// api.instagram.com `POST /oauth/access_token`: errors are plain messages for the
/// `{"error_type","code","error_message"}` shape.
fn ig_code_exchange(world: &mut World, params: &Pairs, now: i64) -> Result<Value, String> {
    for name in [
        "client_id",
        "client_secret",
        "grant_type",
        "redirect_uri",
        "code",
    ] {
        if links::get(params, name).is_none_or(str::is_empty) {
            return Err(format!("You must provide a {name}"));
        }
    }
    let get = |k: &str| links::get(params, k).unwrap_or_default().to_owned();
    if get("client_id") != world.app.id {
        return Err("Invalid platform app".to_owned());
    }
    if get("client_secret") != world.app.secret {
        return Err("Error validating client secret.".to_owned());
    }
    if get("grant_type") != "authorization_code" {
        return Err("Invalid grant_type: expected authorization_code".to_owned());
    }
    // The dialog appends `#_` to the redirect; a client that forgot to strip it sends it back.
    let code = get("code");
    let code = code.trim_end_matches("#_");
    take_code(world, code, Family::Instagram, &get("redirect_uri"), now)
        .map_err(|(_, _, m)| m.to_owned())?;
    let info = TokenInfo {
        subject: Subject::IgUser(0),
        long_lived: false,
        issued_at: now,
        expires_at: now + SHORT_LIVED_SECS,
    };
    let scopes = info.scopes().join(",");
    let t = world.tokens.mint(world.seed, info);
    let user_id = world
        .accounts
        .first()
        .map(|a| a.user.id.clone())
        .unwrap_or_default();
    Ok(json!({"data": [{"access_token": t, "user_id": user_id, "permissions": scopes}]}))
}

/// graph.facebook.com `GET /vNN.N/oauth/access_token`: code exchange or `fb_exchange_token`.
fn fb_oauth(world: &mut World, params: &Pairs, now: i64) -> Result<Value, GraphError> {
    let client_id = required(params, "client_id")?;
    if client_id != world.app.id {
        return Err(bad_app_id());
    }
    let secret = required(params, "client_secret")?;
    if secret != world.app.secret {
        return Err(bad_secret());
    }
    if links::get(params, "grant_type") == Some("client_credentials") {
        // The app access token (n8n's Facebook trigger gets its token this way).
        return Ok(json!({
            "access_token": crate::webhooks::subscriptions::app_access_token(world),
            "token_type": "bearer",
        }));
    }
    if links::get(params, "grant_type") == Some("fb_exchange_token") {
        let short = required(params, "fb_exchange_token")?;
        let caller = auth::resolve(world, short, now)?;
        auth::fb_only(&caller)?;
        if caller.subject != Subject::FbUser {
            return Err(GraphError::param(
                "fb_exchange_token must be a Facebook user access token",
            ));
        }
        let t = world.tokens.mint(
            world.seed,
            TokenInfo {
                subject: Subject::FbUser,
                long_lived: true,
                issued_at: now,
                expires_at: now + LONG_LIVED_SECS,
            },
        );
        return Ok(bearer(&t, LONG_LIVED_EXPIRES_IN));
    }
    if let Some(g) = links::get(params, "grant_type").filter(|g| *g != "authorization_code") {
        return Err(GraphError::param(format!(
            "Unsupported grant_type '{}'",
            clip(g)
        )));
    }
    let redirect_uri = required(params, "redirect_uri")?;
    let code = required(params, "code")?;
    let redirect_uri = redirect_uri.to_owned();
    let code = code.to_owned();
    take_code(world, &code, Family::Facebook, &redirect_uri, now).map_err(|(c, sub, m)| {
        let e = GraphError::new(c, m);
        match sub {
            Some(s) => e.with_subcode(s),
            None => e,
        }
    })?;
    let t = world.tokens.mint(
        world.seed,
        TokenInfo {
            subject: Subject::FbUser,
            long_lived: false,
            issued_at: now,
            expires_at: now + SHORT_LIVED_SECS,
        },
    );
    Ok(bearer(&t, SHORT_LIVED_SECS))
}

/// `GET /debug_token?input_token=<t>&access_token=<app_id>|<app_secret>` (or a valid user token
/// of the app). Unknown or expired input tokens answer 200 with `is_valid: false` and an error
/// inside `data`, as Graph does.
fn debug_token(world: &mut World, params: &Pairs, now: i64) -> Result<Value, GraphError> {
    let input = required(params, "input_token")?;
    let app_token = links::get(params, "access_token")
        .filter(|t| !t.is_empty())
        .ok_or_else(GraphError::missing_token)?;
    match app_token.split_once('|') {
        Some((id, secret)) => {
            if id != world.app.id {
                return Err(GraphError::invalid_token());
            }
            if secret != world.app.secret
                && app_token != crate::webhooks::subscriptions::app_access_token(world)
            {
                return Err(GraphError::new(
                    190,
                    "Invalid OAuth access token signature.",
                ));
            }
        }
        None => {
            auth::resolve(world, app_token, now)?;
        }
    }
    let Some(info) = world.tokens.get(input).cloned() else {
        return Ok(json!({"data": {
            "error": {"code": 190, "message": "Invalid OAuth access token."},
            "is_valid": false,
            "scopes": [],
        }}));
    };
    let ig_ids: Vec<String> = world.accounts.iter().map(|a| a.user.id.clone()).collect();
    let page_ids: Vec<String> = match info.subject {
        Subject::Page(p) => world
            .pages
            .get(p)
            .map(|p| p.id.clone())
            .into_iter()
            .collect(),
        _ => world.pages.iter().map(|p| p.id.clone()).collect(),
    };
    let granular: Vec<Value> = info
        .scopes()
        .iter()
        .map(|s| {
            if s.starts_with("pages_") {
                json!({"scope": s, "target_ids": page_ids})
            } else if s.starts_with("instagram_") {
                json!({"scope": s, "target_ids": ig_ids})
            } else {
                json!({"scope": s})
            }
        })
        .collect();
    let (kind, user_id) = match info.subject {
        Subject::IgUser(a) => (
            "USER",
            world
                .accounts
                .get(a)
                .map(|a| a.user.id.clone())
                .unwrap_or_default(),
        ),
        Subject::FbUser | Subject::Page(_) => ("USER", world.fb_user.id.clone()),
    };
    let mut data = json!({
        "app_id": world.app.id,
        "type": if matches!(info.subject, Subject::Page(_)) { "PAGE" } else { kind },
        "application": world.app.name,
        "data_access_expires_at": info.issued_at + DATA_ACCESS_SECS,
        "expires_at": info.expires_at,
        "is_valid": !info.is_expired(now),
        "issued_at": info.issued_at,
        "scopes": info.scopes(),
        "granular_scopes": granular,
        "user_id": user_id,
    });
    if let Subject::Page(p) = info.subject {
        if let Some(page) = world.pages.get(p) {
            data["profile_id"] = json!(page.id);
        }
    }
    if info.is_expired(now) {
        let e = crate::tokens::expired_error(info.expires_at, now);
        data["error"] = json!({"code": e.code, "subcode": e.subcode, "message": e.message});
    }
    Ok(json!({ "data": data }))
}

/// Issue an authorization code for `login`, as the dialog would after the user agreed.
pub(crate) fn issue_code(world: &mut World, login: Family, redirect_uri: &str, now: i64) -> String {
    world.codes_minted += 1;
    let code = format!(
        "AQSbx{}",
        &sha_hex(&format!("code/{}", world.codes_minted), world.seed)[..40]
    );
    world.codes.insert(
        code.clone(),
        AuthCode {
            login,
            redirect_uri: redirect_uri.to_owned(),
            expires_at: now + CODE_LIFETIME_SECS,
            used: false,
        },
    );
    code
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}
