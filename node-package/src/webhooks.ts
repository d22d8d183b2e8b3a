/**
 * `webhooks`: receive Meta's Instagram webhooks. Verify the signature over the exact raw
 * request bytes, answer the GET subscription handshake, and parse a delivery into normalized
 * events with the same snake_case fields as in Python and in the n8n trigger.
 *
 * ```js
 * const { webhooks } = require('n8n-nodes-instagram-graph');
 * // GET: the handshake
 * const challenge = webhooks.verifySubscription(req.url.split('?')[1] ?? '', VERIFY_TOKEN); // throws VerificationFailedError → 403
 * // POST: rawBody is the Buffer of the request body, read before any JSON parsing
 * if (!webhooks.verifySignature(rawBody, req.headers, APP_SECRET)) { res.writeHead(403).end(); return; }
 * for (const ev of webhooks.parse(rawBody)) if (ev.event_type === 'message') console.log(ev.sender_id, ev.text);
 * ```
 *
 * Implemented by the Rust core (`instagram_graph::webhook`): constant-time HMAC comparison,
 * `sha1=` accepted only when no `X-Hub-Signature-256` header is present.
 */
import { localError } from './errors';
import type { WebhookEvent, WebhookField } from './generated/webhook-events';
import { callSync, loadNative, type NativeBinding } from './native';

// The event types are generated from the core's event schema (scripts/generate.mjs).
export type * from './generated/webhook-events';

/** The webhook functions of the addon (bindings-node/src/webhook.rs). */
interface NativeWebhooks {
	webhookVerifySignature(rawBody: Uint8Array, header: string, appSecret: string): boolean;
	webhookVerifySignatureHeaders(
		rawBody: Uint8Array,
		sha256Header: string | null | undefined,
		sha1Header: string | null | undefined,
		appSecret: string,
	): boolean;
	webhookVerifySubscription(queryJson: string, verifyToken: string): string;
	webhookParse(rawBody: Uint8Array): string;
	webhookFields(): string;
}

function native(): NativeWebhooks {
	const b = loadNative() as NativeBinding & Partial<NativeWebhooks>;
	if (typeof b.webhookParse !== 'function') {
		throw localError('unsupported', 'this build of the native addon has no webhook functions');
	}
	return b as NativeBinding & NativeWebhooks;
}

/** What {@link verifySignature} and {@link parse} say when given anything but the raw bytes. */
const RAW_BODY_MESSAGE =
	'rawBody must be the raw request bytes (Buffer): Meta signs the exact bytes; a parsed or re-serialized body cannot be verified';

/** The raw body as a byte view, or a TypeError for strings, parsed objects and the rest. */
function rawBytes(rawBody: unknown): Uint8Array {
	if (rawBody instanceof Uint8Array) return rawBody;
	if (rawBody instanceof ArrayBuffer) return new Uint8Array(rawBody);
	const got = rawBody === null ? 'null' : Array.isArray(rawBody) ? 'an array' : `a ${typeof rawBody}`;
	throw new TypeError(`${RAW_BODY_MESSAGE} (got ${got})`);
}

function requireString(what: string, value: unknown): string {
	if (typeof value !== 'string') throw new TypeError(`${what}: expected a string, got ${value === null ? 'null' : typeof value}`);
	return value;
}

/**
 * Request headers: Node's `req.headers` (`IncomingHttpHeaders`), any plain object (names in
 * any case), or a Fetch `Headers` (anything with `get(name)`).
 */
export type HeadersLike =
	| Readonly<Record<string, string | readonly string[] | undefined>>
	| { get(name: string): string | null | undefined };

/** The value of header `name` (lower case) in `headers`, read case-insensitively; the first of several. */
function headerValue(headers: HeadersLike, name: string): string | undefined {
	const getter = (headers as { get?: unknown }).get;
	if (typeof getter === 'function') {
		const v = (getter as (n: string) => unknown).call(headers, name);
		return typeof v === 'string' ? v : undefined;
	}
	for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
		if (key.toLowerCase() !== name) continue;
		const first: unknown = Array.isArray(value) ? value[0] : value;
		if (typeof first === 'string') return first;
	}
	return undefined;
}

/**
 * Check Meta's signature over the exact raw body bytes: `true` when it matches, `false` when a
 * well-formed signature does not. `header` is the `X-Hub-Signature-256` value (`sha256=<hex>`;
 * a legacy `sha1=<hex>` value is accepted too) or the request's headers, read
 * case-insensitively: `x-hub-signature-256` when present, `x-hub-signature` (sha1) only when it
 * is absent. Throws `InvalidSignatureError` for a missing, malformed, non-hex or truncated
 * signature or an empty app secret, and a `TypeError` when `rawBody` is not bytes.
 */
export function verifySignature(rawBody: Uint8Array | ArrayBuffer, header: string | HeadersLike, appSecret: string): boolean {
	const raw = rawBytes(rawBody);
	const secret = requireString('appSecret', appSecret);
	const n = native();
	if (typeof header === 'string') return callSync(() => n.webhookVerifySignature(raw, header, secret));
	if (typeof header !== 'object' || header === null) {
		throw new TypeError(`header: expected the X-Hub-Signature-256 value or the request headers, got ${header === null ? 'null' : typeof header}`);
	}
	const sha256 = headerValue(header, 'x-hub-signature-256');
	const sha1 = headerValue(header, 'x-hub-signature');
	return callSync(() => n.webhookVerifySignatureHeaders(raw, sha256 ?? null, sha1 ?? null, secret));
}

/** Anything with `entries()` giving `[key, value]` pairs in order: `URLSearchParams`, a `Map`. */
export interface QueryPairs {
	entries(): Iterable<[string, string]>;
}

/**
 * A query: `URLSearchParams` (or any {@link QueryPairs}), an object of strings (arrays:
 * repeated keys), or the query string (a whole URL or path is fine).
 */
export type QueryLike = QueryPairs | Readonly<Record<string, string | readonly string[] | undefined>> | string;

function queryPairs(query: QueryLike): [string, string][] {
	if (typeof query === 'string') {
		// A whole URL or path: the part after '?'.
		const q = query.includes('?') ? query.slice(query.indexOf('?') + 1) : query;
		return [...new URLSearchParams(q.split('#')[0] ?? '').entries()];
	}
	if (typeof query !== 'object' || query === null) {
		throw new TypeError(`query: expected URLSearchParams, an object or a query string, got ${query === null ? 'null' : typeof query}`);
	}
	// Declared as a type without naming URLSearchParams: the published .d.ts must not need DOM
	// or Node globals.
	if (typeof (query as Partial<QueryPairs>).entries === 'function') {
		return [...(query as QueryPairs).entries()].map(([k, v]) => [String(k), String(v)]);
	}
	const pairs: [string, string][] = [];
	for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
		for (const v of Array.isArray(value) ? value : [value]) {
			if (typeof v === 'string') pairs.push([key, v]);
			else if (v !== undefined) pairs.push([key, String(v)]);
		}
	}
	return pairs;
}

/** Lone surrogates as U+FFFD, as N-API hands strings over: JSON text of them would not parse. */
const wellFormed = (s: string): string => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/**
 * Answer Meta's GET handshake: returns `hub.challenge`, to send back as `text/plain` with
 * status 200, when `hub.mode` is `subscribe` and `hub.verify_token` equals `verifyToken`
 * (`hub_mode`-style keys accepted too). Otherwise throws `VerificationFailedError` (answer
 * 403); its message says why and never quotes either token.
 */
export function verifySubscription(query: QueryLike, verifyToken: string): string {
	const token = requireString('verifyToken', verifyToken);
	const pairs = queryPairs(query).map(([k, v]) => [wellFormed(k), wellFormed(v)]);
	const n = native();
	return callSync(() => n.webhookVerifySubscription(JSON.stringify(pairs), token));
}

/**
 * Parse a delivery's raw body into normalized events, in delivery order. Items not recognised
 * become `unknown` events (with `raw`) and never fail the batch; a body that is not a delivery
 * (not JSON, wrong shape, too large) throws `InvalidPayloadError`. Verify the signature first.
 */
export function parse(rawBody: Uint8Array | ArrayBuffer): WebhookEvent[] {
	const raw = rawBytes(rawBody);
	const n = native();
	return JSON.parse(callSync(() => n.webhookParse(raw))) as WebhookEvent[];
}

/** The subscribable webhook fields (what `subscribed_fields` and the app subscription take). */
export function fields(): WebhookField[] {
	return JSON.parse(callSync(() => native().webhookFields())) as WebhookField[];
}
