import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { InstagramClient } from '../../src/client';
import { authenticationProperty, credentialEntries, resolveCredential, toAuthentication, toNodeError } from '../shared/credentials';
import { loadState, newItems, saveState, SLACK_MS, timestampMs, type Listed } from './poll-state';

/** The events this trigger polls for, with the `event_type` its items carry. */
const EVENTS = {
	newMedia: 'new_media',
	newStory: 'new_story',
	newComment: 'new_comment',
	newTaggedMedia: 'new_tagged_media',
} as const;

type PollEvent = keyof typeof EVENTS;

/** Items listed per poll at most (per media for comments): more than Meta's page size, bounded. */
const FETCH_MAX = 100;

/** Graph objects of a paginated operation, newest first as Graph lists them, with their ids and times. */
async function list(client: InstagramClient, opId: string, params: IDataObject, stopBefore?: number): Promise<Listed[]> {
	const out: Listed[] = [];
	for await (const item of client.paginate(opId, params, { maxItems: FETCH_MAX })) {
		const ts = timestampMs(item.timestamp);
		if (typeof item.id !== 'string') continue;
		// Newest first: once past what the last poll saw, the rest is older still.
		if (stopBefore !== undefined && Number.isFinite(ts) && ts < stopBefore) break;
		out.push({ id: item.id, ts, item: item as IDataObject });
	}
	return out;
}

/** What the account has now for `event` (the newest up to the bounds). */
async function fetchListed(
	ctx: IPollFunctions,
	client: InstagramClient,
	event: PollEvent,
	stopBefore: number | undefined,
): Promise<Listed[]> {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const igUserId = typeof options.igUserId === 'string' && options.igUserId.trim() !== '' ? options.igUserId.trim() : undefined;
	const account: IDataObject = igUserId ? { ig_user_id: igUserId } : {};
	switch (event) {
		case 'newMedia':
			return await list(client, 'media.list', account, stopBefore);
		case 'newStory':
			return await list(client, 'stories.list', account, stopBefore);
		case 'newTaggedMedia':
			if (client.login !== 'facebook') {
				throw new NodeOperationError(ctx.getNode(), 'New Tagged Media needs a Facebook Login credential: Meta lists tags only through Facebook Login');
			}
			// Media can be tagged long after it was posted: no cut-off by time.
			return await list(client, 'user.tags', account);
		case 'newComment': {
			const recent = Number(options.recentMedia ?? 10);
			const n = Number.isSafeInteger(recent) && recent >= 1 ? Math.min(recent, 50) : 10;
			const media: IDataObject[] = [];
			for await (const m of client.paginate('media.list', { ...account, fields: 'id,timestamp' }, { maxItems: n })) media.push(m as IDataObject);
			const out: Listed[] = [];
			for (const m of media) {
				if (typeof m.id !== 'string') continue;
				// Comments are not listed newest first everywhere: take the bounded page whole.
				for (const l of await list(client, 'comments.list', { media_id: m.id })) {
					out.push({ ...l, item: { ...l.item, media_id: l.item.media_id ?? m.id } });
				}
			}
			return out;
		}
	}
}

function toItems(listed: Listed[], event: PollEvent): INodeExecutionData[] {
	return listed.map((l) => ({ json: { ...l.item, event_type: EVENTS[event] } }));
}

export class InstagramPollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Instagram Polling Trigger',
		name: 'instagramPollingTrigger',
		icon: { light: 'file:../../icons/instagram.svg', dark: 'file:../../icons/instagram.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description: 'Starts the workflow on what Meta sends no webhook for: new media, stories, comments or tagged media, checked on a schedule',
		defaults: {
			name: 'Instagram Polling Trigger',
		},
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialEntries(),
		properties: [
			{
				displayName:
					'The first check records what the account has without starting the workflow; later checks start it for each new item. A manual test returns the newest item as a sample.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			authenticationProperty,
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				options: [
					{ name: 'New Comment', value: 'newComment', description: 'A comment on one of the most recent media' },
					{ name: 'New Media', value: 'newMedia', description: 'A post, reel or carousel published by the account' },
					{ name: 'New Story', value: 'newStory', description: 'A story published by the account' },
					{
						name: 'New Tagged Media',
						value: 'newTaggedMedia',
						description: 'A media of another account that tags this one (Facebook Login)',
					},
				],
				default: 'newMedia',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Instagram Account ID',
						name: 'igUserId',
						type: 'string',
						default: '',
						description: 'The Instagram professional account; needed with Facebook Login, the token’s own account with Instagram Login',
					},
					{
						displayName: 'Recent Media',
						name: 'recentMedia',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 50 },
						default: 10,
						description: 'New Comment: how many of the most recent media to watch',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = (this.getNodeParameter('event', 'newMedia') as string) as PollEvent;
		if (!Object.hasOwn(EVENTS, event)) throw new NodeOperationError(this.getNode(), `Unknown event "${String(event)}"`);
		const kind = toAuthentication(this.getNodeParameter('authentication', 'accessToken'));
		const data = this.getWorkflowStaticData('node');
		const state = loadState(data, event);
		const manual = this.getMode() === 'manual';
		let client: InstagramClient | undefined;
		try {
			const { options } = await resolveCredential(this, kind);
			client = new InstagramClient(options);
			const stopBefore = !manual && state && state.newest > 0 ? state.newest - SLACK_MS : undefined;
			const listed = await fetchListed(this, client, event, stopBefore);
			if (manual) {
				// A sample for building the workflow: the newest item; the state stays as it was.
				const newest = [...listed].sort((a, b) => (b.ts || 0) - (a.ts || 0))[0];
				return newest ? [toItems([newest], event)] : null;
			}
			if (!state) {
				saveState(data, event, undefined, listed);
				return null;
			}
			const fresh = newItems(state, listed, event === 'newTaggedMedia');
			saveState(data, event, state, listed);
			return fresh.length ? [toItems(fresh, event)] : null;
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		} finally {
			client?.close();
		}
	}
}
