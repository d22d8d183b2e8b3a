//! `graph.request`: the raw escape hatch goes through the same machinery as every operation
//! (token, appsecret_proof, error mapping, retries only for GETs or declared-idempotent
//! writes, paging) and refuses bad paths, credentials and removed features before sending.

use crate::fake::{client, Fake};
use crate::users::run_fixtures;
use instagram_graph::ErrorKind;
use serde_json::{json, Value};

#[tokio::test]
async fn documented_answers_parse_through_the_operation() {
    assert!(run_fixtures(&["graph."]).await >= 1);
}

#[tokio::test]
async fn authenticated_like_every_operation() {
    let fake = Fake::start().await;
    fake.push(200, json!({"id": "1784", "username": "x"}));
    let c = client(&fake.url, json!({"login": "instagram"}));
    let v = c
        .call(
            "graph.request",
            json!({"path": "me", "query": {"fields": "id,username"}}),
        )
        .await
        .unwrap();
    assert_eq!(v["username"], "x");
    let s = &fake.seen()[0];
    assert_eq!((s.method.as_str(), s.path.as_str()), ("GET", "/v27.0/me"));
    assert_eq!(s.q("access_token"), Some("TOKEN-abc123"));
    assert_eq!(
        s.q("appsecret_proof"),
        Some(instagram_graph::transport::appsecret_proof("TOKEN-abc123", "APPSECRET-xyz").as_str())
    );
    assert_eq!(s.q("fields"), Some("id,username"));
}

#[tokio::test]
async fn form_and_json_bodies() {
    let fake = Fake::start().await;
    fake.push(200, json!({"id": "c1"}))
        .push(200, json!({"message_id": "m1"}));
    let c = client(&fake.url, json!({"login": "facebook"}));
    c.call(
        "graph.request",
        json!({"method": "POST", "path": "17900000000000000/replies", "body": {"message": "Thanks!", "n": 2}}),
    )
    .await
    .unwrap();
    c.call(
        "graph.request",
        json!({"method": "POST", "path": "me/messages", "body_format": "json",
               "body": {"recipient": {"id": "6542"}, "message": {"text": "hi"}}}),
    )
    .await
    .unwrap();
    let seen = fake.seen();
    assert_eq!(seen[0].method, "POST");
    assert!(seen[0]
        .content_type
        .as_deref()
        .unwrap()
        .starts_with("application/x-www-form-urlencoded"));
    let form = seen[0].form();
    assert!(
        form.contains(&("message".into(), "Thanks!".into())),
        "{form:?}"
    );
    assert!(form.contains(&("n".into(), "2".into())));
    assert!(seen[1]
        .content_type
        .as_deref()
        .unwrap()
        .starts_with("application/json"));
    let body: Value = serde_json::from_str(&seen[1].body).unwrap();
    assert_eq!(
        body,
        json!({"recipient": {"id": "6542"}, "message": {"text": "hi"}})
    );
    for s in &seen {
        assert!(s.q("access_token").is_some() && s.q("appsecret_proof").is_some());
    }
}

#[tokio::test]
async fn errors_map_like_any_operation() {
    let fake = Fake::start().await;
    fake.push(400, json!({"error": {"message": "Unsupported get request. Object with ID '1' does not exist", "type": "GraphMethodException", "code": 100, "error_subcode": 33, "fbtrace_id": "T1"}}))
        .push(400, json!({"error": {"message": "Unsupported get request.", "code": 100, "error_subcode": 33}}));
    let c = client(&fake.url, json!({}));
    let e = c
        .call("graph.request", json!({"path": "1"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(e.code, Some(100));
    assert!(e.message.starts_with("graph.request:"), "{}", e.message);
}

#[tokio::test]
async fn writes_are_retried_only_when_declared_idempotent() {
    let transient = json!({"error": {"message": "tmp", "code": 2, "is_transient": true}});
    // A GET is retried.
    let fake = Fake::start().await;
    fake.push(400, transient.clone())
        .push(200, json!({"id": "1"}));
    let c = client(&fake.url, json!({}));
    c.call("graph.request", json!({"path": "1"})).await.unwrap();
    assert_eq!(fake.seen().len(), 2);
    // A POST failing ambiguously (5xx) is not repeated on a guess.
    let fake = Fake::start().await;
    fake.push(503, json!(null)).push(200, json!({"id": "1"}));
    let c = client(&fake.url, json!({}));
    let e = c
        .call(
            "graph.request",
            json!({"method": "POST", "path": "1/comments", "body": {"message": "hi"}}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transient, "{}", e.message);
    assert_eq!(fake.seen().len(), 1);
    // Declared idempotent: retried.
    let fake = Fake::start().await;
    fake.push(503, json!(null))
        .push(200, json!({"success": true}));
    let c = client(&fake.url, json!({}));
    c.call(
        "graph.request",
        json!({"method": "POST", "path": "1", "query": {"comment_enabled": false}, "idempotent": true}),
    )
    .await
    .unwrap();
    assert_eq!(fake.seen().len(), 2);
    assert_eq!(fake.seen()[1].q("comment_enabled"), Some("false"));
}

#[tokio::test]
async fn paginates_list_endpoints_through_the_normal_machinery() {
    let fake = Fake::start().await;
    fake.push(200, json!({"data": [{"id": "m1"}, {"id": "m2"}], "paging": {"cursors": {"after": "QUFB"}, "next": "https://graph.facebook.com/v27.0/1784/media?after=QUFB"}}))
        .push(200, json!({"data": [{"id": "m3"}], "paging": {"cursors": {"after": "QkJC"}}}));
    let c = client(&fake.url, json!({}));
    let mut p = c
        .paginate(
            "graph.request",
            json!({"path": "1784/media", "query": {"fields": "id"}}),
            None,
        )
        .unwrap();
    let mut ids = Vec::new();
    while let Some(page) = p.next_page().await.unwrap() {
        ids.extend(
            page.data
                .into_iter()
                .map(|m| m["id"].as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(ids, ["m1", "m2", "m3"]);
    let seen = fake.seen();
    assert_eq!(seen.len(), 2, "stops without next");
    assert_eq!(
        seen[0].q("limit"),
        None,
        "Graph's own page size unless asked"
    );
    assert_eq!(seen[0].q("after"), None);
    assert_eq!(seen[1].q("after"), Some("QUFB"));
    assert_eq!(seen[1].q("fields"), Some("id"));
    for s in &seen {
        assert_eq!(s.path, "/v27.0/1784/media");
        assert!(s.q("access_token").is_some() && s.q("appsecret_proof").is_some());
    }
    // max_items and an explicit page size.
    fake.push(200, json!({"data": [{"id": "m1"}, {"id": "m2"}], "paging": {"cursors": {"after": "QUFB"}, "next": "https://x/next"}}));
    let items = c
        .paginate(
            "graph.request",
            json!({"path": "1784/media", "limit": 2}),
            Some(1),
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(fake.seen().len(), 3);
    assert_eq!(fake.seen()[2].q("limit"), Some("2"));
}

#[tokio::test]
async fn bad_requests_are_refused_before_sending() {
    let fake = Fake::start().await;
    let c = client(&fake.url, json!({}));
    for (params, at) in [
        (
            json!({"path": "https://graph.facebook.com/v27.0/me"}),
            "path",
        ),
        (json!({"path": "../../oauth/access_token"}), "path"),
        (json!({"path": "me?fields=id"}), "path"),
        (json!({"path": "v26.0/me"}), "path"),
        (json!({"path": ""}), "path"),
        (
            json!({"path": "me", "query": {"access_token": "other"}}),
            "query.access_token",
        ),
        (
            json!({"path": "me", "query": {"appsecret_proof": "x"}}),
            "query.appsecret_proof",
        ),
        (
            json!({"method": "POST", "path": "me", "body": {"access_token": "x"}}),
            "body.access_token",
        ),
        (json!({"path": "", "query": {"ids": "1,2"}}), "query.ids"),
        (
            json!({"path": "me", "query": {"pretty": 1}}),
            "query.pretty",
        ),
        (
            json!({"path": "me", "query": {"debug": "all"}}),
            "query.debug",
        ),
        (
            json!({"path": "me", "query": {"method": "delete"}}),
            "query.method",
        ),
        (
            json!({"path": "me", "query": {"callback": "f"}}),
            "query.callback",
        ),
        (
            json!({"path": "me", "query": {"fields": "username.as(handle)"}}),
            "query.fields",
        ),
        (json!({"path": "me", "body": {"x": 1}}), "body"),
        (json!({"method": "PUT", "path": "me"}), "method"),
        (json!({"path": "me", "query": "fields=id"}), "query"),
        (json!({"path": "me", "body": [1]}), "body"),
        (json!({"path": "me", "limit": 101}), "limit"),
        (json!({"path": "me", "headers": {}}), "headers"),
        (json!({}), "path"),
    ] {
        let e = c.call("graph.request", params.clone()).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParams, "{params}: {}", e.message);
        assert!(
            e.message
                .starts_with(&format!("graph.request: params.{at}:")),
            "{params}: {}",
            e.message
        );
    }
    assert!(fake.seen().is_empty(), "nothing was sent");
    // Paginating refuses the same way, before the first page.
    assert!(c
        .paginate(
            "graph.request",
            json!({"path": "me", "query": {"after": "x"}}),
            None
        )
        .is_err());
    assert!(fake.seen().is_empty());
}

#[test]
fn catalogue_entry() {
    let ops = instagram_graph::operations();
    let g = ops
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "graph.request")
        .unwrap();
    let props = &g["params"]["properties"];
    assert_eq!(props["query"]["type"], "object");
    assert_eq!(props["body"]["type"], "object");
    assert_eq!(props["method"]["enum"], json!(["GET", "POST", "DELETE"]));
    assert_eq!(g["params"]["required"], json!(["path"]));
    assert_eq!(g["paginated"], true);
    assert_eq!(g["idempotent"], false);
    assert_eq!(g["logins"], json!(["facebook", "instagram"]));
}

#[tokio::test]
async fn against_the_sandbox_both_logins() {
    use crate::users::{fb_client, served};
    use instagram_graph::Client;
    use instagram_graph_sandbox::{Sandbox, SandboxOptions};
    let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let ig = Client::from_json(&json!({"access_token": sb.access_token(), "base_url": sb.url()}))
        .unwrap();
    let me = ig
        .call(
            "graph.request",
            json!({"path": "me", "query": {"fields": "user_id,username"}}),
        )
        .await
        .unwrap();
    assert_eq!(me["user_id"], sb.ig_user_id());

    let fb = fb_client(&sb);
    let path = format!("{}/media", sb.ig_user_id());
    let walked = fb
        .paginate(
            "graph.request",
            json!({"path": path, "query": {"fields": "id"}, "limit": 3}),
            None,
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let listed = fb
        .paginate(
            "media.list",
            json!({"ig_user_id": sb.ig_user_id(), "fields": "id"}),
            None,
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(walked, listed, "the raw walk sees what media.list sees");

    // A write with a form body; Graph's error for a bad one comes back mapped.
    let media_id = sb.info_json()["content"]["media_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let c = fb
        .call(
            "graph.request",
            json!({"method": "POST", "path": format!("{media_id}/comments"), "body": {"message": "Raw hello"}}),
        )
        .await
        .unwrap();
    assert!(c["id"].is_string(), "{c}");
    let e = fb
        .call("graph.request", json!({"path": "17841499999999999"}))
        .await
        .unwrap_err();
    assert!(
        matches!(e.kind, ErrorKind::NotFound | ErrorKind::InvalidParams),
        "{:?}: {}",
        e.kind,
        e.message
    );
    let before = served(&sb).await;
    let e = fb
        .call(
            "graph.request",
            json!({"path": "me", "query": {"access_token": "x"}}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidParams);
    assert_eq!(served(&sb).await, before, "refused before sending");
}
