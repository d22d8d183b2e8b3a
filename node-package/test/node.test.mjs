// The n8n Instagram node's execute() with a mocked IExecuteFunctions, against the sandbox,
// plus the node description and the credential.
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientFor, collect, ig, require, stats } from './helpers.mjs';

const { Instagram } = require('../dist/nodes/Instagram/Instagram.node.js');
const { InstagramGraphApi } = require('../dist/credentials/InstagramGraphApi.credentials.js');
const { NodeApiError, NodeOperationError } = require('n8n-workflow');

const NODE = {
	id: '11111111-2222-3333-4444-555555555555',
	name: 'Instagram',
	type: 'n8n-nodes-instagram-graph.instagram',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** Whether a property is shown for the given parameter values (n8n's `displayOptions.show`). */
function visible(prop, values) {
	const show = prop.displayOptions?.show ?? {};
	return Object.entries(show).every(([k, allowed]) => allowed.includes(values[k]));
}

/**
 * A mocked IExecuteFunctions. `params` is one object for every item or one per item; like n8n,
 * an unset parameter resolves to the default of the property visible for these values.
 */
function context({ params, items, credentials, continueOnFail = false, extra = {} }) {
	const node = new Instagram();
	const props = node.description.properties;
	const inputs = items ?? [{ json: {} }];
	const perItem = (i) => {
		const p = Array.isArray(params) ? params[i] : params;
		const values = { resource: 'user', returnAll: false, ...p };
		return values;
	};
	const calls = { getNodeParameter: [] };
	const ctx = {
		getInputData: () => inputs,
		getNodeParameter(name, i, fallback) {
			calls.getNodeParameter.push(name);
			const values = perItem(i);
			if (Object.hasOwn(values, name)) return values[name];
			const prop = props.find((p) => p.name === name && visible(p, values));
			if (prop) return structuredClone(prop.default);
			if (arguments.length >= 3) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		},
		async getCredentials(type) {
			assert.equal(type, 'instagramGraphApi');
			return credentials;
		},
		continueOnFail: () => continueOnFail,
		getNode: () => NODE,
		helpers: {},
		...extra,
	};
	return { run: () => node.execute.call(ctx), calls };
}

let sb;
let creds;
let mediaCount;

before(async () => {
	sb = await ig.startSandbox({ mediaCount: 60 });
	creds = { accessToken: sb.accessToken, login: 'instagram', apiVersion: 'v25.0', appSecret: '', baseUrl: sb.url };
	mediaCount = (await clientFor(sb).user.get({ fields: 'media_count' })).media_count;
});
after(async () => {
	await sb?.stop();
});

describe('Instagram node: execute()', () => {
	test('user.get → one item with pairedItem', async () => {
		const [out] = await context({ params: { resource: 'user', operation: 'get' }, credentials: creds }).run();
		assert.equal(out.length, 1);
		assert.equal(out[0].json.user_id, sb.igUserId);
		assert.equal(typeof out[0].json.username, 'string');
		assert.equal(out[0].json.media_count, mediaCount);
		assert.deepEqual(out[0].pairedItem, { item: 0 });
	});

	test('user.get with the default fields follows the login: user_id with Instagram Login only', async () => {
		// The node leaves a field at its default out, so the core picks the login's default fields.
		const fb = { ...creds, accessToken: sb.facebookAccessToken, login: 'facebook' };
		const [out] = await context({ params: { resource: 'user', operation: 'get', ig_user_id: sb.igUserId }, credentials: fb }).run();
		assert.equal(out[0].json.id, sb.igUserId);
		assert.equal(out[0].json.user_id, undefined);
		assert.equal(out[0].json.media_count, mediaCount);
		// A field set to something else is sent as set.
		const [own] = await context({ params: { resource: 'user', operation: 'get', options: { fields: ['username'] } }, credentials: creds }).run();
		assert.deepEqual(Object.keys(own[0].json), ['id', 'username']);
	});

	test('media.list returnAll → every media, each paired to its input', async () => {
		const [out] = await context({
			params: { resource: 'media', operation: 'list', returnAll: true },
			credentials: creds,
		}).run();
		assert.equal(out.length, mediaCount);
		assert.equal(new Set(out.map((o) => o.json.id)).size, mediaCount);
		for (const o of out) assert.deepEqual(o.pairedItem, { item: 0 });
		// The default `fields` of the catalogue were applied.
		assert.ok('media_type' in out[0].json && 'permalink' in out[0].json);
	});

	test('media.list limit → at most limit items (default 50)', async () => {
		const [seven] = await context({ params: { resource: 'media', operation: 'list', limit: 7 }, credentials: creds }).run();
		assert.equal(seven.length, 7);
		const [dflt] = await context({ params: { resource: 'media', operation: 'list' }, credentials: creds }).run();
		assert.equal(dflt.length, Math.min(50, mediaCount));
	});

	test('several input items: each item runs with its own parameters', async () => {
		const [out] = await context({
			items: [{ json: { a: 1 } }, { json: { a: 2 } }],
			params: [
				{ resource: 'media', operation: 'list', limit: 2, options: { fields: ['id'] } },
				{ resource: 'media', operation: 'list', limit: 3, options: { fields: ['id'], customFields: 'media_type' } },
			],
			credentials: creds,
		}).run();
		assert.deepEqual(
			out.map((o) => o.pairedItem.item),
			[0, 0, 1, 1, 1],
		);
		assert.deepEqual(Object.keys(out[0].json), ['id']);
		assert.ok('media_type' in out[4].json);
	});

	test('empty optional params are omitted, not sent as ""', async () => {
		const before = (await stats(sb)).by_endpoint['GET /me/media'] ?? 0;
		const [out] = await context({
			params: { resource: 'media', operation: 'list', ig_user_id: { __rl: true, mode: 'list', value: '' }, limit: 3, options: { since: '', customFields: '  ' } },
			credentials: creds,
		}).run();
		assert.equal(out.length, 3);
		assert.ok('caption' in out[0].json || 'media_type' in out[0].json, 'Graph default fields when fields is empty');
		assert.equal((await stats(sb)).by_endpoint['GET /me/media'], before + 1, 'ig_user_id omitted → /me/media');
	});

	test('ig_user_id and the Options collection (since) are passed', async () => {
		const all = await collect(clientFor(sb).paginate('media.list', { fields: 'id,timestamp' }));
		const pivot = all[9].timestamp;
		const [out] = await context({
			params: {
				resource: 'media',
				operation: 'list',
				ig_user_id: { __rl: true, mode: 'id', value: sb.igUserId },
				returnAll: true,
				options: { fields: ['id', 'timestamp'], since: pivot.replace('+0000', 'Z') },
			},
			credentials: creds,
		}).run();
		assert.ok(out.length >= 10 && out.length < all.length, `got ${out.length}`);
	});

	test('media.get and comments.list', async () => {
		const first = (await clientFor(sb).media.list({ fields: 'id,comments_count', limit: 20 })).data.find((m) => m.comments_count > 0);
		const [got] = await context({ params: { resource: 'media', operation: 'get', media_id: first.id }, credentials: creds }).run();
		assert.equal(got.length, 1);
		assert.equal(got[0].json.id, first.id);
		const [comments] = await context({
			params: { resource: 'comments', operation: 'list', media_id: first.id, returnAll: true },
			credentials: creds,
		}).run();
		assert.ok(comments.length > 0);
		for (const c of comments) assert.deepEqual(c.pairedItem, { item: 0 });
	});

	test('continueOnFail → an error item with json.error and pairedItem; other items still run', async () => {
		const [out] = await context({
			items: [{ json: {} }, { json: {} }],
			params: [
				{ resource: 'media', operation: 'get', media_id: '999999999999' },
				{ resource: 'user', operation: 'get', options: { fields: ['user_id'] } },
			],
			credentials: creds,
			continueOnFail: true,
		}).run();
		assert.equal(out.length, 2);
		assert.equal(typeof out[0].json.error, 'string');
		assert.equal(out[0].json.details.kind, 'not_found');
		assert.equal(out[0].json.details.error_code, 'IG_NOT_FOUND');
		assert.equal(out[0].json.details.code, 100);
		assert.equal(out[0].json.details.error_subcode, 33);
		assert.deepEqual(out[0].pairedItem, { item: 0 });
		// n8n would overwrite the JSON of an item carrying `error` with {error}; and it routes an
		// item whose JSON has only error/message/details to the error output (continueErrorOutput).
		assert.equal(out[0].error, undefined);
		assert.ok(Object.keys(out[0].json).every((k) => ['error', 'message', 'details'].includes(k)));
		assert.equal(out[1].error, undefined);
		assert.equal(out[1].json.user_id, sb.igUserId);
		assert.deepEqual(out[1].pairedItem, { item: 1 });
	});

	test('without continueOnFail: NodeApiError for Graph errors, with itemIndex', async () => {
		await assert.rejects(
			context({
				items: [{ json: {} }, { json: {} }],
				params: [
					{ resource: 'user', operation: 'get' },
					{ resource: 'media', operation: 'get', media_id: '999999999999' },
				],
				credentials: creds,
			}).run(),
			(e) => {
				assert.ok(e instanceof NodeApiError, e?.constructor?.name);
				assert.equal(e.context.itemIndex, 1);
				// Graph's code (100, subcode 33), not the HTTP status (400).
				assert.equal(e.httpCode, '100');
				assert.match(e.description, /Graph error 100, subcode 33/);
				return true;
			},
		);
	});

	test('local validation errors → NodeOperationError before any request', async () => {
		const before = (await stats(sb)).requests;
		await assert.rejects(
			context({ params: { resource: 'media', operation: 'get', media_id: '' }, credentials: creds }).run(),
			(e) => e instanceof NodeOperationError && /^Media ID is required — pick the media from the list/.test(e.message) && e.context.itemIndex === 0,
		);
		await assert.rejects(
			context({ params: { resource: 'media', operation: 'list', limit: 0 }, credentials: creds }).run(),
			(e) => e instanceof NodeOperationError && /Limit/.test(e.message),
		);
		await assert.rejects(
			context({ params: { resource: 'media', operation: 'explode' }, credentials: creds }).run(),
			(e) => e instanceof NodeOperationError && /media\.explode/.test(e.message),
		);
		assert.equal((await stats(sb)).requests, before);
	});

	test('a missing IG User ID with Facebook Login says what to do, naming the field as the panel does', async () => {
		const fb = { ...creds, accessToken: sb.facebookAccessToken, login: 'facebook' };
		await assert.rejects(
			context({ params: { resource: 'media', operation: 'list' }, credentials: fb }).run(),
			(e) => {
				assert.ok(e instanceof NodeOperationError, e?.constructor?.name);
				assert.equal(e.message, 'IG User ID is required with Facebook Login — pick the account from the list');
				return true;
			},
		);
	});

	test('a wrong token: NodeApiError whose message and JSON hold no token', async () => {
		const token = 'EAAWRONGTOKEN_n8n_0123456789';
		const err = await context({
			params: { resource: 'user', operation: 'get' },
			credentials: { ...creds, accessToken: token },
		})
			.run()
			.then(
				() => assert.fail('expected a rejection'),
				(e) => e,
			);
		assert.ok(err instanceof NodeApiError);
		for (const text of [err.message, err.description, err.stack, JSON.stringify(err)]) {
			assert.ok(!String(text).includes(token), `token leaked: ${text}`);
		}
		assert.match(err.message, /token|OAuth|access/i);
		// The panel's words: what to check, and Graph's code and type instead of the HTTP status.
		assert.match(err.description, /Check the credential: the access token expired or is invalid/);
		assert.match(err.description, /Graph error 190 \(OAuthException\)/);
		assert.equal(err.httpCode, '190');
	});

	test('appSecret from the credential is used (sandbox requiring appsecret_proof)', async () => {
		const strict = await ig.startSandbox({ requireAppsecretProof: true, mediaCount: 2 });
		try {
			const base = { accessToken: strict.accessToken, login: 'instagram', apiVersion: 'v25.0', baseUrl: strict.url };
			const [out] = await context({
				params: { resource: 'user', operation: 'get', options: { fields: ['user_id'] } },
				credentials: { ...base, appSecret: strict.appSecret },
			}).run();
			assert.equal(out[0].json.user_id, strict.igUserId);
			await assert.rejects(
				context({ params: { resource: 'user', operation: 'get' }, credentials: { ...base, appSecret: '' } }).run(),
				NodeApiError,
			);
		} finally {
			await strict.stop();
		}
	});
});

describe('Instagram node: credential test through the core', () => {
	const testFn = new Instagram().methods.credentialTest.instagramGraphApiTest;
	const run = (data) => testFn.call({}, { id: 'c1', name: 'IG', type: 'instagramGraphApi', data });

	test('Instagram Login: OK with the account name; a wrong token is an Error without the token', async () => {
		const sb = await ig.startSandbox({ mediaCount: 2 });
		try {
			const base = { accessToken: sb.accessToken, login: 'instagram', apiVersion: 'v25.0', baseUrl: sb.url };
			const ok = await run(base);
			assert.equal(ok.status, 'OK', ok.message);
			assert.match(ok.message, /@sandbox\.studio/);
			const bad = await run({ ...base, accessToken: 'WRONG-TOKEN-987' });
			assert.equal(bad.status, 'Error');
			assert.ok(!bad.message.includes('WRONG-TOKEN-987'), bad.message);
		} finally {
			await sb.stop();
		}
	});

	test('signs with appsecret_proof (a sandbox requiring it) and handles Facebook Login via pages', async () => {
		const sb = await ig.startSandbox({ requireAppsecretProof: true, mediaCount: 2 });
		try {
			const base = { accessToken: sb.accessToken, apiVersion: 'v25.0', baseUrl: sb.url, appSecret: sb.appSecret };
			assert.equal((await run({ ...base, login: 'instagram' })).status, 'OK');
			const fb = await run({ ...base, accessToken: sb.facebookAccessToken, login: 'facebook' });
			assert.equal(fb.status, 'OK', fb.message);
			assert.match(fb.message, /1 linked Instagram account/);
			const unsigned = await run({ ...base, login: 'instagram', appSecret: '' });
			assert.equal(unsigned.status, 'Error');
			assert.match(unsigned.message, /appsecret_proof/);
		} finally {
			await sb.stop();
		}
	});
});

describe('Instagram node: Request Options, progress, hints, cancellation', () => {
	/** A logger and an execution-hints sink, like n8n's. */
	function observed() {
		const logs = [];
		const hints = [];
		const logger = Object.fromEntries(['debug', 'info', 'warn', 'error'].map((level) => [level, (message, meta) => logs.push({ level, message, meta })]));
		return { logs, hints, extra: { logger, addExecutionHints: (...h) => hints.push(...h) } };
	}

	test('the Request Options collection is shown for every operation, sorted, with n8n defaults', () => {
		const prop = new Instagram().description.properties.find((p) => p.name === 'requestOptions');
		assert.equal(prop.type, 'collection');
		assert.equal(prop.displayOptions, undefined);
		assert.deepEqual(
			prop.options.map((o) => [o.name, o.default]),
			[
				['highWaterMark', 90],
				['maxConcurrency', 16],
				['maxRetries', 2],
				['maxTotalWait', 60],
				['retry', true],
			],
		);
		const names = prop.options.map((o) => o.displayName);
		assert.deepEqual(names, [...names].sort());
	});

	test('Request Options reach the client: accepted values run, a refused one names its key', async () => {
		const requestOptions = { maxRetries: 0, retry: false, maxTotalWait: 1.5, highWaterMark: 75, maxConcurrency: 4 };
		const [out] = await context({ params: { resource: 'user', operation: 'get', requestOptions }, credentials: creds }).run();
		assert.equal(out[0].json.user_id, sb.igUserId);
		const [bad] = await context({
			params: { resource: 'user', operation: 'get', requestOptions: { highWaterMark: 0 } },
			credentials: creds,
			continueOnFail: true,
		}).run();
		assert.match(bad[0].json.error, /high_water_mark/);
	});

	test('page progress goes to the logger (debug), one line per page', async () => {
		const o = observed();
		const [out] = await context({
			params: { resource: 'media', operation: 'list', returnAll: true },
			credentials: creds,
			extra: o.extra,
		}).run();
		assert.equal(out.length, mediaCount);
		await new Promise((r) => setImmediate(r));
		const pages = o.logs.filter((l) => l.level === 'debug' && l.meta?.step === 'page');
		assert.equal(pages.length, Math.ceil(mediaCount / 100));
		assert.match(pages[0].message, /^Instagram media\.list: page 1/);
		assert.equal(pages.at(-1).meta.done, mediaCount);
		assert.deepEqual(o.hints, [], 'v25.0 needs no hint');
	});

	test('an expiring or unknown API version becomes one execution hint', async () => {
		const o = observed();
		const [out] = await context({
			items: [{ json: {} }, { json: {} }],
			params: { resource: 'user', operation: 'get', options: { fields: ['id'] } },
			credentials: { ...creds, apiVersion: 'v99.0' },
			extra: o.extra,
		}).run();
		assert.equal(out.length, 2);
		assert.equal(o.hints.length, 1);
		assert.equal(o.hints[0].type, 'warning');
		assert.match(o.hints[0].message, /v99\.0/);
		assert.ok(!o.hints[0].message.includes(sb.accessToken));
	});

	test("a stopped execution (n8n's cancel signal) cancels the calls", async () => {
		const ac = new AbortController();
		ac.abort();
		const before = (await stats(sb)).requests;
		const [out] = await context({
			params: { resource: 'user', operation: 'get' },
			credentials: creds,
			continueOnFail: true,
			extra: { getExecutionCancelSignal: () => ac.signal },
		}).run();
		assert.equal(out[0].json.details.kind, 'cancelled');
		assert.equal((await stats(sb)).requests, before);
	});
});

describe('Instagram node: description', () => {
	const d = new Instagram().description;
	const ops = ig.operations();

	test('n8n conventions', () => {
		assert.equal(d.name, 'instagram');
		assert.equal(d.version, 1);
		assert.equal(d.usableAsTool, true);
		assert.deepEqual(d.inputs, ['main']);
		assert.deepEqual(d.outputs, ['main']);
		assert.ok(d.subtitle);
		assert.ok(d.icon.light.startsWith('file:') && d.icon.dark.startsWith('file:'));
		// One credential per Authentication choice (n8n's convention), each tested through the core.
		assert.deepEqual(
			d.credentials.map((c) => [c.name, c.required, c.testedBy, c.displayOptions?.show?.authentication]),
			[
				['instagramGraphApi', true, 'instagramGraphApiTest', ['accessToken']],
				['instagramOAuth2Api', true, 'instagramGraphApiTest', ['instagramOAuth2']],
				['instagramFacebookOAuth2Api', true, 'instagramGraphApiTest', ['facebookOAuth2']],
			],
		);
		const auth = d.properties.find((p) => p.name === 'authentication');
		assert.deepEqual(auth.options.map((o) => o.value).sort(), ['accessToken', 'facebookOAuth2', 'instagramOAuth2']);
		assert.equal(auth.default, 'accessToken');
	});

	test('every catalogue operation and param is in the generated properties', () => {
		const hidden = (id) => /^(auth|subscriptions|subscribed_apps)\./.test(id);
		const resource = d.properties.find((p) => p.name === 'resource');
		const shownOps = ops.filter((o) => !hidden(o.id));
		assert.deepEqual(new Set(resource.options.map((o) => o.value)), new Set(shownOps.map((o) => o.resource)));
		for (const op of ops.filter((o) => hidden(o.id))) {
			const operation = d.properties.find((p) => p.name === 'operation' && p.displayOptions.show.resource[0] === op.resource);
			assert.ok(!operation?.options.some((o) => o.value === op.operation), `${op.id} is hidden from the node`);
		}
		for (const op of shownOps) {
			for (const authentication of ['accessToken', 'instagramOAuth2', 'facebookOAuth2']) {
				const show = { resource: op.resource, operation: op.operation, returnAll: false, authentication };
				const operation = d.properties.find((p) => p.name === 'operation' && visible(p, show));
				const option = operation.options.find((o) => o.value === op.operation);
				assert.ok(option, op.id);
				assert.match(option.description, /(Reads only|Writes to Instagram|Reads or writes)/, op.id);
				assert.ok(!/rust|core/i.test(option.description), op.id);
				const shown = d.properties.filter((p) => p.displayOptions?.show?.operation && visible(p, show));
				const names = new Set(shown.flatMap((p) => (p.type === 'collection' ? p.options.map((o) => o.name) : [p.name])));
				const cursors = op.paginated ? ['after', 'before', op.page_size.param] : [];
				for (const [name, schema] of Object.entries(op.params.properties)) {
					if (cursors.includes(name)) {
						assert.ok(!names.has(name) || name === 'limit', `${op.id}: ${name} is paging, not a field`);
						continue;
					}
					if (schema['x-login'] && !(schema['x-login'] === 'facebook' ? ['accessToken', 'facebookOAuth2'] : ['accessToken', 'instagramOAuth2']).includes(authentication)) {
						assert.ok(!names.has(name), `${op.id}: ${name} hidden with ${authentication}`);
						continue;
					}
					assert.ok(names.has(name), `${op.id}: ${name} missing (${authentication})`);
					const top = shown.filter((p) => p.name === name);
					assert.ok(top.length <= 1, `${op.id}: ${name} shown once`);
					if (op.params.required.includes(name)) assert.equal(top[0]?.required, true, `${op.id}: ${name} required`);
					if (name === 'ig_user_id' && !op.params.required.includes(name) && !('page_id' in op.params.properties)) {
						assert.equal(Boolean(top[0].required), authentication === 'facebookOAuth2', `${op.id}: ig_user_id required with Facebook Login only`);
						if (authentication !== 'instagramOAuth2') assert.match(top[0].description, /Required with Facebook Login — pick the account from the list/);
					}
				}
				const fields = shown.find((p) => p.name === 'options')?.options.find((o) => o.name === 'fields');
				if (op.params.properties.fields?.type === 'string' && (op.known_fields.length || op.params.properties.fields.default)) {
					assert.equal(fields.type, 'multiOptions', op.id);
					assert.ok(shown.find((p) => p.name === 'options').options.some((o) => o.name === 'customFields'), op.id);
				}
				const returnAll = shown.find((p) => p.name === 'returnAll');
				const limit = shown.find((p) => p.name === 'limit');
				if (op.paginated) {
					assert.equal(returnAll.type, 'boolean');
					assert.equal(limit.type, 'number');
					assert.equal(limit.default, 50);
					assert.deepEqual(limit.displayOptions.show.returnAll, [false]);
				} else {
					assert.equal(returnAll, undefined);
					assert.equal(limit, undefined);
				}
			}
		}
	});

	test('resource locators and list searches', () => {
		const node = new Instagram();
		const locators = d.properties.filter((p) => p.type === 'resourceLocator');
		assert.ok(locators.length > 0);
		for (const p of locators) {
			for (const mode of p.modes.filter((m) => m.type === 'list')) {
				assert.equal(typeof node.methods.listSearch[mode.typeOptions.searchListMethod], 'function', mode.typeOptions.searchListMethod);
			}
		}
		const media = locators.find((p) => p.name === 'media_id');
		assert.deepEqual(media.modes.map((m) => m.name), ['list', 'id', 'url']);
		const url = new RegExp(media.modes[2].validation[0].properties.regex);
		for (const ok of ['https://www.instagram.com/p/C1a2B3c4D5e/', 'instagram.com/reel/Cabc123/?igsh=1', 'C1a2B3c4D5e']) assert.ok(url.test(ok), ok);
		assert.ok(!url.test('https://example.com/p/x'));
		assert.ok(!new RegExp(media.modes[1].validation[0].properties.regex).test('abc'));
		assert.equal(typeof node.methods.loadOptions.getAccounts, 'function');
	});
});

describe('InstagramGraphApi credential', () => {
	const c = new InstagramGraphApi();
	test('fields and authentication; the Test button is the node method, not a declarative request', async () => {
		assert.equal(c.name, 'instagramGraphApi');
		const byName = Object.fromEntries(c.properties.map((p) => [p.name, p]));
		assert.equal(byName.accessToken.typeOptions.password, true);
		assert.equal(byName.accessToken.required, true);
		assert.equal(byName.appSecret.typeOptions.password, true);
		assert.deepEqual(byName.login.options.map((o) => o.value).sort(), ['facebook', 'instagram']);
		assert.equal(byName.login.default, 'instagram');
		assert.equal(byName.apiVersion.default, 'v27.0');
		assert.equal(byName.baseUrl.default, '');
		assert.equal(byName.sessionToken.typeOptions.expirable, true, 'n8n persists what preAuthentication renews');
		assert.equal(typeof c.preAuthentication, 'function');
		// authenticate is a function: an n8n expression cannot compute appsecret_proof.
		const signed = await c.authenticate({ accessToken: 'TOKEN-abc123', appSecret: 'APPSECRET-xyz' }, { url: '/me', qs: {} });
		assert.equal(signed.qs.access_token, 'TOKEN-abc123');
		assert.equal(signed.qs.appsecret_proof, createHmac('sha256', 'APPSECRET-xyz').update('TOKEN-abc123').digest('hex'));
		// n8n runs a credential's own `test` in preference to a node's `testedBy`
		// (CredentialsTester.getCredentialTestFunction), so the core-backed test needs none here.
		assert.equal(c.test, undefined);
		assert.ok(c.icon && c.documentationUrl);
	});
});

describe('Instagram node: every operation through a mocked client', () => {
	const { InstagramClient } = require('../dist/src/client.js');
	const { OPERATION_META } = require('../dist/nodes/Instagram/generated/properties.js');
	const byId = Object.fromEntries(ig.operations().map((o) => [o.id, o]));

	/** A sample value of an n8n field, as the panel would hold it once filled. */
	function sample(prop) {
		switch (prop.type) {
			case 'resourceLocator':
				return { __rl: true, mode: 'id', value: '17841400000000001' };
			case 'number':
				return prop.typeOptions?.minValue ?? 1;
			case 'boolean':
				return true;
			case 'options':
				return prop.options[0].value;
			case 'multiOptions':
				return [prop.options[0].value];
			case 'json':
				return '{"a": 1}';
			case 'dateTime':
				return '2026-01-31T00:00:00';
			case 'fixedCollection': {
				const entry = prop.options[0];
				return { [entry.name]: [Object.fromEntries(entry.values.map((v) => [v.name, sample(v)]))] };
			}
			default:
				return /url/i.test(prop.name) ? 'https://example.com/a.jpg' : 'abc';
		}
	}

	test('generated properties → params → the client call, for every operation and authentication', async () => {
		const calls = [];
		const saved = { call: InstagramClient.prototype.call, paginate: InstagramClient.prototype.paginate };
		InstagramClient.prototype.call = async function (opId, params) {
			calls.push({ opId, params, login: this.login });
			return { id: '1', data: undefined };
		};
		InstagramClient.prototype.paginate = async function* (opId, params) {
			calls.push({ opId, params, login: this.login, paged: true });
			yield { id: '1' };
			yield { id: '2', extra: { data: [{ id: '3' }], paging: { cursors: { after: 'x' } } } };
		};
		try {
			const props = new Instagram().description.properties;
			for (const [opId, meta] of Object.entries(OPERATION_META)) {
				const [resource, operation] = opId.split('.');
				const login = meta.logins.includes('instagram') ? 'instagram' : 'facebook';
				const values = { resource, operation, authentication: 'accessToken', returnAll: false };
				const top = props.filter((p) => p.displayOptions?.show?.operation?.includes(operation) && visible(p, values));
				for (const p of top) {
					if (p.type === 'notice') continue;
					if (p.type === 'collection') values[p.name] = Object.fromEntries(p.options.map((o) => [o.name, sample(o)]));
					else if (p.name !== 'returnAll' && p.name !== 'limit') values[p.name] = sample(p);
				}
				if (login === 'instagram') delete values.page_id;
				calls.length = 0;
				const [out] = await context({ params: values, credentials: { ...creds, login } }).run();
				assert.equal(calls.length, 1, opId);
				assert.equal(calls[0].opId, opId);
				// graph.request calls once, and walks pages only when the answer is a list.
				assert.equal(Boolean(calls[0].paged), meta.paginated && opId !== 'graph.request', opId);
				const schema = byId[opId].params;
				for (const [k, v] of Object.entries(calls[0].params)) {
					assert.ok(k in schema.properties, `${opId}: ${k} is a param`);
					const t = schema.properties[k].type;
					const ok =
						(t === 'array' && Array.isArray(v)) ||
						(t === 'object' && typeof v === 'object' && !Array.isArray(v)) ||
						(Array.isArray(t) && t.includes(typeof v === 'number' ? 'integer' : typeof v)) ||
						(t === 'integer' && Number.isInteger(v)) ||
						t === typeof v;
					assert.ok(ok, `${opId}: ${k} = ${JSON.stringify(v)} fits ${JSON.stringify(t)}`);
				}
				for (const name of schema.required) assert.ok(name in calls[0].params, `${opId}: required ${name} sent`);
				// Plain items: the same keys everywhere, id first, nested edges as arrays.
				const keys = Object.keys(out[0].json);
				assert.equal(keys[0], 'id', opId);
				for (const o of out) assert.deepEqual(Object.keys(o.json), keys, opId);
				if (meta.paginated && opId !== 'graph.request') assert.deepEqual(out[1].json.extra, [{ id: '3' }]);
			}
		} finally {
			Object.assign(InstagramClient.prototype, saved);
		}
	});

	test("n8n's own parameter resolution renders every panel; filled, it reports no issue", () => {
		const { NodeHelpers } = require('n8n-workflow');
		const d = new Instagram().description;
		for (const opId of Object.keys(OPERATION_META)) {
			const [resource, operation] = opId.split('.');
			for (const authentication of ['accessToken', 'instagramOAuth2', 'facebookOAuth2']) {
				const given = { resource, operation, authentication };
				const nodeOf = (parameters) => ({ ...NODE, parameters });
				const values = NodeHelpers.getNodeParameters(d.properties, given, true, false, nodeOf(given), d);
				const issues = NodeHelpers.getNodeParametersIssues(d.properties, nodeOf(values), d)?.parameters ?? {};
				for (const [name, texts] of Object.entries(issues)) {
					assert.ok(texts.every((t) => /is required/.test(t)), `${opId}/${authentication}: ${name}: ${texts}`);
				}
				const filled = { ...given };
				for (const name of Object.keys(issues)) {
					const prop = d.properties.find((p) => p.name === name && visible(p, { ...given, returnAll: false }) && p.required);
					filled[name] = sample(prop);
				}
				const again = NodeHelpers.getNodeParameters(d.properties, filled, true, false, nodeOf(filled), d);
				const left = NodeHelpers.getNodeParametersIssues(d.properties, nodeOf(again), d)?.parameters ?? {};
				assert.deepEqual(left, {}, `${opId}/${authentication}`);
			}
		}
	});

	test('a media by URL is looked up with media.by_shortcode first', async () => {
		if (!OPERATION_META['media.get']) return;
		const calls = [];
		const saved = InstagramClient.prototype.call;
		InstagramClient.prototype.call = async function (opId, params) {
			calls.push({ opId, params });
			return opId === 'media.by_shortcode' ? { id: '17900000000000123' } : { id: params.media_id };
		};
		try {
			const url = 'https://www.instagram.com/p/C1a2B3c4D5e/';
			const [out] = await context({
				params: { resource: 'media', operation: 'get', media_id: { __rl: true, mode: 'url', value: url } },
				credentials: creds,
			}).run();
			assert.deepEqual(calls[0], { opId: 'media.by_shortcode', params: { shortcode: 'C1a2B3c4D5e' } });
			assert.equal(calls[1].params.media_id, '17900000000000123');
			assert.equal(out[0].json.id, '17900000000000123');
			await assert.rejects(
				context({
					params: { resource: 'media', operation: 'get', media_id: { __rl: true, mode: 'url', value: 'https://example.com/x' } },
					credentials: creds,
				}).run(),
				(e) => e instanceof NodeOperationError && /^Media ID: not an Instagram post or reel URL/.test(e.message),
			);
		} finally {
			InstagramClient.prototype.call = saved;
		}
	});
});

describe('Instagram node: Graph API → Request (sandbox)', () => {
	test('an object is one item; a list is walked up to the limit', async () => {
		const [me] = await context({
			params: { resource: 'graph', operation: 'request', path: 'me', query: '{"fields": "id,username"}' },
			credentials: creds,
		}).run();
		assert.equal(me.length, 1);
		assert.equal(me[0].json.id !== undefined, true);
		const [media] = await context({
			params: { resource: 'graph', operation: 'request', path: 'me/media', query: { fields: 'id', limit: 10 }, limit: 25 },
			credentials: creds,
		}).run();
		assert.equal(media.length, 25);
		assert.equal(new Set(media.map((m) => m.json.id)).size, 25);
	});
});

describe('Instagram node: list searches and dynamic options (sandbox)', () => {
	const node = new Instagram();
	/** A mocked ILoadOptionsFunctions with the node's current parameters. */
	const loadCtx = (current, credentials) => ({
		getNode: () => NODE,
		getCredentials: async () => credentials,
		getCurrentNodeParameter: (name) => current[name],
		getNodeParameter: (name, fallback) => current[name] ?? fallback,
		helpers: {},
	});

	test('accounts (Instagram and Facebook Login), media, comments', async () => {
		const accounts = await node.methods.listSearch.searchAccounts.call(loadCtx({}, creds));
		assert.ok(accounts.results.length >= 1);
		assert.equal(accounts.results[0].value, sb.igUserId);
		assert.match(accounts.results[0].name, /^@/);
		const fb = { ...creds, accessToken: sb.facebookAccessToken, login: 'facebook' };
		const fbAccounts = await node.methods.listSearch.searchAccounts.call(loadCtx({}, fb));
		assert.ok(fbAccounts.results.some((r) => r.value === sb.igUserId), JSON.stringify(fbAccounts));
		const options = await node.methods.loadOptions.getAccounts.call(loadCtx({}, creds));
		assert.deepEqual(options[0], { name: accounts.results[0].name, value: sb.igUserId });
		const pages = await node.methods.listSearch.searchPages.call(loadCtx({}, fb));
		assert.ok(pages.results.length >= 1);

		const media = await node.methods.listSearch.searchMedia.call(loadCtx({}, creds));
		assert.equal(media.results.length, 50);
		assert.ok(media.paginationToken, 'more pages');
		const more = await node.methods.listSearch.searchMedia.call(loadCtx({}, creds), undefined, media.paginationToken);
		assert.ok(more.results.length > 0 && more.results[0].value !== media.results[0].value);
		const withComments = (await clientFor(sb).media.list({ fields: 'id,comments_count', limit: 20 })).data.find((m) => m.comments_count > 0);
		const comments = await node.methods.listSearch.searchComments.call(
			loadCtx({ media_id: { __rl: true, mode: 'list', value: withComments.id } }, creds),
		);
		assert.ok(comments.results.length > 0);
		const recent = await node.methods.listSearch.searchComments.call(loadCtx({}, creds));
		assert.ok(Array.isArray(recent.results));
		// Facebook Login before an account is picked: the one account the credential manages.
		const fbMedia = await node.methods.listSearch.searchMedia.call(loadCtx({}, fb));
		assert.equal(fbMedia.results[0].value, media.results[0].value);
		const fbRecent = await node.methods.listSearch.searchComments.call(loadCtx({}, fb));
		assert.ok(fbRecent.results.length > 0, 'comments of the five newest media');
	});

	test('conversations', async () => {
		const r = await node.methods.listSearch.searchConversations.call(loadCtx({}, creds));
		assert.ok(r.results.length > 0, 'the seeded conversations');
		assert.match(r.results[0].name, /@/);
		assert.ok(Array.isArray(r.results));
	});
});
