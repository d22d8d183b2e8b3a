/**
 * The Instagram Trigger's webhook lifecycle (n8n's webhookMethods.default): on activation
 * subscribe Meta's app to the callback (app level, `/{app-id}/subscriptions`, when the
 * credential has the app id and secret) and the account to the app (`subscribed_apps`, always);
 * on deactivation undo both. Failures are reported with Meta's message, never swallowed.
 * Graph calls go through the core client (the project's only HTTP sender), whose errors carry
 * no token or secret. Reference: graph-api.md §3.1, n8n.md §2.7.
 */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { InstagramClient } from '../../src/client';
import { resolveCredential, toAuthentication, toNodeError } from '../shared/credentials';
import type { TriggerEvent } from './generated/events';
import { selectedEvents, subscribedFields, undeliverable } from './routing';

/** What the webhook methods work with, resolved once per call. */
export interface TriggerSetup {
	client: InstagramClient;
	login: 'facebook' | 'instagram';
	/** The app id, when the credential has it and the app secret (app-level subscription). */
	appId: string | undefined;
	events: TriggerEvent[];
	fields: string[];
	callbackUrl: string;
	verifyToken: string;
	pageId: string | undefined;
	/** Whether the node manages subscriptions (off: the user configured Meta by hand). */
	manage: boolean;
}

/** The message when no app secret is configured (n8n shows it on activation). */
export const NO_SECRET_MESSAGE =
	"The Instagram Trigger needs the app secret to verify Meta's signatures: set App Secret in the credential (Client Secret for OAuth2 credentials) before activating";

/** The node's "Options" collection. */
export function triggerOptions(ctx: { getNodeParameter(name: string, fallback?: unknown): unknown }): IDataObject {
	const o = ctx.getNodeParameter('options', {}) as IDataObject | undefined;
	return o && typeof o === 'object' ? o : {};
}

/** The verify token: the option when set, else the node's id (as n8n's Meta triggers do). */
export function verifyTokenOf(ctx: { getNode(): { id: string } }, options: IDataObject): string {
	const own = typeof options.verifyToken === 'string' ? options.verifyToken.trim() : '';
	return own !== '' ? own : ctx.getNode().id;
}

/** Resolve the credential, the selected events and the callback; throws when activation must not go on. */
export async function triggerSetup(ctx: IHookFunctions): Promise<TriggerSetup> {
	const kind = toAuthentication(ctx.getNodeParameter('authentication', 'accessToken'));
	const { options } = await resolveCredential(ctx, kind);
	if (!options.appSecret) throw new NodeOperationError(ctx.getNode(), NO_SECRET_MESSAGE);
	const login = options.login ?? 'instagram';
	const events = selectedEvents(ctx.getNodeParameter('events', []));
	if (events.length === 0) throw new NodeOperationError(ctx.getNode(), 'Select at least one event under Events');
	const missing = undeliverable(events, login);
	if (missing.length > 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Meta does not deliver ${missing.map((e) => e.value).join(', ')} to apps using ${login === 'instagram' ? 'Instagram' : 'Facebook'} Login: remove them from Events or use a credential of the other login`,
		);
	}
	const callbackUrl = ctx.getNodeWebhookUrl('default');
	if (!callbackUrl) throw new NodeOperationError(ctx.getNode(), 'n8n gave no URL for the webhook of this node');
	const opts = triggerOptions(ctx);
	const pageId = typeof opts.pageId === 'string' && opts.pageId.trim() !== '' ? opts.pageId.trim() : undefined;
	return {
		client: new InstagramClient(options),
		login,
		appId: options.appId,
		events,
		fields: subscribedFields(events),
		callbackUrl,
		verifyToken: verifyTokenOf(ctx, opts),
		pageId,
		manage: opts.subscribe !== false,
	};
}

/**
 * The fields of the account subscription. Instagram Login subscribes the account to the
 * Instagram fields themselves; with Facebook Login the Instagram fields are chosen on the app
 * subscription and the Page subscription only enables delivery for the Page's account, with
 * Page fields (graph-api.md §3.1: `feed`, and `messages` for messaging).
 */
export function accountFields(setup: TriggerSetup): string[] {
	if (setup.login === 'instagram') return setup.fields;
	const messaging = setup.events.some((e) => e.envelope !== 'changes');
	return messaging ? ['feed', 'messages'] : ['feed'];
}

function pageParam(setup: TriggerSetup): IDataObject {
	return setup.pageId ? { page_id: setup.pageId } : {};
}

/** A Graph list answer's `data` array (empty when absent). */
function dataOf(answer: unknown): IDataObject[] {
	const data = (answer as { data?: unknown } | null)?.data;
	return Array.isArray(data) ? (data.filter((d) => typeof d === 'object' && d !== null) as IDataObject[]) : [];
}

/** Field names of an app subscription (`fields: [{name, version}]` or plain names). */
function fieldNames(v: unknown): string[] {
	if (!Array.isArray(v)) return [];
	return v.map((f) => (typeof f === 'string' ? f : typeof (f as IDataObject)?.name === 'string' ? String((f as IDataObject).name) : '')).filter(Boolean);
}

/** The app's `instagram` subscription, if any. */
async function appSubscription(setup: TriggerSetup): Promise<IDataObject | undefined> {
	const list = await setup.client.call('subscriptions.list', { object: 'instagram' });
	return dataOf(list).find((s) => s.object === 'instagram');
}

/** Whether the account subscription covers `fields`. */
async function accountSubscribed(setup: TriggerSetup, fields: string[]): Promise<boolean> {
	const list = await setup.client.call('subscribed_apps.list', pageParam(setup));
	return dataOf(list).some((app) => {
		if (setup.appId && app.id !== undefined && String(app.id) !== setup.appId) return false;
		const have = new Set(fieldNames(app.subscribed_fields));
		return fields.every((f) => have.has(f));
	});
}

/** Run `f` with the setup, closing its client and turning core errors into n8n's. */
async function withSetup<T>(ctx: IHookFunctions, f: (setup: TriggerSetup) => Promise<T>): Promise<T> {
	const setup = await triggerSetup(ctx);
	try {
		return await f(setup);
	} catch (error) {
		throw toNodeError(ctx.getNode(), error);
	} finally {
		setup.client.close();
	}
}

/**
 * checkExists: true when both subscriptions are in place for this node's URL and fields. Like
 * n8n's Facebook Trigger, an app already subscribed to another URL stops activation with a
 * warning: Meta keeps one callback per app and object, and taking it over would silently cut
 * off whatever receives there now.
 */
export async function checkExists(ctx: IHookFunctions): Promise<boolean> {
	return await withSetup(ctx, async (setup) => {
		if (!setup.manage) return true;
		if (setup.appId) {
			const sub = await appSubscription(setup);
			if (!sub || sub.active === false) return false;
			if (sub.callback_url !== setup.callbackUrl) {
				throw new NodeOperationError(
					ctx.getNode(),
					`The Meta app ${setup.appId} already has an Instagram webhook subscription for another URL (${String(sub.callback_url)}). Meta allows one callback URL per app: delete that subscription or deactivate the workflow that uses it, or use another app.`,
					{ level: 'warning' },
				);
			}
			const have = new Set(fieldNames(sub.fields));
			if (!setup.fields.every((f) => have.has(f))) return false;
		}
		return await accountSubscribed(setup, accountFields(setup));
	});
}

/** create: subscribe the app (Meta first checks the callback with the GET handshake), then the account. */
export async function create(ctx: IHookFunctions): Promise<boolean> {
	return await withSetup(ctx, async (setup) => {
		if (!setup.manage) return true;
		if (setup.appId) {
			const answer = await setup.client.call('subscriptions.create', {
				object: 'instagram',
				callback_url: setup.callbackUrl,
				verify_token: setup.verifyToken,
				fields: setup.fields,
				include_values: true,
			});
			expectSuccess(ctx, answer, 'subscribe the app to the webhook');
		}
		const answer = await setup.client.call('subscribed_apps.create', {
			...pageParam(setup),
			subscribed_fields: accountFields(setup),
		});
		expectSuccess(ctx, answer, 'subscribe the account to the app');
		return true;
	});
}

/** delete: unsubscribe the account, then the app's subscription when it is this node's. */
export async function remove(ctx: IHookFunctions): Promise<boolean> {
	return await withSetup(ctx, async (setup) => {
		if (!setup.manage) return true;
		const answer = await setup.client.call('subscribed_apps.delete', pageParam(setup));
		expectSuccess(ctx, answer, 'unsubscribe the account from the app');
		if (setup.appId) {
			const sub = await appSubscription(setup);
			// Another URL's subscription is not this node's to delete.
			if (sub && sub.callback_url === setup.callbackUrl) {
				const del = await setup.client.call('subscriptions.delete', { object: 'instagram' });
				expectSuccess(ctx, del, 'delete the app subscription');
			}
		}
		return true;
	});
}

/** Meta answers writes with `{"success": true}`; anything else is reported. */
function expectSuccess(ctx: IHookFunctions, answer: unknown, what: string): void {
	if ((answer as { success?: unknown } | null)?.success === true) return;
	throw new NodeOperationError(ctx.getNode(), `Meta did not confirm the request to ${what}`, {
		description: `Answer: ${JSON.stringify(answer).slice(0, 300)}`,
	});
}
