//! The client against the embedded sandbox: the same calls users make, end to end over HTTP.

use instagram_graph::{Client, ErrorKind};
use instagram_graph_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};

fn start() -> (Sandbox, Client) {
    let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let c = Client::from_json(&json!({"access_token": sb.access_token(), "base_url": sb.url()}))
        .unwrap();
    (sb, c)
}

async fn stats(sb: &Sandbox) -> Value {
    reqwest::get(format!("{}/_sandbox/stats", sb.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn profile_and_every_media_exactly_once() {
    let (sb, c) = start();
    let me = c.call("user.get", json!({})).await.unwrap();
    let media_count = me["media_count"].as_u64().expect("media_count");
    assert!(
        media_count >= 150,
        "demo account has at least 150 media, got {media_count}"
    );

    let items = c
        .paginate(
            "media.list",
            json!({"ig_user_id": sb.ig_user_id(), "fields": "id,media_type,media_product_type"}),
            None,
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(items.len() as u64, media_count);
    let ids: HashSet<&str> = items.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), items.len(), "no duplicates");
    let mut by_type = BTreeMap::new();
    for m in &items {
        *by_type
            .entry((
                m["media_type"].as_str().unwrap(),
                m["media_product_type"].as_str().unwrap(),
            ))
            .or_insert(0) += 1;
    }
    for want in [
        ("IMAGE", "FEED"),
        ("VIDEO", "REELS"),
        ("CAROUSEL_ALBUM", "FEED"),
    ] {
        assert!(
            by_type.contains_key(&want),
            "demo data mixes {want:?}: {by_type:?}"
        );
    }
    // limit=100 pages: ceil(media/100) requests for the walk, plus the profile.
    let s = stats(&sb).await;
    assert_eq!(
        s["requests"].as_u64().unwrap(),
        1 + media_count.div_ceil(100)
    );
}

#[tokio::test]
async fn one_page_has_clean_next_and_last_page_has_none() {
    let (sb, c) = start();
    let page = c
        .call(
            "media.list",
            json!({"ig_user_id": sb.ig_user_id(), "limit": 25, "fields": "id"}),
        )
        .await
        .unwrap();
    assert_eq!(page["data"].as_array().unwrap().len(), 25);
    let next = page["paging"]["next"].as_str().expect("more pages");
    assert!(!next.contains("access_token") && !next.contains(sb.access_token()));
    let since = c
        .call(
            "media.list",
            json!({"ig_user_id": sb.ig_user_id(), "limit": 100, "fields": "id,timestamp"}),
        )
        .await
        .unwrap();
    let newest = since["data"][0]["timestamp"].as_str().unwrap().to_owned();
    let only_newest = c
        .call(
            "media.list",
            json!({"ig_user_id": sb.ig_user_id(), "since": newest, "fields": "id"}),
        )
        .await
        .unwrap();
    assert_eq!(
        only_newest["data"].as_array().unwrap().len(),
        1,
        "since is inclusive and filters"
    );
    assert!(
        only_newest["paging"].get("next").is_none(),
        "last page has no next"
    );
}

#[tokio::test]
async fn media_children_and_comments() {
    let (sb, c) = start();
    let all = c
        .paginate(
            "media.list",
            json!({"ig_user_id": sb.ig_user_id(), "fields": "id,media_type,comments_count"}),
            None,
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let carousel = all
        .iter()
        .find(|m| m["media_type"] == "CAROUSEL_ALBUM")
        .unwrap();
    let m = c
        .call("media.get", json!({"media_id": carousel["id"], "fields": "id,media_type,children{id,media_type,media_url}"}))
        .await
        .unwrap();
    let kids = m["children"]["data"].as_array().unwrap();
    assert!((2..=10).contains(&kids.len()));
    assert!(kids.iter().all(|k| k["media_url"].is_string()));

    let busiest = all
        .iter()
        .max_by_key(|m| m["comments_count"].as_u64().unwrap())
        .unwrap();
    let want = busiest["comments_count"].as_u64().unwrap();
    let comments = c
        .paginate("comments.list", json!({"media_id": busiest["id"]}), None)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    // comments_count counts replies too on Instagram; top-level comments can be fewer.
    assert!(!comments.is_empty() && comments.len() as u64 <= want);
    assert!(comments.iter().all(|c| c["text"].is_string()));
}

#[tokio::test]
async fn graph_errors_come_back_classified() {
    let (sb, _) = start();
    let bad = Client::from_json(&json!({"access_token": "WRONG-TOKEN-123", "base_url": sb.url()}))
        .unwrap();
    let e = bad.call("user.get", json!({})).await.unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Auth, Some(190)));
    assert!(!e.to_string().contains("WRONG-TOKEN-123"));

    let c = Client::from_json(&json!({"access_token": sb.access_token(), "base_url": sb.url()}))
        .unwrap();
    let e = c
        .call("media.get", json!({"media_id": "999999999"}))
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind, e.code, e.error_subcode),
        (ErrorKind::NotFound, Some(100), Some(33))
    );
    assert!(e.fbtrace_id.is_some());
}

#[tokio::test]
async fn appsecret_proof_is_accepted_when_required() {
    let opts = SandboxOptions {
        require_appsecret_proof: true,
        ..SandboxOptions::default()
    };
    let sb = Sandbox::start(opts).unwrap();
    let unsigned =
        Client::from_json(&json!({"access_token": sb.access_token(), "base_url": sb.url()}))
            .unwrap();
    assert!(unsigned.call("user.get", json!({})).await.is_err());
    let signed = Client::from_json(
        &json!({"access_token": sb.access_token(), "base_url": sb.url(), "app_secret": sb.app_secret()}),
    )
    .unwrap();
    signed.call("user.get", json!({})).await.unwrap();
    assert!(signed.usage().is_some(), "usage headers are read");
}

#[tokio::test]
async fn facebook_login_finds_the_instagram_account_through_its_pages() {
    let (sb, _) = start();
    // Facebook Login needs the Facebook user token: the sandbox answers an Instagram token on
    // /me/accounts as graph.facebook.com does (190).
    let fb = Client::from_json(
        &json!({"access_token": sb.facebook_access_token(), "base_url": sb.url(), "login": "facebook"}),
    )
    .unwrap();
    let pages = fb
        .paginate("pages.list", json!({}), None)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let linked: Vec<&str> = pages
        .iter()
        .filter_map(|p| {
            p.pointer("/instagram_business_account/id")
                .and_then(Value::as_str)
        })
        .collect();
    assert_eq!(linked, vec![sb.ig_user_id()]);
    assert!(
        pages.iter().all(|p| p.get("access_token").is_none()),
        "no Page tokens unless asked"
    );
    // ... and that id is what Facebook Login operations then take.
    let me = fb
        .call(
            "user.get",
            json!({"ig_user_id": linked[0], "fields": "id,username"}),
        )
        .await
        .unwrap();
    assert_eq!(me["id"], sb.ig_user_id());
}
