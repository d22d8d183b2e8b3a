import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';
import { API_VERSION_OPTIONS, DEFAULT_API_VERSION } from '../nodes/shared/generated/api-versions';

/** Instagram Login's default scopes (the `instagram_business_*` set, graph-api.md §1.11.3). */
const defaultScopes = [
	'instagram_business_basic',
	'instagram_business_manage_messages',
	'instagram_business_manage_comments',
	'instagram_business_content_publish',
	'instagram_business_manage_insights',
];

/**
 * Instagram API with Instagram Login, connected through n8n's OAuth2 flow
 * (www.instagram.com/oauth/authorize, then api.instagram.com/oauth/access_token with the app
 * credentials in the form body). Meta's code exchange gives a token valid for one hour and no
 * refresh token, and n8n keeps OAuth2 tokens only from its own code exchange and refresh-token
 * grant (n8n 2.40.7 oauth2-credential.controller.js; n8n-core requestOAuth2 runs
 * preAuthentication without persisting it), so this connection has to be reconnected once its
 * token expires: for long-running workflows use the Instagram Graph API (access token)
 * credential, which exchanges and refreshes its token itself.
 */
export class InstagramOAuth2Api implements ICredentialType {
	name = 'instagramOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Instagram OAuth2 API';

	icon: Icon = { light: 'file:../icons/instagram.svg', dark: 'file:../icons/instagram.dark.svg' };

	documentationUrl = 'https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: 'https://www.instagram.com/oauth/authorize',
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: 'https://api.instagram.com/oauth/access_token',
			required: true,
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
		{
			displayName:
				'Instagram gives n8n a token valid for one hour and no refresh token: reconnect when it expires, or use the Instagram Graph API credential, which keeps a long-lived token alive',
			name: 'lifetimeNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Custom Scopes',
			name: 'customScopes',
			type: 'boolean',
			default: false,
			description: 'Whether to define custom OAuth2 scopes instead of the defaults',
		},
		{
			displayName: 'The default scopes needed for the node to work are already set. If you change these the node may not function correctly.',
			name: 'customScopesNotice',
			type: 'notice',
			default: '',
			displayOptions: {
				show: {
					customScopes: [true],
				},
			},
		},
		{
			displayName: 'Enabled Scopes',
			name: 'enabledScopes',
			type: 'string',
			displayOptions: {
				show: {
					customScopes: [true],
				},
			},
			default: defaultScopes.join(','),
			description: 'Comma-separated list of Instagram Login scopes to request',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: '={{$self["customScopes"] ? $self["enabledScopes"] : "' + defaultScopes.join(',') + '"}}',
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
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://graph.instagram.com',
			description: 'Optional. Another host instead of Meta, for example a sandbox or a proxy.',
		},
	];
}
