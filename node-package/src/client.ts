/**
 * `InstagramClient`: the plain Node API over the Rust core. Generic `call`/`paginate`/`paginatePages`
 * plus namespaced methods generated from the catalogue (`client.media.list(...)`).
 */
import { localError } from './errors';
import {
	OperationMethods,
	type OperationId,
	type OperationParams,
	type PaginatedOperationId,
} from './generated/operations';
import {
	callSync,
	loadNative,
	toJson,
	unwrap,
	type NativeCancelHandle,
	type NativeClientHandle,
	type NativePaginatorHandle,
	type NativeProgress,
} from './native';
import type {
	AbortSignalLike,
	CallOptions,
	DetailedResult,
	GraphObject,
	Page,
	PaginateOptions,
	Progress,
	TokenInfo,
	Usage,
} from './types';

/** Options of {@link InstagramClient}. */
export interface ClientOptions {
	/** User or Page access token (required). Never appears in errors. */
	accessToken: string;
	/** Which login the token comes from: `instagram` (graph.instagram.com, default) or `facebook`. */
	login?: 'facebook' | 'instagram';
	/** Graph API version, e.g. `v27.0` (the default); see {@link InstagramClient.versionWarning}. */
	apiVersion?: string;
	/** App secret: when set, every call carries `appsecret_proof`. */
	appSecret?: string;
	/** Another host instead of Meta's, e.g. a sandbox URL. */
	baseUrl?: string;
	/** Whole-request timeout in milliseconds (default 60000). */
	timeoutMs?: number;
	/** Automatic retries of idempotent requests on transient failures (default 2, at most 10). */
	maxRetries?: number;
	/** `false` turns retries and usage-based pacing off altogether (default `true`). */
	retry?: boolean;
	/**
	 * Milliseconds one request may spend sleeping (backoff and pacing), default 60000; a longer
	 * wait rejects at once with the `RateLimitError` and its `retryAfter`.
	 */
	maxTotalWaitMs?: number;
	/** Percent of a Meta usage budget at which new requests wait (1–100, default 90). */
	highWaterMark?: number;
	/** Requests of this client in flight at once (default 16). */
	maxConcurrency?: number;
	/** The numeric app id (with `appSecret`: the app token of app-level calls). */
	appId?: string;
	/**
	 * When the access token expires: Unix seconds, a `Date` or a date string (`2026-01-31`);
	 * `0`/`null` = unknown or never. Enables {@link InstagramClient.tokenWarning} and
	 * {@link InstagramClient.refreshTokenIfNeeded}.
	 */
	tokenExpiresAt?: number | Date | string | null;
	/**
	 * Called with the new token each time the client swaps its token (after
	 * {@link InstagramClient.refreshTokenIfNeeded}): store it, the old one stops working when it
	 * expires. Called on the JS thread, never blocking the refresh; what it throws is ignored.
	 */
	onTokenRefresh?: (token: TokenInfo) => void;
	/**
	 * Where warnings go (`console`, n8n's `this.logger`, pino, ...): at construction, the
	 * API version's {@link InstagramClient.versionWarning} and an expiring token's
	 * {@link InstagramClient.tokenWarning}. Without one the library prints nothing.
	 */
	logger?: WarningLogger;
}

/** Anything with a `warn(message)`, like `console` or n8n's logger. */
export interface WarningLogger {
	warn(message: string): void;
}

const OPTION_KEYS: Record<keyof ClientOptions, string> = {
	accessToken: 'access_token',
	login: 'login',
	apiVersion: 'api_version',
	appSecret: 'app_secret',
	baseUrl: 'base_url',
	timeoutMs: 'timeout_ms',
	maxRetries: 'max_retries',
	retry: 'retry',
	maxTotalWaitMs: 'max_total_wait_ms',
	highWaterMark: 'high_water_mark',
	maxConcurrency: 'max_concurrency',
	appId: 'app_id',
	tokenExpiresAt: 'token_expires_at',
	onTokenRefresh: '', // not a core key: the addon's constructor takes it
	logger: '', // not a core key: used here
};

/** Unix seconds above this are surely milliseconds (year 5138). */
const MAX_SECONDS = 1e11;

/** `tokenExpiresAt` → what the core reads (Unix seconds or a date string). */
function expiryForCore(v: unknown): unknown {
	if (v instanceof Date) {
		const ms = v.getTime();
		if (!Number.isFinite(ms)) throw localError('invalid_params', 'client options: tokenExpiresAt: invalid Date');
		return Math.floor(ms / 1000);
	}
	if (typeof v === 'number' && Number.isFinite(v) && v > MAX_SECONDS) {
		throw localError('invalid_params', 'client options: tokenExpiresAt: expected Unix seconds (this looks like milliseconds: pass a Date or divide by 1000)');
	}
	return v;
}

/** camelCase client options → the core's snake_case config; unknown keys are rejected. */
function coreConfig(options: ClientOptions): Record<string, unknown> {
	if (typeof options !== 'object' || options === null) {
		throw localError('invalid_params', 'client options: expected an object with at least accessToken');
	}
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(options)) {
		const coreKey = Object.hasOwn(OPTION_KEYS, key) ? OPTION_KEYS[key as keyof ClientOptions] : undefined;
		if (coreKey === undefined) {
			throw localError(
				'invalid_params',
				`client options: ${key}: unknown option (expected one of ${Object.keys(OPTION_KEYS).join(', ')})`,
			);
		}
		if (key === 'onTokenRefresh' || key === 'logger' || value === undefined || value === null) continue;
		out[coreKey] = key === 'tokenExpiresAt' ? expiryForCore(value) : value;
	}
	return out;
}

/** Node's `util.inspect` of a token info: everything but the token. */
function redactedInspect(this: TokenInfo): string {
	return `TokenInfo { access_token: '[redacted]', token_type: '${this.token_type}', expires_in: ${String(this.expires_in)}, expires_at: ${String(this.expires_at)} }`;
}

/** A token info from the addon's JSON, its token hidden from `util.inspect`. */
function tokenInfo(value: unknown): TokenInfo {
	const t = value as TokenInfo;
	Object.defineProperty(t, Symbol.for('nodejs.util.inspect.custom'), { value: redactedInspect, enumerable: false });
	return t;
}

/** The addon hands the new token over as JSON text; the user's callback gets the object. */
function tokenRefreshFor(onTokenRefresh: unknown): NativeProgress | undefined {
	if (onTokenRefresh === undefined || onTokenRefresh === null) return undefined;
	if (typeof onTokenRefresh !== 'function') {
		throw localError('invalid_params', 'client options: onTokenRefresh: expected a function');
	}
	const callback = onTokenRefresh as (t: TokenInfo) => void;
	return (json: string) => {
		try {
			callback(tokenInfo(JSON.parse(json)));
		} catch {
			// A failing callback must not fail (or crash) the refresh that already happened.
		}
	};
}

/** Node's `util.inspect.custom` (a registered symbol: no `util` import needed). */
const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/**
 * Dates become Unix seconds (Graph's timestamp params); `undefined` and `null` params are
 * dropped (absent, as Python's `None`; the core drops JSON nulls too); the rest is sent as is.
 */
function normaliseParams(params: object | undefined): object {
	if (params === undefined || params === null) return {};
	if (typeof params !== 'object' || Array.isArray(params)) return params;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(params)) {
		if (v === undefined || v === null) continue;
		out[k] = v instanceof Date ? Math.floor(v.getTime() / 1000) : v;
	}
	return out;
}

function checkMaxItems(opId: string, maxItems: unknown): number | undefined {
	if (maxItems === undefined || maxItems === null) return undefined;
	if (typeof maxItems !== 'number' || !Number.isSafeInteger(maxItems) || maxItems < 0) {
		throw localError('invalid_params', `${opId}: maxItems: expected a non-negative integer`);
	}
	return maxItems;
}

/** The addon hands reports over as JSON text; the user's callback gets the object. */
function progressFor(opId: string, onProgress: unknown): NativeProgress | undefined {
	if (onProgress === undefined || onProgress === null) return undefined;
	if (typeof onProgress !== 'function') {
		throw localError('invalid_params', `${opId}: onProgress: expected a function`);
	}
	const callback = onProgress as (p: Progress) => void;
	return (json: string) => {
		try {
			callback(JSON.parse(json) as Progress);
		} catch {
			// A failing progress callback must not fail (or crash) the call it reports on.
		}
	};
}

function isAbortSignal(v: unknown): v is AbortSignalLike {
	const s = v as Partial<AbortSignalLike> | null;
	return typeof s === 'object' && s !== null && typeof s.aborted === 'boolean' && typeof s.addEventListener === 'function';
}

/** A native cancel handle tied to `signal` until `release()`. */
interface Cancellation {
	handle?: NativeCancelHandle;
	release(): void;
}

function cancellationFor(opId: string, signal: unknown): Cancellation {
	if (signal === undefined || signal === null) return { release: () => undefined };
	if (!isAbortSignal(signal)) throw localError('invalid_params', `${opId}: signal: expected an AbortSignal`);
	const handle = new (loadNative().NativeCancel)();
	if (signal.aborted) {
		handle.cancel();
		return { handle, release: () => undefined };
	}
	const onAbort = (): void => handle.cancel();
	signal.addEventListener('abort', onAbort, { once: true });
	return { handle, release: () => signal.removeEventListener('abort', onAbort) };
}

/**
 * A Graph API client for one access token. Safe to share; calls may run concurrently.
 * Namespaced methods (`client.media.list(...)`) come from the generated {@link OperationMethods}.
 */
export class InstagramClient extends OperationMethods {
	readonly #native: NativeClientHandle;

	/** The login flavour in use (decides the host and which operations are available). */
	readonly login: 'facebook' | 'instagram';

	/** Throws `InvalidParamsError` on a bad option (naming the option, never its value). */
	constructor(options: ClientOptions) {
		super();
		const config = coreConfig(options);
		const logger = options.logger as unknown;
		if (logger !== undefined && logger !== null && typeof (logger as Partial<WarningLogger>).warn !== 'function') {
			throw localError('invalid_params', 'client options: logger: expected an object with a warn(message) method');
		}
		const onRefresh = tokenRefreshFor(options.onTokenRefresh);
		const native = loadNative();
		this.#native = callSync(() => new native.NativeClient(toJson('client options', config), onRefresh ?? null));
		this.login = options.login === 'facebook' ? 'facebook' : 'instagram';
		if (options.logger) {
			for (const w of [this.versionWarning, this.tokenWarning]) {
				if (w === null) continue;
				try {
					options.logger.warn(`instagram-graph: ${w}`);
				} catch {
					// A failing logger must not fail the client.
				}
			}
		}
	}

	/** The Graph API version in use (default `v27.0`). */
	get apiVersion(): string {
		return this.#native.apiVersion;
	}

	/**
	 * Why the API version needs attention (expired, expiring within 90 days, or unknown to this
	 * release), or `null`. Not printed by this library: log it or show it where users look.
	 */
	get versionWarning(): string | null {
		return this.#native.versionWarning ?? null;
	}

	/** When the access token expires (Unix seconds), if known (`tokenExpiresAt`, or the last refresh). */
	get tokenExpiresAt(): number | null {
		return this.#native.tokenExpiresAt ?? null;
	}

	/**
	 * `access token expires in N days (...)` when its known expiry is within 7 days (or it
	 * has expired), else `null`. Not printed by this library: log it or show it where users look.
	 */
	get tokenWarning(): string | null {
		return this.#native.tokenWarning ?? null;
	}

	/**
	 * With Instagram Login and a known expiry within `aheadMs` (default 7 days), for a token at
	 * least 24 h old: refresh it (`auth.refresh`), swap the client's token for the new one, call
	 * `onTokenRefresh`, and resolve to the new token. `null` when nothing was due (Facebook
	 * Login, unknown expiry, not due yet, too young). An expired token rejects with `AuthError`:
	 * Meta cannot refresh it.
	 */
	async refreshTokenIfNeeded(aheadMs?: number): Promise<TokenInfo | null> {
		this.#checkOpen('refreshTokenIfNeeded');
		if (aheadMs !== undefined && !(typeof aheadMs === 'number' && Number.isFinite(aheadMs) && aheadMs >= 0)) {
			throw localError('invalid_params', 'refreshTokenIfNeeded: aheadMs: expected a non-negative number of milliseconds');
		}
		const value = unwrap(await this.#native.refreshTokenIfNeeded(aheadMs ?? null));
		return value === null ? null : tokenInfo(value);
	}

	/** Where requests go (the login flavour's host unless `baseUrl` overrides it). */
	get baseUrl(): string {
		return this.#native.baseUrl;
	}

	/** Whether {@link close} was called. */
	get closed(): boolean {
		return this.#native.closed;
	}

	/**
	 * Refuse every further call, including pages of walks started before: they reject with
	 * `UnsupportedError` ("client is closed"). Calls in flight finish. Idempotent.
	 */
	close(): void {
		this.#native.close();
	}

	#checkOpen(opId: string): void {
		if (this.#native.closed) throw localError('unsupported', `${opId}: client is closed`);
	}

	async #call(opId: string, params: object | undefined, options: CallOptions | undefined, detailed: boolean): Promise<unknown> {
		this.#checkOpen(opId);
		const paramsJson = toJson(`${opId}: params`, normaliseParams(params));
		const progress = progressFor(opId, options?.onProgress);
		if (isAbortSignal(options?.signal) && options.signal.aborted) throw localError('cancelled', `${opId}: cancelled`);
		const cancel = cancellationFor(opId, options?.signal);
		try {
			return unwrap(await this.#native.call(String(opId), paramsJson, detailed, progress ?? null, cancel.handle ?? null));
		} finally {
			cancel.release();
		}
	}

	/**
	 * Call an operation by id; resolves to Graph's JSON. Paginated operations resolve to one
	 * page, `{ data, paging }`. Params are validated before any request (`InvalidParamsError`);
	 * `null` and `undefined` params mean "absent". `options.signal` cancels the call
	 * (`CancelledError`); `options.onProgress` receives the progress reports of flows.
	 */
	async call<K extends OperationId>(opId: K, params?: OperationParams[K], options?: CallOptions): Promise<GraphObject>;
	async call(opId: string, params?: object, options?: CallOptions): Promise<GraphObject>;
	async call(opId: string, params?: object, options?: CallOptions): Promise<GraphObject> {
		return (await this.#call(opId, params, options, false)) as GraphObject;
	}

	/** {@link call}, also saying what it cost: `{ value, report: { requests, retries, waited_ms } }`. */
	async callDetailed<K extends OperationId>(opId: K, params?: OperationParams[K], options?: CallOptions): Promise<DetailedResult>;
	async callDetailed(opId: string, params?: object, options?: CallOptions): Promise<DetailedResult>;
	async callDetailed(opId: string, params?: object, options?: CallOptions): Promise<DetailedResult> {
		return (await this.#call(opId, params, options, true)) as DetailedResult;
	}

	/** The last reading of Meta's usage headers, or `null` before any answer carried one. */
	usage(): Usage | null {
		return JSON.parse(this.#native.usage()) as Usage | null;
	}

	/**
	 * Walk a paginated operation page by page (one page in memory at a time). Params are
	 * validated now: this throws `InvalidParamsError`/`UnsupportedError` synchronously.
	 * `options.signal` ends the walk (the next page rejects with `CancelledError`);
	 * `options.onProgress` is called once per page. Closing the client ends it too.
	 */
	paginatePages<K extends PaginatedOperationId>(opId: K, params?: OperationParams[K], options?: PaginateOptions): AsyncIterableIterator<Page>;
	paginatePages(opId: string, params?: object, options?: PaginateOptions): AsyncIterableIterator<Page>;
	paginatePages(opId: string, params?: object, options?: PaginateOptions): AsyncIterableIterator<Page> {
		this.#checkOpen(opId);
		const maxItems = checkMaxItems(opId, options?.maxItems);
		const paramsJson = toJson(`${opId}: params`, normaliseParams(params));
		const progress = progressFor(opId, options?.onProgress);
		const cancel = cancellationFor(opId, options?.signal);
		let pager: NativePaginatorHandle | undefined;
		try {
			pager = callSync(() =>
				this.#native.paginator(String(opId), paramsJson, maxItems ?? null, progress ?? null, cancel.handle ?? null),
			);
		} finally {
			// Refused params: no walk will ever release the signal's listener.
			if (!pager) cancel.release();
		}
		const walker = pager;
		async function* walk(): AsyncGenerator<Page> {
			try {
				for (;;) {
					const page = unwrap(await walker.nextPage()) as Page | null;
					if (page === null) return;
					yield page;
				}
			} finally {
				cancel.release();
			}
		}
		return walk();
	}

	/**
	 * Every item of a paginated operation, following `paging.next` (one page in memory at a
	 * time), up to `options.maxItems`. Params are validated now (throws synchronously).
	 */
	paginate<K extends PaginatedOperationId>(opId: K, params?: OperationParams[K], options?: PaginateOptions): AsyncIterableIterator<GraphObject>;
	paginate(opId: string, params?: object, options?: PaginateOptions): AsyncIterableIterator<GraphObject>;
	paginate(opId: string, params?: object, options?: PaginateOptions): AsyncIterableIterator<GraphObject> {
		const pages = this.paginatePages(opId, params, options);
		async function* items(): AsyncGenerator<GraphObject> {
			for await (const page of pages) yield* page.data;
		}
		return items();
	}

	/** What `util.inspect`/`console.log` show: never the token, app secret or proof. */
	[INSPECT](): string {
		const closed = this.closed ? ', closed: true' : '';
		return `InstagramClient { login: '${this.login}', apiVersion: '${this.apiVersion}', baseUrl: '${this.baseUrl}'${closed} }`;
	}
}
