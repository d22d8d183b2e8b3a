//! The operation catalogue: every operation is a typed request struct declared once in
//! `ops/<resource>.rs` and listed in [`registry`]. From it come the JSON catalogue
//! ([`operations`]), validated dynamic calls ([`prepare`]) and the generated surfaces.
//!
//! Param schemas stay inside a small JSON Schema subset the generators understand:
//! `type` (string, integer, number, boolean, array of strings, or `["integer","string"]`
//! for timestamps), `enum` of strings, `default`, `minimum`, `maximum`, `description`,
//! `required`. A unit test enforces the subset.

pub mod comments;
pub mod media;
pub mod pages;
pub mod params;
pub mod user;

use crate::config::Login;
use crate::error::{Error, Result};
use crate::request::GraphRequest;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};
use std::sync::OnceLock;

pub use params::ParamError;

/// What an operation may look at while building its request.
#[derive(Debug, Clone)]
pub struct OpContext {
    /// Login flavour of the client.
    pub login: Login,
}

/// Page-size parameter of a paginated edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize {
    /// Graph's default when `limit` is absent.
    pub default: u32,
    /// Largest value the edge honours.
    pub max: u32,
}

/// One Graph operation: a typed request that knows how to describe its HTTP call.
pub trait Operation: DeserializeOwned + JsonSchema + Send + Sync + 'static {
    /// `resource.operation`, snake_case.
    const ID: &'static str;
    /// One line for menus.
    const SUMMARY: &'static str;
    /// The Graph call, for documentation (`GET /{ig_user_id}/media`).
    const HTTP: &'static str;
    /// Whether results come in cursor pages (`data` + `paging`).
    const PAGINATED: bool = false;
    /// Whether repeating the call is harmless (reads); decides automatic retries.
    const IDEMPOTENT: bool = true;
    /// Login flavours that support it.
    const LOGINS: &'static [Login] = &[Login::Facebook, Login::Instagram];
    /// Documented limits worth knowing before calling.
    const LIMITS: &'static [&'static str] = &[];
    /// Page size of a paginated edge (the `limit` param).
    const PAGE_SIZE: Option<PageSize> = None;

    /// Validate and describe the request. Errors name the param.
    fn build(&self, ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError>;
}

/// Catalogue entry of a registered operation.
#[derive(Debug)]
pub struct OpSpec {
    /// `resource.operation`.
    pub id: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Graph call for docs.
    pub http: &'static str,
    /// Cursor-paged.
    pub paginated: bool,
    /// Safe to repeat.
    pub idempotent: bool,
    /// Supported login flavours.
    pub logins: &'static [Login],
    /// Documented limits.
    pub limits: &'static [&'static str],
    /// Page size of a paginated edge.
    pub page_size: Option<PageSize>,
    schema: Value,
    build: fn(Value, &OpContext) -> std::result::Result<GraphRequest, ParamError>,
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
            "summary": self.summary,
            "description": description,
            "http": self.http,
            "params": schema,
            "paginated": self.paginated,
            "page_size": self.page_size.map(|p| json!({"param": "limit", "default": p.default, "max": p.max})),
            "idempotent": self.idempotent,
            "logins": self.logins.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
            "limits": self.limits,
        })
    }
}

fn spec<O: Operation>() -> OpSpec {
    OpSpec {
        id: O::ID,
        summary: O::SUMMARY,
        http: O::HTTP,
        paginated: O::PAGINATED,
        idempotent: O::IDEMPOTENT,
        logins: O::LOGINS,
        limits: O::LIMITS,
        page_size: O::PAGE_SIZE,
        schema: params::schema_for::<O>(),
        build: |v, ctx| {
            let op: O = params::deserialize(v)?;
            op.build(ctx)
        },
    }
}

/// Every operation, in catalogue order. Adding an operation = one struct + one line here.
pub fn registry() -> &'static [OpSpec] {
    static REGISTRY: OnceLock<Vec<OpSpec>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        vec![
            spec::<user::Get>(),
            spec::<pages::List>(),
            spec::<media::List>(),
            spec::<media::Get>(),
            spec::<comments::List>(),
        ]
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

/// Resolve `op_id`, check the login flavour, validate `params` and build the request.
/// Nothing is sent; errors read `media.list: params.limit: ...`.
pub fn prepare(
    op_id: &str,
    params: Value,
    ctx: &OpContext,
) -> Result<(&'static OpSpec, GraphRequest)> {
    let spec = find(op_id).ok_or_else(|| {
        let known: Vec<&str> = registry().iter().map(|s| s.id).collect();
        Error::unsupported(format!(
            "unknown operation {op_id:?} (known: {})",
            known.join(", ")
        ))
    })?;
    if !spec.logins.contains(&ctx.login) {
        return Err(Error::unsupported(format!(
            "{op_id}: not available with {} Login (supported: {})",
            if ctx.login == Login::Facebook {
                "Facebook"
            } else {
                "Instagram"
            },
            spec.logins
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let params = match params {
        Value::Null => Value::Object(Map::new()),
        Value::Object(m) => Value::Object(m),
        _ => {
            return Err(Error::invalid_params(format!(
                "{op_id}: params: expected an object"
            )))
        }
    };
    params::check_unknown_keys(&spec.schema, &params).map_err(|e| e.into_error(op_id))?;
    let req = (spec.build)(params, ctx).map_err(|e| e.into_error(op_id))?;
    Ok((spec, req))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(login: Login) -> OpContext {
        OpContext { login }
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
                ];
                for k in p.as_object().expect("object").keys() {
                    assert!(
                        ok_keys.contains(&k.as_str()),
                        "{}.{name}: unsupported schema key {k}",
                        s.id
                    );
                }
                assert!(
                    p.get("description").is_some(),
                    "{}.{name}: needs a doc comment",
                    s.id
                );
                let t = &p["type"];
                let simple = ["string", "integer", "number", "boolean", "array"];
                assert!(
                    t.as_str().is_some_and(|t| simple.contains(&t))
                        || *t == json!(["integer", "string"]),
                    "{}.{name}: unsupported type {t}",
                    s.id
                );
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
        let (_, r) = prepare(
            "media.list",
            json!({"ig_user_id": "17841400000000001", "limit": 10, "since": "2026-01-01"}),
            &ctx(Login::Facebook),
        )
        .unwrap();
        assert_eq!(r.path, vec!["17841400000000001", "media"]);
        assert!(r.query.contains(&("limit".into(), "10".into())));
        assert!(r.query.contains(&("since".into(), "1767225600".into())));
        let (_, r) = prepare("user.get", json!({}), &ctx(Login::Instagram)).unwrap();
        assert_eq!(r.path, vec!["me"]);
    }
}
