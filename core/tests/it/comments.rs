//! Comment operations on the wire (scripted fake): paths, form bodies, the nested replies of
//! `comments.list`, zero requests for invalid params, and the private reply's sender on both
//! login flavours (Facebook Login: the Page, with the Page's token).

use crate::fake::{client, Fake, Seen};
use instagram_graph::ErrorKind;
use serde_json::{json, Value};

fn path(s: &Seen) -> &str {
    s.path.splitn(3, '/').nth(2).unwrap_or_default()
}

fn body(s: &Seen) -> Value {
    serde_json::from_str(&s.body).unwrap()
}

#[tokio::test]
async fn reads_and_writes() {
    let fake = Fake::start().await;
    fake.push(
        200,
        json!({"data": [{"id": "1", "text": "hi", "replies": {"data": [{"id": "2"}]}}]}),
    )
    .push(200, json!({"id": "1", "text": "hi"}))
    .push(200, json!({"data": [{"id": "2"}]}))
    .push(200, json!({"id": "3"}))
    .push(200, json!({"id": "4"}))
    .push(200, json!({"success": true}))
    .push(200, json!({"success": true}));
    let c = client(&fake.url, json!({"login": "instagram"}));
    let p = c
        .call(
            "comments.list",
            json!({"media_id": "179", "fields": "id,text", "include_replies": true, "limit": 50}),
        )
        .await
        .unwrap();
    assert_eq!(p["data"][0]["replies"]["data"][0]["id"], "2");
    c.call("comments.get", json!({"comment_id": "1"}))
        .await
        .unwrap();
    c.call("comments.replies", json!({"comment_id": "1"}))
        .await
        .unwrap();
    let r = c
        .call(
            "comments.create",
            json!({"media_id": "179", "message": "Great shot 📸"}),
        )
        .await
        .unwrap();
    assert_eq!(r["id"], "3");
    c.call(
        "comments.reply",
        json!({"comment_id": "1", "message": "Thanks!"}),
    )
    .await
    .unwrap();
    c.call("comments.hide", json!({"comment_id": "2", "hide": false}))
        .await
        .unwrap();
    c.call("comments.delete", json!({"comment_id": "2"}))
        .await
        .unwrap();
    let seen = fake.seen();
    let wire: Vec<(&str, &str)> = seen.iter().map(|s| (s.method.as_str(), path(s))).collect();
    assert_eq!(
        wire,
        [
            ("GET", "179/comments"),
            ("GET", "1"),
            ("GET", "1/replies"),
            ("POST", "179/comments"),
            ("POST", "1/replies"),
            ("POST", "2"),
            ("DELETE", "2"),
        ]
    );
    assert!(seen[0].q("fields").unwrap().starts_with("id,text,replies{"));
    assert_eq!(seen[0].q("limit"), Some("50"));
    assert_eq!(
        seen[3].form(),
        vec![("message".to_owned(), "Great shot 📸".to_owned())]
    );
    assert_eq!(
        seen[3].q("message"),
        None,
        "text travels in the body, not the URL"
    );
    assert_eq!(
        seen[4].form(),
        vec![("message".to_owned(), "Thanks!".to_owned())]
    );
    assert_eq!(
        seen[5].form(),
        vec![("hide".to_owned(), "false".to_owned())]
    );
}

#[tokio::test]
async fn a_failed_comment_is_not_posted_twice() {
    let fake = Fake::start().await;
    // An ambiguous failure: a retry could post the comment twice, so none is made.
    fake.push(500, json!({"error": {"message": "An unknown error has occurred.", "type": "OAuthException", "code": 1, "is_transient": true}}))
        .push(200, json!({"id": "3"}));
    let c = client(&fake.url, json!({"login": "instagram"}));
    let e = c
        .call(
            "comments.create",
            json!({"media_id": "179", "message": "hello"}),
        )
        .await
        .unwrap_err();
    assert_eq!(fake.seen().len(), 1, "{e}");
}

#[tokio::test]
async fn invalid_params_send_nothing() {
    let fake = Fake::start().await;
    let c = client(&fake.url, json!({"login": "instagram"}));
    let long = "x".repeat(2201);
    for (op, params, at) in [
        (
            "comments.create",
            json!({"media_id": "179", "message": long}),
            "params.message",
        ),
        (
            "comments.create",
            json!({"media_id": "179", "message": ""}),
            "params.message",
        ),
        (
            "comments.create",
            json!({"message": "hi"}),
            "params.media_id",
        ),
        (
            "comments.reply",
            json!({"comment_id": "me", "message": "hi"}),
            "params.comment_id",
        ),
        (
            "comments.hide",
            json!({"comment_id": "1", "hide": "true"}),
            "params.hide",
        ),
        (
            "comments.delete",
            json!({"comment_id": " "}),
            "params.comment_id",
        ),
        (
            "comments.get",
            json!({"comment_id": "1", "fields": "id,,text"}),
            "params.fields",
        ),
        (
            "comments.replies",
            json!({"comment_id": "1", "limit": 0}),
            "params.limit",
        ),
        (
            "comments.list",
            json!({"media_id": "1", "include_replies": 1}),
            "params.include_replies",
        ),
        (
            "comments.private_reply",
            json!({"comment_id": "1", "text": "é".repeat(501)}),
            "params.text",
        ),
        (
            "comments.private_reply",
            json!({"comment_id": "1", "text": "hi", "page_id": "2"}),
            "params.page_id",
        ),
        (
            "comments.private_reply",
            json!({"comment_id": "1", "message": "hi"}),
            "params.message",
        ),
    ] {
        let e = c.call(op, params).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParams, "{op}: {e}");
        assert!(
            e.message.starts_with(&format!("{op}: {at}")),
            "{op}: {}",
            e.message
        );
    }
    assert!(fake.seen().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn private_reply_with_instagram_login() {
    let fake = Fake::start().await;
    fake.push(
        200,
        json!({"recipient_id": "5551", "message_id": "aWdfZAG"}),
    );
    let c = client(&fake.url, json!({"login": "instagram"}));
    let r = c
        .call(
            "comments.private_reply",
            json!({"comment_id": "17858893269000001", "text": "Check your DMs!"}),
        )
        .await
        .unwrap();
    assert_eq!(r["message_id"], "aWdfZAG");
    let seen = fake.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].method.as_str(), path(&seen[0])),
        ("POST", "me/messages")
    );
    assert_eq!(
        body(&seen[0]),
        json!({"recipient": {"comment_id": "17858893269000001"}, "message": {"text": "Check your DMs!"}})
    );
    assert_eq!(seen[0].q("access_token"), Some("TOKEN-abc123"));
}

#[tokio::test]
async fn private_reply_with_facebook_login_sends_as_the_page() {
    let fake = Fake::start().await;
    // No page_id: the only Page with a linked account (one listing gives its token), then
    // the send to /me/messages with that Page's token.
    fake.push(
        200,
        json!({"data": [
            {"id": "900", "name": "No IG", "access_token": "PAGE-TOKEN-900"},
            {"id": "901", "name": "Shop", "access_token": "PAGE-TOKEN-901", "instagram_business_account": {"id": "17841400000000001"}}
        ]}),
    )
    .push(200, json!({"recipient_id": "5551", "message_id": "m1"}));
    let c = client(&fake.url, json!({"login": "facebook"}));
    c.call(
        "comments.private_reply",
        json!({"comment_id": "178", "text": "hi"}),
    )
    .await
    .unwrap();
    let seen = fake.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(path(&seen[0]), "me/accounts");
    assert_eq!(
        (seen[1].method.as_str(), path(&seen[1])),
        ("POST", "me/messages")
    );
    assert_eq!(
        seen[1].q("access_token"),
        Some("PAGE-TOKEN-901"),
        "the Page's token"
    );

    // Two linked Pages and no page_id: a clear choice, nothing sent.
    let fake = Fake::start().await;
    fake.push(
        200,
        json!({"data": [
            {"id": "901", "access_token": "PAGE-TOKEN-901", "instagram_business_account": {"id": "17841400000000001"}},
            {"id": "902", "access_token": "PAGE-TOKEN-902", "instagram_business_account": {"id": "17841400000000002"}}
        ]}),
    );
    let c = client(&fake.url, json!({"login": "facebook"}));
    let e = c
        .call(
            "comments.private_reply",
            json!({"comment_id": "178", "text": "hi"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidParams);
    assert!(
        e.message.contains("params.page_id") && e.message.contains("901, 902"),
        "{}",
        e.message
    );
    assert_eq!(fake.seen().len(), 1, "only the listing");

    // page_id given: that Page's token, its own messages edge.
    let fake = Fake::start().await;
    fake.push(200, json!({"id": "903", "access_token": "PAGE-TOKEN-903"}))
        .push(200, json!({"recipient_id": "5551", "message_id": "m3"}));
    let c = client(&fake.url, json!({"login": "facebook"}));
    c.call(
        "comments.private_reply",
        json!({"comment_id": "178", "text": "hi", "page_id": "903"}),
    )
    .await
    .unwrap();
    let seen = fake.seen();
    assert_eq!(path(&seen[0]), "903");
    assert_eq!(path(&seen[1]), "903/messages");
    assert_eq!(seen[1].q("access_token"), Some("PAGE-TOKEN-903"));
}

#[tokio::test]
async fn a_second_private_reply_says_why_it_was_refused() {
    let fake = Fake::start().await;
    fake.push(400, json!({"error": {"message": "(#10) This message is sent outside of allowed window.", "type": "OAuthException", "code": 10, "error_subcode": 2534022, "fbtrace_id": "Xy"}}));
    let c = client(&fake.url, json!({"login": "instagram"}));
    let e = c
        .call(
            "comments.private_reply",
            json!({"comment_id": "178", "text": "again"}),
        )
        .await
        .unwrap_err();
    assert!(
        e.message.starts_with("comments.private_reply: "),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("within 7 days of the comment"),
        "{}",
        e.message
    );
    assert!(!e.message.contains("24 hours"), "{}", e.message);
    assert_eq!(e.code, Some(10));
    assert_eq!(fake.seen().len(), 1, "never retried");
}

// ---------------------------------------------------------------------------------------------
// Against the sandbox (fixtures in `/_sandbox/info`'s `content` and `messaging`).

mod on_sandbox {
    use instagram_graph::{Client, ErrorKind};
    use instagram_graph_sandbox::{Sandbox, SandboxOptions};
    use serde_json::json;

    fn info(sb: &Sandbox, group: &str, key: &str) -> String {
        sb.info_json()[group][key]
            .as_str()
            .unwrap_or_else(|| panic!("{group}.{key} in /_sandbox/info"))
            .to_owned()
    }

    fn clients(sb: &Sandbox) -> (Client, Client) {
        let ig =
            Client::from_json(&json!({"access_token": sb.access_token(), "base_url": sb.url()}))
                .unwrap();
        let fb = Client::from_json(&json!({"access_token": sb.facebook_access_token(), "base_url": sb.url(), "login": "facebook"}))
            .unwrap();
        (ig, fb)
    }

    #[tokio::test]
    async fn a_comment_thread_from_list_to_delete() {
        let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
        let (ig, _) = clients(&sb);
        let media = info(&sb, "content", "media_id");
        let top = info(&sb, "content", "comment_id");

        let page = ig
            .call(
                "comments.list",
                json!({"media_id": media, "fields": "id,text", "include_replies": true, "limit": 50}),
            )
            .await
            .unwrap();
        let with_replies = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == top.as_str())
            .expect("the fixture comment is on the first page");
        assert!(
            with_replies["replies"]["data"]
                .as_array()
                .is_some_and(|r| !r.is_empty()),
            "{with_replies}"
        );
        let replies = ig
            .call("comments.replies", json!({"comment_id": top}))
            .await
            .unwrap();
        assert!(!replies["data"].as_array().unwrap().is_empty());

        let created = ig
            .call(
                "comments.create",
                json!({"media_id": media, "message": "Lovely light ✨"}),
            )
            .await
            .unwrap();
        let id = created["id"].as_str().expect("id").to_owned();
        let got = ig
            .call(
                "comments.get",
                json!({"comment_id": id, "fields": "id,text"}),
            )
            .await
            .unwrap();
        assert_eq!(got["text"], "Lovely light ✨");
        let reply = ig
            .call(
                "comments.reply",
                json!({"comment_id": top, "message": "Thank you!"}),
            )
            .await
            .unwrap();
        assert!(reply["id"].is_string(), "{reply}");

        let r = ig
            .call("comments.hide", json!({"comment_id": top, "hide": true}))
            .await
            .unwrap();
        assert_eq!(r["success"], true);
        let got = ig
            .call(
                "comments.get",
                json!({"comment_id": top, "fields": "id,hidden"}),
            )
            .await
            .unwrap();
        assert_eq!(got["hidden"], true);

        let r = ig
            .call("comments.delete", json!({"comment_id": id}))
            .await
            .unwrap();
        assert_eq!(r["success"], true);
        let e = ig
            .call("comments.get", json!({"comment_id": id}))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{e}");

        let closed = info(&sb, "content", "media_id_comments_disabled");
        let e = ig
            .call(
                "comments.create",
                json!({"media_id": closed, "message": "hello?"}),
            )
            .await
            .unwrap_err();
        assert_ne!(
            e.kind,
            ErrorKind::InvalidParams,
            "Graph's refusal, not ours: {e}"
        );
        assert!(e.code.is_some(), "{e}");
    }

    #[tokio::test]
    async fn private_replies_once_and_within_seven_days() {
        let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
        let (ig, fb) = clients(&sb);
        let fresh = info(&sb, "messaging", "comment_id_private_reply");
        let old = info(&sb, "messaging", "comment_id_old");

        // Facebook Login, no page_id: the only linked Page sends, with its token.
        let r = fb
            .call(
                "comments.private_reply",
                json!({"comment_id": fresh, "text": "Thanks, details in your DMs"}),
            )
            .await
            .unwrap();
        assert!(r["message_id"].is_string(), "{r}");

        let e = ig
            .call(
                "comments.private_reply",
                json!({"comment_id": fresh, "text": "again"}),
            )
            .await
            .unwrap_err();
        assert!(
            e.message.contains("one private reply per comment"),
            "{}",
            e.message
        );

        let e = ig
            .call(
                "comments.private_reply",
                json!({"comment_id": old, "text": "late"}),
            )
            .await
            .unwrap_err();
        assert!(
            e.message.contains("within 7 days of the comment"),
            "{}",
            e.message
        );
    }
}
