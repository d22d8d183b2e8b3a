// Shared test helpers: the package under test (built dist/), sandbox stats, fixtures.
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PKG_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = join(PKG_DIR, '..');
export const require = createRequire(import.meta.url);

/** The package as users get it: require('n8n-nodes-instagram-graph') → dist/index.js. */
export const ig = require(PKG_DIR);

/** `GET {url}/_sandbox/stats` → `{requests, by_endpoint}`. */
export async function stats(sb) {
	const res = await fetch(`${sb.url}/_sandbox/stats`);
	if (!res.ok) throw new Error(`stats: HTTP ${res.status}`);
	return res.json();
}

/** Shared Graph error fixtures (`fixtures/graph/errors/*.json`), or [] when absent. */
export function errorFixtures() {
	const dir = join(REPO_DIR, 'fixtures', 'graph', 'errors');
	let names = [];
	try {
		names = readdirSync(dir).filter((n) => n.endsWith('.json'));
	} catch {
		return [];
	}
	return names.sort().map((name) => ({ name, ...JSON.parse(readFileSync(join(dir, name), 'utf8')) }));
}

/** A client for the sandbox. */
export function clientFor(sb, extra = {}) {
	return new ig.InstagramClient({ accessToken: sb.accessToken, baseUrl: sb.url, ...extra });
}

/** Collect an async iterable. */
export async function collect(it) {
	const out = [];
	for await (const x of it) out.push(x);
	return out;
}
