// Verify + parse of one 1,000-update delivery: the package's `webhooks.verifySignature` +
// `webhooks.parse` against `crypto.createHmac('sha256')` + `timingSafeEqual` + `JSON.parse` +
// the hand normalizer of bench/lib/normalize.mjs. Both outputs are checked to be the same
// events before timing. Each round times a batch of iterations of each,
// alternating which goes first. Prints one JSON line of per-iteration times (ms) per round.
//
// Env: IG_BENCH_PACKAGE (package dir), IG_BENCH_WEBHOOK_BODY (the delivery file),
// IG_BENCH_ROUNDS.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { normalize } from '../lib/normalize.mjs';

const env = (k) => {
	const v = process.env[k];
	if (!v) throw new Error(`${k} is not set`);
	return v;
};
const { webhooks } = createRequire(import.meta.url)(env('IG_BENCH_PACKAGE'));
const body = readFileSync(env('IG_BENCH_WEBHOOK_BODY'));
const rounds = Number(env('IG_BENCH_ROUNDS'));
const SECRET = 'bench-app-secret-5f4dcc3b5aa765d61d8327deb882cf99';
const header = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

function ours() {
	if (!webhooks.verifySignature(body, header, SECRET)) throw new Error('ours: signature refused');
	return webhooks.parse(body);
}

function baseline() {
	const expected = createHmac('sha256', SECRET).update(body).digest();
	const given = Buffer.from(header.slice('sha256='.length), 'hex');
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('baseline: signature refused');
	return normalize(JSON.parse(body));
}

const a = ours();
const b = baseline();
assert.equal(a.length, 1000);
assert.deepStrictEqual(a, b, 'the baseline normalizer must produce the same events');
assert.equal(new Set(a.map((e) => e.dedupe_key)).size, a.length);

// A batch long enough (~100+ ms) that timer resolution and GC pauses average out.
const ITER = 40;
const time = (f) => {
	const t0 = performance.now();
	let n = 0;
	for (let i = 0; i < ITER; i++) n += f().length;
	const ms = (performance.now() - t0) / ITER;
	if (n !== ITER * 1000) throw new Error('lost events');
	return ms;
};
for (let i = 0; i < 5; i++) {
	time(ours);
	time(baseline);
}
const times = { ours: [], baseline: [] };
for (let r = 0; r < rounds; r++) {
	const order = r % 2 ? ['baseline', 'ours'] : ['ours', 'baseline'];
	for (const k of order) times[k].push(time(k === 'ours' ? ours : baseline));
}
console.log(JSON.stringify({ bytes: body.length, updates: a.length, iterations: ITER, times_ms: times }));
