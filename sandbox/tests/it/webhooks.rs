//! Webhooks over real HTTP: subscriptions with Meta's handshake, simulated activity delivered
//! as signed POSTs to a local receiver, retries, duplicates, the account-level gate, and the
//! state the activity leaves behind (messaging window, comments, expired stories).

use crate::hook::{Handshake, Hook};
use crate::support::*;
use hmac::{Hmac, Mac};
use instagram_graph_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Every field `simulate` can produce.
const ALL_FIELDS: &str = "comments,live_comments,mentions,story_insights,messages,message_reactions,message_edit,messaging_postbacks,messaging_referral,messaging_seen,messaging_optins,messaging_handover,standby";

fn app_token(sb: &Sandbox) -> String {
    format!("{}|{}", sb.app_id(), sb.app_secret())
}

fn hmac256(secret: &str, body: &[u8]) -> String {
    let mut m = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

fn hmac1(secret: &str, body: &[u8]) -> String {
    let mut m = <Hmac<sha1::Sha1> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

async fn subscribe_app(sb: &Sandbox, token: &str, callback: &str, fields: &str) -> (u16, Value) {
    post_form(
        sb,
        &format!("/{V}/{}/subscriptions", sb.app_id()),
        &[
            ("object", "instagram"),
            ("callback_url", callback),
            ("verify_token", "vt-secret-123"),
            ("fields", fields),
            ("include_values", "true"),
            ("access_token", token),
        ],
    )
    .await
}

async fn send(
    method: reqwest::Method,
    sb: &Sandbox,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let r = client()
        .request(method, format!("{}{path}", sb.url()))
        .form(form)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap())
}

async fn subscribe_ig(sb: &Sandbox, fields: &str) {
    let (s, v) = post_form(
        sb,
        &format!("/{V}/me/subscribed_apps"),
        &[
            ("subscribed_fields", fields),
            ("access_token", sb.access_token()),
        ],
    )
    .await;
    assert_eq!((s, &v), (200, &json!({"success": true})));
}

async fn subscribe_page(sb: &Sandbox) {
    let (s, v) = post_form(
        sb,
        &format!("/{V}/{}/subscribed_apps", sb.page_id()),
        &[
            ("subscribed_fields", "feed,messages"),
            ("access_token", sb.page_access_token()),
        ],
    )
    .await;
    assert_eq!((s, &v), (200, &json!({"success": true})));
}

async fn simulate(sb: &Sandbox, spec: Value) -> Value {
    let (s, v) = admin(sb, "webhooks/simulate", spec.clone()).await;
    assert_eq!(s, 200, "{spec} -> {v}");
    v
}

/// A sandbox whose app subscribes every field and whose Page is subscribed.
async fn ready() -> (Sandbox, Hook) {
    let sb = start();
    let hook = Hook::start(Handshake::Echo);
    let (s, v) = subscribe_app(&sb, &app_token(&sb), &hook.url, ALL_FIELDS).await;
    assert_eq!((s, &v), (200, &json!({"success": true})));
    subscribe_page(&sb).await;
    hook.clear();
    (sb, hook)
}

/// Every `\u` escape has four lowercase hex digits.
fn escapes_are_lowercase(body: &str) -> bool {
    let b = body.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'\\' {
            if b[i + 1] == b'u' {
                let hex = &b[i + 2..(i + 6).min(b.len())];
                if hex.len() != 4 || !hex.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
                    return false;
                }
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    true
}

#[tokio::test(flavor = "multi_thread")]
async fn handshake_then_subscription_listed_and_deleted() {
    let sb = start();
    let hook = Hook::start(Handshake::Echo);
    let (s, v) = subscribe_app(&sb, &app_token(&sb), &hook.url, "messages, comments").await;
    assert_eq!((s, &v), (200, &json!({"success": true})), "{v}");
    let seen = hook.seen();
    assert_eq!(seen.len(), 1);
    let g = &seen[0];
    assert_eq!(g.method, "GET");
    assert_eq!(g.q("hub.mode"), Some("subscribe"));
    assert_eq!(g.q("hub.verify_token"), Some("vt-secret-123"));
    assert_eq!(g.q("app"), Some("sbx"), "the callback's own query is kept");
    let challenge = g.q("hub.challenge").unwrap();
    assert!(!challenge.is_empty() && challenge.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(g.h("user-agent"), Some("facebookexternalua"));

    // The client_credentials token (as n8n's Facebook trigger gets it) reads the subscription.
    let (s, t) = post_form(
        &sb,
        &format!("/{V}/oauth/access_token"),
        &[
            ("client_id", sb.app_id()),
            ("client_secret", sb.app_secret()),
            ("grant_type", "client_credentials"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{t}");
    let tok = t["access_token"].as_str().unwrap().to_owned();
    assert_eq!(tok, sb.app_access_token());
    assert!(tok.starts_with(&format!("{}|", sb.app_id())) && !tok.contains(sb.app_secret()));
    let (s, list) = get(&format!(
        "{}/{V}/{}/subscriptions?access_token={}",
        sb.url(),
        sb.app_id(),
        urlenc(&tok)
    ))
    .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(
        list,
        json!({"data": [{"object": "instagram", "callback_url": hook.url, "active": true,
            "fields": [{"name": "messages", "version": V}, {"name": "comments", "version": V}]}]})
    );
    assert!(
        !list.to_string().contains("vt-secret-123"),
        "never the verify token"
    );

    // A second POST adds fields; DELETE with fields removes them, DELETE by object all.
    let (s, _) = subscribe_app(&sb, &tok, &hook.url, "mentions").await;
    assert_eq!(s, 200);
    let path = format!("/{V}/{}/subscriptions", sb.app_id());
    let (s, v) = send(
        reqwest::Method::DELETE,
        &sb,
        &path,
        &[
            ("object", "instagram"),
            ("fields", "comments"),
            ("access_token", &tok),
        ],
    )
    .await;
    assert_eq!((s, v), (200, json!({"success": true})));
    let (_, list) = get(&format!("{}{path}?access_token={}", sb.url(), urlenc(&tok))).await;
    let names: Vec<&str> = list["data"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["messages", "mentions"]);
    let (s, _) = send(
        reqwest::Method::DELETE,
        &sb,
        &path,
        &[("object", "instagram"), ("access_token", &tok)],
    )
    .await;
    assert_eq!(s, 200);
    let (_, list) = get(&format!("{}{path}?access_token={}", sb.url(), urlenc(&tok))).await;
    assert_eq!(list, json!({"data": []}));
}

fn urlenc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn subscription_refused_when_the_callback_answers_wrong() {
    let sb = start();
    let hook = Hook::start(Handshake::Wrong);
    let token = app_token(&sb);
    let (s, v) = subscribe_app(&sb, &token, &hook.url, "messages").await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error"]["code"], 2200);
    let m = v["error"]["message"].as_str().unwrap();
    assert!(m.starts_with("(#2200) callback verification failed"), "{m}");
    assert!(!m.contains("vt-secret-123"), "{m}");
    hook.set_handshake(Handshake::Status(403));
    let (s, v) = subscribe_app(&sb, &token, &hook.url, "messages").await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(2200)), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("403"));
    // Nobody listening.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/x", l.local_addr().unwrap())
    };
    let (s, v) = subscribe_app(&sb, &token, &dead, "messages").await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(2200)), "{v}");
    let (_, list) = get(&format!(
        "{}/{V}/{}/subscriptions?access_token={}",
        sb.url(),
        sb.app_id(),
        urlenc(&token)
    ))
    .await;
    assert_eq!(list, json!({"data": []}), "nothing stored");

    // Tokens and parameters.
    hook.set_handshake(Handshake::Echo);
    let (s, v) = subscribe_app(&sb, sb.access_token(), &hook.url, "messages").await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(15)), "{v}");
    let (s, v) = subscribe_app(&sb, sb.page_access_token(), &hook.url, "messages").await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(15)), "{v}");
    let (s, v) = get(&format!("{}/{V}/{}/subscriptions", sb.url(), sb.app_id())).await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(104)), "{v}");
    let bad = format!("{}|nope", sb.app_id());
    let (s, v) = subscribe_app(&sb, &bad, &hook.url, "messages").await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(190)), "{v}");
    let (s, v) = subscribe_app(&sb, &token, "ftp://example.com/x", "messages").await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(100)), "{v}");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("callback_url"));
    let (s, v) = subscribe_app(&sb, &token, &hook.url, "messages,bogus").await;
    assert_eq!(s, 400);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("fields[1]"),
        "{v}"
    );
    let (s, v) = subscribe_app(&sb, &token, &hook.url, r#"["messages","comments"]"#).await;
    assert_eq!(s, 200, "a JSON array of fields works too: {v}");
}

#[tokio::test(flavor = "multi_thread")]
async fn account_level_subscriptions_gate_delivery() {
    let sb = start();
    let hook = Hook::start(Handshake::Echo);
    let (s, _) = subscribe_app(&sb, &app_token(&sb), &hook.url, ALL_FIELDS).await;
    assert_eq!(s, 200);
    hook.clear();

    // App subscribed, account not: nothing is sent, and the answer says why.
    let v = simulate(&sb, json!({"event": "message"})).await;
    assert_eq!(v["deliveries"], json!([]));
    assert!(
        v["undelivered"]
            .as_str()
            .unwrap()
            .contains("not subscribed"),
        "{v}"
    );
    assert!(hook.posts().is_empty());

    // Instagram Login: only the subscribed fields.
    subscribe_ig(&sb, "comments").await;
    let (s, v) = get(&url(&sb, sb.access_token(), "/me/subscribed_apps")).await;
    assert_eq!(s, 200);
    assert_eq!(v["data"][0]["subscribed_fields"], json!(["comments"]));
    assert_eq!(v["data"][0]["id"], json!(sb.app_id()));
    let v = simulate(&sb, json!({"event": "message"})).await;
    assert_eq!(v["deliveries"], json!([]));
    let v = simulate(&sb, json!({"event": "comment"})).await;
    assert_eq!(v["deliveries"][0]["state"], "delivered", "{v}");
    assert_eq!(hook.posts().len(), 1);
    // Mentions are not an Instagram Login field.
    let (s, v) = post_form(
        &sb,
        &format!("/{V}/me/subscribed_apps"),
        &[
            ("subscribed_fields", "mentions"),
            ("access_token", sb.access_token()),
        ],
    )
    .await;
    assert_eq!(s, 400, "{v}");
    // Unsubscribing stops deliveries.
    let (s, _) = send(
        reqwest::Method::DELETE,
        &sb,
        &format!("/{V}/me/subscribed_apps"),
        &[("access_token", sb.access_token())],
    )
    .await;
    assert_eq!(s, 200);
    let v = simulate(&sb, json!({"event": "comment"})).await;
    assert_eq!(v["deliveries"], json!([]));

    // Facebook Login: the Page's token subscribes the Page; a user token or an IG token cannot.
    let page_path = format!("/{V}/{}/subscribed_apps", sb.page_id());
    let (s, v) = post_form(
        &sb,
        &page_path,
        &[
            ("subscribed_fields", "feed"),
            ("access_token", sb.facebook_access_token()),
        ],
    )
    .await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(210)), "{v}");
    let (s, v) = post_form(
        &sb,
        &page_path,
        &[
            ("subscribed_fields", "feed"),
            ("access_token", sb.access_token()),
        ],
    )
    .await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(190)), "{v}");
    let other = info(&sb, "unlinked_page_id");
    let (s, v) = post_form(
        &sb,
        &format!("/{V}/{other}/subscribed_apps"),
        &[
            ("subscribed_fields", "feed"),
            ("access_token", sb.page_access_token()),
        ],
    )
    .await;
    assert_eq!(
        (s, v["error"]["code"].as_i64()),
        (400, Some(100)),
        "another Page's token: {v}"
    );
    subscribe_page(&sb).await;
    let (_, v) = get(&url(&sb, sb.page_access_token(), "/me/subscribed_apps")).await;
    assert_eq!(
        v["data"][0]["subscribed_fields"],
        json!(["feed", "messages"])
    );
    let v = simulate(&sb, json!({"event": "mention"})).await;
    assert_eq!(v["deliveries"][0]["state"], "delivered", "{v}");

    // The app-level field list still applies.
    let (s, _) = send(
        reqwest::Method::DELETE,
        &sb,
        &format!("/{V}/{}/subscriptions", sb.app_id()),
        &[
            ("object", "instagram"),
            ("fields", "mentions"),
            ("access_token", &app_token(&sb)),
        ],
    )
    .await;
    assert_eq!(s, 200);
    let v = simulate(&sb, json!({"event": "mention"})).await;
    assert_eq!(v["deliveries"], json!([]));
    assert!(v["undelivered"]
        .as_str()
        .unwrap()
        .contains("lacks the field mentions"));
}

/// Per kind: options carrying non-ASCII text and a `/` where the payload has free text.
fn kinds() -> Vec<Value> {
    let t = "Caf\u{e9} / ok \u{1f600}";
    vec![
        json!({"event": "message", "text": t}),
        json!({"event": "message", "attachment": "image"}),
        json!({"event": "message", "attachment": "ephemeral", "text": t}),
        json!({"event": "message", "quick_reply_payload": "YES/\u{e9}"}),
        json!({"event": "message", "reply_to_story": true, "text": t}),
        json!({"event": "message", "ad_id": "120210000000000042", "text": t}),
        json!({"event": "message_echo", "text": t}),
        json!({"event": "message_edit", "text": t}),
        json!({"event": "message_deleted", "mid": "m/\u{e9}"}),
        json!({"event": "reaction", "mid": "m/1"}),
        json!({"event": "unreact", "mid": "m/\u{e9}"}),
        json!({"event": "postback", "title": "R\u{e9}serv\u{e9} / VIP", "payload": "VIP"}),
        json!({"event": "referral", "ref": "\u{e9}t\u{e9}/2026"}),
        json!({"event": "seen", "mid": "m/\u{e9}"}),
        json!({"event": "optin", "title": "Offres / \u{e9}t\u{e9}"}),
        json!({"event": "handover", "metadata": "\u{e0} l'\u{e9}quipe / support"}),
        json!({"event": "handover", "action": "take", "metadata": "\u{e9}/"}),
        json!({"event": "handover", "action": "request", "metadata": "\u{e9}/"}),
        json!({"event": "standby", "text": t}),
        json!({"event": "standby", "inner": "postback", "title": "\u{e9}/"}),
        json!({"event": "comment", "text": t}),
        json!({"event": "live_comment", "text": t}),
        json!({"event": "mention"}),
        json!({"event": "mention", "in": "comment"}),
        json!({"event": "story_insights"}),
    ]
}

fn is_str(v: &Value) -> bool {
    v.as_str().is_some_and(|s| !s.is_empty())
}

/// The shape of Meta's documented example for the field (graph-api.md §3.5).
fn check_shape(spec: &Value, p: &Value, ig: &str) {
    let kind = spec["event"].as_str().unwrap();
    assert_eq!(p["object"], "instagram");
    let e = &p["entry"][0];
    assert_eq!(e["id"], ig, "entry.id is the IG account id");
    let time = e["time"].as_i64().unwrap();
    let changes = ["comment", "live_comment", "mention", "story_insights"].contains(&kind);
    if changes {
        assert!(
            time < 100_000_000_000,
            "changes: entry.time in seconds ({time})"
        );
        let c = &e["changes"][0];
        let v = &c["value"];
        match kind {
            "comment" | "live_comment" => {
                let field = if kind == "comment" {
                    "comments"
                } else {
                    "live_comments"
                };
                assert_eq!(c["field"], field);
                assert!(
                    is_str(&v["from"]["id"]) && is_str(&v["from"]["username"]),
                    "{v}"
                );
                assert!(is_str(&v["id"]) && is_str(&v["text"]), "{v}");
                assert!(is_str(&v["media"]["id"]) && is_str(&v["media"]["media_product_type"]));
            }
            "mention" => {
                assert_eq!(c["field"], "mentions");
                assert!(is_str(&v["media_id"]));
                assert_eq!(v.get("comment_id").is_some(), spec["in"] == "comment");
            }
            _ => {
                assert_eq!(c["field"], "story_insights");
                assert!(is_str(&v["media_id"]));
                for k in ["reach", "replies", "views", "navigation"] {
                    assert!(v[k].is_u64(), "{k}: {v}");
                }
                assert!(v.get("impressions").is_none(), "retired metric");
            }
        }
        return;
    }
    assert!(
        time > 100_000_000_000,
        "messaging: entry.time in ms ({time})"
    );
    let key = if kind == "standby" {
        "standby"
    } else {
        "messaging"
    };
    let m = &e[key][0];
    assert!(m["timestamp"].is_i64(), "{m}");
    let (sender, recipient) = (
        m["sender"]["id"].as_str().unwrap(),
        m["recipient"]["id"].as_str().unwrap(),
    );
    if kind == "message_echo" {
        assert_eq!(sender, ig, "echo: sent by the account");
        assert_ne!(recipient, ig);
    } else {
        assert_eq!(recipient, ig, "received by the account");
        assert_ne!(sender, ig);
    }
    let msg = &m["message"];
    match kind {
        "message" | "message_echo" | "message_deleted" => {
            let mid = msg["mid"].as_str().unwrap();
            assert!(
                kind == "message_deleted" || mid.starts_with("aWdfZAG1faXRlbToxOklHTWVzc2FnZ"),
                "{mid}"
            );
            if kind == "message_echo" {
                assert_eq!(msg["is_echo"], true);
            }
            if kind == "message_deleted" {
                assert_eq!(msg["is_deleted"], true);
                assert!(msg.get("text").is_none());
            }
            if let Some(a) = spec["attachment"].as_str() {
                assert_eq!(msg["attachments"][0]["type"], a);
                assert_eq!(
                    msg["attachments"][0]["payload"].get("url").is_some(),
                    a != "ephemeral"
                );
            }
            if spec.get("quick_reply_payload").is_some() {
                assert_eq!(msg["quick_reply"]["payload"], spec["quick_reply_payload"]);
            }
            if spec.get("reply_to_story").is_some() {
                assert!(
                    is_str(&msg["reply_to"]["story"]["id"])
                        && is_str(&msg["reply_to"]["story"]["url"])
                );
            }
            if spec.get("ad_id").is_some() {
                let r = &msg["referral"];
                assert_eq!(
                    (
                        r["ad_id"].as_str(),
                        r["source"].as_str(),
                        r["type"].as_str()
                    ),
                    (spec["ad_id"].as_str(), Some("ADS"), Some("OPEN_THREAD"))
                );
                assert!(is_str(&r["ads_context_data"]["ad_title"]));
            }
        }
        "message_edit" => {
            let x = &m["message_edit"];
            assert!(
                is_str(&x["mid"]) && is_str(&x["text"]) && x["num_edit"].is_u64(),
                "{x}"
            );
        }
        "reaction" => {
            let r = &m["reaction"];
            assert_eq!(
                (r["action"].as_str(), r["reaction"].as_str()),
                (Some("react"), Some("love"))
            );
            assert_eq!(r["emoji"], "\u{2764}\u{fe0f}");
            assert_eq!(r["mid"], spec["mid"]);
        }
        "unreact" => {
            let r = &m["reaction"];
            assert_eq!(r["action"], "unreact");
            assert!(r.get("reaction").is_none() && r.get("emoji").is_none());
        }
        "postback" => {
            let b = &m["postback"];
            assert!(is_str(&b["mid"]) && b["title"] == spec["title"] && b["payload"] == "VIP");
        }
        "referral" => {
            let r = &m["referral"];
            assert!(r["ref"] == spec["ref"] && is_str(&r["source"]) && r["type"] == "OPEN_THREAD");
        }
        "seen" => assert_eq!(m["read"]["mid"], spec["mid"]),
        "optin" => {
            let o = &m["optin"];
            assert_eq!(o["type"], "notification_messages");
            assert!(
                is_str(&o["notification_messages_token"]) && o["token_expiry_timestamp"].is_i64()
            );
        }
        "handover" => {
            let k = match spec["action"].as_str() {
                Some("take") => "take_thread_control",
                Some("request") => "request_thread_control",
                _ => "pass_thread_control",
            };
            assert_eq!(m[k]["metadata"], spec["metadata"], "{m}");
        }
        "standby" => {
            if spec["inner"] == "postback" {
                assert!(
                    m["postback"].get("payload").is_none(),
                    "standby postbacks carry no payload"
                );
            } else {
                assert!(is_str(&msg["mid"]) && msg["text"] == spec["text"]);
            }
        }
        other => panic!("unchecked kind {other}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_is_signed_escaped_and_shaped_like_meta() {
    let (sb, hook) = ready().await;
    let secret = sb.app_secret().to_owned();
    for spec in kinds() {
        hook.clear();
        let v = simulate(&sb, spec.clone()).await;
        assert_eq!(v["deliveries"].as_array().unwrap().len(), 1, "{spec}: {v}");
        let d = &v["deliveries"][0];
        assert_eq!(
            (d["state"].as_str(), d["status"].as_u64()),
            (Some("delivered"), Some(200)),
            "{spec}: {v}"
        );
        assert_eq!(d["callback_url"], hook.url);
        let posts = hook.posts();
        assert_eq!(posts.len(), 1, "{spec}");
        let p = &posts[0];
        let body = v["body"].as_str().unwrap();
        assert_eq!(
            p.body,
            body.as_bytes(),
            "{spec}: the answer shows the exact bytes sent"
        );
        assert_eq!(
            p.h("x-hub-signature-256").unwrap(),
            format!("sha256={}", hmac256(&secret, &p.body)),
            "{spec}"
        );
        assert_eq!(
            p.h("x-hub-signature").unwrap(),
            format!("sha1={}", hmac1(&secret, &p.body))
        );
        assert_eq!(p.h("content-type"), Some("application/json"));
        assert_eq!(p.h("user-agent"), Some("facebookexternalua"));
        assert!(p.body.is_ascii(), "{spec}: no raw non-ASCII: {body}");
        assert!(escapes_are_lowercase(body), "{body}");
        let non_ascii = spec
            .as_object()
            .unwrap()
            .values()
            .any(|x| x.as_str().is_some_and(|s| !s.is_ascii()));
        if non_ascii || spec["event"] == "reaction" {
            assert!(
                body.contains("\\u00e9") || body.contains("\\u2764") || body.contains("\\ud83d"),
                "{spec}: {body}"
            );
        }
        let has_text_slash = spec
            .as_object()
            .unwrap()
            .values()
            .any(|x| x.as_str().is_some_and(|s| s.contains('/')));
        if has_text_slash
            || spec.get("attachment").is_some()
            || spec.get("reply_to_story").is_some()
        {
            assert!(body.contains("\\/"), "{spec}: {body}");
        }
        assert!(!body.contains(" /") || body.contains("\\/"));
        let parsed: Value = serde_json::from_slice(&p.body).unwrap();
        check_shape(&spec, &parsed, sb.ig_user_id());
        assert_eq!(v["events"], 1);
    }
    // Without the legacy header when turned off.
    let (s, _) = admin(&sb, "webhooks/config", json!({"sha1": false})).await;
    assert_eq!(s, 200);
    hook.clear();
    simulate(&sb, json!({"event": "seen"})).await;
    assert!(hook.posts()[0].h("x-hub-signature").is_none());
    assert!(hook.posts()[0].h("x-hub-signature-256").is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn batches_put_several_updates_in_one_post() {
    let (sb, hook) = ready().await;
    let v = simulate(&sb, json!({"event": "message", "batch": 3})).await;
    assert_eq!(v["events"], 3);
    let posts = hook.posts();
    assert_eq!(posts.len(), 1, "one POST");
    let p: Value = serde_json::from_slice(&posts[0].body).unwrap();
    let entries = p["entry"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let mids: std::collections::HashSet<&str> = entries
        .iter()
        .map(|e| e["messaging"][0]["message"]["mid"].as_str().unwrap())
        .collect();
    assert_eq!(mids.len(), 3, "distinct updates");
    hook.clear();
    let v = simulate(
        &sb,
        json!({"event": "comment", "batch": 4, "batch_mode": "items"}),
    )
    .await;
    assert_eq!(v["events"], 4);
    let p: Value = serde_json::from_slice(&hook.posts()[0].body).unwrap();
    assert_eq!(p["entry"].as_array().unwrap().len(), 1);
    assert_eq!(p["entry"][0]["changes"].as_array().unwrap().len(), 4);
    // Time unit on request.
    hook.clear();
    simulate(&sb, json!({"event": "comment", "time_unit": "ms"})).await;
    let p: Value = serde_json::from_slice(&hook.posts()[0].body).unwrap();
    assert!(p["entry"][0]["time"].as_i64().unwrap() > 100_000_000_000);
    let (s, v) = admin(
        &sb,
        "webhooks/simulate",
        json!({"event": "message", "batch": 1001}),
    )
    .await;
    assert_eq!(s, 400);
    assert!(
        v["error"]["message"].as_str().unwrap().contains("batch"),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retries_with_backoff_then_success_and_gives_up() {
    let (sb, hook) = ready().await;
    hook.plan_posts(&[500, 503]);
    let t0 = Instant::now();
    let v = simulate(&sb, json!({"event": "message", "wait": "all"})).await;
    let took = t0.elapsed();
    let d = &v["deliveries"][0];
    assert_eq!(
        (
            d["state"].as_str(),
            d["attempts"].as_u64(),
            d["status"].as_u64()
        ),
        (Some("delivered"), Some(3), Some(200)),
        "{v}"
    );
    assert!(
        took >= Duration::from_millis(300),
        "backoff 100 + 200 ms: {took:?}"
    );
    let posts = hook.posts();
    assert_eq!(posts.len(), 3);
    assert!(
        posts.iter().all(|p| p.body == posts[0].body),
        "same bytes every attempt"
    );
    let (_, log) = get(&format!("{}/_sandbox/webhooks/deliveries", sb.url())).await;
    let attempts: Vec<(u64, u64)> = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["attempt"].as_u64().unwrap(),
                a["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(attempts, [(1, 500), (2, 503), (3, 200)]);
    let a0 = &log["data"][0];
    assert_eq!(a0["body"], v["body"]);
    assert_eq!(a0["url"], hook.url);
    assert!(a0["headers"]["x-hub-signature-256"]
        .as_str()
        .unwrap()
        .starts_with("sha256="));
    assert!(a0["at"].is_i64());

    // Default wait: the first attempt only; the retries go on in the background.
    hook.clear();
    let (s, _) = admin(
        &sb,
        "webhooks/config",
        json!({"retries": 1, "backoff_ms": 50}),
    )
    .await;
    assert_eq!(s, 200);
    hook.plan_posts(&[500, 500, 500]);
    let v = simulate(&sb, json!({"event": "seen"})).await;
    let d = &v["deliveries"][0];
    assert_eq!(
        (d["state"].as_str(), d["attempts"].as_u64()),
        (Some("retrying"), Some(1)),
        "{v}"
    );
    let id = d["id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (_, log) = get(&format!("{}/_sandbox/webhooks/deliveries", sb.url())).await;
        let s = log["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id.as_str())
            .cloned()
            .unwrap();
        if s["state"] == "failed" {
            assert_eq!(s["attempts"], 2, "one retry, then given up");
            assert_eq!(s["error"], "HTTP 500");
            break;
        }
        assert!(Instant::now() < deadline, "{s}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(hook.posts().len(), 2);

    // A callback that is gone: the connection failure is recorded (retries off here).
    drop(hook);
    let (s, _) = admin(&sb, "webhooks/config", json!({"retries": 0})).await;
    assert_eq!(s, 200);
    let v = simulate(&sb, json!({"event": "seen", "wait": "all"})).await;
    let d = &v["deliveries"][0];
    assert_eq!(
        (d["state"].as_str(), d["attempts"].as_u64()),
        (Some("failed"), Some(1)),
        "{v}"
    );
    assert!(d["status"].is_null());
    assert!(
        d["error"]
            .as_str()
            .unwrap()
            .starts_with("connection failed"),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicates_and_redeliveries_resend_identical_bytes() {
    let (sb, hook) = ready().await;
    let v = simulate(&sb, json!({"event": "reaction", "duplicates": 2})).await;
    let ds = v["deliveries"].as_array().unwrap();
    assert_eq!(ds.len(), 3);
    assert_eq!(ds[1]["repeats"], ds[0]["id"]);
    let posts = hook.posts();
    assert_eq!(posts.len(), 3);
    for p in &posts {
        assert_eq!(p.body, posts[0].body);
        assert_eq!(
            p.h("x-hub-signature-256"),
            posts[0].h("x-hub-signature-256")
        );
    }
    let (s, r) = admin(&sb, "webhooks/redeliver", json!({"id": ds[0]["id"]})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["state"], "delivered");
    let posts = hook.posts();
    assert_eq!(posts.len(), 4);
    assert_eq!(posts[3].body, posts[0].body);
    let (s, _) = admin(&sb, "webhooks/redeliver", json!({"id": "dlv_nope"})).await;
    assert_eq!(s, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_incoming_dm_opens_the_messaging_window() {
    let (sb, _hook) = ready().await;
    let state = || async {
        get(&format!("{}/_sandbox/webhooks/state", sb.url()))
            .await
            .1
    };
    assert_eq!(state().await["messaging_windows"], json!([]));
    // An echo (the business writing) opens nothing.
    simulate(
        &sb,
        json!({"event": "message_echo", "sender_id": "5551234"}),
    )
    .await;
    let w = state().await["messaging_windows"][0].clone();
    assert_eq!(
        (w["window_open"].as_bool(), w["last_incoming_at"].is_null()),
        (Some(false), true),
        "{w}"
    );
    let v = simulate(&sb, json!({"event": "message", "sender_id": "5551234"})).await;
    let now = state().await["now"].as_i64().unwrap();
    let w = state().await["messaging_windows"][0].clone();
    assert_eq!(w["igsid"], "5551234");
    assert_eq!(w["account_id"], sb.ig_user_id());
    assert_eq!(w["window_open"], true);
    let at = w["last_incoming_at"].as_i64().unwrap();
    assert!((now - 2..=now).contains(&at), "{at} vs {now}");
    assert_eq!(w["window_closes_at"].as_i64(), Some(at + 24 * 3600));
    assert_eq!(w["last_mid"], v["created"][0]["mid"]);
    // On the virtual clock: 25 hours later the window is closed.
    let (s, _) = admin(&sb, "clock", json!({"advance_seconds": 25 * 3600})).await;
    assert_eq!(s, 200);
    assert_eq!(state().await["messaging_windows"][0]["window_open"], false);
    // An edit refers to the person's last message; a reaction to the business's.
    let e = simulate(
        &sb,
        json!({"event": "message_edit", "sender_id": "5551234"}),
    )
    .await;
    assert_eq!(e["created"][0]["mid"], v["created"][0]["mid"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_simulated_comment_and_reply_are_readable_through_graph() {
    let (sb, _hook) = ready().await;
    let text = "Is the A3 / A4 in stock? caf\u{e9}";
    let v = simulate(
        &sb,
        json!({"event": "comment", "text": text, "username": "ana.prints"}),
    )
    .await;
    let cid = v["created"][0]["comment_id"].as_str().unwrap().to_owned();
    let mid = v["created"][0]["media_id"].as_str().unwrap().to_owned();
    let (s, page) = graph(
        &sb,
        sb.access_token(),
        &format!("/{mid}/comments?fields=id,text,username"),
    )
    .await;
    assert_eq!(s, 200, "{page}");
    let first = &page["data"][0];
    assert_eq!(
        (first["id"].as_str(), first["text"].as_str()),
        (Some(cid.as_str()), Some(text)),
        "newest first: {page}"
    );
    assert_eq!(first["username"], "ana.prints");
    let r = simulate(
        &sb,
        json!({"event": "comment", "parent_id": cid, "text": "Yes!"}),
    )
    .await;
    let rid = r["created"][0]["comment_id"].as_str().unwrap().to_owned();
    let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        body["entry"][0]["changes"][0]["value"]["parent_id"],
        cid.as_str()
    );
    let (s, replies) = graph(&sb, sb.access_token(), &format!("/{cid}/replies")).await;
    assert_eq!(s, 200);
    assert!(
        replies["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == rid.as_str()),
        "{replies}"
    );
    let (_, c) = graph(
        &sb,
        sb.access_token(),
        &format!("/{rid}?fields=text,parent_id"),
    )
    .await;
    assert_eq!(c["text"], "Yes!");
    let (s, v) = admin(
        &sb,
        "webhooks/simulate",
        json!({"event": "comment", "parent_id": "123"}),
    )
    .await;
    assert_eq!(s, 400);
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("simulate: parent_id:"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expiring_story_leaves_stories_and_sends_its_insights() {
    let (sb, _hook) = ready().await;
    let (_, before) = graph(&sb, sb.access_token(), "/me/stories").await;
    let n = before["data"].as_array().unwrap().len();
    // More expiries than live stories: refused before anything changes.
    let (s, v) = admin(
        &sb,
        "webhooks/simulate",
        json!({"event": "story_insights", "batch": n + 1}),
    )
    .await;
    assert_eq!(s, 400);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("simulate: batch:"),
        "{v}"
    );
    let (_, same) = graph(&sb, sb.access_token(), "/me/stories").await;
    assert_eq!(same["data"].as_array().unwrap().len(), n);
    let v = simulate(&sb, json!({"event": "story_insights"})).await;
    let id = v["created"][0]["media_id"].as_str().unwrap().to_owned();
    let (_, after) = graph(&sb, sb.access_token(), "/me/stories").await;
    let ids: Vec<&str> = after["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), n - 1);
    assert!(!ids.contains(&id.as_str()));
    let (s, _) = graph(&sb, sb.access_token(), &format!("/{id}")).await;
    assert_eq!(s, 400, "an expired story is gone");
    // Mentions are recorded.
    simulate(&sb, json!({"event": "mention", "in": "comment"})).await;
    let (_, st) = get(&format!("{}/_sandbox/webhooks/state", sb.url())).await;
    assert!(st["mentions"][0]["comment_id"].is_string(), "{st}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_simulate_specs_name_the_option_and_reset_clears_everything() {
    let (sb, hook) = ready().await;
    for (spec, key) in [
        (json!({}), "event"),
        (json!({"event": "tweet"}), "event"),
        (json!({"event": "message", "text": 5}), "text"),
        (
            json!({"event": "message", "attachment": "hologram"}),
            "attachment",
        ),
        (json!({"event": "reaction", "reaction": "meh"}), "reaction"),
        (json!({"event": "message", "sender_id": "abc"}), "sender_id"),
        (json!({"event": "message", "duplicates": -1}), "duplicates"),
        (json!({"event": "message", "colour": 1}), "colour"),
    ] {
        let (s, v) = admin(&sb, "webhooks/simulate", spec.clone()).await;
        assert_eq!(s, 400, "{spec}");
        let m = v["error"]["message"].as_str().unwrap();
        assert!(m.starts_with(&format!("simulate: {key}:")), "{spec}: {m}");
    }
    simulate(&sb, json!({"event": "message"})).await;
    let (s, _) = admin(&sb, "reset", json!({})).await;
    assert_eq!(s, 200);
    let (_, st) = get(&format!("{}/_sandbox/webhooks/state", sb.url())).await;
    assert_eq!(
        (st["subscriptions"].clone(), st["deliveries"].clone()),
        (json!([]), json!(0))
    );
    assert_eq!(st["page_subscriptions"], json!([]));
    assert_eq!(st["messaging_windows"], json!([]));
    let (_, log) = get(&format!("{}/_sandbox/webhooks/deliveries", sb.url())).await;
    assert_eq!(log["data"], json!([]));
    hook.clear();
    let v = simulate(&sb, json!({"event": "message"})).await;
    assert_eq!(v["deliveries"], json!([]));
    assert!(hook.posts().is_empty());
}

/// Subscribe with the Rust API's view of the sandbox, from a plain thread.
fn subscribe_blocking(sb: &Sandbox, hook: &Hook) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (s, _) = subscribe_app(sb, &app_token(sb), &hook.url, ALL_FIELDS).await;
        assert_eq!(s, 200);
        subscribe_page(sb).await;
    });
}

#[test]
fn rust_simulate_from_a_plain_thread_and_from_inside_a_runtime() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let hook = Hook::start(Handshake::Echo);
    subscribe_blocking(&sb, &hook);
    let v = sb
        .simulate(&json!({"event": "message", "text": "\u{e9}/"}))
        .unwrap();
    assert_eq!(v["deliveries"][0]["state"], "delivered", "{v}");
    assert!(v["body"].as_str().unwrap().contains("\\u00e9\\/"));
    let e = sb.simulate(&json!({"event": "nope"})).unwrap_err();
    assert!(e.message.starts_with("simulate: event:"), "{e}");
    assert!(sb.simulate(&json!([1])).is_err());

    // Inside a multi-thread runtime, with block_in_place, and directly on a current-thread one.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let v = rt
        .block_on(async { tokio::task::block_in_place(|| sb.simulate(&json!({"event": "seen"}))) })
        .unwrap();
    assert_eq!(v["deliveries"][0]["state"], "delivered");
    let rt1 = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let v = rt1
        .block_on(async { sb.simulate(&json!({"event": "comment"})) })
        .unwrap();
    assert_eq!(v["deliveries"][0]["state"], "delivered");
    let log = sb.deliveries();
    assert_eq!(log["deliveries"].as_array().unwrap().len(), 3);
    assert_eq!(hook.posts().len(), 3);

    // Secrets stay out of Debug; the app token is in the info JSON.
    let dbg = format!("{sb:?}");
    assert!(!dbg.contains(sb.app_secret()) && !dbg.contains(sb.app_access_token()));
    assert_eq!(sb.info_json()["app_access_token"], sb.app_access_token());

    let mut sb = sb;
    sb.stop();
    assert!(
        sb.simulate(&json!({"event": "message"})).is_err(),
        "no panic after stop"
    );
}

#[test]
fn webhook_options_from_json() {
    let o = SandboxOptions::from_json(
        &json!({"webhook_retries": 0, "webhook_backoff_ms": 5, "webhook_sha1": false}),
    )
    .unwrap();
    assert_eq!(
        (o.webhooks.retries, o.webhooks.backoff_ms, o.webhooks.sha1),
        (0, 5, false)
    );
    let e = SandboxOptions::from_json(&json!({"webhook_retries": "x"})).unwrap_err();
    assert!(
        e.message.starts_with("sandbox options: webhook_retries:"),
        "{e}"
    );
    let e = SandboxOptions::from_json(&json!({"webhook_colour": 1})).unwrap_err();
    assert!(e.message.contains("webhook_colour"), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn account_subscriptions_follow_the_appsecret_proof_rule() {
    let sb = Sandbox::start(SandboxOptions {
        require_appsecret_proof: true,
        ..SandboxOptions::default()
    })
    .unwrap();
    let path = format!("/{V}/me/subscribed_apps");
    let (s, v) = post_form(
        &sb,
        &path,
        &[
            ("subscribed_fields", "messages"),
            ("access_token", sb.access_token()),
        ],
    )
    .await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(100)), "{v}");
    let proof = hmac256(sb.app_secret(), sb.access_token().as_bytes());
    let (s, v) = post_form(
        &sb,
        &path,
        &[
            ("subscribed_fields", "messages"),
            ("access_token", sb.access_token()),
            ("appsecret_proof", &proof),
        ],
    )
    .await;
    assert_eq!(s, 200, "{v}");
}
