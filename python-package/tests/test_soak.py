"""Soak (the Python mirror of core/tests/it/soak.rs): walk every media and every comment (with
its replies) of the demo account against a sandbox injecting 20% faults of every kind, and check
that every item arrives exactly once and that every failure left over after the client's own
retries is a typed ``InstagramError``. Bounded: a walk gives up after ``MAX_RESUMES`` resumes.

Pages are fetched with ``call_detailed``, following ``paging.cursors.after`` while
``paging.next`` is present, as the core's paginator does: after an error the walk asks for the
same page again, and each answered page says what it cost (requests, retries, milliseconds
waited). ``paginate`` yields items, so it could not resume a walk at its page, and it does not
expose that report.

The sync client fans the comment walks out over eight threads (it releases the GIL while it
waits); the AsyncClient variant, eight tasks, runs with ``IG_SOAK_ASYNC=1`` (another minute).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from support import sandbox_stats

import instagram_graph as ig
from instagram_graph.errors import InstagramError, error_class_for_kind

#: Resumes allowed per walk after an error that survived the client's own retries.
MAX_RESUMES = 200
#: Comment walks in flight at once: pacing waits after throttles then overlap instead of adding up.
FAN_OUT = 8
#: The kinds faults can leave after the client's retries; anything else is a bug.
FAULT_KINDS = {"transient", "transport", "rate_limited", "not_found", "auth", "unexpected_response"}
#: The client of the Rust soak: a timeout below the sandbox's slow answers, generous retries.
CLIENT: dict[str, Any] = {"timeout": 1.0, "max_retries": 6, "max_total_wait": 20.0}
#: Slower than the client's 1 s timeout, but not by much: the soak stays around a minute.
FAULTS: dict[str, Any] = {"fault_rate": 0.2, "fault_seed": 7, "slow_ms": 1500}

#: Writes join this soak here as the catalogue gains write operations (the sandbox already has
#: write endpoints and a write ledger; the catalogue has none yet). Each entry, an operation id
#: (non-idempotent) and its params, is sent exactly once against the faulty sandbox; the
#: sandbox's ledger must then show no write applied twice (``writes.duplicates == 0``). Empty
#: until then: no fake write.
PLANNED_WRITES: list[tuple[str, dict[str, Any]]] = []

JsonDict = dict[str, Any]


@dataclass
class Tally:
    pages: int = 0
    requests: int = 0
    retries: int = 0
    waited_ms: int = 0
    #: Errors that survived the client's retries, by kind: the walk resumed after each.
    surfaced: dict[str, int] = field(default_factory=dict)

    def cost(self, report: ig.CallReport) -> None:
        self.requests += report["requests"]
        self.retries += report["retries"]
        self.waited_ms += report["waited_ms"]

    def merge(self, other: Tally) -> None:
        self.pages += other.pages
        self.requests += other.requests
        self.retries += other.retries
        self.waited_ms += other.waited_ms
        for k, v in other.surfaced.items():
            self.surfaced[k] = self.surfaced.get(k, 0) + v


def surfaced(exc: BaseException, tally: Tally, what: str) -> float:
    """A failure that survived the client's retries: typed, of a kind faults produce.
    Returns the seconds to wait before resuming."""
    assert isinstance(exc, InstagramError), f"{what}: untyped failure: {exc!r}"
    assert exc.kind in FAULT_KINDS, f"{what}: unexpected kind {exc.kind}: {exc}"
    assert isinstance(exc, error_class_for_kind(exc.kind)), repr(exc)
    tally.surfaced[exc.kind] = tally.surfaced.get(exc.kind, 0) + 1
    wait = exc.retry_after
    return wait if wait is not None and wait < 5 else 0.0


class Walk:
    """The page requests of one paginated walk, and what to do with each answer; shared by the
    sync and async drivers so both check the same things."""

    def __init__(self, op_id: str, params: JsonDict, page_size: int, tally: Tally) -> None:
        self.op_id = op_id
        self.params = {**params, "limit": page_size}
        self.tally = tally
        self.items: list[JsonDict] = []
        self.cursor: str | None = None
        self.seen: set[str] = set()
        self.resumes = 0

    def request(self) -> JsonDict:
        return self.params if self.cursor is None else {**self.params, "after": self.cursor}

    def failed(self, exc: BaseException) -> float:
        wait = surfaced(exc, self.tally, self.op_id)
        self.resumes += 1
        assert self.resumes <= MAX_RESUMES, f"{self.op_id}: walk keeps failing: {exc}"
        return wait

    def answered(self, out: Mapping[str, Any]) -> bool:
        """Take one page; whether there is another."""
        self.tally.pages += 1
        self.tally.cost(out["report"])
        page = out["value"]
        assert isinstance(page["data"], list), f"{self.op_id}: a page without data"
        self.items.extend(page["data"])
        # Meta: the walk ends when `next` is absent, never because a page is short.
        paging = page.get("paging") or {}
        cursor = (paging.get("cursors") or {}).get("after")
        if not paging.get("next") or not cursor:
            return False
        assert cursor not in self.seen, f"{self.op_id}: cursor loop"
        self.seen.add(cursor)
        self.cursor = cursor
        return True


def walk(client: ig.Client, w: Walk) -> list[JsonDict]:
    while True:
        try:
            out = client.call_detailed(w.op_id, w.request())
        except Exception as exc:  # typed: checked in Walk.failed
            wait = w.failed(exc)
            if wait:
                time.sleep(wait)
            continue  # the same page again
        if not w.answered(out):
            return w.items


async def walk_async(client: ig.AsyncClient, w: Walk) -> list[JsonDict]:
    while True:
        try:
            out = await client.call_detailed(w.op_id, w.request())
        except Exception as exc:  # typed: checked in Walk.failed
            wait = w.failed(exc)
            if wait:
                await asyncio.sleep(wait)
            continue  # the same page again
        if not w.answered(out):
            return w.items


def comment_walk(media_id: str, page_size: int) -> Walk:
    return Walk(
        "comments.list", {"media_id": media_id, "fields": "id,replies{id}"}, page_size, Tally()
    )


def flatten(comments: list[JsonDict]) -> Iterator[str]:
    for c in comments:
        yield c["id"]
        for r in (c.get("replies") or {}).get("data", []):
            yield r["id"]


def page_sizes() -> tuple[int, int]:
    """The paginator's page sizes: the largest each edge allows."""
    catalogue = {o["id"]: o for o in ig.operations()}
    return catalogue["media.list"]["page_size"]["max"], catalogue["comments.list"]["page_size"][
        "max"
    ]


def all_sync(client: ig.Client, tally: Tally) -> tuple[list[str], list[str]]:
    media_size, comments_size = page_sizes()
    media = [m["id"] for m in walk(client, Walk("media.list", {"fields": "id"}, media_size, tally))]
    walks = [comment_walk(m, comments_size) for m in media]
    with ThreadPoolExecutor(max_workers=FAN_OUT) as pool:
        results = list(pool.map(lambda w: walk(client, w), walks))
    comments: list[str] = []
    for w, items in zip(walks, results, strict=True):
        tally.merge(w.tally)
        comments.extend(flatten(items))
    return media, comments


async def all_async(client: ig.AsyncClient, tally: Tally) -> tuple[list[str], list[str]]:
    media_size, comments_size = page_sizes()
    media_walk = Walk("media.list", {"fields": "id"}, media_size, tally)
    media = [m["id"] for m in await walk_async(client, media_walk)]
    walks = [comment_walk(m, comments_size) for m in media]
    gate = asyncio.Semaphore(FAN_OUT)

    async def one(w: Walk) -> list[JsonDict]:
        async with gate:
            return await walk_async(client, w)

    results = await asyncio.gather(*(one(w) for w in walks))
    comments: list[str] = []
    for w, items in zip(walks, results, strict=True):
        tally.merge(w.tally)
        comments.extend(flatten(items))
    return media, comments


def assert_once(what: str, got: list[str], want: set[str]) -> None:
    assert len(set(got)) == len(got), f"{what}: an item came twice"
    assert set(got) == want, f"{what}: items differ from the fault-free walk"


def planned_writes() -> list[tuple[str, JsonDict]]:
    """The planned writes, each to be sent once; a failed one is not resent (the sandbox's
    ledger tells what ran)."""
    catalogue = {o["id"]: o for o in ig.operations()}
    for op_id, _ in PLANNED_WRITES:
        assert catalogue[op_id]["idempotent"] is False, (
            f"{op_id}: a planned write must not be idempotent"
        )
    return list(PLANNED_WRITES)


def check_and_report(
    flavour: str,
    faulty: ig.sandbox.Sandbox,
    tally: Tally,
    media: list[str],
    comments: list[str],
    started: float,
    truth_seconds: float,
) -> None:
    stats = sandbox_stats(faulty.url)
    assert tally.retries > 0, f"faults were injected and retried: {tally}"
    faults_total = stats["faults_total"]
    served = stats["requests"]
    writes = stats["writes"]
    assert isinstance(faults_total, int)
    assert faults_total > 0
    # Every answered page and every retry was a request the sandbox served (failed calls add more).
    assert isinstance(served, int)
    assert served >= tally.requests
    assert isinstance(writes, dict)
    assert writes["duplicates"] == 0, "no write applied twice"
    print(
        f"soak (python, {flavour}): {len(media)} media, {len(comments)} comments, "
        f"{tally.pages} pages, {tally.requests} requests (of answered pages; the sandbox served "
        f"{served}, {faults_total} faults), {tally.retries} retries, {tally.waited_ms} ms waited, "
        f"surfaced {json.dumps(tally.surfaced, sort_keys=True)}, {len(PLANNED_WRITES)} writes, "
        f"{time.monotonic() - started:.1f} s (fault-free walk {truth_seconds:.1f} s)"
    )


@pytest.fixture(scope="module")
def truth() -> tuple[set[str], set[str], float]:
    """Media and comment ids of the same seed without faults, and how long the walk took."""
    started = time.monotonic()
    with (
        ig.sandbox.start() as clean,
        ig.Client(clean.access_token, base_url=clean.url, **CLIENT) as c,
    ):
        t0 = Tally()
        media, comments = all_sync(c, t0)
    assert len(media) >= 150, "demo account is big enough"
    assert len(comments) >= 1000, "demo account is big enough"
    assert t0.surfaced == {}, "no failure without faults"
    assert t0.retries == 0
    assert_once("media (fault-free)", media, set(media))
    return set(media), set(comments), time.monotonic() - started


def test_soak_sync_walks_everything_exactly_once_under_faults(
    truth: tuple[set[str], set[str], float], capsys: pytest.CaptureFixture[str]
) -> None:
    want_media, want_comments, truth_seconds = truth
    started = time.monotonic()
    with ig.sandbox.start(**FAULTS) as faulty:
        with ig.Client(faulty.access_token, base_url=faulty.url, **CLIENT) as c:
            t = Tally()
            media, comments = all_sync(c, t)
            assert_once("media", media, want_media)
            assert_once("comments", comments, want_comments)
            for op_id, params in planned_writes():
                try:
                    t.cost(c.call_detailed(op_id, params)["report"])
                except Exception as exc:  # typed: checked in surfaced
                    surfaced(exc, t, op_id)
        with capsys.disabled():
            check_and_report("sync", faulty, t, media, comments, started, truth_seconds)


@pytest.mark.skipif(
    os.environ.get("IG_SOAK_ASYNC") != "1", reason="set IG_SOAK_ASYNC=1 (a minute more)"
)
def test_soak_async_walks_everything_exactly_once_under_faults(
    truth: tuple[set[str], set[str], float], capsys: pytest.CaptureFixture[str]
) -> None:
    want_media, want_comments, truth_seconds = truth
    started = time.monotonic()

    async def main(faulty: ig.sandbox.Sandbox) -> tuple[Tally, list[str], list[str]]:
        async with ig.AsyncClient(faulty.access_token, base_url=faulty.url, **CLIENT) as c:
            t = Tally()
            media, comments = await all_async(c, t)
            for op_id, params in planned_writes():
                try:
                    t.cost((await c.call_detailed(op_id, params))["report"])
                except Exception as exc:  # typed: checked in surfaced
                    surfaced(exc, t, op_id)
            return t, media, comments

    with ig.sandbox.start(**FAULTS) as faulty:
        t, media, comments = asyncio.run(main(faulty))
        assert_once("media", media, want_media)
        assert_once("comments", comments, want_comments)
        with capsys.disabled():
            check_and_report("async", faulty, t, media, comments, started, truth_seconds)
