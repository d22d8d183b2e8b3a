"""instagram-graph: the Instagram Graph API from Python, on a Rust core.

Example::

    import instagram_graph as ig

    with ig.sandbox.start() as sb:
        client = ig.Client(sb.access_token, base_url=sb.url)
        page = client.call("media.list", {"ig_user_id": sb.ig_user_id, "limit": 25})
        for media in client.paginate("media.list", {"ig_user_id": sb.ig_user_id}):
            print(media["id"], media.get("caption"))
        client.media.list(ig_user_id=sb.ig_user_id)  # generated method

``Client`` blocks (with the GIL released); ``AsyncClient`` has the same surface with
awaitable calls and ``async for`` paging. Errors are in :mod:`instagram_graph.errors`;
receiving webhooks (signature, handshake, parsing, a framework helper) in
:mod:`instagram_graph.webhooks`.
"""

from __future__ import annotations

import json
from typing import Any

from . import _native, errors, sandbox, shortcode, webhooks
from ._client import (
    DEFAULT_API_VERSION,
    AsyncClient,
    CallReport,
    Client,
    DetailedResult,
    Login,
    Progress,
    ProgressCallback,
    TokenExpiry,
    TokenInfo,
    TokenRefreshCallback,
)
from ._generated import OPERATION_IDS, OperationId, Timestamp
from ._json import JsonDict
from .errors import (
    ApiError,
    ApiVersionWarning,
    AuthError,
    CancelledError,
    ClientClosedError,
    ConflictError,
    InstagramError,
    InternalError,
    InvalidParamsError,
    InvalidPayloadError,
    InvalidSignatureError,
    NotFoundError,
    OutsideWindowError,
    PermissionDeniedError,
    RateLimitError,
    RecipientUnavailableError,
    TransientError,
    TransportError,
    UnexpectedResponseError,
    UnsupportedError,
    VerificationFailedError,
)

__version__: str = _native.__version__

__all__ = [
    "DEFAULT_API_VERSION",
    "OPERATION_IDS",
    "ApiError",
    "ApiVersionWarning",
    "AsyncClient",
    "AuthError",
    "CallReport",
    "CancelledError",
    "Client",
    "ClientClosedError",
    "ConflictError",
    "DetailedResult",
    "InstagramError",
    "InternalError",
    "InvalidParamsError",
    "InvalidPayloadError",
    "InvalidSignatureError",
    "JsonDict",
    "Login",
    "NotFoundError",
    "OperationId",
    "OutsideWindowError",
    "PermissionDeniedError",
    "Progress",
    "ProgressCallback",
    "RateLimitError",
    "RecipientUnavailableError",
    "Timestamp",
    "TokenExpiry",
    "TokenInfo",
    "TokenRefreshCallback",
    "TransientError",
    "TransportError",
    "UnexpectedResponseError",
    "UnsupportedError",
    "VerificationFailedError",
    "__version__",
    "errors",
    "operations",
    "sandbox",
    "shortcode",
    "webhooks",
]


def operations() -> list[dict[str, Any]]:
    """The operation catalogue: one dict per operation with ``id``, ``resource``,
    ``operation``, ``summary``, ``description``, ``http``, ``params`` (JSON Schema),
    ``paginated``, ``page_size``, ``idempotent``, ``logins`` and ``limits``."""
    ops: list[dict[str, Any]] = json.loads(_native.operations())
    return ops
