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


def plain(name: str, **values: object) -> str | None:
    """The reply's ``plain:`` variant (for "what do you mean?"), or None when it has none."""
    reply = replies().get(name) or {}
    text = reply.get("plain")
    if not isinstance(text, str):  # domain responses (utter_*) have theirs as plain_<name>
        text = (replies().get(f"plain_{name}") or {}).get("text")
    return text.format(**values) if isinstance(text, str) else None
