"""Word lists shared by the language, role and safety code, read from ``data/words/``.

Each file is a YAML mapping of list names to lists of words or phrases, e.g.
``data/words/partners.yml`` -> ``partner: [husband, wife, ...]``. A list is written once
here and read everywhere it is needed, so the role cue and the safety check cannot drift
apart on who counts as a partner or what counts as a negation.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

WORDS_DIR = Path(__file__).resolve().parent.parent / "data" / "words"


@cache
def load(file: str) -> dict[str, tuple[str, ...]]:
    """Every list in ``data/words/<file>.yml``, lower-cased, in file order."""
    raw = yaml.safe_load((WORDS_DIR / f"{file}.yml").read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"data/words/{file}.yml must map list names to lists")
    lists: dict[str, tuple[str, ...]] = {}
    for name, values in raw.items():
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise ValueError(f"data/words/{file}.yml: {name} must be a list of non-empty strings")
        lists[name] = tuple(dict.fromkeys(v.strip().lower() for v in values))
    return lists


def words(file: str, name: str) -> frozenset[str]:
    """One list as a set: ``words("partners", "partner")``."""
    try:
        return frozenset(load(file)[name])
    except KeyError:
        raise KeyError(f"no list {name!r} in data/words/{file}.yml") from None


def phrases(file: str, name: str) -> tuple[str, ...]:
    """One list in file order (for regex alternations, where order can matter)."""
    try:
        return load(file)[name]
    except KeyError:
        raise KeyError(f"no list {name!r} in data/words/{file}.yml") from None
