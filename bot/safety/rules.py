"""The rules of ``data/safety/rules.yml``: loaded, checked, and applied to one message.

A rule is data: its id, level, whose risk it is, its patterns, what rules it out, and
its own examples (run as tests, rule by rule). The engine around it (bot/safety/reading.py)
supplies what every rule shares: negation, figures of speech, hedges and who is at risk.
Loading fails loudly on an unknown key, list or subject mode, so a typo cannot switch a
rule off in silence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from bot.safety import DATA_DIR, reading
from bot.safety.patterns import PHRASES, compile_any, compile_pattern, list_names
from bot.safety.text import Text

LEVELS = ("crisis", "abuse")
# Whose risk a hit is, read from the words around it (see _subject):
SUBJECTS = ("self", "other", "child", "speaker", "reflexive", "object", "victim", "possessive")
_KEYS = {
    "id", "level", "subject", "patterns", "not_before", "not_after", "not_in_sentence", "needs_nearby",
    "negatable", "figurative", "writer_acts", "jokes", "certain", "figure_of_speech", "lang", "note",
    "fires", "quiet", "level_if_other",
}


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    subject: str
    patterns: tuple[re.Pattern, ...]
    not_before: re.Pattern | None = None
    not_after: re.Pattern | None = None
    not_in_sentence: re.Pattern | None = None
    needs_nearby: re.Pattern | None = None
    negatable: bool = True
    figurative: bool = False  # a thing or a simile doing the act rules the hit out
    writer_acts: bool = False  # the writer doing it ("I track his phone") rules it out
    jokes: bool = False  # laughter in the clause rules it out ("lol she'll kill me")
    certain: bool = True
    # Often meant loosely: a "just kidding" after it lifts the hold without a second check.
    figure_of_speech: bool = False
    level_if_other: str | None = None  # "he held a gun to my head": crisis wording, abuse
    lang: str = "en"
    fires: tuple[str, ...] = ()
    quiet: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    rule: Rule
    level: str
    subject: str
    certain: bool


def _anchored_before(sources: list[str]) -> re.Pattern | None:
    return compile_any(sources, r"(?:{}),?\s*$")


def _anchored_after(sources: list[str]) -> re.Pattern | None:
    return compile_any(sources, r"^,?\s*(?:{})")


def _load_rule(raw: dict) -> Rule:
    unknown = set(raw) - _KEYS
    rid = raw.get("id", "?")
    if unknown:
        raise ValueError(f"rule {rid}: unknown keys {sorted(unknown)}")
    if raw.get("level") not in LEVELS:
        raise ValueError(f"rule {rid}: level must be one of {LEVELS}")
    subject = raw.get("subject", "speaker" if raw["level"] == "crisis" else "victim")
    if subject not in SUBJECTS:
        raise ValueError(f"rule {rid}: subject must be one of {SUBJECTS}")
    patterns = raw.get("patterns") or []
    if not patterns or not raw.get("fires"):
        raise ValueError(f"rule {rid}: needs patterns and at least one 'fires' example")
    try:
        compiled = tuple(compile_pattern(p) for p in patterns)
    except ValueError as error:
        raise ValueError(f"rule {rid}: {error}") from None
    return Rule(
        id=rid, level=raw["level"], subject=subject,
        patterns=compiled,
        not_before=_anchored_before(raw.get("not_before") or []),
        not_after=_anchored_after(raw.get("not_after") or []),
        not_in_sentence=compile_any(raw.get("not_in_sentence") or []),
        needs_nearby=compile_any(raw.get("needs_nearby") or []),
        negatable=raw.get("negatable", True), figurative=raw.get("figurative", False),
        writer_acts=raw.get("writer_acts", False), jokes=raw.get("jokes", False),
        certain=raw.get("certain", True), figure_of_speech=raw.get("figure_of_speech", False),
        level_if_other=raw.get("level_if_other"), lang=raw.get("lang", "en"),
        fires=tuple(raw.get("fires") or ()), quiet=tuple(raw.get("quiet") or ()),
    )


@cache
def load() -> tuple[Rule, ...]:
    raw = yaml.safe_load((DATA_DIR / "rules.yml").read_text(encoding="utf-8"))
    phrases = raw.get("phrases") or {}
    clash = set(phrases) & list_names()
    if clash:
        raise ValueError(f"phrases named like word lists: {sorted(clash)}")
    PHRASES.clear()
    PHRASES.update({name: " ".join(body.split()) for name, body in phrases.items()})
    rules = tuple(_load_rule(r) for r in raw["safety_rules"])
    ids = [r.id for r in rules]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"rule ids used twice: {sorted(duplicates)}")
    return rules


# -- one rule on one message ---------------------------------------------------------------------

def _subject(rule: Rule, m: re.Match, t: Text, prefix: str) -> str | None:
    mode, groups = rule.subject, m.groupdict()
    context = t.context(m.start(), m.end())
    if mode in ("self", "other", "child"):
        return reading.victim(prefix) if mode == "self" and rule.level == "abuse" else mode
    if mode == "reflexive":
        if groups.get("reflexive_other"):
            upto = t.text[m.start():m.start("reflexive_other")]
            return reading.reflexive(groups["reflexive_other"], prefix + " " + upto, context)
        return "self"
    if mode == "possessive":
        owner = next((groups[g] for g in ("third_possessive", "first_possessive") if groups.get(g)), "my")
        if owner in ("my", "mine", "our"):
            return reading.victim(prefix) if rule.level == "abuse" else "self"
        return reading.CHILD if reading.speaker(prefix, context, "other") == "child" else "other"
    if mode == "object":
        phrase = next((groups[g] for g in ("victim", "child_phrase", "object_self", "object_other",
                                           "third_possessive")
                       if groups.get(g)), None)
        if phrase in ("him", "her", "them", "his", "their"):
            # "he shakes him when he cries": whoever "him" stands for, never the one acting
            return reading.object_antecedent(context + " " + prefix + " " + m.group(0))
        who = reading.who_is(phrase)
        return reading.victim(prefix + " " + m.group(0)) if who in (None, "self") else who
    if mode == "victim":
        return reading.victim(prefix + " " + m.group(0))
    # speaker: whose body or words the hit names, else the person the clause is about
    if groups.get("child_phrase"):
        return "child"
    if groups.get("victim") and reading.who_is(groups["victim"]) in ("child", "other"):
        return reading.who_is(groups["victim"])
    if groups.get("reflexive_other") or groups.get("third_possessive"):
        word = groups.get("reflexive_other") or "himself"
        until = m.start("reflexive_other") if groups.get("reflexive_other") else m.start("third_possessive")
        return reading.reflexive(word, prefix + " " + t.text[m.start():until], context)
    # speaker: the one who has the thoughts or does the act, named before the hit or in it
    person = re.match(r"(?:my|our|his|her)\s+\S+(?:\s+\S+)?", m.group(0))
    who = reading.speaker(prefix + (" " + person.group(0) if person else ""), context)
    return reading.victim(prefix) if who == "self" and rule.level == "abuse" else who


def apply(rule: Rule, t: Text) -> tuple[list[Hit], bool]:
    """Every hit of one rule on the message, after its exclusions and the shared readings,
    and whether its words were found at all (read and ruled out: "I'm not suicidal")."""
    hits, matched = [], False
    for pattern in rule.patterns:
        for m in pattern.finditer(t.text):
            matched = True
            hit = _judge(rule, m, t)
            if hit is not None:
                hits.append(hit)
    return hits, matched


def _judge(rule: Rule, m: re.Match, t: Text) -> Hit | None:
    start, end = m.start(), m.end()
    prefix, suffix = t.before(start, end), t.after(start, end)
    if rule.not_after is not None and rule.not_after.search(t.text[end:end + 80]):
        return None
    if rule.not_before is not None and rule.not_before.search(t.text[max(0, start - 80):start]):
        return None
    sentence = t.sentence(start, end)
    if rule.not_in_sentence is not None and rule.not_in_sentence.search(sentence):
        return None
    if rule.needs_nearby is not None and not rule.needs_nearby.search(
        t.text[max(0, start - 200):end + 200]
    ):
        return None
    if rule.negatable and reading.negated(prefix, suffix):
        return None
    if rule.figurative and reading.figurative(prefix):
        return None
    if rule.writer_acts and reading.writer_acts(prefix):
        return None
    if rule.jokes and reading.joking(sentence):
        return None
    subject = _subject(rule, m, t, prefix)
    if subject is None:
        return None
    opened = t.quote_at(start)
    if subject == "self" and opened is not None and rule.level == "crisis":
        # "he texted me 'i won't be here tomorrow'": the "i" is whoever is quoted
        lo = max(0, opened - 150)
        subject = reading.quoted_speaker(t.text[lo:opened], t.text[max(0, lo - 300):lo])
    level = rule.level
    if rule.level_if_other and subject != "self":
        level, subject = rule.level_if_other, reading.victim(prefix)
    # A hedge anywhere earlier in the sentence counts: "maybe I'm overreacting but he gets scary".
    sentence_start = max(t.text.rfind(c, 0, start) for c in ".?!\n") + 1
    certain = rule.certain and not reading.hedged(t.text[max(sentence_start, start - 200):start])
    return Hit(rule, level, subject, certain)
