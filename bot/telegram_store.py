"""What the Telegram channel keeps in SQL so that a restart loses nothing and repeats nothing.

- Update ids already handled (``coach_telegram_updates``), claimed atomically before an
  update is handled, so a redelivery (after a restart, or to another server) is ignored.
  Rows expire after ``DEDUP_DAYS``; Telegram gives up redelivering after a day.
- Button payloads too long for Telegram's 64-byte ``callback_data``
  (``coach_telegram_callbacks``), so that a press reaching any server of a cluster, or a
  server after a restart, finds its payload. Kept ``CALLBACK_DAYS``.
- Replies the Bot API would not take even after retries (``coach_telegram_outbox``),
  sent before the person's next answer.

Both carry the person's sender id (``tg:<user id>``), so "delete my data" and
``RETENTION_DAYS`` (``bot/privacy.py``) remove them with the rest.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot import db

DEDUP_DAYS = 2
CALLBACK_DAYS = 30
_EXPIRE_EVERY_S = 3600


def _now() -> datetime:
    return datetime.now(timezone.utc)


class TelegramStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._expired_at = 0.0

    def first_sight(self, update_id: int, sender: str | None) -> bool:
        """Claim the update: True the first time any server sees it, False ever after."""
        with self.engine.begin() as connection:
            row = {"update_id": update_id, "sender_id": sender, "seen_at": _now()}
            result = db.upsert(connection, db.telegram_updates, row, ["update_id"])
            first = result.rowcount == 1
            if time.monotonic() - self._expired_at > _EXPIRE_EVERY_S:
                self._expired_at = time.monotonic()
                table, cutoff = db.telegram_updates, _now() - timedelta(days=DEDUP_DAYS)
                connection.execute(table.delete().where(table.c.seen_at < cutoff))
        return first

    def remember_callback(self, key: str, payload: str) -> None:
        with self.engine.begin() as connection:
            row = {"key": key, "payload": payload, "created_at": _now()}
            db.upsert(connection, db.telegram_callbacks, row, ["key"], update={"created_at": _now()})
            table, cutoff = db.telegram_callbacks, _now() - timedelta(days=CALLBACK_DAYS)
            connection.execute(table.delete().where(table.c.created_at < cutoff))

    def callback(self, key: str) -> str | None:
        table = db.telegram_callbacks
        with self.engine.connect() as connection:
            return connection.execute(sa.select(table.c.payload).where(table.c.key == key)).scalar()

    def keep(self, sender: str, chat_id: int, calls: list[dict[str, Any]]) -> None:
        """Replies to send later, in this order."""
        if not calls:
            return
        with self.engine.begin() as connection:
            connection.execute(db.telegram_outbox.insert(), [
                {"sender_id": sender, "chat_id": chat_id, "params": params, "created_at": _now()}
                for params in calls])

    def waiting(self, chat_id: int) -> list[tuple[int, dict[str, Any]]]:
        table = db.telegram_outbox
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(table.c.id, table.c.params).where(table.c.chat_id == chat_id).order_by(table.c.id))
            return [(row.id, row.params) for row in rows]

    def done(self, row_id: int) -> None:
        table = db.telegram_outbox
        with self.engine.begin() as connection:
            connection.execute(table.delete().where(table.c.id == row_id))
