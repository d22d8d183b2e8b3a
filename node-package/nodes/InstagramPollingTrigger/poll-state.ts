/**
 * What the polling trigger remembers between polls (in the node's workflow static data, which
 * n8n stores with the workflow): the ids already seen and the newest timestamp, bounded. An
 * item is new when its id was not seen and, for kinds that only grow at the top (media,
 * stories, comments), it is not older than the newest seen minus a slack; tagged media can be
 * tagged long after it was posted, so tags go by id alone.
 */
import type { IDataObject } from 'n8n-workflow';

/** Ids kept (the newest by insertion); more than any poll fetches, so a fetched item never falls out while still listed. */
export const MAX_IDS = 2000;

/** Items up to this much older than the newest seen still count (equal timestamps, late visibility). */
export const SLACK_MS = 3600 * 1000;

/** The stored state of one node. */
export interface PollState {
	v: 1;
	/** The event it was recorded for: another event starts over. */
	event: string;
	/** Newest item timestamp seen, in ms (0: none). */
	newest: number;
	/** Ids seen, oldest first. */
	ids: string[];
}

/** One listed item: its id and timestamp in ms (NaN when Graph gave none). */
export interface Listed {
	id: string;
	ts: number;
	item: IDataObject;
}

/** Graph's ISO 8601 `timestamp` (`2026-12-01T10:00:00+0000`) in ms; NaN when absent or unreadable. */
export function timestampMs(v: unknown): number {
	if (typeof v === 'number') return v > 1e11 ? v : v * 1000;
	if (typeof v !== 'string') return NaN;
	// Graph writes the offset without a colon, which Date.parse does not read everywhere.
	return Date.parse(v.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}

/** The state stored for `event`, or undefined (first poll, or the event changed). */
export function loadState(data: IDataObject, event: string): PollState | undefined {
	const s = data.instagramPoll as PollState | undefined;
	if (!s || s.v !== 1 || s.event !== event || !Array.isArray(s.ids)) return undefined;
	return s;
}

/** Store the state after a poll that listed `listed`. */
export function saveState(data: IDataObject, event: string, previous: PollState | undefined, listed: Listed[]): void {
	const ids = [...(previous?.ids ?? [])];
	const have = new Set(ids);
	let newest = previous?.newest ?? 0;
	// Oldest first, so the newest ids are the last to be evicted.
	for (const l of [...listed].sort(byTime)) {
		if (!have.has(l.id)) {
			ids.push(l.id);
			have.add(l.id);
		}
		if (Number.isFinite(l.ts) && l.ts > newest) newest = l.ts;
	}
	const state: PollState = { v: 1, event, newest, ids: ids.slice(Math.max(0, ids.length - MAX_IDS)) };
	// A new object: n8n's observable static data marks itself changed, so n8n saves it.
	data.instagramPoll = state as unknown as IDataObject;
}

/** Oldest first; items without a timestamp keep their place after those with one. */
export function byTime(a: Listed, b: Listed): number {
	const x = Number.isFinite(a.ts) ? a.ts : Infinity;
	const y = Number.isFinite(b.ts) ? b.ts : Infinity;
	return x - y;
}

/** The new items of a listing, oldest first. */
export function newItems(state: PollState, listed: Listed[], byIdOnly: boolean): Listed[] {
	const seen = new Set(state.ids);
	const fresh = listed.filter((l) => {
		if (seen.has(l.id)) return false;
		if (byIdOnly || !Number.isFinite(l.ts) || state.newest === 0) return true;
		return l.ts >= state.newest - SLACK_MS;
	});
	const unique = new Map(fresh.map((l) => [l.id, l]));
	return [...unique.values()].sort(byTime);
}
