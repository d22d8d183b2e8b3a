"""Static checks of everything in dist/ (no code of ours is run here).

    static.py addons DIST    dist/native/instagram-graph.<triple>.node, all seven
    static.py npm DIST       the npm tarball: its package.json, native/ identical to dist/native
    static.py wheels DIST    every abi3 wheel: file name vs WHEEL tags, METADATA, RECORD hashes,
                             the _native module inside (binaries.py), auditwheel show (Linux)
    static.py sdist DIST     the source distribution: PKG-INFO and what maturin needs to build

Prints one line per check and exits 1 when any fails. Sizes are in MiB (2**20 bytes).
"""

from __future__ import annotations

import base64
import email.parser
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import binaries
from packaging.tags import Tag
from packaging.utils import parse_wheel_filename

MIB = 1 << 20
# Budgets catch bloat, not growth by design: with the 70 operations of the catalogue (issue 8)
# the release addons measure 8.2-8.7 MiB and the npm tarball (all seven addons) 25.0 MiB.
ADDON_BUDGET = 10 * MIB
TARBALL_BUDGET = 32 * MIB
WHEEL_BUDGET = 10 * MIB
PKG_NAME = "n8n-nodes-instagram-graph"
PY_DIST = "instagram_graph"
VERSION = "0.1.0"

# Each wheel platform: the tag its file name must carry, the binary it must hold, and for
# Linux the tag auditwheel must find it consistent with.
WHEEL_PLATFORMS = {
    "manylinux2014_x86_64": ("linux-x64-gnu", {"manylinux2014_x86_64", "manylinux_2_17_x86_64"}),
    "manylinux2014_aarch64": ("linux-arm64-gnu", {"manylinux2014_aarch64", "manylinux_2_17_aarch64"}),
    "musllinux_1_2_x86_64": ("linux-x64-musl", {"musllinux_1_2_x86_64"}),
    "musllinux_1_2_aarch64": ("linux-arm64-musl", {"musllinux_1_2_aarch64"}),
    "macosx_11_0_arm64": ("darwin-arm64", {"macosx_11_0_arm64"}),
    "macosx_11_0_x86_64": ("darwin-x64", {"macosx_11_0_x86_64"}),
    "win_amd64": ("win32-x64-msvc", {"win_amd64"}),
}


class Report:
    """Collects check lines; `failed` tells whether any check failed."""

    def __init__(self) -> None:
        self.failed = 0
        self.passed = 0

    def check(self, what: str, ok: bool, detail: str) -> None:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"    {'ok  ' if ok else 'FAIL'}  {what:<24} {detail}", flush=True)

    def head(self, text: str) -> None:
        print(f"  {text}", flush=True)

    def size(self, what: str, n: int, budget: int) -> None:
        self.check(what, n <= budget, f"{n / MIB:.2f} MiB ({n:,} bytes; budget {budget / MIB:.0f} MiB)")

    def done(self, title: str) -> int:
        print(f"  {title}: {self.passed} passed, {self.failed} failed", flush=True)
        return 1 if self.failed else 0


def addon_name(triple: str) -> str:
    return f"instagram-graph.{triple}.node"


def cmd_addons(dist: Path) -> int:
    r = Report()
    native = dist / "native"
    found = sorted(p.name for p in native.glob("*.node")) if native.is_dir() else []
    expected = sorted(addon_name(t) for t in binaries.TARGETS)
    r.head(f"{native}: {len(found)} addons")
    r.check(
        "the seven addons",
        found == expected,
        f"missing {sorted(set(expected) - set(found)) or 'none'}, unexpected {sorted(set(found) - set(expected)) or 'none'}",
    )
    for triple, target in binaries.TARGETS.items():
        path = native / addon_name(triple)
        if not path.is_file():
            continue
        r.head(f"{triple}: {path.name}")
        r.size("size", path.stat().st_size, ADDON_BUDGET)
        for what, ok, detail in binaries.inspect(path, target, "napi_register_module_v1"):
            r.check(what, ok, detail)
    return r.done("addons")


def _one(r: Report, dist: Path, pattern: str, what: str) -> Path | None:
    """The single file of dist/ matching `pattern`, checked as such; None when there is not one."""
    found = sorted(dist.glob(pattern))
    r.check(f"one {what}", len(found) == 1, f"{[f.name for f in found]}")
    return found[0] if len(found) == 1 else None


def cmd_npm(dist: Path) -> int:
    r = Report()
    tgz = _one(r, dist, f"{PKG_NAME}-*.tgz", "npm tarball")
    if tgz is None:
        return r.done("npm tarball")
    r.head(tgz.name)
    r.size("size", tgz.stat().st_size, TARBALL_BUDGET)
    with tarfile.open(tgz, "r:gz") as tf:
        members = {m.name: m for m in tf.getmembers() if m.isfile()}
        pj_member = members.get("package/package.json")
        pj = json.load(tf.extractfile(pj_member)) if pj_member else {}
        r.check(
            "package.json",
            pj.get("name") == PKG_NAME and pj.get("version") == VERSION,
            f"name {pj.get('name')!r}, version {pj.get('version')!r}",
        )
        r.check("file name", tgz.name == f"{PKG_NAME}-{pj.get('version')}.tgz", f"{tgz.name} for version {pj.get('version')}")
        main = pj.get("main", "index.js")
        main_path = "package/" + re.sub(r"^\./", "", main)
        r.check("main entry", main_path in members, f"main {main!r} {'present' if main_path in members else 'MISSING'}")
        in_pkg = sorted(n.removeprefix("package/native/") for n in members if n.startswith("package/native/"))
        expected = sorted(addon_name(t) for t in binaries.TARGETS)
        r.check(
            "native/ holds the seven",
            in_pkg == expected,
            f"{len(in_pkg)} files; missing {sorted(set(expected) - set(in_pkg)) or 'none'}, unexpected {sorted(set(in_pkg) - set(expected)) or 'none'}",
        )
        # The package must ship exactly the addons checked by `addons` (not stale or debug copies).
        for name in in_pkg:
            data = tf.extractfile(members["package/native/" + name]).read()
            ref = dist / "native" / name
            same = ref.is_file() and hashlib.sha256(ref.read_bytes()).digest() == hashlib.sha256(data).digest()
            r.check(
                f"{name.split('.')[1]} == dist/native",
                same,
                f"{len(data) / MIB:.2f} MiB, sha256 {hashlib.sha256(data).hexdigest()[:16]}…"
                + ("" if same else " DIFFERS from dist/native (or missing there)"),
            )
    return r.done("npm tarball")


def _record_ok(zf: zipfile.ZipFile, record_name: str) -> tuple[bool, str]:
    """Every file in RECORD has the stated sha256 and size; every file is in RECORD."""
    bad, listed = [], set()
    for line in zf.read(record_name).decode().splitlines():
        if not line.strip():
            continue
        path, digest, size = line.rsplit(",", 2)
        listed.add(path)
        if path == record_name:
            continue
        algo, _, want = digest.partition("=")
        data = zf.read(path)
        got = base64.urlsafe_b64encode(hashlib.new(algo, data).digest()).rstrip(b"=").decode()
        if got != want or int(size) != len(data):
            bad.append(path)
    unlisted = [n for n in zf.namelist() if n not in listed and not n.endswith("/")]
    ok = not bad and not unlisted
    return ok, f"{len(listed)} entries" + (f"; bad hash/size {bad}" if bad else "") + (
        f"; not in RECORD {unlisted}" if unlisted else ""
    )


# The libraries auditwheel resolves a wheel's NEEDED entries against: the real libc of that
# platform, from the runtimes setup.sh unpacked (the host's own paths hold glibc's libc.so linker
# script, on which auditwheel's ELF parser fails). None: the host's paths (x86_64 glibc).
RT = Path(os.environ.get("DIST_CHECK_RT", Path(__file__).resolve().parents[2] / ".dist-check" / "rt"))
AUDITWHEEL_LDPATHS = {
    "manylinux2014_x86_64": None,
    "manylinux2014_aarch64": [RT / "arm64-root/lib/aarch64-linux-gnu", RT / "arm64-root/usr/lib/aarch64-linux-gnu"],
    "musllinux_1_2_x86_64": [RT / "musl-amd64/usr/lib/x86_64-linux-musl"],
    "musllinux_1_2_aarch64": [RT / "musl-arm64/usr/lib/aarch64-linux-musl"],
}
POLICY_TAG = re.compile(r"(manylinux|musllinux)_(\d+)_(\d+)_(\w+)")


def _auditwheel(whl: Path, plat: str, want_tags: set[str]) -> tuple[bool, str]:
    """auditwheel's verdict: the most compatible tag it finds the wheel consistent with must be
    the wheel's own policy or an older (more compatible) one of the same family and architecture."""
    cmd = [str(Path(sys.executable).parent / "auditwheel"), "show", "--json"]
    ldpaths = AUDITWHEEL_LDPATHS[plat]
    if ldpaths is not None:
        missing = [str(p) for p in ldpaths if not p.is_dir()]
        if missing:
            return False, f"libc directories missing (run setup.sh): {missing}"
        cmd += ["--ldpaths", ":".join(str(p) for p in ldpaths)]
    p = subprocess.run([*cmd, str(whl)], check=False, capture_output=True, text=True)
    try:
        report = json.loads(p.stdout)
    except json.JSONDecodeError:
        text = " ".join((p.stdout + p.stderr).split())
        return False, f"auditwheel show exit {p.returncode}: {text[-300:]}"
    got = report.get("overall_tag", "")
    fam = POLICY_TAG.fullmatch(got)
    ok = False
    for w in want_tags:
        fw = POLICY_TAG.fullmatch(w)
        if fam and fw and fw.group(1) == fam.group(1) and fw.group(4) == fam.group(4):
            ok = ok or (int(fam.group(2)), int(fam.group(3))) <= (int(fw.group(2)), int(fw.group(3)))
    detail = f'consistent with "{got}" (symbols alone: "{report.get("sym_tag")}")'
    if not ok:
        upgrades = report.get("policy_upgrades", {})
        blockers = {
            tag: u.get("libs_to_eliminate")
            for tag, u in upgrades.items()
            if tag in want_tags or tag.replace("manylinux_2_17", "manylinux2014") in want_tags
        }
        detail += f"; external libs {report.get('external_libs')}; to reach the wheel's tag eliminate {blockers or upgrades}"
    return ok, detail


def cmd_wheels(dist: Path) -> int:
    r = Report()
    wheels = sorted(dist.glob("*.whl"))
    r.head(f"{dist}: {len(wheels)} wheels")
    seen: dict[str, Path] = {}
    for whl in wheels:
        try:
            name, version, build, tags = parse_wheel_filename(whl.name)
        except Exception as e:  # noqa: BLE001 - the message is the finding
            r.check("file name", False, f"{whl.name}: {e}")
            continue
        platforms = {t.platform for t in tags}
        plat = next((p for p, (_, accepted) in WHEEL_PLATFORMS.items() if platforms & accepted), None)
        r.head(f"{whl.name}")
        r.check(
            "file name",
            name == "instagram-graph" and str(version) == VERSION and not build and plat is not None,
            f"name {name}, version {version}, platforms {sorted(platforms)}" + ("" if plat else " (no expected platform)"),
        )
        r.check(
            "abi3 tag",
            {(t.interpreter, t.abi) for t in tags} == {("cp310", "abi3")},
            f"{sorted({t.interpreter + '-' + t.abi for t in tags})} (want cp310-abi3)",
        )
        if plat is None:
            continue
        if plat in seen:
            r.check("one wheel per platform", False, f"{plat} also in {seen[plat].name}")
        seen[plat] = whl
        r.size("size", whl.stat().st_size, WHEEL_BUDGET)
        triple, accepted = WHEEL_PLATFORMS[plat]
        with zipfile.ZipFile(whl) as zf:
            names = zf.namelist()
            info = f"{PY_DIST}-{VERSION}.dist-info"
            wheel_meta = email.parser.Parser().parsestr(zf.read(f"{info}/WHEEL").decode()) if f"{info}/WHEEL" in names else None
            if wheel_meta is None:
                r.check("WHEEL", False, f"{info}/WHEEL missing")
                continue
            wtags = {Tag(*t.split("-")) for t in wheel_meta.get_all("Tag", [])}
            r.check("WHEEL tags == file name", wtags == set(tags), f"WHEEL {sorted(str(t) for t in wtags)}")
            r.check(
                "WHEEL Root-Is-Purelib",
                wheel_meta.get("Root-Is-Purelib", "").strip() == "false",
                f"Root-Is-Purelib: {wheel_meta.get('Root-Is-Purelib')}",
            )
            meta = email.parser.Parser().parsestr(zf.read(f"{info}/METADATA").decode())
            r.check(
                "METADATA",
                meta["Name"] == "instagram-graph" and meta["Version"] == VERSION,
                f"Name {meta['Name']}, Version {meta['Version']}, Requires-Python {meta['Requires-Python']}",
            )
            ok, detail = _record_ok(zf, f"{info}/RECORD")
            r.check("RECORD hashes", ok, detail)
            mod = f"{PY_DIST}/_native.pyd" if plat == "win_amd64" else f"{PY_DIST}/_native.abi3.so"
            natives = [n for n in names if re.search(r"\.(so|pyd|dylib|dll)(\.|$)", n)]
            r.check("native module", natives == [mod], f"{natives} (want [{mod!r}])")
            want_py = {f"{PY_DIST}/__init__.py", f"{PY_DIST}/py.typed", f"{PY_DIST}/_native.pyi"}
            r.check("package files", want_py <= set(names), f"missing {sorted(want_py - set(names)) or 'none'}")
            if mod in names:
                with tempfile.TemporaryDirectory() as tmp:
                    p = Path(tmp) / Path(mod).name
                    p.write_bytes(zf.read(mod))
                    for what, ok, detail in binaries.inspect(p, binaries.TARGETS[triple], "PyInit__native", python=True):
                        r.check(what, ok, detail)
        if plat.startswith(("manylinux", "musllinux")):
            ok, detail = _auditwheel(whl, plat, accepted)
            r.check("auditwheel show", ok, detail)
    missing = sorted(set(WHEEL_PLATFORMS) - set(seen))
    r.check("every platform's wheel", not missing, f"missing {missing or 'none'}")
    return r.done("wheels")


def cmd_sdist(dist: Path) -> int:
    r = Report()
    sd = _one(r, dist, f"{PY_DIST}-*.tar.gz", "sdist")
    if sd is None:
        return r.done("sdist")
    r.head(sd.name)
    top = f"{PY_DIST}-{VERSION}"
    with tarfile.open(sd, "r:gz") as tf:
        names = {m.name for m in tf.getmembers()}
        pkg_info = tf.extractfile(f"{top}/PKG-INFO") if f"{top}/PKG-INFO" in names else None
        meta = email.parser.Parser().parsestr(pkg_info.read().decode()) if pkg_info else {}
        r.check(
            "PKG-INFO",
            bool(meta) and meta["Name"] == "instagram-graph" and meta["Version"] == VERSION,
            f"Name {meta.get('Name') if meta else None}, Version {meta.get('Version') if meta else None}",
        )
        pyproject = tf.extractfile(f"{top}/pyproject.toml").read().decode() if f"{top}/pyproject.toml" in names else ""
        r.check(
            "pyproject builds with maturin",
            'build-backend = "maturin"' in pyproject,
            "build-backend maturin" if pyproject else "pyproject.toml MISSING",
        )
        # maturin's sdist carries the Rust workspace the module is built from.
        need = [f"{top}/Cargo.lock", f"{top}/{PY_DIST}/__init__.py"]
        lacking = [n for n in need if n not in names]
        crates = sorted({n.split("/")[1] for n in names if n.endswith("/Cargo.toml") and n.count("/") == 2})
        has_core = any(n.endswith("core/src/lib.rs") for n in names)
        has_binding = any(n.endswith("bindings-python/src/lib.rs") for n in names)
        r.check(
            "Rust sources",
            not lacking and has_core and has_binding,
            f"crates with Cargo.toml: {crates}; core {has_core}, bindings-python {has_binding}; missing {lacking or 'none'}",
        )
        secrets = [n for n in names if re.search(r"(^|/)(\.env|\.git/|target/|\.venv/)", n)]
        r.check("no build leftovers", not secrets, f"{secrets[:5] or 'no .git/, target/, .venv/, .env'}")
    return r.done("sdist")


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("addons", "npm", "wheels", "sdist"):
        print(__doc__, file=sys.stderr)
        return 2
    dist = Path(sys.argv[2])
    if not dist.is_dir():
        print(f"static.py: no dist directory {dist}", file=sys.stderr)
        return 2
    return {"addons": cmd_addons, "npm": cmd_npm, "wheels": cmd_wheels, "sdist": cmd_sdist}[sys.argv[1]](dist)


if __name__ == "__main__":
    sys.exit(main())
