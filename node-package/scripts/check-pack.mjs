#!/usr/bin/env node
// Checks an `npm pack` tarball of n8n-nodes-instagram-graph against what n8n needs and
// prints its absolute path last: the addon and dist inside, no runtime dependencies, no
// lifecycle scripts, only n8n-workflow as peer, every declared node/credential present.
// --all-platforms (the release tarball of `make dist`): native/ holds exactly the addons of
// every platform the package supports, none empty. Without it one addon is enough (the
// development tarball of `make node-pack` carries this machine's only).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

// The platforms the release ships: the loader's own list (its candidates, by napi-rs triple),
// from the compiled package this tarball is packed from.
const { SAFE_ORDER: ALL_PLATFORMS } = createRequire(import.meta.url)('../dist/src/native.js');

let args;
try {
	args = parseArgs({ allowPositionals: true, options: { 'all-platforms': { type: 'boolean', default: false } } });
} catch (e) {
	console.error(`check-pack.mjs: ${e.message}`);
	args = { positionals: [] };
}
const tarball = args.positionals[0];
if (!tarball || args.positionals.length > 1) {
	console.error('usage: check-pack.mjs [--all-platforms] <tarball>');
	process.exit(2);
}
const entries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
	.split('\n')
	.filter(Boolean)
	.map((e) => e.replace(/^package\//, ''));
const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));

const problems = [];
const need = (cond, msg) => {
	if (!cond) problems.push(msg);
};
need(entries.some((e) => /^native\/instagram-graph\.[\w-]+\.node$/.test(e)), 'no native/instagram-graph.<triple>.node inside');
if (args.values['all-platforms']) {
	const expected = ALL_PLATFORMS.map((t) => `native/instagram-graph.${t}.node`);
	const natives = entries.filter((e) => e.startsWith('native/') && !e.endsWith('/'));
	for (const f of expected) need(natives.includes(f), `missing ${f} (--all-platforms)`);
	for (const f of natives) need(expected.includes(f), `unexpected ${f} in native/ (--all-platforms: exactly ${ALL_PLATFORMS.length} addons)`);
	// Sizes from the listing: an empty or truncated copy would still have the right name.
	const listing = execFileSync('tar', ['-tvzf', tarball], { encoding: 'utf8' }).split('\n');
	for (const f of expected) {
		const line = listing.find((l) => l.endsWith(` package/${f}`));
		const size = line ? Number(line.trim().split(/\s+/)[2]) : 0;
		need(!line || size > 0, `${f} is empty`);
	}
}
for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/src/native.js', ...pkg.n8n.nodes, ...(pkg.n8n.credentials ?? [])]) {
	need(entries.includes(f), `missing ${f}`);
}
need(entries.some((e) => e.startsWith('dist/icons/') && e.endsWith('.svg')), 'no icons in dist/icons');
need(!entries.some((e) => e.endsWith('.ts') && !e.endsWith('.d.ts')), 'TypeScript sources inside (files should be dist + native)');
need(!entries.some((e) => e.startsWith('test/') || e.startsWith('node_modules/')), 'tests or node_modules inside');
need(!pkg.dependencies || Object.keys(pkg.dependencies).length === 0, 'dependencies must be empty (n8n rule)');
const forbidden = ['prepare', 'preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'postprepare'];
need(!forbidden.some((s) => pkg.scripts?.[s]), `lifecycle scripts are forbidden (${forbidden.join(', ')})`);
need(JSON.stringify(pkg.peerDependencies) === JSON.stringify({ 'n8n-workflow': '*' }), 'peerDependencies must be exactly {"n8n-workflow":"*"}');
need(pkg.keywords?.includes('n8n-community-node-package'), 'keyword n8n-community-node-package missing');
need(pkg.n8n?.n8nNodesApiVersion === 1, 'n8n.n8nNodesApiVersion must be 1');
need(pkg.license === 'MIT', 'license must be MIT');

if (problems.length) {
	console.error(`check-pack: ${tarball}:\n  ${problems.join('\n  ')}`);
	process.exit(1);
}
const natives = entries.filter((e) => e.startsWith('native/'));
console.log(`check-pack: ok (${entries.length} files; addon: ${natives.join(', ')})`);
console.log(resolve(tarball));
