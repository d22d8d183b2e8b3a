// Hand-written n8n contexts for the Instagram Trigger: IWebhookFunctions (a request with its
// raw body, an express-like response that records what was sent) and IHookFunctions, plus a
// deduplication helper with the real interface and the semantics of n8n's own service
// (n8n 2.40.7 dist/deduplication/deduplication-helper.js: entries mode, md5 of each value,
// the newest maxEntries kept).
import { createHash, createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { require } from './helpers.mjs';

export const { InstagramTrigger } = require('../dist/nodes/InstagramTrigger/InstagramTrigger.node.js');

export const NODE = {
	id: '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5',
	name: 'Instagram Trigger',
	type: 'n8n-nodes-instagram-graph.instagramTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { instagramGraphApi: { id: 'cred1', name: 'IG' } },
	webhookId: 'hook-1',
};

export const SECRET = 'test_app_secret_4b1d';

/** `sha256=<hex>` of `body` (a Buffer or string) keyed with `secret`. */
export function sign(body, secret = SECRET, algo = 'sha256') {
	return `${algo}=${createHmac(algo, secret).update(body).digest('hex')}`;
}

/** The defaults of the node's top-level properties and of its options collection. */
function paramValue(node, params, name, fallback) {
	if (Object.hasOwn(params, name)) return params[name];
	const prop = node.description.properties.find((p) => p.name === name);
	if (prop) return structuredClone(prop.default);
	return fallback;
}

/**
 * An express-like response recording status, content type and body; like Node's it has
 * `statusCode` and emits 'finish' once sent, also when n8n (`n8nAnswers`) sends it.
 */
export function response() {
	const sent = { status: undefined, type: undefined, body: undefined, calls: 0 };
	const res = Object.assign(new EventEmitter(), {
		statusCode: 200,
		status(code) {
			sent.status = code;
			res.statusCode = code;
			return res;
		},
		type(t) {
			sent.type = t;
			return res;
		},
		send(body) {
			sent.body = body;
			sent.calls++;
			res.emit('finish');
			return res;
		},
		end() {
			res.emit('finish');
			return res;
		},
	});
	/** What n8n does after webhook() returned workflowData: answer once the execution was created (2xx) or not (5xx). */
	const n8nAnswers = (code = 200) => res.status(code).send('Workflow was started');
	return { res, sent, n8nAnswers };
}

let workflows = 0;

/** n8n's data-deduplication helper (checkProcessedAndRecord and friends), in memory, per scope. */
export function fakeDeduplication() {
	const stores = new Map();
	const hash = (v) => createHash('md5').update(String(v)).digest('base64');
	const calls = [];
	return {
		calls,
		async checkProcessedAndRecord(items, scope, options) {
			calls.push({ items: [...items], scope, options });
			if (options.mode !== 'entries') throw new Error('fake: only entries mode');
			const data = stores.get(scope) ?? [];
			const set = new Set(data);
			const out = { new: [], processed: [] };
			for (const item of items) {
				const h = hash(item);
				if (set.has(h)) out.processed.push(item);
				else {
					out.new.push(item);
					data.push(h);
					set.add(h);
				}
			}
			if (options.maxEntries) data.splice(0, Math.max(0, data.length - options.maxEntries));
			stores.set(scope, data);
			return out;
		},
		async checkProcessedItemsAndRecord() {
			throw new Error('fake: not used');
		},
		async removeProcessed() {},
		async clearAllProcessedItems() {},
		async getProcessedDataCount(scope) {
			return (stores.get(scope) ?? []).length;
		},
	};
}

/**
 * A mocked IWebhookFunctions. `name` is 'setup' (GET) or 'default' (POST); `body` a Buffer or
 * string (the raw bytes); `params` the node parameters; `staticData` the node's static data;
 * `workflowId` (default: a fresh one per context, so that contexts share the node module's
 * in-process memory of accepted keys only when a test says so) and `node` name the scope.
 */
export function webhookContext({
	name = 'default',
	query = {},
	body,
	headers = {},
	params = {},
	credentials = { accessToken: 'IGAAtoken', login: 'instagram', appSecret: SECRET },
	staticData = {},
	dedupe,
	mode = 'webhook',
	node: nodeData = NODE,
	workflowId = `wf-${++workflows}`,
} = {}) {
	const node = new InstagramTrigger();
	const { res, sent, n8nAnswers } = response();
	const raw = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
	const ctx = {
		getWebhookName: () => name,
		getQueryData: () => query,
		getRequestObject: () => ({ rawBody: raw, headers, body: raw ? safeJson(raw) : {}, query }),
		getResponseObject: () => res,
		getHeaderData: () => headers,
		getBodyData: () => (raw ? safeJson(raw) : {}),
		getNode: () => nodeData,
		getWorkflow: () => ({ id: workflowId, name: 'IG trigger', active: true }),
		getMode: () => mode,
		getNodeParameter: (n, fallback) => paramValue(node, params, n, fallback),
		async getCredentials(type) {
			if (credentials instanceof Error) throw credentials;
			if (type !== 'instagramGraphApi' && !credentials.__type) throw new Error(`unexpected credential type ${type}`);
			return credentials;
		},
		getWorkflowStaticData: (type) => {
			if (type !== 'node') throw new Error('fake: node static data only');
			return staticData;
		},
		helpers: {
			returnJsonArray: (items) => items.map((json) => ({ json })),
			...(dedupe ?? {}),
		},
	};
	return { run: () => node.webhook.call(ctx), sent, staticData, n8nAnswers };
}

function safeJson(buf) {
	try {
		return JSON.parse(buf.toString('utf8'));
	} catch {
		return {};
	}
}

/**
 * A mocked IExecuteFunctions: what n8n runs for the trigger node at the start of the execution
 * a delivery started, with the webhook's items as input.
 */
export function executeContext({ items, params = {}, staticData = {}, dedupe, mode = 'webhook', logger } = {}) {
	const node = new InstagramTrigger();
	const warnings = [];
	const ctx = {
		getInputData: () => items,
		getNodeParameter: (n, _i, fallback) => paramValue(node, params, n, fallback),
		getNode: () => NODE,
		getMode: () => mode,
		getWorkflowStaticData: () => staticData,
		logger: logger ?? { warn: (m) => warnings.push(m), debug() {}, info() {}, error() {} },
		helpers: { ...(dedupe ?? {}) },
	};
	return { run: () => node.execute.call(ctx), warnings };
}

/** A mocked IHookFunctions for webhookMethods.default. */
export function hookContext({ params = {}, credentials, url = 'http://127.0.0.1:9/webhook/hook-1/webhook', credentialType = 'instagramGraphApi' } = {}) {
	const node = new InstagramTrigger();
	const ctx = {
		getNode: () => NODE,
		getMode: () => 'trigger',
		getActivationMode: () => 'activate',
		getWebhookName: () => 'default',
		getNodeWebhookUrl: (n) => (n === 'default' ? url : undefined),
		getNodeParameter: (n, fallback) => paramValue(node, params, n, fallback),
		async getCredentials(type) {
			if (type !== credentialType) throw new Error(`unexpected credential type ${type}`);
			return credentials;
		},
		helpers: {},
	};
	const m = node.webhookMethods.default;
	return {
		checkExists: () => m.checkExists.call(ctx),
		create: () => m.create.call(ctx),
		delete: () => m.delete.call(ctx),
	};
}

/** A messaging delivery (Meta's shape, graph-api.md §3.4) of `items` for account `IG`. */
export const IG = '17841400000000001';
export const PERSON = '5566778899';
export function messagingBody(items, { time = 1764590400123, standby = false } = {}) {
	const key = standby ? 'standby' : 'messaging';
	return JSON.stringify({ object: 'instagram', entry: [{ id: IG, time, [key]: items }] });
}
export function changesBody(changes, { time = 1764590400 } = {}) {
	return JSON.stringify({ object: 'instagram', entry: [{ id: IG, time, changes }] });
}
export const msg = (mid, text, extra = {}) => ({
	sender: { id: PERSON },
	recipient: { id: IG },
	timestamp: 1764590400000,
	message: { mid, text, ...extra },
});
export const echo = (mid, text) => ({
	sender: { id: IG },
	recipient: { id: PERSON },
	timestamp: 1764590400001,
	message: { mid, text, is_echo: true },
});
export const reaction = (mid, action = 'react') => ({
	sender: { id: PERSON },
	recipient: { id: IG },
	timestamp: 1764590400002,
	reaction: action === 'react' ? { mid, action, reaction: 'love', emoji: '\u2764\ufe0f' } : { mid, action },
});
export const seen = (mid) => ({ sender: { id: PERSON }, recipient: { id: IG }, timestamp: 1764590400003, read: { mid } });
export const postback = (mid) => ({
	sender: { id: PERSON },
	recipient: { id: IG },
	timestamp: 1764590400004,
	postback: { mid, title: 'Talk to agent', payload: 'AGENT' },
});
export const comment = (id, text) => ({
	field: 'comments',
	value: { from: { id: PERSON, username: 'someone' }, id, text, media: { id: '17918195224117851', media_product_type: 'FEED' } },
});
