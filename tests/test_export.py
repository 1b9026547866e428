"""The export's conversation is what Rasa's retrieve_full_tracker holds: every session."""

from __future__ import annotations

import time
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import export
from bot.tracker_store import CoachTrackerStore

DOMAIN = Domain.load(Path(__file__).resolve().parent.parent / "domain.yml")


async def test_the_exported_conversation_is_the_full_tracker_across_sessions(engine, database_url):
    store = CoachTrackerStore(domain=DOMAIN, host=database_url)
    start = time.time() - 3 * 86400
    tracker = DialogueStateTracker("rest:fay", DOMAIN.slots)
    for session in range(2):  # two sessions, days apart
        at = start + session * 86400
        for event in (
            ActionExecuted("action_session_start", timestamp=at),
            SessionStarted(timestamp=at),
            ActionExecuted("action_listen", timestamp=at),
            UserUttered(f"message {session}", {"name": "greet"}, timestamp=at + 1),
            SlotSet("role", "betrayed", timestamp=at + 2),
            ActionExecuted("action_listen", timestamp=at + 3),
        ):
            tracker.update(event)
        await store.save(tracker)
    latest = await store.retrieve("rest:fay")
    full = await store.retrieve_full_tracker("rest:fay")
    exported = export.conversation(engine, "rest:fay")
    assert exported == [event.as_dict() for event in full.events]
    assert [e["text"] for e in exported if e["event"] == "user"] == ["message 0", "message 1"]
    # Rasa's retrieve would have given the latest session only.
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["message 1"]
    store.engine.dispose()
