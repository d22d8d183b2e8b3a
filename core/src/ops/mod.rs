//! The operation catalogue: every operation is a typed request struct declared once in
//! `ops/<resource>.rs` and listed in [`registry`]. From it come the JSON catalogue
//! ([`operations`]), validated dynamic calls ([`prepare`]) and the generated surfaces.
//!
//! Param schemas stay inside a small JSON Schema subset the generators understand:
//! `type` (string, integer, number, boolean, `["integer","string"]` for timestamps, `object`
//! for free-form JSON objects such as `graph.request`'s `query` and `body`, an array of
//! strings, or an array of objects whose `properties` are again in the subset, nested at most
//! twice: a template's elements and their buttons), `enum` of strings, `default`, `minimum`,
//! `maximum`, `minItems`/`maxItems`, `minLength`/`maxLength` (documentation; the operation's
//! own validation gives the error), `description`, `required`. A unit test enforces it.

pub mod accounts;
pub mod auth;
pub mod comments;
pub mod conversations;
pub mod graph;
pub mod hashtags;
pub mod media;
pub mod mentions;
pub mod messages;
pub mod messenger_profile;
pub mod pages;
pub mod params;
pub mod stories;
pub mod subscriptions;
pub mod target;
pub mod user;

use crate::config::Login;
use crate::error::{Error, Result};
use crate::flow::Executor;
use crate::request::{GraphRequest, Method};
use futures::future::BoxFuture;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};
use std::future::Future;
use std::sync::OnceLock;

pub use params::ParamError;

/// What an operation may look at while building its request.
#[derive(Debug, Clone)]
pub struct OpContext {
    /// Login flavour of the client.
    pub login: Login,
}

/// How a paginated operation's pages follow each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagingStyle {
    /// `paging.cursors.after` with `paging.next` present while more pages exist.
    Cursor,
    /// Only `paging.cursors.after`, no `next` (hashtag media, `/tags`, `mentioned_*`): go on
    /// while the page had items and the cursor is new.
    AfterOnly,
    /// The page sits inside the response at a JSON pointer (business discovery's
    /// `/business_discovery/media`); the operation turns `after` into a field modifier.
    Nested(&'static str),
    /// Time-windowed (insights): `paging.next` shifts `since`/`until`; followed as given.
    TimeWindow,
}

impl PagingStyle {
    /// Catalogue name.
    pub const fn as_str(self) -> &'static str {
        match self {
            PagingStyle::Cursor => "cursor",
            PagingStyle::AfterOnly => "after_only",
            PagingStyle::Nested(_) => "nested",
            PagingStyle::TimeWindow => "time_window",
        }
    }
}

/// Page-size parameter of a paginated edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize {
    /// Graph's default when the size param is absent.
    pub default: u32,
    /// Largest value the edge honours.
    pub max: u32,
}

/// One Graph request operation: a typed request that knows how to describe its HTTP call.
pub trait Operation:
    DeserializeOwned + serde::Serialize + JsonSchema + Send + Sync + 'static
{
    /// `resource.operation`, snake_case.
    const ID: &'static str;
    /// One line for menus.
    const SUMMARY: &'static str;
    /// The Graph call, for documentation (`GET /{ig_user_id}/media`).
    const HTTP: &'static str;
    /// HTTP method of the request (checked against what `build` returns).
    const METHOD: Method = Method::Get;
    /// Whether repeating the call is harmless. GETs are; every other method must say so
    /// (a unit test fails when a non-GET operation leaves it `None`).
    const IDEMPOTENT: Option<bool> = None;
    /// Whether results come in pages (`data` + `paging`).
    const PAGINATED: bool = false;
    /// How pages follow each other.
    const PAGING_STYLE: PagingStyle = PagingStyle::Cursor;
    /// Name of the page-size param.
    const PAGE_SIZE_PARAM: &'static str = "limit";
    /// Login flavours that support it.
    const LOGINS: &'static [Login] = &[Login::Facebook, Login::Instagram];
    /// Documented limits worth knowing before calling.
    const LIMITS: &'static [&'static str] = &[];
    /// Page size of a paginated edge.
    const PAGE_SIZE: Option<PageSize> = None;
    /// Fields Graph documents for what the operation returns (the choices of a `fields`
    /// param; nested Graph syntax stays possible). Empty when the operation has no `fields`.
    const KNOWN_FIELDS: &'static [&'static str] = &[];

    /// Validate and describe the request. Errors name the param.
    fn build(&self, ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError>;
}

/// A multi-step operation: validated before any request, then run with an [`Executor`].
pub trait Flow: DeserializeOwned + serde::Serialize + JsonSchema + Send + Sync + 'static {
    /// `resource.operation`, snake_case.
    const ID: &'static str;
    /// One line for menus.
    const SUMMARY: &'static str;
    /// The Graph calls it makes, for documentation.
    const HTTP: &'static str;
    /// Whether running it twice is harmless (must be declared: flows mix reads and writes).
    const IDEMPOTENT: bool;
    /// Login flavours that support it.
    const LOGINS: &'static [Login] = &[Login::Facebook, Login::Instagram];
    /// Documented limits worth knowing before calling.
    const LIMITS: &'static [&'static str] = &[];
    /// Fields Graph documents for what the flow returns (see [`Operation::KNOWN_FIELDS`]).
    const KNOWN_FIELDS: &'static [&'static str] = &[];
    /// Whether results come in pages (`data` + `paging`) that the flow pages itself.
    const PAGINATED: bool = false;
    /// How pages follow each other (paginated flows).
    const PAGING_STYLE: PagingStyle = PagingStyle::Cursor;
    /// Page size of a paginated flow.
    const PAGE_SIZE: Option<PageSize> = None;

    /// Check the params before anything is sent. Errors name the param.
    fn validate(&self, _ctx: &OpContext) -> std::result::Result<(), ParamError> {
        Ok(())
    }

    /// Run the flow; every request goes through `ex`.
    fn run(self, ex: Executor) -> impl Future<Output = Result<Value>> + Send;
}

/// Whether an operation is one request or a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// One HTTP request described by `build`.
    Request,
    /// An async routine over an [`Executor`].
    Flow,
}

impl OpKind {
    /// `request` or `flow`.
    pub const fn as_str(self) -> &'static str {
        match self {
            OpKind::Request => "request",
            OpKind::Flow => "flow",
        }
    }
}

/// A validated call, ready to run.
pub enum Prepared {
    /// One request.
    Request(GraphRequest),
    /// A flow, waiting for its executor.
    Flow(Box<dyn FnOnce(Executor) -> BoxFuture<'static, Result<Value>> + Send>),
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Prepared::Request(r) => f.debug_tuple("Request").field(r).finish(),
            Prepared::Flow(_) => f.write_str("Flow(..)"),
        }
    }
}

type PrepareFn = fn(Value, &OpContext) -> std::result::Result<Prepared, ParamError>;

/// Catalogue entry of a registered operation.
#[derive(Debug)]
pub struct OpSpec {
    /// `resource.operation`.
    pub id: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Graph call for docs.
    pub http: &'static str,
    /// Request or flow.
    pub kind: OpKind,
    /// HTTP method (request operations).
    pub method: Option<Method>,
    /// Paged.
    pub paginated: bool,
    /// How pages follow each other (paginated operations).
    pub paging_style: PagingStyle,
    /// Name of the page-size param.
    pub page_size_param: &'static str,
    /// Safe to repeat.
    pub idempotent: bool,
    /// Whether `idempotent` was declared rather than implied by GET.
    pub idempotent_declared: bool,
    /// Supported login flavours.
    pub logins: &'static [Login],
    /// Documented limits.
    pub limits: &'static [&'static str],
    /// Page size of a paginated edge.
    pub page_size: Option<PageSize>,
    /// Documented fields of the result (choices of the `fields` param).
    pub known_fields: &'static [&'static str],
    schema: Value,
    prepare: PrepareFn,
}

impl OpSpec {
    /// `media` of `media.list`.
    pub fn resource(&self) -> &'static str {
        self.id.split_once('.').map_or(self.id, |(r, _)| r)
    }
    /// `list` of `media.list`.
    pub fn operation(&self) -> &'static str {
        self.id.split_once('.').map_or(self.id, |(_, o)| o)
    }
    /// JSON Schema of the params (object).
    pub fn params_schema(&self) -> &Value {
        &self.schema
    }
    /// A copy to alter in tests (paging styles that no operation uses yet).
    #[cfg(test)]
    pub(crate) fn test_clone(other: &OpSpec) -> OpSpec {
        OpSpec {
            schema: other.schema.clone(),
            ..*other
        }
    }

    /// Catalogue JSON of this operation.
    pub fn to_json(&self) -> Value {
        let mut schema = self.schema.clone();
        let description = schema
            .as_object_mut()
            .and_then(|o| o.remove("description"))
            .unwrap_or(Value::Null);
        json!({
            "id": self.id,
            "resource": self.resource(),
            "operation": self.operation(),
            "kind": self.kind.as_str(),
            "summary": self.summary,
            "description": description,
            "http": self.http,
            "params": schema,
            "paginated": self.paginated,
            "paging": self.paginated.then(|| json!({
                "style": self.paging_style.as_str(),
                "cursor_params": if self.paging_style == PagingStyle::AfterOnly { json!(["after"]) } else { json!(["after", "before"]) },
            })),
            "page_size": self.page_size.map(|p| json!({"param": self.page_size_param, "default": p.default, "max": p.max})),
            "idempotent": self.idempotent,
            "logins": self.logins.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
            "limits": self.limits,
            "known_fields": self.known_fields,
        })
    }
}

fn spec<O: Operation>() -> OpSpec {
    OpSpec {
        id: O::ID,
        summary: O::SUMMARY,
        http: O::HTTP,
        kind: OpKind::Request,
        method: Some(O::METHOD),
        paginated: O::PAGINATED,
        paging_style: O::PAGING_STYLE,
        page_size_param: O::PAGE_SIZE_PARAM,
        idempotent: O::IDEMPOTENT.unwrap_or(O::METHOD == Method::Get),
        idempotent_declared: O::IDEMPOTENT.is_some(),
        logins: O::LOGINS,
        limits: O::LIMITS,
        page_size: O::PAGE_SIZE,
        known_fields: O::KNOWN_FIELDS,
        schema: paged_schema(
            params::schema_for::<O>(),
            O::PAGINATED,
            O::PAGE_SIZE,
            O::PAGING_STYLE,
        ),
        prepare: |v, ctx| {
            let op: O = params::deserialize(v)?;
            let req = op.build(ctx)?;
            if req.method != O::METHOD {
                return Err(ParamError::new(
                    "",
                    format!(
                        "internal: built {} but declared {}",
                        req.method.as_str(),
                        O::METHOD.as_str()
                    ),
                ));
            }
            Ok(Prepared::Request(req))
        },
    }
}

fn flow_spec<F: Flow>() -> OpSpec {
    OpSpec {
        id: F::ID,
        summary: F::SUMMARY,
        http: F::HTTP,
        kind: OpKind::Flow,
        method: None,
        paginated: F::PAGINATED,
        paging_style: F::PAGING_STYLE,
        page_size_param: "limit",
        idempotent: F::IDEMPOTENT,
        idempotent_declared: true,
        logins: F::LOGINS,
        limits: F::LIMITS,
        page_size: F::PAGE_SIZE,
        known_fields: F::KNOWN_FIELDS,
        schema: paged_schema(
            params::schema_for::<F>(),
            F::PAGINATED,
            F::PAGE_SIZE,
            F::PAGING_STYLE,
        ),
        prepare: |v, ctx| {
            let flow: F = params::deserialize(v)?;
            flow.validate(ctx)?;
            Ok(Prepared::Flow(Box::new(move |ex| Box::pin(flow.run(ex)))))
        },
    }
}

/// A paginated operation's schema with the shared [`params::Paging`] params fitted to it.
fn paged_schema(
    mut schema: Value,
    paginated: bool,
    size: Option<PageSize>,
    style: PagingStyle,
) -> Value {
    if paginated {
        params::fit_paging_schema(&mut schema, size, style);
    }
    schema
}

/// A request operation's catalogue entry (for the per-module `specs()` lists).
pub(crate) fn request_op<O: Operation>() -> OpSpec {
    spec::<O>()
}

/// A flow's catalogue entry (for the per-module `specs()` lists).
pub(crate) fn flow_op<F: Flow>() -> OpSpec {
    flow_spec::<F>()
}

/// Every operation, in catalogue order (resources in the order n8n lists them). Each module
/// lists its own operations in `specs()`: adding an operation = one struct + one line there.
pub fn registry() -> &'static [OpSpec] {
    static REGISTRY: OnceLock<Vec<OpSpec>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let modules: [fn() -> Vec<OpSpec>; 14] = [
            accounts::specs,
            user::specs,
            mentions::specs,
            media::specs,
            stories::specs,
            comments::specs,
            hashtags::specs,
            messages::specs,
            conversations::specs,
            messenger_profile::specs,
            graph::specs,
            pages::specs,
            auth::specs,
            subscriptions::specs,
        ];
        modules.iter().flat_map(|m| m()).collect()
    })
}

/// Look up an operation by id.
pub fn find(id: &str) -> Option<&'static OpSpec> {
    registry().iter().find(|s| s.id == id)
}

/// The catalogue as JSON (`[{id, resource, operation, summary, description, params, ...}]`).
pub fn operations() -> Value {
    Value::Array(registry().iter().map(OpSpec::to_json).collect())
}

/// Check that `spec` supports the login flavour of `ctx`.
pub fn check_login(spec: &OpSpec, login: Login) -> Result<()> {
    if spec.logins.contains(&login) {
        return Ok(());
    }
    Err(Error::unsupported(format!(
        "{}: not available with {} Login (supported: {})",
        spec.id,
        if login == Login::Facebook {
            "Facebook"
        } else {
            "Instagram"
        },
        spec.logins
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// Resolve `op_id`, check the login flavour, validate `params` and build the request.
/// Nothing is sent; errors read `media.list: params.limit: ...`.
pub fn prepare(op_id: &str, params: Value, ctx: &OpContext) -> Result<(&'static OpSpec, Prepared)> {
    let spec = find(op_id).ok_or_else(|| {
        let known: Vec<&str> = registry().iter().map(|s| s.id).collect();
        Error::unsupported(format!(
            "unknown operation {op_id:?} (known: {})",
            known.join(", ")
        ))
    })?;
    check_login(spec, ctx.login)?;
    let params = match params {
        Value::Null => Value::Object(Map::new()),
        // null means absent, in every language (JSON has no undefined).
        Value::Object(m) => Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        _ => {
            return Err(Error::invalid_params(format!(
                "{op_id}: params: expected an object"
            )))
        }
    };
    params::check_unknown_keys(&spec.schema, &params).map_err(|e| e.into_error(op_id))?;
    params::check_types(&spec.schema, &params).map_err(|e| e.into_error(op_id))?;
    let prepared = (spec.prepare)(params, ctx).map_err(|e| e.into_error(op_id))?;
    Ok((spec, prepared))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(login: Login) -> OpContext {
        OpContext { login }
    }

    fn request(op: &str, params: Value, login: Login) -> GraphRequest {
        match prepare(op, params, &ctx(login)).unwrap().1 {
            Prepared::Request(r) => r,
            Prepared::Flow(_) => panic!("{op} is a flow"),
        }
    }

    /// Plausible params for `spec` built from its schema: the required ones, ids where ids go.
    fn sample_params(spec: &OpSpec) -> Value {
        let schema = spec.params_schema();
        let mut out = Map::new();
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            let p = &schema["properties"][name];
            let v = if let Some(e) = p.get("enum").and_then(|e| e.get(0)) {
                e.clone()
            } else {
                match p["type"].as_str() {
                    Some("integer") | Some("number") => {
                        p.get("minimum").cloned().unwrap_or(json!(1))
                    }
                    Some("boolean") => json!(true),
                    Some("array") => json!(["17841400000000002"]),
                    _ if name.ends_with("_id") || name.ends_with("_ids") => {
                        json!("17841400000000002")
                    }
                    _ if name.contains("url") || name.contains("uri") => {
                        json!("https://example.com/cb")
                    }
                    _ => json!("hello"),
                }
            };
            out.insert(name.to_owned(), v);
        }
        Value::Object(out)
    }

    #[test]
    fn writes_declare_idempotency() {
        for s in registry() {
            if s.method != Some(Method::Get) {
                assert!(
                    s.idempotent_declared,
                    "{}: a non-GET operation must declare IDEMPOTENT",
                    s.id
                );
            }
        }
    }

    #[test]
    fn paginated_ops_resume_from_cursors() {
        for s in registry().iter().filter(|s| s.paginated) {
            let props = &s.params_schema()["properties"];
            let cursors: &[&str] = if s.paging_style == PagingStyle::AfterOnly {
                assert!(
                    props.get("before").is_none(),
                    "{}: after-only edges take no before",
                    s.id
                );
                &["after"]
            } else {
                &["after", "before"]
            };
            for p in cursors.iter().copied().chain([s.page_size_param]) {
                assert!(
                    props.get(p).is_some(),
                    "{}: paginated operations take {p}",
                    s.id
                );
            }
        }
    }

    #[test]
    fn no_operation_uses_a_removed_graph_feature() {
        for s in registry() {
            for login in s.logins {
                let Ok((_, Prepared::Request(req))) = prepare(s.id, sample_params(s), &ctx(*login))
                else {
                    continue;
                };
                assert_eq!(crate::request::removed::violation(&req), None, "{}", s.id);
            }
        }
        let bad = GraphRequest::get(["1"]).query("pretty", "1");
        assert!(crate::request::removed::violation(&bad).is_some());
        let bad = GraphRequest::get(Vec::<String>::new()).query("ids", "1,2");
        assert!(crate::request::removed::violation(&bad).is_some());
        let bad = GraphRequest::get(["1"]).query("fields", "id.as(x)");
        assert!(crate::request::removed::violation(&bad).is_some());
        let bad = GraphRequest::get(["1"]).header("If-None-Match", "x");
        assert!(crate::request::removed::violation(&bad).is_some());
    }

    #[test]
    fn null_params_are_absent() {
        let r = request(
            "media.list",
            json!({"ig_user_id": null, "limit": null}),
            Login::Instagram,
        );
        assert_eq!(r.path, vec!["me", "media"]);
        assert!(r.query_value("limit").is_none());
    }

    #[test]
    fn me_is_not_a_media_id() {
        let e = prepare(
            "media.get",
            json!({"media_id": "me"}),
            &ctx(Login::Instagram),
        )
        .unwrap_err();
        assert!(e.message.contains("params.media_id"), "{}", e.message);
    }

    #[test]
    fn ids_are_resource_dot_operation_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for s in registry() {
            assert!(seen.insert(s.id), "duplicate id {}", s.id);
            let (r, o) = s.id.split_once('.').expect("resource.operation");
            assert!(!r.is_empty() && !o.is_empty());
            assert!(s
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.'));
            assert_eq!(
                s.paginated,
                s.page_size.is_some(),
                "{}: paginated ops declare a page size",
                s.id
            );
            // Resources become client namespaces (`client.media`) next to the generic methods.
            const RESERVED: &[&str] = &[
                "call",
                "paginate",
                "paginate_pages",
                "usage",
                "close",
                "aclose",
                "closed",
                "config",
                "login",
            ];
            assert!(
                !RESERVED.contains(&s.resource()),
                "{}: resource name collides with a client method",
                s.id
            );
        }
    }

    #[test]
    fn schemas_stay_in_the_generator_subset() {
        for s in registry() {
            let schema = s.params_schema();
            assert_eq!(schema["type"], "object", "{}", s.id);
            assert!(
                schema
                    .get("description")
                    .and_then(Value::as_str)
                    .is_some_and(|d| !d.is_empty()),
                "{} needs a doc comment",
                s.id
            );
            for (name, p) in schema["properties"].as_object().expect("properties") {
                check_subset(&format!("{}.{name}", s.id), p, 0);
            }
        }
    }

    /// One param (or item property) of the generator subset; objects nest at most twice
    /// (a template's elements and their buttons).
    fn check_subset(at: &str, p: &Value, depth: usize) {
        let ok_keys = [
            "type",
            "enum",
            "default",
            "minimum",
            "maximum",
            "description",
            "items",
            "format",
            "x-timestamp",
            "maxItems",
            "minItems",
            "maxLength",
            "minLength",
            "x-login",
            "x-required-with",
        ];
        let item_object_keys = [
            "type",
            "properties",
            "required",
            "additionalProperties",
            "description",
        ];
        for k in p.as_object().expect("object").keys() {
            assert!(
                ok_keys.contains(&k.as_str()),
                "{at}: unsupported schema key {k}"
            );
        }
        assert!(p.get("description").is_some(), "{at}: needs a doc comment");
        let t = &p["type"];
        let simple = ["string", "integer", "number", "boolean", "array", "object"];
        assert!(
            t.as_str().is_some_and(|t| simple.contains(&t)) || *t == json!(["integer", "string"]),
            "{at}: unsupported type {t}"
        );
        if t == "object" {
            assert!(
                p.get("properties").is_none(),
                "{at}: object params are free-form JSON"
            );
        }
        if t == "array" {
            let items = &p["items"];
            match items["type"].as_str() {
                Some("string") => {}
                Some("object") => {
                    assert!(depth < 2, "{at}: objects nest at most twice");
                    for k in items.as_object().expect("items").keys() {
                        assert!(
                            item_object_keys.contains(&k.as_str()),
                            "{at}[]: unsupported key {k}"
                        );
                    }
                    for (n, ip) in items["properties"].as_object().expect("item properties") {
                        check_subset(&format!("{at}[].{n}"), ip, depth + 1);
                    }
                }
                other => panic!("{at}: arrays hold strings or objects, not {other:?}"),
            }
        }
    }

    #[test]
    fn errors_name_the_json_path() {
        let e = prepare(
            "media.list",
            json!({"ig_user_id": "1784", "limit": "x"}),
            &ctx(Login::Instagram),
        )
        .unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::InvalidParams);
        assert!(
            e.message.starts_with("media.list: params.limit:"),
            "{}",
            e.message
        );
        let e = prepare(
            "media.list",
            json!({"ig_user_id": "1784", "limt": 5}),
            &ctx(Login::Instagram),
        )
        .unwrap_err();
        assert!(
            e.message
                .starts_with("media.list: params.limt: unknown parameter"),
            "{}",
            e.message
        );
        let e = prepare("media.get", json!({}), &ctx(Login::Instagram)).unwrap_err();
        assert!(
            e.message
                .starts_with("media.get: params.media_id: is required"),
            "{}",
            e.message
        );
        let e = prepare("media.list", json!({"limit": 101}), &ctx(Login::Instagram)).unwrap_err();
        assert!(e.message.contains("params.limit"), "{}", e.message);
        let e = prepare("media.list", json!({}), &ctx(Login::Facebook)).unwrap_err();
        assert!(
            e.message
                .starts_with("media.list: params.ig_user_id: is required with Facebook Login"),
            "{}",
            e.message
        );
        let e = prepare(
            "media.get",
            json!({"media_id": "../me"}),
            &ctx(Login::Instagram),
        )
        .unwrap_err();
        assert!(e.message.contains("params.media_id"), "{}", e.message);
        let e = prepare("pages.list", json!({}), &ctx(Login::Instagram)).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Unsupported, "Facebook Login only");
        assert!(
            e.message.contains("not available with Instagram Login"),
            "{}",
            e.message
        );
        let e = prepare("nope.nope", json!({}), &ctx(Login::Instagram)).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Unsupported);
    }

    #[test]
    fn requests_are_described_not_formatted() {
        let r = request(
            "media.list",
            json!({"ig_user_id": "17841400000000001", "limit": 10, "since": "2026-01-01"}),
            Login::Facebook,
        );
        assert_eq!(r.path, vec!["17841400000000001", "media"]);
        assert!(r.query.contains(&("limit".into(), "10".into())));
        assert!(r.query.contains(&("since".into(), "1767225600".into())));
        let r = request("user.get", json!({}), Login::Instagram);
        assert_eq!(r.path, vec!["me"]);
        assert!(
            r.query_value("fields").unwrap().contains("user_id"),
            "IG Login: user_id too"
        );
        let r = request("user.get", json!({"ig_user_id": "1784"}), Login::Facebook);
        assert!(!r.query_value("fields").unwrap().contains("user_id"));
    }
}
