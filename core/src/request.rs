//! Requests as data: operations describe method, host, path segments, query, headers, body and
//! which credential the request carries; only the transport turns them into HTTP.

use crate::redact::Secret;
use serde_json::Value;

/// HTTP method of a Graph request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Read.
    Get,
    /// Create or update.
    Post,
    /// Delete.
    Delete,
}

impl Method {
    /// `GET`, `POST`, `DELETE`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// Which server a request goes to. With a `base_url` (sandbox, proxy) every host maps onto it,
/// keeping the path layout Meta uses on that host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// The login flavour's Graph host, versioned: `graph.facebook.com/vNN.N/...` or
    /// `graph.instagram.com/vNN.N/...`.
    Graph,
    /// The Graph host without the version segment (`graph.instagram.com/access_token`).
    GraphRoot,
    /// Resumable uploads: `rupload.facebook.com/ig-api-upload/vNN.N/...`.
    Upload,
    /// Instagram Login's OAuth host: `api.instagram.com/oauth/access_token`.
    InstagramOAuth,
}

/// The credential a request carries. The transport adds it (and `appsecret_proof` for tokens)
/// and scrubs it from every error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// The client's own access token (the default).
    User,
    /// The Page's own token (Facebook Login messaging), looked up from the user token with
    /// `GET /{page_id}?fields=access_token` and cached per page by the client.
    Page(String),
    /// The Page token of the only Page of the user with a linked Instagram account (Facebook
    /// Login messaging without a `page_id`): the client finds it with one
    /// `GET /me/accounts?fields=id,access_token,instagram_business_account{id}` and caches it
    /// like [`Credential::Page`] tokens; the request goes to `/me/...`, which Graph resolves to
    /// that Page. Fails with `invalid_params` naming `page_id` when there is no such Page or
    /// there are several.
    LinkedPage,
    /// The app token `app_id|app_secret` (debug_token); needs both in the client config.
    App,
    /// A token given with the call (exchanging a short-lived token, for example).
    Token(Secret),
    /// Nothing (OAuth code exchange carries the client secret in its form instead).
    None,
}

/// A secret a request carries besides its credential (OAuth's `client_secret`, the token under
/// inspection, an authorization code). Requests name it; the transport fills in the value at
/// send time and scrubs it from every error, so a secret never sits in a request's query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretValue {
    /// The client's current access token (after a refresh: the new one).
    AccessToken,
    /// The configured app secret; the request fails before sending when there is none.
    AppSecret,
    /// A value given with the call (a short-lived token, an authorization code).
    Given(Secret),
}

/// Where a [`SecretValue`] travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A query parameter.
    Query,
    /// A field of the form body.
    Form,
}

/// Body of a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// `application/x-www-form-urlencoded` pairs.
    Form(Vec<(String, String)>),
    /// JSON document (messaging uses it).
    Json(Value),
    /// Raw bytes with their content type (resumable uploads).
    Binary {
        /// `Content-Type` header.
        content_type: String,
        /// The bytes.
        data: Vec<u8>,
    },
}

/// One Graph request, before authentication and URL building.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphRequest {
    /// HTTP method.
    pub method: Method,
    /// Which server.
    pub host: Host,
    /// Path segments after the version (`["1784…", "media"]`); each already validated.
    pub path: Vec<String>,
    /// Query parameters (never credentials: the transport adds those).
    pub query: Vec<(String, String)>,
    /// Extra headers (`offset`/`file_size` of resumable uploads, ...).
    pub headers: Vec<(String, String)>,
    /// Optional body.
    pub body: Option<Body>,
    /// Which credential the request carries.
    pub credential: Credential,
    /// Secret params filled in (and scrubbed) by the transport: `(place, key, value)`.
    pub secrets: Vec<(Place, String, SecretValue)>,
}

impl GraphRequest {
    /// A request with `method` on the given segments of the Graph host, with the user token.
    pub fn new<I, S>(method: Method, segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        GraphRequest {
            method,
            host: Host::Graph,
            path: segments.into_iter().map(Into::into).collect(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            credential: Credential::User,
            secrets: Vec::new(),
        }
    }

    /// A GET on the given segments.
    pub fn get<I, S>(segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(Method::Get, segments)
    }

    /// A POST on the given segments (add a body with [`GraphRequest::form`] or [`GraphRequest::json`]).
    pub fn post<I, S>(segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(Method::Post, segments)
    }

    /// A DELETE on the given segments.
    pub fn delete<I, S>(segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(Method::Delete, segments)
    }

    /// Send to another host.
    pub fn on(mut self, host: Host) -> Self {
        self.host = host;
        self
    }

    /// Carry another credential.
    pub fn with_credential(mut self, credential: Credential) -> Self {
        self.credential = credential;
        self
    }

    /// Add a query parameter.
    pub fn query(mut self, key: &str, value: impl ToString) -> Self {
        self.query.push((key.to_owned(), value.to_string()));
        self
    }

    /// Add a query parameter when `value` is `Some`.
    pub fn query_opt<T: ToString>(self, key: &str, value: Option<T>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Add a secret query parameter (filled in and scrubbed by the transport).
    pub fn secret_query(mut self, key: &str, value: SecretValue) -> Self {
        self.secrets.push((Place::Query, key.to_owned(), value));
        self
    }

    /// Add a secret form field (filled in and scrubbed by the transport).
    pub fn secret_form(mut self, key: &str, value: SecretValue) -> Self {
        self.secrets.push((Place::Form, key.to_owned(), value));
        self
    }

    /// The secret param named `key`, if any.
    pub fn secret(&self, key: &str) -> Option<(Place, &SecretValue)> {
        self.secrets
            .iter()
            .find(|(_, k, _)| k == key)
            .map(|(p, _, v)| (*p, v))
    }

    /// Add a header.
    pub fn header(mut self, name: &str, value: impl ToString) -> Self {
        self.headers.push((name.to_owned(), value.to_string()));
        self
    }

    /// Add a form field (creates the form body when there is none).
    pub fn form(mut self, key: &str, value: impl ToString) -> Self {
        match &mut self.body {
            Some(Body::Form(pairs)) => pairs.push((key.to_owned(), value.to_string())),
            _ => self.body = Some(Body::Form(vec![(key.to_owned(), value.to_string())])),
        }
        self
    }

    /// Add a form field when `value` is `Some`.
    pub fn form_opt<T: ToString>(self, key: &str, value: Option<T>) -> Self {
        match value {
            Some(v) => self.form(key, v),
            None => self,
        }
    }

    /// Set a JSON body.
    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(Body::Json(body));
        self
    }

    /// Set a binary body.
    pub fn binary(mut self, content_type: &str, data: Vec<u8>) -> Self {
        self.body = Some(Body::Binary {
            content_type: content_type.to_owned(),
            data,
        });
        self
    }

    /// Whether repeating it is harmless by HTTP semantics alone (GET).
    pub fn is_read(&self) -> bool {
        self.method == Method::Get
    }

    /// `GET /a/b` style description for logs and stats (ids kept; no credentials ever here).
    pub fn describe(&self) -> String {
        format!("{} /{}", self.method.as_str(), self.path.join("/"))
    }

    /// The value of query parameter `key`, if set.
    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Set (replace) a query parameter.
    pub fn set_query(&mut self, key: &str, value: impl ToString) {
        self.query.retain(|(k, _)| k != key);
        self.query.push((key.to_owned(), value.to_string()));
    }
}

/// Query keys, headers and path shapes Meta removed or froze in 2026 (v26 removals on every
/// version since 2026-10-27; v27 freeze for new apps since 2026-11-04). Never sent.
pub mod removed {
    /// Query parameters that must never be sent.
    pub const QUERY_KEYS: &[&str] = &[
        "ids",
        "date_format",
        "pretty",
        "debug",
        "method",
        "callback",
    ];
    /// Headers that must never be sent.
    pub const HEADERS: &[&str] = &["if-none-match"];

    /// Why `req` would use a removed protocol feature, if it does.
    pub fn violation(req: &super::GraphRequest) -> Option<String> {
        if let Some((k, _)) = req
            .query
            .iter()
            .find(|(k, _)| QUERY_KEYS.contains(&k.as_str()))
        {
            return Some(format!("query parameter {k:?} is a removed Graph feature"));
        }
        if let Some((h, _)) = req
            .headers
            .iter()
            .find(|(h, _)| HEADERS.contains(&h.to_ascii_lowercase().as_str()))
        {
            return Some(format!("header {h:?} is a removed Graph feature"));
        }
        if let Some(super::Body::Form(pairs)) = &req.body {
            if let Some((k, _)) = pairs.iter().find(|(k, _)| QUERY_KEYS.contains(&k.as_str())) {
                return Some(format!("form field {k:?} is a removed Graph feature"));
            }
        }
        if let Some(f) = req.query_value("fields") {
            if f.contains(".as(") {
                return Some("field aliases (.as()) are a removed Graph feature".to_owned());
            }
        }
        if req.host == super::Host::Graph && req.path.is_empty() && req.method == super::Method::Get
        {
            return Some(
                "GET on the Graph root (multi-id reads) is a removed Graph feature".to_owned(),
            );
        }
        None
    }
}
