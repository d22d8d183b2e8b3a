//! Param plumbing shared by all operations: schema generation, deserialization with JSON
//! paths, and validators for Graph ids, `fields` and timestamps.

use super::OpContext;
use crate::config::Login;
use crate::error::Error;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};
use std::borrow::Cow;

/// A param rejected by validation: `path` is relative to `params`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamError {
    /// JSON path below `params` (`limit`, `recipient.id`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl ParamError {
    /// Error for `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        ParamError {
            path: path.into(),
            message: message.into(),
        }
    }
    /// `op: params.path: message` as an `invalid_params` error.
    pub fn into_error(self, op: &str) -> Error {
        let at = if self.path.is_empty() {
            "params".to_owned()
        } else {
            format!("params.{}", self.path)
        };
        Error::invalid_params(format!("{op}: {at}: {}", self.message))
    }
}

/// Params schema of an operation in the generator subset (inlined, no `$ref`, no null types).
pub fn schema_for<T: JsonSchema>() -> Value {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.inline_subschemas = true;
    settings.meta_schema = None;
    let generator = settings.into_generator();
    let mut v = generator.into_root_schema_for::<T>().to_value();
    if let Some(o) = v.as_object_mut() {
        if let Some(Value::String(d)) = o.get_mut("description") {
            *d = unwrap_doc(d);
        }
        o.remove("title");
        o.remove("$schema");
        o.insert("additionalProperties".into(), Value::Bool(false));
        if !o.contains_key("required") {
            o.insert("required".into(), json!([]));
        }
        if let Some(Value::Object(props)) = o.get_mut("properties") {
            for p in props.values_mut() {
                simplify(p);
            }
        }
    }
    v
}

/// `Option<T>` comes out as `type: [T, "null"]` or `anyOf [T, null]`: the null is implied by
/// not being required, so drop it; also drop `format`s that only restate Rust integer widths.
fn simplify(p: &mut Value) {
    let Some(o) = p.as_object_mut() else { return };
    if o.get("default") == Some(&Value::Null) {
        o.remove("default");
    }
    if let Some(Value::String(d)) = o.get_mut("description") {
        *d = unwrap_doc(d);
    }
    if let Some(Value::Array(types)) = o.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let t = types[0].clone();
            o.insert("type".into(), t);
        }
    }
    if let Some(Value::Array(any)) = o.remove("anyOf") {
        let non_null: Vec<Value> = any
            .into_iter()
            .filter(|s| s.get("type") != Some(&json!("null")))
            .collect();
        if let [Value::Object(inner)] = non_null.as_slice() {
            for (k, v) in inner {
                o.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    if let Some(Value::String(f)) = o.get("format") {
        if matches!(
            f.as_str(),
            "uint"
                | "uint8"
                | "uint16"
                | "uint32"
                | "uint64"
                | "int"
                | "int32"
                | "int64"
                | "double"
                | "float"
        ) {
            o.remove("format");
        }
    }
    if let Some(Value::Array(e)) = o.get_mut("enum") {
        e.retain(|v| !v.is_null());
    }
    if o.get("type") == Some(&json!("integer")) && o.get("minimum") == Some(&json!(0)) {
        // unsigned width, not a documented rule
        o.remove("minimum");
    }
}

/// Doc comments wrap at 100 columns; descriptions are read in UIs, so join wrapped lines
/// and keep blank-line paragraph breaks.
fn unwrap_doc(d: &str) -> String {
    d.split("\n\n")
        .map(|para| para.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Deserialize `params` into the typed request; errors carry the JSON path.
pub fn deserialize<T: DeserializeOwned>(v: Value) -> Result<T, ParamError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let msg = e.inner().to_string();
        if let Some(field) = msg
            .strip_prefix("missing field `")
            .and_then(|s| s.split('`').next())
        {
            let full = if path.is_empty() {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            };
            return ParamError::new(full, "is required");
        }
        ParamError::new(path, msg)
    })
}

/// Reject keys the schema does not declare, naming them (serde's own message would not).
pub fn check_unknown_keys(schema: &Value, params: &Value) -> Result<(), ParamError> {
    let (Some(props), Some(obj)) = (
        schema.get("properties").and_then(Value::as_object),
        params.as_object(),
    ) else {
        return Ok(());
    };
    if let Some(k) = obj.keys().find(|k| !props.contains_key(k.as_str())) {
        let mut known: Vec<&str> = props.keys().map(String::as_str).collect();
        known.sort_unstable();
        return Err(ParamError::new(
            k.clone(),
            format!("unknown parameter (expected one of: {})", known.join(", ")),
        ));
    }
    Ok(())
}

/// Check each given param's JSON type (and integer range) against the schema, so errors name
/// the param even where serde cannot (fields flattened from [`Paging`]).
pub fn check_types(schema: &Value, params: &Value) -> Result<(), ParamError> {
    let (Some(props), Some(obj)) = (
        schema.get("properties").and_then(Value::as_object),
        params.as_object(),
    ) else {
        return Ok(());
    };
    for (k, v) in obj {
        let Some(p) = props.get(k) else { continue };
        let ok = |t: &str| match t {
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            _ => true,
        };
        let fits = match &p["type"] {
            Value::String(t) => ok(t),
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(ok),
            _ => true,
        };
        if !fits {
            let want = match &p["type"] {
                Value::Array(ts) => ts
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" or "),
                t => t.as_str().unwrap_or("value").to_owned(),
            };
            return Err(ParamError::new(
                k.clone(),
                format!(
                    "invalid type: expected {} {want}, got {}",
                    article(&want),
                    json_kind(v)
                ),
            ));
        }
        if let Some(n) = v.as_i64() {
            let min = p.get("minimum").and_then(Value::as_i64);
            let max = p.get("maximum").and_then(Value::as_i64);
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                return Err(ParamError::new(
                    k.clone(),
                    format!(
                        "must be between {} and {}, got {n}",
                        min.map_or("…".into(), |m| m.to_string()),
                        max.map_or("…".into(), |m| m.to_string())
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// `a string "x"`-style description of a JSON value for errors (values are the caller's own).
fn json_kind(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() <= 40 => format!("the string {s:?}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// A Graph node id (numeric ids, `me`, or opaque ids made of safe characters).
pub fn node_id(path: &str, v: &str) -> Result<String, ParamError> {
    let v = v.trim();
    if v.is_empty() {
        return Err(ParamError::new(path, "must not be empty"));
    }
    if v.len() > 128
        || !v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '='))
    {
        return Err(ParamError::new(
            path,
            format!("{v:?} is not a Graph object id"),
        ));
    }
    Ok(v.to_owned())
}

/// A Graph object id that must name a concrete object: like [`node_id`], but `me` (which
/// Graph resolves to the token's user, never to a media or comment) is refused.
pub fn object_id(path: &str, v: &str) -> Result<String, ParamError> {
    let id = node_id(path, v)?;
    if id.eq_ignore_ascii_case("me") {
        return Err(ParamError::new(
            path,
            "\"me\" is not an id of this kind of object; pass the object's own id",
        ));
    }
    Ok(id)
}

/// A paging cursor from an earlier page's `paging.cursors` (opaque, URL-safe base64 at Meta).
pub fn cursor(path: &str, v: Option<&str>) -> Result<Option<String>, ParamError> {
    let Some(v) = v.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if v.len() > 2048
        || !v.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '=' | '%' | '.' | '+' | '/')
        })
    {
        return Err(ParamError::new(
            path,
            "is not a paging cursor (copy it from paging.cursors)",
        ));
    }
    Ok(Some(v.to_owned()))
}

/// Add `after`/`before` cursors to a request of a cursor-paged edge.
pub fn with_cursors(
    req: crate::request::GraphRequest,
    after: Option<&str>,
    before: Option<&str>,
) -> Result<crate::request::GraphRequest, ParamError> {
    let after = cursor("after", after)?;
    let before = cursor("before", before)?;
    if after.is_some() && before.is_some() {
        return Err(ParamError::new(
            "before",
            "give either after or before, not both",
        ));
    }
    Ok(req.query_opt("after", after).query_opt("before", before))
}

/// The paging params of every paginated operation, declared once and flattened into each
/// operation's struct (`#[serde(flatten)] pub paging: Paging`). The registry fits the schema
/// to the operation: `limit`'s range and description come from its [`super::PageSize`], and
/// `before` is dropped from after-only edges (unknown keys are refused against the schema
/// before deserialization, so flattened structs need no `deny_unknown_fields`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize, JsonSchema)]
pub struct Paging {
    /// Page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Resume after this cursor (`paging.cursors.after` of an earlier page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Go back before this cursor (`paging.cursors.before` of an earlier page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

impl Paging {
    /// Add `limit` (checked against the operation's page size) and the cursors to `req`.
    pub fn apply<O: super::Operation>(
        &self,
        req: crate::request::GraphRequest,
    ) -> Result<crate::request::GraphRequest, ParamError> {
        let max = O::PAGE_SIZE.map_or(100, |p| p.max);
        if self.before.is_some() && O::PAGING_STYLE == super::PagingStyle::AfterOnly {
            return Err(ParamError::new(
                "before",
                "this edge only pages forward (use after)",
            ));
        }
        let req = req.query_opt(O::PAGE_SIZE_PARAM, page_limit("limit", self.limit, max)?);
        with_cursors(req, self.after.as_deref(), self.before.as_deref())
    }
}

/// Fit the flattened [`Paging`] schema to one operation (see [`Paging`]).
pub(crate) fn fit_paging_schema(
    schema: &mut Value,
    size: Option<super::PageSize>,
    style: super::PagingStyle,
) {
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    if let (Some(size), Some(Value::Object(limit))) = (size, props.get_mut("limit")) {
        limit.insert("minimum".into(), json!(1));
        limit.insert("maximum".into(), json!(size.max));
        limit.insert(
            "description".into(),
            json!(format!(
                "Page size (1–{}; Graph's default is {}).",
                size.max, size.default
            )),
        );
    }
    if style == super::PagingStyle::AfterOnly {
        props.remove("before");
    }
}

/// The IG account to act on: the given id, or `me` with Instagram Login.
pub fn ig_user(ctx: &OpContext, path: &str, v: Option<&str>) -> Result<String, ParamError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => node_id(path, id),
        None if ctx.login == Login::Instagram => Ok("me".to_owned()),
        None => Err(ParamError::new(
            path,
            "is required with Facebook Login (the IG professional account id from /me/accounts?fields=instagram_business_account)",
        )),
    }
}

/// Validate a Graph `fields` selection (`id,caption,children{id,media_url},comments.limit(5){text}`).
pub fn fields(path: &str, v: &str) -> Result<String, ParamError> {
    let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
    // Graph rejects URLs beyond a few kB anyway; say so before building one.
    if compact.len() > 4096 {
        return Err(ParamError::new(
            path,
            format!("is {} characters long; at most 4096", compact.len()),
        ));
    }
    if compact.is_empty() {
        return Err(ParamError::new(path, "must not be empty"));
    }
    let mut braces = 0i32;
    let mut parens = 0i32;
    for c in compact.chars() {
        match c {
            '{' if parens == 0 => braces += 1,
            '}' if parens == 0 => braces -= 1,
            '(' => parens += 1,
            ')' => parens -= 1,
            _ if parens > 0 => {}
            c if c.is_ascii_alphanumeric() || matches!(c, '_' | ',' | '.') => {}
            c => {
                return Err(ParamError::new(
                    path,
                    format!("unexpected character {c:?} in fields"),
                ))
            }
        }
        if braces < 0 || parens < 0 {
            return Err(ParamError::new(path, "unbalanced brackets in fields"));
        }
    }
    if braces != 0 || parens != 0 {
        return Err(ParamError::new(path, "unbalanced brackets in fields"));
    }
    if compact.contains(",,") || compact.starts_with(',') || compact.ends_with(',') {
        return Err(ParamError::new(path, "empty field name in fields"));
    }
    Ok(compact)
}

/// Page size within `1..=max`.
pub fn page_limit(path: &str, v: Option<u32>, max: u32) -> Result<Option<u32>, ParamError> {
    match v {
        Some(n) if n == 0 || n > max => Err(ParamError::new(
            path,
            format!("must be between 1 and {max}, got {n}"),
        )),
        other => Ok(other),
    }
}

/// A point in time: Unix seconds, or a date / RFC 3339 string (Meta's `+0000` form too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp(pub i64);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Float(f64),
            Text(String),
        }
        let raw = Raw::deserialize(d).map_err(|_| {
            serde::de::Error::custom(
                "expected Unix seconds or a date like \"2026-01-31\" / \"2026-01-31T12:00:00Z\"",
            )
        })?;
        match raw {
            Raw::Int(i) => Ok(Timestamp(i)),
            Raw::Float(f) if f.fract() == 0.0 => Ok(Timestamp(f as i64)),
            Raw::Float(_) => Err(serde::de::Error::custom("expected whole Unix seconds")),
            Raw::Text(s) => parse_time(&s).map(Timestamp).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "{s:?} is not Unix seconds or a date like \"2026-01-31\" / \"2026-01-31T12:00:00Z\""
                ))
            }),
        }
    }
}

/// Unix seconds from Unix seconds, RFC 3339, Meta's `+0000` form, a naive UTC datetime or a date.
pub fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(i) = s.parse::<i64>() {
        return Some(i);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp());
    }
    if let Ok(dt) = chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%z") {
        return Some(dt.timestamp());
    }
    if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
        return Some(dt.and_utc().timestamp());
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()?
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc().timestamp())
}

/// Serialized as Unix seconds, so typed requests turn back into params losslessly.
impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({"type": ["integer", "string"], "x-timestamp": true})
    }
    fn inline_schema() -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_syntax() {
        assert_eq!(
            fields("f", "id, caption,children{id,media_url}").unwrap(),
            "id,caption,children{id,media_url}"
        );
        assert!(fields("f", "comments.limit(5){text,replies{id}}").is_ok());
        assert!(fields("f", "business_discovery.username(nasa.gov){media{id}}").is_ok());
        assert!(fields("f", "id,children{id").is_err());
        assert!(fields("f", "id;drop").is_err());
        assert!(fields("f", "id,,caption").is_err());
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_time("2026-01-01"), Some(1767225600));
        assert_eq!(parse_time("2026-01-01T00:00:00+0000"), Some(1767225600));
        assert_eq!(parse_time("2026-01-01T01:00:00+01:00"), Some(1767225600));
        assert_eq!(parse_time("1767225600"), Some(1767225600));
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn ids() {
        assert!(node_id("x", "17841400000000001").is_ok());
        assert!(node_id("x", "me").is_ok());
        assert!(node_id("x", "1/../me").is_err());
        assert!(node_id("x", "1?fields=x").is_err());
    }
}
