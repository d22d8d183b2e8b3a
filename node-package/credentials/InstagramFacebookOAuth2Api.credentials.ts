import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';
import { API_VERSION_OPTIONS, DEFAULT_API_VERSION } from '../nodes/shared/generated/api-versions';

/**
 * Facebook Login's default permissions: every feature of the node (graph-api.md §1.11.3), with
 * business_management for accounts owned through a Business Manager.
 */
const defaultScopes = [
	'instagram_basic',
	'pages_show_list',
	'pages_read_engagement',
	'business_management',
	'instagram_content_publish',
	'instagram_manage_comments',
	'instagram_manage_insights',
	'instagram_manage_messages',
	'pages_manage_metadata',
];

/**
 * Instagram API with Facebook Login, connected through n8n's OAuth2 flow, as n8n's own
 * Facebook Graph OAuth2 credential does (www.facebook.com/v27.0/dialog/oauth, then
 * graph.facebook.com/v27.0/oauth/access_token). The token n8n stores is the Facebook user
 * token; the node reaches the Instagram accounts linked to the user's Pages. Facebook Login
 * gives no refresh token: n8n records the token's expiry (`expires_in`), the node warns within
 * 7 days of it, and the credential is then reconnected.
 */
export class InstagramFacebookOAuth2Api implements ICredentialType {
	name = 'instagramFacebookOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Instagram (Facebook Login) OAuth2 API';

	icon: Icon = { light: 'file:../icons/instagram.svg', dark: 'file:../icons/instagram.dark.svg' };

	documentationUrl = 'https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login';

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
			default: 'https://www.facebook.com/v27.0/dialog/oauth',
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: 'https://graph.facebook.com/v27.0/oauth/access_token',
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
			default: 'header',
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
			default: defaultScopes.join(' '),
			description: 'Space-separated list of Facebook Login permissions to request',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: '={{$self["customScopes"] ? $self["enabledScopes"] : "' + defaultScopes.join(' ') + '"}}',
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
			placeholder: 'https://graph.facebook.com',
			description: 'Optional. Another host instead of Meta, for example a sandbox or a proxy.',
		},
	];
}
