// Catalogue-driven conformance: every operation of operations() against the sandbox, with the
// cases of fixtures/conformance/operations.json (format: its README.md) plus the invalid cases
// derived from each operation's params schema. Same file and rules as the Rust and Python suites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ig, REPO_DIR } from './helpers.mjs';

/** A well-formed id for placeholders the sandbox cannot fill (invalid cases send nothing). */
const DUMMY_ID = '17841400000000099';
const LOGINS = ['instagram', 'facebook'];

const FIXTURE = JSON.parse(readFileSync(join(REPO_DIR, 'fixtures', 'conformance', 'operations.json'), 'utf8'));
const ENTRIES = FIXTURE.operations;
const CATALOGUE = new Map(ig.operations().map((op) => [op.id, op]));
const PENDING = Object.keys(ENTRIES).filter((id) => !CATALOGUE.has(id));
const ACTIVE = Object.entries(ENTRIES)
	.filter(([id]) => CATALOGUE.has(id))
	.map(([id, entry]) => ({ id, entry, op: CATALOGUE.get(id) }));

if (PENDING.length) console.log(`conformance: not in the catalogue yet, skipped (${PENDING.length}): ${PENDING.join(', ')}`);

const short = (v, n = 300) => {
	const s = typeof v === 'string' ? v : JSON.stringify(v);
	return s.length > n ? `${s.slice(0, n)}…` : s;
};

function lookup(ctx, path) {
	let cur = ctx;
	for (const seg of path.split('.')) {
		if (cur === null || typeof cur !== 'object') return undefined;
		cur = Array.isArray(cur) ? cur[Number(seg)] : cur[seg];
	}
	return cur === null ? undefined : cur;
}

class Missing extends Error {}

/** Resolve placeholders (README "Placeholders"); `dummy`: a missing one becomes DUMMY_ID. */
function resolve(v, ctx, dummy) {
	const missing = (name) => {
		if (dummy) return DUMMY_ID;
		throw new Missing(name);
	};
	if (typeof v === 'string') {
		if (v.startsWith('$') && !v.startsWith('${')) {
			const x = lookup(ctx, v.slice(1));
			return x === undefined ? missing(v) : x;
		}
		if (v.includes('${')) {
			return v.replace(/\$\{([^}]*)\}/g, (_, name) => {
				const x = lookup(ctx, name);
				if (x === undefined) return missing(`\${${name}}`);
				return typeof x === 'string' ? x : JSON.stringify(x);
			});
		}
		return v;
	}
	if (Array.isArray(v)) return v.map((x) => resolve(x, ctx, dummy));
	if (v && typeof v === 'object') {
		if ('$repeat' in v) {
			const item = resolve(v.$repeat, ctx, dummy);
			return v.as === 'array' ? Array.from({ length: v.count }, () => structuredClone(item)) : item.repeat(v.count);
		}
		return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, ctx, dummy)]));
	}
	return v;
}

async function admin(url, method, path, body) {
	const res = await fetch(`${url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
	return res.json();
}
const requests = async (url) => (await admin(url, 'GET', '/_sandbox/stats')).requests;

async function startEnv() {
	const sb = await ig.startSandbox();
	const info = await admin(sb.url, 'GET', '/_sandbox/info');
	const client = (login) =>
		new ig.InstagramClient({
			accessToken: login === 'facebook' ? info.facebook_access_token : info.access_token,
			login,
			baseUrl: sb.url,
			appId: info.app_id,
			appSecret: info.app_secret,
		});
	return { sb, info, client };
}

/** Whether `message` names `params.<path>` (followed by a separator, not a longer name). */
function namesPath(message, path) {
	const needle = `params.${path}`;
	for (let i = message.indexOf(needle); i >= 0; i = message.indexOf(needle, i + 1)) {
		const next = message[i + needle.length];
		if (next === undefined || !/[A-Za-z0-9_]/.test(next)) return true;
	}
	return false;
}

function checkShape(kase, ctx, got) {
	const p = [];
	if (kase.shape === 'page') {
		// Nested paging (`at`): the page sits inside the answer.
		const page = kase.at ? lookup(got, kase.at) : got;
		if (!page || !Array.isArray(page.data)) p.push(`expected a page {data, paging}${kase.at ? ` at ${kase.at}` : ''}, got ${short(got)}`);
		else
			for (const k of kase.item_keys ?? []) {
				const i = page.data.findIndex((it) => !it || typeof it !== 'object' || !(k in it));
				if (i >= 0) p.push(`data[${i}] lacks ${k}: ${short(page.data[i])}`);
			}
	} else if (kase.shape === 'null') {
		if (got !== null) p.push(`expected null, got ${short(got)}`);
	} else if (Array.isArray(kase.shape)) {
		if (!got || typeof got !== 'object' || Array.isArray(got)) p.push(`expected an object, got ${short(got)}`);
		else for (const k of kase.shape) if (!(k in got)) p.push(`answer lacks ${k}: ${short(got)}`);
	} else p.push(`bad shape in the fixture: ${short(kase.shape)}`);
	for (const [k, want] of Object.entries(kase.same ?? {})) {
		let w;
		try {
			w = resolve(want, ctx, false);
		} catch {
			continue;
		}
		if (JSON.stringify(got?.[k]) !== JSON.stringify(w)) p.push(`${k} = ${short(got?.[k])}, expected ${short(w)}`);
	}
	return p;
}

const kindsOf = (k) => (Array.isArray(k) ? k : [k]);
const caseLogins = (entry, kase) => (kase.login ? [kase.login] : entry.logins);

/** A webhook receiver answering Meta's GET handshake when the verify token matches (403 otherwise). */
async function receiver(verify) {
	const server = createServer((req, res) => {
		const q = new URL(req.url, 'http://x').searchParams;
		const ok = q.get('hub.mode') === 'subscribe' && q.get('hub.verify_token') === verify && q.get('hub.challenge');
		res.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' }).end(ok ? q.get('hub.challenge') : '');
	});
	await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
	return { url: `http://127.0.0.1:${server.address().port}/hook`, close: () => new Promise((ok) => server.close(ok)) };
}

/** One valid or rule case on a fresh sandbox: null (passed), {skip}, or {fail}. */
async function runCase(id, kase, login) {
	const env = await startEnv();
	const hook = kase.callback ? await receiver(kase.callback.verify_token) : null;
	try {
		const ctx = { ...env.info, saved: {}, ...(hook ? { callback_url: hook.url } : {}) };
		for (const need of kase.requires ?? []) if (lookup(ctx, need) === undefined) return { skip: `sandbox info lacks ${need}` };
		const c = env.client(login);
		if (kase.clock) await admin(env.sb.url, 'POST', '/_sandbox/clock', { advance_seconds: kase.clock });
		let params;
		try {
			for (const step of kase.before ?? []) {
				if (step.admin) {
					const v = await admin(env.sb.url, 'POST', step.admin, resolve(step.body ?? {}, ctx, false));
					if (step.save) ctx.saved[step.save] = v;
					continue;
				}
				const v = await c.call(step.op, resolve(step.params, ctx, false)).catch((e) => {
					throw new Error(`before-step ${step.op} failed: ${e.kind} ${e.message}`);
				});
				if (step.save) ctx.saved[step.save] = v;
			}
			params = resolve(kase.params, ctx, false);
		} catch (e) {
			if (e instanceof Missing && e.message.includes('saved.')) return { fail: `${e.message}: not in the before-step's answer` };
			if (e instanceof Missing) return { skip: `sandbox info lacks ${e.message}` };
			return { fail: e.message };
		}
		const before = await requests(env.sb.url);
		let got;
		let err;
		try {
			got = await c.call(id, params);
		} catch (e) {
			err = e;
		}
		const sent = (await requests(env.sb.url)) - before;
		if (kase.expect_error) {
			const kinds = kindsOf(kase.expect_error.kind);
			if (!err) return { fail: `succeeded, expected an error of kind ${kinds.join('|')}: ${short(got)}` };
			if (!(err instanceof ig.InstagramError)) return { fail: `not an InstagramError: ${err}` };
			return kinds.includes(err.kind) ? null : { fail: `error kind ${err.kind}, expected ${kinds.join('|')}: ${err.message}` };
		}
		if (err) return { fail: `failed: ${err.kind} ${err.message}` };
		const p = checkShape(kase, ctx, got);
		if (kase.requests !== undefined && sent !== kase.requests) p.push(`${sent} HTTP requests, expected ${kase.requests}`);
		return p.length ? { fail: p.join('; ') } : null;
	} finally {
		await hook?.close();
		await env.sb.stop();
	}
}

async function runAll(section) {
	const failures = [];
	const skipped = [];
	let passed = 0;
	for (const { id, entry, op } of ACTIVE) {
		if (section === 'valid') {
			if (entry.valid_skip) {
				skipped.push(`${id}: ${entry.valid_skip}`);
				continue;
			}
			if (!entry.valid?.length) {
				failures.push(`${id}: no valid case (add one or a valid_skip reason)`);
				continue;
			}
		}
		for (const [i, kase] of (entry[section] ?? []).entries()) {
			for (const login of caseLogins(entry, kase)) {
				const label = `${id} ${section}[${i}]${kase.name ? ` "${kase.name}"` : ''} (${login})`;
				if (!op.logins.includes(login)) {
					failures.push(`${label}: the catalogue does not offer this login (${op.logins})`);
					continue;
				}
				const r = await runCase(id, kase, login);
				if (r === null) passed++;
				else if (r.skip) skipped.push(`${label}: ${r.skip}`);
				else failures.push(`${label}: ${r.fail}`);
			}
		}
	}
	console.log(`conformance ${section}: ${passed} passed, ${skipped.length} skipped, ${failures.length} failed`);
	for (const s of skipped) console.log(`  skipped ${s}`);
	assert.deepEqual(failures, [], `conformance ${section} failures:\n${failures.join('\n')}`);
}

/** Base params of an operation for a flavour (README): placeholders filled with dummies. */
function baseParams(entry, op, login, ctx) {
	const cases = (entry.valid ?? []).filter((c) => !c.login || c.login === login);
	cases.sort((a, b) => Object.keys(a.params ?? {}).length - Object.keys(b.params ?? {}).length);
	const raw = cases[0]?.params ?? entry.base ?? {};
	const base = resolve(raw, ctx, true);
	const props = op.params.properties ?? {};
	return Object.fromEntries(Object.entries(base).filter(([k]) => k in props));
}

function wrongType(p) {
	if (p.type === 'string') return 12345;
	if (p.type === 'boolean') return 'yes';
	if (typeof p.type === 'string') return 'not-a-value';
	return true; // ["integer","string"] timestamps
}

/** The generic invalid cases of the README: [params, path, what]. */
function derivedInvalid(op, base, login) {
	const props = op.params.properties ?? {};
	const required = [...(op.params.required ?? [])];
	for (const [name, p] of Object.entries(props)) if (p['x-required-with'] === login && !required.includes(name)) required.push(name);
	const out = [];
	const withKey = (k, v) => ({ ...base, [k]: v });
	for (const r of required) {
		if (!(r in base)) continue;
		const m = { ...base };
		delete m[r];
		out.push([m, r, 'missing required']);
	}
	for (const [name, p] of Object.entries(props)) {
		out.push([withKey(name, wrongType(p)), name, 'wrong JSON type']);
		if (p.type === 'integer') {
			if (typeof p.minimum === 'number') out.push([withKey(name, p.minimum - 1), name, 'below minimum']);
			if (typeof p.maximum === 'number') out.push([withKey(name, p.maximum + 1), name, 'above maximum']);
		}
	}
	// A param of the other flavour only (x-login) is refused, naming it.
	for (const [name, p] of Object.entries(props)) {
		if (p['x-login'] && p['x-login'] !== login) {
			const v = p.type === 'boolean' ? true : p.type === 'integer' || p.type === 'number' ? 1 : DUMMY_ID;
			out.push([withKey(name, v), name, "other flavour's param"]);
		}
	}
	out.push([withKey('zz_unknown', 1), 'zz_unknown', 'unknown key']);
	return out;
}

test('conformance: every catalogue operation has cases, every entry is well-formed', () => {
	const missing = [...CATALOGUE.keys()].filter((id) => !(id in ENTRIES));
	assert.deepEqual(missing, [], `operations without conformance cases in fixtures/conformance/operations.json: ${missing}`);
	for (const [id, entry] of Object.entries(ENTRIES)) {
		assert.match(id, /^[a-z_]+\.[a-z_]+$/, id);
		assert.ok(entry.logins?.length && entry.logins.every((l) => LOGINS.includes(l)), `${id}: logins`);
		const op = CATALOGUE.get(id);
		if (op) assert.ok(entry.logins.every((l) => op.logins.includes(l)), `${id}: entry logins ${entry.logins} not all offered (${op.logins})`);
	}
});

test('conformance: valid cases succeed with the expected shape', { timeout: 600_000 }, () => runAll('valid'));

test('conformance: rules fail with their kind', { timeout: 600_000 }, () => runAll('rules'));

test('conformance: invalid params are refused before any request', { timeout: 600_000 }, async () => {
	const env = await startEnv();
	try {
		const ctx = { ...env.info, saved: {} };
		const failures = [];
		let checked = 0;
		for (const { id, entry, op } of ACTIVE) {
			for (const login of entry.logins) {
				if (!op.logins.includes(login)) continue;
				const c = env.client(login);
				const base = baseParams(entry, op, login, ctx);
				const cases = derivedInvalid(op, base, login);
				for (const kase of entry.invalid ?? []) {
					if (kase.login && kase.login !== login) continue;
					cases.push([{ ...base, ...resolve(kase.params, ctx, true) }, kase.path, 'from the fixture']);
				}
				for (const [params, path, what] of cases) {
					checked++;
					const label = `${id} (${login}) ${what} ${path}`;
					const before = await requests(env.sb.url);
					let got;
					let err;
					try {
						got = await c.call(id, params);
					} catch (e) {
						err = e;
					}
					const sent = (await requests(env.sb.url)) - before;
					if (!err) failures.push(`${label}: succeeded with ${short(params, 200)}: ${short(got, 200)}`);
					else if (!(err instanceof ig.InvalidParamsError) || err.kind !== 'invalid_params') failures.push(`${label}: ${err.name} kind ${err.kind}, expected InvalidParamsError: ${err.message}`);
					else if (!namesPath(err.message, path)) failures.push(`${label}: message does not name params.${path}: ${err.message}`);
					if (sent !== 0) failures.push(`${label}: ${sent} HTTP request(s), expected none`);
				}
			}
		}
		console.log(`conformance invalid: ${checked} cases, ${failures.length} failed`);
		assert.deepEqual(failures, [], `conformance invalid failures:\n${failures.join('\n')}`);
	} finally {
		await env.sb.stop();
	}
});

test('conformance: one-flavour operations are unsupported on the other flavour', async () => {
	const env = await startEnv();
	try {
		const ctx = { ...env.info, saved: {} };
		const failures = [];
		let checked = 0;
		for (const { id, entry, op } of ACTIVE) {
			if (op.logins.length !== 1) continue;
			const other = op.logins[0] === 'facebook' ? 'instagram' : 'facebook';
			checked++;
			const params = baseParams(entry, op, op.logins[0], ctx);
			const before = await requests(env.sb.url);
			let err;
			try {
				await env.client(other).call(id, params);
			} catch (e) {
				err = e;
			}
			const sent = (await requests(env.sb.url)) - before;
			if (!err) failures.push(`${id} on ${other}: succeeded`);
			else if (!(err instanceof ig.UnsupportedError)) failures.push(`${id} on ${other}: ${err.name} kind ${err.kind}, expected UnsupportedError: ${err.message}`);
			else if (!err.message.includes(id)) failures.push(`${id} on ${other}: message does not name the operation: ${err.message}`);
			if (sent !== 0) failures.push(`${id} on ${other}: ${sent} HTTP request(s), expected none`);
		}
		console.log(`conformance flavour: ${checked} one-flavour operations checked`);
		assert.deepEqual(failures, []);
	} finally {
		await env.sb.stop();
	}
});
