/**
 * The node side of the package's three credentials, shared by every node (the Instagram node
 * and both triggers): which credential an "Authentication" value selects, the core client
 * options of a credential's data, and having n8n renew an access token before it is used.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { ClientOptions } from '../../src/client';
import { graphBase, renewalPlan, textField, tokenView, type RenewalStep } from '../../src/credential-token';
import { uiError } from '../Instagram/errors';

/** The nodes' "Authentication" values. */
export const AUTHENTICATIONS = ['accessToken', 'instagramOAuth2', 'facebookOAuth2'] as const;

/** One "Authentication" value. */
export type Authentication = (typeof AUTHENTICATIONS)[number];

/** The credential type an "Authentication" value selects. */
export function credentialTypeOf(kind: Authentication): string {
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
export function authenticationFor(type: string): Authentication {
	return AUTHENTICATIONS.find((a) => credentialTypeOf(a) === type) ?? 'accessToken';
}

/** A parameter value as an "Authentication" (absent on nodes saved before it existed: the access token). */
export function toAuthentication(value: unknown): Authentication {
	return AUTHENTICATIONS.find((a) => a === value) ?? 'accessToken';
}

/** Which credential a node uses (n8n's `authentication` convention). */
export const authenticationProperty: INodeProperties = {
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

/** The `credentials` entries of a node description, each shown for its "Authentication". */
export function credentialEntries(testedBy?: string): Array<{
	name: string;
	required: true;
	testedBy?: string;
	displayOptions: { show: { authentication: string[] } };
}> {
	return AUTHENTICATIONS.map((kind) => ({
		name: credentialTypeOf(kind),
		required: true as const,
		...(testedBy ? { testedBy } : {}),
		displayOptions: { show: { authentication: [kind] } },
	}));
}

/** A credential resolved for a node: who it logs in as, with which token, and what to tell the user. */
export interface ResolvedCredential {
	options: ClientOptions;
	/** Where the token stands, for the hint; `null` when all is well or unknown. */
	note: string | null;
	/** What to do about an expiring token, appended to the core's token warning. */
	advice: string;
}

/** The access token of n8n's OAuth2 token data: flat, or Instagram's `{"data":[{...}]}` shape. */
export function oauthToken(creds: ICredentialDataDecryptedObject): { token: string; expiresAt: number | undefined } {
	const data = (creds.oauthTokenData ?? {}) as IDataObject;
	const inner = Array.isArray(data.data) && typeof data.data[0] === 'object' ? (data.data[0] as IDataObject) : data;
	const token = typeof inner.access_token === 'string' ? inner.access_token : typeof data.access_token === 'string' ? data.access_token : '';
	// n8n stores `n8n_expires_at` (milliseconds) when the token answer had `expires_in`.
	const ms = Number(data.n8n_expires_at);
	return { token, expiresAt: Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : undefined };
}

/** Client options of a credential's data (`kind` tells which type it is). */
export function optionsFrom(kind: Authentication, creds: ICredentialDataDecryptedObject): ClientOptions {
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

const STEP_VERBS: Record<RenewalStep, string> = {
	exchange: 'exchange the token for a long-lived one',
	inspect: 'inspect and exchange the token',
	adopt: 'record the new token',
	refresh: 'refresh the token',
};

/** The text of an error without anything but its message (core errors are already scrubbed). */
export function messageOf(error: unknown): string {
	const cause = (error as { cause?: unknown } | null)?.cause;
	if (error instanceof NodeApiError && cause instanceof Error) return cause.message;
	return error instanceof Error ? error.message : String(error);
}

/** What of an n8n context the credential code needs (execute, hook, webhook and poll contexts all have it). */
export interface CredentialContext {
	getNode(): INode;
	getCredentials(type: string, itemIndex?: number): Promise<ICredentialDataDecryptedObject>;
	helpers: object;
}

/** n8n's `httpRequestWithAuthentication`, as the node calls it. */
type AuthenticatedRequest = (
	this: unknown,
	type: string,
	options: IHttpRequestOptions,
	additional: { credentialsDecrypted: { id: string; name: string; type: string; data: ICredentialDataDecryptedObject } },
) => Promise<unknown>;

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
export async function renewThroughN8n(
	ctx: CredentialContext,
	creds: ICredentialDataDecryptedObject,
): Promise<{ creds: ICredentialDataDecryptedObject; failure?: unknown }> {
	const type = credentialTypeOf('accessToken');
	const ref = ctx.getNode().credentials?.[type];
	const helper = (ctx.helpers as { httpRequestWithAuthentication?: AuthenticatedRequest } | undefined)?.httpRequestWithAuthentication;
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

/** The credential of an "Authentication", renewed first when the access token is due. */
export async function resolveCredential(ctx: CredentialContext, kind: Authentication): Promise<ResolvedCredential> {
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

/**
 * Graph answered (or the network failed): NodeApiError; a local refusal: NodeOperationError.
 * In the panel's words, with Graph's code and type (see nodes/Instagram/errors.ts).
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	return uiError(node, error, itemIndex, {});
}
