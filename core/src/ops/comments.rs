//! IG Comments on media: reading, replying, moderating, and the private reply (a DM to the
//! commenter).

use super::params::{fields, object_id, Paging, ParamError};
use super::target::messaging_target;
use super::{Flow, OpContext, Operation, PageSize};
use crate::error::{Error, ErrorKind, Result};
use crate::flow::Executor;
use crate::request::{GraphRequest, Method};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Default fields of `comments.list`.
pub const DEFAULT_COMMENT_FIELDS: &str =
    "id,text,timestamp,username,like_count,hidden,replies{id,text,timestamp,username,like_count}";

/// Default fields of one comment or reply (`comments.get`, `comments.replies`).
pub const DEFAULT_ONE_COMMENT_FIELDS: &str =
    "id,text,timestamp,username,like_count,hidden,parent_id";

/// Fields of the replies nested by `comments.list` with `include_replies`.
pub const REPLY_FIELDS: &str = "id,text,timestamp,username,like_count,hidden,parent_id";

/// Fields Graph documents on an IG Comment (graph-api.md §1.5).
pub const COMMENT_FIELDS: &[&str] = &[
    "id",
    "text",
    "timestamp",
    "username",
    "from",
    "like_count",
    "hidden",
    "media",
    "parent_id",
    "replies",
    "user",
    "legacy_instagram_comment_id",
];

/// Comment and reply text limit of Instagram, in characters.
pub const MAX_COMMENT_CHARS: usize = 2200;

/// Private reply text limit (a DM), in bytes of UTF-8.
pub const MAX_PRIVATE_REPLY_BYTES: usize = 1000;

fn default_comment_fields() -> String {
    DEFAULT_COMMENT_FIELDS.to_owned()
}

fn default_one_comment_fields() -> String {
    DEFAULT_ONE_COMMENT_FIELDS.to_owned()
}

/// Comment or reply text: non-empty, at most 2,200 characters.
fn comment_text(path: &str, v: &str) -> std::result::Result<String, ParamError> {
    if v.trim().is_empty() {
        return Err(ParamError::new(path, "must not be empty"));
    }
    let n = v.chars().count();
    if n > MAX_COMMENT_CHARS {
        return Err(ParamError::new(
            path,
            format!("is {n} characters long; Instagram allows at most {MAX_COMMENT_CHARS}"),
        ));
    }
    Ok(v.to_owned())
}

/// List the top-level comments on a media, newest first, in cursor pages. Replies come
/// nested under `replies` when `include_replies` is set (or when selected in `fields`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct List {
    /// IG media id whose comments to list.
    pub media_id: String,
    /// Fields of each comment, comma-separated in Graph syntax (`username` and `from` need comment-management permission).
    #[serde(default = "default_comment_fields")]
    pub fields: String,
    /// Also return each comment's replies, nested under `replies` (adds `replies{id,text,timestamp,username,like_count,hidden,parent_id}` to `fields` unless they already select `replies`).
    #[serde(default)]
    pub include_replies: bool,
    /// Page size and cursors.
    #[serde(flatten)]
    pub paging: Paging,
}

/// Whether a `fields` selection already names the `replies` edge at the top level.
fn selects_replies(sel: &str) -> bool {
    let mut depth = 0i32;
    let mut start = 0usize;
    for (i, c) in sel.char_indices().chain([(sel.len(), ',')]) {
        match c {
            '{' | '(' => depth += 1,
            '}' | ')' => depth -= 1,
            ',' if depth == 0 => {
                let name = sel[start..i]
                    .split(['{', '.', '('])
                    .next()
                    .unwrap_or_default();
                if name == "replies" {
                    return true;
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    false
}

impl Operation for List {
    const ID: &'static str = "comments.list";
    const SUMMARY: &'static str = "List comments on a media";
    const HTTP: &'static str = "GET /{media_id}/comments";
    const PAGINATED: bool = true;
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 25,
        max: 50,
    });
    const LIMITS: &'static [&'static str] = &[
        "limit ≤ 50 per page",
        "top-level comments only; replies nested with include_replies or via comments.replies",
        "no time filter",
    ];
    const KNOWN_FIELDS: &'static [&'static str] = COMMENT_FIELDS;

    fn build(&self, _ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("media_id", &self.media_id)?;
        let mut sel = fields("fields", &self.fields)?;
        if self.include_replies && !selects_replies(&sel) {
            sel = format!("{sel},replies{{{REPLY_FIELDS}}}");
        }
        let req = GraphRequest::get([id, "comments".to_owned()]).query("fields", sel);
        self.paging.apply::<Self>(req)
    }
}

/// Read one comment or reply.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Get {
    /// IG comment id.
    pub comment_id: String,
    /// Fields to return, comma-separated in Graph syntax (`username` and `from` need comment-management permission).
    #[serde(default = "default_one_comment_fields")]
    pub fields: String,
}

impl Operation for Get {
    const ID: &'static str = "comments.get";
    const SUMMARY: &'static str = "Get one comment";
    const HTTP: &'static str = "GET /{comment_id}";
    const KNOWN_FIELDS: &'static [&'static str] = COMMENT_FIELDS;

    fn build(&self, _ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("comment_id", &self.comment_id)?;
        Ok(GraphRequest::get([id]).query("fields", fields("fields", &self.fields)?))
    }
}

/// List the replies to a top-level comment, in cursor pages.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
// Unknown keys are refused against the schema (flattened `Paging` rules out deny_unknown_fields).
pub struct Replies {
    /// IG comment id (a top-level comment; replies have no replies).
    pub comment_id: String,
    /// Fields of each reply, comma-separated in Graph syntax.
    #[serde(default = "default_one_comment_fields")]
    pub fields: String,
    /// Page size and cursors.
    #[serde(flatten)]
    pub paging: Paging,
}

impl Operation for Replies {
    const ID: &'static str = "comments.replies";
    const SUMMARY: &'static str = "List replies to a comment";
    const HTTP: &'static str = "GET /{comment_id}/replies";
    const PAGINATED: bool = true;
    const PAGE_SIZE: Option<PageSize> = Some(PageSize {
        default: 25,
        max: 50,
    });
    const LIMITS: &'static [&'static str] = &["limit ≤ 50 per page"];
    const KNOWN_FIELDS: &'static [&'static str] = COMMENT_FIELDS;

    fn build(&self, _ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("comment_id", &self.comment_id)?;
        let req = GraphRequest::get([id, "replies".to_owned()])
            .query("fields", fields("fields", &self.fields)?);
        self.paging.apply::<Self>(req)
    }
}

/// Comment on a media as the account. Returns the new comment's `{id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Create {
    /// IG media id to comment on.
    pub media_id: String,
    /// Comment text (1–2,200 characters).
    #[schemars(length(min = 1, max = 2200))]
    pub message: String,
}

impl Operation for Create {
    const ID: &'static str = "comments.create";
    const SUMMARY: &'static str = "Comment on a media";
    const HTTP: &'static str = "POST /{media_id}/comments";
    const METHOD: Method = Method::Post;
    // A repeated call posts a second comment.
    const IDEMPOTENT: Option<bool> = Some(false);
    const LIMITS: &'static [&'static str] = &[
        "text ≤ 2,200 characters",
        "fails when comments are turned off on the media",
        "needs instagram_manage_comments (Facebook Login) or instagram_business_manage_comments",
    ];

    fn build(&self, _ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("media_id", &self.media_id)?;
        let text = comment_text("message", &self.message)?;
        Ok(GraphRequest::post([id, "comments".to_owned()]).form("message", text))
    }
}

/// Reply to a top-level comment as the account. Returns the reply's `{id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// IG comment id of a top-level comment (replies cannot be replied to).
    pub comment_id: String,
    /// Reply text (1–2,200 characters).
    #[schemars(length(min = 1, max = 2200))]
    pub message: String,
}

impl Operation for Reply {
    const ID: &'static str = "comments.reply";
    const SUMMARY: &'static str = "Reply to a comment";
    const HTTP: &'static str = "POST /{comment_id}/replies";
    const METHOD: Method = Method::Post;
    // A repeated call posts a second reply.
    const IDEMPOTENT: Option<bool> = Some(false);
    const LIMITS: &'static [&'static str] = &[
        "text ≤ 2,200 characters",
        "only top-level comments take replies",
    ];

    fn build(&self, _ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("comment_id", &self.comment_id)?;
        let text = comment_text("message", &self.message)?;
        Ok(GraphRequest::post([id, "replies".to_owned()]).form("message", text))
    }
}

/// Hide a comment from the public (or show it again). Returns `{"success": true}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hide {
    /// IG comment id on one of the account's media.
    pub comment_id: String,
    /// `true` to hide, `false` to show it again.
    pub hide: bool,
}

impl Operation for Hide {
    const ID: &'static str = "comments.hide";
    const SUMMARY: &'static str = "Hide or unhide a comment";
    const HTTP: &'static str = "POST /{comment_id}?hide=true|false";
    const METHOD: Method = Method::Post;
    // Setting the same state twice leaves the comment as the first call did.
    const IDEMPOTENT: Option<bool> = Some(true);
    const LIMITS: &'static [&'static str] = &["comments by the media's owner cannot be hidden"];

    fn build(&self, _ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("comment_id", &self.comment_id)?;
        Ok(GraphRequest::post([id]).form("hide", self.hide))
    }
}

/// Delete a comment on one of the account's media, or one of the account's own comments.
/// Returns `{"success": true}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delete {
    /// IG comment id.
    pub comment_id: String,
}

impl Operation for Delete {
    const ID: &'static str = "comments.delete";
    const SUMMARY: &'static str = "Delete a comment";
    const HTTP: &'static str = "DELETE /{comment_id}";
    const METHOD: Method = Method::Delete;
    // A repeated delete finds nothing left to delete; it cannot remove anything else.
    const IDEMPOTENT: Option<bool> = Some(true);
    const LIMITS: &'static [&'static str] =
        &["comments on the account's media, or the account's own comments"];

    fn build(&self, _ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let id = object_id("comment_id", &self.comment_id)?;
        Ok(GraphRequest::delete([id]))
    }
}

/// Send a private reply: a DM to the person who wrote a comment, answering that comment.
/// Meta allows one per comment, within 7 days of it (Live comments: only while the broadcast
/// is live); it does not open the 24-hour messaging window. Instagram Login sends as the
/// account (`/me/messages`); Facebook Login sends as the Page with the Page's token, like the
/// `messages.*` operations. Returns `{recipient_id, message_id}`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivateReply {
    /// IG comment id to answer privately.
    pub comment_id: String,
    /// Message text (UTF-8, at most 1,000 bytes).
    #[schemars(length(min = 1, max = 1000))]
    pub text: String,
    /// Facebook Login: the Page that sends (with its Page token); may be left out when the token manages exactly one Page with a linked Instagram account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-login" = "facebook"))]
    pub page_id: Option<String>,
}

impl PrivateReply {
    /// The request, before any I/O: `/{node}/messages` with the sender's credential.
    fn request(&self, ctx: &OpContext) -> std::result::Result<GraphRequest, ParamError> {
        let comment = object_id("comment_id", &self.comment_id)?;
        if self.text.trim().is_empty() {
            return Err(ParamError::new("text", "must not be empty"));
        }
        let n = self.text.len();
        if n > MAX_PRIVATE_REPLY_BYTES {
            return Err(ParamError::new(
                "text",
                format!(
                    "is {n} bytes of UTF-8; a message allows at most {MAX_PRIVATE_REPLY_BYTES}"
                ),
            ));
        }
        let (node, credential) = messaging_target(ctx, self.page_id.as_deref())?;
        let body = json!({"recipient": {"comment_id": comment}, "message": {"text": self.text}});
        Ok(GraphRequest::post([node, "messages".to_owned()])
            .with_credential(credential)
            .json(body))
    }
}

/// What the messaging layer appends to an `outside_window` error (the 24-hour rule, which is
/// not the rule of private replies).
const WINDOW_EXPLANATION: &str = " — outside the messaging window: ";

/// Graph's refusals of a private reply, with the rule behind them.
fn explain_refusal(mut e: Error, comment: &str) -> Error {
    let rule = if e.kind == ErrorKind::OutsideWindow {
        if let Some(i) = e.message.find(WINDOW_EXPLANATION) {
            e.message.truncate(i);
        }
        format!(
            "a private reply must be sent within 7 days of the comment (Live comments: while the broadcast is live); comment {comment} is too old to answer privately"
        )
    } else if matches!(
        e.kind,
        ErrorKind::InvalidParams | ErrorKind::Permission | ErrorKind::Conflict | ErrorKind::Api
    ) {
        format!(
            "Meta allows one private reply per comment, within 7 days of the comment; if comment {comment} was already answered privately, further messages are possible only after the person replies"
        )
    } else {
        return e;
    };
    e.message = format!("{} — private reply refused: {rule}", e.message);
    e
}

impl Flow for PrivateReply {
    const ID: &'static str = "comments.private_reply";
    const SUMMARY: &'static str = "Reply privately to a comment";
    const HTTP: &'static str =
        "POST /me/messages (Instagram Login) or /{page_id}/messages with the Page token (Facebook Login), recipient {comment_id}";
    // A repeated call is a second DM (and Meta refuses it): never repeated on a guess.
    const IDEMPOTENT: bool = false;
    const LIMITS: &'static [&'static str] = &[
        "one private reply per comment, within 7 days of the comment (Live comments: only while live)",
        "text ≤ 1,000 bytes UTF-8",
        "does not open the 24-hour messaging window; more messages only after the person replies",
        "Facebook Login: sent by the Page with its Page token (page_id optional with exactly one linked Page)",
        "rate: 750 calls per hour per account for posts and reels",
    ];

    fn validate(&self, ctx: &OpContext) -> std::result::Result<(), ParamError> {
        self.request(ctx).map(|_| ())
    }

    async fn run(self, ex: Executor) -> Result<Value> {
        let ctx = OpContext { login: ex.login() };
        let req = self.request(&ctx).map_err(|e| e.into_error(Self::ID))?;
        // A flow of one request, so that a refusal can say which private-reply rule it broke.
        ex.send_write(req, false)
            .await
            .map_err(|e| explain_refusal(e, self.comment_id.trim()))
    }
}

/// This module's operations, in catalogue order.
pub(super) fn specs() -> Vec<super::OpSpec> {
    use super::{flow_op, request_op};
    vec![
        request_op::<List>(),
        request_op::<Get>(),
        request_op::<Replies>(),
        request_op::<Create>(),
        request_op::<Reply>(),
        request_op::<Hide>(),
        request_op::<Delete>(),
        flow_op::<PrivateReply>(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Login;
    use crate::ops::{prepare, Prepared};
    use crate::request::Body;

    fn ctx(login: Login) -> OpContext {
        OpContext { login }
    }

    fn req(op: &str, params: Value) -> GraphRequest {
        match prepare(op, params, &ctx(Login::Instagram)).unwrap().1 {
            Prepared::Request(r) => r,
            Prepared::Flow(_) => panic!("{op} is a flow"),
        }
    }

    fn err(op: &str, params: Value) -> String {
        prepare(op, params, &ctx(Login::Instagram))
            .unwrap_err()
            .message
    }

    fn form(r: &GraphRequest) -> Vec<(String, String)> {
        match &r.body {
            Some(Body::Form(f)) => f.clone(),
            other => panic!("form body expected, got {other:?}"),
        }
    }

    #[test]
    fn list_can_nest_replies() {
        let r = req(
            "comments.list",
            json!({"media_id": "179", "fields": "id,text", "include_replies": true}),
        );
        assert_eq!(r.path, vec!["179", "comments"]);
        assert_eq!(
            r.query_value("fields"),
            Some(format!("id,text,replies{{{REPLY_FIELDS}}}").as_str())
        );
        // Already selected: left as the caller wrote it.
        let r = req(
            "comments.list",
            json!({"media_id": "179", "include_replies": true}),
        );
        assert_eq!(r.query_value("fields"), Some(DEFAULT_COMMENT_FIELDS));
        let r = req(
            "comments.list",
            json!({"media_id": "179", "fields": "id,replies.limit(5){id}", "include_replies": true}),
        );
        assert_eq!(r.query_value("fields"), Some("id,replies.limit(5){id}"));
        let r = req("comments.list", json!({"media_id": "179", "fields": "id"}));
        assert_eq!(r.query_value("fields"), Some("id"));
        assert!(err(
            "comments.list",
            json!({"media_id": "179", "include_replies": "yes"})
        )
        .starts_with("comments.list: params.include_replies:"));
        assert!(!selects_replies("id,text{replies}"));
        assert!(selects_replies("replies"));
    }

    #[test]
    fn reads() {
        let r = req("comments.get", json!({"comment_id": "178"}));
        assert_eq!(r.path, vec!["178"]);
        assert_eq!(r.query_value("fields"), Some(DEFAULT_ONE_COMMENT_FIELDS));
        let r = req(
            "comments.replies",
            json!({"comment_id": "178", "limit": 50, "after": "QUZU"}),
        );
        assert_eq!(r.path, vec!["178", "replies"]);
        assert_eq!(r.query_value("limit"), Some("50"));
        assert_eq!(r.query_value("after"), Some("QUZU"));
        assert!(err(
            "comments.replies",
            json!({"comment_id": "178", "limit": 51})
        )
        .contains("params.limit"));
        assert!(err("comments.get", json!({"comment_id": ""}))
            .starts_with("comments.get: params.comment_id: must not be empty"));
        assert!(err("comments.get", json!({"comment_id": "1/../2"})).contains("params.comment_id"));
    }

    #[test]
    fn writes() {
        let r = req(
            "comments.create",
            json!({"media_id": "179", "message": "Nice! 🎉"}),
        );
        assert_eq!(
            (r.method, r.path.clone()),
            (Method::Post, vec!["179".into(), "comments".into()])
        );
        assert_eq!(form(&r), vec![("message".into(), "Nice! 🎉".into())]);
        let r = req(
            "comments.reply",
            json!({"comment_id": "178", "message": "Thanks"}),
        );
        assert_eq!(r.path, vec!["178", "replies"]);
        assert_eq!(form(&r), vec![("message".into(), "Thanks".into())]);
        let r = req("comments.hide", json!({"comment_id": "178", "hide": true}));
        assert_eq!(
            (r.method, r.path.clone()),
            (Method::Post, vec!["178".into()])
        );
        assert_eq!(form(&r), vec![("hide".into(), "true".into())]);
        let r = req("comments.delete", json!({"comment_id": "178"}));
        assert_eq!(
            (r.method, r.path.clone(), r.body.clone()),
            (Method::Delete, vec!["178".into()], None)
        );
    }

    #[test]
    fn text_limits_count_characters() {
        // 2,200 emoji are 8,800 bytes but 2,200 characters: allowed.
        let ok = "🎉".repeat(MAX_COMMENT_CHARS);
        req("comments.create", json!({"media_id": "179", "message": ok}));
        let long = "a".repeat(MAX_COMMENT_CHARS + 1);
        assert!(err(
            "comments.create",
            json!({"media_id": "179", "message": long})
        )
        .starts_with("comments.create: params.message: is 2201 characters long"));
        assert!(err(
            "comments.reply",
            json!({"comment_id": "178", "message": "  "})
        )
        .starts_with("comments.reply: params.message: must not be empty"));
        assert!(err("comments.reply", json!({"comment_id": "178"}))
            .contains("params.message: is required"));
        assert!(
            err("comments.hide", json!({"comment_id": "178"})).contains("params.hide: is required")
        );
    }

    #[test]
    fn private_reply_targets() {
        use crate::request::Credential;
        let op = |v: Value| -> PrivateReply { serde_json::from_value(v).unwrap() };
        let r = op(json!({"comment_id": "178", "text": "hi"}))
            .request(&ctx(Login::Instagram))
            .unwrap();
        assert_eq!(
            (r.method, r.path.clone()),
            (Method::Post, vec!["me".into(), "messages".into()])
        );
        assert_eq!(r.credential, Credential::User);
        assert_eq!(
            r.body,
            Some(Body::Json(
                json!({"recipient": {"comment_id": "178"}, "message": {"text": "hi"}})
            ))
        );
        let r = op(json!({"comment_id": "178", "text": "hi", "page_id": "1001"}))
            .request(&ctx(Login::Facebook))
            .unwrap();
        assert_eq!(r.path, vec!["1001", "messages"]);
        assert_eq!(r.credential, Credential::Page("1001".into()));
        let r = op(json!({"comment_id": "178", "text": "hi"}))
            .request(&ctx(Login::Facebook))
            .unwrap();
        assert_eq!(r.path, vec!["me", "messages"]);
        assert_eq!(r.credential, Credential::LinkedPage);
        let e = prepare(
            "comments.private_reply",
            json!({"comment_id": "178", "text": "hi", "page_id": "1001"}),
            &ctx(Login::Instagram),
        )
        .unwrap_err();
        assert!(
            e.message
                .starts_with("comments.private_reply: params.page_id:"),
            "{}",
            e.message
        );
        // 1,000 bytes: 250 four-byte emoji pass, 251 do not.
        assert!(prepare(
            "comments.private_reply",
            json!({"comment_id": "178", "text": "🎉".repeat(250)}),
            &ctx(Login::Instagram),
        )
        .is_ok());
        let e = prepare(
            "comments.private_reply",
            json!({"comment_id": "178", "text": "🎉".repeat(251)}),
            &ctx(Login::Instagram),
        )
        .unwrap_err();
        assert!(
            e.message
                .starts_with("comments.private_reply: params.text: is 1004 bytes"),
            "{}",
            e.message
        );
        let e = prepare(
            "comments.private_reply",
            json!({"comment_id": "me", "text": "x"}),
            &ctx(Login::Instagram),
        )
        .unwrap_err();
        assert!(e.message.contains("params.comment_id"), "{}", e.message);
    }

    #[test]
    fn refusals_name_the_private_reply_rule() {
        let body = |code: i64, sub: Option<i64>, msg: &str| json!({"error": {"message": msg, "type": "OAuthException", "code": code, "error_subcode": sub}});
        let e = Error::from_graph(
            400,
            Some(&body(10900, None, "(#10900) Activity already replied to")),
        );
        let e = explain_refusal(e, "178");
        assert!(
            e.message.contains("one private reply per comment"),
            "{}",
            e.message
        );
        let e = Error::from_graph(
            400,
            Some(&body(10, Some(2534022), "(#10) outside of allowed window")),
        );
        assert_eq!(e.kind, ErrorKind::OutsideWindow);
        let e = explain_refusal(e, "178");
        assert!(
            e.message.contains("within 7 days of the comment"),
            "{}",
            e.message
        );
        assert!(
            !e.message.contains("24 hours"),
            "not the DM window's rule: {}",
            e.message
        );
        let e = Error::new(ErrorKind::Transport, "connection reset");
        assert_eq!(explain_refusal(e, "178").message, "connection reset");
    }

    #[test]
    fn catalogue_entries() {
        let ops = crate::ops::operations();
        let find = |id: &str| {
            ops.as_array()
                .unwrap()
                .iter()
                .find(|o| o["id"] == id)
                .cloned()
                .unwrap()
        };
        assert_eq!(find("comments.create")["idempotent"], false);
        assert_eq!(find("comments.reply")["idempotent"], false);
        assert_eq!(find("comments.private_reply")["idempotent"], false);
        assert_eq!(find("comments.hide")["idempotent"], true);
        assert_eq!(find("comments.delete")["idempotent"], true);
        assert_eq!(find("comments.replies")["paginated"], true);
        assert_eq!(
            find("comments.private_reply")["params"]["properties"]["page_id"]["x-login"],
            "facebook"
        );
        assert_eq!(
            find("comments.create")["params"]["properties"]["message"]["maxLength"],
            2200
        );
    }
}
