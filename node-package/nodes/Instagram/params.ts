/**
 * Node parameters → Graph params, driven by the generated OPERATION_META: empty optional
 * values are omitted (the core then applies Graph's defaults) rather than sent as "".
 * A value left at the field's default is omitted too: the core's default can depend on the
 * login flavour (user.get adds `user_id` with Instagram Login), which one n8n default cannot.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { OperationMeta, ParamKind } from './generated/properties';

function isEmpty(v: unknown): boolean {
	return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function toStringList(v: unknown): string[] {
	const parts = Array.isArray(v) ? v.map((x) => String(x)) : String(v).split(',');
	return parts.map((s) => s.trim()).filter((s) => s !== '');
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
	}
}

/** Whether a node value is the field's default (strings compared trimmed). */
function isDefault(v: unknown, dflt: unknown): boolean {
	if (typeof v === 'string' && typeof dflt === 'string') return v.trim() === dflt.trim();
	return JSON.stringify(v) === JSON.stringify(dflt);
}

/** The Graph params of item `i` for an operation. */
export function collectParams(ctx: IExecuteFunctions, i: number, meta: OperationMeta): IDataObject {
	const params: IDataObject = {};
	const entries = Object.entries(meta.params);
	const options = entries.some(([, p]) => p.place === 'options')
		? (ctx.getNodeParameter('options', i, {}) as IDataObject)
		: {};
	for (const [name, p] of entries) {
		const raw = p.place === 'top' ? ctx.getNodeParameter(name, i, '') : options[name];
		if (p.default !== undefined && isDefault(raw, p.default)) continue;
		const value = convertValue(p.kind, raw);
		if (value !== undefined) params[name] = value as IDataObject[keyof IDataObject];
	}
	return params;
}
