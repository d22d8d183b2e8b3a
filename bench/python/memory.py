"""Memory while paging 100,000 comments: RSS of this process (``/proc/self/statm``) sampled after
every item while ``paginate("comments.list")`` walks the newest media's comments (the sandbox
seeded with --bulk-comments), items dropped as they come. Growth = peak during the walk minus
RSS after one warm-up page. Prints one JSON line.

Env: IG_BENCH_URL, IG_BENCH_TOKEN.
"""

from __future__ import annotations

import json
import os
import time

import instagram_graph as ig

PAGE = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024


def rss() -> int:
    with open("/proc/self/statm", "rb") as f:
        return int(f.read().split()[1]) * PAGE


client = ig.Client(os.environ["IG_BENCH_TOKEN"], base_url=os.environ["IG_BENCH_URL"])
newest = client.call("media.list", {"limit": 1, "fields": "id,comments_count"})["data"][0]
# Warm-up: the native module, its runtime and connection pool exist before the baseline is read.
client.call("comments.list", {"media_id": newest["id"], "limit": 50})
before = peak = rss()
items = 0
t0 = time.perf_counter()
for comment in client.paginate("comments.list", {"media_id": newest["id"], "limit": 50}):
    if not isinstance(comment.get("id"), str):
        raise SystemExit("comment without id")
    items += 1
    peak = max(peak, rss())
seconds = time.perf_counter() - t0
client.close()
print(
    json.dumps(
        {
            "items": items,
            "comments_count": newest["comments_count"],
            "rss_before_mb": before / MB,
            "rss_peak_mb": peak / MB,
            "growth_mb": (peak - before) / MB,
            "seconds": seconds,
        }
    )
)
