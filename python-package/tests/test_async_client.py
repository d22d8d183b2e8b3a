"""AsyncClient against a real sandbox: awaitable calls, async paging, real concurrency."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

import pytest
from support import MEDIA_COUNT, media_requests, request_count

import instagram_graph as ig

pytestmark = pytest.mark.asyncio


async def test_user_get_and_one_media_page(sb: ig.sandbox.Sandbox) -> None:
    async with ig.AsyncClient(sb.access_token, base_url=sb.url) as client:
        me = await client.user.get()
        assert me["user_id"] == sb.ig_user_id
        assert me["media_count"] == MEDIA_COUNT
        page = await client.call("media.list", {"ig_user_id": sb.ig_user_id, "limit": 10})
        assert len(page["data"]) == 10
        assert "access_token" not in page["paging"]["next"]
        assert page == await client.media.list(ig_user_id=sb.ig_user_id, limit=10)


async def test_paginate_is_an_async_iterator_over_every_media(sb: ig.sandbox.Sandbox) -> None:
    client = sb.async_client()
    before = media_requests(sb.url)
    ids = [m["id"] async for m in client.paginate("media.list", {"ig_user_id": sb.ig_user_id})]
    assert len(ids) == MEDIA_COUNT == len(set(ids))
    assert media_requests(sb.url) - before == 2
    limited = [m async for m in client.paginate("media.list", max_items=42)]
    assert len(limited) == 42
    assert [m["id"] for m in limited] == ids[:42]


async def test_generated_async_methods_are_coroutines(sb: ig.sandbox.Sandbox) -> None:
    client = sb.async_client()
    assert inspect.iscoroutinefunction(client.media.list)
    assert inspect.iscoroutinefunction(client.call)
    media = (await client.media.list(limit=1))["data"][0]
    got = await client.media.get(media_id=media["id"], fields="id,comments_count")
    assert got["id"] == media["id"]
    comments = await client.comments.list(media_id=media["id"])
    assert len(comments["data"]) <= got["comments_count"]


async def test_validation_errors_raise_before_any_request(sb: ig.sandbox.Sandbox) -> None:
    client = sb.async_client()
    before = request_count(sb.url)
    with pytest.raises(ig.InvalidParamsError, match=r"media\.list: params\.limit"):
        await client.media.list(limit=1000)
    # paginate validates when called, before the first `async for` step.
    with pytest.raises(ig.InvalidParamsError, match=r"params\.limit"):
        client.paginate("media.list", {"limit": "many"})
    with pytest.raises(ig.UnsupportedError):
        await client.call("nope.nope")
    assert request_count(sb.url) == before


async def test_wrong_token_is_an_auth_error(sb: ig.sandbox.Sandbox) -> None:
    token = "EAAnotTheRightToken987"
    client = ig.AsyncClient(token, base_url=sb.url)
    with pytest.raises(ig.AuthError) as info:
        await client.user.get()
    assert info.value.code == 190
    assert token not in str(info.value)
    assert token not in repr(info.value)
    with pytest.raises(ig.AuthError):
        async for _ in client.paginate("media.list"):
            pass


async def requests_seen_at_first_answer(
    call: Callable[[], Awaitable[object]], sb: ig.sandbox.Sandbox, n: int
) -> int:
    """Gather `n` calls; return how many of their requests the sandbox had received when the
    first answer came back. The sandbox counts a request on arrival and answers it after its
    latency, so calls in flight together all arrive before any answer; calls one at a time
    arrive one per answer."""
    before = request_count(sb.url)
    seen: list[int] = []

    async def one() -> None:
        await call()
        if not seen:
            seen.append(-1)  # claim "first" before yielding to the stats request
            seen[0] = await asyncio.to_thread(request_count, sb.url) - before

    await asyncio.gather(*(one() for _ in range(n)))
    assert request_count(sb.url) - before == n
    return seen[0]


async def test_gathered_calls_overlap(slow_sb: ig.sandbox.Sandbox) -> None:
    # Ordering, not a time budget: all five requests reached the sandbox before the first
    # answer left it. (Recording when each coroutine *started* proves nothing: gather starts
    # every coroutine before any await returns, even if the calls then run one at a time.)
    client = slow_sb.async_client()
    seen = await requests_seen_at_first_answer(lambda: client.user.get(fields="id"), slow_sb, 5)
    assert seen == 5


async def test_the_overlap_probe_sees_calls_run_one_at_a_time(slow_sb: ig.sandbox.Sandbox) -> None:
    # The control: calls made one at a time (here by a lock) must not look overlapped.
    client = slow_sb.async_client()
    lock = asyncio.Lock()

    async def serial() -> object:
        async with lock:
            return await client.user.get(fields="id")

    assert await requests_seen_at_first_answer(serial, slow_sb, 5) <= 2


async def test_a_cancelled_call_leaves_the_client_usable(slow_sb: ig.sandbox.Sandbox) -> None:
    client = slow_sb.async_client()
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(client.user.get(), timeout=0.05)
    assert (await client.user.get(fields="user_id"))["user_id"] == slow_sb.ig_user_id


async def test_breaking_out_of_a_walk_then_starting_another(sb: ig.sandbox.Sandbox) -> None:
    client = sb.async_client()
    seen = []
    async for m in client.paginate("media.list", {"limit": 5}):
        seen.append(m["id"])
        if len(seen) == 7:
            break
    again = [m["id"] async for m in client.paginate("media.list", {"limit": 5}, max_items=7)]
    assert again == seen


async def test_aclose(sb: ig.sandbox.Sandbox) -> None:
    async with sb.async_client() as client:
        assert "AsyncClient(" in repr(client)
        assert sb.access_token not in repr(client)
    assert client.closed
    with pytest.raises(RuntimeError, match="closed"):
        await client.user.get()
