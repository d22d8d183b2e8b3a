//! Catalogue-driven conformance: every operation of `operations()` against the sandbox, with the
//! cases of `fixtures/conformance/operations.json` (format: its README.md) plus the invalid
//! cases derived from each operation's params schema. The Node and Python suites run the same
//! file with the same rules.

use instagram_graph::{operations, Client};
use instagram_graph_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// A well-formed id for placeholders the sandbox cannot fill (invalid cases send nothing).
const DUMMY_ID: &str = "17841400000000099";
const LOGINS: [&str; 2] = ["instagram", "facebook"];

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/conformance/operations.json"
    );
    let text = std::fs::read_to_string(path).expect("fixtures/conformance/operations.json");
    serde_json::from_str(&text).expect("operations.json is JSON")
}

fn entries() -> Map<String, Value> {
    fixture()["operations"]
        .as_object()
        .expect("operations object")
        .clone()
}

fn catalogue() -> BTreeMap<String, Value> {
    operations()
        .as_array()
        .expect("catalogue array")
        .iter()
        .map(|o| (o["id"].as_str().expect("id").to_owned(), o.clone()))
        .collect()
}

/// Entries whose operation exists, and (printed) the ones still waiting for theirs.
fn active() -> Vec<(String, Value, Value)> {
    let cat = catalogue();
    let mut pending = Vec::new();
    let mut out = Vec::new();
    for (id, entry) in entries() {
        match cat.get(&id) {
            Some(op) => out.push((id, entry, op.clone())),
            None => pending.push(id),
        }
    }
    if !pending.is_empty() {
        eprintln!(
            "conformance: not in the catalogue yet, skipped ({}): {}",
            pending.len(),
            pending.join(", ")
        );
    }
    out
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// Flavours a case runs under: its own `login`, or every flavour of the entry.
fn case_logins(entry: &Value, case: &Value) -> Vec<String> {
    match case["login"].as_str() {
        Some(l) => vec![l.to_owned()],
        None => strs(&entry["logins"]),
    }
}

fn lookup(ctx: &Value, path: &str) -> Option<Value> {
    let mut cur = ctx;
    for seg in path.split('.') {
        cur = match cur {
            Value::Object(o) => o.get(seg)?,
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    (!cur.is_null()).then(|| cur.clone())
}

/// Resolve placeholders (README "Placeholders"). `dummy`: a missing one becomes [`DUMMY_ID`];
/// otherwise it is returned as `Err(name)`.
fn resolve(v: &Value, ctx: &Value, dummy: bool) -> Result<Value, String> {
    let missing = |name: &str| {
        if dummy {
            Ok(Value::String(DUMMY_ID.to_owned()))
        } else {
            Err(name.to_owned())
        }
    };
    match v {
        Value::String(s) if s.starts_with('$') && !s.starts_with("${") => {
            match lookup(ctx, &s[1..]) {
                Some(x) => Ok(x),
                None => missing(s),
            }
        }
        Value::String(s) if s.contains("${") => {
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(i) = rest.find("${") {
                out.push_str(&rest[..i]);
                let Some(j) = rest[i..].find('}') else {
                    return Err(format!("unclosed ${{ in {s:?}"));
                };
                let name = &rest[i + 2..i + j];
                match lookup(ctx, name) {
                    Some(Value::String(x)) => out.push_str(&x),
                    Some(x) => out.push_str(&x.to_string()),
                    None if dummy => out.push_str(DUMMY_ID),
                    None => return Err(format!("${{{name}}}")),
                }
                rest = &rest[i + j + 1..];
            }
            out.push_str(rest);
            Ok(Value::String(out))
        }
        Value::Object(o) if o.contains_key("$repeat") => {
            let n = o["count"].as_u64().expect("$repeat needs count") as usize;
            let item = resolve(&o["$repeat"], ctx, dummy)?;
            if o.get("as").and_then(Value::as_str) == Some("array") {
                Ok(Value::Array(vec![item; n]))
            } else {
                Ok(Value::String(
                    item.as_str().expect("$repeat of a string").repeat(n),
                ))
            }
        }
        Value::Object(o) => {
            let mut m = Map::new();
            for (k, x) in o {
                m.insert(k.clone(), resolve(x, ctx, dummy)?);
            }
            Ok(Value::Object(m))
        }
        Value::Array(a) => a.iter().map(|x| resolve(x, ctx, dummy)).collect(),
        other => Ok(other.clone()),
    }
}

async fn admin(url: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let http = reqwest::Client::new();
    let req = match method {
        "POST" => http
            .post(format!("{url}{path}"))
            .body(body.unwrap_or(json!({})).to_string()),
        _ => http.get(format!("{url}{path}")),
    };
    req.send()
        .await
        .expect("sandbox admin request")
        .json()
        .await
        .expect("sandbox admin JSON")
}

async fn requests(url: &str) -> u64 {
    admin(url, "GET", "/_sandbox/stats", None).await["requests"]
        .as_u64()
        .expect("stats.requests")
}

/// A webhook receiver answering Meta's GET handshake (`hub.challenge`) when the verify token
/// matches, 403 otherwise; its URL.
async fn receiver(verify: String) -> String {
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::get(move |uri: axum::http::Uri| {
            let verify = verify.clone();
            async move {
                let q: std::collections::HashMap<String, String> =
                    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
                        .into_owned()
                        .collect();
                let ok = q.get("hub.mode").map(String::as_str) == Some("subscribe")
                    && q.get("hub.verify_token") == Some(&verify);
                match (ok, q.get("hub.challenge")) {
                    (true, Some(c)) => (axum::http::StatusCode::OK, c.clone()),
                    _ => (axum::http::StatusCode::FORBIDDEN, String::new()),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("receiver binds");
    let url = format!("http://{}/hook", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    url
}

struct Env {
    sb: Sandbox,
    info: Value,
}

impl Env {
    async fn start() -> Env {
        let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
        let info = admin(sb.url(), "GET", "/_sandbox/info", None).await;
        Env { sb, info }
    }
    fn url(&self) -> &str {
        self.sb.url()
    }
    fn client(&self, login: &str) -> Client {
        let token = if login == "facebook" {
            &self.info["facebook_access_token"]
        } else {
            &self.info["access_token"]
        };
        Client::from_json(&json!({
            "access_token": token, "login": login, "base_url": self.sb.url(),
            "app_id": self.info["app_id"], "app_secret": self.info["app_secret"],
        }))
        .expect("client")
    }
}

/// Whether `message` names `params.<path>` (followed by a separator, not a longer name).
fn names_path(message: &str, path: &str) -> bool {
    let needle = format!("params.{path}");
    message.match_indices(&needle).any(|(i, _)| {
        message[i + needle.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
    })
}

fn check_shape(case: &Value, ctx: &Value, got: &Value) -> Vec<String> {
    let mut p = Vec::new();
    let short = |v: &Value| {
        let s = v.to_string();
        s.chars().take(300).collect::<String>()
    };
    // Nested paging (`at`): the page sits inside the answer.
    let page = case["at"]
        .as_str()
        .map_or(Some(got.clone()), |at| lookup(got, at))
        .unwrap_or(Value::Null);
    match &case["shape"] {
        Value::String(s) if s == "page" => match page["data"].as_array() {
            None => p.push(format!(
                "expected a page {{data, paging}}, got {}",
                short(got)
            )),
            Some(items) => {
                for k in strs(&case["item_keys"]) {
                    if let Some(i) = items.iter().position(|it| it.get(&k).is_none()) {
                        p.push(format!("data[{i}] lacks {k}: {}", short(&items[i])));
                    }
                }
            }
        },
        Value::String(s) if s == "null" => {
            if !got.is_null() {
                p.push(format!("expected null, got {}", short(got)));
            }
        }
        Value::Array(keys) => {
            if !got.is_object() {
                p.push(format!("expected an object, got {}", short(got)));
            }
            for k in keys.iter().filter_map(Value::as_str) {
                if got.get(k).is_none() {
                    p.push(format!("answer lacks {k}: {}", short(got)));
                }
            }
        }
        other => p.push(format!("bad shape in the fixture: {other}")),
    }
    if let Some(same) = case.get("same").and_then(Value::as_object) {
        for (k, want) in same {
            match resolve(want, ctx, false) {
                Ok(w) if got.get(k) != Some(&w) => p.push(format!(
                    "{k} = {}, expected {w}",
                    got.get(k).unwrap_or(&Value::Null)
                )),
                _ => {}
            }
        }
    }
    p
}

/// Run one valid or rule case on a fresh sandbox. `Ok(None)`: passed; `Ok(Some(reason))`:
/// skipped; `Err(problem)`.
async fn run_case(id: &str, case: &Value, login: &str) -> Result<Option<String>, String> {
    let env = Env::start().await;
    let mut ctx = env.info.clone();
    ctx["saved"] = json!({});
    for need in strs(&case["requires"]) {
        if lookup(&ctx, &need).is_none() {
            return Ok(Some(format!("sandbox info lacks {need}")));
        }
    }
    if let Some(token) = case["callback"]["verify_token"].as_str() {
        ctx["callback_url"] = json!(receiver(token.to_owned()).await);
    }
    let c = env.client(login);
    if let Some(secs) = case["clock"].as_i64() {
        admin(
            env.url(),
            "POST",
            "/_sandbox/clock",
            Some(json!({"advance_seconds": secs})),
        )
        .await;
    }
    for step in case["before"].as_array().into_iter().flatten() {
        if let Some(path) = step["admin"].as_str() {
            let body =
                resolve(&step["body"], &ctx, false).map_err(|n| format!("admin step: {n}"))?;
            let v = admin(env.url(), "POST", path, Some(body)).await;
            if let Some(name) = step["save"].as_str() {
                ctx["saved"][name] = v;
            }
            continue;
        }
        let op = step["op"].as_str().expect("before.op");
        let params = match resolve(&step["params"], &ctx, false) {
            Ok(p) => p,
            Err(name) => return Ok(Some(format!("sandbox info lacks {name}"))),
        };
        let v = c
            .call(op, params)
            .await
            .map_err(|e| format!("before-step {op} failed: {} {}", e.kind, e.message))?;
        if let Some(name) = step["save"].as_str() {
            ctx["saved"][name] = v;
        }
    }
    let params = match resolve(&case["params"], &ctx, false) {
        Ok(p) => p,
        // A before-step answered without what the case reads from it.
        Err(name) if name.contains("saved.") => {
            return Err(format!("{name}: not in the before-step's answer"))
        }
        Err(name) => return Ok(Some(format!("sandbox info lacks {name}"))),
    };
    let before = requests(env.url()).await;
    let got = c.call(id, params).await;
    let sent = requests(env.url()).await - before;
    if let Some(want) = case.get("expect_error") {
        let kinds = match &want["kind"] {
            Value::String(k) => vec![k.clone()],
            k => strs(k),
        };
        return match got {
            Ok(v) => Err(format!(
                "succeeded, expected an error of kind {kinds:?}: {v}"
            )),
            Err(e) if kinds.iter().any(|k| k == e.kind.as_str()) => Ok(None),
            Err(e) => Err(format!(
                "error kind {}, expected {kinds:?}: {}",
                e.kind, e.message
            )),
        };
    }
    let v = got.map_err(|e| format!("failed: {} {}", e.kind, e.message))?;
    let mut p = check_shape(case, &ctx, &v);
    if let Some(n) = case["requests"].as_u64() {
        if sent != n {
            p.push(format!("{sent} HTTP requests, expected {n}"));
        }
    }
    if p.is_empty() {
        Ok(None)
    } else {
        Err(p.join("; "))
    }
}

async fn run_all(section: &str) {
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    let mut passed = 0;
    for (id, entry, op) in active() {
        if section == "valid" {
            if let Some(why) = entry["valid_skip"].as_str() {
                skipped.push(format!("{id}: {why}"));
                continue;
            }
            if entry["valid"].as_array().is_none_or(Vec::is_empty) {
                failures.push(format!(
                    "{id}: no valid case (add one or a valid_skip reason)"
                ));
                continue;
            }
        }
        let op_logins = strs(&op["logins"]);
        for (i, case) in entry[section].as_array().into_iter().flatten().enumerate() {
            for login in case_logins(&entry, case) {
                let label = format!(
                    "{id} {section}[{i}]{} ({login})",
                    case["name"]
                        .as_str()
                        .map(|n| format!(" \"{n}\""))
                        .unwrap_or_default()
                );
                if !op_logins.contains(&login) {
                    failures.push(format!(
                        "{label}: the catalogue does not offer this login ({op_logins:?})"
                    ));
                    continue;
                }
                match run_case(&id, case, &login).await {
                    Ok(None) => passed += 1,
                    Ok(Some(why)) => skipped.push(format!("{label}: {why}")),
                    Err(p) => failures.push(format!("{label}: {p}")),
                }
            }
        }
    }
    eprintln!(
        "conformance {section}: {passed} passed, {} skipped, {} failed",
        skipped.len(),
        failures.len()
    );
    for s in &skipped {
        eprintln!("  skipped {s}");
    }
    assert!(
        failures.is_empty(),
        "conformance {section} failures:\n{}",
        failures.join("\n")
    );
}

/// The base params of an operation for a flavour: its first valid case under that flavour,
/// or the entry's `base`; placeholders filled (dummies where the sandbox has no value).
fn base_params(entry: &Value, op: &Value, login: &str, ctx: &Value) -> Value {
    // The simplest valid case of that flavour (fewest params) makes the cleanest base.
    let first = entry["valid"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["login"].as_str().is_none_or(|l| l == login))
        .min_by_key(|c| c["params"].as_object().map_or(0, Map::len));
    let raw = first
        .map(|c| c["params"].clone())
        .or_else(|| entry.get("base").cloned())
        .unwrap_or(json!({}));
    let mut base = resolve(&raw, ctx, true).expect("dummy placeholders never fail");
    // Only params the operation declares (one not landed yet fails its valid case instead).
    if let (Some(m), Some(props)) = (base.as_object_mut(), op["params"]["properties"].as_object()) {
        m.retain(|k, _| props.contains_key(k));
    }
    base
}

fn wrong_type(p: &Value) -> Value {
    match &p["type"] {
        Value::String(t) => match t.as_str() {
            "string" => json!(12345),
            "boolean" => json!("yes"),
            _ => json!("not-a-value"),
        },
        // `["integer","string"]` (timestamps) and anything else.
        _ => json!(true),
    }
}

/// The generic invalid cases of the README: `(params, path, what)`.
fn derived_invalid(op: &Value, base: &Value, login: &str) -> Vec<(Value, String, String)> {
    let schema = &op["params"];
    let props = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut required = strs(&schema["required"]);
    for (name, p) in &props {
        if p["x-required-with"].as_str() == Some(login) && !required.contains(name) {
            required.push(name.clone());
        }
    }
    let mut out = Vec::new();
    let with = |k: &str, v: Value| {
        let mut m = base.as_object().cloned().unwrap_or_default();
        m.insert(k.to_owned(), v);
        Value::Object(m)
    };
    for r in &required {
        if let Some(m) = base.as_object().filter(|m| m.contains_key(r)) {
            let mut m = m.clone();
            m.remove(r);
            out.push((Value::Object(m), r.clone(), "missing required".into()));
        }
    }
    for (name, p) in &props {
        out.push((
            with(name, wrong_type(p)),
            name.clone(),
            "wrong JSON type".into(),
        ));
        if p["type"] == "integer" {
            if let Some(min) = p["minimum"].as_i64() {
                out.push((
                    with(name, json!(min - 1)),
                    name.clone(),
                    "below minimum".into(),
                ));
            }
            if let Some(max) = p["maximum"].as_i64() {
                out.push((
                    with(name, json!(max + 1)),
                    name.clone(),
                    "above maximum".into(),
                ));
            }
        }
    }
    // A param of the other flavour only (`x-login`) is refused, naming it.
    for (name, p) in &props {
        if p["x-login"].as_str().is_some_and(|l| l != login) {
            let v = match p["type"].as_str() {
                Some("boolean") => json!(true),
                Some("integer") | Some("number") => json!(1),
                _ => json!(DUMMY_ID),
            };
            out.push((with(name, v), name.clone(), "other flavour's param".into()));
        }
    }
    out.push((
        with("zz_unknown", json!(1)),
        "zz_unknown".into(),
        "unknown key".into(),
    ));
    out
}

#[test]
fn conformance_every_catalogue_operation_has_cases() {
    let entries = entries();
    let cat = catalogue();
    let missing: Vec<&String> = cat.keys().filter(|id| !entries.contains_key(*id)).collect();
    assert!(
        missing.is_empty(),
        "operations without conformance cases in fixtures/conformance/operations.json: {missing:?}"
    );
    for (id, entry) in &entries {
        let (r, o) = id.split_once('.').expect("resource.operation id");
        assert!(!r.is_empty() && !o.is_empty(), "{id}");
        let logins = strs(&entry["logins"]);
        assert!(
            !logins.is_empty() && logins.iter().all(|l| LOGINS.contains(&l.as_str())),
            "{id}: logins"
        );
        if let Some(op) = cat.get(id) {
            let op_logins = strs(&op["logins"]);
            assert!(
                logins.iter().all(|l| op_logins.contains(l)),
                "{id}: entry logins {logins:?} not all offered by the catalogue ({op_logins:?})"
            );
        }
    }
    // Pending entries are listed by `active()`.
    let _ = active();
}

#[tokio::test]
async fn conformance_valid_cases_succeed_with_the_expected_shape() {
    run_all("valid").await;
}

#[tokio::test]
async fn conformance_rules_fail_with_their_kind() {
    run_all("rules").await;
}

#[tokio::test]
async fn conformance_invalid_params_are_refused_before_any_request() {
    let env = Env::start().await;
    let mut ctx = env.info.clone();
    ctx["saved"] = json!({});
    let mut failures = Vec::new();
    let mut checked = 0;
    for (id, entry, op) in active() {
        let op_logins = strs(&op["logins"]);
        for login in strs(&entry["logins"]) {
            if !op_logins.contains(&login) {
                continue;
            }
            let c = env.client(&login);
            let base = base_params(&entry, &op, &login, &ctx);
            let mut cases = derived_invalid(&op, &base, &login);
            for case in entry["invalid"].as_array().into_iter().flatten() {
                if case["login"].as_str().is_some_and(|l| l != login) {
                    continue;
                }
                // Merged over the base params: a case states only what makes it invalid.
                let over = resolve(&case["params"], &ctx, true).expect("dummies");
                let mut m = base.as_object().cloned().unwrap_or_default();
                for (k, v) in over.as_object().into_iter().flatten() {
                    m.insert(k.clone(), v.clone());
                }
                let params = Value::Object(m);
                let path = case["path"].as_str().expect("invalid.path").to_owned();
                cases.push((params, path, "from the fixture".into()));
            }
            for (params, path, what) in cases {
                checked += 1;
                let label = format!("{id} ({login}) {what} {path}");
                let before = requests(env.url()).await;
                let got = c.call(&id, params.clone()).await;
                let sent = requests(env.url()).await - before;
                match got {
                    Ok(v) => failures.push(format!(
                        "{label}: succeeded with {params}: {}",
                        v.to_string().chars().take(200).collect::<String>()
                    )),
                    Err(e) if e.kind.as_str() != "invalid_params" => failures.push(format!(
                        "{label}: kind {}, expected invalid_params: {}",
                        e.kind, e.message
                    )),
                    Err(e) if !names_path(&e.message, &path) => failures.push(format!(
                        "{label}: message does not name params.{path}: {}",
                        e.message
                    )),
                    Err(_) => {}
                }
                if sent != 0 {
                    failures.push(format!("{label}: {sent} HTTP request(s), expected none"));
                }
            }
        }
    }
    eprintln!(
        "conformance invalid: {checked} cases, {} failed",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "conformance invalid failures:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn conformance_one_flavour_operations_are_unsupported_on_the_other() {
    let env = Env::start().await;
    let mut ctx = env.info.clone();
    ctx["saved"] = json!({});
    let mut failures = Vec::new();
    let mut checked = 0;
    for (id, entry, op) in active() {
        let op_logins = strs(&op["logins"]);
        if op_logins.len() != 1 {
            continue;
        }
        let other = if op_logins[0] == "facebook" {
            "instagram"
        } else {
            "facebook"
        };
        checked += 1;
        let params = base_params(&entry, &op, &op_logins[0], &ctx);
        let before = requests(env.url()).await;
        let got = env.client(other).call(&id, params).await;
        let sent = requests(env.url()).await - before;
        match got {
            Ok(_) => failures.push(format!("{id} on {other}: succeeded")),
            Err(e) if e.kind.as_str() != "unsupported" => failures.push(format!(
                "{id} on {other}: kind {}, expected unsupported: {}",
                e.kind, e.message
            )),
            Err(e) if !e.message.contains(&id) => failures.push(format!(
                "{id} on {other}: message does not name the operation: {}",
                e.message
            )),
            Err(_) => {}
        }
        if sent != 0 {
            failures.push(format!(
                "{id} on {other}: {sent} HTTP request(s), expected none"
            ));
        }
    }
    eprintln!("conformance flavour: {checked} one-flavour operations checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
