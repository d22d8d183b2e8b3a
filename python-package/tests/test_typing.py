"""Typing: the typed usage file passes mypy --strict, wrong calls are rejected, and the
usage file also runs."""

from __future__ import annotations

import runpy
import textwrap
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

HERE = Path(__file__).resolve().parent


def run_mypy(*args: str) -> tuple[str, int]:
    stdout, stderr, status = mypy_api.run(
        ["--strict", "--no-incremental", "--python-version", "3.10", *args]
    )
    return stdout + stderr, status


def test_typed_usage_passes_mypy_strict() -> None:
    out, status = run_mypy(str(HERE / "typing_usage.py"))
    assert status == 0, out


def test_mypy_rejects_wrong_calls(tmp_path: Path) -> None:
    bad = tmp_path / "bad_usage.py"
    bad.write_text(
        textwrap.dedent(
            """
            import instagram_graph as ig

            client = ig.Client("token", login="myspace")
            client.media.list(limit="ten")
            client.media.get()
            client.comments.list(media_id=123)
            client.user.get(colour="red")
            ig.Client("token").media.list(ig_user_id=None, since=[2026])
            """
        ),
        encoding="utf-8",
    )
    out, status = run_mypy(str(bad))
    assert status == 1
    for line, needle in [
        (4, 'Argument "login" to "Client" has incompatible type'),
        (5, 'Argument "limit" to "list" of "MediaOperations" has incompatible type "str"'),
        (6, 'Missing named argument "media_id" for "get" of "MediaOperations"'),
        (7, 'Argument "media_id" to "list" of "CommentsOperations" has incompatible type "int"'),
        (8, 'Unexpected keyword argument "colour" for "get" of "UserOperations"'),
        (9, 'Argument "since" to "list" of "MediaOperations" has incompatible type "list[int]"'),
    ]:
        assert f"bad_usage.py:{line}: error: {needle}" in out, out


def test_typed_usage_runs() -> None:
    runpy.run_path(str(HERE / "typing_usage.py"), run_name="__main__")
