/**
 * n8n-nodes-instagram-graph: the plain Node API (the n8n nodes live in dist/nodes and
 * dist/credentials). Backed by the Rust core through a napi-rs addon shipped in native/.
 */
export { InstagramClient, type ClientOptions, type WarningLogger } from './src/client';
export { startSandbox, type Sandbox, type SandboxOptions, type SimulateEvent, type SimulateOptions } from './src/sandbox';
export * as webhooks from './src/webhooks';
export * as shortcode from './src/shortcode';
export type {
	WebhookEvent,
	WebhookEventType,
	WebhookEventBase,
	MessagingEventBase,
	WebhookAttachment,
	WebhookReferral,
	WebhookStoryReply,
	WebhookField,
	MessageEvent,
	MessageEditEvent,
	ReactionEvent,
	PostbackEvent,
	ReferralEvent,
	SeenEvent,
	OptinEvent,
	HandoverEvent,
	CommentEvent,
	MentionEvent,
	StoryInsightsEvent,
	UnknownEvent,
	HeadersLike,
	QueryLike,
	QueryPairs,
} from './src/webhooks';
export { operations, type OperationInfo, type ParamSchema } from './src/catalogue';
export { addonInfo, type AddonInfo, type Triple } from './src/native';
export {
	InstagramError,
	AuthError,
	PermissionError,
	RateLimitError,
	InvalidParamsError,
	NotFoundError,
	TransientError,
	TransportError,
	UnsupportedError,
	ConflictError,
	ApiError,
	InternalError,
	UnexpectedResponseError,
	CancelledError,
	InvalidSignatureError,
	VerificationFailedError,
	InvalidPayloadError,
	OutsideWindowError,
	RecipientUnavailableError,
	type ErrorKind,
	type ErrorFields,
} from './src/errors';
export type {
	AbortSignalLike,
	CallOptions,
	CallReport,
	DetailedResult,
	GraphObject,
	Page,
	Paging,
	PaginateOptions,
	Progress,
	Timestamp,
	TokenInfo,
	Usage,
	UsageCounters,
} from './src/types';
export type * from './src/generated/operations';
