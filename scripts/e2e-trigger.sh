#!/usr/bin/env bash
# The webhook and polling triggers in a REAL n8n (2.40.7 on Node 24, offline) against the sandbox.
#
#   scripts/e2e-trigger.sh [--queue] path/to/n8n-nodes-instagram-graph-X.Y.Z.tgz
#
# Single process (default): SQLite, one `n8n start`. --queue: n8n's distributed mode
# (EXECUTIONS_MODE=queue) on PostgreSQL and Redis started by scripts/e2e-queue/services.sh on
# loopback in .e2e/trigger-queue/services: one `n8n start` main and two `n8n worker`s sharing the
# encryption key, the database and the installed community package.
#
# 1. the sandbox (app id/secret, tokens) and the tarball installed as n8n installs community packages;
# 2. credentials (pointing at the sandbox via baseUrl, with its app id and secret) and workflows
#    imported and published: media.list behind a production Webhook, the Instagram Trigger, and
#    (single process) the Instagram Polling Trigger;
# 3. n8n starts: activation makes the trigger subscribe (the sandbox's handshake GETs n8n);
# 4. e2e/trigger.mjs drives the scenario (webhook calls, simulated events, a forged signature,
#    a wrong verify token, duplicate deliveries) and then checks n8n's database and logs.
# Prints PASS/FAIL per check, exits non-zero on any failure.
#
# Environment: IG_SANDBOX_BIN (default target/debug/instagram-graph-sandbox), E2E_DIR (default
# <repo>/.e2e), E2E_KEEP=1 keeps the run directory, E2E_SERVER_TIMEOUT (readiness, default 180 s).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E_DIR="${E2E_DIR:-$ROOT/.e2e}"
export E2E_DIR
SANDBOX_BIN="${IG_SANDBOX_BIN:-$ROOT/target/debug/instagram-graph-sandbox}"
SERVER_TIMEOUT="${E2E_SERVER_TIMEOUT:-180}"
EXEC_TIMEOUT="${E2E_EXEC_TIMEOUT:-300}"
MODE=single
if [[ "${1:-}" == --queue ]]; then MODE=queue; shift; fi
if [[ $# -ne 1 || ! -f "$1" ]]; then
  echo "usage: $0 [--queue] path/to/n8n-nodes-instagram-graph-*.tgz" >&2
  exit 2
fi
TGZ="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
[[ -x "$SANDBOX_BIN" ]] || { echo "e2e-trigger: sandbox binary not found: $SANDBOX_BIN (cargo build -p instagram-graph-sandbox)" >&2; exit 2; }

RUN_DIR="${E2E_RUN_ROOT:-$E2E_DIR}/trigger-$MODE"   # E2E_RUN_ROOT: as in e2e-run.sh
TMP="$RUN_DIR/tmp"        # secrets (sandbox line, credentials): never scanned, always removed
LOGS="$RUN_DIR/logs"      # everything n8n prints: scanned for secrets
SERVICES="$RUN_DIR/services"
export N8N_USER_FOLDER="$RUN_DIR/home"
# shellcheck source=scripts/e2e-lib.sh
source "$ROOT/scripts/e2e-lib.sh"
TRIGGER_MJS="$ROOT/e2e/trigger.mjs"
say() { echo "e2e-trigger[$MODE] [$(e2e_now)s]: $*"; }

SERVICES_UP=0
# shellcheck disable=SC2317  # the EXIT trap
cleanup() {
  local rc=$?
  e2e_stop_all
  if [[ "$SERVICES_UP" == 1 ]]; then bash "$ROOT/scripts/e2e-queue/services.sh" stop "$SERVICES" || true; fi
  if [[ $rc -ne 0 && -d "$LOGS" ]]; then
    echo "e2e-trigger: FAILED (exit $rc) — n8n's logs (secrets redacted):" >&2
    node "$RUN_MJS" tail "$TMP/sandbox.json" 30 "$LOGS"/*.log "$TMP/sandbox.stderr" >&2 2>/dev/null || true
  fi
  e2e_stop_sandbox
  rm -rf "$TMP"
  if [[ "${E2E_KEEP:-0}" == 1 ]]; then echo "e2e-trigger: kept $RUN_DIR (E2E_KEEP=1)" >&2; else rm -rf "$RUN_DIR"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

e2e_runtime
rm -rf "$RUN_DIR"
mkdir -p "$TMP" "$LOGS" "$N8N_USER_FOLDER"
chmod 700 "$TMP"

if [[ "$MODE" == queue ]]; then
  say "PostgreSQL + Redis (scripts/e2e-queue/services.sh)"
  bash "$ROOT/scripts/e2e-queue/services.sh" install
  SERVICES_UP=1
  bash "$ROOT/scripts/e2e-queue/services.sh" start "$SERVICES"
  # shellcheck disable=SC1091
  source "$SERVICES/env"
  export EXECUTIONS_MODE=queue
  # Workers report each job they run in their log ("Worker started execution N").
  export QUEUE_HEALTH_CHECK_ACTIVE=true
fi

say "starting sandbox $SANDBOX_BIN"
e2e_start_sandbox --require-appsecret-proof
say "installing $(basename "$TGZ") into $N8N_USER_FOLDER/.n8n/nodes"
e2e_install_package "$TGZ"

e2e_n8n_env
export N8N_LOG_LEVEL=debug N8N_LOG_OUTPUT=file
read -r P_MAIN P_BROKER P_RH < <(node "$RUN_MJS" free-ports 3)
export N8N_PORT="$P_MAIN" N8N_RUNNERS_BROKER_PORT="$P_BROKER" N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT="$P_RH"
MAIN_URL="http://127.0.0.1:$P_MAIN"
# The URL the trigger registers as callback (Meta's handshake and deliveries come here).
export N8N_WEBHOOK_URL="$MAIN_URL/"

read -r -a WF_IDS < <(node "$TRIGGER_MJS" prepare "$TMP/sandbox.json" "$TMP" "$MODE")
n8n_cmd() { # n8n_cmd <log-name> <args...>
  local log="$1"; shift
  run_logged "$LOGS/$log.out" - env N8N_LOG_FILE_LOCATION="$LOGS/$log" timeout "$EXEC_TIMEOUT" "$N8N" "$@"
}
say "importing credentials and workflows ${WF_IDS[*]} (database: ${DB_TYPE:-sqlite})"
n8n_cmd import-credentials.log import:credentials --input="$TMP/credentials.json" \
  || { echo "e2e-trigger: n8n import:credentials failed" >&2; exit 1; }
rm -f "$TMP/credentials.json"
n8n_cmd import-workflows.log import:workflow --input="$TMP/workflows.json" \
  || { echo "e2e-trigger: n8n import:workflow failed" >&2; exit 1; }
for id in "${WF_IDS[@]}"; do
  n8n_cmd "publish-$id.log" publish:workflow --id="$id" || { echo "e2e-trigger: n8n publish:workflow --id=$id failed" >&2; exit 1; }
done

READY_URLS=("$MAIN_URL")
READY_PIDS=()
if [[ "$MODE" == queue ]]; then
  # Workers first: main enqueues from its first webhook on.
  for w in 1 2; do
    read -r WP WB WR < <(node "$RUN_MJS" free-ports 3)
    e2e_start_server "$LOGS/worker-$w.out" QUEUE_HEALTH_CHECK_PORT="$WP" N8N_RUNNERS_BROKER_PORT="$WB" \
      N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT="$WR" N8N_LOG_FILE_LOCATION="$LOGS/worker-$w.log" worker --concurrency=2
    READY_URLS+=("http://127.0.0.1:$WP")
    READY_PIDS+=("$E2E_LAST_PID")
    say "n8n worker $w (pid $E2E_LAST_PID) health on 127.0.0.1:$WP"
  done
fi
e2e_start_server "$LOGS/main.out" N8N_LOG_FILE_LOCATION="$LOGS/main.log" start
MAIN_PID="$E2E_LAST_PID"
say "n8n start (pid $MAIN_PID) on $MAIN_URL; waiting until ready"
node "$TRIGGER_MJS" wait-ready "$MAIN_URL" "$MAIN_PID" "${READY_URLS[@]:1}" "${READY_PIDS[@]}" --timeout "$SERVER_TIMEOUT"
say "ready; driving the scenario"

run_logged "$LOGS/drive.log" - node "$TRIGGER_MJS" drive "$TMP/sandbox.json" "$MAIN_URL" "$MODE" "$TMP/drive.json" || true
say "scenario done; stopping n8n"
e2e_stop_servers
if [[ "$MODE" == single ]]; then
  # The polling trigger's next poll: n8n polls at every activation (then every minute); a
  # restart gets there without waiting for the minute.
  e2e_start_server "$LOGS/main-2.out" N8N_LOG_FILE_LOCATION="$LOGS/main-2.log" start
  say "n8n restarted (pid $E2E_LAST_PID) for the polling trigger's next poll"
  node "$TRIGGER_MJS" wait-ready "$MAIN_URL" "$E2E_LAST_PID" --timeout "$SERVER_TIMEOUT"
  run_logged "$LOGS/wait-poll.log" - node "$TRIGGER_MJS" wait-poll 30 || true
  e2e_stop_servers
fi
# PostgreSQL's data is n8n's output too: a plain dump joins the secret scan.
if [[ "$MODE" == queue ]]; then bash "$ROOT/scripts/e2e-queue/services.sh" dump "$SERVICES" "$LOGS/n8n-database.sql"; fi
check_rc=0
node "$TRIGGER_MJS" check "$TMP/sandbox.json" "$MODE" "$TMP/drive.json" "$LOGS" "$LOGS" "$N8N_USER_FOLDER" || check_rc=$?
say "done in $(e2e_now)s"
exit "$check_rc"
