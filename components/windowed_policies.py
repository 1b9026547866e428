"""Rasa's rule policy, featurising the last few turns instead of the session.

At prediction, the policy turns the tracker into one state per action of the whole
conversation session (``DialogueStateTracker.past_states``), twice per prediction: the
cost of a turn grows with the conversation. Rules hold at most two user turns, so this
subclass featurises ``bot.window.windowed_tracker`` (the last ``window_turns`` user turns,
with the slots replayed as they were) and predicts exactly what it predicts from the
whole tracker. In this coach every intent has a rule, so the rule policy decides every
turn (and there are no stories, nor a memoization policy to learn them). Training is
untouched: only ``_prediction_states`` differs.
"""

from __future__ import annotations

import weakref
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import State
from rasa.shared.core.trackers import DialogueStateTracker

from bot import window

DEFAULT_WINDOW_TURNS = 4


class _Windowed:
    config: dict[str, Any]

    def _window(self, tracker: DialogueStateTracker) -> DialogueStateTracker:
        # RulePolicy asks twice per prediction (text, then intent): cut once per tracker state.
        cached = self.__dict__.get("_last_window")
        key = (len(tracker.events), tracker.events[-1] if tracker.events else None)
        if cached and cached[0]() is tracker and cached[1] == key:
            return cached[2]
        trimmed = window.windowed_tracker(tracker, window.window_turns(self.config["window_turns"]))
        self.__dict__["_last_window"] = (weakref.ref(tracker), key, trimmed)
        return trimmed

    def _prediction_states(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        return super()._prediction_states(  # type: ignore[misc]
            self._window(tracker), domain, use_text_for_last_user_input, rule_only_data
        )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class WindowedRulePolicy(_Windowed, RulePolicy):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**RulePolicy.get_default_config(), "window_turns": DEFAULT_WINDOW_TURNS}
