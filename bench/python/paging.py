"""1,000 sequential ``media.list`` pages on loopback: the package's client against ``requests``
(one ``Session``, so keep-alive like the client's connection pool) with ``Response.json()``.
Both follow Graph's ``paging.next`` from the same first URL, after one untimed walk each; rounds
rotate which goes first. Before each walk (untimed) the sandbox is reset: its usage headers count
the calls served, and after a few thousand the client would rightly start pacing (sleeping) at
the 90 % high-water mark; requests does not read them. Prints one JSON line of per-round wall
times (ms).

Env: IG_BENCH_URL, IG_BENCH_TOKEN, IG_BENCH_PAGES, IG_BENCH_LIMIT, IG_BENCH_ROUNDS.
"""

from __future__ import annotations

import json
import os
import time
import urllib.parse
from collections.abc import Callable

import instagram_graph as ig
import requests

URL = os.environ["IG_BENCH_URL"]
TOKEN = os.environ["IG_BENCH_TOKEN"]
PAGES = int(os.environ["IG_BENCH_PAGES"])
LIMIT = int(os.environ["IG_BENCH_LIMIT"])
ROUNDS = int(os.environ["IG_BENCH_ROUNDS"])

client = ig.Client(TOKEN, base_url=URL)
meta = next(o for o in ig.operations() if o["id"] == "media.list")
fields = meta["params"]["properties"]["fields"]["default"]
first_url = (
    f"{URL}/{client.api_version}/me/media?fields={urllib.parse.quote(fields, safe='')}"
    f"&limit={LIMIT}&access_token={TOKEN}"
)
session = requests.Session()

Walk = tuple[int, int, str | None]


# The sandbox's 180 media make 18 pages of 10: a walk of 1,000 pages starts over from the first
# page whenever the last one is reached (with 10,000 media the sandbox itself takes ~3 ms to cut
# each page out of its feed, which would drown what is measured here).
def via_paginate() -> Walk:
    # paginate yields items: a walk of 180 media is 18 pages; max_items stops the last one.
    items = 0
    last = None
    while items < PAGES * LIMIT:
        left = PAGES * LIMIT - items
        for m in client.paginate("media.list", {"limit": LIMIT}, max_items=left):
            items += 1
            last = m["id"]
    return (-(-items // LIMIT), items, last)


def via_call() -> Walk:
    n = items = 0
    last = None
    after = None
    while n < PAGES:
        page = client.call("media.list", {"limit": LIMIT, "after": after})
        n += 1
        items += len(page["data"])
        last = page["data"][-1]["id"] if page["data"] else last
        paging = page.get("paging", {})
        after = paging.get("cursors", {}).get("after") if paging.get("next") else None
    return (n, items, last)


def via_requests() -> Walk:
    n = items = 0
    last = None
    url = first_url
    while n < PAGES:
        r = session.get(url)
        page = r.json()
        if not r.ok:
            raise RuntimeError(
                f"requests: HTTP {r.status_code}: {page.get('error', {}).get('message')}"
            )
        n += 1
        items += len(page["data"])
        last = page["data"][-1]["id"] if page["data"] else last
        url = page.get("paging", {}).get("next") or first_url
    return (n, items, last)


def reset_usage() -> None:
    """``POST /_sandbox/reset``: usage back to 0 % (same seed: same media, same cursors)."""
    session.post(f"{URL}/_sandbox/reset").raise_for_status()


def served() -> int:
    """Graph requests the sandbox served since the last reset: one per page, whoever asked."""
    n: int = session.get(f"{URL}/_sandbox/stats").json()["requests"]
    return n


ways: dict[str, Callable[[], Walk]] = {
    "paginate": via_paginate,
    "call": via_call,
    "requests": via_requests,
}
results: dict[str, Walk] = {}
for name, walk in ways.items():
    reset_usage()
    results[name] = walk()  # warm-up
    if served() != PAGES:
        raise SystemExit(f"{name}: the sandbox served {served()} requests for {PAGES} pages")
for name, r in results.items():
    if r != results["requests"]:
        raise SystemExit(f"{name} walked {r}, requests {results['requests']}: not the same work")
times: dict[str, list[float]] = {name: [] for name in ways}
names = list(ways)
for r in range(ROUNDS):
    for name in names[r % len(names) :] + names[: r % len(names)]:
        reset_usage()
        t0 = time.perf_counter()
        ways[name]()
        times[name].append((time.perf_counter() - t0) * 1000)
client.close()
print(
    json.dumps(
        {
            "pages": PAGES,
            "limit": LIMIT,
            "items": results["requests"][1],
            "rounds": ROUNDS,
            "times_ms": times,
        }
    )
)
