"""The sandbox delivers like Meta: a stdlib http.server receiver subscribes through the app
subscription endpoint (with its GET handshake) and /me/subscribed_apps, ``sb.simulate``
makes signed POSTs, and what arrives verifies and parses to what was simulated. Also runs
examples/webhook_receiver.py --sandbox."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from support import REPO_ROOT

import instagram_graph as ig
from instagram_graph import webhooks

TOKEN = "round-trip-verify-token-42"


class Inbox:
    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], bytes]] = []
        self.handshakes: list[bool] = []


@pytest.fixture
def receiver() -> Iterator[tuple[str, Inbox]]:
    inbox = Inbox()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, text: str) -> None:
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            try:
                challenge = webhooks.verify_subscription(self.path, TOKEN)
            except ig.VerificationFailedError:
                inbox.handshakes.append(False)
                self._answer(403, "verification failed")
                return
            inbox.handshakes.append(True)
            self._answer(200, challenge)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            inbox.posts.append((dict(self.headers.items()), raw))
            self._answer(200, "EVENT_RECEIVED")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhook", inbox
    finally:
        server.shutdown()
        server.server_close()


def graph(sb: ig.sandbox.Sandbox, path: str, params: dict[str, str]) -> tuple[int, Any]:
    data = urllib.parse.urlencode(params).encode()
    req = urllib.request.Request(f"{sb.url}/v27.0/{path}", data=data, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def subscribe(sb: ig.sandbox.Sandbox, url: str, token: str) -> tuple[int, Any]:
    return graph(
        sb,
        f"{sb.app_id}/subscriptions",
        {
            "object": "instagram",
            "callback_url": url,
            "verify_token": token,
            "fields": "messages,comments,message_reactions",
            "include_values": "true",
            "access_token": sb.app_access_token,
        },
    )


def test_round_trip(receiver: tuple[str, Inbox]) -> None:
    url, inbox = receiver
    with ig.sandbox.start() as sb:
        status, body = subscribe(sb, url, "not-the-token")
        assert status != 200, body
        assert inbox.handshakes == [False]

        status, body = subscribe(sb, url, TOKEN)
        assert status == 200, body
        assert inbox.handshakes == [False, True]
        status, body = graph(
            sb,
            "me/subscribed_apps",
            {
                "subscribed_fields": "messages,comments,message_reactions",
                "access_token": sb.access_token,
            },
        )
        assert status == 200, body

        out = sb.simulate("message", text="café / ok")
        assert len(inbox.posts) == 1, out
        assert [d["status"] for d in out["deliveries"]] == [200]
        headers, raw = inbox.posts[0]
        # The exact bytes the sandbox says it sent, escaped like Meta's.
        assert raw == out["body"].encode()
        assert b"caf\\u00e9 \\/ ok" in raw
        assert webhooks.verify_signature(raw, headers, sb.app_secret) is True
        assert webhooks.verify_signature(raw, headers, "another-secret") is False
        [event] = webhooks.parse(raw)
        assert event["event_type"] == "message"
        assert event["text"] == "café / ok"
        assert event["account_id"] == sb.ig_user_id
        assert event["recipient_id"] == sb.ig_user_id

        inbox.posts.clear()
        sb.simulate("comment", batch=3)
        sb.simulate("reaction")
        events = []
        for headers, raw in inbox.posts:
            assert webhooks.verify_signature(raw, headers, sb.app_secret)
            events.extend(webhooks.parse(raw))
        assert [e["event_type"] for e in events] == ["comment"] * 3 + ["reaction"]
        assert len({e["dedupe_key"] for e in events}) == 4

        with pytest.raises(ig.InvalidParamsError):
            sb.simulate("no_such_event")
        with pytest.raises(ig.InvalidParamsError):
            sb.simulate("")
    with pytest.raises(ig.InvalidParamsError, match="stopped"):
        sb.simulate("message")


def test_example_receiver_runs_against_the_sandbox() -> None:
    example = REPO_ROOT / "examples" / "webhook_receiver.py"
    r = subprocess.run(  # noqa: S603 -- this interpreter running our own example
        [sys.executable, str(example), "--sandbox"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    for kind in ("message", "reaction", "comment"):
        assert f"event_type={kind} " in r.stdout, r.stdout
    assert "café / ok" in r.stdout
    assert "Traceback" not in r.stderr
