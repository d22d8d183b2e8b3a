// The Instagram Trigger's webhook(): handshake, signature over the raw bytes, routing by
// event kind, echoes, deduplication, and never a 500. Hand-written IWebhookFunctions mocks
// (test/trigger-helpers.mjs); bodies from fixtures/webhooks when present, else built here in
// Meta's documented shapes (graph-api.md §3.5) and signed with node:crypto.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_DIR, require } from './helpers.mjs';
import {
	NODE,
	SECRET,
	IG,
	changesBody,
	comment,
	echo,
	executeContext,
	fakeDeduplication,
	messagingBody,
	msg,
	postback,
	reaction,
	seen,
	sign,
	webhookContext,
} from './trigger-helpers.mjs';

const { TRIGGER_EVENTS } = require('../dist/nodes/InstagramTrigger/generated/events.js');
const { ObservableObject } = require('n8n-workflow');
/** Every event option, and the webhook fields they listen to. */
const ALL_EVENTS = TRIGGER_EVENTS.map((e) => e.value);
const TRIGGER_FIELDS = TRIGGER_EVENTS.map((e) => e.field);

/** POST `body` signed with the app secret through the node; returns the result and what was sent. */
async function deliver(body, { params = {}, headers, ...rest } = {}) {
	const h = headers ?? { 'x-hub-signature-256': sign(body), 'content-type': 'application/json' };
	const c = webhookContext({ body, headers: h, params, ...rest });
	const result = await c.run();
	return { result, sent: c.sent, n8nAnswers: c.n8nAnswers, items: result.workflowData?.[0]?.map((i) => i.json) ?? [] };
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
	/**
	 * What n8n does with a delivery: webhook(), n8n's answer once it created the execution, then
	 * the node's execute() at the start of that execution. Each run is its own workflow for the
	 * in-process memory unless `workflowId` says otherwise (another process, as far as it goes).
	 */
	async function run(raw, { staticData, dedupe, params, mode, workflowId } = {}) {
		const w = await deliver(raw, { staticData, params, mode, workflowId });
		if (!w.result.workflowData) return { ...w, executed: null };
		w.n8nAnswers(200);
		const e = executeContext({ items: w.result.workflowData[0], staticData, dedupe, params, mode });
		const [out] = await e.run();
		return { ...w, executed: out.map((i) => i.json), paired: out.map((i) => i.pairedItem), warnings: e.warnings };
	}

	test("execute(): n8n's deduplication service (scope node, bounded) drops what was processed, even when webhook() let it through", async () => {
		const dedupe = fakeDeduplication();
		const first = await run(body, { dedupe, staticData: {} });
		assert.deepEqual(first.executed.map((i) => i.text), ['one', 'two']);
		assert.deepEqual(first.paired, [{ item: 0 }, { item: 1 }]);
		assert.equal(dedupe.calls.length, 1);
		assert.equal(dedupe.calls[0].scope, 'node');
		assert.equal(dedupe.calls[0].options.mode, 'entries');
		assert.ok(dedupe.calls[0].options.maxEntries > 0);
		assert.deepEqual(dedupe.calls[0].items, first.items.map((i) => i.dedupe_key));
		// A redelivery that raced its original (another process, whose static data had no record
		// yet): webhook() lets it through, n8n's service drops it: the execution emits nothing.
		const raced = await run(body, { dedupe, staticData: {} });
		assert.equal(raced.items.length, 2);
		assert.deepEqual(raced.executed, []);
		// One old and one new event: only the new one.
		const mixed = await run(messagingBody([msg('m.2', 'two'), msg('m.3', 'three')]), { dedupe, staticData: {} });
		assert.deepEqual(mixed.executed.map((i) => i.text), ['three']);
	});

	test('webhook(): a redelivery of a delivery whose execution saved its record starts no execution', async () => {
		// n8n's own observable static data: n8n saves it with the execution only when it marks itself changed.
		const root = ObservableObject.create({}, undefined, { ignoreEmptyOnFirstChild: true });
		const dedupe = fakeDeduplication();
		const first = await run(body, { staticData: root, dedupe });
		assert.equal(first.executed.length, 2);
		assert.equal(root.__dataChanged, true, 'the execution saves the record');
		// What the next request reads back from the database.
		const stored = JSON.parse(JSON.stringify(root));
		assert.ok(!JSON.stringify(stored).includes('m.1'), 'keys are stored as digests');
		const again = await run(body, { staticData: stored, dedupe });
		assert.deepEqual(again.result, { noWebhookResponse: true });
		assert.equal(again.sent.status, 200);
		assert.equal(dedupe.calls.length, 1, 'no execution, no second look-up');
		const fresh = await run(messagingBody([msg('m.2', 'two'), msg('m.4', 'four')]), { staticData: stored, dedupe });
		assert.deepEqual(fresh.items.map((i) => i.text), ['four']);
		assert.deepEqual(fresh.executed.map((i) => i.text), ['four']);
	});

	test('without the service (contexts that lack it), the static-data record alone decides', async () => {
		const staticData = {};
		assert.equal((await run(body, { staticData })).executed.length, 2);
		assert.deepEqual((await run(body, { staticData: {} })).executed.length, 2, 'a fresh record knows nothing');
		const again = await run(body, { staticData });
		assert.equal(again.executed, null);
	});

	test('the same item twice within one delivery → one item', async () => {
		const twice = messagingBody([msg('m.7', 'seven'), msg('m.7', 'seven')]);
		const { items, executed } = await run(twice, { staticData: {}, dedupe: fakeDeduplication() });
		assert.equal(items.length, 1);
		assert.equal(executed.length, 1);
	});

	test('Deduplicate Redeliveries off, or a test run: every delivery executes with every event', async () => {
		for (const [i, o] of [{ params: { options: { deduplicate: false } } }, { mode: 'manual' }].entries()) {
			// One workflow: not even this process's memory drops the second delivery.
			const opts = { ...o, workflowId: `wf-no-dedupe-${i}` };
			const staticData = {};
			const dedupe = fakeDeduplication();
			assert.equal((await run(body, { staticData, dedupe, ...opts })).executed.length, 2);
			assert.equal((await run(body, { staticData, dedupe, ...opts })).executed.length, 2);
			assert.equal(dedupe.calls.length, 0);
		}
	});

	test('a failing deduplication store: the events pass (at least once, never lost after the 200), with a warning', async () => {
		const dedupe = {
			async checkProcessedAndRecord() {
				throw new Error('processed_data: connection refused');
			},
		};
		const r = await run(body, { staticData: {}, dedupe });
		assert.equal(r.executed.length, 2);
		assert.match(r.warnings.join('\n'), /deduplication unavailable/);
	});
});

describe('Instagram Trigger: shared fixtures (fixtures/webhooks)', () => {
	const dir = join(REPO_DIR, 'fixtures', 'webhooks');
	const have = existsSync(join(dir, 'signatures.json'));
	const readJson = (p) => JSON.parse(readFileSync(join(dir, p), 'utf8'));
	const all = { events: ALL_EVENTS, ignoreEchoes: false, options: { deduplicate: false } };

	test('every event fixture: verified over its bytes, the node emits exactly the expected events of a selectable field', { skip: !have }, async () => {
		const fields = new Set(TRIGGER_FIELDS);
		let checked = 0;
		for (const name of readdirSync(join(dir, 'events')).filter((n) => n.endsWith('.json'))) {
			const meta = readJson(join('events', name));
			if (!Array.isArray(meta.expected)) continue;
			const body = readFileSync(join(dir, 'events', name.replace(/\.json$/, '.body')));
			const { result, sent, items } = await deliver(body, {
				headers: { 'x-hub-signature-256': meta.sha256 },
				credentials: { accessToken: 'x', login: 'instagram', appSecret: meta.app_secret },
				params: all,
			});
			const want = meta.expected.filter((e) => fields.has(e.field));
			if (want.length === 0) {
				assert.equal(result.workflowData, undefined, name);
				assert.equal(sent.status, 200, name);
			} else {
				assert.deepEqual(items, want, name);
			}
			checked++;
		}
		assert.ok(checked >= 20, `only ${checked} fixtures`);
	});

	test('signatures.json through the node: a match executes, anything else is 401', { skip: !have }, async () => {
		for (const c of readJson('signatures.json').cases) {
			const { sent, result } = await deliver(readFileSync(join(dir, c.body)), {
				headers: c.headers,
				credentials: { accessToken: 'x', login: 'instagram', appSecret: c.app_secret },
				params: all,
			});
			if (c.expected === true) assert.notEqual(sent.status, 401, c.name);
			else {
				assert.equal(sent.status, 401, c.name);
				assert.deepEqual(result, { noWebhookResponse: true }, c.name);
			}
		}
	});

	test('subscription.json through the node: the challenge as text/plain, or 403', { skip: !have }, async () => {
		for (const c of readJson('subscription.json').cases) {
			// What express hands n8n: the decoded query as an object.
			const query = {};
			for (const [k, v] of new URLSearchParams(c.query)) query[k] = k in query ? [].concat(query[k], v) : v;
			const ctx = webhookContext({ name: 'setup', query, params: { options: { verifyToken: c.verify_token } } });
			assert.deepEqual(await ctx.run(), { noWebhookResponse: true }, c.name);
			if (c.expected.challenge !== undefined) {
				assert.equal(ctx.sent.status, 200, c.name);
				assert.equal(ctx.sent.type, 'text/plain', c.name);
				assert.equal(ctx.sent.body, c.expected.challenge, c.name);
			} else {
				assert.equal(ctx.sent.status, 403, c.name);
			}
		}
	});
});

describe('Instagram Trigger: the static-data record is bounded', () => {
	const { firstSeen, DEDUPE_MAX_ENTRIES, DEDUPE_TTL_SECS } = require('../dist/nodes/InstagramTrigger/dedupe.js');
	const ctxOf = (data) => ({ getWorkflowStaticData: () => data, helpers: {} });

	test('keys are forgotten after the TTL (longer than Meta retries: 36 h)', async () => {
		assert.ok(DEDUPE_TTL_SECS > 36 * 3600);
		const data = {};
		const t0 = 1_800_000_000;
		assert.deepEqual([...(await firstSeen(ctxOf(data), ['a', 'b'], t0))], ['a', 'b']);
		assert.deepEqual([...(await firstSeen(ctxOf(data), ['a', 'c'], t0 + 36 * 3600))], ['c']);
		// Past the TTL of `a` (first seen at t0), within that of `c`.
		assert.deepEqual([...(await firstSeen(ctxOf(data), ['a', 'c'], t0 + DEDUPE_TTL_SECS))], ['a']);
	});

	test('at most DEDUPE_MAX_ENTRIES keys are kept, the newest', async () => {
		const data = {};
		const t0 = 1_800_000_000;
		const keys = Array.from({ length: DEDUPE_MAX_ENTRIES + 500 }, (_, i) => `k${i}`);
		await firstSeen(ctxOf(data), keys.slice(0, 500), t0);
		await firstSeen(ctxOf(data), keys.slice(500), t0 + 1);
		assert.equal(Object.keys(data.instagramTriggerDedupe.seen).length, DEDUPE_MAX_ENTRIES);
		// The oldest 500 were evicted, the newest are still known.
		assert.equal((await firstSeen(ctxOf(data), ['k0'], t0 + 2)).size, 1);
		assert.equal((await firstSeen(ctxOf(data), [keys.at(-1)], t0 + 2)).size, 0);
		// The stored record stays small: digests, not Meta's ~150-character message ids.
		assert.ok(JSON.stringify(data).length < DEDUPE_MAX_ENTRIES * 40);
	});
});

describe("Instagram Trigger: this process's memory of accepted keys (back-to-back duplicates)", () => {
	const { acceptedHere, acceptedCount, rememberAccepted, FAST_TTL_MS, FAST_MAX_ENTRIES } = require('../dist/nodes/InstagramTrigger/dedupe.js');
	const body = messagingBody([msg('m.b1', 'first'), msg('m.b2', 'second')]);

	test('a duplicate sent right after n8n answered the first 200 → no workflowData, a 200, before any execution saved', async () => {
		// n8n reloads static data per request and the first execution has not saved it yet: {} each time.
		const first = await deliver(body, { workflowId: 'wf-b2b', staticData: {} });
		assert.equal(first.items.length, 2);
		first.n8nAnswers(200);
		const dup = await deliver(body, { workflowId: 'wf-b2b', staticData: {} });
		assert.deepEqual(dup.result, { noWebhookResponse: true });
		assert.equal(dup.sent.status, 200, 'a dropped duplicate still gets 200 (Meta retries otherwise)');
		// One known and one new event: only the new one starts an execution.
		const mixed = await deliver(messagingBody([msg('m.b2', 'second'), msg('m.b3', 'third')]), { workflowId: 'wf-b2b', staticData: {} });
		assert.deepEqual(mixed.items.map((i) => i.text), ['third']);
	});

	test('only what n8n answered 2xx is remembered: a racing duplicate or a retry after a 5xx goes on to execute()', async () => {
		const raw = messagingBody([msg('m.r1', 'raced')]);
		const first = await deliver(raw, { workflowId: 'wf-race', staticData: {} });
		// Before n8n answered the first (the execution may not exist yet): not dropped here.
		const raced = await deliver(raw, { workflowId: 'wf-race', staticData: {} });
		assert.equal(raced.items.length, 1);
		// n8n could not create the execution: a 5xx, Meta retries, and the retry must pass.
		first.n8nAnswers(500);
		raced.n8nAnswers(503);
		const retry = await deliver(raw, { workflowId: 'wf-race', staticData: {} });
		assert.equal(retry.items.length, 1, 'a failed start is retried, not lost');
		retry.n8nAnswers(200);
		assert.equal((await deliver(raw, { workflowId: 'wf-race', staticData: {} })).items.length, 0);
	});

	test('two trigger nodes, or two workflows, never share keys', async () => {
		const raw = messagingBody([msg('m.s1', 'shared')]);
		const a = await deliver(raw, { workflowId: 'wf-s', staticData: {} });
		a.n8nAnswers(200);
		const otherNode = { ...NODE, id: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a', name: 'Instagram Trigger 2' };
		assert.equal((await deliver(raw, { workflowId: 'wf-s', node: otherNode, staticData: {} })).items.length, 1, 'another node of the workflow');
		assert.equal((await deliver(raw, { workflowId: 'wf-s2', staticData: {} })).items.length, 1, 'the same node id in another workflow');
		assert.equal((await deliver(raw, { workflowId: 'wf-s', staticData: {} })).items.length, 0, 'the node that accepted it');
	});

	test(`keys are forgotten after FAST_TTL_MS (${FAST_TTL_MS / 60000} min), and expired ones are swept`, () => {
		assert.ok(FAST_TTL_MS >= 60_000 && FAST_TTL_MS < 36 * 3600 * 1000, 'bridges to the mirror, not a second 48 h record');
		const t0 = 1_800_000_000_000;
		rememberAccepted('ttl/a', ['k1', 'k2'], t0);
		assert.deepEqual([...acceptedHere('ttl/a', ['k1', 'k2', 'k3'], t0 + FAST_TTL_MS - 1)], ['k1', 'k2']);
		assert.deepEqual([...acceptedHere('ttl/a', ['k1', 'k2'], t0 + FAST_TTL_MS)], []);
		assert.ok(acceptedCount() >= 2);
		// Adding a key later sweeps whatever expired (no timer does it): here every other key.
		rememberAccepted('ttl/b', ['k9'], t0 + 2 * FAST_TTL_MS + Date.now());
		assert.equal(acceptedCount(), 1);
		assert.equal(acceptedHere('ttl/b', ['k9'], t0 + 2 * FAST_TTL_MS + Date.now()).size, 1);
	});

	test('at most FAST_MAX_ENTRIES keys in all: the oldest are evicted', () => {
		const now = Date.now() + 3 * FAST_TTL_MS; // past every key the tests above remembered
		const keys = Array.from({ length: FAST_MAX_ENTRIES + 10 }, (_, i) => `bound-${i}`);
		rememberAccepted('bound/x', keys.slice(0, 10), now);
		rememberAccepted('bound/x', keys.slice(10), now + 1);
		assert.equal(acceptedCount(), FAST_MAX_ENTRIES);
		assert.equal(acceptedHere('bound/x', keys.slice(0, 10), now + 2).size, 0, 'the oldest 10 are gone');
		assert.equal(acceptedHere('bound/x', keys.slice(10), now + 2).size, FAST_MAX_ENTRIES);
		// A key remembered again moves to the newest end and survives the next eviction.
		rememberAccepted('bound/x', ['bound-10'], now + 3);
		rememberAccepted('bound/x', ['bound-new'], now + 4);
		assert.equal(acceptedHere('bound/x', ['bound-10', 'bound-11', 'bound-new'], now + 5).size, 2);
		assert.equal(acceptedHere('bound/x', ['bound-11'], now + 5).size, 0);
	});
});
