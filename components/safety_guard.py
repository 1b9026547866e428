"""The safety verdict, worked out once per message inside NLU and written into its parse data.

The check in :mod:`bot.safety` (rules from data/safety/rules.yml, then the meaning layer on
the MiniLM sentence embedding the featurizer has just computed) decides; the classifier's own
guess at a safety intent never fires on its own, so every verdict names its rule or exemplar.
The parse data then carries ``safety: {level, subject, certain, reason, ...}`` (or None),
and the actions read it from ``tracker.latest_message`` instead of checking again. ``reason``
is an id, never text: parse data is stored with the conversation.

When it fires, the intent becomes ``crisis_self_harm`` or ``report_abuse`` whatever the
conversation was doing (confirmations included); the classifier's best other reading is kept
as ``otherwise``, so that after a false alarm the coach can answer what was meant. When the
classifier guessed a safety intent and the check found nothing, its best other reading stands.
"""

from __future__ import annotations

from typing import Any

import numpy as np
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
VERDICT_KEY = "safety"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyGuard(StatelessComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # The same threshold as the FallbackClassifier before it: an "other reading" below it
        # is no reading at all.
        return {"fallback_threshold": 0.2}

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.fallback_threshold = float(config["fallback_threshold"])
        safety.warm_up()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            verdict = safety.assess(text, _sentence_vector(message)) if isinstance(text, str) else None
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                       if r.get(INTENT_NAME_KEY) not in SAFETY_INTENTS | {FALLBACK_INTENT}]
            otherwise = ranking[0] if ranking and ranking[0].get(PREDICTED_CONFIDENCE_KEY, 0) >= \
                self.fallback_threshold else None
            if verdict is not None:
                payload = verdict.payload()
                payload["otherwise"] = otherwise[INTENT_NAME_KEY] if otherwise else None
                message.set(VERDICT_KEY, payload, add_to_output=True)
                self._choose(message, {INTENT_NAME_KEY: INTENT_FOR_LEVEL[verdict.level],
                                       PREDICTED_CONFIDENCE_KEY: 1.0}, ranking)
                continue
            message.set(VERDICT_KEY, None, add_to_output=True)
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) in SAFETY_INTENTS:
                chosen = otherwise or {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
                self._choose(message, chosen, [r for r in ranking if r is not otherwise])
        return messages

    @staticmethod
    def _choose(message: Message, chosen: dict, ranking: list[dict]) -> None:
        message.set(INTENT, chosen, add_to_output=True)
        rest = [r for r in ranking if r is not chosen]
        message.set(INTENT_RANKING_KEY, [chosen, *rest], add_to_output=True)


def _sentence_vector(message: Message) -> np.ndarray | None:
    """The dense sentence embedding a featurizer put on the message (MiniLM), if any."""
    for features in message.features:
        if features.attribute == TEXT and features.type == "sentence" and features.is_dense():
            return np.asarray(features.features).reshape(-1)
    return None
