"""After a safety response: false alarms undone, someone else helped, a quick way out.

The actions run as the action server runs them (rasa_sdk Tracker + CollectingDispatcher), with
the verdict in the latest message's parse data, as NLU writes it.
"""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import adapter, conversation, plan
from actions import safety as safety_actions
from bot import cards
from bot.cards import CardStore
from bot.coach import Coach
from bot.progress import ProgressStore

SLOTS = {name: None for name in
         ("role", "breach_type", "last_topic", "pending", "plan_started", "forget_me", "region",
          "abuse_disclosed", "crisis_active", "intro_due", "session_started_metadata", "last_danger")}


@pytest.fixture
def coach(engine, monkeypatch):
    cards.sync(engine, cards.read_cards(cards.CARDS_DIR.glob("*.yml")))
    the_coach = Coach(CardStore(engine), ProgressStore(engine))
    monkeypatch.setattr(adapter, "coach", lambda: the_coach)
    return the_coach


class Conversation:
    """Slots carried from turn to turn, the way the tracker carries them."""

    def __init__(self, channel: str = "rest", **slots) -> None:
        self.slots = {**SLOTS, "role": "betrayed", **slots}
        self.channel = channel

    async def say(self, action, intent: str, safety: dict | None = None) -> list[str | None]:
        latest = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": "(not read)"}
        if safety is not None:
            latest["safety"] = safety
        tracker = Tracker(sender_id="ann", slots=dict(self.slots), latest_message=latest,
                          events=[{"event": "user", "input_channel": self.channel, "parse_data": latest}],
                          paused=False, followup_action=None, active_loop={},
                          latest_action_name="action_listen")
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, tracker, {})
        self.slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
        self.messages = dispatcher.messages
        return [m.get("utter_action") for m in dispatcher.messages]

    def customs(self, kind: str) -> list[dict]:
        return [m["custom"] for m in self.messages if (m.get("custom") or {}).get("type") == kind]


def verdict(level="abuse", subject="self", certain=True, reason="violence", loose=False, otherwise=None):
    return {"level": level, "subject": subject, "certain": certain, "reason": reason, "loose": loose,
            "lang": "en", "otherwise": otherwise}


# -- hedged danger ------------------------------------------------------------------------


async def test_hedged_danger_gets_resources_marked_uncertain_and_are_you_safe(coach):
    chat = Conversation()
    said = await chat.say(safety_actions.ActionSafety(), "report_abuse",
                          verdict(certain=False, reason="fear"))
    [payload] = chat.customs("safety")
    assert payload["certain"] is False and payload["resources"]
    assert "safety_are_you_safe" in said
    assert "glad_safe" not in said


# -- false alarms --------------------------------------------------------------------------


async def test_an_idiom_flag_is_lifted_at_once_and_what_was_meant_is_answered(coach):
    chat = Conversation()
    await chat.say(safety_actions.ActionSafety(), "report_abuse",
                   verdict(reason="threat_loose", loose=True, otherwise="ask_apologize"))
    assert chat.slots["abuse_disclosed"] is True
    said = await chat.say(safety_actions.ActionFalseAlarm(), "false_alarm")
    assert said[0] == "false_alarm_lifted"
    assert chat.customs("advice_card") and chat.customs("advice_card")[0]["topic"] == "apologize"
    assert chat.slots["abuse_disclosed"] is False and chat.slots["last_danger"] is None
    # and the next message is answered normally
    await chat.say(conversation.ActionTopicCard(), "ask_boundaries")
    assert chat.customs("advice_card")[0]["topic"] == "boundaries"


async def test_a_crisis_figure_of_speech_is_undone_and_coaching_goes_on(coach):
    chat = Conversation()
    await chat.say(safety_actions.ActionSafety(), "crisis_self_harm",
                   verdict("crisis", reason="want_to_die", certain=False, otherwise="express_hurt"))
    said = await chat.say(safety_actions.ActionFalseAlarm(), "false_alarm")
    assert said[0] == "false_alarm_lifted" and "feeling_betrayed" in said
    assert chat.slots["crisis_active"] is False
    said = await chat.say(plan.ActionNextStep(), "start_plan")
    assert "crisis_hold" not in said and "step_intro" in said


async def test_a_real_disclosure_then_just_kidding_gets_one_check_before_the_hold_lifts(coach):
    chat = Conversation()
    await chat.say(safety_actions.ActionSafety(), "crisis_self_harm", verdict("crisis", reason="kill_self"))
    said = await chat.say(safety_actions.ActionFalseAlarm(), "false_alarm")
    assert said == ["false_alarm_check"] and chat.slots["crisis_active"] is True
    assert chat.slots["pending"] == "lift_hold"
    said = await chat.say(safety_actions.ActionReportSafe(), "report_safe")
    assert said[0] == "false_alarm_lifted" and chat.slots["crisis_active"] is False
    said = await chat.say(conversation.ActionTopicCard(), "ask_apologize")
    assert chat.customs("advice_card")


async def test_saying_no_at_the_check_keeps_the_hold_and_the_lines(coach):
    chat = Conversation()
    await chat.say(safety_actions.ActionSafety(), "crisis_self_harm", verdict("crisis", reason="kill_self"))
    await chat.say(safety_actions.ActionFalseAlarm(), "false_alarm")
    said = await chat.say(plan.ActionAnswer(), "deny")
    assert said[0] == "false_alarm_kept" and chat.customs("safety")
    assert chat.slots["crisis_active"] is True and chat.slots["pending"] is None
    said = await chat.say(conversation.ActionTopicCard(), "ask_apologize")
    assert said == ["crisis_hold"]


async def test_undoing_an_abuse_flag_restores_normal_advice(coach):
    chat = Conversation()
    await chat.say(safety_actions.ActionSafety(), "report_abuse",
                   verdict(reason="monitoring", certain=False, otherwise="ask_transparency"))
    assert await chat.say(conversation.ActionTopicCard(), "ask_transparency") == ["abuse_redirect"]
    said = await chat.say(safety_actions.ActionFalseAlarm(), "false_alarm")
    assert said[0] == "false_alarm_lifted" and chat.customs("advice_card")[0]["topic"] == "transparency"
    await chat.say(conversation.ActionTopicCard(), "ask_transparency")
    assert chat.customs("advice_card"), "couples advice is back"


async def test_undoing_a_false_alarm_keeps_an_earlier_real_disclosure(coach):
    chat = Conversation(abuse_disclosed=True)
    await chat.say(safety_actions.ActionSafety(), "report_abuse", verdict(reason="threat_loose", loose=True))
    await chat.say(safety_actions.ActionFalseAlarm(), "false_alarm")
    assert chat.slots["abuse_disclosed"] is True
    assert await chat.say(conversation.ActionTopicCard(), "ask_transparency") == ["abuse_redirect"]


async def test_an_undo_never_takes_back_the_resources(coach):
    chat = Conversation()
    await chat.say(safety_actions.ActionSafety(), "report_abuse", verdict(loose=True))
    tracker_events = await _events(chat, safety_actions.ActionFalseAlarm(), "false_alarm")
    # Only slots change: no rewind, no restart, nothing that would drop the lines already sent.
    assert {e["event"] for e in tracker_events} == {"slot"}
    assert "numbers stay" in chat.messages[0]["text"]


async def _events(chat: Conversation, action, intent: str) -> list[dict]:
    latest = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": "(not read)"}
    tracker = Tracker(sender_id="ann", slots=dict(chat.slots), latest_message=latest, events=[],
                      paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen")
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    chat.messages = dispatcher.messages
    return events


async def test_a_false_alarm_with_nothing_held_is_just_acknowledged(coach):
    chat = Conversation()
    assert await chat.say(safety_actions.ActionFalseAlarm(), "false_alarm") == ["false_alarm_nothing_held"]


# -- someone else --------------------------------------------------------------------------


@pytest.mark.parametrize(("subject", "steps"), [("other", "help_someone_else_crisis"),
                                                 ("child", "help_someone_else_crisis_child")])
async def test_what_to_do_after_someone_elses_crisis_gets_steps_and_lines(coach, subject, steps):
    chat = Conversation()
    said = await chat.say(safety_actions.ActionSafety(), "crisis_self_harm",
                          verdict("crisis", subject, reason="kill_self"))
    assert steps in said
    said = await chat.say(safety_actions.ActionWhatToDo(), "ask_what_to_do")
    assert steps in said and chat.customs("safety"), said
    assert "topic_menu" not in said and "utter_capabilities" not in said
    # any coaching question meanwhile gets the steps for them again, not couples advice
    assert await chat.say(plan.ActionNextStep(), "ask_next_step") == [steps]
    assert await chat.say(safety_actions.ActionReportSafe(), "report_safe") == ["glad_safe_other"]


async def test_what_to_do_with_no_danger_gets_the_menu(coach):
    chat = Conversation()
    assert await chat.say(safety_actions.ActionWhatToDo(), "ask_what_to_do") == ["topic_menu"]


# -- "he's coming home, I need to go" -----------------------------------------------------------


@pytest.mark.parametrize(("channel", "way_out"), [("socketio", "exit_web"), ("telegram", "exit_telegram"),
                                                   ("rest", "exit_other")])
async def test_leaving_now_gets_the_numbers_and_the_way_out_for_the_channel(coach, channel, way_out):
    chat = Conversation(channel=channel)
    said = await chat.say(safety_actions.ActionSafety(), "report_abuse",
                          verdict(reason="leaving_now", certain=False, loose=True))
    [payload] = chat.customs("safety")
    assert payload["exit"] is True and payload["resources"][0]["call"] == "911"
    assert said[-1] == way_out


async def test_a_button_payload_has_no_verdict_and_falls_back_to_its_intent(coach):
    chat = Conversation()
    await chat.say(safety_actions.ActionSafety(), "report_abuse")
    [payload] = chat.customs("safety")
    assert payload["level"] == "abuse" and payload["subject"] == "self"
    assert SlotSet("abuse_disclosed", True)


def test_the_action_server_never_loads_spacy_or_the_check():
    import subprocess
    import sys

    code = ("import sys, actions.safety, actions.conversation, actions.plan, actions.session; "
            "print(sorted(m for m in ('spacy', 'bot.safety.rules', 'tensorflow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
