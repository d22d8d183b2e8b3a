"""The pure-Python baseline of the webhook benchmark: the hand normalizer of
bench/lib/normalize.mjs, line for line (same event fields as the core's ``webhook::parse`` for
the kinds in the benchmark's delivery, dedupe keys included; absent values as None; no further
validation)."""

from __future__ import annotations

import hashlib
from typing import Any


def _part(p: str) -> str:
    if len(p) > 64 or ":" in p:
        return hashlib.sha256(p.encode()).hexdigest()[:32]
    return p


def _key(kind: str, *parts: Any) -> str:
    return ":".join([kind, *(_part(str(p)) for p in parts)])


def _millis(t: int) -> int:
    return t * 1000 if 0 <= t < 100_000_000_000 else t


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def _id(v: Any) -> str | None:
    if isinstance(v, str):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    return None


def _attachment(a: dict[str, Any]) -> dict[str, Any]:
    p = a.get("payload")
    out = {k: v for k, v in p.items() if k != "url"} if p else {}
    out["type"] = _str(a.get("type"))
    out["url"] = _str(p.get("url")) if p else None
    return out


def _referral(r: dict[str, Any]) -> dict[str, Any]:
    product = r.get("product")
    return {
        "ref": _str(r.get("ref")),
        "source": _str(r.get("source")),
        "type": _str(r.get("type")),
        "ad_id": _id(r.get("ad_id")),
        "ads_context_data": r.get("ads_context_data"),
        "product_id": _id(product.get("id")) if product else None,
    }


def _messaging(entry: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    ts = m.get("timestamp")
    timestamp = _millis(ts) if isinstance(ts, int) else None
    t = entry.get("time")
    sender, recipient = m.get("sender"), m.get("recipient")
    ev: dict[str, Any] = {
        "event_type": "",
        "field": "",
        "account_id": entry["id"],
        "time": _millis(t) if isinstance(t, int) else timestamp,
        "dedupe_key": "",
        "sender_id": _id(sender.get("id")) if sender else None,
        "recipient_id": _id(recipient.get("id")) if recipient else None,
        "timestamp": timestamp,
        "is_standby": False,
    }
    if (msg := m.get("message")) is not None:
        rt = msg.get("reply_to")
        story = rt.get("story") if rt else None
        qr = msg.get("quick_reply")
        atts = msg.get("attachments")
        ref = msg.get("referral")
        if msg.get("is_deleted") is True:
            kind = "message_deleted"
        elif msg.get("is_echo") is True:
            kind = "message_echo"
        else:
            kind = "message"
        ev["event_type"] = kind
        ev["field"] = "messages"
        ev["mid"] = _str(msg.get("mid"))
        ev["text"] = _str(msg.get("text"))
        ev["attachments"] = [_attachment(a) for a in atts] if isinstance(atts, list) else None
        ev["quick_reply_payload"] = _str(qr.get("payload")) if qr else None
        ev["reply_to_mid"] = _str(rt.get("mid")) if rt else None
        ev["reply_to_story"] = (
            {
                "id": _id(story.get("id")),
                "url": _str(story.get("url")),
                "link_sticker_url": _str(story.get("link_sticker_url")),
            }
            if story
            else None
        )
        ev["referral"] = _referral(ref) if ref else None
        for flag in ("is_echo", "is_deleted", "is_unsupported", "is_self"):
            ev[flag] = msg.get(flag) is True
        ev["dedupe_key"] = _key(kind, ev["mid"])
    elif (r := m.get("reaction")) is not None:
        ev["event_type"] = "reaction"
        ev["field"] = "message_reactions"
        for k in ("mid", "action", "reaction", "emoji"):
            ev[k] = _str(r.get(k))
        reaction = ev["reaction"] if ev["reaction"] is not None else "-"
        ev["dedupe_key"] = _key("reaction", ev["mid"], ev["action"], reaction, timestamp)
    elif (read := m.get("read")) is not None:
        ev["event_type"] = "seen"
        ev["field"] = "messaging_seen"
        ev["mid"] = _str(read.get("mid"))
        ev["dedupe_key"] = _key("seen", ev["mid"])
    elif (p := m.get("postback")) is not None:
        ev["event_type"] = "postback"
        ev["field"] = "messaging_postbacks"
        for k in ("mid", "title", "payload"):
            ev[k] = _str(p.get(k))
        ev["dedupe_key"] = _key("postback", ev["mid"])
    else:
        ev["event_type"] = "unknown"
        ev["field"] = "messaging"
        ev["dedupe_key"] = f"unknown:{timestamp}"
    ev["raw"] = m
    return ev


def _change(entry: dict[str, Any], c: dict[str, Any]) -> dict[str, Any]:
    v = c["value"]
    frm, media = v.get("from"), v.get("media")
    kind = "live_comment" if c["field"] == "live_comments" else "comment"
    comment_id = _id(v.get("id"))
    if comment_id is None:
        comment_id = _id(v.get("comment_id"))
    return {
        "event_type": kind,
        "field": c["field"],
        "account_id": entry["id"],
        "time": _millis(entry["time"]),
        "dedupe_key": _key(kind, comment_id),
        "comment_id": comment_id,
        "text": _str(v.get("text")),
        "parent_id": _id(v.get("parent_id")),
        "from_id": _id(frm.get("id")) if frm else None,
        "from_username": _str(frm.get("username")) if frm else None,
        "media_id": _id(media.get("id")) if media else None,
        "media_product_type": _str(media.get("media_product_type")) if media else None,
        "ad_id": _id(media.get("ad_id")) if media else None,
        "ad_title": _str(media.get("ad_title")) if media else None,
        "original_media_id": _id(media.get("original_media_id")) if media else None,
        "raw": v,
    }


def normalize(body: Any) -> list[dict[str, Any]]:
    """The events of a parsed delivery, in order."""
    if not isinstance(body, dict) or body.get("object") != "instagram":
        raise ValueError("not an Instagram delivery")
    out: list[dict[str, Any]] = []
    for entry in body["entry"]:
        for m in entry.get("messaging") or ():
            out.append(_messaging(entry, m))
        for c in entry.get("changes") or ():
            out.append(_change(entry, c))
    return out
