/** `startSandbox()`: the core's embedded Graph API simulator, for tests and demos offline. */
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
}

/** A running sandbox. Give `url` and `accessToken` to an `InstagramClient`. */
export interface Sandbox {
	/** Base URL to use as the client's `baseUrl` (`http://127.0.0.1:PORT`). */
	readonly url: string;
	/** Access token of the demo account. */
	readonly accessToken: string;
	/** App secret the sandbox checks `appsecret_proof` against. */
	readonly appSecret: string;
	/** IG user id of the demo account. */
	readonly igUserId: string;
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
		appSecret: handle.appSecret,
		igUserId: handle.igUserId,
		info,
		stop: async () => callSync(() => handle.stop()),
	};
}
