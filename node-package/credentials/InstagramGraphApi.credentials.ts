import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * An Instagram access token (Instagram Login or Facebook Login), with the Graph API version
 * and an optional app secret. `baseUrl` lets a sandbox or proxy stand in for Meta's hosts.
 * The "Test" button runs the Instagram node's `instagramGraphApiTest` (through the core, so it
 * signs with appsecret_proof and follows the login flavour): n8n would prefer a declarative
 * `test` here over `testedBy`, so there is none.
 */
export class InstagramGraphApi implements ICredentialType {
	name = 'instagramGraphApi';

	displayName = 'Instagram Graph API';

	icon: Icon = { light: 'file:../icons/instagram.svg', dark: 'file:../icons/instagram.dark.svg' };

	documentationUrl = 'https://developers.facebook.com/docs/instagram-platform';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Long-lived Instagram user access token (Instagram Login) or a Page/User token (Facebook Login)',
		},
		{
			displayName: 'Login',
			name: 'login',
			type: 'options',
			options: [
				{
					name: 'Facebook Login (graph.facebook.com)',
					value: 'facebook',
				},
				{
					name: 'Instagram Login (graph.instagram.com)',
					value: 'instagram',
				},
			],
			default: 'instagram',
			description: 'Which login the token comes from; decides the Graph host and what is available',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: 'v25.0',
			placeholder: 'v25.0',
			description: 'Graph API version to call',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional. When set, every call carries <code>appsecret_proof</code>.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://graph.instagram.com',
			description: 'Optional. Another host instead of Meta, for example a sandbox or a proxy.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			qs: {
				access_token: '={{$credentials.accessToken}}',
			},
		},
	};
}
