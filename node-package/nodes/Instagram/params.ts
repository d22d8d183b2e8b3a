/**
 * Node parameters → Graph params, driven by the generated OPERATION_META: empty optional
 * values are omitted (the core then applies Graph's defaults) rather than sent as "".
 * A value left at the field's default is omitted too: the core's default can depend on the
 * login flavour (user.get adds `user_id` with Instagram Login), which one n8n default cannot.
 * Resource locators give their value; a media picked "By URL or Shortcode" is resolved by the
 * node (media.by_shortcode) before the call. Fixed collections (buttons, elements, quick
 * replies, ...) become arrays of objects; JSON fields become objects.
 */
import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { OperationMeta, ParamKind, ParamMeta } from './generated/properties';

/** A param the user gave in terms the node must resolve first (a post URL or shortcode). */
export interface PendingLookup {
	param: string;
	shortcode: string;
}

/** What to tell the user after a field's value was refused. */
const FIX = 'Correct the field named above and run the node again.';

function isEmpty(v: unknown): boolean {
	return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function toStringList(v: unknown): string[] {
	const parts = Array.isArray(v) ? v.map((x) => String(x)) : String(v).split(',');
	return parts.map((s) => s.trim()).filter((s) => s !== '');
}

/** A post, reel or TV URL of instagram.com (the media locator's "By URL" mode accepts these). */
const MEDIA_URL = /^(?:https?:\/\/)?(?:www\.)?instagram\.com\/(?:[\w.]+\/)?(?:p|reel|reels|tv)\/[\w-]+/i;

/** A JSON field's value as an object (`{}`, empty or not an object → undefined or an error). */
function toObject(node: INode, label: string, v: unknown): IDataObject | undefined {
	let value = v;
	if (typeof v === 'string') {
		try {
			value = JSON.parse(v);
		} catch (e) {
			throw new NodeOperationError(node, `${label}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, { description: FIX });
		}
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		throw new NodeOperationError(node, `${label}: must be a JSON object, such as {"fields": "id"}`, { description: FIX });
	}
	return Object.keys(value).length ? (value as IDataObject) : undefined;
}

/** The entries of a fixed collection (`{button: [...]}`), an array (expression) or a JSON text. */
function entriesOf(node: INode, label: string, meta: ParamMeta, v: unknown): unknown[] {
	let value = v;
	if (typeof v === 'string') {
		try {
			value = JSON.parse(v);
		} catch {
			throw new NodeOperationError(node, `${label}: expected a list of entries`, { description: FIX });
		}
	}
	if (Array.isArray(value)) return value;
	if (value && typeof value === 'object' && meta.item) {
		const inner = (value as IDataObject)[meta.item];
		if (Array.isArray(inner)) return inner;
		if (inner === undefined) return [];
	}
	throw new NodeOperationError(node, `${label}: expected a list of entries`, { description: FIX });
}

/** One fixed-collection entry → the Graph object, with its own fields converted. */
function itemOf(node: INode, label: string, items: Record<string, ParamMeta>, entry: unknown): IDataObject {
	if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new NodeOperationError(node, `${label}: expected an object`, { description: FIX });
	const out: IDataObject = {};
	for (const [name, m] of Object.entries(items)) {
		const value = convertParam(node, `${label} → ${m.label}`, m, (entry as IDataObject)[name]);
		if (value !== undefined) out[name] = value as IDataObject[keyof IDataObject];
	}
	// Keys the panel does not know (an expression's object) are kept: the core names them.
	for (const [k, x] of Object.entries(entry as IDataObject)) if (!(k in items) && !isEmpty(x)) out[k] = x;
	return out;
}

/** One node value as the Graph param of `kind`, or `undefined` to omit it. */
export function convertValue(kind: ParamKind, v: unknown): unknown {
	if (isEmpty(v)) return undefined;
	switch (kind) {
		case 'string':
		case 'enum':
			return typeof v === 'string' ? v.trim() : String(v);
		case 'integer':
		case 'number':
			return typeof v === 'number' ? v : Number(String(v).trim());
		case 'boolean':
			return typeof v === 'boolean' ? v : String(v).trim().toLowerCase() === 'true';
		case 'timestamp': {
			if (typeof v === 'number') return v;
			if (v instanceof Date) return Math.floor(v.getTime() / 1000);
			const luxon = v as { toISO?: () => string | null };
			if (typeof luxon.toISO === 'function') return luxon.toISO() ?? undefined;
			const s = String(v).trim();
			return /^\d+$/.test(s) ? Number(s) : s;
		}
		case 'string_list':
		case 'enum_list': {
			const list = toStringList(v);
			return list.length ? list : undefined;
		}
		case 'object':
			// Objects and lists of objects need their field's label for errors: see convertParam.
			return typeof v === 'object' && Object.keys(v as object).length ? v : undefined;
		case 'object_list':
			return Array.isArray(v) && v.length ? v : undefined;
	}
}

/** A node value as the param `meta` describes (resource locators, collections, JSON), or undefined. */
export function convertParam(node: INode, label: string, meta: ParamMeta, raw: unknown): unknown {
	let v = raw;
	if (v && typeof v === 'object' && (v as IDataObject).__rl === true) v = (v as IDataObject).value;
	if (isEmpty(v)) return undefined;
	if (meta.kind === 'object') return toObject(node, label, v);
	if (meta.kind === 'object_list') {
		const list = entriesOf(node, label, meta, v).map((e, n) => itemOf(node, `${label} ${n + 1}`, meta.items ?? {}, e));
		return list.length ? list : undefined;
	}
	return convertValue(meta.kind, v);
}

/** Whether a node value is the field's default (strings compared trimmed). */
function isDefault(v: unknown, dflt: unknown): boolean {
	if (typeof v === 'string' && typeof dflt === 'string') return v.trim() === dflt.trim();
	return JSON.stringify(v) === JSON.stringify(dflt);
}

/** The `fields` of the Options: the selected known fields and the Custom Fields text. */
function fieldsOf(options: IDataObject): string | undefined {
	const picked = options.fields;
	const parts = [
		...(Array.isArray(picked) ? picked.map(String) : typeof picked === 'string' ? [picked] : []),
		...(typeof options.customFields === 'string' ? [options.customFields] : []),
	]
		.map((s) => s.trim())
		.filter((s) => s !== '');
	return parts.length ? [...new Set(parts)].join(',') : undefined;
}

/** The Graph params of item `i` for an operation, and the URLs the node must resolve first. */
export function collectParams(
	ctx: IExecuteFunctions,
	i: number,
	meta: OperationMeta,
): { params: IDataObject; lookups: PendingLookup[] } {
	const params: IDataObject = {};
	const lookups: PendingLookup[] = [];
	const entries = Object.entries(meta.params);
	const options = entries.some(([, p]) => p.place === 'options')
		? ((ctx.getNodeParameter('options', i, {}) as IDataObject) ?? {})
		: {};
	for (const [name, p] of entries) {
		if (name === 'fields' && meta.fields) {
			const fields = fieldsOf(options);
			if (fields !== undefined) params.fields = fields;
			continue;
		}
		const raw = p.place === 'top' ? ctx.getNodeParameter(name, i, '') : options[name];
		if (p.default !== undefined && isDefault(raw, p.default)) continue;
		const rl = raw && typeof raw === 'object' && (raw as IDataObject).__rl === true ? (raw as IDataObject) : undefined;
		let value: unknown;
		try {
			value = convertParam(ctx.getNode(), p.label, p, raw);
		} catch (error) {
			// A new error (n8n returns a NodeOperationError given as is, without the item index).
			throw new NodeOperationError(ctx.getNode(), error instanceof Error ? error.message : String(error), {
				itemIndex: i,
				description: FIX,
			});
		}
		if (value === undefined) continue;
		if (p.locator === 'media' && typeof value === 'string' && (rl?.mode === 'url' || MEDIA_URL.test(value))) {
			lookups.push({ param: name, shortcode: value });
			continue;
		}
		params[name] = value as IDataObject[keyof IDataObject];
	}
	return { params, lookups };
}

/** The top-level field names a `fields` value asks for (`a,b{c},d.limit(2){e}` → a, b, d). */
export function fieldNames(text: string | null | undefined): string[] {
	const out: string[] = [];
	let depth = 0;
	let cur = '';
	for (const ch of String(text ?? '')) {
		if (ch === '{' || ch === '(') depth++;
		if (ch === '}' || ch === ')') depth--;
		if (ch === ',' && depth === 0) {
			out.push(cur);
			cur = '';
		} else cur += ch;
	}
	out.push(cur);
	return out.map((f) => f.trim().split(/[.{(]/)[0].trim()).filter((f) => f !== '');
}
