"""The coach's sentences (``data/replies.yml``), filled with the turn's values."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_DIR

REPLIES_FILE = PROJECT_DIR / "data" / "replies.yml"


@lru_cache(maxsize=1)
def replies(path: Path = REPLIES_FILE) -> dict[str, dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["replies"]


def render(name: str, **values: object) -> tuple[str, list[dict]]:
    """Text with its ``{placeholders}`` filled, and the reply's own buttons."""
    reply = replies()[name]
    return reply["text"].format(**values), list(reply.get("buttons") or [])
