"""Call options and client lifecycle: progress, call_detailed, the reliability policy
keywords, the API version and its warning, close() and paginators, null params, odd input
(lone surrogates, huge max_items) and reprs without secrets."""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import warnings
from typing import Any

import pytest
from support import MEDIA_COUNT, request_count

import instagram_graph as ig


def proof(sb: ig.sandbox.Sandbox) -> str:
    """Meta's appsecret_proof of the sandbox token: HMAC-SHA256(app secret, token), hex."""
    return hmac.new(sb.app_secret.encode(), sb.access_token.encode(), hashlib.sha256).hexdigest()


# --- progress --------------------------------------------------------------------------------


def test_paginate_reports_progress_per_page_on_the_calling_thread(
    sb: ig.sandbox.Sandbox,
) -> None:
    client = sb.client()
    reports: list[ig.Progress] = []
    threads: set[int] = set()

    def on_progress(p: ig.Progress) -> None:
        reports.append(p)
        threads.add(threading.get_ident())

    items = list(client.paginate("media.list", {"limit": 50}, max_items=120, progress=on_progress))
    assert len(items) == 120
    assert [r["step"] for r in reports] == ["page", "page", "page"]
    assert [r["done"] for r in reports] == [50, 100, 120]
    assert all(r["op"] == "media.list" and r["total"] == 120 for r in reports)
    assert all(isinstance(r["message"], str) and r["message"] for r in reports)
    assert threads == {threading.get_ident()}


def test_a_raising_progress_callback_is_logged_and_the_walk_goes_on(
    sb: ig.sandbox.Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    client = sb.client()
    calls = 0

    def broken(_: ig.Progress) -> None:
        nonlocal calls
        calls += 1
        raise ValueError("progress bar exploded")

    with caplog.at_level(logging.ERROR, logger="instagram_graph"):
        items = list(client.paginate("media.list", {"limit": 100}, progress=broken))
    assert len(items) == MEDIA_COUNT
    assert calls == 2
    assert "progress callback" in caplog.text
    assert "progress bar exploded" in caplog.text


def test_call_accepts_progress_and_checks_it(sb: ig.sandbox.Sandbox) -> None:
    client = sb.client()
    reports: list[ig.Progress] = []
    # A single request has no steps to report (flows do); the option is accepted all the same.
    me = client.call("user.get", {"fields": "user_id"}, progress=reports.append)
    assert me["user_id"] == sb.ig_user_id
    assert reports == []
    with pytest.raises(ig.InvalidParamsError, match="progress"):
        client.call("user.get", progress="not callable")  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_async_progress_runs_on_the_event_loop_thread(sb: ig.sandbox.Sandbox) -> None:
    client = sb.async_client()
    reports: list[tuple[int, int]] = []
    loop_thread = threading.get_ident()

    def on_progress(p: ig.Progress) -> None:
        reports.append((p["done"], threading.get_ident()))

    items = [m async for m in client.paginate("media.list", {"limit": 60}, progress=on_progress)]
    assert len(items) == MEDIA_COUNT
    assert [done for done, _ in reports] == [60, 120, MEDIA_COUNT]
    assert {t for _, t in reports} == {loop_thread}


# --- call_detailed ---------------------------------------------------------------------------


def test_call_detailed_reports_what_the_call_cost(sb: ig.sandbox.Sandbox) -> None:
    client = sb.client()
    before = request_count(sb.url)
    out = client.call_detailed("user.get", {"fields": "user_id"})
    # With Instagram Login Graph adds the app-scoped `id` to every answer; `user_id` is the account.
    assert set(out) == {"value", "report"}
    assert out["value"]["user_id"] == sb.ig_user_id
    assert out["report"] == {"requests": 1, "retries": 0, "waited_ms": 0}
    assert request_count(sb.url) - before == 1


@pytest.mark.asyncio
async def test_async_call_detailed(sb: ig.sandbox.Sandbox) -> None:
    client = sb.async_client()
    out = await client.call_detailed("media.list", {"limit": 2, "fields": "id"})
    assert len(out["value"]["data"]) == 2
    assert out["report"]["requests"] == 1


# --- reliability policy keywords -------------------------------------------------------------


def test_policy_keywords_are_accepted_and_checked(sb: ig.sandbox.Sandbox) -> None:
    client = ig.Client(
        sb.access_token,
        base_url=sb.url,
        retry=False,
        max_total_wait=5.5,
        high_water_mark=80,
        max_concurrency=2,
        app_id="1234567890",
    )
    assert client.user.get(fields="user_id")["user_id"] == sb.ig_user_id
    bad: list[tuple[dict[str, Any], str]] = [
        ({"retry": "yes"}, "retry"),
        ({"max_total_wait": -1}, "max_total_wait"),
        ({"max_total_wait": float("nan")}, "max_total_wait"),
        ({"high_water_mark": 0}, "high_water_mark"),
        ({"high_water_mark": 101}, "high_water_mark"),
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"max_concurrency": 1.5}, "max_concurrency"),
        ({"app_id": "not-a-number"}, "app_id"),
        ({"app_id": 42}, "app_id"),
    ]
    for options, key in bad:
        with pytest.raises(ig.InvalidParamsError, match=key) as info:
            ig.Client("SECRET-TOKEN-VALUE", **options)
        assert "SECRET-TOKEN-VALUE" not in str(info.value)


# --- API version -----------------------------------------------------------------------------


def test_default_api_version_and_no_warning(sb: ig.sandbox.Sandbox) -> None:
    assert ig.DEFAULT_API_VERSION == "v27.0"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = ig.Client(sb.access_token, base_url=sb.url)
    assert client.api_version == "v27.0"
    assert client.version_warning is None


def test_an_unknown_or_expired_version_warns_at_construction(sb: ig.sandbox.Sandbox) -> None:
    for version in ("v99.0", "v19.0"):
        with pytest.warns(ig.ApiVersionWarning, match=version.replace(".", r"\.")) as record:
            client = ig.Client(sb.access_token, base_url=sb.url, api_version=version)
        assert client.version_warning is not None
        assert version in client.version_warning
        assert issubclass(ig.ApiVersionWarning, UserWarning)
        # The warning points at the line that built the client.
        assert record[0].filename == __file__


# --- close() ---------------------------------------------------------------------------------


def test_close_also_stops_paginators_started_before(sb: ig.sandbox.Sandbox) -> None:
    client = sb.client()
    walk = client.paginate("media.list", {"limit": 5, "fields": "id"})
    first_page = [next(walk) for _ in range(5)]
    assert len(first_page) == 5
    client.close()
    client.close()  # idempotent
    before = request_count(sb.url)
    with pytest.raises(ig.ClientClosedError, match="closed") as info:
        next(walk)
    assert isinstance(info.value, RuntimeError)
    assert isinstance(info.value, ig.UnsupportedError)
    assert request_count(sb.url) == before, "a closed client sent a request"
    with pytest.raises(ig.ClientClosedError):
        client.call("user.get")
    with pytest.raises(ig.ClientClosedError):
        client.paginate("media.list")
    assert client.closed
    assert "closed" in repr(client)


@pytest.mark.asyncio
async def test_async_close_also_stops_paginators_started_before(sb: ig.sandbox.Sandbox) -> None:
    client = sb.async_client()
    walk = client.paginate("media.list", {"limit": 3, "fields": "id"})
    got = [await walk.__anext__() for _ in range(3)]
    assert len(got) == 3
    await client.aclose()
    with pytest.raises(ig.ClientClosedError):
        await walk.__anext__()
    with pytest.raises(RuntimeError, match="closed"):
        await client.user.get()


# --- null params -----------------------------------------------------------------------------


def test_none_params_mean_absent_in_python_and_in_the_core(sb: ig.sandbox.Sandbox) -> None:
    client = sb.client()
    plain = client.call("media.list", {"limit": 3, "fields": "id"})
    with_none = client.call(
        "media.list", {"limit": 3, "fields": "id", "since": None, "after": None}
    )
    assert with_none == plain
    # The same JSON null straight to the native client (what Node sends for `null`).
    raw = client._inner.call("media.list", '{"limit": 3, "fields": "id", "since": null}')
    assert ig._json.load(raw) == plain
    walked = list(client.paginate("media.list", {"fields": "id", "until": None}, max_items=3))
    assert walked == plain["data"]


# --- odd input -------------------------------------------------------------------------------


def test_lone_surrogates_are_invalid_params_naming_the_param(sb: ig.sandbox.Sandbox) -> None:
    client = sb.client()
    before = request_count(sb.url)
    with pytest.raises(ig.InvalidParamsError, match=r"user\.get: params\.fields: not valid"):
        client.call("user.get", {"fields": "id,\ud800"})
    with pytest.raises(ig.InvalidParamsError, match=r"params\.fields\[1\]"):
        client.call("user.get", {"fields": ["id", "\udc00"]})
    with pytest.raises(ig.InvalidParamsError, match=r"params"):
        client.call("user.get", {"\ud800": 1})
    with pytest.raises(ig.InvalidParamsError, match=r"params\.fields"):
        client.paginate("media.list", {"fields": "\ud800"})
    with pytest.raises(ig.InvalidParamsError, match="op_id"):
        client.call("user.get\ud800")
    assert request_count(sb.url) == before


@pytest.mark.asyncio
async def test_lone_surrogates_async(sb: ig.sandbox.Sandbox) -> None:
    client = sb.async_client()
    with pytest.raises(ig.InvalidParamsError, match=r"params\.fields"):
        await client.call("user.get", {"fields": "\ud800"})


def test_a_huge_max_items_means_every_item(sb: ig.sandbox.Sandbox) -> None:
    client = sb.client()
    # Clamped to 2**64 - 1 (more items than any account has), not an OverflowError.
    assert len(list(client.paginate("media.list", {"fields": "id"}, max_items=10**20))) == (
        MEDIA_COUNT
    )
    with pytest.raises(ig.InvalidParamsError, match="max_items"):
        client.paginate("media.list", max_items=-(10**20))


# --- reprs -----------------------------------------------------------------------------------


def test_reprs_of_clients_paginators_and_errors_hold_no_secret(sb: ig.sandbox.Sandbox) -> None:
    secrets = (sb.access_token, sb.app_secret, proof(sb))
    client = sb.client()  # with the app secret: every call carries the proof
    aclient = sb.async_client()
    pager = client._inner.paginator("media.list", '{"limit": 2}')
    pager.next_page()
    bad = ig.Client(sb.access_token + "x", base_url=sb.url, app_secret=sb.app_secret)
    with pytest.raises(ig.AuthError) as info:
        bad.user.get()
    texts = [
        repr(client),
        str(client),
        repr(aclient),
        repr(vars(client)),
        repr(client._inner),
        repr(pager),
        repr(info.value),
        str(info.value),
        repr(info.value.to_dict()),
        repr(client.paginate("media.list")),
    ]
    for text in texts:
        for secret in secrets:
            assert secret not in text, text
