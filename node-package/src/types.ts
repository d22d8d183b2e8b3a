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

/** Options of `paginate()` / `paginatePages()`. */
export interface PaginateOptions {
	/** Stop after this many items in total (default: every item). */
	maxItems?: number;
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
