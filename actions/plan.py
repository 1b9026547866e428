"""Actions for the four-step repair plan, confirmations and the person's data."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.adapter import CoachAction, entity, intent, reading
from bot import steps
from bot.coach import Coach, Person
from bot.replies import Turn


class ActionNextStep(CoachAction):
    """``start_plan`` and ``ask_next_step``: the first undone step and its guidance."""

    action_name = "action_next_step"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.next_step(person)


class ActionProgress(CoachAction):
    action_name = "action_progress"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.show_progress(person)


class ActionStepDone(CoachAction):
    action_name = "action_step_done"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.step_done(person, *entity(tracker, "step"), report=reading(tracker).get("step"))


class ActionStepUndone(CoachAction):
    action_name = "action_step_undone"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.step_undone(person, *entity(tracker, "step"))


class ActionAskReset(CoachAction):
    action_name = "action_ask_reset"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.ask_reset(person)


class ActionAskDelete(CoachAction):
    action_name = "action_ask_delete"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.ask_delete(person)


class ActionAnswer(CoachAction):
    """``affirm`` / ``deny``: resolves whatever the coach last asked (the ``pending`` slot)."""

    action_name = "action_answer"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        text = str(tracker.latest_message.get("text") or "")
        # A button is a real answer; typed, only a clear yes counts ("ok thx" and "I guess?" do not).
        sure = text.startswith("/") or (steps.is_real_yes(text) if intent(tracker) == "affirm"
                                         else not steps.is_hedge(text))
        return coach.answer(person, yes=intent(tracker) == "affirm", sure=sure)
