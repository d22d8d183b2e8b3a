//! Messaging in the sandbox over real HTTP (reqwest): the Send API on both login flavours, the
//! 24-hour and HUMAN_AGENT windows on the virtual clock, private replies, sender actions and
//! reactions, attachment upload, conversations and messages, IGSID profiles behind consent,
//! the messenger profile, the seeded ids of `/_sandbox/info`, and `/_sandbox/stats`.

#[allow(dead_code)]
#[path = "it/support.rs"]
mod support;

use instagram_graph_sandbox::Sandbox;
use serde_json::{json, Value};
use support::{admin, client, graph, start, stats, V};

/// The seeded ids of `/_sandbox/info` → `messaging`.
fn m(sb: &Sandbox, key: &str) -> String {
    sb.info_json()["messaging"][key]
        .as_str()
        .unwrap_or_else(|| panic!("info.messaging.{key}"))
        .to_owned()
}

fn page_token(sb: &Sandbox) -> String {
    sb.page_access_token().to_owned()
}

/// A request with a JSON body and `access_token` in the query.
async fn call(sb: &Sandbox, method: &str, token: &str, path: &str, body: Value) -> (u16, Value) {
    let url = support::url(sb, token, path);
    let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let r = client().request(m, url).json(&body).send().await.unwrap();
    let s = r.status().as_u16();
    let t = r.text().await.unwrap();
    (
        s,
        serde_json::from_str(&t).unwrap_or_else(|e| panic!("{e}: {t}")),
    )
}

async fn post(sb: &Sandbox, token: &str, path: &str, body: Value) -> (u16, Value) {
    call(sb, "POST", token, path, body).await
}

/// `POST /me/messages` with the Instagram token.
async fn send(sb: &Sandbox, body: Value) -> (u16, Value) {
    post(sb, sb.access_token(), "/me/messages", body).await
}

async fn send_ok(sb: &Sandbox, body: Value) -> Value {
    let (s, v) = send(sb, body.clone()).await;
    assert_eq!(s, 200, "{body} -> {v}");
    v
}

/// The error object of a refused call, with Meta's envelope checked (400, or 403 as
/// graph.instagram.com answers a closed window).
fn error(s: u16, v: &Value) -> Value {
    let expected = if v["error"]["type"] == "IGApiException" {
        403
    } else {
        400
    };
    assert_eq!(s, expected, "{v}");
    let e = v["error"].clone();
    assert!(e["message"].is_string() && e["type"].is_string(), "{v}");
    assert!(
        e["fbtrace_id"].as_str().is_some_and(|t| !t.is_empty()),
        "{v}"
    );
    e
}

async fn send_err(sb: &Sandbox, body: Value) -> Value {
    let (s, v) = send(sb, body.clone()).await;
    error(s, &v)
}

fn text_to(igsid: &str, text: &str) -> Value {
    json!({"recipient": {"id": igsid}, "message": {"text": text}})
}

fn code(e: &Value) -> (i64, Option<i64>) {
    (e["code"].as_i64().unwrap(), e["error_subcode"].as_i64())
}

/// Instagram Login's refusal outside the window (graph.instagram.com: 403, IGApiException).
fn assert_outside_window(e: &Value) {
    assert_eq!(code(e), (10, Some(2_534_022)), "{e}");
    assert_eq!(e["type"], "IGApiException");
    assert_eq!(
        e["message"],
        "This message is sent outside of allowed window."
    );
}

/// Facebook Login's (Messenger Platform) refusal outside the window.
fn assert_outside_window_fb(e: &Value) {
    assert_eq!(code(e), (10, Some(2_018_278)), "{e}");
    assert_eq!(e["type"], "OAuthException");
    assert_eq!(
        e["message"],
        "(#10) This message is sent outside of allowed window."
    );
}

async fn advance(sb: &Sandbox, secs: i64) {
    let (s, v) = admin(sb, "clock", json!({"advance_seconds": secs})).await;
    assert_eq!(s, 200, "{v}");
}

async fn simulate(sb: &Sandbox, spec: Value) -> Value {
    let (s, v) = admin(sb, "webhooks/simulate", spec.clone()).await;
    assert_eq!(s, 200, "{spec} -> {v}");
    v
}

async fn get_ok(sb: &Sandbox, token: &str, path: &str) -> Value {
    let (s, v) = graph(sb, token, path).await;
    assert_eq!(s, 200, "{path}: {v}");
    v
}

async fn get_err(sb: &Sandbox, token: &str, path: &str) -> Value {
    let (s, v) = graph(sb, token, path).await;
    error(s, &v)
}

/// Newest-first message ids of a conversation (first page of 100).
async fn message_ids(sb: &Sandbox, conv: &str) -> Vec<String> {
    let v = get_ok(
        sb,
        sb.access_token(),
        &format!("/{conv}?fields=messages.limit(100){{id}}"),
    )
    .await;
    v["messages"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn info_names_the_seeded_messaging_objects() {
    let sb = start();
    for k in [
        "recipient_id",
        "recipient_id_human_agent",
        "recipient_id_closed",
        "recipient_id_no_consent",
        "recipient_id_unavailable",
        "conversation_id",
        "mid",
        "comment_id_private_reply",
        "comment_id_old",
    ] {
        assert!(!m(&sb, k).is_empty(), "{k}");
    }
    let (_, info) = support::get(&format!("{}/_sandbox/info", sb.url())).await;
    assert_eq!(info["messaging"], sb.info_json()["messaging"]);
    // Deterministic for the seed: a second sandbox names the same ids.
    let other = start();
    assert_eq!(other.info_json()["messaging"], sb.info_json()["messaging"]);
    // The seeded comments are real comments of the demo account.
    let c = get_ok(
        &sb,
        sb.access_token(),
        &format!(
            "/{}?fields=id,text,timestamp,from",
            m(&sb, "comment_id_private_reply")
        ),
    )
    .await;
    assert_eq!(c["from"]["id"], m(&sb, "recipient_id_no_consent"));
    let old = get_ok(
        &sb,
        sb.access_token(),
        &format!("/{}?fields=id,timestamp", m(&sb, "comment_id_old")),
    )
    .await;
    assert!(old["timestamp"].is_string());
    // The seeded mid is a message of the seeded conversation, from the person.
    let msg = get_ok(
        &sb,
        sb.access_token(),
        &format!("/{}?fields=id,from,to,message", m(&sb, "mid")),
    )
    .await;
    assert_eq!(msg["from"]["id"], m(&sb, "recipient_id"));
    assert_eq!(msg["to"]["data"][0]["id"], sb.ig_user_id());
    assert!(message_ids(&sb, &m(&sb, "conversation_id"))
        .await
        .contains(&m(&sb, "mid")));
}

#[tokio::test(flavor = "multi_thread")]
async fn text_send_on_both_flavours_and_token_rules() {
    let sb = start();
    let to = m(&sb, "recipient_id");
    let body = text_to(&to, "Hello from the studio");
    // Instagram Login: /me/messages and /{ig-user-id}/messages.
    let v = send_ok(&sb, body.clone()).await;
    assert_eq!(v["recipient_id"], to);
    assert!(v["message_id"].as_str().unwrap().starts_with("aWdfZAG1"));
    let (s, v2) = post(
        &sb,
        sb.access_token(),
        &format!("/{}/messages", sb.ig_user_id()),
        body.clone(),
    )
    .await;
    assert_eq!(s, 200, "{v2}");
    assert_ne!(v2["message_id"], v["message_id"]);
    // Facebook Login: the Page's token on /{page-id}/messages and on /me/messages.
    let pt = page_token(&sb);
    let (s, v3) = post(
        &sb,
        &pt,
        &format!("/{}/messages", sb.page_id()),
        body.clone(),
    )
    .await;
    assert_eq!(s, 200, "{v3}");
    let (s, v4) = post(&sb, &pt, "/me/messages", body.clone()).await;
    assert_eq!(s, 200, "{v4}");
    // The user token is not a Page token.
    let (s, e) = post(
        &sb,
        sb.facebook_access_token(),
        &format!("/{}/messages", sb.page_id()),
        body.clone(),
    )
    .await;
    let e = error(s, &e);
    assert_eq!(code(&e), (210, None));
    assert!(e["message"].as_str().unwrap().contains("page access token"));
    let (s, e) = post(
        &sb,
        sb.facebook_access_token(),
        "/me/messages",
        body.clone(),
    )
    .await;
    assert_eq!(code(&error(s, &e)).0, 100);
    // An Instagram token on a Page path is for graph.facebook.com, which cannot parse it.
    let (s, e) = post(
        &sb,
        sb.access_token(),
        &format!("/{}/messages", sb.page_id()),
        body.clone(),
    )
    .await;
    assert_eq!(code(&error(s, &e)), (190, None));
    // With Facebook Login the IG user node has no messages edge.
    let (s, e) = post(
        &sb,
        &pt,
        &format!("/{}/messages", sb.ig_user_id()),
        body.clone(),
    )
    .await;
    assert_eq!(code(&error(s, &e)), (100, Some(33)));
    // The unlinked Page: its token cannot send as the linked Page, and has no IG conversations.
    let (_, accounts) = graph(
        &sb,
        sb.facebook_access_token(),
        "/me/accounts?fields=id,access_token",
    )
    .await;
    let unlinked = accounts["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == support::info(&sb, "unlinked_page_id"))
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, e) = post(
        &sb,
        &unlinked,
        &format!("/{}/messages", sb.page_id()),
        body.clone(),
    )
    .await;
    assert_eq!(code(&error(s, &e)), (100, Some(33)));
    let (s, e) = post(&sb, &unlinked, "/me/messages", body.clone()).await;
    assert_eq!(code(&error(s, &e)), (100, Some(2_018_001)));
    // Every send is stored in the conversation, newest first.
    let ids = message_ids(&sb, &m(&sb, "conversation_id")).await;
    assert_eq!(ids[0], v4["message_id"].as_str().unwrap());
    assert_eq!(ids[3], v["message_id"].as_str().unwrap());
    let got = get_ok(
        &sb,
        sb.access_token(),
        &format!("/{}?fields=id,created_time,from,to,message", ids[0]),
    )
    .await;
    assert_eq!(got["message"], "Hello from the studio");
    assert_eq!(got["from"]["id"], sb.ig_user_id());
    assert_eq!(got["from"]["username"], "sandbox.studio");
    assert_eq!(got["to"]["data"][0]["id"], to);
}

#[tokio::test(flavor = "multi_thread")]
async fn form_params_with_json_values_and_body_shape_errors() {
    let sb = start();
    let to = m(&sb, "recipient_id");
    let recipient = json!({"id": to}).to_string();
    let message = json!({"text": "Sent as a form"}).to_string();
    let url = support::url(&sb, sb.access_token(), "/me/messages");
    let r = client()
        .post(&url)
        .form(&[
            ("recipient", recipient.as_str()),
            ("message", message.as_str()),
            ("messaging_type", "RESPONSE"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["recipient_id"], to);
    // Missing recipient, missing message and action, both, bad JSON, unknown keys.
    let e = send_err(&sb, json!({"message": {"text": "x"}})).await;
    assert!(e["message"].as_str().unwrap().contains("recipient"), "{e}");
    let e = send_err(&sb, json!({"recipient": {"id": to}})).await;
    assert_eq!(
        e["message"],
        "(#100) Must send either message or sender action"
    );
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "message": {"text": "x"}, "sender_action": "typing_on"}),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("alone"), "{e}");
    let r = client()
        .post(&url)
        .form(&[("recipient", "{nope"), ("message", message.as_str())])
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], 100);
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "message": {"text": "x", "colour": 1}}),
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("message[colour]"),
        "{e}"
    );
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "message": {"text": "x", "attachment": {"type": "like_heart"}}}),
    )
    .await;
    assert_eq!(code(&e), (100, None));
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "messaging_type": "PROMO", "message": {"text": "x"}}),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("messaging_type"));
    // Text: at most 1000 bytes of UTF-8 (not characters).
    send_ok(&sb, text_to(&to, &"a".repeat(1000))).await;
    let e = send_err(&sb, text_to(&to, &"a".repeat(1001))).await;
    assert!(
        e["message"].as_str().unwrap().contains("message[text]"),
        "{e}"
    );
    let e = send_err(&sb, text_to(&to, &"\u{20ac}".repeat(334))).await;
    assert!(e["message"].as_str().unwrap().contains("1000"), "{e}");
    let e = send_err(&sb, text_to(&to, "")).await;
    assert_eq!(code(&e).0, 100);
}

#[tokio::test(flavor = "multi_thread")]
async fn replies_attachments_stickers_shares() {
    let sb = start();
    let to = m(&sb, "recipient_id");
    let mid = m(&sb, "mid");
    // reply_to a message of the conversation.
    let v = send_ok(
        &sb,
        json!({"recipient": {"id": to}, "message": {"text": "Re"}, "reply_to": {"mid": mid}}),
    )
    .await;
    let got = get_ok(
        &sb,
        sb.access_token(),
        &format!(
            "/{}?fields=reply_to,message",
            v["message_id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(got["reply_to"]["mid"], mid);
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "message": {"text": "Re"}, "reply_to": {"mid": "nope"}}),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("reply_to"));
    // A mid of another conversation is not a reply target here.
    let other = get_ok(
        &sb,
        sb.access_token(),
        &format!(
            "/me/conversations?platform=instagram&user_id={}&fields=messages.limit(1){{id}}",
            m(&sb, "recipient_id_human_agent")
        ),
    )
    .await;
    let other_mid = other["data"][0]["messages"]["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "message": {"text": "Re"}, "reply_to": {"mid": other_mid}}),
    )
    .await;
    assert_eq!(code(&e).0, 100);

    // Media by URL, every type.
    for kind in ["image", "audio", "video", "file"] {
        let v = send_ok(
            &sb,
            json!({"recipient": {"id": to}, "message": {"attachment": {"type": kind, "payload": {"url": format!("https://example.com/a.{kind}")}}}}),
        )
        .await;
        let got = get_ok(
            &sb,
            sb.access_token(),
            &format!(
                "/{}?fields=attachments,message",
                v["message_id"].as_str().unwrap()
            ),
        )
        .await;
        assert_eq!(
            got["attachments"]["data"].as_array().unwrap().len(),
            1,
            "{got}"
        );
    }
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "message": {"attachment": {"type": "image", "payload": {"url": "ftp://example.com/a.jpg"}}}}),
    )
    .await;
    assert_eq!(code(&e), (100, Some(2_018_008)));
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "message": {"attachment": {"type": "gif", "payload": {"url": "https://example.com/a"}}}}),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("[type]"), "{e}");
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "message": {"attachment": {"type": "image", "payload": {}}}}),
    )
    .await;
    assert_eq!(code(&e).0, 100);

    // Several images: up to 10, images only.
    let img = |i: usize| json!({"type": "image", "payload": {"url": format!("https://example.com/{i}.jpg")}});
    let ten: Vec<Value> = (0..10).map(img).collect();
    let v = send_ok(
        &sb,
        json!({"recipient": {"id": to}, "message": {"attachments": ten}}),
    )
    .await;
    let got = get_ok(
        &sb,
        sb.access_token(),
        &format!("/{}?fields=attachments", v["message_id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(got["attachments"]["data"].as_array().unwrap().len(), 10);
    let eleven: Vec<Value> = (0..11).map(img).collect();
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "message": {"attachments": eleven}}),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("at most 10"), "{e}");
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "message": {"attachments": [img(0), {"type": "video", "payload": {"url": "https://example.com/v.mp4"}}]}}),
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("[attachments][1]"),
        "{e}"
    );

    // The heart sticker.
    send_ok(
        &sb,
        json!({"recipient": {"id": to}, "message": {"attachment": {"type": "like_heart"}}}),
    )
    .await;
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "message": {"attachment": {"type": "like_heart", "payload": {"url": "https://example.com"}}}}),
    )
    .await;
    assert_eq!(code(&e).0, 100);

    // Sharing one of the account's own posts, and not someone else's.
    let media = get_ok(
        &sb,
        sb.access_token(),
        "/me/media?limit=1&fields=id,permalink",
    )
    .await;
    let media_id = media["data"][0]["id"].as_str().unwrap().to_owned();
    let v = send_ok(
        &sb,
        json!({"recipient": {"id": to}, "message": {"attachment": {"type": "MEDIA_SHARE", "payload": {"id": media_id}}}}),
    )
    .await;
    let got = get_ok(
        &sb,
        sb.access_token(),
        &format!("/{}?fields=shares", v["message_id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(
        got["shares"]["data"][0]["link"],
        media["data"][0]["permalink"]
    );
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "message": {"attachment": {"type": "MEDIA_SHARE", "payload": {"id": "18000000000000000"}}}}),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("own posts"), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn uploads_give_reusable_attachment_ids() {
    let sb = start();
    let to = m(&sb, "recipient_id");
    let up = |reusable: bool| json!({"platform": "instagram", "message": {"attachment": {"type": "image", "payload": {"url": "https://example.com/up.jpg", "is_reusable": reusable}}}});
    let (s, v) = post(&sb, sb.access_token(), "/me/message_attachments", up(true)).await;
    assert_eq!(s, 200, "{v}");
    let id = v["attachment_id"].as_str().unwrap().to_owned();
    let by_id = |t: &str, id: &str| json!({"recipient": {"id": to}, "message": {"attachment": {"type": t, "payload": {"attachment_id": id}}}});
    send_ok(&sb, by_id("image", &id)).await;
    send_ok(&sb, by_id("image", &id)).await;
    let e = send_err(&sb, by_id("video", &id)).await;
    assert_eq!(code(&e).0, 100);
    let e = send_err(&sb, by_id("image", "123")).await;
    assert!(
        e["message"].as_str().unwrap().contains("attachment_id"),
        "{e}"
    );
    // Not reusable: one send.
    let (_, v) = post(&sb, sb.access_token(), "/me/message_attachments", up(false)).await;
    let once = v["attachment_id"].as_str().unwrap().to_owned();
    send_ok(&sb, by_id("image", &once)).await;
    send_err(&sb, by_id("image", &once)).await;
    // Facebook Login: the Page uploads with its token; the IG account's ids are its own.
    let (s, v) = post(
        &sb,
        &page_token(&sb),
        &format!("/{}/message_attachments", sb.page_id()),
        up(true),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    // A send by URL with is_reusable returns an attachment id as well.
    let v = send_ok(
        &sb,
        json!({"recipient": {"id": to}, "message": {"attachment": {"type": "file", "payload": {"url": "https://example.com/menu.pdf", "is_reusable": true}}}}),
    )
    .await;
    let fid = v["attachment_id"].as_str().unwrap().to_owned();
    send_ok(&sb, by_id("file", &fid)).await;
    // Platform is required; the type must be a media type.
    let (s, e) = post(
        &sb,
        sb.access_token(),
        "/me/message_attachments",
        json!({"message": {"attachment": {"type": "image", "payload": {"url": "https://example.com/a.jpg"}}}}),
    )
    .await;
    assert!(error(s, &e)["message"]
        .as_str()
        .unwrap()
        .contains("platform"));
    let (s, e) = post(
        &sb,
        sb.access_token(),
        "/me/message_attachments",
        json!({"platform": "instagram", "message": {"attachment": {"type": "like_heart", "payload": {"url": "https://example.com/a.jpg"}}}}),
    )
    .await;
    assert_eq!(code(&error(s, &e)).0, 100);
    let (s, e) = post(
        &sb,
        sb.facebook_access_token(),
        &format!("/{}/message_attachments", sb.page_id()),
        up(true),
    )
    .await;
    assert_eq!(code(&error(s, &e)).0, 210);
}

#[tokio::test(flavor = "multi_thread")]
async fn templates_and_quick_replies() {
    let sb = start();
    let to = m(&sb, "recipient_id");
    let tpl = |payload: Value| json!({"recipient": {"id": to}, "message": {"attachment": {"type": "template", "payload": payload}}});
    let element = |i: usize| {
        json!({"title": format!("Print {i}"), "subtitle": "A3, risograph", "image_url": "https://example.com/p.jpg",
               "default_action": {"type": "web_url", "url": "https://example.com/p"},
               "buttons": [{"type": "web_url", "url": "https://example.com/buy", "title": "Buy"},
                           {"type": "postback", "title": "More", "payload": "MORE"}]})
    };
    let ten: Vec<Value> = (0..10).map(element).collect();
    send_ok(
        &sb,
        tpl(json!({"template_type": "generic", "elements": ten})),
    )
    .await;
    let eleven: Vec<Value> = (0..11).map(element).collect();
    let e = send_err(
        &sb,
        tpl(json!({"template_type": "generic", "elements": eleven})),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("[elements]"), "{e}");
    let mut long = element(0);
    long["title"] = json!("t".repeat(81));
    let e = send_err(
        &sb,
        tpl(json!({"template_type": "generic", "elements": [long]})),
    )
    .await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("[elements][0][title]"),
        "{e}"
    );
    let mut four = element(0);
    four["buttons"] = json!([
        {"type": "postback", "title": "1", "payload": "1"},
        {"type": "postback", "title": "2", "payload": "2"},
        {"type": "postback", "title": "3", "payload": "3"},
        {"type": "postback", "title": "4", "payload": "4"}
    ]);
    send_err(
        &sb,
        tpl(json!({"template_type": "generic", "elements": [four]})),
    )
    .await;
    let b = |n: usize| -> Vec<Value> {
        (0..n)
            .map(|i| json!({"type": "postback", "title": format!("Option {i}"), "payload": format!("P{i}")}))
            .collect()
    };
    send_ok(
        &sb,
        tpl(json!({"template_type": "button", "text": "What next?", "buttons": b(3)})),
    )
    .await;
    let e = send_err(
        &sb,
        tpl(json!({"template_type": "button", "text": "What next?", "buttons": b(4)})),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("[buttons]"), "{e}");
    send_err(
        &sb,
        tpl(json!({"template_type": "button", "text": "x".repeat(641), "buttons": b(1)})),
    )
    .await;
    let e = send_err(
        &sb,
        tpl(json!({"template_type": "button", "text": "Hi", "buttons": [{"type": "postback", "title": "t".repeat(21), "payload": "P"}]})),
    )
    .await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("[buttons][0][title]"),
        "{e}"
    );
    send_err(
        &sb,
        tpl(json!({"template_type": "button", "text": "Hi", "buttons": [{"type": "phone_number", "title": "Call", "payload": "+1"}]})),
    )
    .await;
    send_err(&sb, tpl(json!({"template_type": "media", "elements": []}))).await;

    // Quick replies: text only, up to 13, titles up to 20 characters.
    let qr = |list: Value| json!({"recipient": {"id": to}, "messaging_type": "RESPONSE", "message": {"text": "Pick one", "quick_replies": list}});
    let q = |i: usize| json!({"content_type": "text", "title": format!("Option {i}"), "payload": format!("P{i}")});
    send_ok(&sb, qr(json!((0..13).map(q).collect::<Vec<_>>()))).await;
    let e = send_err(&sb, qr(json!((0..14).map(q).collect::<Vec<_>>()))).await;
    assert!(
        e["message"].as_str().unwrap().contains("quick_replies"),
        "{e}"
    );
    send_err(
        &sb,
        qr(json!([{"content_type": "text", "title": "t".repeat(21), "payload": "P"}])),
    )
    .await;
    for kind in ["user_phone_number", "user_email"] {
        let e = send_err(&sb, qr(json!([{"content_type": kind}]))).await;
        let msg = e["message"].as_str().unwrap();
        assert!(
            msg.contains("no longer supported") && msg.contains(kind),
            "{e}"
        );
    }
    send_err(&sb, qr(json!([{"content_type": "location"}]))).await;
    // Before October 5, 2026 (on the virtual clock) Instagram still took them.
    let (s, _) = admin(&sb, "clock", json!({"now": 1_788_000_000})).await;
    assert_eq!(s, 200);
    simulate(&sb, json!({"event": "message", "sender_id": to})).await;
    send_ok(&sb, qr(json!([{"content_type": "user_email"}]))).await;
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "message": {"attachment": {"type": "like_heart"}, "quick_replies": [q(0)]}}),
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("message[text]"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sender_actions_and_reactions() {
    let sb = start();
    let to = m(&sb, "recipient_id");
    let mid = m(&sb, "mid");
    for action in ["typing_on", "typing_off", "mark_seen"] {
        let v = send_ok(
            &sb,
            json!({"recipient": {"id": to}, "sender_action": action}),
        )
        .await;
        assert_eq!(v, json!({"recipient_id": to}), "{action}");
    }
    let e = send_err(
        &sb,
        json!({"recipient": {"id": to}, "sender_action": "dance"}),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("sender_action"));
    // React, read back, unreact.
    let v = send_ok(
        &sb,
        json!({"recipient": {"id": to}, "sender_action": "react", "payload": {"message_id": mid, "reaction": "love"}}),
    )
    .await;
    assert_eq!(v["recipient_id"], to);
    let got = get_ok(&sb, sb.access_token(), &format!("/{mid}?fields=reactions")).await;
    assert_eq!(got["reactions"]["data"][0]["reaction"], "love");
    assert_eq!(
        got["reactions"]["data"][0]["users"][0]["id"],
        sb.ig_user_id()
    );
    send_ok(
        &sb,
        json!({"recipient": {"id": to}, "sender_action": "unreact", "payload": {"message_id": mid}}),
    )
    .await;
    let got = get_ok(
        &sb,
        sb.access_token(),
        &format!("/{mid}?fields=id,reactions"),
    )
    .await;
    assert!(got.get("reactions").is_none(), "{got}");
    // React needs payload.message_id of this conversation.
    send_err(
        &sb,
        json!({"recipient": {"id": to}, "sender_action": "react"}),
    )
    .await;
    send_err(
        &sb,
        json!({"recipient": {"id": to}, "sender_action": "react", "payload": {"message_id": "nope"}}),
    )
    .await;
    send_err(
        &sb,
        json!({"recipient": {"id": to}, "sender_action": "react", "payload": {"message_id": mid, "reaction": "meh"}}),
    )
    .await;
    // Sender actions follow the window too.
    let e = send_err(
        &sb,
        json!({"recipient": {"id": m(&sb, "recipient_id_closed")}, "sender_action": "typing_on"}),
    )
    .await;
    assert_outside_window(&e);
}

#[tokio::test(flavor = "multi_thread")]
async fn windows_follow_the_virtual_clock() {
    let sb = start();
    let open = m(&sb, "recipient_id");
    let agent = m(&sb, "recipient_id_human_agent");
    let closed = m(&sb, "recipient_id_closed");
    let tagged = |to: &str| json!({"recipient": {"id": to}, "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT", "message": {"text": "A human here"}});
    send_ok(&sb, text_to(&open, "inside 24 h")).await;
    // Two days ago: 24 h closed, HUMAN_AGENT open.
    assert_outside_window(&send_err(&sb, text_to(&agent, "late")).await);
    let explicit = json!({"recipient": {"id": agent}, "messaging_type": "RESPONSE", "message": {"text": "late"}});
    assert_outside_window(&send_err(&sb, explicit).await);
    send_ok(&sb, tagged(&agent)).await;
    // Eight days ago: both closed.
    assert_outside_window(&send_err(&sb, text_to(&closed, "late")).await);
    assert_outside_window(&send_err(&sb, tagged(&closed)).await);
    // Facebook Login: the Page's token, the Messenger Platform's codes.
    let pt = page_token(&sb);
    let page_path = format!("/{}/messages", sb.page_id());
    let (s, v) = post(&sb, &pt, &page_path, text_to(&agent, "late")).await;
    assert_outside_window_fb(&error(s, &v));
    let (s, v) = post(&sb, &pt, &page_path, tagged(&agent)).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = post(&sb, &pt, &page_path, tagged(&closed)).await;
    assert_outside_window_fb(&error(s, &v));
    // Graph.instagram.com answers the closed window with HTTP 403.
    let (s, _) = send(&sb, text_to(&closed, "late")).await;
    assert_eq!(s, 403);
    // Wrote an hour ago, then blocked the account: 551 on both flavours.
    let gone = m(&sb, "recipient_id_unavailable");
    let e = send_err(&sb, text_to(&gone, "hello?")).await;
    assert_eq!(code(&e), (551, Some(1_545_041)), "{e}");
    assert!(e["message"].as_str().unwrap().contains("isn't available"));
    let (s, v) = post(&sb, &pt, &page_path, text_to(&gone, "hello?")).await;
    assert_eq!(code(&error(s, &v)).0, 551);
    // Never wrote: no window; an IGSID nobody knows: no matching user.
    assert_outside_window(&send_err(&sb, text_to(&m(&sb, "recipient_id_no_consent"), "hi")).await);
    let e = send_err(&sb, text_to(&"9".repeat(16), "hi")).await;
    assert_eq!(code(&e), (100, Some(2_018_001)));
    // Tag rules.
    let e = send_err(
        &sb,
        json!({"recipient": {"id": agent}, "messaging_type": "MESSAGE_TAG", "message": {"text": "x"}}),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("tag"));
    send_err(
        &sb,
        json!({"recipient": {"id": agent}, "messaging_type": "MESSAGE_TAG", "tag": "ACCOUNT_UPDATE", "message": {"text": "x"}}),
    )
    .await;
    send_err(
        &sb,
        json!({"recipient": {"id": agent}, "tag": "HUMAN_AGENT", "message": {"text": "x"}}),
    )
    .await;

    // A day later the open window has closed; HUMAN_AGENT still reaches the person.
    advance(&sb, 24 * 3600).await;
    assert_outside_window(&send_err(&sb, text_to(&open, "tomorrow")).await);
    send_ok(&sb, tagged(&open)).await;
    // Six more days (more than 7 after the last message): HUMAN_AGENT's window closed too.
    advance(&sb, 6 * 24 * 3600 + 60).await;
    assert_outside_window(&send_err(&sb, tagged(&open)).await);
    assert_outside_window(&send_err(&sb, tagged(&agent)).await);

    // The person writes again (a simulated webhook DM): the window reopens and the message
    // is in the conversation.
    let v = simulate(
        &sb,
        json!({"event": "message", "sender_id": open, "text": "Still there?"}),
    )
    .await;
    let new_mid = v["created"][0]["mid"].as_str().unwrap().to_owned();
    send_ok(&sb, text_to(&open, "Yes!")).await;
    let ids = message_ids(&sb, &m(&sb, "conversation_id")).await;
    assert_eq!(ids[1], new_mid);
    let got = get_ok(
        &sb,
        sb.access_token(),
        &format!("/{new_mid}?fields=message,from"),
    )
    .await;
    assert_eq!(got["message"], "Still there?");
    assert_eq!(got["from"]["id"], open);
    // A postback (ice breaker tap) opens the window as well.
    simulate(&sb, json!({"event": "postback", "sender_id": closed})).await;
    send_ok(&sb, text_to(&closed, "Thanks for tapping")).await;
    // Reset: everything back to the seed, relative to the reset clock.
    let (s, _) = admin(&sb, "reset", json!({})).await;
    assert_eq!(s, 200);
    send_ok(&sb, text_to(&open, "after reset")).await;
    assert_outside_window(&send_err(&sb, text_to(&closed, "after reset")).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn private_replies_once_per_comment_within_7_days() {
    let sb = start();
    let comment = m(&sb, "comment_id_private_reply");
    let commenter = m(&sb, "recipient_id_no_consent");
    let pr = |c: &str| json!({"recipient": {"comment_id": c}, "message": {"text": "Thanks! Details in your DMs"}});
    let v = send_ok(&sb, pr(&comment)).await;
    assert_eq!(v["recipient_id"], commenter);
    assert!(v["message_id"].is_string());
    // Only one per comment.
    let e = send_err(&sb, pr(&comment)).await;
    assert_eq!(code(&e).0, 10_900, "{e}");
    // It does not open the window: a follow-up needs the person to write first.
    assert_outside_window(&send_err(&sb, text_to(&commenter, "follow-up")).await);
    // The reply is in a conversation with the commenter.
    let list = get_ok(
        &sb,
        sb.access_token(),
        &format!("/me/conversations?platform=instagram&user_id={commenter}"),
    )
    .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1, "{list}");
    // Older than 7 days.
    assert_outside_window(&send_err(&sb, pr(&m(&sb, "comment_id_old"))).await);
    // Unknown comment; a sender action to a comment; the account's own comment.
    send_err(&sb, pr("17000000000000000")).await;
    send_err(
        &sb,
        json!({"recipient": {"comment_id": comment}, "sender_action": "typing_on"}),
    )
    .await;
    let (_, replied) = post(
        &sb,
        sb.access_token(),
        &format!("/{}/replies", m(&sb, "comment_id_old")),
        json!({"message": "Thank you!"}),
    )
    .await;
    let own = replied["id"].as_str().unwrap().to_owned();
    let e = send_err(&sb, pr(&own)).await;
    assert!(
        e["message"].as_str().unwrap().contains("own comment"),
        "{e}"
    );
    // Facebook Login: the Page sends private replies for a fresh webhook comment.
    let c = simulate(
        &sb,
        json!({"event": "comment", "sender_id": "5550001", "username": "new.fan"}),
    )
    .await;
    let cid = c["created"][0]["comment_id"]
        .as_str()
        .or_else(|| c["created"][0]["id"].as_str())
        .unwrap_or_else(|| panic!("{c}"))
        .to_owned();
    let (s, v) = post(
        &sb,
        &page_token(&sb),
        &format!("/{}/messages", sb.page_id()),
        pr(&cid),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["recipient_id"], "5550001");
    // Once the commenter writes, the window opens.
    simulate(&sb, json!({"event": "message", "sender_id": commenter})).await;
    send_ok(&sb, text_to(&commenter, "follow-up")).await;
    // The private reply window follows the clock: 8 days later the fresh comment is too old.
    let c = simulate(&sb, json!({"event": "comment", "sender_id": "5550002"})).await;
    let cid = c["created"][0]["comment_id"]
        .as_str()
        .or_else(|| c["created"][0]["id"].as_str())
        .unwrap()
        .to_owned();
    advance(&sb, 8 * 24 * 3600).await;
    assert_outside_window(&send_err(&sb, pr(&cid)).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn conversations_list_filter_page_and_read() {
    let sb = start();
    let ig = sb.access_token().to_owned();
    let list = get_ok(&sb, &ig, "/me/conversations?platform=instagram").await;
    let data = list["data"].as_array().unwrap();
    assert!(data.len() >= 3, "{list}");
    assert_eq!(data[0]["id"], m(&sb, "conversation_id"));
    assert!(data[0]["updated_time"].is_string());
    let times: Vec<&str> = data
        .iter()
        .map(|c| c["updated_time"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    // Cursor paging: one per page, following paging.next to the end.
    let mut url = support::url(&sb, &ig, "/me/conversations?platform=instagram&limit=1");
    let mut seen = Vec::new();
    loop {
        let (s, page) = support::get(&url).await;
        assert_eq!(s, 200, "{page}");
        for c in page["data"].as_array().unwrap() {
            seen.push(c["id"].as_str().unwrap().to_owned());
        }
        match page["paging"]["next"].as_str() {
            Some(n) => url = n.to_owned(),
            None => break,
        }
    }
    let all: Vec<String> = data
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen, all);
    // One person's conversation.
    let one = get_ok(
        &sb,
        &ig,
        &format!(
            "/me/conversations?platform=instagram&user_id={}",
            m(&sb, "recipient_id")
        ),
    )
    .await;
    assert_eq!(one["data"].as_array().unwrap().len(), 1);
    assert_eq!(one["data"][0]["id"], m(&sb, "conversation_id"));
    let none = get_ok(&sb, &ig, "/me/conversations?platform=instagram&user_id=42").await;
    assert_eq!(none["data"], json!([]));
    // Facebook Login: the Page's token on /{page-id}/conversations and /me/conversations.
    let pt = page_token(&sb);
    let fb = get_ok(
        &sb,
        &pt,
        &format!("/{}/conversations?platform=instagram", sb.page_id()),
    )
    .await;
    assert_eq!(fb["data"], list["data"]);
    let fb_me = get_ok(&sb, &pt, "/me/conversations?platform=instagram").await;
    assert_eq!(fb_me["data"], list["data"]);
    // Without platform=instagram a Page lists its Messenger inbox (empty here).
    let messenger = get_ok(&sb, &pt, &format!("/{}/conversations", sb.page_id())).await;
    assert_eq!(messenger["data"], json!([]));
    let e = get_err(
        &sb,
        sb.facebook_access_token(),
        &format!("/{}/conversations?platform=instagram", sb.page_id()),
    )
    .await;
    assert_eq!(code(&e).0, 210);
    get_err(&sb, &ig, "/me/conversations?platform=whatsapp").await;

    // The conversation node: participants and messages (newest first, paged).
    let conv = m(&sb, "conversation_id");
    let c = get_ok(
        &sb,
        &ig,
        &format!(
            "/{conv}?fields=participants,messages.limit(5){{id,created_time,from,to,message}}"
        ),
    )
    .await;
    assert_eq!(c["id"], conv);
    let parts = c["participants"]["data"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert!(parts.iter().any(|p| p["id"] == sb.ig_user_id()));
    assert!(parts.iter().any(|p| p["id"] == m(&sb, "recipient_id")));
    let msgs = c["messages"]["data"].as_array().unwrap();
    assert_eq!(msgs.len(), 5);
    assert_eq!(msgs[0]["id"], m(&sb, "mid"));
    assert!(msgs[0]["message"].is_string() && msgs[0]["from"]["id"].is_string());
    let next = c["messages"]["paging"]["next"].as_str().unwrap();
    let (s, page2) = support::get(next).await;
    assert_eq!(s, 200, "{page2}");
    assert_eq!(page2["data"].as_array().unwrap().len(), 5);
    assert_ne!(page2["data"][0]["id"], msgs[0]["id"]);
    assert!(
        page2["data"][0]["message"].is_string(),
        "fields carried over: {page2}"
    );
    // Default fields of messages: id and created_time.
    let d = get_ok(&sb, &ig, &format!("/{conv}?fields=messages")).await;
    let first = d["messages"]["data"][0].as_object().unwrap();
    let mut keys: Vec<&String> = first.keys().collect();
    keys.sort();
    assert_eq!(keys, ["created_time", "id"]);
    // The messages edge, as the Graph API reference documents it.
    let edge = get_ok(
        &sb,
        &ig,
        &format!("/{conv}/messages?limit=10&fields=id,message"),
    )
    .await;
    assert_eq!(edge["data"].as_array().unwrap().len(), 10);
    assert_eq!(edge["data"][0]["id"], m(&sb, "mid"));
    assert!(edge["paging"]["next"].is_string());
    let fb_edge = get_ok(&sb, &pt, &format!("/{conv}/messages?limit=10")).await;
    assert_eq!(fb_edge["data"][0]["id"], m(&sb, "mid"));
    // Nobody else reads it; the user token needs the Page's.
    let e = get_err(&sb, sb.facebook_access_token(), &format!("/{conv}")).await;
    assert_eq!(code(&e).0, 210);
    get_err(&sb, &ig, &format!("/{conv}?fields=colour")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn message_details_and_the_20_newest_rule() {
    let sb = start();
    let ig = sb.access_token().to_owned();
    let conv = m(&sb, "conversation_id");
    let ids = message_ids(&sb, &conv).await;
    assert!(ids.len() > 20, "{}", ids.len());
    let full = get_ok(
        &sb,
        &ig,
        &format!(
            "/{}?fields=id,created_time,from,to,message,attachments,reactions,shares,story,is_unsupported",
            ids[2]
        ),
    )
    .await;
    assert!(
        full["attachments"]["data"][0]["image_data"]["url"].is_string(),
        "{full}"
    );
    assert_eq!(full["is_unsupported"], false);
    let reply = get_ok(&sb, &ig, &format!("/{}?fields=reply_to", ids[1])).await;
    assert_eq!(reply["reply_to"]["mid"], ids[2].as_str());
    // The 20th newest is readable, the 21st is not.
    get_ok(&sb, &ig, &format!("/{}?fields=id,message", ids[19])).await;
    let e = get_err(&sb, &ig, &format!("/{}?fields=id,message", ids[20])).await;
    assert_eq!(code(&e), (100, Some(33)));
    // One more message pushes the 20th out.
    send_ok(&sb, text_to(&m(&sb, "recipient_id"), "one more")).await;
    get_err(&sb, &ig, &format!("/{}", ids[19])).await;
    get_err(&sb, &ig, &format!("/{}?fields=colour", ids[0])).await;
    // Facebook Login reads it with the Page token.
    let v = get_ok(
        &sb,
        &page_token(&sb),
        &format!("/{}?fields=message", ids[0]),
    )
    .await;
    assert!(v["message"].is_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn profiles_need_consent() {
    let sb = start();
    let ig = sb.access_token().to_owned();
    let fields = "name,username,profile_pic,follower_count,is_user_follow_business,is_business_follow_user,is_verified_user";
    let p = get_ok(
        &sb,
        &ig,
        &format!("/{}?fields={fields}", m(&sb, "recipient_id")),
    )
    .await;
    assert_eq!(p["username"], "lena.hartmann");
    assert!(p["profile_pic"].as_str().unwrap().starts_with("https://"));
    assert!(p["follower_count"].is_u64() && p["is_user_follow_business"].is_boolean());
    assert_eq!(p["id"], m(&sb, "recipient_id"));
    // Consent stays after the window closes.
    get_ok(
        &sb,
        &ig,
        &format!("/{}?fields=username", m(&sb, "recipient_id_closed")),
    )
    .await;
    let pt = page_token(&sb);
    get_ok(
        &sb,
        &pt,
        &format!("/{}?fields={fields}", m(&sb, "recipient_id_human_agent")),
    )
    .await;
    // The commenter never wrote: 230.
    let no = m(&sb, "recipient_id_no_consent");
    let e = get_err(&sb, &ig, &format!("/{no}?fields={fields}")).await;
    assert_eq!(code(&e), (230, None));
    assert_eq!(
        e["message"],
        "User consent is required to access user profile"
    );
    let e = get_err(
        &sb,
        sb.facebook_access_token(),
        &format!("/{}?fields=name", m(&sb, "recipient_id")),
    )
    .await;
    assert_eq!(code(&e).0, 210);
    get_err(
        &sb,
        &ig,
        &format!("/{}?fields=email", m(&sb, "recipient_id")),
    )
    .await;
    // After they write, the profile is readable.
    simulate(&sb, json!({"event": "message", "sender_id": no})).await;
    let p = get_ok(&sb, &ig, &format!("/{no}?fields=name,username")).await;
    assert_eq!(p["username"], "priya.ink");
    // A brand-new person writing in through a webhook.
    simulate(&sb, json!({"event": "message", "sender_id": "5557777"})).await;
    let p = get_ok(&sb, &ig, "/5557777?fields=username").await;
    assert!(p["username"].is_string());
    let list = get_ok(
        &sb,
        &ig,
        "/me/conversations?platform=instagram&user_id=5557777",
    )
    .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    send_ok(&sb, text_to("5557777", "Welcome!")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn messenger_profile_ice_breakers_and_menu() {
    let sb = start();
    let ig = sb.access_token().to_owned();
    let q = |n: usize| -> Vec<Value> {
        (0..n)
            .map(|i| json!({"question": format!("Question {i}?"), "payload": format!("Q{i}")}))
            .collect()
    };
    let ib = |locale: &str, n: usize| json!([{"locale": locale, "call_to_actions": q(n)}]);
    let (s, v) = post(
        &sb,
        &ig,
        "/me/messenger_profile?platform=instagram",
        json!({"platform": "instagram", "ice_breakers": ib("default", 4)}),
    )
    .await;
    assert_eq!((s, &v), (200, &json!({"result": "success"})));
    let got = get_ok(
        &sb,
        &ig,
        "/me/messenger_profile?fields=ice_breakers&platform=instagram",
    )
    .await;
    assert_eq!(got["data"][0]["ice_breakers"], ib("default", 4));
    // /{ig-user-id}/messenger_profile is the same profile.
    let same = get_ok(
        &sb,
        &ig,
        &format!(
            "/{}/messenger_profile?fields=ice_breakers&platform=instagram",
            sb.ig_user_id()
        ),
    )
    .await;
    assert_eq!(same, got);
    for bad in [
        json!({"platform": "instagram", "ice_breakers": ib("default", 5)}),
        json!({"platform": "instagram", "ice_breakers": ib("en_US", 2)}),
        json!({"platform": "instagram", "ice_breakers": [{"question": "Old shape?", "payload": "X"}]}),
        json!({"platform": "instagram", "ice_breakers": [{"locale": "default", "call_to_actions": [{"question": "No payload"}]}]}),
        json!({"platform": "instagram", "greeting": [{"locale": "default", "text": "Hi"}]}),
        json!({"platform": "instagram"}),
    ] {
        let (s, v) = post(&sb, &ig, "/me/messenger_profile", bad.clone()).await;
        assert_eq!(code(&error(s, &v)).0, 100, "{bad}");
    }
    let (s, e) = post(
        &sb,
        &ig,
        "/me/messenger_profile",
        json!({"platform": "instagram", "ice_breakers": ib("en_US", 2)}),
    )
    .await;
    assert!(error(s, &e)["message"]
        .as_str()
        .unwrap()
        .contains("default"));
    // Persistent menu: web_url and postback only.
    let menu = json!([{"locale": "default", "call_to_actions": [
        {"type": "web_url", "title": "Shop", "url": "https://example.com/shop"},
        {"type": "postback", "title": "Talk to agent", "payload": "AGENT"}]}]);
    let (s, v) = post(
        &sb,
        &ig,
        "/me/messenger_profile",
        json!({"platform": "instagram", "persistent_menu": menu}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    for bad in [
        json!([{"locale": "default", "call_to_actions": [{"type": "nested", "title": "More", "call_to_actions": []}]}]),
        json!([{"locale": "default", "composer_input_disabled": true, "call_to_actions": [{"type": "postback", "title": "A", "payload": "A"}]}]),
        json!([{"locale": "default", "call_to_actions": [{"type": "web_url", "title": "Shop", "url": "https://example.com", "webview_height_ratio": "tall"}]}]),
    ] {
        let (s, v) = post(
            &sb,
            &ig,
            "/me/messenger_profile",
            json!({"platform": "instagram", "persistent_menu": bad}),
        )
        .await;
        assert_eq!(code(&error(s, &v)).0, 100, "{bad}");
    }
    let both = get_ok(
        &sb,
        &ig,
        "/me/messenger_profile?fields=ice_breakers,persistent_menu&platform=instagram",
    )
    .await;
    assert_eq!(both["data"][0]["persistent_menu"], menu);
    get_err(&sb, &ig, "/me/messenger_profile?platform=instagram").await;
    get_err(
        &sb,
        &ig,
        "/me/messenger_profile?platform=instagram&fields=greeting",
    )
    .await;
    // DELETE with a fields list.
    let (s, v) = call(
        &sb,
        "DELETE",
        &ig,
        "/me/messenger_profile",
        json!({"fields": ["ice_breakers"], "platform": "instagram"}),
    )
    .await;
    assert_eq!((s, &v), (200, &json!({"result": "success"})));
    let left = get_ok(
        &sb,
        &ig,
        "/me/messenger_profile?fields=ice_breakers,persistent_menu&platform=instagram",
    )
    .await;
    assert!(left["data"][0].get("ice_breakers").is_none(), "{left}");
    assert_eq!(left["data"][0]["persistent_menu"], menu);
    let (s, e) = call(
        &sb,
        "DELETE",
        &ig,
        "/me/messenger_profile",
        json!({"platform": "instagram"}),
    )
    .await;
    assert_eq!(code(&error(s, &e)).0, 100);
    // Facebook Login: the Page's token; without platform=instagram it edits Messenger's.
    let pt = page_token(&sb);
    let path = format!("/{}/messenger_profile", sb.page_id());
    let (s, v) = post(&sb, &pt, &path, json!({"ice_breakers": ib("default", 1)})).await;
    assert_eq!(s, 200, "{v}");
    let ig_side = get_ok(
        &sb,
        &pt,
        &format!("{path}?fields=ice_breakers&platform=instagram"),
    )
    .await;
    assert_eq!(ig_side["data"], json!([]));
    let (s, _) = post(
        &sb,
        &pt,
        &path,
        json!({"platform": "instagram", "ice_breakers": ib("default", 2)}),
    )
    .await;
    assert_eq!(s, 200);
    let ig_side = get_ok(
        &sb,
        &pt,
        &format!("{path}?fields=ice_breakers&platform=instagram"),
    )
    .await;
    assert_eq!(ig_side["data"][0]["ice_breakers"], ib("default", 2));
    // Instagram's profile is the account's: Instagram Login sees what the Page set.
    let from_ig = get_ok(
        &sb,
        &ig,
        "/me/messenger_profile?fields=ice_breakers&platform=instagram",
    )
    .await;
    assert_eq!(from_ig["data"][0]["ice_breakers"], ib("default", 2));
    let (s, e) = post(
        &sb,
        sb.facebook_access_token(),
        &path,
        json!({"platform": "instagram", "ice_breakers": ib("default", 2)}),
    )
    .await;
    assert_eq!(code(&error(s, &e)).0, 210);
}

#[tokio::test(flavor = "multi_thread")]
async fn stats_count_messaging_endpoints() {
    let sb = start();
    let to = m(&sb, "recipient_id");
    send_ok(&sb, text_to(&to, "one")).await;
    send_err(&sb, text_to(&m(&sb, "recipient_id_closed"), "two")).await;
    let (s, _) = post(
        &sb,
        &page_token(&sb),
        &format!("/{}/messages", sb.page_id()),
        text_to(&to, "three"),
    )
    .await;
    assert_eq!(s, 200);
    get_ok(
        &sb,
        sb.access_token(),
        "/me/conversations?platform=instagram",
    )
    .await;
    get_ok(
        &sb,
        sb.access_token(),
        &format!("/{}", m(&sb, "conversation_id")),
    )
    .await;
    let st = stats(&sb).await;
    let by = &st["by_endpoint"];
    assert_eq!(by["POST /me/messages"], 2, "{st}");
    assert_eq!(by["POST /{id}/messages"], 1, "{st}");
    assert_eq!(by["GET /me/conversations"], 1, "{st}");
    assert_eq!(by["GET /{id}"], 1, "{st}");
    assert_eq!(st["requests"], 5);
    // Only the successful sends are writes.
    assert_eq!(st["writes"]["executed"], 2, "{st}");
    assert_eq!(V, "v25.0");
}

#[tokio::test(flavor = "multi_thread")]
async fn webhook_activity_shows_in_conversations() {
    let sb = start();
    let ig = sb.access_token().to_owned();
    let to = m(&sb, "recipient_id");
    // The business's message, then the person reacts to it (the simulator's default target is
    // the business's last message) and the thread view agrees.
    let sent = send_ok(&sb, text_to(&to, "Your print ships today")).await;
    let mid = sent["message_id"].as_str().unwrap().to_owned();
    let (_, st) = support::get(&format!("{}/_sandbox/webhooks/state", sb.url())).await;
    let w = st["messaging_windows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["igsid"] == to)
        .cloned()
        .unwrap_or_else(|| panic!("{st}"));
    assert_eq!(
        (w["window_open"].clone(), w["last_echo_mid"].clone()),
        (json!(true), json!(mid))
    );
    simulate(
        &sb,
        json!({"event": "reaction", "sender_id": to, "reaction": "wow"}),
    )
    .await;
    let got = get_ok(&sb, &ig, &format!("/{mid}?fields=reactions")).await;
    assert_eq!(got["reactions"]["data"][0]["reaction"], "wow");
    assert_eq!(got["reactions"]["data"][0]["users"][0]["id"], to);
    simulate(
        &sb,
        json!({"event": "unreact", "sender_id": to, "mid": mid}),
    )
    .await;
    let got = get_ok(&sb, &ig, &format!("/{mid}?fields=id,reactions")).await;
    assert!(got.get("reactions").is_none(), "{got}");
    // The person edits, then unsends a message.
    let v = simulate(
        &sb,
        json!({"event": "message", "sender_id": to, "text": "see you at 4"}),
    )
    .await;
    let theirs = v["created"][0]["mid"].as_str().unwrap().to_owned();
    simulate(
        &sb,
        json!({"event": "message_edit", "sender_id": to, "text": "see you at 5"}),
    )
    .await;
    let got = get_ok(&sb, &ig, &format!("/{theirs}?fields=message")).await;
    assert_eq!(got["message"], "see you at 5");
    simulate(&sb, json!({"event": "message_deleted", "sender_id": to})).await;
    get_err(&sb, &ig, &format!("/{theirs}")).await;
    assert!(!message_ids(&sb, &m(&sb, "conversation_id"))
        .await
        .contains(&theirs));
    // A duplicate delivery of one mid is one message.
    let before = message_ids(&sb, &m(&sb, "conversation_id")).await.len();
    simulate(
        &sb,
        json!({"event": "message", "sender_id": to, "duplicates": 2}),
    )
    .await;
    assert_eq!(
        message_ids(&sb, &m(&sb, "conversation_id")).await.len(),
        before + 1
    );
    // An unanswered request is listed, and gone after 30 days without activity.
    simulate(&sb, json!({"event": "message", "sender_id": "5558888"})).await;
    let q = "/me/conversations?platform=instagram&user_id=5558888";
    assert_eq!(
        get_ok(&sb, &ig, q).await["data"].as_array().unwrap().len(),
        1
    );
    advance(&sb, 31 * 24 * 3600).await;
    assert_eq!(get_ok(&sb, &ig, q).await["data"], json!([]));
    // Answered conversations stay.
    let all = get_ok(&sb, &ig, "/me/conversations?platform=instagram").await;
    assert!(all["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == m(&sb, "conversation_id")));
}

#[tokio::test(flavor = "multi_thread")]
async fn thread_control_follows_simulated_handovers() {
    let sb = start();
    let to = m(&sb, "recipient_id");
    // The Page Inbox takes the thread: this app's sends are refused (10/2018300).
    simulate(
        &sb,
        json!({"event": "handover", "action": "take", "sender_id": to}),
    )
    .await;
    let e = send_err(&sb, text_to(&to, "still here?")).await;
    assert_eq!(code(&e), (10, Some(2_018_300)), "{e}");
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("another app is controlling this thread"));
    let (s, v) = post(
        &sb,
        &page_token(&sb),
        &format!("/{}/messages", sb.page_id()),
        text_to(&to, "still here?"),
    )
    .await;
    assert_eq!(code(&error(s, &v)), (10, Some(2_018_300)));
    // A request changes nothing; passing it back restores sending.
    simulate(
        &sb,
        json!({"event": "handover", "action": "request", "sender_id": to}),
    )
    .await;
    send_err(&sb, text_to(&to, "now?")).await;
    simulate(
        &sb,
        json!({"event": "handover", "action": "pass", "sender_id": to}),
    )
    .await;
    send_ok(&sb, text_to(&to, "back with you")).await;
}
