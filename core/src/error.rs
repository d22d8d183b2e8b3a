//! Errors: Meta's Graph error envelope classified into stable kinds, plus local failures.

use serde::Serialize;
use serde_json::{json, Value};
use std::fmt;
use std::time::Duration;

/// Stable error classes shared by every binding (`err.kind` in Node and Python).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// Token invalid, expired or revoked (Graph 190, 102).
    Auth,
    /// Missing permission or feature (Graph 3, 10, 200–299).
    Permission,
    /// Throttled by an app, user, page or business-use-case limit (4, 17, 32, 613, 80001–80006, ...).
    RateLimited,
    /// Params rejected locally before any request, or by Graph (100 and friends).
    InvalidParams,
    /// The object does not exist or is not visible to this token (100/33, 803, HTTP 404).
    NotFound,
    /// A temporary Graph failure worth retrying (1, 2, `is_transient`, HTTP 5xx).
    Transient,
    /// The request never got a Graph answer: DNS, connect, TLS, timeout, undecodable body.
    Transport,
    /// The operation does not exist or is not available with this login flavour.
    Unsupported,
    /// The same content was already posted (506).
    Conflict,
    /// Any other Graph error.
    Api,
    /// A bug on our side (for example a panic caught at the binding boundary).
    Internal,
    /// Graph answered 200 with a body of the wrong shape (`data` not a list, not an object).
    UnexpectedResponse,
    /// The caller cancelled the call (AbortSignal, Ctrl-C, a cancel token).
    Cancelled,
}

impl ErrorKind {
    /// The stable snake_case name (`rate_limited`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Auth => "auth",
            ErrorKind::Permission => "permission",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::InvalidParams => "invalid_params",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Transient => "transient",
            ErrorKind::Transport => "transport",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Api => "api",
            ErrorKind::Internal => "internal",
            ErrorKind::UnexpectedResponse => "unexpected_response",
            ErrorKind::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every failure of the crate. Carries Graph's fields when Graph answered.
///
/// Never holds the access token or app secret: messages are scrubbed by the transport.
#[derive(Debug, Clone, thiserror::Error)]
pub struct Error {
    /// Stable class.
    pub kind: ErrorKind,
    /// Human-readable message (Graph's `message` when Graph answered).
    pub message: String,
    /// HTTP status of the Graph answer, if any.
    pub http_status: Option<u16>,
    /// Graph `code`.
    pub code: Option<i64>,
    /// Graph `error_subcode`.
    pub error_subcode: Option<i64>,
    /// Graph `type` (usually `OAuthException`).
    pub error_type: Option<String>,
    /// Graph `error_user_title`.
    pub error_user_title: Option<String>,
    /// Graph `error_user_msg`.
    pub error_user_msg: Option<String>,
    /// Graph `fbtrace_id` (Meta support asks for it).
    pub fbtrace_id: Option<String>,
    /// Graph `is_transient`, or our own judgement for transport failures.
    pub is_transient: bool,
    /// How long to wait before retrying, when known (usage headers, `Retry-After`).
    pub retry_after: Option<Duration>,
    /// Graph `error_data`, when present.
    pub error_data: Option<Value>,
    /// Graph itself said `is_transient: true` (the request was not carried out), as opposed to
    /// our own judgement from a code or an HTTP 5xx. Only this makes a write safe to resend.
    pub(crate) graph_says_transient: bool,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        let mut extra = Vec::new();
        if let Some(c) = self.code {
            extra.push(format!("code {c}"));
        }
        if let Some(s) = self.error_subcode {
            extra.push(format!("subcode {s}"));
        }
        if let Some(h) = self.http_status {
            extra.push(format!("HTTP {h}"));
        }
        if let Some(t) = &self.fbtrace_id {
            extra.push(format!("fbtrace_id {t}"));
        }
        if !extra.is_empty() {
            write!(f, " ({})", extra.join(", "))?;
        }
        Ok(())
    }
}

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A bare error of `kind` with `message` and no Graph fields.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            http_status: None,
            code: None,
            error_subcode: None,
            error_type: None,
            error_user_title: None,
            error_user_msg: None,
            fbtrace_id: None,
            is_transient: matches!(kind, ErrorKind::Transient),
            retry_after: None,
            error_data: None,
            graph_says_transient: false,
        }
    }

    /// Params rejected locally; `message` should name the JSON path.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidParams, message)
    }

    /// Missing permission or role.
    pub fn permission(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Permission, message)
    }

    /// Operation unknown or unavailable for the login flavour.
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unsupported, message)
    }

    /// Network-level failure.
    pub fn transport(message: impl Into<String>, transient: bool) -> Self {
        let mut e = Self::new(ErrorKind::Transport, message);
        e.is_transient = transient;
        e
    }

    /// Internal bug (never the user's fault).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// Classify a Graph answer. `body` is the parsed JSON body if it was JSON.
    pub fn from_graph(http_status: u16, body: Option<&Value>) -> Self {
        let env = body.and_then(|b| b.get("error")).filter(|e| e.is_object());
        let Some(env) = env else {
            return Self::from_bare_status(http_status, body);
        };
        let s = |k: &str| env.get(k).and_then(Value::as_str).map(str::to_owned);
        let i = |k: &str| env.get(k).and_then(as_i64_loose);
        let code = i("code");
        let subcode = i("error_subcode");
        let is_transient = env
            .get("is_transient")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let kind = classify(http_status, code, subcode, is_transient);
        Error {
            kind,
            message: s("message")
                .unwrap_or_else(|| format!("Graph API error (HTTP {http_status})")),
            http_status: Some(http_status),
            code,
            error_subcode: subcode,
            error_type: s("type"),
            error_user_title: s("error_user_title"),
            error_user_msg: s("error_user_msg"),
            fbtrace_id: s("fbtrace_id"),
            is_transient: is_transient || kind == ErrorKind::Transient,
            retry_after: None,
            error_data: env.get("error_data").cloned(),
            graph_says_transient: is_transient,
        }
    }

    fn from_bare_status(http_status: u16, body: Option<&Value>) -> Self {
        // Instagram Login token endpoints answer {"error_type","code","error_message"}.
        if let Some(msg) = body
            .and_then(|b| b.get("error_message"))
            .and_then(Value::as_str)
        {
            let mut e = Self::new(classify(http_status, None, None, false), msg);
            e.http_status = Some(http_status);
            e.error_type = body
                .and_then(|b| b.get("error_type"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            if e.error_type.as_deref() == Some("OAuthException") && e.kind == ErrorKind::Api {
                e.kind = ErrorKind::Auth;
            }
            return e;
        }
        let kind = classify(http_status, None, None, false);
        let mut e = Self::new(
            kind,
            format!("Graph API answered HTTP {http_status} without an error envelope"),
        );
        e.http_status = Some(http_status);
        e.is_transient = matches!(kind, ErrorKind::Transient);
        e
    }

    /// Whether Graph's envelope itself said `is_transient: true`.
    pub fn graph_says_transient(&self) -> bool {
        self.graph_says_transient
    }

    /// Whether an automatic retry can help (the transport's retry policy reads this).
    pub fn is_retryable(&self) -> bool {
        match self.kind {
            ErrorKind::Transient => true,
            ErrorKind::Transport => self.is_transient,
            ErrorKind::RateLimited => true,
            _ => self.is_transient,
        }
    }

    /// Prefix the message with the operation id (`media.list: ...`).
    pub fn with_op(mut self, op: &str) -> Self {
        if !self.message.starts_with(op) {
            self.message = format!("{op}: {}", self.message);
        }
        self
    }

    /// Replace every occurrence of each secret in the text fields with `[redacted]`.
    pub fn scrub(mut self, secrets: &[&str]) -> Self {
        for secret in secrets.iter().filter(|s| s.len() >= 4) {
            for field in [
                Some(&mut self.message),
                self.error_user_msg.as_mut(),
                self.error_user_title.as_mut(),
            ]
            .into_iter()
            .flatten()
            {
                if field.contains(secret) {
                    *field = field.replace(secret, "[redacted]");
                }
            }
            if let Some(d) = self.error_data.as_mut() {
                crate::redact::scrub_value(d, secret);
            }
        }
        self
    }

    /// Machine-readable fields for the bindings, snake_case, same in every language.
    pub fn to_json(&self) -> Value {
        json!({
            "kind": self.kind.as_str(),
            "message": self.message,
            "http_status": self.http_status,
            "code": self.code,
            "error_subcode": self.error_subcode,
            "error_type": self.error_type,
            "error_user_title": self.error_user_title,
            "error_user_msg": self.error_user_msg,
            "fbtrace_id": self.fbtrace_id,
            "is_transient": self.is_transient,
            "retry_after": self.retry_after.map(|d| d.as_secs_f64()),
            "error_data": self.error_data,
        })
    }
}

fn as_i64_loose(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// Subcodes of the publishing flow that Meta documents as retryable.
const TRANSIENT_SUBCODES: &[i64] = &[2207001, 2207003, 2207008, 2207027, 2207032, 2207053];

/// Map Graph's code/subcode (not the HTTP status: throttles arrive as HTTP 400) to a kind.
pub fn classify(
    http_status: u16,
    code: Option<i64>,
    subcode: Option<i64>,
    is_transient: bool,
) -> ErrorKind {
    if let Some(code) = code {
        let by_code = match code {
            190 | 102 | 463 | 467 => Some(ErrorKind::Auth),
            4 | 17 | 32 | 341 | 613 | 80001..=80009 => Some(ErrorKind::RateLimited),
            9 if subcode == Some(2207042) => Some(ErrorKind::RateLimited),
            100 if subcode == Some(33) => Some(ErrorKind::NotFound),
            803 => Some(ErrorKind::NotFound),
            24 if subcode == Some(2207006) => Some(ErrorKind::NotFound),
            1 | 2 => Some(ErrorKind::Transient),
            -2 | -1 | 9007 | 24 if subcode.is_some_and(|s| TRANSIENT_SUBCODES.contains(&s)) => {
                Some(ErrorKind::Transient)
            }
            3 | 10 | 200..=299 | 368 => Some(ErrorKind::Permission),
            506 => Some(ErrorKind::Conflict),
            100 | 9004 | 36000..=36004 | 352 | 2500 => Some(ErrorKind::InvalidParams),
            _ => None,
        };
        if let Some(k) = by_code {
            return k;
        }
        if is_transient {
            return ErrorKind::Transient;
        }
    }
    match http_status {
        401 => ErrorKind::Auth,
        403 => ErrorKind::Permission,
        404 => ErrorKind::NotFound,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::Transient,
        _ if is_transient => ErrorKind::Transient,
        _ => ErrorKind::Api,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttles_arrive_as_http_400_and_are_classified_by_code() {
        assert_eq!(classify(400, Some(4), None, false), ErrorKind::RateLimited);
        assert_eq!(
            classify(400, Some(80002), None, false),
            ErrorKind::RateLimited
        );
        assert_eq!(classify(400, Some(190), Some(463), false), ErrorKind::Auth);
        assert_eq!(
            classify(400, Some(100), Some(33), false),
            ErrorKind::NotFound
        );
        assert_eq!(
            classify(400, Some(100), None, false),
            ErrorKind::InvalidParams
        );
        assert_eq!(
            classify(400, Some(10), Some(2018278), false),
            ErrorKind::Permission
        );
        assert_eq!(
            classify(400, Some(-1), Some(2207001), false),
            ErrorKind::Transient
        );
        assert_eq!(classify(500, None, None, false), ErrorKind::Transient);
        assert_eq!(classify(400, Some(12345), None, true), ErrorKind::Transient);
        assert_eq!(classify(400, Some(12345), None, false), ErrorKind::Api);
    }

    #[test]
    fn scrub_removes_secrets_everywhere() {
        let body = json!({"error": {"message": "bad token EAAB1234", "code": 190,
            "error_data": {"u": "x?access_token=EAAB1234"}}});
        let e = Error::from_graph(400, Some(&body)).scrub(&["EAAB1234"]);
        assert!(!format!("{e} {e:?} {}", e.to_json()).contains("EAAB1234"));
    }
}
