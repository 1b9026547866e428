"""Settles ``i_broke_trust`` vs ``i_was_betrayed`` by who the sentence says did it.

See ``bot.role_cue``: the classifier picks "a person telling me what happened";
this only swaps between those two intents when the wording is unambiguous.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.role_cue import speaker_role
from components.stateless import StatelessComponent

INTENT_FOR_ROLE = {"offender": "i_broke_trust", "betrayed": "i_was_betrayed"}
SITUATION_INTENTS = frozenset(INTENT_FOR_ROLE.values())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RoleCue(StatelessComponent):


    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) not in SITUATION_INTENTS:
                continue
            role = speaker_role(message.get(TEXT) or "")
            wanted = INTENT_FOR_ROLE.get(role or "")
            if wanted is None:
                continue
            # The cue has settled which of the two it is, so the other one leaves the
            # ranking too: a near tie between them is no reason for FallbackClassifier
            # to call the message ambiguous.
            corrected = {**intent, INTENT_NAME_KEY: wanted}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                       if r.get(INTENT_NAME_KEY) not in SITUATION_INTENTS]
            message.set(INTENT, corrected, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [corrected, *ranking], add_to_output=True)
        return messages
