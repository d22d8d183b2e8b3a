/** `startSandbox()`: the Graph API simulator (Rust crate instagram-graph-sandbox), for tests and demos offline. */
import { localError } from './errors';
import { callSync, loadNative, toJson } from './native';

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
	/** What the sandbox reports about itself (accounts, counts, options). */
	readonly info: Record<string, unknown>;
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
	const handle = callSync(() => start(toJson('sandbox options', core)));
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
		info,
		// The addon joins the server thread off the JavaScript thread and resolves when done.
		stop: () => handle.stop(),
	};
}
