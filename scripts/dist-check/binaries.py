"""What a shipped binary must be, checked with lief (ELF, Mach-O and PE alike).

`inspect(path, target, entry)` returns a list of (check, ok, detail) for one native library:
its format and architecture, the exported entry point and no Rust symbols exported, the absence
of test hooks, its dynamic dependencies (and, for glibc, the symbol versions it requires), debug
info and local symbols stripped; for Mach-O also the install name and the arm64 signature.
Used by static.py for the addons and for the Python module inside each wheel.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import auditwheel
import lief

lief.logging.disable()  # its parser warnings are noise here; every finding is a check line

# The test hooks, as the bindings register them: napi-rs stores each JS export name as a string
# (`#[napi(js_name = "__panicForTests")]`, and `__panicForTestsAsync` which contains it), pyo3
# the Python function name `_panic_in_future` (bindings-node/src/test_hooks.rs,
# bindings-python/src/lib.rs). Either string in a shipped binary means the test-hooks feature
# was on.
TEST_HOOK_STRINGS = (b"__panicForTests", b"_panic_in_future")

GLIBC_FLOOR = (2, 17)  # manylinux2014
GNU_LIBS = {
    "libc.so.6",
    "libm.so.6",
    "libdl.so.2",
    "libpthread.so.0",
    "librt.so.1",
    "libgcc_s.so.1",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
}
MACOS_LIBS = {"/usr/lib/libSystem.B.dylib"}
MACOS_MIN = (11, 0)
# Windows DLLs present on every Windows 10+ (what Rust's std, tokio and rustls may import).
WINDOWS_SYSTEM_DLLS = {
    "kernel32.dll",
    "ntdll.dll",
    "advapi32.dll",
    "bcrypt.dll",
    "bcryptprimitives.dll",
    "ws2_32.dll",
    "userenv.dll",
    "msvcrt.dll",
    "ucrtbase.dll",
    "secur32.dll",
    "crypt32.dll",
    "ncrypt.dll",
    "ole32.dll",
    "oleaut32.dll",
    "shell32.dll",
    "user32.dll",
    "iphlpapi.dll",
    "dbghelp.dll",
    "synchronization.dll",
}
# api-ms-win-* are the API sets of every Windows 10+ (e.g. api-ms-win-core-synch-l1-2-0.dll).
WINDOWS_API_SET = re.compile(r"^(api|ext)-ms-win-[a-z0-9-]+\.dll$")
# A Rust-mangled symbol name: v0 (_R...) or legacy (_ZN...17h<16 hex>E); Mach-O adds one "_".
RUST_MANGLED = re.compile(r"^_{1,2}R[0-9]*[NCMXYIB][A-Za-z0-9_]|^_{1,2}ZN.*17h[0-9a-f]{16}E$")
# Mach-O nlist n_type bits (<mach-o/nlist.h>).
N_STAB, N_TYPE, N_SECT, N_EXT = 0xE0, 0x0E, 0x0E, 0x01


def _exports(names: list[str], entry: str) -> Result:
    """Only C entry points may be exported: a Rust symbol in the export table means the linker
    exported every global of std and the dependencies (the export list was not applied)."""
    rust = [n for n in names if RUST_MANGLED.search(n)]
    others = sorted(n for n in names if n not in rust and n.lstrip("_") != entry)
    detail = f"{len(names)} exported; other than {entry}: {others[:6] or 'none'}"
    if rust:
        detail += f"; {len(rust)} Rust symbols (e.g. {rust[0]})"
    return ("exports", not rust, detail)


@dataclass(frozen=True)
class Target:
    """What one platform's binary must be."""

    name: str  # napi triple (linux-x64-gnu, ..., win32-x64-msvc)
    fmt: str  # ELF, MachO, PE
    arch: str  # x86_64, aarch64
    libc: str = ""  # gnu, musl (Linux only)


TARGETS = {
    t.name: t
    for t in (
        Target("linux-x64-gnu", "ELF", "x86_64", "gnu"),
        Target("linux-x64-musl", "ELF", "x86_64", "musl"),
        Target("linux-arm64-gnu", "ELF", "aarch64", "gnu"),
        Target("linux-arm64-musl", "ELF", "aarch64", "musl"),
        Target("darwin-arm64", "MachO", "aarch64"),
        Target("darwin-x64", "MachO", "x86_64"),
        Target("win32-x64-msvc", "PE", "x86_64"),
    )
}

Result = tuple[str, bool, str]


def _policy_versions(arch: str) -> dict[str, set[str]]:
    """auditwheel's manylinux_2_17 (manylinux2014) symbol versions for `arch`, per namespace."""
    path = Path(os.path.dirname(auditwheel.__file__)) / "policy" / "manylinux-policy.json"
    for policy in json.loads(path.read_text()):
        if policy["name"] == "manylinux_2_17":
            return {ns: set(vs) for ns, vs in policy["symbol_versions"][arch].items()}
    raise RuntimeError("auditwheel has no manylinux_2_17 policy")


def _vtuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text))


def _elf(b: lief.ELF.Binary, t: Target, entry: str, python: bool) -> list[Result]:
    out: list[Result] = []
    machine = {"x86_64": lief.ELF.ARCH.X86_64, "aarch64": lief.ELF.ARCH.AARCH64}[t.arch]
    ok = (
        b.header.machine_type == machine
        and b.header.file_type == lief.ELF.Header.FILE_TYPE.DYN
        and b.header.identity_class == lief.ELF.Header.CLASS.ELF64
    )
    out.append(
        (
            "format",
            ok,
            f"ELF64 {b.header.file_type.name} {b.header.machine_type.name} (want DYN {machine.name})",
        )
    )
    exported = {s.name for s in b.dynamic_symbols if s.exported}
    out.append(("entry point", entry in exported, f"{entry} {'exported' if entry in exported else 'NOT exported'}"))
    out.append(_exports(sorted(exported), entry))
    libs = list(b.libraries)
    reqs = {r.name: [a.name for a in r.get_auxiliary_symbols()] for r in b.symbols_version_requirement}
    if t.libc == "musl":
        # musl's own name for its libc (Alpine's file, auditwheel's musllinux policy): zig's stub
        # is named libc.so, which xbuild.sh renames; musl's loader takes either as itself.
        want = f"libc.musl-{t.arch}.so.1"
        out.append(("dependencies", libs == [want], f"NEEDED {libs} (musl: just {want})"))
        # musl has no symbol versioning: a version requirement means a glibc build in disguise.
        out.append(("no symbol versions", not reqs, f"version requirements: {reqs or 'none'}"))
    else:
        bad = [lib for lib in libs if lib not in GNU_LIBS or (python and lib.startswith("libpython"))]
        out.append(("dependencies", not bad, f"NEEDED {libs}" + (f"; not allowed: {bad}" if bad else "")))
        glibc = sorted({v for vs in reqs.values() for v in vs if v.startswith("GLIBC_")}, key=_vtuple)
        newest = glibc[-1] if glibc else "none"
        too_new = [v for v in glibc if _vtuple(v) > GLIBC_FLOOR]
        out.append(
            (
                "glibc <= 2.17",
                not too_new,
                f"newest {newest}" + (f"; above 2.17: {too_new}" if too_new else ""),
            )
        )
        policy = _policy_versions(t.arch)
        outside = []
        for lib, versions in reqs.items():
            for v in versions:
                ns, _, num = v.partition("_")
                if ns in policy and num not in policy[ns]:
                    outside.append(f"{lib}:{v}")
                elif ns not in policy:
                    outside.append(f"{lib}:{v} (unknown namespace)")
        out.append(
            (
                "manylinux2014 versions",
                not outside,
                "every required version in auditwheel's manylinux_2_17 policy"
                if not outside
                else f"outside the policy: {outside}",
            )
        )
    names = [s.name for s in b.sections]
    debug = [n for n in names if n.startswith((".debug", ".zdebug"))]
    out.append(
        (
            "stripped",
            not debug and ".symtab" not in names,
            f"debug sections {debug or 'none'}, .symtab {'present' if '.symtab' in names else 'absent'}",
        )
    )
    return out


def _macho(b: lief.MachO.Binary, t: Target, entry: str, data: bytes) -> list[Result]:
    out: list[Result] = []
    cpu = {"x86_64": lief.MachO.Header.CPU_TYPE.X86_64, "aarch64": lief.MachO.Header.CPU_TYPE.ARM64}[t.arch]
    ftype = b.header.file_type
    ok = b.header.cpu_type == cpu and ftype in (
        lief.MachO.Header.FILE_TYPE.DYLIB,
        lief.MachO.Header.FILE_TYPE.BUNDLE,
    )
    out.append(("format", ok, f"Mach-O {ftype.name} {b.header.cpu_type.name} (want DYLIB/BUNDLE {cpu.name})"))
    exported = {s.name for s in b.exported_symbols}
    want = "_" + entry  # Mach-O C symbols carry a leading underscore
    out.append(("entry point", want in exported, f"{want} {'exported' if want in exported else 'NOT exported'}"))
    out.append(_exports(sorted(exported), entry))
    # LC_ID_DYLIB is the library's own name (what a program linking it records), not a
    # dependency. ld64's default is the output's path on the build machine.
    ids = [lib.name for lib in b.libraries if lib.command == lief.MachO.LoadCommand.TYPE.ID_DYLIB]
    out.append(
        (
            "install name",
            len(ids) <= 1 and all(re.fullmatch(r"@rpath/[^/]+", i) for i in ids),
            f"{ids[0] if ids else 'no LC_ID_DYLIB'} (want @rpath/<file name> or none)",
        )
    )
    libs = [lib.name for lib in b.libraries if lib.command != lief.MachO.LoadCommand.TYPE.ID_DYLIB]
    bad = [lib for lib in libs if lib not in MACOS_LIBS]
    bound: dict[str, int] = {}
    if b.has_dyld_info:
        for bi in b.dyld_info.bindings:
            if bi.has_library:
                bound[bi.library.name] = bound.get(bi.library.name, 0) + 1
    unused = [lib for lib in bad if lib not in bound]
    detail = f"{libs}" + (f"; not allowed: {bad}" if bad else "")
    if unused:
        # dyld still loads them; the linker's -dead_strip_dylibs drops such unused load commands
        detail += f" (no symbol bound from {unused}: -Wl,-dead_strip_dylibs would drop them)"
    out.append(("dependencies", not bad, detail))
    if b.has_build_version:
        minos = tuple(b.build_version.minos)
    elif b.has_version_min:
        minos = tuple(b.version_min.version)
    else:
        minos = ()
    out.append(
        (
            "minimum macOS 11",
            bool(minos) and minos[:2] <= MACOS_MIN,
            f"minos {'.'.join(map(str, minos)) or 'not recorded'}",
        )
    )
    if t.arch == "aarch64":
        # arm64 macOS refuses to load unsigned code, and code changed after signing (a strip
        # after the link) is killed on load: the signature must be there and still match.
        if b.has_code_signature:
            ok, detail = _code_signature_matches(data, b)
        else:
            ok, detail = False, "LC_CODE_SIGNATURE MISSING"
        out.append(("code signature", ok, detail))
    dwarf = [s.name for s in b.sections if s.segment_name == "__DWARF"]
    # From n_type itself: lief's Symbol.is_external means "undefined" (imported), so it cannot
    # tell a local symbol from an exported one.
    stabs = [s for s in b.symbols if s.raw_type & N_STAB]
    local = [s for s in b.symbols if not s.raw_type & N_STAB and s.raw_type & N_TYPE == N_SECT and not s.raw_type & N_EXT]
    out.append(
        (
            "stripped",
            not dwarf and not local and not stabs,
            f"__DWARF sections {dwarf or 'none'}, {len(stabs)} debug (stab) symbols, {len(local)} local symbols"
            + (f" (e.g. {local[0].name})" if local else ""),
        )
    )
    return out


def _code_signature_matches(data: bytes, b: lief.MachO.Binary) -> tuple[bool, str]:
    """The CodeDirectory's page hashes against the file's bytes (Apple's blob layout: a
    big-endian SuperBlob of (type, offset) slots; slot type 0 is the CodeDirectory)."""
    sig = b.code_signature
    blob = data[sig.data_offset : sig.data_offset + sig.data_size]
    magic, _, count = struct.unpack_from(">III", blob, 0)
    if magic != 0xFADE0CC0:
        return False, f"LC_CODE_SIGNATURE present but not a SuperBlob (magic {magic:#x})"
    for i in range(count):
        slot_type, off = struct.unpack_from(">II", blob, 12 + 8 * i)
        if slot_type != 0:
            continue
        cd_magic, _, _, flags, hash_off, _, _, n_code, code_limit, hash_size, hash_type, _, page_log = struct.unpack_from(
            ">IIIIIIIIIBBBB", blob, off
        )
        if cd_magic != 0xFADE0C02 or hash_type != 2 or hash_size != 32:  # SHA-256 CodeDirectory
            return False, f"CodeDirectory magic {cd_magic:#x}, hash type {hash_type}: not a SHA-256 directory"
        page = 1 << page_log
        bad = 0
        for n in range(n_code):
            want = blob[off + hash_off + 32 * n : off + hash_off + 32 * (n + 1)]
            chunk = data[n * page : min((n + 1) * page, code_limit)]
            bad += hashlib.sha256(chunk).digest() != want
        kind = "ad-hoc" if flags & 0x2 else "signed"
        return bad == 0, f"{kind} signature, {n_code} pages of {page} bytes" + (
            f", {bad} pages DIFFER (changed after signing)" if bad else " all match"
        )
    return False, "LC_CODE_SIGNATURE has no CodeDirectory"


def _pe(b: lief.PE.Binary, t: Target, entry: str, python: bool) -> list[Result]:
    out: list[Result] = []
    is_dll = b.header.has_characteristic(lief.PE.Header.CHARACTERISTICS.DLL)
    amd64 = b.header.machine == lief.PE.Header.MACHINE_TYPES.AMD64
    out.append(("format", is_dll and amd64, f"PE {'DLL' if is_dll else 'EXE'} {b.header.machine.name} (want DLL AMD64)"))
    exported = {e.name for e in b.get_export().entries} if b.has_exports else set()
    out.append(("entry point", entry in exported, f"{entry} {'exported' if entry in exported else 'NOT exported'}"))
    out.append(_exports(sorted(exported), entry))
    imports = [i.name for i in b.imports]
    allowed = set(WINDOWS_SYSTEM_DLLS) | ({"python3.dll"} if python else set())
    bad = [d for d in imports if d.lower() not in allowed and not WINDOWS_API_SET.match(d.lower())]
    out.append(("dependencies", not bad, f"imports {imports}" + (f"; not system DLLs: {bad}" if bad else "")))
    if python:
        # abi3: the stable-ABI python3.dll, never a versioned python3XY.dll
        out.append(("abi3 import", "python3.dll" in [d.lower() for d in imports], "imports python3.dll"))
    debug = [s.name for s in b.sections if s.name.startswith(".debug")]
    nsyms = b.header.numberof_symbols
    out.append(("stripped", not debug and nsyms == 0, f"debug sections {debug or 'none'}, COFF symbols {nsyms}"))
    return out


def inspect(path: Path, target: Target, entry: str, python: bool = False) -> list[Result]:
    """Every static check of one native library built for `target`."""
    data = path.read_bytes()
    out: list[Result] = []
    hooks = [h.decode() for h in TEST_HOOK_STRINGS if h in data]
    out.append(
        ("no test hooks", not hooks, f"found {hooks}" if hooks else "none of " + ", ".join(h.decode() for h in TEST_HOOK_STRINGS))
    )
    fmt = {b"\x7fELF": "ELF", b"MZ\x90\x00": "PE"}.get(data[:4]) or ("PE" if data[:2] == b"MZ" else "")
    if not fmt and data[:4] in (b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe"):
        fmt = "MachO"
    if fmt != target.fmt:
        out.append(("format", False, f"file is {fmt or 'not a known binary format'}, want {target.fmt}"))
        return out
    if fmt == "ELF":
        out += _elf(lief.ELF.parse(str(path)), target, entry, python)
    elif fmt == "MachO":
        fat = lief.MachO.parse(str(path))
        if fat is None or fat.size != 1:
            out.append(("format", False, f"want one thin Mach-O, got {0 if fat is None else fat.size} slices"))
            return out
        out += _macho(fat.at(0), target, entry, data)
    else:
        out += _pe(lief.PE.parse(str(path)), target, entry, python)
    return out
