/** Shared result and option types of the plain Node API. */

/** A Graph object as JSON: Graph's own snake_case field names, only the fields selected. */
export type GraphObject = Record<string, unknown>;

/** Graph's paging block (credentials are stripped from `next`/`previous` by the core). */
export interface Paging {
	cursors?: { before?: string; after?: string };
	/** Absent on the last page. */
	next?: string;
	previous?: string;
}

/** One page of a paginated operation. */
export interface Page<T = GraphObject> {
	data: T[];
	paging?: Paging;
}

/** One progress report of a flow or a page walk (same keys in Python and n8n). */
export interface Progress {
	/** Operation id (`media.list`). */
	op: string;
	/** Short machine-readable step name (`page`, `wait_container`). */
	step: string;
	/** Units done so far in this step (for a walk: items so far). */
	done: number;
	/** Units in this step, when known (for a walk: `maxItems`). */
	total: number | null;
	/** One human-readable line. */
	message: string;
}

/**
 * What the options' `signal` must offer: an `AbortSignal` (`new AbortController().signal`,
 * n8n's execution cancel signal). Declared here so consumers need no DOM or Node typings.
 */
export interface AbortSignalLike {
	readonly aborted: boolean;
	addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
	removeEventListener(type: 'abort', listener: () => void): void;
}

/** Options of `call()` / `callDetailed()`. */
export interface CallOptions {
	/**
	 * Called with each progress report of a flow, on the JS thread; it never blocks the call,
	 * and what it throws is ignored. Reports can arrive just after the promise settles.
	 */
	onProgress?: (progress: Progress) => void;
	/** Aborting it cancels the call, which rejects with `CancelledError`. */
	signal?: AbortSignalLike;
}

/** Options of `paginate()` / `paginatePages()`. */
export interface PaginateOptions {
	/** Stop after this many items in total (default: every item). */
	maxItems?: number;
	/** Called once per page (step `page`, `done` = items so far, `total` = `maxItems`). */
	onProgress?: (progress: Progress) => void;
	/** Aborting it ends the walk: the next page rejects with `CancelledError`. */
	signal?: AbortSignalLike;
}

/**
 * A token as Meta's token endpoints return it (`refreshTokenIfNeeded`, `onTokenRefresh`).
 * `JSON.stringify` keeps every field, token included (to store it); `util.inspect` and
 * `console.log` show the token as `[redacted]`.
 */
export interface TokenInfo {
	/** The new access token. */
	access_token: string;
	/** `bearer`. */
	token_type: string;
	/** Seconds of validity from issue, when Meta said. */
	expires_in: number | null;
	/** When it expires (Unix seconds), when known. */
	expires_at: number | null;
}

/** What one call cost. */
export interface CallReport {
	/** HTTP requests sent (every attempt counts). */
	requests: number;
	/** Attempts that were retries of an earlier one. */
	retries: number;
	/** Milliseconds slept before retries and for pacing. */
	waited_ms: number;
}

/** The result of `callDetailed()`: the operation's JSON and what it cost. */
export interface DetailedResult<T = GraphObject> {
	value: T;
	report: CallReport;
}

/** Anything that can be sent as a timestamp param: Unix seconds, a date string, or a Date. */
export type Timestamp = number | string | Date;

/** Percent-of-limit counters of one usage header entry (0–100). */
export interface UsageCounters {
	call_count: number;
	total_time: number;
	total_cputime: number;
}

/** The last reading of Meta's usage headers (`X-App-Usage`, `X-Business-Use-Case-Usage`). */
export interface Usage {
	app: UsageCounters | null;
	business: Array<{
		object_id: string;
		kind: string;
		counters: UsageCounters;
		/** Minutes until a throttled pair is usable again, when Meta says. */
		estimated_time_to_regain_access: number | null;
	}>;
}
