from __future__ import annotations

import subprocess
import sys
import time

from bot.settings import masked


def test_unreachable_database_stops_quickly_and_masks_the_password():
    url = "postgresql://coach:s3cret-pw@127.0.0.1:1/coach"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bot.launcher"],
        env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60,
    )
    assert time.monotonic() - started < 30
    assert result.returncode == 2
    assert "postgresql://coach:***@127.0.0.1:1/coach" in result.stderr
    assert "s3cret-pw" not in result.stderr + result.stdout


def test_masked_hides_only_the_password():
    assert masked("postgresql://u:p@h:5432/d") == "postgresql://u:***@h:5432/d"
    assert masked("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
