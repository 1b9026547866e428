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

WHAT_WE_KEEP = (
    "your conversation with me (messages and my replies), the role and kind of breach you told me, "
    "which advice cards you have seen, and your progress on the four repair steps"
)


def _has_events_table(connection: Connection) -> bool:
    return sa.inspect(connection).has_table(db.tracker_events.name)


def delete_person(connection: Connection, sender_id: str) -> None:
    """Remove every row about the sender, conversation events included."""
    for table in db.PERSONAL_TABLES:
        connection.execute(table.delete().where(table.c.sender_id == sender_id))
    if _has_events_table(connection):
        events = db.tracker_events
        connection.execute(events.delete().where(events.c.sender_id == sender_id))


def forget(engine: Engine, sender_id: str) -> None:
    with engine.begin() as connection:
        delete_person(connection, sender_id)


def idle_senders(connection: Connection, days: int, now: float | None = None) -> list[str]:
    """Senders whose latest activity anywhere is older than ``days``."""
    cutoff = (now if now is not None else time.time()) - days * 86400
    last: dict[str, float] = {}

    def see(sender: str, moment: float | None) -> None:
        if moment is not None:
            last[sender] = max(last.get(sender, moment), moment)

    if _has_events_table(connection):
        events = db.tracker_events
        for sender, moment in connection.execute(
            sa.select(events.c.sender_id, sa.func.max(events.c.timestamp)).group_by(events.c.sender_id)
        ):
            see(sender, moment)
    for table, column in ((db.seen_cards, db.seen_cards.c.seen_at), (db.progress, db.progress.c.updated_at)):
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
    return senders


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Purge people idle longer than RETENTION_DAYS.")
    parser.parse_args(argv)
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
