"""The blocking Client against a real sandbox, through the public API only."""

from __future__ import annotations

import datetime as dt
import inspect
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from support import MEDIA_COUNT, media_requests, request_count

import instagram_graph as ig


def test_user_get_returns_the_demo_profile(client: ig.Client, sb: ig.sandbox.Sandbox) -> None:
    me = client.user.get()
    assert me["user_id"] == sb.ig_user_id
    assert me["username"]
    assert me["media_count"] == MEDIA_COUNT
    assert isinstance(me["followers_count"], int)
    # The same through the generic entry point, with an explicit id and fields.
    by_id = client.call("user.get", {"ig_user_id": sb.ig_user_id, "fields": "id,username"})
    assert by_id == {"id": sb.ig_user_id, "username": me["username"]}


def test_media_list_returns_one_page_with_a_credential_free_next_link(
    client: ig.Client, sb: ig.sandbox.Sandbox
) -> None:
    page = client.call("media.list", {"ig_user_id": sb.ig_user_id, "limit": 10})
    assert len(page["data"]) == 10
    assert all({"id", "media_type", "timestamp"} <= set(m) for m in page["data"])
    nxt = page["paging"]["next"]
    assert nxt.startswith(sb.url)
    assert "access_token" not in nxt
    assert "appsecret_proof" not in nxt
    assert sb.access_token not in nxt
    assert page["paging"]["cursors"]["after"]


def test_paginate_walks_every_media_once_with_the_largest_pages(
    client: ig.Client, sb: ig.sandbox.Sandbox
) -> None:
    before = media_requests(sb.url)
    items = list(client.paginate("media.list", {"ig_user_id": sb.ig_user_id}))
    ids = [m["id"] for m in items]
    assert len(ids) == MEDIA_COUNT
    assert len(set(ids)) == MEDIA_COUNT
    # Without `limit`, pages use the edge's maximum (100): 137 media take two requests.
    assert media_requests(sb.url) - before == 2


def test_paginate_with_an_explicit_page_size_and_stops_at_the_end(
    client: ig.Client, sb: ig.sandbox.Sandbox
) -> None:
    before = media_requests(sb.url)
    walk = client.paginate("media.list", {"ig_user_id": sb.ig_user_id, "limit": 25})
    ids = [m["id"] for m in walk]
    assert len(ids) == MEDIA_COUNT == len(set(ids))
    assert media_requests(sb.url) - before == 6  # ceil(137 / 25)
    # The walk is over: no more items and no more requests.
    assert next(walk, None) is None
    assert media_requests(sb.url) - before == 6


def test_paginate_is_newest_first_and_matches_the_single_pages(
    client: ig.Client, sb: ig.sandbox.Sandbox
) -> None:
    first_page = client.media.list(ig_user_id=sb.ig_user_id, limit=30)["data"]
    walked = list(client.paginate("media.list", {"ig_user_id": sb.ig_user_id}, max_items=30))
    assert [m["id"] for m in walked] == [m["id"] for m in first_page]
    stamps = [m["timestamp"] for m in walked]
    assert stamps == sorted(stamps, reverse=True)


@pytest.mark.parametrize(
    ("max_items", "limit", "expected_items", "expected_requests"),
    [
        (30, None, 30, 1),  # the first page asks for just 30
        (130, 50, 130, 3),
        (500, None, MEDIA_COUNT, 2),
        (0, None, 0, 0),
    ],
)
def test_max_items_bounds_the_walk(
    client: ig.Client,
    sb: ig.sandbox.Sandbox,
    max_items: int,
    limit: int | None,
    expected_items: int,
    expected_requests: int,
) -> None:
    before = media_requests(sb.url)
    params = {"ig_user_id": sb.ig_user_id, "limit": limit}
    items = list(client.paginate("media.list", params, max_items=max_items))
    assert len(items) == expected_items
    assert len({m["id"] for m in items}) == expected_items
    assert media_requests(sb.url) - before == expected_requests


def test_generated_methods_match_call_and_carry_docs(
    client: ig.Client, sb: ig.sandbox.Sandbox
) -> None:
    page = client.media.list(ig_user_id=sb.ig_user_id, limit=5)
    assert page == client.call("media.list", {"ig_user_id": sb.ig_user_id, "limit": 5})
    media_id = page["data"][0]["id"]
    one = client.media.get(media_id=media_id, fields="id,media_type,comments_count")
    assert one["id"] == media_id
    assert set(one) <= {"id", "media_type", "comments_count"}
    comments = client.comments.list(media_id=media_id, limit=3)
    assert len(comments["data"]) <= 3
    # Docstrings and keyword-only typed signatures come from the catalogue.
    doc = inspect.getdoc(client.media.list) or ""
    assert "List the account's media" in doc
    assert "limit:" in doc
    assert "GET /{ig_user_id}/media" in doc
    sig = inspect.signature(client.media.list)
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in sig.parameters.values())
    assert sig.parameters["limit"].default is None
    assert inspect.signature(client.media.get).parameters["media_id"].default is (
        inspect.Parameter.empty
    )


def test_timestamps_accept_datetimes_dates_and_strings(
    client: ig.Client, sb: ig.sandbox.Sandbox
) -> None:
    items = list(client.paginate("media.list", {"ig_user_id": sb.ig_user_id}))
    newest = dt.datetime.strptime(items[0]["timestamp"], "%Y-%m-%dT%H:%M:%S%z")
    cut = newest - dt.timedelta(days=10)
    expected = {
        m["id"] for m in items if dt.datetime.strptime(m["timestamp"], "%Y-%m-%dT%H:%M:%S%z") >= cut
    }
    assert 0 < len(expected) < len(items)
    by_aware = client.media.list(ig_user_id=sb.ig_user_id, since=cut, limit=100)
    by_naive = client.media.list(
        ig_user_id=sb.ig_user_id,
        since=cut.astimezone(dt.timezone.utc).replace(tzinfo=None),
        limit=100,
    )
    by_int = client.media.list(ig_user_id=sb.ig_user_id, since=int(cut.timestamp()), limit=100)
    for page in (by_aware, by_naive, by_int):
        assert {m["id"] for m in page["data"]} == expected
    by_date = client.media.list(ig_user_id=sb.ig_user_id, since=cut.date(), limit=100)
    by_str = client.media.list(ig_user_id=sb.ig_user_id, since=cut.date().isoformat(), limit=100)
    assert by_date == by_str
    assert expected <= {m["id"] for m in by_date["data"]}


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda c, uid: c.media.list(ig_user_id=uid, limit=1000), "params.limit"),
        (lambda c, uid: c.media.list(ig_user_id=uid, limit=0), "params.limit"),
        (lambda c, uid: c.call("media.list", {"ig_user_id": uid, "limit": "x"}), "params.limit"),
        (lambda c, uid: c.call("media.list", {"ig_user_id": uid, "limt": 5}), "params.limt"),
        (lambda c, uid: c.call("media.get", {}), "params.media_id"),
        (lambda c, uid: c.media.get(media_id="../me"), "params.media_id"),
        (lambda c, uid: c.call("media.list", {"since": object()}), "params"),
        (
            lambda c, uid: c.paginate("media.list", {"ig_user_id": uid, "limit": 101}),
            "params.limit",
        ),
        (lambda c, uid: c.paginate("media.list", max_items=-1), "max_items"),
    ],
)
def test_invalid_params_raise_before_any_request(
    client: ig.Client, sb: ig.sandbox.Sandbox, call: object, path: str
) -> None:
    before = request_count(sb.url)
    assert callable(call)
    with pytest.raises(ig.InvalidParamsError) as info:
        call(client, sb.ig_user_id)
    err = info.value
    assert f"{path}" in err.message
    assert err.kind == "invalid_params"
    assert err.http_status is None
    assert isinstance(err, ValueError)
    assert request_count(sb.url) == before


def test_wrong_token_raises_auth_error_without_leaking_it(sb: ig.sandbox.Sandbox) -> None:
    token = "EAAwrongTOKEN0123456789secret"
    with ig.Client(token, base_url=sb.url) as bad:
        with pytest.raises(ig.AuthError) as info:
            bad.user.get()
        assert token not in repr(bad)
    err = info.value
    assert isinstance(err, ig.errors.ApiError)
    assert isinstance(err, ig.InstagramError)
    assert err.kind == "auth"
    assert err.code == 190
    assert err.http_status == 400
    assert err.error_type == "OAuthException"
    assert err.fbtrace_id
    assert err.is_transient is False
    for text in (str(err), repr(err), repr(err.args), str(err.to_dict())):
        assert token not in text


def test_unknown_operation_and_paginating_a_single_object_are_unsupported(
    client: ig.Client, sb: ig.sandbox.Sandbox
) -> None:
    before = request_count(sb.url)
    with pytest.raises(ig.UnsupportedError, match=r"nope\.nope") as info:
        client.call("nope.nope", {})
    assert info.value.kind == "unsupported"
    with pytest.raises(ig.UnsupportedError, match="not paginated"):
        client.paginate("user.get")
    assert request_count(sb.url) == before


def test_missing_object_is_not_found(client: ig.Client) -> None:
    with pytest.raises(ig.NotFoundError) as info:
        client.media.get(media_id="17999999999999999")
    assert info.value.code == 100
    assert info.value.error_subcode == 33


def test_appsecret_proof_is_sent_when_the_app_secret_is_set() -> None:
    with ig.sandbox.start(require_appsecret_proof=True, media_count=3) as strict:
        without = ig.Client(strict.access_token, base_url=strict.url)
        with pytest.raises(ig.InstagramError, match="appsecret_proof") as info:
            without.user.get()
        assert strict.app_secret not in repr(info.value)
        with_secret = ig.Client(
            strict.access_token, base_url=strict.url, app_secret=strict.app_secret
        )
        assert with_secret.user.get(fields="user_id")["user_id"] == strict.ig_user_id
        assert strict.app_secret not in repr(with_secret)


def test_unreachable_host_is_a_transport_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens on the port any more: the connection is refused.
    client = ig.Client("T0KEN", base_url=f"http://127.0.0.1:{port}", max_retries=0, timeout=5)
    with pytest.raises(ig.TransportError) as info:
        client.user.get()
    assert info.value.kind == "transport"
    assert info.value.http_status is None
    assert "T0KEN" not in str(info.value)


def test_the_gil_is_released_while_a_call_waits() -> None:
    with ig.sandbox.start(latency_ms=300, media_count=3) as slow:
        client = slow.client()
        ticks: list[float] = []
        stop = threading.Event()

        def count() -> None:
            while not stop.is_set():
                ticks.append(time.monotonic())
                time.sleep(0.002)

        counter = threading.Thread(target=count)
        counter.start()
        try:
            time.sleep(0.02)
            start = time.monotonic()
            client.user.get(fields="id")
            end = time.monotonic()
        finally:
            stop.set()
            counter.join()
    during = [t for t in ticks if start < t < end]
    # The sandbox holds the answer 300 ms; with the GIL held the counter could not tick at all.
    assert end - start >= 0.3
    assert len(during) >= 5


def test_a_client_is_shared_across_threads(client: ig.Client, sb: ig.sandbox.Sandbox) -> None:
    results: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(client.user.get(fields="user_id")["user_id"])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [sb.ig_user_id] * 8


def test_reprs_never_show_secrets(sb: ig.sandbox.Sandbox) -> None:
    client = ig.Client(sb.access_token, base_url=sb.url, app_secret=sb.app_secret)
    for text in (repr(client), repr(sb), str(client)):
        assert sb.access_token not in text
        assert sb.app_secret not in text
    assert "base_url" in repr(client)


def test_client_options_and_config_errors(sb: ig.sandbox.Sandbox) -> None:
    client = ig.Client(
        sb.access_token, login="facebook", api_version="24", base_url=sb.url + "/", timeout=2.5
    )
    assert client.login == "facebook"
    assert client.api_version == "v24.0"
    assert client.base_url == sb.url
    # Facebook Login has no `me` default: the IG user id is required, before any request.
    with pytest.raises(ig.InvalidParamsError, match=r"params\.ig_user_id"):
        client.media.list()
    assert client.user.get(ig_user_id=sb.ig_user_id, fields="id")["id"] == sb.ig_user_id
    bad_options: list[dict[str, object]] = [
        {"login": "myspace"},
        {"timeout": 0},
        {"max_retries": -1},
        {"base_url": "ftp://example.com"},
        {"api_version": "latest"},
    ]
    for bad in bad_options:
        with pytest.raises(ig.InvalidParamsError, match="client config") as info:
            ig.Client("SECRET-TOKEN-VALUE", **bad)  # type: ignore[arg-type]
        assert "SECRET-TOKEN-VALUE" not in str(info.value)
    with pytest.raises(ig.InvalidParamsError, match="access_token"):
        ig.Client("")


def test_context_manager_closes_the_client(sb: ig.sandbox.Sandbox) -> None:
    with ig.Client(sb.access_token, base_url=sb.url) as client:
        open_before = not client.closed
        client.user.get(fields="id")
    assert open_before
    assert client.closed
    assert "closed" in repr(client)
    with pytest.raises(RuntimeError, match="closed"):
        client.user.get()


def test_usage_headers_are_read(client: ig.Client) -> None:
    before = client.usage
    client.user.get(fields="id")
    usage = client.usage
    assert before is None
    assert usage is not None
    assert "app" in usage
    assert "business" in usage


def test_operations_catalogue() -> None:
    ops = ig.operations()
    ids = [op["id"] for op in ops]
    assert {"user.get", "media.list", "media.get", "comments.list"} <= set(ids)
    assert tuple(ids) == ig.OPERATION_IDS
    media_list = next(op for op in ops if op["id"] == "media.list")
    assert media_list["paginated"] is True
    assert media_list["params"]["properties"]["limit"]["maximum"] == 100
    assert set(media_list["logins"]) == {"facebook", "instagram"}


def test_sandbox_lifecycle() -> None:
    sb = ig.sandbox.start(seed=3, media_count=5)
    try:
        was_running = sb.running
        assert sb.url.startswith("http://127.0.0.1:")
        assert sb.ig_user_id.startswith("1784")
        assert sb.info["ig_user_id"] == sb.ig_user_id
        client = sb.client(max_retries=0, timeout=5)
        assert client.user.get()["media_count"] == 5
        assert sb.stats()["requests"] == 1
        sb.reset()
    finally:
        sb.stop()
    sb.stop()  # idempotent
    assert was_running
    assert not sb.running
    with pytest.raises(ig.TransportError):
        client.user.get()
    # Same seed, same data.
    with ig.sandbox.start(seed=3, media_count=5) as again:
        assert again.access_token == sb.access_token
        assert again.ig_user_id == sb.ig_user_id
    with pytest.raises(ig.InvalidParamsError, match="media_count"):
        ig.sandbox.start(media_count=0)


def test_ctrl_c_interrupts_a_blocking_call() -> None:
    child = textwrap.dedent(
        """
        import signal, sys, time
        import instagram_graph as ig
        # A terminal's Ctrl-C: Python keeps SIGINT ignored when started from a background job
        # (CI shells, nohup), so install the handler an interactive interpreter has.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        with ig.sandbox.start(latency_ms=20000, media_count=1) as sb:
            client = sb.client(max_retries=0)
            print("calling", flush=True)
            started = time.monotonic()
            try:
                client.user.get()
            except KeyboardInterrupt:
                print(f"interrupted after {time.monotonic() - started:.1f}s", flush=True)
                sys.exit(0)
            sys.exit(1)
        """
    )
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", child], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "calling"
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        # Without the signal check the call would sit out the sandbox's 20 s latency.
        out, _ = proc.communicate(timeout=15)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert out.startswith("interrupted after")


def test_interpreter_exit_after_cancelled_calls_is_silent() -> None:
    # Calls in flight when asyncio.run() cancels them on its way out, then the interpreter
    # exits at once: the Rust side finishes them while Python shuts down. It must neither
    # panic ("The Python interpreter is not initialized") nor print "Task was destroyed".
    child = textwrap.dedent(
        """
        import asyncio
        import instagram_graph as ig

        sb = ig.sandbox.start(latency_ms=5000, media_count=3)

        async def main():
            client = sb.async_client()
            tasks = [asyncio.create_task(client.user.get()) for _ in range(8)]
            walk = client.paginate("media.list")
            tasks.append(asyncio.ensure_future(walk.__anext__()))
            await asyncio.sleep(0.2)
            for t in tasks[:4]:
                t.cancel()
            await asyncio.sleep(0.05)
            # the others are still in flight: asyncio.run cancels them

        asyncio.run(main())
        print("exiting", flush=True)
        """
    )
    for _ in range(3):
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", child], capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout == "exiting\n"
        assert done.stderr == ""
