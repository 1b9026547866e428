"""Firing reminders in the Rasa server (bot/reminder_delivery.py): once, even after a crash."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.lock_store import InMemoryLockStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import reminder_delivery
from bot.reminders import ReminderStore, Request
from bot.tracker_store import CoachTrackerStore

DOMAIN = Domain.load(Path(__file__).resolve().parent.parent / "domain.yml")


class Processor:
    """Records what Rasa's MessageProcessor would have been asked to do."""

    def __init__(self) -> None:
        self.triggered: list[tuple[str, list]] = []

    async def fetch_tracker_and_update_session(self, sender_id, output):
        assert isinstance(output, CollectingOutputChannel), "a session start goes out silently"
        return DialogueStateTracker(sender_id, DOMAIN.slots)

    async def trigger_external_user_uttered(self, intent, entities, tracker, output):
        self.triggered.append((intent, entities))


def delivery(engine, processor: Processor, clock) -> reminder_delivery.Delivery:
    app = SimpleNamespace(
        ctx=SimpleNamespace(
            agent=SimpleNamespace(processor=processor, lock_store=InMemoryLockStore()), input_channels=[]
        )
    )
    return reminder_delivery.Delivery(app, ReminderStore(engine, clock), worker="test")


async def test_a_due_reminder_is_fired_once_through_the_external_event_path(engine):
    now = datetime.now(timezone.utc)
    store = ReminderStore(engine, lambda: now)
    reminder = store.add("rest:gus", Request(delay=timedelta(minutes=2)), None)
    processor = Processor()
    later = now + timedelta(minutes=3)
    fire = delivery(engine, processor, lambda: later)
    await fire.before_message("rest:gus", CollectingOutputChannel())
    await fire.before_message("rest:gus", CollectingOutputChannel())
    assert processor.triggered == [("EXTERNAL_reminder", [{"entity": "reminder_id", "value": reminder.key}])]
    assert store.of("rest:gus") == []


async def test_after_a_crash_past_rasas_save_the_reminder_is_only_marked_done(engine, database_url):
    now = datetime.now(timezone.utc)
    store = ReminderStore(engine, lambda: now)
    reminder = store.add("rest:hal", Request(delay=timedelta(minutes=2)), None)
    # A server fired it, Rasa stored it, and the server died before marking it done.
    tracker_store = CoachTrackerStore(domain=DOMAIN, host=database_url)
    tracker = DialogueStateTracker("rest:hal", DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen", timestamp=time.time()))
    tracker.update(
        UserUttered.create_external(
            "EXTERNAL_reminder", [{"entity": "reminder_id", "value": reminder.key}], "rest"
        )
    )
    await tracker_store.save(tracker)
    tracker_store.engine.dispose()
    processor = Processor()
    after_lease = now + timedelta(minutes=5)
    await delivery(engine, processor, lambda: after_lease).before_message(
        "rest:hal", CollectingOutputChannel()
    )
    assert processor.triggered == [], "not delivered twice"
    assert store.of("rest:hal") == []
