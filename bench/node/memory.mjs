// Memory while paging 100,000 comments: RSS of this process sampled after every item while
// `paginate('comments.list')` walks the newest media's comments (the sandbox seeded with
// --bulk-comments), items dropped as they come, as a streaming consumer does. Growth = peak
// during the walk minus RSS after one warm-up page. Prints one JSON line.
//
// Env: IG_BENCH_PACKAGE, IG_BENCH_URL, IG_BENCH_TOKEN.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const env = (k) => {
	const v = process.env[k];
	if (!v) throw new Error(`${k} is not set`);
	return v;
};
const ig = createRequire(import.meta.url)(env('IG_BENCH_PACKAGE'));
const client = new ig.InstagramClient({ accessToken: env('IG_BENCH_TOKEN'), baseUrl: env('IG_BENCH_URL') });
const MB = 1024 * 1024;

const newest = (await client.call('media.list', { limit: 1, fields: 'id,comments_count' })).data[0];
// Warm-up: the addon, its runtime and connection pool exist before the baseline is read.
await client.call('comments.list', { media_id: newest.id, limit: 50 });
const before = process.memoryUsage.rss();
let peak = before;
let items = 0;
const t0 = performance.now();
for await (const comment of client.paginate('comments.list', { media_id: newest.id, limit: 50 })) {
	if (typeof comment.id !== 'string') throw new Error('comment without id');
	items += 1;
	const rss = process.memoryUsage.rss();
	if (rss > peak) peak = rss;
}
const seconds = (performance.now() - t0) / 1000;
client.close();
console.log(JSON.stringify({ items, comments_count: newest.comments_count, rss_before_mb: before / MB, rss_peak_mb: peak / MB, growth_mb: (peak - before) / MB, seconds }));
