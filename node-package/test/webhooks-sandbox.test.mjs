// The sandbox delivers like Meta: a real node:http receiver subscribes through the app
// subscription endpoint (with its GET handshake) and /me/subscribed_apps, sb.simulate(...)
// makes signed POSTs, and what arrives verifies and parses to what was simulated.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ig, REPO_DIR } from './helpers.mjs';

const { webhooks } = ig;
const TOKEN = 'round-trip-verify-token-42';

let sb;
let server;
let callbackUrl;
const received = [];
const handshakes = [];

before(async () => {
	sb = await ig.startSandbox();
	server = createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			if (req.method === 'GET') {
				try {
					const challenge = webhooks.verifySubscription(req.url ?? '', TOKEN);
					handshakes.push({ ok: true });
					res.writeHead(200, { 'content-type': 'text/plain' }).end(challenge);
				} catch (e) {
					handshakes.push({ ok: false, kind: e.kind });
					res.writeHead(403, { 'content-type': 'text/plain' }).end('verification failed');
				}
				return;
			}
			received.push({ headers: req.headers, body: Buffer.concat(chunks) });
			res.writeHead(200, { 'content-type': 'text/plain' }).end('EVENT_RECEIVED');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	callbackUrl = `http://127.0.0.1:${server.address().port}/webhook`;
});

after(async () => {
	await sb?.stop();
	server?.closeAllConnections();
	await new Promise((resolve) => server?.close(resolve));
});

async function graph(method, path, params) {
	const res = await fetch(`${sb.url}/v27.0/${path}`, { method, body: new URLSearchParams(params) });
	return { status: res.status, json: await res.json() };
}

describe('sandbox webhook round trip', () => {
	test('a wrong verify token: the sandbox handshake fails and nothing is subscribed', async () => {
		const r = await graph('POST', `${sb.appId}/subscriptions`, {
			object: 'instagram',
			callback_url: callbackUrl,
			verify_token: 'not-the-token',
			fields: 'messages',
			access_token: sb.appAccessToken,
		});
		assert.notEqual(r.status, 200, JSON.stringify(r.json));
		assert.deepEqual(handshakes.at(-1), { ok: false, kind: 'verification_failed' });
	});

	test('subscribe, simulate a DM, verify and parse what arrived', async () => {
		let r = await graph('POST', `${sb.appId}/subscriptions`, {
			object: 'instagram',
			callback_url: callbackUrl,
			verify_token: TOKEN,
			fields: 'messages,comments,message_reactions',
			include_values: 'true',
			access_token: sb.appAccessToken,
		});
		assert.equal(r.status, 200, JSON.stringify(r.json));
		assert.deepEqual(handshakes.at(-1), { ok: true });
		r = await graph('POST', 'me/subscribed_apps', { subscribed_fields: 'messages,comments,message_reactions', access_token: sb.accessToken });
		assert.equal(r.status, 200, JSON.stringify(r.json));

		received.length = 0;
		const out = await sb.simulate('message', { text: 'café / ok' });
		assert.equal(received.length, 1, JSON.stringify(out));
		assert.equal(out.deliveries.length, 1);
		assert.equal(out.deliveries[0].status, 200);
		const [{ headers, body }] = received;
		// Exactly the bytes the sandbox says it sent, as Meta sends them: escaped unicode and slashes.
		assert.equal(body.toString('utf8'), out.body);
		assert.ok(body.toString().includes('caf\\u00e9 \\/ ok'), body.toString());
		assert.equal(webhooks.verifySignature(body, headers, sb.appSecret), true);
		assert.equal(webhooks.verifySignature(body, headers['x-hub-signature-256'], sb.appSecret), true);
		assert.equal(webhooks.verifySignature(body, headers, 'another-app-secret'), false);
		const events = webhooks.parse(body);
		assert.equal(events.length, 1);
		const [ev] = events;
		assert.equal(ev.event_type, 'message');
		assert.equal(ev.field, 'messages');
		assert.equal(ev.text, 'café / ok');
		assert.equal(ev.account_id, sb.igUserId);
		assert.equal(ev.recipient_id, sb.igUserId);
		assert.equal(ev.is_echo, false);
		assert.equal(typeof ev.sender_id, 'string');
	});

	test('a reaction and a batch: every event arrives once, routed by its kind', async () => {
		received.length = 0;
		await sb.simulate('reaction');
		await sb.simulate('comment', { batch: 3 });
		assert.equal(received.length, 2);
		const events = received.flatMap(({ headers, body }) => {
			assert.equal(webhooks.verifySignature(body, headers, sb.appSecret), true);
			return webhooks.parse(body);
		});
		assert.deepEqual(
			events.map((e) => e.event_type),
			['reaction', 'comment', 'comment', 'comment'],
		);
		assert.equal(new Set(events.map((e) => e.dedupe_key)).size, 4);
	});

	test('bad simulate input is a typed error', async () => {
		await assert.rejects(() => sb.simulate('no_such_event'), ig.InvalidParamsError);
		await assert.rejects(() => sb.simulate(''), ig.InvalidParamsError);
		await assert.rejects(() => sb.simulate('message', 'text'), ig.InvalidParamsError);
	});
});

describe('examples/webhook-receiver.mjs', () => {
	test('--sandbox subscribes itself, receives simulated events and exits 0', () => {
		const r = spawnSync(process.execPath, [join(REPO_DIR, 'examples', 'webhook-receiver.mjs'), '--sandbox'], { encoding: 'utf8', timeout: 60_000 });
		assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
		for (const kind of ['message', 'reaction', 'comment']) assert.match(r.stdout, new RegExp(`event_type=${kind}\\b`), r.stdout);
		assert.match(r.stdout, /café \/ ok/);
		assert.doesNotMatch(r.stdout + r.stderr, /Error|Traceback/);
	});
});
