#!/usr/bin/env node
// Lints the JavaScript that ships (dist/**/*.js) the way n8n's community-package scanner
// does: the Cloud `recommended` rules of @n8n/eslint-plugin-community-nodes (no `process`,
// no restricted imports, ...), `no-console`, and eslint-plugin-n8n-nodes-base's community rules.
// (The scanner also requires npm provenance, which only a CI publish can give.)
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const fromCli = createRequire(createRequire(import.meta.url).resolve('@n8n/node-cli/eslint'));
const { n8nCommunityNodesPlugin } = fromCli('@n8n/eslint-plugin-community-nodes');
const n8nNodesBase = fromCli('eslint-plugin-n8n-nodes-base');
const { ESLint } = createRequire(import.meta.url)('eslint');

const recommended = n8nCommunityNodesPlugin.configs.recommended;
const eslint = new ESLint({
	cwd: ROOT,
	overrideConfigFile: true,
	overrideConfig: [
		{
			files: ['dist/**/*.js'],
			...recommended,
			languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022 },
			rules: { ...recommended.rules, 'no-console': 'error' },
		},
		{ files: ['dist/**/*.js'], plugins: { 'n8n-nodes-base': n8nNodesBase }, rules: { ...n8nNodesBase.configs.community.rules } },
	],
});
const results = await eslint.lintFiles(['dist/**/*.js']);
const formatter = await eslint.loadFormatter('stylish');
const text = await formatter.format(results);
const errors = results.reduce((n, r) => n + r.errorCount, 0);
if (errors) {
	console.error(text);
	console.error(`scan-lint: ${errors} error(s) in dist/ under n8n's scanner rules`);
	process.exit(1);
}
console.log(`scan-lint: ${results.length} files in dist/ pass n8n's scanner rules`);
