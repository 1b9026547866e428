"""docs/ARCHITECTURE.md is a map: every file or folder it names must exist."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
MAP = PROJECT / "docs" / "ARCHITECTURE.md"


def named_paths(text: str) -> set[str]:
    # `bot/coach.py`, `data/cards/`, `config.yml`: code spans that look like a path.
    spans = re.findall(r"`([^`\s]+)`", text)
    return {s for s in spans if "/" in s or re.search(r"\.(py|yml|yaml|md|js|css|html)$", s)}


def test_every_file_the_architecture_page_names_exists():
    names = named_paths(MAP.read_text(encoding="utf-8"))
    assert len(names) > 30, "the page names the files it maps"
    missing = sorted(n for n in names if not (PROJECT / n.rstrip("/")).exists())
    assert not missing, f"docs/ARCHITECTURE.md names files that are gone: {missing}"


def test_the_check_can_fail():
    assert "bot/no_such_module.py" in named_paths("see `bot/no_such_module.py` and `x`")
    assert not (PROJECT / "bot/no_such_module.py").exists()
