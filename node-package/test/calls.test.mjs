// Call options and client lifecycle: AbortSignal cancellation, onProgress, callDetailed, the
// reliability policy options, apiVersion/versionWarning, close() and paginators, null params,
// util.inspect without secrets, panic messages scrubbed of every client secret.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { inspect } from 'node:util';
import { clientFor, collect, ig, PKG_DIR, require, stats } from './helpers.mjs';

let sb;
let slow;
let client;

before(async () => {
	[sb, slow] = await Promise.all([ig.startSandbox({ mediaCount: 40 }), ig.startSandbox({ mediaCount: 5, latencyMs: 20000 })]);
	client = clientFor(sb);
});
after(async () => {
	await sb?.stop();
	await slow?.stop();
});

/** Meta's appsecret_proof of the sandbox token: HMAC-SHA256(app secret, token), hex. */
const proofOf = (s) => createHmac('sha256', s.appSecret).update(s.accessToken).digest('hex');

const isCancelled = (e) => e instanceof ig.CancelledError && e instanceof ig.InstagramError && e.kind === 'cancelled' && e.code === 'IG_CANCELLED' && e.name === 'CancelledError';

describe('cancellation with an AbortSignal', () => {
	test('aborting cancels a call in flight (the sandbox would answer after 20 s)', { timeout: 10000 }, async () => {
		const c = clientFor(slow);
		const ac = new AbortController();
		const before = (await stats(slow)).requests;
		const pending = c.call('user.get', { fields: 'id' }, { signal: ac.signal });
		// Abort once the request has reached the sandbox: the cancel must stop a real wait.
		while ((await stats(slow)).requests === before) await new Promise((r) => setImmediate(r));
		ac.abort();
		await assert.rejects(pending, (e) => isCancelled(e) && /user\.get/.test(e.message));
		// The client stays usable.
		assert.equal((await client.call('user.get', { fields: 'user_id' })).user_id, sb.igUserId);
	});

	test('an already aborted signal rejects at once, before any request', async () => {
		const ac = new AbortController();
		ac.abort();
		const before = (await stats(sb)).requests;
		await assert.rejects(client.call('user.get', {}, { signal: ac.signal }), isCancelled);
		await assert.rejects(client.callDetailed('user.get', {}, { signal: ac.signal }), isCancelled);
		await assert.rejects(collect(client.paginate('media.list', {}, { signal: ac.signal })), isCancelled);
		assert.equal((await stats(sb)).requests, before);
	});

	test('aborting a walk makes its next page reject, with no further request', async () => {
		const ac = new AbortController();
		const pages = client.paginatePages('media.list', { limit: 10, fields: 'id' }, { signal: ac.signal });
		const first = await pages.next();
		assert.equal(first.value.data.length, 10);
		ac.abort();
		const before = (await stats(sb)).requests;
		await assert.rejects(pages.next(), isCancelled);
		assert.equal((await stats(sb)).requests, before);
	});

	test('a signal that is not an AbortSignal is refused', async () => {
		await assert.rejects(client.call('user.get', {}, { signal: 'stop' }), (e) => e instanceof ig.InvalidParamsError && /signal/.test(e.message));
	});
});

describe('progress', () => {
	test('paginate reports once per page', async () => {
		const reports = [];
		const items = await collect(client.paginate('media.list', { limit: 15, fields: 'id' }, { maxItems: 35, onProgress: (p) => reports.push(p) }));
		assert.equal(items.length, 35);
		// Reports travel through a non-blocking queue: let the last one land.
		await new Promise((r) => setImmediate(r));
		assert.deepEqual(
			reports.map((p) => [p.op, p.step, p.done, p.total]),
			[
				['media.list', 'page', 15, 35],
				['media.list', 'page', 30, 35],
				['media.list', 'page', 35, 35],
			],
		);
		assert.ok(reports.every((p) => typeof p.message === 'string' && p.message.length > 0));
	});

	test('a throwing onProgress neither fails the walk nor crashes Node', async () => {
		let calls = 0;
		const items = await collect(
			client.paginate('media.list', { limit: 20, fields: 'id' }, {
				onProgress: () => {
					calls++;
					throw new Error('progress bar exploded');
				},
			}),
		);
		assert.equal(items.length, 40);
		await new Promise((r) => setImmediate(r));
		assert.equal(calls, 2);
	});

	test('call accepts onProgress (a single request has no steps) and checks it', async () => {
		const reports = [];
		assert.equal((await client.call('user.get', { fields: 'user_id' }, { onProgress: (p) => reports.push(p) })).user_id, sb.igUserId);
		assert.deepEqual(reports, []);
		await assert.rejects(client.call('user.get', {}, { onProgress: 'yes' }), (e) => e instanceof ig.InvalidParamsError && /onProgress/.test(e.message));
	});
});

describe('callDetailed', () => {
	test('says what the call cost', async () => {
		const before = (await stats(sb)).requests;
		const out = await client.callDetailed('user.get', { fields: 'user_id' });
		// With Instagram Login Graph adds the app-scoped `id` to every answer; `user_id` is the account.
		assert.deepEqual(Object.keys(out).sort(), ['report', 'value']);
		assert.equal(out.value.user_id, sb.igUserId);
		assert.deepEqual(out.report, { requests: 1, retries: 0, waited_ms: 0 });
		assert.equal((await stats(sb)).requests - before, 1);
	});
});

describe('client options and API version', () => {
	test('policy options are accepted and checked, naming the option', async () => {
		const c = clientFor(sb, { retry: false, maxTotalWaitMs: 5000, highWaterMark: 80, maxConcurrency: 2, appId: '1234567890' });
		assert.equal((await c.call('user.get', { fields: 'user_id' })).user_id, sb.igUserId);
		const bad = [
			[{ retry: 'yes' }, /retry/],
			[{ maxTotalWaitMs: -1 }, /max_total_wait_ms/],
			[{ highWaterMark: 0 }, /high_water_mark/],
			[{ highWaterMark: 101 }, /high_water_mark/],
			[{ maxConcurrency: 0 }, /max_concurrency/],
			[{ appId: 'abc' }, /app_id/],
		];
		for (const [options, name] of bad) {
			assert.throws(
				() => new ig.InstagramClient({ accessToken: 'SECRET-TOKEN-VALUE', ...options }),
				(e) => e instanceof ig.InvalidParamsError && name.test(e.message) && !e.message.includes('SECRET-TOKEN-VALUE'),
			);
		}
	});

	test('apiVersion defaults to v27.0 without a warning; old or unknown versions warn', () => {
		assert.equal(client.apiVersion, 'v27.0');
		assert.equal(client.versionWarning, null);
		assert.equal(client.baseUrl, sb.url);
		for (const version of ['v99.0', 'v19.0']) {
			const c = clientFor(sb, { apiVersion: version });
			assert.equal(c.apiVersion, version);
			assert.equal(typeof c.versionWarning, 'string');
			assert.ok(c.versionWarning.includes(version), c.versionWarning);
		}
	});
});

describe('close()', () => {
	test('refuses calls, and pages of walks started before, without sending', async () => {
		const c = clientFor(sb);
		const pages = c.paginatePages('media.list', { limit: 5, fields: 'id' });
		assert.equal((await pages.next()).value.data.length, 5);
		assert.equal(c.closed, false);
		c.close();
		c.close(); // idempotent
		assert.equal(c.closed, true);
		const before = (await stats(sb)).requests;
		const closed = (e) => e instanceof ig.UnsupportedError && /client is closed/.test(e.message);
		await assert.rejects(pages.next(), closed);
		await assert.rejects(c.call('user.get', {}), closed);
		await assert.rejects(c.user.get(), closed);
		assert.throws(() => c.paginate('media.list'), closed);
		assert.equal((await stats(sb)).requests, before, 'a closed client sent a request');
	});
});

describe('null params', () => {
	test('null and undefined mean absent, as Python None does, down to the core', async () => {
		const plain = await client.call('media.list', { limit: 3, fields: 'id' });
		assert.deepEqual(await client.call('media.list', { limit: 3, fields: 'id', since: null, after: undefined }), plain);
		// The JSON null itself, straight to the addon: the core drops it too.
		const { loadNative, unwrap } = require('../dist/src/native.js');
		const native = new (loadNative().NativeClient)(JSON.stringify({ access_token: sb.accessToken, base_url: sb.url }));
		assert.deepEqual(unwrap(await native.call('media.list', JSON.stringify({ limit: 3, fields: 'id', since: null }))), plain);
		assert.deepEqual(await collect(client.paginate('media.list', { fields: 'id', until: null }, { maxItems: 3 })), plain.data);
	});
});

describe('no secret in what a client shows', () => {
	test('util.inspect, console formatting and JSON of a client', async () => {
		const c = clientFor(sb, { appSecret: sb.appSecret });
		await c.call('user.get', { fields: 'id' });
		const shown = [
			inspect(c),
			inspect(c, { showHidden: true, depth: Infinity, getters: true }),
			String(c),
			JSON.stringify(c),
			inspect(c.paginate('media.list'), { showHidden: true, depth: Infinity }),
		];
		assert.match(shown[0], /InstagramClient \{ login: 'instagram', apiVersion: 'v27\.0'/);
		for (const text of shown) {
			for (const secret of [sb.accessToken, sb.appSecret, proofOf(sb)]) assert.ok(!text.includes(secret), text);
		}
	});
});

describe('error fields', () => {
	test('new kinds have classes; unknown fields pass through', () => {
		const { errorFromFields } = require('../dist/src/errors.js');
		assert.ok(errorFromFields({ kind: 'unexpected_response', message: 'x' }) instanceof ig.UnexpectedResponseError);
		const e = errorFromFields({ kind: 'cancelled', message: 'y', retryable: false, later: { a: 1 } });
		assert.ok(isCancelled(e));
		assert.deepEqual(e.extra, { retryable: false, later: { a: 1 } });
		assert.equal(e.toJSON().retryable, false);
		assert.equal(e.toJSON().kind, 'cancelled');
	});
});

describe('panics', () => {
	test("a panic's message is scrubbed of the token, app secret and appsecret_proof", () => {
		const script = `
			const native = require('./native/instagram-graph.linux-x64-gnu.node');
			const { fromThrown, unwrap } = require('./dist/src/native.js');
			if (typeof native.__panicForTests !== 'function') { console.log('SKIP'); process.exit(0); }
			const [token, secret, url] = process.argv.slice(1);
			const client = new native.NativeClient(JSON.stringify({ access_token: token, app_secret: secret, base_url: url }));
			let sync;
			try { native.__panicForTests(client); } catch (e) { sync = fromThrown(e); }
			native.__panicForTestsAsync(client).then((text) => {
				let asyncErr;
				try { unwrap(text); } catch (e) { asyncErr = e; }
				console.log(JSON.stringify({ sync: [sync.kind, sync.message], async: [asyncErr.kind, asyncErr.message] }));
			});`;
		const r = spawnSync(process.execPath, ['-e', script, sb.accessToken, sb.appSecret, sb.url], {
			cwd: PKG_DIR,
			encoding: 'utf8',
			env: { ...process.env, RUST_BACKTRACE: '0' },
		});
		assert.equal(r.status, 0, r.stderr);
		if (r.stdout.trim() === 'SKIP') {
			assert.equal(process.env.IG_NO_TEST_HOOKS, '1', 'the addon lacks __panicForTests: build it with --features test-hooks (make node-addon does)');
			return;
		}
		const out = JSON.parse(r.stdout.trim());
		for (const [kind, message] of [out.sync, out.async]) {
			assert.equal(kind, 'internal');
			assert.match(message, /quoting .*\[redacted\]/);
		}
		assert.match(r.stderr, /panic/);
		for (const secret of [sb.accessToken, sb.appSecret, proofOf(sb)]) {
			assert.ok(!r.stdout.includes(secret), `secret in an error: ${r.stdout}`);
			assert.ok(!r.stderr.includes(secret), `secret printed by the panic hook: ${r.stderr}`);
		}
	});
});
