"""The deterministic safety layer, run on every user message inside NLU.

DIET may miss a disclosure (or score it under the fallback threshold); the
pattern/lemma check in :mod:`bot.safety` then overrides the intent, so the
safety rules fire whatever the conversation was doing, confirmations included.
Either layer firing is enough. The classifier's own safety guess stands when
it is confident and the deterministic check has not already read (and ruled
out) the risk words in the message: negation and figures of speech are the
check's strength, unseen wording is the classifier's.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot import safety
from components.stateless import StatelessComponent

INTENT_FOR_LEVEL = {"crisis": "crisis_self_harm", "abuse": "report_abuse"}
SAFETY_INTENTS = frozenset(INTENT_FOR_LEVEL.values())
FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyGuard(StatelessComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # Below this the classifier's own safety guess is too unsure to act on alone.
        return {"min_confidence": 0.5}

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.min_confidence = float(config["min_confidence"])


    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            assessment = safety.assess(text)
            if assessment is not None:
                self._choose(message, INTENT_FOR_LEVEL[assessment.level], 1.0)
                continue
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) not in SAFETY_INTENTS:
                continue
            # The classifier says danger and the deterministic check did not. Where the
            # check has read the risk words and ruled them out ("I'm not suicidal",
            # "this is killing me"), or the classifier is unsure, its guess does not fire.
            if safety.judged(text) or intent.get(PREDICTED_CONFIDENCE_KEY, 0.0) < self.min_confidence:
                self._choose(message, FALLBACK_INTENT, 1.0, keep_ranking=False)
        return messages

    @staticmethod
    def _choose(message: Message, name: str, confidence: float, keep_ranking: bool = True) -> None:
        chosen = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
        if not keep_ranking:
            ranking = [r for r in ranking if r.get(INTENT_NAME_KEY) not in SAFETY_INTENTS]
        message.set(INTENT, chosen, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
