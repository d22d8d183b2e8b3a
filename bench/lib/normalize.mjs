// The pure-JavaScript baseline of the webhook benchmark: a hand normalizer producing the same
// event fields as the core's `webhook::parse` for the kinds in the benchmark's delivery
// (messages with text, attachments, quick replies, story replies, referrals and flags;
// reactions; seen receipts; postbacks; comments), dedupe keys included (the rules of
// fixtures/webhooks/README.md). Written the way one would by hand: direct property reads,
// absent values as null, no further validation. bench/node/webhooks.mjs checks that its output
// equals ours.
import { createHash } from 'node:crypto';

/** A dedupe key part: kept when short and free of ':', else the first 32 hex of its SHA-256. */
const part = (p) => (p.length > 64 || p.includes(':') ? createHash('sha256').update(p).digest('hex').slice(0, 32) : p);
const key = (kind, ...parts) => [kind, ...parts.map((p) => part(String(p)))].join(':');

const toMillis = (t) => (t >= 0 && t < 100_000_000_000 ? t * 1000 : t);
const str = (v) => (typeof v === 'string' ? v : null);
const id = (v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

function attachment(a) {
	const out = {};
	const p = a.payload;
	if (p) for (const k of Object.keys(p)) if (k !== 'url') out[k] = p[k];
	out.type = str(a.type);
	out.url = p ? str(p.url) : null;
	return out;
}

function referral(r) {
	return {
		ref: str(r.ref),
		source: str(r.source),
		type: str(r.type),
		ad_id: id(r.ad_id),
		ads_context_data: r.ads_context_data ?? null,
		product_id: r.product ? id(r.product.id) : null,
	};
}

function messaging(entry, m) {
	const timestamp = typeof m.timestamp === 'number' ? toMillis(m.timestamp) : null;
	const base = {
		event_type: '',
		field: '',
		account_id: entry.id,
		time: typeof entry.time === 'number' ? toMillis(entry.time) : timestamp,
		dedupe_key: '',
		sender_id: m.sender ? id(m.sender.id) : null,
		recipient_id: m.recipient ? id(m.recipient.id) : null,
		timestamp,
		is_standby: false,
	};
	let ev;
	if (m.message) {
		const msg = m.message;
		const rt = msg.reply_to;
		const story = rt && rt.story;
		const type = msg.is_deleted === true ? 'message_deleted' : msg.is_echo === true ? 'message_echo' : 'message';
		ev = {
			...base,
			event_type: type,
			field: 'messages',
			mid: str(msg.mid),
			text: str(msg.text),
			attachments: Array.isArray(msg.attachments) ? msg.attachments.map(attachment) : null,
			quick_reply_payload: msg.quick_reply ? str(msg.quick_reply.payload) : null,
			reply_to_mid: rt ? str(rt.mid) : null,
			reply_to_story: story ? { id: id(story.id), url: str(story.url), link_sticker_url: str(story.link_sticker_url) } : null,
			referral: msg.referral ? referral(msg.referral) : null,
			is_echo: msg.is_echo === true,
			is_deleted: msg.is_deleted === true,
			is_unsupported: msg.is_unsupported === true,
			is_self: msg.is_self === true,
		};
		ev.dedupe_key = key(type, ev.mid);
	} else if (m.reaction) {
		const r = m.reaction;
		ev = { ...base, event_type: 'reaction', field: 'message_reactions', mid: str(r.mid), action: str(r.action), reaction: str(r.reaction), emoji: str(r.emoji) };
		ev.dedupe_key = key('reaction', ev.mid, ev.action, ev.reaction ?? '-', ev.timestamp);
	} else if (m.read) {
		ev = { ...base, event_type: 'seen', field: 'messaging_seen', mid: str(m.read.mid) };
		ev.dedupe_key = key('seen', ev.mid);
	} else if (m.postback) {
		const p = m.postback;
		ev = { ...base, event_type: 'postback', field: 'messaging_postbacks', mid: str(p.mid), title: str(p.title), payload: str(p.payload) };
		ev.dedupe_key = key('postback', ev.mid);
	} else {
		ev = { ...base, event_type: 'unknown', field: 'messaging' };
		ev.dedupe_key = `unknown:${ev.timestamp}`;
	}
	ev.raw = m;
	return ev;
}

function change(entry, c) {
	const v = c.value;
	const from = v.from;
	const media = v.media;
	const ev = {
		event_type: c.field === 'live_comments' ? 'live_comment' : 'comment',
		field: c.field,
		account_id: entry.id,
		time: toMillis(entry.time),
		dedupe_key: '',
		comment_id: id(v.id) ?? id(v.comment_id),
		text: str(v.text),
		parent_id: id(v.parent_id),
		from_id: from ? id(from.id) : null,
		from_username: from ? str(from.username) : null,
		media_id: media ? id(media.id) : null,
		media_product_type: media ? str(media.media_product_type) : null,
		ad_id: media ? id(media.ad_id) : null,
		ad_title: media ? str(media.ad_title) : null,
		original_media_id: media ? id(media.original_media_id) : null,
		raw: v,
	};
	ev.dedupe_key = key(ev.event_type, ev.comment_id);
	return ev;
}

/** The events of a parsed delivery, in order. */
export function normalize(body) {
	if (!body || body.object !== 'instagram' || !Array.isArray(body.entry)) throw new Error('not an Instagram delivery');
	const out = [];
	for (const entry of body.entry) {
		if (entry.messaging) for (const m of entry.messaging) out.push(messaging(entry, m));
		if (entry.changes) for (const c of entry.changes) out.push(change(entry, c));
	}
	return out;
}
