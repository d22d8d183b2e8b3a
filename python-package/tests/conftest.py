"""Shared fixtures: one sandbox for the whole session and clients on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support import MEDIA_COUNT

import instagram_graph as ig

pytest_plugins = ["leakscan"]


@pytest.fixture(scope="session")
def sb() -> Iterator[ig.sandbox.Sandbox]:
    with ig.sandbox.start(seed=7, media_count=MEDIA_COUNT) as sandbox:
        yield sandbox


@pytest.fixture
def client(sb: ig.sandbox.Sandbox) -> Iterator[ig.Client]:
    with ig.Client(sb.access_token, base_url=sb.url) as c:
        yield c


@pytest.fixture
def slow_sb() -> Iterator[ig.sandbox.Sandbox]:
    """A sandbox that answers every Graph request after 300 ms."""
    with ig.sandbox.start(latency_ms=300, media_count=10) as sandbox:
        yield sandbox
