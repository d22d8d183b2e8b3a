#!/usr/bin/env node
// Copies what tsc does not emit into dist/: icons (svg) and node codex files (*.node.json).
import { cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
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
console.log(`copy-assets: ${copied} files into dist/`);
