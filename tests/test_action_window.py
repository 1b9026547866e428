"""What goes to the action server: the last turns, whatever the length (bot/patches/action_window.py)."""

from __future__ import annotations

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import patches
from bot.patches import action_window
from tests.test_tracker_window import DOMAIN, turn_events

ORIGINAL = patches.upstream(RemoteAction._action_call_format)


def conversation(turns: int) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen")]
    for turn in range(turns):
        events += turn_events(turn)
    events += turn_events(turns)[:2]  # the user's latest message and the action being run
    return DialogueStateTracker.from_events("sender", events, DOMAIN.slots)


@pytest.fixture
def patched(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_action_call_format", ORIGINAL)
    action_window.apply(turns=10)
    yield
    monkeypatch.setattr(RemoteAction, "_action_call_format", ORIGINAL)


def call(tracker: DialogueStateTracker) -> dict:
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook", enable_selective_domain=True)
    return RemoteAction("action_clarify", endpoint)._action_call_format(tracker, DOMAIN)


def test_the_action_server_gets_no_more_events_at_turn_500_than_at_turn_20(patched):
    at_20, at_500 = call(conversation(20)), call(conversation(500))
    assert len(at_500["tracker"]["events"]) <= len(at_20["tracker"]["events"])
    assert sum(e["event"] == "user" for e in at_500["tracker"]["events"]) == 10


def test_everything_but_the_early_events_is_what_rasa_sends(patched):
    tracker = conversation(60)
    mine = call(tracker)
    rasa = ORIGINAL(RemoteAction("action_clarify", EndpointConfig(
        "http://127.0.0.1:1/webhook", enable_selective_domain=True)), tracker, DOMAIN)
    events, full = mine["tracker"].pop("events"), rasa["tracker"].pop("events")
    assert mine == rasa, "slots, latest message, loop, latest action: unchanged"
    assert events == full[-len(events):], "the window is the tail of the events, in order"
    assert events[0]["event"] == "action" and events[1]["event"] == "user"
    assert mine["tracker"]["slots"]["region"] == "uk", "a slot set at turn 2 still reaches the action"


def test_a_short_conversation_is_sent_whole(patched):
    tracker = conversation(3)
    assert len(call(tracker)["tracker"]["events"]) == len(tracker.events)
    assert any(isinstance(e, UserUttered) for e in tracker.events)
