"""The shared word lists load, and YAML has not turned a word into something else."""

from __future__ import annotations

import pytest
import yaml

from bot import words


@pytest.mark.parametrize("path", sorted(words.WORDS_DIR.glob("*.yml")), ids=lambda p: p.name)
def test_every_word_file_is_lists_of_words(path):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(raw, dict) and raw
    for name, values in raw.items():
        # Unquoted "no" or "on" would arrive as a boolean: every entry must stay a string.
        assert all(isinstance(v, str) for v in values), f"{path.name}:{name} has a non-string entry"
    assert words.load(path.stem)


def test_lists_are_read_by_name():
    assert "husband" in words.words("partners", "partner")
    assert "no" in words.words("negations", "negation")
    with pytest.raises(KeyError):
        words.words("partners", "no_such_list")


def test_list_names_are_unique_across_files():
    # The safety rules name lists without their file (data/safety/rules.yml: "{future}").
    seen: dict[str, str] = {}
    for path in sorted(words.WORDS_DIR.glob("*.yml")):
        for name in words.load(path.stem):
            assert name not in seen, f"{name!r} is in both {seen[name]}.yml and {path.name}"
            seen[name] = path.stem
