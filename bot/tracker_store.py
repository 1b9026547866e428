"""Rasa's SQL tracker store, able to forget a person, loading only what a turn needs.

Forgetting: Rasa saves the tracker after the action has run, writing back every event
beyond what is stored, so events deleted from inside an action would simply be written
again. Here ``save`` itself honours the ``forget_me`` slot that ``delete_my_data`` sets:
it deletes the sender's conversation (and anything else of theirs) instead.

A bounded load: Rasa's ``retrieve`` loads and replays every event since the session
started, on every turn (a sitting of an hour is one session). ``retrieve`` here loads
the window of ``bot.window`` (the events since the action before the N-th latest user
message) preceded by the session's ``SessionStarted`` and by the latest ``SlotSet`` of
each slot set before the window: replayed, they give the same slots as the whole
session, so the pending question, the last reply and the safety hold survive. Every
query is an index lookup (indexes created here), so the cost does not grow with the
conversation. Where the skipped part holds an event whose effect a slot value cannot
sum up (a loop still active, a pause), or where the session holds a rewind or undo
(which may reach back past the cut), the whole session is loaded as Rasa would.
``retrieve_full_tracker`` (export) still returns everything.

The trap: Rasa's ``save`` writes ``tracker.events[n:]`` where n is the number of events
stored since the session started, which for a windowed tracker would drop or repeat
events. A tracker loaded here carries how many of its events are already stored, and
``save`` writes exactly the ones after them. A tracker from anywhere else (a new one,
one rebuilt by the HTTP API) is saved as Rasa saves it.
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import sessionmaker

from bot import db, privacy, window

logger = logging.getLogger(__name__)

FORGET_SLOT = "forget_me"
# How many of a tracker's events are stored (set by retrieve and save, read by save).
STORED = "_coach_stored_events"

# Rasa's type_name of each event kind the window logic asks about.
SESSION_STARTED, RESTART, RESET_SLOTS, USER, ACTION, SLOT = (
    "session_started", "restart", "reset_slots", "user", "action", "slot")
PAUSE, RESUME, ACTIVE_LOOP = "pause", "resume", "active_loop"
UNSUMMARISABLE = ("rewind", "undo")

INDEXES = {
    # The session start, the N-th latest user message, the action before it.
    "ix_events_sender_type_id": "sender_id, type_name, id",
    # The latest SlotSet of each slot.
    "ix_events_sender_type_name_id": "sender_id, type_name, action_name, id",
}


class CoachTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, window_turns: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.window_turns = window.window_turns(window_turns)
        self.last_loaded = 0  # rows read by the latest retrieve (the counting test reads it)
        if self.engine.dialect.name == "sqlite":
            # Rasa's SQLite engine opens a new connection for each of the two or three
            # sessions of every turn and has no WAL, so the action server's writes would
            # block its reads: the project's engine (bot.db) has a pool and WAL.
            url = self.engine.url.render_as_string(hide_password=False)
            self.engine.dispose()
            self.engine = db.create_engine(url)
            self.sessionmaker = sessionmaker(bind=self.engine)
        self._create_indexes()

    def _create_indexes(self) -> None:
        table = self.SQLEvent.__tablename__
        for name, columns in INDEXES.items():
            try:
                with self.engine.begin() as connection:
                    connection.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})"))
            except sa.exc.SQLAlchemyError as error:  # another server creating it at the same moment
                logger.warning("Could not create index %s: %s", name, error)

    # -- load ---------------------------------------------------------------------------

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            rows = self._window_rows(session, sender_id)
        self.last_loaded = len(rows)
        if not self.domain or not rows:
            return None
        events = [json.loads(data) for data in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        tracker.__dict__[STORED] = len(tracker.events)
        return tracker

    def _window_rows(self, session, sender_id: str) -> list[str]:
        """The serialised events to replay: three statements, each a handful of index seeks."""
        E = self.SQLEvent.__table__.c
        mine = E.sender_id == sender_id

        def latest(*conditions):
            return sa.select(sa.func.max(E.id)).where(mine, *conditions).scalar_subquery()

        # 1. Where the session starts, and where the window starts.
        start_q = latest(E.type_name == SESSION_STARTED)
        session_lo = sa.func.coalesce(start_q, -1)
        nth_user_q = (
            sa.select(E.id).where(mine, E.type_name == USER, E.id >= session_lo)
            .order_by(E.id.desc()).limit(1).offset(self.window_turns - 1).scalar_subquery()
        )
        action_before_q = latest(E.type_name == ACTION, E.id < nth_user_q, E.id >= session_lo)
        start, cut = session.execute(
            sa.select(start_q, sa.func.coalesce(action_before_q, nth_user_q))
        ).one()
        in_session = [E.id >= start] if start is not None else []
        if cut is None:  # fewer turns than the window: the session is the window
            return self._rows(session, sa.and_(mine, *in_session))

        # 2. What the skipped part left behind: the latest SlotSet of each slot, unless a
        #    rewind, an active loop or a pause there needs the whole session replayed.
        lo = sa.func.coalesce(latest(E.type_name == RESTART, E.id < cut, *in_session), (start or 0) - 1)
        skipped = [E.id > lo, E.id < cut]

        def last_of(column, *types, before_cut=True):
            where = skipped if before_cut else skipped[:1]
            return (
                sa.select(column).where(mine, E.type_name.in_(types), *where)
                .order_by(E.id.desc()).limit(1).scalar_subquery()
            )

        slots_lo = sa.func.coalesce(latest(E.type_name == RESET_SLOTS, *skipped), lo)
        slot_ids = [
            latest(E.type_name == SLOT, E.action_name == slot.name, E.id > slots_lo, E.id < cut)
            for slot in self.domain.slots
        ]
        rewound, loop, pause, *values = session.execute(
            # A rewind after the cut may still reach back before it: any rewind counts.
            sa.select(last_of(E.id, *UNSUMMARISABLE, before_cut=False), last_of(E.data, ACTIVE_LOOP),
                      last_of(E.type_name, PAUSE, RESUME), *slot_ids)
        ).one()
        if rewound is not None or pause == PAUSE or (loop is not None and json.loads(loop).get("name")):
            logger.debug("Loading the whole session: its earlier part holds a rewind, a loop or a pause")
            return self._rows(session, sa.and_(mine, *in_session))

        # 3. The session start, those SlotSets, and the window.
        head = [i for i in (start, *values) if i is not None]
        return self._rows(session, sa.and_(mine, E.id >= cut), head)

    def _rows(self, session, where, ids: list[int] | None = None) -> list[str]:
        E = self.SQLEvent.__table__.c
        query = sa.select(E.id, E.data).where(where)
        if ids:
            query = query.union_all(sa.select(E.id, E.data).where(E.id.in_(ids)))
        return [data for _, data in session.execute(query.order_by("id")).all()]

    # -- save ---------------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        if FORGET_SLOT in tracker.slots and tracker.get_slot(FORGET_SLOT):
            with self.engine.begin() as connection:
                privacy.delete_person(connection, tracker.sender_id)
            logger.info("Deleted a person's conversation on their request")
            tracker.__dict__.pop(STORED, None)
            return
        stored = tracker.__dict__.get(STORED)
        if stored is None or stored > len(tracker.events):
            await super().save(tracker)  # not loaded here: Rasa's own accounting
        else:
            new = list(itertools.islice(tracker.events, stored, None))
            if self.event_broker is not None:
                await self._stream_new_events(self.event_broker, new, tracker.sender_id)
            self._write(tracker.sender_id, new)
        tracker.__dict__[STORED] = len(tracker.events)

    def _write(self, sender_id: str, events: list) -> None:
        if not events:
            return
        with self.session_scope() as session:
            for event in events:
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
