"""A webhook receiver on the standard library's WSGI server, through the package's helper.

It answers Meta's GET handshake, verifies each POST's signature over the raw bytes, parses the
delivery and prints its events (deduplicated on ``dedupe_key``: Meta redelivers).

    IG_APP_SECRET=... IG_VERIFY_TOKEN=... .venv/bin/python examples/webhook_receiver.py [--port N]
        serve http://127.0.0.1:8080/webhook (put it behind HTTPS and give Meta its URL)
    .venv/bin/python examples/webhook_receiver.py --sandbox
        start the embedded sandbox, subscribe this receiver (app subscription with its
        handshake, then /me/subscribed_apps), simulate a few events, print them and exit 0
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import urllib.parse
import urllib.request
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import instagram_graph as ig
from instagram_graph import webhooks


def describe(ev: webhooks.WebhookEvent) -> str:
    """One line per event: its type and the fields that say what happened."""
    e: dict[str, Any] = dict(ev)
    who = f" from {e['sender_id']}" if e.get("sender_id") else ""
    if not who and e.get("from_username"):
        who = f" from @{e['from_username']}"
    keys = ("text", "emoji", "payload", "mid", "comment_id", "media_id")
    what = next((e[k] for k in keys if e.get(k)), "")
    return (
        f"event_type={e['event_type']} field={e['field']} account={e['account_id']}{who}: "
        f"{what} (dedupe_key {e['dedupe_key']})"
    )


class Printer:
    """The ``on_events`` callback: prints each event once."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.received = 0

    def __call__(self, events: list[webhooks.WebhookEvent]) -> None:
        for ev in events:
            self.received += 1
            if ev["dedupe_key"] in self.seen:
                continue
            self.seen.add(ev["dedupe_key"])
            print(describe(ev), flush=True)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(receiver: webhooks.Receiver, printer: Printer, port: int) -> WSGIServer:
    server = make_server("127.0.0.1", port, receiver.wsgi_app(printer), handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def graph_post(sb: ig.sandbox.Sandbox, path: str, params: dict[str, str]) -> Any:
    data = urllib.parse.urlencode(params).encode()
    # Our own sandbox's http:// URL, never user input.
    req = urllib.request.Request(f"{sb.url}/v27.0/{path}", data=data, method="POST")  # noqa: S310
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
        return json.loads(resp.read())


def run_sandbox() -> None:
    verify_token = "example-verify-token"  # noqa: S105 -- the sandbox run's own token
    printer = Printer()
    with ig.sandbox.start() as sb:
        receiver = webhooks.Receiver(app_secret=sb.app_secret, verify_token=verify_token)
        server = serve(receiver, printer, 0)
        try:
            callback_url = f"http://127.0.0.1:{server.server_port}/webhook"
            fields = "messages,message_reactions,comments"
            graph_post(
                sb,
                f"{sb.app_id}/subscriptions",
                {
                    "object": "instagram",
                    "callback_url": callback_url,
                    "verify_token": verify_token,
                    "fields": fields,
                    "include_values": "true",
                    "access_token": sb.app_access_token,
                },
            )
            graph_post(
                sb,
                "me/subscribed_apps",
                {"subscribed_fields": fields, "access_token": sb.access_token},
            )
            print(f"Subscribed {callback_url} (sandbox {sb.url}, account {sb.ig_user_id})")
            sb.simulate("message", text="café / ok")
            sb.simulate("reaction")
            sb.simulate("comment", text="Love this!", duplicates=1)
            print(f"{printer.received} events received, {len(printer.seen)} distinct")
        finally:
            server.shutdown()
            server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox", action="store_true", help="run against the embedded sandbox")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on")
    args = parser.parse_args()
    if args.sandbox:
        run_sandbox()
        return
    app_secret = os.environ.get("IG_APP_SECRET")
    verify_token = os.environ.get("IG_VERIFY_TOKEN")
    if not app_secret or not verify_token:
        sys.exit("Set IG_APP_SECRET and IG_VERIFY_TOKEN (or run with --sandbox).")
    receiver = webhooks.Receiver(app_secret=app_secret, verify_token=verify_token)
    server = make_server("127.0.0.1", args.port, receiver.wsgi_app(Printer()))
    print(f"Listening on http://127.0.0.1:{server.server_port}/webhook")
    server.serve_forever()


if __name__ == "__main__":
    main()
