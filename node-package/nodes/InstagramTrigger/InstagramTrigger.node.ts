import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { parse, verifySignature, verifySubscription, type WebhookEvent } from '../../src/webhooks';
import { authenticationProperty, credentialEntries, credentialTypeOf, optionsFrom, toAuthentication } from '../shared/credentials';
import { acceptedHere, firstSeen, rememberOnAnswer, scopeOf, seenBefore, type Answerable } from './dedupe';
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

/** Whether redeliveries are dropped: the option (on by default), and never in a test run (resending a test event must work). */
function deduplicating(ctx: { getNodeParameter(name: string, fallback?: unknown): unknown; getMode(): string }): boolean {
	return triggerOptions(ctx).deduplicate !== false && ctx.getMode() !== 'manual';
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
	const dedupe = deduplicating(ctx);
	const scope = scopeOf(ctx);
	if (dedupe) {
		// Each key's first event only (a key repeated within one delivery is one event), none
		// already processed by an earlier execution, and none this process already handed to
		// an execution (the back-to-back duplicate, before that execution saved; see dedupe.ts).
		const keys = out.map((e) => e.dedupe_key);
		const old = seenBefore(ctx, keys);
		for (const k of acceptedHere(scope, keys)) old.add(k);
		const once = new Set<string>();
		out = out.filter((e) => !old.has(e.dedupe_key) && !once.has(e.dedupe_key) && once.add(e.dedupe_key));
	}
	// Meta needs a 200 for every verified delivery, also when nothing in it is for this workflow.
	if (out.length === 0) return answer(res, 200, 'OK');
	// Remembered once n8n answers 2xx, i.e. once the execution exists (dedupe.ts).
	if (dedupe) rememberOnAnswer(ctx.getResponseObject() as unknown as Answerable, scope, out.map((e) => e.dedupe_key));
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

	/**
	 * n8n runs this for the trigger node at the start of each execution a delivery started (on
	 * a worker in queue mode), with the events webhook() returned as input: the authoritative
	 * deduplication through n8n's own service (dedupe.ts). An execution whose events were all
	 * processed before continues with no items, so the nodes after the trigger do not run.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const ctx = { getNodeParameter: (n: string, f?: unknown) => this.getNodeParameter(n, 0, f), getMode: () => this.getMode() };
		const keyOf = (i: INodeExecutionData) => (typeof i.json.dedupe_key === 'string' ? i.json.dedupe_key : undefined);
		let keep = items.map(() => true);
		if (deduplicating(ctx)) {
			try {
				const fresh = await firstSeen(this, items.map(keyOf).filter((k): k is string => k !== undefined));
				keep = items.map((i) => {
					const k = keyOf(i);
					return k === undefined || fresh.delete(k);
				});
			} catch (error) {
				// Meta has had its 200: dropping the events now would lose them. At least once, then.
				this.logger?.warn(`Instagram Trigger: deduplication unavailable, passing the events on: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
		return [items.flatMap((item, i) => (keep[i] ? [{ json: item.json, pairedItem: { item: i } }] : []))];
	}

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
