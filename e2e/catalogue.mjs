// The catalogue part of the real-n8n run (used by e2e/run.mjs): at least one operation per
// resource as nodes of the e2e workflow, including a DM reply to a webhook message inside the
// messaging window and a refusal outside it, and the editor's dynamic-parameter calls (resource
// locator searches, load-options methods) through n8n's REST API. Plain Node, no dependencies.
//
// Node parameters are derived from the installed node's own description (the generator decides
// where a param lives: top level, a resource locator, a collection such as Options), so the
// checks follow the generated UI instead of restating it.
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const NODE_TYPE = 'n8n-nodes-instagram-graph.instagram';

/**
 * The operations the workflow runs. `login` picks the credential (Instagram Login unless
 * "facebook"); params use the placeholders of fixtures/conformance/README.md (`$ig_user_id`,
 * `$content.media_id`, `$messaging.recipient_id`) plus `$dm.sender_id` / `$dm.mid`: the DM the
 * sandbox's simulate endpoint delivered just before the executions. `error`: the expected kind.
 */
export const CATALOGUE_NODES = [
	{ name: 'Accounts: list', op: 'accounts.list', params: {} },
	{ name: 'Pages: list (Facebook Login)', op: 'pages.list', login: 'facebook', params: {} },
	{ name: 'User: publishing limit', op: 'user.content_publishing_limit', params: {} },
	{ name: 'User: business discovery', op: 'user.business_discovery', login: 'facebook', params: { ig_user_id: '$ig_user_id', username: '$content.username' } },
	{ name: 'Media: get', op: 'media.get', params: { media_id: '$content.media_id' } },
	{ name: 'Media: children', op: 'media.children', params: { media_id: '$content.carousel_id' } },
	{ name: 'Stories: list', op: 'stories.list', params: {} },
	{ name: 'Comments: list', op: 'comments.list', params: { media_id: '$content.media_id' } },
	{ name: 'Comments: reply', op: 'comments.reply', params: { comment_id: '$content.comment_id', message: 'Thanks from n8n!' } },
	{ name: 'Mentions: reply', op: 'mentions.reply', login: 'facebook', params: { ig_user_id: '$ig_user_id', media_id: '$content.mentioned_media_id', message: 'Thanks for the mention!' } },
	{ name: 'Hashtags: search', op: 'hashtags.search', login: 'facebook', params: { ig_user_id: '$ig_user_id', name: '$content.hashtag' } },
	{ name: 'Conversations: list', op: 'conversations.list', params: {} },
	{ name: 'Messenger profile: get', op: 'messenger_profile.get', params: {} },
	// An object answer (one item) and a list answer (walked like an edge, Limit applies).
	{ name: 'Graph: raw request', op: 'graph.request', params: { method: 'GET', path: 'me', query: { fields: 'id,username' } } },
	{ name: 'Graph: raw request (a list)', op: 'graph.request', params: { method: 'GET', path: '${ig_user_id}/media', query: { fields: 'id,timestamp' } } },
	{ name: 'DM: reply inside the window', op: 'messages.send_text', params: { recipient_id: '$dm.sender_id', text: 'Thanks for your message!' } },
	{ name: 'DM: refused outside the window', op: 'messages.send_text', params: { recipient_id: '$messaging.recipient_id', text: 'Sorry for the delay' }, error: 'outside_window' },
];

function lookup(ctx, path) {
	let cur = ctx;
	for (const seg of path.split('.')) {
		if (cur === null || typeof cur !== 'object') return undefined;
		cur = Array.isArray(cur) ? cur[Number(seg)] : cur[seg];
	}
	return cur ?? undefined;
}

/** Fill `$path` placeholders; returns { value } or { missing }. */
export function fill(v, ctx) {
	if (typeof v === 'string' && v.startsWith('${')) {
		let missing = null;
		const out = v.replace(/\$\{([^}]*)\}/g, (_, name) => {
			const x = lookup(ctx, name);
			if (x === undefined) missing ??= `\${${name}}`;
			return String(x);
		});
		return missing ? { missing } : { value: out };
	}
	if (typeof v === 'string' && v.startsWith('$')) {
		const x = lookup(ctx, v.slice(1));
		return x === undefined ? { missing: v } : { value: x };
	}
	if (Array.isArray(v)) {
		const out = [];
		for (const x of v) {
			const r = fill(x, ctx);
			if (r.missing) return r;
			out.push(r.value);
		}
		return { value: out };
	}
	if (v && typeof v === 'object') {
		const out = {};
		for (const [k, x] of Object.entries(v)) {
			const r = fill(x, ctx);
			if (r.missing) return r;
			out[k] = r.value;
		}
		return { value: out };
	}
	return { value: v };
}

/**
 * The installed package's node (dist/nodes/Instagram/Instagram.node.js) and catalogue, loaded
 * the way n8n does (its n8n-workflow comes from NODE_PATH: the n8n install's node_modules).
 */
export function loadNode(pkgDir) {
	const require = createRequire(join(pkgDir, 'package.json'));
	const { Instagram } = require(join(pkgDir, 'dist', 'nodes', 'Instagram', 'Instagram.node.js'));
	const node = new Instagram();
	const operations = require(pkgDir).operations();
	return { description: node.description, methods: node.methods ?? {}, operations };
}

const shown = (prop, resource, operation) => {
	const show = prop.displayOptions?.show;
	if (!show) return true;
	if (show.resource && !show.resource.includes(resource)) return false;
	if (show.operation && !show.operation.includes(operation)) return false;
	return true;
};

/** One param's value in the shape n8n stores for the property type. */
function asParameter(prop, v) {
	switch (prop.type) {
		case 'resourceLocator':
			return { __rl: true, mode: 'id', value: v };
		case 'json':
			return typeof v === 'string' ? v : JSON.stringify(v);
		case 'multiOptions':
			return typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v;
		default:
			return v;
	}
}

/**
 * n8n node parameters for `opId` with catalogue `params`, from the node's description:
 * `{ parameters }` or `{ problem }` (a param the UI does not offer, an operation it lacks).
 */
export function nodeParameters(description, opId, params) {
	const [resource, operation] = opId.split('.');
	const props = description.properties;
	const resourceProp = props.find((p) => p.name === 'resource');
	if (!resourceProp?.options?.some((o) => o.value === resource)) return { problem: `the node has no resource "${resource}"` };
	const opProp = props.find((p) => p.name === 'operation' && shown(p, resource, undefined) && p.options?.some((o) => o.value === operation));
	if (!opProp) return { problem: `the node has no operation "${operation}" under resource "${resource}"` };
	const parameters = { resource, operation };
	const visible = props.filter((p) => p.displayOptions?.show?.operation && shown(p, resource, operation));
	for (const [name, v] of Object.entries(params)) {
		const top = visible.find((p) => p.name === name);
		if (top) {
			parameters[name] = asParameter(top, v);
			continue;
		}
		const coll = visible.find((p) => p.type === 'collection' && p.options?.some((o) => o.name === name));
		if (coll) {
			const inner = coll.options.find((o) => o.name === name);
			parameters[coll.name] = { ...(parameters[coll.name] ?? {}), [name]: asParameter(inner, v) };
			continue;
		}
		// Node-wide parameters (authentication, request options) pass as they are.
		if (props.some((p) => p.name === name && !p.displayOptions?.show?.operation)) {
			parameters[name] = v;
			continue;
		}
		return { problem: `the node offers no parameter "${name}" for ${opId}` };
	}
	if (visible.some((p) => p.name === 'returnAll')) {
		parameters.returnAll = false;
		parameters.limit = 5;
	}
	return { parameters };
}

/**
 * The template's own Instagram nodes, re-expressed through the node's description (the
 * generator decides where `fields` or `ig_user_id` live); Return All / Limit kept as written.
 * Returns the problems (a template param the node no longer offers).
 */
export function remapTemplateNodes(description, nodes) {
	const problems = [];
	for (const n of nodes) {
		if (n.type !== NODE_TYPE) continue;
		const { resource, operation, returnAll, limit, ...params } = n.parameters;
		const mapped = nodeParameters(description, `${resource}.${operation}`, params);
		if (mapped.problem) {
			problems.push(`"${n.name}": ${mapped.problem}`);
			continue;
		}
		const out = { ...mapped.parameters };
		delete out.returnAll;
		delete out.limit;
		if (returnAll !== undefined) out.returnAll = returnAll;
		if (limit !== undefined) out.limit = limit;
		n.parameters = out;
	}
	return problems;
}

/**
 * The workflow nodes for CATALOGUE_NODES and the plan `check` reads back:
 * `{ nodes, plan: [{ name, op, error?, skip? }] }`.
 */
export function catalogueWorkflowNodes(loaded, ctx, creds, startIndex) {
	const ids = new Set(loaded.operations.map((o) => o.id));
	const nodes = [];
	const plan = [];
	let i = 0;
	for (const c of CATALOGUE_NODES) {
		const entry = { name: c.name, op: c.op, error: c.error ?? null };
		if (!ids.has(c.op)) {
			plan.push({ ...entry, skip: `${c.op} is not in the catalogue yet` });
			continue;
		}
		const filled = fill(c.params, ctx);
		if (filled.missing) {
			plan.push({ ...entry, skip: `the sandbox info lacks ${filled.missing}` });
			continue;
		}
		const mapped = nodeParameters(loaded.description, c.op, filled.value);
		if (mapped.problem) {
			plan.push({ ...entry, fail: mapped.problem });
			continue;
		}
		const cred = c.login === 'facebook' ? creds.facebook : creds.instagram;
		nodes.push({
			id: `0b3c1f7e-0000-4000-8000-${String(900 + startIndex + i++).padStart(12, '0')}`,
			name: c.name,
			type: NODE_TYPE,
			typeVersion: 1,
			position: [900, 200 * i],
			// Error items instead of a failed execution: each node is judged on its own.
			onError: 'continueRegularOutput',
			parameters: mapped.parameters,
			credentials: { instagramGraphApi: { id: cred.id, name: cred.name } },
		});
		plan.push(entry);
	}
	return { nodes, plan };
}

/** Judge each planned node in the execution: `[{ name, status: PASS|FAIL|SKIP, detail }]`. */
export function checkCatalogue(run, plan, short) {
	const out = [];
	for (const p of plan) {
		const name = `catalogue ${p.op}`;
		if (p.skip) {
			out.push({ name, status: 'SKIP', detail: `"${p.name}": ${p.skip}` });
			continue;
		}
		if (p.fail) {
			out.push({ name, status: 'FAIL', detail: `"${p.name}": ${p.fail}` });
			continue;
		}
		const runs = run?.data?.resultData?.runData?.[p.name];
		const r = Array.isArray(runs) ? runs[runs.length - 1] : null;
		const items = r?.data?.main?.[0];
		if (!r) out.push({ name, status: 'FAIL', detail: `"${p.name}" did not run` });
		else if (r.error) out.push({ name, status: 'FAIL', detail: `"${p.name}" failed: ${short(r.error.message ?? r.error)}` });
		else if (!Array.isArray(items)) out.push({ name, status: 'FAIL', detail: `"${p.name}" has no main output` });
		else if (p.error) {
			const e = items[0]?.json;
			const kind = e?.details?.kind;
			if (items.length !== 1 || !e?.error) out.push({ name, status: 'FAIL', detail: `"${p.name}": expected one error item (${p.error}), got ${short(items.map((x) => x.json), 200)}` });
			else if (kind !== p.error) out.push({ name, status: 'FAIL', detail: `"${p.name}": error kind ${kind}, expected ${p.error}: ${short(e.error, 200)}` });
			else out.push({ name, status: 'PASS', detail: `"${p.name}": refused (${kind}): ${short(e.error, 140)}` });
		} else {
			const bad = items.find((x) => x.json && 'error' in x.json && x.json.details?.kind);
			if (bad) out.push({ name, status: 'FAIL', detail: `"${p.name}": error item ${short(bad.json.error, 200)} (kind ${bad.json.details?.kind})` });
			else out.push({ name, status: 'PASS', detail: `"${p.name}": ${items.length} item(s), e.g. ${short(Object.keys(items[0]?.json ?? {}).slice(0, 6))}` });
		}
	}
	return out;
}

/**
 * The dynamic parameters the node declares, as the editor would ask for them: resource-locator
 * search methods (`modes[].typeOptions.searchListMethod`) and load-options methods
 * (`typeOptions.loadOptionsMethod`), each with a resource/operation that shows it.
 */
export function dynamicParameters(description) {
	const found = [];
	const seen = new Set();
	const context = (prop) => {
		const show = prop.displayOptions?.show ?? {};
		return { resource: show.resource?.[0], operation: show.operation?.[0] };
	};
	const visit = (prop, path) => {
		const here = `${path}${prop.name}`;
		if (prop.type === 'resourceLocator') {
			for (const m of prop.modes ?? []) {
				const method = m.typeOptions?.searchListMethod;
				if (method && !seen.has(`rl:${method}`)) {
					seen.add(`rl:${method}`);
					found.push({ kind: 'resource-locator', method, path: here, ...context(prop) });
				}
			}
		}
		const load = prop.typeOptions?.loadOptionsMethod;
		if (load && !seen.has(`lo:${load}`)) {
			seen.add(`lo:${load}`);
			found.push({ kind: 'options', method: load, path: here, ...context(prop) });
		}
		for (const o of prop.options ?? []) if (o && typeof o === 'object' && 'type' in o) visit(o, `${here}.`);
		for (const v of prop.values ?? []) visit(v, `${here}.`);
	};
	for (const p of description.properties ?? []) visit(p, 'parameters.');
	return found;
}

/**
 * Ask n8n (REST, as the owner) for every dynamic parameter: POST /rest/node-types for the
 * description the editor gets, then /rest/dynamic-node-parameters/resource-locator-results or
 * /options per method. `request(method, path, body)` is the logged-in REST helper.
 * Returns `{ declared, calls: [{ kind, method, http, count, sample, message }] }`.
 */
export async function dynamicCalls(request, credsByLogin, paramsByLogin = {}, extraMethods = {}) {
	const types = await request('POST', '/rest/node-types', { nodeInfos: [{ name: NODE_TYPE, version: 1 }] });
	const description = (types.json?.data ?? types.json)?.[0];
	if (types.status !== 200 || !description?.properties) {
		return { error: `POST /rest/node-types: HTTP ${types.status} without the node's description` };
	}
	const declared = dynamicParameters(description);
	// Methods the node class declares that no parameter names (the editor never asks for
	// them): still called through the same endpoint, and reported.
	const unused = [];
	for (const [kind, names] of [['options', extraMethods.loadOptions ?? []], ['resource-locator', extraMethods.listSearch ?? []]]) {
		for (const method of names) {
			if (declared.some((d) => d.method === method)) continue;
			unused.push(method);
			declared.push({ kind, method, path: 'parameters.ig_user_id', resource: 'media', operation: 'list', unused: true });
		}
	}
	const calls = [];
	for (const d of declared) {
		for (const [login, cred] of Object.entries(credsByLogin)) {
			const body = {
				path: d.path,
				methodName: d.method,
				nodeTypeAndVersion: { name: NODE_TYPE, version: 1 },
				// As the editor sends them once the account is picked (Facebook Login needs it).
				currentNodeParameters: { resource: d.resource, operation: d.operation, authentication: 'accessToken', ...(paramsByLogin[login] ?? {}) },
				credentials: { instagramGraphApi: { id: cred.id, name: cred.name } },
			};
			if (d.kind === 'resource-locator') body.filter = '';
			const endpoint = `/rest/dynamic-node-parameters/${d.kind === 'options' ? 'options' : 'resource-locator-results'}`;
			const r = await request('POST', endpoint, body);
			const data = r.json?.data;
			const list = d.kind === 'options' ? data : data?.results;
			const call = {
				...d,
				login,
				http: r.status,
				count: Array.isArray(list) ? list.length : null,
				sample: Array.isArray(list) ? list.slice(0, 2) : null,
				message: r.status === 200 ? '' : String(r.json?.message ?? r.text).slice(0, 500),
			};
			// The search box: a word of the first result's name must find that result again.
			const word = d.kind === 'resource-locator' && typeof list?.[0]?.name === 'string' ? list[0].name.match(/[A-Za-z0-9]{3,}/)?.[0] : null;
			if (word) {
				const f = await request('POST', endpoint, { ...body, filter: word });
				const found = f.json?.data?.results;
				call.filter = {
					word,
					http: f.status,
					count: Array.isArray(found) ? found.length : null,
					hit: Array.isArray(found) && found.some((x) => x?.value === list[0].value),
				};
			}
			// Before the account is picked (Facebook Login needs it for media and comments): what
			// the editor shows then is noted, not judged (see the report of the catalogue e2e).
			if (paramsByLogin[login] && d.kind === 'resource-locator' && !d.path.endsWith('ig_user_id')) {
				const u = await request('POST', endpoint, { ...body, currentNodeParameters: { resource: d.resource, operation: d.operation, authentication: 'accessToken' } });
				const got = u.json?.data?.results;
				call.unpicked = u.status === 200 ? `${Array.isArray(got) ? got.length : '?'} result(s)` : `HTTP ${u.status}: ${String(u.json?.message ?? u.text).slice(0, 160)}`;
			}
			calls.push(call);
		}
	}
	return { declared: declared.length, unused, calls };
}

/** PASS/FAIL/SKIP lines for the dynamic-parameter calls. */
export function checkDynamic(result, short) {
	if (!result) return [{ name: 'editor-dynamic-params', status: 'FAIL', detail: 'no result (the REST phase did not run)' }];
	if (result.error) return [{ name: 'editor-dynamic-params', status: 'FAIL', detail: result.error }];
	if (!result.declared) return [{ name: 'editor-dynamic-params', status: 'SKIP', detail: 'the node declares no resource-locator search or load-options method yet' }];
	return result.calls.map((c) => {
		const name = `editor ${c.kind === 'options' ? 'options' : 'locator'} ${c.method} (${c.login})`;
		if (c.http !== 200) return { name, status: 'FAIL', detail: `HTTP ${c.http}: ${short(c.message, 200)}` };
		// Pages exist only with Facebook Login: an empty list is the right answer otherwise.
		if (!c.count && c.login === 'instagram' && /page/i.test(c.method)) return { name, status: 'PASS', detail: `no Pages with Instagram Login, as expected (${c.path})` };
		if (!c.count) return { name, status: 'FAIL', detail: `no results for ${c.path} (${c.resource}.${c.operation})` };
		const bad = c.sample.find((x) => typeof x?.name !== 'string' || x.value === undefined || x.value === '');
		if (bad) return { name, status: 'FAIL', detail: `a result without name/value: ${short(bad)}` };
		if (c.filter && (c.filter.http !== 200 || !c.filter.hit)) {
			return { name, status: 'FAIL', detail: `searching "${c.filter.word}" (a word of the first result's name) gave HTTP ${c.filter.http}, ${c.filter.count} result(s), without that result` };
		}
		const searched = c.filter ? `; "${c.filter.word}" finds it again (${c.filter.count} result(s))` : '';
		const unpicked = c.unpicked ? `; before an account is picked: ${c.unpicked}` : '';
		const note = (c.unused ? ' (no parameter uses this method: the editor never calls it)' : '') + searched + unpicked;
		return { name, status: 'PASS', detail: `${c.count} result(s) for ${c.path}${note}, e.g. ${short(c.sample[0], 100)}` };
	});
}
