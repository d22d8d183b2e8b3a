#!/usr/bin/env node
// After tsc: copy what tsc does not emit into dist/ (icons, node codex files), and drop
// eslint directive comments from the emitted JS. Those directives name rules of the source
// lint (typescript-eslint); n8n's package scanner lints the tarball's JS without that plugin
// and reports a directive for an unknown rule as an error.
import { cpSync, readdirSync, readFileSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function walk(dir) {
	return readdirSync(dir).flatMap((name) => {
		const p = join(dir, name);
		return statSync(p).isDirectory() ? walk(p) : [p];
	});
}

let copied = 0;
for (const top of ['icons', 'nodes', 'credentials']) {
	for (const file of walk(join(ROOT, top))) {
		if (!/\.(svg|png)$|\.node\.json$/.test(file)) continue;
		const dest = join(ROOT, 'dist', relative(ROOT, file));
		mkdirSync(dirname(dest), { recursive: true });
		cpSync(file, dest);
		copied++;
	}
}

let stripped = 0;
for (const file of walk(join(ROOT, 'dist')).filter((f) => f.endsWith('.js'))) {
	const text = readFileSync(file, 'utf8');
	const out = text.replace(/^[ \t]*\/\*\s*eslint-(?:disable|enable)\b[^*]*\*\/[ \t]*\r?\n/gm, '');
	if (out !== text) {
		writeFileSync(file, out);
		stripped++;
	}
}
console.log(`postbuild: ${copied} assets copied, eslint directives dropped from ${stripped} files`);
