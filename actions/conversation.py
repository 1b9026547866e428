"""Actions for cards and for telling the coach who you are."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.adapter import CoachAction, entity, intent, reading
from bot.coach import Coach, Person
from bot.lexicon import breach_in_answer
from bot.replies import Turn
from bot.topics import topic_for_intent

ROLE_OF_INTENT = {"i_broke_trust": "offender", "i_was_betrayed": "betrayed"}
ROLE_OF_FEELING = {"express_hurt": "betrayed", "express_guilt": "offender"}


class ActionTopicCard(CoachAction):
    """Every ``ask_<topic>`` intent: the card whose topic is the intent without ``ask_``.

    A yes/no question gets its direct answer first; a long message's situation is taken in.
    """

    action_name = "action_topic_card"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        topic = topic_for_intent(intent(tracker))
        found = reading(tracker)
        if found.get("answers") or found.get("sentences"):
            return coach.question(person, topic, found)
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
        found = reading(tracker)
        breach, named = entity(tracker, "breach_type")
        if not named:
            breach = breach_in_answer(tracker.latest_message.get("text")) or found.get("breach_type")
        role = ROLE_OF_INTENT.get(intent(tracker) or "")
        if named and breach is None and role is None:
            return Turn().say("unknown_breach_type")
        # The wording settles the role (role cue, or a long story's sentences); a button does too.
        sure = found.get("role") == role or str(tracker.latest_message.get("text") or "").startswith("/")
        return coach.situation(person, role, breach, sure=sure)


class ActionFeeling(CoachAction):
    action_name = "action_feeling"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.feeling(person, ROLE_OF_FEELING.get(intent(tracker) or "", "betrayed"))


class ActionRestate(CoachAction):
    """"What do you mean?": the last reply more plainly."""

    action_name = "action_restate"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.restate(person)


class ActionLanguageNotice(CoachAction):
    """A message in another language: the coach says it only speaks English."""

    action_name = "action_language_notice"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.language_notice()


class ActionFollowUp(CoachAction):
    """After a reply that a rule says from the domain (greeting, thanks, ...): a pending step
    question is asked again once or let go, and "what do you mean?" knows what was said."""

    action_name = "action_follow_up"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        previous = tracker.latest_action_name or ""
        turn = Turn()
        if previous.startswith("utter_"):
            turn.set(last_reply=f"reply:{previous}")
        return turn
