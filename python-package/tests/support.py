"""Helpers shared by the tests: the session sandbox's size and the sandbox's own request
counters, read with urllib (``GET /_sandbox/stats``) rather than through the package."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

#: Media of the session sandbox: not a multiple of any page size, so last pages are partial.
MEDIA_COUNT = 137

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "fixtures"


def sandbox_stats(url: str) -> dict[str, object]:
    with urllib.request.urlopen(f"{url}/_sandbox/stats", timeout=10) as resp:
        stats: dict[str, object] = json.loads(resp.read())
    return stats


def request_count(url: str) -> int:
    """Graph requests the sandbox has served so far."""
    n = sandbox_stats(url)["requests"]
    assert isinstance(n, int)
    return n


def media_requests(url: str) -> int:
    """Requests served on the media edge (``GET /{id}/media``)."""
    by_endpoint = sandbox_stats(url)["by_endpoint"]
    assert isinstance(by_endpoint, dict)
    return sum(int(v) for k, v in by_endpoint.items() if k.endswith("/media"))
