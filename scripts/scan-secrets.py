#!/usr/bin/env python3
"""Fail when any text the test suites produced contains a secret.

Reads every ``*.json`` in the leak directory (``{"suite", "secrets": [...], "texts": [...]}``,
written by the Node and Python collectors and the Rust secrets test) and every ``*.log`` there
(the suites' captured output). Secrets: those the suites recorded (sandbox tokens, app
secrets), the fixed ones the tests use with fake servers, and every ``appsecret_proof`` derived
from them; each is looked for raw and URL-encoded. Also fails when a suite recorded nothing, so
a broken collector cannot pass silently.

Usage: scan-secrets.py LEAK_DIR [--require node,python,rust]
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import urllib.parse
from pathlib import Path

# Tokens and secrets the tests hand to fake servers (core/tests, node-package/test, python-package/tests).
FIXED = [
    "TOKEN-abc123",
    "APPSECRET-xyz",
    "SECRET-TOKEN-VALUE",
    "EAAwrongTOKEN0123456789secret",
    "EAAnotTheRightToken987",
    "EAAechoedSecretToken42",
]
MIN_LEN = 8


def forms(secret: str) -> set[str]:
    out = {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}
    return {f for f in out if len(f) >= MIN_LEN}


def main() -> int:
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    leak_dir = Path(args[0])
    required = []
    if "--require" in args:
        required = args[args.index("--require") + 1].split(",")
    secrets = set(FIXED)
    texts: list[tuple[str, str]] = []
    per_suite: dict[str, int] = {}
    for f in sorted(leak_dir.glob("*.json")):
        doc = json.loads(f.read_text())
        suite = doc.get("suite", f.stem)
        secrets.update(s for s in doc.get("secrets", []) if isinstance(s, str))
        for t in doc.get("texts", []):
            texts.append((f.name, t if isinstance(t, str) else json.dumps(t)))
        per_suite[suite] = per_suite.get(suite, 0) + len(doc.get("texts", []))
    for f in sorted(leak_dir.glob("*.log")):
        texts.append((f.name, f.read_text(errors="replace")))
    tokens = [s for s in secrets if len(s) >= MIN_LEN]
    proofs = {
        hmac.new(k.encode(), t.encode(), hashlib.sha256).hexdigest() for k in tokens for t in tokens if k != t
    }
    needles = set()
    for s in tokens:
        needles |= forms(s)
    needles |= proofs
    leaks = []
    for where, text in texts:
        for n in needles:
            if n in text:
                i = text.index(n)
                snippet = (text[max(0, i - 60) : i] + "<SECRET>" + text[i + len(n) : i + len(n) + 60]).replace("\n", " ")
                leaks.append(f"{where}: ...{snippet}...")
    missing = [s for s in required if per_suite.get(s, 0) == 0]
    print(
        f"scan-secrets: {len(texts)} texts ({', '.join(f'{k}: {v}' for k, v in sorted(per_suite.items()))}), "
        f"{len(tokens)} secrets + {len(proofs)} proofs"
    )
    for m in missing:
        print(f"scan-secrets: suite {m!r} recorded no texts (collector not active?)")
    for leak in leaks[:50]:
        print(f"scan-secrets: LEAK {leak}")
    return 1 if leaks or missing else 0


if __name__ == "__main__":
    sys.exit(main())
