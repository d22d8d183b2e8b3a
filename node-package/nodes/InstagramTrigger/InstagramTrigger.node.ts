import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { parse, verifySignature, verifySubscription, type WebhookEvent } from '../../src/webhooks';
import { authenticationProperty, credentialEntries, credentialTypeOf, optionsFrom, toAuthentication } from '../shared/credentials';
import { firstSeen } from './dedupe';
import { EVENT_OPTIONS } from './generated/events';
import { route, selectedEvents } from './routing';
import { checkExists, create, remove, triggerOptions, verifyTokenOf } from './subscription';

/** The response objects n8n hands the webhook (express), as far as the node uses them. */
interface Reply {
	status(code: number): Reply;
	type(type: string): Reply;
	send(body: string): unknown;
}

/** Answer with a short plain-text body and start no execution. */
function answer(res: Reply, code: number, text: string): IWebhookResponseData {
	res.status(code).type('text/plain').send(text);
	return { noWebhookResponse: true };
}

/** The GET handshake: echo `hub.challenge` when the verify token matches, else 403. */
async function handshake(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = ctx.getResponseObject() as unknown as Reply;
	let challenge: string;
	try {
		challenge = verifySubscription(ctx.getQueryData() as Record<string, string>, verifyTokenOf(ctx, triggerOptions(ctx)));
	} catch {
		// Which of mode, token or challenge was wrong is not told to a caller who lacks the token.
		return answer(res, 403, 'Forbidden: verification failed');
	}
	return answer(res, 200, challenge);
}

/** The app secret of the node's credential, or undefined (never logged or echoed). */
async function appSecretOf(ctx: IWebhookFunctions): Promise<string | undefined> {
	const kind = toAuthentication(ctx.getNodeParameter('authentication', 'accessToken'));
	const creds = await ctx.getCredentials(credentialTypeOf(kind));
	return optionsFrom(kind, creds).appSecret;
}

/** A delivery: verify the signature over the raw bytes, parse, route, drop duplicates. */
async function delivery(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = ctx.getResponseObject() as unknown as Reply;
	const req = ctx.getRequestObject() as unknown as { rawBody?: unknown; headers: Record<string, string | string[] | undefined> };
	const raw = req.rawBody;
	if (!(raw instanceof Uint8Array)) return answer(res, 400, 'Bad request: no request body');
	let secret: string | undefined;
	try {
		secret = await appSecretOf(ctx);
	} catch {
		// The credential could not be read: Meta retries a 5xx later.
		return answer(res, 503, 'Service unavailable: the credential could not be read');
	}
	// Fail closed: without the secret nothing can be verified, so nothing is accepted.
	if (!secret) return answer(res, 401, 'Unauthorized: no app secret is configured to verify the signature');
	let valid = false;
	try {
		valid = verifySignature(raw, req.headers, secret);
	} catch {
		return answer(res, 401, 'Unauthorized: missing or malformed signature');
	}
	if (!valid) return answer(res, 401, 'Unauthorized: invalid signature');
	let events: WebhookEvent[];
	try {
		events = parse(raw);
	} catch {
		return answer(res, 400, 'Bad request: not an Instagram webhook delivery');
	}
	const selected = selectedEvents(ctx.getNodeParameter('events', []));
	const ignoreEchoes = ctx.getNodeParameter('ignoreEchoes', true) !== false;
	let out = route(events, selected, ignoreEchoes);
	if (triggerOptions(ctx).deduplicate !== false && out.length > 0) {
		const fresh = await firstSeen(ctx, out.map((e) => e.dedupe_key));
		// Keep each key's first event only (a key repeated within one delivery is one event).
		out = out.filter((e) => fresh.delete(e.dedupe_key));
	}
	// Meta needs a 200 for every verified delivery, also when nothing in it is for this workflow.
	if (out.length === 0) return answer(res, 200, 'OK');
	return { workflowData: [ctx.helpers.returnJsonArray(out as unknown as IDataObject[])] };
}

export class InstagramTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Instagram Trigger',
		name: 'instagramTrigger',
		icon: { light: 'file:../../icons/instagram.svg', dark: 'file:../../icons/instagram.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description: "Starts the workflow on Instagram webhooks (messages, comments, mentions, ...), verified with Meta's signature",
		defaults: {
			name: 'Instagram Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialEntries(),
		webhooks: [
			{
				name: 'setup',
				httpMethod: 'GET',
				responseMode: 'onReceived',
				path: 'webhook',
			},
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					"On activation the node subscribes the Meta app to this webhook URL (when the credential has the app ID and secret) and the account to the app. The verify token is this node's ID unless set under Options. Every delivery's signature is checked with the app secret: without one the node does not activate.",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			authenticationProperty,
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: EVENT_OPTIONS,
				required: true,
				default: ['messages'],
				description: 'Which webhook events start the workflow; each item carries its <code>event_type</code>',
			},
			{
				displayName: 'Ignore Echoes',
				name: 'ignoreEchoes',
				type: 'boolean',
				default: true,
				description: 'Whether to drop what the account itself sent (unless Message Echoes is selected)',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Deduplicate Redeliveries',
						name: 'deduplicate',
						type: 'boolean',
						default: true,
						description: 'Whether to drop events Meta delivers again (it retries for up to 36 hours)',
					},
					{
						displayName: 'Facebook Page ID',
						name: 'pageId',
						type: 'string',
						default: '',
						description:
							'Facebook Login: the Page whose Instagram account to subscribe; may stay empty when the token manages one such Page',
					},
					{
						displayName: 'Manage Subscriptions',
						name: 'subscribe',
						type: 'boolean',
						default: true,
						description:
							'Whether to subscribe and unsubscribe through the Graph API on activation and deactivation; off when the Meta dashboard is set up by hand',
					},
					{
						displayName: 'Verify Token',
						name: 'verifyToken',
						type: 'string',
						typeOptions: { password: true },
						default: '',
						description: "The token Meta sends in its verification request; empty: this node's ID",
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		try {
			if (this.getWebhookName() === 'setup') return await handshake(this);
			return await delivery(this);
		} catch {
			// Never n8n's 500 with a stack trace; Meta retries a 503 later.
			return answer(this.getResponseObject() as unknown as Reply, 503, 'Service unavailable');
		}
	}
}
