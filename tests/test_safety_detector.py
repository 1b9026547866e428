"""The deterministic safety detector (bot.safety) on its own, without Rasa.

Two sets, each with recall 1.0 on its crisis and abuse messages (level right, subject right
where given) and at most 2 false alarms on its hard negatives:

* tests/safety/messages.yml: the set the detector was tuned on;
* tests/safety/heldout.yml: written separately, in other words, to check that the
  detector generalises (a further held-out set the team never sees is run as well).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from bot.safety import Assessment, assess

SAFETY_DIR = Path(__file__).parent / "safety"
SETS = {"messages": SAFETY_DIR / "messages.yml", "heldout": SAFETY_DIR / "heldout.yml"}
# minimum number of crisis, abuse and negative messages in each set
MIN_SIZES = {"messages": (65, 65, 35), "heldout": (60, 60, 40)}
MAX_FALSE_ALARMS = 2


@cache
def _load(name: str) -> dict:
    data = yaml.safe_load(SETS[name].read_text(encoding="utf-8"))
    assert set(data) >= {"crisis", "abuse", "negative"}
    return data


def _texts(data: dict) -> list[str]:
    return [item["text"] for key in ("crisis", "abuse", "negative") for item in data[key]]


def _misses(items: list[dict], level: str) -> list[str]:
    misses = []
    for item in items:
        got = assess(item["text"])
        want_subject = item.get("subject")
        if got is None or got.level != level or (want_subject and got.subject != want_subject):
            misses.append(f"{item['text'][:70]!r}: want {level}/{want_subject}, got {got}")
    return misses


@pytest.mark.parametrize("set_name", SETS)
def test_set_is_big_enough(set_name):
    data = _load(set_name)
    min_crisis, min_abuse, min_negative = MIN_SIZES[set_name]
    assert len(data["crisis"]) >= min_crisis
    assert len(data["abuse"]) >= min_abuse
    assert len(data["negative"]) >= min_negative
    texts = _texts(data)
    assert len(texts) == len(set(texts)), "duplicate messages in the test set"


def test_heldout_set_shares_no_message_with_the_tuning_set():
    tuned = {text.lower() for text in _texts(_load("messages"))}
    shared = [text for text in _texts(_load("heldout")) if text.lower() in tuned]
    assert not shared, shared


@pytest.mark.parametrize("set_name", SETS)
@pytest.mark.parametrize("level", ["crisis", "abuse"])
def test_recall_is_perfect(set_name, level):
    items = _load(set_name)[level]
    misses = _misses(items, level)
    recall = 1 - len(misses) / len(items)
    print(f"\n{set_name} {level}: recall {recall:.3f} ({len(items) - len(misses)}/{len(items)})")
    assert not misses, "missed disclosures:\n" + "\n".join(misses)


@pytest.mark.parametrize("set_name", SETS)
def test_false_alarms_within_budget(set_name):
    fired = [(i["text"], assess(i["text"])) for i in _load(set_name)["negative"]]
    alarms = [f"{text!r} -> {got}" for text, got in fired if got is not None]
    print(f"\n{set_name} negatives: {len(alarms)} false alarm(s) of {len(fired)}")
    for alarm in alarms:
        print("  " + alarm)
    assert len(alarms) <= MAX_FALSE_ALARMS, "\n".join(alarms)


# ---------------------------------------------------------------- targeted cases


@pytest.mark.parametrize(
    "text",
    [
        "I would never hurt myself",
        "I'm not suicidal",
        "no I don't want to die",
        "I have no intention of killing myself, I'm just angry",
        "he has never hit me",
    ],
)
def test_negations_do_not_fire(text):
    assert assess(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal but I keep thinking everyone would be better off without me",
        "I never thought I'd want to die over a man",
        "not gonna lie, I want to kill myself",
        "I can't promise I won't hurt myself tonight",
    ],
)
def test_negation_does_not_hide_a_disclosure(text):
    got = assess(text)
    assert got == Assessment("crisis", "self", got.reason if got else "")


@pytest.mark.parametrize(
    "text",
    [
        "kil myself",
        "kms",
        "i wanna die",
        "end it all",
        "im suicidel",
        "thinking of unaliving myself",
        "I want to k1ll myself",
        "soooo done, i just wanna diee",
    ],
)
def test_misspellings_and_slang_are_crisis(text):
    got = assess(text)
    assert got is not None and got.level == "crisis" and got.subject == "self", got


@pytest.mark.parametrize(
    "text,subject",
    [
        ("my partner threatened to kill himself if I leave", "other"),
        ("my friend is suicidal", "other"),
        ("she keeps saying she'd be better off dead", "other"),
        ("my daughter is cutting herself", "child"),
        ("my 15 year old son said he wants to die", "child"),
    ],
)
def test_third_person_and_child_crisis(text, subject):
    got = assess(text)
    assert got is not None and (got.level, got.subject) == ("crisis", subject), got


@pytest.mark.parametrize(
    "text",
    [
        "he hits the kids when I'm at work",
        "my husband slapped our daughter",
        "I'm scared he'll hurt the baby",
    ],
)
def test_child_at_risk_is_abuse_about_a_child(text):
    assert assess(text) == Assessment("abuse", "child", assess(text).reason)


def test_suicide_threat_used_to_control_is_crisis_about_the_partner():
    got = assess("he says he'll kill himself if I ever talk to my friends again")
    assert got is not None and (got.level, got.subject) == ("crisis", "other")


def test_told_to_kill_myself_is_abuse_not_own_ideation():
    got = assess("when we fight he tells me to go kill myself")
    assert got is not None and (got.level, got.subject) == ("abuse", "self")


@pytest.mark.parametrize(
    "text",
    [
        "this betrayal is killing me",
        "my feet are killing me",
        "I'm dying to know what she said",
        "I could kill him for lying, figuratively",
        "she killed it at her presentation",
        "it hit me hard when I saw the photos",
        "reality hit me like a truck",
        "I want to kill the vibe of secrecy in our house",
        "she beat me at chess again",
        "he pushed me to go to counselling",
    ],
)
def test_figurative_speech_does_not_fire(text):
    assert assess(text) is None


@pytest.mark.parametrize(
    "text,level",
    [
        ("he hit me", "abuse"),
        ("she tracks my location", "abuse"),
        ("he takes my paycheck", "abuse"),
        ("he forces me to have sex", "abuse"),
        ("I walk on eggshells around him", "abuse"),
        ("I want to die", "crisis"),
    ],
)
def test_core_categories_fire(text, level):
    got = assess(text)
    assert got is not None and got.level == level and got.subject == "self", got


def test_reason_is_a_label_not_message_text():
    got = assess("My secret name is Zebedee and I want to kill myself")
    assert got is not None
    assert got.reason.replace("_", "").isalpha() and "zebedee" not in got.reason.lower()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\t",
        "🙂🙂🙂💔",
        "Je suis tellement fatigué de tout ça",
        "我很难过",
        "a" * 20_000,
        "we talked. " * 2_000,
        "\x00\x01\x02 weird bytes \udcff",
        "((((((((((((((((((((((((((",
        "kill " * 4_000,
    ],
)
def test_never_raises_and_returns_none_or_assessment(text):
    got = assess(text)
    assert got is None or isinstance(got, Assessment)


def test_long_message_with_disclosure_at_the_end_is_found():
    text = "We talked about the boundaries again and it went fine. " * 300 + "I want to die."
    assert len(text) > 15_000
    got = assess(text)
    assert got is not None and got.level == "crisis"


@pytest.mark.parametrize(
    "text,fires",
    [
        # documented in bot/safety.py: figurative or distress without a disclosure
        ("I feel dead inside", False),
        ("I'm dying inside from the guilt", False),
        ("he checked my phone once and apologized", False),
        ("I'm afraid he'll hurt me again", False),
        ("I can't do this anymore", False),
        ("I don't feel emotionally safe with him since the affair", False),
        ("she threatened to leave me if I lie again", False),
        ("I track his location since the affair", False),
        # documented: fired although sometimes meant loosely
        ("I just want to disappear", True),
        ("I can't live with myself", True),
        ("he checks my phone every night", True),
        ("he'd kill me if he found out I'm talking to you", True),
        ("my husband is so controlling", True),
    ],
)
def test_documented_borderline_decisions(text, fires):
    assert (assess(text) is not None) is fires


def test_regex_fallback_catches_violence_without_spacy(monkeypatch):
    import bot.safety as safety

    monkeypatch.setattr(safety, "_spacy_tokens", lambda text: None)
    assert safety.assess("he has been hitting me") == Assessment(
        "abuse", "self", "physical_violence"
    )
    assert safety.assess("my husband slapped our son").subject == "child"
    assert safety.assess("it hit me hard when I saw the photos") is None


@pytest.mark.parametrize("value", [None, 42, ["I want to die"]])
def test_non_string_input_does_not_raise(value):
    got = assess(value)  # type: ignore[arg-type]
    assert got is None or isinstance(got, Assessment)
