"""Verify + parse of one 1,000-update delivery: ``instagram_graph.webhooks.verify_signature`` +
``parse`` against ``hmac`` + ``hmac.compare_digest`` + ``json.loads`` + the hand normalizer of
bench/python/normalize.py. Both outputs are checked to be the same events before timing. Each round times a batch of iterations of each, alternating which goes first.
Prints one JSON line of per-iteration times (ms) per round.

Env: IG_BENCH_WEBHOOK_BODY (the delivery file), IG_BENCH_ROUNDS.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from instagram_graph import webhooks

sys.path.insert(0, str(Path(__file__).resolve().parent))
from normalize import normalize  # noqa: E402

BODY = Path(os.environ["IG_BENCH_WEBHOOK_BODY"]).read_bytes()
ROUNDS = int(os.environ["IG_BENCH_ROUNDS"])
SECRET = "bench-app-secret-5f4dcc3b5aa765d61d8327deb882cf99"
HEADER = "sha256=" + hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()


def ours() -> list[Any]:
    if not webhooks.verify_signature(BODY, HEADER, SECRET):
        raise RuntimeError("ours: signature refused")
    return webhooks.parse(BODY)  # type: ignore[return-value]


def baseline() -> list[Any]:
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(HEADER[len("sha256=") :], expected):
        raise RuntimeError("baseline: signature refused")
    return normalize(json.loads(BODY))


a, b = ours(), baseline()
assert len(a) == 1000
assert a == b, "the baseline normalizer must produce the same events"
assert len({e["dedupe_key"] for e in a}) == len(a)

ITER = 10


def timed(f: Callable[[], list[Any]]) -> float:
    t0 = time.perf_counter()
    n = sum(len(f()) for _ in range(ITER))
    ms = (time.perf_counter() - t0) * 1000 / ITER
    if n != ITER * 1000:
        raise RuntimeError("lost events")
    return ms


for _ in range(3):
    timed(ours)
    timed(baseline)
times: dict[str, list[float]] = {"ours": [], "baseline": []}
for r in range(ROUNDS):
    for k in ("baseline", "ours") if r % 2 else ("ours", "baseline"):
        times[k].append(timed(ours if k == "ours" else baseline))
print(json.dumps({"bytes": len(BODY), "updates": len(a), "iterations": ITER, "times_ms": times}))
