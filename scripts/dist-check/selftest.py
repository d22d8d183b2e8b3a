"""The static checks can fail: each is run on a copy of a real artifact from DIST with one defect
put in, and must report that defect (a checker that passes everything proves nothing).

    selftest.py DIST

Defects: a test-hook name in an addon, an arm64 Mach-O changed after signing, a build path as
a Mach-O install name, a wheel whose WHEEL tags disagree with its file name (and whose RECORD
no longer matches), an unexpected dependency and an exported Rust symbol in an ELF addon, zig's
libc.so stub name as a musl addon's libc. Prints one line per defect; exit 1 when one went unnoticed.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import binaries
import lief

missed = 0


def inspect_addon(path: Path, triple: str) -> list[tuple[str, bool, str]]:
    """The static checks of one addon file, as shipped for `triple`."""
    return binaries.inspect(path, binaries.TARGETS[triple], "napi_register_module_v1")


def expect(what: str, results: list[tuple[str, bool, str]], check: str) -> None:
    global missed
    hit = [d for name, ok, d in results if name == check and not ok]
    if not hit:
        missed += 1
    print(
        f"    {'ok  ' if hit else 'FAIL'}  {what:<40} {'caught by' if hit else 'NOT caught by'} '{check}'"
        + (f": {hit[0][:90]}" if hit else "")
    )


def main() -> int:
    dist = Path(sys.argv[1])
    native = dist / "native"
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)

        gnu = native / "instagram-graph.linux-x64-gnu.node"
        bad = t / "hook.node"
        bad.write_bytes(gnu.read_bytes() + b"\0__panicForTestsAsync\0")
        expect(
            "test hook name in the gnu addon",
            inspect_addon(bad, "linux-x64-gnu"),
            "no test hooks",
        )

        elf = lief.ELF.parse(str(gnu))
        elf.add_library("libstdc++.so.6")
        dep = t / "dep.node"
        elf.write(str(dep))
        expect(
            "libstdc++ added to the gnu addon",
            inspect_addon(dep, "linux-x64-gnu"),
            "dependencies",
        )

        musl = lief.ELF.parse(str(native / "instagram-graph.linux-x64-musl.node"))
        for lib in musl.dynamic_entries:
            if isinstance(lib, lief.ELF.DynamicEntryLibrary):
                lib.name = "libc.so"
        stub = t / "stub.node"
        musl.write(str(stub))
        expect(
            "zig's libc.so as the musl addon's NEEDED",
            inspect_addon(stub, "linux-x64-musl"),
            "dependencies",
        )

        elf = lief.ELF.parse(str(gnu))
        entry = next(s for s in elf.dynamic_symbols if s.name == "napi_register_module_v1")
        elf.add_exported_function(entry.value, "_RNvCs1234567_4core9internals")
        rust = t / "rust.node"
        elf.write(str(rust))
        expect(
            "Rust symbol exported by the gnu addon",
            inspect_addon(rust, "linux-x64-gnu"),
            "exports",
        )

        mac = native / "instagram-graph.darwin-arm64.node"
        macho = lief.MachO.parse(str(mac)).at(0)
        for cmd in macho.commands:
            if cmd.command == lief.MachO.LoadCommand.TYPE.ID_DYLIB:
                cmd.name = "/Users/ci/build/target/release/deps/libinstagram_graph_node.dylib"
        named = t / "named.node"
        macho.write(str(named))
        expect(
            "build path as the Mach-O install name",
            inspect_addon(named, "darwin-arm64"),
            "install name",
        )

        data = bytearray(mac.read_bytes())
        data[0x8000] ^= 0xFF  # inside __TEXT, covered by the signature's page hashes
        signed = t / "resigned.node"
        signed.write_bytes(bytes(data))
        expect(
            "arm64 Mach-O changed after signing",
            inspect_addon(signed, "darwin-arm64"),
            "code signature",
        )

        whl = next(iter(sorted(dist.glob("*-musllinux_1_2_x86_64.whl"))), None)
        if whl is None:
            print("    FAIL  no musllinux x86_64 wheel in DIST to mutate")
            return 1
        fake = t / whl.name
        with zipfile.ZipFile(whl) as src, zipfile.ZipFile(fake, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                body = src.read(item)
                if item.filename.endswith(".dist-info/WHEEL"):
                    body = body.replace(b"musllinux_1_2_x86_64", b"manylinux_2_17_x86_64")
                dst.writestr(item, body)
        out = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("static.py")), "wheels", str(t)],
            check=False,
            capture_output=True,
            text=True,
        ).stdout
        results = [
            (line[10:35].strip(), line.startswith("    ok"), line[35:].rstrip())
            for line in io.StringIO(out)
            if line.startswith(("    ok", "    FAIL"))
        ]
        expect("WHEEL tag rewritten in a wheel", results, "WHEEL tags == file name")
        expect("the same wheel's RECORD", results, "RECORD hashes")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
