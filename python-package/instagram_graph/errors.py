"""Exceptions raised by instagram-graph.

Every error is an :class:`InstagramError` carrying the same fields in every language:
``kind`` (stable snake_case class: ``auth``, ``permission``, ``rate_limited``,
``invalid_params``, ``not_found``, ``transient``, ``transport``, ``unsupported``,
``conflict``, ``api``, ``internal``, ``unexpected_response``, ``cancelled``,
``invalid_signature``, ``verification_failed``, ``invalid_payload``, ``outside_window``,
``recipient_unavailable``), ``message``,
``http_status``, Graph's ``code``, ``error_subcode``, ``error_type``, ``error_user_title``,
``error_user_msg``, ``fbtrace_id``, ``is_transient``, ``retry_after`` (seconds, when known) and
``error_data``. Fields the core adds later arrive in ``extra`` (and in ``to_dict()``).

Hierarchy::

    InstagramError
    ├── ApiError                    Graph answered with an error
    │   ├── AuthError               token invalid, expired or revoked (190, 102)
    │   ├── PermissionDeniedError   missing permission or feature (3, 10, 200-299)
    │   ├── RateLimitError          throttled (4, 17, 32, 613, 80001-80009); see retry_after
    │   ├── NotFoundError           object missing or not visible (100/33, 803, HTTP 404)
    │   ├── TransientError          temporary Graph failure worth retrying (1, 2, HTTP 5xx)
    │   ├── ConflictError           the same content was already posted (506)
    │   ├── OutsideWindowError      messaging window closed (10/2018278, 10/2534022, 10/1893063)
    │   └── RecipientUnavailableError  the person cannot receive messages now (551)
    ├── InvalidParamsError          params rejected, locally before any request or by Graph (100)
    ├── TransportError              no Graph answer: connect, TLS, timeout, undecodable body
    ├── UnexpectedResponseError     Graph answered 200 with a body of the wrong shape
    ├── UnsupportedError            unknown operation or not available with this login
    │   └── ClientClosedError       the client was closed (also a RuntimeError)
    ├── CancelledError              the call was cancelled
    ├── InvalidSignatureError       a webhook's signature header is missing or malformed
    ├── VerificationFailedError     a webhook subscription handshake was refused
    ├── InvalidPayloadError         a webhook body is not a delivery Meta could have sent
    └── InternalError               a bug in instagram-graph

``ApiVersionWarning`` (a ``UserWarning``) is issued when a client is built for a Graph API
version that has expired, expires within 90 days, or is unknown to this release.

Messages never contain the access token or app secret: the core scrubs them.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ApiError",
    "ApiVersionWarning",
    "AuthError",
    "CancelledError",
    "ClientClosedError",
    "ConflictError",
    "InstagramError",
    "InternalError",
    "InvalidParamsError",
    "InvalidPayloadError",
    "InvalidSignatureError",
    "NotFoundError",
    "OutsideWindowError",
    "PermissionDeniedError",
    "RateLimitError",
    "RecipientUnavailableError",
    "TransientError",
    "TransportError",
    "UnexpectedResponseError",
    "UnsupportedError",
    "VerificationFailedError",
    "error_class_for_kind",
]

_FIELDS = (
    "kind",
    "http_status",
    "code",
    "error_subcode",
    "error_type",
    "error_user_title",
    "error_user_msg",
    "fbtrace_id",
    "is_transient",
    "retry_after",
    "error_data",
)


class InstagramError(Exception):
    """Root of every instagram-graph error."""

    #: Kind used when none is given (each subclass sets its own).
    default_kind = "api"

    kind: str
    message: str
    http_status: int | None
    code: int | None
    error_subcode: int | None
    error_type: str | None
    error_user_title: str | None
    error_user_msg: str | None
    fbtrace_id: str | None
    is_transient: bool
    retry_after: float | None
    error_data: Any
    extra: dict[str, Any]
    """Fields of the core's error that this version does not know by name."""

    def __init__(
        self,
        message: str,
        *,
        kind: str | None = None,
        http_status: int | None = None,
        code: int | None = None,
        error_subcode: int | None = None,
        error_type: str | None = None,
        error_user_title: str | None = None,
        error_user_msg: str | None = None,
        fbtrace_id: str | None = None,
        is_transient: bool = False,
        retry_after: float | None = None,
        error_data: Any = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind if kind is not None else self.default_kind
        self.http_status = http_status
        self.code = code
        self.error_subcode = error_subcode
        self.error_type = error_type
        self.error_user_title = error_user_title
        self.error_user_msg = error_user_msg
        self.fbtrace_id = fbtrace_id
        self.is_transient = is_transient
        self.retry_after = retry_after
        self.error_data = error_data
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (same keys as the Node binding's error details)."""
        out: dict[str, Any] = {"message": self.message}
        for name in _FIELDS:
            out[name] = getattr(self, name)
        for name, value in self.extra.items():
            out.setdefault(name, value)
        return out

    def __str__(self) -> str:
        extra = []
        if self.code is not None:
            extra.append(f"code {self.code}")
        if self.error_subcode is not None:
            extra.append(f"subcode {self.error_subcode}")
        if self.http_status is not None:
            extra.append(f"HTTP {self.http_status}")
        if self.fbtrace_id is not None:
            extra.append(f"fbtrace_id {self.fbtrace_id}")
        if self.retry_after is not None:
            extra.append(f"retry after {self.retry_after:g}s")
        return f"{self.message} ({', '.join(extra)})" if extra else self.message

    def __repr__(self) -> str:
        parts = [f"kind={self.kind!r}", f"message={self.message!r}"]
        for name in ("http_status", "code", "error_subcode", "fbtrace_id", "retry_after"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only fields: rebuild through a helper so pickling keeps class and fields.
        fields = {name: getattr(self, name) for name in _FIELDS}
        fields.update(self.extra)
        return (_rebuild, (type(self), self.message, fields), self.__dict__.copy())


def _rebuild(cls: type[InstagramError], message: str, fields: dict[str, Any]) -> InstagramError:
    return cls(message, **fields)


class ApiError(InstagramError):
    """Graph answered with an error envelope (or a bare HTTP error status)."""


class AuthError(ApiError):
    """The access token is invalid, expired or revoked (Graph code 190, 102)."""

    default_kind = "auth"


class PermissionDeniedError(ApiError):
    """The token lacks a permission or the app a feature (Graph code 3, 10, 200-299)."""

    default_kind = "permission"


class RateLimitError(ApiError):
    """Throttled by an app, user, page or business-use-case limit.

    ``retry_after`` is the wait in seconds when Meta's usage headers say it.
    """

    default_kind = "rate_limited"


class NotFoundError(ApiError):
    """The object does not exist or is not visible to this token."""

    default_kind = "not_found"


class TransientError(ApiError):
    """A temporary Graph failure; retrying later can succeed."""

    default_kind = "transient"


class ConflictError(ApiError):
    """The same content was already posted (Graph code 506)."""

    default_kind = "conflict"


class OutsideWindowError(ApiError):
    """A message was refused because the messaging window is closed: the 24-hour window after
    the person's last message (standard replies) or the 7 days of the HUMAN_AGENT tag
    (``human_agent=True``, a human replying). The message says which window closed and, when
    known, when (Graph 10/2018278, 10/2534022, 10/1893063)."""

    default_kind = "outside_window"


class RecipientUnavailableError(ApiError):
    """The person cannot receive messages from the account right now (Graph 551); retrying
    will not help."""

    default_kind = "recipient_unavailable"


class InvalidParamsError(InstagramError, ValueError):
    """Params rejected: locally before any request (the message names the JSON path, e.g.
    ``media.list: params.limit: ...``) or by Graph (code 100, with ``http_status`` set)."""

    default_kind = "invalid_params"


class TransportError(InstagramError):
    """The request got no Graph answer: DNS, connect, TLS, timeout or an undecodable body."""

    default_kind = "transport"


class UnsupportedError(InstagramError):
    """The operation does not exist or is not available with this login flavour."""

    default_kind = "unsupported"


class UnexpectedResponseError(InstagramError):
    """Graph answered 200 with a body of the wrong shape (a page without a ``data`` list)."""

    default_kind = "unexpected_response"


class ClientClosedError(UnsupportedError, RuntimeError):
    """The client was closed: its calls and its paginators (even those started before
    ``close()``) are refused. Also a ``RuntimeError``, as ``close()`` has always promised."""


class CancelledError(InstagramError):
    """The call was cancelled before it finished."""

    default_kind = "cancelled"


class InvalidSignatureError(InstagramError):
    """A webhook's ``X-Hub-Signature-256``/``X-Hub-Signature`` header is missing, malformed,
    not hex or truncated, or no app secret was given to check it with. (A well-formed
    signature that does not match is not an error: ``verify_signature`` returns False.)"""

    default_kind = "invalid_signature"


class VerificationFailedError(InstagramError):
    """A webhook subscription handshake was refused: ``hub.mode`` is not ``subscribe``, the
    verify token does not match, or ``hub.challenge`` is missing. Answer it with 403."""

    default_kind = "verification_failed"


class InvalidPayloadError(InstagramError, ValueError):
    """A webhook body is not a delivery Meta could have sent (not JSON, wrong shape, too
    deeply nested or too large). Answer it with 400."""

    default_kind = "invalid_payload"


class ApiVersionWarning(UserWarning):
    """The configured Graph API version has expired, expires within 90 days, or is unknown
    to this release (see ``Client.version_warning``)."""


class InternalError(InstagramError):
    """A bug in instagram-graph (for example a panic caught at the native boundary)."""

    default_kind = "internal"


_BY_KIND: dict[str, type[InstagramError]] = {
    "auth": AuthError,
    "permission": PermissionDeniedError,
    "rate_limited": RateLimitError,
    "not_found": NotFoundError,
    "transient": TransientError,
    "conflict": ConflictError,
    "api": ApiError,
    "invalid_params": InvalidParamsError,
    "transport": TransportError,
    "unsupported": UnsupportedError,
    "internal": InternalError,
    "unexpected_response": UnexpectedResponseError,
    "cancelled": CancelledError,
    "invalid_signature": InvalidSignatureError,
    "verification_failed": VerificationFailedError,
    "invalid_payload": InvalidPayloadError,
    "outside_window": OutsideWindowError,
    "recipient_unavailable": RecipientUnavailableError,
}


def error_class_for_kind(kind: str) -> type[InstagramError]:
    """The exception class raised for an error ``kind`` (unknown kinds give ApiError)."""
    return _BY_KIND.get(kind, ApiError)
