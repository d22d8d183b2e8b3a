/**
 * Dropping Meta's redeliveries. Meta retries a delivery for up to 36 hours and warns of
 * duplicates (graph-api.md §3.6); each parsed event has a `dedupe_key`, stable across parses.
 *
 * Where the deduplication lives: n8n in queue mode answers webhooks on the main (and webhook)
 * processes and runs executions on workers, so no one process's memory can be the judge. n8n's
 * own facility is the data-deduplication service (`helpers.checkProcessedAndRecord`,
 * DeduplicationHelperFunctions in n8n-workflow, rows of the database's `processed_data`
 * table, which every main and worker shares). n8n 2.40 gives it to executing nodes only
 * (n8n-workflow 2.40.1 `IWebhookFunctions.helpers` has no such member; n8n-core 2.40.3
 * `WebhookContext` does not add it), and static data written by a webhook function is lost
 * whenever the call starts an execution (n8n 2.40.7 WorkflowRunner: `prepareNewExecution`
 * reloads the static data from the database and `establishContextForPersistence` wraps the
 * webhook's copy again, which clears its changed flag before live-webhooks.js saves it).
 *
 * So the check is made in three places, the first two shared through the database:
 * - authoritative, in the node's `execute()`, which n8n runs for the trigger node at the start
 *   of every execution it starts (on the worker in queue mode, n8n-core WorkflowExecute.runNode:
 *   `execute` before the webhook pass-through): n8n's `checkProcessedAndRecord` (scope node,
 *   bounded) drops what was processed before, and the keys are mirrored into the node's static
 *   data, which n8n saves with the execution;
 * - early, in `webhook()`: events whose key that mirror holds are dropped before any execution,
 *   so a redelivery of a finished delivery starts none;
 * - fast, in `webhook()` too: the mirror is saved only when the execution ends, too late for a
 *   redelivery sent right after the first one was answered (Meta's back-to-back duplicates). So
 *   this process also remembers, in memory, the keys it handed to n8n and n8n answered with a
 *   2xx (`rememberOnAnswer`: on the response's `finish`; n8n 2.40 answers an `onReceived`
 *   webhook only after WorkflowRunner.run created the execution, webhook-helpers.js), for
 *   FAST_TTL_MS, per workflow and node, at most FAST_MAX_ENTRIES keys in all (oldest evicted).
 *   In queue mode the main (or webhook) process answers the webhooks, so the process that
 *   accepted a delivery is the one its duplicate reaches (with one webhook process).
 *
 * The fast path's trade-offs. It only ever drops a key that this process saw answered 2xx, so:
 * if n8n failed to create the execution, its answer was a 5xx, nothing was remembered and
 * Meta's retry goes through. If the execution was created but died before its `execute()`
 * recorded the keys, redeliveries inside the TTL are dropped here and later ones pass `execute()`
 * (nothing was recorded there): that event is delayed, not lost. A duplicate racing its
 * original (before the 2xx was sent), or reaching another webhook process, starts an execution
 * whose trigger emits nothing (`execute()` drops it): an empty execution, never a second
 * emission. A restart forgets the memory; the mirror and `execute()` still hold.
 * Why 10 minutes: the memory only has to bridge the gap from n8n's 2xx to the end of the
 * execution, when the mirror is saved; a trigger workflow's execution takes seconds, and one
 * that outlives the TTL costs at most an empty execution per redelivery. Longer would only hold
 * more memory (FAST_MAX_ENTRIES digests ≈ 2 MB at most) for what the mirror already covers.
 * The memory uses no timer (nothing keeps the event loop alive): expired keys are swept when
 * keys are added.
 *
 * n8n's service is itself read-then-write without a lock (dist/deduplication/
 * deduplication-helper.js): two executions of one event within milliseconds may both pass.
 */
import { createHash } from 'crypto';
import type { DeduplicationHelperFunctions, IDataObject } from 'n8n-workflow';

/** Keys kept: a bound on what is stored (n8n's helper keeps the newest this many). */
export const DEDUPE_MAX_ENTRIES = 10_000;

/** Keys older than this are forgotten (Meta stops retrying after 36 hours). */
export const DEDUPE_TTL_SECS = 48 * 3600;

/** What of an n8n context deduplication needs. */
export interface DedupeContext {
	getWorkflowStaticData(type: string): IDataObject;
	helpers: object;
}

/** The record kept in the node's static data: key hash → Unix seconds first seen. */
interface StaticRecord {
	v: 1;
	seen: Record<string, number>;
}

/** A short stable digest of a key (static data stays small whatever the keys' length). */
function digest(key: string): string {
	return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

/** n8n's deduplication helper, when this context has one (executing nodes). */
function n8nHelper(ctx: DedupeContext): DeduplicationHelperFunctions['checkProcessedAndRecord'] | undefined {
	const f = (ctx.helpers as Partial<DeduplicationHelperFunctions>).checkProcessedAndRecord;
	return typeof f === 'function' ? f.bind(ctx.helpers) : undefined;
}

/** The mirror's entries (digest → Unix seconds first seen), unexpired at `now`, oldest first. */
function mirror(data: IDataObject, now: number): Array<[string, number]> {
	const old = data.instagramTriggerDedupe as StaticRecord | undefined;
	const seen = old?.v === 1 && typeof old.seen === 'object' && old.seen !== null ? old.seen : {};
	return Object.entries(seen)
		.filter(([, t]) => typeof t === 'number' && now - t < DEDUPE_TTL_SECS)
		.sort((a, b) => a[1] - b[1]);
}

/** The keys of `keys` the static-data mirror already holds (read only). */
export function seenBefore(ctx: DedupeContext, keys: string[], now = Math.floor(Date.now() / 1000)): Set<string> {
	const known = new Set(mirror(ctx.getWorkflowStaticData('node'), now).map(([k]) => k));
	return new Set(keys.filter((k) => known.has(digest(k))));
}

/** Record `keys` in the mirror (bounded: the newest DEDUPE_MAX_ENTRIES); returns those it did not hold. */
function record(ctx: DedupeContext, keys: string[], now: number): Set<string> {
	const data = ctx.getWorkflowStaticData('node');
	const kept = mirror(data, now);
	const room = DEDUPE_MAX_ENTRIES - Math.min(keys.length, DEDUPE_MAX_ENTRIES);
	const seen: Record<string, number> = Object.fromEntries(kept.slice(Math.max(0, kept.length - room)));
	const fresh = new Set<string>();
	for (const key of keys) {
		const h = digest(key);
		if (Object.hasOwn(seen, h)) continue;
		seen[h] = now;
		fresh.add(key);
	}
	// A new object: n8n's observable static data marks itself changed, so n8n saves it.
	data.instagramTriggerDedupe = { v: 1, seen } satisfies StaticRecord as unknown as IDataObject;
	return fresh;
}

/**
 * The keys of `keys` not processed before, recording them: through n8n's deduplication
 * service when the context has it (and in the mirror, for `webhook()`), else in the mirror
 * alone. Duplicates within the list count once.
 */
export async function firstSeen(ctx: DedupeContext, keys: string[], now = Math.floor(Date.now() / 1000)): Promise<Set<string>> {
	const distinct = [...new Set(keys)];
	if (distinct.length === 0) return new Set();
	const helper = n8nHelper(ctx);
	if (!helper) return record(ctx, distinct, now);
	const out = await helper(distinct, 'node', { mode: 'entries', maxEntries: DEDUPE_MAX_ENTRIES });
	record(ctx, distinct, now);
	return new Set(out.new.map(String));
}

/** How long this process remembers a key it accepted (see the header: bridges to the mirror). */
export const FAST_TTL_MS = 10 * 60 * 1000;

/** Keys remembered in memory, all workflows and nodes together (each ≈ 100 bytes). */
export const FAST_MAX_ENTRIES = 20_000;

/** `scope \n digest` → expiry (ms); a Map keeps insertion order, so the oldest come first. */
const accepted = new Map<string, number>();

/** The memory's scope of a context: its workflow and node (two trigger nodes never share keys). */
export function scopeOf(ctx: { getNode(): { id?: string; name: string }; getWorkflow?: () => { id?: string } }): string {
	const workflow = typeof ctx.getWorkflow === 'function' ? (ctx.getWorkflow()?.id ?? '') : '';
	const node = ctx.getNode();
	return `${workflow}/${node.id ?? node.name}`;
}

/** The keys of `keys` this process accepted for `scope` within FAST_TTL_MS of `now` (read only). */
export function acceptedHere(scope: string, keys: string[], now = Date.now()): Set<string> {
	return new Set(
		keys.filter((k) => {
			const until = accepted.get(`${scope}\n${digest(k)}`);
			return until !== undefined && until > now;
		}),
	);
}

/** How many keys the memory holds now (all scopes; for tests and diagnostics). */
export function acceptedCount(): number {
	return accepted.size;
}

/** Remember `keys` as accepted for `scope` until `now + FAST_TTL_MS`, sweeping expired and surplus keys. */
export function rememberAccepted(scope: string, keys: string[], now = Date.now()): void {
	for (const k of keys) {
		const id = `${scope}\n${digest(k)}`;
		accepted.delete(id); // re-inserted last: the order stays oldest first
		accepted.set(id, now + FAST_TTL_MS);
	}
	for (const [id, until] of accepted) {
		if (until > now && accepted.size <= FAST_MAX_ENTRIES) break;
		accepted.delete(id);
	}
}

/** What of the response n8n sends the fast path needs (express's, a Node ServerResponse). */
export interface Answerable {
	statusCode?: number;
	once?(event: 'finish', listener: () => void): unknown;
}

/**
 * Remember `keys` once n8n has answered the delivery with a 2xx (the execution then exists,
 * see the header); a response that cannot be observed remembers them at once.
 */
export function rememberOnAnswer(res: Answerable, scope: string, keys: string[]): void {
	if (keys.length === 0) return;
	if (typeof res.once !== 'function') return rememberAccepted(scope, keys);
	res.once('finish', () => {
		const code = res.statusCode ?? 200;
		if (code >= 200 && code < 300) rememberAccepted(scope, keys);
	});
}
