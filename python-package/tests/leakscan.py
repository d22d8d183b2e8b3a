"""pytest plugin: gather every error text, repr, warning and log line the suite produces, with
the secrets of every sandbox it started, for ``scripts/scan-secrets.py``.

Active only when ``IG_LEAK_DIR`` is set (``make test`` sets it); writes ``python.json`` there.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import instagram_graph as ig
from instagram_graph import errors

_texts: list[str] = []
_secrets: set[str] = set()


def _record(*items: object) -> None:
    for item in items:
        try:
            _texts.append(item if isinstance(item, str) else repr(item))
        except Exception as e:  # a repr that raises is itself worth a look
            _texts.append(f"<repr failed: {type(e).__name__}>")


class _Handler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        _record(self.format(record))


@pytest.fixture(scope="session", autouse=True)
def _leak_collector() -> Iterator[None]:
    out = os.environ.get("IG_LEAK_DIR")
    if not out:
        yield
        return
    patches: list[tuple[Any, str, Any]] = []

    def patch(owner: Any, name: str, new: Any) -> None:
        patches.append((owner, name, getattr(owner, name)))
        setattr(owner, name, new)

    orig_init = errors.InstagramError.__init__

    def init(self: errors.InstagramError, *a: Any, **kw: Any) -> None:
        orig_init(self, *a, **kw)
        _record(str(self), repr(self), self.args, vars(self))

    patch(errors.InstagramError, "__init__", init)

    orig_start = ig.sandbox.start

    def start(*a: Any, **kw: Any) -> Any:
        sb = orig_start(*a, **kw)
        for name in ("access_token", "facebook_access_token", "page_access_token", "app_secret"):
            value = getattr(sb, name, None)
            if isinstance(value, str):
                _secrets.add(value)
        _record(repr(sb))
        return sb

    patch(ig.sandbox, "start", start)

    # Each new client's repr, taken in `_bind` (the last step of construction) rather than by
    # wrapping `__init__`: a wrapper frame would become the location of the ApiVersionWarning
    # that `__init__` issues for the line that built the client (stacklevel 2).
    for cls in (ig.Client, ig.AsyncClient):
        orig = cls._bind

        def client_bind(self: Any, _orig: Any = orig) -> None:
            _orig(self)
            _record(repr(self))

        patch(cls, "_bind", client_bind)

    orig_showwarning = warnings.showwarning

    def showwarning(message: Any, category: Any, *a: Any, **kw: Any) -> None:
        _record(str(message))
        orig_showwarning(message, category, *a, **kw)

    patch(warnings, "showwarning", showwarning)
    handler = _Handler(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logging.getLogger().addHandler(handler)
    try:
        yield
    finally:
        logging.getLogger().removeHandler(handler)
        for owner, name, old in reversed(patches):
            setattr(owner, name, old)
        Path(out).mkdir(parents=True, exist_ok=True)
        payload = {"suite": "python", "secrets": sorted(_secrets), "texts": _texts}
        (Path(out) / "python.json").write_text(json.dumps(payload, default=repr))
