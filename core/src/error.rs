//! Errors: Meta's Graph error envelope classified into stable kinds and retry classes, plus
//! local failures.
//!
//! Classification is by Graph `code`/`error_subcode` whenever Graph gave a code: Meta sends the
//! same code with different HTTP statuses (`(#4)` arrives as 400 and as 403), so the status is
//! only a fallback for answers without a known code. Parsing is total: any JSON, however odd
//! (codes as strings or floats, `error` as a string, nested junk), becomes an [`Error`].

use crate::headers::GraphHeaders;
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt;
use std::time::{Duration, SystemTime};

/// Stable error classes shared by every binding (`err.kind` in Node and Python).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// Token invalid, expired or revoked (Graph 190, 102).
    Auth,
    /// Missing permission or feature (Graph 3, 10, 200–299, 368, 4/2207051).
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
    /// Graph answered 2xx with a body of the wrong shape (not a JSON object, `data` not a list).
    UnexpectedResponse,
    /// The caller cancelled the call (AbortSignal, Ctrl-C, a cancel token).
    Cancelled,
    /// A webhook's `X-Hub-Signature-256`/`X-Hub-Signature` header is missing or malformed, or no
    /// app secret was given to check it with.
    InvalidSignature,
    /// A webhook verification request (`hub.mode`, `hub.verify_token`, `hub.challenge`) was refused.
    VerificationFailed,
    /// A webhook body is not a delivery Meta could have sent (not JSON, wrong shape, too large).
    InvalidPayload,
    /// A message was refused because the messaging window is closed: the 24-hour window after
    /// the person's last message (standard `RESPONSE` sends) or the 7 days of the `HUMAN_AGENT`
    /// tag (10/2018278, 10/2534022, 10/1893063).
    OutsideWindow,
    /// The person cannot receive messages from the account right now (551).
    RecipientUnavailable,
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
            ErrorKind::InvalidSignature => "invalid_signature",
            ErrorKind::VerificationFailed => "verification_failed",
            ErrorKind::InvalidPayload => "invalid_payload",
            ErrorKind::OutsideWindow => "outside_window",
            ErrorKind::RecipientUnavailable => "recipient_unavailable",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an automatic retry can do about an error (our decision, see [`crate::retry::decide`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryClass {
    /// A rate limit refused the call before it ran: wait (`retry_after` or backoff), then retry,
    /// writes included.
    Throttle,
    /// A temporary failure: retry reads with backoff; writes only if provably not sent.
    Transient,
    /// Graph 100/33 ("does not exist or missing permissions"), sometimes a disguised throttle:
    /// one delayed retry for reads, then give up.
    Ambiguous,
    /// Retrying cannot help.
    Permanent,
}

impl RetryClass {
    /// The snake_case name (`throttle`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            RetryClass::Throttle => "throttle",
            RetryClass::Transient => "transient",
            RetryClass::Ambiguous => "ambiguous",
            RetryClass::Permanent => "permanent",
        }
    }
}

/// What is known about whether a failed request reached Meta (decides whether a write may be
/// resent: Graph has no idempotency keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Provably never reached Meta: DNS, refused connection, TLS handshake, local validation
    /// or a local pacing wait.
    NotSent,
    /// Meta refused it before executing it (a throttle answer).
    Refused,
    /// It may have been executed: timeout, reset after sending, 5xx, truncated body, any other
    /// Graph answer.
    Unknown,
}

impl Delivery {
    /// The snake_case name (`not_sent`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Delivery::NotSent => "not_sent",
            Delivery::Refused => "refused",
            Delivery::Unknown => "unknown",
        }
    }
}

/// How a request failed below HTTP, for [`Error::transport_failure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransportFailure {
    /// DNS, connection refused, TLS handshake, connect timeout: nothing was sent.
    Connect,
    /// The request timed out after the connection was made.
    Timeout,
    /// The connection broke while sending or waiting for the answer.
    Reset,
    /// The answer's body was truncated, could not be read or is undecodable.
    Body,
    /// Anything else (client setup, redirect policy, ...): not retried.
    Other,
}

/// Shortest secret [`Error::scrub`] redacts (8 bytes). Shorter values cannot be told apart from
/// ordinary words, and replacing them would mangle messages; real access tokens, app secrets
/// and `appsecret_proof`s are 32+ characters.
pub const MIN_SECRET_LEN: usize = 8;

/// Longest text field kept from an envelope; Meta's messages are a few hundred bytes, and the
/// bound keeps scrubbing and logging of a hostile body cheap.
const MAX_TEXT_LEN: usize = 8 * 1024;

/// Every failure of the crate. Carries Graph's fields when Graph answered.
///
/// Never holds the access token or app secret: messages are scrubbed by the transport.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
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
    /// Exactly Graph's `is_transient` (`true` only when Meta sent the JSON boolean `true`);
    /// `false` when absent or when Meta never answered. Our own judgement is [`Error::retry_class`].
    pub is_transient: bool,
    /// How long to wait before retrying, when known (`Retry-After`, usage headers' regain time,
    /// a local pacing wait): the caller's "come back after".
    pub retry_after: Option<Duration>,
    /// Graph `error_data`, when present.
    pub error_data: Option<Value>,
    /// What an automatic retry can do (our decision from code, subcode, status and failure).
    pub retry_class: RetryClass,
    /// Whether the request may have reached Meta.
    pub delivery: Delivery,
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

/// The retry class of `err` (same as the `retry_class` field).
pub fn retry_class(err: &Error) -> RetryClass {
    err.retry_class
}

impl Error {
    /// A bare error of `kind` with `message` and no Graph fields. Its retry class follows the
    /// kind (`rate_limited` → throttle, `transient`/`transport` → transient, else permanent).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let (retry_class, delivery) = match kind {
            ErrorKind::RateLimited => (RetryClass::Throttle, Delivery::Refused),
            ErrorKind::Transient | ErrorKind::Transport => {
                (RetryClass::Transient, Delivery::Unknown)
            }
            _ => (RetryClass::Permanent, Delivery::Unknown),
        };
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
            is_transient: false,
            retry_after: None,
            error_data: None,
            retry_class,
            delivery,
        }
    }

    /// Params rejected locally; `message` should name the JSON path.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorKind::InvalidParams, message);
        e.delivery = Delivery::NotSent;
        e
    }

    /// Missing permission or role.
    pub fn permission(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Permission, message)
    }

    /// Operation unknown or unavailable for the login flavour.
    pub fn unsupported(message: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorKind::Unsupported, message);
        e.delivery = Delivery::NotSent;
        e
    }

    /// Network-level failure; `transient` says whether a retry may help. Delivery is unknown.
    ///
    /// Kept for compatibility: new code should use [`Error::transport_failure`], which also
    /// records whether the request can have reached Meta.
    pub fn transport(message: impl Into<String>, transient: bool) -> Self {
        let mut e = Self::new(ErrorKind::Transport, message);
        e.retry_class = if transient {
            RetryClass::Transient
        } else {
            RetryClass::Permanent
        };
        e
    }

    /// Network-level failure of a known sort: `Connect` is transient and provably not sent;
    /// `Timeout`, `Reset` and `Body` are transient with unknown delivery; `Other` is permanent.
    pub fn transport_failure(message: impl Into<String>, failure: TransportFailure) -> Self {
        let mut e = Self::new(ErrorKind::Transport, message);
        (e.retry_class, e.delivery) = match failure {
            TransportFailure::Connect => (RetryClass::Transient, Delivery::NotSent),
            TransportFailure::Timeout | TransportFailure::Reset | TransportFailure::Body => {
                (RetryClass::Transient, Delivery::Unknown)
            }
            TransportFailure::Other => (RetryClass::Permanent, Delivery::Unknown),
        };
        e
    }

    /// Graph answered `http_status` (2xx) with a body of the wrong shape; not retried, since the
    /// same request gets the same answer.
    pub fn unexpected_response(http_status: u16, message: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorKind::UnexpectedResponse, message);
        e.http_status = Some(http_status);
        e
    }

    /// Not sent: the usage headers say the budget is (nearly) spent and waiting `retry_after`
    /// would exceed the retry budget. A throttle that provably never reached Meta.
    pub fn paced(retry_after: Duration) -> Self {
        let mut e = Self::new(
            ErrorKind::RateLimited,
            format!(
                "not sent: Meta's usage headers report the rate limit (nearly) reached; retry in {:.1} s",
                retry_after.as_secs_f64()
            ),
        );
        e.delivery = Delivery::NotSent;
        e.retry_after = Some(retry_after);
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
        let s = |k: &str| env.get(k).and_then(text);
        let i = |k: &str| env.get(k).and_then(as_i64_loose);
        let code = i("code");
        let subcode = i("error_subcode");
        // Exactly what Meta said: only the JSON boolean `true` counts.
        let is_transient = env.get("is_transient") == Some(&Value::Bool(true));
        let mut kind = classify(http_status, code, subcode, is_transient);
        let retry_class = classify_retry(http_status, code, subcode, is_transient);
        let mut message = s("message")
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| format!("Graph API error (HTTP {http_status})"));
        if is_consent_error(&message) {
            kind = ErrorKind::Permission;
        }
        if let Some(why) = explanation(kind, &message) {
            message.push_str(why);
        }
        Error {
            kind,
            message,
            http_status: Some(http_status),
            code,
            error_subcode: subcode,
            error_type: s("type"),
            error_user_title: s("error_user_title"),
            error_user_msg: s("error_user_msg"),
            fbtrace_id: s("fbtrace_id"),
            is_transient,
            retry_after: None,
            error_data: env.get("error_data").cloned(),
            retry_class,
            delivery: delivery_of(retry_class),
        }
    }

    /// Classify a Graph error answer from its raw parts: the body is decoded leniently (invalid
    /// UTF-8 replaced), and `retry_after` comes from `Retry-After` (any class) and, for
    /// throttles, the usage headers' regain time, the larger of the two.
    ///
    /// Call it when the status is not 2xx or the body holds an `error` object.
    pub fn from_response(
        http_status: u16,
        body: &[u8],
        headers: &GraphHeaders,
        now: SystemTime,
    ) -> Self {
        let parsed = decode_lenient(body);
        let e = Self::from_graph(http_status, parsed.as_ref());
        let retry_after = headers.retry_after(now);
        let regain = if e.retry_class == RetryClass::Throttle {
            headers.usage().and_then(|u| u.regain_after())
        } else {
            None
        };
        e.with_retry_after(retry_after).with_retry_after(regain)
    }

    /// Raise `retry_after` to `wait` when `wait` is longer (hints only ever lengthen the wait).
    pub fn with_retry_after(mut self, wait: Option<Duration>) -> Self {
        if let Some(w) = wait {
            self.retry_after = Some(self.retry_after.map_or(w, |r| r.max(w)));
        }
        self
    }

    fn from_bare_status(http_status: u16, body: Option<&Value>) -> Self {
        let retry_class = classify_retry(http_status, None, None, false);
        let bare = |kind: ErrorKind, message: String| {
            let mut e = Self::new(kind, message);
            e.http_status = Some(http_status);
            e.retry_class = retry_class;
            e.delivery = delivery_of(retry_class);
            e
        };
        // Instagram Login token endpoints answer {"error_type","code","error_message"}.
        let msg = body
            .and_then(|b| b.get("error_message"))
            .and_then(text)
            .filter(|m| !m.trim().is_empty());
        if let Some(msg) = msg {
            let mut e = bare(classify(http_status, None, None, false), msg);
            e.error_type = body.and_then(|b| b.get("error_type")).and_then(text);
            if e.error_type.as_deref() == Some("OAuthException") && e.kind == ErrorKind::Api {
                e.kind = ErrorKind::Auth;
            }
            return e;
        }
        let kind = classify(http_status, None, None, false);
        let detail = body
            .and_then(|b| b.get("error"))
            .and_then(text)
            .filter(|m| !m.trim().is_empty());
        let message = match detail {
            Some(s) => format!("Graph API error (HTTP {http_status}): {s}"),
            None => format!("Graph API answered HTTP {http_status} without an error envelope"),
        };
        bare(kind, message)
    }

    /// An `outside_window` error told which window closed: `human_agent` says whether the send
    /// carried the `HUMAN_AGENT` tag, `last_message_at` (Unix seconds) when the person last
    /// wrote, when known. Other kinds come back unchanged.
    pub fn explain_window(mut self, human_agent: bool, last_message_at: Option<i64>) -> Self {
        if self.kind != ErrorKind::OutsideWindow {
            return self;
        }
        if let Some(i) = self.message.find(WINDOW_PREFIX) {
            self.message.truncate(i);
        }
        self.message
            .push_str(&window_text(human_agent, last_message_at));
        self
    }

    /// Whether Graph's envelope itself said `is_transient: true`.
    ///
    /// Deprecated: identical to the `is_transient` field now that it is never OR-ed with our own
    /// judgement; kept so existing callers compile.
    pub fn graph_says_transient(&self) -> bool {
        self.is_transient
    }

    /// Whether an automatic retry of a read can help (`retry_class` is not permanent). Whether
    /// a write may be resent also depends on [`Error::delivery`]: see [`crate::retry::decide`].
    pub fn is_retryable(&self) -> bool {
        self.retry_class != RetryClass::Permanent
    }

    /// Prefix the message with the operation id (`media.list: ...`).
    pub fn with_op(mut self, op: &str) -> Self {
        if !self.message.starts_with(op) {
            self.message = format!("{op}: {}", self.message);
        }
        self
    }

    /// Replace every occurrence of each secret with `[redacted]` in every text field (message,
    /// user title and message, `type`, `fbtrace_id`) and in every string and key of
    /// `error_data`.
    ///
    /// Occurrences are found literally and URL-encoded: `%XX` escapes in either hex case,
    /// double-encoded `%25XX`, `+` for a space and a space for `+` (form decoding), in any mix.
    /// Secrets shorter than [`MIN_SECRET_LEN`] are ignored.
    pub fn scrub(mut self, secrets: &[&str]) -> Self {
        let secrets: Vec<&str> = secrets
            .iter()
            .copied()
            .filter(|s| s.len() >= MIN_SECRET_LEN)
            .collect();
        if secrets.is_empty() {
            return self;
        }
        let fields = [
            Some(&mut self.message),
            self.error_user_msg.as_mut(),
            self.error_user_title.as_mut(),
            self.error_type.as_mut(),
            self.fbtrace_id.as_mut(),
        ];
        for field in fields.into_iter().flatten() {
            if let Some(clean) = redact_all(field, &secrets) {
                *field = clean;
            }
        }
        if let Some(d) = self.error_data.as_mut() {
            scrub_json(d, &secrets);
        }
        self
    }

    /// Machine-readable fields for the bindings, snake_case, same in every language.
    ///
    /// Besides Graph's fields: `retry_class` and `retryable` (our decision: whether an automatic
    /// retry of a read can help) and `delivery` (`not_sent`, `refused`, `unknown`).
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
            "retry_class": self.retry_class.as_str(),
            "retryable": self.is_retryable(),
            "delivery": self.delivery.as_str(),
        })
    }
}

/// Start of the explanation an `outside_window` message carries after Meta's own text.
const WINDOW_PREFIX: &str = " — outside the messaging window: ";

/// Meta's IGSID-profile consent refusal ("User consent is required to access the user
/// profile"): a permission matter whatever code it comes with.
fn is_consent_error(message: &str) -> bool {
    message
        .to_ascii_lowercase()
        .contains("user consent is required")
}

/// What to do about a messaging refusal, appended to Meta's message.
fn explanation(kind: ErrorKind, message: &str) -> Option<&'static str> {
    match kind {
        ErrorKind::OutsideWindow => Some(
            " — outside the messaging window: a standard reply (RESPONSE) must be sent within 24 hours of the person's last message; a human agent may reply up to 7 days after it with human_agent=true (HUMAN_AGENT tag, needs Meta's Human Agent feature); after that, wait until the person writes again",
        ),
        ErrorKind::RecipientUnavailable => Some(
            " — the person cannot receive messages from this account right now (they may have blocked it, deactivated their account or restricted messages); retrying will not help",
        ),
        ErrorKind::Permission if is_consent_error(message) => Some(
            " — Instagram shares a person's profile (IGSID) only after they have messaged the account: wait for their first message",
        ),
        _ => None,
    }
}

/// The outside-window explanation for a send with or without `HUMAN_AGENT`.
fn window_text(human_agent: bool, last_message_at: Option<i64>) -> String {
    const DAY: i64 = 24 * 3600;
    let at = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0).map_or_else(
            || t.to_string(),
            |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        )
    };
    match (human_agent, last_message_at) {
        (false, Some(t)) => format!(
            "{WINDOW_PREFIX}the 24-hour standard window closed at {} (the person last wrote at {}); a human agent may still reply until {} with human_agent=true (HUMAN_AGENT tag), after that wait until the person writes again",
            at(t + DAY),
            at(t),
            at(t + 7 * DAY)
        ),
        (false, None) => format!(
            "{WINDOW_PREFIX}the 24-hour standard window after the person's last message has closed; a human agent may reply up to 7 days after that message with human_agent=true (HUMAN_AGENT tag), after that wait until the person writes again"
        ),
        (true, Some(t)) => format!(
            "{WINDOW_PREFIX}the HUMAN_AGENT 7-day window closed at {} (the person last wrote at {}); wait until the person writes again",
            at(t + 7 * DAY),
            at(t)
        ),
        (true, None) => format!(
            "{WINDOW_PREFIX}the HUMAN_AGENT 7-day window after the person's last message has closed (or the app lacks Meta's Human Agent feature); wait until the person writes again"
        ),
    }
}

/// Decode a body as JSON, tolerating invalid UTF-8 (replaced) so an envelope survives it.
fn decode_lenient(body: &[u8]) -> Option<Value> {
    serde_json::from_slice(body).ok().or_else(|| {
        let s = String::from_utf8_lossy(body);
        serde_json::from_str(&s).ok()
    })
}

fn delivery_of(class: RetryClass) -> Delivery {
    if class == RetryClass::Throttle {
        Delivery::Refused
    } else {
        Delivery::Unknown
    }
}

/// A JSON string as an owned text, cut at [`MAX_TEXT_LEN`] on a char boundary.
fn text(v: &Value) -> Option<String> {
    let s = v.as_str()?;
    if s.len() <= MAX_TEXT_LEN {
        return Some(s.to_owned());
    }
    let mut end = MAX_TEXT_LEN;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Some(format!("{}…", &s[..end]))
}

/// A Graph code from an integer, an integral float or a numeric string; anything else
/// (including integers beyond `i64`) is no code.
fn as_i64_loose(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            let f = n.as_f64()?;
            // `as` saturates; the range check keeps only exact integral values.
            (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
        }),
        Value::String(s) if s.len() <= 32 => s.trim().parse().ok(),
        _ => None,
    }
}

/// Messaging subcodes of a closed window (graph-api.md §4.4, changes-2026h2.md §3.3): outside
/// the allowed window (2018278, Instagram's 2534022) and sending restricted (1893063).
const WINDOW_SUBCODES: &[i64] = &[2018278, 2534022, 1893063];

/// Publishing subcodes that are transient per Meta's table (graph-api.md §4.3 "retry" rows).
const TRANSIENT_SUBCODES: &[i64] = &[2207001, 2207003, 2207008, 2207027, 2207032, 2207053];

/// Publishing subcodes that need a fixed request, fixed media or a user action (§4.3 "fix" and
/// "no" rows): permanent even under a transient code (1/2207057) or a throttle code (4/2207051).
const PERMANENT_SUBCODES: &[i64] = &[
    2207004, 2207005, 2207006, 2207009, 2207010, 2207020, 2207023, 2207026, 2207028, 2207035,
    2207036, 2207037, 2207040, 2207050, 2207051, 2207052, 2207057, 2207073,
];

/// Graph codes for which a retry never helps (§4.2): bad params, auth, permissions, policy
/// blocks, duplicates, unreachable users, bad media.
fn is_permanent_code(code: i64) -> bool {
    matches!(
        code,
        3 | 10
            | 25
            | 100
            | 102
            | 190
            | 200..=299
            | 352
            | 368
            | 463
            | 467
            | 506
            | 551
            | 803
            | 2500
            | 9004
            | 36000..=36004
    )
}

/// Graph throttle codes: app (4), user (17), page (32), application (341), custom/hourly (613),
/// business-use-case 80000–80014 (80001 pages, 80002 Instagram, 80006 Messenger, the rest are
/// Meta's other BUC types), and the publishing quota 9/2207042.
fn is_throttle_code(code: i64, subcode: Option<i64>) -> bool {
    match code {
        4 | 17 | 32 | 341 | 613 | 80000..=80014 => true,
        9 => subcode == Some(2207042),
        _ => false,
    }
}

/// Map Graph's code/subcode (not the HTTP status: throttles arrive as HTTP 400 and 403) to a kind.
pub fn classify(
    http_status: u16,
    code: Option<i64>,
    subcode: Option<i64>,
    is_transient: bool,
) -> ErrorKind {
    let sub_in = |set: &[i64]| subcode.is_some_and(|s| set.contains(&s));
    if let Some(code) = code {
        let by_code = match code {
            190 | 102 | 463 | 467 => Some(ErrorKind::Auth),
            // Spam restriction: a policy decision under the app-throttle code.
            4 if subcode == Some(2207051) => Some(ErrorKind::Permission),
            // Messaging window closed (secondary sources and Meta's 2026 changelog).
            _ if sub_in(WINDOW_SUBCODES) => Some(ErrorKind::OutsideWindow),
            551 => Some(ErrorKind::RecipientUnavailable),
            _ if is_throttle_code(code, subcode) => Some(ErrorKind::RateLimited),
            100 if subcode == Some(33) => Some(ErrorKind::NotFound),
            803 => Some(ErrorKind::NotFound),
            // Business discovery: "Cannot find User" (no such business/creator account).
            110 if subcode == Some(2207013) => Some(ErrorKind::NotFound),
            24 if subcode == Some(2207006) => Some(ErrorKind::NotFound),
            1 | 2 if sub_in(PERMANENT_SUBCODES) => Some(ErrorKind::InvalidParams),
            1 | 2 => Some(ErrorKind::Transient),
            -2 | -1 | 9007 | 24 if sub_in(TRANSIENT_SUBCODES) => Some(ErrorKind::Transient),
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

/// Map a Graph answer to its retry class, by code and subcode first (rules in order):
///
/// 1. a "fix the request/media" publishing subcode (incl. 4/2207051, 1/2207057) → permanent;
/// 2. a throttle code (4, 17, 32, 341, 613, 80000–80014, 9/2207042) → throttle;
/// 3. Meta's `is_transient: true` → transient;
/// 4. 100/33 → ambiguous;
/// 5. codes 1, 2 and the transient publishing subcodes → transient;
/// 6. a known permanent code (10, 100, 190, 102, 200–299, 368, 506, ...) → permanent;
/// 7. otherwise (no code or an unknown one) by status: 429 → throttle, 5xx → transient,
///    anything else → permanent.
pub fn classify_retry(
    http_status: u16,
    code: Option<i64>,
    subcode: Option<i64>,
    is_transient: bool,
) -> RetryClass {
    let sub_in = |set: &[i64]| subcode.is_some_and(|s| set.contains(&s));
    if let Some(code) = code {
        if sub_in(PERMANENT_SUBCODES) {
            return RetryClass::Permanent;
        }
        if is_throttle_code(code, subcode) {
            return RetryClass::Throttle;
        }
        if is_transient {
            return RetryClass::Transient;
        }
        if code == 100 && subcode == Some(33) {
            return RetryClass::Ambiguous;
        }
        if matches!(code, 1 | 2) || sub_in(TRANSIENT_SUBCODES) {
            return RetryClass::Transient;
        }
        if is_permanent_code(code) {
            return RetryClass::Permanent;
        }
    } else if is_transient {
        return RetryClass::Transient;
    }
    match http_status {
        429 => RetryClass::Throttle,
        500..=599 => RetryClass::Transient,
        _ => RetryClass::Permanent,
    }
}

/// `text` with every literal or URL-encoded occurrence of any secret replaced, or `None` when
/// there was none.
fn redact_all(text: &str, secrets: &[&str]) -> Option<String> {
    let mut current: Option<String> = None;
    for secret in secrets {
        let src = current.as_deref().unwrap_or(text);
        if let Some(clean) = redact_one(src, secret.as_bytes()) {
            current = Some(clean);
        }
    }
    current
}

fn redact_one(text: &str, secret: &[u8]) -> Option<String> {
    let bytes = text.as_bytes();
    let first = *secret.first()?;
    let mut out: Vec<u8> = Vec::new();
    let mut copied = 0;
    let mut i = 0;
    let mut found = false;
    while i < bytes.len() {
        let b = bytes[i];
        let may_start = b == first || b == b'%' || b == b'+' || b == b' ';
        if may_start {
            if let Some(len) = encoded_match(&bytes[i..], secret) {
                out.extend_from_slice(&bytes[copied..i]);
                out.extend_from_slice(b"[redacted]");
                i += len;
                copied = i;
                found = true;
                continue;
            }
        }
        i += 1;
    }
    if !found {
        return None;
    }
    out.extend_from_slice(&bytes[copied..]);
    // Matches start and end on ASCII or on whole secret chars, so this is UTF-8; stay total.
    Some(
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// Length of the occurrence of `secret` at the start of `text`, each secret byte appearing
/// literally, as `%XX` (any case), as `%25XX`, or as `+`/space for space/`+`.
fn encoded_match(text: &[u8], secret: &[u8]) -> Option<usize> {
    let mut i = 0;
    for &want in secret {
        let got = *text.get(i)?;
        if got == b'%' {
            let once = hex_at(text, i + 1);
            if once == Some(want) {
                i += 3;
            } else if once == Some(b'%') && hex_at(text, i + 3) == Some(want) {
                i += 5;
            } else if want == b'%' {
                i += 1;
            } else {
                return None;
            }
        } else if got == want || (want == b' ' && got == b'+') || (want == b'+' && got == b' ') {
            i += 1;
        } else {
            return None;
        }
    }
    Some(i)
}

/// The byte encoded by two hex digits at `text[at..at + 2]`.
fn hex_at(text: &[u8], at: usize) -> Option<u8> {
    let pair = text.get(at..at.checked_add(2)?)?;
    let digit = |c: u8| (c as char).to_digit(16);
    let hi = digit(pair[0])?;
    let lo = digit(pair[1])?;
    u8::try_from(hi * 16 + lo).ok()
}

/// Scrub every string and object key inside `v`.
fn scrub_json(v: &mut Value, secrets: &[&str]) {
    match v {
        Value::String(s) => {
            if let Some(clean) = redact_all(s, secrets) {
                *s = clean;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| scrub_json(x, secrets)),
        Value::Object(m) => {
            let dirty: Vec<String> = m
                .keys()
                .filter(|k| redact_all(k, secrets).is_some())
                .cloned()
                .collect();
            for k in dirty {
                if let Some(val) = m.remove(&k) {
                    let clean = redact_all(&k, secrets).unwrap_or(k);
                    m.insert(clean, val);
                }
            }
            m.values_mut().for_each(|x| scrub_json(x, secrets));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers::GraphHeaders;

    fn graph(status: u16, code: Option<i64>, sub: Option<i64>, transient: bool) -> Error {
        let mut env = serde_json::Map::new();
        env.insert("message".into(), json!("m"));
        if let Some(c) = code {
            env.insert("code".into(), json!(c));
        }
        if let Some(s) = sub {
            env.insert("error_subcode".into(), json!(s));
        }
        if transient {
            env.insert("is_transient".into(), json!(true));
        }
        Error::from_graph(status, Some(&json!({ "error": env })))
    }

    #[test]
    fn table_of_codes_subcodes_and_statuses() {
        use ErrorKind as K;
        use RetryClass as C;
        type Row = (u16, Option<i64>, Option<i64>, bool, K, C);
        #[rustfmt::skip]
        let table: &[Row] = &[
            // Throttles, by code whatever the status.
            (400, Some(4), None, false, K::RateLimited, C::Throttle),
            (403, Some(4), None, false, K::RateLimited, C::Throttle),
            (500, Some(4), None, false, K::RateLimited, C::Throttle),
            (400, Some(17), Some(2446079), false, K::RateLimited, C::Throttle),
            (400, Some(32), None, false, K::RateLimited, C::Throttle),
            (400, Some(341), None, false, K::RateLimited, C::Throttle),
            (400, Some(613), Some(1996), false, K::RateLimited, C::Throttle),
            (400, Some(80001), None, false, K::RateLimited, C::Throttle),
            (400, Some(80002), None, false, K::RateLimited, C::Throttle),
            (400, Some(80006), None, false, K::RateLimited, C::Throttle),
            (400, Some(9), Some(2207042), false, K::RateLimited, C::Throttle),
            (429, None, None, false, K::RateLimited, C::Throttle),
            (429, Some(987654), None, false, K::RateLimited, C::Throttle),
            // Spam restriction under the throttle code: permanent.
            (400, Some(4), Some(2207051), false, K::Permission, C::Permanent),
            (400, Some(4), Some(2207051), true, K::Permission, C::Permanent),
            // Transient.
            (400, Some(1), None, false, K::Transient, C::Transient),
            (500, Some(2), None, true, K::Transient, C::Transient),
            (400, Some(-1), Some(2207001), false, K::Transient, C::Transient),
            (400, Some(-2), Some(2207003), false, K::Transient, C::Transient),
            (400, Some(24), Some(2207008), false, K::Transient, C::Transient),
            (400, Some(9007), Some(2207027), false, K::Transient, C::Transient),
            (400, Some(-1), Some(2207032), false, K::Transient, C::Transient),
            (400, Some(-1), Some(2207053), false, K::Transient, C::Transient),
            (400, Some(12345), None, true, K::Transient, C::Transient),
            (500, None, None, false, K::Transient, C::Transient),
            (503, Some(12345), None, false, K::Transient, C::Transient),
            (400, None, None, true, K::Transient, C::Transient),
            // Fix-the-request publishing rows: permanent even under code 1.
            (400, Some(1), Some(2207057), false, K::InvalidParams, C::Permanent),
            (500, Some(1), Some(2207057), true, K::InvalidParams, C::Permanent),
            (400, Some(36000), Some(2207004), false, K::InvalidParams, C::Permanent),
            (400, Some(352), Some(2207026), false, K::InvalidParams, C::Permanent),
            (400, Some(100), Some(2207028), false, K::InvalidParams, C::Permanent),
            (400, Some(9004), Some(2207052), false, K::InvalidParams, C::Permanent),
            (400, Some(24), Some(2207006), false, K::NotFound, C::Permanent),
            (400, Some(-2), Some(2207020), false, K::Api, C::Permanent),
            // Ambiguous.
            (400, Some(100), Some(33), false, K::NotFound, C::Ambiguous),
            // Permanent.
            (400, Some(10), None, false, K::Permission, C::Permanent),
            (403, Some(10), Some(2534022), false, K::OutsideWindow, C::Permanent),
            (400, Some(10), Some(2018278), false, K::OutsideWindow, C::Permanent),
            (400, Some(10), Some(1893063), false, K::OutsideWindow, C::Permanent),
            (400, Some(551), Some(1545041), false, K::RecipientUnavailable, C::Permanent),
            (400, Some(551), None, false, K::RecipientUnavailable, C::Permanent),
            (400, Some(10), Some(2018300), false, K::Permission, C::Permanent),
            (500, Some(10), None, false, K::Permission, C::Permanent),
            (400, Some(100), None, false, K::InvalidParams, C::Permanent),
            (500, Some(100), Some(2108006), false, K::InvalidParams, C::Permanent),
            (400, Some(190), Some(463), false, K::Auth, C::Permanent),
            (401, Some(190), Some(460), false, K::Auth, C::Permanent),
            (400, Some(102), None, false, K::Auth, C::Permanent),
            (400, Some(200), None, false, K::Permission, C::Permanent),
            (403, Some(299), None, false, K::Permission, C::Permanent),
            (400, Some(368), None, false, K::Permission, C::Permanent),
            (400, Some(506), None, false, K::Conflict, C::Permanent),
            (400, Some(12345), None, false, K::Api, C::Permanent),
            (403, None, None, false, K::Permission, C::Permanent),
            (404, None, None, false, K::NotFound, C::Permanent),
            (400, None, None, false, K::Api, C::Permanent),
        ];
        for &(status, code, sub, transient, kind, class) in table {
            let e = graph(status, code, sub, transient);
            assert_eq!(
                (e.kind, e.retry_class),
                (kind, class),
                "HTTP {status} code {code:?} subcode {sub:?} is_transient {transient}"
            );
            assert_eq!(classify(status, code, sub, transient), kind);
            assert_eq!(classify_retry(status, code, sub, transient), class);
            let want_delivery = if class == C::Throttle {
                Delivery::Refused
            } else {
                Delivery::Unknown
            };
            assert_eq!(e.delivery, want_delivery, "{status} {code:?} {sub:?}");
        }
    }

    #[test]
    fn messaging_refusals_say_what_to_do() {
        let body = br#"{"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278,"fbtrace_id":"T"}}"#;
        let e = Error::from_response(400, body, &GraphHeaders::default(), SystemTime::now());
        assert_eq!(e.kind, ErrorKind::OutsideWindow);
        assert_eq!(e.kind.as_str(), "outside_window");
        assert!(
            e.message.starts_with("(#10) This message is sent outside"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("24 hours") && e.message.contains("7 days"),
            "{}",
            e.message
        );
        assert!(e.message.contains("human_agent=true"), "{}", e.message);
        // Told which window: replaced, not appended twice.
        let t = 1_767_225_600; // 2026-01-01T00:00:00Z
        let std = e.clone().explain_window(false, Some(t));
        assert_eq!(
            std.message.matches("outside the messaging window").count(),
            1
        );
        assert!(
            std.message
                .contains("24-hour standard window closed at 2026-01-02T00:00:00Z"),
            "{}",
            std.message
        );
        assert!(
            std.message.contains("until 2026-01-08T00:00:00Z"),
            "{}",
            std.message
        );
        let human = e.clone().explain_window(true, Some(t));
        assert!(
            human
                .message
                .contains("HUMAN_AGENT 7-day window closed at 2026-01-08T00:00:00Z"),
            "{}",
            human.message
        );
        assert!(e
            .clone()
            .explain_window(true, None)
            .message
            .contains("HUMAN_AGENT 7-day window"));
        // Other kinds are left alone.
        let other = Error::invalid_params("x").explain_window(true, None);
        assert_eq!(other.message, "x");

        let e = Error::from_graph(
            400,
            Some(
                &json!({"error": {"message": "This person isn't available right now.", "code": 551, "error_subcode": 1545041}}),
            ),
        );
        assert_eq!(
            (e.kind, e.retry_class),
            (ErrorKind::RecipientUnavailable, RetryClass::Permanent)
        );
        assert!(
            e.message.contains("retrying will not help"),
            "{}",
            e.message
        );
        assert_eq!(e.kind.as_str(), "recipient_unavailable");

        for code in [json!(100), json!(230), Value::Null] {
            let e = Error::from_graph(
                400,
                Some(
                    &json!({"error": {"message": "User consent is required to access the user profile", "code": code}}),
                ),
            );
            assert_eq!(e.kind, ErrorKind::Permission, "{code}");
            assert!(
                e.message.contains("only after they have messaged"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn code_4_as_http_403_is_a_throttle_with_retry_after() {
        let body = br#"{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4,"fbtrace_id":"X"}}"#;
        let h = GraphHeaders::from_pairs([("Retry-After", &b"12"[..])]);
        let e = Error::from_response(403, body, &h, SystemTime::now());
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert_eq!(e.retry_class, RetryClass::Throttle);
        assert_eq!(e.delivery, Delivery::Refused);
        assert_eq!(e.retry_after, Some(Duration::from_secs(12)));
        assert!(!e.is_transient);
    }

    #[test]
    fn retry_after_is_the_larger_of_retry_after_and_regain_time() {
        let body = br#"{"error":{"message":"too many calls","code":80002}}"#;
        let buc = br#"{"1784":[{"type":"instagram","call_count":100,"estimated_time_to_regain_access":3}]}"#;
        let h = GraphHeaders::from_pairs([
            ("retry-after", &b"60"[..]),
            ("x-business-use-case-usage", &buc[..]),
        ]);
        let e = Error::from_response(400, body, &h, SystemTime::now());
        assert_eq!(e.retry_after, Some(Duration::from_secs(180)));
        // The regain time is a throttle hint: a permanent error does not borrow it.
        let e = Error::from_response(
            400,
            br#"{"error":{"message":"bad","code":100}}"#,
            &h,
            SystemTime::now(),
        );
        assert_eq!(e.retry_after, Some(Duration::from_secs(60)));
    }

    #[test]
    fn is_transient_is_exactly_what_meta_sent() {
        let cases = [
            (json!({"error": {"code": 2, "is_transient": true}}), true),
            (json!({"error": {"code": 2, "is_transient": false}}), false),
            (json!({"error": {"code": 2}}), false),
            (json!({"error": {"code": 2, "is_transient": "true"}}), false),
            (json!({"error": {"code": 4, "is_transient": true}}), true),
            (
                json!({"error": {"code": 9007, "error_subcode": 2207027, "is_transient": false}}),
                false,
            ),
        ];
        for (body, want) in cases {
            let e = Error::from_graph(400, Some(&body));
            assert_eq!(e.is_transient, want, "{body}");
            assert_eq!(e.graph_says_transient(), want);
            assert_eq!(e.to_json()["is_transient"], want);
        }
        // Our own decision is separate: a 503 without envelope is retryable, Meta said nothing.
        let e = Error::from_graph(503, None);
        assert!(!e.is_transient && e.is_retryable());
        assert_eq!(e.to_json()["retryable"], true);
        let e = Error::transport_failure("reset", TransportFailure::Reset);
        assert!(!e.is_transient && e.is_retryable());
    }

    #[test]
    fn transport_failures_say_what_is_known_about_delivery() {
        use TransportFailure as F;
        let cases = [
            (F::Connect, RetryClass::Transient, Delivery::NotSent),
            (F::Timeout, RetryClass::Transient, Delivery::Unknown),
            (F::Reset, RetryClass::Transient, Delivery::Unknown),
            (F::Body, RetryClass::Transient, Delivery::Unknown),
            (F::Other, RetryClass::Permanent, Delivery::Unknown),
        ];
        for (f, class, delivery) in cases {
            let e = Error::transport_failure("x", f);
            assert_eq!(
                (e.kind, e.retry_class, e.delivery),
                (ErrorKind::Transport, class, delivery),
                "{f:?}"
            );
        }
        let old = Error::transport("x", true);
        assert_eq!(
            (old.retry_class, old.delivery),
            (RetryClass::Transient, Delivery::Unknown)
        );
        assert_eq!(
            Error::transport("x", false).retry_class,
            RetryClass::Permanent
        );
        let u = Error::unexpected_response(200, "data is not a list");
        assert_eq!(
            (u.kind.as_str(), u.retry_class),
            ("unexpected_response", RetryClass::Permanent)
        );
        let p = Error::paced(Duration::from_secs(9));
        assert_eq!(
            (p.kind, p.delivery, p.retry_after),
            (
                ErrorKind::RateLimited,
                Delivery::NotSent,
                Some(Duration::from_secs(9))
            )
        );
    }

    #[test]
    fn hostile_envelopes_still_become_errors() {
        let cases = [
            json!({"error": {"code": "4"}}),
            json!({"error": {"code": 4.0}}),
            json!({"error": {"code": 4.5}}),
            json!({"error": {"code": 1e300}}),
            json!({"error": {"code": 18446744073709551615u64}}),
            json!({"error": {"code": [4], "error_subcode": {"x": 1}, "message": 5}}),
            json!({"error": "something broke"}),
            json!({"error": null}),
            json!({"error": {"error_data": {"deep": [[[[{"a": "b"}]]]]}}}),
            json!([1, 2, 3]),
            json!("plain string"),
            json!(null),
        ];
        for body in cases {
            let e = Error::from_graph(400, Some(&body));
            assert!(!e.message.is_empty(), "{body}");
        }
        assert_eq!(
            Error::from_graph(400, Some(&json!({"error": {"code": "4"}}))).code,
            Some(4)
        );
        assert_eq!(
            Error::from_graph(400, Some(&json!({"error": {"code": 4.0}}))).code,
            Some(4)
        );
        assert_eq!(
            Error::from_graph(400, Some(&json!({"error": {"code": 4.5}}))).code,
            None
        );
        assert_eq!(
            Error::from_graph(400, Some(&json!({"error": {"code": 1e300}}))).code,
            None
        );
        // An empty message from Meta still gives a readable error.
        for empty in [
            json!({"error": {"message": "", "code": 1}}),
            json!({"error": " "}),
            json!({"error_message": ""}),
        ] {
            let e = Error::from_graph(400, Some(&empty));
            assert!(
                e.message.starts_with("Graph API"),
                "{empty}: {:?}",
                e.message
            );
        }
        let s = Error::from_graph(400, Some(&json!({"error": "something broke"})));
        assert!(s.message.contains("something broke"));
        let big = "x".repeat(100_000);
        let e = Error::from_graph(400, Some(&json!({"error": {"message": big}})));
        assert!(e.message.len() < 9000);
        // Bodies that are not UTF-8 still yield the envelope.
        let raw = b"{\"error\":{\"message\":\"bad \xff byte\",\"code\":190}}";
        let e = Error::from_response(400, raw, &GraphHeaders::default(), SystemTime::now());
        assert_eq!((e.kind, e.code), (ErrorKind::Auth, Some(190)));
        let e = Error::from_response(
            502,
            b"<html>Bad gateway",
            &GraphHeaders::default(),
            SystemTime::now(),
        );
        assert_eq!(e.retry_class, RetryClass::Transient);
    }

    #[test]
    fn scrub_removes_secrets_everywhere() {
        let body = json!({"error": {"message": "bad token EAAB1234", "code": 190,
            "error_data": {"u": "x?access_token=EAAB1234"}}});
        let e = Error::from_graph(400, Some(&body)).scrub(&["EAAB1234"]);
        assert!(!format!("{e} {e:?} {}", e.to_json()).contains("EAAB1234"));
    }

    #[test]
    fn scrub_catches_url_encoded_secrets() {
        let token = "EAAB|ZCkq+9x/=t";
        let variants = [
            "EAAB%7CZCkq%2B9x%2F%3Dt",
            "EAAB%7cZCkq%2b9x%2f%3dt",
            "EAAB%257CZCkq%252B9x%252F%253Dt",
            "EAAB%7CZCkq 9x/=t",
            "EAAB|ZCkq%2B9x/%3Dt",
        ];
        for v in variants {
            let body = json!({"error": {"message": format!("url https://x/?access_token={v}&a=1"), "code": 190}});
            let e = Error::from_graph(400, Some(&body)).scrub(&[token]);
            assert!(
                e.message.contains("access_token=[redacted]&a=1"),
                "{v}: {}",
                e.message
            );
        }
        // `+` standing for a space (form encoding) is caught too.
        let e = Error::new(ErrorKind::Api, "k=my+app+secret!").scrub(&["my app secret!"]);
        assert_eq!(e.message, "k=[redacted]");
    }

    #[test]
    fn scrub_covers_fbtrace_id_error_type_and_all_of_error_data() {
        let s = "TOKEN-abc123";
        let body = json!({"error": {"message": "m", "code": 1, "type": format!("T{s}"),
            "fbtrace_id": format!("A{s}B"), "error_user_title": s, "error_user_msg": s,
            "error_data": {"list": [s, {"k": format!("v={s}")}], s: 1, "n": 5}}});
        let e = Error::from_graph(400, Some(&body)).scrub(&[s]);
        let all = format!("{e} {e:?} {}", e.to_json());
        assert!(!all.contains(s), "{all}");
        assert_eq!(e.fbtrace_id.as_deref(), Some("A[redacted]B"));
        assert_eq!(e.error_data.as_ref().unwrap()["n"], 5);
    }

    #[test]
    fn scrub_ignores_short_secrets_and_keeps_utf8() {
        let e = Error::new(ErrorKind::Api, "abc abcdefg").scrub(&["abc", "abcdefg", ""]);
        assert_eq!(e.message, "abc abcdefg");
        let e = Error::new(ErrorKind::Api, "é%C3%A9 sécrèt-ünïcode é").scrub(&["sécrèt-ünïcode"]);
        assert_eq!(e.message, "é%C3%A9 [redacted] é");
        let e = Error::new(ErrorKind::Api, "s%C3%A9cr%C3%A8t-%C3%BCn%C3%AFcode")
            .scrub(&["sécrèt-ünïcode"]);
        assert_eq!(e.message, "[redacted]");
    }
}
