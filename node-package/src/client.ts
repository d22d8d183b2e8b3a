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
import { callSync, loadNative, toJson, unwrap, type NativeClientHandle } from './native';
import type { GraphObject, Page, PaginateOptions, Usage } from './types';

/** Options of {@link InstagramClient}. */
export interface ClientOptions {
	/** User or Page access token (required). Never appears in errors. */
	accessToken: string;
	/** Which login the token comes from: `instagram` (graph.instagram.com, default) or `facebook`. */
	login?: 'facebook' | 'instagram';
	/** Graph API version, e.g. `v25.0` (default). */
	apiVersion?: string;
	/** App secret: when set, every call carries `appsecret_proof`. */
	appSecret?: string;
	/** Another host instead of Meta's, e.g. a sandbox URL. */
	baseUrl?: string;
	/** Whole-request timeout in milliseconds (default 60000). */
	timeoutMs?: number;
	/** Automatic retries of idempotent requests on transient failures (default 2, at most 10). */
	maxRetries?: number;
}

const OPTION_KEYS: Record<keyof ClientOptions, string> = {
	accessToken: 'access_token',
	login: 'login',
	apiVersion: 'api_version',
	appSecret: 'app_secret',
	baseUrl: 'base_url',
	timeoutMs: 'timeout_ms',
	maxRetries: 'max_retries',
};

/** camelCase client options → the core's snake_case config; unknown keys are rejected. */
function coreConfig(options: ClientOptions): Record<string, unknown> {
	if (typeof options !== 'object' || options === null) {
		throw localError('invalid_params', 'client options: expected an object with at least accessToken');
	}
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(options)) {
		const coreKey = OPTION_KEYS[key as keyof ClientOptions];
		if (!coreKey) {
			throw localError(
				'invalid_params',
				`client options: ${key}: unknown option (expected one of ${Object.keys(OPTION_KEYS).join(', ')})`,
			);
		}
		if (value !== undefined && value !== null) out[coreKey] = value;
	}
	return out;
}

/** Dates become Unix seconds (Graph's timestamp params); everything else is sent as is. */
function normaliseParams(params: object | undefined): object {
	if (params === undefined || params === null) return {};
	if (typeof params !== 'object' || Array.isArray(params)) return params;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(params)) {
		if (v === undefined) continue;
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
		const native = loadNative();
		this.#native = callSync(() => new native.NativeClient(toJson('client options', config)));
		this.login = options.login === 'facebook' ? 'facebook' : 'instagram';
	}

	/**
	 * Call an operation by id; resolves to Graph's JSON. Paginated operations resolve to one
	 * page, `{ data, paging }`. Params are validated before any request (`InvalidParamsError`).
	 */
	async call<K extends OperationId>(opId: K, params?: OperationParams[K]): Promise<GraphObject>;
	async call(opId: string, params?: object): Promise<GraphObject>;
	async call(opId: string, params?: object): Promise<GraphObject> {
		const text = await this.#native.call(String(opId), toJson(`${opId}: params`, normaliseParams(params)));
		return unwrap(text) as GraphObject;
	}

	/** The last reading of Meta's usage headers, or `null` before any answer carried one. */
	usage(): Usage | null {
		return JSON.parse(this.#native.usage()) as Usage | null;
	}

	/**
	 * Walk a paginated operation page by page (one page in memory at a time). Params are
	 * validated now: this throws `InvalidParamsError`/`UnsupportedError` synchronously.
	 */
	paginatePages<K extends PaginatedOperationId>(opId: K, params?: OperationParams[K], options?: PaginateOptions): AsyncIterableIterator<Page>;
	paginatePages(opId: string, params?: object, options?: PaginateOptions): AsyncIterableIterator<Page>;
	paginatePages(opId: string, params?: object, options?: PaginateOptions): AsyncIterableIterator<Page> {
		const maxItems = checkMaxItems(opId, options?.maxItems);
		const paramsJson = toJson(`${opId}: params`, normaliseParams(params));
		const walker = callSync(() => this.#native.paginator(String(opId), paramsJson, maxItems ?? null));
		async function* walk(): AsyncGenerator<Page> {
			for (;;) {
				const page = unwrap(await walker.nextPage()) as Page | null;
				if (page === null) return;
				yield page;
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
}
