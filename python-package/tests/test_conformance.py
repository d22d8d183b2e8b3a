"""Catalogue-driven conformance: every operation of ``operations()`` against the sandbox, with
the cases of ``fixtures/conformance/operations.json`` (format: its README.md) plus the invalid
cases derived from each operation's params schema. Same file and rules as the Rust and Node
suites; every case runs through the blocking ``Client`` and the ``AsyncClient``."""

from __future__ import annotations

import copy
import http.server
import json
import re
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from support import FIXTURES

import instagram_graph as ig

#: A well-formed id for placeholders the sandbox cannot fill (invalid cases send nothing).
DUMMY_ID = "17841400000000099"
LOGINS = ("instagram", "facebook")

FIXTURE: dict[str, Any] = json.loads(
    (FIXTURES / "conformance" / "operations.json").read_text("utf-8")
)
ENTRIES: dict[str, Any] = FIXTURE["operations"]
CATALOGUE: dict[str, dict[str, Any]] = {op["id"]: op for op in ig.operations()}
PENDING = [i for i in ENTRIES if i not in CATALOGUE]
ACTIVE = [(i, e, CATALOGUE[i]) for i, e in ENTRIES.items() if i in CATALOGUE]
MODES = ("sync", "async")


class Missing(Exception):
    """A placeholder the sandbox info has no value for."""


def short(v: Any, n: int = 300) -> str:
    s = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[:n] + "…"


def lookup(ctx: Any, path: str) -> Any:
    cur = ctx
    for seg in path.split("."):
        if isinstance(cur, dict):
            cur = cur.get(seg)
        elif isinstance(cur, list) and seg.isdigit() and int(seg) < len(cur):
            cur = cur[int(seg)]
        else:
            return None
    return cur


def resolve(v: Any, ctx: Any, dummy: bool) -> Any:
    """Resolve placeholders (README "Placeholders"); ``dummy``: a missing one becomes DUMMY_ID."""

    def missing(name: str) -> Any:
        if dummy:
            return DUMMY_ID
        raise Missing(name)

    if isinstance(v, str):
        if v.startswith("$") and not v.startswith("${"):
            x = lookup(ctx, v[1:])
            return missing(v) if x is None else x

        def sub(m: re.Match[str]) -> str:
            x = lookup(ctx, m.group(1))
            if x is None:
                return str(missing("${" + m.group(1) + "}"))
            return x if isinstance(x, str) else json.dumps(x)

        return re.sub(r"\$\{([^}]*)\}", sub, v)
    if isinstance(v, list):
        return [resolve(x, ctx, dummy) for x in v]
    if isinstance(v, dict):
        if "$repeat" in v:
            item = resolve(v["$repeat"], ctx, dummy)
            if v.get("as") == "array":
                return [copy.deepcopy(item) for _ in range(v["count"])]
            return item * v["count"]
        return {k: resolve(x, ctx, dummy) for k, x in v.items()}
    return v


def admin(url: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{url}{path}", data=data, method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def requests(url: str) -> int:
    n = admin(url, "GET", "/_sandbox/stats")["requests"]
    assert isinstance(n, int)
    return n


class Env:
    """A sandbox, its info (``GET /_sandbox/info``) and clients of either flavour."""

    def __init__(self) -> None:
        self.sb = ig.sandbox.start()
        self.url = self.sb.url
        self.info: dict[str, Any] = admin(self.url, "GET", "/_sandbox/info")

    def options(self, login: str) -> tuple[str, dict[str, Any]]:
        token = self.info["facebook_access_token" if login == "facebook" else "access_token"]
        return token, {
            "login": login,
            "base_url": self.url,
            "app_id": self.info["app_id"],
            "app_secret": self.info["app_secret"],
        }

    async def call(self, mode: str, login: str, op_id: str, params: Any) -> Any:
        token, options = self.options(login)
        if mode == "sync":
            with ig.Client(token, **options) as c:
                return c.call(op_id, params)
        async with ig.AsyncClient(token, **options) as ac:
            return await ac.call(op_id, params)

    def stop(self) -> None:
        self.sb.stop()


class Receiver:
    """A webhook receiver answering Meta's GET handshake when the verify token matches."""

    def __init__(self, verify: str) -> None:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                ok = q.get("hub.mode") == "subscribe" and q.get("hub.verify_token") == verify
                challenge = q.get("hub.challenge", "") if ok else ""
                self.send_response(200 if ok and challenge else 403)
                self.send_header("content-type", "text/plain")
                self.end_headers()
                self.wfile.write(challenge.encode())

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def names_path(message: str, path: str) -> bool:
    """Whether ``message`` names ``params.<path>`` (followed by a separator)."""
    return re.search(re.escape(f"params.{path}") + r"(?![A-Za-z0-9_])", message) is not None


def check_shape(case: dict[str, Any], ctx: Any, got: Any) -> list[str]:
    p: list[str] = []
    shape = case.get("shape")
    if shape == "page":
        # Nested paging (``at``): the page sits inside the answer.
        page = lookup(got, case["at"]) if case.get("at") else got
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            p.append(f"expected a page {{data, paging}}, got {short(got)}")
        else:
            for k in case.get("item_keys", []):
                bad = [
                    i
                    for i, it in enumerate(page["data"])
                    if not isinstance(it, dict) or k not in it
                ]
                if bad:
                    p.append(f"data[{bad[0]}] lacks {k}: {short(page['data'][bad[0]])}")
    elif shape == "null":
        if got is not None:
            p.append(f"expected null, got {short(got)}")
    elif isinstance(shape, list):
        if not isinstance(got, dict):
            p.append(f"expected an object, got {short(got)}")
        else:
            p += [f"answer lacks {k}: {short(got)}" for k in shape if k not in got]
    else:
        p.append(f"bad shape in the fixture: {shape!r}")
    for k, want in (case.get("same") or {}).items():
        try:
            w = resolve(want, ctx, False)
        except Missing:
            continue
        if not isinstance(got, dict) or got.get(k) != w:
            actual = got.get(k) if isinstance(got, dict) else None
            p.append(f"{k} = {short(actual)}, expected {short(w)}")
    return p


def case_logins(entry: dict[str, Any], case: dict[str, Any]) -> list[str]:
    return [case["login"]] if case.get("login") else list(entry["logins"])


async def run_case(
    mode: str, op_id: str, case: dict[str, Any], login: str
) -> tuple[str, str] | None:
    """One valid or rule case on a fresh sandbox: None (passed), ("skip", why) or ("fail", why)."""
    env = Env()
    hook = Receiver(case["callback"]["verify_token"]) if case.get("callback") else None
    try:
        ctx = {**env.info, "saved": {}}
        if hook is not None:
            ctx["callback_url"] = hook.url
        for need in case.get("requires", []):
            if lookup(ctx, need) is None:
                return ("skip", f"sandbox info lacks {need}")
        if case.get("clock"):
            admin(env.url, "POST", "/_sandbox/clock", {"advance_seconds": case["clock"]})
        try:
            for step in case.get("before", []):
                if step.get("admin"):
                    body = resolve(step.get("body", {}), ctx, False)
                    answer = admin(env.url, "POST", step["admin"], body)
                    if step.get("save"):
                        ctx["saved"][step["save"]] = answer
                    continue
                try:
                    v = await env.call(mode, login, step["op"], resolve(step["params"], ctx, False))
                except ig.errors.InstagramError as e:
                    return ("fail", f"before-step {step['op']} failed: {e.kind} {e}")
                if step.get("save"):
                    ctx["saved"][step["save"]] = v
            params = resolve(case["params"], ctx, False)
        except Missing as m:
            if "saved." in str(m):
                return ("fail", f"{m}: not in the before-step's answer")
            return ("skip", f"sandbox info lacks {m}")
        before = requests(env.url)
        got: Any = None
        err: Exception | None = None
        try:
            got = await env.call(mode, login, op_id, params)
        except Exception as e:
            err = e
        sent = requests(env.url) - before
        want = case.get("expect_error")
        if want is not None:
            kinds = want["kind"] if isinstance(want["kind"], list) else [want["kind"]]
            if err is None:
                expected = "|".join(kinds)
                return ("fail", f"succeeded, expected an error of kind {expected}: {short(got)}")
            if not isinstance(err, ig.errors.InstagramError):
                return ("fail", f"not an InstagramError: {err!r}")
            if err.kind not in kinds:
                return ("fail", f"error kind {err.kind}, expected {'|'.join(kinds)}: {err}")
            return None
        if err is not None:
            return ("fail", f"failed: {getattr(err, 'kind', type(err).__name__)} {err}")
        p = check_shape(case, ctx, got)
        if "requests" in case and sent != case["requests"]:
            p.append(f"{sent} HTTP requests, expected {case['requests']}")
        return ("fail", "; ".join(p)) if p else None
    finally:
        if hook is not None:
            hook.close()
        env.stop()


async def run_all(mode: str, section: str) -> None:
    failures: list[str] = []
    skipped: list[str] = []
    passed = 0
    for op_id, entry, op in ACTIVE:
        if section == "valid":
            if entry.get("valid_skip"):
                skipped.append(f"{op_id}: {entry['valid_skip']}")
                continue
            if not entry.get("valid"):
                failures.append(f"{op_id}: no valid case (add one or a valid_skip reason)")
                continue
        for i, case in enumerate(entry.get(section, [])):
            for login in case_logins(entry, case):
                name = f' "{case["name"]}"' if case.get("name") else ""
                label = f"{op_id} {section}[{i}]{name} ({login}, {mode})"
                if login not in op["logins"]:
                    failures.append(
                        f"{label}: the catalogue does not offer this login ({op['logins']})"
                    )
                    continue
                r = await run_case(mode, op_id, case, login)
                if r is None:
                    passed += 1
                elif r[0] == "skip":
                    skipped.append(f"{label}: {r[1]}")
                else:
                    failures.append(f"{label}: {r[1]}")
    counts = f"{passed} passed, {len(skipped)} skipped, {len(failures)} failed"
    print(f"conformance {section} ({mode}): {counts}")
    for s in skipped:
        print(f"  skipped {s}")
    assert not failures, f"conformance {section} failures:\n" + "\n".join(failures)


def base_params(entry: dict[str, Any], op: dict[str, Any], login: str, ctx: Any) -> dict[str, Any]:
    """Base params of an operation for a flavour (README): placeholders filled with dummies."""
    cases = [c for c in entry.get("valid", []) if not c.get("login") or c["login"] == login]
    cases.sort(key=lambda c: len(c.get("params") or {}))
    raw = cases[0]["params"] if cases else entry.get("base", {})
    base = resolve(raw, ctx, True)
    props = op["params"].get("properties", {})
    return {k: v for k, v in base.items() if k in props}


def wrong_type(p: dict[str, Any]) -> Any:
    t = p.get("type")
    if t == "string":
        return 12345
    if t == "boolean":
        return "yes"
    if isinstance(t, str):
        return "not-a-value"
    return True  # ["integer","string"] timestamps


def derived_invalid(
    op: dict[str, Any], base: dict[str, Any], login: str
) -> list[tuple[dict[str, Any], str, str]]:
    """The generic invalid cases of the README: (params, path, what)."""
    props: dict[str, Any] = op["params"].get("properties", {})
    required = list(op["params"].get("required", []))
    required += [
        n for n, p in props.items() if p.get("x-required-with") == login and n not in required
    ]
    out: list[tuple[dict[str, Any], str, str]] = []
    for r in required:
        if r in base:
            out.append(({k: v for k, v in base.items() if k != r}, r, "missing required"))
    for name, p in props.items():
        out.append(({**base, name: wrong_type(p)}, name, "wrong JSON type"))
        if p.get("type") == "integer":
            if isinstance(p.get("minimum"), int):
                out.append(({**base, name: p["minimum"] - 1}, name, "below minimum"))
            if isinstance(p.get("maximum"), int):
                out.append(({**base, name: p["maximum"] + 1}, name, "above maximum"))
    # A param of the other flavour only (x-login) is refused, naming it.
    for name, p in props.items():
        if p.get("x-login") and p["x-login"] != login:
            t = p.get("type")
            v: Any = True if t == "boolean" else 1 if t in ("integer", "number") else DUMMY_ID
            out.append(({**base, name: v}, name, "other flavour's param"))
    out.append(({**base, "zz_unknown": 1}, "zz_unknown", "unknown key"))
    return out


@pytest.fixture
def env() -> Iterator[Env]:
    e = Env()
    try:
        yield e
    finally:
        e.stop()


def test_every_catalogue_operation_has_cases() -> None:
    if PENDING:
        pending = ", ".join(PENDING)
        print(f"conformance: not in the catalogue yet, skipped ({len(PENDING)}): {pending}")
    missing = [i for i in CATALOGUE if i not in ENTRIES]
    assert not missing, f"operations without cases in fixtures/conformance: {missing}"
    for op_id, entry in ENTRIES.items():
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", op_id), op_id
        assert entry["logins"], op_id
        assert all(lg in LOGINS for lg in entry["logins"]), op_id
        op = CATALOGUE.get(op_id)
        if op is not None:
            assert all(lg in op["logins"] for lg in entry["logins"]), (
                f"{op_id}: {entry['logins']} vs {op['logins']}"
            )


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", MODES)
async def test_valid_cases_succeed_with_the_expected_shape(mode: str) -> None:
    await run_all(mode, "valid")


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", MODES)
async def test_rules_fail_with_their_kind(mode: str) -> None:
    await run_all(mode, "rules")


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", MODES)
async def test_invalid_params_are_refused_before_any_request(mode: str, env: Env) -> None:
    ctx = {**env.info, "saved": {}}
    failures: list[str] = []
    checked = 0
    for op_id, entry, op in ACTIVE:
        for login in entry["logins"]:
            if login not in op["logins"]:
                continue
            base = base_params(entry, op, login, ctx)
            cases = derived_invalid(op, base, login)
            for case in entry.get("invalid", []):
                if case.get("login") and case["login"] != login:
                    continue
                cases.append(
                    (
                        {**base, **resolve(case["params"], ctx, True)},
                        case["path"],
                        "from the fixture",
                    )
                )
            for params, path, what in cases:
                checked += 1
                label = f"{op_id} ({login}, {mode}) {what} {path}"
                before = requests(env.url)
                try:
                    got = await env.call(mode, login, op_id, params)
                    failures.append(
                        f"{label}: succeeded with {short(params, 200)}: {short(got, 200)}"
                    )
                except ig.errors.InvalidParamsError as e:
                    if e.kind != "invalid_params":
                        failures.append(f"{label}: kind {e.kind}, expected invalid_params")
                    elif not names_path(str(e), path):
                        failures.append(f"{label}: message does not name params.{path}: {e}")
                except Exception as e:
                    failures.append(f"{label}: {type(e).__name__} {e}, expected InvalidParamsError")
                sent = requests(env.url) - before
                if sent:
                    failures.append(f"{label}: {sent} HTTP request(s), expected none")
    print(f"conformance invalid ({mode}): {checked} cases, {len(failures)} failed")
    assert not failures, "conformance invalid failures:\n" + "\n".join(failures)


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", MODES)
async def test_one_flavour_operations_are_unsupported_on_the_other(mode: str, env: Env) -> None:
    ctx = {**env.info, "saved": {}}
    failures: list[str] = []
    for op_id, entry, op in ACTIVE:
        if len(op["logins"]) != 1:
            continue
        other = "instagram" if op["logins"][0] == "facebook" else "facebook"
        params = base_params(entry, op, op["logins"][0], ctx)
        before = requests(env.url)
        try:
            await env.call(mode, other, op_id, params)
            failures.append(f"{op_id} on {other}: succeeded")
        except ig.errors.UnsupportedError as e:
            if op_id not in str(e):
                failures.append(f"{op_id} on {other}: message does not name the operation: {e}")
        except Exception as e:
            failures.append(
                f"{op_id} on {other}: {type(e).__name__} {e}, expected UnsupportedError"
            )
        if requests(env.url) - before:
            failures.append(f"{op_id} on {other}: HTTP requests sent, expected none")
    assert not failures, "\n".join(failures)
