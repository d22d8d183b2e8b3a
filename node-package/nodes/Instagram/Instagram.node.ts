import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IExecuteFunctions,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { InstagramClient, type ClientOptions } from '../../src/client';
import { InstagramError } from '../../src/errors';
import { parse as parseShortcode } from '../../src/shortcode';
import type { AbortSignalLike, Page, Progress } from '../../src/types';
import {
	authenticationFor,
	authenticationProperty as authentication,
	credentialTypeOf,
	optionsFrom,
	resolveCredential,
	toAuthentication,
	type ResolvedCredential,
} from '../shared/credentials';
import { uiError, type ErrorContext } from './errors';
import { OPERATION_META, properties, type OperationMeta } from './generated/properties';
import { isEdgePage, plainItems } from './output';
import { collectParams, fieldNames } from './params';
import { getAccounts, searchAccounts, searchComments, searchConversations, searchMedia, searchPages } from './search';

/** The raw request: paginated when its path is a list, one item otherwise. */
const RAW_REQUEST = 'graph.request';

/** The value n8n gives the "Custom API Call" it adds to every node whose credential authenticates. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

/** The top-level field names an item asks for: the selected fields, else the operation's default set. */
function requestedFields(meta: OperationMeta, params: IDataObject): string[] {
	if (typeof params.fields === 'string') return fieldNames(params.fields);
	return meta.fields ? fieldNames(meta.fields.default) : [];
}

/** The client policy of the node's "Request Options" (reliability knobs of the core). */
type Policy = Pick<ClientOptions, 'maxRetries' | 'retry' | 'maxTotalWaitMs' | 'highWaterMark' | 'maxConcurrency'>;

function clientFrom(options: ClientOptions, policy: Policy = {}): InstagramClient {
	return new InstagramClient({ ...options, ...policy });
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

/**
 * Turns a media "By URL or Shortcode" into its id: the shortcode is read from the URL locally
 * (the pure `shortcode.parse`), then media.by_shortcode finds the account's media.
 */
async function resolveLookups(
	ctx: IExecuteFunctions,
	i: number,
	meta: OperationMeta,
	client: InstagramClient,
	params: IDataObject,
	lookups: Array<{ param: string; shortcode: string }>,
	signal: AbortSignalLike | undefined,
): Promise<void> {
	for (const l of lookups) {
		let code: string;
		try {
			code = parseShortcode(l.shortcode);
		} catch {
			const label = meta.params[l.param]?.label ?? l.param;
			throw new NodeOperationError(ctx.getNode(), `${label}: not an Instagram post or reel URL, nor a shortcode`, {
				itemIndex: i,
				description: 'Paste the link of the post or reel (https://www.instagram.com/p/…/) or its shortcode, or pick the media from the list.',
			});
		}
		const found = await client.call(
			'media.by_shortcode' as never,
			{ shortcode: code, ...(typeof params.ig_user_id === 'string' ? { ig_user_id: params.ig_user_id } : {}) },
			{ signal },
		);
		params[l.param] = String(found.id);
	}
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
		// The panel's words; the core's own text stays in details.
		return { error: nodeError.message, details: { ...details, core_message: error.message } };
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
		description:
			'Read and manage an Instagram professional account: media, stories, comments, mentions, hashtags, messages and the raw Graph API',
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
		listSearch: { searchAccounts, searchPages, searchMedia, searchConversations, searchComments },
		loadOptions: { getAccounts },
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
		const kind = toAuthentication(this.getNodeParameter('authentication', 0, 'accessToken'));

		for (let i = 0; i < items.length; i++) {
			let opId: string | undefined;
			let meta: OperationMeta | undefined;
			try {
				const policy = policyOf(this, i);
				const key = JSON.stringify(policy);
				let client = clients.get(key);
				if (!client) {
					credential ??= await resolveCredential(this, kind);
					client = clientFrom(credential.options, policy);
					if (clients.size === 0) hintClient(this, client, credential);
					clients.set(key, client);
				}
				const resource = this.getNodeParameter('resource', i) as string;
				const operation = this.getNodeParameter('operation', i) as string;
				if (resource === CUSTOM_API_CALL || operation === CUSTOM_API_CALL) {
					throw new NodeOperationError(this.getNode(), 'Custom API Call runs in an HTTP Request node', {
						itemIndex: i,
						description:
							'Pick "Graph API → Request" in this node (signed, versioned and paced like every operation), or add an HTTP Request node with this credential (predefined credential type).',
					});
				}
				opId = `${resource}.${operation}`;
				meta = OPERATION_META[opId];
				if (!meta) {
					throw new NodeOperationError(this.getNode(), `Unknown operation "${opId}"`, { itemIndex: i });
				}
				const { params, lookups } = collectParams(this, i, meta);
				await resolveLookups(this, i, meta, client, params, lookups, signal);
				const requested = requestedFields(meta, params);
				const onProgress = progressLogger(this, i);
				if (meta.paginated) {
					const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
					const maxItems = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
					if (maxItems !== undefined && !(Number.isSafeInteger(maxItems) && maxItems >= 1)) {
						throw new NodeOperationError(this.getNode(), `Limit must be a whole number of at least 1, got ${String(maxItems)}`, {
							itemIndex: i,
						});
					}
					let items: unknown[] = [];
					if (opId === RAW_REQUEST) {
						// Any path: a list is walked like a paginated edge, anything else is one item.
						const first = await client.call(opId as never, params, { onProgress, signal });
						if (!isEdgePage(first)) items = [first];
						else if (first.data.length >= (maxItems ?? Infinity) || !(first as Page).paging?.next || (params.method ?? 'GET') !== 'GET') {
							items = first.data.slice(0, maxItems);
						} else {
							for await (const item of client.paginate(opId as never, params, { maxItems, onProgress, signal })) items.push(item);
						}
					} else {
						for await (const item of client.paginate(opId as never, params, { maxItems, onProgress, signal })) items.push(item);
					}
					for (const json of plainItems(items, requested)) out.push({ json, pairedItem: { item: i } });
				} else {
					const result = await client.call(opId as never, params, { onProgress, signal });
					// A list answered in one page (children, collaborators, ...): one item per entry.
					const items = isEdgePage(result) ? result.data : [result];
					for (const json of plainItems(items, requested)) out.push({ json, pairedItem: { item: i } });
				}
			} catch (error) {
				const info: ErrorContext = { opId, meta, credentialName: this.getNode().credentials?.[credentialTypeOf(kind)]?.name };
				const nodeError = uiError(this.getNode(), error, i, info);
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
