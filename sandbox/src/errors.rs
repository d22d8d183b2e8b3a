//! Graph errors as the sandbox answers them: Meta's envelope, codes and messages.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};

/// One Graph error answer. Rendered as `{"error":{message,type,code,error_subcode?,fbtrace_id}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GraphError {
    pub status: u16,
    pub code: i64,
    pub subcode: Option<i64>,
    pub kind: &'static str,
    pub message: String,
    pub is_transient: Option<bool>,
}

impl GraphError {
    pub(crate) fn new(code: i64, message: impl Into<String>) -> Self {
        GraphError {
            status: 400,
            code,
            subcode: None,
            kind: "OAuthException",
            message: message.into(),
            is_transient: None,
        }
    }

    /// `(#100) ...`: an invalid parameter.
    pub(crate) fn param(message: impl AsRef<str>) -> Self {
        GraphError::new(100, format!("(#100) {}", message.as_ref()))
    }

    pub(crate) fn with_subcode(mut self, subcode: i64) -> Self {
        self.subcode = Some(subcode);
        self
    }

    pub(crate) fn with_type(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }

    pub(crate) fn missing_token() -> Self {
        GraphError::new(
            2500,
            "An active access token must be used to query information about the current user.",
        )
    }

    pub(crate) fn invalid_token() -> Self {
        GraphError::new(
            190,
            "Invalid OAuth access token - Cannot parse access token",
        )
    }

    pub(crate) fn bad_appsecret_proof() -> Self {
        GraphError::new(100, "Invalid appsecret_proof provided in the API argument")
    }

    pub(crate) fn appsecret_proof_required() -> Self {
        GraphError::new(
            100,
            "API calls from the server require an appsecret_proof argument",
        )
    }

    /// 100/33: the object does not exist (or does not support the method).
    pub(crate) fn unsupported(method: &str, id: &str) -> Self {
        GraphError::new(
            100,
            format!(
                "Unsupported {} request. Object with ID '{id}' does not exist, cannot be loaded due to \
                 missing permissions, or does not support this operation. Please read the Graph API \
                 documentation at https://developers.facebook.com/docs/graph-api",
                method.to_ascii_lowercase()
            ),
        )
        .with_subcode(33)
        .with_type("GraphMethodException")
    }

    pub(crate) fn nonexisting_field(field: &str, node_type: &str) -> Self {
        GraphError::param(format!(
            "Tried accessing nonexisting field ({field}) on node type ({node_type})"
        ))
    }

    pub(crate) fn unknown_path(rest: &str) -> Self {
        GraphError::param(format!("Unknown path components: {rest}"))
    }

    pub(crate) fn body(&self, trace: &str) -> Value {
        let mut e = Map::new();
        e.insert("message".into(), json!(self.message));
        e.insert("type".into(), json!(self.kind));
        e.insert("code".into(), json!(self.code));
        if let Some(s) = self.subcode {
            e.insert("error_subcode".into(), json!(s));
        }
        if let Some(t) = self.is_transient {
            e.insert("is_transient".into(), json!(t));
        }
        e.insert("fbtrace_id".into(), json!(trace));
        json!({ "error": e })
    }
}

/// A deterministic stand-in for Meta's `fbtrace_id`, derived from the request number.
pub(crate) fn fbtrace_id(request_no: u64) -> String {
    format!("Sbx{}", URL_SAFE_NO_PAD.encode(format!("{request_no:08}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_has_meta_fields() {
        let b = GraphError::unsupported("GET", "123").body(&fbtrace_id(7));
        let e = &b["error"];
        assert_eq!(e["code"], 100);
        assert_eq!(e["error_subcode"], 33);
        assert!(e["message"]
            .as_str()
            .unwrap()
            .starts_with("Unsupported get request. Object with ID '123'"));
        assert_eq!(e["fbtrace_id"], "SbxMDAwMDAwMDc");
        let b = GraphError::invalid_token().body("x");
        assert!(b["error"].get("error_subcode").is_none());
        assert_eq!(b["error"]["type"], "OAuthException");
    }
}
