//! Paginator rules: follow next, stop when absent, on a repeated cursor, or at max_items.

use crate::fake::{client, Fake};
use serde_json::{json, Value};

fn page(ids: &[&str], after: &str, next: Option<String>) -> Value {
    let data: Vec<Value> = ids.iter().map(|i| json!({"id": i})).collect();
    let mut paging = json!({"cursors": {"before": "b", "after": after}});
    if let Some(n) = next {
        paging["next"] = json!(n);
    }
    json!({"data": data, "paging": paging})
}

#[tokio::test]
async fn follows_next_against_our_own_host_and_strips_foreign_tokens() {
    let fake = Fake::start().await;
    // Meta's next URLs point at graph.facebook.com and embed the token: we follow the path only.
    fake.push(
        200,
        page(
            &["a", "b"],
            "c1",
            Some(
                "https://graph.facebook.com/v27.0/1784/media?access_token=OLD&limit=2&after=c1"
                    .into(),
            ),
        ),
    );
    fake.push(200, page(&["c"], "c2", None));
    let c = client(&fake.url, json!({}));
    let mut p = c
        .paginate("media.list", json!({"ig_user_id": "1784"}), None)
        .unwrap();
    let first = p.next_page().await.unwrap().unwrap();
    assert_eq!(first.data.len(), 2);
    let next = first.paging.as_ref().unwrap()["next"].as_str().unwrap();
    assert!(
        !next.contains("access_token"),
        "returned paging URLs carry no credentials: {next}"
    );
    let second = p.next_page().await.unwrap().unwrap();
    assert_eq!(second.data[0]["id"], "c");
    assert!(p.next_page().await.unwrap().is_none());
    let seen = fake.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].q("limit"),
        Some("100"),
        "walking everything uses the edge's largest page"
    );
    assert_eq!(seen[1].path, "/v27.0/1784/media");
    assert_eq!(seen[1].q("after"), Some("c1"));
    assert_eq!(
        seen[1].q("access_token"),
        Some("TOKEN-abc123"),
        "our token, not the one in the URL"
    );
}

#[tokio::test]
async fn stops_on_repeated_cursor() {
    let fake = Fake::start().await;
    let n = |u: &str| Some(format!("{u}/v27.0/h/recent_media?after=same"));
    fake.push(200, page(&["a"], "same", n(&fake.url)));
    fake.push(200, page(&["b"], "same", n(&fake.url)));
    fake.push(200, page(&["c"], "same", n(&fake.url)));
    let c = client(&fake.url, json!({}));
    let items = c
        .paginate("media.list", json!({"ig_user_id": "1"}), None)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(fake.seen().len(), 2);
}

#[tokio::test]
async fn max_items_cuts_and_sizes_the_first_page() {
    let fake = Fake::start().await;
    fake.push(
        200,
        page(
            &["a", "b", "c"],
            "c1",
            Some(format!("{}/v27.0/1/media?after=c1", fake.url)),
        ),
    );
    let c = client(&fake.url, json!({}));
    let items = c
        .paginate("media.list", json!({"ig_user_id": "1"}), Some(2))
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(items.len(), 2);
    let seen = fake.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].q("limit"), Some("2"));
}

#[tokio::test]
async fn a_failed_page_can_be_retried_by_calling_again() {
    let fake = Fake::start().await;
    fake.push(
        200,
        page(
            &["a"],
            "c1",
            Some(format!("{}/v27.0/1/media?after=c1", fake.url)),
        ),
    );
    fake.push(400, json!({"error": {"message": "bad", "code": 100}}));
    fake.push(200, page(&["b"], "c2", None));
    let c = client(&fake.url, json!({}));
    let mut p = c
        .paginate("media.list", json!({"ig_user_id": "1"}), None)
        .unwrap();
    p.next_page().await.unwrap();
    assert!(p.next_page().await.is_err());
    assert_eq!(p.next_page().await.unwrap().unwrap().data[0]["id"], "b");
    assert!(p.next_page().await.unwrap().is_none());
}
