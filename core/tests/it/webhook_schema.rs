//! `webhook::event_schema()` matches the parser: every event parsed from every fixture body
//! (and every `expected` event) has exactly the schema's keys for its `event_type`, each value
//! of the declared JSON type; the fields catalogue matches the schema's `webhook_field`. The
//! Node and Python types are generated from the schema, so this keeps them true too.

use super::fixtures::fixtures_dir;
use instagram_graph::webhook;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Whether `v` is of the schema type `ty` (nullability is the caller's).
fn type_ok(ty: &Value, v: &Value) -> Result<(), String> {
    let fail = || Err(format!("expected {ty}, got {v}"));
    match ty["type"].as_str().expect("a type name") {
        "string" => {
            let Some(s) = v.as_str() else { return fail() };
            match ty.get("enum").and_then(Value::as_array) {
                Some(values) if !values.iter().any(|x| x == s) => fail(),
                _ => Ok(()),
            }
        }
        "integer" if v.is_i64() || v.is_u64() => Ok(()),
        "boolean" if v.is_boolean() => Ok(()),
        "map" if v.is_object() => Ok(()),
        "any" => Ok(()),
        "array" => match v.as_array() {
            Some(items) => items.iter().try_for_each(|x| type_ok(&ty["items"], x)),
            None => fail(),
        },
        "object" => match v.as_object() {
            Some(o) => check_keys(&ty["keys"], ty["open"].as_bool().unwrap_or(false), o),
            None => fail(),
        },
        _ => fail(),
    }
}

/// `o` has every key of `keys` (and, unless `open`, no other), each value of its type.
fn check_keys(keys: &Value, open: bool, o: &Map<String, Value>) -> Result<(), String> {
    let keys = keys.as_array().expect("keys");
    let declared: BTreeSet<&str> = keys.iter().map(|k| k["key"].as_str().unwrap()).collect();
    let got: BTreeSet<&str> = o.keys().map(String::as_str).collect();
    let missing: Vec<_> = declared.difference(&got).collect();
    let extra: Vec<_> = got.difference(&declared).collect();
    if !missing.is_empty() || (!open && !extra.is_empty()) {
        return Err(format!(
            "missing keys {missing:?}, undeclared keys {extra:?}"
        ));
    }
    for k in keys {
        let name = k["key"].as_str().unwrap();
        let v = &o[name];
        if v.is_null() {
            if k["nullable"] != Value::Bool(true) {
                return Err(format!("{name}: null but not nullable"));
            }
            continue;
        }
        type_ok(&k["type"], v).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

/// Check one event against the schema.
fn check_event(schema: &Value, ev: &Value) -> Result<(), String> {
    let o = ev.as_object().ok_or("not an object")?;
    let et = o
        .get("event_type")
        .and_then(Value::as_str)
        .ok_or("no event_type")?;
    let spec = schema["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event_types"].as_array().unwrap().iter().any(|t| t == et))
        .ok_or_else(|| format!("event_type {et} is not in the schema"))?;
    let mut keys: Vec<Value> = schema["common"].as_array().unwrap().clone();
    let messaging = match spec["messaging"].as_str().unwrap() {
        "always" => true,
        "never" => false,
        // `unknown`: a messaging item keeps the messaging keys, other unknowns have none.
        _ => o.contains_key("is_standby"),
    };
    if messaging {
        keys.extend(schema["messaging"].as_array().unwrap().iter().cloned());
    }
    keys.extend(spec["keys"].as_array().unwrap().iter().cloned());
    check_keys(&Value::Array(keys), false, o).map_err(|e| format!("{et}: {e}"))
}

#[test]
fn every_fixture_event_matches_the_schema() {
    let schema = webhook::event_schema();
    let dir = fixtures_dir().join("webhooks/events");
    let mut seen = BTreeSet::new();
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("body") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let parsed =
            serde_json::to_value(webhook::parse(&std::fs::read(&path).unwrap()).unwrap()).unwrap();
        let fixture: Value =
            serde_json::from_str(&std::fs::read_to_string(path.with_extension("json")).unwrap())
                .unwrap();
        let expected = fixture["expected"].as_array().cloned().unwrap_or_default();
        for ev in parsed.as_array().unwrap().iter().chain(&expected) {
            check_event(&schema, ev).unwrap_or_else(|e| panic!("{name}: {e}"));
            seen.insert(ev["event_type"].as_str().unwrap().to_owned());
            n += 1;
        }
    }
    assert!(n > 1000, "expected the fixture events, checked {n}");
    // Every declared event_type is exercised by some fixture (the schema lists nothing unchecked).
    let declared: BTreeSet<String> = schema["events"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["event_types"].as_array().unwrap().clone())
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(declared, seen, "event types declared vs seen in fixtures");
}

#[test]
fn schema_rejects_extra_missing_and_mistyped_keys() {
    let schema = webhook::event_schema();
    let body = std::fs::read(fixtures_dir().join("webhooks/events/message_edit.body")).unwrap();
    let ev = serde_json::to_value(webhook::parse(&body).unwrap()).unwrap()[0].clone();
    check_event(&schema, &ev).unwrap();
    let mut extra = ev.clone();
    extra["surprise"] = Value::from(1);
    assert!(check_event(&schema, &extra).is_err());
    let mut missing = ev.clone();
    missing.as_object_mut().unwrap().remove("num_edit");
    assert!(check_event(&schema, &missing).is_err());
    let mut mistyped = ev.clone();
    mistyped["is_standby"] = Value::Null;
    assert!(check_event(&schema, &mistyped).is_err());
    let mut wrong = ev;
    wrong["mid"] = Value::from(5);
    assert!(check_event(&schema, &wrong).is_err());
}

#[test]
fn fields_catalogue_matches_the_schema() {
    let schema = webhook::event_schema();
    let fields = webhook::fields();
    let fields = fields.as_array().unwrap();
    assert!(!fields.is_empty());
    for f in fields {
        check_keys(&schema["webhook_field"], false, f.as_object().unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f["field"]));
    }
}
