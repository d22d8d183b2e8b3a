"""Error classes: hierarchy, fields, pickling, secrets, and the shared Graph error fixtures
(Meta's documented envelopes) classified through the native code and through real HTTP."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from support import FIXTURES

import instagram_graph as ig
from instagram_graph import _native, errors

ERROR_FIXTURES = sorted((FIXTURES / "graph" / "errors").glob("*.json"))


def load_fixture(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_hierarchy() -> None:
    for cls in (
        ig.AuthError,
        ig.PermissionDeniedError,
        ig.RateLimitError,
        ig.NotFoundError,
        ig.TransientError,
        ig.ConflictError,
    ):
        assert issubclass(cls, ig.ApiError)
    for base in (ig.ApiError, ig.InvalidParamsError, ig.TransportError, ig.UnsupportedError):
        assert issubclass(base, ig.InstagramError)
    assert issubclass(ig.InvalidParamsError, ValueError)
    assert issubclass(ig.InternalError, ig.InstagramError)
    assert errors.error_class_for_kind("rate_limited") is ig.RateLimitError
    assert errors.error_class_for_kind("something_new") is ig.ApiError


def test_fields_str_and_repr() -> None:
    err = ig.RateLimitError(
        "media.list: too many calls",
        http_status=400,
        code=80002,
        fbtrace_id="Bx1",
        is_transient=False,
        retry_after=12.5,
        error_data={"blame": ["x"]},
    )
    assert err.kind == "rate_limited"
    assert err.retry_after == 12.5
    assert str(err) == (
        "media.list: too many calls (code 80002, HTTP 400, fbtrace_id Bx1, retry after 12.5s)"
    )
    assert repr(err).startswith("RateLimitError(kind='rate_limited', message=")
    assert err.to_dict()["error_data"] == {"blame": ["x"]}
    assert err.args == ("media.list: too many calls",)


@pytest.mark.parametrize(
    "err",
    [
        ig.AuthError("bad token", http_status=400, code=190, error_subcode=463, fbtrace_id="A"),
        ig.RateLimitError("slow down", code=4, is_transient=True, retry_after=3.0),
        ig.InvalidParamsError("media.list: params.limit: too big"),
        ig.ApiError("odd", kind="api", error_data={"k": [1, 2]}, error_user_msg="Hi"),
        ig.TransportError("refused", is_transient=True),
    ],
)
def test_errors_pickle_round_trip(err: ig.InstagramError) -> None:
    back = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own bytes
    assert type(back) is type(err)
    assert back.to_dict() == err.to_dict()
    assert str(back) == str(err)
    assert back.args == err.args


def test_a_real_error_pickles(client: ig.Client) -> None:
    with pytest.raises(ig.NotFoundError) as info:
        client.media.get(media_id="17999999999999999")
    back = pickle.loads(pickle.dumps(info.value))  # noqa: S301 - our own bytes
    assert isinstance(back, ig.NotFoundError)
    assert back.to_dict() == info.value.to_dict()


def test_there_are_shared_error_fixtures() -> None:
    assert ERROR_FIXTURES, f"no fixtures under {FIXTURES / 'graph' / 'errors'}"


def check_expected(err: BaseException, expected: dict[str, Any]) -> None:
    assert isinstance(err, ig.InstagramError)
    assert type(err) is errors.error_class_for_kind(expected["kind"])
    for field, value in expected.items():
        assert getattr(err, field) == value, field


@pytest.mark.parametrize("path", ERROR_FIXTURES, ids=lambda p: p.stem)
def test_fixture_envelopes_classify(path: Path) -> None:
    fx = load_fixture(path)
    err = _native._error_from_graph(fx["http_status"], json.dumps(fx["body"]))
    assert isinstance(err, ig.InstagramError)
    check_expected(err, fx["expected"])
    assert err.http_status == fx["http_status"]


class _GraphStandIn(BaseHTTPRequestHandler):
    """Answers every request with the current fixture, and echoes the caller's token into an
    extra error to prove it is scrubbed."""

    answer: ClassVar[tuple[int, bytes]] = (500, b"")

    def do_GET(self) -> None:
        status, body = self.answer
        if body == b"ECHO":
            token = parse_qs(urlsplit(self.path).query).get("access_token", ["?"])[0]
            status = 400
            body = json.dumps(
                {
                    "error": {
                        "message": f"Malformed access token {token}",
                        "type": "OAuthException",
                        "code": 190,
                        "error_data": {"token": token},
                    }
                }
            ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def stand_in() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GraphStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("path", ERROR_FIXTURES, ids=lambda p: p.stem)
def test_fixture_envelopes_over_http(stand_in: str, path: Path) -> None:
    fx = load_fixture(path)
    body = b"" if fx["body"] is None else json.dumps(fx["body"]).encode()
    _GraphStandIn.answer = (fx["http_status"], body)
    client = ig.Client("EAAfixtureToken", base_url=stand_in, max_retries=0)
    with pytest.raises(ig.InstagramError) as info:
        client.user.get(ig_user_id="17841400000000001")
    check_expected(info.value, fx["expected"])
    assert info.value.http_status == fx["http_status"]
    assert info.value.message.startswith("user.get: ")


def test_a_token_echoed_by_the_server_is_scrubbed(stand_in: str) -> None:
    token = "EAAechoedSecretToken42"
    _GraphStandIn.answer = (400, b"ECHO")
    client = ig.Client(token, base_url=stand_in, max_retries=0)
    with pytest.raises(ig.AuthError) as info:
        client.user.get()
    err = info.value
    assert "Malformed access token" in err.message
    for text in (str(err), repr(err), repr(err.args), json.dumps(err.to_dict())):
        assert token not in text


def panic_hook() -> Any:
    """The native test hook (feature ``test-hooks``, built by ``make py-build``). Its absence
    fails the tests unless IG_NO_TEST_HOOKS=1 says the build is meant to lack it."""
    hook = getattr(_native, "_panic_in_future", None)
    if hook is None:
        if os.environ.get("IG_NO_TEST_HOOKS") == "1":
            pytest.skip("native module built without the test-hooks feature (IG_NO_TEST_HOOKS=1)")
        pytest.fail("native module lacks _panic_in_future: build it with --features test-hooks")
    return hook


def test_a_panic_in_the_blocking_path_is_an_internal_error() -> None:
    with pytest.raises(ig.InternalError, match="deliberate panic") as info:
        panic_hook()()
    assert info.value.kind == "internal"


@pytest.mark.asyncio
async def test_a_panic_in_an_awaitable_is_an_internal_error() -> None:
    with pytest.raises(ig.InternalError, match="deliberate panic"):
        await panic_hook()(awaitable=True)


def _secrets(sb: ig.sandbox.Sandbox) -> tuple[str, str, str]:
    proof = hmac.new(sb.app_secret.encode(), sb.access_token.encode(), hashlib.sha256)
    return sb.access_token, sb.app_secret, proof.hexdigest()


def test_a_panic_message_is_scrubbed_of_the_clients_secrets(
    sb: ig.sandbox.Sandbox, capfd: pytest.CaptureFixture[str]
) -> None:
    client = sb.client()  # token, app secret and appsecret_proof
    hook = panic_hook()
    with pytest.raises(ig.InternalError, match="quoting") as info:
        hook(client=client._inner)
    message = str(info.value)
    assert "[redacted]" in message
    printed = capfd.readouterr().err
    assert "panic" in printed
    for secret in _secrets(sb):
        assert secret not in message
        assert secret not in repr(info.value)
        # The panic hook prints where, not what: stderr never sees the secrets either.
        assert secret not in printed


@pytest.mark.asyncio
async def test_a_panic_message_is_scrubbed_in_the_asyncio_path(sb: ig.sandbox.Sandbox) -> None:
    client = sb.async_client()
    with pytest.raises(ig.InternalError, match="quoting") as info:
        await panic_hook()(awaitable=True, client=client._inner)
    for secret in _secrets(sb):
        assert secret not in str(info.value)


def test_unknown_error_fields_are_kept() -> None:
    err = ig.ApiError("boom", retryable=True, new_field={"x": 1})
    assert err.extra == {"retryable": True, "new_field": {"x": 1}}
    assert err.to_dict()["retryable"] is True
    again = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own object
    assert again.extra == err.extra


def test_new_kinds_have_classes() -> None:
    assert errors.error_class_for_kind("cancelled") is ig.CancelledError
    assert errors.error_class_for_kind("unexpected_response") is ig.UnexpectedResponseError
    assert issubclass(ig.ClientClosedError, ig.UnsupportedError)
    assert issubclass(ig.ClientClosedError, RuntimeError)
