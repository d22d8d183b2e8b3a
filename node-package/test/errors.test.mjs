// Typed errors: local validation (before any request), Graph answers (the shared fixtures of
// Meta's documented envelopes), secrets never leaking, and bad input never crashing Node.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawnSync } from 'node:child_process';
import { clientFor, collect, errorFixtures, ig, PKG_DIR, stats } from './helpers.mjs';

let sb;
let client;

before(async () => {
	sb = await ig.startSandbox({ mediaCount: 30 });
	client = clientFor(sb);
});
after(async () => {
	await sb?.stop();
});

/** Assert `fn` fails with no HTTP request reaching the sandbox. */
async function rejectsLocally(fn, check) {
	const before = (await stats(sb)).requests;
	await assert.rejects(fn, check);
	assert.equal((await stats(sb)).requests, before, 'a request was sent');
}

describe('validation happens before any request', () => {
	test('limit out of range names params.limit', async () => {
		await rejectsLocally(
			() => client.call('media.list', { limit: 1000 }),
			(e) => {
				assert.ok(e instanceof ig.InvalidParamsError);
				assert.ok(e instanceof ig.InstagramError);
				assert.ok(e instanceof Error);
				assert.equal(e.kind, 'invalid_params');
				assert.equal(e.code, 'IG_INVALID_PARAMS');
				assert.equal(e.name, 'InvalidParamsError');
				assert.match(e.message, /params\.limit/);
				assert.equal(e.httpStatus, null);
				return true;
			},
		);
	});

	test('generated methods validate too', async () => {
		await rejectsLocally(() => client.media.list({ limit: 0 }), (e) => e instanceof ig.InvalidParamsError && /params\.limit/.test(e.message));
		await rejectsLocally(() => client.media.get({}), (e) => e instanceof ig.InvalidParamsError && /media_id/.test(e.message));
		await rejectsLocally(() => client.call('user.get', { bogus: 1 }), (e) => e instanceof ig.InvalidParamsError && /bogus/.test(e.message));
		await rejectsLocally(() => client.call('media.list', { since: 'not a date' }), (e) => e instanceof ig.InvalidParamsError && /since/.test(e.message));
	});

	test('paginate validates when called, synchronously', async () => {
		const before = (await stats(sb)).requests;
		assert.throws(() => client.paginate('media.list', { limit: 101 }), (e) => e instanceof ig.InvalidParamsError && /params\.limit/.test(e.message));
		assert.throws(() => client.paginate('media.list', {}, { maxItems: -1 }), (e) => e instanceof ig.InvalidParamsError && /maxItems/.test(e.message));
		assert.throws(() => client.paginate('media.list', {}, { maxItems: 1.5 }), ig.InvalidParamsError);
		assert.throws(() => client.media.listAll({ limit: 'ten' }), ig.InvalidParamsError);
		assert.equal((await stats(sb)).requests, before);
	});

	test('unknown operation → UnsupportedError', async () => {
		await rejectsLocally(
			() => client.call('media.explode', {}),
			(e) => e instanceof ig.UnsupportedError && e.code === 'IG_UNSUPPORTED' && /media\.explode/.test(e.message),
		);
		assert.throws(() => client.paginate('user.get', {}), (e) => e instanceof ig.UnsupportedError && /not paginated/.test(e.message));
		assert.throws(() => client.paginate('nope.nope'), ig.UnsupportedError);
	});

	test('client options are checked', () => {
		assert.throws(() => new ig.InstagramClient({}), (e) => e instanceof ig.InvalidParamsError && /access_token/.test(e.message));
		assert.throws(() => new ig.InstagramClient({ accessToken: 'T0KEN', login: 'myspace' }), (e) => e instanceof ig.InvalidParamsError && /login/.test(e.message));
		assert.throws(() => new ig.InstagramClient({ accessToken: 'T0KEN', baseURL: 'http://x' }), (e) => e instanceof ig.InvalidParamsError && /baseURL/.test(e.message));
		assert.throws(() => new ig.InstagramClient({ accessToken: 'T0KEN', apiVersion: 'latest' }), (e) => e instanceof ig.InvalidParamsError && /api_version/.test(e.message));
		assert.throws(() => new ig.InstagramClient({ accessToken: 'T0KEN', baseUrl: 'ftp://x' }), ig.InvalidParamsError);
		assert.throws(() => new ig.InstagramClient(null), ig.InvalidParamsError);
		const secret = 'SECRET_TOKEN_with space';
		assert.throws(
			() => new ig.InstagramClient({ accessToken: secret }),
			(e) => e instanceof ig.InvalidParamsError && !JSON.stringify(e).includes(secret) && !e.stack.includes(secret),
		);
	});
});

describe('Graph errors', () => {
	test('wrong token → AuthError (190) and the token appears nowhere', async () => {
		const token = 'EAAWRONGTOKEN0123456789abcdef';
		const bad = clientFor(sb, { accessToken: token });
		const err = await bad.user.get().then(
			() => assert.fail('expected a rejection'),
			(e) => e,
		);
		assert.ok(err instanceof ig.AuthError, `got ${err?.name}: ${err?.message}`);
		assert.equal(err.kind, 'auth');
		assert.equal(err.code, 'IG_AUTH');
		assert.equal(err.graphCode, 190);
		assert.equal(typeof err.httpStatus, 'number');
		assert.equal(err.isTransient, false);
		for (const text of [err.message, err.stack, JSON.stringify(err), String(err), JSON.stringify(err.errorData)]) {
			assert.ok(!String(text).includes(token), `token leaked: ${text}`);
		}
		const json = err.toJSON();
		assert.equal(json.kind, 'auth');
		assert.equal(json.code, 190);
		assert.equal(json.error_code, 'IG_AUTH');
		// Paginated calls fail the same way.
		await assert.rejects(collect(bad.paginate('media.list', {})), ig.AuthError);
	});

	test('unknown object → NotFoundError', async () => {
		await assert.rejects(client.media.get({ media_id: '999999999999' }), (e) => e instanceof ig.NotFoundError && e.httpStatus !== null);
	});

	test('unreachable host → TransportError', async () => {
		const dead = await ig.startSandbox({ mediaCount: 1 });
		const url = dead.url;
		await dead.stop();
		const c = new ig.InstagramClient({ accessToken: 'T0KEN', baseUrl: url, maxRetries: 0, timeoutMs: 2000 });
		await assert.rejects(c.user.get(), (e) => e instanceof ig.TransportError && e.code === 'IG_TRANSPORT' && e.httpStatus === null);
	});
});

describe('shared error fixtures (fixtures/graph/errors)', () => {
	const fixtures = errorFixtures();
	let server;
	let current;
	let base;

	before(async () => {
		server = createServer((req, res) => {
			res.writeHead(current.http_status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(current.body));
		});
		await new Promise((r) => server.listen(0, '127.0.0.1', r));
		base = `http://127.0.0.1:${server.address().port}`;
	});
	after(() => new Promise((r) => server.close(r)));

	test('fixtures are present', () => {
		assert.ok(fixtures.length > 0, 'no fixtures found in fixtures/graph/errors');
	});

	const classFor = {
		auth: 'AuthError',
		permission: 'PermissionError',
		rate_limited: 'RateLimitError',
		invalid_params: 'InvalidParamsError',
		not_found: 'NotFoundError',
		transient: 'TransientError',
		transport: 'TransportError',
		unsupported: 'UnsupportedError',
		conflict: 'ConflictError',
		api: 'ApiError',
	};
	const camel = {
		code: 'graphCode',
		error_subcode: 'subcode',
		is_transient: 'isTransient',
		fbtrace_id: 'fbtraceId',
		http_status: 'httpStatus',
		error_type: 'errorType',
		error_user_title: 'errorUserTitle',
		error_user_msg: 'errorUserMsg',
		retry_after: 'retryAfter',
	};

	for (const fx of fixtures) {
		test(`${fx.name} → ${fx.expected.kind}`, async () => {
			current = fx;
			const c = new ig.InstagramClient({ accessToken: 'FIXTURETOKEN123', baseUrl: base, maxRetries: 0 });
			const err = await c.user.get({ ig_user_id: '17841400000000000' }).then(
				() => assert.fail('expected a rejection'),
				(e) => e,
			);
			assert.equal(err.constructor.name, classFor[fx.expected.kind]);
			assert.ok(err instanceof ig[classFor[fx.expected.kind]]);
			assert.equal(err.code, `IG_${fx.expected.kind.toUpperCase()}`);
			assert.equal(err.httpStatus, fx.http_status);
			for (const [key, want] of Object.entries(fx.expected)) {
				if (key === 'kind') continue;
				assert.ok(camel[key], `unknown expected key ${key}`);
				assert.deepEqual(err[camel[key]], want, `${key}`);
				assert.deepEqual(err.toJSON()[key], want, `toJSON().${key}`);
			}
			assert.ok(!JSON.stringify(err).includes('FIXTURETOKEN123'));
		});
	}
});

describe('bad input never crashes Node', () => {
	test('odd params are rejected as errors', async () => {
		const odd = [
			['media.list', []],
			['media.list', 'limit=5'],
			['media.list', 42],
			['media.list', { limit: Number.NaN }],
			['media.list', { limit: 1e300 }],
			['media.list', { limit: -0.5 }],
			['media.list', { fields: '\ud800' }],
			['media.list', { fields: { nested: [1, 2, { deep: true }] } }],
			['media.get', { media_id: '../../me?x=' }],
			['media.list', { ig_user_id: 'a'.repeat(100000) }],
		];
		let deep = {};
		for (let i = 0; i < 5000; i++) deep = { a: deep };
		odd.push(['user.get', { fields: deep }]);
		for (const [op, params] of odd) {
			await assert.rejects(client.call(op, params), (e) => e instanceof ig.InstagramError, `${op} ${String(params).slice(0, 40)}`);
		}
		await assert.rejects(client.call('user.get', { fields: 10n }), ig.InvalidParamsError);
		const cyclic = {};
		cyclic.self = cyclic;
		await assert.rejects(client.call('user.get', cyclic), ig.InvalidParamsError);
		assert.throws(() => client.paginate('media.list', {}, { maxItems: Number.POSITIVE_INFINITY }), ig.InvalidParamsError);
		assert.throws(() => client.paginate('media.list', {}, { maxItems: Number.NaN }), ig.InvalidParamsError);
		// Still healthy afterwards.
		assert.equal((await client.user.get({ fields: 'user_id' })).user_id, sb.igUserId);
	});

	test('a Rust panic becomes an InternalError, not a crash', () => {
		// In a child process: the panic message goes to its stderr, and its exit code proves Node survived.
		const script = `
			const native = require('./native/instagram-graph.linux-x64-gnu.node');
			const { fromThrown, unwrap } = require('./dist/src/native.js');
			if (typeof native.__panicForTests !== 'function') { console.log('SKIP'); process.exit(0); }
			let sync;
			try { native.__panicForTests(); } catch (e) { sync = fromThrown(e); }
			native.__panicForTestsAsync().then((text) => {
				let asyncErr;
				try { unwrap(text); } catch (e) { asyncErr = e; }
				console.log(JSON.stringify({ sync: [sync.name, sync.kind, sync.message], async: [asyncErr.name, asyncErr.kind, asyncErr.message] }));
			});`;
		const r = spawnSync(process.execPath, ['-e', script], { cwd: PKG_DIR, encoding: 'utf8', env: { ...process.env, RUST_BACKTRACE: '0' } });
		assert.equal(r.status, 0, r.stderr);
		if (r.stdout.trim() === 'SKIP') {
			// Only a build meant to lack the hooks (make node-pack's) may skip, and must say so.
			assert.equal(process.env.IG_NO_TEST_HOOKS, '1', 'the addon lacks __panicForTests: build it with --features test-hooks (make node-addon does)');
			return;
		}
		const out = JSON.parse(r.stdout.trim());
		assert.equal(out.sync[0], 'InternalError');
		assert.equal(out.sync[1], 'internal');
		assert.match(out.sync[2], /panic/);
		assert.equal(out.async[0], 'InternalError');
		assert.match(out.async[2], /panic/);
	});
});
