/**
 * Dropping Meta's redeliveries. Meta retries a delivery for up to 36 hours and warns of
 * duplicates (graph-api.md §3.6); each parsed event has a `dedupe_key`, stable across parses.
 *
 * Where the deduplication lives: n8n in queue mode answers webhooks on the main (and webhook)
 * processes and runs executions on workers, so this process's memory is no place for it. n8n's
 * own facility is the data-deduplication service (`helpers.checkProcessedAndRecord`,
 * DeduplicationHelperFunctions in n8n-workflow, rows of the database's `processed_data`
 * table, which every main and worker shares). n8n 2.40 gives it to executing nodes only
 * (n8n-workflow 2.40.1 `IWebhookFunctions.helpers` has no such member; n8n-core 2.40.3
 * `WebhookContext` does not add it), and static data written by a webhook function is lost
 * whenever the call starts an execution (n8n 2.40.7 WorkflowRunner: `prepareNewExecution`
 * reloads the static data from the database and `establishContextForPersistence` wraps the
 * webhook's copy again, which clears its changed flag before live-webhooks.js saves it).
 *
 * So the check is made in two places, both shared through the database:
 * - authoritative, in the node's `execute()`, which n8n runs for the trigger node at the start
 *   of every execution it starts (on the worker in queue mode, n8n-core WorkflowExecute.runNode:
 *   `execute` before the webhook pass-through): n8n's `checkProcessedAndRecord` (scope node,
 *   bounded) drops what was processed before, and the keys are mirrored into the node's static
 *   data, which n8n saves with the execution;
 * - early, in `webhook()`: events whose key that mirror holds are dropped before any execution,
 *   so a redelivery of a finished delivery starts none. A redelivery racing its original
 *   (before the first execution saved) starts an execution whose trigger emits nothing.
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
