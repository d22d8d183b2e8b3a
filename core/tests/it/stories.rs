//! `stories.list` and `user.tags`: the polling trigger's edges. Stories against the sandbox
//! (live stories only, both login flavours); tags against the scripted fake (request shape
//! and Graph's after-only paging; users.rs reads them from the sandbox).

use crate::fake::{client, Fake};
use instagram_graph::{Client, ErrorKind};
use instagram_graph_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};
use std::collections::HashSet;

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|m| m["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn live_stories_both_logins_and_they_expire() {
    let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let ig = Client::from_json(&json!({"access_token": sb.access_token(), "base_url": sb.url()}))
        .unwrap();
    let stories = ig
        .paginate("stories.list", json!({"limit": 2}), None)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(
        (3..=5).contains(&stories.len()),
        "the demo account has 3–5 live stories, got {}",
        stories.len()
    );
    let distinct: HashSet<String> = ids(&stories).into_iter().collect();
    assert_eq!(distinct.len(), stories.len(), "pages do not overlap");
    for s in &stories {
        assert_eq!(s["media_product_type"], "STORY", "{s}");
        assert!(
            s["timestamp"].is_string() && s["media_url"].is_string(),
            "{s}"
        );
        assert!(s.get("like_count").is_none(), "not in the default fields");
    }
    // Stories are not media.list items.
    let media = ig
        .paginate("media.list", json!({"fields": "id"}), None)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let media_ids: HashSet<String> = ids(&media).into_iter().collect();
    assert!(ids(&stories).iter().all(|s| !media_ids.contains(s)));

    // Facebook Login takes the account id and sees the same stories.
    let fb = Client::from_json(&json!({"access_token": sb.facebook_access_token(), "base_url": sb.url(), "login": "facebook"}))
        .unwrap();
    let e = fb.call("stories.list", json!({})).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidParams);
    assert!(e.message.contains("params.ig_user_id"), "{}", e.message);
    let page = fb
        .call(
            "stories.list",
            json!({"ig_user_id": sb.ig_user_id(), "fields": "id", "limit": 100}),
        )
        .await
        .unwrap();
    let fb_ids: HashSet<String> = ids(page["data"].as_array().unwrap()).into_iter().collect();
    assert_eq!(fb_ids, distinct);

    // A day later every one of them has expired.
    let r = reqwest::Client::new()
        .post(format!("{}/_sandbox/clock", sb.url()))
        .json(&json!({"advance_seconds": 25 * 3600}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let after = ig.call("stories.list", json!({})).await.unwrap();
    assert_eq!(after["data"], json!([]), "{after}");
}

#[tokio::test]
async fn stories_params_are_checked_before_sending() {
    let fake = Fake::start().await;
    let c = client(&fake.url, json!({}));
    let e = c
        .call("stories.list", json!({"limit": 101}))
        .await
        .unwrap_err();
    assert!(
        e.message.starts_with("stories.list: params.limit:"),
        "{}",
        e.message
    );
    let e = c
        .call("stories.list", json!({"fields": "id;x"}))
        .await
        .unwrap_err();
    assert!(e.message.contains("params.fields"), "{}", e.message);
    assert!(fake.seen().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn tags_follow_after_only_cursors() {
    let fake = Fake::start().await;
    // Graph's /tags pages carry cursors.after but no `next`; the walk stops on an empty page.
    fake.push(
        200,
        json!({"data": [{"id": "m1"}, {"id": "m2"}], "paging": {"cursors": {"after": "QUZURVIx"}}}),
    )
    .push(
        200,
        json!({"data": [{"id": "m3"}], "paging": {"cursors": {"after": "QUZURVIy"}}}),
    )
    .push(200, json!({"data": []}));
    let c = client(&fake.url, json!({"login": "facebook"}));
    let items = c
        .paginate(
            "user.tags",
            json!({"ig_user_id": "17841400000000001", "limit": 2}),
            None,
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["m1", "m2", "m3"]);
    let seen = fake.seen();
    assert_eq!(seen.len(), 3);
    for s in &seen {
        assert_eq!(
            (s.method.as_str(), s.path.as_str()),
            ("GET", "/v27.0/17841400000000001/tags")
        );
        assert_eq!(s.q("limit"), Some("2"));
        assert_eq!(s.q("access_token"), Some("TOKEN-abc123"));
        assert!(s.q("fields").unwrap().contains("username"));
    }
    assert_eq!(seen[0].q("after"), None);
    assert_eq!(seen[1].q("after"), Some("QUZURVIx"));
    assert_eq!(seen[2].q("after"), Some("QUZURVIy"));

    // Documented for Facebook Login only: refused before sending with Instagram Login.
    let ig = client(&fake.url, json!({"login": "instagram"}));
    let e = ig
        .call("user.tags", json!({"ig_user_id": "17841400000000001"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert_eq!(fake.seen().len(), 3);
}
