"""The coach's controlled vocabulary: entity values and the phrases that name them.

One place feeds both the spaCy entity ruler (built by :mod:`bot.nlp`) and the
validation of entity values coming back from NLU, so a synonym added here is
understood everywhere.
"""

from __future__ import annotations

import re

ROLES = ("betrayed", "offender")


def _each(heads: tuple[str, ...], tails: tuple[str, ...]) -> tuple[str, ...]:
    """Every "head tail": ``_each(("lie to",), ("me", "him"))`` -> ("lie to me", "lie to him")."""
    return tuple(f"{head} {tail}" for head in heads for tail in tails)


# Patterns match lookup *lemmas* token by token (see bot.nlp): "lies", "lied" and "lying" are all
# "lie", "drinking" is "drink", "betting" is "bet", "pills" is "pill". A bare word therefore also
# matches "I lie awake", "let's get a drink", "I bet he knows", "I'm on the pill", so generic words
# only appear here inside the words around them ("lied to me", "drinking problem", "sports
# betting"). Words the lemmatizer leaves alone ("sexted", "texting", "gaslit") need every form.
_PEOPLE = ("me", "him", "her", "them", "us", "my", "our", "everyone", "you")
_OWNERS = ("his", "her", "my", "their", "your")
_EXES_AND_OTHERS = (
    "his ex", "her ex", "my ex", "another woman", "another man", "other women", "other men",
    "someone else", "another girl", "another guy",
)

BREACH_TYPES: dict[str, tuple[str, ...]] = {
    "infidelity": (
        "affair", "cheat", "cheating", "cheater", "unfaithful", "unfaithfulness", "infidelity", "adultery",
        "emotional affair", "sleep with", "slept with", "sleep around", "hook up", "hooked up",
        "other woman", "other man", "fling", "one night stand", "be with someone else",
        "kiss someone", "kissed someone", "see someone else", "seeing someone else",
        "sexting", "sexted", "sext", "sexts", "send nudes", "sent nudes",
        "dating app", "dating apps", "dating site", "dating profile", "tinder", "bumble", "grindr",
        "ashley madison", "secret relationship", "secret girlfriend", "secret boyfriend",
        "in bed with someone", "in bed with another",
        *_each(("texting", "texted", "messaging", "flirt with", "flirting with"), _EXES_AND_OTHERS),
    ),
    "dishonesty": (
        "liar", "dishonest", "dishonesty", "deceive", "deception", "deceit", "deceitful",
        *_each(("lie to",), _PEOPLE),
        "lie about", "lie constantly", "lie all the time", "keep lying", "kept lying",
        *_each(_OWNERS + ("the", "all the", "all his", "all her", "all my", "so many", "all these",
                          "all those", "more", "web of", "pack of", "white", "constant"), ("lies",)),
        "tell lies", "told lies", "tell a lie", "told a lie", "told me lies", "told me a lie", "every lie",
        "lies i told", "lies he told", "lies she told", "one who lied", "in a lie", "lies and", "and lies",
        "lies or", "or lies",
        "caught him lying", "caught her lying", "caught me lying", "caught in a lie", "live a lie",
        "living a lie", "half truth", "not honest", "not been honest", "untruth", "fib", "cover up",
        "hide things", "hid things", "hiding things", "keep things from", "kept things from",
        "keep it from me", "kept it from me", "keep secrets", "kept secrets", "keeping secrets",
        "kept a secret from", "keep a secret from", *_each(("secret from", "secrets from"), _PEOPLE),
        # Not "his secret": it would tie with, and win over, "secret account" in "his secret account".
        "more secrets", "secrets and", "and secrets", "secrets or", "or secrets",
        "secret life", "double life", "secret phone", "second phone", "burner phone",
        "gaslight", "gaslighting", "gaslit", "gaslighted",
    ),
    "broken_promises": (
        "broken promise", "broken promises", "broke promise", "break promise",
        # "break his promise" also matches "broke", "broken", "breaking", "promises" (lemmas).
        *_each(("break",), _each(_OWNERS + ("our", "every", "all his", "all her", "all my"),
                                 ("promise", "word"))),
        "go back on word", "went back on word", "go back on a promise",
        *_each(("go back on",), _each(_OWNERS, ("word", "promise"))),
        # "didn't keep his word", "doesn't keep her promises", "never kept my word".
        *_each(("not keep", "never keep"), _each(_OWNERS, ("word", "promise"))),
        "not keep word", "never follow through", "not follow through", "empty promise", "empty promises",
        "promise after promise",
        "promises he didn't keep", "promises she didn't keep", "promises i didn't keep",
    ),
    "financial_secrecy": (
        "hide debt", "hid debt", "hid our debts", "hidden debt", "hidden debts", "secret debt",
        "credit card debt", "secret account", "secret bank account", "secret savings account",
        "hidden account", "secret credit card", "secret card", "hidden credit card", "secret loan",
        "hid money", "hide money", "secret spending", "secret purchases", "hid the bills",
        "hide the bills", "hid the statements", "hide purchases", "hid purchases",
        "financial secrecy", "financial infidelity", "lie about money", "lied about money",
        "lie about our finances", "lie about the debt", "lie about debt", "lie about spending",
        "money secret", "drain savings", "drained our savings", "emptied our savings",
        "spend our savings", "spent our savings", "blew our savings", "wasted our savings",
        "ran up debt", "run up debt", "racked up debt", "max out the credit card",
        "maxed out our credit card", "maxed out the credit cards", "stole money", "steal from our account",
    ),
    "addiction": (
        "addiction", "addict", "addicted", "gamble", "gambling", "casino", "poker", "pokies",
        "slot machine", "slot machines", "sports betting", "online betting", "betting app",
        "betting site", "betting problem", "betting addiction", "bookie",
        *_each(("betting on", "bet on"), ("sports", "football", "horses", "games")),
        "bet our savings", "bet our money", "bet the rent",
        "alcohol", "alcoholic", "alcoholism", "drinking problem", "drink problem", "drinking again",
        "drink too much", "heavy drinking", "binge drinking", "drinking in secret", "secret drinking",
        "hide drinking", "keep drinking", "quit drinking", "stop drinking", "drinking behind",
        *_each(_OWNERS, ("drinking",)),
        "drug", "drugs", "cocaine", "meth", "heroin", "opioid", "opioids", "painkiller", "painkillers",
        "pop pills", "popping pills", "addicted to pills", "hooked on pills", "pill addiction",
        "pill problem", "abusing pills", "abuse pills", "taking pills again",
        "porn", "porn addiction", "porn habit", "porn problem", "watch porn", "watching porn",
        "relapse", "relapsed", "sober", "sobriety", "rehab",
    ),
    "emotional_neglect": (
        "neglect", "neglected", "emotional neglect", "emotionally neglected",
        *_each(("ignore",), ("me", "my needs", "my feelings", "his needs", "her needs", "my husbands needs",
                              "my wifes needs", "my partners needs", "for years", "for months")),
        "feel ignored", "felt ignored",
        "cold and distant", "distant and cold", "emotionally distant", "emotionally cold",
        "distant from me", "distant with me", "distant towards me", "distant toward me",
        "cold to me", "cold towards me", "cold toward me", "cold with me", "cold shoulder",
        "grown distant", "become distant",
        "not there for me", "never there for me", "never there", "emotionally absent",
        "emotionally unavailable", "emotionally checked out", "checked out of our marriage",
        "checked out of the marriage", "checked out of our relationship", "checked out of the relationship",
        "shut me out", "taken for granted",
        *_each(("take me", "take her", "take him", "take my wife", "take my husband", "take my partner"),
               ("for granted",)),
        "silent treatment", "stonewall", "stonewalling", "stonewalled",
        "feel invisible", "felt invisible", "feel alone in my marriage", "feel alone in our marriage",
        "lonely in my marriage", "lonely in our marriage", "never listens to me", "doesn't listen to me",
        "no time for me", "dismiss my feelings", "dismissed my feelings",
    ),
}

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
