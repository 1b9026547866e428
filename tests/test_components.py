"""Unit tests for the NLU components in components/, on hand-built messages and no trained model.

Each component is built from its config and fed ``Message`` objects shaped as the components
before it would leave them, so what it decides (the safety arbitration above all) is checked
apart from what the classifier happens to predict. RoleCue and TextPrep have their own files
(tests/test_role_cue.py, tests/test_understanding_parts.py).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from bot import safety
from components.input_guard import InputGuard
from components.safety_guard import FALLBACK_INTENT, VERDICT_KEY, SafetyGuard
from components.text_prep import CORRECTION, OriginalText

DISCLOSURE = "he grabbed me by the throat last night and i'm scared to go home"


def _message(text: str, ranking: list[tuple[str, float]] = ()) -> Message:
    message = Message(data={TEXT: text})
    ranked = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: score} for name, score in ranking]
    if ranked:
        message.set(INTENT, ranked[0])
        message.set(INTENT_RANKING_KEY, ranked)
    return message


def _intent(message: Message) -> str:
    return message.get(INTENT)[INTENT_NAME_KEY]


# ----------------------------------------------------------------------------- SafetyGuard
@pytest.fixture(scope="module")
def guard() -> SafetyGuard:
    return SafetyGuard({**SafetyGuard.get_default_config()})


def test_a_disclosure_overrides_whatever_the_classifier_read(guard):
    # The check fires on the text alone: no embedding, no classifier vote for a safety intent.
    assert safety.assess(DISCLOSURE) is not None
    message = _message(DISCLOSURE, [("affirm", 0.9), ("i_was_betrayed", 0.05)])
    guard.process([message])
    assert _intent(message) == "report_abuse"
    assert message.get(INTENT)[PREDICTED_CONFIDENCE_KEY] == 1.0
    verdict = message.get(VERDICT_KEY)
    assert verdict["level"] == "abuse" and verdict["reason"]
    # The best other reading is kept so that a false alarm can still be answered.
    assert verdict["otherwise"] == "affirm"
    assert [r[INTENT_NAME_KEY] for r in message.get(INTENT_RANKING_KEY)][:2] == ["report_abuse", "affirm"]


def test_an_other_reading_below_the_threshold_is_no_reading(guard):
    message = _message(DISCLOSURE, [("affirm", 0.1), ("deny", 0.05)])
    guard.process([message])
    assert message.get(VERDICT_KEY)["otherwise"] is None


def test_the_classifier_alone_never_raises_a_safety_intent(guard):
    message = _message("how do we talk about the affair without fighting",
                       [("crisis_self_harm", 0.6), ("communication", 0.3), ("deny", 0.1)])
    guard.process([message])
    assert message.get(VERDICT_KEY) is None
    assert _intent(message) == "communication"
    assert "crisis_self_harm" not in [r[INTENT_NAME_KEY] for r in message.get(INTENT_RANKING_KEY)]


def test_a_lone_safety_guess_with_nothing_else_becomes_the_fallback(guard):
    message = _message("how do we talk about the affair without fighting",
                       [("report_abuse", 0.85), ("communication", 0.1)])
    guard.process([message])
    assert _intent(message) == FALLBACK_INTENT


def test_a_plain_message_is_left_as_read(guard):
    message = _message("how long does it take to rebuild trust", [("how_long", 0.8), ("signs", 0.1)])
    guard.process([message])
    assert _intent(message) == "how_long"
    assert message.get(VERDICT_KEY) is None


def test_a_message_without_text_does_not_break_the_turn(guard):
    message = Message(data={})
    guard.process([message])
    assert message.get(VERDICT_KEY) is None


# ------------------------------------------------------------------------------ InputGuard
@pytest.mark.parametrize("text", ["", "   ", "😢😢😢", "x" * 5001])
def test_unusable_input_becomes_the_fallback_with_no_entities(text):
    message = _message(text, [("infidelity", 0.9)])
    message.set(ENTITIES, [{"entity": "breach_type", "value": "infidelity", "start": 0, "end": 1}])
    InputGuard({}).process([message])
    assert _intent(message) == "nlu_fallback"
    assert message.get(ENTITIES) == []


def test_usable_input_is_left_alone():
    message = _message("my wife lied about money", [("i_was_betrayed", 0.9)])
    InputGuard({}).process([message])
    assert _intent(message) == "i_was_betrayed"


# ---------------------------------------------------------------------------- OriginalText
def test_original_text_puts_back_what_the_person_wrote_and_moves_entities_with_it():
    from bot.spelling import Correction, Edit

    original, corrected = "about his lyin", "about his lying"
    correction = Correction(original, corrected, [Edit(10, 14, 10, 15)])
    message = Message(data={TEXT: corrected, CORRECTION: correction})
    message.set(ENTITIES, [{"entity": "breach_type", "value": "dishonesty", "start": 10, "end": 15}])
    OriginalText({}).process([message])
    assert message.get(TEXT) == original
    entity = message.get(ENTITIES)[0]
    assert original[entity["start"]:entity["end"]] == "lyin"
    assert CORRECTION not in message.data


# ----------------------------------------------------------------------- CoachIntentClassifier
def test_a_message_with_no_word_features_gets_the_fallback_not_an_error(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from components.intent_classifier import CoachIntentClassifier

    def sparse(row: list[float]) -> Features:
        return Features(scipy.sparse.coo_matrix([row]), "sentence", TEXT, "test")

    examples = []
    for intent, row in (("how_long", [1.0, 0.0]), ("signs", [0.0, 1.0])):
        for _ in range(3):
            example = Message(data={TEXT: intent, INTENT: intent})
            example.add_features(sparse(row))
            examples.append(example)
    storage = LocalModelStorage(tmp_path)
    classifier = CoachIntentClassifier.create(
        CoachIntentClassifier.get_default_config(), storage, Resource("clf"),
        ExecutionContext(GraphSchema({}), node_name="clf"))
    classifier.train(TrainingData(examples))

    worded = Message(data={TEXT: "how long"})
    worded.add_features(sparse([1.0, 0.0]))
    wordless = Message(data={TEXT: ""})
    classifier.process([worded, wordless])
    assert _intent(worded) == "how_long"
    assert _intent(wordless) == "nlu_fallback"


# ------------------------------------------------------------------------- MiniLMFeaturizer
def test_minilm_puts_one_scaled_sentence_vector_on_every_message_with_text():
    from components.minilm_featurizer import MiniLMFeaturizer

    config = MiniLMFeaturizer.get_default_config()
    featurizer = MiniLMFeaturizer(config, "minilm")
    messages = [Message(data={TEXT: "he lied to me"}), Message(data={TEXT: ""}), Message(data={})]
    featurizer.process(messages)
    _, sentence = messages[0].get_dense_features(TEXT)
    assert sentence is not None and sentence.features.shape == (1, 384)
    # Unit-length embedding times the configured scale.
    assert np.linalg.norm(sentence.features) == pytest.approx(config["scale"], rel=1e-3)
    assert messages[1].get_dense_features(TEXT)[1] is not None  # empty text still has features
    assert messages[2].get_dense_features(TEXT)[1] is None
    with pytest.raises(ValueError):
        MiniLMFeaturizer.validate_config({**config, "scale": 0})


# -------------------------------------------------------------------- LexiconEntityExtractor
def test_lexicon_entities_are_canonical_values_with_their_offsets():
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    from bot.nlp import PIPELINE_DIR as MODEL_DIR
    from components.lexicon_entities import LexiconEntityExtractor

    model = SpacyNLP.load_model(str(MODEL_DIR))  # already a SpacyModel
    text = "my husband had an affair"
    message = Message(data={TEXT: text})
    LexiconEntityExtractor(LexiconEntityExtractor.get_default_config()).process(
        [message], model)
    found = {(e["entity"], e["value"]) for e in message.get(ENTITIES)}
    assert ("breach_type", "infidelity") in found
    for entity in message.get(ENTITIES):
        assert entity["extractor"] == "LexiconEntityExtractor"
        assert text[entity["start"]:entity["end"]].strip()
