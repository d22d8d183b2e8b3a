//! The seeded conversations, relative to the virtual clock at seed time (so moving the clock
//! closes their windows): one person who wrote minutes ago, one two days ago (24 h closed,
//! HUMAN_AGENT open), one eight days ago (both closed), and one who only commented (no
//! consent, no window), with a fresh comment for a private reply and one older than 7 days,
//! and one who wrote an hour ago and then blocked the account (551).

use super::model::{self, Message, Person, State};
use crate::prng::{hash_str, mix, SplitMix64};
use crate::world::{Comment, World};
use serde_json::json;

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// Lines of the open conversation, `(from the business, text)`, oldest first.
const OPEN_THREAD: &[(bool, &str)] = &[
    (false, "Hi! Do you still have the risograph tote bags?"),
    (true, "Hi! Yes, a few are left in sand and ink blue."),
    (false, "Ink blue please \u{1f499}"),
    (true, "Great choice. Shall I reserve one for you?"),
    (false, "Yes please! Can I pick it up at the studio?"),
    (
        true,
        "Of course, we are open 10\u{2013}18, Tuesday to Saturday.",
    ),
    (false, "Perfect. Is Thursday ok?"),
    (true, "Thursday works. It is reserved under your name."),
];

/// Seed the messaging state of a fresh world (deterministic for the world's seed; times are
/// relative to `now`).
pub(crate) fn seed(world: &mut World, now: i64) {
    world.messaging = State {
        seed: world.seed,
        ..State::default()
    };
    let Some(acc) = world.accounts.first() else {
        return;
    };
    let account_id = acc.user.id.clone();
    let seed = world.seed;
    let mut r = SplitMix64::stream(seed, "messaging");
    let igsid =
        |r: &mut SplitMix64| (1_000_000_000_000_000 + r.below(9_000_000_000_000_000)).to_string();
    // The webhook simulator's default sender is the person who wrote minutes ago, so a
    // simulated DM refreshes that very conversation.
    let open = crate::webhooks::events::default_igsid(seed);
    let mut ids = vec![open.clone()];
    while ids.len() < 5 {
        let id = igsid(&mut r);
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let (agent, closed, no_consent, gone) = (
        ids[1].clone(),
        ids[2].clone(),
        ids[3].clone(),
        ids[4].clone(),
    );
    let people = [
        (&open, "Lena Hartmann", "lena.hartmann"),
        (&agent, "Marco Bellini", "marco.prints"),
        (&closed, "", "yuki.paperworks"),
        (&no_consent, "Priya Nair", "priya.ink"),
        (&gone, "Tom Weber", "tom.w.letters"),
    ];
    for (id, name, username) in people {
        let h = mix(seed, hash_str(id));
        let mut p: Person = model::person(id, name, username, h);
        if *id == open {
            p.is_user_follow_business = true;
            p.is_verified_user = false;
        }
        // Wrote an hour ago, then blocked the account: 551 whatever the window says.
        p.unavailable = *id == gone;
        world.messaging.people.insert(id.clone(), p);
    }

    // Open window: back and forth over the last hours, the person's last line 5 minutes ago.
    let mut lines: Vec<(bool, i64, String)> = Vec::new();
    let n = 24usize;
    for i in 0..n {
        let (biz, text) = OPEN_THREAD[i % OPEN_THREAD.len()];
        // Alternate strictly and end with the person: index parity decides who speaks.
        let from_business = if i == n - 1 { false } else { biz };
        let at = now - 5 * 60 - (n - 1 - i) as i64 * 12 * 60;
        lines.push((from_business, at, text.to_owned()));
    }
    let open_mids = add_thread(world, &account_id, &open, &lines, true);
    // One incoming photo and one inline reply, so attachments and reply_to read back.
    if let Some(m) = open_mids
        .get(n - 3)
        .and_then(|m| world.messaging.messages.get_mut(m))
    {
        m.attachments.push((
            "image".to_owned(),
            format!(
                "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17{:015}&signature=Sbx",
                mix(seed, 3) % 1_000_000_000_000_000
            ),
        ));
    }
    if let (Some(target), Some(m)) = (
        open_mids.get(n - 3).cloned(),
        open_mids
            .get(n - 2)
            .and_then(|m| world.messaging.messages.get_mut(m)),
    ) {
        m.reply_to = Some(target);
    }
    let mid = open_mids.last().cloned().unwrap_or_default();

    // HUMAN_AGENT: last message two days ago.
    add_thread(
        world,
        &account_id,
        &agent,
        &[
            (
                false,
                now - 3 * DAY,
                "Do you take custom poster orders?".to_owned(),
            ),
            (
                true,
                now - 3 * DAY + 20 * 60,
                "We do! What size are you thinking of?".to_owned(),
            ),
            (
                false,
                now - 2 * DAY,
                "A2, three colours. Could someone from the studio call me?".to_owned(),
            ),
        ],
        true,
    );
    add_thread(
        world,
        &account_id,
        &gone,
        &[(false, now - HOUR, "Please stop messaging me".to_owned())],
        true,
    );
    // Both windows closed: last message eight days ago.
    add_thread(
        world,
        &account_id,
        &closed,
        &[
            (
                false,
                now - 9 * DAY,
                "Is the spring palette print coming back?".to_owned(),
            ),
            (
                true,
                now - 9 * DAY + HOUR,
                "Next month, we will let you know!".to_owned(),
            ),
            (false, now - 8 * DAY, "Thanks \u{1f64f}".to_owned()),
        ],
        true,
    );

    // Comments for private replies, on the newest media (after the first two, which other
    // tests page through) that takes comments.
    let acc = &world.accounts[0];
    let media_id = acc
        .feed
        .iter()
        .skip(2)
        .find(|id| acc.media.get(*id).is_some_and(|m| m.comment_enabled))
        .or_else(|| acc.feed.first())
        .cloned();
    let mut comment_private_reply = None;
    let mut comment_old = None;
    if let Some(media_id) = media_id {
        let mut cr = SplitMix64::stream(seed, "messaging/comments");
        let fresh = |cr: &mut SplitMix64, world: &World| loop {
            let id = (17_960_000_000_000_000 + cr.below(10_000_000_000_000)).to_string();
            if world.lookup(&id).is_none() {
                break id;
            }
        };
        let a = fresh(&mut cr, world);
        let b = fresh(&mut cr, world);
        let username = |id: &str| {
            world
                .messaging
                .people
                .get(id)
                .map(|p| p.username.clone())
                .unwrap_or_default()
        };
        let new = [
            (
                a.clone(),
                no_consent.clone(),
                username(&no_consent),
                "How much is the A3 print? Please DM me the details",
                now - 3 * HOUR,
            ),
            (
                b.clone(),
                closed.clone(),
                username(&closed),
                "Would love this in green",
                now - 10 * DAY,
            ),
        ];
        let acc = &mut world.accounts[0];
        for (id, from_id, from_username, text, at) in new {
            let c = Comment {
                legacy_id: mix(seed, hash_str(&id)) % 9_000_000_000_000_000 + 1_000_000_000_000_000,
                id: id.clone(),
                media_id: media_id.clone(),
                text: text.to_owned(),
                timestamp: at,
                like_count: 0,
                hidden: false,
                from_id,
                from_username,
                parent_id: None,
                replies: Vec::new(),
            };
            acc.comments.insert(id.clone(), c);
            if let Some(m) = acc.media.get_mut(&media_id) {
                m.comments.push(id);
            }
        }
        world.reindex();
        comment_private_reply = Some(a);
        comment_old = Some(b);
    }
    let conversation_id = world
        .messaging
        .by_person
        .get(&(0, open.clone()))
        .cloned()
        .unwrap_or_default();
    world.messaging.info = json!({
        "recipient_id": open,
        "recipient_id_human_agent": agent,
        "recipient_id_closed": closed,
        "recipient_id_no_consent": no_consent,
        "recipient_id_unavailable": gone,
        "conversation_id": conversation_id,
        "mid": mid,
        "comment_id_private_reply": comment_private_reply,
        "comment_id_old": comment_old,
    });
}

/// Add a conversation with these lines `(from the business, at, text)`; returns the mids.
fn add_thread(
    world: &mut World,
    account_id: &str,
    igsid: &str,
    lines: &[(bool, i64, String)],
    consent: bool,
) -> Vec<String> {
    let first = lines.first().map(|l| l.1).unwrap_or(0);
    let conv = model::conversation_for(world, 0, igsid, first);
    let mut mids = Vec::new();
    for (k, (biz, at, text)) in lines.iter().enumerate() {
        let id = model::mid(world.seed, account_id, igsid, k as u64);
        let mut m = Message::new(id.clone(), *biz, *at);
        m.text = text.clone();
        m.conversation = conv.clone();
        world.messaging.messages.insert(id.clone(), m);
        mids.push(id);
    }
    if let Some(c) = world.messaging.conversations.get_mut(&conv) {
        c.messages.extend(mids.iter().cloned());
        c.updated = lines.last().map(|l| l.1).unwrap_or(first);
        c.last_incoming_at = lines.iter().filter(|l| !l.0).map(|l| l.1).max();
        c.consent = consent;
    }
    mids
}

#[cfg(test)]
mod tests {
    use crate::messaging::{HUMAN_AGENT_WINDOW_SECS, PRIVATE_REPLY_SECS, STANDARD_WINDOW_SECS};
    use crate::seed::build;

    #[test]
    fn seeded_windows_are_relative_to_the_seed_clock() {
        let now = 1_800_000_000;
        let w = build(42, 30, 0, now);
        let again = build(42, 30, 0, now + 999);
        assert_eq!(w.messaging.info, again.messaging.info);
        let info = &w.messaging.info;
        let last = |key: &str| {
            let igsid = info[key].as_str().unwrap().to_owned();
            let conv = &w
                .messaging
                .by_person
                .get(&(0, igsid))
                .map(|c| &w.messaging.conversations[c]);
            conv.and_then(|c| c.last_incoming_at)
        };
        let age = |key: &str| now - last(key).unwrap();
        assert!(age("recipient_id") < STANDARD_WINDOW_SECS);
        assert!((STANDARD_WINDOW_SECS..HUMAN_AGENT_WINDOW_SECS)
            .contains(&age("recipient_id_human_agent")));
        assert!(age("recipient_id_closed") >= HUMAN_AGENT_WINDOW_SECS);
        assert_eq!(last("recipient_id_no_consent"), None);
        let acc = &w.accounts[0];
        let fresh = &acc.comments[info["comment_id_private_reply"].as_str().unwrap()];
        let old = &acc.comments[info["comment_id_old"].as_str().unwrap()];
        assert!(now - fresh.timestamp < PRIVATE_REPLY_SECS);
        assert!(now - old.timestamp > PRIVATE_REPLY_SECS);
        assert_eq!(fresh.from_id, info["recipient_id_no_consent"]);
        assert!(w.lookup(&fresh.id).is_some() && w.lookup(&old.id).is_some());
        // The newest message of the open conversation is the person's, and it is `mid`.
        let conv = &w.messaging.conversations[info["conversation_id"].as_str().unwrap()];
        assert_eq!(
            conv.messages.last().map(String::as_str),
            info["mid"].as_str()
        );
        assert!(!w.messaging.messages[info["mid"].as_str().unwrap()].from_business);
        assert_ne!(build(43, 30, 0, now).messaging.info, w.messaging.info);
    }
}
