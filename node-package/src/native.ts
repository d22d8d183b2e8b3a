/**
 * Loads the napi-rs addon shipped inside this package and unwraps its JSON envelopes.
 *
 * n8n installs community packages without optional dependencies and without install scripts,
 * so every platform's `.node` file ships in `native/` and is loaded by a relative `require`.
 * The loader must not use `process`, `fs` or `child_process` (n8n's package scanner rejects
 * them), so it simply tries each platform's file in order until one loads.
 */
import { errorFromFields, InstagramError, localError } from './errors';

/** The addon's progress callback: one report as JSON text. */
export type NativeProgress = (json: string) => void;

/** The addon's cancel handle: one per call or walk given an `AbortSignal`. */
export interface NativeCancelHandle {
	cancel(): void;
	readonly cancelled: boolean;
}

/** The addon's client (see bindings-node/src/lib.rs). */
export interface NativeClientHandle {
	call(
		opId: string,
		paramsJson: string,
		detailed?: boolean | null,
		progress?: NativeProgress | null,
		cancel?: NativeCancelHandle | null,
	): Promise<string>;
	paginator(
		opId: string,
		paramsJson: string,
		maxItems?: number | null,
		progress?: NativeProgress | null,
		cancel?: NativeCancelHandle | null,
	): NativePaginatorHandle;
	usage(): string;
	close(): void;
	/** Resolves to an envelope whose value is the new token info, or `null` when nothing was due. */
	refreshTokenIfNeeded(aheadMs?: number | null): Promise<string>;
	readonly closed: boolean;
	readonly apiVersion: string;
	readonly versionWarning: string | null;
	readonly tokenWarning: string | null;
	readonly tokenExpiresAt: number | null;
	readonly baseUrl: string;
}

/** The addon's paginator. */
export interface NativePaginatorHandle {
	nextPage(): Promise<string>;
}

/** The addon's running sandbox. */
export interface NativeSandboxHandle {
	readonly url: string;
	readonly accessToken: string;
	readonly facebookAccessToken: string;
	readonly pageAccessToken: string;
	readonly appId: string;
	readonly appSecret: string;
	readonly igUserId: string;
	readonly pageId: string;
	readonly info: string;
	/** Resolves once the server thread has stopped (joined off the JavaScript thread). */
	stop(): Promise<void>;
}

/** Everything the addon exports. */
export interface NativeBinding {
	/** `onTokenRefresh` gets the new token info as JSON text, through a threadsafe function. */
	NativeClient: new (configJson: string, onTokenRefresh?: NativeProgress | null) => NativeClientHandle;
	NativeCancel: new () => NativeCancelHandle;
	operations(): string;
	defaultApiVersion(): string;
	startSandbox?(optionsJson: string): NativeSandboxHandle;
}

/* eslint-disable @typescript-eslint/no-require-imports -- a .node addon can only be loaded with require */
const CANDIDATES: ReadonlyArray<[string, () => unknown]> = [
	['linux-x64-gnu', () => require('../../native/instagram-graph.linux-x64-gnu.node')],
	['linux-x64-musl', () => require('../../native/instagram-graph.linux-x64-musl.node')],
	['linux-arm64-gnu', () => require('../../native/instagram-graph.linux-arm64-gnu.node')],
	['linux-arm64-musl', () => require('../../native/instagram-graph.linux-arm64-musl.node')],
	['darwin-arm64', () => require('../../native/instagram-graph.darwin-arm64.node')],
	['darwin-x64', () => require('../../native/instagram-graph.darwin-x64.node')],
	['win32-x64-msvc', () => require('../../native/instagram-graph.win32-x64-msvc.node')],
];
/* eslint-enable @typescript-eslint/no-require-imports */

let cached: NativeBinding | undefined;

function isBinding(m: unknown): m is NativeBinding {
	const b = m as Partial<NativeBinding> | null;
	return (
		typeof b === 'object' &&
		b !== null &&
		typeof b.NativeClient === 'function' &&
		typeof b.NativeCancel === 'function' &&
		typeof b.operations === 'function'
	);
}

/** The addon for this platform; throws an {@link InstagramError} (`internal`) listing what was tried. */
export function loadNative(): NativeBinding {
	if (cached) return cached;
	const tried: string[] = [];
	for (const [triple, load] of CANDIDATES) {
		try {
			const m = load();
			if (isBinding(m)) {
				cached = m;
				return m;
			}
			tried.push(`${triple}: loaded but is not this package's addon`);
		} catch (e) {
			const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
			tried.push(`${triple}: ${msg}`);
		}
	}
	throw localError(
		'internal',
		'n8n-nodes-instagram-graph: no native addon in native/ loads on this platform. ' +
			`Tried instagram-graph.<triple>.node for: ${tried.join('; ')}. ` +
			'Build it with `make node-addon` or install a package built for this platform.',
	);
}

interface Envelope {
	ok: boolean;
	value?: unknown;
	error?: Record<string, unknown>;
}

function parseEnvelope(text: string): Envelope | undefined {
	if (!text.startsWith('{"')) return undefined;
	try {
		const v = JSON.parse(text) as unknown;
		if (typeof v === 'object' && v !== null && typeof (v as Envelope).ok === 'boolean') {
			return v as Envelope;
		}
	} catch {
		// Not an envelope: fall through.
	}
	return undefined;
}

/** The value of an envelope string, or the typed error it carries. */
export function unwrap(text: string): unknown {
	const env = parseEnvelope(text);
	if (!env) throw localError('internal', 'native addon returned an unreadable answer');
	if (env.ok) return env.value ?? null;
	throw errorFromFields(env.error ?? {});
}

/**
 * Convert what a synchronous addon call threw: the addon throws an `Error` whose message is
 * an error envelope. Anything else becomes an `internal` error.
 */
export function fromThrown(e: unknown): InstagramError {
	if (e instanceof InstagramError) return e;
	const message = e instanceof Error ? e.message : String(e);
	const env = parseEnvelope(message);
	if (env && !env.ok) return errorFromFields(env.error ?? {});
	return localError('internal', `native addon failed: ${message}`);
}

/** Run a synchronous addon call, converting its failures to typed errors. */
export function callSync<T>(f: () => T): T {
	try {
		return f();
	} catch (e) {
		throw fromThrown(e);
	}
}

/** JSON text of `value` for the addon; unserialisable input becomes `invalid_params`. */
export function toJson(what: string, value: unknown): string {
	let failure: InstagramError | undefined;
	let text: string | undefined;
	try {
		text = JSON.stringify(value ?? {}, (key, v: unknown) => {
			// JSON would turn NaN/Infinity into null, silently dropping the param.
			if (typeof v === 'number' && !Number.isFinite(v)) {
				failure ??= localError('invalid_params', `${what}${key ? `.${key}` : ''}: ${v} is not a finite number`);
			}
			return v;
		});
	} catch (e) {
		const msg = e instanceof Error ? e.message : String(e);
		failure = localError('invalid_params', `${what}: cannot be sent as JSON: ${msg}`);
	}
	if (failure) throw failure;
	return text ?? '{}';
}
