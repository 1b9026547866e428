"""The lexicon's phrases through the project's own spaCy pipeline (bot.nlp, nlp/en_coach).

Patterns match lookup lemmas, so "lies", "lied" and "lying" are one word to them ("lie"), as are
"drinking"/"drink", "betting"/"bet" and "pills"/"pill": generic words only count in context.
Text is lowercased first, as Rasa's SpacyNLP does (case_sensitive: false).
"""

from __future__ import annotations

import pytest

from bot import nlp as coach_nlp
from bot.lexicon import BREACH_TYPES, ENTITY_VOCABULARY, STEPS, canonical


@pytest.fixture(scope="module")
def nlp():
    pipeline = coach_nlp.load()
    assert coach_nlp.is_current(), "nlp/en_coach is older than bot/lexicon.py: run python -m bot.nlp"
    return pipeline


def found(nlp, text: str) -> set[tuple[str, str]]:
    return {(ent.label_, ent.ent_id_) for ent in nlp(text.lower()).ents}


POSITIVE = [
    ('he lied to me about everything', "breach_type", "dishonesty"),
    ("she's been lying to me for months", "breach_type", "dishonesty"),
    ('i lied to my wife', "breach_type", "dishonesty"),
    ('he lies to me all the time', "breach_type", "dishonesty"),
    ("i'm so tired of his lies", "breach_type", "dishonesty"),
    ('all the lies she told', "breach_type", "dishonesty"),
    ('i told her so many lies', "breach_type", "dishonesty"),
    ('he keeps secrets from me', "breach_type", "dishonesty"),
    ("she's been keeping secrets", "breach_type", "dishonesty"),
    ('he kept things from me', "breach_type", "dishonesty"),
    ('i caught him lying again', "breach_type", "dishonesty"),
    ('he was caught in a lie', "breach_type", "dishonesty"),
    ("he's a liar", "breach_type", "dishonesty"),
    ('she was lying about where she went', "breach_type", "dishonesty"),
    ('he lies about everything', "breach_type", "dishonesty"),
    ("i've been living a lie", "breach_type", "dishonesty"),
    ('he has a secret phone', "breach_type", "dishonesty"),
    ('he gaslit me for years', "breach_type", "dishonesty"),
    ('she keeps gaslighting me', "breach_type", "dishonesty"),
    ("i haven't been honest with her", "breach_type", "dishonesty"),
    ('he kept it from me', "breach_type", "dishonesty"),
    ('he cheated on me', "breach_type", "infidelity"),
    ('my wife had an affair', "breach_type", "infidelity"),
    ('i caught him sexting', "breach_type", "infidelity"),
    ('she sexted her ex', "breach_type", "infidelity"),
    ('he was on tinder', "breach_type", "infidelity"),
    ("he's on dating apps", "breach_type", "infidelity"),
    ('i found a dating app on her phone', "breach_type", "infidelity"),
    ("he's been texting his ex", "breach_type", "infidelity"),
    ('she slept with her coworker', "breach_type", "infidelity"),
    ('he sent nudes to another woman', "breach_type", "infidelity"),
    ('i had a one night stand', "breach_type", "infidelity"),
    ("he's seeing someone else", "breach_type", "infidelity"),
    ('she was flirting with other men', "breach_type", "infidelity"),
    ('she has a secret credit card', "breach_type", "financial_secrecy"),
    ('he had hidden debts', "breach_type", "financial_secrecy"),
    ('i hid our debts from him', "breach_type", "financial_secrecy"),
    ('he lied about money', "breach_type", "financial_secrecy"),
    ('she has a secret bank account', "breach_type", "financial_secrecy"),
    ('he ran up debt behind my back', "breach_type", "financial_secrecy"),
    ('he maxed out our credit card', "breach_type", "financial_secrecy"),
    ('she drained our savings', "breach_type", "financial_secrecy"),
    ('he took out a secret loan', "breach_type", "financial_secrecy"),
    ('i spent our savings without telling her', "breach_type", "financial_secrecy"),
    ('he lost thousands at the casino', "breach_type", "addiction"),
    ('she plays poker every night', "breach_type", "addiction"),
    ("he's into sports betting", "breach_type", "addiction"),
    ("he's been betting on football again", "breach_type", "addiction"),
    ('she has a drinking problem', "breach_type", "addiction"),
    ("he's drinking again", "breach_type", "addiction"),
    ('he drinks too much', "breach_type", "addiction"),
    ("i'm hooked on pills", "breach_type", "addiction"),
    ("she's popping pills again", "breach_type", "addiction"),
    ('he has a gambling problem', "breach_type", "addiction"),
    ('she relapsed', "breach_type", "addiction"),
    ('his drinking is out of control', "breach_type", "addiction"),
    ('he has a porn addiction', "breach_type", "addiction"),
    ("i'm an alcoholic", "breach_type", "addiction"),
    ("he's been using drugs", "breach_type", "addiction"),
    ('he ignores me', "breach_type", "emotional_neglect"),
    ('she ignored me for years', "breach_type", "emotional_neglect"),
    ('he gives me the silent treatment', "breach_type", "emotional_neglect"),
    ('she keeps stonewalling me', "breach_type", "emotional_neglect"),
    ('he stonewalled me for weeks', "breach_type", "emotional_neglect"),
    ('he took me for granted', "breach_type", "emotional_neglect"),
    ('she takes me for granted', "breach_type", "emotional_neglect"),
    ("he's never there for me", "breach_type", "emotional_neglect"),
    ('she is cold and distant', "breach_type", "emotional_neglect"),
    ("he's been emotionally distant", "breach_type", "emotional_neglect"),
    ("he's so cold to me", "breach_type", "emotional_neglect"),
    ('she shut me out', "breach_type", "emotional_neglect"),
    ('i feel neglected', "breach_type", "emotional_neglect"),
    ("he's emotionally checked out", "breach_type", "emotional_neglect"),
    ('i feel invisible', "breach_type", "emotional_neglect"),
    ('he ignores my needs', "breach_type", "emotional_neglect"),
    ('he broke his promise again', "breach_type", "broken_promises"),
    ('she keeps breaking her promises', "breach_type", "broken_promises"),
    ('he went back on his word', "breach_type", "broken_promises"),
    ('she went back on her word', "breach_type", "broken_promises"),
    ('i broke my promise to her', "breach_type", "broken_promises"),
    ('he never follows through', "breach_type", "broken_promises"),
    ("he didn't keep his word", "breach_type", "broken_promises"),
    ("he doesn't keep his promises", "breach_type", "broken_promises"),
    ('so many broken promises', "breach_type", "broken_promises"),
    ('just empty promises', "breach_type", "broken_promises"),
    ("i'll be an open book", "step", "transparency"),
    ('i want complete honesty from now on', "step", "transparency"),
    ('i share my phone with her now', "step", "transparency"),
    ('we share passwords now', "step", "transparency"),
    ('full disclosure', "step", "transparency"),
    ('transparency is done', "step", "transparency"),
    ('we agreed on boundaries', "step", "boundaries"),
    ('we set some ground rules', "step", "boundaries"),
    ('we need to set rules about contact', "step", "boundaries"),
    ('i went no contact with her', "step", "boundaries"),
    ('we set limits on contact with his ex', "step", "boundaries"),
    ('cheating again is a dealbreaker', "step", "boundaries"),
    ('i apologized to her', "step", "apologize"),
    ('i owned up to it', "step", "acknowledge"),
    ('i found his secret account', "breach_type", "financial_secrecy"),
    ('she has her own secret credit card', "breach_type", "financial_secrecy"),
    ('he caught me in a lie', "breach_type", "dishonesty"),
    ('i was the one who lied', "breach_type", "dishonesty"),
    ('i regret every lie i told her', "breach_type", "dishonesty"),
    ('she kept a huge secret from me', "breach_type", "dishonesty"),
    ('i took her for granted for years', "breach_type", "emotional_neglect"),
    ('i ignored my husbands needs', "breach_type", "emotional_neglect"),
    ('i kept drinking even though she begged me to stop', "breach_type", "addiction"),
    ('porn', "breach_type", "addiction"),
    ('he bet our savings on horses', "breach_type", "addiction"),
]

# No breach type at all in these: the generic word is used in its everyday sense.
NOT_A_BREACH = [
    'i lie awake at night',
    'i lie awake thinking about it',
    'i need to lie down',
    "let's get a drink",
    'we went for drinks after work',
    'can i get you a drink',
    "i promise i'll try",
    'i promise to do better',
    'i bet he is sorry',
    'i bet you hear this a lot',
    "i'm on the pill",
    'i have a cold',
    "it's cold outside",
    'i caught a cold',
    'the future feels distant',
    "it's no secret that i'm struggling",
    'can you keep a secret',
    'just ignore the last message',
    'i ignored the notification',
    'i checked out of the hotel',
    'we checked out a new restaurant',
    'how do i rebuild trust',
    'i feel lost and confused',
    "i didn't keep the receipt",
    "we're taking a break",
    'he is telling the truth now',
    "i'd never lie to myself about this",
]

# No plan step in these.
NOT_A_STEP = [
    'we have a few rules at home',
    'there are limits to what i can do',
    'honesty is important to me',
    'i value honesty',
    'there are limits on what i can say',
    'the new rules at work are annoying',
]


@pytest.mark.parametrize(("text", "label", "value"), POSITIVE)
def test_names_the_value(nlp, text, label, value):
    assert (label, value) in found(nlp, text)


@pytest.mark.parametrize("text", NOT_A_BREACH)
def test_everyday_words_are_not_a_breach(nlp, text):
    assert not {value for label, value in found(nlp, text) if label == "breach_type"}


@pytest.mark.parametrize("text", NOT_A_STEP)
def test_everyday_words_are_not_a_step(nlp, text):
    assert not {value for label, value in found(nlp, text) if label == "step"}


def test_every_phrase_names_its_own_value(nlp):
    """No phrase is shadowed by an as-long pattern of another value."""
    wrong = []
    for label, vocabulary in ENTITY_VOCABULARY.items():
        for value, phrases in vocabulary.items():
            for phrase in phrases:
                if (label, value) not in found(nlp, phrase):
                    wrong.append(f"{phrase!r} -> {found(nlp, phrase)}, want {value}")
    assert not wrong


GENERIC_LEMMAS = {
    "lie", "secret", "drink", "promise", "rule", "limit", "honesty", "cold", "distant", "bet", "pill",
    "ignore", "check", "word",
}


def test_no_phrase_is_a_bare_generic_word(nlp):
    bare = []
    for vocabulary in (BREACH_TYPES, STEPS):
        for value, phrases in vocabulary.items():
            for phrase in phrases:
                lemmas = [token.lemma_ for token in nlp(phrase.lower())]
                if len(lemmas) == 1 and lemmas[0] in GENERIC_LEMMAS:
                    bare.append(f"{value}: {phrase!r}")
    assert not bare


def test_the_longer_phrase_decides_the_value(nlp):
    assert found(nlp, "he lied about money") == {("breach_type", "financial_secrecy")}
    assert found(nlp, "she has a secret credit card") == {("breach_type", "financial_secrecy")}
    assert ("step", "transparency") in found(nlp, "no more secrets between us")


def test_canonical_accepts_values_and_phrases():
    assert canonical("breach_type", "financial_secrecy") == "financial_secrecy"
    assert canonical("breach_type", "hid our debts") == "financial_secrecy"
    assert canonical("breach_type", "sexted") == "infidelity"
    assert canonical("breach_type", "silent treatment") == "emotional_neglect"
    assert canonical("breach_type", "Emotional  Neglect") == "emotional_neglect"
    assert canonical("step", "ground rules") == "boundaries"
    assert canonical("region", "uk") == "UK"
    assert canonical("breach_type", "banana") is None
    assert canonical("nope", "affair") is None


def test_every_plan_step_has_a_topic_card():
    from bot.lexicon import PLAN_STEPS
    from bot.topics import TOPICS

    assert set(PLAN_STEPS) <= set(TOPICS)


def test_every_region_the_nlu_knows_has_resources():
    from bot.lexicon import REGIONS
    from bot.resources import REGION_NAMES

    assert set(REGION_NAMES) == set(REGIONS)
