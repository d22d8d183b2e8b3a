"""The generator: the committed file is current, and every schema shape of the catalogue
subset becomes a typed keyword argument that reaches the call unchanged."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("ig_generate", TOOLS / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SYNTHETIC = [
    {
        "id": "things.send_text",
        "resource": "things",
        "operation": "send_text",
        "summary": "Send a thing",
        "description": "Sends a `thing`.\n\nSecond paragraph.",
        "http": "POST /{id}/things",
        "paginated": False,
        "idempotent": False,
        "logins": ["facebook"],
        "limits": ["at most 5 per minute"],
        "params": {
            "type": "object",
            "required": ["id", "from"],
            "properties": {
                "id": {"type": "string", "description": "Target id."},
                "from": {"type": "string", "description": "Python keyword as a name."},
                "count": {"type": "integer", "minimum": 1, "maximum": 9, "description": "N."},
                "ratio": {"type": "number", "description": "A ratio."},
                "urgent": {"type": "boolean", "default": False, "description": "Hurry."},
                "tags": {"type": "array", "items": {"type": "string"}, "description": "Tags."},
                "kind": {"type": "string", "enum": ["A", "B"], "description": "Kind."},
                "at": {"type": ["integer", "string"], "x-timestamp": True, "description": "When."},
            },
        },
    },
    {
        "id": "things.send_template",
        "resource": "things",
        "operation": "send_template",
        "summary": "Send a template",
        "description": "Arrays of objects, nested twice, and free-form objects.",
        "http": "POST /{page_id}/messages",
        "paginated": False,
        "idempotent": False,
        "logins": ["facebook", "instagram"],
        "params": {
            "type": "object",
            "required": ["elements"],
            "properties": {
                "elements": {
                    "type": "array",
                    "maxItems": 10,
                    "description": "Cards.",
                    "items": {
                        "type": "object",
                        "required": ["title"],
                        "properties": {
                            "title": {"type": "string", "maxLength": 80, "description": "T."},
                            "buttons": {
                                "type": "array",
                                "maxItems": 3,
                                "description": "Buttons.",
                                "items": {
                                    "type": "object",
                                    "required": ["type"],
                                    "properties": {
                                        "type": {
                                            "type": "string",
                                            "enum": ["web_url", "postback"],
                                            "description": "Kind.",
                                        },
                                        "url": {"type": "string", "description": "U."},
                                    },
                                },
                            },
                        },
                    },
                },
                "body": {"type": "object", "description": "Free JSON."},
                "page_id": {"type": "string", "x-login": "facebook", "description": "Page."},
                "ig_user_id": {
                    "type": "string",
                    "x-required-with": "facebook",
                    "description": "Account.",
                },
            },
        },
    },
    {
        "id": "things.ping",
        "resource": "things",
        "operation": "ping",
        "summary": "Ping",
        "description": "No params.",
        "http": "GET /ping",
        "paginated": False,
        "params": {"type": "object", "properties": {}, "required": []},
    },
]


EMPTY_EVENTS: dict[str, Any] = {
    "common": [{"key": "event_type", "type": {"type": "string"}, "nullable": False, "doc": ""}],
    "messaging": [],
    "webhook_field": [],
    "events": [],
}


def test_committed_generated_file_is_current() -> None:
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(TOOLS / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_generator_maps_the_schema_subset() -> None:
    gen = load_generator()
    text = gen.render(SYNTHETIC)
    assert text.startswith("# generated by tools/generate.py — do not edit")
    assert "        from_: str," in text
    assert "        count: int | None = None," in text
    assert "        ratio: float | None = None," in text
    assert "        urgent: bool | None = None," in text
    assert "        tags: Sequence[str] | None = None," in text
    assert '        kind: Literal["A", "B"] | None = None,' in text
    assert "        at: Timestamp | None = None," in text
    assert "    def ping(self) -> JsonDict:" in text
    assert "Range 1–9." in text
    assert "Sends a ``thing``." in text
    namespace: dict[str, Any] = {}
    source = text.replace("from ._json import JsonDict", "JsonDict = dict")
    exec(compile(source, "generated", "exec"), namespace)  # noqa: S102 - our own output
    calls: list[tuple[str, Any]] = []

    def call(op: str, params: Any) -> dict[str, Any]:
        calls.append((op, params))
        return {}

    sync_ops = namespace["ThingsOperations"](call)
    sync_ops.send_text(id="1", from_="me", tags=("a", "b"))
    sync_ops.ping()
    assert calls[0][0] == "things.send_text"
    assert calls[0][1]["from"] == "me"
    assert calls[0][1]["tags"] == ("a", "b")
    assert calls[0][1]["count"] is None
    assert calls[1] == ("things.ping", None)

    async def acall(op: str, params: Any) -> dict[str, Any]:
        return {"op": op}

    async_ops = namespace["AsyncThingsOperations"](acall)
    assert asyncio.run(async_ops.ping()) == {"op": "things.ping"}


def test_generator_maps_objects_and_arrays_of_objects() -> None:
    gen = load_generator()
    text = gen.render(SYNTHETIC)
    assert "from typing import Any, Literal, TypedDict" in text
    assert "        elements: Sequence[ThingsSendTemplateElement]," in text
    assert "        body: Mapping[str, Any] | None = None," in text
    assert "class ThingsSendTemplateElementButton(TypedDict, total=False):" in text
    assert "class ThingsSendTemplateElement(TypedDict, total=False):" in text
    assert "    buttons: list[ThingsSendTemplateElementButton]" in text
    assert '    type: Literal["web_url", "postback"]' in text
    assert text.index("class ThingsSendTemplateElementButton") < text.index(
        "class ThingsSendTemplateElement("
    )
    assert "Required keys: ``title``." in text
    assert "Only with Facebook Login." in text
    assert "Required with Facebook Login." in text
    assert "At most 10 items." in text
    namespace: dict[str, Any] = {}
    source = text.replace("from ._json import JsonDict", "JsonDict = dict")
    exec(compile(source, "generated", "exec"), namespace)  # noqa: S102 - our own output
    calls: list[tuple[str, Any]] = []

    def call(op: str, params: Any) -> dict[str, Any]:
        calls.append((op, params))
        return {}

    ops = namespace["ThingsOperations"](call)
    card = {"title": "Hi", "buttons": [{"type": "postback"}]}
    ops.send_template(elements=[card], body={"a": 1}, page_id="9")
    assert calls == [
        (
            "things.send_template",
            {"elements": [card], "body": {"a": 1}, "ig_user_id": None, "page_id": "9"},
        )
    ]


def test_generator_cli_reads_a_catalogue_file(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.json"
    catalogue.write_text(json.dumps(SYNTHETIC), encoding="utf-8")
    events = tmp_path / "events.json"
    events.write_text(json.dumps(EMPTY_EVENTS), encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - our own script
        [
            sys.executable,
            str(TOOLS / "generate.py"),
            "--catalogue",
            str(catalogue),
            "--events",
            str(events),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "class ThingsSendTemplateElement(" in (tmp_path / "_generated.py").read_text("utf-8")


def test_generator_rejects_schemas_outside_the_subset() -> None:
    gen = load_generator()
    bad = [dict(SYNTHETIC[1], params={"type": "object", "properties": {"x": {"type": "file"}}})]
    with pytest.raises(SystemExit, match=r"params\.x: unsupported schema"):
        gen.render(bad)
    clash = [dict(SYNTHETIC[1], resource="call", id="call.ping")]
    with pytest.raises(SystemExit, match="cannot be a client attribute"):
        gen.render(clash)
