#!/usr/bin/env node
// The Instagram node's panel in a real browser (scripts/e2e-browser.sh starts everything):
// Chromium (Debian's package) driven by playwright-core logs into a running `n8n start`, opens
// the imported workflow with its Instagram node panel (NDV) and checks that the panel renders:
// the parameters are visible (resource, operation, the operation's own fields), no error toast
// appeared, and the browser console logged no error that comes from the node. Screenshots land
// in the logs folder.
//
//   browser.mjs BASE_URL SERVER_PID WORKFLOW_ID NODE_ID NODE_NAME LOGS_DIR PLAYWRIGHT_DIR
//
// Environment: CHROMIUM (browser binary; default: `chromium` on PATH), E2E_BROWSER_TIMEOUT (s).
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dieFor } from './common.mjs';

const die = dieFor('e2e/browser.mjs');
const [base, serverPidText, workflowId, nodeId, nodeName, logsDir, playwrightDir] = process.argv.slice(2);
if (!playwrightDir) die('usage: browser.mjs BASE_URL SERVER_PID WORKFLOW_ID NODE_ID NODE_NAME LOGS_DIR PLAYWRIGHT_DIR');
const TIMEOUT_S = Number(process.env.E2E_BROWSER_TIMEOUT || 180);
const deadline = Date.now() + TIMEOUT_S * 1000;
const serverPid = Number(serverPidText);

const { chromium } = createRequire(join(playwrightDir, 'package.json'))('playwright-core');
const chromiumBin = process.env.CHROMIUM || execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();

const alive = () => {
	try {
		process.kill(serverPid, 0);
		return true;
	} catch {
		return false;
	}
};

// 1. n8n ready, and an owner to log in as (a fresh instance has none).
async function waitReady() {
	let last = 'no answer';
	while (Date.now() < deadline) {
		if (!alive()) die(`n8n start (pid ${serverPid}) exited before it was ready (${last})`);
		try {
			const r = await fetch(`${base}/healthz/readiness`);
			if (r.status === 200) return;
			last = `HTTP ${r.status}`;
		} catch (e) {
			last = String(e.cause?.code ?? e.message);
		}
		await new Promise((ok) => setTimeout(ok, 250));
	}
	die(`n8n not ready within ${TIMEOUT_S} s (${last})`);
}

const results = [];
const record = (name, problems, detail) => results.push({ name, ok: problems.length === 0, detail: problems.length ? problems.join('; ') : detail });

await waitReady();
const owner = { email: 'e2e-browser@example.com', firstName: 'E2E', lastName: 'Browser', password: `E2e-${randomBytes(12).toString('hex')}-1` };
const setup = await fetch(`${base}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(owner) });
if (setup.status !== 200) die(`POST /rest/owner/setup: HTTP ${setup.status}`);

// 2. The browser: console errors, failed requests and page errors recorded from the start.
const browser = await chromium.launch({ executablePath: chromiumBin, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
const consoleErrors = [];
const pageErrors = [];
const failedApi = [];
try {
	const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
	const page = await context.newPage();
	page.setDefaultTimeout(Math.max(5_000, Math.min(60_000, deadline - Date.now())));
	page.on('console', (m) => {
		if (m.type() === 'error') consoleErrors.push(m.text());
	});
	page.on('pageerror', (e) => pageErrors.push(String(e.message ?? e)));
	page.on('response', (r) => {
		const u = r.url();
		if (u.startsWith(`${base}/rest/`) && r.status() >= 400) failedApi.push(`${r.request().method()} ${u.slice(base.length)} → ${r.status()}`);
	});

	// Log in through the sign-in form, as a user would.
	await page.goto(`${base}/signin`);
	await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(owner.email);
	await page.locator('input[type="password"]').first().fill(owner.password);
	await page.keyboard.press('Enter');
	await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 60_000 });
	record('browser-login', [], `signed in as the owner (${page.url().slice(base.length)})`);
	// The sign-in page's own probes (GET /rest/login answers 401 before signing in) are not the
	// panel's: judge what happens from here on.
	consoleErrors.length = 0;
	failedApi.length = 0;

	// 3. The workflow with the node's panel open (the editor's route /workflow/:id/:nodeId).
	await page.goto(`${base}/workflow/${workflowId}/${nodeId}`);
	await page.locator('[data-test-id="canvas-wrapper"], [data-test-id="canvas"]').first().waitFor({ state: 'visible' });
	const ndv = page.locator('[data-test-id="ndv"]').first();
	try {
		await ndv.waitFor({ state: 'visible', timeout: 15_000 });
	} catch {
		// Fallback: open the panel the way a user does, by double-clicking the node.
		await page.getByText(nodeName, { exact: true }).first().dblclick();
		await ndv.waitFor({ state: 'visible' });
	}
	const params = ndv.locator('[data-test-id="node-parameters"]').first();
	await params.waitFor({ state: 'visible' });
	// Let the panel settle (lazy parameter components, credential checks, dynamic options).
	await page.waitForTimeout(3000);
	await page.screenshot({ path: join(logsDir, 'browser-ndv.png'), fullPage: true });

	// 4. What the panel shows.
	{
		const p = [];
		const items = await params.locator('[data-test-id="parameter-item"]').count();
		const text = (await ndv.innerText()).replace(/\s+/g, ' ');
		if (items < 3) p.push(`only ${items} parameter item(s) visible`);
		for (const label of ['Resource', 'Operation']) if (!text.includes(label)) p.push(`no "${label}" parameter in the panel`);
		if (/Rust core/i.test(text)) p.push('the panel mentions "Rust core" (an implementation detail)');
		if (/Could not load|There was a problem loading the parameter|node is not currently installed|Install this node/i.test(text)) p.push(`the panel shows a load error: ${text.match(/(Could not load|There was a problem loading the parameter|node is not currently installed|Install this node)[^.]*/i)?.[0]}`);
		const issues = await ndv.locator('[data-test-id="parameter-issues"]').count();
		record('browser-ndv-renders', p, `node panel open: ${items} parameter items, resource/operation shown, ${issues} parameter issue marker(s)`);
		writeFileSync(join(logsDir, 'browser-ndv.txt'), text + '\n');
	}
	{
		const toasts = await page.locator('.el-notification--error').allInnerTexts();
		record('browser-no-error-toast', toasts.map((t) => `error toast: ${t.replace(/\s+/g, ' ').slice(0, 200)}`), 'no error toast');
	}
	{
		// Errors of the editor itself that have nothing to do with the node are n8n's business
		// (telemetry, offline template/banner fetches); anything naming our node or its
		// parameters, page exceptions and failing REST calls are ours.
		const offline = /ERR_INTERNET_DISCONNECTED|ERR_NAME_NOT_RESOLVED|net::ERR_|Failed to load resource|telemetry|rudderstack|posthog|sentry|favicon/i;
		const ours = consoleErrors.filter((m) => !offline.test(m) || /instagram/i.test(m));
		const p = [...ours.map((m) => `console error: ${m.slice(0, 300)}`), ...pageErrors.map((m) => `page error: ${m.slice(0, 300)}`), ...failedApi.map((m) => `REST call failed: ${m}`)];
		record('browser-console-clean', p, `no console error from the panel (${consoleErrors.length - ours.length} offline/telemetry message(s) ignored)`);
	}
	// 5. Its parameters are interactive: the operation dropdown lists the resource's operations.
	{
		const p = [];
		try {
			const op = ndv.locator('[data-test-id="parameter-input-operation"]').first();
			await op.click();
			const option = page.locator('.el-select-dropdown__item:visible, [role="option"]:visible');
			await option.first().waitFor({ state: 'visible', timeout: 10_000 });
			const options = (await option.allInnerTexts()).map((t) => t.split('\n')[0]);
			if (options.length < 2) p.push(`the Operation dropdown lists ${options.length} option(s)`);
			await page.keyboard.press('Escape');
			record('browser-operation-dropdown', p, `Operation lists ${options.length} options (e.g. ${options.slice(0, 3).join(', ')})`);
		} catch (e) {
			record('browser-operation-dropdown', [`could not open the Operation dropdown: ${String(e.message).split('\n')[0]}`], '');
		}
	}
	await page.screenshot({ path: join(logsDir, 'browser-final.png'), fullPage: true });
} catch (e) {
	record('browser-run', [String(e.message ?? e).split('\n')[0]], '');
} finally {
	await browser.close();
}

let failed = 0;
for (const r of results) {
	if (!r.ok) failed++;
	console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(26)} ${r.detail}`);
}
console.log(`e2e browser: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
