"""A retried REST message (same ``message_id``) is answered from its stored turn (issue #16).

The stored turn is found in the tracker store (bot/tracker_store.py ``turn_for_message_id``)
and turned back into REST messages (bot/channels/rest.py); here on SQLite and PostgreSQL,
with trackers saved the way Rasa's processor saves them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.channels import edge, rest
from bot.tracker_store import CoachTrackerStore

DOMAIN = Domain.load(Path(__file__).resolve().parent.parent / "domain.yml")


def opening(message_id: str) -> list:
    return [
        SlotSet("session_started_metadata", {"message_id": message_id}),
        ActionExecuted("action_session_start"),
        BotUttered("I'm a self-help coach."),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]


def turn(text: str, message_id: str, replies: list[str], buttons: list | None = None) -> list:
    return [
        UserUttered(text, {"name": "greet", "confidence": 1.0}, metadata={"message_id": message_id}),
        ActionExecuted("action_situation"),
        *[BotUttered(reply, data={"buttons": buttons} if buttons else {}) for reply in replies],
        SlotSet("role", "betrayed"),
        ActionExecuted("action_listen"),
    ]


@pytest.fixture
def store(database_url, engine):  # engine: the coach's tables, which the teardown empties
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        store = CoachTrackerStore(DOMAIN, dialect="sqlite", db=url.database)
    else:
        store = CoachTrackerStore(DOMAIN, dialect="postgresql", host=url.host, port=url.port,
                                  db=url.database, username=url.username, password=url.password)
    yield store
    store.engine.dispose()


async def test_a_stored_turn_is_found_with_its_session_opening(store):
    tracker = DialogueStateTracker("rest:r1", DOMAIN.slots)
    for event in opening("a") + turn("hi", "a", ["First reply.", "Second."]):
        tracker.update(event)
    await store.save(tracker)
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    for event in turn("and then", "b", ["Third."], buttons):
        tracker.update(event)
    await store.save(tracker)

    first = await rest.stored_turn(store, "rest:r1", "a")
    assert [m.get("text") for m in first] == ["I'm a self-help coach.", "First reply.", "Second."]
    second = await rest.stored_turn(store, "rest:r1", "b")
    assert second == [{"recipient_id": "rest:r1", "text": "Third.", "buttons": buttons}]  # not the one before
    assert await rest.stored_turn(store, "rest:r1", "c") is None
    assert await rest.stored_turn(store, "rest:other", "a") is None  # ids belong to their sender


async def test_a_replayed_turn_is_what_rasa_sent_the_first_time():
    from rasa.core.channels.channel import CollectingOutputChannel

    card = {"type": "card", "id": "c1", "title": "A card"}
    events = [BotUttered("Card text\n\nsecond paragraph", data={"custom": card}),
              BotUttered("Pick one", data={"buttons": [{"title": "Yes", "payload": "/affirm"}]})]
    first = CollectingOutputChannel()
    for event in events:  # what Rasa's processor does with each BotUttered of a turn
        await first.send_response("rest:r2", event.message())
    assert len(first.messages) == 4  # two paragraphs, the card's payload, the buttons
    assert await rest.replay([e.as_dict() for e in events], "rest:r2") == first.messages


async def test_the_whole_conversation_path_gives_the_same_turns(store):
    events = opening("a") + turn("hi", "a", ["One."]) + turn("next", "b", ["Two."])
    dicts = [event.as_dict() for event in events]
    assert [e["text"] for e in rest.turn_in(dicts, "message_id", "a") if e["event"] == "bot"] == [
        "I'm a self-help coach.", "One."]
    assert [e["text"] for e in rest.turn_in(dicts, "message_id", "b") if e["event"] == "bot"] == ["Two."]


def test_message_id_is_checked_at_the_edge():
    assert edge.message_id(None) is None
    assert edge.message_id("abc-1") == "abc-1"
    for bad in (1, "", " ", "x" * 101, "a\nb", "\ud800"):
        with pytest.raises(edge.Rejected):
            edge.message_id(bad)
