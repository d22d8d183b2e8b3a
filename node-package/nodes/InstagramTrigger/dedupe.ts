/**
 * Dropping Meta's redeliveries. Meta retries a delivery for up to 36 hours and warns of
 * duplicates (graph-api.md §3.6); each parsed event has a `dedupe_key`, stable across parses.
 *
 * Where the deduplication must live: n8n in queue mode runs webhooks on the main (and webhook)
 * processes and executions on workers, so state in this process's memory would not be shared.
 * n8n's own facility is the data-deduplication service (`helpers.checkProcessedAndRecord`,
 * DeduplicationHelperFunctions in n8n-workflow, stored in the database's `processed_data`
 * table). n8n 2.40 (n8n-workflow 2.40.1 `IWebhookFunctions.helpers`, n8n-core 2.40.3
 * `WebhookContext`) does not give it to webhook functions, only to executing nodes; a webhook
 * that dropped a duplicate only after an execution had started would still leave an execution.
 * So: the helper is used whenever the context offers it (newer n8n), and otherwise the node's
 * workflow static data, which n8n reloads from the database for every production webhook
 * request and writes back after the webhook function returned
 * (n8n 2.40.7 dist/webhooks/live-webhooks.js: `staticData: workflowData.staticData`, then
 * `workflowStaticDataService.saveStaticData(workflow)` before the response), so every main and
 * webhook process sees the same record. Both are read-then-write without a lock (n8n's own
 * service too, deduplication-helper.js): two copies of one event arriving within the same
 * few milliseconds may both pass; Meta's retries come one after the other.
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

/** n8n's deduplication helper, when this context has one. */
function n8nHelper(ctx: DedupeContext): DeduplicationHelperFunctions['checkProcessedAndRecord'] | undefined {
	const f = (ctx.helpers as Partial<DeduplicationHelperFunctions>).checkProcessedAndRecord;
	return typeof f === 'function' ? f.bind(ctx.helpers) : undefined;
}

/** Record `keys` (distinct) in the node's static data; returns those not seen before. */
function throughStaticData(ctx: DedupeContext, keys: string[], now: number): Set<string> {
	const data = ctx.getWorkflowStaticData('node');
	const old = data.instagramTriggerDedupe as StaticRecord | undefined;
	const seen: Record<string, number> = {};
	// Keep the unexpired entries, newest last, at most the bound (minus room for this delivery).
	const kept = Object.entries(old?.v === 1 && typeof old.seen === 'object' && old.seen !== null ? old.seen : {})
		.filter(([, t]) => typeof t === 'number' && now - t < DEDUPE_TTL_SECS)
		.sort((a, b) => a[1] - b[1]);
	for (const [k, t] of kept.slice(Math.max(0, kept.length - (DEDUPE_MAX_ENTRIES - Math.min(keys.length, DEDUPE_MAX_ENTRIES))))) seen[k] = t;
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
 * The keys of `keys` not processed before, recording them: duplicates within the list count
 * once, and keys seen in an earlier delivery (within the TTL, or n8n's bound) are dropped.
 */
export async function firstSeen(ctx: DedupeContext, keys: string[], now = Math.floor(Date.now() / 1000)): Promise<Set<string>> {
	const distinct = [...new Set(keys)];
	if (distinct.length === 0) return new Set();
	const helper = n8nHelper(ctx);
	if (helper) {
		const out = await helper(distinct, 'node', { mode: 'entries', maxEntries: DEDUPE_MAX_ENTRIES });
		return new Set(out.new.map(String));
	}
	return throughStaticData(ctx, distinct, now);
}
