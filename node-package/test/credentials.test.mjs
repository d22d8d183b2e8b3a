// The n8n credentials: shapes (access token + the two OAuth2 flavours), the access-token
// credential's preAuthentication against the sandbox's token endpoints, and the Instagram node
// renewing its token through n8n's request path (emulated below as n8n 2.40.7 runs it), with the
// execution hint for a token that expires within 7 days.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { inspect } from 'node:util';
import { ig, PKG_DIR, require, stats } from './helpers.mjs';

const { Instagram } = require('../dist/nodes/Instagram/Instagram.node.js');
const { InstagramGraphApi } = require('../dist/credentials/InstagramGraphApi.credentials.js');
const { InstagramOAuth2Api } = require('../dist/credentials/InstagramOAuth2Api.credentials.js');
const { InstagramFacebookOAuth2Api } = require('../dist/credentials/InstagramFacebookOAuth2Api.credentials.js');

const DAY = 24 * 3600;
const now = () => Math.floor(Date.now() / 1000);
const fp = (token) => createHash('sha256').update(token).digest('hex').slice(0, 32);
const REDIRECT = 'https://example.com/cb';

let sb;
before(async () => {
	sb = await ig.startSandbox();
});
after(async () => {
	await sb?.stop();
});

/** Calls to one sandbox endpoint so far (`by_endpoint` keys are "METHOD /path", version dropped). */
async function hits(path) {
	return (await stats(sb)).by_endpoint?.[`GET ${path}`] ?? 0;
}

/** Calls to every token endpoint so far. */
async function tokenCalls() {
	return (await hits('/access_token')) + (await hits('/refresh_access_token')) + (await hits('/oauth/access_token'));
}

async function advanceClock(seconds) {
	const res = await fetch(`${sb.url}/_sandbox/clock`, { method: 'POST', body: JSON.stringify({ advance_seconds: seconds }) });
	assert.equal(res.status, 200);
}

async function reset() {
	assert.equal((await fetch(`${sb.url}/_sandbox/reset`, { method: 'POST' })).status, 200);
}

/** A fresh short-lived token of `login`, from the sandbox's login dialog and code exchange. */
async function shortLivedToken(login) {
	const res = await fetch(`${sb.url}/_sandbox/oauth/code`, { method: 'POST', body: JSON.stringify({ login, redirect_uri: REDIRECT }) });
	const { code } = await res.json();
	const token = login === 'facebook' ? sb.facebookAccessToken : sb.accessToken;
	const client = new ig.InstagramClient({ accessToken: token, login, baseUrl: sb.url, appId: sb.appId, appSecret: sb.appSecret });
	const t = await client.call('auth.exchange_code', { code, redirect_uri: REDIRECT });
	assert.ok(t.access_token && t.access_token !== token);
	return t.access_token;
}

/** The access-token credential's data as n8n hands it over (hidden fields at their defaults). */
function accessCred(extra = {}) {
	return {
		sessionToken: '',
		sessionSource: '',
		sessionExpiresAt: 0,
		sessionIssuedAt: 0,
		accessToken: sb.accessToken,
		login: 'instagram',
		apiVersion: 'v27.0',
		appId: '',
		appSecret: '',
		autoRefresh: true,
		baseUrl: sb.url,
		...extra,
	};
}

/** A credential whose session fields describe its token: expiring in `days`, issued `ageDays` ago. */
function sessionCred(days, ageDays, extra = {}) {
	const token = extra.accessToken ?? sb.accessToken;
	return accessCred({
		sessionToken: token,
		sessionSource: fp(token),
		sessionExpiresAt: now() + days * DAY,
		sessionIssuedAt: now() - ageDays * DAY,
		...extra,
	});
}

/** preAuthentication as n8n calls it: `this` offers only n8n's httpRequest (unused: the core sends). */
async function preAuth(data) {
	const helpers = {
		helpers: {
			httpRequest: () => {
				throw new Error('preAuthentication should send through the core, not n8n');
			},
		},
	};
	return new InstagramGraphApi().preAuthentication.call(helpers, data);
}

function assertNoSecret(text, ...secrets) {
	for (const s of [sb.accessToken, sb.appSecret, sb.facebookAccessToken, ...secrets]) {
		assert.ok(!String(text).includes(s), `a secret appears in: ${String(text).slice(0, 200)}`);
	}
}

describe('credential shapes', () => {
	test('package.json registers the three credentials; each file exports its class', () => {
		const pkg = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8'));
		assert.deepEqual(pkg.n8n.credentials, [
			'dist/credentials/InstagramGraphApi.credentials.js',
			'dist/credentials/InstagramOAuth2Api.credentials.js',
			'dist/credentials/InstagramFacebookOAuth2Api.credentials.js',
		]);
		for (const file of pkg.n8n.credentials) {
			const className = basename(file).split('.')[0];
			const Cred = require(join(PKG_DIR, file))[className];
			assert.equal(typeof Cred, 'function', file);
			const c = new Cred();
			assert.ok(c.icon?.light?.startsWith('file:') && c.icon?.dark?.startsWith('file:'), file);
			assert.match(c.documentationUrl, /^https:\/\/(developers\.facebook\.com\/|github\.com\/instagram-graph\/instagram-graph\/blob\/main\/node-package\/README\.md#getting-a-token)/, file);
		}
	});

	test('access token: expirable session field, v27.0 default, app id, function authenticate, no declarative test', () => {
		const c = new InstagramGraphApi();
		assert.equal(c.name, 'instagramGraphApi');
		const byName = Object.fromEntries(c.properties.map((p) => [p.name, p]));
		const expirable = c.properties.filter((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		assert.deepEqual(
			expirable.map((p) => [p.name, p.default]),
			[['sessionToken', '']],
		);
		for (const name of ['sessionSource', 'sessionExpiresAt', 'sessionIssuedAt']) assert.equal(byName[name].type, 'hidden', name);
		assert.equal(byName.apiVersion.default, 'v27.0');
		assert.equal(byName.accessToken.typeOptions.password, true);
		assert.equal(byName.appSecret.typeOptions.password, true);
		assert.equal(byName.appId.type, 'string');
		assert.equal(byName.autoRefresh.default, true);
		assert.equal(typeof c.preAuthentication, 'function');
		assert.equal(c.test, undefined);
		assert.equal(typeof c.authenticate, 'function');
	});

	test('access token: authenticate puts the token and appsecret_proof in the query', async () => {
		const c = new InstagramGraphApi();
		const signed = await c.authenticate(accessCred({ appSecret: 's3cret' }), { url: 'https://graph.instagram.com/me', qs: { fields: 'id' } });
		assert.deepEqual(signed.qs, {
			fields: 'id',
			access_token: sb.accessToken,
			appsecret_proof: createHmac('sha256', 's3cret').update(sb.accessToken).digest('hex'),
		});
		const plain = await c.authenticate(accessCred(), { url: 'https://graph.instagram.com/me' });
		assert.deepEqual(plain.qs, { access_token: sb.accessToken });
	});

	for (const [Cred, name, auth, url, token, scopes, separator] of [
		[
			InstagramOAuth2Api,
			'instagramOAuth2Api',
			'body',
			'https://www.instagram.com/oauth/authorize',
			'https://api.instagram.com/oauth/access_token',
			[
				'instagram_business_basic',
				'instagram_business_manage_messages',
				'instagram_business_manage_comments',
				'instagram_business_content_publish',
				'instagram_business_manage_insights',
			],
			',',
		],
		[
			InstagramFacebookOAuth2Api,
			'instagramFacebookOAuth2Api',
			'header',
			'https://www.facebook.com/v27.0/dialog/oauth',
			'https://graph.facebook.com/v27.0/oauth/access_token',
			['instagram_basic', 'pages_show_list', 'pages_read_engagement', 'instagram_content_publish', 'instagram_manage_comments', 'instagram_manage_insights', 'instagram_manage_messages', 'pages_manage_metadata'],
			' ',
		],
	]) {
		test(`${name}: n8n's OAuth2 shape (extends oAuth2Api, hidden URLs, scopes, ${auth} authentication)`, () => {
			const c = new Cred();
			assert.equal(c.name, name);
			assert.match(c.name, /OAuth2Api$/);
			assert.match(c.displayName, /OAuth2/);
			assert.deepEqual(c.extends, ['oAuth2Api']);
			const byName = Object.fromEntries(c.properties.map((p) => [p.name, p]));
			const hidden = (n) => {
				assert.equal(byName[n]?.type, 'hidden', n);
				return byName[n].default;
			};
			assert.equal(hidden('grantType'), 'authorizationCode');
			assert.equal(hidden('authUrl'), url);
			assert.equal(hidden('accessTokenUrl'), token);
			assert.equal(hidden('authQueryParameters'), '');
			assert.equal(hidden('authentication'), auth);
			// The scope expression: the defaults unless custom scopes are switched on.
			const scope = hidden('scope');
			assert.ok(scope.startsWith('={{$self["customScopes"]'), scope);
			assert.ok(scope.includes(`"${scopes.join(separator)}`) || scopes.every((s) => scope.includes(s)), scope);
			for (const s of scopes) assert.ok(byName.enabledScopes.default.split(separator).includes(s), s);
			assert.equal(byName.customScopes.default, false);
			assert.equal(byName.apiVersion.default, 'v27.0');
		});
	}

	test('the node: an Authentication parameter selects one of the three credentials', () => {
		const d = new Instagram().description;
		const auth = d.properties.find((p) => p.name === 'authentication');
		assert.equal(auth.type, 'options');
		assert.equal(auth.default, 'accessToken');
		assert.deepEqual(auth.options.map((o) => o.value).sort(), ['accessToken', 'facebookOAuth2', 'instagramOAuth2']);
		assert.equal(d.properties[0].name, 'authentication');
		assert.deepEqual(
			d.credentials.map((c) => [c.name, c.displayOptions.show.authentication, c.required, c.testedBy]),
			[
				['instagramGraphApi', ['accessToken'], true, 'instagramGraphApiTest'],
				['instagramOAuth2Api', ['instagramOAuth2'], true, 'instagramGraphApiTest'],
				['instagramFacebookOAuth2Api', ['facebookOAuth2'], true, 'instagramGraphApiTest'],
			],
		);
	});
});

describe('preAuthentication against the sandbox token endpoints', () => {
	before(reset);

	test('Instagram Login: a short-lived token is exchanged (ig_exchange_token) for a 60-day one', async () => {
		const short = await shortLivedToken('instagram');
		const before = await hits('/access_token');
		const out = await preAuth(accessCred({ accessToken: short, appSecret: sb.appSecret }));
		assert.equal((await hits('/access_token')) - before, 1, 'one ig_exchange_token call');
		assert.ok(out.accessToken && out.accessToken !== short);
		assert.equal(out.sessionToken, out.accessToken, 'the expirable field is filled: n8n persists the output');
		assert.equal(out.sessionSource, fp(out.accessToken));
		assert.ok(Math.abs(out.sessionExpiresAt - (now() + 5_183_944)) < 60, `expires ${out.sessionExpiresAt}`);
		assert.ok(Math.abs(out.sessionIssuedAt - now()) < 60);
		const me = await new ig.InstagramClient({ accessToken: out.accessToken, baseUrl: sb.url }).user.get({ fields: 'username' });
		assert.equal(me.username, 'sandbox.studio');
	});

	test('Instagram Login: a token expiring within 7 days is refreshed (ig_refresh_token) once 24 h old', async () => {
		const cred = sessionCred(3, 57);
		// The sandbox issued its token just now: it refuses the refresh, and says why.
		await assert.rejects(preAuth(cred), (e) => {
			assert.match(e.message, /24 hours|long-lived/);
			assertNoSecret(e.message);
			assertNoSecret(inspect(e));
			return true;
		});
		await advanceClock(DAY + 60);
		const before = await hits('/refresh_access_token');
		const out = await preAuth(cred);
		assert.equal((await hits('/refresh_access_token')) - before, 1);
		assert.ok(out.accessToken && out.accessToken !== sb.accessToken);
		assert.equal(out.sessionToken, out.accessToken);
		assert.ok(out.sessionExpiresAt > now() + 59 * DAY, 'a fresh 60-day token');
		await reset();
	});

	test('nothing due → {} (n8n persists nothing) and no request', async () => {
		const before = (await stats(sb)).requests;
		assert.deepEqual(await preAuth(sessionCred(30, 30)), {}, 'not expiring within 7 days');
		assert.deepEqual(await preAuth(sessionCred(3, 0.5)), {}, 'younger than 24 hours');
		assert.deepEqual(await preAuth(sessionCred(-1, 61)), {}, 'expired: cannot be refreshed');
		assert.deepEqual(await preAuth(sessionCred(3, 57, { autoRefresh: false })), {}, 'renewal switched off');
		assert.deepEqual(await preAuth(sessionCred(3, 57, { login: 'facebook', accessToken: sb.facebookAccessToken })), {}, 'Facebook Login');
		assert.equal((await stats(sb)).requests, before);
	});

	test('Instagram Login without an app secret: the token is adopted as given (first seen now), no request', async () => {
		const before = (await stats(sb)).requests;
		const out = await preAuth(accessCred());
		assert.equal(out.accessToken, sb.accessToken);
		assert.equal(out.sessionToken, sb.accessToken);
		assert.equal(out.sessionSource, fp(sb.accessToken));
		assert.equal(out.sessionExpiresAt, 0);
		assert.ok(Math.abs(out.sessionIssuedAt - now()) < 60);
		assert.equal((await stats(sb)).requests, before);
	});

	test('Facebook Login: a short-lived user token is inspected and exchanged (fb_exchange_token) with app id + secret', async () => {
		const short = await shortLivedToken('facebook');
		const before = await hits('/oauth/access_token');
		const out = await preAuth(accessCred({ accessToken: short, login: 'facebook', appId: sb.appId, appSecret: sb.appSecret }));
		assert.equal((await hits('/oauth/access_token')) - before, 1, 'one fb_exchange_token call');
		assert.ok(out.accessToken.startsWith('EAA') && out.accessToken !== short);
		assert.ok(out.sessionExpiresAt > now() + 59 * DAY);
		const pages = await new ig.InstagramClient({ accessToken: out.accessToken, login: 'facebook', baseUrl: sb.url }).call('pages.list', {});
		assert.ok(pages.data.length >= 1);
	});

	test('Facebook Login: a Page token is kept as it is (it never expires)', async () => {
		const before = await hits('/oauth/access_token');
		const out = await preAuth(accessCred({ accessToken: sb.pageAccessToken, login: 'facebook', appId: sb.appId, appSecret: sb.appSecret }));
		assert.equal(await hits('/oauth/access_token'), before, 'no exchange');
		assert.equal(out.accessToken, sb.pageAccessToken);
		assert.equal(out.sessionExpiresAt, 0);
	});

	test('a wrong app secret fails the exchange with an error that names no secret', async () => {
		const short = await shortLivedToken('instagram');
		await assert.rejects(preAuth(accessCred({ accessToken: short, appSecret: 'not-the-app-secret' })), (e) => {
			assert.match(e.message, /client secret|secret/i);
			assertNoSecret(`${e.message} ${inspect(e)}`, short, 'not-the-app-secret');
			return true;
		});
	});
});

// ---- the node, with n8n's request path emulated -------------------------------------------------

const CRED_TYPES = { instagramGraphApi: InstagramGraphApi, instagramOAuth2Api: InstagramOAuth2Api, instagramFacebookOAuth2Api: InstagramFacebookOAuth2Api };

/**
 * What n8n 2.40.7 does for `this.helpers.httpRequestWithAuthentication` with a non-OAuth
 * credential (n8n-core request-helpers/authentication.js:11-64 and CredentialsHelper
 * .preAuthentication, credentials-helper.js:101-133): the given `credentialsDecrypted.data` or the
 * stored credential; the type's preAuthentication when its `expirable` property is '' (or on a
 * 401 retry), its output persisted to the stored credential of `node.credentials[type]` and merged
 * into the data; then `authenticate` and the request.
 */
function n8n({ stored, node, params = {}, type = 'instagramGraphApi' }) {
	const db = new Map([[node.credentials[type].id, structuredClone(stored)]]);
	const log = { hints: [], warns: [], requests: [], preAuth: 0, persisted: 0 };
	const cred = new CRED_TYPES[type]();
	const decrypt = (t) => {
		assert.equal(t, type);
		return structuredClone(db.get(node.credentials[t].id));
	};
	async function preAuthentication(credentials, expired) {
		const expirable = cred.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (!expirable || typeof cred.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !expired) return undefined;
		log.preAuth++;
		const output = await cred.preAuthentication.call({ helpers: { httpRequest: () => assert.fail('n8n HTTP used') } }, credentials);
		if (output[expirable.name] === undefined) return undefined;
		if (node.credentials) {
			const ref = node.credentials[type];
			db.set(ref.id, { ...db.get(ref.id), ...output });
			log.persisted++;
			return Object.assign(credentials, output);
		}
		return undefined;
	}
	const send = async (options) => {
		const url = new URL(options.url);
		for (const [k, v] of Object.entries(options.qs ?? {})) url.searchParams.set(k, String(v));
		log.requests.push(url.pathname);
		const res = await fetch(url, { method: options.method ?? 'GET' });
		const body = await res.json();
		if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { response: { status: res.status, data: body } });
		return body;
	};
	const ctx = {
		getInputData: () => [{ json: {} }],
		getNodeParameter(name, _i, fallback) {
			if (Object.hasOwn(params, name)) return params[name];
			if (name === 'requestOptions') return {};
			if (arguments.length >= 3) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		},
		getCredentials: async (t) => decrypt(t),
		getNode: () => node,
		continueOnFail: () => false,
		addExecutionHints: (...h) => log.hints.push(...h),
		logger: { debug() {}, info() {}, warn: (m) => log.warns.push(m), error() {} },
		helpers: {
			async httpRequestWithAuthentication(t, options, extra) {
				assert.equal(t, type);
				let credentials = extra?.credentialsDecrypted ? extra.credentialsDecrypted.data : await ctx.getCredentials(t);
				try {
					const data = await preAuthentication(credentials, false);
					if (data) Object.assign(credentials, data);
					return await send(await cred.authenticate(credentials, options));
				} catch (error) {
					if (error.response?.status === 401) {
						const data = await preAuthentication(credentials, true);
						if (data) Object.assign(credentials, data);
						return await send(await cred.authenticate(credentials, options));
					}
					throw error;
				}
			},
		},
	};
	return { ctx, log, db, stored: () => db.get(node.credentials[type].id), run: () => new Instagram().execute.call(ctx) };
}

const NODE = (type = 'instagramGraphApi') => ({
	id: '11111111-2222-3333-4444-555555555555',
	name: 'Instagram',
	type: 'n8n-nodes-instagram-graph.instagram',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { [type]: { id: 'cred0001', name: 'IG' } },
});

const USER_GET = { resource: 'user', operation: 'get', fields: 'id,username' };

describe('the node renews the access token through n8n (preAuthentication on the request path)', () => {
	before(reset);

	test('an expiring Instagram token is refreshed, persisted, used, and no hint remains', async () => {
		await advanceClock(DAY + 60);
		const n = n8n({ stored: sessionCred(3, 57), node: NODE(), params: USER_GET });
		const refreshes = await hits('/refresh_access_token');
		const [out] = await n.run();
		assert.equal(out[0].json.username, 'sandbox.studio');
		assert.equal(n.log.preAuth, 1);
		assert.equal(n.log.persisted, 1);
		assert.equal((await hits('/refresh_access_token')) - refreshes, 1);
		assert.deepEqual(n.log.requests, ['/v27.0/me'], "n8n's one request: the token's own /me check");
		const s = n.stored();
		assert.ok(s.accessToken !== sb.accessToken && s.sessionToken === s.accessToken, 'the new token is stored');
		assert.ok(s.sessionExpiresAt > now() + 59 * DAY);
		assert.deepEqual(n.log.hints, []);
		// The next execution finds nothing due: no preAuthentication, no token request.
		const again = n8n({ stored: s, node: NODE(), params: USER_GET });
		const [out2] = await again.run();
		assert.equal(out2[0].json.username, 'sandbox.studio');
		assert.equal(again.log.preAuth, 0);
		assert.deepEqual(again.log.requests, []);
		assert.equal(await hits('/refresh_access_token'), refreshes + 1);
		await reset();
	});

	test('a refresh Meta refuses leaves the token, and the expiry becomes an execution hint and a logged warning', async () => {
		// The sandbox's token is minutes old: Meta refuses to refresh it.
		const n = n8n({ stored: sessionCred(2.5, 57), node: NODE(), params: USER_GET });
		const [out] = await n.run();
		assert.equal(out[0].json.username, 'sandbox.studio', 'the node still runs with the token it has');
		assert.equal(n.log.preAuth, 1);
		assert.equal(n.log.persisted, 0);
		assert.equal(n.stored().accessToken, sb.accessToken);
		assert.equal(n.log.hints.length, 1);
		const [hint] = n.log.hints;
		assert.equal(hint.type, 'warning');
		assert.equal(hint.location, 'outputPane');
		assert.match(hint.message, /^Instagram: access token expires in 2 days \(/);
		assert.match(hint.message, /could not refresh the token \(.*24 hours/);
		assert.deepEqual(n.log.warns, [hint.message]);
		assertNoSecret(hint.message);
	});

	test('a Facebook Login token expiring within 7 days: a hint to replace it, no token request', async () => {
		const token = sb.facebookAccessToken;
		const n = n8n({
			stored: sessionCred(4, 56, { accessToken: token, login: 'facebook' }),
			node: NODE(),
			params: { resource: 'pages', operation: 'list', returnAll: true },
		});
		const before = await tokenCalls();
		const [out] = await n.run();
		assert.ok(out.length >= 1);
		assert.equal(n.log.preAuth, 0);
		assert.equal(n.log.hints.length, 1);
		assert.match(n.log.hints[0].message, /access token expires in 4 days .*cannot be refreshed: put a new token in the credential/);
		assert.equal(await tokenCalls(), before);
		assertNoSecret(n.log.hints[0].message);
	});

	test('a new credential: the first execution exchanges the token, later ones find it current', async () => {
		const short = await shortLivedToken('instagram');
		const n = n8n({ stored: accessCred({ accessToken: short, appSecret: sb.appSecret }), node: NODE(), params: USER_GET });
		const [out] = await n.run();
		assert.equal(out[0].json.username, 'sandbox.studio');
		assert.equal(n.log.persisted, 1);
		const s = n.stored();
		assert.ok(s.accessToken !== short && s.sessionSource === fp(s.accessToken));
		assert.ok(s.sessionExpiresAt > now() + 59 * DAY);
		assert.deepEqual(n.log.hints, []);
		const again = n8n({ stored: s, node: NODE(), params: USER_GET });
		await again.run();
		assert.equal(again.log.preAuth, 0);
	});

	test('an expiring token next to an unknown API version: two hints through the same path', async () => {
		const n = n8n({ stored: sessionCred(1.5, 58, { apiVersion: 'v99.0', autoRefresh: false }), node: NODE(), params: USER_GET });
		await n.run();
		assert.equal(n.log.hints.length, 2);
		assert.match(n.log.hints[0].message, /v99\.0/);
		assert.match(n.log.hints[1].message, /access token expires in 1 day \(/);
		assert.deepEqual(n.log.warns, n.log.hints.map((h) => h.message));
	});
});

describe('the node with the OAuth2 credentials', () => {
	test("Instagram Login OAuth2: n8n's token data (flat or Instagram's data list) reaches the core", async () => {
		for (const oauthTokenData of [{ access_token: sb.accessToken }, { data: [{ access_token: sb.accessToken, user_id: sb.igUserId }] }]) {
			const n = n8n({
				type: 'instagramOAuth2Api',
				stored: { clientId: sb.appId, clientSecret: sb.appSecret, oauthTokenData, apiVersion: 'v27.0', baseUrl: sb.url },
				node: NODE('instagramOAuth2Api'),
				params: { authentication: 'instagramOAuth2', ...USER_GET },
			});
			const [out] = await n.run();
			assert.equal(out[0].json.username, 'sandbox.studio');
			assert.deepEqual(n.log.hints, []);
		}
	});

	test('Facebook Login OAuth2: an expiry n8n recorded within 7 days becomes a hint to reconnect', async () => {
		const n = n8n({
			type: 'instagramFacebookOAuth2Api',
			stored: {
				clientId: sb.appId,
				clientSecret: sb.appSecret,
				oauthTokenData: { access_token: sb.facebookAccessToken, n8n_expires_at: String(Date.now() + 2.5 * DAY * 1000) },
				apiVersion: 'v27.0',
				baseUrl: sb.url,
			},
			node: NODE('instagramFacebookOAuth2Api'),
			params: { authentication: 'facebookOAuth2', resource: 'pages', operation: 'list', returnAll: true },
		});
		const [out] = await n.run();
		assert.ok(out.length >= 1);
		assert.equal(n.log.hints.length, 1);
		assert.match(n.log.hints[0].message, /access token expires in 2 days .*Reconnect the credential/);
		assertNoSecret(n.log.hints[0].message);
	});

	test('the Test button (testedBy) works for every credential type', async () => {
		const test = new Instagram().methods.credentialTest.instagramGraphApiTest;
		const cases = [
			['instagramGraphApi', sessionCred(30, 30), /@sandbox\.studio/],
			['instagramOAuth2Api', { oauthTokenData: { access_token: sb.accessToken }, baseUrl: sb.url }, /@sandbox\.studio/],
			['instagramFacebookOAuth2Api', { oauthTokenData: { access_token: sb.facebookAccessToken }, baseUrl: sb.url }, /linked Instagram account/],
		];
		for (const [type, data, re] of cases) {
			const r = await test.call({}, { id: 'c1', name: 'c', type, data });
			assert.equal(r.status, 'OK', `${type}: ${r.message}`);
			assert.match(r.message, re);
		}
	});
});

describe('InstagramClient token lifecycle (what the credential builds on)', () => {
	before(reset);

	test('tokenExpiresAt: Unix seconds, a Date or a date string; milliseconds are refused', () => {
		const at = 1_900_000_000;
		for (const v of [at, new Date(at * 1000), '2030-03-17T17:46:40Z']) {
			const c = new ig.InstagramClient({ accessToken: sb.accessToken, baseUrl: sb.url, tokenExpiresAt: v });
			assert.equal(c.tokenExpiresAt, at, String(v));
			assert.equal(c.tokenWarning, null);
		}
		assert.equal(new ig.InstagramClient({ accessToken: sb.accessToken, tokenExpiresAt: 0 }).tokenExpiresAt, null);
		assert.throws(
			() => new ig.InstagramClient({ accessToken: sb.accessToken, tokenExpiresAt: Date.now() }),
			(e) => e instanceof ig.InvalidParamsError && /tokenExpiresAt/.test(e.message) && !e.message.includes(sb.accessToken),
		);
		assert.throws(() => new ig.InstagramClient({ accessToken: sb.accessToken, onTokenRefresh: 'store it' }), ig.InvalidParamsError);
	});

	test('refreshTokenIfNeeded swaps the token and calls onTokenRefresh once (threadsafe function)', async () => {
		const got = [];
		const c = new ig.InstagramClient({
			accessToken: sb.accessToken,
			baseUrl: sb.url,
			tokenExpiresAt: new Date(Date.now() + 3 * DAY * 1000),
			onTokenRefresh: (t) => got.push(t),
		});
		assert.match(c.tokenWarning, /^access token expires in 3 days \(/);
		assert.equal(await c.refreshTokenIfNeeded(DAY * 1000), null, 'not due within one day');
		await assert.rejects(c.refreshTokenIfNeeded(), (e) => e instanceof ig.InstagramError && !inspect(e).includes(sb.accessToken));
		await advanceClock(DAY + 60);
		const t = await c.refreshTokenIfNeeded();
		await new Promise((r) => setImmediate(r));
		assert.equal(got.length, 1);
		assert.deepEqual({ ...got[0] }, { ...t });
		assert.ok(t.access_token.startsWith('IG') && t.access_token !== sb.accessToken);
		assert.equal(t.expires_at, c.tokenExpiresAt);
		assert.equal(c.tokenWarning, null);
		assert.equal(await c.refreshTokenIfNeeded(), null);
		assert.equal(got.length, 1);
		// util.inspect hides the token; JSON keeps it (to store it).
		assert.ok(!inspect(t).includes(t.access_token) && inspect(t).includes('[redacted]'));
		assert.ok(!inspect(c).includes(t.access_token));
		assert.equal(JSON.parse(JSON.stringify(t)).access_token, t.access_token);
		// The client holds the new token: past the old one's 60 days only the new one works.
		await advanceClock(59 * DAY);
		assert.equal((await c.user.get({ fields: 'username' })).username, 'sandbox.studio');
		await assert.rejects(new ig.InstagramClient({ accessToken: sb.accessToken, baseUrl: sb.url }).user.get(), ig.AuthError);
		await reset();
	});
});

describe('client warnings go to the caller\'s logger', () => {
	test('an expiring token and an old API version are logged once each, never with the token', () => {
		const lines = [];
		const logger = { warn: (m) => lines.push(m) };
		const soon = Math.floor(Date.now() / 1000) + 2 * 86400;
		const c = new ig.InstagramClient({ accessToken: 'IGAAloggedTokenValue123', apiVersion: 'v21.0', tokenExpiresAt: soon, logger });
		assert.equal(lines.length, 2, lines.join('\n'));
		assert.ok(lines.some((l) => l.includes('expires in')), lines.join('\n'));
		assert.ok(lines.some((l) => l.includes('v21.0')), lines.join('\n'));
		assert.ok(lines.every((l) => !l.includes('IGAAloggedTokenValue123')));
		assert.equal(c.tokenWarning !== null, true);
		const quiet = [];
		new ig.InstagramClient({ accessToken: 'IGAAloggedTokenValue123', logger: { warn: (m) => quiet.push(m) } });
		assert.deepEqual(quiet, [], 'nothing to warn about');
		assert.throws(() => new ig.InstagramClient({ accessToken: 'T', logger: {} }), (e) => e.kind === 'invalid_params' && /logger/.test(e.message));
		// A throwing logger does not fail the client.
		new ig.InstagramClient({ accessToken: 'T', apiVersion: 'v21.0', logger: { warn: () => { throw new Error('x'); } } });
	});
});

describe('credential panel', () => {
	const load = (name) => require(join(PKG_DIR, `dist/credentials/${name}.credentials.js`));
	const { InstagramGraphApi, withGraphBase } = load('InstagramGraphApi');

	test('access token: login flavour first with the default on top, known API versions, Base URL per flavour', () => {
		const props = new InstagramGraphApi().properties.filter((p) => p.type !== 'hidden');
		assert.equal(props[0].name, 'login');
		assert.equal(props[0].default, 'instagram');
		assert.equal(props[0].options[0].value, 'instagram', 'the default first');
		const notice = props.find((p) => p.type === 'notice');
		assert.match(notice.displayName, /href="https:\/\//);
		const version = props.find((p) => p.name === 'apiVersion');
		assert.equal(version.type, 'options');
		assert.equal(version.default, 'v27.0');
		assert.equal(version.options[0].value, 'v27.0', 'newest first');
		assert.ok(version.options.some((o) => o.value === 'v24.0'));
		const bases = props.filter((p) => p.name === 'baseUrl');
		assert.deepEqual(
			bases.map((p) => [p.displayOptions.show.login[0], p.placeholder]),
			[
				['instagram', 'https://graph.instagram.com'],
				['facebook', 'https://graph.facebook.com'],
			],
		);
	});

	test('OAuth2 credentials offer the same API versions', () => {
		for (const name of ['InstagramOAuth2Api', 'InstagramFacebookOAuth2Api']) {
			const Cred = load(name)[name];
			const version = new Cred().properties.find((p) => p.name === 'apiVersion');
			assert.equal(version.type, 'options', name);
			assert.equal(version.default, 'v27.0', name);
		}
	});

	test('Custom API Call: a relative URL gets host and version, and the request is signed', async () => {
		const creds = { accessToken: 'TOKEN-1', appSecret: 'SECRET-1', login: 'facebook', apiVersion: 'v26.0' };
		const signed = await new InstagramGraphApi().authenticate(creds, { url: '/me/accounts', method: 'GET' });
		assert.equal(signed.url, 'https://graph.facebook.com/v26.0/me/accounts');
		assert.equal(signed.qs.access_token, 'TOKEN-1');
		assert.equal(typeof signed.qs.appsecret_proof, 'string');
		assert.equal(withGraphBase(creds, { url: 'https://example.com/x' }).url, 'https://example.com/x');
		assert.equal(withGraphBase({ ...creds, baseUrl: 'http://127.0.0.1:9/' }, { url: 'me' }).url, 'http://127.0.0.1:9/v26.0/me');
		assert.equal(withGraphBase(creds, { url: 'me', baseURL: 'https://x' }).url, 'me');
	});
});
