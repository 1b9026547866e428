from __future__ import annotations

import time

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import db, privacy
from bot.cards import CardStore
from bot.progress import ProgressStore
from bot.tracker_store import CoachTrackerStore

DOMAIN = Domain.from_path("domain.yml")


def tracker_with_talk(sender: str, when: float) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(UserUttered("my husband cheated on me", {"name": "i_was_betrayed"}, timestamp=when))
    tracker.update(SlotSet("role", "betrayed", timestamp=when))
    tracker.update(ActionExecuted("action_listen", timestamp=when))
    return tracker


def rows(engine, table) -> list:
    with engine.connect() as connection:
        return connection.execute(sa.select(table)).all()


def remember_some(engine, sender: str) -> None:
    ProgressStore(engine).mark_done(sender, "acknowledge")
    CardStore(engine).mark_seen(sender, "impact-any-1")


async def test_forget_me_purges_the_whole_conversation_in_save(engine, database_url):
    store = CoachTrackerStore(domain=DOMAIN, host=database_url)
    ann = tracker_with_talk("ann", time.time())
    await store.save(ann)
    await store.save(tracker_with_talk("bob", time.time()))
    remember_some(engine, "ann")
    remember_some(engine, "bob")

    ann = await store.retrieve("ann")
    ann.update(UserUttered("delete my data", {"name": "delete_my_data"}))
    ann.update(SlotSet("forget_me", True))
    ann.update(ActionExecuted("action_listen"))
    await store.save(ann)

    assert await store.retrieve("ann") is None
    assert await store.retrieve_full_tracker("ann") is None
    assert await store.retrieve("bob") is not None
    assert {r.sender_id for r in rows(engine, db.progress)} == {"bob"}
    assert {r.sender_id for r in rows(engine, db.seen_cards)} == {"bob"}
    store.engine.dispose()


async def test_a_normal_save_keeps_everything(engine, database_url):
    store = CoachTrackerStore(domain=DOMAIN, host=database_url)
    await store.save(tracker_with_talk("ann", time.time()))
    kept = await store.retrieve("ann")
    assert kept.get_slot("role") == "betrayed"
    store.engine.dispose()


async def test_retention_purges_only_the_long_idle(engine, database_url):
    store = CoachTrackerStore(domain=DOMAIN, host=database_url)
    now = time.time()
    await store.save(tracker_with_talk("old", now - 40 * 86400))
    await store.save(tracker_with_talk("recent", now - 2 * 86400))
    remember_some(engine, "recent")
    assert privacy.purge_idle(engine, days=30, now=now) == ["old"]
    assert await store.retrieve("old") is None
    assert await store.retrieve("recent") is not None
    assert privacy.purge_idle(engine, days=30, now=now) == []
    # activity in the coach's own tables counts too: progress made today keeps "recent"
    assert privacy.purge_idle(engine, days=1, now=now) == []
    store.engine.dispose()


def test_purge_command_is_off_by_default(monkeypatch, capsys):
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    assert privacy.main([]) == 0
    assert "Nothing purged" in capsys.readouterr().out
