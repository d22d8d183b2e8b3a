//! Fault injection: every kind as Meta sends it, deterministic for a seed, rates kept, and
//! writes classified as run before or after the fault.

use crate::support::*;
use instagram_graph_sandbox::{FaultKind, Sandbox};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Set exactly one kind at probability 1.
async fn only(sb: &Sandbox, kind: &str, extra: Value) {
    let mut body = json!({"faults": {kind: 1.0}});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let (s, v) = admin(sb, "faults", body).await;
    assert_eq!(s, 200, "{v}");
}

/// One GET: `Ok((status, headers, body))`, or `Err` when the connection broke.
async fn try_get(
    url: &str,
    timeout: Duration,
) -> Result<(u16, reqwest::header::HeaderMap, String), reqwest::Error> {
    let r = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .unwrap()
        .get(url)
        .send()
        .await?;
    let s = r.status().as_u16();
    let h = r.headers().clone();
    Ok((s, h, r.text().await?))
}

fn usage(h: &reqwest::header::HeaderMap, name: &str) -> Value {
    serde_json::from_str(h[name].to_str().unwrap()).unwrap()
}

#[tokio::test]
async fn each_kind_looks_like_meta() {
    let sb = start_json(json!({"regain_minutes": 1, "long_regain_minutes": 90, "slow_ms": 300}));
    let u = url(&sb, sb.access_token(), "/me/media?fields=id");
    let t = Duration::from_secs(5);
    for (kind, code) in [
        ("throttle_4", 4),
        ("throttle_17", 17),
        ("throttle_32", 32),
        ("throttle_341", 341),
        ("throttle_613", 613),
        ("throttle_80001", 80001),
        ("throttle_80002", 80002),
        ("throttle_80006", 80006),
        ("throttle_long", 80002),
    ] {
        only(&sb, kind, json!({})).await;
        let (s, h, body) = try_get(&u, t).await.unwrap();
        let v: Value = serde_json::from_str(&body).unwrap();
        assert!(s == 400 || (code == 4 && s == 403), "{kind}: HTTP {s}");
        assert_eq!(v["error"]["code"], code, "{kind}: {v}");
        assert_eq!(v["error"]["is_transient"], true);
        assert_eq!(usage(&h, "x-app-usage")["call_count"], 100);
        let buc = usage(&h, "x-business-use-case-usage");
        let e = &buc[sb.ig_user_id()][0];
        assert_eq!(e["call_count"], 100, "{kind}: {buc}");
        let regain = if kind == "throttle_long" { 90 } else { 1 };
        assert_eq!(e["estimated_time_to_regain_access"], regain, "{kind}");
    }
    for (kind, status, code, sub) in [
        ("code_1", 400, 1, None),
        ("code_2", 400, 2, None),
        ("unsupported_100_33", 400, 100, Some(33)),
        ("expired_token", 400, 190, Some(463)),
    ] {
        only(&sb, kind, json!({})).await;
        let (s, _, body) = try_get(&u, t).await.unwrap();
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (s, v["error"]["code"].as_i64()),
            (status, Some(code)),
            "{kind}: {v}"
        );
        assert_eq!(v["error"]["error_subcode"].as_i64(), sub, "{kind}");
    }
    only(&sb, "http_500", json!({})).await;
    let (s, _, body) = try_get(&u, t).await.unwrap();
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(s, 500);
    assert!([1, 2].contains(&v["error"]["code"].as_i64().unwrap()));
    assert_eq!(v["error"]["is_transient"], true);

    only(&sb, "truncated_json", json!({})).await;
    let (s, _, body) = try_get(&u, t).await.unwrap();
    assert_eq!(s, 200);
    assert!(
        !body.is_empty() && serde_json::from_str::<Value>(&body).is_err(),
        "{body}"
    );

    only(&sb, "connection_reset", json!({})).await;
    assert!(try_get(&u, t).await.is_err(), "no answer at all");

    only(&sb, "slow", json!({})).await;
    assert!(try_get(&u, Duration::from_millis(100))
        .await
        .unwrap_err()
        .is_timeout());
    let t0 = Instant::now();
    let (s, _, _) = try_get(&u, t).await.unwrap();
    assert_eq!(s, 200);
    assert!(t0.elapsed() >= Duration::from_millis(300));

    let st = stats(&sb).await;
    for k in FaultKind::ALL {
        assert!(
            st["faults"][k.name()].as_u64().unwrap() >= 1,
            "{}: {st}",
            k.name()
        );
    }
    // Off again.
    let (_, f) = admin(&sb, "faults", json!({"fault_rate": 0})).await;
    assert_eq!(f["fault_rate"], 0.0);
    assert_eq!(try_get(&u, t).await.unwrap().0, 200);
}

/// What a client sees of `n` sequential GETs.
async fn outcomes(sb: &Sandbox, n: usize) -> Vec<String> {
    let u = url(sb, sb.access_token(), "/me?fields=id");
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(match try_get(&u, Duration::from_secs(5)).await {
            Ok((s, _, b)) => format!(
                "{s}:{}",
                serde_json::from_str::<Value>(&b)
                    .map(|v| v["error"]["code"].to_string())
                    .unwrap_or_else(|_| "cut".into())
            ),
            Err(_) => "reset".to_owned(),
        });
    }
    out
}

#[tokio::test]
async fn rate_zero_gives_none_and_rate_point_two_about_a_fifth() {
    let sb = start_json(json!({"fault_rate": 0.0, "fault_seed": 7}));
    let o = outcomes(&sb, 200).await;
    assert!(o.iter().all(|x| x == "200:null"), "{o:?}");
    assert_eq!(stats(&sb).await["faults_total"], 0);

    let sb = start_json(json!({"fault_rate": 0.2, "fault_seed": 7, "slow_ms": 5}));
    let o = outcomes(&sb, 1000).await;
    let st = stats(&sb).await;
    let injected = st["faults_total"].as_u64().unwrap();
    assert!((150..=250).contains(&injected), "{injected} faults in 1000");
    let visible = o.iter().filter(|x| *x != "200:null").count() as u64;
    // Slow answers arrive intact: every other fault is visible to the client.
    assert_eq!(visible, injected - st["faults"]["slow"].as_u64().unwrap());
}

#[tokio::test]
async fn same_seed_same_faults_other_seed_others() {
    let opts = json!({"fault_rate": 0.3, "fault_seed": 11, "slow_ms": 5});
    let a = outcomes(&start_json(opts.clone()), 120).await;
    let b = outcomes(&start_json(opts), 120).await;
    assert_eq!(a, b);
    let c = outcomes(
        &start_json(json!({"fault_rate": 0.3, "fault_seed": 12, "slow_ms": 5})),
        120,
    )
    .await;
    assert_ne!(a, c);
    // Re-posting the settings restarts the same sequence on a running sandbox.
    let sb = start();
    admin(
        &sb,
        "faults",
        json!({"fault_rate": 0.3, "fault_seed": 11, "slow_ms": 5}),
    )
    .await;
    assert_eq!(outcomes(&sb, 120).await, a);
}

async fn reply(sb: &Sandbox, comment: &str, message: &str) -> Result<u16, reqwest::Error> {
    let r = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
        .post(format!("{}/{V}/{comment}/replies", sb.url()))
        .form(&[("message", message), ("access_token", sb.access_token())])
        .send()
        .await?;
    Ok(r.status().as_u16())
}

async fn a_comment(sb: &Sandbox) -> String {
    let (_, v) = graph(
        sb,
        sb.access_token(),
        "/me/media?fields=comments.limit(1){id}&limit=50",
    )
    .await;
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|m| m["comments"]["data"][0]["id"].as_str())
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn writes_are_classified_before_or_after_the_fault() {
    let sb = start_json(json!({"slow_ms": 5}));
    let c = a_comment(&sb).await;
    // No faults: a reply is written once and shows up.
    assert_eq!(reply(&sb, &c, "plain").await.unwrap(), 200);
    let w = &stats(&sb).await["writes"];
    assert_eq!(
        (w["executed"].as_u64(), w["duplicates"].as_u64()),
        (Some(1), Some(0))
    );

    // Refusals never run the write.
    for kind in [
        "throttle_80002",
        "throttle_4",
        "expired_token",
        "unsupported_100_33",
    ] {
        only(&sb, kind, json!({})).await;
        assert_eq!(reply(&sb, &c, kind).await.unwrap() / 100, 4);
    }
    let st = stats(&sb).await;
    assert_eq!(st["writes"]["executed"], 1, "{st}");
    assert_eq!(st["faults_on_writes"]["before_write"], 4);

    // Ambiguous kinds: the ledger says which writes ran despite the error.
    for kind in ["http_500", "code_1", "code_2", "connection_reset", "slow"] {
        only(&sb, kind, json!({})).await;
        for i in 0..10 {
            let _ = reply(&sb, &c, &format!("{kind} {i}")).await;
        }
    }
    only(&sb, "truncated_json", json!({})).await;
    for i in 0..5 {
        assert_eq!(reply(&sb, &c, &format!("cut {i}")).await.unwrap(), 200);
    }
    admin(&sb, "faults", json!({"fault_rate": 0})).await;
    let st = stats(&sb).await;
    let w = &st["writes"];
    let after = st["faults_on_writes"]["after_write"].as_u64().unwrap();
    let before = st["faults_on_writes"]["before_write"].as_u64().unwrap();
    assert_eq!(after + before, 4 + 50 + 5);
    let log = w["log"].as_array().unwrap();
    let ran = |kind: &str| log.iter().filter(|e| e["fault"] == kind).count() as u64;
    let ambiguous: u64 = ["http_500", "code_1", "code_2", "connection_reset"]
        .iter()
        .map(|k| ran(k))
        .sum();
    assert!(
        ambiguous > 0 && ambiguous < 40,
        "the RNG splits both ways: {ambiguous}/40"
    );
    // This client waits out every slow answer, so all slow writes ran; truncated ones always run.
    assert_eq!((ran("slow"), ran("truncated_json")), (10, 5));
    assert_eq!(
        w["executed"].as_u64().unwrap(),
        1 + ambiguous + 10 + 5,
        "{st}"
    );
    assert_eq!(w["duplicates"], 0, "each message written at most once");
    // The replies that ran are in the thread.
    let (_, r) = graph(
        &sb,
        sb.access_token(),
        &format!("/{c}/replies?limit=50&fields=text"),
    )
    .await;
    let texts: Vec<&str> = r["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["text"].as_str())
        .collect();
    assert!(
        texts.contains(&"plain") && texts.contains(&"cut 4"),
        "{texts:?}"
    );
    assert!(!texts.contains(&"throttle_80002"));
}

#[tokio::test]
async fn usage_can_start_high_and_endpoints_override_the_rate() {
    let sb = start_json(json!({"usage_start_percent": 95}));
    let (_, h, _) = get_raw(&url(&sb, sb.access_token(), "/me")).await;
    assert!(usage(&h, "x-app-usage")["call_count"].as_u64().unwrap() >= 95);
    let buc = usage(&h, "x-business-use-case-usage");
    assert!(buc[sb.ig_user_id()][0]["call_count"].as_u64().unwrap() >= 95);

    let sb =
        start_json(json!({"fault_rate": 1.0, "fault_endpoints": {"GET /me": 0.0}, "slow_ms": 5}));
    assert!(outcomes(&sb, 30).await.iter().all(|x| x == "200:null"));
    let (_, f) = get(&format!("{}/_sandbox/faults", sb.url())).await;
    assert_eq!(f["endpoints"]["GET /me"], 0.0);
    let (s, e) = admin(&sb, "faults", json!({"faults": {"nope": 1}})).await;
    assert_eq!(s, 400, "{e}");
}

#[test]
fn the_command_takes_fault_flags_and_prints_every_credential() {
    use std::io::{BufRead as _, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_instagram-graph-sandbox"))
        .args([
            "--fault-rate",
            "0.2",
            "--fault-seed",
            "7",
            "--exit-on-stdin-eof",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: Value = serde_json::from_str(&line).unwrap();
    for k in [
        "url",
        "access_token",
        "facebook_access_token",
        "app_id",
        "app_secret",
        "ig_user_id",
        "page_id",
    ] {
        assert!(v[k].as_str().is_some_and(|s| !s.is_empty()), "{k}: {v}");
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let f = rt.block_on(async {
        reqwest::get(format!("{}/_sandbox/faults", v["url"].as_str().unwrap()))
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    });
    assert_eq!(
        (f["fault_rate"].as_f64(), f["fault_seed"].as_u64()),
        (Some(0.2), Some(7))
    );
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
}
