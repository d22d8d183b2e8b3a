/**
 * Errors in the panel's words: the core names params by their Graph path
 * (`media.get: params.media_id: must not be empty`); the node names the field as the panel
 * shows it ("Media ID: must not be empty"), says what to do, names the credential to check on
 * an auth error, and gives Graph's code and type rather than the HTTP status.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { InstagramError } from '../../src/errors';
import type { OperationMeta, ParamMeta } from './generated/properties';

/** What the node knows when an item fails. */
export interface ErrorContext {
	opId?: string;
	meta?: OperationMeta;
	/** The name of the credential in use (n8n's), for "check the credential ...". */
	credentialName?: string;
}

const FLAVOUR: Record<string, string> = { facebook: 'Facebook Login', instagram: 'Instagram Login' };

/** `buttons[2].title` → "Buttons 3 → Title" with the panel's labels (unknown parts kept). */
export function labelOf(meta: OperationMeta | undefined, path: string): string {
	const parts = path.split('.');
	let params: Record<string, ParamMeta> | undefined = meta?.params;
	const out: string[] = [];
	for (const part of parts) {
		const m = /^(\w+)(?:\[(\d+)\])?$/.exec(part);
		if (!m) {
			out.push(part);
			params = undefined;
			continue;
		}
		const p = params?.[m[1]];
		const label = p?.label ?? (m[1] === 'fields' ? 'Fields' : m[1]);
		out.push(m[2] !== undefined ? `${label} ${Number(m[2]) + 1}` : label);
		params = p?.items;
	}
	return out.join(' → ');
}

/** The core's message with the op prefix dropped and `params.x` named as the panel does. */
export function uiMessage(message: string, ctx: ErrorContext): string {
	let text = message;
	if (ctx.opId && text.startsWith(`${ctx.opId}: `)) text = text.slice(ctx.opId.length + 2);
	const m = /^params\.([\w.[\]]+): (.*)$/s.exec(text);
	if (m) {
		const label = labelOf(ctx.meta, m[1]);
		const rest = m[2];
		const req = /^is required with (Facebook|Instagram) Login\b/.exec(rest);
		if (req) {
			const locator = ctx.meta?.params[m[1]]?.locator;
			const pick = locator ? ` — pick the ${locator} from the list` : '';
			return `${label} is required with ${req[1]} Login${pick}`;
		}
		if (rest === 'is required' || rest === 'must not be empty') {
			const locator = ctx.meta?.params[m[1]]?.locator;
			return `${label} is required${locator ? ` — pick the ${locator} from the list or enter its ID` : ''}`;
		}
		return `${label}: ${rest}`;
	}
	return text.replace(/\bparams\.([\w.[\]]+)/g, (_, p: string) => labelOf(ctx.meta, p));
}

/** What to do about an error of this kind (the panel's description). */
function advice(error: InstagramError, ctx: ErrorContext): string | undefined {
	const credential = ctx.credentialName ? `the credential "${ctx.credentialName}"` : 'the credential';
	switch (error.kind) {
		case 'auth':
			return `Check ${credential}: the access token expired or is invalid. Reconnect it, or put a new token in it.`;
		case 'permission':
			return `The token of ${credential} lacks a permission this needs, or the person has not allowed it. Grant the permission (reconnect with it) and try again.`;
		case 'invalid_params':
			return 'Correct the field named above and run the node again.';
		case 'unsupported':
			return ctx.meta?.logins.length === 1
				? `Use a credential with ${FLAVOUR[ctx.meta.logins[0]]}: the "Authentication" of the node picks it.`
				: undefined;
		case 'rate_limited':
			return error.retryAfter !== null
				? `Meta asks to wait about ${Math.ceil(error.retryAfter)} seconds before the next call.`
				: 'Meta is limiting calls of this app or account: run it again later.';
		case 'not_found':
			return 'Check the ID (or pick the object from the list): Graph does not know it, or the token cannot see it.';
		default:
			return undefined;
	}
}

/** Graph's code and type, and the trace id Meta support asks for. */
function graphDetails(error: InstagramError): string | undefined {
	if (error.graphCode === null) return undefined;
	const sub = error.subcode !== null ? `, subcode ${error.subcode}` : '';
	const type = error.errorType ? ` (${error.errorType})` : '';
	const trace = error.fbtraceId ? `, fbtrace_id ${error.fbtraceId}` : '';
	return `Graph error ${error.graphCode}${sub}${type}${trace}`;
}

/** The n8n error of a failed item: NodeApiError when Graph answered, else NodeOperationError. */
export function uiError(node: INode, error: unknown, itemIndex: number | undefined, ctx: ErrorContext): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof InstagramError) {
		const message = uiMessage(error.message, ctx);
		const description = [error.errorUserMsg, advice(error, ctx), graphDetails(error)].filter((x) => x).join(' ') || undefined;
		if (error.httpStatus !== null || error.kind === 'transport') {
			const response = { ...(error.toJSON() as unknown as JsonObject), message };
			return new NodeApiError(node, response, {
				message,
				description,
				// Graph's code, not the HTTP status: 400 says nothing, 190 says "token".
				httpCode: error.graphCode !== null ? String(error.graphCode) : error.kind,
				itemIndex,
			});
		}
		return new NodeOperationError(node, message, { description, itemIndex });
	}
	return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
}
