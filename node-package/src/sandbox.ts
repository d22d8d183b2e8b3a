/** `startSandbox()`: the Graph API simulator (Rust crate instagram-graph-sandbox), for tests and demos offline. */
import { localError } from './errors';
import { callSync, loadNative, toJson, unwrap, type NativeSandboxHandle } from './native';

/** What the sandbox can simulate: each becomes a signed webhook delivery, as Meta sends it. */
export type SimulateEvent =
	| 'message'
	| 'message_echo'
	| 'message_edit'
	| 'message_deleted'
	| 'reaction'
	| 'unreact'
	| 'postback'
	| 'referral'
	| 'seen'
	| 'optin'
	| 'handover'
	| 'standby'
	| 'comment'
	| 'live_comment'
	| 'mention'
	| 'story_insights';

/**
 * Options of {@link Sandbox.simulate}, passed to `POST /_sandbox/webhooks/simulate` as they
 * are (snake_case, the sandbox's own names). Common ones are listed; the sandbox refuses
 * options it does not know, naming them.
 */
export interface SimulateOptions {
	/** Who acts (the customer's IGSID); default: the sandbox's demo customer. */
	sender_id?: string;
	/** Text of the message, edit or comment. */
	text?: string;
	/** `message`: an attachment kind (`image`, `video`, `audio`, `file`, `share`, `ig_reel`, `story_mention`, `ephemeral`, ...). */
	attachment?: string;
	/** `message`: a quick reply's payload. */
	quick_reply_payload?: string;
	/** `message`: reply to a story (the story's id, or true for one of the account's). */
	reply_to_story?: unknown;
	/** `message`: an inline reply to this message id. */
	reply_to_mid?: string;
	/** `message`: opened from an ad or ig.me link (with `ad_id`, `ad_title`, `ref`, `source`, `type`). */
	referral?: unknown;
	/** `comment`: reply to this comment. */
	parent_id?: string;
	/** Entries in one POST (Meta batches up to 1,000). */
	batch?: number;
	/** Extra identical redeliveries of the same bytes (Meta redelivers). */
	duplicates?: number;
	/** Unit of `entry[].time`: `s` or `ms` (Meta sends both). */
	time_unit?: 's' | 'ms';
	/** Any other option of the sandbox's simulate endpoint. */
	[option: string]: unknown;
}

/** One delivery attempt the sandbox made (`GET /_sandbox/webhooks/deliveries` lists them all). */
export interface SimulatedDelivery {
	id: string;
	callback_url: string;
	/** HTTP status the callback answered (null when it could not be reached). */
	status: number | null;
	attempts: number;
	[key: string]: unknown;
}

/** What {@link Sandbox.simulate} resolves to. */
export interface SimulateResult {
	/** Where it was delivered (empty when nothing is subscribed). */
	deliveries: SimulatedDelivery[];
	/** The exact body text that was signed and sent. */
	body: string;
	[key: string]: unknown;
}

/** The addon's sandbox with `simulate` (bindings-node/src/sandbox.rs). */
type SimulatingHandle = NativeSandboxHandle & { simulate?(specJson: string): Promise<string> };

/** Options of {@link startSandbox} (all optional). */
export interface SandboxOptions {
	/** Seed of the demo data (same seed, same accounts, media and comments). Default 42. */
	seed?: number;
	/** Latency added to every Graph request, in milliseconds. */
	latencyMs?: number;
	/** Interface to bind (default 127.0.0.1). */
	host?: string;
	/** Port to bind; 0 (default) picks a free one. */
	port?: number;
	/** Number of feed media of the demo account (default 180). */
	mediaCount?: number;
	/** Reject calls without `appsecret_proof`, like an app with "Require App Secret" on. */
	requireAppsecretProof?: boolean;
	/** Probability (0..1) that a Graph request fails, a mix of every fault kind. */
	faultRate?: number;
	/** Seed of the fault sequence (same seed and requests, same faults). */
	faultSeed?: number;
	/** Explicit probability per fault kind, e.g. `{ http_500: 0.1 }`. */
	faults?: Record<string, number>;
	/** Total fault rate per endpoint key, e.g. `{ 'GET /{id}/media': 0.5 }`. */
	faultEndpoints?: Record<string, number>;
	/** Delay of the `slow` fault in milliseconds (default 3000). */
	slowMs?: number;
	/** `estimated_time_to_regain_access` of throttles, in minutes (default 0). */
	regainMinutes?: number;
	/** The same for `throttle_long` (default 60). */
	longRegainMinutes?: number;
	/** Usage headers start at this percentage (default 0). */
	usageStartPercent?: number;
}

/** A running sandbox. Give `url` and `accessToken` to an `InstagramClient`. */
export interface Sandbox {
	/** Base URL to use as the client's `baseUrl` (`http://127.0.0.1:PORT`). */
	readonly url: string;
	/** Instagram Login token (`IGAA…`) of the demo account. */
	readonly accessToken: string;
	/** Facebook Login user token (`EAA…`) of the user who manages the Pages. */
	readonly facebookAccessToken: string;
	/** Page token of the Page linked to the demo account. */
	readonly pageAccessToken: string;
	/** App id (numeric string), the OAuth `client_id`. */
	readonly appId: string;
	/** App secret the sandbox checks `appsecret_proof` and `client_secret` against. */
	readonly appSecret: string;
	/** IG professional account id of the demo account. */
	readonly igUserId: string;
	/** Id of the Facebook Page linked to the demo account. */
	readonly pageId: string;
	/** App access token (`app_id|app_secret`, as Meta accepts it) for `/{app-id}/subscriptions`. */
	readonly appAccessToken: string;
	/** What the sandbox reports about itself (accounts, counts, options). */
	readonly info: Record<string, unknown>;
	/**
	 * Simulate activity on the demo account (`event`, with {@link SimulateOptions}) and deliver
	 * it as signed webhooks to every subscribed callback, retrying like Meta; resolves once the
	 * deliveries are answered. The callback may run in this same process: the delivery waits
	 * off the JavaScript thread. Rejects with `InvalidParamsError` on a bad event or option.
	 */
	simulate(event: SimulateEvent, options?: SimulateOptions): Promise<SimulateResult>;
	/** Stop serving (idempotent). */
	stop(): Promise<void>;
}

const OPTION_KEYS: Record<keyof SandboxOptions, string> = {
	seed: 'seed',
	latencyMs: 'latency_ms',
	host: 'host',
	port: 'port',
	mediaCount: 'media_count',
	requireAppsecretProof: 'require_appsecret_proof',
	faultRate: 'fault_rate',
	faultSeed: 'fault_seed',
	faults: 'faults',
	faultEndpoints: 'fault_endpoints',
	slowMs: 'slow_ms',
	regainMinutes: 'regain_minutes',
	longRegainMinutes: 'long_regain_minutes',
	usageStartPercent: 'usage_start_percent',
};

/** Start a sandbox; rejects with `InvalidParamsError` on a bad option. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const core: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(options ?? {})) {
		const coreKey = OPTION_KEYS[key as keyof SandboxOptions];
		if (!coreKey) {
			throw localError(
				'invalid_params',
				`sandbox options: ${key}: unknown option (expected one of ${Object.keys(OPTION_KEYS).join(', ')})`,
			);
		}
		if (value !== undefined && value !== null) core[coreKey] = value;
	}
	const native = loadNative();
	const start = native.startSandbox;
	if (!start) throw localError('unsupported', 'this build of the native addon has no sandbox');
	const handle: SimulatingHandle = callSync(() => start(toJson('sandbox options', core)));
	let info: Record<string, unknown> = {};
	try {
		info = JSON.parse(handle.info) as Record<string, unknown>;
	} catch {
		info = {};
	}
	return {
		url: handle.url,
		accessToken: handle.accessToken,
		facebookAccessToken: handle.facebookAccessToken,
		pageAccessToken: handle.pageAccessToken,
		appId: handle.appId,
		appSecret: handle.appSecret,
		igUserId: handle.igUserId,
		pageId: handle.pageId,
		appAccessToken: typeof info.app_access_token === 'string' ? info.app_access_token : `${handle.appId}|${handle.appSecret}`,
		info,
		simulate: async (event, options = {}) => {
			if (typeof event !== 'string' || !event) throw localError('invalid_params', 'sandbox.simulate: event: expected an event kind such as "message"');
			if (typeof options !== 'object' || options === null || Array.isArray(options)) {
				throw localError('invalid_params', 'sandbox.simulate: options: expected an object of snake_case options');
			}
			const simulate = handle.simulate;
			if (!simulate) throw localError('unsupported', 'this build of the native addon cannot simulate webhooks');
			const spec = toJson('sandbox.simulate options', { ...options, event });
			return unwrap(await simulate.call(handle, spec)) as SimulateResult;
		},
		// The addon joins the server thread off the JavaScript thread and resolves when done.
		stop: () => handle.stop(),
	};
}
