//! The engine against the sandbox: login flavours as Meta has them, Page tokens looked up once
//! and cached, flows and walks with progress and cancellation, the typed API through the same
//! checks as dynamic calls, and what a call cost.

use instagram_graph::request::{Credential, GraphRequest};
use instagram_graph::{CallOptions, CancelToken, Client, ErrorKind, Progress};
use instagram_graph_sandbox::{Sandbox, SandboxOptions};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox")
}

fn ig_client(sb: &Sandbox) -> Client {
    Client::from_json(&json!({"access_token": sb.access_token(), "base_url": sb.url()})).unwrap()
}

fn fb_client(sb: &Sandbox) -> Client {
    Client::from_json(&json!({
        "access_token": sb.facebook_access_token(),
        "login": "facebook",
        "base_url": sb.url(),
        "app_id": sb.app_id(),
        "app_secret": sb.app_secret(),
    }))
    .unwrap()
}

#[tokio::test]
async fn instagram_login_user_get_returns_both_ids() {
    let sb = sandbox();
    let me = ig_client(&sb).call("user.get", json!({})).await.unwrap();
    assert_eq!(
        me["user_id"],
        sb.ig_user_id(),
        "user_id is the id paths use"
    );
    assert_ne!(
        me["id"], me["user_id"],
        "id is app-scoped with Instagram Login"
    );
}

#[tokio::test]
async fn page_tokens_are_looked_up_once_and_cached() {
    let sb = sandbox();
    let c = fb_client(&sb);
    let page = sb.page_id().to_owned();
    let req = GraphRequest::get([page.as_str()])
        .query("fields", "id,instagram_business_account")
        .with_credential(Credential::Page(page.clone()));
    let first = c
        .call_with(
            "auth.page_token",
            json!({"page_id": page}),
            CallOptions::default(),
        )
        .await
        .unwrap();
    assert!(first.value["access_token"]
        .as_str()
        .is_some_and(|t| t != sb.facebook_access_token()));
    let v = c.send(&req, true).await.unwrap();
    assert_eq!(v["instagram_business_account"]["id"], sb.ig_user_id());
    let before: serde_json::Value = reqwest::get(format!("{}/_sandbox/stats", sb.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    c.send(&req, true).await.unwrap();
    let after: serde_json::Value = reqwest::get(format!("{}/_sandbox/stats", sb.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        after["requests"].as_u64().unwrap() - before["requests"].as_u64().unwrap(),
        1,
        "the cached Page token needs no second lookup"
    );
    // The Page token never shows in an error.
    let bad = GraphRequest::get(["0"]).with_credential(Credential::Page(page));
    let e = c.send(&bad, true).await.unwrap_err();
    assert!(!format!("{e} {e:?}").contains(sb.page_access_token()));
}

#[tokio::test]
async fn typed_calls_check_login_and_size_pages_like_dynamic_ones() {
    let sb = sandbox();
    let c = ig_client(&sb);
    let typed: instagram_graph::ops::pages::List = serde_json::from_value(json!({})).unwrap();
    let e = c.execute(&typed).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported, "Facebook Login only: {e}");
    let list: instagram_graph::ops::media::List = serde_json::from_value(json!({})).unwrap();
    let mut p = c.paginate_op(&list, None).unwrap();
    let page = p.next_page().await.unwrap().unwrap();
    assert_eq!(page.data.len(), 100, "walks use the edge's largest page");
}

#[tokio::test]
async fn walks_report_progress_and_cost() {
    let sb = sandbox();
    let c = ig_client(&sb);
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = seen.clone();
    let opts = CallOptions {
        progress: Some(Arc::new(move |p: &Progress| {
            sink.lock().unwrap().push(p.clone())
        })),
        cancel: None,
    };
    let p = c
        .paginate("media.list", json!({"fields": "id", "limit": 50}), None)
        .unwrap()
        .with_options(opts);
    let items = p.collect_all().await.unwrap();
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), items.len().div_ceil(50), "one report per page");
        assert_eq!(seen.last().unwrap().done, items.len() as u64);
    }
    let out = c
        .call_with("user.get", json!({}), CallOptions::default())
        .await
        .unwrap();
    assert_eq!((out.report.requests, out.report.retries), (1, 0));
}

#[tokio::test]
async fn cancelling_stops_a_call_in_flight_and_a_walk_between_pages() {
    let opts = SandboxOptions {
        latency: Duration::from_secs(5),
        ..SandboxOptions::default()
    };
    let sb = Sandbox::start(opts).unwrap();
    let c = ig_client(&sb);
    let cancel = CancelToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        trigger.cancel();
    });
    let t = Instant::now();
    let e = c
        .call_with(
            "user.get",
            json!({}),
            CallOptions {
                progress: None,
                cancel: Some(cancel.clone()),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled);
    assert!(
        t.elapsed() < Duration::from_secs(4),
        "did not wait for the answer"
    );
    let mut p = c
        .paginate("media.list", json!({}), None)
        .unwrap()
        .with_options(CallOptions {
            progress: None,
            cancel: Some(cancel),
        });
    assert_eq!(p.next_page().await.unwrap_err().kind, ErrorKind::Cancelled);
}

#[tokio::test]
async fn flows_run_through_the_executor_and_validate_first() {
    let sb = sandbox();
    let c = fb_client(&sb);
    let url = c
        .call(
            "auth.authorize_url",
            json!({"redirect_uri": "https://example.com/cb", "state": "s1"}),
        )
        .await
        .unwrap();
    assert!(url["url"]
        .as_str()
        .unwrap()
        .starts_with("https://www.facebook.com/v27.0/dialog/oauth?"));
    let e = c
        .call("auth.authorize_url", json!({"redirect_uri": "ftp://x"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidParams);
    let debug = c.call("auth.debug_token", json!({})).await.unwrap();
    assert_eq!(debug["is_valid"], true, "{debug}");
    let catalogue = instagram_graph::operations();
    let kind = |id: &str| {
        catalogue
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id)
            .map(|o| o["kind"].clone())
    };
    assert_eq!(kind("auth.debug_token"), Some(json!("flow")));
    assert_eq!(kind("media.list"), Some(json!("request")));
}

#[tokio::test]
async fn api_version_defaults_to_v27_and_warns_near_expiry() {
    let sb = sandbox();
    assert_eq!(ig_client(&sb).api_version(), "v27.0");
    assert!(ig_client(&sb).version_warning().is_none());
    let old = Client::from_json(&json!({"access_token": "T", "api_version": "v20.0"})).unwrap();
    assert!(old.version_warning().unwrap().contains("expired"));
    assert!(Client::from_json(&json!({"access_token": "T", "api_version": "v999.0"})).is_err());
}
