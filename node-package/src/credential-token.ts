/**
 * The token lifecycle of the n8n access-token credential (`instagramGraphApi`), shared by the
 * credential (its `preAuthentication` and `authenticate`) and the Instagram node (which decides
 * when a renewal is due and has n8n run it, see `renewThroughN8n` in Instagram.node.ts).
 *
 * Stored fields: `accessToken` (visible) is the head of the token chain: the user's token until
 * the first renewal, then each exchanged or refreshed token (n8n persists preAuthentication's
 * output into the credential). Hidden: `sessionToken` (the `expirable` property n8n watches:
 * empty = run preAuthentication; afterwards the same token as `accessToken`), `sessionSource`
 * (fingerprint of the token the session state describes: a token pasted by hand no longer
 * matches it), `sessionExpiresAt` and `sessionIssuedAt` (Unix seconds, 0 = unknown or never).
 *
 * Token requests go through the Rust core (`auth.exchange_long_lived`, `auth.refresh`,
 * `auth.debug_token`), the project's only HTTP sender: same hosts and base URL as the node's
 * calls, and errors scrubbed of every token and secret (an n8n HTTP error would carry the
 * request URL, whose query holds them).
 */
import { createHash, createHmac } from 'crypto';
import { InstagramClient } from './client';
import type { GraphObject } from './types';

/** Seconds in a day. */
const DAY = 24 * 3600;
/** Renew this long before expiry (Meta's tokens last 60 days). */
export const REFRESH_AHEAD_SECS = 7 * DAY;
/** Meta refreshes Instagram Login tokens only once they are this old. */
export const MIN_REFRESH_AGE_SECS = DAY;
/** Lifetime of a long-lived token: when it was issued is unknown, it was this long before expiry. */
export const LONG_LIVED_SECS = 60 * DAY;

/** The fields of a decrypted credential (n8n's ICredentialDataDecryptedObject). */
export type CredentialData = Record<string, unknown>;

/** What the hidden fields become after a renewal (persisted by n8n). */
export interface SessionFields {
	[key: string]: string | number;
	accessToken: string;
	sessionToken: string;
	sessionSource: string;
	sessionExpiresAt: number;
	sessionIssuedAt: number;
}

/** Current Unix seconds. */
export function nowSecs(): number {
	return Math.floor(Date.now() / 1000);
}

/** A trimmed non-empty string field, else undefined. */
export function textField(creds: CredentialData, key: string): string | undefined {
	const v = creds[key];
	return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** A positive number field (Unix seconds), else null (absent, 0 = unknown or never). */
function secondsField(creds: CredentialData, key: string): number | null {
	const v = Number(creds[key]);
	return Number.isFinite(v) && v > 0 ? Math.floor(v) : null;
}

/** `facebook` or `instagram` (the default). */
export function loginOf(creds: CredentialData): 'facebook' | 'instagram' {
	return textField(creds, 'login') === 'facebook' ? 'facebook' : 'instagram';
}

/** A one-way fingerprint of a token: tells whether the session fields still describe it. */
export function fingerprint(token: string): string {
	return createHash('sha256').update(token).digest('hex').slice(0, 32);
}

/** Whether the stored expiry and issue time describe the credential's current `accessToken`. */
export function sessionIsCurrent(creds: CredentialData): boolean {
	const token = textField(creds, 'accessToken');
	const source = textField(creds, 'sessionSource');
	return token !== undefined && source !== undefined && source === fingerprint(token);
}

/** The token the credential authenticates with, and what is known of its lifetime. */
export interface TokenView {
	token: string;
	/** Unix seconds; null = unknown (or never, for Facebook Page tokens). */
	expiresAt: number | null;
	/** Unix seconds of issue (or of first sight, when adopted as given); null = unknown. */
	issuedAt: number | null;
}

export function tokenView(creds: CredentialData): TokenView {
	const token = textField(creds, 'accessToken') ?? '';
	if (!sessionIsCurrent(creds)) return { token, expiresAt: null, issuedAt: null };
	return { token, expiresAt: secondsField(creds, 'sessionExpiresAt'), issuedAt: secondsField(creds, 'sessionIssuedAt') };
}

/**
 * A renewal step: `exchange` a new token for a long-lived one (Instagram Login
 * `ig_exchange_token`, needs the app secret); `inspect` a new Facebook Login token with
 * `debug_token` and exchange user tokens with `fb_exchange_token` (needs app id and secret);
 * `adopt` a new token as given (nothing to exchange it with: remember when it was first seen);
 * `refresh` an Instagram Login token due within 7 days and at least 24 h old (`ig_refresh_token`).
 */
export type RenewalStep = 'exchange' | 'inspect' | 'adopt' | 'refresh';

/** What is due for the credential at `now`: a step, or null with the reason. */
export interface RenewalPlan {
	step: RenewalStep | null;
	reason: string;
}

/** Whether the credential's token needs a renewal step now (pure; the node and preAuthentication agree on it). */
export function renewalPlan(creds: CredentialData, now: number = nowSecs()): RenewalPlan {
	if (creds.autoRefresh === false) return { step: null, reason: 'automatic renewal is off' };
	if (textField(creds, 'accessToken') === undefined) return { step: null, reason: 'no access token' };
	const login = loginOf(creds);
	const hasSecret = textField(creds, 'appSecret') !== undefined;
	if (!sessionIsCurrent(creds)) {
		if (login === 'instagram') {
			return hasSecret
				? { step: 'exchange', reason: 'a new token: exchange it for a long-lived one' }
				: { step: 'adopt', reason: 'a new token, no app secret to exchange it with' };
		}
		return hasSecret && textField(creds, 'appId') !== undefined
			? { step: 'inspect', reason: 'a new token: inspect it and exchange a user token for a long-lived one' }
			: { step: 'adopt', reason: 'a new token, no app id and secret to exchange it with' };
	}
	if (login === 'facebook') return { step: null, reason: 'Facebook Login tokens cannot be refreshed' };
	const { expiresAt, issuedAt } = tokenView(creds);
	if (expiresAt === null) {
		// Adopted as given: once a day old it can be refreshed, which tells its expiry.
		return issuedAt !== null && now - issuedAt >= MIN_REFRESH_AGE_SECS
			? { step: 'refresh', reason: 'expiry unknown and at least 24 hours since first seen' }
			: { step: null, reason: 'expiry unknown' };
	}
	if (expiresAt <= now) return { step: null, reason: 'expired: Meta cannot refresh it, the user must log in again' };
	if (expiresAt - now > REFRESH_AHEAD_SECS) return { step: null, reason: 'not expiring within 7 days' };
	if (now - (issuedAt ?? expiresAt - LONG_LIVED_SECS) < MIN_REFRESH_AGE_SECS) {
		return { step: null, reason: 'younger than 24 hours (Meta refuses to refresh it)' };
	}
	return { step: 'refresh', reason: 'expires within 7 days' };
}

/** The core client of the credential's settings, for `token` (default: the credential's). */
export function credentialClient(creds: CredentialData, token?: string): InstagramClient {
	return new InstagramClient({
		accessToken: token ?? textField(creds, 'accessToken') ?? '',
		login: loginOf(creds),
		apiVersion: textField(creds, 'apiVersion'),
		appId: textField(creds, 'appId'),
		appSecret: textField(creds, 'appSecret'),
		baseUrl: textField(creds, 'baseUrl'),
	});
}

function session(token: string, expiresAt: unknown, issuedAt: number): SessionFields {
	const exp = Number(expiresAt);
	return {
		accessToken: token,
		sessionToken: token,
		sessionSource: fingerprint(token),
		sessionExpiresAt: Number.isFinite(exp) && exp > 0 ? Math.floor(exp) : 0,
		sessionIssuedAt: issuedAt,
	};
}

function tokenOf(op: string, v: GraphObject): string {
	const t = v.access_token;
	if (typeof t !== 'string' || t === '') throw new Error(`${op}: the answer carries no access_token`);
	return t;
}

/**
 * The body of the credential's `preAuthentication`: run the due renewal step and return the
 * fields n8n persists, or `{}` when nothing is due (n8n then persists nothing). Throws the
 * core's error (scrubbed of tokens and secrets) when Meta refuses.
 */
export async function renewSession(creds: CredentialData, now: number = nowSecs()): Promise<SessionFields | Record<string, never>> {
	const plan = renewalPlan(creds, now);
	const token = textField(creds, 'accessToken') ?? '';
	if (plan.step === null) return {};
	if (plan.step === 'adopt') return session(token, 0, now);
	const client = credentialClient(creds, token);
	try {
		if (plan.step === 'exchange') {
			const t = await client.call('auth.exchange_long_lived', {});
			return session(tokenOf('auth.exchange_long_lived', t), t.expires_at, now);
		}
		if (plan.step === 'refresh') {
			const t = await client.call('auth.refresh', {});
			return session(tokenOf('auth.refresh', t), t.expires_at, now);
		}
		// inspect: Page tokens, tokens that never expire and long-lived user tokens are kept
		// with what debug_token says of them; short-lived user tokens are exchanged.
		const d = await client.call('auth.debug_token', {});
		if (d.is_valid === false) throw new Error('auth.debug_token: Meta says the access token is not valid');
		const expires = Number(d.expires_at ?? 0);
		const issuedRaw = Number(d.issued_at);
		const issued = Number.isFinite(issuedRaw) && issuedRaw > 0 ? Math.floor(issuedRaw) : now;
		const shortLivedUser = String(d.type ?? '').toUpperCase() === 'USER' && expires > 0 && expires - issued < DAY;
		if (!shortLivedUser) return session(token, expires, issued);
		const t = await client.call('auth.exchange_long_lived', {});
		return session(tokenOf('auth.exchange_long_lived', t), t.expires_at, now);
	} finally {
		client.close();
	}
}

/**
 * `authenticate` of the credential: `access_token` in the query (Graph's documented way), and
 * `appsecret_proof` when an app secret is set (Meta's "Require App Secret").
 */
export function signRequest<T extends { qs?: object }>(creds: CredentialData, request: T): T {
	const token = textField(creds, 'accessToken') ?? '';
	const secret = textField(creds, 'appSecret');
	const qs: Record<string, unknown> = { ...(request.qs ?? {}), access_token: token };
	if (secret !== undefined) qs.appsecret_proof = createHmac('sha256', secret).update(token).digest('hex');
	return { ...request, qs };
}

/** The Graph host of the credential's login, or its base URL. */
export function graphBase(creds: CredentialData): string {
	const base = textField(creds, 'baseUrl') ?? (loginOf(creds) === 'facebook' ? 'https://graph.facebook.com' : 'https://graph.instagram.com');
	return base.replace(/\/+$/, '');
}
