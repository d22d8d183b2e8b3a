// The generator over the whole schema subset of core/src/ops/mod.rs (string, integer, number,
// boolean, enum, arrays of strings with and without enum, timestamps, defaults, ranges, required),
// from a synthetic catalogue: the TypeScript it writes type-checks under `strict`, and the n8n
// properties and metadata have the expected shapes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PKG_DIR, require } from './helpers.mjs';

const ts = require('typescript');

const catalogue = [
	{
		id: 'widgets.update_item',
		resource: 'widgets',
		operation: 'update_item',
		summary: "Update the widget's item",
		description: 'Change one widget.\n\nTwo paragraphs of docs.',
		http: 'POST /{widget_id}',
		params: {
			type: 'object',
			additionalProperties: false,
			required: ['widget_id', 'color'],
			properties: {
				widget_id: { type: 'string', description: 'Widget id.' },
				color: { type: 'string', enum: ['red', 'green', 'blue'], description: 'Colour of the widget.' },
				size: { type: 'integer', minimum: 1, maximum: 10, default: 3, description: 'Size (1–10).' },
				ratio: { type: 'number', description: 'A ratio.' },
				hide: { type: 'boolean', description: 'Hide the widget.' },
				tags: { type: 'array', items: { type: 'string' }, description: 'Free tags.' },
				metrics: { type: 'array', items: { type: 'string', enum: ['reach', 'likes'] }, description: 'Metrics to read.' },
				at: { type: ['integer', 'string'], 'x-timestamp': true, description: 'When.' },
				mode: { type: 'string', enum: ['fast', 'slow'], description: 'Mode.' },
				link: { type: 'string', format: 'uri', description: 'A URL.' },
			},
		},
		paginated: false,
		page_size: null,
		idempotent: false,
		logins: ['facebook'],
		limits: ['one per second'],
	},
	{
		id: 'widgets.list',
		resource: 'widgets',
		operation: 'list',
		summary: 'List widgets',
		description: null,
		http: 'GET /widgets',
		params: {
			type: 'object',
			additionalProperties: false,
			required: [],
			properties: { limit: { type: 'integer', minimum: 1, maximum: 50, description: 'Page size.' } },
		},
		paginated: true,
		page_size: { param: 'limit', default: 25, max: 50 },
		idempotent: true,
		logins: ['facebook', 'instagram'],
		limits: [],
	},
];

let dir;
before(() => {
	dir = mkdtempSync(join(tmpdir(), 'ig-gen-subset-'));
	writeFileSync(join(dir, 'catalogue.json'), JSON.stringify(catalogue));
	const r = spawnSync(process.execPath, [join(PKG_DIR, 'scripts/generate.mjs'), '--catalogue', join(dir, 'catalogue.json'), '--out', dir], {
		encoding: 'utf8',
	});
	assert.equal(r.status, 0, r.stderr);
	mkdirSync(join(dir, 'src'), { recursive: true });
	cpSync(join(PKG_DIR, 'src/types.ts'), join(dir, 'src/types.ts'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function load(rel) {
	const out = ts.transpileModule(readFileSync(join(dir, rel), 'utf8'), {
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
	}).outputText;
	const module = { exports: {} };
	new Function('module', 'exports', 'require', out)(module, module.exports, require);
	return module.exports;
}

describe('generator over the full schema subset', () => {
	test('the generated TypeScript type-checks (strict), and uses the params', () => {
		const usage = join(dir, 'src/usage.ts');
		writeFileSync(
			usage,
			`import type { WidgetsUpdateItemParams, WidgetsListParams, OperationId, PaginatedOperationId } from './generated/operations';
			const p: WidgetsUpdateItemParams = { widget_id: '1', color: 'red', size: 2, ratio: 0.5, hide: true, tags: ['a'], metrics: ['reach'], at: new Date(), mode: 'fast', link: 'https://x' };
			const q: WidgetsListParams = {};
			const ids: OperationId[] = ['widgets.update_item', 'widgets.list'];
			const pag: PaginatedOperationId = 'widgets.list';
			// @ts-expect-error colour outside the enum
			const bad: WidgetsUpdateItemParams = { widget_id: '1', color: 'purple' };
			// @ts-expect-error a required param is missing
			const missing: WidgetsUpdateItemParams = { color: 'red' };
			export { p, q, ids, pag, bad, missing };`,
		);
		const program = ts.createProgram([join(dir, 'src/generated/operations.ts'), join(dir, 'nodes/Instagram/generated/properties.ts'), usage], {
			strict: true,
			noEmit: true,
			target: ts.ScriptTarget.ES2022,
			module: ts.ModuleKind.CommonJS,
			moduleResolution: ts.ModuleResolutionKind.Node10,
			skipLibCheck: true,
			types: [],
			baseUrl: PKG_DIR,
			paths: { 'n8n-workflow': [join(PKG_DIR, 'node_modules/n8n-workflow')] },
		});
		const diags = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
		assert.deepEqual(diags, []);
		const text = readFileSync(join(dir, 'src/generated/operations.ts'), 'utf8');
		assert.match(text, /updateItem\(params: WidgetsUpdateItemParams\): Promise<GraphObject>/);
		assert.match(text, /listAll\(params\?: WidgetsListParams, options\?: PaginateOptions\)/);
		assert.match(text, /color: 'red' \| 'green' \| 'blue';/);
		assert.match(text, /metrics\?: Array<'reach' \| 'likes'>;/);
		assert.match(text, /at\?: Timestamp;/);
		assert.match(text, /Limits: one per second\./);
	});

	test('n8n properties and metadata', () => {
		const { properties, OPERATION_META } = load('nodes/Instagram/generated/properties.ts');
		const meta = OPERATION_META['widgets.update_item'];
		assert.deepEqual(Object.keys(meta.params).slice(0, 2), ['widget_id', 'color'], 'required params first');
		assert.deepEqual(
			Object.fromEntries(Object.entries(meta.params).map(([k, v]) => [k, `${v.kind}/${v.place}`])),
			{
				widget_id: 'string/top',
				color: 'enum/top',
				size: 'integer/top',
				ratio: 'number/options',
				hide: 'boolean/options',
				tags: 'string_list/options',
				metrics: 'enum_list/options',
				at: 'timestamp/options',
				mode: 'enum/options',
				link: 'string/top',
			},
		);
		assert.deepEqual(Object.keys(OPERATION_META['widgets.list'].params), [], 'the page-size param is not a field');

		const show = (p) => p.displayOptions?.show?.operation?.[0];
		const top = Object.fromEntries(properties.filter((p) => show(p) === 'update_item').map((p) => [p.name, p]));
		assert.equal(top.widget_id.displayName, 'Widget ID');
		assert.equal(top.widget_id.required, true);
		assert.equal(top.color.type, 'options');
		assert.deepEqual(top.color.options.map((o) => o.value), ['blue', 'green', 'red']);
		assert.equal(top.size.type, 'number');
		assert.equal(top.size.default, 3);
		assert.deepEqual(top.size.typeOptions, { minValue: 1, maxValue: 10, numberPrecision: 0 });
		assert.equal(top.link.displayName, 'Link');
		const opts = Object.fromEntries(top.options.options.map((p) => [p.name, p]));
		assert.equal(opts.hide.type, 'boolean');
		assert.match(opts.hide.description, /^Whether to hide the widget$/);
		assert.equal(opts.tags.type, 'string');
		assert.match(opts.tags.description, /comma-separated/);
		assert.equal(opts.metrics.type, 'multiOptions');
		assert.equal(opts.at.type, 'dateTime');
		assert.equal(opts.ratio.typeOptions, undefined);
		const names = top.options.options.map((p) => p.displayName);
		assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)), 'collection items sorted');

		const operation = properties.find((p) => p.name === 'operation');
		const update = operation.options.find((o) => o.value === 'update_item');
		assert.equal(update.name, 'Update Item');
		assert.equal(update.action, 'Update the item of the widget');
		const resource = properties.find((p) => p.name === 'resource');
		assert.deepEqual(resource.options, [{ name: 'Widget', value: 'widgets' }]);
		assert.ok(properties.some((p) => p.name === 'returnAll' && show(p) === 'list'));
	});
});

describe('node parameter conversion', () => {
	const { convertValue } = require('../dist/nodes/Instagram/params.js');
	test('each kind', () => {
		assert.equal(convertValue('string', '  abc '), 'abc');
		assert.equal(convertValue('string', ''), undefined);
		assert.equal(convertValue('string', null), undefined);
		assert.equal(convertValue('integer', '42'), 42);
		assert.equal(convertValue('integer', ''), undefined);
		assert.equal(convertValue('boolean', false), false);
		assert.equal(convertValue('boolean', 'true'), true);
		assert.equal(convertValue('timestamp', '2026-01-31T00:00:00'), '2026-01-31T00:00:00');
		assert.equal(convertValue('timestamp', '1769817600'), 1769817600);
		assert.equal(convertValue('timestamp', new Date(1769817600000)), 1769817600);
		assert.equal(convertValue('timestamp', { toISO: () => '2026-01-31T00:00:00.000Z' }), '2026-01-31T00:00:00.000Z');
		assert.deepEqual(convertValue('string_list', ' a, b ,,c '), ['a', 'b', 'c']);
		assert.equal(convertValue('string_list', ' , '), undefined);
		assert.deepEqual(convertValue('enum_list', ['reach']), ['reach']);
		assert.equal(convertValue('enum_list', []), undefined);
	});
});
