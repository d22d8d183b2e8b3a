// Packaging: the loader obeys n8n's scanner rules and explains a missing addon, package.json
// follows n8n's community-package rules, and the generated files are checked for staleness.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PKG_DIR, REPO_DIR, require } from './helpers.mjs';

const pkg = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8'));

describe('native loader', () => {
	test('uses relative requires only, no process/fs/child_process', () => {
		for (const file of ['src/native.ts', 'dist/src/native.js']) {
			const code = readFileSync(join(PKG_DIR, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
			assert.doesNotMatch(code, /\bprocess\b/, file);
			assert.doesNotMatch(code, /\bchild_process\b|require\(['"](node:)?fs['"]\)/, file);
			for (const m of code.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
				assert.ok(m[1].startsWith('./') || m[1].startsWith('../'), `non-relative require ${m[1]} in ${file}`);
			}
		}
	});

	test('without an addon: a clear InternalError listing every platform tried', () => {
		const dir = mkdtempSync(join(tmpdir(), 'ig-noaddon-'));
		try {
			cpSync(join(PKG_DIR, 'dist'), join(dir, 'dist'), { recursive: true });
			writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', main: 'dist/index.js' }));
			const script = `
				const ig = require(${JSON.stringify(dir)});
				try { new ig.InstagramClient({ accessToken: 'T0KEN' }); console.log('NO ERROR'); }
				catch (e) { console.log(JSON.stringify({ name: e.name, kind: e.kind, message: e.message })); }`;
			const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
			assert.equal(r.status, 0, r.stderr);
			const err = JSON.parse(r.stdout);
			assert.equal(err.name, 'InternalError');
			for (const t of ['linux-x64-gnu', 'linux-x64-musl', 'linux-arm64-gnu', 'darwin-arm64', 'darwin-x64', 'win32-x64-msvc']) {
				assert.ok(err.message.includes(t), `${t} not listed`);
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	test("require('./node-package') works from the repo root", () => {
		const r = spawnSync(process.execPath, ['-e', "const ig = require('./node-package'); console.log(typeof ig.InstagramClient, typeof ig.startSandbox, ig.operations().length)"], {
			cwd: REPO_DIR,
			encoding: 'utf8',
		});
		assert.equal(r.status, 0, r.stderr);
		assert.match(r.stdout, /^function function \d+/);
	});
});

describe('TypeScript consumers', () => {
	test('dist/index.d.ts type-checks a typical program (strict)', () => {
		const ts = require('typescript');
		const dir = mkdtempSync(join(tmpdir(), 'ig-consumer-'));
		try {
			const file = join(dir, 'consumer.ts');
			writeFileSync(
				file,
				`import { InstagramClient, startSandbox, operations, InstagramError, RateLimitError, type MediaListParams, type Page } from ${JSON.stringify(PKG_DIR)};
				export async function main(): Promise<number> {
					const sb = await startSandbox({ seed: 1, mediaCount: 3 });
					const client = new InstagramClient({ accessToken: sb.accessToken, baseUrl: sb.url, login: 'instagram', timeoutMs: 5000 });
					const params: MediaListParams = { ig_user_id: sb.igUserId, limit: 2, since: new Date(0) };
					const page: Page = await client.media.list(params);
					let n = page.data.length;
					for await (const m of client.paginate('media.list', { fields: 'id' }, { maxItems: 3 })) n += String(m.id).length;
					for await (const p of client.paginatePages('comments.list', { media_id: '1' })) n += p.data.length;
					await client.media.get({ media_id: '1' });
					// @ts-expect-error media_id is required
					await client.media.get({});
					// @ts-expect-error limit is a number
					await client.media.list({ limit: 'ten' });
					try { await client.user.get(); } catch (e) { if (e instanceof RateLimitError) n += e.retryAfter ?? 0; if (e instanceof InstagramError) n += e.graphCode ?? 0; }
					n += operations().filter((o) => o.paginated).length;
					await sb.stop();
					return n;
				}`,
			);
			const program = ts.createProgram([file], {
				strict: true,
				noEmit: true,
				target: ts.ScriptTarget.ES2022,
				module: ts.ModuleKind.CommonJS,
				moduleResolution: ts.ModuleResolutionKind.Node10,
				types: [],
				lib: ['lib.es2022.d.ts'],
			});
			const diags = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
			assert.deepEqual(diags, []);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('package.json follows the n8n community-package rules', () => {
	test('rules', () => {
		assert.equal(pkg.name, 'n8n-nodes-instagram-graph');
		assert.ok(pkg.keywords.includes('n8n-community-node-package'));
		assert.equal(pkg.license, 'MIT');
		assert.ok(pkg.author && pkg.homepage && pkg.description);
		assert.equal(pkg.main, 'dist/index.js');
		assert.ok(!pkg.dependencies || Object.keys(pkg.dependencies).length === 0);
		assert.deepEqual(pkg.peerDependencies, { 'n8n-workflow': '*' });
		for (const s of ['prepare', 'preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'postprepare']) {
			assert.equal(pkg.scripts?.[s], undefined, s);
		}
		assert.equal(pkg.n8n.n8nNodesApiVersion, 1);
		assert.deepEqual(pkg.files.sort(), ['dist', 'native']);
		for (const f of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			assert.match(f, /^dist\//);
			const mod = require(join(PKG_DIR, f));
			const className = f.split('/').pop().split('.')[0];
			assert.equal(typeof mod[className], 'function', `${f} exports ${className}`);
		}
		for (const [name, version] of Object.entries(pkg.devDependencies)) {
			assert.match(version, /^\d+\.\d+\.\d+$/, `${name} is pinned`);
		}
	});
});

describe('generated files', () => {
	const files = ['src/generated/operations.ts', 'nodes/Instagram/generated/properties.ts'];

	test('carry the do-not-edit header', () => {
		for (const f of files) {
			assert.match(readFileSync(join(PKG_DIR, f), 'utf8'), /^\/\/ generated by scripts\/generate\.mjs — do not edit/, f);
		}
	});

	test('--check passes now and fails on a stale file, naming it', () => {
		const ok = spawnSync(process.execPath, [join(PKG_DIR, 'scripts/generate.mjs'), '--check'], { encoding: 'utf8' });
		assert.equal(ok.status, 0, ok.stderr);

		const dir = mkdtempSync(join(tmpdir(), 'ig-gen-'));
		try {
			mkdirSync(join(dir, 'scripts'));
			cpSync(join(PKG_DIR, 'scripts/generate.mjs'), join(dir, 'scripts/generate.mjs'));
			symlinkSync(join(PKG_DIR, 'native'), join(dir, 'native'));
			for (const f of files) cpSync(join(PKG_DIR, f), join(dir, f), { recursive: true });
			writeFileSync(join(dir, files[1]), readFileSync(join(dir, files[1]), 'utf8').replace("'Media'", "'Medium'"));
			const stale = spawnSync(process.execPath, [join(dir, 'scripts/generate.mjs'), '--check'], { encoding: 'utf8' });
			assert.equal(stale.status, 1);
			assert.match(stale.stderr, /nodes\/Instagram\/generated\/properties\.ts/);
			assert.match(stale.stderr, /make gen/);
			assert.doesNotMatch(stale.stderr, /operations\.ts/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
