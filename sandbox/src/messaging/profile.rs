//! The messenger profile (§1.10.10): `ice_breakers` and `persistent_menu` per platform.
//! `POST` → `{"result":"success"}`, `GET ?fields=` → `{"data":[{…}]}`, `DELETE` with `fields`.

use super::Biz;
use crate::errors::GraphError;
use crate::links::{self, Pairs};
use crate::tokens::Family;
use crate::world::World;
use axum::http::Method;
use serde_json::{json, Map, Value};

/// Properties Instagram serves.
const PROPERTIES: &[&str] = &["ice_breakers", "persistent_menu"];
/// Messenger properties Instagram does not take.
const MESSENGER_ONLY: &[&str] = &[
    "get_started",
    "greeting",
    "whitelisted_domains",
    "account_linking_url",
    "home_url",
    "target_audience",
    "payment_settings",
    "commands",
    "title",
    "subject_to_new_eu_privacy_rules",
];
/// Ice breakers per locale (§1.10.10).
const MAX_ICE_BREAKERS: usize = 4;
/// Question length. UNCONFIRMED: Messenger's 80 characters, not stated for Instagram.
const MAX_QUESTION: usize = 80;
const MAX_PAYLOAD: usize = 1000;
/// Menu items per locale and title length. UNCONFIRMED: Messenger's limits (20, 30).
const MAX_MENU_ITEMS: usize = 20;
const MAX_MENU_TITLE: usize = 30;

fn platform(biz: &Biz, params: &Pairs) -> Result<&'static str, GraphError> {
    match links::get(params, "platform") {
        Some("instagram") => Ok("instagram"),
        Some("messenger") if biz.family == Family::Facebook => Ok("messenger"),
        // A Page without the parameter edits its Messenger profile (Instagram's lives apart).
        None if biz.family == Family::Facebook => Ok("messenger"),
        // UNCONFIRMED: graph.instagram.com has only Instagram's profile.
        None => Ok("instagram"),
        Some(_) => Err(GraphError::param("Param platform must be instagram")),
    }
}

/// `fields` as a JSON array or a comma list.
fn field_list(params: &Pairs) -> Result<Vec<String>, GraphError> {
    let raw = links::get(params, "fields")
        .ok_or_else(|| GraphError::param("The parameter fields is required"))?;
    let list: Vec<String> = match serde_json::from_str::<Value>(raw) {
        Ok(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| GraphError::param("Param fields must be an array of strings"))?,
        _ => raw
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
    };
    if list.is_empty() {
        return Err(GraphError::param("The parameter fields is required"));
    }
    for f in &list {
        if !PROPERTIES.contains(&f.as_str()) {
            let f: String = f.chars().take(40).collect();
            return Err(GraphError::param(format!(
                "Param fields[{f}] is not a messenger profile property on Instagram (ice_breakers, persistent_menu)"
            )));
        }
    }
    Ok(list)
}

/// Serve `GET|POST|DELETE …/messenger_profile`.
pub(crate) fn handle(
    world: &mut World,
    biz: Biz,
    method: &Method,
    params: &Pairs,
) -> Result<Value, GraphError> {
    let platform = platform(&biz, params)?;
    if platform == "instagram" && biz.account.is_none() {
        return Err(GraphError::param(
            "This Page has no linked Instagram professional account",
        ));
    }
    // Instagram's profile belongs to the professional account (both flavours see the same
    // one); Messenger's to the Page.
    let owner = match (platform, biz.account, biz.page) {
        ("instagram", Some(a), _) => format!("account:{a}"),
        (_, _, Some(p)) => format!("page:{p}"),
        _ => "none".to_owned(),
    };
    let key = (owner, platform.to_owned());
    match method.as_str() {
        "GET" => {
            let fields = field_list(params)?;
            let stored = world.messaging.profiles.get(&key);
            let mut o = Map::new();
            for f in fields {
                if let Some(v) = stored.and_then(|s| s.get(&f)) {
                    o.insert(f, v.clone());
                }
            }
            let data = if o.is_empty() {
                vec![]
            } else {
                vec![Value::Object(o)]
            };
            Ok(json!({ "data": data }))
        }
        "DELETE" => {
            let fields = field_list(params)?;
            if let Some(s) = world.messaging.profiles.get_mut(&key) {
                for f in fields {
                    s.remove(&f);
                }
            }
            Ok(json!({"result": "success"}))
        }
        _ => {
            let mut set = Map::new();
            for (k, _) in params {
                if MESSENGER_ONLY.contains(&k.as_str()) {
                    return Err(GraphError::param(format!(
                        "Param {k} is not supported on Instagram (ice_breakers and persistent_menu are)"
                    )));
                }
            }
            for name in PROPERTIES {
                let Some(raw) = links::get(params, name) else {
                    continue;
                };
                let v: Value = serde_json::from_str(raw)
                    .map_err(|_| GraphError::param(format!("Param {name} must be a JSON array")))?;
                match *name {
                    "ice_breakers" => ice_breakers(&v)?,
                    _ => persistent_menu(&v)?,
                }
                set.insert((*name).to_owned(), v);
            }
            if set.is_empty() {
                return Err(GraphError::param(
                    "Requires one of the params: ice_breakers, persistent_menu",
                ));
            }
            world.messaging.profiles.entry(key).or_default().extend(set);
            Ok(json!({"result": "success"}))
        }
    }
}

/// Entries of a per-locale list with their locale.
type Locales<'a> = Vec<(String, &'a Map<String, Value>)>;

fn locales<'a>(v: &'a Value, name: &str, allowed: &[&str]) -> Result<Locales<'a>, GraphError> {
    let list = v
        .as_array()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| GraphError::param(format!("Param {name} must be a non-empty array")))?;
    let mut out: Vec<(String, &Map<String, Value>)> = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let path = format!("{name}[{i}]");
        let o = item
            .as_object()
            .ok_or_else(|| GraphError::param(format!("Param {path} must be a JSON object")))?;
        for k in o.keys() {
            if !allowed.contains(&k.as_str()) {
                let k: String = k.chars().take(40).collect();
                return Err(GraphError::param(format!(
                    "Param {path}[{k}] is not supported on Instagram"
                )));
            }
        }
        let locale = o
            .get("locale")
            .and_then(Value::as_str)
            .filter(|l| !l.is_empty())
            .ok_or_else(|| {
                GraphError::param(format!(
                    "Param {path}[locale] is required (one entry must be \"default\")"
                ))
            })?;
        if out.iter().any(|(l, _)| l == locale) {
            return Err(GraphError::param(format!(
                "Param {path}[locale] repeats the locale {locale}"
            )));
        }
        out.push((locale.to_owned(), o));
    }
    if !out.iter().any(|(l, _)| l == "default") {
        return Err(GraphError::param(format!(
            "Param {name} must include an entry with locale \"default\""
        )));
    }
    Ok(out)
}

fn text(o: &Map<String, Value>, path: &str, key: &str, max: usize) -> Result<(), GraphError> {
    let s = o
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| GraphError::param(format!("Param {path}[{key}] is required")))?;
    if s.chars().count() > max {
        return Err(GraphError::param(format!(
            "Length of param {path}[{key}] must be less than or equal to {max}"
        )));
    }
    Ok(())
}

fn ctas<'a>(
    o: &'a Map<String, Value>,
    path: &str,
    max: usize,
) -> Result<&'a Vec<Value>, GraphError> {
    let a = o
        .get("call_to_actions")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| {
            GraphError::param(format!(
                "Param {path}[call_to_actions] must be a non-empty array"
            ))
        })?;
    if a.len() > max {
        return Err(GraphError::param(format!(
            "Param {path}[call_to_actions] must have at most {max} items, got {}",
            a.len()
        )));
    }
    Ok(a)
}

fn ice_breakers(v: &Value) -> Result<(), GraphError> {
    for (i, (_, o)) in locales(v, "ice_breakers", &["locale", "call_to_actions"])?
        .into_iter()
        .enumerate()
    {
        let path = format!("ice_breakers[{i}]");
        for (j, c) in ctas(o, &path, MAX_ICE_BREAKERS)?.iter().enumerate() {
            let cp = format!("{path}[call_to_actions][{j}]");
            let c = c
                .as_object()
                .ok_or_else(|| GraphError::param(format!("Param {cp} must be a JSON object")))?;
            if let Some(k) = c
                .keys()
                .find(|k| !matches!(k.as_str(), "question" | "payload"))
            {
                let k: String = k.chars().take(40).collect();
                return Err(GraphError::param(format!(
                    "Param {cp}[{k}] is not supported (question, payload)"
                )));
            }
            text(c, &cp, "question", MAX_QUESTION)?;
            text(c, &cp, "payload", MAX_PAYLOAD)?;
        }
    }
    Ok(())
}

fn persistent_menu(v: &Value) -> Result<(), GraphError> {
    for (i, (_, o)) in locales(v, "persistent_menu", &["locale", "call_to_actions"])?
        .into_iter()
        .enumerate()
    {
        let path = format!("persistent_menu[{i}]");
        for (j, c) in ctas(o, &path, MAX_MENU_ITEMS)?.iter().enumerate() {
            let cp = format!("{path}[call_to_actions][{j}]");
            let c = c
                .as_object()
                .ok_or_else(|| GraphError::param(format!("Param {cp} must be a JSON object")))?;
            text(c, &cp, "title", MAX_MENU_TITLE)?;
            let kind = c.get("type").and_then(Value::as_str).unwrap_or("");
            let allowed: &[&str] = match kind {
                "web_url" => &["type", "title", "url"],
                "postback" => &["type", "title", "payload"],
                other => {
                    return Err(GraphError::param(format!(
                        "Param {cp}[type] must be web_url or postback on Instagram, got '{}'",
                        other.chars().take(40).collect::<String>()
                    )))
                }
            };
            // composer_input_disabled and webview_height_ratio are Messenger-only (§1.10.10).
            if let Some(k) = c.keys().find(|k| !allowed.contains(&k.as_str())) {
                let k: String = k.chars().take(40).collect();
                return Err(GraphError::param(format!(
                    "Param {cp}[{k}] is not supported on Instagram"
                )));
            }
            if kind == "web_url" {
                let url = c.get("url").and_then(Value::as_str).unwrap_or("");
                match url::Url::parse(url) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
                    _ => {
                        return Err(GraphError::param(format!(
                            "Param {cp}[url] must be a valid URL"
                        )))
                    }
                }
            } else {
                text(c, &cp, "payload", MAX_PAYLOAD)?;
            }
        }
    }
    Ok(())
}
