// What the e2e drivers (e2e/run.mjs: the action node; e2e/trigger.mjs: the triggers) share:
// failing loudly, reading the sandbox's start line, redacting secrets from printed text and
// scanning everything n8n wrote for them.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A `die(msg)` for one script: the message on stderr, exit code 2 (a broken run, not a FAIL). */
export function dieFor(script) {
  return (msg) => {
    console.error(`${script}: ${msg}`);
    process.exit(2);
  };
}

/** The sandbox's JSON start line in `file`, with every key of `required` a non-empty string. */
export function readSandbox(file, required, die) {
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.trim().startsWith('{'));
  if (!line) die(`no JSON line in sandbox output ${file}`);
  const sb = JSON.parse(line);
  for (const k of required) {
    if (typeof sb[k] !== 'string' || sb[k] === '') die(`sandbox line lacks "${k}"`);
  }
  sb.url = sb.url.replace(/\/+$/, '');
  return sb;
}

/**
 * Printed text never carries a secret, even when a check fails because of one: `redact` and
 * `short` replace every value of the list (`[what, value]` pairs) set with `setSecrets`.
 */
export function redactor() {
  let list = [];
  const redact = (text) => {
    let s = String(text);
    for (const [what, v] of list) s = s.split(v).join(`<${what}>`);
    return s;
  };
  return {
    setSecrets(secrets) {
      list = secrets.filter(([, v]) => typeof v === 'string' && v !== '');
    },
    redact,
    short(v, n = 300) {
      const s = redact(typeof v === 'string' ? v : JSON.stringify(v));
      return s.length > n ? s.slice(0, n) + '…' : s;
    },
  };
}

/** Every file below `path` (or `path` itself), skipping the installed package under `.n8n/nodes`. */
export function* walk(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    for (const e of readdirSync(path)) {
      // The installed package itself (node code, node_modules) is not output.
      if (e === 'nodes' && path.endsWith('.n8n')) continue;
      yield* walk(join(path, e));
    }
  } else if (st.isFile()) {
    yield path;
  }
}

/** Look for each secret (`[what, value]`) in every file below `roots` except `skip`. */
export function scanForSecrets(roots, secrets, skip = []) {
  const problems = [];
  const seen = new Set(skip);
  let files = 0;
  let bytes = 0;
  for (const root of roots) {
    for (const f of walk(root)) {
      if (seen.has(f)) continue;
      seen.add(f);
      const buf = readFileSync(f);
      files++;
      bytes += buf.length;
      for (const [what, v] of secrets) {
        if (typeof v === 'string' && v !== '' && buf.includes(Buffer.from(v))) problems.push(`${what} appears in ${f}`);
      }
    }
  }
  return { problems, files, bytes };
}
