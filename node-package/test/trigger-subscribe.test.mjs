// The Instagram Trigger's webhookMethods (checkExists/create/delete) against the sandbox: the
// app subscription (Meta's GET handshake goes to a real local HTTP server that runs the node's
// webhook()), the account subscription, deliveries of simulated activity, and activation
// refused without an app secret. Hand-written IHookFunctions (test/trigger-helpers.mjs).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { ig, require } from './helpers.mjs';
import { hookContext, InstagramTrigger, NODE } from './trigger-helpers.mjs';

const { NodeOperationError, NodeApiError } = require('n8n-workflow');

describe('Instagram Trigger: activation fails closed', () => {
	for (const [name, credentials, type, params] of [
		['access token without app secret', { accessToken: 'IGAAx', login: 'instagram', appId: '123', appSecret: '' }, 'instagramGraphApi', {}],
		[
			'Instagram OAuth2 without client secret',
			{ clientId: '123', clientSecret: '', oauthTokenData: { access_token: 'IGAAx' } },
			'instagramOAuth2Api',
			{ authentication: 'instagramOAuth2' },
		],
	]) {
		test(`${name}: checkExists and create refuse, saying the app secret is needed`, async () => {
			const h = hookContext({ credentials, credentialType: type, params });
			for (const step of ['checkExists', 'create']) {
				await assert.rejects(h[step](), (e) => {
					assert.ok(e instanceof NodeOperationError, step);
					assert.match(e.message, /app secret/i);
					assert.match(e.message, /verify Meta's signatures/);
					return true;
				});
			}
		});
	}

	test('an event the login does not deliver is refused with the reason', async () => {
		const h = hookContext({
			credentials: { accessToken: 'IGAAx', login: 'instagram', appSecret: 's' },
			params: { events: ['messages', 'mentions'] },
		});
		await assert.rejects(h.create(), /mentions.*Instagram Login/);
	});
});

/** A local receiver running the node's webhook() for every request, recording the executions. */
async function receiver(paramsOf) {
	const node = new InstagramTrigger();
	const executions = [];
	const answers = [];
	const server = createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', async () => {
			const url = new URL(req.url, 'http://127.0.0.1');
			const raw = Buffer.concat(chunks);
			const reply = {
				status(code) {
					res.statusCode = code;
					return reply;
				},
				type(t) {
					res.setHeader('content-type', t);
					return reply;
				},
				send(body) {
					res.end(body);
					return reply;
				},
			};
			const params = paramsOf();
			const ctx = {
				getWebhookName: () => (req.method === 'GET' ? 'setup' : 'default'),
				getQueryData: () => Object.fromEntries(url.searchParams),
				getRequestObject: () => ({ rawBody: raw, headers: req.headers }),
				getResponseObject: () => reply,
				getNode: () => NODE,
				getMode: () => 'webhook',
				getNodeParameter: (n, fallback) => (Object.hasOwn(params.node, n) ? params.node[n] : (node.description.properties.find((p) => p.name === n)?.default ?? fallback)),
				getCredentials: async () => params.credentials,
				getWorkflowStaticData: () => params.staticData,
				helpers: { returnJsonArray: (items) => items.map((json) => ({ json })) },
			};
			const result = await node.webhook.call(ctx);
			answers.push({ method: req.method, status: result.noWebhookResponse ? res.statusCode : 200 });
			if (result.workflowData) {
				// The execution n8n starts: the trigger's execute() first, with the webhook's items;
				// here it finishes (and its static data is kept) before the next delivery arrives.
				const exec = {
					getInputData: () => result.workflowData[0],
					getNodeParameter: (n, _i, fallback) => ctx.getNodeParameter(n, fallback),
					getNode: () => NODE,
					getMode: () => 'webhook',
					getWorkflowStaticData: () => params.staticData,
					helpers: {},
				};
				const [out] = await node.execute.call(exec);
				if (out.length) executions.push(out.map((i) => i.json));
				res.statusCode = 200;
				res.end('OK');
			}
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address();
	return {
		url: `http://127.0.0.1:${port}/webhook/hook-1/webhook`,
		executions,
		answers,
		close: () => new Promise((r) => server.close(r)),
	};
}

/** Whether this sandbox build serves webhook subscriptions (issue 7's sandbox work). */
async function sandboxHasWebhooks(sb) {
	const r = await fetch(`${sb.url}/v27.0/${sb.appId}/subscriptions?access_token=${encodeURIComponent(`${sb.appId}|${sb.appSecret}`)}`);
	const body = await r.json().catch(() => ({}));
	return r.status === 200 && Array.isArray(body.data);
}

describe('Instagram Trigger: subscriptions against the sandbox', () => {
	let sb;
	let rx;
	let params;
	let supported = false;
	before(async () => {
		sb = await ig.startSandbox();
		supported = typeof sb.simulate === 'function' && (await sandboxHasWebhooks(sb).catch(() => false));
		params = {
			node: { events: ['messages', 'comments'] },
			credentials: { accessToken: sb.accessToken, login: 'instagram', appId: sb.appId, appSecret: sb.appSecret, baseUrl: sb.url },
			staticData: {},
		};
		rx = await receiver(() => params);
	});
	after(async () => {
		await rx?.close();
		await sb?.stop();
	});

	const hook = () => hookContext({ credentials: params.credentials, params: params.node, url: rx.url });
	const client = () => new ig.InstagramClient({ accessToken: sb.accessToken, baseUrl: sb.url, appId: sb.appId, appSecret: sb.appSecret });

	test('checkExists → create → checkExists → deliveries → delete', async (t) => {
		if (!supported) return t.skip('this sandbox build has no webhook subscriptions yet');
		const h = hook();
		assert.equal(await h.checkExists(), false);
		assert.equal(await h.create(), true);
		// Meta's handshake reached the node and was answered with the challenge.
		assert.ok(rx.answers.some((a) => a.method === 'GET' && a.status === 200), JSON.stringify(rx.answers));
		const c = client();
		const subs = await c.call('subscriptions.list', { object: 'instagram' });
		const mine = subs.data.find((s) => s.object === 'instagram');
		assert.equal(mine.callback_url, rx.url);
		const names = mine.fields.map((f) => (typeof f === 'string' ? f : f.name)).sort();
		assert.deepEqual(names, ['comments', 'messages']);
		const apps = await c.call('subscribed_apps.list', {});
		assert.ok(apps.data.some((a) => ['comments', 'messages'].every((f) => a.subscribed_fields.includes(f))), JSON.stringify(apps));
		assert.equal(await h.checkExists(), true);

		// Simulated activity arrives signed and becomes executions with the right kinds.
		await sb.simulate('message', { text: 'caf\u00e9 \u2764' });
		await sb.simulate('comment', { text: 'nice' });
		await sb.simulate('reaction', {});
		const kinds = rx.executions.flat().map((e) => e.event_type);
		assert.deepEqual(kinds, ['message', 'comment'], JSON.stringify(rx.executions));
		assert.equal(rx.executions[0][0].text, 'caf\u00e9 \u2764');
		// A redelivery of the same delivery: no execution.
		const before = rx.executions.length;
		const dup = await sb.simulate('message', { text: 'twice', duplicates: 2 });
		assert.equal(rx.executions.length, before + 1, JSON.stringify(dup));

		c.close();
		assert.equal(await h.delete(), true);
		const c2 = client();
		const after = await c2.call('subscriptions.list', { object: 'instagram' });
		assert.equal(after.data.filter((s) => s.object === 'instagram' && s.active !== false).length, 0);
		const appsAfter = await c2.call('subscribed_apps.list', {});
		assert.equal(appsAfter.data.length, 0);
		c2.close();
		assert.equal(await h.checkExists(), false);
	});

	test('another callback already registered for the app: checkExists stops with a warning, delete leaves it', async (t) => {
		if (!supported) return t.skip('this sandbox build has no webhook subscriptions yet');
		const other = await receiver(() => params);
		try {
			const theirs = hookContext({ credentials: params.credentials, params: params.node, url: other.url });
			assert.equal(await theirs.create(), true);
			await assert.rejects(hook().checkExists(), (e) => {
				assert.ok(e instanceof NodeOperationError);
				assert.match(e.message, /already has an Instagram webhook subscription for another URL/);
				assert.equal(e.level, 'warning');
				return true;
			});
			await hook().delete();
			const c = client();
			const subs = await c.call('subscriptions.list', { object: 'instagram' });
			assert.equal(subs.data.find((s) => s.object === 'instagram').callback_url, other.url);
			c.close();
			await theirs.delete();
		} finally {
			await other.close();
		}
	});

	test('Facebook Login: the app subscription takes the Instagram fields, the Page subscription the Page fields', async (t) => {
		if (!supported) return t.skip('this sandbox build has no webhook subscriptions yet');
		const fb = { accessToken: sb.facebookAccessToken, login: 'facebook', appId: sb.appId, appSecret: sb.appSecret, baseUrl: sb.url };
		const node = { events: ['comments', 'mentions', 'story_insights'] };
		const h = hookContext({ credentials: fb, params: node, url: rx.url });
		assert.equal(await h.checkExists(), false);
		assert.equal(await h.create(), true);
		assert.equal(await h.checkExists(), true);
		const c = new ig.InstagramClient({ accessToken: sb.facebookAccessToken, login: 'facebook', baseUrl: sb.url, appId: sb.appId, appSecret: sb.appSecret });
		const subs = await c.call('subscriptions.list', { object: 'instagram' });
		const names = subs.data.find((s) => s.object === 'instagram').fields.map((f) => f.name ?? f).sort();
		assert.deepEqual(names, ['comments', 'mentions', 'story_insights']);
		const page = await c.call('subscribed_apps.list', { page_id: sb.pageId });
		assert.deepEqual(page.data[0].subscribed_fields, ['feed']);
		assert.equal(await h.delete(), true);
		assert.equal((await c.call('subscribed_apps.list', { page_id: sb.pageId })).data.length, 0);
		c.close();
	});

	test('Graph failures are reported with the Graph message (a wrong app secret)', async (t) => {
		if (!supported) return t.skip('this sandbox build has no webhook subscriptions yet');
		const h = hookContext({ credentials: { ...params.credentials, appSecret: 'wrong-secret' }, params: params.node, url: rx.url });
		await assert.rejects(h.create(), (e) => {
			assert.ok(e instanceof NodeApiError || e instanceof NodeOperationError);
			assert.ok(!e.message.includes('wrong-secret'));
			assert.doesNotMatch(e.message, /Select at least one event|app secret is needed/);
			assert.ok(e.message.length > 10);
			return true;
		});
	});
});
