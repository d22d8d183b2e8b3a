import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';
import { API_VERSION_OPTIONS, DEFAULT_API_VERSION } from '../nodes/shared/generated/api-versions';
import { graphBase, renewSession, signRequest, textField } from '../src/credential-token';

/** Where the package's README explains how to get a token for each login. */
export const TOKEN_DOCS = 'https://github.com/instagram-graph/instagram-graph/blob/main/node-package/README.md#getting-a-token';

/**
 * An Instagram access token (Instagram Login or Facebook Login), with the Graph API version,
 * optional app id and secret, and `baseUrl` for a sandbox or proxy instead of Meta's hosts.
 *
 * The token keeps itself alive through n8n's own mechanism for expiring credentials: the hidden
 * `sessionToken` is `expirable`, and `preAuthentication` returns the renewed token and its
 * expiry, which n8n persists into this credential (CredentialsHelper.preAuthentication, n8n
 * 2.40.7 dist/credentials-helper.js:101-133). A new token is exchanged for a long-lived one
 * (Instagram Login: `ig_exchange_token`, needs the app secret; Facebook Login: `debug_token` and
 * `fb_exchange_token` for short-lived user tokens, needs the app id and secret); an Instagram
 * Login token expiring within 7 days and at least 24 h old is refreshed (`ig_refresh_token`).
 * n8n runs preAuthentication on requests made through `httpRequestWithAuthentication` when
 * `sessionToken` is empty; the Instagram node makes it so when src/credential-token.ts says a
 * renewal is due (Instagram.node.ts, `renewThroughN8n`, documents the exact n8n code path).
 *
 * The "Test" button runs the Instagram node's `instagramGraphApiTest` (through the core, so it
 * signs with appsecret_proof and follows the login flavour): n8n would prefer a declarative
 * `test` here over `testedBy`, so there is none.
 */
/** A request whose URL is relative, completed with the credential's host and version. */
export function withGraphBase(credentials: ICredentialDataDecryptedObject, request: IHttpRequestOptions): IHttpRequestOptions {
	if (request.baseURL || /^[a-z][a-z0-9+.-]*:\/\//i.test(request.url)) return request;
	const version = textField(credentials, 'apiVersion') ?? 'v27.0';
	return { ...request, url: `${graphBase(credentials)}/${version}/${request.url.replace(/^\/+/, '')}` };
}

export class InstagramGraphApi implements ICredentialType {
	name = 'instagramGraphApi';

	displayName = 'Instagram Graph API';

	icon: Icon = { light: 'file:../icons/instagram.svg', dark: 'file:../icons/instagram.dark.svg' };

	documentationUrl = 'https://github.com/instagram-graph/instagram-graph/blob/main/node-package/README.md#getting-a-token';

	/** The HTTP Request node's hint when it uses this credential (n8n's "Custom API Call"). */
	httpRequestNode = {
		name: 'Instagram Graph API',
		docsUrl: TOKEN_DOCS,
		apiBaseUrlPlaceholder: 'https://graph.instagram.com/v27.0/me',
	};

	properties: INodeProperties[] = [
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Session Source',
			name: 'sessionSource',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Session Expires At',
			name: 'sessionExpiresAt',
			type: 'hidden',
			default: 0,
		},
		{
			displayName: 'Session Issued At',
			name: 'sessionIssuedAt',
			type: 'hidden',
			default: 0,
		},
		{
			displayName: 'Login',
			name: 'login',
			type: 'options',
			options: [
				{
					name: 'Instagram Login (graph.instagram.com)',
					value: 'instagram',
					description: 'A token of an Instagram professional account (Business Login for Instagram)',
				},
				{
					name: 'Facebook Login (graph.facebook.com)',
					value: 'facebook',
					description: 'A token of a Facebook user or Page whose Page is linked to the Instagram account',
				},
			],
			default: 'instagram',
			description: 'Which login the token comes from; decides the Graph host and what is available',
		},
		{
			displayName:
				'How to get a token: <a href="https://github.com/instagram-graph/instagram-graph/blob/main/node-package/README.md#getting-a-token" target="_blank">step by step in the README</a> (Meta: <a href="https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login" target="_blank">Instagram Login</a>, <a href="https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/get-started" target="_blank">Facebook Login</a>)',
			name: 'setupNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Instagram user access token (Instagram Login; a short-lived one is exchanged for a long-lived one when the app secret is set) or a Page/User token (Facebook Login). Replaced by the renewed token after each exchange or refresh.',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'options',
			options: API_VERSION_OPTIONS,
			default: DEFAULT_API_VERSION,
			description: 'Graph API version to call (an expression can name any other vNN.N)',
		},
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			description: 'Optional. The numeric app ID; with the app secret, Facebook Login tokens are inspected and exchanged for long-lived ones.',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. When set, every call carries <code>appsecret_proof</code>, and new tokens are exchanged for long-lived ones.',
		},
		{
			displayName: 'Renew Token Automatically',
			name: 'autoRefresh',
			type: 'boolean',
			default: true,
			description:
				'Whether to exchange a new token for a long-lived one and refresh an Instagram Login token before it expires (within 7 days, once it is 24 hours old)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://graph.instagram.com',
			description: 'Optional. Another host instead of Meta, for example a sandbox or a proxy.',
			displayOptions: { show: { login: ['instagram'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://graph.facebook.com',
			description: 'Optional. Another host instead of Meta, for example a sandbox or a proxy.',
			displayOptions: { show: { login: ['facebook'] } },
		},
	];

	/**
	 * Called by n8n when `sessionToken` is empty (a new credential, or the node found a renewal
	 * due), on a 401 retry, or for a declarative test. Returns `{}` when nothing is due, so n8n
	 * persists nothing; errors are the core's, scrubbed of tokens and secrets.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		return await renewSession(credentials);
	}

	/**
	 * Signs every request n8n sends with this credential (the HTTP Request node of "Custom API
	 * Call" too): `access_token`, and `appsecret_proof` when the app secret is set. A relative
	 * URL (`/me/media`, or `me/media` without `baseURL`) gets the credential's host and API
	 * version, so `GET /me` works as in the Graph API Explorer.
	 */
	authenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> =>
		signRequest(credentials, withGraphBase(credentials, requestOptions));
}
