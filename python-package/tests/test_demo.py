"""examples/demo.py runs end to end and reports what the sandbox holds."""

from __future__ import annotations

import re
import subprocess
import sys

from support import REPO_ROOT


def test_demo_prints_profile_media_types_and_top_commented() -> None:
    demo = REPO_ROOT / "examples" / "demo.py"
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(demo), "--seed", "5", "--media-count", "40"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Profile" in out
    assert re.search(r"media\s+40\b", out)
    assert "Media by type (40 walked)" in out
    counts = [int(n) for n in re.findall(r"^  [A-Z_]+\s+(\d+)\s+[\d.]+%$", out, re.MULTILINE)]
    assert sum(counts) == 40
    ranks = re.findall(r"^  (\d)\. \d+\s+(\d+) comments$", out, re.MULTILINE)
    assert [r for r, _ in ranks] == ["1", "2", "3", "4", "5"]
    comments = [int(c) for _, c in ranks]
    assert comments == sorted(comments, reverse=True)
    assert "Sandbox stopped." in out
