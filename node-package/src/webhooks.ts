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
import { callSync, loadNative, type NativeBinding } from './native';

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

/** One subscribable webhook field, as {@link fields} lists it. */
export interface WebhookField {
	/** The field name Meta uses (`messages`, `comments`, ...). */
	field: string;
	/** A label for people (`Messages`). */
	display_name: string;
	/** What it delivers. */
	description: string;
	/** The `event_type`s its deliveries produce. */
	event_types: WebhookEventType[];
	/** The payload envelope: `changes`, `messaging` or `standby`. */
	envelope: 'changes' | 'messaging' | 'standby';
	/** Which login flavours can subscribe to it. */
	logins: ('facebook' | 'instagram')[];
	/** The permission each login flavour needs (null where the flavour cannot subscribe). */
	permissions: { facebook: string | null; instagram: string | null };
}

/** Every `event_type` {@link parse} produces. */
export type WebhookEventType = WebhookEvent['event_type'];

/** Fields of every event. */
export interface WebhookEventBase {
	/** The webhook field it came under (`messages`, `message_reactions`, `comments`, `standby`, ...). */
	field: string;
	/** The entry id: the Instagram professional account the event is for. */
	account_id: string;
	/** The entry time in milliseconds (Meta sends seconds or milliseconds). */
	time: number;
	/** Stable across parses of the same item, distinct within a delivery: deduplicate on it (Meta redelivers). */
	dedupe_key: string;
	/** The original item as sent (`messaging[]`/`standby[]` element or `changes[]` value). */
	raw: Record<string, unknown>;
}

/** Fields of every messaging event (`messaging` and `standby` envelopes). */
export interface MessagingEventBase extends WebhookEventBase {
	/** Who sent it: the customer's IGSID, or the account itself for echoes. */
	sender_id: string | null;
	/** Who received it. */
	recipient_id: string | null;
	/** When it happened, in milliseconds. */
	timestamp: number | null;
	/** True for items of the `standby` envelope (another app owns the thread). */
	is_standby: boolean;
}

/** One message attachment (`type` as Meta names it: image, video, audio, file, share, ig_reel, story_mention, ephemeral, ...). */
export interface WebhookAttachment {
	type: string;
	/** The CDN URL (expires; `null` for `ephemeral`). */
	url: string | null;
	[key: string]: unknown;
}

/** The ad or ig.me link that opened the conversation. */
export interface WebhookReferral {
	ref: string | null;
	source: string | null;
	type: string | null;
	ad_id: string | null;
	/** The ad's `ads_context_data` as sent (`ad_title`, `photo_url`, ...). */
	ads_context_data: Record<string, unknown> | null;
	/** `referral.product.id`, from an Instagram Shop product page. */
	product_id: string | null;
}

/** A message, an echo of one the business sent, or the note that one was unsent. */
export interface MessageEvent extends MessagingEventBase {
	event_type: 'message' | 'message_echo' | 'message_deleted';
	mid: string | null;
	text: string | null;
	attachments: WebhookAttachment[] | null;
	quick_reply_payload: string | null;
	reply_to_mid: string | null;
	reply_to_story: { id: string | null; url: string | null; link_sticker_url: string | null } | null;
	referral: WebhookReferral | null;
	is_echo: boolean;
	is_deleted: boolean;
	is_unsupported: boolean;
	is_self: boolean;
}

/** A message was edited. */
export interface MessageEditEvent extends MessagingEventBase {
	event_type: 'message_edit';
	mid: string | null;
	text: string | null;
	num_edit: number | null;
}

/** A reaction was added (`react`) or removed (`unreact`: no `reaction`/`emoji`). */
export interface ReactionEvent extends MessagingEventBase {
	event_type: 'reaction';
	mid: string | null;
	action: 'react' | 'unreact' | null;
	reaction: string | null;
	emoji: string | null;
}

/** A button or ice breaker was tapped. */
export interface PostbackEvent extends MessagingEventBase {
	event_type: 'postback';
	mid: string | null;
	title: string | null;
	payload: string | null;
}

/** An ig.me link with `ref` opened an existing thread. */
export interface ReferralEvent extends MessagingEventBase, WebhookReferral {
	event_type: 'referral';
}

/** A seen receipt. */
export interface SeenEvent extends MessagingEventBase {
	event_type: 'seen';
	mid: string | null;
}

/** An opt-in (marketing messages, notifications): the `optin` object's fields (null when not sent). */
export interface OptinEvent extends MessagingEventBase {
	event_type: 'optin';
	type: string | null;
	payload: string | null;
	ref: string | null;
	user_ref: string | null;
	title: string | null;
	notification_messages_token: string | null;
	notification_messages_frequency: string | null;
	notification_messages_timezone: string | null;
	notification_messages_status: string | null;
	token_expiry_timestamp: number | null;
	user_token_status: string | null;
}

/** Thread control passed, taken or requested: the thread-control fields. */
export interface HandoverEvent extends MessagingEventBase {
	event_type: 'handover';
	/** Which message it was: `pass_thread_control`, `take_thread_control`, `request_thread_control` or `app_roles`. */
	handover_type: 'pass_thread_control' | 'take_thread_control' | 'request_thread_control' | 'app_roles';
	previous_owner_app_id: string | null;
	new_owner_app_id: string | null;
	requested_owner_app_id: string | null;
	metadata: unknown;
	/** The `app_roles` object as sent (only for `app_roles`). */
	app_roles: Record<string, unknown> | null;
}

/** A comment (or a reply: `parent_id`) on a media, or on a live broadcast. */
export interface CommentEvent extends WebhookEventBase {
	event_type: 'comment' | 'live_comment';
	comment_id: string | null;
	text: string | null;
	media_id: string | null;
	media_product_type: string | null;
	parent_id: string | null;
	from_id: string | null;
	from_username: string | null;
	ad_id: string | null;
	ad_title: string | null;
	original_media_id: string | null;
}

/** The account was @mentioned in a caption (`comment_id` null) or a comment. */
export interface MentionEvent extends WebhookEventBase {
	event_type: 'mention';
	media_id: string | null;
	comment_id: string | null;
}

/** A story expired; its insights as sent (`reach`, `replies`, ...). */
export interface StoryInsightsEvent extends WebhookEventBase {
	event_type: 'story_insights';
	media_id: string | null;
	metrics: Record<string, unknown>;
}

/** Anything not recognised, kept with `raw` (an unknown messaging item keeps the messaging fields). */
export interface UnknownEvent extends WebhookEventBase, Partial<Omit<MessagingEventBase, keyof WebhookEventBase>> {
	event_type: 'unknown';
}

/** One normalized webhook event: narrow on `event_type`. */
export type WebhookEvent =
	| MessageEvent
	| MessageEditEvent
	| ReactionEvent
	| PostbackEvent
	| ReferralEvent
	| SeenEvent
	| OptinEvent
	| HandoverEvent
	| CommentEvent
	| MentionEvent
	| StoryInsightsEvent
	| UnknownEvent;
