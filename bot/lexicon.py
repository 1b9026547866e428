"""The coach's controlled vocabulary: entity values and the phrases that name them.

One place feeds both the spaCy entity ruler (built by :mod:`bot.nlp`) and the
validation of entity values coming back from NLU, so a synonym added here is
understood everywhere.
"""

from __future__ import annotations

import re

from bot import words

ROLES = ("betrayed", "offender")


# The phrases that name each breach type live in data/words/breaches.yml (shared with the
# safety and role code). Patterns there match lookup *lemmas* token by token (see bot.nlp).
BREACH_TYPES: dict[str, tuple[str, ...]] = dict(words.load("breaches"))

STEPS: dict[str, tuple[str, ...]] = {
    "acknowledge": (
        "acknowledge", "acknowledgement", "acknowledgment", "admit", "own up", "owned up",
        "take responsibility",
    ),
    "apologize": ("apologize", "apologise", "apology", "apologized", "apologised", "say sorry", "said sorry"),
    "transparency": (
        "transparency", "transparent", "open book", "openness", "share my phone", "share passwords",
        "share my passwords", "share our passwords", "share my location", "full disclosure",
        "complete honesty", "total honesty", "full honesty", "radical honesty", "no more secrets",
        "nothing to hide", "answer every question", "answer all her questions", "answer all his questions",
    ),
    "boundaries": (
        "boundaries", "boundary", "ground rules", "set rules", "agree on rules", "rules about contact",
        "rules for our relationship", "set limits", "set some limits", "limits on contact",
        "limits around contact", "no contact", "cut off contact", "cut contact", "dealbreaker",
        "deal breaker",
    ),
}

REGIONS: dict[str, tuple[str, ...]] = {
    "US": ("the us", "usa", "u.s.", "u.s.a.", "united states", "america", "the states", "american"),
    "UK": (
        "uk", "british", "u.k.", "united kingdom", "britain", "great britain", "england", "scotland",
        "wales", "london",
    ),
    "CA": ("canada", "canadian", "ontario", "toronto", "vancouver", "quebec"),
    "AU": ("australia", "aussie", "australian", "sydney", "melbourne", "brisbane", "perth"),
    "IE": ("ireland", "irish", "dublin", "eire"),
}

ENTITY_VOCABULARY: dict[str, dict[str, tuple[str, ...]]] = {
    "breach_type": BREACH_TYPES,
    "step": STEPS,
    "region": REGIONS,
}

PLAN_STEPS: tuple[str, ...] = tuple(STEPS)


# Inside a sentence these words are too common to name a breach ("I lie awake", "let's get a
# drink"), so the entity ruler has no pattern for them alone; as the whole answer to "what
# happened?" they are unambiguous.
ONE_WORD_BREACHES: dict[str, str] = {
    "lying": "dishonesty", "lies": "dishonesty", "lied": "dishonesty", "secrets": "dishonesty",
    "drinking": "addiction", "drugs": "addiction", "betting": "addiction", "pills": "addiction",
}
_FILLER = frozenset({"mostly", "mainly", "just", "it", "was", "his", "her", "their", "the", "um",
                     "uh", "i", "guess", "think", "probably", "really", "oh", "well"})


def breach_in_answer(text: object) -> str | None:
    """The breach type a one-word answer names ("lies, mostly"), or None."""
    if not isinstance(text, str):
        return None
    words = [w for w in re.findall(r"[a-z]+", text.lower()) if w not in _FILLER]
    if len(words) != 1:
        return None
    return ONE_WORD_BREACHES.get(words[0]) or canonical("breach_type", words[0])


def canonical(entity: str, value: object) -> str | None:
    """Return the canonical value for an extracted entity, or None if unknown.

    NLU may hand back the canonical value (the entity ruler does) or a surface
    form (a button payload, a slot typed by hand); anything else is treated as not understood rather than
    stored.
    """
    vocabulary = ENTITY_VOCABULARY.get(entity)
    if vocabulary is None or not isinstance(value, str):
        return None
    text = " ".join(value.lower().split())
    if entity == "region":
        text_upper = text.upper()
        if text_upper in vocabulary:
            return text_upper
    elif text in vocabulary:
        return text
    for key, phrases in vocabulary.items():
        if text in phrases or text == key.replace("_", " "):
            return key
    return None
