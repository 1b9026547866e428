"""A person's control over their data: delete everything, purge the long idle."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot import db
from bot.settings import database_url, masked, retention_days


def _has_events_table(connection: Connection) -> bool:
    return sa.inspect(connection).has_table(db.tracker_events.name)


def delete_person(connection: Connection, sender_id: str) -> None:
    """Remove every row about the sender, conversation events included: the one definition
    of "everything about a person", for "delete my data" and for the purges below."""
    for table in db.PERSONAL_TABLES:
        connection.execute(table.delete().where(table.c.sender_id == sender_id))
    if _has_events_table(connection):
        events = db.tracker_events
        connection.execute(events.delete().where(events.c.sender_id == sender_id))


def forget(engine: Engine, sender_id: str) -> None:
    """"Delete my data", in one transaction. Called by the tracker store when the coach has
    set ``forget_me`` (bot/tracker_store.py): the one place a person's request deletes."""
    with engine.begin() as connection:
        delete_person(connection, sender_id)


def idle_senders(connection: Connection, days: int, now: float | None = None) -> list[str]:
    """Senders whose latest activity anywhere is older than ``days``."""
    cutoff = (now if now is not None else time.time()) - days * 86400
    last: dict[str, float] = {}

    def see(sender: str | None, moment: float | None) -> None:
        if moment is not None and sender is not None:
            last[sender] = max(last.get(sender, moment), moment)

    if _has_events_table(connection):
        events = db.tracker_events
        for sender, moment in connection.execute(
            sa.select(events.c.sender_id, sa.func.max(events.c.timestamp)).group_by(events.c.sender_id)
        ):
            see(sender, moment)
    for table, column in ((db.seen_cards, db.seen_cards.c.seen_at), (db.progress, db.progress.c.updated_at),
                          (db.telegram_updates, db.telegram_updates.c.seen_at),
                          (db.telegram_outbox, db.telegram_outbox.c.created_at),
                          (db.checkins, db.checkins.c.at),
                          (db.reminder_prefs, db.reminder_prefs.c.updated_at)):
        for sender, moment in connection.execute(
            sa.select(table.c.sender_id, sa.func.max(column)).group_by(table.c.sender_id)
        ):
            see(sender, _epoch(moment))
    return sorted(sender for sender, moment in last.items() if moment < cutoff)


def _epoch(moment) -> float | None:
    if moment is None:
        return None
    if isinstance(moment, str):  # SQLite aggregates may come back as text
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def purge_idle(engine: Engine, days: int, now: float | None = None) -> list[str]:
    with engine.begin() as connection:
        senders = idle_senders(connection, days, now)
        for sender in senders:
            delete_person(connection, sender)
        # Telegram rows older than that go too, whoever they belong to (an update with no
        # person, a reply to a chat that never wrote again).
        moment = (now if now is not None else time.time()) - days * 86400
        cutoff = datetime.fromtimestamp(moment, timezone.utc)
        updates, outbox = db.telegram_updates, db.telegram_outbox
        connection.execute(updates.delete().where(updates.c.seen_at < cutoff))
        connection.execute(outbox.delete().where(outbox.c.created_at < cutoff))
    return [sender for sender in senders if sender is not None]


# Every conversation id names the channel that authenticated it (issue #11).
CHANNEL_PREFIXES = ("rest:", "web:", "tg:")


def legacy_senders(connection: Connection) -> list[str]:
    """Conversation ids from before the channel prefixes: no channel can reach them any more."""
    found: set[str] = set()
    tables = [db.seen_cards, db.progress] + ([db.tracker_events] if _has_events_table(connection) else [])
    for table in tables:
        found.update(sender for (sender,) in connection.execute(sa.select(table.c.sender_id).distinct())
                     if sender is not None)
    return sorted(sender for sender in found if not sender.startswith(CHANNEL_PREFIXES))


def purge_legacy(engine: Engine) -> list[str]:
    with engine.begin() as connection:
        senders = legacy_senders(connection)
        for sender in senders:
            delete_person(connection, sender)
    return senders


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Purge people idle longer than RETENTION_DAYS.")
    parser.add_argument("--legacy", action="store_true",
                        help="instead: delete conversations stored before ids had a channel prefix")
    args = parser.parse_args(argv)
    if args.legacy:
        url = database_url()
        purged = purge_legacy(db.engine_for(url))
        print(f"Deleted {len(purged)} conversations without a channel prefix from {masked(url)}.")
        return 0
    days = retention_days()
    if days is None:
        print("RETENTION_DAYS is not set: data is kept until a person deletes it. Nothing purged.")
        return 0
    url = database_url()
    purged = purge_idle(db.engine_for(url), days)
    print(f"Purged {len(purged)} people idle for more than {days} days from {masked(url)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
