"""webhooks: signature rules (over the exact bytes, header mappings read case-insensitively,
sha1 only without sha256), the GET handshake, parsing, typed errors, secrets never in an
error or repr, and bytes-only input."""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import threading
import time
from typing import Any, ClassVar

import pytest

import instagram_graph as ig
from instagram_graph import webhooks
from instagram_graph.errors import InstagramError

SECRET = "test-app-secret-0123456789abcdef"
TOKEN = "verify-token-9f8e7d6c5b4a"

# Meta's bytes: compact, escaped unicode, escaped slashes (graph-api.md §3.3).
BODY = (
    b'{"object":"instagram","entry":[{"id":"17841400000000001","time":1569262486134,'
    b'"messaging":[{"sender":{"id":"5550001"},"recipient":{"id":"17841400000000001"},'
    b'"timestamp":1569262485349,"message":{"mid":"m_1","text":"caf\\u00e9 \\/ ok"}}]}]}'
)


def sig(algo: str, body: bytes = BODY, secret: str = SECRET) -> str:
    return f"{algo}={hmac.new(secret.encode(), body, algo).hexdigest()}"


def no_secret(exc: BaseException) -> None:
    for text in (str(exc), repr(exc), json.dumps(getattr(exc, "to_dict", dict)(), default=str)):
        assert SECRET not in text
        assert TOKEN not in text


class TestVerifySignature:
    def test_sha256_over_the_exact_bytes(self) -> None:
        assert webhooks.verify_signature(BODY, sig("sha256"), SECRET) is True
        assert webhooks.verify_signature(bytearray(BODY), sig("sha256"), SECRET) is True
        assert webhooks.verify_signature(memoryview(BODY), sig("sha256"), SECRET) is True
        upper = "sha256=" + hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest().upper()
        assert webhooks.verify_signature(BODY, upper, SECRET) is True

    def test_reserialized_other_secret_changed_byte_are_false(self) -> None:
        reserialized = json.dumps(json.loads(BODY), separators=(",", ":")).encode()
        assert reserialized != BODY
        assert webhooks.verify_signature(reserialized, sig("sha256"), SECRET) is False
        assert webhooks.verify_signature(BODY, sig("sha256", secret="other"), SECRET) is False
        tampered = bytearray(BODY)
        tampered[-5] ^= 1
        assert webhooks.verify_signature(bytes(tampered), sig("sha256"), SECRET) is False

    @pytest.mark.parametrize(
        "header",
        [
            "",
            "sha256=",
            "sha256",
            sig("sha256")[:-2],
            sig("sha256") + "00",
            "sha256=" + "z" * 64,
            "md5=" + "0" * 32,
            sig("sha256").removeprefix("sha256="),
            " " + sig("sha256") + "x",
        ],
    )
    def test_malformed_headers_raise(self, header: str) -> None:
        with pytest.raises(ig.InvalidSignatureError) as info:
            webhooks.verify_signature(BODY, header, SECRET)
        assert info.value.kind == "invalid_signature"
        assert isinstance(info.value, InstagramError)
        no_secret(info.value)

    def test_empty_secret_raises(self) -> None:
        with pytest.raises(ig.InvalidSignatureError):
            webhooks.verify_signature(BODY, sig("sha256"), "")

    @pytest.mark.parametrize(
        "name", ["x-hub-signature-256", "X-Hub-Signature-256", "X-HUB-SIGNATURE-256"]
    )
    def test_header_mappings_case_insensitive(self, name: str) -> None:
        assert webhooks.verify_signature(BODY, {name: sig("sha256")}, SECRET) is True
        assert webhooks.verify_signature(BODY, {name: sig("sha256", secret="x")}, SECRET) is False

    def test_framework_header_objects(self) -> None:
        from starlette.datastructures import Headers as StarletteHeaders
        from werkzeug.datastructures import Headers as WerkzeugHeaders

        s = sig("sha256")
        assert webhooks.verify_signature(BODY, StarletteHeaders({"X-Hub-Signature-256": s}), SECRET)
        assert webhooks.verify_signature(BODY, WerkzeugHeaders({"X-Hub-Signature-256": s}), SECRET)

    def test_sha1_only_without_sha256(self) -> None:
        sha1 = sig("sha1")
        assert webhooks.verify_signature(BODY, {"X-Hub-Signature": sha1}, SECRET) is True
        assert webhooks.verify_signature(BODY, sha1, SECRET) is True
        both_wrong_256 = {"X-Hub-Signature-256": sig("sha256", secret="x"), "X-Hub-Signature": sha1}
        assert webhooks.verify_signature(BODY, both_wrong_256, SECRET) is False
        with pytest.raises(ig.InvalidSignatureError):
            webhooks.verify_signature(
                BODY, {"x-hub-signature-256": "sha256=nothex", "x-hub-signature": sha1}, SECRET
            )
        good_256 = {
            "X-Hub-Signature-256": sig("sha256"),
            "X-Hub-Signature": sig("sha1", secret="x"),
        }
        assert webhooks.verify_signature(BODY, good_256, SECRET) is True

    def test_text_that_is_not_unicode_is_refused_not_crashed(self) -> None:
        # A lone surrogate cannot reach the native module as UTF-8: a typed error, no crash.
        for header in ("sha256=\udc80", {"X-Hub-Signature-256": "sha256=\ud800" + "0" * 63}):
            with pytest.raises(ig.InvalidSignatureError):
                webhooks.verify_signature(BODY, header, SECRET)
        with pytest.raises(ig.InvalidSignatureError):
            webhooks.verify_signature(BODY, sig("sha256"), "secret\udc80")
        with pytest.raises(ig.VerificationFailedError):
            webhooks.verify_subscription({"hub.mode": "subscribe\udc80"}, TOKEN)
        r = webhooks.Receiver(app_secret=SECRET, verify_token=TOKEN)
        assert r.handle("POST", "", {"x-hub-signature-256": "sha256=\udc80"}, BODY).status == 401
        assert r.handle("GET", {"hub.challenge": "\udc80"}, {}, b"").status == 403

    def test_no_signature_header_raises(self) -> None:
        for headers in ({}, {"content-type": "application/json"}):
            with pytest.raises(ig.InvalidSignatureError):
                webhooks.verify_signature(BODY, headers, SECRET)

    @pytest.mark.parametrize("raw", [BODY.decode(), json.loads(BODY), None, 42, [1, 2]])
    def test_str_and_parsed_bodies_are_refused(self, raw: Any) -> None:
        with pytest.raises(TypeError, match=r"raw_body must be the raw request bytes"):
            webhooks.verify_signature(raw, sig("sha256"), SECRET)
        with pytest.raises(TypeError, match=r"raw_body"):
            webhooks.parse(raw)

    def test_large_bodies_release_the_gil(self) -> None:
        # While the core works on a large body, another Python thread runs: a spinner records
        # the times it ran, and some of them fall inside the native call. (With the GIL held
        # for the whole call none could: the spinner would wait until the call returned.)
        big = (
            b'{"object":"instagram","entry":['
            + b",".join(
                b'{"id":"1","time":1,"changes":[{"field":"mentions","value":{"media_id":"%d"}}]}'
                % i
                for i in range(40_000)
            )
            + b"]}"
        )
        huge = big * 10
        header = sig("sha256", huge)
        ticks: list[float] = []
        stop = threading.Event()

        def spin() -> None:
            while not stop.is_set():
                ticks.append(time.perf_counter())

        def inside(f: Any) -> int:
            ticks.clear()
            t0 = time.perf_counter()
            f()
            t1 = time.perf_counter()
            return sum(t0 < t < t1 for t in ticks)

        old = sys.getswitchinterval()
        sys.setswitchinterval(0.0005)
        t = threading.Thread(target=spin)
        t.start()
        try:
            verify = max(
                inside(lambda: webhooks.verify_signature(huge, header, SECRET)) for _ in range(3)
            )
            parse = max(inside(lambda: webhooks.parse(big)) for _ in range(3))
        finally:
            stop.set()
            t.join()
            sys.setswitchinterval(old)
        assert verify > 10, verify
        assert parse > 10, parse


class TestVerifySubscription:
    GOOD: ClassVar[dict[str, str]] = {
        "hub.mode": "subscribe",
        "hub.verify_token": TOKEN,
        "hub.challenge": "1158201444",
    }

    def test_every_query_form(self) -> None:
        from urllib.parse import urlencode

        from starlette.datastructures import QueryParams
        from werkzeug.datastructures import MultiDict

        qs = urlencode(self.GOOD)
        forms: list[Any] = [
            self.GOOD,
            qs,
            "?" + qs,
            "/webhook?" + qs,
            qs.encode(),
            QueryParams(qs),
            MultiDict(self.GOOD),
            {"hub_mode": "subscribe", "hub_verify_token": TOKEN, "hub_challenge": "1158201444"},
            {**self.GOOD, "hub.challenge": ["1158201444"]},
        ]
        for q in forms:
            assert webhooks.verify_subscription(q, TOKEN) == "1158201444", q

    @pytest.mark.parametrize(
        "query",
        [
            {**GOOD, "hub.verify_token": "wrong-token-value-123"},
            {**GOOD, "hub.mode": "unsubscribe"},
            {"hub.mode": "subscribe", "hub.verify_token": TOKEN},
            {"hub.mode": "subscribe", "hub.challenge": "1"},
            {},
            "",
        ],
    )
    def test_refusals(self, query: Any) -> None:
        with pytest.raises(ig.VerificationFailedError) as info:
            webhooks.verify_subscription(query, TOKEN)
        assert info.value.kind == "verification_failed"
        no_secret(info.value)
        assert "wrong-token-value-123" not in str(info.value)

    def test_token_must_be_a_str(self) -> None:
        with pytest.raises(TypeError):
            webhooks.verify_subscription(self.GOOD, None)  # type: ignore[arg-type]


class TestParse:
    def test_a_message(self) -> None:
        [ev] = webhooks.parse(BODY)
        assert ev["event_type"] == "message"
        assert ev["field"] == "messages"
        assert ev["account_id"] == "17841400000000001"
        assert ev["time"] == 1569262486134
        assert ev["sender_id"] == "5550001"
        assert ev["timestamp"] == 1569262485349
        assert ev["text"] == "café / ok"
        assert ev["is_echo"] is False
        assert ev["raw"] == json.loads(BODY)["entry"][0]["messaging"][0]
        assert webhooks.parse(BODY)[0]["dedupe_key"] == ev["dedupe_key"]

    @pytest.mark.parametrize(
        "bad",
        [
            b"",
            b"not json",
            b"[]",
            b'{"object":"instagram"}',
            b'{"object":"instagram","entry":"x"}',
            b"[" * 100_000,
            b"\xff\xfe",
        ],
    )
    def test_not_a_delivery(self, bad: bytes) -> None:
        with pytest.raises(ig.InvalidPayloadError) as info:
            webhooks.parse(bad)
        assert info.value.kind == "invalid_payload"
        assert isinstance(info.value, ValueError)

    def test_unknown_fields_do_not_fail_the_batch(self) -> None:
        body = (
            b'{"object":"instagram","entry":[{"id":"1","time":1520622968,"changes":['
            b'{"field":"brand_new_field","value":{"x":1}},'
            b'{"field":"mentions","value":{"media_id":"17918195224117851"}}]}]}'
        )
        events = webhooks.parse(body)
        assert [e["event_type"] for e in events] == ["unknown", "mention"]
        assert events[1]["time"] == 1520622968000
        assert events[0]["dedupe_key"] != events[1]["dedupe_key"]


def test_fields_catalogue() -> None:
    fields = webhooks.fields()
    names = {f["field"] for f in fields}
    assert {"messages", "message_reactions", "comments", "mentions", "story_insights"} <= names
    for f in fields:
        assert set(f) == {
            "field",
            "display_name",
            "description",
            "event_types",
            "envelope",
            "logins",
            "permissions",
        }
        assert f["envelope"] in ("changes", "messaging", "standby")
        assert f["event_types"]


def test_error_classes_by_kind() -> None:
    assert ig.errors.error_class_for_kind("invalid_signature") is ig.InvalidSignatureError
    assert ig.errors.error_class_for_kind("verification_failed") is ig.VerificationFailedError
    assert ig.errors.error_class_for_kind("invalid_payload") is ig.InvalidPayloadError


def test_receiver_repr_has_no_secret() -> None:
    r = webhooks.Receiver(app_secret=SECRET, verify_token=TOKEN)
    assert SECRET not in repr(r)
    assert TOKEN not in repr(r)
    with pytest.raises(ValueError, match="app_secret"):
        webhooks.Receiver(app_secret="")
