"""``Client`` (blocking) and ``AsyncClient`` (asyncio) over the native client."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import math
import warnings
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, Literal, TypeAlias, TypedDict

from . import _native
from ._generated import AsyncOperations, SyncOperations
from ._json import JsonDict, check_text, dump_options, dump_params, load
from .errors import (
    ApiVersionWarning,
    ClientClosedError,
    InvalidParamsError,
    UnsupportedError,
)

Login = Literal["instagram", "facebook"]
"""Which login the token comes from: Instagram Login (graph.instagram.com) or Facebook Login
(graph.facebook.com, Page-linked accounts)."""

DEFAULT_API_VERSION: str = _native.DEFAULT_API_VERSION

_log = logging.getLogger("instagram_graph")

#: ``max_items`` above this walks everything (the core counts items in 64 bits).
_MAX_ITEMS_CAP = 2**64 - 1


class Progress(TypedDict):
    """One progress report of a flow or a page walk (same keys in every language)."""

    op: str
    """Operation id (``media.list``)."""
    step: str
    """Short machine-readable step name (``page``, ``wait_container``)."""
    done: int
    """Units done so far in this step (for a walk: items so far)."""
    total: int | None
    """Units in this step, when known (for a walk: ``max_items``)."""
    message: str
    """One human-readable line."""


class CallReport(TypedDict):
    """What one call cost."""

    requests: int
    """HTTP requests sent (every attempt counts)."""
    retries: int
    """Attempts that were retries of an earlier one."""
    waited_ms: int
    """Milliseconds slept before retries and for pacing."""


class DetailedResult(TypedDict):
    """The result of ``call_detailed``: the operation's JSON and what it cost."""

    value: JsonDict
    report: CallReport


ProgressCallback = Callable[[Progress], object]
"""Receives each :class:`Progress` report; what it raises is logged and ignored."""


@dataclasses.dataclass(frozen=True)
class TokenInfo:
    """A token as Meta's token endpoints return it (``refresh_token_if_needed``,
    ``on_token_refresh``). Its repr never shows the token; ``dataclasses.asdict`` does (to
    store it)."""

    access_token: str = dataclasses.field(repr=False)
    """The new access token."""
    token_type: str
    """``bearer``."""
    expires_in: int | None
    """Seconds of validity from issue, when Meta said."""
    expires_at: int | None
    """When it expires (Unix seconds), when known."""

    @classmethod
    def _from_json(cls, text: str) -> TokenInfo:
        v = load(text)
        return cls(
            access_token=str(v["access_token"]),
            token_type=str(v.get("token_type") or "bearer"),
            expires_in=v.get("expires_in"),
            expires_at=v.get("expires_at"),
        )


TokenRefreshCallback: TypeAlias = Callable[[TokenInfo], object]
"""Receives the new token each time the client swaps its token; what it raises is logged and
ignored."""

TokenExpiry: TypeAlias = int | float | dt.datetime | dt.date | str | None
"""When a token expires: Unix seconds, a ``datetime`` (naive ones are UTC), a ``date``
(midnight UTC), a date string (``"2026-01-31"``), or None/0 for unknown or never."""

#: Default of ``refresh_token_if_needed``'s ``ahead``, and the window of ``token_warning``.
DEFAULT_REFRESH_AHEAD = dt.timedelta(days=7)


def _number(name: str, value: object, *, minimum: float, maximum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidParamsError(f"client config: {name}: expected a number")
    if not math.isfinite(value) or value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum:g} and {maximum:g}" if maximum is not None else f">= {minimum:g}"
        raise InvalidParamsError(f"client config: {name}: expected a number {bound}")
    return float(value)


def _integer(name: str, value: object, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidParamsError(f"client config: {name}: expected an integer >= {minimum}")
    return value


def _expiry(value: object) -> int | str | None:
    """``token_expires_at`` as the core reads it: Unix seconds or a date string."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
        return math.floor(aware.timestamp())
    if isinstance(value, dt.date):
        midnight = dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
        return math.floor(midnight.timestamp())
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidParamsError(
            "client config: token_expires_at: expected Unix seconds, a datetime, a date or a "
            "date string"
        )
    if value > 1e11:
        raise InvalidParamsError(
            "client config: token_expires_at: expected Unix seconds (this looks like milliseconds)"
        )
    return math.floor(value)


def _on_refresh(callback: TokenRefreshCallback | None) -> Callable[[str], None] | None:
    """The native module hands the new token over as JSON text; the user's callback gets a
    :class:`TokenInfo`, and what it raises is logged (without the token), never propagated."""
    if callback is None:
        return None
    if not callable(callback):
        raise InvalidParamsError("client config: on_token_refresh: expected a callable")

    def deliver(text: str) -> None:
        try:
            callback(TokenInfo._from_json(text))
        except Exception as e:
            # Not _log.exception: a traceback's locals and messages may quote the token.
            _log.error(
                "instagram_graph: the on_token_refresh callback raised %s; ignored",
                type(e).__name__,
            )

    return deliver


def _ahead_secs(ahead: dt.timedelta | float) -> float:
    secs = ahead.total_seconds() if isinstance(ahead, dt.timedelta) else ahead
    if isinstance(secs, bool) or not isinstance(secs, (int, float)):
        raise InvalidParamsError(
            "refresh_token_if_needed: ahead: expected a timedelta or a number of seconds"
        )
    if not math.isfinite(secs) or secs < 0:
        raise InvalidParamsError("refresh_token_if_needed: ahead: must not be negative")
    return float(secs)


def _native_client(
    access_token: str,
    *,
    login: str,
    api_version: str,
    app_secret: str | None,
    app_id: str | None,
    base_url: str | None,
    timeout: float,
    max_retries: int,
    retry: bool,
    max_total_wait: float,
    high_water_mark: float,
    max_concurrency: int,
    token_expires_at: TokenExpiry,
    on_token_refresh: TokenRefreshCallback | None,
) -> _native.Client:
    if not isinstance(access_token, str):
        raise InvalidParamsError("client config: access_token: expected a string")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise InvalidParamsError("client config: timeout: expected seconds as a number")
    if not math.isfinite(timeout) or timeout <= 0:
        raise InvalidParamsError("client config: timeout: must be a positive number of seconds")
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise InvalidParamsError("client config: max_retries: expected a non-negative integer")
    if not isinstance(retry, bool):
        raise InvalidParamsError("client config: retry: expected True or False")
    wait = _number("max_total_wait", max_total_wait, minimum=0)
    mark = _number("high_water_mark", high_water_mark, minimum=1, maximum=100)
    concurrency = _integer("max_concurrency", max_concurrency, minimum=1)
    if app_id is not None and not isinstance(app_id, str):
        raise InvalidParamsError("client config: app_id: expected the numeric app id as a string")
    config = {
        "access_token": access_token,
        "login": login,
        "api_version": api_version,
        "app_secret": app_secret,
        "app_id": app_id,
        "base_url": base_url,
        "timeout_ms": max(1, round(timeout * 1000)),
        "max_retries": max_retries,
        "retry": retry,
        "max_total_wait_ms": round(min(wait, 24 * 3600.0) * 1000),
        "high_water_mark": mark,
        "max_concurrency": concurrency,
        "token_expires_at": _expiry(token_expires_at),
    }
    return _native.Client(dump_options(config), _on_refresh(on_token_refresh))


def _check_op_id(op_id: object) -> str:
    if not isinstance(op_id, str):
        raise UnsupportedError(f"unknown operation {op_id!r}: expected an id like 'media.list'")
    check_text("operation id", op_id, op_id, "op_id")
    return op_id


def _max_items(op_id: str, max_items: int | None) -> int | None:
    """Validate ``max_items``; values beyond 2**64 - 1 are clamped (they mean 'everything')."""
    if max_items is None:
        return None
    if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 0:
        raise InvalidParamsError(f"{op_id}: max_items: expected a non-negative integer")
    return min(max_items, _MAX_ITEMS_CAP)


def _progress(op_id: str, progress: ProgressCallback | None) -> Callable[[str], None] | None:
    """The native module hands reports over as JSON text; the user's callback gets a dict,
    and what it raises is logged, never propagated into the call."""
    if progress is None:
        return None
    if not callable(progress):
        raise InvalidParamsError(f"{op_id}: progress: expected a callable taking one dict")

    def deliver(text: str) -> None:
        try:
            progress(json.loads(text))
        except Exception:
            _log.exception("instagram_graph: the progress callback of %s raised; ignored", op_id)

    return deliver


def _items(page: str | None) -> list[JsonDict] | None:
    if page is None:
        return None
    data = load(page).get("data")
    return data if isinstance(data, list) else []


class _Base:
    _inner: _native.Client

    def __init__(
        self,
        access_token: str,
        *,
        login: Login = "instagram",
        api_version: str = DEFAULT_API_VERSION,
        app_secret: str | None = None,
        app_id: str | None = None,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 2,
        retry: bool = True,
        max_total_wait: float = 60.0,
        high_water_mark: float = 90.0,
        max_concurrency: int = 16,
        token_expires_at: TokenExpiry = None,
        on_token_refresh: TokenRefreshCallback | None = None,
    ) -> None:
        self._inner = _native_client(
            access_token,
            login=login,
            api_version=api_version,
            app_secret=app_secret,
            app_id=app_id,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            max_total_wait=max_total_wait,
            high_water_mark=high_water_mark,
            max_concurrency=max_concurrency,
            token_expires_at=token_expires_at,
            on_token_refresh=on_token_refresh,
        )
        warning = self._inner.version_warning
        if warning is not None:
            # stacklevel 2: the line that built the client.
            warnings.warn(ApiVersionWarning(warning), stacklevel=2)
        token_warning = self._inner.token_warning
        if token_warning is not None:
            _log.warning("instagram_graph: %s", token_warning)
        self._bind()

    def _bind(self) -> None:
        """Attach the generated namespaces (``client.media``) to this client's ``call``."""
        raise NotImplementedError

    def _client(self) -> _native.Client:
        if self._inner.closed:
            raise ClientClosedError(f"this {type(self).__name__} is closed")
        return self._inner

    @property
    def login(self) -> str:
        """``"instagram"`` or ``"facebook"``."""
        return self._inner.login

    @property
    def api_version(self) -> str:
        """The Graph API version in use (default ``v27.0``)."""
        return self._inner.api_version

    @property
    def version_warning(self) -> str | None:
        """Why the API version needs attention (expired, expiring within 90 days, unknown to
        this release), or None. Also issued as :class:`ApiVersionWarning` at construction."""
        return self._inner.version_warning

    @property
    def base_url(self) -> str:
        """Where requests go (the login flavour's host unless overridden)."""
        return self._inner.base_url

    @property
    def token_expires_at(self) -> int | None:
        """When the access token expires (Unix seconds), if known (``token_expires_at``, or
        the last refresh)."""
        return self._inner.token_expires_at

    @property
    def token_warning(self) -> str | None:
        """``"access token expires in N days (...)"`` when its known expiry is within 7 days
        (or it has expired), else None. Also logged (``instagram_graph`` logger, WARNING) at
        construction."""
        return self._inner.token_warning

    @property
    def usage(self) -> JsonDict | None:
        """The last reading of Meta's usage headers (``app``, ``business``), if any."""
        text = self._inner.usage_json()
        return None if text is None else load(text)

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._inner.closed

    def close(self) -> None:
        """Refuse every further call, including pages of walks started before: they raise
        :class:`~instagram_graph.errors.ClientClosedError` (a ``RuntimeError``). Idempotent."""
        self._inner.close()

    def _pager(
        self,
        op_id: str,
        params: Mapping[str, Any] | None,
        max_items: int | None,
        progress: ProgressCallback | None,
    ) -> _native.Paginator:
        op_id = _check_op_id(op_id)
        limit = _max_items(op_id, max_items)
        deliver = _progress(op_id, progress)
        return self._client().paginator(op_id, dump_params(op_id, params), limit, deliver)

    def __repr__(self) -> str:
        # Never the token, app secret or proof.
        state = ", closed" if self._inner.closed else ""
        return (
            f"{type(self).__name__}(login={self._inner.login!r}, "
            f"api_version={self._inner.api_version!r}, base_url={self._inner.base_url!r}{state})"
        )


class Client(_Base, SyncOperations):
    """Blocking Instagram Graph API client: the notebook and script API.

    Calls release the GIL while they wait, so other threads keep running; Ctrl-C cancels a
    call within about 0.1 s. The client is thread-safe; share one per token.

    Args:
        access_token: User or Page access token (never printed, never in errors).
        login: ``"instagram"`` (Instagram Login, graph.instagram.com) or ``"facebook"``
            (Facebook Login, graph.facebook.com).
        api_version: Graph API version, e.g. ``"v27.0"`` (the default). An expired, soon
            expiring or unknown version issues an :class:`ApiVersionWarning`.
        app_secret: When set, every call carries ``appsecret_proof``.
        app_id: The numeric app id (with ``app_secret``: the app token of app-level calls).
        base_url: Override the host (the sandbox's ``url``, a proxy).
        timeout: Whole-request timeout in seconds.
        max_retries: Automatic retries of idempotent calls on transient errors (at most 10).
        retry: ``False`` turns retries and usage-based pacing off altogether.
        max_total_wait: Seconds one request may spend sleeping (backoff and pacing); a
            longer wait raises the rate-limit error at once, with its ``retry_after``.
        high_water_mark: Percent of a Meta usage budget at which new requests wait (1–100).
        max_concurrency: Requests of this client in flight at once.
        token_expires_at: When the token expires (:data:`TokenExpiry`): enables
            :attr:`token_warning` (logged at construction within 7 days) and
            :meth:`refresh_token_if_needed`.
        on_token_refresh: Called with the new :class:`TokenInfo` each time the client swaps
            its token: store it. Called on the thread that runs the refresh (for
            :class:`AsyncClient`, a worker thread of the library); what it raises is logged.

    Example::

        with ig.sandbox.start() as sb:
            client = ig.Client(sb.access_token, base_url=sb.url)
            profile = client.user.get()
            for media in client.paginate("media.list", {"ig_user_id": sb.ig_user_id}):
                ...
    """

    def _bind(self) -> None:
        self._bind_operations(self.call)

    def call(
        self,
        op_id: str,
        params: Mapping[str, Any] | None = None,
        *,
        progress: ProgressCallback | None = None,
    ) -> JsonDict:
        """Call an operation by id (``"media.list"``) with Graph's snake_case params.

        Params are validated before any request; ``None`` values mean "absent". Paginated
        operations return one page, ``{"data": [...], "paging": {...}}``; use
        :meth:`paginate` to walk them all. ``progress`` receives each report of a flow (a
        :class:`Progress` dict) on this thread; what it raises is logged and ignored.
        """
        op_id = _check_op_id(op_id)
        text = self._client().call(op_id, dump_params(op_id, params), _progress(op_id, progress))
        result: JsonDict = load(text)
        return result

    def call_detailed(
        self,
        op_id: str,
        params: Mapping[str, Any] | None = None,
        *,
        progress: ProgressCallback | None = None,
    ) -> DetailedResult:
        """:meth:`call`, also saying what it cost: ``{"value": ..., "report": {"requests",
        "retries", "waited_ms"}}``."""
        op_id = _check_op_id(op_id)
        deliver = _progress(op_id, progress)
        text = self._client().call(op_id, dump_params(op_id, params), deliver, True)
        result: DetailedResult = load(text)
        return result

    def paginate(
        self,
        op_id: str,
        params: Mapping[str, Any] | None = None,
        *,
        max_items: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> Iterator[JsonDict]:
        """Iterate over every item of a paginated operation, following ``paging.next``.

        One page is held in memory at a time. Params are validated now (errors raise here,
        not at the first ``next()``). Without ``limit`` the edge's largest page size is used.
        ``max_items`` stops the walk after that many items (values beyond 2**64 - 1 are
        clamped: they mean every item). ``progress`` gets one report per page (step
        ``page``, ``done`` = items so far, ``total`` = ``max_items``). Closing the client
        ends the walk with :class:`~instagram_graph.errors.ClientClosedError`.
        """
        return self._walk(self._pager(op_id, params, max_items, progress))

    def refresh_token_if_needed(
        self, ahead: dt.timedelta | float = DEFAULT_REFRESH_AHEAD
    ) -> TokenInfo | None:
        """With Instagram Login and a known expiry within ``ahead`` (a timedelta or seconds),
        for a token at least 24 h old: refresh it (``auth.refresh``), swap this client's token
        for the new one, call ``on_token_refresh`` once, and return the new token. None when
        nothing was due (Facebook Login, unknown expiry, not due yet, too young). An expired
        token raises :class:`~instagram_graph.errors.AuthError`: Meta cannot refresh it."""
        text = self._client().refresh_token_if_needed(_ahead_secs(ahead))
        return None if text is None else TokenInfo._from_json(text)

    @staticmethod
    def _walk(pager: _native.Paginator) -> Iterator[JsonDict]:
        while True:
            items = _items(pager.next_page())
            if items is None:
                return
            yield from items

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient(_Base, AsyncOperations):
    """asyncio Instagram Graph API client: ``Client``'s surface with awaitable calls.

    ``await client.call(...)`` and the generated methods are coroutines; ``paginate`` is an
    async iterator. Requests run on a shared Rust runtime, so ``asyncio.gather`` overlaps
    them; cancelling a task cancels its request. Arguments are those of :class:`Client`.

    Example::

        async with ig.AsyncClient(sb.access_token, base_url=sb.url) as client:
            profile = await client.user.get()
            async for media in client.paginate("media.list"):
                ...
    """

    def _bind(self) -> None:
        self._bind_operations(self.call)

    async def call(
        self,
        op_id: str,
        params: Mapping[str, Any] | None = None,
        *,
        progress: ProgressCallback | None = None,
    ) -> JsonDict:
        """Call an operation by id; see :meth:`Client.call`. ``progress`` is called on the
        event loop's thread."""
        op_id = _check_op_id(op_id)
        deliver = _progress(op_id, progress)
        text = await self._client().call_async(op_id, dump_params(op_id, params), deliver)
        result: JsonDict = load(text)
        return result

    async def call_detailed(
        self,
        op_id: str,
        params: Mapping[str, Any] | None = None,
        *,
        progress: ProgressCallback | None = None,
    ) -> DetailedResult:
        """:meth:`call`, also saying what it cost; see :meth:`Client.call_detailed`."""
        op_id = _check_op_id(op_id)
        deliver = _progress(op_id, progress)
        text = await self._client().call_async(op_id, dump_params(op_id, params), deliver, True)
        result: DetailedResult = load(text)
        return result

    def paginate(
        self,
        op_id: str,
        params: Mapping[str, Any] | None = None,
        *,
        max_items: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> AsyncIterator[JsonDict]:
        """Async-iterate over every item of a paginated operation; see :meth:`Client.paginate`.

        Use as ``async for item in client.paginate(...)``. Params are validated now.
        """
        return self._walk(self._pager(op_id, params, max_items, progress))

    async def refresh_token_if_needed(
        self, ahead: dt.timedelta | float = DEFAULT_REFRESH_AHEAD
    ) -> TokenInfo | None:
        """Refresh the token when due; see :meth:`Client.refresh_token_if_needed`."""
        text = await self._client().refresh_token_if_needed_async(_ahead_secs(ahead))
        return None if text is None else TokenInfo._from_json(text)

    @staticmethod
    async def _walk(pager: _native.Paginator) -> AsyncIterator[JsonDict]:
        while True:
            items = _items(await pager.next_page_async())
            if items is None:
                return
            for item in items:
                yield item

    async def aclose(self) -> None:
        """Same as :meth:`close`, awaitable (for ``contextlib.aclosing`` and friends)."""
        self.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
