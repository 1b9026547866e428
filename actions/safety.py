"""Actions for danger: the safety response, false alarms, someone else, the region, not understanding.

The verdict comes from NLU (``components/safety_guard.py``) in the parse data of the latest
message; the action server never runs the check itself. A button payload skips NLU, so it has
no verdict: a missing one means none.
"""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.adapter import CoachAction, entity, intent, reading
from bot import input_check, steps, texts
from bot.coach import Coach, Person
from bot.replies import Turn, button
from bot.resources import REGION_NAMES
from bot.topics import label, topic_for_intent

LEVEL_OF_INTENT = {"crisis_self_harm": "crisis", "report_abuse": "abuse"}


def verdict(tracker: Tracker) -> dict | None:
    found = tracker.latest_message.get("safety")
    return found if isinstance(found, dict) and found.get("level") in ("crisis", "abuse") else None


class ActionSafety(CoachAction):
    """``crisis_self_harm`` / ``report_abuse``: NLU's verdict, or the intent of a tapped button."""

    action_name = "action_safety"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        level = LEVEL_OF_INTENT.get(intent(tracker) or "", "crisis")
        found = verdict(tracker) or {"level": level, "subject": "self", "certain": True, "reason": "button"}
        turn = coach.flag_danger(person, found, tracker.get_latest_input_channel())
        if tracker.get_slot("intro_due"):
            # The session opened with this message: the introduction follows the resources.
            turn.say("about_the_coach").set(intro_due=False)
        return turn


class ActionReportSafe(CoachAction):
    action_name = "action_report_safe"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        if person.pending == "lift_hold":  # "yes, I'm safe" after the check on "just kidding"
            return coach.lift_hold(person)
        subject = (person.last_danger or {}).get("subject", "self")
        turn = Turn().say("glad_safe" if subject == "self" else "glad_safe_other").set(crisis_active=False)
        if person.abuse_disclosed:
            turn.extend(coach.held_back(person.but(crisis_active=False)) or Turn())
        return turn


class ActionFalseAlarm(CoachAction):
    """``false_alarm``: "lol no, I meant I'm angry", "he's never hurt me", "it was a joke"."""

    action_name = "action_false_alarm"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.false_alarm(person)


class ActionWhatToDo(CoachAction):
    """``ask_what_to_do``: after someone else's crisis, the steps and the lines, not the menu."""

    action_name = "action_what_to_do"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        breach, _ = entity(tracker, "breach_type")
        return coach.what_to_do(person, breach, reading(tracker).get("role"))


class ActionSetRegion(CoachAction):
    """``inform_region``: remembered, and the resources follow it."""

    action_name = "action_set_region"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        region, _ = entity(tracker, "region")
        if region is None:
            return Turn().say(
                "region_unknown",
                buttons=[button(name, "inform_region", region=code)
                         for code, name in texts.labels("region_buttons").items()],
            )
        turn = Turn().say("region_set", region=REGION_NAMES[region]).set(region=region)
        if person.crisis_active or person.abuse_disclosed:
            level = "crisis" if person.crisis_active else "abuse"
            flag = person.last_danger or {"level": level, "subject": "self"}
            turn.extend(coach.flag_danger(person.but(region=region), {**flag, "certain": True}).set(
                last_danger=person.last_danger))
        return turn


class ActionClarify(CoachAction):
    """Low NLU confidence: the three likeliest topics as buttons; twice in a row, a short menu."""

    action_name = "action_clarify"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        unusable = input_check.problem(tracker.latest_message.get("text"))
        if unusable:
            return Turn().say(f"input_{unusable}")
        short = coach.short_reply(person, tracker.latest_message.get("text"))  # "lol", "si", a name
        if short is not None:
            return short
        report = reading(tracker).get("step")
        if isinstance(report, dict) and report.get("named") and report.get("status") == steps.NOT_DONE:
            # NLU could not place the message, but the reader read a step named as not done
            # ("planning to give him my passwords next week"): that is what gets answered.
            return coach.step_done(person, None, False, report=report)
        if _fallbacks_in_a_row(tracker) >= 2:
            return Turn().say("topic_menu")
        ranking = tracker.latest_message.get("intent_ranking") or []
        topics = [t for t in (topic_for_intent(r.get("name")) for r in ranking) if t][:3]
        if not topics:
            return Turn().say("topic_menu")
        return Turn().say(
            "did_not_understand",
            buttons=[button(label(t).capitalize(), f"ask_{t}") for t in topics],
        )


def _fallbacks_in_a_row(tracker: Tracker) -> int:
    """How many of the latest user messages in a row NLU could not place (this one included)."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data", {}).get("intent") or {}).get("name") != "nlu_fallback":
            break
        count += 1
    return max(count, 1 if intent(tracker) == "nlu_fallback" else 0)

