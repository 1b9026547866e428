"""Turns input the coach cannot work with (see ``bot.input_check``) into ``nlu_fallback``.

Without it the classifier still picks its likeliest intent for "😢😢😢" or a pasted
20,000-character text, and the coach would answer with a card no one asked
for. Placed before SafetyGuard, so a disclosure inside a long message still
gets the safety response.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.input_check import problem
from components.stateless import StatelessComponent


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class InputGuard(StatelessComponent):


    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if problem(message.get(TEXT)) is None:
                continue
            fallback = {INTENT_NAME_KEY: "nlu_fallback", PREDICTED_CONFIDENCE_KEY: 1.0}
            message.set(INTENT, fallback, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [fallback], add_to_output=True)
            message.set(ENTITIES, [], add_to_output=True)
        return messages
