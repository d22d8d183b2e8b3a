"""A small typed program using the public API; mypy --strict checks it (py-lint and
test_typing.py). Not collected by pytest."""

from __future__ import annotations

import asyncio
import datetime as dt

import instagram_graph as ig


def newest_captions(client: ig.Client, ig_user_id: str, n: int) -> list[str]:
    out: list[str] = []
    for media in client.paginate("media.list", {"ig_user_id": ig_user_id}, max_items=n):
        caption = media.get("caption")
        if isinstance(caption, str):
            out.append(caption)
    return out


def profile(client: ig.Client) -> tuple[str, int]:
    me: ig.JsonDict = client.user.get(fields="username,followers_count")
    page = client.media.list(limit=10, since=dt.date(2026, 1, 1), until=dt.datetime.now())
    first: ig.JsonDict = page["data"][0]
    client.comments.list(media_id=str(first["id"]), limit=5)
    return str(me["username"]), int(me["followers_count"])


async def async_profile(client: ig.AsyncClient) -> int:
    me, page = await asyncio.gather(client.user.get(), client.media.list(limit=5))
    count = 0
    async for _ in client.paginate("comments.list", {"media_id": page["data"][0]["id"]}):
        count += 1
    return int(me["media_count"]) + count


def handle(err: ig.InstagramError) -> float | None:
    if isinstance(err, ig.RateLimitError):
        return err.retry_after
    code: int | None = err.code
    return None if code is None else float(code)


def main() -> None:
    with ig.sandbox.start(seed=1, media_count=12) as sb:
        client = ig.Client(sb.access_token, base_url=sb.url, login="instagram", timeout=10.0)
        newest_captions(client, sb.ig_user_id, 3)
        profile(client)
        asyncio.run(async_profile(sb.async_client()))
        ops: list[dict[str, object]] = ig.operations()
        assert ops


if __name__ == "__main__":
    main()
