"""Emergency numbers and hotlines by region, from ``data/safety/resources.yml``.

Each entry names the official page it was checked against (``source``); the
file, not code, is where a number is changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from bot import texts
from bot.settings import PROJECT_DIR

RESOURCES_FILE = PROJECT_DIR / "data" / "safety" / "resources.yml"
DEFAULT_REGION = "US"
REGION_NAMES = texts.labels("regions")  # the regions with help lines, named in a sentence
# Which hotline answers which danger; the first kind a region has wins.
KINDS_FOR = {
    ("crisis", "self"): ("crisis",),
    ("crisis", "other"): ("crisis",),
    ("crisis", "child"): ("child", "crisis"),
    ("abuse", "self"): ("domestic_abuse",),
    ("abuse", "other"): ("domestic_abuse",),
    ("abuse", "child"): ("child", "domestic_abuse"),
}


@dataclass(frozen=True)
class Resource:
    region: str
    kind: str
    name: str
    call: str | None
    text: str | None
    chat_url: str | None
    source: str
    # How to reach the line in another language, where its official page says it serves it:
    # {"es": "en español: ..."}; its source is recorded next to it in resources.yml.
    languages: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def payload(self) -> dict:
        return {"name": self.name, "call": self.call, "text": self.text, "chat_url": self.chat_url,
                "source": self.source, "languages": dict(self.languages)}

    def how_to_reach(self) -> str:
        ways = []
        if self.call:
            ways.append(texts.title("reach_call", number=self.call))
        if self.text:  # some lines' own wording already says how ("text START to 88788")
            own = self.text.lower().startswith("text")
            ways.append(self.text if own else texts.title("reach_text", number=self.text))
        if self.chat_url:
            ways.append(texts.title("reach_chat", url=self.chat_url))
        if len(ways) > 1:
            return texts.title("reach_either", ways=", ".join(ways[:-1]), last=ways[-1])
        return ways[0] if ways else ""


@lru_cache(maxsize=1)
def directory(path: Path = RESOURCES_FILE) -> tuple[Resource, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = raw["resources"] if isinstance(raw, dict) else raw
    return tuple(
        Resource(
            region=e["region"], kind=e["kind"], name=e["name"], call=_str(e.get("call")),
            text=_str(e.get("text")), chat_url=_str(e.get("chat_url")), source=e["source"],
            languages={str(k): str(v) for k, v in (e.get("languages") or {}).items()},
        )
        for e in entries
        if e.get("verified", True)
    )


def _str(value) -> str | None:
    return None if value in (None, "") else str(value)


def region_or_default(region: str | None) -> str:
    return region if region in REGION_NAMES else DEFAULT_REGION


def for_danger(region: str | None, level: str, subject: str) -> list[Resource]:
    """Emergency first, then the one hotline that fits the danger, for the region."""
    region = region_or_default(region)
    here = [r for r in directory() if r.region == region]
    chosen = [r for r in here if r.kind == "emergency"][:1]
    for kind in KINDS_FOR.get((level, subject), ("crisis",)):
        match = [r for r in here if r.kind == kind]
        if match:
            chosen.append(match[0])
            break
    return chosen
