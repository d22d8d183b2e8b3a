"""The shared webhook fixtures (fixtures/webhooks/, see its README): every event payload
verifies with its signatures and parses to its expected events; every signature, handshake and
invalid-body case gives its verdict or error kind; the TypedDicts of
``instagram_graph.webhooks`` have exactly the keys of every expected event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from support import FIXTURES

import instagram_graph as ig
from instagram_graph import _webhook_events, webhooks
from instagram_graph.errors import InstagramError

DIR = FIXTURES / "webhooks"


def load(rel: str) -> Any:
    return json.loads((DIR / rel).read_text(encoding="utf-8"))


def expected_of(fx: dict[str, Any]) -> list[dict[str, Any]]:
    """Every complete expected event (batch_1000 has a summary with its first and last)."""
    if "expected" in fx:
        out: list[dict[str, Any]] = fx["expected"]
        return out
    return [fx["expected_summary"]["first"], fx["expected_summary"]["last"]]


EVENTS = sorted((DIR / "events").glob("*.json"))
SIGNATURES = load("signatures.json")["cases"]
SUBSCRIPTIONS = load("subscription.json")["cases"]
INVALID = load("invalid.json")["cases"]


def verdict(f: Any) -> bool | str:
    try:
        result: bool = f()
    except InstagramError as e:
        return e.kind
    return result


@pytest.mark.parametrize("path", EVENTS, ids=lambda p: p.stem)
def test_event_fixture(path: Path) -> None:
    fx = json.loads(path.read_text(encoding="utf-8"))
    body = path.with_suffix(".body").read_bytes()
    secret = fx["app_secret"]
    assert webhooks.verify_signature(body, fx["sha256"], secret) is True
    assert webhooks.verify_signature(body, {"X-Hub-Signature-256": fx["sha256"]}, secret) is True
    assert webhooks.verify_signature(body, {"x-hub-signature": fx["sha1"]}, secret) is True
    assert webhooks.verify_signature(body, fx["sha256"], secret + "x") is False
    events = webhooks.parse(body)
    if "expected" in fx:
        assert events == fx["expected"]
    else:
        summary = fx["expected_summary"]
        assert len(events) == summary["count"]
        by_type: dict[str, int] = {}
        for e in events:
            by_type[e["event_type"]] = by_type.get(e["event_type"], 0) + 1
        assert by_type == summary["event_types"]
        assert len({e["dedupe_key"] for e in events}) == summary["distinct_dedupe_keys"]
        assert events[0] == summary["first"]
        assert events[-1] == summary["last"]
    assert len({e["dedupe_key"] for e in events}) == len(events)


_TYPED: dict[str, Any] = {
    "message": _webhook_events.MessageEvent,
    "message_echo": _webhook_events.MessageEvent,
    "message_deleted": _webhook_events.MessageEvent,
    "message_edit": _webhook_events.MessageEditEvent,
    "reaction": _webhook_events.ReactionEvent,
    "postback": _webhook_events.PostbackEvent,
    "referral": _webhook_events.ReferralEvent,
    "seen": _webhook_events.SeenEvent,
    "optin": _webhook_events.OptinEvent,
    "handover": _webhook_events.HandoverEvent,
    "comment": _webhook_events.CommentEvent,
    "live_comment": _webhook_events.CommentEvent,
    "mention": _webhook_events.MentionEvent,
    "story_insights": _webhook_events.StoryInsightsEvent,
    "unknown": _webhook_events.UnknownEvent,
}


def test_typed_dicts_have_the_keys_of_every_expected_event() -> None:
    seen: set[str] = set()
    for path in EVENTS:
        for event in expected_of(json.loads(path.read_text(encoding="utf-8"))):
            cls = _TYPED[event["event_type"]]
            keys = set(event)
            assert cls.__required_keys__ <= keys, (path.stem, cls.__required_keys__ - keys)
            allowed = cls.__required_keys__ | cls.__optional_keys__
            assert keys <= allowed, (path.stem, keys - allowed)
            seen.add(event["event_type"])
    assert seen == set(_TYPED), set(_TYPED) - seen


@pytest.mark.parametrize("case", SIGNATURES, ids=lambda c: c["name"])
def test_signature_case(case: dict[str, Any]) -> None:
    body = (DIR / case["body"]).read_bytes()
    headers: dict[str, str] = case["headers"]
    secret = case["app_secret"]
    assert verdict(lambda: webhooks.verify_signature(body, headers, secret)) == case["expected"]
    title = {k.title(): v for k, v in headers.items()}
    assert verdict(lambda: webhooks.verify_signature(body, title, secret)) == case["expected"]
    if len(headers) == 1:
        [(name, value)] = headers.items()
        # The value alone says the same when it names the header's own algorithm.
        if not (name == "x-hub-signature-256" and value.strip().lower().startswith("sha1=")):
            got = verdict(lambda: webhooks.verify_signature(body, value, secret))
            assert got == case["expected"]
    if case["expected"] == "invalid_signature" and secret:
        with pytest.raises(ig.InvalidSignatureError) as info:
            webhooks.verify_signature(body, headers, secret)
        assert secret not in str(info.value)
        assert secret not in repr(info.value)


@pytest.mark.parametrize("case", SUBSCRIPTIONS, ids=lambda c: c["name"])
def test_subscription_case(case: dict[str, Any]) -> None:
    query: str = case["query"]
    token: str = case["verify_token"]
    pairs = parse_qsl(query, keep_blank_values=True)
    for form in (query, "?" + query, query.encode()):
        if "challenge" in case["expected"]:
            assert webhooks.verify_subscription(form, token) == case["expected"]["challenge"]
            continue
        with pytest.raises(ig.VerificationFailedError) as info:
            webhooks.verify_subscription(form, token)
        assert info.value.kind == case["expected"]["error"]
        for key, value in pairs:
            if "verify_token" in key and len(value) >= 4:
                assert value not in str(info.value)
        if token:
            assert token not in str(info.value)


@pytest.mark.parametrize("case", INVALID, ids=lambda c: c["name"])
def test_invalid_case(case: dict[str, Any]) -> None:
    with pytest.raises(ig.InvalidPayloadError) as info:
        webhooks.parse((DIR / case["body"]).read_bytes())
    assert info.value.kind == case["expected_error"]
    assert case["message_contains"] in str(info.value)


def test_oversized_body() -> None:
    with pytest.raises(ig.InvalidPayloadError):
        webhooks.parse(b" " * (webhooks.MAX_BODY_BYTES + 1))
