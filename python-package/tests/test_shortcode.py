"""shortcode: the reference vectors of fixtures/shortcodes.json (public values, not computed
by this project), URL forms, and typed errors for anything else."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import instagram_graph as ig
from instagram_graph import shortcode

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "shortcodes.json"
F: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("pair", F["pairs"], ids=lambda p: p["shortcode"])
def test_pairs(pair: dict[str, Any]) -> None:
    pk = int(pair["pk"])
    assert shortcode.to_pk(pair["shortcode"]) == pk
    assert shortcode.from_pk(pk) == pair["shortcode"]
    assert shortcode.from_pk(pair["pk"]) == pair["shortcode"]
    if "taken_at" in pair:
        taken = datetime.fromisoformat(pair["taken_at"].replace("Z", "+00:00"))
        assert shortcode.created_at(pk) == taken


def test_private_share_and_legacy_ids() -> None:
    for p in F["private_share"]:
        assert shortcode.to_pk(p["shortcode"]) == int(p["pk"])
        assert shortcode.parse(p["shortcode"]) == p["public"]
    for p in F["legacy_ids"]:
        assert shortcode.from_pk(p["id"]) == shortcode.from_pk(int(p["pk"]))
    assert shortcode.from_pk(0) == "A"
    assert ig.shortcode is shortcode


@pytest.mark.parametrize("case", F["urls"], ids=lambda c: c["url"].strip())
def test_urls(case: dict[str, str]) -> None:
    assert shortcode.from_url(case["url"]) == case["shortcode"]
    assert shortcode.parse(case["url"]) == case["shortcode"]


@pytest.mark.parametrize("url", F["invalid_urls"])
def test_invalid_urls(url: str) -> None:
    with pytest.raises(ig.InvalidParamsError) as e:
        shortcode.from_url(url)
    assert e.value.kind == "invalid_params"
    assert str(e.value).startswith("shortcode.from_url:")
    with pytest.raises(ig.InvalidParamsError):
        shortcode.parse(url)


def test_invalid_shortcodes_and_pks() -> None:
    for c in F["invalid_shortcodes"]:
        with pytest.raises(ig.InvalidParamsError):
            shortcode.to_pk(c)
    for p in F["invalid_pks"]:
        with pytest.raises(ig.InvalidParamsError):
            shortcode.from_pk(p)
    with pytest.raises(ig.InvalidParamsError, match="story"):
        shortcode.from_url("https://www.instagram.com/stories/a/1/")
    with pytest.raises(ig.InvalidParamsError):
        shortcode.to_pk(42)  # type: ignore[arg-type]
    with pytest.raises(ig.InvalidParamsError):
        shortcode.from_pk(True)
