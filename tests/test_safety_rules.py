"""Every rule of data/safety/rules.yml, tested on its own examples, and how rule failures surface.

Each ``fires`` example must be caught by its own rule (and give a verdict); each ``quiet``
example must give no verdict at all. The summary prints every rule with its number of
examples, so `make test` shows which rules exist and how well each is pinned down.
"""

from __future__ import annotations

import logging

import pytest

from bot import safety
from bot.safety import patterns, rules
from bot.safety.text import Text, normalise

RULES = rules.load()


def _cases(kind: str) -> list:
    return [pytest.param(rule, text, id=f"{rule.id}-{i}")
            for rule in RULES for i, text in enumerate(getattr(rule, kind))]


@pytest.mark.parametrize(("rule", "text"), _cases("fires"))
def test_rule_fires_on_its_example(rule, text):
    hits, _ = rules.apply(rule, Text(normalise(text)))
    assert hits, f"{rule.id} did not fire on its own example"
    got = safety.assess(text)
    assert got is not None and got.level in ("crisis", "abuse")


@pytest.mark.parametrize(("rule", "text"), _cases("quiet"))
def test_rule_stays_quiet_on_its_example(rule, text):
    assert safety.assess(text) is None, f"{text!r} fired {safety.assess(text)}"


def test_rule_by_rule_summary_is_printed(capsys):
    """One line per rule: its examples, and whether each fired (fires) or stayed silent (quiet)."""
    lines, failed = [f"{len(RULES)} safety rules (data/safety/rules.yml), rule by rule:"], []
    for rule in RULES:
        fired = sum(bool(rules.apply(rule, Text(normalise(text)))[0]) for text in rule.fires)
        silent = sum(safety.assess(text) is None for text in rule.quiet)
        ok = fired == len(rule.fires) and silent == len(rule.quiet)
        failed += [] if ok else [rule.id]
        lines.append(f"  {'ok  ' if ok else 'FAIL'} {rule.id:26} {rule.level:6} "
                     f"patterns: {len(rule.patterns):2}  fires: {fired}/{len(rule.fires)}  "
                     f"quiet: {silent}/{len(rule.quiet)}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert all(rule.fires for rule in RULES)
    assert len({rule.id for rule in RULES}) == len(RULES)
    assert failed == []


def test_reasons_are_rule_ids_never_text():
    got = safety.assess("My secret name is Zebedee and I want to kill myself")
    assert got is not None and got.reason in {rule.id for rule in RULES}
    assert "zebedee" not in str(got.payload()).lower()


@pytest.mark.parametrize("source", [
    "(unclosed | group",
    "{no_such_list_anywhere}",
    "(a? | b?)",
    "at home )",
])
def test_a_mistyped_pattern_is_refused_when_the_rules_load(source):
    with pytest.raises(ValueError):
        patterns.compile_pattern(source)


def test_an_unknown_key_or_level_is_refused():
    with pytest.raises(ValueError):
        rules._load_rule({"id": "x", "level": "crisis", "patterns": ["die"], "fires": ["die"],
                          "neagtable": False})
    with pytest.raises(ValueError):
        rules._load_rule({"id": "x", "level": "danger", "patterns": ["die"], "fires": ["die"]})


def _break_one_rule(monkeypatch, broken_id: str) -> None:
    real = rules.apply

    def apply(rule, text):
        if rule.id == broken_id:
            raise KeyError("a renamed group")
        return real(rule, text)

    monkeypatch.setattr(rules, "apply", apply)
    safety._CACHE.clear()


def test_under_pytest_a_rule_that_raises_fails_loudly(monkeypatch):
    _break_one_rule(monkeypatch, "kill_self")
    with pytest.raises(KeyError):
        safety.assess("he says he will hurt himself if i leave")


def test_in_production_the_rule_id_and_error_class_are_logged_never_the_text(monkeypatch, caplog):
    _break_one_rule(monkeypatch, "suicide_word")
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.delenv("SAFETY_STRICT", raising=False)
    with caplog.at_level(logging.ERROR, logger="bot.safety"):
        got = safety.assess("Zebedee feels suicidal tonight")
    assert "suicide_word" in caplog.text and "KeyError" in caplog.text
    assert "zebedee" not in caplog.text.lower() and "suicidal" not in caplog.text.lower()
    assert got is None  # the rules before the broken one found nothing; no verdict is invented
    safety._CACHE.clear()


def test_in_production_the_meaning_layer_still_decides_when_the_rules_fail(monkeypatch):
    from bot.safety import meaning

    monkeypatch.setattr(rules, "load", lambda: (_ for _ in ()).throw(RuntimeError("broken file")))
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.delenv("SAFETY_STRICT", raising=False)
    danger = meaning.bank().danger[0]
    vector = meaning._vectors()[0][0]
    safety._CACHE.clear()
    got = safety.assess(danger.text, vector)
    assert got is not None and got.reason == danger.id
    safety._CACHE.clear()


def test_a_list_shares_boundaries_and_matches_as_entry_by_entry(monkeypatch):
    """list_regex hoists the word boundaries out of neighbouring entries (it made the rules'
    start ~30% faster); it must find the same spans as one alternative per entry."""
    import re

    lists = patterns._all_lists()
    texts = []
    for entries in lists.values():
        for entry in entries:
            word = entry.rstrip("*")
            texts += [f"so {word} said", f"{word}'s", f"{word}s", f"x{word}", f"{word}, then {word}ing"]
    corpus = "\n".join(texts)
    for name, entries in lists.items():
        ordered = sorted(set(entries), key=lambda e: (-len(e), e))
        entry_by_entry = re.compile("(?:" + "|".join(patterns.word_regex(e) for e in ordered) + ")")
        shared = re.compile(patterns.list_regex(name))
        assert len(shared.pattern) <= len(entry_by_entry.pattern)
        assert [m.span() for m in shared.finditer(corpus)] == \
            [m.span() for m in entry_by_entry.finditer(corpus)], name
