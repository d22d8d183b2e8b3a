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
# 3. imports credentials + e2e/workflow.template.json (its Instagram nodes fitted to the installed
#    node's description, plus e2e/catalogue.mjs's nodes: one operation per resource, a DM reply to
#    a DM the sandbox's simulate endpoint delivered, a DM refused outside the window) and runs
#    `n8n execute --id --rawOutput` twice
#    (the first renews tokens through n8n's preAuthentication, the second must find them stored),
#    then exports the credentials decrypted (into the unscanned TMP) for the token checks;
# 4. starts `n8n start` on free ports and, as its owner, presses the credential "Test" button
#    through the REST API (POST /rest/credentials/test): n8n runs the node's testedBy function;
#    then asks, as the editor does, for every resource-locator search and load-options method
#    (POST /rest/node-types, /rest/dynamic-node-parameters/resource-locator-results and /options);
# 5. e2e/run.mjs compares the node's items with the media the sandbox serves, checks the limit,
#    profile (user.get: user_id vs the app-scoped id), error and credential-test paths (both
#    login flavours), and scans everything n8n printed or wrote (the server's logs too) for the
#    tokens and app secret.
# Prints PASS/FAIL per check, exits non-zero on any failure.
#
# Environment: IG_SANDBOX_BIN, IG_SANDBOX_ARGS (extra sandbox flags; default --require-appsecret-proof),
# E2E_DIR (default <repo>/.e2e), E2E_RUN_ROOT (default E2E_DIR), E2E_KEEP=1 keeps .e2e/run/ afterwards,
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

# E2E_RUN_ROOT: where the run's folders go (default E2E_DIR; another checkout sharing one
# installed runtime points it elsewhere).
RUN_DIR="${E2E_RUN_ROOT:-$E2E_DIR}/run"
TMP="$RUN_DIR/tmp"          # holds secrets (sandbox line, credentials): never scanned, always removed
LOGS="$RUN_DIR/logs"        # everything n8n prints: scanned for secrets
export N8N_USER_FOLDER="$RUN_DIR/home"
rm -rf "$RUN_DIR"
mkdir -p "$TMP" "$LOGS" "$N8N_USER_FOLDER"
chmod 700 "$TMP"

# shellcheck source=scripts/e2e-lib.sh
source "$ROOT/scripts/e2e-lib.sh"
now() { e2e_now; }
say() { echo "e2e-run [$(now)s]: $*"; }
SERVER_PID=""  # `n8n start` (e2e_start_server), stopped by stop_server
stop_server() { e2e_stop_servers; SERVER_PID=""; }

# shellcheck disable=SC2317  # the EXIT trap
cleanup() {
  local rc=$?
  e2e_stop_all
  if [[ $rc -ne 0 ]]; then
    echo "e2e-run: FAILED (exit $rc) — n8n's own output and logs (secrets redacted):" >&2
    node "$RUN_MJS" tail "$TMP/sandbox.json" 40 \
      "$LOGS/npm-install.log" "$LOGS/import-credentials.log" "$LOGS/import-workflow.log" \
      "$LOGS/execute.stderr" "$LOGS/execute-2.stderr" "$LOGS/export-credentials.log" "$LOGS/start.log" "$LOGS/cred-test.log" "$LOGS/n8n.log" "$TMP/sandbox.stderr" >&2 2>/dev/null || true
  fi
  e2e_stop_sandbox
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

# The pinned runtime (a fast no-op when already installed).
e2e_runtime

# ---- 1. sandbox ------------------------------------------------------------------------------
say "starting sandbox $SANDBOX_BIN $SANDBOX_ARGS"
# shellcheck disable=SC2086 # IG_SANDBOX_ARGS is a list of extra flags
e2e_start_sandbox $SANDBOX_ARGS

# ---- 2. the package, installed like n8n's CommunityPackagesService does ----------------------
say "installing $(basename "$TGZ") into $N8N_USER_FOLDER/.n8n/nodes"
e2e_install_package "$TGZ"

# ---- 3. n8n: environment of n8n.md §3.2, ports nobody else uses -----------------------------
read -r PORT_MAIN PORT_BROKER PORT_RUNNER_HEALTH < <(node "$RUN_MJS" free-ports 3)
e2e_n8n_env
export N8N_PORT="$PORT_MAIN" N8N_RUNNERS_BROKER_PORT="$PORT_BROKER" N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT="$PORT_RUNNER_HEALTH"
# Debug level, to a file: the secret scan then covers everything n8n says. n8n prints the
# execution JSON of --rawOutput through the same logger, so run.mjs reads it from that file.
export N8N_LOG_LEVEL=debug N8N_LOG_OUTPUT=file N8N_LOG_FILE_LOCATION="$LOGS/n8n.log"

# NODE_PATH: the installed node loads n8n-workflow from the n8n install, as inside n8n.
NODE_PATH="$E2E_DIR/node_modules" node "$RUN_MJS" prepare "$TMP/sandbox.json" "$TMP" "$PKG_DIR" >"$TMP/workflow.id"
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
e2e_start_server "$LOGS/start.log" N8N_PORT="$SRV_PORT" N8N_RUNNERS_BROKER_PORT="$SRV_BROKER" \
  N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT="$SRV_RUNNER_HEALTH" start
SERVER_PID="$E2E_LAST_PID"
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
