"""The pieces that read people as they write: spelling, language, negation, steps, answers, patches."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from bot import answers, language, reading, steps
from bot.cards import CARDS_DIR, read_cards, seed_names
from bot.spelling import Speller

# -- spelling ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def speller():
    from bot.spelling import vocabulary_of
    from components.text_prep import project_texts

    return Speller(vocabulary_of(project_texts()))


@pytest.mark.parametrize(("typed", "meant"), [
    ("wat shud i do abt his lyin", "what should i do about his lying"),
    ("cn we evr trust agen", "can we ever trust again"),
    ("my husbnd cheted on me", "my husband cheated on me"),
    ("is it normall to feel like this", "is it normal to feel like this"),
    ("i feel sooo alone", "i feel so alone"),
])
def test_typos_and_chat_spelling_are_corrected(speller, typed, meant):
    assert speller.correct(typed).text == meant


@pytest.mark.parametrize("text", [
    "he was gaslighting me for years", "she met him on Tinder", "he goes to AA on tuesdays",
    "Jaxon lied to me", "we did the boundaries step", "sexting his ex",
])
def test_the_projects_own_words_and_names_are_never_corrected(speller, text):
    assert speller.correct(text).text == text


def test_corrections_map_back_to_what_was_written(speller):
    corrected = speller.correct("wat shud i do abt his lyin")
    start = corrected.text.index("lying")
    assert corrected.original[corrected.to_original(start):corrected.to_original(start + 5)] == "lyin"


# -- language -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Mi esposo me engañó y no sé qué hacer", "Mon mari m'a trompée avec sa collègue",
    "Mein Freund hat mich die ganze Zeit angelogen", "Meu marido me traiu com uma amiga",
    "Mój mąż mnie okłamywał od miesięcy", "Мой муж мне изменил",
])
def test_other_languages_are_detected_offline(speller, text):
    found = language.detect(text, speller.english_share(text))
    assert found is not None and found.code != "en"


@pytest.mark.parametrize("text", [
    "ok", "si", "merci", "Maria", "lol", "wat shud i do abt his lyin", "cn we evr trust agen",
    "tbh idk wat 2 do", "my wife cheated on me with her coworker",
])
def test_short_words_and_english_chat_are_not_another_language(speller, text):
    assert language.detect(text, speller.english_share(text)) is None


def test_language_detection_needs_no_network():
    code = ("import socket\n"
            "def refuse(*a, **k): raise OSError('network is off')\n"
            "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
            "from bot import language\n"
            "print(language.detect('Mi esposo me engañó y no sé qué hacer', 0.1).code)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() != "en"


# -- negation and questions ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "phrase", "denied"), [
    ("he didn't cheat, he just stopped talking to me", "cheat", True),
    ("I never lied about money, it's the drinking", "lied about money", True),
    ("nobody cheated", "cheated", True),
    ("she thinks I relapsed", "relapsed", True),
    ("he's been sober for two years, that's not the issue", "sober", True),
    ("I can't stop drinking", "drinking", False),
    ("I'm not the one who cheated", "cheated", False),
    ("he didn't just cheat, he lied", "cheat", False),
    ("he swears he isn't drinking again", "drinking again", False),
    ("he cheated on me", "cheated", False),
])
def test_denied_breaches(text, phrase, denied):
    start = text.index(phrase)
    assert reading.negated(text, start, start + len(phrase)) is denied


@pytest.mark.parametrize(("text", "yes_no"), [
    ("am I wrong to still be this angry?", True), ("is it normal to keep replaying it", True),
    ("will she ever trust me again", True), ("was it my fault?", True),
    ("how do I rebuild trust", False), ("why did he do it?", False),
])
def test_yes_no_questions(text, yes_no):
    assert reading.is_yes_no(text) is yes_no


def test_long_messages_are_split_into_sentences():
    text = "I found texts on his phone. He said it meant nothing!! Dr. Smith says so...\nHow do I trust him?"
    assert len(reading.sentences(text)) == 4


# -- steps ------------------------------------------------------------------------------------------


def test_every_step_has_criteria_beside_its_cards_from_a_seed():
    criteria = steps.criteria()
    assert set(criteria) == set(steps.STEPS)
    seeds = seed_names()
    for item in criteria.values():
        assert item.counts and item.does_not_count and item.cues and item.not_done_examples
        assert set(item.done_when) == {"betrayed", "offender"}
        assert set(item.done_examples) == {"betrayed", "offender"}
        assert seeds is None or item.source in seeds


@pytest.mark.parametrize(("text", "step"), [
    ("I apologized to her last night", "apologize"),
    ("he apologized properly, no excuses at all", "apologize"),
    ("we agreed that he won't contact her again", "boundaries"),
    ("I gave her all my passwords without her asking", "transparency"),
    ("she finally listened and didn't argue", "acknowledge"),
])
def test_reports_of_steps_that_happened(text, step):
    assert steps.polarity(text, step).status == steps.DONE


@pytest.mark.parametrize(("text", "step", "why"), [
    ("I haven't apologised yet", "apologize", "not_yet"),
    ("I tried to apologise but made excuses", "apologize", "non_apology"),
    ("she said 'sorry you feel that way'", "apologize", "non_apology"),
    ("she apologized but said I drove her to it", "apologize", "non_apology"),
    ("he still won't let me see his phone", "transparency", "not_yet"),
    ("I'm going to tell her everything tomorrow", "acknowledge", "future"),
    ("we talked about rules for nights out but didn't agree on anything", "boundaries", "negated"),
    ("i offered to show her my phone but then took it back", "transparency", "refusal"),
    ("he admitted it but said it was only a kiss", "acknowledge", "non_apology"),
])
def test_reports_of_steps_that_did_not_happen(text, step, why):
    assert steps.polarity(text, step) == steps.Polarity(steps.NOT_DONE, why)


@pytest.mark.parametrize(("text", "yes"), [
    ("yes", True), ("yep I did", True), ("yeah that one", True), ("/affirm", True),
    ("ok thx", False), ("hmm", False), ("maybe", False), ("I guess?", False),
])
def test_only_a_real_yes_is_a_yes(text, yes):
    assert steps.is_real_yes(text) is yes


# -- the answer bank ----------------------------------------------------------------------------------


def test_the_answer_bank_has_sixty_answers_each_agreeing_with_an_existing_card_of_its_source():
    bank = answers.bank()
    assert len(bank) >= 60
    cards = {c.id: c for c in read_cards(CARDS_DIR.glob("*.yml"))}
    for answer in bank.values():
        card = cards.get(answer.card_id)
        assert card is not None, f"{answer.id}: no card {answer.card_id}"
        assert card.source == answer.source, f"{answer.id}: source differs from its card's"
        assert answer.role == "any" or card.role in (answer.role, "any"), \
            f"{answer.id}: card for the other side"
        assert len(answer.text) <= 240 and answer.questions


def test_answers_that_differ_by_side_come_in_both():
    bank = answers.bank()
    assert bank["my-fault-betrayed"].text.startswith("No")
    assert bank["my-fault-offender"].role == "offender"
    assert answers.choose([{"id": "my-fault-betrayed", "score": 0.9},
                           {"id": "my-fault-offender", "score": 0.8}],
                          "offender").id == "my-fault-offender"


# -- patches ----------------------------------------------------------------------------------------------


def test_plain_rasa_test_defaults_to_the_projects_tests():
    from bot.patches import rasa_test_defaults

    module = importlib.import_module("rasa.cli.test")
    rasa_test_defaults.apply()  # idempotent: the .pth hook has normally applied it already
    seen = {}

    class Args:
        stories, nlu = ".", "data"

    original = module.test.__closure__[0].cell_contents if module.test.__closure__ else None
    assert getattr(module.test, "_coach_patched", False) and original is not None

    def record(args):
        seen.update(stories=args.stories, nlu=args.nlu)

    module.test.__closure__[0].cell_contents = record
    try:
        module.test(Args())
    finally:
        module.test.__closure__[0].cell_contents = original
    assert seen == {"stories": "tests", "nlu": "tests/nlu"}


def test_the_rasa_command_loads_the_patches():
    code = "import rasa.cli.test as t; print(getattr(t.test, '_coach_patched', False))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().endswith("True"), result.stderr[-500:]


def test_nlu_folds_are_seeded():
    import rasa.nlu.test as nlu_test
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = TrainingData([Message(data={"text": f"t{i}", "intent": "ab"[i % 2]}) for i in range(20)])

    def folds():
        return [[m.get("text") for m in test.intent_examples] for _, test in nlu_test.generate_folds(2, data)]

    assert getattr(nlu_test.generate_folds, "_coach_patched", False)
    assert folds() == folds()
