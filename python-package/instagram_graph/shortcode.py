"""Instagram shortcodes, media pks and permalinks (pure functions, no requests).

A shortcode (``BGvuInzyFAe`` in ``https://www.instagram.com/p/BGvuInzyFAe/``) spells
Instagram's internal media pk in base 64 (alphabet ``A-Z a-z 0-9 - _``). The pk is not the
Graph API media id; to find a Graph media by shortcode or URL, call ``media.by_shortcode``::

    from instagram_graph import shortcode

    shortcode.to_pk("BGvuInzyFAe")                                   # 1274440122209161246
    shortcode.from_pk(1274440122209161246)                           # "BGvuInzyFAe"
    shortcode.from_url("https://www.instagram.com/reel/BGvuInzyFAe/?igsh=x")  # "BGvuInzyFAe"

Invalid input raises :class:`~instagram_graph.errors.InvalidParamsError`. Implemented by the
Rust core (``instagram_graph::shortcode``).
"""

from __future__ import annotations

from datetime import datetime, timezone

from . import _native
from .errors import InvalidParamsError

__all__ = ["created_at", "from_pk", "from_url", "parse", "to_pk"]


def _text(what: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidParamsError(
            f"shortcode.{what}: expected a string, got {type(value).__name__}",
            kind="invalid_params",
        )
    return value


def _pk_text(what: str, pk: object) -> str:
    if isinstance(pk, bool) or not isinstance(pk, (int, str)):
        raise InvalidParamsError(
            f"shortcode.{what}: expected an int or a decimal string, got {type(pk).__name__}",
            kind="invalid_params",
        )
    return str(pk)


def to_pk(shortcode: str) -> int:
    """The media pk a shortcode spells (a private-share suffix is dropped)."""
    return int(_native.shortcode_to_pk(_text("to_pk", shortcode)))


def from_pk(pk: int | str) -> str:
    """The shortcode of a media pk (an int, a decimal string, or a legacy ``"<pk>_<owner>"``)."""
    return _native.shortcode_from_pk(_pk_text("from_pk", pk))


def from_url(url: str) -> str:
    """The shortcode in an Instagram post, reel or IGTV URL (``/p/``, ``/reel/``, ``/reels/``,
    ``/tv/``; with or without scheme and ``www.``; query string and trailing slash allowed)."""
    return _native.shortcode_from_url(_text("from_url", url))


def parse(value: str) -> str:
    """The public shortcode of what a user pastes: a post/reel URL or a bare shortcode."""
    return _native.shortcode_parse(_text("parse", value))


def created_at(pk: int | str) -> datetime | None:
    """When the media was created, from the time Instagram encodes in its pk (not documented
    by Meta: a hint, not a fact), or None."""
    secs = _native.shortcode_created_at(_pk_text("created_at", pk))
    return None if secs is None else datetime.fromtimestamp(secs, tz=timezone.utc)
