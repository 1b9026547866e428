"""Rasa's SQL tracker store, able to forget a person, loading only what a turn needs.

Forgetting: Rasa saves the tracker after the action has run, writing back every event
beyond what is stored, so events deleted from inside an action would simply be written
again. So "delete my data" happens here, and only here: the coach only sets the
``forget_me`` slot, and ``save``, seeing it, runs ``bot.privacy.forget`` (which owns what
"everything about the person" is: the conversation and every personal table) instead of
writing the tracker.

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

import contextlib
import itertools
import json
import logging
import time
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore, validate_port
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from bot import db as coach_db
from bot import privacy, window
from bot.patches import sql_session_scope

logger = logging.getLogger(__name__)

# Wherever this store is loaded (rasa run, shell, test), an encoding error in a request
# must not become SystemExit: see bot/patches/sql_session_scope.py.
sql_session_scope.apply()

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


def turn_of(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A turn's events around its user message (``before`` and ``after`` it, in order).

    After it: everything up to the next user message. Before it: only when the message
    opened a session, the session start (its introduction), which Rasa stores before the
    message: the events back to the previous turn's closing ``action_listen``.
    """
    turn = []
    for event in after:
        if event.get("event") == USER:
            break
        turn.append(event)
    opening: list[dict[str, Any]] = []
    for index in range(len(before) - 1, -1, -1):
        event = before[index]
        closing = event.get("event") == ACTION and event.get("name") == "action_listen"
        if event.get("event") == USER or (closing and index != len(before) - 1):
            break
        opening.insert(0, event)
    if any(event.get("event") == SESSION_STARTED for event in opening):
        return opening + turn
    return turn


class CoachTrackerStore(SQLTrackerStore):
    engine: Any  # Rasa ships no type information

    def __init__(
        self, domain: Domain | None = None, dialect: str = "sqlite", host: str | None = None,
        port: int | None = None, db: str = "rasa.db", username: str | None = None,
        password: str | None = None, event_broker: EventBroker | None = None,
        login_db: str | None = None, query: dict | None = None,
        window_turns: int | str | None = None, **kwargs: Any,
    ) -> None:
        url = self.get_db_url(dialect, host, validate_port(port), db, username, password, login_db, query)
        url = url if isinstance(url, str) else url.render_as_string(hide_password=False)
        if login_db or make_url(url).get_backend_name() not in ("sqlite", "postgresql"):
            # Rasa's own engine: creating the database first (login_db), or another dialect.
            super().__init__(domain, dialect, host, port, db, username, password, event_broker,
                             login_db, query, **kwargs)
        else:
            # The project's engine (bot.db), built instead of Rasa's, not after it.
            # PostgreSQL: it checks a pooled connection before using it (pool_pre_ping), so
            # after the database was cut off and came back, the first message does not fail
            # on a dead connection. SQLite: Rasa's engine opens a new connection for each of
            # the two or three sessions of every turn and has no WAL, so the action server's
            # writes would block its reads: this one has a pool and WAL.
            self.engine = coach_db.create_engine(url)
            self._create_tables()
            self.sessionmaker = sessionmaker(bind=self.engine)
            TrackerStore.__init__(self, domain, event_broker, **kwargs)
        self.window_turns = window.window_turns(window_turns)
        self.last_loaded = 0  # rows read by the latest retrieve (the counting test reads it)
        self._create_indexes()

    def _create_tables(self) -> None:
        """Rasa's ``events`` table, waiting for the database as Rasa's constructor does."""
        while True:
            try:
                self.Base.metadata.create_all(self.engine)
                return
            except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError) as error:
                # Another server creating the table at the same moment, or the database not
                # reachable yet (the launcher checks it is, so seldom).
                with contextlib.suppress(sa.exc.OperationalError):
                    if sa.inspect(self.engine).has_table(self.SQLEvent.__tablename__):
                        return
                logger.warning("Waiting for the database: %s", type(error).__name__)
                time.sleep(5)

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
        with self.engine.connect() as connection:
            rows = self._window_rows(connection, sender_id)
        self.last_loaded = len(rows)
        if not self.domain or not rows:
            return None
        events = [json.loads(data) for data in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        tracker.__dict__[STORED] = len(tracker.events)
        return tracker

    def _window_rows(self, connection, sender_id: str) -> list[str]:
        """The serialised events to replay: three or four statements, each a few index seeks.

        Plain SQL, written once: SQLAlchemy would otherwise rebuild and re-key these
        statements (one subquery per slot) on every turn, which profiled at 7% of the
        server's CPU.
        """
        sql = self._statements()
        start = connection.execute(sql["start"], {"sender": sender_id}).scalar()
        lo = -1 if start is None else start
        found = connection.execute(
            sql["cut"], {"sender": sender_id, "lo": lo, "skip": self.window_turns - 1}
        ).first()
        if found is None:  # fewer turns than the window: the session is the window
            return connection.execute(sql["from"], {"sender": sender_id, "lo": lo}).scalars().all()
        cut = found[0]
        rewound, loop, pause, *slot_ids = connection.execute(
            sql["skipped"], {"sender": sender_id, "lo": lo, "cut": cut}
        ).one()
        if rewound is not None or pause == PAUSE or (loop is not None and json.loads(loop).get("name")):
            logger.debug("Loading the whole session: it holds a rewind, or a loop or pause before the cut")
            return connection.execute(sql["from"], {"sender": sender_id, "lo": lo}).scalars().all()
        head = [i for i in (start, *slot_ids) if i is not None]
        window = {"sender": sender_id, "cut": cut, "head": head}
        return connection.execute(sql["window"], window).scalars().all()

    def _statements(self) -> dict[str, sa.sql.elements.TextClause]:
        slots = tuple(slot.name for slot in self.domain.slots)
        cached = self.__dict__.get("_sql")
        if cached and cached[0] == slots:
            return cached[1]
        t = self.SQLEvent.__tablename__
        mine = f"FROM {t} WHERE sender_id = :sender"
        # In the skipped part [lo, cut): after the latest restart (which resets everything)
        # and, for the slots, after the latest reset of all slots.
        after_restart = (
            f"COALESCE((SELECT max(id) {mine} AND type_name = '{RESTART}' AND id >= :lo AND id < :cut), :lo)"
        )
        after_reset = (
            f"COALESCE((SELECT max(id) {mine} AND type_name = '{RESET_SLOTS}' "
            f"AND id >= b.lo AND id < :cut), b.lo)"
        )

        def latest_of(column: str, types: tuple[str, ...], upto: str = "AND id < :cut") -> str:
            names = ", ".join(f"'{name}'" for name in types)
            return (f"(SELECT {column} {mine} AND type_name IN ({names}) AND id >= b.lo {upto} "
                    "ORDER BY id DESC LIMIT 1)")

        slot_ids = ",\n".join(
            f"(SELECT max(id) {mine} AND type_name = '{SLOT}' AND action_name = :slot{i} "
            f"AND id >= r.lo AND id < :cut)"
            for i in range(len(slots))
        )
        statements = {
            "start": sa.text(f"SELECT max(id) {mine} AND type_name = '{SESSION_STARTED}'"),
            # The window starts at the action before the N-th latest user message.
            "cut": sa.text(
                f"SELECT COALESCE((SELECT max(id) {mine} AND type_name = '{ACTION}' AND id >= :lo "
                f"AND id < u.id), u.id) FROM (SELECT id {mine} AND type_name = '{USER}' AND id >= :lo "
                "ORDER BY id DESC LIMIT 1 OFFSET :skip) AS u"
            ),
            # A rewind anywhere in the session may reach back past the cut: any counts.
            "skipped": sa.text(
                f"SELECT {latest_of('id', UNSUMMARISABLE, upto='')}, {latest_of('data', (ACTIVE_LOOP,))}, "
                f"{latest_of('type_name', (PAUSE, RESUME))}"
                + (f",\n{slot_ids}" if slots else "")
                + f"\nFROM (SELECT {after_restart} AS lo) AS b, (SELECT {after_reset} AS lo FROM "
                f"(SELECT {after_restart} AS lo) AS b) AS r"
            ).bindparams(**{f"slot{i}": name for i, name in enumerate(slots)}),
            "from": sa.text(f"SELECT data {mine} AND id >= :lo ORDER BY id"),
            "window": sa.text(
                f"SELECT data FROM (SELECT id, data {mine} AND id >= :cut "
                f"UNION ALL SELECT id, data FROM {t} WHERE id IN :head) AS w ORDER BY id"
            ).bindparams(sa.bindparam("head", expanding=True)),
        }
        self.__dict__["_sql"] = (slots, statements)
        return statements

    # -- a retried message (the REST channel's message_id) ---------------------------------

    RETRY_SEARCH_TURNS = 50  # a retry follows its message closely: only the latest turns are searched

    def turn_for_message_id(self, sender_id: str, key: str, value: str) -> list[dict[str, Any]] | None:
        """The events of the turn whose user message has metadata[key] == value (see
        ``turn_of``); None when no such message is among the latest turns."""
        t = self.SQLEvent.__tablename__
        with self.engine.connect() as connection:
            users = connection.execute(sa.text(
                f"SELECT id, data FROM {t} WHERE sender_id = :sender AND type_name = '{USER}' "
                "ORDER BY id DESC LIMIT :n"), {"sender": sender_id, "n": self.RETRY_SEARCH_TURNS}).all()
            found = next((row for row in users
                          if (json.loads(row.data).get("metadata") or {}).get(key) == value), None)
            if found is None:
                return None
            before = connection.execute(sa.text(
                f"SELECT data FROM {t} WHERE sender_id = :sender AND id < :id ORDER BY id DESC LIMIT 100"),
                {"sender": sender_id, "id": found.id}).scalars().all()
            after = connection.execute(sa.text(
                f"SELECT data FROM {t} WHERE sender_id = :sender AND id > :id ORDER BY id LIMIT 200"),
                {"sender": sender_id, "id": found.id}).scalars().all()
        return turn_of([json.loads(d) for d in reversed(before)], [json.loads(d) for d in after])

    # -- save ---------------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        if FORGET_SLOT in tracker.slots and tracker.get_slot(FORGET_SLOT):
            privacy.forget(self.engine, tracker.sender_id)
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
        rows = []
        for event in events:
            data = event.as_dict()
            rows.append({
                "sender_id": sender_id,
                "type_name": event.type_name,
                "timestamp": data.get("timestamp"),
                "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
                "action_name": data.get("name"),
                "data": json.dumps(data),
            })
        with self.engine.begin() as connection:
            connection.execute(self.SQLEvent.__table__.insert(), rows)
