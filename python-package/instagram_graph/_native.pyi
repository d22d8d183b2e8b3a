"""Type stubs of the native module (bindings-python). JSON strings cross the boundary;
use the classes of :mod:`instagram_graph` rather than this module."""

import asyncio
from collections.abc import Callable
from typing import Any, final

__version__: str
DEFAULT_API_VERSION: str

def operations() -> str:
    """The operation catalogue as a JSON array string."""

def _error_from_graph(http_status: int, body_json: str) -> BaseException:
    """The exception a Graph answer classifies as (no request is made)."""

def webhook_verify_signature(raw_body: bytes, header: str, app_secret: str) -> bool:
    """Check a signature header value over the raw body (GIL released for large bodies)."""

def webhook_verify_signature_headers(
    raw_body: bytes, sha256_header: str | None, sha1_header: str | None, app_secret: str
) -> bool:
    """The sha256 header when given, the sha1 one only without it."""

def webhook_verify_subscription(pairs: list[tuple[str, str]], verify_token: str) -> str:
    """The ``hub.challenge`` of a valid handshake; raises VerificationFailedError."""

def webhook_parse_objects(raw_body: bytes) -> list[dict[str, Any]]:
    """The normalized events of a delivery as dicts (the parse itself without the GIL for
    large bodies)."""

def webhook_fields() -> str:
    """The subscribable webhook fields as a JSON array."""

def webhook_event_schema() -> str:
    """The normalized webhook events' schema as a JSON object (what tools/generate.py reads)."""

def shortcode_to_pk(shortcode: str) -> str:
    """The media pk (decimal text) a shortcode spells; raises InvalidParamsError."""

def shortcode_from_pk(pk: str) -> str:
    """The shortcode of a media pk given as decimal text (or ``<pk>_<owner>``)."""

def shortcode_from_url(url: str) -> str:
    """The shortcode in a post, reel or IGTV URL; raises InvalidParamsError."""

def shortcode_parse(value: str) -> str:
    """The public shortcode of a URL or a bare shortcode; raises InvalidParamsError."""

def shortcode_created_at(pk: str) -> int | None:
    """Creation time (Unix seconds) encoded in a media pk, or None."""

@final
class Client:
    """A Graph API client for one access token (thread-safe)."""

    def __new__(
        cls, config_json: str, on_token_refresh: Callable[[str], None] | None = None
    ) -> Client: ...
    def call(
        self,
        op_id: str,
        params_json: str | None = None,
        progress: Callable[[str], None] | None = None,
        detailed: bool = False,
    ) -> str:
        """Call an operation; blocks with the GIL released. Returns the JSON result
        (``{value, report}`` when ``detailed``); progress reports arrive as JSON text."""

    def call_async(
        self,
        op_id: str,
        params_json: str | None = None,
        progress: Callable[[str], None] | None = None,
        detailed: bool = False,
    ) -> asyncio.Future[str]:
        """Same as ``call``, as an asyncio awaitable (needs a running event loop)."""

    def paginator(
        self,
        op_id: str,
        params_json: str | None = None,
        max_items: int | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Paginator:
        """Start walking a paginated operation; params are validated now."""

    def close(self) -> None:
        """Refuse every further request of this client and its paginators."""

    @property
    def closed(self) -> bool: ...
    @property
    def login(self) -> str: ...
    @property
    def api_version(self) -> str: ...
    @property
    def version_warning(self) -> str | None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def token_expires_at(self) -> int | None: ...
    @property
    def token_warning(self) -> str | None: ...
    def refresh_token_if_needed(self, ahead_secs: float) -> str | None:
        """Refresh the token when due within ``ahead_secs``; the new token info as JSON, or
        None (blocking, GIL released)."""

    def refresh_token_if_needed_async(self, ahead_secs: float) -> asyncio.Future[str | None]:
        """Same as ``refresh_token_if_needed``, as an asyncio awaitable."""

    def usage_json(self) -> str | None:
        """The last usage reading from Meta's headers as JSON, or None before any call."""

@final
class Paginator:
    """One walk over a paginated operation."""

    def next_page(self) -> str | None:
        """The next page as JSON ``{data, paging}``, or None at the end (blocking)."""

    def next_page_async(self) -> asyncio.Future[str | None]:
        """Same as ``next_page``, as an asyncio awaitable."""

    def report_json(self) -> str:
        """``{requests, retries, waited_ms}`` of the walk so far, as JSON."""

    def resume_cursor(self) -> str | None:
        """The ``after`` cursor to resume from, between cursor pages."""

@final
class Sandbox:
    """A running embedded Graph API sandbox."""

    @staticmethod
    def start(options_json: str | None = None) -> Sandbox: ...
    @property
    def url(self) -> str: ...
    @property
    def access_token(self) -> str: ...
    @property
    def facebook_access_token(self) -> str: ...
    @property
    def page_access_token(self) -> str: ...
    @property
    def app_id(self) -> str: ...
    @property
    def app_secret(self) -> str: ...
    @property
    def ig_user_id(self) -> str: ...
    @property
    def page_id(self) -> str: ...
    @property
    def running(self) -> bool: ...
    def info_json(self) -> str: ...
    def simulate(self, spec_json: str) -> str:
        """Simulate activity and deliver it as signed webhooks (GIL released meanwhile);
        the ``/_sandbox/webhooks/simulate`` answer as JSON."""

    def stop(self) -> None: ...

def _panic_in_future(awaitable: bool = False, client: Client | None = None) -> Any:
    """Test hook (only in builds with the ``test-hooks`` feature): a panic inside a future,
    surfacing as InternalError; with ``client``, its message quotes the client's secrets."""
