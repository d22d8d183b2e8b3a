/**
 * Plain output items: Graph's `{data: [...], paging}` wrappers of nested edges (children,
 * replies, collaborators, messages, ...) become arrays without their cursors; keys keep the
 * requested order with `id` first; every item of one call has the same keys, absent ones null.
 */
import type { IDataObject } from 'n8n-workflow';

/** Whether a value is an edge page: `data` (an array) plus only paging/summary. */
export function isEdgePage(v: unknown): v is { data: unknown[] } {
	if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
	const o = v as IDataObject;
	return Array.isArray(o.data) && Object.keys(o).every((k) => k === 'data' || k === 'paging' || k === 'summary');
}

/** A Graph value with every nested edge page unwrapped into its array. */
export function unwrapEdges(v: unknown): unknown {
	if (Array.isArray(v)) return v.map(unwrapEdges);
	if (isEdgePage(v)) return v.data.map(unwrapEdges);
	if (!v || typeof v !== 'object') return v;
	const out: IDataObject = {};
	for (const [k, x] of Object.entries(v as IDataObject)) out[k] = unwrapEdges(x) as IDataObject[keyof IDataObject];
	return out;
}

/**
 * The items of one call as plain objects with the same keys: `id` first, then the requested
 * fields in their order, then any other key Graph sent (first seen first); missing → null.
 */
export function plainItems(items: unknown[], requested: string[]): IDataObject[] {
	const objects: IDataObject[] = items
		.map((x) => unwrapEdges(x))
		.map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? (x as IDataObject) : ({ value: x } as IDataObject)));
	const keys: string[] = [];
	const add = (k: string) => {
		if (!keys.includes(k)) keys.push(k);
	};
	if (requested.includes('id') || objects.some((o) => 'id' in o)) add('id');
	for (const k of requested) add(k);
	for (const o of objects) for (const k of Object.keys(o)) add(k);
	return objects.map((o) => Object.fromEntries(keys.map((k) => [k, o[k] === undefined ? null : o[k]])) as IDataObject);
}
