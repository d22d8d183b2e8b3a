//! The shared webhook fixtures (fixtures/webhooks, see its README): Meta-documented deliveries
//! parse to exactly the expected events, signature and handshake cases give the expected
//! answers, and bodies no Meta delivery can be fail with `invalid_payload`, never a panic.

use super::fixtures::fixtures_dir;
use instagram_graph::webhook::{self, Event, MAX_BODY_BYTES};
use instagram_graph::ErrorKind;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    fixtures_dir().join("webhooks")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn events_json(events: &[Event]) -> Value {
    serde_json::to_value(events).unwrap()
}

/// Every `events/<name>.json` with its body bytes, sorted by name.
fn event_cases() -> Vec<(String, Vec<u8>, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir().join("events")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let body = std::fs::read(path.with_extension("body")).unwrap();
        out.push((name, body, read_json(&path)));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(
        out.len() >= 40,
        "expected the webhook fixtures, found {}",
        out.len()
    );
    out
}

/// Point at the first differing event and key, so a failure is readable.
fn assert_events_eq(name: &str, got: &Value, want: &Value) {
    let (g, w) = (got.as_array().unwrap(), want.as_array().unwrap());
    assert_eq!(g.len(), w.len(), "{name}: number of events: {got:#}");
    for (i, (ge, we)) in g.iter().zip(w).enumerate() {
        let keys: std::collections::BTreeSet<&String> = ge
            .as_object()
            .unwrap()
            .keys()
            .chain(we.as_object().unwrap().keys())
            .collect();
        for k in keys {
            assert_eq!(ge.get(k), we.get(k), "{name}: event {i}: key {k}");
        }
    }
}

#[test]
fn documented_deliveries_parse_to_the_expected_events() {
    for (name, body, meta) in event_cases() {
        let secret = meta["app_secret"].as_str().unwrap();
        let ok = webhook::verify_signature_headers(&body, meta["sha256"].as_str(), None, secret);
        assert!(ok.unwrap(), "{name}: sha256 signature");
        assert!(
            webhook::verify_signature(&body, meta["sha1"].as_str().unwrap(), secret).unwrap(),
            "{name}: sha1 signature"
        );
        let events = webhook::parse(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = events_json(&events);
        if let Some(want) = meta.get("expected") {
            assert_events_eq(&name, &got, want);
        } else {
            check_summary(&name, &events, &got, &meta["expected_summary"]);
        }
        // parse_to_json is the same list, as the bindings receive it.
        let text = webhook::parse_to_json(&body).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), got, "{name}");
        // Stable across parses; distinct within the delivery.
        let again = webhook::parse(&body).unwrap();
        let keys: Vec<&str> = events.iter().map(|e| e.dedupe_key.as_str()).collect();
        let keys2: Vec<&str> = again.iter().map(|e| e.dedupe_key.as_str()).collect();
        assert_eq!(keys, keys2, "{name}: dedupe keys differ between parses");
        let distinct: HashSet<&str> = keys.iter().copied().collect();
        assert_eq!(distinct.len(), keys.len(), "{name}: duplicate dedupe keys");
        for k in keys {
            assert!(
                k.len() <= 200 && k.contains(':'),
                "{name}: dedupe key {k:?}"
            );
        }
    }
}

fn check_summary(name: &str, events: &[Event], got: &Value, want: &Value) {
    assert_eq!(
        events.len() as u64,
        want["count"].as_u64().unwrap(),
        "{name}"
    );
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    for e in events {
        *by_type.entry(e.event_type.as_str().to_owned()).or_default() += 1;
    }
    let want_types: BTreeMap<String, u64> =
        serde_json::from_value(want["event_types"].clone()).unwrap();
    assert_eq!(by_type, want_types, "{name}: event types");
    let arr = got.as_array().unwrap();
    assert_events_eq(
        name,
        &Value::from(vec![arr[0].clone()]),
        &Value::from(vec![want["first"].clone()]),
    );
    let last = arr.last().unwrap().clone();
    assert_events_eq(
        name,
        &Value::from(vec![last]),
        &Value::from(vec![want["last"].clone()]),
    );
}

#[test]
fn every_event_type_and_contract_key_is_covered_by_a_fixture() {
    let mut seen = HashSet::new();
    for (_, _, meta) in event_cases() {
        for e in meta["expected"].as_array().into_iter().flatten() {
            seen.insert(e["event_type"].as_str().unwrap().to_owned());
            for k in [
                "event_type",
                "field",
                "account_id",
                "time",
                "dedupe_key",
                "raw",
            ] {
                assert!(e.get(k).is_some(), "{k} missing in {e}");
            }
        }
    }
    for t in [
        "message",
        "message_echo",
        "message_deleted",
        "message_edit",
        "reaction",
        "postback",
        "referral",
        "seen",
        "optin",
        "handover",
        "comment",
        "live_comment",
        "mention",
        "story_insights",
        "unknown",
    ] {
        assert!(seen.contains(t), "no fixture for {t}");
    }
}

#[test]
fn signature_cases_give_the_expected_answers() {
    let f = read_json(&dir().join("signatures.json"));
    let cases = f["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let body = std::fs::read(dir().join(c["body"].as_str().unwrap())).unwrap();
        let h = &c["headers"];
        let got = webhook::verify_signature_headers(
            &body,
            h["x-hub-signature-256"].as_str(),
            h["x-hub-signature"].as_str(),
            c["app_secret"].as_str().unwrap(),
        );
        match (&c["expected"], got) {
            (Value::Bool(want), Ok(ok)) => assert_eq!(ok, *want, "{name}"),
            (Value::String(kind), Err(e)) => {
                assert_eq!(e.kind.as_str(), kind, "{name}");
                assert_eq!(e.kind, ErrorKind::InvalidSignature, "{name}");
                let secret = c["app_secret"].as_str().unwrap();
                if !secret.is_empty() {
                    assert!(!e.message.contains(secret), "{name}: secret in error");
                }
            }
            (want, got) => panic!("{name}: expected {want}, got {got:?}"),
        }
        // The single-header form agrees whenever only one header is given.
        if let (Some(one), 1) = (
            h["x-hub-signature-256"]
                .as_str()
                .or(h["x-hub-signature"].as_str()),
            h.as_object().unwrap().len(),
        ) {
            let single = webhook::verify_signature(&body, one, c["app_secret"].as_str().unwrap());
            if name != "sha1_value_in_sha256_header" {
                assert_eq!(
                    single.as_ref().ok(),
                    c["expected"].as_bool().as_ref(),
                    "{name}: verify_signature"
                );
            }
        }
    }
}

#[test]
fn subscription_cases_give_the_expected_answers() {
    let f = read_json(&dir().join("subscription.json"));
    for c in f["cases"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let query = c["query"].as_str().unwrap();
        let token = c["verify_token"].as_str().unwrap();
        let pairs = url::form_urlencoded::parse(query.as_bytes());
        match (webhook::verify_subscription(pairs, token), &c["expected"]) {
            (Ok(ch), want) => assert_eq!(Some(ch.as_str()), want["challenge"].as_str(), "{name}"),
            (Err(e), want) => {
                assert_eq!(Some(e.kind.as_str()), want["error"].as_str(), "{name}: {e}");
                if !token.is_empty() {
                    assert!(!e.message.contains(token), "{name}: token in error");
                }
                for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
                    if k.ends_with("verify_token") && v.len() > 3 {
                        assert!(!e.message.contains(&*v), "{name}: given token in error");
                    }
                }
            }
        }
    }
}

#[test]
fn bodies_no_delivery_can_be_fail_with_invalid_payload() {
    let f = read_json(&dir().join("invalid.json"));
    let cases = f["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let body = std::fs::read(dir().join(c["body"].as_str().unwrap())).unwrap();
        let e = webhook::parse(&body).expect_err(name);
        assert_eq!(
            Some(e.kind.as_str()),
            c["expected_error"].as_str(),
            "{name}"
        );
        let want = c["message_contains"].as_str().unwrap();
        assert!(
            e.message.contains(want),
            "{name}: {:?} lacks {want:?}",
            e.message
        );
        assert!(
            e.message.starts_with("webhook payload: "),
            "{name}: {}",
            e.message
        );
        assert!(webhook::parse_to_json(&body).is_err(), "{name}");
    }
    // Oversized: one byte over the limit, refused before parsing.
    let mut big = b"{\"object\":\"instagram\",\"entry\":[]}".to_vec();
    big.resize(MAX_BODY_BYTES + 1, b' ');
    let e = webhook::parse(&big).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidPayload);
    assert!(e.message.contains("bytes"), "{}", e.message);
    big.truncate(MAX_BODY_BYTES);
    assert!(webhook::parse(&big).unwrap().is_empty());
}

#[test]
fn a_redelivery_in_a_new_batch_keeps_its_dedupe_keys() {
    // Meta may batch a retried update with other entries and a new entry time: the key of the
    // update itself must not change (graph-api.md §3.6).
    let body = std::fs::read(dir().join("events/batch_mixed.body")).unwrap();
    let first = webhook::parse(&body).unwrap();
    let mut v: Value = serde_json::from_slice(&body).unwrap();
    let entries = v["entry"].as_array_mut().unwrap();
    entries.reverse();
    for e in entries.iter_mut() {
        e["time"] = Value::from(e["time"].as_i64().unwrap() + 7);
    }
    let again = webhook::parse(v.to_string().as_bytes()).unwrap();
    let mut a: Vec<&str> = first.iter().map(|e| e.dedupe_key.as_str()).collect();
    let mut b: Vec<&str> = again.iter().map(|e| e.dedupe_key.as_str()).collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
}

#[test]
fn fields_catalogue_lists_the_documented_fields() {
    let v = webhook::fields();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for want in [
        "comments",
        "live_comments",
        "mentions",
        "story_insights",
        "messages",
        "message_reactions",
        "message_edit",
        "messaging_postbacks",
        "messaging_referral",
        "messaging_seen",
        "messaging_optins",
        "messaging_handover",
        "standby",
    ] {
        assert!(names.contains(&want), "{want} missing from fields()");
    }
    for f in v.as_array().unwrap() {
        for k in ["display_name", "description", "envelope"] {
            assert!(f[k].as_str().is_some_and(|s| !s.is_empty()), "{f}: {k}");
        }
        assert!(!f["event_types"].as_array().unwrap().is_empty(), "{f}");
    }
}
