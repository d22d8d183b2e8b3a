/**
 * The panel's lists: resource-locator searches (accounts, Pages, media, conversations,
 * comments) and the account options. Every call goes through the core client, with the node's
 * credential, exactly as an execution would.
 */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { InstagramClient } from '../../src/client';
import type { GraphObject, Page } from '../../src/types';
import { resolveCredential, toAuthentication } from '../shared/credentials';
import { OPERATION_META } from './generated/properties';

/** The client of the node's current credential. */
async function clientOf(ctx: ILoadOptionsFunctions): Promise<InstagramClient> {
	const kind = toAuthentication(current(ctx, 'authentication') ?? 'accessToken');
	const credential = await resolveCredential(ctx, kind);
	return new InstagramClient(credential.options);
}

/** A parameter of the node as the user set it (a resource locator's value), or undefined. */
function current(ctx: ILoadOptionsFunctions, name: string): string | undefined {
	let v: unknown;
	try {
		v = ctx.getCurrentNodeParameter(name, { extractValue: true });
	} catch {
		v = undefined;
	}
	if (v && typeof v === 'object' && (v as IDataObject).__rl === true) v = (v as IDataObject).value;
	return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Only the params an operation of this catalogue takes (the core rejects unknown ones). */
function paramsFor(opId: string, params: IDataObject): IDataObject {
	const known = OPERATION_META[opId]?.params ?? {};
	const paged = OPERATION_META[opId]?.paginated;
	return Object.fromEntries(
		Object.entries(params).filter(([k, v]) => v !== undefined && (k in known || (paged && (k === 'limit' || k === 'after')))),
	);
}

/** One page of an operation (first page, or after `token`). */
async function page(client: InstagramClient, opId: string, params: IDataObject, token?: string): Promise<Page> {
	const p = paramsFor(opId, { ...params, limit: 50, after: token });
	return (await client.call(opId as never, p)) as unknown as Page;
}

const next = (p: Page): string | undefined => (p.paging?.next ? p.paging.cursors?.after : undefined);
const matches = (filter: string | undefined, ...texts: unknown[]) =>
	!filter || texts.some((t) => typeof t === 'string' && t.toLowerCase().includes(filter.toLowerCase()));
const short = (s: unknown, n = 60) => {
	const t = typeof s === 'string' ? s.replace(/\s+/g, ' ').trim() : '';
	return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

/** An account entry of accounts.list or pages.list: its IG id, @username and Page name. */
function accountOf(item: GraphObject): { id: string; username?: string; page?: string } | undefined {
	const iba = item.instagram_business_account as GraphObject | undefined;
	const id = item.ig_user_id ?? item.user_id ?? iba?.id ?? (item.username ? item.id : undefined);
	if (typeof id !== 'string' && typeof id !== 'number') return undefined;
	const username = (item.username ?? iba?.username) as string | undefined;
	const pageName = (item.page_name ?? (iba ? item.name : undefined)) as string | undefined;
	return { id: String(id), username, page: pageName };
}

/** The accounts the credential can act for. */
export async function searchAccounts(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	const client = await clientOf(this);
	try {
		let p: Page;
		if (OPERATION_META['accounts.list']) p = await page(client, 'accounts.list', {}, token);
		else if (client.login === 'facebook') p = await page(client, 'pages.list', { fields: 'id,name,instagram_business_account{id,username}' }, token);
		else p = { data: [await client.call('user.get', { fields: 'user_id,username' })] };
		const results: INodeListSearchItems[] = [];
		for (const item of p.data ?? []) {
			const a = accountOf(item);
			if (!a || !matches(filter, a.username, a.page, a.id)) continue;
			const name = a.username ? `@${a.username}${a.page ? ` (${a.page})` : ''}` : a.page ?? a.id;
			results.push({ name, value: a.id, url: a.username ? `https://www.instagram.com/${a.username}/` : undefined });
		}
		return { results, paginationToken: next(p) };
	} finally {
		client.close();
	}
}

/** The account options (dynamic options of the same list). */
export async function getAccounts(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const { results } = await searchAccounts.call(this);
	return results.map(({ name, value }) => ({ name, value }));
}

/** The Pages of a Facebook Login token (with their linked account). */
export async function searchPages(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	const client = await clientOf(this);
	try {
		if (client.login !== 'facebook') return { results: [] };
		const p = await page(client, 'pages.list', { fields: 'id,name,instagram_business_account{id,username}' }, token);
		const results = (p.data ?? [])
			.filter((x) => matches(filter, x.name, x.id))
			.map((x) => {
				const iba = x.instagram_business_account as GraphObject | undefined;
				return { name: `${String(x.name ?? x.id)}${iba?.username ? ` (@${String(iba.username)})` : ''}`, value: String(x.id) };
			});
		return { results, paginationToken: next(p) };
	} finally {
		client.close();
	}
}

/**
 * The account the panel lists for: the picked IG User ID, else with Facebook Login the one
 * account the credential manages (as messaging picks the only linked Page). Several accounts
 * and none picked: say so in the panel's words instead of the core's missing-param error.
 */
async function accountFor(ctx: ILoadOptionsFunctions, client: InstagramClient): Promise<string | undefined> {
	const picked = current(ctx, 'ig_user_id');
	if (picked || client.login !== 'facebook') return picked;
	const p = OPERATION_META['accounts.list']
		? await page(client, 'accounts.list', {})
		: await page(client, 'pages.list', { fields: 'id,name,instagram_business_account{id,username}' });
	const ids = (p.data ?? []).map(accountOf).flatMap((a) => (a ? [a.id] : []));
	if (ids.length === 1) return ids[0];
	throw new NodeOperationError(
		ctx.getNode(),
		ids.length
			? `Pick the account first: this credential manages ${ids.length} Instagram accounts (IG User ID)`
			: 'This Facebook Login credential manages no Page with a linked Instagram account',
	);
}

/** The selected account's media, newest first. */
export async function searchMedia(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	const client = await clientOf(this);
	try {
		const p = await page(
			client,
			'media.list',
			{ ig_user_id: await accountFor(this, client), fields: 'id,caption,media_type,timestamp,permalink' },
			token,
		);
		const results = (p.data ?? [])
			.filter((m) => matches(filter, m.caption, m.id))
			.map((m) => ({
				name: `${short(m.caption) || String(m.media_type ?? 'Media')} · ${String(m.timestamp ?? m.id).slice(0, 10)}`,
				value: String(m.id),
				url: typeof m.permalink === 'string' ? m.permalink : undefined,
			}));
		return { results, paginationToken: next(p) };
	} finally {
		client.close();
	}
}

/** The account's conversations, by the other participant's username. */
export async function searchConversations(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	if (!OPERATION_META['conversations.list']) return { results: [] };
	const client = await clientOf(this);
	try {
		const p = await page(
			client,
			'conversations.list',
			{ ig_user_id: current(this, 'ig_user_id'), page_id: current(this, 'page_id'), fields: 'id,updated_time,participants' },
			token,
		);
		const results: INodeListSearchItems[] = [];
		for (const c of p.data ?? []) {
			const who = ((c.participants as { data?: GraphObject[] } | undefined)?.data ?? []).map((u) => u.username ?? u.id).filter(Boolean);
			const name = `${who.length ? who.map((u) => `@${String(u)}`).join(', ') : String(c.id)}${c.updated_time ? ` · ${String(c.updated_time).slice(0, 10)}` : ''}`;
			if (matches(filter, name, c.id)) results.push({ name, value: String(c.id) });
		}
		return { results, paginationToken: next(p) };
	} finally {
		client.close();
	}
}

/** Recent comments: on the selected media, else on the account's five newest media. */
export async function searchComments(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	const client = await clientOf(this);
	try {
		const selected = current(this, 'media_id');
		const mediaIds = selected
			? [selected]
			: ((await client.call('media.list', paramsFor('media.list', { ig_user_id: await accountFor(this, client), fields: 'id', limit: 5 }))) as unknown as Page).data.map(
					(m) => String(m.id),
				);
		const results: INodeListSearchItems[] = [];
		let after: string | undefined;
		for (const media_id of mediaIds) {
			const p = await page(client, 'comments.list', { media_id, fields: 'id,text,username,timestamp' }, selected ? token : undefined);
			if (selected) after = next(p);
			for (const c of p.data ?? []) {
				if (!matches(filter, c.text, c.username, c.id)) continue;
				results.push({ name: `${c.username ? `@${String(c.username)}: ` : ''}${short(c.text) || String(c.id)}`, value: String(c.id) });
			}
		}
		return { results, paginationToken: after };
	} finally {
		client.close();
	}
}
