// Smoke test of the npm package on one platform's Node (native, musl loader, qemu or Wine):
// requires the package as extracted from the tarball, checks which addon the loader picked,
// starts the sandbox (inside the addon), pages through the demo account's media and compares
// the count with what the sandbox says it serves, and takes one typed-error path.
//
//   node smoke.cjs PACKAGE_DIR EXPECTED_TRIPLE RESULT_FILE [--require-addon-info]
//
// Every line goes to stdout and to RESULT_FILE (Wine's pipes lose output; the file does not).
// The last line is "SMOKE PASS" or "SMOKE FAIL"; the exit code is 0 only on PASS.
// Tokens and the app secret are never printed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [pkgDir, triple, resultFile, ...flags] = process.argv.slice(2);
if (!pkgDir || !triple || !resultFile) {
	console.error('usage: node smoke.cjs PACKAGE_DIR EXPECTED_TRIPLE RESULT_FILE [--require-addon-info]');
	process.exit(2);
}
const requireAddonInfo = flags.includes('--require-addon-info');

// The Rust target each shipped addon is compiled for (the Windows one is a windows-gnu DLL).
const RUST_TARGETS = {
	'linux-x64-gnu': 'x86_64-unknown-linux-gnu',
	'linux-x64-musl': 'x86_64-unknown-linux-musl',
	'linux-arm64-gnu': 'aarch64-unknown-linux-gnu',
	'linux-arm64-musl': 'aarch64-unknown-linux-musl',
	'darwin-arm64': 'aarch64-apple-darwin',
	'darwin-x64': 'x86_64-apple-darwin',
	'win32-x64-msvc': 'x86_64-pc-windows-gnu',
};

fs.writeFileSync(resultFile, '');
let failed = 0;
const log = (line) => {
	console.log(line);
	fs.appendFileSync(resultFile, line + '\n');
};
const check = (what, ok, detail) => {
	if (!ok) failed++;
	log(`  ${ok ? 'ok  ' : 'FAIL'}  ${what.padEnd(22)} ${detail}`);
};
// node:http rather than fetch: undici's fetch fails under Wine ("fetch failed") where plain
// sockets work.
const getJson = (url) =>
	new Promise((resolve, reject) => {
		require('node:http')
			.get(url, (res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (c) => (body += c));
				res.on('end', () => {
					try {
						resolve(JSON.parse(body));
					} catch (e) {
						reject(new Error(`${url}: HTTP ${res.statusCode}, not JSON: ${e.message}`));
					}
				});
			})
			.on('error', reject);
	});
const ms = (t0) => `${Math.round(performance.now() - t0)} ms`;

async function main() {
	log(`smoke: node ${process.version} ${process.platform}-${process.arch}, package ${path.resolve(pkgDir)}`);
	check('runtime platform', triple.startsWith(`${process.platform}-${process.arch}`), `${process.platform}-${process.arch} for ${triple}`);

	let t0 = performance.now();
	const pkg = require(path.resolve(pkgDir));
	check('require', typeof pkg.InstagramClient === 'function' && typeof pkg.startSandbox === 'function', `InstagramClient, startSandbox (${ms(t0)})`);

	if (typeof pkg.addonInfo === 'function') {
		const info = pkg.addonInfo();
		check('addon picked', info && info.triple === triple, `addonInfo().triple ${JSON.stringify(info && info.triple)}, want ${triple}`);
		check('addon rust target', info && info.rustTarget === RUST_TARGETS[triple], `addonInfo().rustTarget ${JSON.stringify(info && info.rustTarget)}, want ${RUST_TARGETS[triple]}`);
	} else {
		check('addon picked', !requireAddonInfo, `addonInfo not exported by the package${requireAddonInfo ? '' : ' (not required in this run)'}`);
	}

	// A media count no default gives, so a match means the walk really covered the sandbox's feed.
	const mediaCount = 53;
	const pageSize = 10;
	t0 = performance.now();
	const sb = await pkg.startSandbox({ mediaCount, seed: 7 });
	log(`  sandbox started at ${sb.url} (${ms(t0)})`);
	try {
		const client = new pkg.InstagramClient({ accessToken: sb.accessToken, baseUrl: sb.url });
		const me = await client.call('user.get', { ig_user_id: sb.igUserId, fields: 'id,username,media_count' });
		check('sandbox media_count', me.media_count === mediaCount, `user.get says ${me.media_count}, started with ${mediaCount}`);

		t0 = performance.now();
		const ids = new Set();
		let walked = 0;
		for await (const m of client.paginate('media.list', { ig_user_id: sb.igUserId, limit: pageSize, fields: 'id,media_type' })) {
			walked++;
			ids.add(m.id);
		}
		check('paginate media.list', walked === me.media_count && ids.size === walked, `${walked} items, ${ids.size} distinct, sandbox serves ${me.media_count} (${ms(t0)})`);

		// The sandbox's own count of the pages it served for that walk.
		const stats = await getJson(`${sb.url}/_sandbox/stats`);
		const mediaPages = Object.entries(stats.by_endpoint || {})
			.filter(([k]) => /^GET \S*\/media$/.test(k))
			.reduce((n, [, v]) => n + (typeof v === 'number' ? v : (v && v.requests) || 0), 0);
		const wantPages = Math.ceil(mediaCount / pageSize);
		check('pages served', mediaPages === wantPages, `sandbox served ${mediaPages} media pages, want ${wantPages} of ${pageSize}`);

		const bad = new pkg.InstagramClient({ accessToken: 'IGAAnot-a-valid-token-for-the-smoke-test', baseUrl: sb.url });
		try {
			await bad.call('user.get', { ig_user_id: sb.igUserId });
			check('typed error', false, 'a bad token was accepted');
		} catch (e) {
			const typed = e instanceof pkg.AuthError && e instanceof pkg.InstagramError;
			const leaked = String(e.message).includes('not-a-valid-token');
			check('typed error', typed && e.kind === 'auth' && e.code === 'IG_AUTH' && e.graphCode === 190 && !leaked,
				`${e.constructor && e.constructor.name} kind=${e.kind} code=${e.code} graph code=${e.graphCode} http=${e.httpStatus}${leaked ? ' (message quotes the token!)' : ''}`);
		}
		await new pkg.InstagramClient({ accessToken: sb.accessToken, baseUrl: sb.url })
			.call('media.list', { ig_user_id: sb.igUserId, limit: 'ten' })
			.then(() => check('invalid params', false, 'limit "ten" was accepted'),
				(e) => check('invalid params', e instanceof pkg.InvalidParamsError && /params\.limit/.test(e.message), `${e.constructor && e.constructor.name}: ${String(e.message).slice(0, 80)}`));
	} finally {
		t0 = performance.now();
		await sb.stop();
		log(`  sandbox stopped (${ms(t0)})`);
	}
}

main().then(
	() => {
		log(failed ? `SMOKE FAIL (${failed} failed)` : 'SMOKE PASS');
		process.exitCode = failed ? 1 : 0;
	},
	(e) => {
		log(`  FAIL  ${'unexpected error'.padEnd(22)} ${e && e.stack ? e.stack.split('\n').slice(0, 4).join(' | ') : e}`);
		log('SMOKE FAIL');
		process.exitCode = 1;
	},
);
