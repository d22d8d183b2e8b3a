// webhooks: signature rules (over the exact bytes, header objects read case-insensitively,
// sha1 only without sha256), the GET handshake, parsing, typed errors, secrets never in an
// error, and bytes-only input.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { ig } from './helpers.mjs';

const { webhooks } = ig;
const SECRET = 'test-app-secret-0123456789abcdef';
const TOKEN = 'verify-token-9f8e7d6c5b4a';

// Meta's bytes: compact, escaped unicode, escaped slashes (graph-api.md §3.3).
const BODY = Buffer.from(
	'{"object":"instagram","entry":[{"id":"17841400000000001","time":1569262486134,"messaging":[{"sender":{"id":"5550001"},"recipient":{"id":"17841400000000001"},"timestamp":1569262485349,"message":{"mid":"m_1","text":"caf\\u00e9 \\/ ok"}}]}]}',
);
const hmac = (algo, body, secret = SECRET) => `${algo}=${createHmac(algo, secret).update(body).digest('hex')}`;

const isKind = (cls, kind) => (e) => {
	assert.ok(e instanceof cls, `expected ${cls.name}, got ${e?.name}: ${e?.message}`);
	assert.ok(e instanceof ig.InstagramError);
	assert.equal(e.kind, kind);
	assert.equal(e.code, `IG_${kind.toUpperCase()}`);
	assert.ok(!e.message.includes(SECRET) && !e.message.includes(TOKEN), e.message);
	assert.ok(!JSON.stringify(e).includes(SECRET) && !JSON.stringify(e).includes(TOKEN));
	return true;
};

describe('verifySignature', () => {
	test('a header value: sha256 over the exact bytes', () => {
		assert.equal(webhooks.verifySignature(BODY, hmac('sha256', BODY), SECRET), true);
		assert.equal(webhooks.verifySignature(new Uint8Array(BODY), hmac('sha256', BODY), SECRET), true);
		const ab = BODY.buffer.slice(BODY.byteOffset, BODY.byteOffset + BODY.length);
		assert.equal(webhooks.verifySignature(ab, hmac('sha256', BODY), SECRET), true);
		// Uppercase hex is the same digest.
		assert.equal(webhooks.verifySignature(BODY, `sha256=${createHmac('sha256', SECRET).update(BODY).digest('hex').toUpperCase()}`, SECRET), true);
	});

	test('re-serialized JSON, another secret, a changed byte: false', () => {
		const reserialized = Buffer.from(JSON.stringify(JSON.parse(BODY.toString())));
		assert.notDeepEqual(reserialized, BODY);
		assert.equal(webhooks.verifySignature(reserialized, hmac('sha256', BODY), SECRET), false);
		assert.equal(webhooks.verifySignature(BODY, hmac('sha256', BODY, 'another-secret'), SECRET), false);
		const tampered = Buffer.from(BODY);
		tampered[tampered.length - 5] ^= 1;
		assert.equal(webhooks.verifySignature(tampered, hmac('sha256', BODY), SECRET), false);
		// A sub-view of a larger buffer is read as exactly its bytes.
		const big = Buffer.concat([Buffer.from('xx'), BODY, Buffer.from('yy')]);
		assert.equal(webhooks.verifySignature(big.subarray(2, 2 + BODY.length), hmac('sha256', BODY), SECRET), true);
		assert.equal(webhooks.verifySignature(big, hmac('sha256', BODY), SECRET), false);
	});

	test('malformed, truncated, non-hex, unknown algorithm, empty: InvalidSignatureError', () => {
		const good = hmac('sha256', BODY);
		for (const bad of ['', 'sha256=', 'sha256', good.slice(0, -2), `${good}00`, `sha256=${'z'.repeat(64)}`, `md5=${'0'.repeat(32)}`, good.replace('sha256=', ''), ` ${good}x`]) {
			assert.throws(() => webhooks.verifySignature(BODY, bad, SECRET), isKind(ig.InvalidSignatureError, 'invalid_signature'), JSON.stringify(bad));
		}
		assert.throws(() => webhooks.verifySignature(BODY, good, ''), isKind(ig.InvalidSignatureError, 'invalid_signature'));
	});

	test('headers objects are read case-insensitively', () => {
		const sig = hmac('sha256', BODY);
		for (const headers of [
			{ 'x-hub-signature-256': sig },
			{ 'X-Hub-Signature-256': sig },
			{ 'X-HUB-SIGNATURE-256': [sig] },
			new Headers({ 'X-Hub-Signature-256': sig }),
		]) {
			assert.equal(webhooks.verifySignature(BODY, headers, SECRET), true);
		}
		assert.equal(webhooks.verifySignature(BODY, { 'X-Hub-Signature-256': hmac('sha256', BODY, 'other') }, SECRET), false);
	});

	test('sha1 only when there is no sha256 header', () => {
		const sha1 = hmac('sha1', BODY);
		assert.equal(webhooks.verifySignature(BODY, { 'X-Hub-Signature': sha1 }, SECRET), true);
		assert.equal(webhooks.verifySignature(BODY, sha1, SECRET), true);
		// A wrong sha256 is not rescued by a right sha1.
		assert.equal(webhooks.verifySignature(BODY, { 'X-Hub-Signature-256': hmac('sha256', BODY, 'other'), 'X-Hub-Signature': sha1 }, SECRET), false);
		// A malformed sha256 fails even with a right sha1.
		assert.throws(() => webhooks.verifySignature(BODY, { 'x-hub-signature-256': 'sha256=nothex', 'x-hub-signature': sha1 }, SECRET), ig.InvalidSignatureError);
		assert.equal(webhooks.verifySignature(BODY, { 'X-Hub-Signature-256': hmac('sha256', BODY), 'X-Hub-Signature': hmac('sha1', BODY, 'other') }, SECRET), true);
	});

	test('lone surrogates and hostile header values: a typed error, never a crash', () => {
		for (const bad of ['sha256=\udc80', `sha256=\ud800${'0'.repeat(63)}`, `sha256=${'0'.repeat(1_000_000)}`, 'sha256=\u0000']) {
			assert.throws(() => webhooks.verifySignature(BODY, bad, SECRET), ig.InvalidSignatureError);
			assert.throws(() => webhooks.verifySignature(BODY, { 'x-hub-signature-256': bad }, SECRET), ig.InvalidSignatureError);
		}
		// A lone surrogate in the secret becomes U+FFFD, as Node's own Buffer and createHmac encode it.
		assert.equal(webhooks.verifySignature(BODY, hmac('sha256', BODY, 'secret\udc80'), 'secret\udc80'), true);
		assert.throws(() => webhooks.verifySubscription({ 'hub.mode': 'subscribe\udc80', 'hub.verify_token': TOKEN, 'hub.challenge': '1' }, TOKEN), ig.VerificationFailedError);
	});

	test('no signature header at all: InvalidSignatureError', () => {
		for (const headers of [{}, { 'content-type': 'application/json' }, new Headers()]) {
			assert.throws(() => webhooks.verifySignature(BODY, headers, SECRET), isKind(ig.InvalidSignatureError, 'invalid_signature'));
		}
	});

	test('strings and parsed objects are refused as rawBody', () => {
		const sig = hmac('sha256', BODY);
		for (const raw of [BODY.toString(), JSON.parse(BODY.toString()), null, undefined, 42, [1, 2]]) {
			assert.throws(
				() => webhooks.verifySignature(raw, sig, SECRET),
				(e) => e instanceof TypeError && /rawBody must be the raw request bytes \(Buffer\): Meta signs the exact bytes/.test(e.message),
			);
			assert.throws(() => webhooks.parse(raw), TypeError);
		}
		assert.throws(() => webhooks.verifySignature(BODY, sig, undefined), TypeError);
		assert.throws(() => webhooks.verifySignature(BODY, 42, SECRET), TypeError);
	});
});

describe('verifySubscription', () => {
	const good = { 'hub.mode': 'subscribe', 'hub.verify_token': TOKEN, 'hub.challenge': '1158201444' };

	test('returns the challenge for every query form', () => {
		const qs = new URLSearchParams(good).toString();
		for (const q of [good, new URLSearchParams(good), qs, `?${qs}`, `/webhook?${qs}`, { hub_mode: 'subscribe', hub_verify_token: TOKEN, hub_challenge: '1158201444' }, { ...good, 'hub.challenge': ['1158201444'] }]) {
			assert.equal(webhooks.verifySubscription(q, TOKEN), '1158201444');
		}
	});

	test('wrong token, wrong mode, no challenge, no token: VerificationFailedError without either token', () => {
		for (const q of [
			{ ...good, 'hub.verify_token': 'wrong-token-value-123' },
			{ ...good, 'hub.mode': 'unsubscribe' },
			{ 'hub.mode': 'subscribe', 'hub.verify_token': TOKEN },
			{ 'hub.mode': 'subscribe', 'hub.challenge': '1' },
			{},
			'',
		]) {
			assert.throws(() => webhooks.verifySubscription(q, TOKEN), isKind(ig.VerificationFailedError, 'verification_failed'), JSON.stringify(q));
		}
		assert.throws(() => webhooks.verifySubscription({ ...good, 'hub.verify_token': 'wrong-token-value-123' }, TOKEN), (e) => !e.message.includes('wrong-token-value-123'));
		assert.throws(() => webhooks.verifySubscription(good, undefined), TypeError);
	});
});

describe('parse', () => {
	test('a message: snake_case fields, text decoded from the escapes', () => {
		const [ev, ...rest] = webhooks.parse(BODY);
		assert.equal(rest.length, 0);
		assert.equal(ev.event_type, 'message');
		assert.equal(ev.field, 'messages');
		assert.equal(ev.account_id, '17841400000000001');
		assert.equal(ev.sender_id, '5550001');
		assert.equal(ev.recipient_id, '17841400000000001');
		assert.equal(ev.time, 1569262486134);
		assert.equal(ev.timestamp, 1569262485349);
		assert.equal(ev.text, 'café / ok');
		assert.equal(ev.mid, 'm_1');
		assert.equal(ev.is_echo, false);
		assert.equal(typeof ev.dedupe_key, 'string');
		assert.deepEqual(ev.raw, JSON.parse(BODY.toString()).entry[0].messaging[0]);
		// Stable across parses.
		assert.equal(webhooks.parse(BODY)[0].dedupe_key, ev.dedupe_key);
	});

	test('not a delivery: InvalidPayloadError', () => {
		for (const bad of ['', 'not json', '[]', '{"object":"instagram"}', '{"object":"instagram","entry":"x"}', '['.repeat(100000), '\xff\xfe']) {
			assert.throws(() => webhooks.parse(Buffer.from(bad, 'latin1')), isKind(ig.InvalidPayloadError, 'invalid_payload'), bad.slice(0, 40));
		}
	});

	test('unknown fields become unknown events without failing the batch', () => {
		const body = Buffer.from(
			'{"object":"instagram","entry":[{"id":"1","time":1520622968,"changes":[{"field":"brand_new_field","value":{"x":1}},{"field":"mentions","value":{"media_id":"17918195224117851"}}]}]}',
		);
		const events = webhooks.parse(body);
		assert.deepEqual(
			events.map((e) => e.event_type),
			['unknown', 'mention'],
		);
		assert.equal(typeof events[0].raw, 'object');
		assert.ok(JSON.stringify(events[0].raw).includes('"x":1'));
		assert.equal(events[1].time, 1520622968000);
		assert.notEqual(events[0].dedupe_key, events[1].dedupe_key);
	});
});

describe('fields', () => {
	test('the subscribable fields catalogue', () => {
		const fields = webhooks.fields();
		const names = fields.map((f) => f.field);
		for (const f of ['messages', 'message_reactions', 'comments', 'live_comments', 'mentions', 'story_insights', 'messaging_seen']) assert.ok(names.includes(f), f);
		for (const f of fields) {
			for (const k of ['description', 'display_name', 'envelope', 'event_types', 'field', 'logins']) assert.ok(k in f, `${f.field}: ${k}`);
			assert.ok(['changes', 'messaging', 'standby'].includes(f.envelope));
			assert.ok(Array.isArray(f.event_types) && f.event_types.length > 0, f.field);
		}
		assert.ok(fields.find((f) => f.field === 'message_reactions').event_types.includes('reaction'));
	});
});
