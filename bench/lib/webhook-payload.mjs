// The webhook benchmark's delivery: 1,000 updates in one POST body (Meta's batching maximum),
// a deterministic mix of what an account receives — text DMs (some with non-ASCII text),
// image DMs, quick replies, story replies, reactions, seen receipts, postbacks and comments —
// serialized the way Meta sends it: compact, non-ASCII as \uXXXX escapes, '/' as '\/'.
// bench/node/webhooks.mjs and bench/python/webhooks.py read the same file.

const ACCOUNT = '17841405726653026';
const TEXTS = ['Hi there', 'Is this still available? 🙂', 'Café au lait / 2 pcs', 'Danke schön!', 'こんにちは', 'ok'];

/** The update `i` (a messaging item or a change) and which envelope it goes in. */
function update(i) {
	const sender = { id: String(5_000_000_000_000_000 + i) };
	const recipient = { id: ACCOUNT };
	const timestamp = 1_764_000_000_000 + i * 1000;
	const mid = `aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx${String(i).padStart(8, '0')}`;
	const text = TEXTS[i % TEXTS.length];
	switch (i % 10) {
		case 0:
		case 1:
		case 2:
			return ['messaging', { sender, recipient, timestamp, message: { mid, text } }];
		case 3:
			return ['messaging', { sender, recipient, timestamp, message: { mid, attachments: [{ type: 'image', payload: { url: `https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=${i}&signature=abc` } }] } }];
		case 4:
			return ['messaging', { sender, recipient, timestamp, message: { mid, text: 'YES', quick_reply: { payload: 'ORDER_YES' } } }];
		case 5:
			return ['messaging', { sender, recipient, timestamp, message: { mid, text, reply_to: { story: { id: `1790${i}`, url: `https://lookaside.fbsbx.com/story/${i}` } } } }];
		case 6:
			return ['messaging', { sender, recipient, timestamp, reaction: { mid, action: 'react', reaction: 'love', emoji: '❤️' } }];
		case 7:
			return ['messaging', { sender, recipient, timestamp, read: { mid } }];
		case 8:
			return ['messaging', { sender, recipient, timestamp, postback: { mid, title: 'Talk to agent', payload: 'AGENT' } }];
		default:
			return [
				'changes',
				{
					field: 'comments',
					value: { from: { id: sender.id, username: `user_${i}` }, id: String(17_865_799_348_000_000 + i), text: `${text} #${i}`, media: { id: '17918195224117851', media_product_type: 'FEED' } },
				},
			];
	}
}

/** Meta's escaping: every non-ASCII UTF-16 unit as \uXXXX, every '/' as '\/'. */
export function metaJson(value) {
	return JSON.stringify(value)
		.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
		.replace(/\//g, '\\/');
}

/** The body of one delivery of `n` updates, each in its own entry. */
export function webhookBody(n = 1000) {
	const entry = [];
	for (let i = 0; i < n; i++) {
		const [envelope, item] = update(i);
		entry.push({ id: ACCOUNT, time: 1_764_000_000_000 + i * 1000, [envelope]: [item] });
	}
	return Buffer.from(metaJson({ object: 'instagram', entry }));
}
