//! End to end: a real sandbox on a loopback port, spoken to over HTTP with reqwest.

use instagram_graph_sandbox::{Sandbox, SandboxOptions};
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const V: &str = "v25.0";

fn start() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

fn start_with(f: impl FnOnce(&mut SandboxOptions)) -> Sandbox {
    let mut o = SandboxOptions::default();
    f(&mut o);
    Sandbox::start(o).expect("sandbox starts")
}

/// GET an absolute URL.
async fn fetch(url: &str) -> (u16, HeaderMap, Value) {
    let r = reqwest::get(url).await.expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body");
    let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON body ({e}): {text}"));
    (status, headers, v)
}

/// GET `/v25.0{path}` with the sandbox's Instagram Login token appended.
async fn graph(sb: &Sandbox, path: &str) -> (u16, Value) {
    graph_as(sb, sb.access_token(), path).await
}

/// GET `/v25.0{path}` with `token` appended.
async fn graph_as(sb: &Sandbox, token: &str, path: &str) -> (u16, Value) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let (s, _, v) = fetch(&format!("{}/{V}{path}{sep}access_token={token}", sb.url())).await;
    (s, v)
}

/// `appsecret_proof` computed here, independently of the sandbox's own code.
fn proof_of(token: &str, secret: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

async fn ok(sb: &Sandbox, path: &str) -> Value {
    let (s, v) = graph(sb, path).await;
    assert_eq!(s, 200, "{path}: {v}");
    v
}

async fn err(sb: &Sandbox, path: &str) -> Value {
    let (s, v) = graph(sb, path).await;
    assert_eq!(s, 400, "{path}: {v}");
    assert!(
        v["error"]["fbtrace_id"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "{v}"
    );
    assert!(v["error"]["type"].is_string(), "{v}");
    v["error"].clone()
}

fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Every item of an edge, following `paging.next`; returns the items and the page count.
async fn walk(first_url: String) -> (Vec<Value>, usize) {
    let mut url = Some(first_url);
    let mut items = Vec::new();
    let mut pages = 0;
    while let Some(u) = url {
        let (s, _, page) = fetch(&u).await;
        assert_eq!(s, 200, "{page}");
        pages += 1;
        assert_eq!(
            page["paging"].get("previous").is_some(),
            pages > 1,
            "previous only after the first page"
        );
        items.extend(page["data"].as_array().unwrap().iter().cloned());
        url = page["paging"]["next"].as_str().map(str::to_owned);
        assert!(pages < 1000);
    }
    (items, pages)
}

#[tokio::test]
async fn paging_collects_every_media_once_and_the_last_page_has_no_next() {
    let sb = start();
    let first = format!(
        "{}/{V}/{}/media?fields=id,timestamp&limit=25&access_token={}",
        sb.url(),
        sb.ig_user_id(),
        sb.access_token()
    );
    let (items, pages) = walk(first).await;
    assert_eq!(items.len(), 180);
    assert_eq!(pages, 8);
    let unique: HashSet<&str> = items.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(unique.len(), 180);
    let times: Vec<&str> = items
        .iter()
        .map(|m| m["timestamp"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    for id in &unique {
        assert!(
            id.starts_with("18") && (17..=18).contains(&id.len()),
            "{id}"
        );
    }

    // The next link keeps the query and adds after=; before= pages back.
    let p1 = ok(&sb, "/me/media?fields=id&limit=25").await;
    let next = p1["paging"]["next"].as_str().unwrap();
    assert!(
        next.starts_with(&format!("{}/{V}/me/media?", sb.url())),
        "{next}"
    );
    assert!(next.contains("fields=id") && next.contains("limit=25") && next.contains("after="));
    assert!(next.contains(&format!("access_token={}", sb.access_token())));
    let (_, _, p2) = fetch(next).await;
    let prev = p2["paging"]["previous"].as_str().unwrap();
    let (_, _, back) = fetch(prev).await;
    assert_eq!(ids(&back), ids(&p1));
    let me = ok(&sb, "/me?fields=media_count").await;
    assert_eq!(me["media_count"], 180);
}

#[tokio::test]
async fn nested_selection_children_comments_and_replies() {
    let sb = start();
    let page = ok(&sb, "/me/media?limit=100&fields=id,media_type,caption,children{id,media_type,media_url,caption,thumbnail_url}").await;
    let data = page["data"].as_array().unwrap();
    let carousel = data
        .iter()
        .find(|m| m["media_type"] == "CAROUSEL_ALBUM")
        .expect("a carousel");
    let kids = carousel["children"]["data"].as_array().unwrap();
    assert!((2..=10).contains(&kids.len()));
    for k in kids {
        assert!(k.get("caption").is_none(), "children have no caption: {k}");
        assert!(k["media_url"].is_string());
        let t = k["media_type"].as_str().unwrap();
        assert!(t == "IMAGE" || t == "VIDEO");
        assert_eq!(k.get("thumbnail_url").is_some(), t == "VIDEO");
    }
    assert!(carousel["children"]["paging"]["cursors"]["after"].is_string());
    let image = data.iter().find(|m| m["media_type"] == "IMAGE").unwrap();
    assert!(image.get("children").is_none());

    let child = ok(
        &sb,
        &format!(
            "/{}?fields=id,media_type,permalink",
            kids[0]["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(child["id"], kids[0]["id"]);
    assert_eq!(
        ok(
            &sb,
            &format!("/{}/children?fields=id", carousel["id"].as_str().unwrap())
        )
        .await["data"]
            .as_array()
            .unwrap()
            .len(),
        kids.len()
    );

    // Media with many comments: nested limit, nested paging link to the edge itself.
    let busy = ok(&sb, "/me/media?limit=5&fields=id,comments_count,comments.limit(5){id,text,replies{id,text,parent_id}}").await;
    let m = busy["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["comments_count"].as_u64().unwrap() > 50)
        .expect("a busy media");
    let cs = m["comments"]["data"].as_array().unwrap();
    assert_eq!(cs.len(), 5);
    let next = m["comments"]["paging"]["next"].as_str().unwrap();
    assert!(
        next.contains(&format!("/{}/comments?", m["id"].as_str().unwrap())),
        "{next}"
    );
    assert!(
        next.contains("limit=5") && next.contains("fields=id%2Ctext%2Creplies"),
        "{next}"
    );
}

#[tokio::test]
async fn comments_paging_and_counts_are_consistent() {
    let sb = start();
    let page = ok(&sb, "/me/media?limit=100&fields=id,comments_count").await;
    let m = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["comments_count"].as_u64().unwrap() > 50)
        .unwrap();
    let id = m["id"].as_str().unwrap();
    let first = ok(&sb, &format!("/{id}/comments?limit=500")).await;
    assert_eq!(
        first["data"].as_array().unwrap().len(),
        50,
        "comments are capped at 50 per page"
    );
    let c0 = &first["data"][0];
    assert!(
        c0["id"].is_string() && c0["text"].is_string() && c0["timestamp"].is_string(),
        "default comment fields: {c0}"
    );

    let url = format!(
        "{}/{V}/{id}/comments?fields=id,timestamp,replies{{id}}&access_token={}",
        sb.url(),
        sb.access_token()
    );
    let (top, pages) = walk(url).await;
    assert!(pages >= 3);
    let mut total = top.len();
    for c in &top {
        if let Some(r) = c.get("replies") {
            total += r["data"].as_array().unwrap().len();
        }
    }
    assert_eq!(
        total as u64,
        m["comments_count"].as_u64().unwrap(),
        "comments_count = comments + replies"
    );
    let times: Vec<&str> = top
        .iter()
        .map(|c| c["timestamp"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");

    let with_reply = top
        .iter()
        .find(|c| c.get("replies").is_some())
        .expect("some comment has replies");
    let cid = with_reply["id"].as_str().unwrap();
    let reps = ok(
        &sb,
        &format!("/{cid}/replies?fields=id,text,parent_id,from{{id,username}}"),
    )
    .await;
    let r0 = &reps["data"][0];
    assert_eq!(r0["parent_id"], cid);
    assert!(r0["from"]["username"].is_string());
    let c = ok(
        &sb,
        &format!("/{cid}?fields=id,text,like_count,hidden,username,media{{id,media_product_type}}"),
    )
    .await;
    assert_eq!(c["media"]["id"], id);
    assert!(c.get("parent_id").is_none());
    assert!(c["hidden"].is_boolean());
}

#[tokio::test]
async fn token_errors_use_the_graph_envelope() {
    let sb = start();
    let (s, _, v) = fetch(&format!("{}/{V}/me?access_token=WRONG", sb.url())).await;
    assert_eq!(s, 400);
    assert_eq!(v["error"]["code"], 190);
    assert_eq!(v["error"]["type"], "OAuthException");
    assert_eq!(
        v["error"]["message"],
        "Invalid OAuth access token - Cannot parse access token"
    );
    let (s, _, v) = fetch(&format!("{}/{V}/me", sb.url())).await;
    assert_eq!(s, 400);
    assert_eq!(v["error"]["code"], 2500);
    assert!(v["error"]["fbtrace_id"]
        .as_str()
        .unwrap()
        .starts_with("Sbx"));

    let client = reqwest::Client::new();
    let r = client
        .get(format!("{}/{V}/me?fields=id,username,user_id", sb.url()))
        .bearer_auth(sb.access_token())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["user_id"], sb.ig_user_id());
    assert_eq!(me["username"], "sandbox.studio");
}

#[tokio::test]
async fn unknown_objects_fields_edges_and_bad_params() {
    let sb = start();
    let e = err(&sb, "/999999999?fields=id").await;
    assert_eq!(
        (e["code"].as_i64(), e["error_subcode"].as_i64()),
        (Some(100), Some(33))
    );
    assert!(e["message"]
        .as_str()
        .unwrap()
        .starts_with("Unsupported get request. Object with ID '999999999' does not exist"));

    let e = err(&sb, "/me/media?fields=id,colour").await;
    assert_eq!(
        e["message"],
        "(#100) Tried accessing nonexisting field (colour) on node type (IGMedia)"
    );
    let e = err(&sb, "/me?fields=id,colour").await;
    assert_eq!(
        e["message"],
        "(#100) Tried accessing nonexisting field (colour) on node type (IGUser)"
    );
    let e = err(&sb, "/me/bogus").await;
    assert_eq!(e["code"], 100);
    assert_eq!(e["message"], "(#100) Unknown path components: /bogus");
    for bad in ["0", "-1", "ten"] {
        assert_eq!(
            err(&sb, &format!("/me/media?limit={bad}")).await["code"],
            100
        );
    }
    assert_eq!(err(&sb, "/me/media?after=garbage!").await["code"], 100);
    assert_eq!(err(&sb, "/me?fields=media{id").await["code"], 2500);

    let (s, _, v) = fetch(&format!(
        "{}/me?access_token={}",
        sb.url(),
        sb.access_token()
    ))
    .await;
    assert_eq!(s, 400);
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Unknown path components"));
    // Any version is accepted.
    let (s, _, _) = fetch(&format!(
        "{}/v19.0/me?access_token={}",
        sb.url(),
        sb.access_token()
    ))
    .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn limits_are_capped_per_edge() {
    let sb = start();
    assert_eq!(ids(&ok(&sb, "/me/media?limit=500").await).len(), 100);
    assert_eq!(ids(&ok(&sb, "/me/media").await).len(), 25);
    assert_eq!(ids(&ok(&sb, "/me/media?limit=7").await).len(), 7);
    let m = ok(&sb, "/me?fields=media.limit(1000){id}").await;
    assert_eq!(m["media"]["data"].as_array().unwrap().len(), 100);
}

#[tokio::test]
async fn stats_count_graph_requests_and_reset_restores_everything() {
    let sb = start();
    ok(&sb, "/me").await;
    ok(&sb, "/me/media").await;
    let id = sb.ig_user_id().to_owned();
    ok(&sb, &format!("/{id}/media")).await;
    ok(&sb, &format!("/{id}")).await;
    err(&sb, "/123").await;
    let (_, _, s) = fetch(&format!("{}/_sandbox/stats", sb.url())).await;
    assert_eq!(s["requests"], 5);
    assert_eq!(s["by_endpoint"]["GET /me"], 1);
    assert_eq!(s["by_endpoint"]["GET /me/media"], 1);
    assert_eq!(s["by_endpoint"]["GET /{id}/media"], 1);
    assert_eq!(s["by_endpoint"]["GET /{id}"], 2);
    let (_, _, s2) = fetch(&format!("{}/_sandbox/stats", sb.url())).await;
    assert_eq!(s2["requests"], 5, "admin calls are not counted");

    let (_, _, info) = fetch(&format!("{}/_sandbox/info", sb.url())).await;
    assert_eq!(info, sb.info_json());

    let before = ok(&sb, "/me/media?fields=id,caption,like_count&limit=50").await;
    let r = reqwest::Client::new()
        .post(format!("{}/_sandbox/reset", sb.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        serde_json::json!({"ok": true})
    );
    let (_, _, s) = fetch(&format!("{}/_sandbox/stats", sb.url())).await;
    assert_eq!(s["requests"], 0);
    assert_eq!(s["by_endpoint"], serde_json::json!({}));
    assert_eq!(
        ok(&sb, "/me/media?fields=id,caption,like_count&limit=50").await,
        before
    );
}

#[tokio::test]
async fn same_seed_same_bytes_other_seed_other_data() {
    let a = start();
    let b = start();
    let c = start_with(|o| o.seed = 7);
    let q = "/me/media?fields=id,caption,media_type,media_product_type,media_url,permalink,shortcode,timestamp,like_count,comments_count,children{id,media_type}&limit=100";
    let body = |sb: &Sandbox| {
        let url = format!("{}/{V}{q}&access_token={}", sb.url(), sb.access_token());
        async move {
            let text = reqwest::get(url).await.unwrap().text().await.unwrap();
            // Paging links name the port; everything else must match byte for byte.
            let v: Value = serde_json::from_str(&text).unwrap();
            (v["data"].to_string(), v["paging"]["cursors"].to_string())
        }
    };
    let (da, ca) = body(&a).await;
    let (db, cb) = body(&b).await;
    assert_eq!(da, db);
    assert_eq!(ca, cb);
    assert_eq!(a.access_token(), b.access_token());
    assert_eq!(a.ig_user_id(), b.ig_user_id());
    let (dc, _) = body(&c).await;
    assert_ne!(da, dc);
    assert_ne!(a.access_token(), c.access_token());
    assert_ne!(a.ig_user_id(), c.ig_user_id());
}

#[tokio::test]
async fn usage_headers_are_json_on_success_and_error() {
    let sb = start();
    for path in ["/me", "/1"] {
        let (_, h, _) = fetch(&format!(
            "{}/{V}{path}?access_token={}",
            sb.url(),
            sb.access_token()
        ))
        .await;
        assert!(h["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let app: Value = serde_json::from_str(h["x-app-usage"].to_str().unwrap()).unwrap();
        for k in ["call_count", "total_time", "total_cputime"] {
            assert!(app[k].as_u64().unwrap() <= 100);
        }
        let buc: Value =
            serde_json::from_str(h["x-business-use-case-usage"].to_str().unwrap()).unwrap();
        let e = &buc[sb.ig_user_id()][0];
        assert_eq!(e["type"], "instagram");
        assert!(e["estimated_time_to_regain_access"].is_number());
    }
}

#[tokio::test]
async fn appsecret_proof_is_checked() {
    let sb = start_with(|o| o.require_appsecret_proof = true);
    let e = err(&sb, "/me").await;
    assert_eq!(e["code"], 100);
    assert_eq!(
        e["message"],
        "API calls from the server require an appsecret_proof argument"
    );
    let e = err(&sb, "/me?appsecret_proof=abc").await;
    assert_eq!(
        e["message"],
        "Invalid appsecret_proof provided in the API argument"
    );
    let proof = proof_of(sb.access_token(), sb.app_secret());
    let me = ok(&sb, &format!("/me?appsecret_proof={proof}")).await;
    assert_eq!(me["username"], "sandbox.studio");
    // Paging links keep the proof.
    let p = ok(&sb, &format!("/me/media?appsecret_proof={proof}")).await;
    assert!(p["paging"]["next"].as_str().unwrap().contains(&proof));

    let open = start();
    ok(&open, "/me").await;
    assert_eq!(err(&open, "/me?appsecret_proof=00").await["code"], 100);
}

#[tokio::test]
async fn accounts_stories_and_node_fields() {
    let sb = start();
    // Pages are Facebook Login: the Facebook user token lists them.
    let fb = sb.facebook_access_token().to_owned();
    let (s, acc) = graph_as(
        &sb,
        &fb,
        "/me/accounts?fields=id,name,access_token,instagram_business_account{id,username}",
    )
    .await;
    assert_eq!(s, 200, "{acc}");
    let page = &acc["data"][0];
    assert_eq!(page["instagram_business_account"]["id"], sb.ig_user_id());
    assert_eq!(
        page["instagram_business_account"]["username"],
        "sandbox.studio"
    );
    assert_eq!(page["access_token"], sb.page_access_token());
    let pid = page["id"].as_str().unwrap();
    assert_eq!(pid, sb.page_id());
    let (s, p) = graph_as(
        &sb,
        &fb,
        &format!("/{pid}?fields=instagram_business_account"),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["instagram_business_account"]["id"], sb.ig_user_id());

    let me = ok(&sb, "/me").await;
    assert_eq!(
        me.as_object().unwrap().len(),
        2,
        "id and username by default: {me}"
    );
    let by_id = ok(&sb, &format!("/{}", sb.ig_user_id())).await;
    assert_eq!(by_id, serde_json::json!({"id": sb.ig_user_id()}));

    let stories = ok(
        &sb,
        "/me/stories?fields=id,media_type,media_product_type,timestamp,permalink",
    )
    .await;
    let st = stories["data"].as_array().unwrap();
    assert!((3..=5).contains(&st.len()));
    assert!(st.iter().all(|s| s["media_product_type"] == "STORY"));

    let reels = ok(&sb, "/me/media?limit=100&fields=id,media_type,media_product_type,permalink,thumbnail_url,is_shared_to_feed,alt_text,owner{id},username").await;
    let reel = reels["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["media_product_type"] == "REELS")
        .unwrap();
    assert_eq!(reel["media_type"], "VIDEO");
    assert!(reel["permalink"]
        .as_str()
        .unwrap()
        .starts_with("https://www.instagram.com/reel/"));
    assert!(reel["thumbnail_url"].is_string() && reel["is_shared_to_feed"].is_boolean());
    assert_eq!(reel["owner"]["id"], sb.ig_user_id());
    let img = reels["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["media_type"] == "IMAGE")
        .unwrap();
    assert!(img.get("thumbnail_url").is_none() && img.get("is_shared_to_feed").is_none());
    assert!(img["permalink"]
        .as_str()
        .unwrap()
        .starts_with("https://www.instagram.com/p/"));

    let multi = ok(
        &sb,
        &format!("/?ids=me,{}&fields=id", reel["id"].as_str().unwrap()),
    )
    .await;
    // Instagram Login: `/me` shows the app-scoped id as `id`.
    assert_eq!(multi["me"]["id"], sb.info_json()["ig_app_scoped_id"]);
}

#[tokio::test]
async fn media_since_until_filter() {
    let sb = start();
    let all = ok(&sb, "/me/media?fields=id,timestamp&limit=100").await;
    let t0 = all["data"][10]["timestamp"].as_str().unwrap().to_owned();
    let t1 = all["data"][3]["timestamp"].as_str().unwrap().to_owned();
    let enc = |s: &str| s.replace('+', "%2B");
    let win = ok(
        &sb,
        &format!("/me/media?fields=id&since={}&until={}", enc(&t0), enc(&t1)),
    )
    .await;
    assert_eq!(ids(&win).len(), 8);
    assert!(win["paging"].get("next").is_none());
    let unix = chrono::DateTime::parse_from_str(&t1, "%Y-%m-%dT%H:%M:%S%z")
        .unwrap()
        .timestamp();
    assert_eq!(
        ids(&ok(&sb, &format!("/me/media?since={unix}&limit=100")).await).len(),
        4
    );
}

#[tokio::test]
async fn insights_follow_the_metric_tables() {
    let sb = start();
    let (since, until) = (1_780_000_000, 1_780_000_000 + 7 * 86_400);
    let r = ok(&sb, &format!("/me/insights?metric=reach&period=day&metric_type=time_series&since={since}&until={until}")).await;
    let d = &r["data"][0];
    assert_eq!(d["name"], "reach");
    assert_eq!(d["values"].as_array().unwrap().len(), 7);
    assert!(d["values"][0]["end_time"]
        .as_str()
        .unwrap()
        .ends_with("T07:00:00+0000"));
    assert!(r["paging"]["next"].is_string());
    let again = ok(&sb, &format!("/me/insights?metric=reach&period=day&metric_type=time_series&since={since}&until={until}")).await;
    assert_eq!(r, again, "deterministic");

    let tv = ok(&sb, &format!("/me/insights?metric=likes,reach&period=day&metric_type=total_value&breakdown=media_product_type&since={since}&until={until}")).await;
    let likes = &tv["data"][0]["total_value"];
    let parts: u64 = likes["breakdowns"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["value"].as_u64().unwrap())
        .sum();
    assert_eq!(parts, likes["value"].as_u64().unwrap());

    let demo = ok(&sb, "/me/insights?metric=follower_demographics&period=lifetime&metric_type=total_value&breakdown=age,gender").await;
    assert_eq!(
        demo["data"][0]["total_value"]["breakdowns"][0]["dimension_keys"],
        serde_json::json!(["age", "gender"])
    );

    let e = err(&sb, "/me/insights?metric=impressionz&period=day").await;
    assert!(e["message"]
        .as_str()
        .unwrap()
        .starts_with("(#100) metric[0] must be one of the following values: "));
    let e = err(
        &sb,
        &format!(
            "/me/insights?metric=reach&period=day&since={}&until={until}",
            until - 31 * 86_400
        ),
    )
    .await;
    assert_eq!(
        e["message"],
        "(#100) There cannot be more than 30 days (2592000 s) between since and until"
    );

    let media = ok(
        &sb,
        "/me/media?fields=id,media_product_type,media_type&limit=100",
    )
    .await;
    let reel = media["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["media_product_type"] == "REELS")
        .unwrap();
    let rid = reel["id"].as_str().unwrap();
    let mi = ok(
        &sb,
        &format!("/{rid}/insights?metric=views,reach,likes,ig_reels_avg_watch_time"),
    )
    .await;
    let first = &mi["data"][0];
    assert_eq!(first["period"], "lifetime");
    assert_eq!(first["id"], format!("{rid}/insights/views/lifetime"));
    assert!(first["values"][0]["value"].as_u64().unwrap() > 0);
    let e = err(&sb, &format!("/{rid}/insights?metric=navigation")).await;
    assert_eq!(e["message"], "(#100) The Media Insights API does not support the navigation metric for this media product type");
    // insights as a field with modifiers
    let f = ok(
        &sb,
        &format!("/{rid}?fields=id,insights.metric(reach,saved)"),
    )
    .await;
    assert_eq!(f["insights"]["data"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn latency_is_added_to_graph_requests() {
    let sb = start_with(|o| o.latency = Duration::from_millis(150));
    let t = Instant::now();
    ok(&sb, "/me").await;
    assert!(t.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn stop_is_idempotent_and_frees_the_port() {
    let mut sb = start();
    let url = sb.url().to_owned();
    ok(&sb, "/me").await;
    sb.stop();
    sb.stop();
    assert!(reqwest::get(format!("{url}/_sandbox/info")).await.is_err());
}

#[test]
fn starts_outside_any_runtime_and_reports_info() {
    let sb = start();
    let info = sb.info_json();
    assert_eq!(info["url"], sb.url());
    assert_eq!(info["seed"], 42);
    assert!(sb.url().starts_with("http://127.0.0.1:") && !sb.url().ends_with('/'));
    assert!(sb.ig_user_id().starts_with("1784") && sb.ig_user_id().len() == 17);
    assert_eq!(sb.app_secret().len(), 32);
    let bad = Sandbox::start(SandboxOptions {
        media_count: 0,
        ..SandboxOptions::default()
    });
    assert!(bad.is_err());
}

#[tokio::test]
async fn malformed_input_gets_graph_errors_not_crashes() {
    let sb = start();
    let cases = [
        "/me?fields=%7B%7D%7D",
        "/me?fields=media.limit(",
        "/me?fields=media.limit(abc){id}",
        "/me?fields=media.after(%00%FF){id}",
        "/me?fields=media.since(-99999999999999999999){id}",
        "/me/media?since=-9223372036854775808&until=9223372036854775807",
        "/me/media?before=c2J4MTp4Ong",
        "/me/insights?metric=reach&period=day&since=-9223372036854775808",
        "/me/insights?metric=,,,&period=day",
        "/me/insights?metric=follower_demographics&period=lifetime&metric_type=total_value&breakdown=age,age,age,age",
        "/me/media/extra/segments",
        "/?ids=,,,",
        "/me?fields=insights",
        "/me/media?limit=99999999999999999999999999",
    ];
    for c in cases {
        let (s, v) = graph(&sb, c).await;
        assert!(s == 200 || s == 400, "{c}: HTTP {s}");
        if s == 400 {
            assert!(v["error"]["code"].is_i64(), "{c}: {v}");
        }
    }
    // Still serving.
    ok(&sb, "/me").await;
}

#[tokio::test]
async fn bulk_comments_page_like_the_others() {
    let sb = start_with(|o| o.bulk_comments = 4_000);
    let page = ok(&sb, "/me/media?limit=1&fields=id,comments_count").await;
    let m = &page["data"][0];
    let id = m["id"].as_str().unwrap();
    let url = format!(
        "{}/{V}/{id}/comments?fields=id,timestamp,replies{{id}}&limit=50&access_token={}",
        sb.url(),
        sb.access_token()
    );
    let (top, pages) = walk(url).await;
    // 4,000 more top-level comments than the seeded 12, in pages of at most 50.
    assert_eq!(top.len(), 4_012);
    assert_eq!(pages, 4_012_usize.div_ceil(50));
    let ids: HashSet<&str> = top.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), top.len(), "every comment exactly once");
    let replies: usize = top
        .iter()
        .filter_map(|c| c.get("replies"))
        .map(|r| r["data"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        (top.len() + replies) as u64,
        m["comments_count"].as_u64().unwrap()
    );
    let times: Vec<&str> = top
        .iter()
        .map(|c| c["timestamp"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    // The second media is as without them.
    let plain = start();
    let second = "/me/media?limit=2&fields=id,comments_count";
    assert_eq!(
        ok(&sb, second).await["data"][1],
        ok(&plain, second).await["data"][1]
    );
}
