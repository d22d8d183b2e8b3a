// 1,000 sequential `media.list` pages on loopback: the package's client against plain `fetch` +
// `JSON.parse` of the same URLs. Both follow Graph's `paging.next` from the same first URL over
// keep-alive connections (undici's pool, reqwest's pool), after one untimed walk each; rounds
// alternate which goes first. Before each walk (untimed) the sandbox is reset: its usage headers
// count the calls served, and after a few thousand the client would rightly start pacing
// (sleeping) at the 90 % high-water mark; fetch does not read them. Prints one JSON line of
// per-round wall times (ms).
//
// Env: IG_BENCH_PACKAGE (package dir), IG_BENCH_URL, IG_BENCH_TOKEN, IG_BENCH_PAGES,
// IG_BENCH_LIMIT, IG_BENCH_ROUNDS.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const env = (k) => {
	const v = process.env[k];
	if (!v) throw new Error(`${k} is not set`);
	return v;
};
const ig = createRequire(import.meta.url)(env('IG_BENCH_PACKAGE'));
const url = env('IG_BENCH_URL');
const token = env('IG_BENCH_TOKEN');
const pages = Number(env('IG_BENCH_PAGES'));
const limit = Number(env('IG_BENCH_LIMIT'));
const rounds = Number(env('IG_BENCH_ROUNDS'));

const client = new ig.InstagramClient({ accessToken: token, baseUrl: url });
const meta = ig.operations().find((o) => o.id === 'media.list');
const fields = meta.params.properties.fields.default;
const firstUrl = `${url}/${client.apiVersion}/me/media?fields=${encodeURIComponent(fields)}&limit=${limit}&access_token=${token}`;

// The sandbox's 180 media make 18 pages of 10: a walk of 1,000 pages starts over from the first
// page whenever the last one is reached (with 10,000 media the sandbox itself takes ~3 ms to cut
// each page out of its feed, which would drown what is measured here).
/** Each walk returns [pages, items, last id], so the walks can be checked to be the same work. */
async function viaPaginatePages() {
	let n = 0;
	let items = 0;
	let last;
	while (n < pages) {
		for await (const page of client.paginatePages('media.list', { limit })) {
			n += 1;
			items += page.data.length;
			last = page.data.at(-1)?.id;
			if (n === pages) break;
		}
	}
	return [n, items, last];
}

async function viaCall() {
	let n = 0;
	let items = 0;
	let last;
	let after;
	while (n < pages) {
		const page = await client.call('media.list', after ? { limit, after } : { limit });
		n += 1;
		items += page.data.length;
		last = page.data.at(-1)?.id;
		after = page.paging?.next ? page.paging.cursors?.after : undefined;
	}
	return [n, items, last];
}

async function viaFetch() {
	let n = 0;
	let items = 0;
	let last;
	let next = firstUrl;
	while (n < pages) {
		const res = await fetch(next);
		const page = JSON.parse(await res.text());
		if (!res.ok) throw new Error(`fetch: HTTP ${res.status}: ${page.error?.message}`);
		n += 1;
		items += page.data.length;
		last = page.data.at(-1)?.id;
		next = page.paging?.next ?? firstUrl;
	}
	return [n, items, last];
}

/** `POST /_sandbox/reset`: usage back to 0 % (same seed: same media, same cursors). */
async function resetUsage() {
	const res = await fetch(`${url}/_sandbox/reset`, { method: 'POST' });
	if (!res.ok) throw new Error(`sandbox reset: HTTP ${res.status}`);
	await res.arrayBuffer();
}

/** Graph requests the sandbox served since the last reset: one per page, whoever asked. */
async function served() {
	const res = await fetch(`${url}/_sandbox/stats`);
	return (await res.json()).requests;
}

const ways = { paginate: viaPaginatePages, call: viaCall, fetch: viaFetch };
const times = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
const results = {};
for (const [name, walk] of Object.entries(ways)) {
	await resetUsage();
	results[name] = await walk(); // warm-up
	const n = await served();
	if (n !== pages) throw new Error(`${name}: the sandbox served ${n} requests for ${pages} pages`);
}
const ref = JSON.stringify(results.fetch);
for (const [name, r] of Object.entries(results)) {
	if (JSON.stringify(r) !== ref) throw new Error(`${name} walked ${JSON.stringify(r)}, fetch ${ref}: not the same work`);
}
const names = Object.keys(ways);
for (let r = 0; r < rounds; r++) {
	// Rotate the order so that drift (CPU frequency, the other cores' load) hits each alike.
	const order = names.map((_, i) => names[(i + r) % names.length]);
	for (const name of order) {
		await resetUsage();
		const t0 = performance.now();
		await ways[name]();
		times[name].push(performance.now() - t0);
	}
}
client.close();
console.log(JSON.stringify({ pages, limit, items: results.fetch[1], rounds, times_ms: times }));
