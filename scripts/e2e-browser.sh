#!/usr/bin/env bash
# The Instagram node's panel in a real browser: Debian's Chromium driven by playwright-core
# (both installed by scripts/e2e-browser-install.sh) against a real n8n (2.40.7, offline).
#
#   scripts/e2e-browser.sh path/to/n8n-nodes-instagram-graph-X.Y.Z.tgz
#
# 1. the sandbox and the tarball installed the way n8n installs community packages (as in
#    scripts/e2e-run.sh), the same credentials and workflow (e2e/run.mjs prepare) imported;
# 2. `n8n start` on free ports;
# 3. e2e/browser.mjs signs in as the owner, opens the workflow with the Instagram node's panel
#    and checks it renders: parameters visible, no error toast, no console error of ours, the
#    Operation dropdown filled. Screenshots go to the logs folder (kept on failure).
#
# Environment: IG_SANDBOX_BIN, E2E_DIR (default <repo>/.e2e), E2E_RUN_ROOT (default E2E_DIR),
# E2E_BROWSER_DIR (playwright-core; default E2E_DIR/browser), CHROMIUM, E2E_KEEP=1,
# E2E_BROWSER_TIMEOUT (seconds, default 180).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E_DIR="${E2E_DIR:-$ROOT/.e2e}"
export E2E_DIR
SANDBOX_BIN="${IG_SANDBOX_BIN:-$ROOT/target/debug/instagram-graph-sandbox}"
BROWSER_DIR="${E2E_BROWSER_DIR:-$E2E_DIR/browser}"
export E2E_BROWSER_DIR="$BROWSER_DIR"
TIMEOUT="${E2E_BROWSER_TIMEOUT:-180}"
# The node whose panel is opened: "List first 7" of e2e/workflow.template.json (media.list:
# account id, Return All / Limit, fields).
NODE_ID=0b3c1f7e-0000-4000-8000-000000000003
NODE_NAME="List first 7"

if [[ $# -ne 1 || ! -f "$1" ]]; then
  echo "usage: $0 path/to/n8n-nodes-instagram-graph-*.tgz" >&2
  exit 2
fi
TGZ="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
[[ -x "$SANDBOX_BIN" ]] || { echo "e2e-browser: sandbox binary not found: $SANDBOX_BIN" >&2; exit 2; }

RUN_DIR="${E2E_RUN_ROOT:-$E2E_DIR}/browser-run"
TMP="$RUN_DIR/tmp"
LOGS="$RUN_DIR/logs"
export N8N_USER_FOLDER="$RUN_DIR/home"
rm -rf "$RUN_DIR"
mkdir -p "$TMP" "$LOGS" "$N8N_USER_FOLDER"
chmod 700 "$TMP"

# shellcheck source=scripts/e2e-lib.sh
source "$ROOT/scripts/e2e-lib.sh"
say() { echo "e2e-browser [$(e2e_now)s]: $*"; }

# shellcheck disable=SC2317  # the EXIT trap
cleanup() {
  local rc=$?
  e2e_stop_all
  if [[ $rc -ne 0 ]]; then
    echo "e2e-browser: FAILED (exit $rc) — n8n's output (secrets redacted):" >&2
    node "$RUN_MJS" tail "$TMP/sandbox.json" 30 "$LOGS/start.log" "$LOGS/n8n.log" "$TMP/sandbox.stderr" >&2 2>/dev/null || true
  fi
  e2e_stop_sandbox
  rm -rf "$TMP"
  if [[ "${E2E_KEEP:-0}" == 1 || $rc -ne 0 ]]; then
    echo "e2e-browser: kept $RUN_DIR (screenshots in $LOGS)" >&2
    rm -rf "$N8N_USER_FOLDER"
  else
    rm -rf "$RUN_DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

e2e_runtime
bash "$ROOT/scripts/e2e-browser-install.sh"

say "starting sandbox"
e2e_start_sandbox
say "installing $(basename "$TGZ")"
e2e_install_package "$TGZ"
e2e_n8n_env
export N8N_LOG_LEVEL=info N8N_LOG_OUTPUT=file N8N_LOG_FILE_LOCATION="$LOGS/n8n.log"
NODE_PATH="$E2E_DIR/node_modules" node "$RUN_MJS" prepare "$TMP/sandbox.json" "$TMP" "$PKG_DIR" >"$TMP/workflow.id"
WF_ID="$(cat "$TMP/workflow.id")"
read -r P1 P2 P3 < <(node "$RUN_MJS" free-ports 3)
export N8N_PORT="$P1" N8N_RUNNERS_BROKER_PORT="$P2" N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT="$P3"
run_logged "$LOGS/import-credentials.log" - timeout 300 "$N8N" import:credentials --input="$TMP/credentials.json" \
  || { echo "e2e-browser: n8n import:credentials failed" >&2; exit 1; }
rm -f "$TMP/credentials.json"
run_logged "$LOGS/import-workflow.log" - timeout 300 "$N8N" import:workflow --input="$TMP/workflow.json" \
  || { echo "e2e-browser: n8n import:workflow failed" >&2; exit 1; }

read -r SRV_PORT SRV_BROKER SRV_HEALTH < <(node "$RUN_MJS" free-ports 3)
say "n8n start on 127.0.0.1:$SRV_PORT, then Chromium opens workflow $WF_ID, node \"$NODE_NAME\""
e2e_start_server "$LOGS/start.log" N8N_PORT="$SRV_PORT" N8N_RUNNERS_BROKER_PORT="$SRV_BROKER" \
  N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT="$SRV_HEALTH" start
rc=0
run_logged "$LOGS/browser.log" - node "$ROOT/e2e/browser.mjs" "http://127.0.0.1:$SRV_PORT" "$E2E_LAST_PID" \
  "$WF_ID" "$NODE_ID" "$NODE_NAME" "$LOGS" "$BROWSER_DIR" || rc=$?
cat "$LOGS/browser.log"
say "done in $(e2e_now)s"
exit "$rc"
