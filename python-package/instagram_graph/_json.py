"""JSON across the native boundary: params out, results back."""

from __future__ import annotations

import calendar
import datetime as _dt
import json
from collections.abc import Mapping
from typing import Any

from .errors import InvalidParamsError

JsonDict = dict[str, Any]
"""A JSON object as Python sees it (Graph's snake_case keys)."""


def _default(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        # Graph wants Unix seconds; naive datetimes are taken as UTC (as Stripe's client does)
        # so the same code gives the same request on every machine.
        if value.tzinfo is None:
            return calendar.timegm(value.timetuple())
        return int(value.timestamp())
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _unencodable(value: Any, path: str) -> str | None:
    """The JSON path of the first text in ``value`` that is not valid Unicode (a lone
    surrogate such as ``"\\ud800"``), or None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    if isinstance(value, Mapping):
        for k, v in value.items():
            key = str(k)
            if _unencodable(key, path) is not None:
                return f"{path} (a key)"
            found = _unencodable(v, f"{path}.{key}")
            if found is not None:
                return found
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        for i, v in enumerate(value):
            found = _unencodable(v, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def dump_params(op_id: str, params: Mapping[str, Any] | None) -> str | None:
    """Params as JSON; ``None`` values are dropped (absent and ``None`` mean the same)."""
    if params is None:
        return None
    if not isinstance(params, Mapping):
        raise InvalidParamsError(
            f"{op_id}: params: expected a mapping, got {type(params).__name__}"
        )
    cleaned = {k: v for k, v in params.items() if v is not None}
    try:
        text = json.dumps(cleaned, default=_default, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidParamsError(f"{op_id}: params: {exc}") from None
    check_text(op_id, text, cleaned, "params")
    return text


def check_text(op_id: str, text: str, value: Any, path: str) -> None:
    """Refuse text the native module cannot take (lone surrogates are not UTF-8), naming
    where it is, as InvalidParamsError instead of a UnicodeEncodeError."""
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        where = _unencodable(value, path) or path
        raise InvalidParamsError(
            f"{op_id}: {where}: not valid Unicode text (a lone surrogate)"
        ) from None


def dump_options(options: Mapping[str, Any]) -> str:
    """Config or sandbox options as JSON, ``None`` values dropped."""
    return json.dumps({k: v for k, v in options.items() if v is not None})


def load(text: str) -> Any:
    """Parse a JSON result from the native module."""
    return json.loads(text)
