// The Instagram Trigger's webhook(): handshake, signature over the raw bytes, routing by
// event kind, echoes, deduplication, and never a 500. Hand-written IWebhookFunctions mocks
// (test/trigger-helpers.mjs); bodies from fixtures/webhooks when present, else built here in
// Meta's documented shapes (graph-api.md §3.5) and signed with node:crypto.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_DIR } from './helpers.mjs';
import {
	NODE,
	SECRET,
	IG,
	changesBody,
	comment,
	echo,
	fakeDeduplication,
	messagingBody,
	msg,
	postback,
	reaction,
	seen,
	sign,
	webhookContext,
} from './trigger-helpers.mjs';

/** POST `body` signed with the app secret through the node; returns the result and what was sent. */
async function deliver(body, { params = {}, headers, ...rest } = {}) {
	const h = headers ?? { 'x-hub-signature-256': sign(body), 'content-type': 'application/json' };
	const c = webhookContext({ body, headers: h, params, ...rest });
	const result = await c.run();
	return { result, sent: c.sent, items: result.workflowData?.[0]?.map((i) => i.json) ?? [] };
}

const ALL_MESSAGING = ['messages', 'message_reactions', 'messaging_seen', 'messaging_postbacks'];

describe('Instagram Trigger: GET handshake', () => {
	const q = (token, extra = {}) => ({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444', ...extra });

	test('the node id is the default verify token: 200 text/plain with the challenge, no execution', async () => {
		const c = webhookContext({ name: 'setup', query: q(NODE.id) });
		const r = await c.run();
		assert.deepEqual(r, { noWebhookResponse: true });
		assert.equal(c.sent.status, 200);
		assert.equal(c.sent.type, 'text/plain');
		assert.equal(c.sent.body, '1158201444');
	});

	test('a wrong token → 403 with a short text, never the tokens, no execution', async () => {
		const c = webhookContext({ name: 'setup', query: q('guessed-token') });
		const r = await c.run();
		assert.deepEqual(r, { noWebhookResponse: true });
		assert.equal(c.sent.status, 403);
		assert.equal(c.sent.type, 'text/plain');
		assert.ok(!c.sent.body.includes('guessed-token') && !c.sent.body.includes(NODE.id));
		assert.ok(c.sent.body.length < 80);
	});

	test('hub.mode other than subscribe, or no challenge → 403', async () => {
		for (const query of [q(NODE.id, { 'hub.mode': 'unsubscribe' }), { 'hub.verify_token': NODE.id }, {}]) {
			const c = webhookContext({ name: 'setup', query });
			await c.run();
			assert.equal(c.sent.status, 403, JSON.stringify(query));
		}
	});

	test('a Verify Token option replaces the node id', async () => {
		const params = { options: { verifyToken: 'my-dashboard-token' } };
		const good = webhookContext({ name: 'setup', query: q('my-dashboard-token'), params });
		await good.run();
		assert.equal(good.sent.status, 200);
		assert.equal(good.sent.body, '1158201444');
		const old = webhookContext({ name: 'setup', query: q(NODE.id), params });
		await old.run();
		assert.equal(old.sent.status, 403);
	});

	test('a hostile query (arrays, huge values) → 403, not a crash', async () => {
		const c = webhookContext({ name: 'setup', query: { 'hub.mode': ['subscribe', 'x'], 'hub.verify_token': 'x'.repeat(100000), 'hub.challenge': {} } });
		await c.run();
		assert.equal(c.sent.status, 403);
	});
});

describe('Instagram Trigger: POST signature', () => {
	const body = messagingBody([msg('m.1', 'hello')]);

	test('a valid X-Hub-Signature-256 → one execution item with event_type', async () => {
		const { result, items } = await deliver(body);
		assert.equal(result.noWebhookResponse, undefined);
		assert.equal(items.length, 1);
		assert.equal(items[0].event_type, 'message');
		assert.equal(items[0].text, 'hello');
		assert.equal(items[0].account_id, IG);
		assert.equal(typeof items[0].dedupe_key, 'string');
	});

	test('forged, truncated, other-secret, missing and malformed signatures → 401, no execution', async () => {
		const cases = {
			forged: { 'x-hub-signature-256': 'sha256=deadbeef'.padEnd(71, '0') },
			truncated: { 'x-hub-signature-256': sign(body).slice(0, 40) },
			otherSecret: { 'x-hub-signature-256': sign(body, 'another_secret') },
			missing: {},
			malformed: { 'x-hub-signature-256': 'not a signature' },
			nonHex: { 'x-hub-signature-256': `sha256=${'z'.repeat(64)}` },
			legacyForged: { 'x-hub-signature': 'sha1=0000000000000000000000000000000000000000' },
		};
		for (const [name, headers] of Object.entries(cases)) {
			const { result, sent } = await deliver(body, { headers });
			assert.deepEqual(result, { noWebhookResponse: true }, name);
			assert.equal(sent.status, 401, name);
			assert.equal(sent.type, 'text/plain', name);
			assert.ok(!String(sent.body).includes(SECRET), name);
		}
	});

	test('a valid sha256 header wins over a forged sha1 one; a valid legacy sha1 alone passes', async () => {
		const both = await deliver(body, { headers: { 'x-hub-signature-256': sign(body), 'x-hub-signature': 'sha1=00' } });
		assert.equal(both.items.length, 1);
		const legacy = await deliver(body, { headers: { 'X-Hub-Signature': sign(body, SECRET, 'sha1') } });
		assert.equal(legacy.items.length, 1);
		// sha1 is not consulted when a (forged) sha256 header is present.
		const forged256 = await deliver(body, {
			headers: { 'x-hub-signature-256': sign(body, 'nope'), 'x-hub-signature': sign(body, SECRET, 'sha1') },
		});
		assert.equal(forged256.sent.status, 401);
	});

	test('escaped unicode: verified over the raw bytes, text decoded (the reference node got this wrong)', async () => {
		const raw = '{"object":"instagram","entry":[{"id":"' + IG + '","time":1764590400123,"messaging":[{"sender":{"id":"5566778899"},"recipient":{"id":"' + IG + '"},"timestamp":1764590400000,"message":{"mid":"m.u","text":"caf\\u00e9 \\/ ok \\ud83d\\ude00"}}]}]}';
		const { items } = await deliver(raw);
		assert.equal(items.length, 1);
		assert.equal(items[0].text, 'café / ok 😀');
		// A signature over the re-serialized JSON (what the reference node computed) is refused.
		const reserialized = JSON.stringify(JSON.parse(raw));
		assert.notEqual(reserialized, raw);
		const { sent } = await deliver(raw, { headers: { 'x-hub-signature-256': sign(reserialized) } });
		assert.equal(sent.status, 401);
	});

	test('no app secret in the credential → 401 (fail closed), even with a "valid" signature for an empty key', async () => {
		const { result, sent } = await deliver(body, {
			credentials: { accessToken: 'IGAAtoken', login: 'instagram', appSecret: '' },
			headers: { 'x-hub-signature-256': sign(body, '') },
		});
		assert.deepEqual(result, { noWebhookResponse: true });
		assert.equal(sent.status, 401);
	});

	test('signed but not a delivery (not JSON, wrong shape) → 400, no execution', async () => {
		for (const bad of ['not json', '[1,2]', '{"object":"instagram","entry":"x"}']) {
			const { result, sent } = await deliver(bad);
			assert.deepEqual(result, { noWebhookResponse: true }, bad);
			assert.equal(sent.status, 400, bad);
		}
	});

	test('no raw body (a proxy that parsed it) → 400; an unreadable credential → 503, never a throw', async () => {
		const none = webhookContext({ headers: { 'x-hub-signature-256': sign(body) } });
		assert.deepEqual(await none.run(), { noWebhookResponse: true });
		assert.equal(none.sent.status, 400);
		const broken = await deliver(body, { credentials: new Error('database is down') });
		assert.equal(broken.sent.status, 503);
		assert.ok(!String(broken.sent.body).includes('database'));
	});

	test('wrong object (a Page delivery) → 200 and no execution, or unknown events only when their field is selected', async () => {
		const page = JSON.stringify({ object: 'page', entry: [{ id: '1', time: 1, changes: [{ field: 'feed', value: {} }] }] });
		const { result, sent } = await deliver(page, { params: { events: ALL_MESSAGING } });
		assert.equal(result.workflowData, undefined);
		assert.ok([200, 400].includes(sent.status));
	});
});

describe('Instagram Trigger: routing by event kind', () => {
	const mixed = messagingBody([msg('m.1', 'hi'), reaction('m.1'), seen('m.1'), postback('m.2'), reaction('m.1', 'unreact')]);

	test('each option gets its kind only, and every item carries event_type', async () => {
		const expect = {
			messages: ['message'],
			message_reactions: ['reaction', 'reaction'],
			messaging_seen: ['seen'],
			messaging_postbacks: ['postback'],
		};
		for (const [event, types] of Object.entries(expect)) {
			const { items } = await deliver(mixed, { params: { events: [event] } });
			assert.deepEqual(
				items.map((i) => i.event_type),
				types,
				event,
			);
		}
		const { items } = await deliver(mixed, { params: { events: ['message_reactions', 'messaging_seen'] } });
		assert.deepEqual(items.map((i) => i.event_type), ['reaction', 'seen', 'reaction']);
		assert.equal(items[0].emoji, '\u2764\ufe0f');
		assert.equal(items[2].action, 'unreact');
	});

	test('a delivery with nothing selected → 200 OK, no execution', async () => {
		const { result, sent } = await deliver(mixed, { params: { events: ['comments'] } });
		assert.deepEqual(result, { noWebhookResponse: true });
		assert.equal(sent.status, 200);
	});

	test('comments (changes envelope) and messages in one batch: routed by field', async () => {
		const both = JSON.stringify({
			object: 'instagram',
			entry: [
				{ id: IG, time: 1764590400, changes: [comment('c.1', 'nice'), comment('c.2', 'nicer')] },
				{ id: IG, time: 1764590400123, messaging: [msg('m.9', 'dm')] },
			],
		});
		const c = await deliver(both, { params: { events: ['comments'] } });
		assert.deepEqual(c.items.map((i) => [i.event_type, i.comment_id, i.text]), [
			['comment', 'c.1', 'nice'],
			['comment', 'c.2', 'nicer'],
		]);
		const all = await deliver(both, { params: { events: ['comments', 'messages'] } });
		assert.deepEqual(all.items.map((i) => i.event_type), ['comment', 'comment', 'message']);
	});

	test('standby items go to Standby only, keeping their inner kind', async () => {
		const sb = messagingBody([msg('m.s', 'other app owns this')], { standby: true });
		const asMessages = await deliver(sb, { params: { events: ['messages'] } });
		assert.equal(asMessages.items.length, 0);
		const asStandby = await deliver(sb, { params: { events: ['standby'] } });
		assert.equal(asStandby.items.length, 1);
		assert.equal(asStandby.items[0].event_type, 'message');
		assert.equal(asStandby.items[0].is_standby, true);
	});
});

describe('Instagram Trigger: echoes', () => {
	const body = messagingBody([msg('m.1', 'from the person'), echo('m.2', 'from the business')]);

	test('Ignore Echoes (default on) drops them', async () => {
		const { items } = await deliver(body, { params: { events: ['messages'] } });
		assert.deepEqual(items.map((i) => i.event_type), ['message']);
	});

	test('Ignore Echoes off: echoes come with Messages, labelled message_echo', async () => {
		const { items } = await deliver(body, { params: { events: ['messages'], ignoreEchoes: false } });
		assert.deepEqual(items.map((i) => i.event_type), ['message', 'message_echo']);
		assert.equal(items[1].is_echo, true);
	});

	test('Message Echoes selected: echoes only, whatever Ignore Echoes says', async () => {
		const { items } = await deliver(body, { params: { events: ['message_echoes'] } });
		assert.deepEqual(items.map((i) => [i.event_type, i.text]), [['message_echo', 'from the business']]);
	});
});

describe('Instagram Trigger: deduplication', () => {
	const body = messagingBody([msg('m.1', 'one'), msg('m.2', 'two')]);

	test("n8n's deduplication helper, when the context has it: scope node, bounded, duplicates → no execution", async () => {
		const dedupe = fakeDeduplication();
		const first = await deliver(body, { dedupe });
		assert.equal(first.items.length, 2);
		assert.equal(dedupe.calls.length, 1);
		assert.equal(dedupe.calls[0].scope, 'node');
		assert.equal(dedupe.calls[0].options.mode, 'entries');
		assert.ok(dedupe.calls[0].options.maxEntries > 0);
		assert.deepEqual(dedupe.calls[0].items, first.items.map((i) => i.dedupe_key));
		// Meta's redelivery of the same bytes: 200, no workflow data.
		const again = await deliver(body, { dedupe });
		assert.deepEqual(again.result, { noWebhookResponse: true });
		assert.equal(again.sent.status, 200);
		// A delivery with one old and one new event: only the new one.
		const mixed = await deliver(messagingBody([msg('m.2', 'two'), msg('m.3', 'three')]), { dedupe });
		assert.deepEqual(mixed.items.map((i) => i.text), ['three']);
	});

	test('without the helper (n8n 2.40 webhooks): the node static data, shared through the database', async () => {
		const staticData = {};
		const first = await deliver(body, { staticData });
		assert.equal(first.items.length, 2);
		const stored = JSON.stringify(staticData);
		assert.ok(!stored.includes('m.1'), 'keys are stored as digests');
		const again = await deliver(body, { staticData });
		assert.equal(again.result.workflowData, undefined);
		assert.equal(again.sent.status, 200);
		// Another process reading the same stored data (a copy) agrees.
		const copy = JSON.parse(JSON.stringify(staticData));
		const elsewhere = await deliver(body, { staticData: copy });
		assert.equal(elsewhere.result.workflowData, undefined);
		const fresh = await deliver(messagingBody([msg('m.4', 'four')]), { staticData });
		assert.deepEqual(fresh.items.map((i) => i.text), ['four']);
	});

	test('the same item twice within one delivery → one item', async () => {
		const twice = messagingBody([msg('m.7', 'seven'), msg('m.7', 'seven')]);
		for (const opts of [{ dedupe: fakeDeduplication() }, { staticData: {} }]) {
			const { items } = await deliver(twice, opts);
			assert.equal(items.length, 1);
		}
	});

	test('Deduplicate Redeliveries off: every delivery executes', async () => {
		const staticData = {};
		const params = { options: { deduplicate: false } };
		assert.equal((await deliver(body, { staticData, params })).items.length, 2);
		assert.equal((await deliver(body, { staticData, params })).items.length, 2);
	});

	test('a failing deduplication store → 503 (Meta retries), never a 500 or a throw', async () => {
		const dedupe = {
			async checkProcessedAndRecord() {
				throw new Error('processed_data: connection refused');
			},
		};
		const { result, sent } = await deliver(body, { dedupe });
		assert.deepEqual(result, { noWebhookResponse: true });
		assert.equal(sent.status, 503);
	});
});

describe('Instagram Trigger: shared fixtures', () => {
	const dir = join(REPO_DIR, 'fixtures', 'webhooks');
	test('every fixture with a signature verifies and parses through the node', async (t) => {
		if (!existsSync(dir)) return t.skip('fixtures/webhooks not present yet');
		const found = fixtureBodies(dir);
		if (found.length === 0) return t.skip('no signed fixtures found');
		for (const f of found) {
			const c = webhookContext({
				body: f.body,
				headers: { 'x-hub-signature-256': f.sha256 },
				credentials: { accessToken: 'x', login: 'instagram', appSecret: f.secret },
				params: { events: f.events, ignoreEchoes: false, options: { deduplicate: false } },
			});
			const r = await c.run();
			assert.notEqual(c.sent.status, 401, f.name);
			assert.notEqual(c.sent.status, 500, f.name);
			if (r.workflowData) for (const i of r.workflowData[0]) assert.equal(typeof i.json.event_type, 'string', f.name);
		}
	});
});

/** Signed fixtures: any `*.json` case that names its body file and a sha256 signature. */
function fixtureBodies(dir) {
	const out = [];
	const walk = (d) => {
		for (const n of readdirSync(d, { withFileTypes: true })) {
			const p = join(d, n.name);
			if (n.isDirectory()) walk(p);
			else if (n.name.endsWith('.json') && !n.name.includes('expected')) {
				let meta;
				try {
					meta = JSON.parse(readFileSync(p, 'utf8'));
				} catch {
					continue;
				}
				const sig = meta?.signatures?.sha256 ?? meta?.sha256 ?? meta?.signature_sha256;
				const bodyFile = meta?.body_file ?? meta?.body;
				const secret = meta?.app_secret ?? meta?.secret;
				if (typeof sig !== 'string' || typeof bodyFile !== 'string' || typeof secret !== 'string') continue;
				const bp = join(d, bodyFile);
				if (!existsSync(bp)) continue;
				out.push({ name: p, body: readFileSync(bp), sha256: sig, secret, events: ALL_EVENTS });
			}
		}
	};
	walk(dir);
	return out;
}

const ALL_EVENTS = [
	'messages',
	'message_echoes',
	'message_reactions',
	'message_edit',
	'messaging_postbacks',
	'messaging_referral',
	'messaging_seen',
	'messaging_optins',
	'messaging_handover',
	'standby',
	'comments',
	'live_comments',
	'mentions',
	'story_insights',
];
