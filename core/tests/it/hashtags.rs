//! Hashtags: Meta's documented answers, the 30-unique-hashtags-per-7-days budget (read
//! first, refusal before the search, repeats free), the per-client cache, and after-only paging.

use crate::fake::{client, Fake};
use crate::users::run_fixtures;
use instagram_graph::ErrorKind;
use serde_json::{json, Value};

const U: &str = "17841405309211844";

fn recent(n: usize) -> Value {
    json!({"data": (0..n).map(|i| json!({"id": format!("1784{i:04}"), "name": format!("tag{i}")})).collect::<Vec<_>>()})
}

#[tokio::test]
async fn documented_answers_parse_through_the_operations() {
    let n = run_fixtures(&["hashtags."]).await;
    assert!(n >= 4, "expected the hashtag fixtures, ran {n}");
}

#[tokio::test]
async fn a_new_hashtag_beyond_the_budget_is_refused_before_searching() {
    let fake = Fake::start().await;
    fake.push(200, recent(30));
    let c = client(&fake.url, json!({"login": "facebook"}));
    let e = c
        .call(
            "hashtags.search",
            json!({"ig_user_id": U, "name": "brandnew"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited, "{}", e.message);
    assert_eq!(e.delivery.as_str(), "not_sent");
    assert!(
        e.message.contains("30 unique hashtags per rolling 7 days"),
        "{}",
        e.message
    );
    assert!(e.message.contains("#brandnew"), "{}", e.message);
    let seen = fake.seen();
    assert_eq!(seen.len(), 1, "only the budget was read");
    assert_eq!(
        seen[0].path,
        format!("/v27.0/{U}/recently_searched_hashtags")
    );
    assert_eq!(seen[0].q("limit"), Some("30"));
}

#[tokio::test]
async fn repeats_are_free_and_answered_from_the_budget_list() {
    let fake = Fake::start().await;
    fake.push(200, recent(30));
    let c = client(&fake.url, json!({"login": "facebook"}));
    let v = c
        .call("hashtags.search", json!({"ig_user_id": U, "name": "#TAG7"}))
        .await
        .unwrap();
    assert_eq!(v, json!({"id": "17840007", "name": "tag7"}));
    assert_eq!(
        fake.seen().len(),
        1,
        "no search: Graph already listed its id"
    );
}

#[tokio::test]
async fn ids_are_cached_per_client_case_insensitively() {
    let fake = Fake::start().await;
    fake.push(200, recent(3))
        .push(200, json!({"data": [{"id": "17841593698074073"}]}));
    let c = client(&fake.url, json!({"login": "facebook"}));
    let v = c
        .call(
            "hashtags.search",
            json!({"ig_user_id": U, "name": "BlueBottle"}),
        )
        .await
        .unwrap();
    assert_eq!(v, json!({"id": "17841593698074073", "name": "bluebottle"}));
    let seen = fake.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].path, "/v27.0/ig_hashtag_search");
    assert_eq!(seen[1].q("user_id"), Some(U));
    assert_eq!(seen[1].q("q"), Some("bluebottle"));

    // Same client (or a clone), any case, any account: no request at all.
    let clone = c.clone();
    for name in ["#BLUEBOTTLE", "bluebottle"] {
        let v = clone
            .call(
                "hashtags.search",
                json!({"ig_user_id": "17841400000000009", "name": name}),
            )
            .await
            .unwrap();
        assert_eq!(v["id"], "17841593698074073");
    }
    assert_eq!(fake.seen().len(), 2);

    // Another client has its own cache.
    fake.push(200, recent(0))
        .push(200, json!({"data": [{"id": "17841593698074073"}]}));
    let other = client(&fake.url, json!({"login": "facebook"}));
    other
        .call(
            "hashtags.search",
            json!({"ig_user_id": U, "name": "bluebottle"}),
        )
        .await
        .unwrap();
    assert_eq!(fake.seen().len(), 4);
}

#[tokio::test]
async fn the_slot_time_is_named_when_this_client_made_every_search() {
    let fake = Fake::start().await;
    // 29 searches in the window, then ours (the 30th) through this client.
    let mut r = recent(29);
    fake.push(200, r.clone())
        .push(200, json!({"data": [{"id": "17849999"}]}));
    let c = client(&fake.url, json!({"login": "facebook"}));
    c.call("hashtags.search", json!({"ig_user_id": U, "name": "ours"}))
        .await
        .unwrap();
    // Now full; the 29 others were searched elsewhere, so their times are unknown.
    r["data"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "17849999", "name": "ours"}));
    fake.push(200, r);
    let e = c
        .call(
            "hashtags.search",
            json!({"ig_user_id": U, "name": "another"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert!(
        e.message.contains("7 days after the oldest"),
        "{}",
        e.message
    );
    assert_eq!(e.retry_after, None);
    assert_eq!(fake.seen().len(), 3);
}

#[tokio::test]
async fn unknown_hashtags_are_not_found() {
    let fake = Fake::start().await;
    fake.push(200, recent(0)).push(200, json!({"data": []}));
    let c = client(&fake.url, json!({"login": "facebook"}));
    let e = c
        .call(
            "hashtags.search",
            json!({"ig_user_id": U, "name": "zzzqqq"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(e.message.contains("#zzzqqq"), "{}", e.message);
}

#[tokio::test]
async fn hashtag_media_follow_after_only_cursors() {
    let fake = Fake::start().await;
    let page = |ids: &[&str], after: &str| {
        json!({"data": ids.iter().map(|i| json!({"id": i})).collect::<Vec<_>>(),
               "paging": {"cursors": {"after": after}}})
    };
    // Meta may hand out the same `after` on every page: the walk stops instead of looping.
    fake.push(200, page(&["a", "b"], "QUZURVI"))
        .push(200, page(&["c"], "QUZURVIy"))
        .push(200, page(&["d"], "QUZURVIy"));
    let c = client(&fake.url, json!({"login": "facebook"}));
    let items = c
        .paginate(
            "hashtags.recent_media",
            json!({"hashtag_id": "17841593698074073", "ig_user_id": U, "fields": "id"}),
            None,
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(items.len(), 4);
    let seen = fake.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].q("limit"), Some("50"), "the edge's maximum");
    assert_eq!(seen[1].q("after"), Some("QUZURVI"));
    assert_eq!(seen[2].q("after"), Some("QUZURVIy"));
    for s in &seen {
        assert_eq!(s.path, "/v27.0/17841593698074073/recent_media");
        assert_eq!(s.q("user_id"), Some(U));
    }
}

#[tokio::test]
async fn invalid_params_and_the_wrong_login_send_nothing() {
    let fake = Fake::start().await;
    let fb = client(&fake.url, json!({"login": "facebook"}));
    for (op, params, at) in [
        (
            "hashtags.search",
            json!({"ig_user_id": U, "name": "☕"}),
            "name",
        ),
        (
            "hashtags.search",
            json!({"ig_user_id": U, "name": "two words"}),
            "name",
        ),
        (
            "hashtags.search",
            json!({"ig_user_id": U, "name": "#"}),
            "name",
        ),
        ("hashtags.search", json!({"name": "coffee"}), "ig_user_id"),
        (
            "hashtags.search",
            json!({"ig_user_id": U, "q": "coffee"}),
            "q",
        ),
        ("hashtags.get", json!({"hashtag_id": "me"}), "hashtag_id"),
        (
            "hashtags.get",
            json!({"hashtag_id": "1", "fields": "id,"}),
            "fields",
        ),
        (
            "hashtags.top_media",
            json!({"hashtag_id": "1"}),
            "ig_user_id",
        ),
        (
            "hashtags.top_media",
            json!({"hashtag_id": "1", "ig_user_id": U, "limit": 51}),
            "limit",
        ),
        (
            "hashtags.recent_media",
            json!({"hashtag_id": "1", "ig_user_id": U, "before": "x"}),
            "before",
        ),
    ] {
        let e = fb.call(op, params.clone()).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParams, "{op} {params}");
        assert!(
            e.message.starts_with(&format!("{op}: params.{at}:")),
            "{op} {params}: {}",
            e.message
        );
    }
    let ig = client(&fake.url, json!({"login": "instagram"}));
    for op in [
        "hashtags.search",
        "hashtags.get",
        "hashtags.top_media",
        "hashtags.recent_media",
    ] {
        let e = ig
            .call(op, json!({"ig_user_id": U, "name": "x", "hashtag_id": "1"}))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported, "{op}: {}", e.message);
    }
    assert!(fake.seen().is_empty());
}

#[tokio::test]
async fn the_budget_against_the_sandbox() {
    use crate::users::{fb_client, served};
    use instagram_graph_sandbox::{Sandbox, SandboxOptions};
    let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let fb = fb_client(&sb);
    let me = sb.ig_user_id().to_owned();
    let tag = sb.info_json()["content"]["hashtag"]
        .as_str()
        .unwrap()
        .to_owned();

    let found = fb
        .call(
            "hashtags.search",
            json!({"ig_user_id": me, "name": format!("#{tag}")}),
        )
        .await
        .unwrap();
    let id = found["id"].as_str().unwrap().to_owned();
    let h = fb
        .call("hashtags.get", json!({"hashtag_id": id}))
        .await
        .unwrap();
    assert_eq!(
        h["name"].as_str().unwrap().to_lowercase(),
        tag.to_lowercase()
    );
    for op in ["hashtags.top_media", "hashtags.recent_media"] {
        let items = fb
            .paginate(
                op,
                json!({"hashtag_id": id, "ig_user_id": me, "limit": 2}),
                Some(10),
            )
            .unwrap()
            .collect_all()
            .await
            .unwrap();
        assert!(!items.is_empty(), "{op}: the sandbox's hashtag has media");
        assert!(items.iter().all(|m| m.get("username").is_none()), "{op}");
    }

    // Fill the budget with new hashtags; the first one beyond it is refused by the client.
    let mut refused = None;
    for i in 0..31 {
        let before = served(&sb).await;
        match fb
            .call(
                "hashtags.search",
                json!({"ig_user_id": me, "name": format!("budget{i}")}),
            )
            .await
        {
            Ok(_) => {}
            Err(e) => {
                assert_eq!(
                    served(&sb).await - before,
                    1,
                    "only the budget read was sent"
                );
                refused = Some((i, e));
                break;
            }
        }
    }
    let (i, e) = refused.expect("the 31st unique hashtag is refused");
    assert!(i <= 29, "refused after {i} new searches (plus #{tag})");
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.delivery.as_str(), "not_sent", "{}", e.message);
    assert!(
        e.message.contains("30 unique hashtags per rolling 7 days"),
        "{}",
        e.message
    );

    // Repeats stay free: cached on this client, read from the list on another.
    let before = served(&sb).await;
    fb.call(
        "hashtags.search",
        json!({"ig_user_id": me, "name": "budget0"}),
    )
    .await
    .unwrap();
    assert_eq!(served(&sb).await, before, "cached: no request");
    let other = fb_client(&sb);
    let again = other
        .call("hashtags.search", json!({"ig_user_id": me, "name": tag}))
        .await
        .unwrap();
    assert_eq!(again["id"], id.as_str());
    assert_eq!(served(&sb).await, before + 1, "the budget read only");

    // A week later the slots are free again.
    let r = reqwest::Client::new()
        .post(format!("{}/_sandbox/clock", sb.url()))
        .json(&json!({"advance_seconds": 7 * 86_400 + 60}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    other
        .call(
            "hashtags.search",
            json!({"ig_user_id": me, "name": "nextweek"}),
        )
        .await
        .unwrap();
}
