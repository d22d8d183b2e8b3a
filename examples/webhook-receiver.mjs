// A webhook receiver on node:http: answers Meta's GET handshake, verifies each POST's
// signature over the raw bytes, parses the delivery and prints its events.
//
//   IG_APP_SECRET=... IG_VERIFY_TOKEN=... node examples/webhook-receiver.mjs [--port 8080]
//       serve http://127.0.0.1:8080/webhook (put it behind HTTPS and give Meta its URL)
//   node examples/webhook-receiver.mjs --sandbox
//       start the embedded sandbox, subscribe this receiver (app subscription with its
//       handshake, then /me/subscribed_apps), simulate a few events, print them and exit 0
//
// After `make node-build`. Answers: handshake 200 text/plain challenge, wrong token 403,
// missing or malformed signature 401, a signature that does not match 403, a body that is not a
// delivery 400, a delivery 200 — never a 500 or a stack trace.
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { startSandbox, webhooks, InvalidSignatureError, InvalidPayloadError, VerificationFailedError } = require('../node-package');

const { values: args } = parseArgs({ options: { sandbox: { type: 'boolean' }, port: { type: 'string' } } });

/** One line per event: its type and the fields that say what happened. */
function describe(ev) {
	const who = ev.sender_id ? ` from ${ev.sender_id}` : ev.from_username ? ` from @${ev.from_username}` : '';
	const what = ev.text ?? ev.emoji ?? ev.payload ?? ev.mid ?? ev.comment_id ?? ev.media_id ?? '';
	return `event_type=${ev.event_type} field=${ev.field} account=${ev.account_id}${who}: ${what} (dedupe_key ${ev.dedupe_key})`;
}

/** The receiver: `onEvents` gets each verified delivery's events. */
function receiver({ appSecret, verifyToken, onEvents }) {
	const answer = (res, status, text) => res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
	return createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			if (req.method === 'GET') {
				try {
					return answer(res, 200, webhooks.verifySubscription(req.url ?? '', verifyToken));
				} catch (e) {
					return answer(res, 403, e instanceof VerificationFailedError ? `verification failed: ${e.message}` : 'verification failed');
				}
			}
			if (req.method !== 'POST') return answer(res, 405, 'method not allowed');
			// The exact bytes: never JSON.parse before verifying (Meta signs the escaped-unicode body).
			const raw = Buffer.concat(chunks);
			let events;
			try {
				if (!webhooks.verifySignature(raw, req.headers, appSecret)) return answer(res, 403, 'signature does not match');
				events = webhooks.parse(raw);
			} catch (e) {
				if (e instanceof InvalidSignatureError) return answer(res, 401, `invalid signature: ${e.message}`);
				if (e instanceof InvalidPayloadError) return answer(res, 400, `invalid payload: ${e.message}`);
				return answer(res, 400, 'bad request');
			}
			answer(res, 200, 'EVENT_RECEIVED');
			onEvents(events);
		});
	});
}

const listen = (server, port) => new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve(server.address().port)));

if (!args.sandbox) {
	const appSecret = process.env.IG_APP_SECRET;
	const verifyToken = process.env.IG_VERIFY_TOKEN;
	if (!appSecret || !verifyToken) {
		console.error('Set IG_APP_SECRET and IG_VERIFY_TOKEN (or run with --sandbox).');
		process.exit(2);
	}
	const server = receiver({ appSecret, verifyToken, onEvents: (events) => events.forEach((ev) => console.log(describe(ev))) });
	const port = await listen(server, Number(args.port ?? 8080));
	console.log(`Listening on http://127.0.0.1:${port}/webhook`);
} else {
	const sb = await startSandbox();
	const verifyToken = 'example-verify-token';
	const seen = new Set();
	let received = 0;
	const server = receiver({
		appSecret: sb.appSecret,
		verifyToken,
		onEvents: (events) => {
			for (const ev of events) {
				received++;
				// Meta redelivers: act once per dedupe_key.
				if (seen.has(ev.dedupe_key)) continue;
				seen.add(ev.dedupe_key);
				console.log(describe(ev));
			}
		},
	});
	try {
		const port = await listen(server, 0);
		const callbackUrl = `http://127.0.0.1:${port}/webhook`;
		const graph = async (path, params) => {
			const res = await fetch(`${sb.url}/v27.0/${path}`, { method: 'POST', body: new URLSearchParams(params) });
			const body = await res.json();
			if (!res.ok) throw new Error(`POST /${path}: HTTP ${res.status}: ${JSON.stringify(body)}`);
			return body;
		};
		const fields = 'messages,message_reactions,comments';
		await graph(`${sb.appId}/subscriptions`, { object: 'instagram', callback_url: callbackUrl, verify_token: verifyToken, fields, include_values: 'true', access_token: sb.appAccessToken });
		await graph('me/subscribed_apps', { subscribed_fields: fields, access_token: sb.accessToken });
		console.log(`Subscribed ${callbackUrl} (sandbox ${sb.url}, account ${sb.igUserId})`);
		await sb.simulate('message', { text: 'café / ok' });
		await sb.simulate('reaction');
		await sb.simulate('comment', { text: 'Love this!', duplicates: 1 });
		console.log(`${received} events received, ${seen.size} distinct`);
	} finally {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
		await sb.stop();
	}
}
