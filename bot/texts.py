"""The reply catalogue (``data/replies.yml``): every sentence, button title and label that
people see, by name, filled with the turn's values.

Its sections: ``replies`` (what the coach says, by reply name, with ``text``, ``plain``,
``buttons`` and the ``private`` and ``neutral`` marks), ``titles`` (button titles and the few
words code puts around data), ``labels`` (topics, steps, roles, signs, regions) and ``answers``
(the sentences of the direct-answer bank, by answer id).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_DIR

REPLIES_FILE = PROJECT_DIR / "data" / "replies.yml"


@lru_cache(maxsize=1)
def catalogue(path: Path = REPLIES_FILE) -> dict[str, dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def replies() -> dict[str, dict]:
    return catalogue()["replies"]


def render(name: str, /, **values: object) -> tuple[str, list[dict]]:
    """Text with its ``{placeholders}`` filled, and the reply's own buttons."""
    reply = replies()[name]
    return reply["text"].format(**values), [dict(b) for b in reply.get("buttons") or []]


def text(name: str, /, **values: object) -> str:
    return render(name, **values)[0]


def plain(name: str, /, **values: object) -> str | None:
    """The reply's ``plain:`` variant (for "what do you mean?"), or None when it has none."""
    found = (replies().get(name) or {}).get("plain")
    return found.format(**values) if isinstance(found, str) else None


def private(name: str | None) -> bool:
    """Whether a reply tells where someone is in their plan, or what is stored about them."""
    return bool((replies().get(name or "") or {}).get("private"))


def title(name: str, /, **values: object) -> str:
    """A button title, or a few words code puts around data."""
    return str(catalogue()["titles"][name]).format(**values)


def labels(kind: str) -> dict[str, str]:
    """``topics``, ``steps``, ``roles``, ``signs``, ``regions`` or ``region_buttons``: key -> words."""
    return dict(catalogue()["labels"][kind])


def label(kind: str, key: str) -> str:
    return labels(kind).get(key, key.replace("_", " "))


def answers() -> dict[str, str]:
    """The direct answers' sentences by answer id (the questions are in ``data/answers/``)."""
    return dict(catalogue()["answers"])
