"""The safety check (bot.safety) on its own, without Rasa: both layers, every evaluation set.

Each set in tests/safety/ is scored per list and per kind and the table is printed. The sets
the check was tuned on or fixed with (messages, heldout, heldout2, heldout3; see docs/SAFETY.md)
must keep recall 1.0, level and subject right; any further set (heldout4) is printed, not gated.
The meaning layer gets the MiniLM embedding, as NLU gives it.
"""

from __future__ import annotations

from functools import cache

import pytest

from bot import safety
from bot.safety import Verdict, assess
from tests import safety_sets

GATED = [name for name in safety_sets.GATED if name in safety_sets.available()]
REPORTED = [name for name in safety_sets.available() if name not in safety_sets.GATED]
# minimum number of crisis, abuse and negative messages in each gated set
MIN_SIZES = {"messages": (65, 65, 35), "heldout": (60, 60, 40), "heldout2": (100, 100, 100),
             "heldout3": (110, 110, 110)}
# False alarms allowed per 100 hard negatives on the sets tuned on from the start.
FALSE_ALARM_BUDGET = {"messages": 2, "heldout": 2}


@cache
def _encoder():
    from bot.sentence_encoder import encoder

    return encoder()


def with_meaning(texts: list[str]) -> list[tuple[str, str] | None]:
    out = []
    for text, vector in zip(texts, _encoder().encode(texts), strict=True):
        got = assess(text, vector)
        out.append(None if got is None else (got.level, got.subject))
    return out


@cache
def figures(name: str) -> safety_sets.Figures:
    return safety_sets.measure(name, with_meaning)


def test_the_gated_sets_are_there():
    assert GATED == ["messages", "heldout", "heldout2", "heldout3"]


@pytest.mark.parametrize("set_name", GATED)
def test_set_is_big_enough_and_has_no_duplicates(set_name):
    data = safety_sets.load(set_name)
    for key, minimum in zip(safety_sets.LISTS, MIN_SIZES[set_name], strict=True):
        assert len(data[key]) >= minimum, key
    texts = [i["text"] for key in safety_sets.LISTS for i in data[key]]
    assert len(texts) == len(set(texts)), "duplicate messages in the test set"


def test_no_gated_set_shares_a_message_with_another():
    seen: dict[str, str] = {}
    for name in GATED:
        for key in safety_sets.LISTS:
            for item in safety_sets.load(name)[key]:
                text = item["text"].lower()
                assert text not in seen, f"{item['text']!r} is in {seen[text]} and {name}"
                seen[text] = name


@pytest.mark.parametrize("set_name", GATED)
@pytest.mark.parametrize("level", ["crisis", "abuse"])
def test_recall_is_perfect_on_the_sets_tuned_on(set_name, level, capsys):
    cell = figures(set_name).total(level)
    with capsys.disabled():
        print(f"\n{set_name} {level}: recall {cell.caught / cell.total:.3f} ({cell.caught}/{cell.total}), "
              f"level and subject right {cell.exact}/{cell.total}")
    wrong = [note for note in cell.misses] + [
        f"subject: {i['text'][:70]!r}" for i in safety_sets.load(set_name)[level]
        if i.get("subject") and (v := with_meaning([i["text"]])[0]) and v[0] == level and v[1] != i["subject"]
    ] if cell.exact != cell.total else []
    assert cell.exact == cell.total, "missed or misread disclosures:\n" + "\n".join(wrong)


@pytest.mark.parametrize("set_name", GATED + REPORTED)
def test_figures_per_list_and_kind_are_printed(set_name, capsys):
    fig = figures(set_name)
    gated = "gated" if set_name in GATED else "reported, not gated"
    with capsys.disabled():
        print("\n" + fig.table(f"{set_name} ({gated}; detector: patterns + meaning)"))
        for lst in safety_sets.LISTS:
            for note in fig.total(lst).misses:
                print("    " + note)
    assert fig.total("crisis").total and fig.total("abuse").total and fig.total("negative").total


@pytest.mark.parametrize("set_name", list(FALSE_ALARM_BUDGET))
def test_false_alarms_within_budget(set_name):
    fig = figures(set_name)
    negatives = fig.total("negative")
    allowed = FALSE_ALARM_BUDGET[set_name] * negatives.total / 100
    assert negatives.caught <= max(allowed, 2), "\n".join(negatives.misses)


# ---------------------------------------------------------------- targeted cases


@pytest.mark.parametrize("text", [
    "I would never hurt myself",
    "I'm not suicidal",
    "no I don't want to die",
    "I have no intention of killing myself, I'm just angry",
    "he has never hit me",
    "lol no, i didn't mean it like that, i'm just angry at him",
    "no, he's never hurt me",
    "I'm fine, it was a joke",
])
def test_negations_and_retractions_do_not_fire(text):
    assert assess(text) is None


@pytest.mark.parametrize("text", [
    "I'm not suicidal but I keep thinking everyone would be better off without me",
    "I never thought I'd want to die over a man",
    "not gonna lie, I want to kill myself",
    "I can't promise I won't hurt myself tonight",
])
def test_negation_does_not_hide_a_disclosure(text):
    got = assess(text)
    assert got is not None and (got.level, got.subject) == ("crisis", "self"), got


@pytest.mark.parametrize("text", [
    "kil myself", "kms", "i wanna die", "end it all", "im suicidel", "thinking of unaliving myself",
    "I want to k1ll myself", "soooo done, i just wanna diee",
])
def test_misspellings_and_slang_are_crisis(text):
    got = assess(text)
    assert got is not None and (got.level, got.subject) == ("crisis", "self"), got


@pytest.mark.parametrize(("text", "subject"), [
    ("my partner threatened to kill himself if I leave", "other"),
    ("my friend is suicidal", "other"),
    ("she keeps saying she'd be better off dead", "other"),
    ("my daughter is cutting herself", "child"),
    ("my 15 year old son said he wants to die", "child"),
    ("my brother texted me 'i won't be here tomorrow, sorry for everything'", "other"),
])
def test_third_person_and_child_crisis(text, subject):
    got = assess(text)
    assert got is not None and (got.level, got.subject) == ("crisis", subject), got


@pytest.mark.parametrize("text", [
    "he hits the kids when I'm at work",
    "my husband slapped our daughter",
    "I'm scared he'll hurt the baby",
    "he shakes the baby when he cries and then shakes him harder",
])
def test_child_at_risk_is_abuse_about_a_child(text):
    got = assess(text)
    assert got is not None and (got.level, got.subject) == ("abuse", "child"), got


def test_told_to_kill_myself_is_abuse_not_own_ideation():
    got = assess("when we fight he tells me to go kill myself")
    assert got is not None and (got.level, got.subject) == ("abuse", "self")


@pytest.mark.parametrize("text", [
    "this betrayal is killing me",
    "my feet are killing me",
    "I'm dying to know what she said",
    "I could kill him for lying, figuratively",
    "she killed it at her presentation",
    "it hit me hard when I saw the photos",
    "reality hit me like a truck",
    "she beat me at chess again",
    "he pushed me to go to counselling",
    "my mum is going to kill me when she sees the dent lol",
    "my wife will murder me, i forgot to book the restaurant",
    "we got destroyed in the semi final, brutal",
    "i handed him my phone and told him to look at whatever he wants",
])
def test_figures_of_speech_do_not_fire(text):
    assert assess(text) is None, assess(text)


@pytest.mark.parametrize(("text", "level"), [
    ("I don't know if it's safe to go home", "abuse"),
    ("maybe I'm not safe here", "abuse"),
    ("I think he might hurt me", "abuse"),
    ("maybe my family would be better off", "crisis"),
])
def test_hedged_danger_fires_as_uncertain(text, level):
    got = assess(text)
    assert got is not None and got.level == level and got.certain is False, got


def test_plain_danger_is_certain():
    assert assess("he hit me last night").certain is True


@pytest.mark.parametrize(("text", "level", "lang"), [
    ("quiero morirme, ya no aguanto", "crisis", "es"),
    ("mi pareja me pega cuando bebe", "abuse", "es"),
    ("je veux mourir", "crisis", "fr"),
    ("mon copain me frappe", "abuse", "fr"),
])
def test_spanish_and_french_are_read_by_the_patterns(text, level, lang):
    got = assess(text)
    assert got is not None and got.level == level and got.lang == lang, got


@pytest.mark.parametrize("text", [
    "me muero de risa con este video", "ce travail me tue", "mi jefe me va a matar si llego tarde",
])
def test_spanish_and_french_idioms_do_not_fire(text):
    assert assess(text) is None


@pytest.mark.parametrize("text", [
    "", "   ", "\n\t", "🙂🙂🙂💔", "我很难过", "a" * 20_000, "we talked. " * 2_000,
    "\x00\x01\x02 weird bytes \udcff", "((((((((((((((((((((((((((", "kill " * 4_000, "'" * 500 + '"' * 500,
])
def test_never_raises_and_returns_none_or_a_verdict(text):
    got = assess(text)
    assert got is None or isinstance(got, Verdict)


@pytest.mark.parametrize("value", [None, 42, ["I want to die"]])
def test_non_string_input_does_not_raise(value):
    got = assess(value)  # type: ignore[arg-type]
    assert got is None or isinstance(got, Verdict)


def test_long_message_with_disclosure_at_the_end_is_found():
    text = "We talked about the boundaries again and it went fine. " * 500 + "I want to die."
    assert len(text) > 25_000
    got = assess(text)
    assert got is not None and got.level == "crisis"


def test_the_meaning_layer_catches_wording_no_rule_has():
    text = "i've made my peace and written what needed writing, i won't be a problem for anyone"
    assert safety.patterns_only(text) is None
    got = assess(text, _encoder().encode([text])[0])
    assert got is not None and got.level == "crisis" and not got.reason.startswith(("suicide", "kill"))


def test_the_meaning_layer_is_silent_where_the_patterns_read_the_words_and_ruled_them_out():
    text = "i'm not suicidal, i'm just really tired and sad"
    found, read = safety.read_by_patterns(text)
    assert found is None and read
    assert assess(text, _encoder().encode([text])[0]) is None
