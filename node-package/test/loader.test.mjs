// The addon loader (src/native.ts): the order candidates are tried in for each navigator.platform,
// the Rust-target check, the real load on this machine, and what happens with wrong files in
// native/ (each fails cleanly with its reason and the right addon still loads).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PKG_DIR, ig, require } from './helpers.mjs';

const native = require(join(PKG_DIR, 'dist/src/native.js'));
const { candidateOrder, tripleOfRustTarget, SAFE_ORDER } = native;

const ALL = ['linux-x64-gnu', 'linux-x64-musl', 'linux-arm64-gnu', 'linux-arm64-musl', 'darwin-arm64', 'darwin-x64', 'win32-x64-msvc'];

/** This machine's triple, found the way napi-rs does (tests may use `process`; the package may not). */
function hostTriple() {
	const { platform, arch } = process;
	if (platform === 'linux') return `linux-${arch}-${process.report.getReport().header.glibcVersionRuntime ? 'gnu' : 'musl'}`;
	return platform === 'win32' ? `win32-${arch}-msvc` : `${platform}-${arch}`;
}

describe('candidateOrder', () => {
	test("Node's navigator.platform strings select that platform's candidates, musl first", () => {
		assert.deepEqual(candidateOrder('Linux x86_64'), ['linux-x64-musl', 'linux-x64-gnu']);
		assert.deepEqual(candidateOrder('Linux arm64'), ['linux-arm64-musl', 'linux-arm64-gnu']);
		assert.deepEqual(candidateOrder('MacIntel'), ['darwin-arm64', 'darwin-x64']);
		assert.deepEqual(candidateOrder('Win32'), ['win32-x64-msvc']);
	});

	test('other spellings of the same platforms (Deno, browsers) are recognised', () => {
		assert.deepEqual(candidateOrder('Linux aarch64'), ['linux-arm64-musl', 'linux-arm64-gnu']);
		assert.deepEqual(candidateOrder('Win64'), ['win32-x64-msvc']);
	});

	test('no navigator, or a platform not shipped for: every candidate, in the safe order', () => {
		for (const p of [undefined, '', 'FreeBSD amd64', 'Linux armv7l', 'Linux i686', 'SunOS x64']) {
			assert.deepEqual(candidateOrder(p), [...SAFE_ORDER], String(p));
		}
		assert.deepEqual([...SAFE_ORDER].sort(), [...ALL].sort());
	});

	test('every order tries musl before glibc on the same architecture', () => {
		for (const p of [undefined, 'Linux x86_64', 'Linux arm64', 'Linux aarch64', 'MacIntel', 'Win32']) {
			const order = candidateOrder(p);
			for (const arch of ['x64', 'arm64']) {
				const musl = order.indexOf(`linux-${arch}-musl`);
				const gnu = order.indexOf(`linux-${arch}-gnu`);
				if (gnu >= 0) assert.ok(musl >= 0 && musl < gnu, `${p}: ${order.join(',')}`);
			}
		}
	});
});

describe('tripleOfRustTarget', () => {
	test('each shipped Rust target maps to its file name', () => {
		assert.equal(tripleOfRustTarget('x86_64-unknown-linux-gnu'), 'linux-x64-gnu');
		assert.equal(tripleOfRustTarget('x86_64-unknown-linux-musl'), 'linux-x64-musl');
		assert.equal(tripleOfRustTarget('aarch64-unknown-linux-gnu'), 'linux-arm64-gnu');
		assert.equal(tripleOfRustTarget('aarch64-unknown-linux-musl'), 'linux-arm64-musl');
		assert.equal(tripleOfRustTarget('aarch64-apple-darwin'), 'darwin-arm64');
		assert.equal(tripleOfRustTarget('x86_64-apple-darwin'), 'darwin-x64');
		assert.equal(tripleOfRustTarget('x86_64-pc-windows-msvc'), 'win32-x64-msvc');
		// The Windows build made here (mingw) ships under the msvc name.
		assert.equal(tripleOfRustTarget('x86_64-pc-windows-gnu'), 'win32-x64-msvc');
		// A distribution's own rustc (Alpine's) names the vendor differently.
		assert.equal(tripleOfRustTarget('x86_64-alpine-linux-musl'), 'linux-x64-musl');
	});

	test('targets nothing ships for map to undefined', () => {
		for (const t of ['i686-unknown-linux-gnu', 'armv7-unknown-linux-gnueabihf', 'riscv64gc-unknown-linux-gnu', 'aarch64-pc-windows-msvc', 'x86_64-unknown-freebsd', '']) {
			assert.equal(tripleOfRustTarget(t), undefined, t);
		}
	});
});

describe('the real addon', () => {
	test('addonInfo() names the file loaded on this machine and the target it was built for', () => {
		const info = ig.addonInfo();
		assert.deepEqual(Object.keys(info).sort(), ['rustTarget', 'triple']);
		assert.equal(info.triple, hostTriple());
		assert.equal(tripleOfRustTarget(info.rustTarget), info.triple);
		assert.match(info.rustTarget, /^(x86_64|aarch64)-[a-z0-9_]+-[a-z0-9_]+(-[a-z0-9_]+)?$/);
	});
});

describe('wrong files in native/', () => {
	const host = hostTriple();
	const order = candidateOrder(undefined);
	let dir;
	let nativeDir;

	before(() => {
		dir = mkdtempSync(join(tmpdir(), 'ig-loader-'));
		cpSync(join(PKG_DIR, 'dist'), join(dir, 'dist'), { recursive: true });
		writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', main: 'dist/index.js' }));
		nativeDir = join(dir, 'native');
	});
	after(() => rmSync(dir, { recursive: true, force: true }));

	/** Fill native/ afresh: `files` maps a triple to the path to copy there or to the bytes to write. */
	function plant(files) {
		rmSync(nativeDir, { recursive: true, force: true });
		mkdirSync(nativeDir);
		for (const [triple, content] of Object.entries(files)) {
			const to = join(nativeDir, `instagram-graph.${triple}.node`);
			if (typeof content === 'string') copyFileSync(content, to);
			else writeFileSync(to, content);
		}
	}

	/** addonInfo() in a fresh process, after `prelude` (e.g. setting navigator); `{info}` or `{error}`. */
	function loadIn(prelude = '') {
		const script = `${prelude}
			const ig = require(${JSON.stringify(dir)});
			try { console.log(JSON.stringify({ info: ig.addonInfo() })); }
			catch (e) { console.log(JSON.stringify({ error: { name: e.name, kind: e.kind, message: e.message } })); }`;
		const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
		assert.equal(r.status, 0, r.stderr);
		return JSON.parse(r.stdout);
	}

	/** Sets `navigator` the way Node >= 21 has it (configurable, so Node 24's own is replaced too). */
	const withNavigator = (platform) =>
		`Object.defineProperty(globalThis, 'navigator', { value: ${platform === undefined ? 'undefined' : JSON.stringify({ platform })}, configurable: true });`;

	const hostAddon = join(PKG_DIR, 'native', `instagram-graph.${host}.node`);
	// The candidate tried just before the host's in the safe order (on linux-x64-gnu: the musl one).
	const before_ = order[order.indexOf(host) - 1];

	test('a build under another platform’s name is refused by its target, and the right one loads', { skip: !before_ && 'host addon is tried first' }, () => {
		plant({ [before_]: hostAddon, [host]: hostAddon });
		const r = loadIn();
		assert.deepEqual(r.info?.triple, host, JSON.stringify(r));
		// And alone, the error gives the reason.
		plant({ [before_]: hostAddon });
		const e = loadIn(withNavigator(undefined)).error;
		assert.equal(e.name, 'InternalError');
		assert.ok(e.message.includes(`${before_}: loaded, but it was built for ${ig.addonInfo().rustTarget}`), e.message);
	});

	test('a file that is not a loadable library fails cleanly with the loader’s reason', () => {
		// Long enough for a header, as a real library of another format is.
		const junk = Buffer.from('not an ELF, Mach-O or PE file\n'.repeat(200));
		plant({ [order[0]]: junk, [host]: hostAddon });
		assert.equal(loadIn().info?.triple, host);
		plant({ [order[0]]: junk });
		const e = loadIn(withNavigator(undefined)).error;
		assert.match(e.message, new RegExp(`${order[0]}: [^;]*(invalid ELF header|not a mach-o file|not a valid Win32 application)`, 'i'));
	});

	test('a library for another architecture fails cleanly, said as such', { skip: !host.startsWith('linux') && 'ELF hosts only' }, () => {
		// This machine's addon with another e_machine (x86-64 62 ↔ AArch64 183): what the
		// other Linux architecture's file is to this machine's dynamic loader.
		const elf = readFileSync(hostAddon);
		const other = host.includes('-x64-') ? 183 : 62;
		elf.writeUInt16LE(other, 18);
		const foreign = host.includes('-x64-') ? host.replace('-x64-', '-arm64-') : host.replace('-arm64-', '-x64-');
		plant({ [foreign]: elf, [host]: hostAddon });
		assert.equal(loadIn().info?.triple, host);
		plant({ [foreign]: elf });
		const e = loadIn(withNavigator(undefined)).error;
		// glibc's own words ("No such file") would mislead: the loader says what it means.
		const reason = host.endsWith('-gnu') ? 'it is there: built for another architecture' : '\\S';
		assert.match(e.message, new RegExp(`${foreign}: [^;]*${reason}`), e.message);
	});

	test('on glibc, a library needing musl’s libc does not load (why musl is tried first)', { skip: !host.endsWith('-gnu') && 'glibc host only' }, (t) => {
		// A musl addon's only dependency is `libc.musl-<arch>.so.1`; build a stand-in with that one
		// NEEDED entry (a real musl build is checked the same way by make dist's checks).
		const soname = `libc.musl-${host.startsWith('linux-arm64') ? 'aarch64' : 'x86_64'}.so.1`;
		const work = join(dir, 'musl-standin');
		mkdirSync(work, { recursive: true });
		writeFileSync(join(work, 's.c'), 'int musl_stub;\n');
		writeFileSync(join(work, 'x.c'), 'int addon_stub(void) { return 1; }\n');
		const cc = (args) => spawnSync('cc', args, { cwd: work, encoding: 'utf8' });
		const lib = cc(['-shared', '-nostdlib', '-o', soname, `-Wl,-soname,${soname}`, 's.c']);
		if (lib.error) return t.skip('no C compiler');
		assert.equal(lib.status, 0, lib.stderr);
		const addon = cc(['-shared', '-nostdlib', '-o', 'x.node', 'x.c', '-L.', '-Wl,--no-as-needed', `-l:${soname}`]);
		assert.equal(addon.status, 0, addon.stderr);
		const musl = host.replace(/-gnu$/, '-musl');
		plant({ [musl]: join(work, 'x.node'), [host]: hostAddon });
		assert.equal(loadIn().info?.triple, host);
		plant({ [musl]: join(work, 'x.node') });
		const e = loadIn(withNavigator(undefined)).error;
		assert.match(e.message, new RegExp(`${musl}: [^;]*libc\\.musl`), e.message);
	});

	test('navigator.platform limits the candidates and is named in the error', () => {
		plant({});
		const e = loadIn(withNavigator('MacIntel')).error;
		assert.equal(e.kind, 'internal');
		assert.match(e.message, /navigator\.platform 'MacIntel'/);
		assert.match(e.message, /Tried instagram-graph\.<triple>\.node for: darwin-arm64: not shipped in native\/; darwin-x64: not shipped in native\/\./);
		assert.match(e.message, /Not tried \(another platform\): linux-x64-musl, linux-x64-gnu, linux-arm64-musl, linux-arm64-gnu, win32-x64-msvc\./);
		// This machine's addon is not even tried when navigator says another platform.
		plant({ [host]: hostAddon });
		assert.ok(loadIn(withNavigator(host.startsWith('win32') ? 'MacIntel' : 'Win32')).error);
	});

	test('without navigator every candidate is tried and named, with its reason', () => {
		plant({});
		const e = loadIn(withNavigator(undefined)).error;
		assert.match(e.message, /unknown: this runtime has no navigator\.platform/);
		for (const t of ALL) assert.ok(e.message.includes(`${t}: not shipped in native/`), `${t} not listed`);
		assert.doesNotMatch(e.message, /Not tried/);
	});
});
