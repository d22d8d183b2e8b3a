"""The Graph API sandbox: a local, deterministic stand-in for graph.instagram.com and
graph.facebook.com (the token family decides which host's rules apply).

Example::

    import instagram_graph as ig

    with ig.sandbox.start(seed=7) as sb:
        client = sb.client()          # or ig.Client(sb.access_token, base_url=sb.url)
        print(client.user.get()["username"])
"""

from __future__ import annotations

import json
from types import TracebackType
from typing import Any

from . import _native
from ._client import AsyncClient, Client
from ._json import JsonDict, dump_options
from .errors import InvalidParamsError

__all__ = ["Sandbox", "start"]


class Sandbox:
    """A running sandbox (see :func:`start`). Stops on ``stop()``, at the end of a ``with``
    block, or when garbage-collected."""

    def __init__(self, native: _native.Sandbox) -> None:
        self._native = native

    @property
    def url(self) -> str:
        """Base URL to pass as ``Client(base_url=...)``."""
        return self._native.url

    @property
    def access_token(self) -> str:
        """Instagram Login token (``IGAA…``) of the demo account."""
        return self._native.access_token

    @property
    def facebook_access_token(self) -> str:
        """Facebook Login user token (``EAA…``) of the user who manages the Pages."""
        return self._native.facebook_access_token

    @property
    def page_access_token(self) -> str:
        """Page token of the Page linked to the demo account."""
        return self._native.page_access_token

    @property
    def app_id(self) -> str:
        """App id (numeric string): the OAuth ``client_id``."""
        return self._native.app_id

    @property
    def app_secret(self) -> str:
        """App secret of the demo app (for ``appsecret_proof`` and ``client_secret``)."""
        return self._native.app_secret

    @property
    def ig_user_id(self) -> str:
        """IG professional account id of the demo account (used in paths and webhooks)."""
        return self._native.ig_user_id

    @property
    def page_id(self) -> str:
        """Id of the Facebook Page linked to the demo account."""
        return self._native.page_id

    @property
    def running(self) -> bool:
        """Whether the sandbox still serves requests."""
        return self._native.running

    @property
    def info(self) -> JsonDict:
        """What the sandbox reports about itself (accounts, options)."""
        info: JsonDict = json.loads(self._native.info_json())
        return info

    def client(self, **options: Any) -> Client:
        """A :class:`~instagram_graph.Client` for the demo account (``options`` as for Client)."""
        options.setdefault("base_url", self.url)
        options.setdefault("app_secret", self.app_secret)
        return Client(self.access_token, **options)

    def async_client(self, **options: Any) -> AsyncClient:
        """An :class:`~instagram_graph.AsyncClient` for the demo account."""
        options.setdefault("base_url", self.url)
        options.setdefault("app_secret", self.app_secret)
        return AsyncClient(self.access_token, **options)

    def stats(self) -> JsonDict:
        """``GET /_sandbox/stats``: requests served, by endpoint."""
        return self._admin("GET", "stats")

    def reset(self) -> JsonDict:
        """``POST /_sandbox/reset``: back to the seeded state."""
        return self._admin("POST", "reset")

    def advance_clock(self, seconds: int) -> int:
        """``POST /_sandbox/clock``: move the virtual clock; returns its new time (unix s)."""
        now: int = self._admin("POST", "clock", {"advance_seconds": seconds})["now"]
        return now

    def set_faults(self, **settings: Any) -> JsonDict:
        """``POST /_sandbox/faults`` (``fault_rate``, ``fault_seed``, ``faults``, ``endpoints``,
        ``slow_ms``, ...); ``fault_rate=0`` turns faults off. Returns the settings."""
        return self._admin("POST", "faults", settings)

    def oauth_code(
        self, login: str = "instagram", redirect_uri: str = "https://example.com/cb"
    ) -> str:
        """``POST /_sandbox/oauth/code``: a fresh single-use authorization code."""
        code: str = self._admin(
            "POST", "oauth/code", {"login": login, "redirect_uri": redirect_uri}
        )["code"]
        return code

    def _admin(self, method: str, path: str, body: JsonDict | None = None) -> JsonDict:
        # Imported here: urllib.request (http.client, email, ssl) is half of the package's
        # import time, and only the sandbox's admin calls need it.
        import urllib.request

        data = None
        if method == "POST":
            data = json.dumps(body).encode() if body is not None else b""
        # Our own sandbox's http:// URL, never user input: S310's scheme concern does not apply.
        req = urllib.request.Request(  # noqa: S310
            f"{self.url}/_sandbox/{path}",
            method=method,
            data=data,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
            raw = resp.read()
        out: JsonDict = json.loads(raw) if raw else {}
        return out

    def simulate(self, event: str, **options: Any) -> JsonDict:
        """Simulate activity on the demo account and deliver it as signed webhooks to every
        subscribed callback (``POST /_sandbox/webhooks/simulate``), retrying like Meta.

        Blocks until the deliveries are answered, with the GIL released, so a callback served
        by another thread of this process can answer.

        Args:
            event: ``message``, ``message_echo``, ``message_edit``, ``message_deleted``,
                ``reaction``, ``unreact``, ``postback``, ``referral``, ``seen``, ``optin``,
                ``handover``, ``standby``, ``comment``, ``live_comment``, ``mention`` or
                ``story_insights``.
            **options: Passed as they are (the sandbox refuses unknown ones, naming them):
                ``sender_id``, ``text``, ``attachment`` (a kind: ``image``, ``ig_reel``,
                ``ephemeral``, ...), ``quick_reply_payload``, ``reply_to_story``, ``referral``,
                ``parent_id`` (a reply), ``batch`` (entries in one POST), ``duplicates``
                (extra identical redeliveries), ``time_unit`` (``"s"`` or ``"ms"``).

        Returns:
            ``{"deliveries": [{"id", "callback_url", "status", "attempts", ...}], "body": ...}``
            with ``body`` the exact text that was signed and sent.
        """
        if not isinstance(event, str) or not event:
            raise InvalidParamsError(
                "sandbox.simulate: event: expected an event kind such as 'message'"
            )
        spec = {**options, "event": event}
        out: JsonDict = json.loads(self._native.simulate(json.dumps(spec, ensure_ascii=False)))
        return out

    @property
    def app_access_token(self) -> str:
        """App access token (``app_id|app_secret``, as Meta accepts it) for the app-level
        ``/{app-id}/subscriptions`` endpoints."""
        token = self.info.get("app_access_token")
        return token if isinstance(token, str) else f"{self.app_id}|{self.app_secret}"

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        self._native.stop()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        # Never the token or app secret.
        state = "running" if self.running else "stopped"
        return f"Sandbox(url={self.url!r}, ig_user_id={self.ig_user_id!r}, {state})"


def start(
    *,
    seed: int | None = None,
    latency_ms: int | None = None,
    host: str | None = None,
    port: int | None = None,
    media_count: int | None = None,
    require_appsecret_proof: bool | None = None,
    fault_rate: float | None = None,
    fault_seed: int | None = None,
    faults: dict[str, float] | None = None,
    fault_endpoints: dict[str, float] | None = None,
    slow_ms: int | None = None,
    regain_minutes: int | None = None,
    long_regain_minutes: int | None = None,
    usage_start_percent: int | None = None,
) -> Sandbox:
    """Start a sandbox on a local port and return it once it accepts requests.

    Args:
        seed: Seed of the demo data (default 42); the same seed gives the same data.
        latency_ms: Delay added to every Graph request.
        host: Interface to bind (default ``127.0.0.1``).
        port: Port to bind (default: any free port).
        media_count: Number of media of the demo account.
        require_appsecret_proof: Reject calls without ``appsecret_proof``.
        fault_rate: Probability (0..1) that a Graph request fails, a mix of every fault kind.
        fault_seed: Seed of the fault sequence (same seed and requests, same faults).
        faults: Explicit probability per fault kind, e.g. ``{"http_500": 0.1}``.
        fault_endpoints: Total fault rate per endpoint key, e.g. ``{"GET /{id}/media": 0.5}``.
        slow_ms: Delay of the ``slow`` fault (default 3000).
        regain_minutes: ``estimated_time_to_regain_access`` of throttles (default 0).
        long_regain_minutes: The same for ``throttle_long`` (default 60).
        usage_start_percent: Usage headers start at this percentage (default 0).
    """
    options = {
        "seed": seed,
        "latency_ms": latency_ms,
        "host": host,
        "port": port,
        "media_count": media_count,
        "require_appsecret_proof": require_appsecret_proof,
        "fault_rate": fault_rate,
        "fault_seed": fault_seed,
        "faults": faults,
        "fault_endpoints": fault_endpoints,
        "slow_ms": slow_ms,
        "regain_minutes": regain_minutes,
        "long_regain_minutes": long_regain_minutes,
        "usage_start_percent": usage_start_percent,
    }
    return Sandbox(_native.Sandbox.start(dump_options(options)))
