/**
 * Errors of the Instagram Graph client. Every error the core reports arrives as a subclass of
 * {@link InstagramError} chosen by its stable `kind`, carrying Meta's fields when Graph answered.
 * Messages never contain the access token or the app secret (the core scrubs them).
 */

/** Stable error classes shared with the Python package (`err.kind`). */
export type ErrorKind =
	| 'auth'
	| 'permission'
	| 'rate_limited'
	| 'invalid_params'
	| 'not_found'
	| 'transient'
	| 'transport'
	| 'unsupported'
	| 'conflict'
	| 'api'
	| 'internal'
	| 'unexpected_response'
	| 'cancelled'
	| 'invalid_signature'
	| 'verification_failed'
	| 'invalid_payload'
	| 'outside_window'
	| 'recipient_unavailable';

/** The error fields as the core reports them (snake_case, same JSON as in Python and n8n). */
export interface ErrorFields {
	kind: ErrorKind;
	message: string;
	http_status: number | null;
	code: number | null;
	error_subcode: number | null;
	error_type: string | null;
	error_user_title: string | null;
	error_user_msg: string | null;
	fbtrace_id: string | null;
	is_transient: boolean;
	retry_after: number | null;
	error_data: unknown;
}

const KNOWN_KINDS: readonly ErrorKind[] = [
	'auth',
	'permission',
	'rate_limited',
	'invalid_params',
	'not_found',
	'transient',
	'transport',
	'unsupported',
	'conflict',
	'api',
	'internal',
	'unexpected_response',
	'cancelled',
	'invalid_signature',
	'verification_failed',
	'invalid_payload',
	'outside_window',
	'recipient_unavailable',
];

/** The fields {@link ErrorFields} names; anything else the core sends lands in `extra`. */
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
	'kind',
	'message',
	'http_status',
	'code',
	'error_subcode',
	'error_type',
	'error_user_title',
	'error_user_msg',
	'fbtrace_id',
	'is_transient',
	'retry_after',
	'error_data',
]);

/** Root of every error thrown by this package. */
export class InstagramError extends Error {
	/** Stable machine-readable code, `IG_` + the upper-cased kind (e.g. `IG_RATE_LIMITED`). */
	readonly code: string;
	/** Stable class (`rate_limited`, `auth`, ...). */
	readonly kind: ErrorKind;
	/** HTTP status of the Graph answer, if Graph answered. */
	readonly httpStatus: number | null;
	/** Graph's numeric `code` (e.g. 190 for an invalid token). */
	readonly graphCode: number | null;
	/** Graph's `error_subcode`. */
	readonly subcode: number | null;
	/** Graph's `type` (usually `OAuthException`). */
	readonly errorType: string | null;
	/** Graph's `error_user_title`, meant for end users. */
	readonly errorUserTitle: string | null;
	/** Graph's `error_user_msg`, meant for end users. */
	readonly errorUserMsg: string | null;
	/** Graph's `fbtrace_id` (Meta support asks for it). */
	readonly fbtraceId: string | null;
	/** Whether retrying later may succeed. */
	readonly isTransient: boolean;
	/** Seconds to wait before retrying, when known. */
	readonly retryAfter: number | null;
	/** Graph's `error_data`, when present. */
	readonly errorData: unknown;
	/** Fields of the core's error this version does not know by name (snake_case, as sent). */
	readonly extra: Readonly<Record<string, unknown>>;

	constructor(fields: ErrorFields, extra: Record<string, unknown> = {}) {
		super(fields.message);
		this.name = new.target.name;
		this.kind = fields.kind;
		this.code = `IG_${fields.kind.toUpperCase()}`;
		this.httpStatus = fields.http_status;
		this.graphCode = fields.code;
		this.subcode = fields.error_subcode;
		this.errorType = fields.error_type;
		this.errorUserTitle = fields.error_user_title;
		this.errorUserMsg = fields.error_user_msg;
		this.fbtraceId = fields.fbtrace_id;
		this.isTransient = fields.is_transient;
		this.retryAfter = fields.retry_after;
		this.errorData = fields.error_data;
		this.extra = extra;
	}

	/** The core's snake_case fields plus `name` and `code`. */
	toJSON(): ErrorFields & { name: string; error_code: string } & Record<string, unknown> {
		return {
			...this.extra,
			name: this.name,
			error_code: this.code,
			kind: this.kind,
			message: this.message,
			http_status: this.httpStatus,
			code: this.graphCode,
			error_subcode: this.subcode,
			error_type: this.errorType,
			error_user_title: this.errorUserTitle,
			error_user_msg: this.errorUserMsg,
			fbtrace_id: this.fbtraceId,
			is_transient: this.isTransient,
			retry_after: this.retryAfter,
			error_data: this.errorData,
		};
	}
}

/** The access token is invalid, expired or revoked (Graph 190, 102). */
export class AuthError extends InstagramError {}
/** A permission or feature is missing (Graph 3, 10, 200-299). */
export class PermissionError extends InstagramError {}
/** Throttled by an app, user or business-use-case limit; see `retryAfter`. */
export class RateLimitError extends InstagramError {}
/** Params were rejected, locally before any request or by Graph (100). */
export class InvalidParamsError extends InstagramError {}
/** The object does not exist or is not visible to this token. */
export class NotFoundError extends InstagramError {}
/** A temporary Graph failure worth retrying. */
export class TransientError extends InstagramError {}
/** No Graph answer: DNS, connection, TLS, timeout, undecodable body. */
export class TransportError extends InstagramError {}
/** The operation does not exist or is not available with this login flavour. */
export class UnsupportedError extends InstagramError {}
/** The same content was already posted (Graph 506). */
export class ConflictError extends InstagramError {}
/** Any other Graph error. */
export class ApiError extends InstagramError {}
/** A bug on our side (for example a Rust panic caught at the boundary). */
export class InternalError extends InstagramError {}
/** Graph answered 200 with a body of the wrong shape (a page without a `data` list). */
export class UnexpectedResponseError extends InstagramError {}
/** The call was cancelled (its `AbortSignal` aborted) before it finished. */
export class CancelledError extends InstagramError {}
/** A webhook's signature header is missing or malformed, or no app secret was given to check it. */
export class InvalidSignatureError extends InstagramError {}
/** A webhook verification request (`hub.mode`, `hub.verify_token`, `hub.challenge`) was refused. */
export class VerificationFailedError extends InstagramError {}
/** A webhook body is not a delivery Meta could have sent (not JSON, wrong shape, too large). */
export class InvalidPayloadError extends InstagramError {}
/**
 * A message was refused because the messaging window is closed: the 24-hour window after the
 * person's last message, or the 7 days of the HUMAN_AGENT tag (`human_agent: true`). The message
 * says which window closed and, when known, when (Graph 10/2018278, 10/2534022, 10/1893063).
 */
export class OutsideWindowError extends InstagramError {}
/** The person cannot receive messages from the account right now (Graph 551); do not retry. */
export class RecipientUnavailableError extends InstagramError {}

const CLASSES: Record<ErrorKind, new (fields: ErrorFields, extra?: Record<string, unknown>) => InstagramError> = {
	auth: AuthError,
	permission: PermissionError,
	rate_limited: RateLimitError,
	invalid_params: InvalidParamsError,
	not_found: NotFoundError,
	transient: TransientError,
	transport: TransportError,
	unsupported: UnsupportedError,
	conflict: ConflictError,
	api: ApiError,
	internal: InternalError,
	unexpected_response: UnexpectedResponseError,
	cancelled: CancelledError,
	invalid_signature: InvalidSignatureError,
	verification_failed: VerificationFailedError,
	invalid_payload: InvalidPayloadError,
	outside_window: OutsideWindowError,
	recipient_unavailable: RecipientUnavailableError,
};

function str(v: unknown): string | null {
	return typeof v === 'string' ? v : null;
}

function num(v: unknown): number | null {
	return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Build the error subclass for a core error object (tolerant of missing fields). */
export function errorFromFields(raw: Record<string, unknown>): InstagramError {
	const kind = KNOWN_KINDS.includes(raw.kind as ErrorKind) ? (raw.kind as ErrorKind) : 'api';
	const fields: ErrorFields = {
		kind,
		message: str(raw.message) ?? 'Instagram Graph API error',
		http_status: num(raw.http_status),
		code: num(raw.code),
		error_subcode: num(raw.error_subcode),
		error_type: str(raw.error_type),
		error_user_title: str(raw.error_user_title),
		error_user_msg: str(raw.error_user_msg),
		fbtrace_id: str(raw.fbtrace_id),
		is_transient: raw.is_transient === true,
		retry_after: num(raw.retry_after),
		error_data: raw.error_data ?? null,
	};
	const extra: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(raw)) if (!KNOWN_FIELDS.has(k)) extra[k] = v;
	return new CLASSES[kind](fields, extra);
}

/** A local error of `kind` without Graph fields. */
export function localError(kind: ErrorKind, message: string): InstagramError {
	return errorFromFields({ kind, message, is_transient: kind === 'transient' });
}
