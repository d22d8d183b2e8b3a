"""``Client`` (blocking) and ``AsyncClient`` (asyncio) over the native client."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Iterator, Mapping
from types import TracebackType
from typing import Any, Literal

from . import _native
from ._generated import AsyncOperations, SyncOperations
from ._json import JsonDict, dump_options, dump_params, load
from .errors import InvalidParamsError

Login = Literal["instagram", "facebook"]
"""Which login the token comes from: Instagram Login (graph.instagram.com) or Facebook Login
(graph.facebook.com, Page-linked accounts)."""

DEFAULT_API_VERSION: str = _native.DEFAULT_API_VERSION


def _native_client(
    access_token: str,
    login: str,
    api_version: str,
    app_secret: str | None,
    base_url: str | None,
    timeout: float,
    max_retries: int,
) -> _native.Client:
    if not isinstance(access_token, str):
        raise InvalidParamsError("client config: access_token: expected a string")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise InvalidParamsError("client config: timeout: expected seconds as a number")
    if not math.isfinite(timeout) or timeout <= 0:
        raise InvalidParamsError("client config: timeout: must be a positive number of seconds")
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise InvalidParamsError("client config: max_retries: expected a non-negative integer")
    config = {
        "access_token": access_token,
        "login": login,
        "api_version": api_version,
        "app_secret": app_secret,
        "base_url": base_url,
        "timeout_ms": max(1, round(timeout * 1000)),
        "max_retries": max_retries,
    }
    return _native.Client(dump_options(config))


def _check_max_items(op_id: str, max_items: int | None) -> None:
    if max_items is None:
        return
    if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 0:
        raise InvalidParamsError(f"{op_id}: max_items: expected a non-negative integer")


def _items(page: str | None) -> list[JsonDict] | None:
    if page is None:
        return None
    data = load(page).get("data")
    return data if isinstance(data, list) else []


class _Base:
    _inner: _native.Client | None

    def __init__(
        self,
        access_token: str,
        *,
        login: Login = "instagram",
        api_version: str = DEFAULT_API_VERSION,
        app_secret: str | None = None,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 2,
    ) -> None:
        self._inner = _native_client(
            access_token, login, api_version, app_secret, base_url, timeout, max_retries
        )
        self._bind()

    def _bind(self) -> None:
        """Attach the generated namespaces (``client.media``) to this client's ``call``."""
        raise NotImplementedError

    def _client(self) -> _native.Client:
        if self._inner is None:
            raise RuntimeError(f"this {type(self).__name__} is closed")
        return self._inner

    @property
    def login(self) -> str:
        """``"instagram"`` or ``"facebook"``."""
        return self._client().login

    @property
    def api_version(self) -> str:
        """The Graph API version in use, e.g. ``v25.0``."""
        return self._client().api_version

    @property
    def base_url(self) -> str:
        """Where requests go (the login flavour's host unless overridden)."""
        return self._client().base_url

    @property
    def usage(self) -> JsonDict | None:
        """The last reading of Meta's usage headers (``app``, ``business``), if any."""
        text = self._client().usage_json()
        return None if text is None else load(text)

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._inner is None

    def __repr__(self) -> str:
        # Never the token or app secret.
        if self._inner is None:
            return f"{type(self).__name__}(closed)"
        return (
            f"{type(self).__name__}(login={self._inner.login!r}, "
            f"api_version={self._inner.api_version!r}, base_url={self._inner.base_url!r})"
        )


class Client(_Base, SyncOperations):
    """Blocking Instagram Graph API client: the notebook and script API.

    Calls release the GIL while they wait, so other threads keep running. The client is
    thread-safe; share one per token.

    Args:
        access_token: User or Page access token (never printed, never in errors).
        login: ``"instagram"`` (Instagram Login, graph.instagram.com) or ``"facebook"``
            (Facebook Login, graph.facebook.com).
        api_version: Graph API version, e.g. ``"v25.0"``.
        app_secret: When set, every call carries ``appsecret_proof``.
        base_url: Override the host (the sandbox's ``url``, a proxy).
        timeout: Whole-request timeout in seconds.
        max_retries: Automatic retries of idempotent calls on transient errors.

    Example::

        with ig.sandbox.start() as sb:
            client = ig.Client(sb.access_token, base_url=sb.url)
            profile = client.user.get()
            for media in client.paginate("media.list", {"ig_user_id": sb.ig_user_id}):
                ...
    """

    def _bind(self) -> None:
        self._bind_operations(self.call)

    def call(self, op_id: str, params: Mapping[str, Any] | None = None) -> JsonDict:
        """Call an operation by id (``"media.list"``) with Graph's snake_case params.

        Params are validated before any request. Paginated operations return one page,
        ``{"data": [...], "paging": {...}}``; use :meth:`paginate` to walk them all.
        """
        result: JsonDict = load(self._client().call(op_id, dump_params(op_id, params)))
        return result

    def paginate(
        self,
        op_id: str,
        params: Mapping[str, Any] | None = None,
        *,
        max_items: int | None = None,
    ) -> Iterator[JsonDict]:
        """Iterate over every item of a paginated operation, following ``paging.next``.

        One page is held in memory at a time. Params are validated now (errors raise here,
        not at the first ``next()``). Without ``limit`` the edge's largest page size is used.
        ``max_items`` stops the walk after that many items.
        """
        _check_max_items(op_id, max_items)
        pager = self._client().paginator(op_id, dump_params(op_id, params), max_items)
        return self._walk(pager)

    @staticmethod
    def _walk(pager: _native.Paginator) -> Iterator[JsonDict]:
        while True:
            items = _items(pager.next_page())
            if items is None:
                return
            yield from items

    def close(self) -> None:
        """Release the connection pool; later calls raise ``RuntimeError``."""
        self._inner = None

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
    them. Arguments are those of :class:`Client`.

    Example::

        async with ig.AsyncClient(sb.access_token, base_url=sb.url) as client:
            profile = await client.user.get()
            async for media in client.paginate("media.list"):
                ...
    """

    def _bind(self) -> None:
        self._bind_operations(self.call)

    async def call(self, op_id: str, params: Mapping[str, Any] | None = None) -> JsonDict:
        """Call an operation by id; see :meth:`Client.call`."""
        text = await self._client().call_async(op_id, dump_params(op_id, params))
        result: JsonDict = load(text)
        return result

    def paginate(
        self,
        op_id: str,
        params: Mapping[str, Any] | None = None,
        *,
        max_items: int | None = None,
    ) -> AsyncIterator[JsonDict]:
        """Async-iterate over every item of a paginated operation; see :meth:`Client.paginate`.

        Use as ``async for item in client.paginate(...)``. Params are validated now.
        """
        _check_max_items(op_id, max_items)
        pager = self._client().paginator(op_id, dump_params(op_id, params), max_items)
        return self._walk(pager)

    @staticmethod
    async def _walk(pager: _native.Paginator) -> AsyncIterator[JsonDict]:
        while True:
            items = _items(await pager.next_page_async())
            if items is None:
                return
            for item in items:
                yield item

    async def aclose(self) -> None:
        """Release the connection pool; later calls raise ``RuntimeError``."""
        self._inner = None

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
