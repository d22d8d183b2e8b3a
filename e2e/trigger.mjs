#!/usr/bin/env node
// Helper for scripts/e2e-trigger.sh: the webhook and polling triggers in a real n8n, single
// process (SQLite) or queue mode (main + two workers, PostgreSQL + Redis). Plain Node; n8n's
// own `flatted` and `sqlite3` (from the pinned runtime in E2E_DIR) read its database.
//   trigger.mjs prepare SANDBOX_JSON OUT_DIR MODE      credentials.json + workflows.json; prints the workflow ids
//   trigger.mjs wait-ready URL PID... [--timeout S]    wait for /healthz/readiness of each URL
//   trigger.mjs drive SANDBOX_JSON MAIN_URL MODE OUT_JSON
//                                                      the scenario: queue proof, subscription handshake,
//                                                      simulated events, forgeries, redeliveries
//   trigger.mjs check SANDBOX_JSON MODE OUT_JSON LOG_DIR SCAN_PATH...
//                                                      read the executions from n8n's database and compare
// Environment: E2E_DIR (the pinned runtime), DB_TYPE/DB_POSTGRESDB_* (queue mode), N8N_USER_FOLDER.
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { dieFor, readSandbox as readSandboxLine, redactor, scanForSecrets } from './common.mjs';

const API_VERSION = 'v25.0';
const CRED = { id: 'igTrigCredGood01', name: 'IG trigger e2e sandbox' };
const PKG = 'n8n-nodes-instagram-graph';
// Fixed ids: the webhook URLs are /webhook/<webhookId>/webhook and the tests address them.
const WF_QUEUE = { id: 'igQueueProof0001', webhookId: 'ig-e2e-queue-proof', path: 'ig-e2e-queue-proof' };
const WF_TRIGGER = { id: 'igTriggerWf00001', nodeId: 'c0ffee00-0000-4000-8000-000000000001', webhookId: 'ig-e2e-trigger-0001' };
const WF_POLL = { id: 'igPollingWf00001', nodeId: 'c0ffee00-0000-4000-8000-000000000002' };
// Concurrent webhook calls in queue mode: more than one worker's concurrency (2), so both work.
const QUEUE_CALLS = 8;

const die = dieFor('e2e/trigger.mjs');

const E2E_DIR = process.env.E2E_DIR || die('E2E_DIR is not set');
const runtime = createRequire(join(E2E_DIR, 'package.json'));

const readSandbox = (file) => readSandboxLine(file, ['url', 'access_token', 'app_secret', 'app_id', 'ig_user_id'], die);

const secretsOf = (sb) =>
  [
    ['the access token', sb.access_token],
    ['the Facebook access token', sb.facebook_access_token],
    ['the Page access token', sb.page_access_token],
    ['the app secret', sb.app_secret],
    ['the app token', `${sb.app_id}|${sb.app_secret}`],
  ].filter(([, v]) => typeof v === 'string' && v !== '');

const { setSecrets, short } = redactor();

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// ---- prepare ---------------------------------------------------------------------------------
function packageNodes() {
  const pj = JSON.parse(readFileSync(join(process.env.N8N_USER_FOLDER, '.n8n/nodes/node_modules', PKG, 'package.json'), 'utf8'));
  return (pj.n8n?.nodes ?? []).map((p) => p.split('/').pop().replace(/\.node\.js$/, ''));
}

function prepare(sandboxFile, outDir, mode) {
  const sb = readSandbox(sandboxFile);
  const creds = [
    {
      ...CRED,
      type: 'instagramGraphApi',
      data: { accessToken: sb.access_token, login: 'instagram', apiVersion: API_VERSION, appId: sb.app_id, appSecret: sb.app_secret, baseUrl: sb.url },
    },
  ];
  const credRef = { instagramGraphApi: { id: CRED.id, name: CRED.name } };
  const workflows = [
    // The existing e2e's media.list, started by a production webhook: in queue mode a worker runs it.
    {
      id: WF_QUEUE.id,
      name: 'instagram-graph e2e: media.list behind a webhook',
      active: false,
      settings: { executionOrder: 'v1' },
      nodes: [
        {
          id: 'c0ffee00-0000-4000-8000-00000000000a',
          name: 'Webhook',
          type: 'n8n-nodes-base.webhook',
          typeVersion: 2,
          position: [0, 0],
          webhookId: WF_QUEUE.webhookId,
          parameters: { httpMethod: 'POST', path: WF_QUEUE.path, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
        },
        {
          id: 'c0ffee00-0000-4000-8000-00000000000b',
          name: 'List all media',
          type: `${PKG}.instagram`,
          typeVersion: 1,
          position: [220, 0],
          credentials: credRef,
          parameters: { resource: 'media', operation: 'list', ig_user_id: sb.ig_user_id, returnAll: true, fields: 'id,media_type,timestamp' },
        },
      ],
      connections: { Webhook: { main: [[{ node: 'List all media', type: 'main', index: 0 }]] } },
    },
    {
      id: WF_TRIGGER.id,
      name: 'instagram-graph e2e: Instagram Trigger',
      active: false,
      settings: { executionOrder: 'v1' },
      nodes: [
        {
          id: WF_TRIGGER.nodeId,
          name: 'Instagram Trigger',
          type: `${PKG}.instagramTrigger`,
          typeVersion: 1,
          position: [0, 0],
          webhookId: WF_TRIGGER.webhookId,
          credentials: credRef,
          parameters: { events: TRIGGER_FIELDS },
        },
      ],
      connections: {},
    },
  ];
  if (mode === 'single') {
    workflows.push({
      id: WF_POLL.id,
      name: 'instagram-graph e2e: Instagram Polling Trigger',
      active: false,
      settings: { executionOrder: 'v1' },
      nodes: [
        {
          id: WF_POLL.nodeId,
          name: 'Instagram Polling Trigger',
          type: `${PKG}.instagramPollingTrigger`,
          typeVersion: 1,
          position: [0, 0],
          credentials: credRef,
          // Simulated comments become real comments in the sandbox: what this poll should find.
          parameters: { event: 'newComment', pollTimes: { item: [{ mode: 'everyMinute' }] } },
        },
      ],
      connections: {},
    });
  }
  writeFileSync(join(outDir, 'credentials.json'), JSON.stringify(creds, null, 2), { mode: 0o600 });
  writeFileSync(join(outDir, 'workflows.json'), JSON.stringify(workflows, null, 2));
  console.log(workflows.map((w) => w.id).join(' '));
}

// The webhook fields the trigger subscribes to, and the simulated events each delivers.
const TRIGGER_FIELDS = ['messages', 'message_reactions', 'comments'];
const EVENTS = [
  { spec: { event: 'message', text: 'héllo from e2e ✓' }, event_type: 'message' },
  { spec: { event: 'reaction' }, event_type: 'reaction' },
  { spec: { event: 'comment', text: 'nice / "quoted"' }, event_type: 'comment' },
  // Two entries in one POST: one execution carrying both.
  { spec: { event: 'message', text: 'batched', batch: 2 }, event_type: 'message', count: 2 },
];

// ---- wait-ready ------------------------------------------------------------------------------
async function waitReady(urls, pids, timeoutS) {
  const deadline = Date.now() + timeoutS * 1000;
  const alive = (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const [i, url] of urls.entries()) {
    let last = 'no answer';
    for (;;) {
      if (pids[i] && !alive(pids[i])) die(`process ${pids[i]} (${url}) exited before it was ready (${last})`);
      try {
        const r = await fetch(`${url}/healthz/readiness`, { signal: AbortSignal.timeout(5000) });
        if (r.status === 200) break;
        last = `HTTP ${r.status}`;
      } catch (e) {
        last = String(e.cause?.code ?? e.message);
      }
      if (Date.now() > deadline) die(`${url} not ready within ${timeoutS} s (${last})`);
      await sleep(250);
    }
  }
}

// ---- drive -----------------------------------------------------------------------------------
async function sandboxPost(sb, path, body) {
  const r = await fetch(`${sb.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  if (!r.ok) throw new Error(`POST ${path}: HTTP ${r.status} ${short(text, 300)}`);
  return json;
}

// Graph as the sandbox serves it; user tokens carry appsecret_proof (the sandbox demands it).
async function graphGet(sb, path, token, proof = true) {
  const q = new URLSearchParams({ access_token: token });
  if (proof) q.set('appsecret_proof', createHmac('sha256', sb.app_secret).update(token).digest('hex'));
  const r = await fetch(`${sb.url}/${API_VERSION}/${path}?${q}`);
  return { status: r.status, json: await r.json().catch(() => null) };
}

// Events are delivered asynchronously after the sandbox's POST: wait until n8n has recorded
// `want` executions of the workflow (or the deadline passes), then a little longer to see
// that no extra one follows.
async function waitExecutions(workflowId, want, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let n = 0;
  while (Date.now() < deadline) {
    n = (await executionsOf(workflowId)).filter((e) => e.finished || e.status === 'success' || e.status === 'error').length;
    if (n >= want) break;
    await sleep(300);
  }
  await sleep(1500);
  return (await executionsOf(workflowId)).length;
}

async function drive(sandboxFile, mainUrl, mode, outFile) {
  const sb = readSandbox(sandboxFile);
  setSecrets(secretsOf(sb));
  const out = { mode, steps: [] };
  const step = (name, data) => out.steps.push({ name, ...data });
  try {
    // 0. Activation is done once both production webhooks are registered (n8n routes
    //    production webhooks through its webhook_entity table) and the polling trigger is on.
    {
      const want = [WF_QUEUE.id, WF_TRIGGER.id];
      const deadline = Date.now() + 90_000;
      let have = [];
      for (;;) {
        have = (await query('select distinct "workflowId" as w from webhook_entity')).map((r) => r.w);
        if (want.every((w) => have.includes(w)) || Date.now() > deadline) break;
        await sleep(300);
      }
      step('activation', { registered: have });
    }

    // 1. Queue proof: the existing media.list behind a webhook, N calls at once.
    {
      const url = `${mainUrl}/webhook/${WF_QUEUE.path}`;
      const call = async () => {
        const t = Date.now();
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        const body = await r.json().catch(() => null);
        return { status: r.status, items: Array.isArray(body) ? body.map((m) => m.id) : null, error: Array.isArray(body) ? null : short(body, 200), ms: Date.now() - t };
      };
      // One call first: the credential's first use stores its renewed session; the burst then
      // runs on stored credentials (no two workers renewing the same token at once).
      const first = await call();
      const calls = mode === 'queue' ? QUEUE_CALLS : 2;
      const burst = await Promise.all(Array.from({ length: calls }, call));
      step('queue-proof', { calls: [first, ...burst] });
    }

    // 1b. The polling trigger's first poll (at activation) recorded state and emitted nothing.
    if (mode === 'single') {
      const rows = await query(`select "staticData" as s from workflow_entity where id = '${WF_POLL.id}'`);
      step('polling-first', { executions: (await executionsOf(WF_POLL.id)).length, static_data: rows[0]?.s ?? null });
    }

    // 2. The Instagram Trigger subscribed on activation: the sandbox holds the app subscription
    //    with n8n's production URL, and its handshake reached n8n (the sandbox only stores a
    //    subscription whose GET echoed the challenge).
    {
      const r = await graphGet(sb, `${sb.app_id}/subscriptions`, `${sb.app_id}|${sb.app_secret}`, false);
      const acct = await graphGet(sb, 'me/subscribed_apps', sb.access_token);
      step('subscription', { app: r, account: acct });
    }

    // 3. Simulated events → signed deliveries → one execution per delivery.
    const delivered = [];
    const seenKeys = [];
    for (const e of EVENTS) {
      const res = await sandboxPost(sb, '/_sandbox/webhooks/simulate', e.spec);
      delivered.push({ spec: e.spec, event_type: e.event_type, count: e.count ?? 1, deliveries: res?.deliveries ?? [], body: res?.body ?? null });
      seenKeys.push(await dedupeRecordSize());
    }
    const expected = delivered.length;
    const after = await waitExecutions(WF_TRIGGER.id, expected, 60_000);
    seenKeys.push(await dedupeRecordSize());
    step('simulate', { delivered, executions_after: after, dedupe_record_sizes: seenKeys });

    // 4. Forgeries: wrong signature (POST) and wrong verify token (GET) → 403, no execution.
    const hook = `${mainUrl}/webhook/${WF_TRIGGER.webhookId}/webhook`;
    const body = delivered[0].body ?? '{"object":"instagram","entry":[]}';
    const goodSig = 'sha256=' + createHmac('sha256', sb.app_secret).update(body).digest('hex');
    const badSig = 'sha256=' + createHmac('sha256', 'not-the-app-secret').update(body).digest('hex');
    const forged = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': badSig }, body });
    const unsigned = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const wrongToken = await fetch(`${hook}?hub.mode=subscribe&hub.verify_token=not-the-token&hub.challenge=4242`);
    step('forgeries', {
      forged: { status: forged.status, body: short(await forged.text(), 200) },
      unsigned: { status: unsigned.status, body: short(await unsigned.text(), 200) },
      wrong_token: { status: wrongToken.status, body: short(await wrongToken.text(), 200) },
      good_signature_used_by_sandbox: delivered[0].deliveries?.[0]?.headers?.['x-hub-signature-256'] === goodSig || null,
    });

    // 5. Duplicates: a redelivery of an earlier delivery's bytes (Meta's retry, later), then an
    //    event the sandbox delivers twice in a row (`duplicates: 1`) → no second execution.
    const firstId = delivered[0].deliveries?.[0]?.id;
    const redeliver = firstId ? await sandboxPost(sb, '/_sandbox/webhooks/redeliver', { id: firstId }) : null;
    const afterRedeliver = await waitExecutions(WF_TRIGGER.id, expected + 1, 4000);
    const dup = await sandboxPost(sb, '/_sandbox/webhooks/simulate', { event: 'message', text: 'once only', duplicates: 1 });
    const afterDup = await waitExecutions(WF_TRIGGER.id, afterRedeliver + 1, 20_000);
    step('duplicates', { redeliver, dup, executions_before: after, executions_after_redeliver: afterRedeliver, executions_after: afterDup });
  } catch (e) {
    out.error = String(e.stack ?? e.message ?? e);
  }
  writeFileSync(outFile, JSON.stringify(out, null, 2), { mode: 0o600 });
  if (out.error) console.error(`e2e/trigger.mjs drive: ${short(out.error, 2000)}`);
}

// ---- wait-poll: after a restart, the activation poll finds what is new -----------------------
async function waitPoll(timeoutS) {
  const n = await waitExecutions(WF_POLL.id, 1, timeoutS * 1000);
  console.log(`polling workflow: ${n} execution(s)`);
}

// ---- n8n's database --------------------------------------------------------------------------
// SQL in both dialects: n8n's tables use camelCase columns, quoted.
async function query(sql) {
  if (process.env.DB_TYPE === 'postgresdb') {
    const r = spawnSync(
      'psql',
      ['-h', process.env.DB_POSTGRESDB_HOST, '-p', process.env.DB_POSTGRESDB_PORT, '-U', process.env.DB_POSTGRESDB_USER, '-d', process.env.DB_POSTGRESDB_DATABASE, '-qtA', '-v', 'ON_ERROR_STOP=1', '-c', `select coalesce(json_agg(t), '[]') from (${sql}) t`],
      { env: { ...process.env, PGPASSWORD: process.env.DB_POSTGRESDB_PASSWORD }, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`psql: ${r.stderr.trim()}`);
    return JSON.parse(r.stdout.trim() || '[]');
  }
  const sqlite3 = runtime('sqlite3');
  const file = join(process.env.N8N_USER_FOLDER, '.n8n', 'database.sqlite');
  return await new Promise((ok, ko) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => {
      if (err) return ko(err);
      db.all(sql, (e, rows) => {
        db.close();
        return e ? ko(e) : ok(rows);
      });
    });
  });
}

async function executionsOf(workflowId) {
  return await query(`select id, mode, status, finished from execution_entity where "workflowId" = '${workflowId}' order by id`);
}

// Diagnostics: how many keys the trigger's static-data dedupe record holds in the database now.
async function dedupeRecordSize() {
  const rows = await query(`select "staticData" as s from workflow_entity where id = '${WF_TRIGGER.id}'`);
  const sd = typeof rows[0]?.s === 'string' ? JSON.parse(rows[0].s) : rows[0]?.s;
  const seen = sd?.['node:Instagram Trigger']?.instagramTriggerDedupe?.seen;
  return seen ? Object.keys(seen).length : 0;
}

// n8n stores an execution's data with flatted; the trigger's items are its first node's output.
async function executionItems(executionId, nodeName) {
  const { parse } = runtime('flatted');
  const rows = await query(`select data from execution_data where "executionId" = ${Number(executionId)}`);
  if (!rows.length) return null;
  const run = parse(rows[0].data);
  const runs = run?.resultData?.runData?.[nodeName];
  return runs?.[0]?.data?.main?.[0]?.map((i) => i.json) ?? null;
}

// ---- check -----------------------------------------------------------------------------------
async function graphMediaIds(sb) {
  const proof = createHmac('sha256', sb.app_secret).update(sb.access_token).digest('hex');
  const q = new URLSearchParams({ access_token: sb.access_token, appsecret_proof: proof, fields: 'id', limit: '100' });
  let next = `${sb.url}/${API_VERSION}/${encodeURIComponent(sb.ig_user_id)}/media?${q}`;
  const ids = [];
  while (next) {
    const body = await (await fetch(next)).json();
    if (body.error) throw new Error(`sandbox GET media: ${short(body)}`);
    ids.push(...body.data.map((m) => m.id));
    next = body.paging?.next;
  }
  return ids;
}

// Which worker ran which execution: each worker logs "Worker started execution <id> (job <n>)".
function workerExecutions(logDir) {
  const by = {};
  for (const f of readdirSync(logDir).filter((f) => /^worker-\d+\.log$/.test(f))) {
    const ids = [];
    for (const l of readFileSync(join(logDir, f), 'utf8').split('\n')) {
      const m = /Worker started execution (\d+)/.exec(l);
      if (m) ids.push(m[1]);
    }
    by[f.replace(/\.log$/, '')] = ids;
  }
  return by;
}

async function check(sandboxFile, mode, outFile, logDir, scanPaths) {
  const sb = readSandbox(sandboxFile);
  setSecrets(secretsOf(sb));
  const results = [];
  const record = (name, problems, okDetail) => results.push({ name, ok: problems.length === 0, detail: problems.length ? problems.join('; ') : okDetail });
  let out = {};
  try {
    out = JSON.parse(readFileSync(outFile, 'utf8'));
  } catch (e) {
    record('drive', [`no result from the scenario (${e.code ?? e.message})`], '');
  }
  if (out.error) record('drive', [short(out.error, 600)], '');
  const stepOf = (n) => out.steps?.find((s) => s.name === n);
  const nodes = existsSync(join(process.env.N8N_USER_FOLDER, '.n8n/nodes/node_modules', PKG)) ? packageNodes() : [];

  // 1. The existing media.list, started by a production webhook.
  {
    const p = [];
    const s = stepOf('queue-proof');
    const truth = await graphMediaIds(sb);
    const execs = await executionsOf(WF_QUEUE.id);
    if (!s) p.push('not run');
    else {
      for (const [i, c] of s.calls.entries()) {
        if (c.status !== 200) p.push(`call ${i}: HTTP ${c.status} ${c.error ?? ''}`);
        else if (JSON.stringify(c.items) !== JSON.stringify(truth)) p.push(`call ${i}: ${c.items?.length} ids, the sandbox serves ${truth.length} (or another order)`);
      }
      const ok = execs.filter((e) => e.status === 'success' && e.mode === 'webhook');
      if (ok.length !== s.calls.length) p.push(`${ok.length} successful webhook executions, expected ${s.calls.length} (${short(execs.map((e) => `${e.id}:${e.mode}/${e.status}`).join(' '), 200)})`);
    }
    let detail = `${s?.calls.length ?? 0} webhook calls → ${execs.length} executions, each listing all ${truth.length} media`;
    if (mode === 'queue' && s) {
      const by = workerExecutions(logDir);
      const ran = Object.values(by).flat();
      const mine = execs.map((e) => String(e.id));
      const missing = mine.filter((id) => !ran.includes(id));
      const twice = ran.filter((id, i) => ran.indexOf(id) !== i);
      if (missing.length) p.push(`execution(s) ${missing.join(', ')} not run by a worker (did main run them itself?)`);
      if (twice.length) p.push(`execution(s) ${twice.join(', ')} run more than once`);
      const busy = Object.entries(by).filter(([, ids]) => ids.some((id) => mine.includes(id)));
      if (busy.length < 2) p.push(`only ${busy.map(([w]) => w).join(', ') || 'no worker'} ran them; both workers should share ${s.calls.length} concurrent executions`);
      detail += `; by worker: ${Object.entries(by).map(([w, ids]) => `${w} ${ids.filter((id) => mine.includes(id)).length}`).join(', ')}`;
    }
    record(mode === 'queue' ? 'queue-media-list' : 'webhook-media-list', p, detail);
  }

  // 2. The trigger node exists in the package and subscribed on activation.
  const hasTrigger = nodes.includes('InstagramTrigger');
  {
    const p = [];
    if (!hasTrigger) p.push(`the package has no InstagramTrigger node (nodes: ${nodes.join(', ')})`);
    const s = stepOf('subscription');
    const subs = s?.app?.json?.data ?? [];
    const ig = subs.find((x) => x.object === 'instagram');
    const wantUrl = new RegExp(`/webhook/${WF_TRIGGER.webhookId}/webhook$`);
    if (!s) p.push('not checked');
    else if (s.app.status !== 200) p.push(`GET /{app-id}/subscriptions: HTTP ${s.app.status} ${short(s.app.json, 200)}`);
    else if (!ig) p.push(`no app subscription for object instagram (${short(subs, 200)})`);
    else {
      if (!wantUrl.test(ig.callback_url ?? '')) p.push(`callback_url ${ig.callback_url}, expected n8n's production URL …/webhook/${WF_TRIGGER.webhookId}/webhook`);
      const fields = (ig.fields ?? []).map((f) => (typeof f === 'string' ? f : f.name)).sort();
      if (JSON.stringify(fields) !== JSON.stringify([...TRIGGER_FIELDS].sort())) p.push(`fields ${fields.join(',')}, expected ${[...TRIGGER_FIELDS].sort().join(',')}`);
      if (ig.active === false) p.push('subscription inactive');
    }
    if (s && s.account?.status === 200) {
      const acc = (s.account.json?.data ?? []).flatMap((a) => a.subscribed_fields ?? []);
      if (!TRIGGER_FIELDS.every((f) => acc.includes(f))) p.push(`account subscribed_fields ${acc.join(',')}, expected ${TRIGGER_FIELDS.join(',')}`);
    } else if (s) p.push(`GET /me/subscribed_apps: HTTP ${s.account?.status} ${short(s.account?.json, 200)}`);
    record('trigger-subscribed', p, `app subscription → ${ig?.callback_url} (${TRIGGER_FIELDS.join(', ')}), account subscribed; the handshake reached n8n`);
  }

  // 3. Exactly the simulated events, one execution per delivery, nothing else.
  {
    const p = [];
    const s = stepOf('simulate');
    const execs = await executionsOf(WF_TRIGGER.id);
    const dup = stepOf('duplicates');
    const wantExecs = (s?.delivered.length ?? 0) + (dup ? 1 : 0);
    if (!s) p.push('not run');
    else {
      for (const d of s.delivered) {
        const st = d.deliveries.map((x) => x.status);
        if (!st.length || st.some((x) => x !== 200)) p.push(`${d.spec.event}: sandbox deliveries answered ${st.join(',') || 'nothing'} (expected 200)`);
      }
      if (execs.length !== wantExecs) p.push(`${execs.length} executions of the trigger workflow, expected ${wantExecs} (one per distinct delivery)`);
      const bad = execs.filter((e) => e.status !== 'success');
      if (bad.length) p.push(`${bad.length} execution(s) not successful: ${bad.map((e) => `${e.id}:${e.status}`).join(' ')}`);
      // Compare each delivery's events (by the order of delivery) with what the execution holds.
      const got = [];
      for (const e of execs) got.push((await executionItems(e.id, 'Instagram Trigger')) ?? []);
      for (const [i, d] of s.delivered.entries()) {
        const items = got[i] ?? [];
        const body = d.body ? JSON.parse(d.body) : null;
        const mids = (body?.entry ?? []).flatMap((en) => [...(en.messaging ?? []).map((m) => m.message?.mid ?? m.reaction?.mid), ...(en.changes ?? []).map((c) => c.value?.id ?? c.value?.comment_id)]).filter(Boolean);
        if (items.length !== d.count) p.push(`${d.spec.event}${d.count > 1 ? ` ×${d.count}` : ''}: execution ${execs[i]?.id} holds ${items.length} item(s), expected ${d.count}`);
        for (const it of items) {
          if (it.event_type !== d.event_type) p.push(`${d.spec.event}: event_type ${it.event_type}, expected ${d.event_type}`);
          if (typeof it.dedupe_key !== 'string' || !it.dedupe_key) p.push(`${d.spec.event}: no dedupe_key`);
          if (it.account_id !== sb.ig_user_id) p.push(`${d.spec.event}: account_id ${it.account_id}, expected ${sb.ig_user_id}`);
          const id = it.mid ?? it.comment_id;
          if (mids.length && !mids.includes(id)) p.push(`${d.spec.event}: item id ${id} is not in the delivered body (${mids.join(',')})`);
          if (d.spec.text && it.text !== undefined && d.count === 1 && it.text !== d.spec.text) p.push(`${d.spec.event}: text ${JSON.stringify(it.text)}, sent ${JSON.stringify(d.spec.text)}`);
        }
      }
    }
    if (mode === 'queue' && execs.length) {
      // Every trigger execution ran on a worker, exactly once.
      const by = workerExecutions(logDir);
      const ran = Object.values(by).flat();
      for (const e of execs) {
        const n = ran.filter((id) => id === String(e.id)).length;
        if (n !== 1) p.push(`trigger execution ${e.id} was started ${n} times by the workers, expected once`);
      }
      out.byWorker = Object.entries(by).map(([w, ids]) => `${w} ${ids.filter((id) => execs.some((e) => String(e.id) === id)).length}`).join(', ');
    }
    record('trigger-events', p, `${execs.length} executions hold exactly the ${s?.delivered.map((d) => d.event_type + (d.count > 1 ? `×${d.count}` : '')).join(', ')} events (+1 for the duplicated delivery)${out.byWorker ? `; run by ${out.byWorker}` : ''}`);
  }

  // 4. Forged signature / no signature / wrong verify token → 401/403, no execution.
  {
    const p = [];
    const s = stepOf('forgeries');
    if (!s) p.push('not run');
    else {
      if (s.forged.status !== 403 && s.forged.status !== 401) p.push(`forged signature: HTTP ${s.forged.status}, expected 403`);
      if (s.unsigned.status !== 403 && s.unsigned.status !== 401) p.push(`no signature: HTTP ${s.unsigned.status}, expected 401/403`);
      if (s.wrong_token.status !== 403) p.push(`wrong verify token: HTTP ${s.wrong_token.status}, expected 403`);
      for (const [k, v] of Object.entries(s)) if (typeof v === 'object' && v && /at \w+ \(|stack/i.test(v.body ?? '')) p.push(`${k}: the answer carries a stack trace`);
    }
    // No execution from them: counted in trigger-events (any extra execution fails it).
    record('trigger-forgeries', p, `forged → ${s?.forged.status}, unsigned → ${s?.unsigned.status}, wrong verify token → ${s?.wrong_token.status}; no execution`);
  }

  // 5. Redeliveries dropped.
  {
    const p = [];
    const s = stepOf('duplicates');
    if (!s) p.push('not run');
    else {
      const r = s.redeliver?.deliveries ?? (s.redeliver ? [s.redeliver] : []);
      if (!s.redeliver) p.push('no redelivery made (the first delivery had no id)');
      if (s.executions_after_redeliver !== s.executions_before) p.push(`a redelivery of an earlier delivery made ${s.executions_after_redeliver - s.executions_before} new execution(s), expected 0`);
      const d = s.dup?.deliveries ?? [];
      if (d.length < 2) p.push(`the sandbox made ${d.length} deliveries for duplicates: 1 (expected 2)`);
      const statuses = [...r, ...d].map((x) => x.status);
      if (statuses.some((x) => x !== 200)) p.push(`deliveries answered ${statuses.join(',')}: a dropped duplicate still gets 200 (Meta retries otherwise)`);
      const n = s.executions_after - s.executions_after_redeliver;
      if (n !== 1) p.push(`an event delivered twice in a row (duplicates: 1) made ${n} executions, expected 1`);
      const sizes = stepOf('simulate')?.dedupe_record_sizes;
      if (p.length && sizes) p.push(`(diagnostic: keys in the trigger's static-data dedupe record after each of the ${sizes.length - 1} deliveries, then after the executions settled: ${sizes.join(', ')})`);
    }
    record('trigger-dedupe', p, `a redelivery → ${s ? s.executions_after_redeliver - s.executions_before : '?'} new executions; an event delivered twice in a row → ${s ? s.executions_after - s.executions_after_redeliver : '?'}`);
  }

  // 6. The polling trigger (single process): activation's first poll records state and emits
  //    nothing; after the simulated comment, the next poll (at the restart's activation) emits
  //    exactly the new comment(s), nothing seen before.
  if (mode === 'single') {
    const p = [];
    if (!nodes.includes('InstagramPollingTrigger')) p.push(`the package has no InstagramPollingTrigger node (nodes: ${nodes.join(', ')})`);
    const first = stepOf('polling-first');
    let recorded = 0;
    if (!first) p.push('first poll not checked');
    else {
      if (first.executions) p.push(`${first.executions} execution(s) after activation: the first poll must only record state`);
      const sd = typeof first.static_data === 'string' ? JSON.parse(first.static_data) : first.static_data;
      recorded = sd?.['node:Instagram Polling Trigger']?.instagramPoll?.ids?.length ?? 0;
      if (!recorded) p.push(`the first poll recorded no state (staticData ${short(sd, 200)})`);
    }
    const sim = stepOf('simulate');
    const wantIds = (sim?.delivered ?? [])
      .filter((d) => d.spec.event === 'comment')
      .flatMap((d) => (d.body ? JSON.parse(d.body).entry : []).flatMap((en) => (en.changes ?? []).map((c) => c.value?.id ?? c.value?.comment_id)));
    const execs = await executionsOf(WF_POLL.id);
    if (execs.length !== 1) p.push(`${execs.length} executions of the polling workflow after the second poll, expected 1`);
    const items = execs.length ? ((await executionItems(execs[0].id, 'Instagram Polling Trigger')) ?? []) : [];
    const ids = items.map((i) => i.id).sort();
    if (JSON.stringify(ids) !== JSON.stringify([...wantIds].sort())) p.push(`second poll emitted ${short(ids)}, expected exactly the simulated comment(s) ${short(wantIds)}`);
    record('polling-trigger', p, `first poll recorded ${recorded} comment ids and emitted nothing; the next poll emitted only the new comment ${ids.join(', ')}`);
  }

  // 7. No secret in anything n8n printed or wrote.
  {
    const { problems, files } = scanForSecrets(scanPaths, secretsOf(sb));
    record('no-secret-leak', problems, `tokens, app secret and app token absent from ${files} files`);
  }

  let failed = 0;
  for (const r of results) {
    if (!r.ok) failed++;
    console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(20)} ${short(r.detail, 1500)}`);
  }
  console.log(`e2e-trigger (${mode}): ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

const [cmd, ...args] = process.argv.slice(2);
switch (cmd) {
  case 'prepare':
    prepare(args[0], args[1], args[2]);
    break;
  case 'wait-ready': {
    const t = args.indexOf('--timeout');
    const timeout = t >= 0 ? Number(args[t + 1]) : 180;
    const rest = t >= 0 ? args.slice(0, t) : args;
    const urls = rest.filter((a) => a.startsWith('http'));
    const pids = rest.filter((a) => /^\d+$/.test(a)).map(Number);
    await waitReady(urls, pids, timeout);
    break;
  }
  case 'wait-poll':
    await waitPoll(Number(args[0] || 60));
    break;
  case 'drive':
    await drive(args[0], args[1].replace(/\/+$/, ''), args[2], args[3]);
    break;
  case 'check':
    await check(args[0], args[1], args[2], args[3], args.slice(4));
    break;
  default:
    die(`unknown command ${cmd ?? '(none)'}`);
}
