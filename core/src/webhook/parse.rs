//! Walking a delivery (graph-api.md §3.4): `{"object", "entry": [...]}`, each entry with
//! `changes`, `messaging`, `standby` or the Instagram Login form `field`/`value`.
//!
//! Two walks with one result. The fast one (`fast.rs`) borrows each update's JSON text from the
//! body and reads the common updates into typed structures, building no JSON tree; anything it
//! does not read itself goes through the `Value`-based readers of `events/`. This one parses the
//! whole body into a `serde_json::Value` and is the reference: it runs whenever the fast walk
//! gives up (any error, duplicate keys, input serde_json's tree would refuse), so errors and
//! events are exactly what this walk gives.

use super::events::{change, messaging, unknown_entry, Entry};
use super::read::{id, invalid, time_ms, wrong, Path};
use super::{Event, MAX_BODY_BYTES};
use crate::error::{Error, ErrorKind, Result};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// The `object` values Meta sends for Instagram webhooks: `instagram`, and `page` for Page
/// events of Facebook Login apps.
const OBJECTS: [&str; 2] = ["instagram", "page"];

fn payload_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidPayload, message)
}

/// Parse a delivery's raw body into normalized events, in delivery order. Unknown fields and
/// items (and entries without a known envelope) become [`EventType::Unknown`] events and never
/// fail the batch; a body that is not a delivery at all fails with kind `invalid_payload`
/// naming the JSON path: not JSON, nested deeper than 128 levels, not an object, `object` other
/// than `instagram`/`page`, `entry` not a list, a known field of the wrong type, or more than
/// [`MAX_BODY_BYTES`].
///
/// [`EventType::Unknown`]: super::EventType::Unknown
pub fn parse(raw_body: &[u8]) -> Result<Vec<Event>> {
    if raw_body.len() <= MAX_BODY_BYTES {
        if let Some(events) = super::fast::parse(raw_body) {
            return Ok(events);
        }
    }
    parse_tree(raw_body)
}

/// The reference walk over a `serde_json::Value` of the whole body (see the module docs).
pub(super) fn parse_tree(raw_body: &[u8]) -> Result<Vec<Event>> {
    if raw_body.len() > MAX_BODY_BYTES {
        return Err(payload_error(format!(
            "webhook payload: the body is {} bytes, more than the {MAX_BODY_BYTES} this library \
             accepts (Meta batches at most 1,000 updates per POST)",
            raw_body.len()
        )));
    }
    if raw_body.iter().all(u8::is_ascii_whitespace) {
        return Err(payload_error("webhook payload: the body is empty"));
    }
    // serde_json refuses nesting deeper than 128 levels with an error, so hostile bodies cannot
    // exhaust the stack here or in the recursive code after it.
    let root: Value = serde_json::from_slice(raw_body)
        .map_err(|e| payload_error(format!("webhook payload: not valid JSON ({e})")))?;
    let Value::Object(mut root) = root else {
        return Err(payload_error(format!(
            "webhook payload: expected a JSON object, got {}",
            super::read::kind_of(&root)
        )));
    };
    check_object(&root)?;
    let entries = match root.remove("entry") {
        Some(Value::Array(a)) => a,
        None | Some(Value::Null) => return Err(invalid(&Path::root("entry"), "missing")),
        Some(other) => return Err(wrong(&Path::root("entry"), "a list", &other)),
    };
    let root_path = Path::root("entry");
    let mut events = Vec::with_capacity(count_updates(&entries));
    for (i, e) in entries.into_iter().enumerate() {
        entry(e, &root_path.index(i), &mut events)?;
    }
    Ok(events)
}

/// `object` must say the delivery is for Instagram (or a Page): any other Meta object
/// (`whatsapp_business_account`, `user`, ...) is a delivery for another integration.
fn check_object(root: &Map<String, Value>) -> Result<()> {
    let at = Path::root("object");
    match root.get("object") {
        Some(Value::String(o)) if OBJECTS.contains(&o.as_str()) => Ok(()),
        Some(Value::String(o)) => {
            let shown: String = o.chars().take(40).collect();
            Err(invalid(
                &at,
                &format!(
                    "{shown:?} is not a webhook object this library parses (expected \
                     \"instagram\" or \"page\")"
                ),
            ))
        }
        None | Some(Value::Null) => Err(invalid(&at, "missing")),
        Some(other) => Err(wrong(&at, "a string", other)),
    }
}

/// The events of `entry[i]`, appended to `out` in the order Meta sent them.
fn entry(value: Value, at: &Path<'_>, out: &mut Vec<Event>) -> Result<()> {
    let Value::Object(mut e) = value else {
        return Err(wrong(at, "an object", &value));
    };
    let account_id = id(&e, "id", at)?.ok_or_else(|| invalid(&at.key("id"), "missing"))?;
    let time = time_ms(&e, "time", at)?;
    let ctx = Entry {
        account_id: &account_id,
        time,
        path: at,
    };
    let mut known = false;

    if let Some(changes) = take_list(&mut e, "changes", at)? {
        known = true;
        let list_at = at.key("changes");
        for (j, c) in changes.into_iter().enumerate() {
            let c_at = list_at.index(j);
            let Value::Object(mut c) = c else {
                return Err(wrong(&c_at, "an object", &c));
            };
            let field = match c.get_mut("field") {
                Some(Value::String(f)) => std::mem::take(f),
                None | Some(Value::Null) => return Err(invalid(&c_at.key("field"), "missing")),
                Some(other) => return Err(wrong(&c_at.key("field"), "a string", other)),
            };
            let value = c.remove("value").unwrap_or(Value::Null);
            out.push(change(
                &field,
                &value,
                raw(&value)?,
                &ctx,
                &c_at.key("value"),
            )?);
        }
    }

    // Instagram Login's documented comment example has no `changes` wrapper.
    match e.get("field") {
        Some(Value::String(_)) => {
            known = true;
            let field = match e.remove("field") {
                Some(Value::String(f)) => f,
                _ => String::new(),
            };
            let value = e.remove("value").unwrap_or(Value::Null);
            out.push(change(
                &field,
                &value,
                raw(&value)?,
                &ctx,
                &at.key("value"),
            )?);
        }
        None | Some(Value::Null) => {}
        Some(other) => return Err(wrong(&at.key("field"), "a string", other)),
    }

    for (key, standby) in [("messaging", false), ("standby", true)] {
        if let Some(items) = take_list(&mut e, key, at)? {
            known = true;
            let list_at = at.key(key);
            for (j, item) in items.into_iter().enumerate() {
                out.push(messaging(
                    &item,
                    raw(&item)?,
                    &ctx,
                    &list_at.index(j),
                    standby,
                )?);
            }
        }
    }

    if !known {
        let e = Value::Object(e);
        out.push(unknown_entry(&ctx, &e, raw(&e)?)?);
    }
    Ok(())
}

/// `raw` of an event from the tree walk: the item written back as compact JSON (the same JSON
/// value as sent; the fast walk keeps the text itself).
fn raw(v: &Value) -> Result<Box<RawValue>> {
    serde_json::value::to_raw_value(v)
        .map_err(|e| Error::internal(format!("webhook payload: cannot keep an item: {e}")))
}

/// How many events `entries` can give (at most one more per entry than its lists hold): the
/// event list is allocated once, as growing a 1,000-event list costs more than counting.
fn count_updates(entries: &[Value]) -> usize {
    entries
        .iter()
        .map(|e| {
            let lists: usize = ["changes", "messaging", "standby"]
                .iter()
                .filter_map(|k| e.get(*k).and_then(Value::as_array).map(Vec::len))
                .sum();
            lists + 1
        })
        .sum()
}

/// Move the list `e[key]` out of the entry (absent or null → `None`).
fn take_list(e: &mut Map<String, Value>, key: &str, at: &Path<'_>) -> Result<Option<Vec<Value>>> {
    match e.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(_)) => {}
        Some(other) => return Err(wrong(&at.key(key), "a list", other)),
    }
    match e.remove(key) {
        Some(Value::Array(a)) => Ok(Some(a)),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhook::EventType;
    use serde_json::json;

    fn one(item: Value) -> Event {
        let body = json!({"object": "instagram", "entry": [
            {"id": "1", "time": 1_700_000_000_000i64, "messaging": [item]}]});
        let mut events = parse(body.to_string().as_bytes()).unwrap();
        assert_eq!(events.len(), 1);
        events.remove(0)
    }

    #[test]
    fn a_deleted_echo_is_a_deletion_and_flags_are_booleans() {
        let e = one(
            json!({"sender": {"id": "1"}, "recipient": {"id": "2"}, "timestamp": 5,
            "message": {"mid": "m", "is_echo": true, "is_deleted": true}}),
        );
        assert_eq!(e.event_type, EventType::MessageDeleted);
        assert_eq!(e.fields["is_echo"], true);
        assert_eq!(e.fields["is_self"], false);
        // A timestamp below 10^11 is seconds.
        assert_eq!(e.fields["timestamp"], 5000);
        assert_eq!(e.dedupe_key, "message_deleted:m");
    }

    #[test]
    fn ids_sent_as_integers_become_strings() {
        let e = one(json!({"sender": {"id": 42}, "recipient": {"id": "2"}, "read": {"mid": "m"}}));
        assert_eq!(e.fields["sender_id"], "42");
        assert_eq!(e.fields["timestamp"], Value::Null);
        assert_eq!(e.time, 1_700_000_000_000);
    }

    #[test]
    fn the_event_list_is_sized_for_every_update() {
        let entries = vec![
            json!({"messaging": [1, 2, 3], "changes": [1]}),
            json!({"field": "comments"}),
            json!(7),
        ];
        assert_eq!(count_updates(&entries), 4 + 1 + 1 + 1);
    }

    #[test]
    fn objects_other_than_instagram_and_page_are_refused_by_name() {
        let e = parse(br#"{"object":"whatsapp_business_account","entry":[]}"#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidPayload);
        assert!(
            e.message.contains("\"whatsapp_business_account\""),
            "{}",
            e.message
        );
        assert!(parse(br#"{"object":"page","entry":[]}"#)
            .unwrap()
            .is_empty());
    }
}
