"""The coach's own tables and the engine that reaches them.

Everything lives in the one database named by ``DATABASE_URL``; Rasa's tracker
store writes its ``events`` table there too, which is what lets
:mod:`bot.privacy` delete a person's conversation along with their progress.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from bot.settings import database_url, masked

metadata = sa.MetaData()

cards = sa.Table(
    "coach_cards",
    metadata,
    sa.Column("id", sa.String(80), primary_key=True),
    sa.Column("topic", sa.String(40), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("tips", sa.JSON, nullable=False),
    sa.Column("source", sa.String(120), nullable=False),
    sa.Index("ix_coach_cards_topic_role", "topic", "role"),
)

seen_cards = sa.Table(
    "coach_seen_cards",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("card_id", sa.String(80), primary_key=True),
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
)

progress = sa.Table(
    "coach_progress",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("step", sa.String(20), primary_key=True),
    sa.Column("done", sa.Boolean, nullable=False),
    sa.Column("completed_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Telegram: update ids already handled (a redelivery after a restart must not run twice),
# kept for TELEGRAM_DEDUP_DAYS; sender_id lets "delete my data" and retention find them.
telegram_updates = sa.Table(
    "coach_telegram_updates",
    metadata,
    sa.Column("update_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("sender_id", sa.String(255), index=True),
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

# Telegram: replies the Bot API would not take (after retries), sent before the person's
# next answer. ``params`` is the sendMessage call, text included: personal data.
telegram_outbox = sa.Table(
    "coach_telegram_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("chat_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# Check-ins (bot/checkins.py): one row per answered sign, 1-5.
checkins = sa.Table(
    "coach_checkins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("sign", sa.String(20), nullable=False),
    sa.Column("value", sa.Integer, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_coach_checkins_sender_at", "sender_id", "at"),
)

# Reminders (bot/reminders.py). A row is one reminder; a repeating one moves its due_at on
# after each delivery. claimed_until is the lease of the server delivering it: a crash
# between claim and send leaves the row to be claimed again once the lease runs out.
# delivered_key names the last occurrence delivered ("<id>@<due_at>"), so a redelivery of
# the same occurrence is recognised.
reminders = sa.Table(
    "coach_reminders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("repeat", sa.String(40)),  # None, "daily" or "weekly:<weekday 0-6>"
    sa.Column("local_time", sa.String(5)),  # "HH:MM" in tz, for repeating reminders
    sa.Column("tz", sa.String(64)),
    sa.Column("claimed_until", sa.DateTime(timezone=True)),
    sa.Column("claimed_by", sa.String(64)),
    sa.Column("delivered_key", sa.String(80)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# A person's reminder settings: their time zone, quiet hours (off until set), and whether
# reminders wait for them to say it is safe again (after an abuse disclosure).
reminder_prefs = sa.Table(
    "coach_reminder_prefs",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("tz", sa.String(64)),
    sa.Column("quiet_start", sa.String(5)),
    sa.Column("quiet_end", sa.String(5)),
    sa.Column("paused", sa.Boolean, nullable=False, default=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Telegram: button payloads too long for callback_data, by key (issue #16: any server of a
# cluster may receive the press). The coach's own payloads, nothing a person typed.
telegram_callbacks = sa.Table(
    "coach_telegram_callbacks",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

# Rasa's SQLTrackerStore table; declared here (never created here) so that
# deletion and retention can reach it with the same engine.
tracker_events = sa.Table(
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    sa.Column("type_name", sa.String(255)),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("data", sa.Text),
)

PERSONAL_TABLES = (seen_cards, progress, telegram_updates, telegram_outbox, checkins, reminders,
                   reminder_prefs)


def create_engine(url: str, connect_timeout: int = 5) -> Engine:
    parsed = make_url(url)
    kwargs: dict = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # SQLAlchemy 1.4 would open (and set up) a new file connection for every
            # transaction (NullPool); a few kept open save that on every turn.
            kwargs["poolclass"] = sa.pool.QueuePool
        kwargs["connect_args"] = {"timeout": 15, "check_same_thread": False}
    elif parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": connect_timeout}
        kwargs["pool_pre_ping"] = True
    engine = sa.create_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the Rasa server and the action server read while the other writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


@cache
def engine_for(url: str) -> Engine:
    """One pooled engine per URL for the life of the process, schema ensured."""
    engine = create_engine(url)
    metadata.create_all(engine)
    return engine


def default_engine() -> Engine:
    return engine_for(database_url())


class DatabaseUnreachable(RuntimeError):
    pass


def check_reachable(url: str, timeout: int = 5) -> None:
    """Raise DatabaseUnreachable (message names the masked URL) unless a query works."""
    engine = create_engine(url, connect_timeout=timeout)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as error:  # driver errors vary by backend; all mean "can't reach"
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise DatabaseUnreachable(f"Cannot reach the database at {masked(url)}: {reason}") from error
    finally:
        engine.dispose()


def upsert(connection, table: sa.Table, values: dict, keys: Sequence[str], update=None, where=None):
    """INSERT ... ON CONFLICT, atomic under concurrent writers on SQLite and PostgreSQL.

    ``update`` maps columns to new values when the row exists (None: leave it);
    ``where`` limits that update, e.g. to rows not already done.
    """
    name = connection.dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the project supports SQLite and PostgreSQL
        raise NotImplementedError(f"upsert is not implemented for {name}")
    statement = insert(table).values(**values)
    if update:
        statement = statement.on_conflict_do_update(index_elements=list(keys), set_=update, where=where)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    return connection.execute(statement)
