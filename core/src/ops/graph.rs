//! `graph.request`: any Graph call the catalogue lacks, sent like every other operation
//! (credentials, `appsecret_proof`, error mapping, retries, pacing, paging).

use super::params::{Paging, ParamError};
use super::{Flow, OpContext, OpSpec, PageSize};
use crate::error::Result as CoreResult;
use crate::flow::Executor;
use crate::request::{removed, GraphRequest, Method};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How a raw request's body travels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BodyFormat {
    /// `application/x-www-form-urlencoded` (what Graph takes everywhere; objects and arrays
    /// travel as JSON text).
    #[default]
    Form,
    /// `application/json` (the Send API and other JSON endpoints).
    Json,
}

/// Schema of `method`: one of Graph's three methods.
fn method_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({"type": "string", "enum": ["GET", "POST", "DELETE"], "default": "GET"})
}

/// Schema of `body_format`.
fn body_format_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({"type": "string", "enum": ["form", "json"], "default": "form"})
}

/// A free-form JSON object param (schema `{"type": "object"}`, no properties).
fn free_object(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({"type": "object"})
}

/// Keys the client adds itself; a caller's copy would be a second, conflicting credential.
const CREDENTIAL_KEYS: &[&str] = &["access_token", "appsecret_proof", "appsecret_time"];

/// Send any Graph API request relative to the versioned base URL (`me`, `{ig_user_id}/media`,
/// `{media_id}/comments`): the client adds the token and `appsecret_proof`, maps errors,
/// paces and retries (GETs, or writes declared idempotent) like every other operation.
/// Paginate it to walk a list endpoint's cursor pages (`paging.next`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct Request {
    /// HTTP method: GET (default), POST or DELETE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "method_schema")]
    pub method: Option<String>,
    /// Path after the version, e.g. `me`, `17841400000000001/media`; no host, version, `..` or query string.
    pub path: String,
    /// Query parameters as an object (`{"fields": "id,caption"}`); objects and arrays are sent as JSON text. Never `access_token` or `appsecret_proof`: the client adds them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_object")]
    pub query: Option<Map<String, Value>>,
    /// Body of a POST or DELETE as an object, sent as a form (default) or as JSON (`body_format`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_object")]
    pub body: Option<Map<String, Value>>,
    /// How the body travels: `form` (default) or `json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "body_format_schema")]
    pub body_format: Option<String>,
    /// Whether repeating the request is harmless, so a write may be retried after an ambiguous failure (GETs always are). Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotent: Option<bool>,
    /// Page size and cursors of a list endpoint (GET only).
    #[serde(flatten)]
    pub paging: Paging,
}

/// Path segments of a path relative to the versioned base URL, or why it is not one.
pub fn graph_path(param: &str, v: &str) -> Result<Vec<String>, ParamError> {
    let p = v.trim();
    if p.contains("://") || p.starts_with("//") {
        return Err(ParamError::new(
            param,
            "must be a path relative to the versioned base URL (e.g. `me/accounts`), not a URL: the host comes from the client config",
        ));
    }
    if p.contains('?') || p.contains('#') {
        return Err(ParamError::new(
            param,
            "must not carry a query string: put parameters in `query`",
        ));
    }
    let p = p.trim_matches('/');
    if p.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (i, seg) in p.split('/').enumerate() {
        if seg.is_empty() {
            return Err(ParamError::new(param, "has an empty segment (`//`)"));
        }
        if seg == "." || seg == ".." {
            return Err(ParamError::new(
                param,
                "must not contain `.` or `..` segments",
            ));
        }
        if let Some(c) = seg.chars().find(|c| {
            !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '@' | ',' | '='))
        }) {
            return Err(ParamError::new(
                param,
                format!("unexpected character {c:?} in segment {seg:?}"),
            ));
        }
        if i == 0 && is_version(seg) {
            return Err(ParamError::new(
                param,
                format!("starts with the version {seg:?}: leave it out (the client's api_version is used)"),
            ));
        }
        out.push(seg.to_owned());
    }
    Ok(out)
}

fn is_version(seg: &str) -> bool {
    let Some(rest) = seg.strip_prefix('v').or_else(|| seg.strip_prefix('V')) else {
        return false;
    };
    !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
        && rest.starts_with(|c: char| c.is_ascii_digit())
}

/// A param value as Graph reads it: text as is, numbers and booleans printed, objects and
/// arrays as JSON text; `None` for null (absent).
fn param_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(v.to_string()),
        Value::Array(_) | Value::Object(_) => Some(v.to_string()),
    }
}

/// Check one key of `query` or `body` (named `at`).
fn check_key(at: &str, key: &str) -> Result<(), ParamError> {
    let path = format!("{at}.{key}");
    if key.is_empty() {
        return Err(ParamError::new(at, "has an empty key"));
    }
    if CREDENTIAL_KEYS.contains(&key) {
        return Err(ParamError::new(
            path,
            "is added by the client (from its access token and app secret); leave it out",
        ));
    }
    if removed::QUERY_KEYS.contains(&key) {
        return Err(ParamError::new(
            path,
            "is a Graph feature Meta removed or froze in 2026; it is never sent",
        ));
    }
    Ok(())
}

impl Request {
    /// The HTTP method (case-insensitive; GET when absent).
    pub fn http_method(&self) -> Result<Method, ParamError> {
        match self
            .method
            .as_deref()
            .map(|m| m.trim().to_ascii_uppercase())
        {
            None => Ok(Method::Get),
            Some(m) => match m.as_str() {
                "GET" => Ok(Method::Get),
                "POST" => Ok(Method::Post),
                "DELETE" => Ok(Method::Delete),
                _ => Err(ParamError::new(
                    "method",
                    format!("{m:?} is not GET, POST or DELETE"),
                )),
            },
        }
    }

    fn format(&self) -> Result<BodyFormat, ParamError> {
        match self
            .body_format
            .as_deref()
            .map(|f| f.trim().to_ascii_lowercase())
        {
            None => Ok(BodyFormat::Form),
            Some(f) if f == "form" => Ok(BodyFormat::Form),
            Some(f) if f == "json" => Ok(BodyFormat::Json),
            Some(f) => Err(ParamError::new(
                "body_format",
                format!("{f:?} is not form or json"),
            )),
        }
    }

    /// The described request (pure; errors name the param).
    pub fn request(&self) -> Result<GraphRequest, ParamError> {
        let method = self.http_method()?;
        let format = self.format()?;
        let segments = graph_path("path", &self.path)?;
        let mut req = GraphRequest::new(method, segments);
        let paged = [
            ("limit", self.paging.limit.is_some()),
            ("after", self.paging.after.is_some()),
            ("before", self.paging.before.is_some()),
        ];
        if method != Method::Get {
            if let Some((name, _)) = paged.iter().find(|(_, given)| *given) {
                return Err(ParamError::new(*name, "pages only GET requests"));
            }
        }
        for (k, v) in self.query.iter().flatten() {
            check_key("query", k)?;
            if k == "after" || k == "before" {
                return Err(ParamError::new(
                    format!("query.{k}"),
                    format!("give the cursor as the `{k}` param, so paging can resume from it"),
                ));
            }
            if k == "limit" && self.paging.limit.is_some() {
                return Err(ParamError::new(
                    "query.limit",
                    "give limit once (the `limit` param or query.limit)",
                ));
            }
            if let Some(t) = param_text(v) {
                req = req.query(k, t);
            }
        }
        if let Some(n) = self.paging.limit {
            if n == 0 {
                return Err(ParamError::new("limit", "must be at least 1"));
            }
        }
        req = super::params::with_cursors(
            req.query_opt("limit", self.paging.limit),
            self.paging.after.as_deref(),
            self.paging.before.as_deref(),
        )?;
        if let Some(body) = self.body.as_ref().filter(|b| !b.is_empty()) {
            if method == Method::Get {
                return Err(ParamError::new(
                    "body",
                    "a GET has no body: put its parameters in `query`",
                ));
            }
            for k in body.keys() {
                check_key("body", k)?;
            }
            req = match format {
                BodyFormat::Json => req.json(Value::Object(body.clone())),
                BodyFormat::Form => body
                    .iter()
                    .fold(req, |r, (k, v)| r.form_opt(k, param_text(v))),
            };
        } else if self.body_format.is_some() && self.body.is_none() {
            return Err(ParamError::new("body_format", "applies only with a body"));
        }
        if let Some(why) = removed::violation(&req) {
            let at = if why.contains("alias") {
                "query.fields"
            } else if why.contains("root") {
                "path"
            } else {
                ""
            };
            return Err(ParamError::new(at, format!("{why}; it is never sent")));
        }
        Ok(req)
    }

    /// Whether a failure may be retried: GETs always, writes only when declared idempotent.
    pub fn retryable(&self) -> bool {
        self.http_method() == Ok(Method::Get) || self.idempotent == Some(true)
    }
}

impl Flow for Request {
    const ID: &'static str = "graph.request";
    const SUMMARY: &'static str = "Send any Graph API request";
    const HTTP: &'static str = "{method} /{path}?{query}";
    // May write: never retried on a guess unless the caller says so.
    const IDEMPOTENT: bool = false;
    const PAGINATED: bool = true;
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 25,
        max: 100,
    });
    const LIMITS: &'static [&'static str] = &[
        "the path is relative to the versioned base URL of the client's login flavour",
        "access_token and appsecret_proof are added by the client",
        "removed Graph features (ids=, pretty, debug, date_format, method, callback, field aliases) are refused",
        "writes are retried only with idempotent: true",
        "paginate follows paging.next and cursors.after (edges without next stop after one page)",
    ];

    fn validate(&self, _ctx: &OpContext) -> Result<(), ParamError> {
        self.request().map(|_| ())
    }

    async fn run(self, ex: Executor) -> CoreResult<Value> {
        let req = self.request().map_err(|e| e.into_error(Self::ID))?;
        ex.send_write(req, self.retryable()).await
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<OpSpec> {
    vec![super::flow_op::<Request>()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Body;
    use serde_json::json;

    fn req(v: Value) -> Result<GraphRequest, ParamError> {
        let r: Request = serde_json::from_value(v).expect("params");
        r.request()
    }

    #[test]
    fn paths_are_relative_and_plain() {
        assert_eq!(
            graph_path("path", "/me/accounts/").unwrap(),
            ["me", "accounts"]
        );
        assert_eq!(
            graph_path("path", "17841400000000001").unwrap(),
            ["17841400000000001"]
        );
        for (bad, says) in [
            ("https://graph.facebook.com/v27.0/me", "not a URL"),
            ("//evil.example/me", "not a URL"),
            ("me/../1784", "`..`"),
            ("me/./x", "`..`"),
            ("me?fields=id", "query string"),
            ("me#x", "query string"),
            ("v27.0/me", "version"),
            ("me//media", "empty segment"),
            ("me/med ia", "unexpected character"),
            ("me/%2e%2e", "unexpected character"),
        ] {
            let e = graph_path("path", bad).unwrap_err();
            assert_eq!(e.path, "path");
            assert!(e.message.contains(says), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn query_and_body_are_described() {
        let r = req(json!({"path": "me", "query": {"fields": "id,username", "n": 3, "b": true, "o": {"a": 1}, "z": null}})).unwrap();
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.path, ["me"]);
        assert_eq!(r.query_value("fields"), Some("id,username"));
        assert_eq!(r.query_value("n"), Some("3"));
        assert_eq!(r.query_value("b"), Some("true"));
        assert_eq!(r.query_value("o"), Some(r#"{"a":1}"#));
        assert_eq!(r.query_value("z"), None);
        assert!(r.body.is_none());

        let r = req(json!({"method": "post", "path": "1784/media", "body": {"caption": "hi", "children": ["1", "2"]}})).unwrap();
        assert_eq!(r.method, Method::Post);
        assert_eq!(
            r.body,
            Some(Body::Form(vec![
                ("caption".into(), "hi".into()),
                ("children".into(), r#"["1","2"]"#.into())
            ]))
        );
        let r = req(json!({"method": "POST", "path": "me/messages", "body": {"recipient": {"id": "1"}}, "body_format": "json"})).unwrap();
        assert_eq!(r.body, Some(Body::Json(json!({"recipient": {"id": "1"}}))));
        let r = req(json!({"method": "DELETE", "path": "1790"})).unwrap();
        assert_eq!(r.method, Method::Delete);
    }

    #[test]
    fn credentials_removed_features_and_misplaced_params_are_refused() {
        for (params, at) in [
            (
                json!({"path": "me", "query": {"access_token": "x"}}),
                "query.access_token",
            ),
            (
                json!({"path": "me", "query": {"appsecret_proof": "x"}}),
                "query.appsecret_proof",
            ),
            (
                json!({"method": "POST", "path": "me", "body": {"access_token": "x"}}),
                "body.access_token",
            ),
            (
                json!({"path": "me", "query": {"pretty": "1"}}),
                "query.pretty",
            ),
            (
                json!({"path": "me", "query": {"date_format": "U"}}),
                "query.date_format",
            ),
            (json!({"path": "", "query": {"ids": "1,2"}}), "query.ids"),
            (json!({"path": "/"}), "path"),
            (
                json!({"path": "me", "query": {"fields": "id.as(x)"}}),
                "query.fields",
            ),
            (
                json!({"method": "POST", "path": "me", "body": {"method": "get"}, "body_format": "json"}),
                "body.method",
            ),
            (json!({"path": "me", "body": {"a": 1}}), "body"),
            (
                json!({"path": "me", "query": {"after": "c"}}),
                "query.after",
            ),
            (
                json!({"path": "me", "limit": 5, "query": {"limit": 5}}),
                "query.limit",
            ),
            (
                json!({"method": "POST", "path": "me", "after": "c"}),
                "after",
            ),
            (json!({"path": "me", "after": "c", "before": "d"}), "before"),
            (json!({"method": "PATCH", "path": "me"}), "method"),
            (
                json!({"method": "POST", "path": "me", "body": {"a": 1}, "body_format": "xml"}),
                "body_format",
            ),
        ] {
            let e = req(params.clone()).unwrap_err();
            assert_eq!(e.path, at, "{params}: {}", e.message);
        }
    }

    #[test]
    fn only_gets_and_declared_writes_retry() {
        let r = |v: Value| serde_json::from_value::<Request>(v).unwrap().retryable();
        assert!(r(json!({"path": "me"})));
        assert!(!r(json!({"method": "POST", "path": "me"})));
        assert!(r(
            json!({"method": "POST", "path": "me", "idempotent": true})
        ));
        assert!(!r(
            json!({"method": "DELETE", "path": "1", "idempotent": false})
        ));
    }
}
