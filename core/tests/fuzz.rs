//! Property tests with hostile input for every decoder the network or a caller can reach:
//! Graph error envelopes (as JSON and as raw bytes), usage headers and the pacer, `Retry-After`,
//! retry decisions, secret scrubbing, op param validation, and the webhook functions (parse of
//! arbitrary bytes, of mutated documented deliveries and of structured junk; signature headers;
//! handshake queries). Each property asserts no panic
//! plus invariants (waits within their caps, kinds from the stable set).
//!
//! Cases per property: `PROPTEST_CASES` (default 2000, so `cargo test` stays fast). Long run:
//! `PROPTEST_CASES=200000 cargo test --release -p instagram-graph --test fuzz -- --nocapture`
//! (only the webhook properties: `... --test fuzz webhook -- --nocapture`)
//! (each property prints how many cases and decoder calls it ran, and how long it took).

use instagram_graph::error::{Delivery, Error, RetryClass, TransportFailure};
use instagram_graph::headers::{parse_retry_after, GraphHeaders, MAX_HINT};
use instagram_graph::ops::{self, OpContext};
use instagram_graph::pacing::Pacer;
use instagram_graph::retry::{decide, Decision, RetryPolicy};
use instagram_graph::usage::{Usage, MAX_PERCENT};
use instagram_graph::webhook;
use instagram_graph::Login;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Number, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

const KINDS: &[&str] = &[
    "auth",
    "permission",
    "rate_limited",
    "invalid_params",
    "not_found",
    "transient",
    "transport",
    "unsupported",
    "conflict",
    "api",
    "internal",
    "unexpected_response",
    "invalid_signature",
    "verification_failed",
    "invalid_payload",
    "outside_window",
    "recipient_unavailable",
];

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000)
}

/// Run `test` over `strategy` for `cases()` cases; `test` returns how many decoder calls it made.
fn run<S: Strategy>(
    name: &str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<u64, TestCaseError>,
) {
    let n = cases();
    let calls = AtomicU64::new(0);
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    let start = Instant::now();
    let result = runner.run(&strategy, |v| {
        calls.fetch_add(test(v)?, Ordering::Relaxed);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    eprintln!(
        "fuzz {name}: {n} cases, {} calls, {:.2?}",
        calls.load(Ordering::Relaxed),
        start.elapsed()
    );
}

/// Strings Meta, a proxy or an attacker might put where a number or a word belongs.
fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[0-9]{1,30}",
        "-?[0-9]{0,5}(\\.[0-9]{0,5})?(e[-+]?[0-9]{1,4})?",
        Just("NaN".into()),
        Just("inf".into()),
        Just("-inf".into()),
        Just("1e308".into()),
        Just("1e309".into()),
        Just("18446744073709551616".into()),
        Just("Sun, 06 Nov 1994 08:49:37 GMT".into()),
        Just("Fri, 31 Dec 9999 23:59:59 GMT".into()),
        "[A-Za-z]{3}, [0-9]{2} [A-Za-z]{3} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT",
        ".{0,40}",
        any::<String>(),
    ]
}

fn nasty_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(vec![
            0.0,
            -1.0,
            1e308,
            -1e308,
            f64::MIN_POSITIVE,
            90.0,
            95.5,
            100.0,
            1e15,
            4.5,
        ])
        .prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(vec![
            1i64,
            2,
            4,
            9,
            10,
            17,
            24,
            32,
            100,
            102,
            190,
            200,
            299,
            341,
            368,
            506,
            613,
            803,
            9007,
            80001,
            80002,
            80006,
            2207042,
            2207051,
            2207057,
            2207027,
            33,
            -1,
            -2,
            i64::MIN,
            i64::MAX,
        ])
        .prop_map(Value::from),
    ]
}

const KEYS: &[&str] = &[
    "error",
    "code",
    "error_subcode",
    "is_transient",
    "message",
    "type",
    "fbtrace_id",
    "error_data",
    "error_user_title",
    "error_user_msg",
    "error_message",
    "error_type",
    "call_count",
    "total_time",
    "total_cputime",
    "estimated_time_to_regain_access",
    "acc_id_util_pct",
    "reset_time_duration",
    "ads_api_access_tier",
    "17841400000000000",
    "data",
    "paging",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

/// A JSON scalar: null, a bool, a nasty number or a nasty string.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        nasty_number(),
        nasty_string().prop_map(Value::String),
    ]
}

/// A scalar mostly, sometimes nested junk: values inside otherwise well-formed headers.
fn field_value() -> impl Strategy<Value = Value> {
    prop_oneof![6 => leaf(), 1 => arb_json()]
}

/// Arbitrary JSON, biased towards the keys and values the decoders look at.
fn arb_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A Graph error envelope whose fields are each either plausible or junk.
fn envelope() -> impl Strategy<Value = Value> {
    let field = |plausible: BoxedStrategy<Value>| prop_oneof![2 => plausible, 1 => arb_json(), 1 => Just(Value::Null)];
    (
        field(nasty_number().boxed()),
        field(nasty_number().boxed()),
        field(any::<bool>().prop_map(Value::Bool).boxed()),
        field(nasty_string().prop_map(Value::String).boxed()),
        field(nasty_string().prop_map(Value::String).boxed()),
        arb_json(),
    )
        .prop_map(|(code, sub, transient, message, trace, data)| {
            let mut e = Map::new();
            for (k, v) in [
                ("code", code),
                ("error_subcode", sub),
                ("is_transient", transient),
                ("message", message),
                ("fbtrace_id", trace),
                ("error_data", data),
            ] {
                if !v.is_null() {
                    e.insert(k.into(), v);
                }
            }
            serde_json::json!({ "error": e })
        })
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => prop::sample::select(vec![200u16, 400, 401, 403, 404, 429, 500, 502, 503, 504]),
        1 => any::<u16>(),
    ]
}

/// A usage header value: structured (plausible or junk fields), arbitrary JSON, or any text.
fn usage_header() -> impl Strategy<Value = Option<String>> {
    let entry = prop::collection::vec((key(), field_value()), 0..6)
        .prop_map(|kv| Value::Object(kv.into_iter().collect()))
        .boxed();
    let buc = prop::collection::vec(
        (
            prop_oneof!["[0-9]{1,17}", any::<String>()],
            prop_oneof![
                3 => prop::collection::vec(entry.clone(), 0..4).prop_map(Value::Array),
                1 => arb_json(),
            ],
        ),
        0..6,
    )
    .prop_map(|kv| Value::Object(kv.into_iter().collect()).to_string());
    prop_oneof![
        1 => Just(None),
        3 => buc.prop_map(Some),
        2 => entry.prop_map(|v| Some(v.to_string())),
        1 => arb_json().prop_map(|v| Some(v.to_string())),
        1 => any::<String>().prop_map(Some),
    ]
}

fn check_error(e: &Error) -> Result<(), TestCaseError> {
    prop_assert!(KINDS.contains(&e.kind.as_str()), "kind {}", e.kind);
    let j = e.to_json();
    prop_assert_eq!(j["kind"].as_str(), Some(e.kind.as_str()));
    prop_assert!(!e.message.is_empty());
    prop_assert!(e.retry_after.is_none_or(|d| d <= MAX_HINT));
    if e.retry_class == RetryClass::Throttle {
        prop_assert_eq!(e.delivery, Delivery::Refused);
    }
    let _ = format!("{e} {e:?}");
    Ok(())
}

#[test]
fn error_envelopes_from_arbitrary_json() {
    let body = prop_oneof![2 => envelope(), 1 => arb_json()];
    run("from_graph(json)", (status(), body), |(status, body)| {
        let e = Error::from_graph(status, Some(&body));
        check_error(&e)?;
        // is_transient is exactly Meta's flag: only the JSON boolean true sets it.
        let said =
            body.get("error").and_then(|x| x.get("is_transient")) == Some(&Value::Bool(true));
        prop_assert_eq!(e.is_transient, said && body["error"].is_object());
        let e2 = Error::from_graph(status, None);
        check_error(&e2)?;
        Ok(2)
    });
}

#[test]
fn error_responses_from_arbitrary_bytes_and_headers() {
    let bytes = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        // A real envelope, then damaged: truncated and with a byte replaced.
        (envelope(), any::<usize>(), any::<usize>(), any::<u8>()).prop_map(|(v, cut, at, b)| {
            let mut raw = v.to_string().into_bytes();
            if !raw.is_empty() {
                let i = at % raw.len();
                raw[i] = b;
                raw.truncate(cut % (raw.len() + 1));
            }
            raw
        }),
    ];
    let header = prop_oneof![
        nasty_string().prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
    .boxed();
    let headers = (
        header.clone(),
        usage_header(),
        usage_header(),
        usage_header(),
    );
    run(
        "from_response(bytes)",
        (status(), bytes, headers, any::<u64>()),
        |(status, body, (ra, app, buc, ad), now_secs)| {
            let app = app.unwrap_or_default().into_bytes();
            let buc = buc.unwrap_or_default().into_bytes();
            let ad = ad.unwrap_or_default().into_bytes();
            let h = GraphHeaders::from_pairs([
                ("Retry-After", ra.as_slice()),
                ("X-App-Usage", app.as_slice()),
                ("X-Business-Use-Case-Usage", buc.as_slice()),
                ("X-Ad-Account-Usage", ad.as_slice()),
            ]);
            let now = SystemTime::UNIX_EPOCH + Duration::from_secs(now_secs % (1 << 40));
            let e = Error::from_response(status, &body, &h, now);
            check_error(&e)?;
            prop_assert!(h.wait_hint(now).is_none_or(|d| d <= MAX_HINT));
            Ok(1)
        },
    );
}

#[test]
fn retry_after_never_panics_and_is_capped() {
    let value = prop_oneof![nasty_string(), any::<String>()];
    run(
        "parse_retry_after",
        (value, any::<u64>()),
        |(v, now_secs)| {
            let now = SystemTime::UNIX_EPOCH + Duration::from_secs(now_secs % (1 << 40));
            let d = parse_retry_after(&v, now);
            prop_assert!(d.is_none_or(|d| d <= MAX_HINT), "{v:?} -> {d:?}");
            Ok(1)
        },
    );
}

fn check_usage(u: &Usage) -> Result<(), TestCaseError> {
    let pct_ok = |p: f64| p.is_finite() && (0.0..=MAX_PERCENT).contains(&p);
    prop_assert!(pct_ok(u.max_percent()));
    prop_assert!(u.regain_after().is_none_or(|d| d <= MAX_HINT));
    for b in &u.business {
        prop_assert!(pct_ok(b.counters.max_percent()));
        prop_assert!(b
            .estimated_time_to_regain_access
            .is_none_or(|m| m.is_finite() && m >= 0.0));
    }
    let j = serde_json::to_value(u).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(j["business"].is_array());
    Ok(())
}

#[test]
fn usage_headers_and_pacer_with_arbitrary_input() {
    let step = (
        usage_header(),
        usage_header(),
        usage_header(),
        0u64..400_000,
    );
    let policy = (any::<bool>(), any::<f64>(), 0usize..64);
    run(
        "usage+pacer",
        (prop::collection::vec(step, 1..4), policy),
        |(steps, (enabled, high_water, conc))| {
            let pacer = Pacer::new(&RetryPolicy {
                enabled,
                high_water,
                max_concurrency: conc,
                ..RetryPolicy::default()
            });
            let t0 = Instant::now();
            let mut calls = 0;
            for (app, buc, ad, ms) in &steps {
                if let Some(u) =
                    Usage::from_all_headers(app.as_deref(), buc.as_deref(), ad.as_deref())
                {
                    check_usage(&u)?;
                }
                let _ = Usage::from_headers(app.as_deref(), buc.as_deref());
                let now = t0 + Duration::from_millis(*ms);
                pacer.observe(app.as_deref(), buc.as_deref(), ad.as_deref(), now);
                for later in [0, 1_000, 60_000, 3_600_000] {
                    let w = pacer.wait_before(now + Duration::from_millis(later));
                    prop_assert!(w.is_none_or(|w| w <= MAX_HINT), "{w:?}");
                    if !enabled {
                        prop_assert!(w.is_none());
                    }
                }
                calls += 3;
            }
            check_usage(&pacer.snapshot())?;
            Ok(calls)
        },
    );
}

fn arb_duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        (0u64..120_000).prop_map(Duration::from_millis),
        (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
        Just(Duration::MAX),
        Just(Duration::ZERO),
    ]
}

fn arb_error() -> impl Strategy<Value = Error> {
    let failure = prop::sample::select(vec![
        TransportFailure::Connect,
        TransportFailure::Timeout,
        TransportFailure::Reset,
        TransportFailure::Body,
        TransportFailure::Other,
    ]);
    prop_oneof![
        3 => (status(), envelope()).prop_map(|(s, b)| Error::from_graph(s, Some(&b))),
        1 => failure.prop_map(|f| Error::transport_failure("x", f)),
        1 => arb_duration().prop_map(Error::paced),
    ]
    .prop_flat_map(|e| {
        prop::option::of(arb_duration()).prop_map(move |ra| {
            let mut e = e.clone();
            e.retry_after = ra;
            e
        })
    })
}

#[test]
fn retry_decisions_respect_the_rules_for_any_policy() {
    let policy = (
        any::<bool>(),
        prop_oneof![0u32..6, any::<u32>()],
        arb_duration(),
        arb_duration(),
        arb_duration(),
    )
        .prop_map(|(enabled, max_attempts, total, base, max)| RetryPolicy {
            enabled,
            max_attempts,
            max_total_wait: total,
            base_delay: base,
            max_delay: max,
            ..RetryPolicy::default()
        });
    let input = (
        policy,
        arb_error(),
        prop_oneof![0u32..5, any::<u32>()],
        arb_duration(),
        any::<bool>(),
        any::<f64>(),
    );
    run(
        "decide",
        input,
        |(p, e, attempts, waited, idempotent, jitter)| {
            match decide(&p, &e, attempts, waited, idempotent, jitter) {
                Decision::GiveUp => {}
                Decision::Retry { after } => {
                    prop_assert!(p.enabled);
                    prop_assert!(attempts < p.max_attempts.max(1));
                    prop_assert!(e.retry_class != RetryClass::Permanent);
                    prop_assert!(waited
                        .checked_add(after)
                        .is_some_and(|t| t <= p.max_total_wait));
                    if !idempotent {
                        prop_assert!(matches!(e.delivery, Delivery::NotSent | Delivery::Refused));
                    }
                    if e.retry_class == RetryClass::Ambiguous {
                        prop_assert!(idempotent && attempts <= 1);
                    }
                    if e.retry_after.is_none() && e.retry_class != RetryClass::Ambiguous {
                        prop_assert!(after <= p.max_delay, "{after:?} > {:?}", p.max_delay);
                    }
                }
            }
            let _ = p.backoff(attempts, jitter);
            Ok(1)
        },
    );
}

#[test]
fn scrub_removes_every_literal_and_encoded_secret() {
    // Token-like secrets (never substrings of "[redacted]"); text mixing them in literally,
    // percent-encoded and double-encoded among arbitrary text.
    let secret = "EAA[A-Za-z0-9|+/=_-]{5,40}";
    let piece = |s: String| {
        prop_oneof![
            Just(s.clone()),
            Just(percent_encode(&s, false)),
            Just(percent_encode(&s, true)),
            Just(percent_encode(&percent_encode(&s, false), false)),
            any::<String>(),
        ]
    };
    let input = secret
        .prop_flat_map(move |s: String| (Just(s.clone()), prop::collection::vec(piece(s), 0..6)));
    run("scrub", input, |(secret, pieces)| {
        let text = pieces.join("&");
        let data = Value::Array(pieces.iter().cloned().map(Value::String).collect());
        let body = serde_json::json!({"error": {"message": text, "fbtrace_id": text,
            "type": text, "code": 190, "error_data": data}});
        let e = Error::from_graph(400, Some(&body)).scrub(&[&secret]);
        let all = format!("{e} {e:?} {}", e.to_json());
        prop_assert!(!all.contains(&secret), "{secret} in {all}");
        prop_assert!(!all.contains(&percent_encode(&secret, false)));
        Ok(1)
    });
}

/// Percent-encode everything but unreserved characters, upper- or lowercase hex.
fn percent_encode(s: &str, lower: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else if lower {
            out.push_str(&format!("%{b:02x}"));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[test]
fn every_operation_validates_arbitrary_params_without_panicking() {
    // Param names of every op, so generated objects hit real fields, not only unknown keys.
    let mut names: Vec<String> = KEYS.iter().map(|s| (*s).to_owned()).collect();
    for spec in ops::registry() {
        if let Some(props) = spec.params_schema()["properties"].as_object() {
            names.extend(props.keys().cloned());
        }
    }
    names.sort();
    names.dedup();
    let param_key = prop_oneof![
        4 => prop::sample::select(names),
        1 => any::<String>(),
    ];
    let params = prop_oneof![
        4 => prop::collection::vec((param_key, arb_json()), 0..6)
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        1 => arb_json(),
    ];
    let op_id = prop_oneof![
        6 => prop::sample::select(ops::registry().iter().map(|s| s.id).collect::<Vec<_>>())
            .prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    run("ops::prepare", (op_id, params), |(op_id, params)| {
        let mut calls = 0;
        for login in [Login::Facebook, Login::Instagram] {
            let ctx = OpContext { login };
            calls += 1;
            match ops::prepare(&op_id, params.clone(), &ctx) {
                Ok((spec, _req)) => prop_assert_eq!(spec.id, op_id.as_str()),
                Err(e) => {
                    check_error(&e)?;
                    prop_assert!(
                        matches!(e.kind.as_str(), "invalid_params" | "unsupported"),
                        "{op_id}: {} {}",
                        e.kind,
                        e.message
                    );
                    prop_assert_eq!(e.delivery, Delivery::NotSent);
                }
            }
        }
        Ok(calls)
    });
}

// ---------------------------------------------------------------------------------- webhooks

/// The documented deliveries of fixtures/webhooks/events (the small ones: mutations of the
/// 1,000-update batch would only be slower, not different).
fn webhook_bodies() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/webhooks/events");
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "body").then(|| std::fs::read(p).ok())?
        })
        .filter(|b| b.len() < 16 * 1024)
        .collect();
    out.sort();
    assert!(out.len() >= 30, "webhook fixtures missing: {}", out.len());
    out
}

/// Parse must never panic; errors are `invalid_payload` with a message; events are complete,
/// their dedupe keys stable and non-empty, their `raw` JSON.
fn check_parse(body: &[u8]) -> Result<u64, TestCaseError> {
    match webhook::parse(body) {
        Ok(events) => {
            let again = webhook::parse(body).map_err(|e| TestCaseError::fail(e.message))?;
            prop_assert_eq!(events.len(), again.len());
            for (a, b) in events.iter().zip(&again) {
                prop_assert_eq!(&a.dedupe_key, &b.dedupe_key);
                prop_assert!(a.dedupe_key.contains(':') && a.dedupe_key.len() <= 400);
                prop_assert!(!a.field.is_empty() || a.event_type.as_str() == "unknown");
                // `raw` is the item's text as sent: always JSON a `Value` holds (the Python
                // binding converts it through one).
                let raw = serde_json::from_str::<Value>(a.raw.get());
                prop_assert!(raw.is_ok(), "raw {}: {:?}", a.raw.get(), raw.err());
            }
            let json = webhook::parse_to_json(body).map_err(|e| TestCaseError::fail(e.message))?;
            prop_assert!(json.starts_with('['));
            Ok(3)
        }
        Err(e) => {
            prop_assert_eq!(e.kind.as_str(), "invalid_payload", "{}", e.message);
            prop_assert!(e.message.starts_with("webhook payload: "), "{}", e.message);
            prop_assert!(e.message.len() < 600, "{}", e.message);
            Ok(1)
        }
    }
}

#[test]
fn webhook_parse_of_arbitrary_bytes() {
    let bytes = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        ".{0,200}".prop_map(String::into_bytes),
        // Deep or wide brackets: serde_json's recursion limit must turn into an error.
        (1usize..400, prop::sample::select(vec![b'[', b'{'])).prop_map(|(n, b)| vec![b; n]),
    ];
    run("webhook::parse(bytes)", bytes, |b| check_parse(&b));
}

#[test]
fn webhook_parse_of_mutated_documented_deliveries() {
    let bodies = webhook_bodies();
    let n = bodies.len();
    // Byte-level damage (flip, truncate, insert, delete) and token splices at random places.
    let tokens: &[&[u8]] = &[
        b"null",
        b"true",
        b"1e999",
        b"-1",
        b"\"\"",
        b"[]",
        b"{}",
        b"\"\\ud800\"",
        b"\\u0000",
        b"\"x\":",
        b",",
        b"]",
        b"}",
        b"\"",
        b"18446744073709551616",
        b"\xff",
        b"\"\\/\"",
    ];
    let edit = (
        0u8..5,
        any::<usize>(),
        any::<u8>(),
        prop::sample::select(tokens.to_vec()),
    );
    let input = (0..n, prop::collection::vec(edit, 1..6));
    run("webhook::parse(mutated)", input, |(i, edits)| {
        let mut b = bodies[i].clone();
        for (op, at, byte, tok) in edits {
            let at = at % (b.len() + 1);
            match op {
                0 if at < b.len() => b[at] = byte,
                1 => b.truncate(at),
                2 => b.insert(at, byte),
                3 if at < b.len() => {
                    b.remove(at);
                }
                _ => {
                    b.splice(at..at, tok.iter().copied());
                }
            }
        }
        check_parse(&b)
    });
}

/// JSON keys the parser looks at, so structured junk reaches every branch.
const WEBHOOK_KEYS: &[&str] = &[
    "object",
    "entry",
    "id",
    "time",
    "changes",
    "messaging",
    "standby",
    "field",
    "value",
    "sender",
    "recipient",
    "timestamp",
    "message",
    "mid",
    "text",
    "attachments",
    "type",
    "payload",
    "url",
    "quick_reply",
    "reply_to",
    "story",
    "referral",
    "ref",
    "source",
    "ad_id",
    "product",
    "ads_context_data",
    "is_echo",
    "is_deleted",
    "is_unsupported",
    "is_self",
    "message_edit",
    "num_edit",
    "reaction",
    "action",
    "emoji",
    "postback",
    "title",
    "read",
    "optin",
    "pass_thread_control",
    "take_thread_control",
    "request_thread_control",
    "app_roles",
    "previous_owner_app_id",
    "new_owner_app_id",
    "metadata",
    "comment_id",
    "parent_id",
    "from",
    "username",
    "media",
    "media_id",
    "media_product_type",
    "ad_title",
    "original_media_id",
    "comments",
    "live_comments",
    "mentions",
    "story_insights",
];

fn webhook_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        6 => prop::sample::select(WEBHOOK_KEYS).prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    let leaf = prop_oneof![
        3 => prop::sample::select(WEBHOOK_KEYS).prop_map(Value::from),
        2 => leaf(),
    ];
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

#[test]
fn webhook_parse_of_structured_junk() {
    let object = prop_oneof![
        4 => Just(Value::from("instagram")),
        1 => Just(Value::from("page")),
        1 => leaf(),
    ];
    let entry = prop::collection::vec(
        (
            prop_oneof![Just(Value::from("17841405726653026")), leaf()],
            prop_oneof![Just(Value::from(1_569_262_486_134i64)), leaf()],
            prop::sample::select(vec!["changes", "messaging", "standby", "field", "x"]),
            webhook_json(),
        )
            .prop_map(|(id, time, key, body)| {
                let mut e = Map::new();
                e.insert("id".into(), id);
                e.insert("time".into(), time);
                e.insert(key.into(), body);
                Value::Object(e)
            }),
        0..4,
    );
    let delivery = (object, entry).prop_map(|(o, e)| serde_json::json!({"object": o, "entry": e}));
    run("webhook::parse(structured)", delivery, |v| {
        check_parse(v.to_string().as_bytes())
    });
}

#[test]
fn webhook_signatures_from_arbitrary_headers() {
    use hmac::{Hmac, Mac};
    let hex_digits = |n: std::ops::Range<usize>| {
        prop::collection::vec(prop::sample::select(b"0123456789abcdefABCDEF".to_vec()), n)
            .prop_map(|v| String::from_utf8(v).unwrap_or_default())
    };
    let header = prop_oneof![
        (
            prop::sample::select(vec![
                "sha256=", "sha1=", "SHA256=", "sha512=", "", " sha256="
            ]),
            hex_digits(0..70)
        )
            .prop_map(|(p, h)| format!("{p}{h}")),
        nasty_string(),
        any::<String>(),
    ];
    let body = prop::collection::vec(any::<u8>(), 0..128);
    let secret = prop_oneof![Just(String::new()), "[a-z0-9]{1,40}", any::<String>()];
    let input = (
        body,
        prop::option::of(header.clone()),
        prop::option::of(header),
        secret,
    );
    run(
        "webhook::verify_signature",
        input,
        |(body, h256, h1, secret)| {
            for h in [h256.as_deref(), h1.as_deref()].into_iter().flatten() {
                match webhook::verify_signature(&body, h, &secret) {
                    Ok(true) => {
                        // A pass means the header really is the HMAC of the body.
                        let mut m2 =
                            Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
                        m2.update(&body);
                        let mut m1 = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
                        m1.update(&body);
                        let h = h.trim().to_ascii_lowercase();
                        let want2 = format!("sha256={}", hex::encode(m2.finalize().into_bytes()));
                        let want1 = format!("sha1={}", hex::encode(m1.finalize().into_bytes()));
                        prop_assert!(h == want2 || h == want1, "{}", h);
                    }
                    Ok(false) => prop_assert!(!secret.is_empty()),
                    Err(e) => {
                        prop_assert_eq!(e.kind.as_str(), "invalid_signature");
                        if secret.len() >= 8 {
                            prop_assert!(!e.message.contains(&secret));
                        }
                    }
                }
            }
            match webhook::verify_signature_headers(&body, h256.as_deref(), h1.as_deref(), &secret)
            {
                Ok(_) => prop_assert!(h256.is_some() || h1.is_some()),
                Err(e) => prop_assert_eq!(e.kind.as_str(), "invalid_signature"),
            }
            Ok(3)
        },
    );
}

#[test]
fn webhook_subscriptions_from_arbitrary_queries() {
    let key = prop_oneof![
        prop::sample::select(vec![
            "hub.mode",
            "hub_mode",
            "hub.verify_token",
            "hub_verify_token",
            "hub.challenge",
            "hub_challenge",
            "hub.",
            "hub_x",
            "mode",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
    ];
    let value = prop_oneof![
        Just("subscribe".to_owned()),
        Just("configured-token-1".to_owned()),
        nasty_string(),
    ];
    let token = prop_oneof![
        Just("configured-token-1".to_owned()),
        Just(String::new()),
        any::<String>()
    ];
    let input = (prop::collection::vec((key, value), 0..8), token);
    run("webhook::verify_subscription", input, |(pairs, token)| {
        match webhook::verify_subscription(pairs.clone(), &token) {
            Ok(challenge) => {
                prop_assert!(!token.is_empty() && !challenge.is_empty());
                let get = |k: &str| {
                    pairs
                        .iter()
                        .find(|(pk, _)| pk == &format!("hub.{k}") || pk == &format!("hub_{k}"))
                };
                prop_assert_eq!(get("mode").map(|p| p.1.as_str()), Some("subscribe"));
                prop_assert_eq!(
                    get("verify_token").map(|p| p.1.as_str()),
                    Some(token.as_str())
                );
                prop_assert_eq!(get("challenge").map(|p| &p.1), Some(&challenge));
            }
            Err(e) => {
                prop_assert_eq!(e.kind.as_str(), "verification_failed");
                if token.len() >= 8 {
                    prop_assert!(!e.message.contains(&token), "{}", e.message);
                }
            }
        }
        Ok(1)
    });
}
