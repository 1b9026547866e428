"""Rasa's logistic-regression intent classifier, safe for messages with no words.

An empty or whitespace-only message has no tokens, so the n-gram featurizer
gives it no features and scikit-learn refuses the narrower feature row: the
whole turn would fail. Such a message is marked ``nlu_fallback`` here and the
coach asks again (see components/input_guard.py); everything else is
classified as usual.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class CoachIntentClassifier(LogisticRegressionClassifier):
    def process(self, messages: list[Message]) -> list[Message]:
        wordless = [m for m in messages if m.get_sparse_features(TEXT)[1] is None]
        for message in wordless:
            fallback = {INTENT_NAME_KEY: "nlu_fallback", PREDICTED_CONFIDENCE_KEY: 1.0}
            message.set(INTENT, fallback, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [fallback], add_to_output=True)
        rest = [m for m in messages if m not in wordless]
        if rest:
            super().process(rest)
        return messages
