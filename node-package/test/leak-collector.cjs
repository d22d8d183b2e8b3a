// Preloaded into every `node --test` process (NODE_OPTIONS=--require) when IG_LEAK_DIR is set:
// gathers every error text, inspect() of errors and clients, console line and warning the
// suites produce, with the secrets of every sandbox started, for scripts/scan-secrets.py.
'use strict';
const dir = process.env.IG_LEAK_DIR;
if (dir) {
	const fs = require('node:fs');
	const path = require('node:path');
	const util = require('node:util');
	const pkg = path.join(__dirname, '..');
	const texts = [];
	const secrets = new Set();
	const record = (...items) => {
		for (const x of items) {
			try {
				texts.push(typeof x === 'string' ? x : util.inspect(x, { depth: 6, showHidden: true }));
			} catch (e) {
				texts.push(`<inspect failed: ${e && e.name}>`);
			}
		}
	};
	const recordError = (e) => {
		record(String(e && e.message), String(e && e.stack), e);
		try {
			texts.push(JSON.stringify(e));
		} catch {
			/* circular: inspect above has it */
		}
		return e;
	};
	// The modules themselves, not index.js: its re-exports are getters that read these
	// exports objects at each access, so patching here reaches every user.
	let errors;
	let client;
	let sandbox;
	try {
		errors = require(path.join(pkg, 'dist', 'src', 'errors.js'));
		client = require(path.join(pkg, 'dist', 'src', 'client.js'));
		sandbox = require(path.join(pkg, 'dist', 'src', 'sandbox.js'));
	} catch {
		// Not built: the suites will fail on their own.
	}
	if (errors) {
		for (const name of ['errorFromFields', 'localError']) {
			const orig = errors[name];
			if (typeof orig === 'function') errors[name] = (...a) => recordError(orig(...a));
		}
	}
	if (sandbox && typeof sandbox.startSandbox === 'function') {
		const orig = sandbox.startSandbox;
		sandbox.startSandbox = async (...a) => {
			const sb = await orig(...a);
			for (const k of ['accessToken', 'facebookAccessToken', 'pageAccessToken', 'appSecret']) {
				if (typeof sb[k] === 'string') secrets.add(sb[k]);
			}
			return sb;
		};
	}
	if (client && typeof client.InstagramClient === 'function') {
		const Base = client.InstagramClient;
		const clients = [];
		client.InstagramClient = class extends Base {
			constructor(...a) {
				super(...a);
				clients.push(this);
			}
		};
		process.on('exit', () => clients.forEach((c) => record(c)));
	}
	for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
		const orig = console[level].bind(console);
		console[level] = (...a) => {
			record(util.format(...a));
			orig(...a);
		};
	}
	process.on('warning', (w) => record(String(w && w.message), w));
	process.on('exit', () => {
		try {
			fs.mkdirSync(dir, { recursive: true });
			fs.writeFileSync(
				path.join(dir, `node-${process.pid}.json`),
				JSON.stringify({ suite: 'node', secrets: [...secrets], texts }),
			);
		} catch {
			/* best effort at exit */
		}
	});
}
