#!/usr/bin/env bash
# Installs what e2e/browser.mjs needs: Debian's `chromium` package (apt-get, when no chromium is
# on PATH) and `playwright-core` from npm into E2E_BROWSER_DIR (default <repo>/.e2e/browser,
# git-ignored), which drives it. Idempotent: a stamp records the version; a fast no-op then.
#
# Environment: E2E_DIR (default <repo>/.e2e), E2E_BROWSER_DIR, CHROMIUM (a browser binary to use
# instead of Debian's), E2E_FORCE=1 reinstalls playwright-core.
set -euo pipefail

PLAYWRIGHT_VERSION=1.65.1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E_DIR="${E2E_DIR:-$ROOT/.e2e}"
BROWSER_DIR="${E2E_BROWSER_DIR:-$E2E_DIR/browser}"
STAMP="$BROWSER_DIR/installed.stamp"
STAMP_TEXT="playwright-core@$PLAYWRIGHT_VERSION"
LOG="$BROWSER_DIR/install.log"

mkdir -p "$BROWSER_DIR"

# 1. Chromium: Debian's package (its own dependencies come with it).
if [[ -z "${CHROMIUM:-}" ]] && ! command -v chromium >/dev/null 2>&1; then
  echo "e2e-browser-install: apt-get install -y chromium (takes a minute or two)"
  SUDO=()
  [[ "$(id -u)" == 0 ]] || SUDO=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get install -y --no-install-recommends chromium >"$LOG" 2>&1 || {
    # A fresh machine may have no package lists yet.
    "${SUDO[@]}" apt-get update >>"$LOG" 2>&1
    "${SUDO[@]}" apt-get install -y --no-install-recommends chromium >>"$LOG" 2>&1
  } || { echo "e2e-browser-install: apt-get install chromium failed (log: $LOG)" >&2; tail -n 30 "$LOG" >&2; exit 1; }
fi
CHROMIUM_BIN="${CHROMIUM:-$(command -v chromium)}"
echo "e2e-browser-install: $("$CHROMIUM_BIN" --version 2>/dev/null | head -n 1) at $CHROMIUM_BIN"

# 2. playwright-core (no browser download: it drives the Chromium above).
if [[ "${E2E_FORCE:-0}" != 1 && -f "$STAMP" && "$(cat "$STAMP")" == "$STAMP_TEXT" && -f "$BROWSER_DIR/node_modules/playwright-core/package.json" ]]; then
  echo "e2e-browser-install: up to date ($STAMP_TEXT) in $BROWSER_DIR"
  exit 0
fi
cd "$BROWSER_DIR"
[[ -f package.json ]] || printf '%s\n' '{ "name": "instagram-graph-e2e-browser", "private": true }' >package.json
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --save-exact --loglevel=warn \
  "playwright-core@$PLAYWRIGHT_VERSION" >>"$LOG" 2>&1 \
  || { echo "e2e-browser-install: npm install playwright-core failed (log: $LOG)" >&2; tail -n 30 "$LOG" >&2; exit 1; }
echo "$STAMP_TEXT" >"$STAMP"
echo "e2e-browser-install: done ($STAMP_TEXT) in $BROWSER_DIR"
