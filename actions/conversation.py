"""Actions for cards and for telling the coach who you are."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.adapter import CoachAction, entity, intent
from bot.coach import Coach, Person
from bot.lexicon import breach_in_answer
from bot.replies import Turn
from bot.topics import topic_for_intent

ROLE_OF_INTENT = {"i_broke_trust": "offender", "i_was_betrayed": "betrayed"}
ROLE_OF_FEELING = {"express_hurt": "betrayed", "express_guilt": "offender"}


class ActionTopicCard(CoachAction):
    """Every ``ask_<topic>`` intent: the card whose topic is the intent without ``ask_``."""

    action_name = "action_topic_card"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        topic = topic_for_intent(intent(tracker))
        if topic is None:
            return Turn().say("unknown_topic")
        return coach.topic(person, topic)


class ActionMore(CoachAction):
    action_name = "action_more"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.more(person)


class ActionSituation(CoachAction):
    """``i_broke_trust`` / ``i_was_betrayed`` / ``inform_breach_type``."""

    action_name = "action_situation"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        breach, named = entity(tracker, "breach_type")
        if not named:
            breach = breach_in_answer(tracker.latest_message.get("text"))
        role = ROLE_OF_INTENT.get(intent(tracker))
        if named and breach is None and role is None:
            return Turn().say("unknown_breach_type")
        return coach.situation(person, role, breach)


class ActionFeeling(CoachAction):
    action_name = "action_feeling"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.feeling(person, ROLE_OF_FEELING.get(intent(tracker), "betrayed"))
