//! Requests as data: operations describe method, path segments, query and body; only the
//! transport turns them into HTTP.

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

/// Body of a POST.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// `application/x-www-form-urlencoded` pairs.
    Form(Vec<(String, String)>),
    /// JSON document (messaging uses it).
    Json(Value),
}

/// One Graph request, before authentication and URL building.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphRequest {
    /// HTTP method.
    pub method: Method,
    /// Path segments after the version (`["1784…", "media"]`); each already validated.
    pub path: Vec<String>,
    /// Query parameters (never credentials: the transport adds those).
    pub query: Vec<(String, String)>,
    /// Optional body.
    pub body: Option<Body>,
}

impl GraphRequest {
    /// A GET on the given segments.
    pub fn get<I, S>(segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        GraphRequest {
            method: Method::Get,
            path: segments.into_iter().map(Into::into).collect(),
            query: Vec::new(),
            body: None,
        }
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

    /// `GET /a/b` style description for logs and stats (ids kept; no credentials ever here).
    pub fn describe(&self) -> String {
        format!("{} /{}", self.method.as_str(), self.path.join("/"))
    }
}
