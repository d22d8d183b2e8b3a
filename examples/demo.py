"""The demo job, in Python, through the public API only.

Starts the embedded Graph API sandbox, then prints the demo account's profile, its media
counted by type (walking every page), its five most-commented media, and answers the newest
DM inside the 24-hour window (showing the refusal outside it).

    make demo                      # or, once `make py-build` has run:
    .venv/bin/python examples/demo.py [--seed N] [--media-count N]
"""

from __future__ import annotations

import argparse
import collections
import textwrap

import instagram_graph as ig


def excerpt(text: str | None, width: int = 60) -> str:
    one_line = " ".join((text or "").split())
    return textwrap.shorten(one_line, width=width, placeholder="…") if one_line else "(no caption)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="sandbox data seed")
    parser.add_argument("--media-count", type=int, default=None, help="media of the account")
    args = parser.parse_args()

    with ig.sandbox.start(seed=args.seed, media_count=args.media_count) as sb:
        print(f"Sandbox Graph API at {sb.url} (instagram-graph {ig.__version__})")
        client = ig.Client(sb.access_token, base_url=sb.url)

        me = client.user.get(
            ig_user_id=sb.ig_user_id, fields="username,name,followers_count,media_count"
        )
        print()
        print("Profile")
        print(f"  username    @{me['username']}")
        print(f"  name        {me.get('name', '')}")
        print(f"  followers   {me['followers_count']:,}")
        print(f"  media       {me['media_count']:,}")

        by_type: collections.Counter[str] = collections.Counter()
        top: list[ig.JsonDict] = []
        walk = client.paginate(
            "media.list",
            {
                "ig_user_id": sb.ig_user_id,
                "fields": "id,media_type,comments_count,permalink,caption",
            },
        )
        for media in walk:
            by_type[str(media.get("media_type", "UNKNOWN"))] += 1
            top.append(media)
            # Keep only the five leaders: one page of media in memory, not the whole account.
            top.sort(key=lambda m: -int(m.get("comments_count") or 0))
            del top[5:]

        total = sum(by_type.values())
        print()
        print(f"Media by type ({total} walked)")
        for media_type, count in by_type.most_common():
            print(f"  {media_type:<15} {count:>5}  {count / total:6.1%}")

        print()
        print("Most commented")
        for rank, media in enumerate(top, start=1):
            print(f"  {rank}. {media['id']}  {media.get('comments_count', 0):>4} comments")
            print(f"     {media.get('permalink', '')}")
            print(f"     {excerpt(media.get('caption'))}")

        # The inbox: answer the newest message inline while the 24-hour window is open; a send
        # to someone who wrote 8 days ago is refused with the window it missed.
        messaging = sb.info["messaging"]
        convs = client.conversations.list(limit=3)
        print()
        print(f"Inbox ({len(convs['data'])} newest conversations)")
        thread = client.conversations.messages(
            conversation_id=messaging["conversation_id"],
            limit=1,
            fields="id,message,from,created_time",
        )
        last = thread["data"][0]
        sender = last.get("from") or {}
        who = sender.get("username", sender.get("id"))
        print(f"  last message  @{who}: {excerpt(last.get('message'))}")
        sent = client.messages.send_text(
            recipient_id=messaging["recipient_id"],
            text="Thanks for writing! We ship on Mondays.",
            reply_to=last["id"],
        )
        print(f"  replied       {sent['message_id']}")
        try:
            client.messages.send_text(
                recipient_id=messaging["recipient_id_closed"], text="Still there?"
            )
        except ig.errors.InstagramError as e:
            print(f"  refused       {e.kind}: {e}")
    print()
    print("Sandbox stopped.")


if __name__ == "__main__":
    main()
