"""Actions for cards and for telling the coach who you are."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.adapter import CoachAction, entity, intent, reading
from bot.coach import Coach, Person, breach_buttons
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
            return Turn().say("unknown_breach_type", buttons=breach_buttons())
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


# The replies rules say (data/rules/), by intent: one action says them all from the catalogue.
RULE_REPLIES = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thank": "utter_thank",
    "bot_challenge": "utter_iamabot",
    "ask_capabilities": "utter_capabilities",
    "out_of_scope": "utter_out_of_scope",
    "ask_safety_plan": "utter_safety_plan",
}
# Said and nothing more: safety planning neither asks a pending step question again nor becomes
# what "what do you mean?" explains.
REPLY_ALONE = frozenset({"utter_safety_plan"})


class ActionReply(CoachAction):
    """The reply a rule says for an intent (greeting, thanks, ...), named ``utter_*`` as Rasa names
    its responses; then a pending step question is asked again once or let go, and "what do you
    mean?" knows what was said (a check-in answer in words is answered too)."""

    action_name = "action_reply"

    def reply(self, tracker: Tracker) -> str:
        return RULE_REPLIES.get(intent(tracker) or "", "topic_menu")

    def turn(self, tracker: Tracker) -> Turn:
        name = self.reply(tracker)
        said = Turn().say(name)
        return said if name in REPLY_ALONE else said.extend(super().turn(tracker))

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return Turn().set(last_reply=f"reply:{self.reply(tracker)}")
