//! Secrets never leave in error text: Graph echoing the token, app secret or proof back in its
//! message, user message, `error_data`, `fbtrace_id` — raw or URL-encoded — and transport
//! failures. Every Display/Debug/JSON text produced here is also written to `$IG_LEAK_DIR`
//! (make test) for scripts/scan-secrets.py, which scans all suites' texts the same way.

use crate::fake::{client, Fake};
use serde_json::{json, Value};

const TOKEN: &str = "TOKEN-abc123";
const APP_SECRET: &str = "APPSECRET-xyz";

fn proof() -> String {
    instagram_graph::transport::appsecret_proof(TOKEN, APP_SECRET)
}

fn texts_of(e: &instagram_graph::Error) -> Vec<String> {
    vec![format!("{e}"), format!("{e:?}"), e.to_json().to_string()]
}

/// Append texts to the shared leak record (one JSON file per test binary run).
pub fn record(texts: &[String]) {
    record_with(texts, &[]);
}

/// [`record`], naming more secrets the texts must not contain (a sandbox's tokens).
pub fn record_with(texts: &[String], secrets: &[&str]) {
    let Ok(dir) = std::env::var("IG_LEAK_DIR") else {
        return;
    };
    let path = std::path::Path::new(&dir).join(format!("rust-{}.json", std::process::id()));
    let mut doc: Value = std::fs::read_to_string(&path)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(|| json!({"suite": "rust", "secrets": [TOKEN, APP_SECRET], "texts": []}));
    if let Some(list) = doc["texts"].as_array_mut() {
        list.extend(texts.iter().map(|t| Value::String(t.clone())));
    }
    if let Some(list) = doc["secrets"].as_array_mut() {
        list.extend(secrets.iter().map(|s| Value::String((*s).to_owned())));
    }
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(&path, doc.to_string());
}

fn assert_clean(texts: &[String]) {
    let p = proof();
    let needles = [TOKEN.to_owned(), APP_SECRET.to_owned(), p];
    for t in texts {
        for n in &needles {
            assert!(!t.contains(n.as_str()), "secret in {t}");
        }
    }
    record(texts);
}

#[tokio::test]
async fn graph_echoing_secrets_never_reaches_the_caller() {
    let fake = Fake::start().await;
    let c = client(&fake.url, json!({"max_retries": 0}));
    let p = proof();
    let bodies = [
        json!({"error": {"message": format!("Invalid OAuth access token {TOKEN}"), "type": "OAuthException", "code": 190}}),
        json!({"error": {"message": "bad", "code": 100, "error_user_msg": format!("proof {p} rejected"),
            "error_data": {"url": format!("https://graph.instagram.com/v27.0/me?access_token={TOKEN}&appsecret_proof={p}")}}}),
        json!({"error": {"message": format!("app token 1234%7C{APP_SECRET} rejected"), "code": 1}}),
        json!({"error": {"message": "trace", "code": 2, "fbtrace_id": format!("A{TOKEN}B")}}),
        json!({"error": {"message": "data as string", "code": 100, "error_data": format!("{{\"token\":\"{TOKEN}\"}}")}}),
        json!({"error_type": "OAuthException", "code": 400, "error_message": format!("Invalid token {TOKEN}")}),
    ];
    let mut texts = Vec::new();
    for body in bodies {
        fake.push(400, body);
        let e = c.call("user.get", json!({})).await.unwrap_err();
        texts.extend(texts_of(&e));
    }
    assert_clean(&texts);
}

#[tokio::test]
async fn transport_failures_and_debug_output_carry_no_secrets() {
    let c = client(
        "http://127.0.0.1:9",
        json!({"max_retries": 0, "timeout_ms": 1000}),
    );
    let e = c.call("user.get", json!({})).await.unwrap_err();
    let mut texts = texts_of(&e);
    texts.push(format!("{c:?}"));
    texts.push(format!("{:?}", c.config()));
    assert_clean(&texts);
}
