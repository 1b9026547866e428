"""The coach's controlled vocabulary: entity values and the phrases that name them.

One place feeds both the spaCy entity ruler (built by :mod:`bot.nlp`) and the
validation of entity values coming back from NLU, so a synonym added here is
understood everywhere.
"""

from __future__ import annotations

ROLES = ("betrayed", "offender")

BREACH_TYPES: dict[str, tuple[str, ...]] = {
    "infidelity": (
        "affair", "cheat", "cheating", "cheater", "unfaithful", "infidelity",
        "emotional affair", "sleep with", "slept with", "hook up", "hooked up",
        "other woman", "other man", "sexting", "dating app", "fling", "one night stand",
        "adultery", "be with someone else", "kiss someone", "kissed someone",
        "see someone else", "seeing someone else",
    ),
    "dishonesty": (
        "lie", "liar", "lying", "lied", "dishonest", "dishonesty", "deceive",
        "deception", "secret", "secrets", "cover up", "hide thing", "hid things",
        "hiding things", "half truth", "not honest", "untruth", "fib",
    ),
    "broken_promises": (
        "broken promise", "broke promise", "break promise", "break my promise",
        "break his promise", "break her promise", "broke his promise",
        "broke her promise", "broke my promise", "broke our promise",
        "go back on word", "went back on word", "promise",
        "never follow through", "not keep word", "didn't keep",
    ),
    "financial_secrecy": (
        "hide debt", "hid debt", "hid our debts", "hidden debt", "secret debt",
        "credit card debt", "secret account", "hid money", "hide money",
        "secret spending", "financial secrecy", "financial infidelity",
        "lie about money", "lied about money", "money secret", "secret loan",
        "drain savings", "drained our savings", "emptied our savings", "spend our savings",
    ),
    "addiction": (
        "addiction", "addict", "addicted", "gamble", "gambling", "drinking",
        "drink", "alcohol", "alcoholic", "drug", "drugs", "porn addiction",
        "relapse", "relapsed", "betting", "sober", "rehab",
    ),
    "emotional_neglect": (
        "neglect", "neglected", "emotional neglect", "ignore", "ignored",
        "distant", "cold", "not there for me", "never there", "checked out",
        "emotionally absent", "emotionally unavailable", "shut me out",
        "take me for granted", "took me for granted", "invisible",
    ),
}

STEPS: dict[str, tuple[str, ...]] = {
    "acknowledge": (
        "acknowledge", "acknowledgement", "acknowledgment", "admit", "own up", "owned up",
        "take responsibility",
    ),
    "apologize": ("apologize", "apologise", "apology", "apologized", "apologised", "say sorry", "said sorry"),
    "transparency": ("transparency", "transparent", "open book", "openness", "share my phone", "honesty"),
    "boundaries": ("boundaries", "boundary", "ground rules", "rules", "limits"),
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


def canonical(entity: str, value: object) -> str | None:
    """Return the canonical value for an extracted entity, or None if unknown.

    NLU may hand back the canonical value (the entity ruler does) or a surface
    form DIET picked up; anything else is treated as not understood rather than
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
