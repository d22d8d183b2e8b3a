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

/** Options of `paginate()` / `pages()`. */
export interface PaginateOptions {
	/** Stop after this many items in total (default: every item). */
	maxItems?: number;
}

/** Anything that can be sent as a timestamp param: Unix seconds, a date string, or a Date. */
export type Timestamp = number | string | Date;
