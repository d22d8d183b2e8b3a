//! Webhook subscriptions against the scripted fake: the exact requests (method, path, token,
//! params) of the app level (`/{app_id}/subscriptions`, app token) and the account level
//! (`subscribed_apps`: `/me` with Instagram Login, the Page with its Page token on Facebook
//! Login), config errors before anything is sent, and no secret in any error.

use crate::fake::{client, Fake};
use instagram_graph::transport::appsecret_proof;
use instagram_graph::ErrorKind;
use serde_json::json;

const APP_ID: &str = "1234567890";
const APP_TOKEN: &str = "1234567890|APPSECRET-xyz";
const VERIFY: &str = "VERIFY-tok-4242";

fn create_params() -> serde_json::Value {
    json!({
        "callback_url": "http://127.0.0.1:5690/webhook/abc/webhook",
        "verify_token": VERIFY,
        "fields": ["comments", "messages,message_reactions"],
        "include_values": true,
    })
}

#[tokio::test]
async fn create_posts_the_subscription_with_the_app_token() {
    let fake = Fake::start().await;
    fake.push(200, json!({"success": true}));
    let c = client(&fake.url, json!({"app_id": APP_ID}));
    let v = c
        .call("subscriptions.create", create_params())
        .await
        .unwrap();
    assert_eq!(v, json!({"success": true}));
    let seen = fake.seen();
    assert_eq!(seen.len(), 1, "not retried, one request");
    let s = &seen[0];
    assert_eq!(
        (s.method.as_str(), s.path.as_str()),
        ("POST", "/v27.0/1234567890/subscriptions")
    );
    assert_eq!(s.q("access_token"), Some(APP_TOKEN));
    assert_eq!(s.q("appsecret_proof"), None, "app tokens carry no proof");
    let form = s.form();
    let get = |k: &str| form.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str());
    assert_eq!(get("object"), Some("instagram"));
    assert_eq!(
        get("callback_url"),
        Some("http://127.0.0.1:5690/webhook/abc/webhook")
    );
    assert_eq!(get("verify_token"), Some(VERIFY));
    assert_eq!(get("fields"), Some("comments,messages,message_reactions"));
    assert_eq!(get("include_values"), Some("true"));
}

#[tokio::test]
async fn create_is_not_retried_and_errors_hold_no_secret() {
    let fake = Fake::start().await;
    // Meta's own error when the handshake fails; echo the secrets to prove they are scrubbed.
    fake.push(
        400,
        json!({"error": {"message": format!("(#2200) callback verification failed with verify_token {VERIFY} for {APP_TOKEN}"), "type": "OAuthException", "code": 2200, "fbtrace_id": "T1"}}),
    )
    .push(500, json!({"error": {"message": "transient", "code": 2, "is_transient": true}}))
    .push(200, json!({"success": true}));
    let c = client(&fake.url, json!({"app_id": APP_ID}));
    let e = c
        .call("subscriptions.create", create_params())
        .await
        .unwrap_err();
    assert_eq!(e.code, Some(2200));
    let text = format!("{e} {e:?}");
    for secret in [VERIFY, APP_TOKEN, "APPSECRET-xyz"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    // A transient failure of a write that makes Meta repeat the handshake is not resent.
    let e = c
        .call("subscriptions.create", create_params())
        .await
        .unwrap_err();
    assert!(e.is_transient, "{e}");
    assert_eq!(fake.seen().len(), 2);
}

#[tokio::test]
async fn missing_app_config_is_named_before_sending() {
    let fake = Fake::start().await;
    let no_id = client(&fake.url, json!({}));
    let e = no_id
        .call("subscriptions.create", create_params())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidParams);
    assert!(e.message.contains("app_id"), "{}", e.message);
    let e = no_id
        .call("subscriptions.list", json!({}))
        .await
        .unwrap_err();
    assert!(
        e.message.starts_with("subscriptions.list: params.app_id"),
        "{}",
        e.message
    );

    let no_secret = instagram_graph::Client::from_json(
        &json!({"access_token": "TOKEN-abc123", "base_url": fake.url, "app_id": APP_ID}),
    )
    .unwrap();
    let e = no_secret
        .call("subscriptions.delete", json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert!(e.message.contains("app_secret"), "{}", e.message);

    // Another app than the config's: its app token could not act on it.
    let c = client(&fake.url, json!({"app_id": APP_ID}));
    let e = c
        .call("subscriptions.list", json!({"app_id": "999"}))
        .await
        .unwrap_err();
    assert!(e.message.contains("params.app_id"), "{}", e.message);

    // Bad params name the field and never quote the verify token.
    for (patch, field) in [
        (
            json!({"callback_url": "http://example.com/hook"}),
            "callback_url",
        ),
        (json!({"callback_url": "not a url"}), "callback_url"),
        (json!({"fields": ["comments", "coments"]}), "fields"),
        (json!({"fields": []}), "fields"),
        (json!({"object": "instagrm"}), "object"),
        (json!({"verify_token": ""}), "verify_token"),
        (json!({"app_id": "abc"}), "app_id"),
    ] {
        let mut p = create_params();
        for (k, v) in patch.as_object().unwrap() {
            p[k] = v.clone();
        }
        let e = c.call("subscriptions.create", p).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParams, "{field}");
        assert!(
            e.message
                .starts_with(&format!("subscriptions.create: params.{field}:")),
            "{field}: {}",
            e.message
        );
        assert!(!e.message.contains(VERIFY));
    }
    assert!(fake.seen().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn list_filters_by_object_and_delete_names_object_and_fields() {
    let fake = Fake::start().await;
    fake.push(
        200,
        json!({"data": [
            {"object": "page", "callback_url": "https://a.example/p", "active": true, "fields": [{"name": "feed", "version": "v27.0"}]},
            {"object": "instagram", "callback_url": "https://a.example/i", "active": true, "fields": [{"name": "comments", "version": "v27.0"}]}
        ]}),
    )
    .push(200, json!({"success": true}))
    .push(200, json!({"success": true}));
    let c = client(&fake.url, json!({"app_id": APP_ID}));
    let v = c
        .call("subscriptions.list", json!({"object": "instagram"}))
        .await
        .unwrap();
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    assert_eq!(v["data"][0]["callback_url"], "https://a.example/i");
    c.call("subscriptions.delete", json!({"fields": ["messages"]}))
        .await
        .unwrap();
    c.call("subscriptions.delete", json!({"object": "page"}))
        .await
        .unwrap();
    let seen = fake.seen();
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("GET", "/v27.0/1234567890/subscriptions")
    );
    assert_eq!(seen[0].q("access_token"), Some(APP_TOKEN));
    for s in &seen[1..] {
        assert_eq!(
            (s.method.as_str(), s.path.as_str()),
            ("DELETE", "/v27.0/1234567890/subscriptions")
        );
        assert_eq!(s.q("access_token"), Some(APP_TOKEN));
    }
    assert_eq!(seen[1].q("object"), Some("instagram"));
    assert_eq!(seen[1].q("fields"), Some("messages"));
    assert_eq!(seen[2].q("object"), Some("page"));
    assert_eq!(seen[2].q("fields"), None);
}

#[tokio::test]
async fn instagram_login_subscribes_me_with_the_user_token() {
    let fake = Fake::start().await;
    fake.push(200, json!({"success": true}))
        .push(
            200,
            json!({"data": [{"subscribed_fields": ["comments", "messages"]}]}),
        )
        .push(200, json!({"success": true}));
    let c = client(&fake.url, json!({"login": "instagram"}));
    c.call(
        "subscribed_apps.create",
        json!({"subscribed_fields": ["comments", "messages"]}),
    )
    .await
    .unwrap();
    let v = c.call("subscribed_apps.list", json!({})).await.unwrap();
    assert_eq!(v["data"][0]["subscribed_fields"][1], "messages");
    c.call("subscribed_apps.delete", json!({})).await.unwrap();
    let seen = fake.seen();
    let shape: Vec<(&str, &str)> = seen
        .iter()
        .map(|s| (s.method.as_str(), s.path.as_str()))
        .collect();
    assert_eq!(
        shape,
        [
            ("POST", "/v27.0/me/subscribed_apps"),
            ("GET", "/v27.0/me/subscribed_apps"),
            ("DELETE", "/v27.0/me/subscribed_apps"),
        ]
    );
    for s in &seen {
        assert_eq!(s.q("access_token"), Some("TOKEN-abc123"));
        assert_eq!(
            s.q("appsecret_proof").map(str::to_owned),
            Some(appsecret_proof("TOKEN-abc123", "APPSECRET-xyz"))
        );
    }
    assert_eq!(
        seen[0].form(),
        [(
            "subscribed_fields".to_owned(),
            "comments,messages".to_owned()
        )]
    );

    // Fields Instagram Login does not deliver, and Facebook-only params, are refused unsent.
    let e = c
        .call(
            "subscribed_apps.create",
            json!({"subscribed_fields": ["mentions"]}),
        )
        .await
        .unwrap_err();
    assert!(
        e.message
            .starts_with("subscribed_apps.create: params.subscribed_fields:"),
        "{}",
        e.message
    );
    let e = c
        .call("subscribed_apps.list", json!({"page_id": "123"}))
        .await
        .unwrap_err();
    assert!(e.message.contains("params.page_id"), "{}", e.message);
    assert_eq!(fake.seen().len(), 3);
}

#[tokio::test]
async fn facebook_login_uses_the_only_linked_pages_token() {
    let fake = Fake::start().await;
    fake.push(
        200,
        json!({"data": [
            {"id": "111", "name": "No IG"},
            {"id": "222", "instagram_business_account": {"id": "17841400000000001"}}
        ]}),
    )
    .push(200, json!({"id": "222", "access_token": "PAGE-TOKEN-222"}))
    .push(200, json!({"success": true}))
    .push(200, json!({"success": true}));
    let c = client(&fake.url, json!({"login": "facebook"}));
    c.call(
        "subscribed_apps.create",
        json!({"subscribed_fields": ["feed", "messages"]}),
    )
    .await
    .unwrap();
    // With page_id given, the cached Page token is reused without a new lookup.
    c.call("subscribed_apps.delete", json!({"page_id": "222"}))
        .await
        .unwrap();
    let seen = fake.seen();
    let shape: Vec<(&str, &str)> = seen
        .iter()
        .map(|s| (s.method.as_str(), s.path.as_str()))
        .collect();
    assert_eq!(
        shape,
        [
            ("GET", "/v27.0/me/accounts"),
            ("GET", "/v27.0/222"),
            ("POST", "/v27.0/222/subscribed_apps"),
            ("DELETE", "/v27.0/222/subscribed_apps"),
        ]
    );
    assert_eq!(seen[0].q("access_token"), Some("TOKEN-abc123"));
    assert_eq!(seen[1].q("fields"), Some("access_token"));
    for s in &seen[2..] {
        assert_eq!(s.q("access_token"), Some("PAGE-TOKEN-222"));
    }
    assert_eq!(
        seen[2].form(),
        [("subscribed_fields".to_owned(), "feed,messages".to_owned())]
    );
}

#[tokio::test]
async fn facebook_login_without_page_id_needs_exactly_one_linked_page() {
    let fake = Fake::start().await;
    fake.push(
        200,
        json!({"data": [
            {"id": "222", "instagram_business_account": {"id": "1"}},
            {"id": "333", "instagram_business_account": {"id": "2"}}
        ]}),
    )
    .push(200, json!({"data": [{"id": "111"}]}));
    let c = client(&fake.url, json!({"login": "facebook"}));
    let e = c.call("subscribed_apps.list", json!({})).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidParams);
    assert!(
        e.message.contains("params.page_id") && e.message.contains("222, 333"),
        "{}",
        e.message
    );
    let e = c.call("subscribed_apps.list", json!({})).await.unwrap_err();
    assert!(e.message.contains("no Page with a linked"), "{}", e.message);
    assert_eq!(fake.seen().len(), 2, "only the two page listings");
}

// ---- against the sandbox (Meta's handshake, stored subscriptions) ---------------------------

use instagram_graph::Client;
use instagram_graph_sandbox::{Sandbox, SandboxOptions};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A receiver that answers Meta's GET handshake when the verify token matches (403 otherwise)
/// and counts the handshakes it saw.
async fn receiver(verify: &'static str) -> (String, Arc<AtomicUsize>) {
    let seen = Arc::new(AtomicUsize::new(0));
    let n = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::get(move |uri: axum::http::Uri| {
            let n = n.clone();
            async move {
                n.fetch_add(1, Ordering::SeqCst);
                let q: std::collections::HashMap<String, String> =
                    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
                        .into_owned()
                        .collect();
                let ok = q.get("hub.mode").map(String::as_str) == Some("subscribe")
                    && q.get("hub.verify_token").map(String::as_str) == Some(verify);
                match (ok, q.get("hub.challenge")) {
                    (true, Some(c)) => (axum::http::StatusCode::OK, c.clone()),
                    _ => (axum::http::StatusCode::FORBIDDEN, String::new()),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (url, seen)
}

fn sandbox_client(sb: &Sandbox, login: &str, token: &str) -> Client {
    Client::from_json(&json!({
        "access_token": token, "base_url": sb.url(), "login": login,
        "app_id": sb.app_id(), "app_secret": sb.app_secret(),
    }))
    .unwrap()
}

#[tokio::test]
async fn sandbox_app_subscription_does_the_handshake_then_lists_and_deletes() {
    let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let (url, handshakes) = receiver(VERIFY).await;
    let c = sandbox_client(&sb, "instagram", sb.access_token());

    // A wrong verify token: Meta's handshake fails, nothing is stored.
    let e = c
        .call(
            "subscriptions.create",
            json!({"callback_url": url, "verify_token": "not-the-token", "fields": ["comments"]}),
        )
        .await
        .unwrap_err();
    assert_eq!(handshakes.load(Ordering::SeqCst), 1);
    assert!(!format!("{e}").contains("not-the-token"), "{e}");
    let v = c.call("subscriptions.list", json!({})).await.unwrap();
    assert_eq!(v["data"], json!([]), "{v}");

    let v = c
        .call(
            "subscriptions.create",
            json!({"callback_url": url, "verify_token": VERIFY, "fields": ["messages", "comments"], "include_values": true}),
        )
        .await
        .unwrap();
    assert_eq!(v["success"], true, "{v}");
    assert_eq!(handshakes.load(Ordering::SeqCst), 2);
    let v = c
        .call("subscriptions.list", json!({"object": "instagram"}))
        .await
        .unwrap();
    let sub = &v["data"][0];
    assert_eq!(sub["callback_url"], url.as_str(), "{v}");
    let mut names: Vec<&str> = sub["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().or(f.as_str()).unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["comments", "messages"]);

    c.call("subscriptions.delete", json!({})).await.unwrap();
    let v = c.call("subscriptions.list", json!({})).await.unwrap();
    assert!(
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["object"] != "instagram"),
        "{v}"
    );
}

#[tokio::test]
async fn sandbox_account_subscriptions_for_both_logins() {
    let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    // Instagram Login: /me/subscribed_apps with the user token.
    let ig = sandbox_client(&sb, "instagram", sb.access_token());
    ig.call(
        "subscribed_apps.create",
        json!({"subscribed_fields": ["comments", "messages"]}),
    )
    .await
    .unwrap();
    let v = ig.call("subscribed_apps.list", json!({})).await.unwrap();
    let fields = v["data"][0]["subscribed_fields"].clone();
    assert_eq!(fields, json!(["comments", "messages"]), "{v}");
    ig.call("subscribed_apps.delete", json!({})).await.unwrap();
    let v = ig.call("subscribed_apps.list", json!({})).await.unwrap();
    assert_eq!(v["data"], json!([]), "{v}");

    // Facebook Login: the one Page with a linked account, with that Page's token.
    let fb = sandbox_client(&sb, "facebook", sb.facebook_access_token());
    fb.call(
        "subscribed_apps.create",
        json!({"subscribed_fields": ["feed", "messages"]}),
    )
    .await
    .unwrap();
    let v = fb
        .call("subscribed_apps.list", json!({"page_id": sb.page_id()}))
        .await
        .unwrap();
    assert_eq!(
        v["data"][0]["subscribed_fields"],
        json!(["feed", "messages"]),
        "{v}"
    );
    fb.call("subscribed_apps.delete", json!({})).await.unwrap();
}
