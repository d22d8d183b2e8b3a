//! Messaging against the scripted fake: Meta's documented bodies (fixtures/messaging) sent
//! exactly, both login flavours' routing (Instagram `/me` with the user token; Facebook the
//! Page with its Page token, or `/me` with the only linked Page's token), every validation
//! limit refused before any request, sends never resent, and the messaging error kinds with
//! messages that say what to do.

use crate::fake::{client, Fake};
use crate::fixtures::fixtures_dir;
use instagram_graph::transport::appsecret_proof;
use instagram_graph::{Error, ErrorKind};
use serde_json::{json, Map, Value};

const IGSID: &str = "1234567890123456";
const USER_TOKEN: &str = "TOKEN-abc123";
const APP_SECRET: &str = "APPSECRET-xyz";
const SENT: &str = r#"{"recipient_id":"1234567890123456","message_id":"aWdfZAG1faXRlbTox"}"#;

fn sent() -> Value {
    serde_json::from_str(SENT).unwrap()
}

fn json_body(s: &crate::fake::Seen) -> Value {
    assert_eq!(
        s.content_type.as_deref(),
        Some("application/json"),
        "{} {}",
        s.method,
        s.path
    );
    serde_json::from_str(&s.body).unwrap()
}

/// The messaging fixtures (`fixtures/messaging/*.json`), by file name.
fn request_fixtures() -> Vec<(String, Value)> {
    let dir = fixtures_dir().join("messaging");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let f: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        out.push((path.file_name().unwrap().to_string_lossy().into_owned(), f));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(
        out.len() >= 18,
        "expected the messaging fixtures, found {}",
        out.len()
    );
    out
}

/// Meta's documented body plus what the client adds on top of it.
fn expected_body(f: &Value) -> Value {
    let mut body: Map<String, Value> = f["body"].as_object().unwrap().clone();
    for (k, v) in f["added"].as_object().unwrap() {
        body.insert(k.clone(), v.clone());
    }
    Value::Object(body)
}

#[tokio::test]
async fn instagram_login_sends_metas_documented_bodies_to_me() {
    for (name, f) in request_fixtures() {
        let fake = Fake::start().await;
        fake.push(200, sent());
        let c = client(&fake.url, json!({"login": "instagram"}));
        let op = f["op"].as_str().unwrap();
        c.call(op, f["params"].clone())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let seen = fake.seen();
        assert_eq!(seen.len(), 1, "{name}: one request");
        let s = &seen[0];
        let path: Vec<&str> = f["request"]["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert_eq!(s.method, f["request"]["method"], "{name}");
        assert_eq!(s.path, format!("/v27.0/{}", path.join("/")), "{name}");
        assert_eq!(s.q("access_token"), Some(USER_TOKEN), "{name}");
        assert_eq!(
            s.q("appsecret_proof").map(str::to_owned),
            Some(appsecret_proof(USER_TOKEN, APP_SECRET)),
            "{name}"
        );
        assert_eq!(json_body(s), expected_body(&f), "{name}: body");
    }
}

#[tokio::test]
async fn facebook_login_with_page_id_sends_as_the_page_with_its_token() {
    let fake = Fake::start().await;
    let fixtures = request_fixtures();
    fake.push(200, json!({"id": "555", "access_token": "PAGE-TOKEN-555"}));
    for _ in &fixtures {
        fake.push(200, sent());
    }
    let c = client(&fake.url, json!({"login": "facebook"}));
    for (name, f) in &fixtures {
        let mut params = f["params"].clone();
        params["page_id"] = json!("555");
        c.call(f["op"].as_str().unwrap(), params)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let seen = fake.seen();
    assert_eq!(
        seen.len(),
        fixtures.len() + 1,
        "one Page token lookup, then cached"
    );
    assert_eq!(
        (seen[0].path.as_str(), seen[0].q("fields")),
        ("/v27.0/555", Some("access_token"))
    );
    assert_eq!(seen[0].q("access_token"), Some(USER_TOKEN));
    for ((name, f), s) in fixtures.iter().zip(&seen[1..]) {
        let mut path: Vec<String> = f["request"]["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect();
        path[0] = "555".into();
        assert_eq!(s.path, format!("/v27.0/{}", path.join("/")), "{name}");
        assert_eq!(s.q("access_token"), Some("PAGE-TOKEN-555"), "{name}");
        assert_eq!(
            s.q("appsecret_proof").map(str::to_owned),
            Some(appsecret_proof("PAGE-TOKEN-555", APP_SECRET)),
            "{name}: the proof is of the Page token"
        );
        assert_eq!(json_body(s), expected_body(f), "{name}: body");
    }
}

#[tokio::test]
async fn facebook_login_without_page_id_uses_the_only_linked_page_from_one_listing() {
    let fake = Fake::start().await;
    fake.push(
        200,
        json!({"data": [
            {"id": "111", "access_token": "PAGE-TOKEN-111"},
            {"id": "222", "access_token": "PAGE-TOKEN-222", "instagram_business_account": {"id": "17841400000000001"}}
        ], "paging": {"cursors": {"after": "X"}}}),
    )
    .push(200, sent())
    .push(200, sent())
    .push(200, sent());
    let c = client(&fake.url, json!({"login": "facebook"}));
    let text = json!({"recipient_id": IGSID, "text": "hi"});
    c.call("messages.send_text", text.clone()).await.unwrap();
    c.call("messages.send_text", text.clone()).await.unwrap();
    // The listing's other Page tokens are cached too: no lookup for page 111.
    let mut to_111 = text.clone();
    to_111["page_id"] = json!("111");
    c.call("messages.send_text", to_111).await.unwrap();
    let seen = fake.seen();
    let shape: Vec<(&str, &str)> = seen
        .iter()
        .map(|s| (s.method.as_str(), s.path.as_str()))
        .collect();
    assert_eq!(
        shape,
        [
            ("GET", "/v27.0/me/accounts"),
            ("POST", "/v27.0/me/messages"),
            ("POST", "/v27.0/me/messages"),
            ("POST", "/v27.0/111/messages"),
        ]
    );
    assert_eq!(
        seen[0].q("fields"),
        Some("id,access_token,instagram_business_account{id}")
    );
    assert_eq!(seen[0].q("access_token"), Some(USER_TOKEN));
    assert_eq!(seen[1].q("access_token"), Some("PAGE-TOKEN-222"));
    assert_eq!(seen[2].q("access_token"), Some("PAGE-TOKEN-222"));
    assert_eq!(seen[3].q("access_token"), Some("PAGE-TOKEN-111"));
    assert_eq!(
        seen[1].q("appsecret_proof").map(str::to_owned),
        Some(appsecret_proof("PAGE-TOKEN-222", APP_SECRET))
    );
}

#[tokio::test]
async fn the_linked_page_listing_follows_its_cursor() {
    let fake = Fake::start().await;
    fake.push(
        200,
        json!({"data": [{"id": "111", "access_token": "PAGE-TOKEN-111"}],
               "paging": {"cursors": {"after": "CUR1"}, "next": "https://graph.facebook.com/v27.0/me/accounts?after=CUR1"}}),
    )
    .push(
        200,
        json!({"data": [{"id": "333", "access_token": "PAGE-TOKEN-333", "instagram_business_account": {"id": "1784"}}]}),
    )
    .push(200, json!({"data": [], "paging": {}}));
    let c = client(&fake.url, json!({"login": "facebook"}));
    c.call("conversations.list", json!({})).await.unwrap();
    let seen = fake.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[1].path, "/v27.0/me/accounts");
    assert_eq!(seen[1].q("after"), Some("CUR1"));
    assert_eq!(seen[2].path, "/v27.0/me/conversations");
    assert_eq!(seen[2].q("access_token"), Some("PAGE-TOKEN-333"));
    assert_eq!(seen[2].q("platform"), Some("instagram"));
}

#[tokio::test]
async fn no_or_several_linked_pages_ask_for_page_id_and_send_nothing() {
    let fake = Fake::start().await;
    fake.push(200, json!({"data": [{"id": "111", "access_token": "PAGE-TOKEN-111"}]}))
        .push(
            200,
            json!({"data": [
                {"id": "222", "access_token": "PAGE-TOKEN-222", "instagram_business_account": {"id": "1"}},
                {"id": "333", "access_token": "PAGE-TOKEN-333", "instagram_business_account": {"id": "2"}}
            ]}),
        );
    let c = client(&fake.url, json!({"login": "facebook"}));
    let text = json!({"recipient_id": IGSID, "text": "hi"});
    let e = c
        .call("messages.send_text", text.clone())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidParams);
    assert!(
        e.message
            .starts_with("messages.send_text: params.page_id: is required")
            && e.message
                .contains("no Page with a linked Instagram account"),
        "{}",
        e.message
    );
    let e = c.call("messages.send_text", text).await.unwrap_err();
    assert!(
        e.message.contains("params.page_id") && e.message.contains("222, 333"),
        "{}",
        e.message
    );
    let seen = fake.seen();
    assert_eq!(seen.len(), 2, "only the listings; no message was sent");
    assert!(seen.iter().all(|s| s.method == "GET"));
    assert!(!format!("{e:?}").contains("PAGE-TOKEN"), "{e:?}");
}

#[tokio::test]
async fn page_tokens_never_show_in_errors() {
    let fake = Fake::start().await;
    fake.push(
        200,
        json!({"data": [{"id": "222", "access_token": "PAGE-TOKEN-222", "instagram_business_account": {"id": "1"}}]}),
    )
    .push(
        400,
        json!({"error": {"message": "bad token PAGE-TOKEN-222 in https://x/?access_token=PAGE-TOKEN-222", "code": 190, "type": "OAuthException"}}),
    );
    let c = client(&fake.url, json!({"login": "facebook"}));
    let e = c
        .call(
            "messages.send_text",
            json!({"recipient_id": IGSID, "text": "hi"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    let all = format!("{e} {e:?} {}", e.to_json());
    assert!(!all.contains("PAGE-TOKEN-222"), "{all}");
    assert!(c.secrets().iter().any(|s| s == "PAGE-TOKEN-222"));
}

/// `(op, params, the param path the error must name)`: each is refused before any request.
fn invalid_cases() -> Vec<(&'static str, Value, &'static str)> {
    let r = IGSID;
    let long = |n: usize| "x".repeat(n);
    let button = |title: &str| json!({"type": "postback", "title": title, "payload": "P"});
    let web = json!({"type": "web_url", "title": "Open", "url": "https://example.com"});
    let element = json!({"title": "T", "buttons": [web]});
    let qr = |title: &str| json!({"content_type": "text", "title": title, "payload": "P"});
    let ib = |n: usize| {
        json!([{"locale": "default", "call_to_actions":
            (0..n).map(|i| json!({"question": format!("Q{i}?"), "payload": "P"})).collect::<Vec<_>>()}])
    };
    vec![
        // ids
        ("messages.send_text", json!({"text": "hi"}), "recipient_id"),
        (
            "messages.send_text",
            json!({"recipient_id": "me", "text": "hi"}),
            "recipient_id",
        ),
        (
            "messages.send_text",
            json!({"recipient_id": "1/../2", "text": "hi"}),
            "recipient_id",
        ),
        (
            "messages.send_text",
            json!({"recipient_id": r, "text": "hi", "colour": 1}),
            "colour",
        ),
        (
            "messages.send_text",
            json!({"recipient_id": r, "text": "hi", "human_agent": "yes"}),
            "human_agent",
        ),
        // text: bytes, not characters
        (
            "messages.send_text",
            json!({"recipient_id": r, "text": "é".repeat(501)}),
            "text",
        ),
        (
            "messages.send_text",
            json!({"recipient_id": r, "text": long(1001)}),
            "text",
        ),
        (
            "messages.send_text",
            json!({"recipient_id": r, "text": "  "}),
            "text",
        ),
        (
            "messages.send_text",
            json!({"recipient_id": r, "text": "hi", "reply_to": "not a mid!"}),
            "reply_to",
        ),
        // media
        (
            "messages.send_media",
            json!({"recipient_id": r, "type": "gif", "url": "https://example.com/a.gif"}),
            "type",
        ),
        (
            "messages.send_media",
            json!({"recipient_id": r, "type": "image", "url": "http://example.com/a.jpg"}),
            "url",
        ),
        (
            "messages.send_media",
            json!({"recipient_id": r, "type": "image"}),
            "url",
        ),
        (
            "messages.send_media",
            json!({"recipient_id": r, "type": "image", "url": "https://example.com/a.jpg", "attachment_id": "123"}),
            "attachment_id",
        ),
        (
            "messages.send_images",
            json!({"recipient_id": r, "urls": (0..11).map(|i| format!("https://example.com/{i}.jpg")).collect::<Vec<_>>()}),
            "urls",
        ),
        (
            "messages.send_images",
            json!({"recipient_id": r, "urls": []}),
            "urls",
        ),
        (
            "messages.send_images",
            json!({"recipient_id": r, "urls": ["https://example.com/1.jpg", "https://example.com/2.jpg", "https://example.com/3.jpg", "ftp://example.com/4.jpg"]}),
            "urls[3]",
        ),
        (
            "messages.send_sticker",
            json!({"recipient_id": r, "sticker": "smile"}),
            "sticker",
        ),
        (
            "messages.share_post",
            json!({"recipient_id": r, "media_id": ""}),
            "media_id",
        ),
        // button template
        (
            "messages.send_button_template",
            json!({"recipient_id": r, "text": long(641), "buttons": [button("A")]}),
            "text",
        ),
        (
            "messages.send_button_template",
            json!({"recipient_id": r, "text": "t", "buttons": [button("A"), button("B"), button("C"), button("D")]}),
            "buttons",
        ),
        (
            "messages.send_button_template",
            json!({"recipient_id": r, "text": "t", "buttons": []}),
            "buttons",
        ),
        (
            "messages.send_button_template",
            json!({"recipient_id": r, "text": "t", "buttons": [button("A"), button(&long(21))]}),
            "buttons[1].title",
        ),
        (
            "messages.send_button_template",
            json!({"recipient_id": r, "text": "t", "buttons": [{"type": "phone_number", "title": "Call", "payload": "+1"}]}),
            "buttons[0].type",
        ),
        (
            "messages.send_button_template",
            json!({"recipient_id": r, "text": "t", "buttons": [{"type": "web_url", "title": "Open"}]}),
            "buttons[0].url",
        ),
        (
            "messages.send_button_template",
            json!({"recipient_id": r, "text": "t", "buttons": [{"type": "web_url", "title": "Open", "url": "http://example.com"}]}),
            "buttons[0].url",
        ),
        (
            "messages.send_button_template",
            json!({"recipient_id": r, "text": "t", "buttons": [button("A"), button("B"), {"type": "postback", "title": "C", "payload": long(1001)}]}),
            "buttons[2].payload",
        ),
        (
            "messages.send_button_template",
            json!({"recipient_id": r, "text": "t", "buttons": [{"type": "postback", "title": "C"}]}),
            "buttons[0].payload",
        ),
        (
            "messages.send_button_template",
            json!({"recipient_id": r, "text": "t", "buttons": [{"type": "postback", "title": "C", "payload": "P", "extra": 1}]}),
            "buttons[0].extra",
        ),
        // generic template
        (
            "messages.send_generic_template",
            json!({"recipient_id": r, "elements": vec![element.clone(); 11]}),
            "elements",
        ),
        (
            "messages.send_generic_template",
            json!({"recipient_id": r, "elements": [element, element, element, {"title": "T", "buttons": [button("A"), button(&long(21))]}]}),
            "elements[3].buttons[1].title",
        ),
        (
            "messages.send_generic_template",
            json!({"recipient_id": r, "elements": [{"title": long(81)}]}),
            "elements[0].title",
        ),
        (
            "messages.send_generic_template",
            json!({"recipient_id": r, "elements": [{"title": "T", "subtitle": long(81)}]}),
            "elements[0].subtitle",
        ),
        (
            "messages.send_generic_template",
            json!({"recipient_id": r, "elements": [{"title": "T"}, {"title": "T", "image_url": "http://example.com/a.jpg"}]}),
            "elements[1].image_url",
        ),
        (
            "messages.send_generic_template",
            json!({"recipient_id": r, "elements": [{"title": "T", "default_action_url": "javascript:alert(1)"}]}),
            "elements[0].default_action_url",
        ),
        (
            "messages.send_generic_template",
            json!({"recipient_id": r, "elements": [{"title": "T", "buttons": [button("A"), button("B"), button("C"), button("D")]}]}),
            "elements[0].buttons",
        ),
        // quick replies
        (
            "messages.send_quick_replies",
            json!({"recipient_id": r, "text": "t", "quick_replies": (0..14).map(|i| qr(&format!("Q{i}"))).collect::<Vec<_>>()}),
            "quick_replies",
        ),
        (
            "messages.send_quick_replies",
            json!({"recipient_id": r, "text": "t", "quick_replies": [qr(&long(21))]}),
            "quick_replies[0].title",
        ),
        (
            "messages.send_quick_replies",
            json!({"recipient_id": r, "text": "t", "quick_replies": [{"title": "A", "payload": long(1001)}]}),
            "quick_replies[0].payload",
        ),
        (
            "messages.send_quick_replies",
            json!({"recipient_id": r, "text": "t", "quick_replies": [qr("A"), {"content_type": "user_email", "title": "E", "payload": "E"}]}),
            "quick_replies[1].content_type",
        ),
        (
            "messages.send_quick_replies",
            json!({"recipient_id": r, "text": long(1001), "quick_replies": [qr("A")]}),
            "text",
        ),
        // reactions, sender actions, attachments
        (
            "messages.react",
            json!({"recipient_id": r, "mid": ""}),
            "mid",
        ),
        (
            "messages.react",
            json!({"recipient_id": r, "mid": "m1", "reaction": ""}),
            "reaction",
        ),
        ("messages.unreact", json!({"recipient_id": r}), "mid"),
        (
            "messages.sender_action",
            json!({"recipient_id": r, "sender_action": "typing"}),
            "sender_action",
        ),
        (
            "messages.upload_attachment",
            json!({"type": "image", "url": "http://example.com/a.jpg"}),
            "url",
        ),
        (
            "messages.upload_attachment",
            json!({"type": "sticker", "url": "https://example.com/a.jpg"}),
            "type",
        ),
        ("messages.get", json!({"mid": "m 1"}), "mid"),
        (
            "messages.get",
            json!({"mid": "m1", "fields": "id,,from"}),
            "fields",
        ),
        // conversations
        ("conversations.list", json!({"user_id": "me"}), "user_id"),
        ("conversations.list", json!({"limit": 101}), "limit"),
        (
            "conversations.messages",
            json!({"conversation_id": ""}),
            "conversation_id",
        ),
        (
            "conversations.messages",
            json!({"conversation_id": "c1", "after": "A", "before": "B"}),
            "before",
        ),
        // messenger profile
        (
            "messenger_profile.set_ice_breakers",
            json!({"ice_breakers": ib(5)}),
            "ice_breakers[0].call_to_actions",
        ),
        (
            "messenger_profile.set_ice_breakers",
            json!({"ice_breakers": [{"locale": "en_US", "call_to_actions": [{"question": "Q?", "payload": "P"}]}]}),
            "ice_breakers",
        ),
        (
            "messenger_profile.set_ice_breakers",
            json!({"ice_breakers": [{"locale": "default", "call_to_actions": [{"question": long(81), "payload": "P"}]}]}),
            "ice_breakers[0].call_to_actions[0].question",
        ),
        (
            "messenger_profile.set_ice_breakers",
            json!({"ice_breakers": [{"locale": "english", "call_to_actions": [{"question": "Q?", "payload": "P"}]}]}),
            "ice_breakers[0].locale",
        ),
        (
            "messenger_profile.set_persistent_menu",
            json!({"persistent_menu": [{"call_to_actions": [{"type": "phone_number", "title": "Call", "payload": "1"}]}]}),
            "persistent_menu[0].call_to_actions[0].type",
        ),
        (
            "messenger_profile.set_persistent_menu",
            json!({"persistent_menu": [{"call_to_actions": [{"type": "web_url", "title": long(31), "url": "https://example.com"}]}]}),
            "persistent_menu[0].call_to_actions[0].title",
        ),
        ("messenger_profile.delete", json!({"fields": []}), "fields"),
        (
            "messenger_profile.delete",
            json!({"fields": ["greeting"]}),
            "fields[0]",
        ),
        (
            "messenger_profile.get",
            json!({"fields": ["ice_breakers", "get_started"]}),
            "fields[1]",
        ),
    ]
}

#[tokio::test]
async fn every_limit_is_refused_before_any_request_naming_the_param() {
    let fake = Fake::start().await;
    for login in ["instagram", "facebook"] {
        let c = client(&fake.url, json!({"login": login}));
        for (op, params, path) in invalid_cases() {
            let mut params = params;
            if login == "facebook" {
                // With a Page given, nothing needs looking up before validation fails.
                params["page_id"] = json!("555");
            }
            let e = c.call(op, params.clone()).await.unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidParams, "{op} {params}: {e}");
            let want = format!("{op}: params.{path}:");
            assert!(
                e.message.starts_with(&want),
                "{login} {op}: want {want:?}, got {:?}",
                e.message
            );
        }
    }
    assert_eq!(fake.seen().len(), 0, "no request for invalid params");
}

#[tokio::test]
async fn limits_count_what_meta_counts() {
    let fake = Fake::start().await;
    for _ in 0..6 {
        fake.push(200, sent());
    }
    let c = client(&fake.url, json!({}));
    // 1000 bytes exactly; 20 characters of 2 bytes each; 80-character titles; 13 replies; 10 images.
    let ok = [
        (
            "messages.send_text",
            json!({"recipient_id": IGSID, "text": "x".repeat(1000)}),
        ),
        (
            "messages.send_quick_replies",
            json!({"recipient_id": IGSID, "text": "t",
            "quick_replies": (0..13).map(|_| json!({"title": "é".repeat(20), "payload": "P"})).collect::<Vec<_>>()}),
        ),
        (
            "messages.send_generic_template",
            json!({"recipient_id": IGSID,
            "elements": (0..10).map(|_| json!({"title": "é".repeat(80), "subtitle": "s".repeat(80)})).collect::<Vec<_>>()}),
        ),
        (
            "messages.send_images",
            json!({"recipient_id": IGSID,
            "urls": (0..10).map(|i| format!("https://example.com/{i}.jpg")).collect::<Vec<_>>()}),
        ),
        (
            "messages.send_button_template",
            json!({"recipient_id": IGSID, "text": "é".repeat(640),
            "buttons": (0..3).map(|_| json!({"type": "postback", "title": "t", "payload": "p".repeat(1000)})).collect::<Vec<_>>()}),
        ),
        (
            "messages.send_text",
            json!({"recipient_id": IGSID, "text": "🙂".repeat(250)}),
        ),
    ];
    for (op, params) in ok {
        c.call(op, params.clone())
            .await
            .unwrap_or_else(|e| panic!("{op}: {e}"));
    }
    assert_eq!(fake.seen().len(), 6);
}

#[tokio::test]
async fn instagram_login_refuses_page_id_before_sending() {
    let fake = Fake::start().await;
    let c = client(&fake.url, json!({"login": "instagram"}));
    for op in [
        "messages.send_text",
        "conversations.list",
        "messenger_profile.get",
    ] {
        let params = match op {
            "messages.send_text" => json!({"recipient_id": IGSID, "text": "hi", "page_id": "555"}),
            _ => json!({"page_id": "555"}),
        };
        let e = c.call(op, params).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParams, "{op}");
        assert!(
            e.message
                .contains("params.page_id: is a Facebook Login setting"),
            "{}",
            e.message
        );
    }
    assert!(fake.seen().is_empty());
}

#[tokio::test]
async fn sends_are_never_resent_but_uploads_and_reads_are_retried() {
    let fake = Fake::start().await;
    let transient = json!({"error": {"message": "temporary", "code": 2, "is_transient": true}});
    fake.push(500, transient.clone())
        .push(200, sent())
        .push(500, transient.clone())
        .push(200, json!({"attachment_id": "1857777774821032"}));
    let c = client(&fake.url, json!({}));
    let e = c
        .call(
            "messages.send_text",
            json!({"recipient_id": IGSID, "text": "hi"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transient);
    assert_eq!(
        fake.seen().len(),
        1,
        "a send that may have landed is not repeated"
    );
    // The queued 200 answers the next call, so the send above really was not retried.
    c.call(
        "messages.send_text",
        json!({"recipient_id": IGSID, "text": "hi"}),
    )
    .await
    .unwrap();
    let v = c
        .call(
            "messages.upload_attachment",
            json!({"type": "image", "url": "https://example.com/cat.jpg"}),
        )
        .await
        .unwrap();
    assert_eq!(v["attachment_id"], "1857777774821032");
    assert_eq!(fake.seen().len(), 4, "the upload was retried once");
    let ops = instagram_graph::operations();
    for o in ops.as_array().unwrap() {
        let id = o["id"].as_str().unwrap();
        if id.starts_with("messages.") && id != "messages.get" && id != "messages.upload_attachment"
        {
            assert_eq!(o["idempotent"], false, "{id}");
        }
    }
}

#[tokio::test]
async fn throttled_sends_are_retried_since_meta_refused_them() {
    let fake = Fake::start().await;
    fake.push_with_headers(
        400,
        &[("retry-after", "0")],
        json!({"error": {"message": "(#613) Calls to this api have exceeded the rate limit.", "code": 613}}),
    )
    .push(200, sent());
    let c = client(&fake.url, json!({}));
    c.call(
        "messages.send_text",
        json!({"recipient_id": IGSID, "text": "hi"}),
    )
    .await
    .unwrap();
    assert_eq!(fake.seen().len(), 2);
}

#[test]
fn messaging_error_fixtures_classify_as_documented() {
    let dir = fixtures_dir().join("messaging/errors");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let f: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let status = f["http_status"].as_u64().unwrap() as u16;
        let got = Error::from_graph(status, Some(&f["body"])).to_json();
        for (k, want) in f["expected"].as_object().unwrap() {
            assert_eq!(&got[k], want, "{}: field {k}", path.display());
        }
        assert_eq!(got["retryable"], false, "{}", path.display());
        let msg = got["message"].as_str().unwrap();
        let meta = f["body"]["error"]["message"].as_str().unwrap();
        assert!(
            msg.starts_with(meta),
            "{}: keeps Meta's text: {msg}",
            path.display()
        );
        match got["kind"].as_str().unwrap() {
            "outside_window" => assert!(
                msg.contains("24 hours")
                    && msg.contains("7 days")
                    && msg.contains("human_agent=true"),
                "{msg}"
            ),
            "recipient_unavailable" => assert!(msg.contains("retrying will not help"), "{msg}"),
            _ => {}
        }
        n += 1;
    }
    assert!(n >= 6, "expected the messaging error fixtures, found {n}");
}

#[tokio::test]
async fn each_messaging_code_maps_to_its_kind_end_to_end() {
    let cases = [
        (400, 10, Some(2018278), ErrorKind::OutsideWindow),
        (403, 10, Some(2534022), ErrorKind::OutsideWindow),
        (400, 10, Some(1893063), ErrorKind::OutsideWindow),
        (400, 551, Some(1545041), ErrorKind::RecipientUnavailable),
        (400, 10, Some(2018300), ErrorKind::Permission),
    ];
    for (status, code, sub, kind) in cases {
        let fake = Fake::start().await;
        fake.push(
            status,
            json!({"error": {"message": "refused", "code": code, "error_subcode": sub, "fbtrace_id": "T"}}),
        );
        // React carries no human_agent; conversations are read only after an outside-window refusal.
        fake.push(200, json!({"data": []}));
        let c = client(&fake.url, json!({}));
        let e = c
            .call(
                "messages.react",
                json!({"recipient_id": IGSID, "mid": "m1"}),
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind, kind, "{code}/{sub:?}");
        assert_eq!((e.code, e.error_subcode), (Some(code), sub));
        let posts = fake.seen().iter().filter(|s| s.method == "POST").count();
        assert_eq!(posts, 1, "never resent");
        assert!(fake
            .seen()
            .iter()
            .all(|s| s.method == "POST" || s.path.ends_with("/conversations")));
    }
    let fake = Fake::start().await;
    fake.push(
        400,
        json!({"error": {"message": "User consent is required to access the user profile", "code": 230}}),
    );
    let c = client(&fake.url, json!({}));
    let e = c
        .call("messages.get", json!({"mid": "m1"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Permission);
    assert!(
        e.message.contains("only after they have messaged"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn outside_the_window_the_error_says_which_window_closed_and_when() {
    let fake = Fake::start().await;
    let refusal = json!({"error": {"message": "(#10) This message is sent outside of allowed window.", "type": "OAuthException", "code": 10, "error_subcode": 2018278, "fbtrace_id": "T"}});
    let conversation = json!({"data": [{"id": "c1", "updated_time": "2026-11-28T10:00:00+0000"}]});
    let messages = json!({"id": "c1", "messages": {"data": [
        {"id": "m3", "created_time": "2026-11-28T10:00:00+0000", "from": {"id": "17841400000000001", "username": "shop"}},
        {"id": "m2", "created_time": "2026-11-27T09:00:00+0000", "from": {"id": IGSID, "username": "ann"}},
        {"id": "m1", "created_time": "2026-11-26T08:00:00+0000", "from": {"id": IGSID, "username": "ann"}}
    ]}});
    fake.push(400, refusal.clone())
        .push(200, conversation.clone())
        .push(200, messages.clone())
        .push(400, refusal.clone())
        .push(200, conversation)
        .push(200, messages);
    let c = client(&fake.url, json!({}));
    let e = c
        .call(
            "messages.send_text",
            json!({"recipient_id": IGSID, "text": "hi"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::OutsideWindow);
    assert!(
        e.message
            .starts_with("messages.send_text: (#10) This message is sent outside"),
        "{}",
        e.message
    );
    assert!(
        e.message
            .contains("the 24-hour standard window closed at 2026-11-28T09:00:00Z")
            && e.message
                .contains("the person last wrote at 2026-11-27T09:00:00Z")
            && e.message
                .contains("until 2026-12-04T09:00:00Z with human_agent=true"),
        "{}",
        e.message
    );
    let e = c
        .call(
            "messages.send_text",
            json!({"recipient_id": IGSID, "text": "hi", "human_agent": true}),
        )
        .await
        .unwrap_err();
    assert!(
        e.message
            .contains("the HUMAN_AGENT 7-day window closed at 2026-12-04T09:00:00Z"),
        "{}",
        e.message
    );
    let seen = fake.seen();
    let shape: Vec<(&str, &str)> = seen
        .iter()
        .map(|s| (s.method.as_str(), s.path.as_str()))
        .collect();
    assert_eq!(
        shape,
        [
            ("POST", "/v27.0/me/messages"),
            ("GET", "/v27.0/me/conversations"),
            ("GET", "/v27.0/c1"),
            ("POST", "/v27.0/me/messages"),
            ("GET", "/v27.0/me/conversations"),
            ("GET", "/v27.0/c1"),
        ],
        "reads only after the refusal, the send itself never repeated"
    );
    assert_eq!(seen[1].q("user_id"), Some(IGSID));
    assert_eq!(seen[1].q("platform"), Some("instagram"));
    assert_eq!(
        seen[2].q("fields"),
        Some("messages.limit(20){from,created_time}")
    );
    assert_eq!(json_body(&seen[3])["tag"], "HUMAN_AGENT");
}

#[tokio::test]
async fn outside_the_window_without_a_readable_conversation_still_names_both_windows() {
    let fake = Fake::start().await;
    fake.push(
        403,
        json!({"error": {"message": "This message is sent outside of allowed window.", "code": 10, "error_subcode": 2534022}}),
    )
    .push(400, json!({"error": {"message": "(#3) no permission", "code": 3}}));
    let c = client(&fake.url, json!({}));
    let e = c
        .call(
            "messages.send_text",
            json!({"recipient_id": IGSID, "text": "hi"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::OutsideWindow);
    assert_eq!(e.http_status, Some(403));
    assert!(
        e.message.contains("24-hour standard window") && e.message.contains("7 days"),
        "{}",
        e.message
    );
    assert_eq!(fake.seen().len(), 2);
}

#[tokio::test]
async fn conversations_list_and_page_through_nested_messages_with_the_page_token() {
    let fake = Fake::start().await;
    fake.push(200, json!({"id": "555", "access_token": "PAGE-TOKEN-555"}))
        .push(
            200,
            json!({"data": [{"id": "c1", "updated_time": "2026-11-30T10:00:00+0000"}],
                   "paging": {"cursors": {"after": "C1"}}}),
        )
        .push(
            200,
            json!({"id": "c1", "messages": {"data": [{"id": "m3"}, {"id": "m2"}],
                "paging": {"cursors": {"after": "A1"}, "next": "https://graph.facebook.com/v27.0/c1/messages?after=A1"}}}),
        )
        .push(
            200,
            json!({"id": "c1", "messages": {"data": [{"id": "m1"}], "paging": {"cursors": {"after": "A2"}}}}),
        )
        .push(200, json!({"id": "m1", "created_time": "2026-11-30T09:00:00+0000"}));
    let c = client(&fake.url, json!({"login": "facebook"}));
    let v = c
        .call(
            "conversations.list",
            json!({"page_id": "555", "user_id": IGSID, "limit": 10}),
        )
        .await
        .unwrap();
    assert_eq!(v["data"][0]["id"], "c1");
    let all = c
        .paginate(
            "conversations.messages",
            json!({"conversation_id": "c1", "page_id": "555", "limit": 2}),
            None,
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["m3", "m2", "m1"]);
    c.call(
        "messages.get",
        json!({"mid": "m1", "page_id": "555", "fields": "id,created_time"}),
    )
    .await
    .unwrap();
    let seen = fake.seen();
    assert_eq!(seen.len(), 5);
    assert_eq!(seen[1].path, "/v27.0/555/conversations");
    assert_eq!(seen[1].q("platform"), Some("instagram"));
    assert_eq!(seen[1].q("user_id"), Some(IGSID));
    assert_eq!(seen[1].q("limit"), Some("10"));
    assert_eq!(seen[2].path, "/v27.0/c1");
    assert_eq!(
        seen[2].q("fields"),
        Some("messages.limit(2){id,created_time,from,to,message}")
    );
    assert_eq!(
        seen[3].q("fields"),
        Some("messages.limit(2).after(A1){id,created_time,from,to,message}")
    );
    assert_eq!(seen[4].path, "/v27.0/m1");
    assert_eq!(seen[4].q("fields"), Some("id,created_time"));
    for s in &seen[1..] {
        assert_eq!(s.q("access_token"), Some("PAGE-TOKEN-555"), "{}", s.path);
    }
}

#[tokio::test]
async fn messenger_profile_reads_and_deletes_with_platform_instagram() {
    let fake = Fake::start().await;
    fake.push(200, json!({"data": [{"ice_breakers": []}]}))
        .push(200, json!({"result": "success"}));
    let c = client(&fake.url, json!({}));
    c.call("messenger_profile.get", json!({})).await.unwrap();
    c.call(
        "messenger_profile.delete",
        json!({"fields": ["persistent_menu", "ice_breakers", "persistent_menu"]}),
    )
    .await
    .unwrap();
    let seen = fake.seen();
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("GET", "/v27.0/me/messenger_profile")
    );
    assert_eq!(seen[0].q("fields"), Some("ice_breakers,persistent_menu"));
    assert_eq!(seen[0].q("platform"), Some("instagram"));
    assert_eq!(seen[1].method, "DELETE");
    assert_eq!(
        json_body(&seen[1]),
        json!({"fields": ["persistent_menu", "ice_breakers"], "platform": "instagram"})
    );
}

// ---- against the sandbox (Meta's windows on its virtual clock, Page tokens, conversations) ----

use instagram_graph::Client;
use instagram_graph_sandbox::{Sandbox, SandboxOptions};

fn sb_client(sb: &Sandbox, login: &str) -> Client {
    let token = if login == "facebook" {
        sb.facebook_access_token()
    } else {
        sb.access_token()
    };
    Client::from_json(&json!({
        "access_token": token, "base_url": sb.url(), "login": login,
        "app_id": sb.app_id(), "app_secret": sb.app_secret(),
    }))
    .unwrap()
}

fn info(sb: &Sandbox, key: &str) -> String {
    sb.info_json()["messaging"][key]
        .as_str()
        .unwrap_or_else(|| panic!("info.messaging.{key}"))
        .to_owned()
}

async fn served(sb: &Sandbox) -> u64 {
    let url = format!("{}/_sandbox/stats", sb.url());
    let v: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    v["requests"].as_u64().unwrap()
}

#[tokio::test]
async fn sandbox_windows_on_both_flavours() {
    let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let open = info(&sb, "recipient_id");
    let agent = info(&sb, "recipient_id_human_agent");
    let closed = info(&sb, "recipient_id_closed");
    for login in ["instagram", "facebook"] {
        let c = sb_client(&sb, login);
        // Inside the 24-hour window: a standard reply.
        let v = c
            .call(
                "messages.send_text",
                json!({"recipient_id": open, "text": format!("hi from {login}")}),
            )
            .await
            .unwrap_or_else(|e| panic!("{login}: {e}"));
        assert_eq!(v["recipient_id"], json!(open), "{login}: {v}");
        assert!(
            v["message_id"].as_str().is_some_and(|m| !m.is_empty()),
            "{v}"
        );
        // Two days after the person's last message: 24 h closed, a human may still answer.
        let e = c
            .call(
                "messages.send_text",
                json!({"recipient_id": agent, "text": "bot reply"}),
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutsideWindow, "{login}: {e}");
        assert!(
            e.message.contains("the 24-hour standard window closed at"),
            "{login}: said when, from the conversation: {}",
            e.message
        );
        assert!(e.message.contains("human_agent=true"), "{}", e.message);
        c.call(
            "messages.send_text",
            json!({"recipient_id": agent, "text": "a human here", "human_agent": true}),
        )
        .await
        .unwrap_or_else(|e| panic!("{login}: human agent within 7 days: {e}"));
        // Eight days: both windows closed.
        let e = c
            .call(
                "messages.send_text",
                json!({"recipient_id": closed, "text": "late", "human_agent": true}),
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutsideWindow, "{login}: {e}");
        assert!(
            e.message.contains("HUMAN_AGENT 7-day window"),
            "{login}: {}",
            e.message
        );
    }
}

#[tokio::test]
async fn sandbox_facebook_login_finds_the_linked_page_and_reads_conversations() {
    let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let c = sb_client(&sb, "facebook");
    let open = info(&sb, "recipient_id");
    let conversation = info(&sb, "conversation_id");
    let mid = info(&sb, "mid");
    let v = c
        .call("conversations.list", json!({"user_id": open}))
        .await
        .unwrap();
    assert_eq!(v["data"][0]["id"], json!(conversation), "{v}");
    let messages = c
        .paginate(
            "conversations.messages",
            json!({"conversation_id": conversation, "limit": 1}),
            Some(5),
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(!messages.is_empty());
    assert!(
        messages
            .iter()
            .all(|m| m.get("id").is_some() && m.get("created_time").is_some()),
        "{messages:?}"
    );
    if messages.len() > 1 {
        assert_ne!(messages[0]["id"], messages[1]["id"], "pages move on");
    }
    let m = c.call("messages.get", json!({"mid": mid})).await.unwrap();
    assert_eq!(m["id"], json!(mid), "{m}");
    c.call("messages.react", json!({"recipient_id": open, "mid": mid}))
        .await
        .unwrap();
    c.call(
        "messages.sender_action",
        json!({"recipient_id": open, "sender_action": "typing_on"}),
    )
    .await
    .unwrap();
    // With page_id given, the same Page: its token is already cached.
    let page = sb.page_id().to_owned();
    c.call(
        "messages.send_text",
        json!({"recipient_id": open, "text": "from the Page", "page_id": page}),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn sandbox_unavailable_person_and_invalid_params_send_nothing() {
    let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let c = sb_client(&sb, "instagram");
    if let Some(gone) = sb.info_json()["messaging"]["recipient_id_unavailable"].as_str() {
        let e = c
            .call(
                "messages.send_text",
                json!({"recipient_id": gone, "text": "hi"}),
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::RecipientUnavailable, "{e}");
    }
    let before = served(&sb).await;
    let open = info(&sb, "recipient_id");
    for (op, params, _) in invalid_cases() {
        let mut params = params;
        if params.get("recipient_id").is_some_and(|r| r == IGSID) {
            params["recipient_id"] = json!(open);
        }
        let e = c.call(op, params).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParams, "{op}: {e}");
    }
    assert_eq!(
        served(&sb).await,
        before,
        "invalid params reach no endpoint"
    );
}

#[tokio::test]
async fn sandbox_media_templates_and_messenger_profile() {
    let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let open = info(&sb, "recipient_id");
    for login in ["instagram", "facebook"] {
        let c = sb_client(&sb, login);
        let up = c
            .call(
                "messages.upload_attachment",
                json!({"type": "image", "url": "https://example.com/cat.jpg"}),
            )
            .await
            .unwrap_or_else(|e| panic!("{login}: {e}"));
        let attachment = up["attachment_id"]
            .as_str()
            .expect("attachment_id")
            .to_owned();
        let sends = [
            (
                "messages.send_media",
                json!({"recipient_id": open, "type": "image", "attachment_id": attachment}),
            ),
            (
                "messages.send_media",
                json!({"recipient_id": open, "type": "file", "url": "https://example.com/menu.pdf"}),
            ),
            (
                "messages.send_images",
                json!({"recipient_id": open, "urls": ["https://example.com/1.jpg", "https://example.com/2.jpg"]}),
            ),
            ("messages.send_sticker", json!({"recipient_id": open})),
            (
                "messages.send_button_template",
                json!({"recipient_id": open, "text": "What next?",
                "buttons": [{"type": "postback", "title": "Talk to agent", "payload": "AGENT"},
                            {"type": "web_url", "title": "Shop", "url": "https://example.com/shop"}]}),
            ),
            (
                "messages.send_generic_template",
                json!({"recipient_id": open, "elements": [{"title": "T", "subtitle": "S",
                "image_url": "https://example.com/t.jpg", "default_action_url": "https://example.com/t",
                "buttons": [{"type": "postback", "title": "Pick", "payload": "PICK_1"}]}]}),
            ),
            (
                "messages.send_quick_replies",
                json!({"recipient_id": open, "text": "Pick one",
                "quick_replies": [{"title": "Yes", "payload": "YES"}, {"title": "No", "payload": "NO"}]}),
            ),
            (
                "messages.sender_action",
                json!({"recipient_id": open, "sender_action": "mark_seen"}),
            ),
        ];
        for (op, params) in sends {
            c.call(op, params)
                .await
                .unwrap_or_else(|e| panic!("{login} {op}: {e}"));
        }
        c.call(
            "messenger_profile.set_ice_breakers",
            json!({"ice_breakers": [{"call_to_actions": [
                {"question": "Where are you located?", "payload": "LOCATION"},
                {"question": "What are your hours?", "payload": "HOURS"}]}]}),
        )
        .await
        .unwrap_or_else(|e| panic!("{login}: {e}"));
        c.call(
            "messenger_profile.set_persistent_menu",
            json!({"persistent_menu": [{"call_to_actions": [
                {"type": "web_url", "title": "Shop", "url": "https://example.com/shop"},
                {"type": "postback", "title": "Talk to agent", "payload": "AGENT"}]}]}),
        )
        .await
        .unwrap_or_else(|e| panic!("{login}: {e}"));
        let v = c.call("messenger_profile.get", json!({})).await.unwrap();
        let text = v.to_string();
        assert!(
            text.contains("Where are you located?") && text.contains("Talk to agent"),
            "{login}: {v}"
        );
        c.call(
            "messenger_profile.delete",
            json!({"fields": ["ice_breakers"]}),
        )
        .await
        .unwrap();
        let v = c
            .call("messenger_profile.get", json!({"fields": ["ice_breakers"]}))
            .await
            .unwrap();
        assert!(
            !v.to_string().contains("Where are you located?"),
            "{login}: {v}"
        );
    }
}
