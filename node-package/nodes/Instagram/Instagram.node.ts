import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { InstagramClient, type ClientOptions } from '../../src/client';
import { graphBase, renewalPlan, textField, tokenView, type RenewalStep } from '../../src/credential-token';
import { InstagramError } from '../../src/errors';
import type { AbortSignalLike, Progress } from '../../src/types';
import { OPERATION_META, properties } from './generated/properties';
import { collectParams } from './params';

/** The client policy of the node's "Request Options" (reliability knobs of the core). */
type Policy = Pick<ClientOptions, 'maxRetries' | 'retry' | 'maxTotalWaitMs' | 'highWaterMark' | 'maxConcurrency'>;

/** The node's "Authentication" values. */
const AUTHENTICATIONS = ['accessToken', 'instagramOAuth2', 'facebookOAuth2'] as const;

type Authentication = (typeof AUTHENTICATIONS)[number];

/** The credential type an "Authentication" value selects. */
function credentialTypeOf(kind: Authentication): string {
	switch (kind) {
		case 'instagramOAuth2':
			return 'instagramOAuth2Api';
		case 'facebookOAuth2':
			return 'instagramFacebookOAuth2Api';
		default:
			return 'instagramGraphApi';
	}
}

/** The "Authentication" value that selects a credential type (the Test button knows only the type). */
function authenticationFor(type: string): Authentication {
	return AUTHENTICATIONS.find((a) => credentialTypeOf(a) === type) ?? 'accessToken';
}

/** A credential resolved for the node: who it logs in as, with which token, and what to tell the user. */
interface ResolvedCredential {
	options: ClientOptions;
	/** Where the token stands, for the hint; `null` when all is well or unknown. */
	note: string | null;
	/** What to do about an expiring token, appended to the core's token warning. */
	advice: string;
}

/** The access token of n8n's OAuth2 token data: flat, or Instagram's `{"data":[{...}]}` shape. */
function oauthToken(creds: ICredentialDataDecryptedObject): { token: string; expiresAt: number | undefined } {
	const data = (creds.oauthTokenData ?? {}) as IDataObject;
	const inner = Array.isArray(data.data) && typeof data.data[0] === 'object' ? (data.data[0] as IDataObject) : data;
	const token = typeof inner.access_token === 'string' ? inner.access_token : typeof data.access_token === 'string' ? data.access_token : '';
	// n8n stores `n8n_expires_at` (milliseconds) when the token answer had `expires_in`.
	const ms = Number(data.n8n_expires_at);
	return { token, expiresAt: Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : undefined };
}

/** Client options of a credential's data (`kind` tells which type it is). */
function optionsFrom(kind: Authentication, creds: ICredentialDataDecryptedObject): ClientOptions {
	if (kind === 'accessToken') {
		const view = tokenView(creds);
		return {
			accessToken: view.token,
			login: textField(creds, 'login') === 'facebook' ? 'facebook' : 'instagram',
			apiVersion: textField(creds, 'apiVersion'),
			appId: textField(creds, 'appId'),
			appSecret: textField(creds, 'appSecret'),
			baseUrl: textField(creds, 'baseUrl'),
			tokenExpiresAt: view.expiresAt ?? undefined,
		};
	}
	const { token, expiresAt } = oauthToken(creds);
	const clientId = textField(creds, 'clientId');
	return {
		accessToken: token,
		login: kind === 'facebookOAuth2' ? 'facebook' : 'instagram',
		apiVersion: textField(creds, 'apiVersion'),
		// The OAuth app's id and secret are the app's: calls carry appsecret_proof.
		appId: clientId !== undefined && /^\d+$/.test(clientId) ? clientId : undefined,
		appSecret: textField(creds, 'clientSecret'),
		baseUrl: textField(creds, 'baseUrl'),
		tokenExpiresAt: expiresAt,
	};
}

function clientFrom(options: ClientOptions, policy: Policy = {}): InstagramClient {
	return new InstagramClient({ ...options, ...policy });
}

/** The node's "Authentication" (absent on nodes saved before it existed: the access token). */
function authenticationOf(ctx: IExecuteFunctions): Authentication {
	const v = ctx.getNodeParameter('authentication', 0, 'accessToken') as string;
	return AUTHENTICATIONS.find((a) => a === v) ?? 'accessToken';
}

const STEP_VERBS: Record<RenewalStep, string> = {
	exchange: 'exchange the token for a long-lived one',
	inspect: 'inspect and exchange the token',
	adopt: 'record the new token',
	refresh: 'refresh the token',
};

/** The text of an error without anything but its message (core errors are already scrubbed). */
function messageOf(error: unknown): string {
	const cause = (error as { cause?: unknown } | null)?.cause;
	if (error instanceof NodeApiError && cause instanceof Error) return cause.message;
	return error instanceof Error ? error.message : String(error);
}

/**
 * Has n8n run the access-token credential's preAuthentication, which renews the token, and
 * returns the credential with what n8n persisted. The Rust core sends the node's requests, so
 * n8n's own request path would never run preAuthentication for this node: the node therefore
 * makes one cheap request through it, the token's own `GET /me?fields=id`, only when
 * `renewalPlan` says a renewal is due. The n8n code path (n8n 2.40.7, n8n-core 2.40.3):
 *
 * 1. `this.helpers.httpRequestWithAuthentication(type, options, { credentialsDecrypted })`
 *    (n8n-core dist/execution-engine/node-execution-context/utils/request-helpers/factory.js:38)
 *    → `httpRequestWithAuthentication` (…/request-helpers/authentication.js:11): the type has no
 *    OAuth parent (:24-30), so it takes `credentialsDecrypted.data` as the credential (:31-33)
 *    and calls `credentialsHelper.preAuthentication(helpers, data, type, node, false)` (:41),
 *    merging what it returns (:42-44);
 * 2. `CredentialsHelper.preAuthentication` (n8n dist/credentials-helper.js:101-133) finds the
 *    hidden `expirable` property (`sessionToken`, :103) and runs the type's preAuthentication
 *    only when it is '' (:110) — the node passes the credential with `sessionToken: ''`, n8n's
 *    own "expired" state; it then reads the stored credential of `node.credentials[type]`,
 *    overwrites it with the output (every key but stored expressions, :117-126,
 *    `updateCredentials`) and merges the output into the object it was given (:127);
 * 3. `credentialsHelper.authenticate` (authentication.js:45) signs the check with the new token
 *    (the type's `authenticate` function) and n8n's OutboundHttp sends it (:47).
 *
 * `credentialsDecrypted` is the option n8n's own RoutingNode passes (n8n-core
 * dist/execution-engine/routing-node.js:335). When preAuthentication fails (Meta refusing),
 * n8n persists nothing and the failure goes back to the caller, which keeps the token it had.
 */
async function renewThroughN8n(
	ctx: IExecuteFunctions,
	creds: ICredentialDataDecryptedObject,
): Promise<{ creds: ICredentialDataDecryptedObject; failure?: unknown }> {
	const type = credentialTypeOf('accessToken');
	const ref = ctx.getNode().credentials?.[type];
	const helper = (ctx.helpers as Partial<IExecuteFunctions['helpers']> | undefined)?.httpRequestWithAuthentication;
	// Without the stored credential's id n8n would not persist the renewal: leave the token be.
	if (!ref?.id || typeof helper !== 'function') return { creds };
	const data: ICredentialDataDecryptedObject = { ...creds, sessionToken: '' };
	const version = textField(creds, 'apiVersion') ?? 'v27.0';
	let failure: unknown;
	try {
		await helper.call(
			ctx,
			type,
			{ method: 'GET', url: `${graphBase(creds)}/${version}/me`, qs: { fields: 'id' }, json: true },
			{ credentialsDecrypted: { id: ref.id, name: ref.name, type, data } },
		);
	} catch (error) {
		failure = error;
	}
	// n8n merged what preAuthentication returned (and persisted) into `data`. When only the
	// check of the new token failed, the renewal is stored already and the node's calls will tell.
	if (textField(data, 'sessionToken') !== undefined) return { creds: data };
	return { creds, failure };
}

/** The credential of the node's "Authentication", renewed first when the access token is due. */
async function resolveCredential(ctx: IExecuteFunctions): Promise<ResolvedCredential> {
	const kind = authenticationOf(ctx);
	let creds = await ctx.getCredentials(credentialTypeOf(kind));
	if (kind !== 'accessToken') {
		return { options: optionsFrom(kind, creds), note: null, advice: 'Reconnect the credential to get a new token.' };
	}
	let note: string | null = null;
	const plan = renewalPlan(creds);
	if (plan.step !== null) {
		const renewed = await renewThroughN8n(ctx, creds);
		creds = renewed.creds;
		if (renewed.failure !== undefined) {
			note = `the credential could not ${STEP_VERBS[plan.step]} (${messageOf(renewed.failure)}); the node uses the token it has`;
		}
	}
	const login = textField(creds, 'login') === 'facebook' ? 'facebook' : 'instagram';
	const advice =
		login === 'facebook'
			? 'Facebook Login tokens cannot be refreshed: put a new token in the credential.'
			: 'The credential refreshes it automatically once it is 24 hours old; if that keeps failing, put a new token in the credential.';
	return { options: optionsFrom(kind, creds), note, advice };
}

/** "Request Options" of item `i` → client options (seconds become milliseconds). */
function policyOf(ctx: IExecuteFunctions, i: number): Policy {
	const o = ctx.getNodeParameter('requestOptions', i, {}) as IDataObject;
	const policy: Policy = {};
	const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
	if (num(o.maxRetries) !== undefined) policy.maxRetries = num(o.maxRetries);
	if (typeof o.retry === 'boolean') policy.retry = o.retry;
	const wait = num(o.maxTotalWait);
	if (wait !== undefined) policy.maxTotalWaitMs = Math.round(wait * 1000);
	if (num(o.highWaterMark) !== undefined) policy.highWaterMark = num(o.highWaterMark);
	if (num(o.maxConcurrency) !== undefined) policy.maxConcurrency = num(o.maxConcurrency);
	return policy;
}

/** Which credential the node uses (n8n's `authentication` convention). */
const authentication: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{
			name: 'Access Token',
			value: 'accessToken',
			description: 'A long-lived token the credential exchanges and refreshes itself',
		},
		{
			name: 'Facebook Login (OAuth2)',
			value: 'facebookOAuth2',
			description: 'Connect a Facebook user who manages the Pages linked to Instagram accounts',
		},
		{
			name: 'Instagram Login (OAuth2)',
			value: 'instagramOAuth2',
			description: 'Connect an Instagram professional account (tokens last one hour)',
		},
	],
	default: 'accessToken',
};

/** The node's client options, shown for every operation. */
const requestOptions: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	description: 'How the client retries, paces and limits its requests to the Graph API',
	options: [
		{
			displayName: 'High-Water Mark (%)',
			name: 'highWaterMark',
			type: 'number',
			default: 90,
			typeOptions: { minValue: 1, maxValue: 100 },
			description: "Percent of Meta's usage budget (from its usage headers) at which new requests wait",
		},
		{
			displayName: 'Max Concurrency',
			name: 'maxConcurrency',
			type: 'number',
			default: 16,
			typeOptions: { minValue: 1 },
			description: 'Requests in flight at once',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			default: 2,
			typeOptions: { minValue: 0, maxValue: 10 },
			description: 'Automatic retries of a read on a transient failure',
		},
		{
			displayName: 'Max Total Wait (Seconds)',
			name: 'maxTotalWait',
			type: 'number',
			default: 60,
			typeOptions: { minValue: 0 },
			description: 'Longest sleep of one request (backoff and pacing); a longer wait fails at once with the rate-limit error',
		},
		{
			displayName: 'Retry',
			name: 'retry',
			type: 'boolean',
			default: true,
			description: 'Whether to retry transient failures and pace requests by the usage headers',
		},
	],
};

/** Progress reports (one per page of a walk, one per step of a flow) go to n8n's log. */
function progressLogger(ctx: IExecuteFunctions, i: number): (p: Progress) => void {
	return (p) => {
		const logger = (ctx as Partial<IExecuteFunctions>).logger;
		if (typeof logger?.debug !== 'function') return;
		logger.debug(`Instagram ${p.op}: ${p.message}`, { itemIndex: i, op: p.op, step: p.step, done: p.done, total: p.total });
	};
}

/** n8n's signal for a stopped execution, when this n8n provides one. */
function cancelSignal(ctx: IExecuteFunctions): AbortSignalLike | undefined {
	const get = (ctx as Partial<IExecuteFunctions>).getExecutionCancelSignal;
	return typeof get === 'function' ? get.call(ctx) : undefined;
}

/** A warning for the user: an execution hint where n8n has them, and n8n's log. */
function warn(ctx: IExecuteFunctions, message: string): void {
	const add = (ctx as Partial<IExecuteFunctions>).addExecutionHints;
	if (typeof add === 'function') add.call(ctx, { message, type: 'warning', location: 'outputPane' });
	const logger = (ctx as Partial<IExecuteFunctions>).logger;
	if (typeof logger?.warn === 'function') logger.warn(message);
}

/** The API version and token warnings, once per execution (never a token: the core's texts carry none). */
function hintClient(ctx: IExecuteFunctions, client: InstagramClient, credential: ResolvedCredential): void {
	const version = client.versionWarning;
	if (version) warn(ctx, `Instagram: ${version}. Set another Graph API version in the credential.`);
	const token = client.tokenWarning;
	if (token) {
		const note = credential.note ? ` Also, ${credential.note}.` : '';
		warn(ctx, `Instagram: ${token}. ${credential.advice}${note}`);
	} else if (credential.note) {
		warn(ctx, `Instagram: ${credential.note}.`);
	}
}

/** Graph answered (or the network failed): NodeApiError; a local refusal: NodeOperationError. */
function toNodeError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof InstagramError) {
		const description = error.errorUserMsg ?? `${error.code}${error.fbtraceId ? ` (fbtrace_id ${error.fbtraceId})` : ''}`;
		if (error.httpStatus !== null || error.kind === 'transport') {
			return new NodeApiError(node, error.toJSON() as unknown as JsonObject, {
				message: error.message,
				description,
				httpCode: error.httpStatus !== null ? String(error.httpStatus) : undefined,
				itemIndex,
			});
		}
		return new NodeOperationError(node, error.message, { description, itemIndex });
	}
	return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
}

/**
 * The JSON of an error item under continueOnFail: `error` (the message) and `details` (the
 * core's fields: kind, Graph code, subcode, fbtrace_id, ...). Only these two keys, and no
 * `item.error`: n8n replaces the JSON of items carrying `error` with `{error: message}`, and
 * routes items whose JSON holds only error/message/details to the error output.
 */
function errorJson(error: unknown, nodeError: Error): IDataObject {
	if (error instanceof InstagramError) {
		const details: IDataObject = { ...(error.toJSON() as unknown as IDataObject) };
		delete details.message;
		delete details.name;
		return { error: error.message, details };
	}
	return { error: nodeError.message };
}

export class Instagram implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Instagram',
		name: 'instagram',
		icon: { light: 'file:../../icons/instagram.svg', dark: 'file:../../icons/instagram.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read an Instagram professional account through the Graph API (Rust core)',
		defaults: {
			name: 'Instagram',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'instagramGraphApi',
				required: true,
				testedBy: 'instagramGraphApiTest',
				displayOptions: { show: { authentication: ['accessToken'] } },
			},
			{
				name: 'instagramOAuth2Api',
				required: true,
				testedBy: 'instagramGraphApiTest',
				displayOptions: { show: { authentication: ['instagramOAuth2'] } },
			},
			{
				name: 'instagramFacebookOAuth2Api',
				required: true,
				testedBy: 'instagramGraphApiTest',
				displayOptions: { show: { authentication: ['facebookOAuth2'] } },
			},
		],
		properties: [authentication, ...properties, requestOptions],
	};

	methods = {
		credentialTest: {
			/**
			 * n8n's "Test" button, through the core: unlike the credential's declarative request
			 * it signs with appsecret_proof and follows the login flavour. Instagram Login reads
			 * the account (`user.get`); Facebook Login lists the Pages (`pages.list`), since
			 * `/me` is then the Facebook user, not an Instagram account.
			 */
			async instagramGraphApiTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				try {
					const client = clientFrom(optionsFrom(authenticationFor(credential.type), credential.data ?? {}));
					if (client.login === 'facebook') {
						let linked = 0;
						for await (const page of client.paginate('pages.list', {}, { maxItems: 100 })) {
							if (page.instagram_business_account) linked++;
						}
						return { status: 'OK', message: `Connection successful (${linked} linked Instagram account(s))` };
					}
					const me = await client.call('user.get', { fields: 'id,username' });
					return { status: 'OK', message: `Connection successful (@${String(me.username ?? me.id)})` };
				} catch (error) {
					return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
				}
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		// One client per distinct Request Options (usually one for the whole run).
		const clients = new Map<string, InstagramClient>();
		const signal = cancelSignal(this);
		let credential: ResolvedCredential | undefined;

		for (let i = 0; i < items.length; i++) {
			try {
				const policy = policyOf(this, i);
				const key = JSON.stringify(policy);
				let client = clients.get(key);
				if (!client) {
					credential ??= await resolveCredential(this);
					client = clientFrom(credential.options, policy);
					if (clients.size === 0) hintClient(this, client, credential);
					clients.set(key, client);
				}
				const resource = this.getNodeParameter('resource', i) as string;
				const operation = this.getNodeParameter('operation', i) as string;
				const opId = `${resource}.${operation}`;
				const meta = OPERATION_META[opId];
				if (!meta) {
					throw new NodeOperationError(this.getNode(), `Unknown operation "${opId}"`, { itemIndex: i });
				}
				const params = collectParams(this, i, meta);
				const onProgress = progressLogger(this, i);
				if (meta.paginated) {
					const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
					const maxItems = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
					if (maxItems !== undefined && !(Number.isSafeInteger(maxItems) && maxItems >= 1)) {
						throw new NodeOperationError(this.getNode(), `Limit must be a whole number of at least 1, got ${String(maxItems)}`, {
							itemIndex: i,
						});
					}
					for await (const item of client.paginate(opId, params, { maxItems, onProgress, signal })) {
						out.push({ json: item as IDataObject, pairedItem: { item: i } });
					}
				} else {
					const result = await client.call(opId, params, { onProgress, signal });
					out.push({ json: result as IDataObject, pairedItem: { item: i } });
				}
			} catch (error) {
				const nodeError = toNodeError(this.getNode(), error, i);
				if (this.continueOnFail()) {
					out.push({ json: errorJson(error, nodeError), pairedItem: { item: i } });
					continue;
				}
				throw nodeError;
			}
		}
		return [out];
	}
}
