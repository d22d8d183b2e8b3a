// Soak (the Node mirror of core/tests/it/soak.rs): walk every media and every comment (with its
// replies) of the demo account against a sandbox injecting 20% faults of every kind, and check
// that every item arrives exactly once and that every failure left over after the client's own
// retries is a typed InstagramError. Bounded: a walk gives up after MAX_RESUMES resumes.
//
// Pages are fetched with callDetailed, following `paging.cursors.after` while `paging.next` is
// present, as the core's paginator does: after an error the walk asks for the same page again,
// and each answered page says what it cost (requests, retries, milliseconds waited). The
// paginator of the Node API does not expose that report, and its iterator ends at the first error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ig, stats } from './helpers.mjs';

/** Resumes allowed per walk after an error that survived the client's own retries. */
const MAX_RESUMES = 200;
/** Comment walks in flight at once: pacing waits after throttles then overlap instead of adding up. */
const FAN_OUT = 8;
/** The kinds faults can leave after the client's retries; anything else is a bug. */
const FAULT_KINDS = new Set(['transient', 'transport', 'rate_limited', 'not_found', 'auth', 'unexpected_response']);
/** The client of the Rust soak: a timeout below the sandbox's slow answers, generous retries. */
const CLIENT = { timeoutMs: 1000, maxRetries: 6, maxTotalWaitMs: 20_000 };
/** Slower than the client's 1 s timeout, but not by much: the soak stays around a minute. */
const FAULTS = { faultRate: 0.2, faultSeed: 7, slowMs: 1500 };

/**
 * Writes join this soak here as the catalogue gains write operations (the sandbox already has
 * write endpoints and a write ledger; the catalogue has none yet). Each entry, `{ op, params }`
 * with `op` a non-idempotent operation id, is sent exactly once against the faulty sandbox; the
 * sandbox's ledger must then show no write applied twice (`writes.duplicates == 0`). Empty until
 * then: no fake write.
 */
const PLANNED_WRITES = [];

function tally() {
	return { pages: 0, requests: 0, retries: 0, waitedMs: 0, surfaced: {} };
}

function merge(into, t) {
	into.pages += t.pages;
	into.requests += t.requests;
	into.retries += t.retries;
	into.waitedMs += t.waitedMs;
	for (const [k, v] of Object.entries(t.surfaced)) into.surfaced[k] = (into.surfaced[k] ?? 0) + v;
}

/** A failure that survived the client's retries: typed, of a kind faults produce. Returns the wait before resuming. */
function surfaced(e, t, what) {
	assert.ok(e instanceof ig.InstagramError, `${what}: untyped failure: ${e?.stack ?? e}`);
	assert.ok(FAULT_KINDS.has(e.kind), `${what}: unexpected kind ${e.kind}: ${e.message}`);
	assert.equal(e.code, `IG_${e.kind.toUpperCase()}`);
	t.surfaced[e.kind] = (t.surfaced[e.kind] ?? 0) + 1;
	return e.retryAfter !== null && e.retryAfter < 5 ? e.retryAfter * 1000 : 0;
}

/** Every item of a paginated operation, resuming after surfaced errors. */
async function walk(client, opId, params, pageSize, t) {
	const items = [];
	const seen = new Set();
	let cursor;
	let resumes = 0;
	for (;;) {
		let out;
		try {
			out = await client.callDetailed(opId, { ...params, limit: pageSize, ...(cursor ? { after: cursor } : {}) });
		} catch (e) {
			const wait = surfaced(e, t, opId);
			resumes += 1;
			assert.ok(resumes <= MAX_RESUMES, `${opId}: walk keeps failing: ${e.message}`);
			if (wait > 0) await sleep(wait);
			continue; // the same page again
		}
		t.pages += 1;
		t.requests += out.report.requests;
		t.retries += out.report.retries;
		t.waitedMs += out.report.waited_ms;
		assert.ok(Array.isArray(out.value.data), `${opId}: a page without data`);
		items.push(...out.value.data);
		// Meta: the walk ends when `next` is absent, never because a page is short.
		const next = out.value.paging?.next;
		cursor = out.value.paging?.cursors?.after;
		if (!next || !cursor) return items;
		assert.ok(!seen.has(cursor), `${opId}: cursor loop`);
		seen.add(cursor);
	}
}

const ids = (items) => items.map((m) => m.id);

function assertOnce(what, got, want) {
	assert.equal(new Set(got).size, got.length, `${what}: an item came twice`);
	assert.deepEqual(new Set(got), want, `${what}: items differ from the fault-free walk`);
}

/** Every comment and reply of `media`, FAN_OUT walks at a time. */
async function allComments(client, media, pageSize, t) {
	const out = [];
	let next = 0;
	async function worker() {
		while (next < media.length) {
			const m = media[next++];
			const own = tally();
			const comments = await walk(client, 'comments.list', { media_id: m, fields: 'id,replies{id}' }, pageSize, own);
			merge(t, own);
			for (const c of comments) {
				out.push(c.id);
				for (const r of c.replies?.data ?? []) out.push(r.id);
			}
		}
	}
	await Promise.all(Array.from({ length: FAN_OUT }, worker));
	return out;
}

/** Send each planned write once; a write that failed is not resent (its outcome is the ledger's to tell). */
async function sendPlannedWrites(client, catalogue, t) {
	for (const w of PLANNED_WRITES) {
		assert.equal(catalogue.get(w.op)?.idempotent, false, `${w.op}: a planned write must be a non-idempotent operation`);
		try {
			const out = await client.callDetailed(w.op, w.params);
			t.requests += out.report.requests;
			t.retries += out.report.retries;
			t.waitedMs += out.report.waited_ms;
		} catch (e) {
			surfaced(e, t, w.op);
		}
	}
}

describe('soak: 20% faults, every item exactly once', () => {
	let clean;
	let faulty;
	before(async () => {
		clean = await ig.startSandbox();
		faulty = await ig.startSandbox(FAULTS);
	});
	after(async () => {
		await clean?.stop();
		await faulty?.stop();
	});

	test('walks every media and comment exactly once; what survives the retries is typed', async () => {
		const started = performance.now();
		const catalogue = new Map(ig.operations().map((o) => [o.id, o]));
		const mediaPage = catalogue.get('media.list').page_size.max;
		const commentsPage = catalogue.get('comments.list').page_size.max;
		const clientFor = (sb) => new ig.InstagramClient({ accessToken: sb.accessToken, baseUrl: sb.url, ...CLIENT });

		// The truth: the same seed without faults.
		const c0 = clientFor(clean);
		const t0 = tally();
		const media = ids(await walk(c0, 'media.list', { fields: 'id' }, mediaPage, t0));
		const comments = await allComments(c0, media, commentsPage, t0);
		assert.ok(media.length >= 150 && comments.length >= 1000, `demo account is big enough: ${media.length} media, ${comments.length} comments`);
		assert.deepEqual(t0.surfaced, {}, 'no failure without faults');
		assert.equal(t0.retries, 0);
		const truthSeconds = (performance.now() - started) / 1000;

		const c = clientFor(faulty);
		const t = tally();
		const gotMedia = ids(await walk(c, 'media.list', { fields: 'id' }, mediaPage, t));
		assertOnce('media', gotMedia, new Set(media));
		const gotComments = await allComments(c, gotMedia, commentsPage, t);
		assertOnce('comments', gotComments, new Set(comments));
		await sendPlannedWrites(c, catalogue, t);

		const s = await stats(faulty);
		assert.ok(t.retries > 0, `faults were injected and retried: ${JSON.stringify(t)}`);
		assert.ok(s.faults_total > 0);
		// Every answered page and every retry was a request the sandbox served (failed calls add more).
		assert.ok(s.requests >= t.requests, `sandbox served ${s.requests} < ${t.requests} requests reported`);
		assert.equal(s.writes.duplicates, 0, 'no write applied twice');
		const seconds = (performance.now() - started) / 1000;
		console.log(
			`soak (node): ${gotMedia.length} media, ${gotComments.length} comments, ${t.pages} pages, ` +
				`${t.requests} requests (of answered pages; the sandbox served ${s.requests}, ${s.faults_total} faults), ` +
				`${t.retries} retries, ${t.waitedMs} ms waited, surfaced ${JSON.stringify(t.surfaced)}, ` +
				`${PLANNED_WRITES.length} writes, ${seconds.toFixed(1)} s (fault-free walk ${truthSeconds.toFixed(1)} s)`,
		);
	});
});
