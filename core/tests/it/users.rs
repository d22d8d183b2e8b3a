//! Accounts, users and mentions: Meta's documented answers (fixtures/graph/ops) parsed through
//! the operations against the scripted fake, request shapes, validation before any request,
//! business discovery's nested paging, and accounts.list against the sandbox.

use crate::fake::{client, Fake, Seen};
use crate::fixtures::fixtures_dir;
use instagram_graph::{Client, ErrorKind};
use instagram_graph_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};

/// Check one recorded request against a fixture's `request` (`method`, `path`, and the
/// `query`/`form` pairs it must carry; other pairs may be there too).
pub fn check_request(name: &str, i: usize, seen: &Seen, want: &Value) {
    assert_eq!(seen.method, want["method"].as_str().unwrap(), "{name}[{i}]");
    assert_eq!(seen.path, want["path"].as_str().unwrap(), "{name}[{i}]");
    for (k, v) in want["query"].as_object().into_iter().flatten() {
        assert_eq!(seen.q(k), v.as_str(), "{name}[{i}]: query {k}");
    }
    let form = seen.form();
    for (k, v) in want["form"].as_object().into_iter().flatten() {
        let got = form
            .iter()
            .find(|(fk, _)| fk == k)
            .map(|(_, fv)| fv.as_str());
        assert_eq!(got, v.as_str(), "{name}[{i}]: form {k}");
    }
    // Every call is authenticated by the client, with its proof.
    assert!(seen.q("access_token").is_some(), "{name}[{i}]: token");
    assert!(seen.q("appsecret_proof").is_some(), "{name}[{i}]: proof");
}

/// Run every fixture of fixtures/graph/ops whose operation id starts with one of `prefixes`:
/// queue its answers on a fake, call the operation, compare the result (or the error) and
/// every request sent. Returns how many ran.
pub async fn run_fixtures(prefixes: &[&str]) -> usize {
    let dir = fixtures_dir().join("graph/ops");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let mut n = 0;
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let f: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let Some(op) = f["op"].as_str() else { continue };
        if !prefixes.iter().any(|p| op.starts_with(p)) {
            continue;
        }
        assert!(f["_source"].is_string(), "{name}: says where it comes from");
        let fake = Fake::start().await;
        let exchanges = f["exchanges"].as_array().unwrap();
        for x in exchanges {
            fake.push(x["status"].as_u64().unwrap() as u16, x["response"].clone());
        }
        let c = client(&fake.url, json!({"login": f["login"]}));
        let got = if let Some(want) = f.get("expected_page") {
            let page = c
                .paginate(op, f["params"].clone(), None)
                .unwrap()
                .next_page()
                .await
                .map(|p| json!({"data": p.unwrap().data}));
            assert_eq!(page.as_ref().ok(), Some(want), "{name}");
            page
        } else {
            c.call(op, f["params"].clone()).await
        };
        match (&f["expected"], &f["expected_error"], got) {
            (want, Value::Null, Ok(v)) if !want.is_null() => assert_eq!(&v, want, "{name}"),
            (_, Value::Object(want), Err(e)) => {
                let ej = e.to_json();
                for (k, v) in want {
                    assert_eq!(&ej[k], v, "{name}: error {k} ({})", e.message);
                }
            }
            (_, _, Ok(_)) if f.get("expected_page").is_some() => {}
            (want, err, got) => panic!("{name}: wanted {want} / {err}, got {got:?}"),
        }
        let seen = fake.seen();
        assert_eq!(seen.len(), exchanges.len(), "{name}: requests sent");
        for (i, (s, x)) in seen.iter().zip(exchanges).enumerate() {
            check_request(&name, i, s, &x["request"]);
        }
        n += 1;
    }
    n
}

#[tokio::test]
async fn documented_answers_parse_through_the_operations() {
    let n = run_fixtures(&["accounts.", "user.", "mentions."]).await;
    assert!(
        n >= 17,
        "expected the accounts/user/mentions fixtures, ran {n}"
    );
}

/// `op` with `params` on `login` fails with invalid params naming `at`, sending nothing.
async fn refused(fake: &Fake, login: &str, op: &str, params: Value, at: &str) {
    let c = client(&fake.url, json!({"login": login}));
    let before = fake.seen().len();
    let e = c.call(op, params.clone()).await.unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::InvalidParams,
        "{op} {params}: {}",
        e.message
    );
    assert!(
        e.message.starts_with(&format!("{op}: params.{at}:")),
        "{op} {params}: {}",
        e.message
    );
    assert_eq!(fake.seen().len(), before, "{op} {params}: nothing sent");
}

#[tokio::test]
async fn invalid_params_are_refused_before_any_request() {
    let fake = Fake::start().await;
    let u = "17841405309211844";
    let long = "x".repeat(2201);
    for (login, op, params, at) in [
        (
            "facebook",
            "user.business_discovery",
            json!({"ig_user_id": u, "username": "no spaces allowed"}),
            "username",
        ),
        (
            "facebook",
            "user.business_discovery",
            json!({"ig_user_id": u, "username": "@"}),
            "username",
        ),
        (
            "facebook",
            "user.business_discovery",
            json!({"username": "bluebottle"}),
            "ig_user_id",
        ),
        (
            "facebook",
            "user.business_discovery",
            json!({"ig_user_id": u, "username": "x", "fields": "id;x"}),
            "fields",
        ),
        (
            "facebook",
            "user.business_discovery_media",
            json!({"ig_user_id": u, "username": "x", "limit": 51}),
            "limit",
        ),
        (
            "facebook",
            "user.business_discovery_media",
            json!({"ig_user_id": u, "username": "x", "after": "a", "before": "b"}),
            "before",
        ),
        (
            "facebook",
            "user.business_discovery_media",
            json!({"ig_user_id": u, "username": "x", "since": "2026-02-01", "until": "2026-01-01"}),
            "since",
        ),
        (
            "facebook",
            "user.recently_searched_hashtags",
            json!({"ig_user_id": u, "limit": 31}),
            "limit",
        ),
        (
            "facebook",
            "user.mentioned_media",
            json!({"ig_user_id": u, "media_id": "me"}),
            "media_id",
        ),
        (
            "facebook",
            "user.mentioned_comment",
            json!({"ig_user_id": u}),
            "comment_id",
        ),
        (
            "facebook",
            "user.collaboration_invites",
            json!({"ig_user_id": u, "before": "x"}),
            "before",
        ),
        (
            "facebook",
            "user.respond_collaboration_invite",
            json!({"ig_user_id": u, "media_id": "1"}),
            "accept",
        ),
        (
            "facebook",
            "user.respond_collaboration_invite",
            json!({"ig_user_id": u, "media_id": "1", "accept": "yes"}),
            "accept",
        ),
        (
            "facebook",
            "user.content_publishing_limit",
            json!({}),
            "ig_user_id",
        ),
        (
            "instagram",
            "user.live_media",
            json!({"since": "later"}),
            "since",
        ),
        (
            "instagram",
            "user.profile",
            json!({"recipient_id": "1", "page_id": "2"}),
            "page_id",
        ),
        (
            "instagram",
            "user.profile",
            json!({"recipient_id": "../me"}),
            "recipient_id",
        ),
        (
            "instagram",
            "accounts.list",
            json!({"include_page_tokens": true}),
            "include_page_tokens",
        ),
        (
            "facebook",
            "accounts.list",
            json!({"include_page_tokens": "yes"}),
            "include_page_tokens",
        ),
        (
            "facebook",
            "mentions.reply",
            json!({"ig_user_id": u, "media_id": "1", "message": long}),
            "message",
        ),
        (
            "facebook",
            "mentions.reply",
            json!({"ig_user_id": u, "media_id": "1", "message": "  "}),
            "message",
        ),
        (
            "facebook",
            "mentions.reply",
            json!({"ig_user_id": u, "media_id": "1", "comment_id": "", "message": "hi"}),
            "comment_id",
        ),
        (
            "facebook",
            "mentions.reply",
            json!({"ig_user_id": u, "media_id": "1", "message": "hi", "text": "x"}),
            "text",
        ),
    ] {
        refused(&fake, login, op, params, at).await;
    }
    // 2200 characters (not bytes) are allowed.
    let ok = "é".repeat(2200);
    fake.push(200, json!({"id": "1"}));
    let c = client(&fake.url, json!({"login": "facebook"}));
    c.call(
        "mentions.reply",
        json!({"ig_user_id": u, "media_id": "1", "message": ok}),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn facebook_only_operations_refuse_instagram_login_before_sending() {
    let fake = Fake::start().await;
    let c = client(&fake.url, json!({"login": "instagram"}));
    for (op, params) in [
        (
            "user.business_discovery",
            json!({"ig_user_id": "1", "username": "x"}),
        ),
        (
            "user.business_discovery_media",
            json!({"ig_user_id": "1", "username": "x"}),
        ),
        (
            "user.recently_searched_hashtags",
            json!({"ig_user_id": "1"}),
        ),
        (
            "user.mentioned_media",
            json!({"ig_user_id": "1", "media_id": "2"}),
        ),
        (
            "user.mentioned_comment",
            json!({"ig_user_id": "1", "comment_id": "2"}),
        ),
        ("user.collaboration_invites", json!({"ig_user_id": "1"})),
        (
            "user.respond_collaboration_invite",
            json!({"ig_user_id": "1", "media_id": "2", "accept": false}),
        ),
        (
            "mentions.reply",
            json!({"ig_user_id": "1", "media_id": "2", "message": "hi"}),
        ),
    ] {
        let e = c.call(op, params).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported, "{op}");
        assert!(
            e.message.contains("not available with Instagram Login"),
            "{op}: {}",
            e.message
        );
    }
    assert!(fake.seen().is_empty());
}

#[tokio::test]
async fn business_discovery_media_pages_through_the_nested_cursor() {
    let fake = Fake::start().await;
    let page = |ids: &[&str], after: &str, next: bool| {
        let mut paging = json!({"cursors": {"before": "B0", "after": after}});
        if next {
            paging["next"] =
                json!("https://graph.facebook.com/v27.0/17841401441775531/media?after=x");
        }
        json!({"business_discovery": {"media": {
            "data": ids.iter().map(|i| json!({"id": i})).collect::<Vec<_>>(),
            "paging": paging}, "id": "17841401441775531"}, "id": "1784"})
    };
    fake.push(200, page(&["m1", "m2"], "QUFB", true))
        .push(200, page(&["m3"], "QkJC", true))
        .push(200, page(&["m4"], "Q0ND", false));
    let c = client(&fake.url, json!({"login": "facebook"}));
    let items = c
        .paginate(
            "user.business_discovery_media",
            json!({"ig_user_id": "1784", "username": "@BlueBottle", "fields": "id", "limit": 2}),
            None,
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<&str> = items.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["m1", "m2", "m3", "m4"]);
    let seen = fake.seen();
    assert_eq!(seen.len(), 3, "a short page without next is the last");
    let f: Vec<&str> = seen.iter().map(|s| s.q("fields").unwrap()).collect();
    assert_eq!(
        f[0],
        "business_discovery.username(BlueBottle){media.limit(2){id}}"
    );
    assert_eq!(
        f[1],
        "business_discovery.username(BlueBottle){media.limit(2).after(QUFB){id}}"
    );
    assert_eq!(
        f[2],
        "business_discovery.username(BlueBottle){media.limit(2).after(QkJC){id}}"
    );
    for s in &seen {
        assert_eq!(s.path, "/v27.0/1784");
        assert_eq!(
            s.q("after"),
            None,
            "the cursor is a modifier, not a query param"
        );
        assert_eq!(s.q("limit"), None);
    }

    // A nested cursor that repeats ends the walk instead of looping.
    let fake = Fake::start().await;
    fake.push(200, page(&["m1"], "QUFB", true))
        .push(200, page(&["m2"], "QUFB", true));
    let c = client(&fake.url, json!({"login": "facebook"}));
    let items = c
        .paginate(
            "user.business_discovery_media",
            json!({"ig_user_id": "1784", "username": "x"}),
            None,
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(fake.seen().len(), 2);
    assert!(
        fake.seen()[0]
            .q("fields")
            .unwrap()
            .contains("media.limit(50)"),
        "edge maximum by default"
    );
}

#[tokio::test]
async fn accounts_list_keeps_page_tokens_out_unless_asked() {
    let pages = json!({"data": [
        {"id": "101", "name": "Shop", "access_token": "EAAPAGE-secret-101",
         "instagram_business_account": {"id": "17841400000000001", "username": "shop"}},
        {"id": "102", "name": "Blog"}]});
    let fake = Fake::start().await;
    fake.push(200, pages.clone()).push(200, pages);
    let c = client(&fake.url, json!({"login": "facebook"}));
    let v = c.call("accounts.list", json!({})).await.unwrap();
    assert!(!v.to_string().contains("EAAPAGE"), "{v}");
    assert_eq!(
        v["data"].as_array().unwrap().len(),
        1,
        "Pages without an account are left out"
    );
    assert!(!fake.seen()[0].q("fields").unwrap().contains("access_token"));
    let v = c
        .call("accounts.list", json!({"include_page_tokens": true}))
        .await
        .unwrap();
    assert_eq!(v["data"][0]["page_access_token"], "EAAPAGE-secret-101");
    assert!(fake.seen()[1].q("fields").unwrap().contains("access_token"));
    assert!(
        c.secrets().iter().any(|s| s == "EAAPAGE-secret-101"),
        "returned Page tokens are scrubbed from later errors"
    );
}

#[tokio::test]
async fn user_profile_with_facebook_login_needs_one_page_or_a_page_id() {
    let fake = Fake::start().await;
    fake.push(
        200,
        json!({"data": [
        {"id": "101", "instagram_business_account": {"id": "1"}},
        {"id": "102", "instagram_business_account": {"id": "2"}}]}),
    );
    let c = client(&fake.url, json!({"login": "facebook"}));
    let e = c
        .call("user.profile", json!({"recipient_id": "6542155245898181"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidParams);
    assert!(
        e.message
            .starts_with("user.profile: params.page_id: is required"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("101") && e.message.contains("102"),
        "{}",
        e.message
    );
    assert_eq!(fake.seen().len(), 1, "only the Page list was read");

    // With page_id: the Page's token reads the profile.
    fake.push(200, json!({"access_token": "EAAPAGE-102", "id": "102"}))
        .push(
            200,
            json!({"name": "Peter Chang", "username": "peter_chang_live"}),
        );
    let v = c
        .call("user.profile", json!({"recipient_id": "6542155245898181", "page_id": "102", "fields": "name,username"}))
        .await
        .unwrap();
    assert_eq!(v["username"], "peter_chang_live");
    let seen = fake.seen();
    assert_eq!(seen[1].path, "/v27.0/102");
    assert_eq!(seen[2].path, "/v27.0/6542155245898181");
    assert_eq!(seen[2].q("access_token"), Some("EAAPAGE-102"));
}

#[tokio::test]
async fn no_consent_is_a_permission_error_that_says_what_to_wait_for() {
    let fake = Fake::start().await;
    fake.push(400, json!({"error": {"message": "User consent is required to access the user profile", "type": "OAuthException", "code": 230}}));
    let c = client(&fake.url, json!({"login": "instagram"}));
    let e = c
        .call("user.profile", json!({"recipient_id": "6542155245898181"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Permission);
    assert!(
        e.message.contains("only after they have messaged"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("User consent is required"),
        "Graph's words kept: {}",
        e.message
    );
    assert_eq!(e.code, Some(230));
}

#[tokio::test]
async fn accounts_list_against_the_sandbox_both_logins() {
    let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let fb = Client::from_json(&json!({"access_token": sb.facebook_access_token(), "base_url": sb.url(), "login": "facebook"}))
        .unwrap();
    let rows = fb.call("accounts.list", json!({})).await.unwrap();
    let rows = rows["data"].as_array().unwrap().clone();
    assert!(
        !rows.is_empty(),
        "the sandbox user has a Page with a linked account"
    );
    assert!(
        rows.iter().any(|r| r["ig_user_id"] == sb.ig_user_id()),
        "{rows:?}"
    );
    for r in &rows {
        assert!(r.get("page_access_token").is_none());
        assert!(
            r["page_id"].is_string() && r["page_name"].is_string(),
            "{r}"
        );
    }
    let with = fb
        .call("accounts.list", json!({"include_page_tokens": true}))
        .await
        .unwrap();
    assert!(with["data"][0]["page_access_token"].is_string(), "{with}");

    let ig = Client::from_json(&json!({"access_token": sb.access_token(), "base_url": sb.url()}))
        .unwrap();
    let me = ig.call("accounts.list", json!({})).await.unwrap();
    let me = me["data"].as_array().unwrap();
    assert_eq!(me.len(), 1);
    assert_eq!(me[0]["ig_user_id"], sb.ig_user_id());
    assert_eq!(me[0]["page_id"], Value::Null);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&me[0]), keys(&rows[0]), "one row shape on both logins");
}

/// `GET /_sandbox/stats`'s request count.
pub async fn served(sb: &Sandbox) -> u64 {
    let v: Value = reqwest::get(format!("{}/_sandbox/stats", sb.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["requests"].as_u64().unwrap()
}

pub fn fb_client(sb: &Sandbox) -> Client {
    Client::from_json(&json!({"access_token": sb.facebook_access_token(), "base_url": sb.url(), "login": "facebook"}))
        .unwrap()
}

#[tokio::test]
async fn content_ops_against_the_sandbox() {
    let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let info = sb.info_json()["content"].clone();
    let fb = fb_client(&sb);
    let me = sb.ig_user_id().to_owned();

    // Business discovery: the account itself, its media page by page, the undiscoverable one.
    let user = info["username"].as_str().unwrap();
    let bd = fb
        .call(
            "user.business_discovery",
            json!({"ig_user_id": me, "username": user}),
        )
        .await
        .unwrap();
    assert_eq!(bd["username"], user, "{bd}");
    assert!(
        bd["followers_count"].is_number() && bd["media_count"].is_number(),
        "{bd}"
    );
    let total = bd["media_count"].as_u64().unwrap();
    let before = served(&sb).await;
    let media = fb
        .paginate(
            "user.business_discovery_media",
            json!({"ig_user_id": me, "username": user, "limit": 2, "fields": "id,like_count"}),
            None,
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(
        media.len() as u64 >= total.min(3),
        "{} of {total}",
        media.len()
    );
    let ids: std::collections::HashSet<&str> =
        media.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), media.len(), "pages do not overlap");
    let pages = served(&sb).await - before;
    assert!(
        pages >= (media.len() as u64).div_ceil(2),
        "paged {pages} times"
    );
    let nobody = info["username_undiscoverable"].as_str().unwrap();
    for op in ["user.business_discovery", "user.business_discovery_media"] {
        let e = fb
            .call(op, json!({"ig_user_id": me, "username": nobody}))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{op}: {}", e.message);
    }

    // Mentions: read both kinds, reply to the caption mention.
    let mm = info["mentioned_media_id"].as_str().unwrap();
    let m = fb
        .call(
            "user.mentioned_media",
            json!({"ig_user_id": me, "media_id": mm, "fields": "id,caption"}),
        )
        .await
        .unwrap();
    assert_eq!(m["id"], mm, "{m}");
    let mc = info["mentioned_comment_id"].as_str().unwrap();
    let c = fb
        .call(
            "user.mentioned_comment",
            json!({"ig_user_id": me, "comment_id": mc}),
        )
        .await
        .unwrap();
    assert_eq!(c["id"], mc, "{c}");
    assert!(c["text"].is_string(), "{c}");
    let r = fb
        .call(
            "mentions.reply",
            json!({"ig_user_id": me, "media_id": mm, "message": "Thanks for the mention!"}),
        )
        .await
        .unwrap();
    assert!(r["id"].is_string(), "{r}");

    // Tags, live media, publishing limit.
    let tags = fb
        .paginate("user.tags", json!({"ig_user_id": me, "limit": 1}), None)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    for t in &tags {
        assert!(t["id"].is_string(), "{t}");
    }
    let live = fb
        .call("user.live_media", json!({"ig_user_id": me}))
        .await
        .unwrap();
    assert!(live["data"].is_array(), "{live}");
    let quota = fb
        .call("user.content_publishing_limit", json!({"ig_user_id": me}))
        .await
        .unwrap();
    assert!(
        quota["data"][0]["config"]["quota_total"].is_number(),
        "{quota}"
    );

    // Collaboration invites: listed, accepted, gone from the pending list.
    let invited = info["collaboration_invite_media_id"].as_str().unwrap();
    let pending = fb
        .paginate(
            "user.collaboration_invites",
            json!({"ig_user_id": me}),
            None,
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(
        pending.iter().any(|i| i["media_id"] == invited),
        "{pending:?}"
    );
    fb.call(
        "user.respond_collaboration_invite",
        json!({"ig_user_id": me, "media_id": invited, "accept": true}),
    )
    .await
    .unwrap();
    let pending = fb
        .paginate(
            "user.collaboration_invites",
            json!({"ig_user_id": me}),
            None,
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(
        !pending.iter().any(|i| i["media_id"] == invited),
        "{pending:?}"
    );
}

#[tokio::test]
async fn igsid_profiles_against_the_sandbox() {
    let sb = Sandbox::start(SandboxOptions::default()).expect("sandbox starts");
    let info = sb.info_json()["messaging"].clone();
    let who = info["recipient_id"].as_str().unwrap();
    let ig = Client::from_json(&json!({"access_token": sb.access_token(), "base_url": sb.url()}))
        .unwrap();
    let p = ig
        .call("user.profile", json!({"recipient_id": who}))
        .await
        .unwrap();
    assert!(p["username"].is_string(), "{p}");
    for k in [
        "name",
        "profile_pic",
        "follower_count",
        "is_user_follow_business",
        "is_business_follow_user",
        "is_verified_user",
    ] {
        assert!(p.get(k).is_some(), "{k} in {p}");
    }
    // Facebook Login: the only linked Page's token reads it.
    let fb = fb_client(&sb);
    let q = fb
        .call(
            "user.profile",
            json!({"recipient_id": who, "fields": "username"}),
        )
        .await
        .unwrap();
    assert_eq!(q["username"], p["username"]);
    let q = fb
        .call(
            "user.profile",
            json!({"recipient_id": who, "page_id": sb.page_id(), "fields": "username"}),
        )
        .await
        .unwrap();
    assert_eq!(q["username"], p["username"]);

    let stranger = info["recipient_id_no_consent"].as_str().unwrap();
    let e = ig
        .call("user.profile", json!({"recipient_id": stranger}))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Permission, "{}", e.message);
    assert!(
        e.message.contains("only after they have messaged"),
        "{}",
        e.message
    );
}
