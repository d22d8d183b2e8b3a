"""Receive Meta's Instagram webhooks: verify the signature over the exact raw request bytes,
answer the GET subscription handshake, and parse a delivery into normalized events with the
same snake_case keys as in Node and in the n8n trigger.

Functions::

    from instagram_graph import webhooks

    challenge = webhooks.verify_subscription(query_string, verify_token)   # GET; raises
                                                    # VerificationFailedError (answer 403)
    ok = webhooks.verify_signature(raw_body, headers, app_secret)          # POST; bytes only
    for event in webhooks.parse(raw_body):
        if event["event_type"] == "message":
            print(event["sender_id"], event["text"])

``verify_signature`` takes the ``X-Hub-Signature-256`` value or the request's headers (read
case-insensitively; the legacy sha1 ``X-Hub-Signature`` only when no sha256 header is there).
It returns False for a well-formed signature that does not match and raises
:class:`~instagram_graph.errors.InvalidSignatureError` for a missing or malformed one.
``raw_body`` must be ``bytes`` (or ``bytearray``/``memoryview``): a ``str`` or a parsed ``dict``
is refused with ``TypeError``, because Meta signs the exact bytes it sends.

One helper for web frameworks, :class:`Receiver`, does all of it and answers like Meta
expects: GET handshake → 200 ``text/plain`` challenge; wrong verify token → 403; missing or
malformed signature → 401; a signature that does not match → 403; a body that is not a
delivery → 400; a delivery → 200 ``EVENT_RECEIVED`` with the events. Bad input never gives a
500 nor a traceback; only an exception of your own ``on_events`` does (500 ``event handler
failed``, logged), so that Meta redelivers::

    receiver = webhooks.Receiver(app_secret=APP_SECRET, verify_token=VERIFY_TOKEN)

    # FastAPI / Starlette
    @app.api_route("/webhook", methods=["GET", "POST"])
    async def webhook(request: Request) -> Response:
        result = await receiver.handle_asgi_request(request)
        for event in result.events: ...
        return Response(result.body, result.status, media_type=result.content_type)

    # Flask
    @app.route("/webhook", methods=["GET", "POST"])
    def webhook():
        result = receiver.handle_wsgi_request(request)
        return result.body, result.status, {"Content-Type": result.content_type}

    # Or a whole app: plain ASGI (uvicorn, or mounted in Starlette) or WSGI (wsgiref, gunicorn)
    asgi = receiver.asgi_app(on_events)   # on_events(events) may be async
    wsgi = receiver.wsgi_app(on_events)

Deduplicate on ``event["dedupe_key"]``: Meta redelivers for up to 36 hours.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import (
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl

from . import _native
from ._webhook_events import (
    CommentEvent,
    HandoverEvent,
    MentionEvent,
    MessageEditEvent,
    MessageEvent,
    OptinEvent,
    PostbackEvent,
    ReactionEvent,
    ReferralEvent,
    SeenEvent,
    StoryInsightsEvent,
    UnknownEvent,
    WebhookEvent,
    WebhookField,
)
from .errors import (
    InstagramError,
    InvalidPayloadError,
    InvalidSignatureError,
    VerificationFailedError,
)

__all__ = [
    "MAX_BODY_BYTES",
    "CommentEvent",
    "HandoverEvent",
    "MentionEvent",
    "MessageEditEvent",
    "MessageEvent",
    "OptinEvent",
    "PostbackEvent",
    "ReactionEvent",
    "Receiver",
    "ReferralEvent",
    "SeenEvent",
    "StoryInsightsEvent",
    "UnknownEvent",
    "WebhookEvent",
    "WebhookField",
    "WebhookResponse",
    "fields",
    "parse",
    "verify_signature",
    "verify_subscription",
]

#: The largest body the core parses (Meta batches at most 1,000 updates per POST).
MAX_BODY_BYTES = 16 * 1024 * 1024

_log = logging.getLogger("instagram_graph.webhooks")

_RAW_BODY = (
    "raw_body must be the raw request bytes (bytes): Meta signs the exact bytes; "
    "a parsed or re-serialized body cannot be verified"
)

RawBody = bytes | bytearray | memoryview
"""What the functions take as the body: the bytes as received."""


class HeadersLike(Protocol):
    """Request headers: a dict, Starlette's ``Headers``, Werkzeug's ``Headers`` (anything
    with ``items()``); names are matched case-insensitively."""

    def items(self) -> Iterable[tuple[Any, Any]]: ...


def _raw_bytes(raw_body: object) -> bytes:
    if isinstance(raw_body, bytes):
        return raw_body
    if isinstance(raw_body, (bytearray, memoryview)):
        return bytes(raw_body)
    raise TypeError(f"{_RAW_BODY} (got {type(raw_body).__name__})")


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, (bytes, bytearray)) else str(value)


def _header(headers: HeadersLike, name: str) -> str | None:
    """The first value of header ``name`` (lower case), matched case-insensitively."""
    for key, value in headers.items():
        if _text(key).lower() == name:
            return _text(value)
    return None


def _require_str(what: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what}: expected a str, got {type(value).__name__}")
    return value


def _encodable(value: str | None) -> bool:
    """Whether the native module can take ``value`` (a lone surrogate is not UTF-8)."""
    if value is None or value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def verify_signature(raw_body: RawBody, header: str | HeadersLike, app_secret: str) -> bool:
    """Check Meta's signature over the exact raw body bytes.

    Args:
        raw_body: The request body as received (``bytes``, ``bytearray`` or ``memoryview``).
        header: The ``X-Hub-Signature-256`` value (``sha256=<hex>``; a legacy ``sha1=<hex>``
            is accepted too), or the request's headers: ``X-Hub-Signature-256`` when present,
            ``X-Hub-Signature`` (sha1) only when it is absent.
        app_secret: The app secret (for Instagram Login apps, the Instagram app secret).

    Returns:
        True when the signature matches, False when a well-formed one does not.

    Raises:
        InvalidSignatureError: No signature, or a malformed, non-hex or truncated one, or an
            empty app secret.
        TypeError: ``raw_body`` is not bytes (a ``str`` or a parsed ``dict``).
    """
    raw = _raw_bytes(raw_body)
    secret = _require_str("app_secret", app_secret)
    if not _encodable(secret):
        raise InvalidSignatureError("webhook signature: app_secret is not valid text")
    if isinstance(header, str):
        if not _encodable(header):
            raise InvalidSignatureError("webhook signature: the header is not valid text")
        return _native.webhook_verify_signature(raw, header, secret)
    if not hasattr(header, "items"):
        raise TypeError(
            "header: expected the X-Hub-Signature-256 value or the request headers, "
            f"got {type(header).__name__}"
        )
    sha256 = _header(header, "x-hub-signature-256")
    sha1 = _header(header, "x-hub-signature")
    if not (_encodable(sha256) and _encodable(sha1)):
        raise InvalidSignatureError("webhook signature: the header is not valid text")
    return _native.webhook_verify_signature_headers(raw, sha256, sha1, secret)


def _query_pairs(query: Mapping[str, str | Sequence[str]] | str | bytes) -> list[tuple[str, str]]:
    if isinstance(query, bytes):
        query = query.decode("latin-1")
    if isinstance(query, str):
        # A whole URL or path: the part after '?'.
        q = query.split("?", 1)[1] if "?" in query else query
        return parse_qsl(q.split("#", 1)[0], keep_blank_values=True)
    if not hasattr(query, "items"):
        raise TypeError(f"query: expected a mapping or a query string, got {type(query).__name__}")
    pairs: list[tuple[str, str]] = []
    # Werkzeug's MultiDict and Starlette's QueryParams give every value with multi_items().
    multi = getattr(query, "multi_items", None) or getattr(query, "items", None)
    items: Iterable[tuple[Any, Any]] = multi() if callable(multi) else query.items()
    for key, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((str(key), _text(v)) for v in values if v is not None)
    return pairs


def verify_subscription(
    query: Mapping[str, str | Sequence[str]] | str | bytes, verify_token: str
) -> str:
    """Answer Meta's GET handshake.

    Args:
        query: The query: a mapping (``request.args``, ``request.query_params``, a dict), or
            the query string (a whole URL is fine). ``hub_mode``-style keys are accepted too.
        verify_token: The verify token you gave Meta.

    Returns:
        ``hub.challenge``, to send back as ``text/plain`` with status 200.

    Raises:
        VerificationFailedError: ``hub.mode`` is not ``subscribe``, the token does not match,
            or there is no challenge (answer 403). The message never quotes either token.
    """
    token = _require_str("verify_token", verify_token)
    pairs = _query_pairs(query)
    if not all(_encodable(k) and _encodable(v) for k, v in pairs) or not _encodable(token):
        raise VerificationFailedError("webhook verification: the query is not valid text")
    return _native.webhook_verify_subscription(pairs, token)


def parse(raw_body: RawBody) -> list[WebhookEvent]:
    """Parse a delivery's raw body into normalized events, in delivery order.

    Items not recognised become ``unknown`` events (with ``raw``) and never fail the batch.
    Verify the signature first.

    Raises:
        InvalidPayloadError: The body is not a delivery (not JSON, wrong shape, too large).
        TypeError: ``raw_body`` is not bytes.
    """
    events: list[Any] = _native.webhook_parse_objects(_raw_bytes(raw_body))
    return events


def fields() -> list[WebhookField]:
    """The subscribable webhook fields: ``field``, ``display_name``, ``description``,
    ``event_types``, ``envelope`` and ``logins`` of each."""
    out: list[WebhookField] = json.loads(_native.webhook_fields())
    return out


@dataclass(frozen=True)
class WebhookResponse:
    """What :class:`Receiver` answers: send ``status``, ``content_type`` and ``body``; the
    parsed ``events`` of a verified delivery (empty otherwise)."""

    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"
    events: list[WebhookEvent] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    """Extra headers (``Allow`` on a 405)."""

    @property
    def ok(self) -> bool:
        """Whether this is a 2xx answer."""
        return 200 <= self.status < 300


class StarletteRequestLike(Protocol):
    """What :meth:`Receiver.handle_asgi_request` reads of a Starlette/FastAPI ``Request``."""

    @property
    def method(self) -> str: ...
    @property
    def headers(self) -> Any: ...
    @property
    def url(self) -> Any: ...
    async def body(self) -> bytes: ...


class WerkzeugRequestLike(Protocol):
    """What :meth:`Receiver.handle_wsgi_request` reads of a Flask/Werkzeug ``Request``."""

    @property
    def method(self) -> str: ...
    @property
    def headers(self) -> Any: ...
    @property
    def query_string(self) -> bytes: ...
    @property
    def content_length(self) -> int | None: ...
    def get_data(self, cache: bool = ...) -> bytes: ...


OnEvents = Callable[[list[WebhookEvent]], Awaitable[None] | None]
"""What the app forms call with each verified delivery's events (may be async for ASGI)."""

_ASGIReceive = Callable[[], Awaitable[MutableMapping[str, Any]]]
_ASGISend = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], _ASGIReceive, _ASGISend], Awaitable[None]]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _text_response(status: int, body: str, **extra: Any) -> WebhookResponse:
    return WebhookResponse(status, body, **extra)


class Receiver:
    """Verifies and parses webhook requests and answers Meta's handshake (see the module).

    Args:
        app_secret: The app secret the signatures are checked with (required: no secret, no
            delivery is accepted).
        verify_token: The verify token of the subscription handshake; without it every GET
            handshake is refused (403).
        max_body_bytes: Larger bodies are refused with 413 before they are read.
    """

    def __init__(
        self,
        *,
        app_secret: str,
        verify_token: str | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        if not isinstance(app_secret, str) or not app_secret:
            raise ValueError("Receiver: app_secret is required to verify deliveries")
        if verify_token is not None and not isinstance(verify_token, str):
            raise TypeError("Receiver: verify_token: expected a str")
        self._app_secret = app_secret
        self._verify_token = verify_token
        self.max_body_bytes = max_body_bytes

    def __repr__(self) -> str:
        # Never the secret or the token.
        return f"Receiver(verify_token={'set' if self._verify_token else 'unset'})"

    def handle(
        self,
        method: str,
        query: Mapping[str, str | Sequence[str]] | str | bytes,
        headers: HeadersLike,
        body: RawBody,
    ) -> WebhookResponse:
        """Answer one request given its parts (what the framework methods call)."""
        method = method.upper()
        if method == "GET":
            return self._handshake(query)
        if method == "POST":
            return self._delivery(headers, body)
        return _text_response(405, "method not allowed", headers={"Allow": "GET, POST"})

    def _handshake(self, query: Mapping[str, str | Sequence[str]] | str | bytes) -> WebhookResponse:
        if self._verify_token is None:
            return _text_response(403, "verification failed: no verify_token is configured")
        try:
            return _text_response(200, verify_subscription(query, self._verify_token))
        except VerificationFailedError as e:
            return _text_response(403, f"verification failed: {e.message}")
        except (InstagramError, TypeError, ValueError):
            _log.exception("webhook handshake could not be checked")
            return _text_response(403, "verification failed")

    def _delivery(self, headers: HeadersLike, body: RawBody) -> WebhookResponse:
        if len(body) > self.max_body_bytes:
            return _text_response(413, "payload too large")
        sha256 = _header(headers, "x-hub-signature-256")
        sha1 = _header(headers, "x-hub-signature")
        if sha256 is None and sha1 is None:
            return _text_response(401, "missing X-Hub-Signature-256 header")
        try:
            raw = _raw_bytes(body)
            good = verify_signature(raw, headers, self._app_secret)
        except InvalidSignatureError as e:
            return _text_response(401, f"invalid signature: {e.message}")
        if not good:
            return _text_response(403, "signature does not match")
        try:
            events = parse(raw)
        except InvalidPayloadError as e:
            return _text_response(400, f"invalid payload: {e.message}")
        except InstagramError:
            _log.exception("webhook delivery could not be parsed")
            return _text_response(400, "invalid payload")
        return _text_response(200, "EVENT_RECEIVED", events=events)

    async def handle_asgi_request(self, request: StarletteRequestLike) -> WebhookResponse:
        """Answer a Starlette/FastAPI ``Request`` (reads its body)."""
        length = _header(request.headers, "content-length")
        is_post = request.method.upper() == "POST"
        if is_post and length and length.isdigit() and int(length) > self.max_body_bytes:
            return _text_response(413, "payload too large")
        body = await request.body() if is_post else b""
        return self.handle(request.method, str(request.url.query), request.headers, body)

    def handle_wsgi_request(self, request: WerkzeugRequestLike) -> WebhookResponse:
        """Answer a Flask/Werkzeug ``Request`` (reads its body, kept cached for later use)."""
        is_post = request.method.upper() == "POST"
        if is_post and (request.content_length or 0) > self.max_body_bytes:
            return _text_response(413, "payload too large")
        body = request.get_data(cache=True) if is_post else b""
        return self.handle(request.method, request.query_string, request.headers, body)

    def asgi_app(self, on_events: OnEvents) -> ASGIApp:
        """A plain ASGI app answering every path (uvicorn, or mounted in Starlette/FastAPI);
        ``on_events`` (sync or async) gets each verified delivery's events before the 200."""

        async def app(
            scope: MutableMapping[str, Any], receive: _ASGIReceive, send: _ASGISend
        ) -> None:
            if scope["type"] == "lifespan":
                while True:
                    message = await receive()
                    if message["type"] == "lifespan.startup":
                        await send({"type": "lifespan.startup.complete"})
                    elif message["type"] == "lifespan.shutdown":
                        await send({"type": "lifespan.shutdown.complete"})
                        return
            if scope["type"] != "http":
                return
            headers = [(_text(k), _text(v)) for k, v in scope.get("headers", [])]
            result = await self._asgi_result(scope, receive, headers)
            if result.ok and result.events:
                try:
                    done = on_events(result.events)
                    if inspect.isawaitable(done):
                        await done
                except Exception:
                    _log.exception("webhook on_events failed")
                    result = _text_response(500, "event handler failed")
            out_headers = [
                (b"content-type", result.content_type.encode()),
                *((k.lower().encode(), v.encode()) for k, v in result.headers.items()),
            ]
            await send(
                {"type": "http.response.start", "status": result.status, "headers": out_headers}
            )
            await send({"type": "http.response.body", "body": result.body.encode()})

        return app

    async def _asgi_result(
        self, scope: MutableMapping[str, Any], receive: _ASGIReceive, headers: list[tuple[str, str]]
    ) -> WebhookResponse:
        method = str(scope.get("method", "GET"))
        body = bytearray()
        if method.upper() == "POST":
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return _text_response(400, "client disconnected")
                body += message.get("body", b"")
                if len(body) > self.max_body_bytes:
                    return _text_response(413, "payload too large")
                if not message.get("more_body", False):
                    break
        return self.handle(method, _text(scope.get("query_string", b"")), _Pairs(headers), body)

    def wsgi_app(self, on_events: Callable[[list[WebhookEvent]], None]) -> WSGIApp:
        """A plain WSGI app answering every path (wsgiref, gunicorn, or mounted in Flask);
        ``on_events`` gets each verified delivery's events before the 200."""

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            result = self._wsgi_result(environ)
            if result.ok and result.events:
                try:
                    on_events(result.events)
                except Exception:
                    _log.exception("webhook on_events failed")
                    result = _text_response(500, "event handler failed")
            body = result.body.encode()
            status = f"{result.status} {_REASONS.get(result.status, 'Status')}"
            start_response(
                status,
                [
                    ("Content-Type", result.content_type),
                    ("Content-Length", str(len(body))),
                    *result.headers.items(),
                ],
            )
            return [body]

        return app

    def _wsgi_result(self, environ: dict[str, Any]) -> WebhookResponse:
        method = str(environ.get("REQUEST_METHOD", "GET"))
        headers = _Pairs(
            [
                (k[5:].replace("_", "-").lower(), str(v))
                for k, v in environ.items()
                if k.startswith("HTTP_")
            ]
        )
        body = b""
        if method.upper() == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return _text_response(400, "bad Content-Length")
            if length > self.max_body_bytes:
                return _text_response(413, "payload too large")
            body = environ["wsgi.input"].read(length) if length > 0 else b""
        return self.handle(method, str(environ.get("QUERY_STRING", "")), headers, body)


class _Pairs:
    """Header pairs as :class:`HeadersLike`."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def items(self) -> Iterator[tuple[str, str]]:
        return iter(self._pairs)


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
}
