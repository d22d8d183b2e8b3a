#!/usr/bin/env node
// `make bench`: the release builds against the alternatives, side by side in one run. These are
// benchmarks, not tests: every figure is printed next to its target with "met"/"MISSED", and the
// exit status is 0 unless a benchmark could not run.
//
//   paging   1,000 sequential media.list pages on loopback against the sandbox command:
//            Node client vs fetch + JSON.parse, Python client vs requests (bench/node/paging.mjs,
//            bench/python/paging.py); the median of several rounds, ratio of medians
//   cold     require of the package / import instagram_graph in fresh processes, minus a bare
//            `node -e ''` / `python -c ''` (both printed)
//   memory   RSS growth while paging 100,000 comments (bench/node/memory.mjs, bench/python/memory.py)
//   sizes    the artifacts: dist/ when `make dist` made it, else the host's release builds
//   webhooks verify + parse of one 1,000-update delivery (bench/lib/webhook-payload.mjs): Node
//            ours vs createHmac + JSON.parse + a hand normalizer (bench/node/webhooks.mjs),
//            Python ours vs hmac + json + the same normalizer (bench/python/webhooks.py), each
//            checked to give the same events first; speedup = baseline median / ours median;
//            and the core alone (examples/webhook_throughput of the core crate, MB/s)
//
// Env (set by mk/bench.mk): IG_BENCH_SANDBOX (the release sandbox command), IG_BENCH_PACKAGE
// (the package directory to require), IG_BENCH_PYTHON (the bench venv's python), and either
// IG_BENCH_DIST (the dist/ directory being measured) or IG_BENCH_HOST_ARTIFACTS (the host's
// release addon, wheel and sandbox command, space-separated). Optional:
// IG_BENCH_ROUNDS (15), IG_BENCH_COLD_RUNS (20), IG_BENCH_ONLY (comma list of the sections).
import { spawnSync, spawn } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startSandbox } from './lib/sandbox.mjs';
import { webhookBody } from './lib/webhook-payload.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const need = (k) => {
	const v = process.env[k];
	if (!v) throw new Error(`${k} is not set (run through make bench)`);
	return v;
};
const SANDBOX = need('IG_BENCH_SANDBOX');
const PACKAGE = need('IG_BENCH_PACKAGE');
const PYTHON = need('IG_BENCH_PYTHON');
const DIST = process.env.IG_BENCH_DIST;
const HOST_ARTIFACTS = DIST ? [] : need('IG_BENCH_HOST_ARTIFACTS').split(/\s+/).filter(Boolean);
const ROUNDS = Number(process.env.IG_BENCH_ROUNDS ?? 15);
const COLD_RUNS = Number(process.env.IG_BENCH_COLD_RUNS ?? 20);
const ONLY = process.env.IG_BENCH_ONLY ? process.env.IG_BENCH_ONLY.split(',') : null;
const PAGES = 1000;
// 10 media a page: the default 180 media are 18 pages, walked over and over.
const LIMIT = 10;
const COMMENTS = 100_000;

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, digits = 1) => x.toFixed(digits);
const rows = [];
/** One line of the summary: `ok` is whether the target is met (null: no target). */
function report(name, value, target, ok) {
	rows.push({ name, value, target, ok });
	console.log(`  ${name}: ${value}${target ? `  (target ${target}: ${ok ? 'met' : 'MISSED'})` : ''}`);
}

/** Run a measuring script in its own process; resolves to the JSON line it prints last. */
function runJson(cmd, args, env) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'], cwd: join(HERE, '.work') });
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.once('error', reject);
		child.once('exit', (code) => {
			if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`));
			try {
				resolve(JSON.parse(out.trim().split('\n').at(-1)));
			} catch (e) {
				reject(new Error(`${cmd} ${args.join(' ')}: no JSON result (${e.message}): ${out.slice(0, 500)}`));
			}
		});
	});
}

function section(name) {
	const on = !ONLY || ONLY.includes(name);
	if (on) console.log(`\n== ${name}`);
	return on;
}

async function paging() {
	const sb = await startSandbox(SANDBOX);
	try {
		const env = { IG_BENCH_URL: sb.url, IG_BENCH_TOKEN: sb.access_token, IG_BENCH_PAGES: String(PAGES), IG_BENCH_LIMIT: String(LIMIT), IG_BENCH_ROUNDS: String(ROUNDS) };
		const node = await runJson(process.execPath, [join(HERE, 'node/paging.mjs')], { ...env, IG_BENCH_PACKAGE: PACKAGE });
		const py = await runJson(PYTHON, [join(HERE, 'python/paging.py')], env);
		for (const [lang, r, base, target] of [
			['Node', node, 'fetch', 1.2],
			['Python', py, 'requests', 1.0],
		]) {
			const m = Object.fromEntries(Object.entries(r.times_ms).map(([k, v]) => [k, median(v)]));
			const perPage = (k) => `${fmt((m[k] * 1000) / r.pages, 0)} µs/page`;
			console.log(`  ${lang}: ${r.pages} pages of ${r.limit} media (${r.items} in all), median of ${r.rounds} rounds:`);
			// The best round is the one least disturbed by other work on the machine.
			const best = Object.fromEntries(Object.entries(r.times_ms).map(([k, v]) => [k, Math.min(...v)]));
			for (const k of Object.keys(m)) console.log(`    ${k.padEnd(9)} median ${fmt(m[k], 0).padStart(5)} ms (${perPage(k)}), best ${fmt(best[k], 0)} ms; rounds: ${r.times_ms[k].map((x) => fmt(x, 0)).join(' ')}`);
			const ratio = m.paginate / m[base];
			report(`${lang} client (paginate) / ${base}`, `${fmt(ratio, 2)}× (best rounds ${fmt(best.paginate / best[base], 2)}×)`, `≤ ${fmt(target, 1)}×`, ratio <= target);
			report(`${lang} client (call with after) / ${base}`, `${fmt(m.call / m[base], 2)}× (best rounds ${fmt(best.call / best[base], 2)}×)`, null, null);
		}
	} finally {
		await sb.stop();
	}
}

/** Wall time (ms) of `cmd args` to exit, each run a fresh process. */
function timeRun(cmd, args) {
	const t0 = performance.now();
	const r = spawnSync(cmd, args, { cwd: join(HERE, '.work'), stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
	const ms = performance.now() - t0;
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
	return ms;
}

function cold() {
	const pkg = JSON.stringify(PACKAGE);
	const cases = {
		node: [process.execPath, ['-e', '']],
		require: [process.execPath, ['-e', `require(${pkg})`]],
		'require+addon': [process.execPath, ['-e', `require(${pkg}).addonInfo()`]],
		python: [PYTHON, ['-c', '']],
		import: [PYTHON, ['-c', 'import instagram_graph']],
	};
	const t = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
	for (const [cmd, args] of Object.values(cases)) timeRun(cmd, args); // page cache warm for all
	for (let i = 0; i < COLD_RUNS; i++) {
		for (const [k, [cmd, args]] of Object.entries(cases)) t[k].push(timeRun(cmd, args));
	}
	const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
	console.log(`  medians of ${COLD_RUNS} fresh processes each (files in the page cache):`);
	for (const k of Object.keys(m)) console.log(`    ${k.padEnd(14)} ${fmt(m[k])} ms`);
	const info = spawnSync(process.execPath, ['-e', `console.log(JSON.stringify(require(${JSON.stringify(PACKAGE)}).addonInfo()))`], { encoding: 'utf8' });
	console.log(`    addon loaded: ${info.stdout.trim() || info.stderr.trim()}`);
	report('cold require (package + addon) − bare node', `${fmt(m['require+addon'] - m.node)} ms (require alone ${fmt(m.require - m.node)} ms; bare node ${fmt(m.node)} ms)`, '≤ 50 ms', m['require+addon'] - m.node <= 50);
	report('cold import instagram_graph − bare python', `${fmt(m.import - m.python)} ms (bare python ${fmt(m.python)} ms)`, '≤ 100 ms', m.import - m.python <= 100);
}

async function memory() {
	const sb = await startSandbox(SANDBOX, ['--bulk-comments', String(COMMENTS)]);
	try {
		const env = { IG_BENCH_URL: sb.url, IG_BENCH_TOKEN: sb.access_token };
		for (const [lang, cmd, script] of [
			['Node', process.execPath, 'node/memory.mjs'],
			['Python', PYTHON, 'python/memory.py'],
		]) {
			const r = await runJson(cmd, [join(HERE, script)], { ...env, IG_BENCH_PACKAGE: PACKAGE });
			if (r.items < COMMENTS) throw new Error(`${lang}: paged only ${r.items} comments`);
			console.log(`  ${lang}: ${r.items} comments in ${fmt(r.seconds)} s, RSS ${fmt(r.rss_before_mb)} → peak ${fmt(r.rss_peak_mb)} MB`);
			report(`${lang} RSS growth paging ${r.items} comments`, `${fmt(r.growth_mb)} MB`, '≤ 50 MB', r.growth_mb <= 50);
		}
	} finally {
		await sb.stop();
	}
}

/** Budgets of the issue (MB): each addon, the packed tarball, each wheel. */
function budgetOf(file) {
	if (file.endsWith('.node') || /\.(so|dylib|dll)$/.test(file)) return 8;
	if (file.endsWith('.tgz')) return 25;
	if (file.endsWith('.whl')) return 10;
	return null;
}

function sizes() {
	const files = DIST
		? [
				...readdirSync(join(DIST, 'native'))
					.filter((f) => f.endsWith('.node'))
					.map((f) => join(DIST, 'native', f)),
				...readdirSync(DIST)
					.filter((f) => /\.(tgz|whl|tar\.gz)$/.test(f))
					.map((f) => join(DIST, f)),
			]
		: HOST_ARTIFACTS;
	console.log(`  ${DIST ? `from ${DIST} (make dist)` : "the host's release builds (no dist/: make dist builds every platform)"}`);
	if (!files.length) throw new Error('no artifacts to size');
	for (const path of files) {
		const mb = statSync(path).size / (1024 * 1024);
		const budget = budgetOf(path);
		report(`size ${path.split('/').at(-1)}`, `${fmt(mb, 2)} MB`, budget ? `≤ ${budget} MB` : null, budget ? mb <= budget : null);
	}
}

async function webhooks() {
	const bodyFile = join(HERE, '.work', 'webhook-1000.json');
	const body = webhookBody(1000);
	writeFileSync(bodyFile, body);
	console.log(`  one delivery of 1,000 updates, ${fmt(body.length / 1024, 0)} KiB (bench/lib/webhook-payload.mjs)`);
	const env = { IG_BENCH_WEBHOOK_BODY: bodyFile, IG_BENCH_ROUNDS: String(ROUNDS) };
	const node = await runJson(process.execPath, [join(HERE, 'node/webhooks.mjs')], { ...env, IG_BENCH_PACKAGE: PACKAGE });
	const py = await runJson(PYTHON, [join(HERE, 'python/webhooks.py')], env);
	for (const [lang, r, base, target] of [
		['Node', node, 'createHmac + JSON.parse + JS normalizer', 1.0],
		['Python', py, 'hmac + json + Python normalizer', 3.0],
	]) {
		const m = { ours: median(r.times_ms.ours), baseline: median(r.times_ms.baseline) };
		const mbs = (ms) => `${fmt(r.bytes / 1e6 / (ms / 1000), 0)} MB/s`;
		console.log(`  ${lang}: median of ${r.times_ms.ours.length} rounds of ${r.iterations}: ours ${fmt(m.ours, 2)} ms (${mbs(m.ours)}), ${base} ${fmt(m.baseline, 2)} ms (${mbs(m.baseline)})`);
		const speedup = m.baseline / m.ours;
		report(`${lang} webhooks verify+parse speedup vs ${base}`, `${fmt(speedup, 2)}×`, `≥ ${fmt(target, 1)}×`, speedup >= target);
	}
	const core = process.env.IG_BENCH_WEBHOOK_CORE;
	if (!core) throw new Error('IG_BENCH_WEBHOOK_CORE is not set (run through make bench)');
	const c = await runJson(core, [bodyFile], env);
	report('core webhook verify+parse throughput', `${fmt(c.core_mb_per_s, 0)} MB/s`, '≥ 300 MB/s', c.core_mb_per_s >= 300);
}

console.log(`bench: node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((x) => fmt(x, 2)).join(' ')} (other work on the machine skews the figures)`);
console.log(`bench: package ${PACKAGE}, sandbox ${SANDBOX}`);
let failed = false;
for (const [name, run] of Object.entries({ sizes, cold, paging, memory, webhooks })) {
	if (!section(name)) continue;
	try {
		await run();
	} catch (e) {
		failed = true;
		console.error(`bench ${name}: could not run: ${e.stack ?? e}`);
	}
}
console.log('\n== summary');
for (const r of rows) if (r.target) console.log(`  ${r.ok ? 'met   ' : 'MISSED'}  ${r.name}: ${r.value} (target ${r.target})`);
const missed = rows.filter((r) => r.target && !r.ok).length;
console.log(`bench: ${rows.filter((r) => r.target).length - missed} targets met, ${missed} missed${failed ? '; some benchmarks could not run' : ''}`);
process.exit(failed ? 1 : 0);
