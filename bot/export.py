""" "Export my data": everything stored about a person, as one JSON-able dict. No Rasa in here.

The conversation is every stored event of the person, across all sessions, in order: the
rows Rasa's ``SQLTrackerStore.retrieve_full_tracker`` replays (``retrieve`` would give the
latest session only), read here with the same query so that the action server need not
load Rasa's tracker store (tests/test_export.py checks the two agree).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot import db
from bot.checkins import CheckinStore
from bot.progress import ProgressStore
from bot.reminders import ReminderStore

PROFILE_SLOTS = ("role", "breach_type", "region", "plan_started", "last_topic")


def conversation(engine: Engine, sender_id: str) -> list[dict]:
    events = db.tracker_events
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table(events.name):
            return []
        rows = (
            connection.execute(
                sa.select(events.c.data).where(events.c.sender_id == sender_id).order_by(events.c.id)
            )
            .scalars()
            .all()
        )
    return [json.loads(row) for row in rows if row]


def collect(engine: Engine, sender_id: str, slots: dict | None = None) -> dict:
    """The ``data`` of the ``data_export`` payload: conversation, profile, progress, check-ins, reminders."""
    slots = slots or {}
    seen = db.seen_cards
    with engine.connect() as connection:
        cards_seen = [
            {"card_id": card, "seen_at": _iso(at)}
            for card, at in connection.execute(
                sa.select(seen.c.card_id, seen.c.seen_at)
                .where(seen.c.sender_id == sender_id)
                .order_by(seen.c.seen_at)
            )
        ]
    reminder_store = ReminderStore(engine)
    return {
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "conversation_id": sender_id,
        "conversation": conversation(engine, sender_id),
        "profile": {name: slots.get(name) for name in PROFILE_SLOTS},
        "progress": {
            "steps": [s.as_dict() for s in ProgressStore(engine).steps(sender_id)],
            "cards_seen": cards_seen,
        },
        "checkins": [
            {"sign": a.sign, "value": a.value, "at": _iso(a.at)}
            for a in CheckinStore(engine).history(sender_id)
        ],
        "reminders": {
            "reminders": [r.payload() for r in reminder_store.of(sender_id)],
            "settings": reminder_store.prefs(sender_id),
        },
    }


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat()  # to the microsecond: the export equals what is stored
