//! The subscribable webhook fields (graph-api.md §3.1), from which the n8n trigger's event
//! options and the docs are generated.

use serde_json::{json, Value};

/// One subscribable field.
struct Field {
    field: &'static str,
    display_name: &'static str,
    description: &'static str,
    event_types: &'static [&'static str],
    envelope: &'static str,
    logins: &'static [&'static str],
    /// Permission with Facebook Login, with Instagram Login.
    permissions: (Option<&'static str>, Option<&'static str>),
}

const BOTH: &[&str] = &["facebook", "instagram"];
const FB: &[&str] = &["facebook"];
const IG: &[&str] = &["instagram"];
const COMMENTS: (Option<&str>, Option<&str>) = (
    Some("instagram_manage_comments"),
    Some("instagram_business_manage_comments"),
);
const MESSAGES: (Option<&str>, Option<&str>) = (
    Some("instagram_manage_messages"),
    Some("instagram_business_manage_messages"),
);

const FIELDS: &[Field] = &[
    Field {
        field: "comments",
        display_name: "Comments",
        description: "A comment or a reply on one of the account's media (with Instagram Login \
                      this field also carries @mentions in comments)",
        event_types: &["comment"],
        envelope: "changes",
        logins: BOTH,
        permissions: COMMENTS,
    },
    Field {
        field: "live_comments",
        display_name: "Live Comments",
        description: "A comment on the account's live broadcast, while it is live",
        event_types: &["live_comment"],
        envelope: "changes",
        logins: BOTH,
        permissions: COMMENTS,
    },
    Field {
        field: "mentions",
        display_name: "Mentions",
        description: "The account was @mentioned in another account's caption or comment",
        event_types: &["mention"],
        envelope: "changes",
        logins: FB,
        permissions: (Some("instagram_manage_comments"), None),
    },
    Field {
        field: "story_insights",
        display_name: "Story Insights",
        description: "One of the account's stories expired (after 24 hours), with its final \
                      metrics",
        event_types: &["story_insights"],
        envelope: "changes",
        logins: FB,
        permissions: (Some("instagram_manage_insights"), None),
    },
    Field {
        field: "messages",
        display_name: "Messages",
        description: "A direct message received, an echo of one the business sent, or a \
                      message the person unsent",
        event_types: &["message", "message_echo", "message_deleted"],
        envelope: "messaging",
        logins: BOTH,
        permissions: MESSAGES,
    },
    Field {
        field: "message_reactions",
        display_name: "Message Reactions",
        description: "A person reacted to a message or removed a reaction",
        event_types: &["reaction"],
        envelope: "messaging",
        logins: BOTH,
        permissions: MESSAGES,
    },
    Field {
        field: "message_edit",
        display_name: "Message Edits",
        description: "A person edited a message they sent",
        event_types: &["message_edit"],
        envelope: "messaging",
        logins: BOTH,
        permissions: MESSAGES,
    },
    Field {
        field: "messaging_postbacks",
        display_name: "Postbacks",
        description: "A person tapped an ice breaker, a persistent-menu item or a template \
                      button",
        event_types: &["postback"],
        envelope: "messaging",
        logins: BOTH,
        permissions: MESSAGES,
    },
    Field {
        field: "messaging_referral",
        display_name: "Referrals",
        description: "A person opened an existing conversation through an ig.me link with a \
                      ref parameter",
        event_types: &["referral"],
        envelope: "messaging",
        logins: BOTH,
        permissions: MESSAGES,
    },
    Field {
        field: "messaging_seen",
        display_name: "Seen Receipts",
        description: "A person saw a message the business sent",
        event_types: &["seen"],
        envelope: "messaging",
        logins: BOTH,
        permissions: MESSAGES,
    },
    Field {
        field: "messaging_optins",
        display_name: "Opt-ins",
        description: "A person opted in to (or changed) marketing or notification messages",
        event_types: &["optin"],
        envelope: "messaging",
        logins: IG,
        permissions: (None, Some("instagram_business_manage_messages")),
    },
    Field {
        field: "messaging_handover",
        display_name: "Handover",
        description: "Conversation control was passed, taken or requested between apps",
        event_types: &["handover"],
        envelope: "messaging",
        logins: BOTH,
        permissions: MESSAGES,
    },
    Field {
        field: "standby",
        display_name: "Standby",
        description: "Messaging activity in conversations another app controls; each item \
                      keeps its own event type and has is_standby true",
        event_types: &[
            "message",
            "message_echo",
            "message_deleted",
            "seen",
            "postback",
        ],
        envelope: "standby",
        logins: BOTH,
        permissions: MESSAGES,
    },
];

/// The subscribable webhook fields as JSON: `[{"field","display_name","description",
/// "event_types":[..],"envelope":"changes"|"messaging"|"standby","logins":["facebook",..],
/// "permissions":{"facebook","instagram"}}]`, from which the n8n trigger's event options are
/// generated.
pub fn fields() -> Value {
    Value::Array(
        FIELDS
            .iter()
            .map(|f| {
                json!({
                    "field": f.field,
                    "display_name": f.display_name,
                    "description": f.description,
                    "event_types": f.event_types,
                    "envelope": f.envelope,
                    "logins": f.logins,
                    "permissions": {"facebook": f.permissions.0, "instagram": f.permissions.1},
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhook::EventType;

    #[test]
    fn every_event_type_but_unknown_comes_from_some_field() {
        let all = [
            EventType::Message,
            EventType::MessageEcho,
            EventType::MessageDeleted,
            EventType::MessageEdit,
            EventType::Reaction,
            EventType::Postback,
            EventType::Referral,
            EventType::Seen,
            EventType::Optin,
            EventType::Handover,
            EventType::Comment,
            EventType::LiveComment,
            EventType::Mention,
            EventType::StoryInsights,
        ];
        let v = fields();
        let list = v.as_array().unwrap();
        for t in all {
            assert!(
                list.iter().any(|f| f["event_types"]
                    .as_array()
                    .unwrap()
                    .contains(&t.as_str().into())),
                "{}",
                t.as_str()
            );
        }
        let mut names: Vec<&str> = list.iter().map(|f| f["field"].as_str().unwrap()).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "field names are unique");
        assert!(names.contains(&"standby"));
        for f in list {
            assert!(!f["logins"].as_array().unwrap().is_empty());
            assert!(["changes", "messaging", "standby"].contains(&f["envelope"].as_str().unwrap()));
        }
    }
}
