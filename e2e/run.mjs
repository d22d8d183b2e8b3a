#!/usr/bin/env node
// Helper for scripts/e2e-run.sh: everything that handles JSON. Plain Node, no dependencies.
//   run.mjs free-ports N                      print N free loopback TCP ports
//   run.mjs strip-package DIR/package.json    drop dev/peer/optional deps as n8n's installer does
//   run.mjs prepare SANDBOX_JSON OUT_DIR PKG_DIR
//                                             write credentials.json + workflow.json, move the sandbox's
//                                             clock a day on (so its token may be refreshed), have the
//                                             sandbox deliver a DM (opens the messaging window), add the
//                                             catalogue nodes (e2e/catalogue.mjs; plan in OUT_DIR), print
//                                             the workflow id
//   run.mjs cred-test SANDBOX_JSON BASE_URL SERVER_PID OUT_JSON DEADLINE_S
//                                             drive a running `n8n start` through its REST API: owner
//                                             setup, then POST /rest/credentials/test (the "Test" button)
//                                             and the editor's dynamic-parameter calls (locators, options)
//   run.mjs check SANDBOX_JSON EXEC_RC N8N_LOG EXEC_STDOUT CRED_TEST_JSON CREDS_AFTER_JSON EXEC2_RC N8N_LOG2 SCAN_PATH...
//                                             compare n8n's output with the sandbox, check the token renewals
//                                             n8n persisted (CREDS_AFTER_JSON: export:credentials --decrypted
//                                             after two executions), scan for secrets
//   run.mjs tail SANDBOX_JSON N FILE...       last N lines of each file with secrets redacted
import { createHmac, createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogueWorkflowNodes, checkCatalogue, checkDynamic, dynamicCalls, loadNode, remapTemplateNodes } from './catalogue.mjs';
import { dieFor, readSandbox as readSandboxLine, redactor, scanForSecrets } from './common.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const API_VERSION = 'v25.0';
const CRED = { id: 'igE2eCredGood001', name: 'IG e2e sandbox' };
const BAD_CRED = { id: 'igE2eCredBad0001', name: 'IG e2e wrong token' };
// Its stored session says the token expires in 3 days and is 57 days old: the node has n8n
// refresh it (the credential's preAuthentication), and n8n persists the new token.
const EXP_CRED = { id: 'igE2eCredExpir01', name: 'IG e2e expiring token' };
// Facebook Login (the Facebook user token; the node sends messages with the Page's token).
const FB_CRED = { id: 'igE2eCredFbLgn01', name: 'IG e2e Facebook Login' };
const PLAN_FILE = 'catalogue-plan.json';
const NODE_EXPIRING = 'Read with an expiring token';
const DAY = 24 * 3600;
const NODE_ALL = 'List all media';
const NODE_LIMIT = 'List first 7';
const NODE_BAD = 'List with wrong token';
const NODE_TWO = 'List first 7 per input item'; // fed two items by a Code node
const NODE_PROFILE = 'Get profile'; // user.get with the node's default fields
const LIMIT = 7;
const FIELDS = 'id,media_type,timestamp';

const die = dieFor('e2e/run.mjs');

function readSandbox(file) {
  const sb = readSandboxLine(file, ['url', 'access_token', 'facebook_access_token', 'page_access_token', 'app_secret', 'ig_user_id', 'ig_app_scoped_id'], die);
  // A wrong token that is derived, so `check` can look for it too without another file.
  sb.wrong_token = 'IGWRONG' + createHash('sha256').update(sb.access_token).digest('hex').slice(0, 32);
  return sb;
}

function secretsOf(sb) {
  return [
    ['the access token', sb.access_token],
    ['the Facebook access token', sb.facebook_access_token],
    ['the Page access token', sb.page_access_token],
    ['the app secret', sb.app_secret],
    ['the wrong access token', sb.wrong_token],
    // Tokens the credentials got from exchanges and refreshes (known once n8n exported them).
    ...(sb.renewed ?? []).map((t) => ['a renewed access token', t]),
  ];
}

// The credential's fingerprint of the token its session fields describe (src/credential-token.ts).
const fingerprint = (token) => createHash('sha256').update(token).digest('hex').slice(0, 32);

// Printed text never carries a secret, even when a check fails because of one.
const { setSecrets, redact, short } = redactor();

// ---- free-ports ------------------------------------------------------------------------------
async function freePorts(n) {
  const servers = [];
  const ports = [];
  for (let i = 0; i < n; i++) {
    const srv = createServer();
    await new Promise((ok, ko) => srv.once('error', ko).listen(0, '127.0.0.1', ok));
    servers.push(srv);
    ports.push(srv.address().port);
  }
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  console.log(ports.join(' '));
}

// ---- strip-package ---------------------------------------------------------------------------
function stripPackage(file) {
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  // Same three fields n8n's CommunityPackagesService deletes before its `npm install`.
  for (const k of ['devDependencies', 'peerDependencies', 'optionalDependencies']) delete pkg[k];
  writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
  console.log(`${pkg.name}@${pkg.version}`);
}

// ---- prepare ---------------------------------------------------------------------------------
// The credential's fields (credentials/InstagramGraphApi.credentials.ts), pointed at the sandbox.
function credData(sb, token, extra = {}) {
  return {
    accessToken: token,
    login: 'instagram',
    apiVersion: API_VERSION,
    appSecret: sb.app_secret,
    baseUrl: sb.url,
    ...extra,
  };
}

async function prepare(sandboxFile, outDir, pkgDir) {
  const sb = readSandbox(sandboxFile);
  const now = Math.floor(Date.now() / 1000);
  const expiring = credData(sb, sb.access_token, {
    sessionToken: sb.access_token,
    sessionSource: fingerprint(sb.access_token),
    sessionExpiresAt: now + 3 * DAY,
    sessionIssuedAt: now - 57 * DAY,
  });
  const creds = [
    { ...CRED, type: 'instagramGraphApi', data: credData(sb, sb.access_token) },
    { ...BAD_CRED, type: 'instagramGraphApi', data: credData(sb, sb.wrong_token) },
    { ...EXP_CRED, type: 'instagramGraphApi', data: expiring },
    { ...FB_CRED, type: 'instagramGraphApi', data: credData(sb, sb.facebook_access_token, { login: 'facebook', appId: sb.app_id }) },
  ];
  // The sandbox issued its token at start: a day on, Meta's 24-hour rule lets it be refreshed.
  const clock = await fetch(`${sb.url}/_sandbox/clock`, { method: 'POST', body: JSON.stringify({ advance_seconds: DAY + 3600 }) });
  if (!clock.ok) die(`POST /_sandbox/clock: HTTP ${clock.status}`);
  const subst = {
    '@@IG_USER_ID@@': sb.ig_user_id,
    '@@CRED_ID@@': CRED.id,
    '@@CRED_NAME@@': CRED.name,
    '@@BAD_CRED_ID@@': BAD_CRED.id,
    '@@BAD_CRED_NAME@@': BAD_CRED.name,
    '@@EXP_CRED_ID@@': EXP_CRED.id,
    '@@EXP_CRED_NAME@@': EXP_CRED.name,
  };
  const fill = (v) => {
    if (typeof v === 'string') {
      if (!(v in subst) && v.includes('@@')) die(`unknown placeholder ${v}`);
      return v in subst ? subst[v] : v;
    }
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  const wf = fill(JSON.parse(readFileSync(join(HERE, 'workflow.template.json'), 'utf8')));
  // The catalogue nodes. A DM from a person (the sandbox's simulate endpoint, as a webhook
  // would bring it) after the clock moved: its window is open, while the seeded conversation of
  // `messaging.recipient_id` (messaged "minutes" before the day's jump) is now outside it. The
  // DM comes from the person whose last message was 8 days old (`recipient_id_closed`).
  const info = await (await fetch(`${sb.url}/_sandbox/info`)).json();
  const dmFrom = info.messaging?.recipient_id_closed;
  const sim = await fetch(`${sb.url}/_sandbox/webhooks/simulate`, {
    method: 'POST',
    body: JSON.stringify({ event: 'message', text: 'Hi! Is the blue one still available?', ...(dmFrom ? { sender_id: dmFrom } : {}) }),
  });
  const simBody = await sim.json().catch(() => ({}));
  if (!sim.ok) die(`POST /_sandbox/webhooks/simulate: HTTP ${sim.status} ${short(simBody)}`);
  let dm = {};
  try {
    const m = JSON.parse(simBody.body).entry[0].messaging[0];
    dm = { sender_id: m.sender.id, mid: m.message.mid };
  } catch (e) {
    die(`the simulated DM has no sender/mid: ${e.message}`);
  }
  let loaded;
  try {
    loaded = loadNode(pkgDir);
  } catch (e) {
    die(`cannot load the installed node from ${pkgDir}: ${e.message}`);
  }
  const remapped = remapTemplateNodes(loaded.description, wf.nodes);
  if (remapped.length) die(`the template's nodes do not fit the node any more: ${remapped.join('; ')}`);
  const { nodes, plan } = catalogueWorkflowNodes(loaded, { ...info, dm }, { instagram: CRED, facebook: FB_CRED }, wf.nodes.length);
  wf.nodes.push(...nodes);
  const fromTrigger = wf.connections['Manual Trigger'].main[0];
  for (const n of nodes) fromTrigger.push({ node: n.name, type: 'main', index: 0 });
  const methods = { listSearch: Object.keys(loaded.methods.listSearch ?? {}), loadOptions: Object.keys(loaded.methods.loadOptions ?? {}) };
  writeFileSync(join(outDir, PLAN_FILE), JSON.stringify({ plan, dm, methods }, null, 2));
  writeFileSync(join(outDir, 'credentials.json'), JSON.stringify(creds, null, 2), { mode: 0o600 });
  writeFileSync(join(outDir, 'workflow.json'), JSON.stringify(wf, null, 2));
  console.log(wf.id);
}

// ---- cred-test: the credential "Test" button, through a running `n8n start` -------------------
// The editor's Test button is `POST /rest/credentials/test` with `{ credentials: { id, name, type,
// data } }` (TestCredentialRequestDto, n8n 2.40.7). `id` is required: these are the imported
// credentials' ids (owned by the owner's project), as the editor sends for a saved credential;
// `data` holds the form's values, which n8n tests as sent (it only swaps redacted placeholders for
// stored values). n8n finds no declarative `test` on instagramGraphApi and runs the node's
// `methods.credentialTest[testedBy]` (CredentialsTester.getCredentialTestFunction).
// Writes { cases: [{ name, http, status, message }], error?, ms } to OUT_JSON (raw messages: the
// file lives in the unscanned TMP; `check` redacts whatever it prints). Exit 1 when the flow broke.
const CRED_CASES = (sb, requireProof) => [
  { name: 'instagram', cred: CRED, data: credData(sb, sb.access_token) },
  { name: 'wrong-token', cred: BAD_CRED, data: credData(sb, sb.wrong_token) },
  // Facebook Login needs the Facebook user token (EAA…); the sandbox rejects an IG token there.
  { name: 'facebook', cred: CRED, data: credData(sb, sb.facebook_access_token, { login: 'facebook' }) },
  { name: 'facebook-with-ig-token', cred: CRED, data: credData(sb, sb.access_token, { login: 'facebook' }) },
  // Only meaningful when the sandbox demands appsecret_proof: then the OKs above were signed.
  ...(requireProof ? [{ name: 'no-app-secret', cred: CRED, data: credData(sb, sb.access_token, { appSecret: '' }) }] : []),
];

async function credTest(sandboxFile, base, serverPid, outFile, deadlineS) {
  const sb = readSandbox(sandboxFile);
  const t0 = Date.now();
  const deadline = t0 + deadlineS * 1000;
  const out = { cases: [], ms: {} };
  const browserId = randomUUID(); // n8n binds its auth cookie to the browser-id header
  let cookie = '';
  const alive = () => {
    try {
      process.kill(serverPid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const request = async (method, path, body) => {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no answer within ${deadlineS} s (before ${method} ${path})`);
    const headers = { accept: 'application/json', 'browser-id': browserId };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (cookie) headers.cookie = cookie;
    const res = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(Math.min(left, 30_000)),
    });
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    const auth = res.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
    return { status: res.status, json, text, auth: auth && auth.split(';')[0] };
  };
  const fail = (what, r) => {
    throw new Error(`${what}: HTTP ${r.status} ${short(r.json?.message ?? r.text, 200)}`);
  };
  try {
    // 1. Ready. Not /healthz (200 as soon as the port is open) nor any REST route (until the
    // migrations are done every path answers 200 "n8n is starting up. Please wait", and the
    // controllers are mounted later still): /healthz/readiness turns 200 only once the server
    // has finished starting (AbstractServer.markAsReady in n8n 2.40.7).
    let last = 'no answer';
    for (;;) {
      if (!alive()) throw new Error(`n8n start (pid ${serverPid}) exited before it was ready (${last})`);
      try {
        const r = await request('GET', '/healthz/readiness');
        if (r.status === 200 && r.json?.status === 'ok') break;
        last = `GET /healthz/readiness: HTTP ${r.status}`;
      } catch (e) {
        if (Date.now() >= deadline) throw new Error(`n8n not ready within ${deadlineS} s (${last})`);
        last = String(e.cause?.code ?? e.message);
      }
      if (Date.now() >= deadline) throw new Error(`n8n not ready within ${deadlineS} s (${last})`);
      await new Promise((ok) => setTimeout(ok, 250));
    }
    out.ms.ready = Date.now() - t0;
    const settings = await request('GET', '/rest/settings'); // public: the REST API is mounted
    if (settings.status !== 200 || typeof settings.json?.data !== 'object') fail('GET /rest/settings', settings);

    // 2. The owner (a fresh instance has none; imported credentials belong to its project).
    const owner = {
      email: 'e2e-owner@example.com',
      firstName: 'E2E',
      lastName: 'Owner',
      password: `E2e-${randomBytes(12).toString('hex')}-1`, // throwaway: upper case + digit, 8..64
    };
    const setup = await request('POST', '/rest/owner/setup', owner);
    if (setup.status !== 200) fail('POST /rest/owner/setup', setup);
    cookie = setup.auth ?? '';
    if (!cookie) {
      const login = await request('POST', '/rest/login', { emailOrLdapLoginId: owner.email, password: owner.password });
      if (login.status !== 200) fail('POST /rest/login', login);
      cookie = login.auth ?? '';
      if (!cookie) throw new Error('neither owner setup nor login set the n8n-auth cookie');
    }
    out.ms.owner = Date.now() - t0;

    // 3. The Test button, once per case.
    for (const c of CRED_CASES(sb, process.env.E2E_REQUIRE_PROOF === '1')) {
      const started = Date.now();
      const r = await request('POST', '/rest/credentials/test', {
        credentials: { id: c.cred.id, name: c.cred.name, type: 'instagramGraphApi', data: c.data },
      });
      const result = r.json?.data;
      out.cases.push({
        name: c.name,
        http: r.status,
        status: result?.status ?? null,
        message: typeof result?.message === 'string' ? result.message : r.text.slice(0, 2000),
        ms: Date.now() - started,
      });
    }
    out.ms.credentials = Date.now() - t0;

    // 4. The editor's dynamic parameters: resource-locator searches and load-options methods.
    let methods = {};
    try {
      methods = JSON.parse(readFileSync(join(dirname(outFile), PLAN_FILE), 'utf8')).methods ?? {};
    } catch {
      /* no plan: only the description's methods */
    }
    out.dynamic = await dynamicCalls(
      request,
      { instagram: CRED, facebook: FB_CRED },
      { facebook: { ig_user_id: { __rl: true, mode: 'id', value: sb.ig_user_id } } },
      methods,
    );
    out.ms.total = Date.now() - t0;
  } catch (e) {
    out.error = String(e.message ?? e);
  }
  writeFileSync(outFile, JSON.stringify(out, null, 2), { mode: 0o600 });
  if (out.error) {
    setSecrets(secretsOf(sb));
    console.error(`e2e/run.mjs cred-test: ${redact(out.error)}`);
    process.exit(1);
  }
}

function checkCredTest(sb, file) {
  let res;
  try {
    res = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { problems: [`no result from the REST credential test (${file}: ${e.code ?? e.message})`], detail: '' };
  }
  const p = [];
  if (res.error) p.push(res.error);
  const byName = Object.fromEntries((res.cases ?? []).map((c) => [c.name, c]));
  const expect = (name, status, re, why) => {
    const c = byName[name];
    if (!c) {
      if (!res.error) p.push(`${name}: not run`);
      return;
    }
    if (c.http !== 200) p.push(`${name}: HTTP ${c.http} ${short(c.message, 200)}`);
    else if (c.status !== status) p.push(`${name}: status ${c.status}, expected ${status} (${short(c.message, 200)})`);
    else if (!re.test(c.message)) p.push(`${name}: message ${short(c.message, 200)} does not ${why}`);
    for (const [what, v] of secretsOf(sb)) if (c.message.includes(v)) p.push(`${name}: ${what} appears in the message`);
  };
  expect('instagram', 'OK', /@sandbox\.studio\b/, 'name the sandbox account @sandbox.studio');
  expect('wrong-token', 'Error', /\b190\b|invalid (oauth )?access token|invalid.{0,40}token/i, 'say the token is invalid');
  expect('facebook', 'OK', /\b[1-9]\d* linked Instagram account/, 'count a linked Instagram account');
  expect('facebook-with-ig-token', 'Error', /\b190\b|invalid (oauth )?access token|invalid.{0,40}token/i, 'refuse an Instagram Login token');
  if (process.env.E2E_REQUIRE_PROOF === '1') expect('no-app-secret', 'Error', /appsecret_proof/, 'mention appsecret_proof');
  const detail = (res.cases ?? []).map((c) => `${c.name} → ${c.status} "${short(c.message, 70)}"`).join('; ');
  const ms = res.ms?.total ? ` (ready ${(res.ms.ready / 1000).toFixed(1)} s, all ${(res.ms.total / 1000).toFixed(1)} s)` : '';
  return { problems: p, detail: `POST /rest/credentials/test: ${detail}${ms}` };
}

// ---- tail: last N lines of each file, secrets redacted (for failure reports) -----------------
function tail(sandboxFile, n, files) {
  try {
    setSecrets(secretsOf(readSandbox(sandboxFile)));
  } catch {
    setSecrets([]);
  }
  for (const f of files) {
    let text;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    if (text.trim() === '') continue;
    // n8n's log file is JSON lines: show "level message" and leave out debug chatter.
    let lines = text.trimEnd().split('\n').flatMap((l) => {
      if (!l.startsWith('{"level"')) return [l];
      try {
        const e = JSON.parse(l);
        return e.level === 'debug' ? [] : [`[${e.level}] ${e.message}`];
      } catch {
        return [l];
      }
    });
    const total = lines.length;
    lines = lines.slice(-n);
    console.log(`---- ${f} (last ${lines.length} of ${total} lines) ----`);
    // Redact first, then cut: n8n logs the whole execution JSON as one (long) message.
    console.log(lines.map((l) => short(l, 600)).join('\n'));
  }
}

// Error messages n8n logged (file transport, JSON lines), most specific first.
function n8nErrors(logText) {
  const out = [];
  for (const l of logText.split('\n')) {
    if (!l.startsWith('{"level":"error"')) continue;
    try {
      const m = String(JSON.parse(l).message).trim().split('\n')[0];
      if (m && !/^(Error executing workflow|Execution error:?$)/.test(m) && !out.includes(m)) out.push(m);
    } catch {
      /* not JSON */
    }
  }
  return out.slice(0, 3);
}

// ---- check -----------------------------------------------------------------------------------
async function graphPages(sb, fields) {
  const proof = createHmac('sha256', sb.app_secret).update(sb.access_token).digest('hex');
  const q = new URLSearchParams({ access_token: sb.access_token, appsecret_proof: proof, fields, limit: '100' });
  let next = `${sb.url}/${API_VERSION}/${encodeURIComponent(sb.ig_user_id)}/media?${q}`;
  const all = [];
  let pages = 0;
  while (next) {
    if (++pages > 1000) throw new Error('more than 1000 pages: paging.next never ends');
    const res = await fetch(next);
    const body = await res.json();
    if (!res.ok || body.error) throw new Error(`sandbox GET media: HTTP ${res.status} ${short(body)}`);
    all.push(...body.data);
    next = body.paging && body.paging.next;
  }
  return { items: all, pages };
}

// `n8n execute --rawOutput` prints JSON.stringify(run, null, 2) through n8n's logger (info level):
// raw on the console, or as the message of one JSON line in the log file. Both are accepted;
// the last message that parses to an execution (IRun) wins.
function isRun(v) {
  return v && typeof v === 'object' && v.data && v.data.resultData && typeof v.data.resultData === 'object';
}
function parseRunFromConsole(text) {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i] !== '{') continue;
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[j].trimEnd() !== '}') continue;
      try {
        const v = JSON.parse(lines.slice(i, j + 1).join('\n'));
        if (isRun(v)) return v;
      } catch {
        /* a later "}" line may close it */
      }
    }
  }
  return null;
}
function parseRunFromLogFile(text) {
  let found = null;
  for (const line of text.split('\n')) {
    if (!line.includes('resultData')) continue;
    try {
      const entry = JSON.parse(line);
      if (typeof entry.message !== 'string' || !entry.message.startsWith('{')) continue;
      const v = JSON.parse(entry.message);
      if (isRun(v)) found = v;
    } catch {
      /* not a log entry carrying an execution */
    }
  }
  return found;
}

function nodeItems(run, name) {
  const runs = run?.data?.resultData?.runData?.[name];
  if (!Array.isArray(runs) || runs.length === 0) return { error: `node "${name}" did not run` };
  const r = runs[runs.length - 1];
  if (r.error) return { error: `node "${name}" failed: ${short(r.error.message ?? r.error)}` };
  const items = r.data?.main?.[0];
  if (!Array.isArray(items)) return { error: `node "${name}" has no main output` };
  return { items };
}

// The input item an output item points back at, or null when pairedItem is missing or ambiguous.
// (n8n fills in pairedItem by itself only when a node had exactly one input item.)
function pairedInput(item) {
  const p = item.pairedItem;
  const refs = Array.isArray(p) ? p : [p];
  if (p === undefined || p === null || refs.length !== 1) return null;
  const r = refs[0];
  if (typeof r === 'number') return r;
  return r && typeof r.item === 'number' ? r.item : null;
}
function pairedOk(item, input = 0) {
  return pairedInput(item) === input;
}

function compareIds(name, items, expected, input = 0) {
  const ids = items.map((it) => it?.json?.id);
  const problems = [];
  if (ids.some((id) => typeof id !== 'string')) problems.push('an item has no string json.id');
  const dups = ids.length - new Set(ids).size;
  if (dups) problems.push(`${dups} duplicate id(s)`);
  if (ids.length !== expected.length) problems.push(`${ids.length} items, expected ${expected.length}`);
  const firstDiff = ids.findIndex((id, i) => id !== expected[i]);
  if (firstDiff >= 0 && firstDiff < expected.length) {
    problems.push(`first mismatch at index ${firstDiff}: got ${short(ids[firstDiff])}, expected ${expected[firstDiff]}`);
  }
  const unpaired = items.filter((it) => !pairedOk(it, input)).length;
  if (unpaired) problems.push(`${unpaired} item(s) without pairedItem → input ${input} (e.g. ${short(items.find((it) => !pairedOk(it, input))?.pairedItem)})`);
  return problems;
}

function sameJson(a, b) {
  const norm = (v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, norm(v[k])]))
      : Array.isArray(v) ? v.map(norm) : v;
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

async function check(sandboxFile, rcText, logFile, stdoutFile, credTestFile, credsAfterFile, rc2Text, log2File, scanPaths) {
  const sb = readSandbox(sandboxFile);
  // The credentials as n8n stored them after both executions (decrypted export, in the unscanned TMP).
  let credsAfter = null;
  let credsAfterError = '';
  try {
    credsAfter = Object.fromEntries(JSON.parse(readFileSync(credsAfterFile, 'utf8')).map((c) => [c.id, c.data ?? {}]));
  } catch (e) {
    credsAfterError = `no decrypted credential export (${credsAfterFile}: ${e.code ?? e.message})`;
  }
  sb.renewed = [CRED.id, EXP_CRED.id]
    .map((id) => credsAfter?.[id]?.accessToken)
    .filter((t) => typeof t === 'string' && t !== '' && t !== sb.access_token);
  setSecrets(secretsOf(sb));
  const results = [];
  const record = (name, problems, okDetail) => {
    results.push({ name, ok: problems.length === 0, detail: problems.length ? problems.join('; ') : okDetail });
  };

  // 1. The execution itself.
  const rc = Number(rcText);
  const readOr = (f) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  const run = parseRunFromLogFile(readOr(logFile)) ?? parseRunFromConsole(readOr(stdoutFile));
  {
    const p = [];
    if (rc !== 0) p.push(`n8n execute exited with ${rc}`);
    if (!run) p.push(`no execution JSON in n8n's log ${logFile} nor on its console`);
    if (p.length) p.push(...n8nErrors(readOr(logFile)).map((m) => `n8n: ${short(m, 200)}`));
    else {
      if (run.data?.resultData?.error) p.push(`execution error: ${short(run.data.resultData.error.message ?? run.data.resultData.error)}`);
      if (run.status && run.status !== 'success') p.push(`status ${run.status}`);
    }
    record('n8n-execute', p, `rc 0, status ${run?.status ?? '?'}, nodes run: ${Object.keys(run?.data?.resultData?.runData ?? {}).join(', ')}`);
  }

  // 1b. n8n found the package in $N8N_USER_FOLDER/.n8n/nodes and ran under Node 24.
  {
    const p = [];
    let loaded = null;
    let execPath = null;
    for (const l of readOr(logFile).split('\n')) {
      if (!l.includes('n8n-nodes-instagram-graph') && !l.includes('Received CLI command')) continue;
      try {
        const e = JSON.parse(l);
        if (/^Loaded all credentials and nodes from n8n-nodes-instagram-graph$/.test(e.message)) loaded = e.metadata;
        if (e.message === 'Received CLI command' && e.metadata?.args?.[0] === 'execute') execPath = e.metadata.execPath;
      } catch {
        /* not JSON */
      }
    }
    if (!loaded) p.push('n8n never logged "Loaded all credentials and nodes from n8n-nodes-instagram-graph"');
    record('package-loaded', p, `${loaded?.nodes} node(s), ${loaded?.credentials} credential(s) loaded by n8n ${process.env.E2E_N8N_VERSION ?? '?'} on ${execPath === process.execPath ? `Node ${process.version}` : execPath ?? '?'}`);
  }

  // 2. Ground truth straight from the sandbox.
  let truthIds = null;
  let truthFull = null;
  try {
    const ids = await graphPages(sb, 'id');
    truthIds = ids.items.map((m) => m.id);
    truthFull = (await graphPages(sb, FIELDS)).items;
    const p = [];
    if (ids.pages < 2) p.push(`sandbox served ${truthIds.length} media in ${ids.pages} page: paging is not exercised`);
    if (new Set(truthIds).size !== truthIds.length) p.push('sandbox itself returned duplicate ids');
    record('sandbox-truth', p, `${truthIds.length} media ids in ${ids.pages} pages of ≤100`);
  } catch (e) {
    record('sandbox-truth', [String(e.message ?? e)], '');
  }

  // 3. returnAll: every media, in Graph order, once each.
  if (run && truthIds) {
    const got = nodeItems(run, NODE_ALL);
    if (got.error) record('list-returnAll', [got.error], '');
    else {
      record('list-returnAll', compareIds(NODE_ALL, got.items, truthIds), `${got.items.length} items = sandbox ids, same order, no duplicates, pairedItem on each`);
      const p = [];
      if (got.items.length !== truthFull.length) p.push('item count differs (see list-returnAll)');
      else {
        const bad = got.items.findIndex((it, i) => !sameJson(it.json, truthFull[i]));
        if (bad >= 0) p.push(`item ${bad} json ${short(got.items[bad].json)} != sandbox ${short(truthFull[bad])} (fields=${FIELDS})`);
      }
      record(
        'list-fields',
        p,
        `each item's json equals the Graph object for fields=${FIELDS}`,
      );
    }
  }

  // 4. returnAll=false, limit=7: the first seven.
  if (run && truthIds) {
    const got = nodeItems(run, NODE_LIMIT);
    if (got.error) record('list-limit-7', [got.error], '');
    else record('list-limit-7', compareIds(NODE_LIMIT, got.items, truthIds.slice(0, LIMIT)), `exactly the first ${LIMIT} ids, pairedItem on each`);
  }

  // 4b. Two input items: the operation runs once per item, and pairedItem says which one.
  if (run && truthIds) {
    const got = nodeItems(run, NODE_TWO);
    if (got.error) record('paired-per-input', [got.error], '');
    else {
      const first = truthIds.slice(0, LIMIT);
      const p = [];
      if (got.items.length !== 2 * LIMIT) p.push(`${got.items.length} items, expected ${2 * LIMIT} (${LIMIT} per input item)`);
      p.push(...compareIds(NODE_TWO, got.items.slice(0, LIMIT), first, 0).map((x) => `input 0: ${x}`));
      p.push(...compareIds(NODE_TWO, got.items.slice(LIMIT), first, 1).map((x) => `input 1: ${x}`));
      record('paired-per-input', p, `2 input items → 2 × first ${LIMIT} ids, pairedItem 0 then 1`);
    }
  }

  // 4c. user.get with the node's default fields, Instagram Login: `user_id` is the professional
  // account (the id of paths and webhooks), `id` the app-scoped id, as at Meta.
  if (run) {
    const got = nodeItems(run, NODE_PROFILE);
    const p = [];
    if (got.error) p.push(got.error);
    else if (got.items.length !== 1) p.push(`${got.items.length} items, expected 1`);
    else {
      const json = got.items[0].json ?? {};
      if (json.user_id !== sb.ig_user_id) p.push(`user_id ${short(json.user_id)}, expected the IG user id ${sb.ig_user_id}`);
      if (json.id !== sb.ig_app_scoped_id) p.push(`id ${short(json.id)}, expected the app-scoped id ${sb.ig_app_scoped_id}`);
      if (json.username !== 'sandbox.studio') p.push(`username ${short(json.username)}, expected sandbox.studio`);
      if (truthIds && json.media_count !== truthIds.length) p.push(`media_count ${short(json.media_count)}, expected ${truthIds.length}`);
      if (!pairedOk(got.items[0])) p.push('item without pairedItem');
    }
    record('user-get-defaults', p, `@${got.items?.[0]?.json?.username}: user_id = IG user id, id = app-scoped id, media_count ${got.items?.[0]?.json?.media_count}`);
  }

  // 5. A Graph error (invalid token, code 190) reaches n8n as an error item.
  if (run) {
    const got = nodeItems(run, NODE_BAD);
    const p = [];
    if (got.error) p.push(got.error);
    else if (got.items.length !== 1) p.push(`${got.items.length} items, expected 1 error item (${short(got.items.slice(0, 2))})`);
    else {
      const json = got.items[0].json ?? {};
      const text = JSON.stringify(json);
      if (!('error' in json)) p.push(`item json has no "error": ${short(json)}`);
      else if (!/\b190\b|invalid (oauth )?access token|invalid.{0,40}token/i.test(text)) {
        p.push(`error does not mention the invalid token / code 190: ${short(json)}`);
      }
      // The Graph fields cross into n8n: DESIGN §4 errors carry kind and Graph code.
      const d = json.details ?? {};
      if (d.kind !== 'auth' || d.code !== 190) p.push(`details lack kind "auth" / Graph code 190: ${short(d)}`);
      if (!pairedOk(got.items[0])) p.push('error item without pairedItem');
    }
    const detail = got.items?.[0]
      ? `error item: ${short(got.items[0].json?.error, 120)} (kind ${got.items[0].json?.details?.kind}, code ${got.items[0].json?.details?.code})`
      : '';
    record('error-invalid-token', p, detail);
  }

  // 5a. Token renewals ran on n8n's request path and n8n persisted them (CredentialsHelper
  // .preAuthentication → updateCredentials): the expiring token was refreshed once, the new
  // credential's token exchanged once, the wrong token's failed exchange stored nothing; the
  // second execution found every stored session current (no further refresh or exchange).
  {
    const runs = [run, parseRunFromLogFile(readOr(log2File))];
    let endpoints = {};
    try {
      endpoints = (await (await fetch(`${sb.url}/_sandbox/stats`)).json()).by_endpoint ?? {};
    } catch (e) {
      credsAfterError ||= `sandbox stats: ${e.message}`;
    }
    const now = Math.floor(Date.now() / 1000);
    const session = (id, what) => {
      const p = [];
      const d = credsAfter?.[id];
      if (!d) return [`${what}: not in the export`];
      if (typeof d.accessToken !== 'string' || d.accessToken === sb.access_token) p.push(`${what}: accessToken not replaced`);
      else {
        if (d.sessionToken !== d.accessToken) p.push(`${what}: sessionToken is not the new token`);
        if (d.sessionSource !== fingerprint(d.accessToken)) p.push(`${what}: sessionSource does not describe the new token`);
      }
      if (!(Number(d.sessionExpiresAt) > now + 59 * DAY)) p.push(`${what}: sessionExpiresAt ${d.sessionExpiresAt}, expected about 60 days ahead`);
      if (!(Math.abs(Number(d.sessionIssuedAt) - now) < 3600)) p.push(`${what}: sessionIssuedAt ${d.sessionIssuedAt}, expected about now`);
      return p;
    };
    const hintsOf = (r, name) => (r?.data?.resultData?.runData?.[name] ?? []).flatMap((t) => t.hints ?? []).map((h) => String(h.message ?? h));
    {
      const p = credsAfterError ? [credsAfterError] : session(EXP_CRED.id, EXP_CRED.name);
      const refreshes = endpoints['GET /refresh_access_token'] ?? 0;
      if (refreshes !== 1) p.push(`the sandbox saw ${refreshes} ig_refresh_token call(s) over two executions, expected 1`);
      runs.forEach((r, i) => {
        const got = nodeItems(r, NODE_EXPIRING);
        if (got.error) p.push(`execution ${i + 1}: ${got.error}`);
        else if (got.items[0]?.json?.username !== 'sandbox.studio') p.push(`execution ${i + 1}: ${short(got.items[0]?.json)}`);
        const expiring = hintsOf(r, NODE_EXPIRING).filter((h) => /expires in|could not/.test(h));
        if (expiring.length) p.push(`execution ${i + 1}: token hint after the refresh: ${short(expiring)}`);
      });
      record('token-refresh', p, `ig_refresh_token once; n8n stored the new token, expiring ${new Date(Number(credsAfter?.[EXP_CRED.id]?.sessionExpiresAt) * 1000).toISOString().slice(0, 10)}; both executions read @sandbox.studio with no token hint`);
    }
    {
      const p = credsAfterError ? [credsAfterError] : session(CRED.id, CRED.name);
      const bad = credsAfter?.[BAD_CRED.id];
      if (bad && (bad.sessionToken || bad.sessionSource || bad.accessToken !== sb.wrong_token)) p.push('the wrong token\'s failed exchange changed its credential');
      // One exchange for the new credential (first execution), one failed one per execution for the wrong token.
      const exchanges = endpoints['GET /access_token'] ?? 0;
      if (exchanges !== 3) p.push(`the sandbox saw ${exchanges} ig_exchange_token call(s), expected 3 (1 + 2 failed)`);
      const badHint = hintsOf(run, NODE_BAD).find((h) => /could not exchange the token/.test(h));
      if (!badHint) p.push(`no hint on "${NODE_BAD}" about the failed exchange (${short(hintsOf(run, NODE_BAD))})`);
      record('token-exchange', p, `the new credential's token exchanged once and stored; the wrong one's refused exchange stored nothing and became a hint: ${short(badHint ?? '', 140)}`);
    }
    {
      const p = [];
      if (Number(rc2Text) !== 0) p.push(`second n8n execute exited with ${rc2Text}`);
      if (!runs[1]) p.push(`no execution JSON in ${log2File}`);
      else if (runs[1].status && runs[1].status !== 'success') p.push(`status ${runs[1].status}`);
      const all = runs[1] && nodeItems(runs[1], NODE_ALL);
      if (all?.error) p.push(all.error);
      else if (all && truthIds && all.items.length !== truthIds.length) p.push(`${all.items.length} items, expected ${truthIds.length}`);
      record('second-execution', p, 'ran again with the stored (renewed) credentials');
    }
  }

  // 5b. n8n's credential "Test" button (REST, `n8n start`) runs the node's testedBy function.
  {
    const { problems, detail } = checkCredTest(sb, credTestFile);
    record('credential-test', problems, detail);
  }

  // 5c. The catalogue nodes (one operation per resource, the DM inside/outside the window) and
  // the editor's dynamic-parameter calls (run during the REST phase).
  {
    let planned = null;
    try {
      planned = JSON.parse(readFileSync(join(dirname(credTestFile), PLAN_FILE), 'utf8'));
    } catch (e) {
      record('catalogue', [`no catalogue plan (${e.code ?? e.message})`], '');
    }
    if (planned) for (const r of checkCatalogue(run, planned.plan, short)) results.push({ name: r.name, ok: r.status !== 'FAIL', skip: r.status === 'SKIP', detail: r.detail });
    let dyn = null;
    try {
      dyn = JSON.parse(readFileSync(credTestFile, 'utf8')).dynamic ?? null;
    } catch {
      /* reported by credential-test */
    }
    for (const r of checkDynamic(dyn, short)) results.push({ name: r.name, ok: r.status !== 'FAIL', skip: r.status === 'SKIP', detail: r.detail });
  }

  // 6. No secret in anything n8n printed or wrote (output, logs, database, event logs).
  {
    const { problems, files, bytes } = scanForSecrets([logFile, stdoutFile, ...scanPaths], secretsOf(sb), [sandboxFile]);
    record('no-secret-leak', problems, `the tokens (Instagram, Facebook, Page, wrong, ${sb.renewed.length} renewed), app secret absent from ${files} files (${(bytes / 1e6).toFixed(1)} MB)`);
  }

  let failed = 0;
  for (const r of results) {
    if (!r.ok) failed++;
    console.log(`${r.skip ? 'SKIP' : r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(20)} ${redact(r.detail)}`);
  }
  const skipped = results.filter((r) => r.skip).length;
  console.log(`e2e: ${results.length - failed - skipped} passed, ${skipped} skipped, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

const [cmd, ...args] = process.argv.slice(2);
switch (cmd) {
  case 'free-ports':
    await freePorts(Number(args[0] || 1));
    break;
  case 'strip-package':
    stripPackage(args[0]);
    break;
  case 'prepare':
    await prepare(args[0], args[1], args[2]);
    break;
  case 'tail':
    tail(args[0], Number(args[1]), args.slice(2));
    break;
  case 'check':
    await check(args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args.slice(8));
    break;
  case 'cred-test':
    await credTest(args[0], args[1].replace(/\/+$/, ''), Number(args[2]), args[3], Number(args[4] || 120));
    break;
  default:
    die(`unknown command ${cmd ?? '(none)'}`);
}
