/** `operations()`: the core's operation catalogue. */
import { callSync, loadNative } from './native';

/** One param of an operation, as a JSON Schema subset (see core/src/ops/mod.rs). */
export interface ParamSchema {
	type: string | string[];
	description?: string;
	default?: unknown;
	minimum?: number;
	maximum?: number;
	enum?: string[];
	items?: { type: string; enum?: string[] };
	'x-timestamp'?: boolean;
}

/** One catalogue entry. */
export interface OperationInfo {
	/** `resource.operation`, e.g. `media.list`. */
	id: string;
	resource: string;
	operation: string;
	summary: string;
	description: string | null;
	/** The Graph call, for documentation (`GET /{ig_user_id}/media`). */
	http: string;
	params: {
		type: 'object';
		properties: Record<string, ParamSchema>;
		required: string[];
		additionalProperties?: boolean;
	};
	paginated: boolean;
	page_size: { param: string; default: number; max: number } | null;
	idempotent: boolean;
	logins: Array<'facebook' | 'instagram'>;
	limits: string[];
}

let cached: OperationInfo[] | undefined;

/** Every operation of the core, in catalogue order (a fresh copy each call). */
export function operations(): OperationInfo[] {
	if (!cached) {
		const native = loadNative();
		cached = JSON.parse(callSync(() => native.operations())) as OperationInfo[];
	}
	return JSON.parse(JSON.stringify(cached)) as OperationInfo[];
}
