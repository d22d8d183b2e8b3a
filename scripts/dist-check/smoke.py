"""Smoke test of an installed wheel on one platform's Python (native venv, or qemu arm64).

    python smoke.py EXPECTED_DIR EXPECTED_MACHINE

Imports instagram_graph, checks that its native module was loaded from EXPECTED_DIR (the wheel's
install, not a development build) and runs on EXPECTED_MACHINE (x86_64, aarch64), starts the
sandbox (inside the native module), pages through the demo account's media with
Client.paginate and compares the count with what the sandbox says it serves, and takes one
typed-error path. The last line is "SMOKE PASS" or "SMOKE FAIL"; exit code 0 only on PASS.
Tokens and the app secret are never printed.
"""

from __future__ import annotations

import math
import os
import platform
import re
import sys
import time

failed = 0


def check(what: str, ok: bool, detail: str) -> None:
    global failed
    if not ok:
        failed += 1
    print(f"  {'ok  ' if ok else 'FAIL'}  {what:<22} {detail}", flush=True)


def ms(t0: float) -> str:
    return f"{(time.perf_counter() - t0) * 1000:.0f} ms"


def main() -> None:
    expected_dir, machine = os.path.realpath(sys.argv[1]), sys.argv[2]
    print(f"smoke: python {platform.python_version()} {sys.platform}-{platform.machine()}", flush=True)
    check("runtime machine", platform.machine() == machine, f"{platform.machine()}, want {machine}")

    t0 = time.perf_counter()
    import instagram_graph as ig
    from instagram_graph import _native

    where = os.path.realpath(_native.__file__)
    check("import", where.startswith(expected_dir + os.sep), f"instagram_graph {ig.__version__}, _native from {where} ({ms(t0)})")

    media_count, page_size = 53, 10  # no default gives 53: a match means the whole feed was walked
    t0 = time.perf_counter()
    with ig.sandbox.start(media_count=media_count, seed=7) as sb:
        print(f"  sandbox started at {sb.url} ({ms(t0)})", flush=True)
        client = ig.Client(sb.access_token, base_url=sb.url)
        me = client.call("user.get", {"ig_user_id": sb.ig_user_id, "fields": "id,username,media_count"})
        check(
            "sandbox media_count",
            me["media_count"] == media_count,
            f"user.get says {me['media_count']}, started with {media_count}",
        )

        t0 = time.perf_counter()
        ids = [
            m["id"]
            for m in client.paginate("media.list", {"ig_user_id": sb.ig_user_id, "limit": page_size, "fields": "id,media_type"})
        ]
        check(
            "paginate media.list",
            len(ids) == me["media_count"] == len(set(ids)),
            f"{len(ids)} items, {len(set(ids))} distinct, sandbox serves {me['media_count']} ({ms(t0)})",
        )

        served = sum(
            v if isinstance(v, int) else v.get("requests", 0)
            for k, v in sb.stats().get("by_endpoint", {}).items()
            if re.fullmatch(r"GET \S*/media", k)
        )
        want = math.ceil(media_count / page_size)
        check("pages served", served == want, f"sandbox served {served} media pages, want {want} of {page_size}")

        bad = ig.Client("IGAAnot-a-valid-token-for-the-smoke-test", base_url=sb.url)
        try:
            bad.call("user.get", {"ig_user_id": sb.ig_user_id})
            check("typed error", False, "a bad token was accepted")
        except ig.AuthError as e:
            leaked = "not-a-valid-token" in str(e) or "not-a-valid-token" in repr(e)
            check(
                "typed error",
                e.kind == "auth" and e.code == 190 and not leaked,
                f"{type(e).__name__} kind={e.kind} code={e.code} http={e.http_status}{' (quotes the token!)' if leaked else ''}",
            )
        try:
            client.call("media.list", {"ig_user_id": sb.ig_user_id, "limit": "ten"})
            check("invalid params", False, 'limit "ten" was accepted')
        except ig.InvalidParamsError as e:
            check("invalid params", "params.limit" in str(e), f"{type(e).__name__}: {str(e)[:80]}")
    print("  sandbox stopped", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - any escape is a failure, reported on one line
        check("unexpected error", False, f"{type(e).__name__}: {e}")
    print(f"SMOKE FAIL ({failed} failed)" if failed else "SMOKE PASS", flush=True)
    sys.exit(1 if failed else 0)
