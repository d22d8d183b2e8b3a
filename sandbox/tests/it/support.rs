//! Plain-HTTP helpers shared by the test modules (reqwest, never the core client).

use instagram_graph_sandbox::{Sandbox, SandboxOptions};
use reqwest::header::HeaderMap;
use serde_json::Value;

pub const V: &str = "v25.0";

pub fn start() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

pub fn start_json(v: Value) -> Sandbox {
    Sandbox::start(SandboxOptions::from_json(&v).expect("options")).expect("sandbox starts")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// GET a URL: status, headers and the raw body.
pub async fn get_raw(url: &str) -> (u16, HeaderMap, String) {
    let r = client().get(url).send().await.expect("request");
    let s = r.status().as_u16();
    let h = r.headers().clone();
    (s, h, r.text().await.expect("body"))
}

/// GET a URL whose answer is JSON.
pub async fn get(url: &str) -> (u16, Value) {
    let (s, _, t) = get_raw(url).await;
    let v = serde_json::from_str(&t).unwrap_or_else(|e| panic!("JSON body ({e}): {t}"));
    (s, v)
}

/// `GET /v25.0{path}` with `token`.
pub async fn graph(sb: &Sandbox, token: &str, path: &str) -> (u16, Value) {
    get(&url(sb, token, path)).await
}

pub fn url(sb: &Sandbox, token: &str, path: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{}/{V}{path}{sep}access_token={token}", sb.url())
}

/// POST a JSON body to a `/_sandbox/*` endpoint; returns status and body.
pub async fn admin(sb: &Sandbox, path: &str, body: Value) -> (u16, Value) {
    let r = client()
        .post(format!("{}/_sandbox/{path}", sb.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap())
}

/// POST a form to any path; status and JSON body.
pub async fn post_form(sb: &Sandbox, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let r = client()
        .post(format!("{}{path}", sb.url()))
        .form(form)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    let t = r.text().await.unwrap();
    (
        s,
        serde_json::from_str(&t).unwrap_or_else(|e| panic!("{e}: {t}")),
    )
}

pub async fn stats(sb: &Sandbox) -> Value {
    get(&format!("{}/_sandbox/stats", sb.url())).await.1
}

pub fn info(sb: &Sandbox, key: &str) -> String {
    sb.info_json()[key].as_str().unwrap().to_owned()
}
