// The shared webhook fixtures (fixtures/webhooks/, see its README): every event payload
// verifies with its signatures and parses to its expected events; every signature, handshake
// and invalid-body case gives its verdict or error kind; the TypeScript event types accept
// every expected event exactly (tsc with excess-property checks).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ig, PKG_DIR, REPO_DIR } from './helpers.mjs';

const { webhooks } = ig;
const DIR = join(REPO_DIR, 'fixtures', 'webhooks');
const read = (rel) => readFileSync(join(DIR, rel));
const json = (rel) => JSON.parse(read(rel).toString('utf8'));
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Every complete expected event of a fixture (batch_1000 has a summary with its first and last). */
const expectedOf = (f) => f.expected ?? [f.expected_summary.first, f.expected_summary.last];

const eventFixtures = readdirSync(join(DIR, 'events'))
	.filter((n) => n.endsWith('.json'))
	.sort()
	.map((n) => ({ name: n.replace(/\.json$/, ''), ...json(`events/${n}`), body: read(`events/${n.replace(/\.json$/, '.body')}`) }));

/** The thrown error's kind, or the boolean returned. */
function verdict(f) {
	try {
		return f();
	} catch (e) {
		assert.ok(e instanceof ig.InstagramError, `not a typed error: ${e}`);
		return e.kind;
	}
}

const titleCase = (headers) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.replace(/(^|-)[a-z]/g, (c) => c.toUpperCase()), v]));

describe('fixtures/webhooks/events', () => {
	test('there is one fixture per event type', () => {
		const types = new Set(eventFixtures.flatMap((f) => expectedOf(f).map((e) => e.event_type)));
		for (const t of ['message', 'message_echo', 'message_deleted', 'message_edit', 'reaction', 'postback', 'referral', 'seen', 'optin', 'handover', 'comment', 'live_comment', 'mention', 'story_insights', 'unknown']) {
			assert.ok(types.has(t), `no fixture has a ${t} event`);
		}
	});

	for (const fx of eventFixtures) {
		test(fx.name, () => {
			assert.equal(webhooks.verifySignature(fx.body, fx.sha256, fx.app_secret), true);
			assert.equal(webhooks.verifySignature(fx.body, { 'X-Hub-Signature-256': fx.sha256 }, fx.app_secret), true);
			if (fx.sha1) assert.equal(webhooks.verifySignature(fx.body, { 'x-hub-signature': fx.sha1 }, fx.app_secret), true);
			assert.equal(webhooks.verifySignature(fx.body, fx.sha256, `${fx.app_secret}x`), false);
			const events = webhooks.parse(fx.body);
			if (fx.expected) {
				assert.deepStrictEqual(events, fx.expected);
			} else {
				const sum = fx.expected_summary;
				assert.equal(events.length, sum.count);
				const byType = {};
				for (const e of events) byType[e.event_type] = (byType[e.event_type] ?? 0) + 1;
				assert.deepStrictEqual(byType, sum.event_types);
				assert.equal(new Set(events.map((e) => e.dedupe_key)).size, sum.distinct_dedupe_keys);
				assert.deepStrictEqual(events[0], sum.first);
				assert.deepStrictEqual(events.at(-1), sum.last);
			}
			assert.equal(new Set(events.map((e) => e.dedupe_key)).size, events.length, 'dedupe keys distinct within a delivery');
		});
	}

	test('the TypeScript event types accept every expected event, key for key', () => {
		const dir = mkdtempSync(join(tmpdir(), 'ig-webhook-types-'));
		const file = join(dir, 'check.ts');
		const all = eventFixtures.flatMap(expectedOf);
		// batch_1000 repeats the same shapes; one of each (type, key set) is enough for tsc.
		const seen = new Set();
		const unique = all.filter((e) => {
			const k = `${e.event_type}:${Object.keys(e).sort().join(',')}`;
			return seen.has(k) ? false : (seen.add(k), true);
		});
		writeFileSync(
			file,
			`import type { WebhookEvent } from ${JSON.stringify(join(PKG_DIR, 'dist', 'index'))};\n` +
				unique.map((e, i) => `export const e${i}: WebhookEvent = ${JSON.stringify(e)};\n`).join(''),
		);
		const tsc = join(PKG_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
		const args = [tsc, '--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'commonjs', '--moduleResolution', 'node', '--types', 'node', '--typeRoots', join(PKG_DIR, 'node_modules', '@types'), file];
		const ok = spawnSync(process.execPath, args, { encoding: 'utf8' });
		assert.equal(ok.status, 0, ok.stdout + ok.stderr);
		// The check can fail: an event with an extra key and one without `mid` are refused.
		const message = unique.find((e) => e.event_type === 'message');
		const { mid, ...noMid } = message;
		assert.ok(mid !== undefined);
		writeFileSync(
			file,
			`import type { WebhookEvent } from ${JSON.stringify(join(PKG_DIR, 'dist', 'index'))};\n` +
				`export const extra: WebhookEvent = ${JSON.stringify({ ...message, not_a_field: 1 })};\n` +
				`export const missing: WebhookEvent = ${JSON.stringify(noMid)};\n`,
		);
		const bad = spawnSync(process.execPath, args, { encoding: 'utf8' });
		assert.notEqual(bad.status, 0);
		assert.match(bad.stdout, /not_a_field/);
		assert.match(bad.stdout, /check\.ts\(3,/);
	});
});

describe('fixtures/webhooks/signatures.json', () => {
	for (const c of json('signatures.json').cases) {
		test(c.name, () => {
			const body = read(c.body);
			assert.equal(verdict(() => webhooks.verifySignature(body, c.headers, c.app_secret)), c.expected);
			// Header names in another case: the same verdict.
			assert.equal(verdict(() => webhooks.verifySignature(body, titleCase(c.headers), c.app_secret)), c.expected);
			assert.equal(verdict(() => webhooks.verifySignature(body, new Headers(c.headers), c.app_secret)), c.expected);
			const names = Object.keys(c.headers);
			const value = c.headers[names[0]];
			// The value alone says the same when it names the header's own algorithm (a sha1
			// value under the sha256 header is refused as a header, but is a valid sha1 value).
			if (names.length === 1 && !(names[0] === 'x-hub-signature-256' && /^\s*sha1=/i.test(value))) {
				assert.equal(verdict(() => webhooks.verifySignature(body, value, c.app_secret)), c.expected);
			}
			try {
				webhooks.verifySignature(body, c.headers, c.app_secret);
			} catch (e) {
				if (c.app_secret) assert.ok(!e.message.includes(c.app_secret), e.message);
			}
		});
	}
});

describe('fixtures/webhooks/subscription.json', () => {
	for (const c of json('subscription.json').cases) {
		test(c.name, () => {
			for (const query of [c.query, `?${c.query}`, new URLSearchParams(c.query)]) {
				if (c.expected.challenge !== undefined) {
					assert.equal(webhooks.verifySubscription(query, c.verify_token), c.expected.challenge);
				} else {
					assert.throws(
						() => webhooks.verifySubscription(query, c.verify_token),
						(e) => {
							assert.ok(e instanceof ig.VerificationFailedError, String(e));
							assert.equal(e.kind, c.expected.error);
							for (const [k, v] of new URLSearchParams(c.query)) {
								if (/verify_token/.test(k) && v.length >= 4) assert.ok(!e.message.includes(v), e.message);
							}
							if (c.verify_token) assert.ok(!e.message.includes(c.verify_token), e.message);
							return true;
						},
					);
				}
			}
		});
	}
});

describe('fixtures/webhooks/invalid.json', () => {
	for (const c of json('invalid.json').cases) {
		test(c.name, () => {
			assert.throws(
				() => webhooks.parse(read(c.body)),
				(e) => {
					assert.ok(e instanceof ig.InvalidPayloadError, String(e));
					assert.equal(e.kind, c.expected_error);
					assert.ok(e.message.includes(c.message_contains), e.message);
					return true;
				},
			);
		});
	}

	test('oversized (MAX_BODY_BYTES + 1)', () => {
		assert.throws(() => webhooks.parse(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20)), (e) => e instanceof ig.InvalidPayloadError && e.kind === 'invalid_payload');
	});
});
