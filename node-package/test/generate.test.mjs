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
		id: 'widgets.send_card',
		resource: 'widgets',
		operation: 'send_card',
		summary: 'Send a card',
		description: 'Arrays of objects nested twice, a free-form object, one-flavour and required-with params.',
		http: 'POST /{page_id}/messages',
		params: {
			type: 'object',
			additionalProperties: false,
			required: ['elements'],
			properties: {
				elements: {
					type: 'array',
					maxItems: 10,
					description: 'Cards of the template.',
					items: {
						type: 'object',
						additionalProperties: false,
						required: ['title'],
						properties: {
							title: { type: 'string', maxLength: 80, description: 'Title of the card.' },
							buttons: {
								type: 'array',
								maxItems: 3,
								description: 'Buttons of the card.',
								items: {
									type: 'object',
									required: ['type', 'title'],
									properties: {
										type: { type: 'string', enum: ['web_url', 'postback'], description: 'Kind of button.' },
										title: { type: 'string', maxLength: 20, description: 'Label.' },
										url: { type: 'string', format: 'uri', description: 'Where it opens.' },
									},
								},
							},
						},
					},
				},
				body: { type: 'object', description: 'Extra JSON.' },
				page_id: { type: 'string', 'x-login': 'facebook', description: 'The Page that sends.' },
				ig_user_id: { type: 'string', 'x-required-with': 'facebook', description: 'The account.' },
				media_id: { type: 'string', description: 'A media.' },
				fields: { type: 'string', default: 'id,title', description: 'Fields to return.' },
			},
		},
		paginated: false,
		page_size: null,
		idempotent: false,
		logins: ['facebook'],
		limits: [],
		known_fields: ['id', 'title', 'children'],
	},
	{
		id: 'auth.secret_flow',
		resource: 'auth',
		operation: 'secret_flow',
		summary: 'A token flow',
		description: null,
		http: 'GET /oauth',
		params: { type: 'object', additionalProperties: false, required: [], properties: {} },
		paginated: false,
		page_size: null,
		idempotent: true,
		logins: ['facebook', 'instagram'],
		limits: [],
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
			properties: {
				limit: { type: 'integer', minimum: 1, maximum: 50, description: 'Page size.' },
				after: { type: 'string', description: 'Cursor.' },
				before: { type: 'string', description: 'Cursor.' },
				since: { type: ['integer', 'string'], 'x-timestamp': true, description: 'Only widgets made at or after this time (Unix seconds or a date).' },
			},
		},
		paginated: true,
		paging: { style: 'cursor', cursor_params: ['after', 'before'] },
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
			import type { WidgetsSendCardParams, WidgetsSendCardElement } from './generated/operations';
			const el: WidgetsSendCardElement = { title: 'T', buttons: [{ type: 'postback', title: 'Go' }] };
			const card: WidgetsSendCardParams = { elements: [el], body: { any: [1, 2] }, page_id: '1' };
			// @ts-expect-error a button needs its title
			const noTitle: WidgetsSendCardElement = { title: 'T', buttons: [{ type: 'postback' }] };
			export { p, q, ids, pag, bad, missing, card, noTitle };`,
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
		assert.match(text, /export interface WidgetsSendCardElementButton \{/);
		assert.match(text, /body\?: Record<string, unknown>;/);
		assert.match(text, /Only with Facebook Login\./);
		assert.match(text, /Required with Facebook Login\./);
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
				size: 'integer/options',
				ratio: 'number/options',
				hide: 'boolean/options',
				tags: 'string_list/options',
				metrics: 'enum_list/options',
				at: 'timestamp/options',
				mode: 'enum/options',
				link: 'string/options',
			},
		);
		assert.deepEqual(Object.keys(OPERATION_META['widgets.list'].params), ['since'], 'page size and cursors are not fields');
		assert.equal(OPERATION_META['auth.secret_flow'], undefined, 'token flows are hidden from the node');

		const show = (p) => p.displayOptions?.show?.operation?.[0];
		const top = Object.fromEntries(properties.filter((p) => show(p) === 'update_item').map((p) => [p.name, p]));
		assert.equal(top.widget_id.displayName, 'Widget ID');
		assert.equal(top.widget_id.required, true);
		assert.equal(top.color.type, 'options');
		assert.deepEqual(top.color.options.map((o) => o.value), ['blue', 'green', 'red']);
		const opts = Object.fromEntries(top.options.options.map((p) => [p.name, p]));
		assert.equal(opts.size.type, 'number');
		assert.equal(opts.size.default, 3);
		assert.deepEqual(opts.size.typeOptions, { minValue: 1, maxValue: 10, numberPrecision: 0 });
		assert.equal(opts.link.displayName, 'Link');
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
		assert.match(update.description, /Writes to Instagram/);
		const list = operation.options.find((o) => o.value === 'list');
		assert.equal(list.name, 'Get Many');
		assert.equal(list.action, 'Get many widgets');
		assert.match(list.description, /Reads only/);
		const resource = properties.find((p) => p.name === 'resource');
		assert.deepEqual(resource.options, [{ name: 'Widget', value: 'widgets' }]);
		assert.ok(properties.some((p) => p.name === 'returnAll' && show(p) === 'list'));
		const listProps = properties.filter((p) => show(p) === 'list');
		assert.ok(!listProps.some((p) => ['after', 'before'].includes(p.name)));
		const since = listProps.find((p) => p.name === 'options').options.find((o) => o.name === 'since');
		assert.equal(since.type, 'dateTime');
		assert.equal(since.description, 'Only widgets made at or after this date and time. Pick a date and time (without a time zone it is read as UTC).');
	});

	test('arrays of objects, objects, fields, locators and login annotations', () => {
		const { properties, OPERATION_META } = load('nodes/Instagram/generated/properties.ts');
		const card = properties.filter((p) => p.displayOptions?.show?.operation?.[0] === 'send_card');
		const names = card.map((p) => p.name);
		assert.deepEqual(names.slice(0, 1), ['loginNotice'], 'a one-flavour operation carries a notice');
		// The account first, then the Page, then the object, then the rest.
		assert.deepEqual(names.filter((n) => n !== 'loginNotice' && n !== 'options'), ['ig_user_id', 'ig_user_id', 'ig_user_id', 'page_id', 'media_id', 'elements', 'body']);
		const ig = card.filter((p) => p.name === 'ig_user_id');
		assert.deepEqual(ig.map((p) => [p.displayOptions.show.authentication, Boolean(p.required)]), [
			[['facebookOAuth2'], true],
			[['instagramOAuth2'], false],
			[['accessToken'], false],
		]);
		assert.equal(ig[0].type, 'resourceLocator');
		assert.deepEqual(ig[0].default, { mode: 'list', value: '' });
		assert.equal(ig[0].modes[0].typeOptions.searchListMethod, 'searchAccounts');
		assert.match(ig[2].description, /^Required with Facebook Login — pick the account from the list/);
		const page = card.find((p) => p.name === 'page_id');
		assert.deepEqual(page.displayOptions.show.authentication, ['accessToken', 'facebookOAuth2']);
		assert.match(page.description, /Only with Facebook Login\.$/);
		const media = card.find((p) => p.name === 'media_id');
		assert.deepEqual(media.modes.map((m) => m.name), ['list', 'id', 'url']);
		const elements = card.find((p) => p.name === 'elements');
		assert.equal(elements.type, 'fixedCollection');
		assert.deepEqual(elements.default, {});
		assert.equal(elements.typeOptions.multipleValues, true);
		assert.equal(elements.options[0].name, 'element');
		const buttons = elements.options[0].values.find((v) => v.name === 'buttons');
		assert.equal(buttons.type, 'fixedCollection');
		assert.equal(buttons.options[0].name, 'button');
		assert.deepEqual(buttons.options[0].values.map((v) => [v.name, v.type, Boolean(v.required)]), [
			['title', 'string', true],
			['type', 'options', true],
			['url', 'string', false],
		]);
		const body = card.find((p) => p.name === 'body');
		assert.equal(body.type, 'json');
		const options = card.find((p) => p.name === 'options').options;
		const fields = options.find((o) => o.name === 'fields');
		assert.equal(fields.type, 'multiOptions');
		assert.deepEqual(fields.options.map((o) => o.value), ['children', 'id', 'title']);
		assert.deepEqual(fields.default, []);
		assert.ok(options.some((o) => o.name === 'customFields'));
		const meta = OPERATION_META['widgets.send_card'];
		assert.deepEqual(meta.fields, { known: ['id', 'title', 'children'], default: 'id,title' });
		assert.equal(meta.params.elements.item, 'element');
		assert.equal(meta.params.elements.items.buttons.item, 'button');
		assert.equal(meta.params.ig_user_id.locator, 'account');
		assert.equal(meta.params.ig_user_id.requiredWith, 'facebook');
		assert.equal(meta.params.page_id.login, 'facebook');
		assert.equal(meta.reads, false);
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

describe('node parameter conversion of collections, JSON and fields; plain output', () => {
	const { collectParams } = require('../dist/nodes/Instagram/params.js');
	const { plainItems } = require('../dist/nodes/Instagram/output.js');
	const node = { name: 'Instagram', type: 't', typeVersion: 1, position: [0, 0], parameters: {} };
	const meta = {
		paginated: false,
		reads: false,
		logins: ['facebook'],
		fields: { known: ['id', 'title'], default: 'id,title' },
		params: {
			elements: {
				kind: 'object_list',
				place: 'top',
				label: 'Elements',
				item: 'element',
				items: {
					title: { kind: 'string', place: 'item', label: 'Title' },
					buttons: {
						kind: 'object_list',
						place: 'item',
						label: 'Buttons',
						item: 'button',
						items: { title: { kind: 'string', place: 'item', label: 'Title' }, url: { kind: 'string', place: 'item', label: 'URL' } },
					},
				},
			},
			body: { kind: 'object', place: 'top', label: 'Body' },
			media_id: { kind: 'string', place: 'top', label: 'Media ID', locator: 'media' },
			fields: { kind: 'string', place: 'options', label: 'Fields' },
		},
	};
	const ctx = (values) => ({ getNode: () => node, getNodeParameter: (name, _i, fallback) => (name in values ? values[name] : fallback) });

	test('fixed collections nest, JSON parses, fields join, a media URL is left to look up', () => {
		const { params, lookups } = collectParams(
			ctx({
				elements: { element: [{ title: ' Hi ', buttons: { button: [{ title: 'Go', url: '' }] } }] },
				body: '{"a": 1}',
				media_id: { __rl: true, mode: 'url', value: 'https://www.instagram.com/reel/Cabc123/' },
				options: { fields: ['id'], customFields: 'children{id}' },
			}),
			0,
			meta,
		);
		assert.deepEqual(params, { elements: [{ title: 'Hi', buttons: [{ title: 'Go' }] }], body: { a: 1 }, fields: 'id,children{id}' });
		assert.deepEqual(lookups, [{ param: 'media_id', shortcode: 'https://www.instagram.com/reel/Cabc123/' }]);
	});

	test('bad JSON names the field', () => {
		assert.throws(() => collectParams(ctx({ body: '{nope' }), 3, meta), (e) => /^Body: not valid JSON/.test(e.message) && e.context.itemIndex === 3);
		assert.throws(() => collectParams(ctx({ body: '[1]' }), 0, meta), /Body: must be a JSON object/);
	});

	test('plain items: nested edges unwrapped, id first, same keys with nulls', () => {
		const out = plainItems(
			[
				{ caption: 'a', children: { data: [{ id: 'c1' }], paging: { cursors: { after: 'x' } } }, id: '1' },
				{ id: '2', extra: true },
			],
			['caption', 'children', 'like_count'],
		);
		assert.deepEqual(out, [
			{ id: '1', caption: 'a', children: [{ id: 'c1' }], like_count: null, extra: null },
			{ id: '2', caption: null, children: null, like_count: null, extra: true },
		]);
		assert.deepEqual(Object.keys(out[0]), ['id', 'caption', 'children', 'like_count', 'extra']);
	});
});
