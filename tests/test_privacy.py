from __future__ import annotations

import time
from datetime import datetime, timezone

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


def telegram_rows(engine, sender: str, update_id: int, when) -> None:
    moment = datetime.fromtimestamp(when, timezone.utc)
    with engine.begin() as connection:
        connection.execute(db.telegram_updates.insert(), [
            {"update_id": update_id, "sender_id": sender, "seen_at": moment}])
        connection.execute(db.telegram_outbox.insert(), [
            {"sender_id": sender, "chat_id": int(sender.split(":")[1]), "params": {"text": "a reply"},
             "created_at": moment}])


def test_forget_covers_the_telegram_rows(engine):
    telegram_rows(engine, "tg:1", 101, time.time())
    telegram_rows(engine, "tg:2", 102, time.time())
    privacy.forget(engine, "tg:1")
    assert {r.sender_id for r in rows(engine, db.telegram_updates)} == {"tg:2"}
    assert {r.sender_id for r in rows(engine, db.telegram_outbox)} == {"tg:2"}


def test_retention_covers_the_telegram_rows(engine):
    now = time.time()
    telegram_rows(engine, "tg:1", 101, now - 40 * 86400)
    telegram_rows(engine, "tg:2", 102, now - 86400)
    with engine.begin() as connection:  # an update that named no person
        connection.execute(db.telegram_updates.insert(), [
            {"update_id": 103, "sender_id": None, "seen_at": datetime(2000, 1, 1, tzinfo=timezone.utc)}])
    assert privacy.purge_idle(engine, days=30, now=now) == ["tg:1"]
    assert {r.sender_id for r in rows(engine, db.telegram_updates)} == {"tg:2"}
    assert {r.sender_id for r in rows(engine, db.telegram_outbox)} == {"tg:2"}


def test_conversations_from_before_namespacing_can_be_deleted(engine):
    for sender in ("me", "0123456789abcdef0123456789abcdef", "rest:me", "web:abc", "tg:5"):
        remember_some(engine, sender)
    assert privacy.purge_legacy(engine) == ["0123456789abcdef0123456789abcdef", "me"]
    assert {r.sender_id for r in rows(engine, db.progress)} == {"rest:me", "web:abc", "tg:5"}


def test_the_telegram_store_claims_an_update_once_and_keeps_replies_in_order(engine):
    from bot.telegram_store import TelegramStore

    store, other_server = TelegramStore(engine), TelegramStore(engine)
    assert store.first_sight(7001, "tg:1") is True
    assert store.first_sight(7001, "tg:1") is False
    assert other_server.first_sight(7001, "tg:1") is False, "a second server sees the claim too"
    store.keep("tg:1", 1, [{"text": "first"}, {"text": "second"}])
    store.keep("tg:2", 2, [{"text": "elsewhere"}])
    waiting = store.waiting(1)
    assert [params["text"] for _, params in waiting] == ["first", "second"]
    store.done(waiting[0][0])
    assert [params["text"] for _, params in store.waiting(1)] == ["second"]


# Columns that say whose a row is. A table added later with one of these is covered by the
# test below without being named in it.
PERSON_COLUMNS = ("sender_id", "person")


def _filler(column, person: str, n: int):
    """A value of the column's type: the person in the person column, unique keys elsewhere."""
    if column.name in PERSON_COLUMNS:
        return person
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = str
    if kind is bool:
        return False
    if kind in (int, float):
        return kind(n)
    if kind is datetime:
        return datetime.now(timezone.utc)
    if kind in (dict, list):
        return {"n": n}
    value = f"{column.name}-{n}"
    length = getattr(column.type, "length", None)  # a short column ("HH:MM") keeps the unique end
    return value[-length:] if length else value


async def test_delete_my_data_empties_every_table_that_names_the_person(engine, database_url):
    """Schema-driven: every table with a person column (the project's metadata, Rasa's
    ``events``, and any a later change adds to the metadata) holds nothing about the person after
    "delete my data", and everyone else's rows stay."""
    store = CoachTrackerStore(domain=DOMAIN, host=database_url)
    for person in ("ann", "bob"):
        await store.save(tracker_with_talk(person, time.time()))
    # The project's metadata (a shared PostgreSQL may hold other checkouts' tables too), and
    # Rasa's events table as the tracker store created it.
    reflected = sa.MetaData()
    reflected.reflect(engine, only=[*(t.name for t in db.metadata.sorted_tables), "events"])
    personal = {name: column for name, table in reflected.tables.items()
                for column in table.c if column.name in PERSON_COLUMNS}
    assert {"events", *(t.name for t in db.PERSONAL_TABLES)} <= set(personal)
    n = 10_000
    with engine.begin() as connection:
        for name in personal:
            if name == "events":  # filled by the tracker store above
                continue
            for person in ("ann", "bob"):
                n += 1
                row = {c.name: _filler(c, person, n) for c in reflected.tables[name].c}
                connection.execute(reflected.tables[name].insert(), [row])

    ann = await store.retrieve("ann")
    ann.update(UserUttered("delete my data", {"name": "delete_my_data"}))
    ann.update(SlotSet("forget_me", True))
    ann.update(ActionExecuted("action_listen"))
    await store.save(ann)

    with engine.connect() as connection:
        for name, column in personal.items():
            table = reflected.tables[name]
            left = connection.execute(sa.select(sa.func.count()).select_from(table)
                                      .where(table.c[column.name] == "ann")).scalar()
            others = connection.execute(sa.select(sa.func.count()).select_from(table)
                                        .where(table.c[column.name] == "bob")).scalar()
            assert (name, left) == (name, 0), f"{name} still holds rows about the person"
            assert others >= 1, f"{name} lost someone else's rows"
    store.engine.dispose()
