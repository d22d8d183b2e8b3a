//! The messaging objects: people (IGSIDs), conversations, messages, uploaded attachments,
//! private replies and messenger profiles.

use crate::prng::{hash_str, mix};
use crate::world::World;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Messaging state of one sandbox.
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    /// Conversations by id.
    pub conversations: BTreeMap<String, Conversation>,
    /// `(account, IGSID)` → conversation id.
    pub by_person: BTreeMap<(usize, String), String>,
    /// Every message by mid.
    pub messages: BTreeMap<String, Message>,
    /// People the sandbox knows by IGSID (who wrote, or commented).
    pub people: BTreeMap<String, Person>,
    /// Uploaded attachments by id.
    pub uploads: BTreeMap<String, Upload>,
    /// Comment id → mid of its private reply (one per comment).
    pub private_replies: BTreeMap<String, String>,
    /// Messenger profile settings by business key and platform.
    pub profiles: BTreeMap<(String, String), Map<String, Value>>,
    /// Objects minted since the seed (mids, ids of uploads).
    pub minted: u64,
    /// The `messaging` object of `/_sandbox/info`.
    pub info: Value,
    /// The world's seed (ids derive from it).
    pub seed: u64,
}

/// Someone who messaged (or commented on) the account, by IGSID.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub igsid: String,
    pub name: String,
    pub username: String,
    pub profile_pic: String,
    pub follower_count: u64,
    pub is_user_follow_business: bool,
    pub is_business_follow_user: bool,
    pub is_verified_user: bool,
    /// Blocked the account or deactivated: sends answer 551.
    pub unavailable: bool,
}

/// One conversation between the account and a person.
#[derive(Debug, Clone)]
pub(crate) struct Conversation {
    pub id: String,
    pub account: usize,
    pub igsid: String,
    /// Mids, oldest first.
    pub messages: Vec<String>,
    /// The person's last message or postback (virtual clock): what the windows count from.
    pub last_incoming_at: Option<i64>,
    /// Last activity (`updated_time`).
    pub updated: i64,
    /// The person wrote to the business (message, ice breaker, menu): the profile is readable.
    pub consent: bool,
    /// Another app (the Page Inbox) took thread control: this app's sends are refused.
    pub other_app_controls: bool,
}

/// One message of a conversation.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub id: String,
    pub conversation: String,
    /// Sent by the business (else by the person).
    pub from_business: bool,
    pub created: i64,
    pub text: String,
    /// `(type, url)` of each attachment.
    pub attachments: Vec<(String, String)>,
    /// Permalink of a shared post (`MEDIA_SHARE`).
    pub share: Option<String>,
    /// A template or sticker that the conversation read-back does not show as text.
    pub is_unsupported: bool,
    pub reply_to: Option<String>,
    /// `{link,id}` of the story a person replied to.
    pub story: Option<Value>,
    /// Reactions: `(by the business, reaction name)`.
    pub reactions: Vec<(bool, String)>,
}

impl Message {
    pub(crate) fn new(id: String, from_business: bool, created: i64) -> Self {
        Message {
            id,
            conversation: String::new(),
            from_business,
            created,
            text: String::new(),
            attachments: Vec::new(),
            share: None,
            is_unsupported: false,
            reply_to: None,
            story: None,
            reactions: Vec::new(),
        }
    }
}

/// An attachment uploaded with `/message_attachments`.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    pub account: Option<usize>,
    pub kind: String,
    pub url: String,
    pub reusable: bool,
    /// Sends that used it (a non-reusable one serves once).
    pub uses: u32,
}

/// A mid shaped like Meta's Instagram mids (base64 of `ig_message_item:1:IGMessageID:…`,
/// whose constant prefix every real mid shares); URL-safe so it works as a path segment.
pub(crate) fn mid(seed: u64, account_id: &str, igsid: &str, n: u64) -> String {
    let thread = mix(seed, hash_str(igsid));
    let x = mix(seed ^ 0x6d73_6731, n);
    let tail = URL_SAFE_NO_PAD.encode(format!("{account_id}:{thread}{x}:{}", x % 1_000_000));
    format!("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj{tail}")
}

/// A conversation id shaped like Meta's (base64 of `ig_message_thread:1:IGMessageThread:…`).
pub(crate) fn conversation_id(seed: u64, account_id: &str, igsid: &str) -> String {
    let thread = mix(seed ^ 0x7468_7264, hash_str(igsid));
    let tail = URL_SAFE_NO_PAD.encode(format!("{account_id}:{thread}"));
    format!("aWdfZAG06MTpJR01lc3NhZA2VUaHJlYWQ6{tail}")
}

/// A fresh mid for `account` and `igsid`.
pub(crate) fn fresh_mid(world: &mut World, account: usize, igsid: &str) -> String {
    world.messaging.minted += 1;
    let account_id = world
        .accounts
        .get(account)
        .map(|a| a.user.id.clone())
        .unwrap_or_default();
    mid(
        world.seed,
        &account_id,
        igsid,
        1_000_000 + world.messaging.minted,
    )
}

/// A person's stand-in profile, derived from the IGSID (people who write in through
/// simulated webhooks).
pub(crate) fn person_from_igsid(seed: u64, igsid: &str) -> Person {
    const FIRST: &[&str] = &[
        "Alex", "Bea", "Cleo", "Dario", "Eva", "Finn", "Greta", "Hana", "Ivo", "Juno",
    ];
    const LAST: &[&str] = &[
        "Moreau",
        "Okafor",
        "Lindqvist",
        "Tanaka",
        "Rossi",
        "Novak",
        "Silva",
        "Kaur",
    ];
    let h = mix(seed, hash_str(igsid));
    let first = FIRST[(h % FIRST.len() as u64) as usize];
    let last = LAST[((h >> 8) % LAST.len() as u64) as usize];
    person(
        igsid,
        &format!("{first} {last}"),
        &format!(
            "{}.{}{}",
            first.to_lowercase(),
            last.to_lowercase(),
            (h >> 16) % 100
        ),
        h,
    )
}

/// A person with fields drawn from `h`.
pub(crate) fn person(igsid: &str, name: &str, username: &str, h: u64) -> Person {
    Person {
        igsid: igsid.to_owned(),
        name: name.to_owned(),
        username: username.to_owned(),
        profile_pic: format!(
            "https://scontent.sandbox.invalid/v/t51.2885-19/{igsid}_profile.jpg?stp=dst-jpg_s206x206&_nc_sid=sbx&oe={:08X}",
            h as u32
        ),
        follower_count: (h >> 20) % 5_000,
        is_user_follow_business: (h >> 40) % 3 != 0,
        is_business_follow_user: (h >> 44) % 4 == 0,
        is_verified_user: false,
        unavailable: false,
    }
}

/// The conversation of `account` with `igsid`, created (without messages) when there is none;
/// the person is registered too.
pub(crate) fn conversation_for(world: &mut World, account: usize, igsid: &str, now: i64) -> String {
    if let Some(id) = world.messaging.by_person.get(&(account, igsid.to_owned())) {
        return id.clone();
    }
    let account_id = world
        .accounts
        .get(account)
        .map(|a| a.user.id.clone())
        .unwrap_or_default();
    let id = conversation_id(world.seed, &account_id, igsid);
    let st = &mut world.messaging;
    if !st.people.contains_key(igsid) {
        st.people
            .insert(igsid.to_owned(), person_from_igsid(st.seed, igsid));
    }
    st.conversations.insert(
        id.clone(),
        Conversation {
            id: id.clone(),
            account,
            igsid: igsid.to_owned(),
            messages: Vec::new(),
            last_incoming_at: None,
            updated: now,
            consent: false,
            other_app_controls: false,
        },
    );
    st.by_person.insert((account, igsid.to_owned()), id.clone());
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_path_safe_and_distinct() {
        let a = mid(1, "17841400000000001", "1234", 1);
        let b = mid(1, "17841400000000001", "1234", 2);
        assert_ne!(a, b);
        for s in [&a, &conversation_id(1, "17841400000000001", "1234")] {
            assert!(s
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        }
        assert!(a.starts_with("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj"));
        let p = person_from_igsid(1, "1234");
        assert_eq!(p.username, person_from_igsid(1, "1234").username);
    }
}
