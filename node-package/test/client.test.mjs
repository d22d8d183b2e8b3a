// The plain Node API against a real embedded sandbox started through the public API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientFor, collect, ig, stats } from './helpers.mjs';

let sb;
let client;
let mediaCount;

before(async () => {
	sb = await ig.startSandbox({ seed: 42 });
	client = clientFor(sb);
	mediaCount = (await client.call('user.get', { fields: 'media_count' })).media_count;
});
after(async () => {
	await sb?.stop();
});

describe('startSandbox', () => {
	test('exposes url, token, app secret and account id', () => {
		assert.match(sb.url, /^http:\/\/127\.0\.0\.1:\d+$/);
		assert.equal(typeof sb.accessToken, 'string');
		assert.ok(sb.accessToken.length > 10);
		assert.equal(typeof sb.appSecret, 'string');
		assert.match(sb.igUserId, /^\d+$/);
		assert.equal(sb.info.ig_user_id, sb.igUserId);
	});

	test('same seed, same data; mediaCount is honoured', async () => {
		const [a, b] = await Promise.all([
			ig.startSandbox({ seed: 7, mediaCount: 5 }),
			ig.startSandbox({ seed: 7, mediaCount: 5 }),
		]);
		try {
			const ids = async (s) => (await collect(clientFor(s).paginate('media.list', { fields: 'id' }))).map((m) => m.id);
			const [ia, ib] = await Promise.all([ids(a), ids(b)]);
			assert.equal(ia.length, 5);
			assert.deepEqual(ia, ib);
		} finally {
			await a.stop();
			await b.stop();
		}
	});

	test('stop() is idempotent and the port stops answering', async () => {
		const s = await ig.startSandbox({ mediaCount: 1 });
		await s.stop();
		await s.stop();
		await assert.rejects(fetch(`${s.url}/_sandbox/stats`));
	});

	test('rejects unknown and invalid options', async () => {
		await assert.rejects(ig.startSandbox({ mediaCoutn: 3 }), (e) => e instanceof ig.InvalidParamsError && /mediaCoutn/.test(e.message));
		await assert.rejects(ig.startSandbox({ mediaCount: 0 }), ig.InvalidParamsError);
		await assert.rejects(ig.startSandbox({ seed: 'x' }), ig.InvalidParamsError);
	});
});

describe('InstagramClient', () => {
	test('user.get returns the demo profile', async () => {
		const me = await client.call('user.get', {});
		assert.equal(me.user_id, sb.igUserId);
		assert.equal(typeof me.username, 'string');
		assert.equal(typeof me.followers_count, 'number');
		assert.equal(me.media_count, mediaCount);
		assert.ok(mediaCount > 25, 'the default sandbox has several pages of media');
	});

	test('media.list returns one page with paging.next and no credentials in it', async () => {
		const page = await client.call('media.list', { ig_user_id: sb.igUserId, limit: 25 });
		assert.equal(page.data.length, 25);
		assert.equal(typeof page.paging.next, 'string');
		assert.equal(typeof page.paging.cursors.after, 'string');
		const text = JSON.stringify(page);
		assert.ok(!text.includes('access_token'), 'access_token leaked into the page');
		assert.ok(!text.includes(sb.accessToken), 'the token leaked into the page');
		assert.ok(!text.includes('appsecret_proof'));
	});

	test('paginate walks every media once; the last page has no next', async () => {
		const before = (await stats(sb)).requests;
		const items = await collect(client.paginate('media.list', { ig_user_id: sb.igUserId, fields: 'id,media_type' }));
		assert.equal(items.length, mediaCount);
		assert.equal(new Set(items.map((m) => m.id)).size, mediaCount);
		const requests = (await stats(sb)).requests - before;
		assert.equal(requests, Math.ceil(mediaCount / 100), 'pages use the edge maximum (100)');

		const pages = await collect(client.paginatePages('media.list', { limit: 50, fields: 'id' }));
		assert.equal(pages.length, Math.ceil(mediaCount / 50));
		for (const p of pages.slice(0, -1)) assert.equal(typeof p.paging?.next, 'string');
		assert.equal(pages.at(-1).paging?.next, undefined);
		assert.equal(pages.reduce((n, p) => n + p.data.length, 0), mediaCount);
	});

	test('maxItems bounds the walk (and the first page size)', async () => {
		const before = (await stats(sb)).requests;
		const seven = await collect(client.paginate('media.list', {}, { maxItems: 7 }));
		assert.equal(seven.length, 7);
		assert.equal((await stats(sb)).requests - before, 1, 'one request for 7 items');

		const many = await collect(client.paginate('media.list', { limit: 10 }, { maxItems: 33 }));
		assert.equal(many.length, 33);
		assert.equal(new Set(many.map((m) => m.id)).size, 33);

		assert.deepEqual(await collect(client.paginate('media.list', {}, { maxItems: 0 })), []);
	});

	test('an early break stops fetching', async () => {
		const before = (await stats(sb)).requests;
		let n = 0;
		for await (const m of client.paginate('media.list', { limit: 5 })) {
			assert.ok(m.id);
			if (++n === 3) break;
		}
		assert.equal((await stats(sb)).requests - before, 1);
	});

	test('generated methods match the generic calls', async () => {
		assert.deepEqual(await client.user.get({ fields: 'id,username' }), await client.call('user.get', { fields: 'id,username' }));
		const page = await client.media.list({ ig_user_id: sb.igUserId, limit: 5 });
		assert.equal(page.data.length, 5);
		const first = page.data[0];
		const media = await client.media.get({ media_id: first.id, fields: 'id,comments_count,permalink' });
		assert.equal(media.id, first.id);
		assert.equal(typeof media.comments_count, 'number');
		const all = await collect(client.media.listAll({ fields: 'id' }, { maxItems: 12 }));
		assert.equal(all.length, 12);
		const withComments = (await collect(client.media.listAll({ fields: 'id,comments_count' }))).find((m) => m.comments_count > 0);
		assert.ok(withComments, 'some media has comments');
		const comments = await client.comments.list({ media_id: withComments.id });
		assert.ok(Array.isArray(comments.data) && comments.data.length > 0);
		const allComments = await collect(client.comments.listAll({ media_id: withComments.id, fields: 'id,text' }));
		assert.ok(allComments.length >= comments.data.length);
		assert.equal(new Set(allComments.map((c) => c.id)).size, allComments.length);
	});

	test('Date params become timestamps (since/until)', async () => {
		const all = await collect(client.paginate('media.list', { fields: 'id,timestamp' }));
		const pivot = new Date(all[20].timestamp.replace(/\+0000$/, 'Z'));
		const newer = await collect(client.paginate('media.list', { fields: 'id,timestamp', since: pivot }));
		assert.ok(newer.length >= 21 && newer.length < all.length, `got ${newer.length}`);
		for (const m of newer) assert.ok(new Date(m.timestamp.replace(/\+0000$/, 'Z')) >= pivot);
		const older = await collect(client.paginate('media.list', { fields: 'id', until: Math.floor(pivot.getTime() / 1000) }));
		assert.ok(older.length > 0 && older.length < all.length);
	});

	test('concurrent calls on one client', async () => {
		const results = await Promise.all(Array.from({ length: 8 }, () => client.user.get({ fields: 'user_id' })));
		for (const r of results) assert.equal(r.user_id, sb.igUserId);
	});

	test('usage(): null before any answer, then the reading of Meta usage headers', async () => {
		const fresh = clientFor(sb);
		assert.equal(fresh.usage(), null);
		await fresh.user.get({ fields: 'id' });
		const u = fresh.usage();
		assert.ok(u && u.app && typeof u.app.call_count === 'number', JSON.stringify(u));
		assert.ok(u.business.some((b) => b.kind === 'instagram' && b.object_id === sb.igUserId), JSON.stringify(u));
	});

	test('app secret: appsecret_proof is sent when configured', async () => {
		const strict = await ig.startSandbox({ requireAppsecretProof: true, mediaCount: 3 });
		try {
			await assert.rejects(clientFor(strict).user.get(), (e) => e instanceof ig.InstagramError && /appsecret_proof/.test(e.message));
			const me = await clientFor(strict, { appSecret: strict.appSecret }).user.get({ fields: 'user_id' });
			assert.equal(me.user_id, strict.igUserId);
		} finally {
			await strict.stop();
		}
	});
});

describe('operations()', () => {
	test('catalogue shape', () => {
		const ops = ig.operations();
		assert.ok(Array.isArray(ops) && ops.length >= 4);
		const ids = ops.map((o) => o.id);
		for (const id of ['user.get', 'media.list', 'media.get', 'comments.list']) assert.ok(ids.includes(id), id);
		assert.equal(new Set(ids).size, ids.length);
		for (const op of ops) {
			assert.match(op.id, /^[a-z_]+\.[a-z_]+$/);
			assert.equal(op.id, `${op.resource}.${op.operation}`);
			assert.equal(typeof op.summary, 'string');
			assert.equal(op.params.type, 'object');
			assert.equal(typeof op.params.properties, 'object');
			assert.ok(Array.isArray(op.params.required));
			assert.equal(typeof op.paginated, 'boolean');
			assert.equal(typeof op.idempotent, 'boolean');
			assert.ok(op.logins.length > 0 && op.logins.every((l) => l === 'facebook' || l === 'instagram'));
			if (op.paginated) assert.equal(op.page_size.param, 'limit');
		}
		ops[0].id = 'mutated';
		assert.notEqual(ig.operations()[0].id, 'mutated', 'callers get a copy');
	});
});
