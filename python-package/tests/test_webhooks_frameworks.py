"""webhooks.Receiver in real frameworks: FastAPI and Starlette (TestClient), Flask (test
client), and its own ASGI and WSGI apps. The same matrix for each: handshake, wrong token,
missing/malformed/mismatched signature, bad payload, a delivery; never a 500 or a traceback."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from flask import Flask
from flask import request as flask_request
from starlette.applications import Starlette
from starlette.routing import Mount, Route
from werkzeug.test import Client as WerkzeugClient

from instagram_graph import webhooks

SECRET = "framework-app-secret-abcdef012345"
TOKEN = "framework-verify-token-777"
BODY = (
    b'{"object":"instagram","entry":[{"id":"17841400000000001","time":1716200000,'
    b'"changes":[{"field":"comments","value":{"from":{"id":"991","username":"someuser"},'
    b'"id":"17865799348089039","text":"Love this! \\u2764\\ufe0f",'
    b'"media":{"id":"17918195224117851","media_product_type":"FEED"}}}]}]}'
)


def signed(body: bytes = BODY, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


HANDSHAKE = {"hub.mode": "subscribe", "hub.verify_token": TOKEN, "hub.challenge": "4242"}


class Answer:
    """What a framework answered, in one shape."""

    def __init__(self, status: int, content_type: str, text: str) -> None:
        self.status, self.content_type, self.text = status, content_type, text


Get = Callable[[str], Answer]
Post = Callable[[bytes, dict[str, str]], Answer]

received: list[list[webhooks.WebhookEvent]] = []


def fastapi_app(receiver: webhooks.Receiver) -> Any:
    app = FastAPI()

    @app.api_route("/webhook", methods=["GET", "POST"])
    async def webhook(request: Request) -> Response:
        result = await receiver.handle_asgi_request(request)
        if result.events:
            received.append(result.events)
        return Response(result.body, result.status, media_type=result.content_type)

    return app


def starlette_mounted(receiver: webhooks.Receiver) -> Any:
    return Starlette(routes=[Mount("/webhook", app=receiver.asgi_app(received.append))])


def starlette_route(receiver: webhooks.Receiver) -> Any:
    from starlette.responses import Response as StarletteResponse

    async def webhook(request: Any) -> StarletteResponse:
        result = await receiver.handle_asgi_request(request)
        if result.events:
            received.append(result.events)
        return StarletteResponse(result.body, result.status, media_type=result.content_type)

    return Starlette(routes=[Route("/webhook", webhook, methods=["GET", "POST"])])


def flask_app(receiver: webhooks.Receiver) -> Any:
    app = Flask(__name__)

    @app.route("/webhook", methods=["GET", "POST"])
    def webhook() -> Any:
        result = receiver.handle_wsgi_request(flask_request)
        if result.events:
            received.append(result.events)
        return result.body, result.status, {"Content-Type": result.content_type}

    return app


def asgi_clients(make: Callable[[webhooks.Receiver], Any]) -> tuple[Get, Post]:
    client = TestClient(make(webhooks.Receiver(app_secret=SECRET, verify_token=TOKEN)))

    def get(query: str) -> Answer:
        r = client.get(f"/webhook?{query}")
        return Answer(r.status_code, r.headers.get("content-type", ""), r.text)

    def post(body: bytes, headers: dict[str, str]) -> Answer:
        r = client.post("/webhook", content=body, headers=headers)
        return Answer(r.status_code, r.headers.get("content-type", ""), r.text)

    return get, post


def wsgi_clients(app: Any) -> tuple[Get, Post]:
    client = WerkzeugClient(app)

    def get(query: str) -> Answer:
        r = client.get(f"/webhook?{query}")
        return Answer(r.status_code, r.headers.get("content-type", ""), r.get_data(as_text=True))

    def post(body: bytes, headers: dict[str, str]) -> Answer:
        r = client.post("/webhook", data=body, headers=headers)
        return Answer(r.status_code, r.headers.get("content-type", ""), r.get_data(as_text=True))

    return get, post


FRAMEWORKS: dict[str, Callable[[], tuple[Get, Post]]] = {
    "fastapi": lambda: asgi_clients(fastapi_app),
    "starlette-route": lambda: asgi_clients(starlette_route),
    "asgi_app-mounted": lambda: asgi_clients(starlette_mounted),
    "flask": lambda: wsgi_clients(
        flask_app(webhooks.Receiver(app_secret=SECRET, verify_token=TOKEN))
    ),
    "wsgi_app": lambda: wsgi_clients(
        webhooks.Receiver(app_secret=SECRET, verify_token=TOKEN).wsgi_app(received.append)
    ),
}


@pytest.fixture(params=sorted(FRAMEWORKS))
def http(request: pytest.FixtureRequest) -> tuple[Get, Post]:
    received.clear()
    return FRAMEWORKS[request.param]()


def assert_short_text(a: Answer) -> None:
    assert a.content_type.startswith("text/plain"), a.content_type
    assert "Traceback" not in a.text, a.text
    assert len(a.text) < 300, a.text
    assert SECRET not in a.text
    assert TOKEN not in a.text


def test_handshake(http: tuple[Get, Post]) -> None:
    get, _ = http
    a = get(urlencode(HANDSHAKE))
    assert (a.status, a.text) == (200, "4242")
    assert_short_text(a)


@pytest.mark.parametrize(
    "query",
    [
        {**HANDSHAKE, "hub.verify_token": "wrong"},
        {**HANDSHAKE, "hub.mode": "unsubscribe"},
        {"hub.mode": "subscribe", "hub.verify_token": TOKEN},
        {},
    ],
)
def test_handshake_refused_with_403(http: tuple[Get, Post], query: dict[str, str]) -> None:
    get, _ = http
    a = get(urlencode(query))
    assert a.status == 403, a.text
    assert_short_text(a)


def test_delivery(http: tuple[Get, Post]) -> None:
    _, post = http
    a = post(BODY, signed())
    assert (a.status, a.text) == (200, "EVENT_RECEIVED")
    [[event]] = received
    assert event["event_type"] == "comment"
    assert event["text"] == "Love this! ❤️"
    assert event["from_username"] == "someuser"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Content-Type": "application/json"}, 401),
        ({"X-Hub-Signature-256": "sha256=deadbeef"}, 401),
        ({"X-Hub-Signature-256": "nonsense"}, 401),
        (signed(secret="forged-secret"), 403),
        (signed(BODY + b" "), 403),
    ],
)
def test_bad_signatures(http: tuple[Get, Post], headers: dict[str, str], status: int) -> None:
    _, post = http
    a = post(BODY, headers)
    assert a.status == status, a.text
    assert_short_text(a)
    assert received == []


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"entry":"x"}', b"[" * 50_000])
def test_bad_payload_is_400(http: tuple[Get, Post], body: bytes) -> None:
    _, post = http
    a = post(body, signed(body))
    assert a.status == 400, a.text
    assert_short_text(a)
    assert received == []


def test_other_methods_405() -> None:
    app = webhooks.Receiver(app_secret=SECRET, verify_token=TOKEN).wsgi_app(received.append)
    r = WerkzeugClient(app).put("/webhook", data=b"x")
    assert r.status_code == 405
    assert r.headers["Allow"] == "GET, POST"


def test_no_verify_token_refuses_every_handshake() -> None:
    r = webhooks.Receiver(app_secret=SECRET).handle("GET", urlencode(HANDSHAKE), {}, b"")
    assert r.status == 403


def test_oversized_body_is_413() -> None:
    receiver = webhooks.Receiver(app_secret=SECRET, verify_token=TOKEN, max_body_bytes=100)
    a = asgi_clients(lambda _: receiver.asgi_app(received.append))[1](
        b"x" * 101, signed(b"x" * 101)
    )
    assert a.status == 413
    w = wsgi_clients(receiver.wsgi_app(received.append))[1](b"x" * 101, signed(b"x" * 101))
    assert w.status == 413


@pytest.mark.parametrize("kind", ["asgi", "wsgi"])
def test_a_failing_handler_is_a_short_500_so_meta_redelivers(kind: str) -> None:
    def boom(events: list[webhooks.WebhookEvent]) -> None:
        raise RuntimeError("handler broke")

    receiver = webhooks.Receiver(app_secret=SECRET, verify_token=TOKEN)
    if kind == "asgi":
        _, post = asgi_clients(lambda _: receiver.asgi_app(boom))
    else:
        _, post = wsgi_clients(receiver.wsgi_app(boom))
    a = post(BODY, signed())
    assert (a.status, a.text) == (500, "event handler failed")
    assert_short_text(a)


def test_async_on_events_is_awaited() -> None:
    got: list[str] = []

    async def on_events(events: list[webhooks.WebhookEvent]) -> None:
        got.extend(e["event_type"] for e in events)

    receiver = webhooks.Receiver(app_secret=SECRET, verify_token=TOKEN)
    _, post = asgi_clients(lambda _: receiver.asgi_app(on_events))
    assert post(BODY, signed()).status == 200
    assert got == ["comment"]
