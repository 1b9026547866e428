"""The deterministic safety layer, run on every user message inside NLU.

DIET may miss a disclosure (or score it under the fallback threshold); the
pattern/lemma check in :mod:`bot.safety` then overrides the intent, so the
safety rules fire whatever the conversation was doing, confirmations included.
It only ever adds a safety intent, never removes one: either layer firing is
enough (the classifier's own safety intent stands when it clears the fallback
threshold).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot import safety

INTENT_FOR_LEVEL = {"crisis": "crisis_self_harm", "abuse": "report_abuse"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyGuard:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = self._safety_intent(message)
            if intent is None:
                continue
            chosen = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != intent]
            message.set(INTENT, chosen, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
        return messages

    @staticmethod
    def _safety_intent(message: Message) -> str | None:
        assessment = safety.assess(message.get(TEXT) or "")
        return INTENT_FOR_LEVEL[assessment.level] if assessment is not None else None
