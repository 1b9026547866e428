"""Rasa's SQL tracker store, able to forget a person, on the project's SQLite settings.

Rasa saves the tracker after the action has run, writing back every event
beyond what is stored, so events deleted from inside an action would simply
be written again. Here ``save`` itself honours the ``forget_me`` slot that
``delete_my_data`` sets: it deletes the sender's conversation (and anything
else of theirs) instead of writing it.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import sessionmaker

from bot import db, privacy
from bot.patches import sql_session_scope

logger = logging.getLogger(__name__)

# Wherever this store is loaded (rasa run, shell, test), an encoding error in a request
# must not become SystemExit: see bot/patches/sql_session_scope.py.
sql_session_scope.apply()

FORGET_SLOT = "forget_me"


class CoachTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # Rasa's SQLite engine opens a new connection for each of the two or three
            # sessions of every turn and has no WAL, so the action server's writes would
            # block its reads: the project's engine (bot.db) has a pool and WAL.
            url = self.engine.url.render_as_string(hide_password=False)
            self.engine.dispose()
            self.engine = db.create_engine(url)
            self.sessionmaker = sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if FORGET_SLOT in tracker.slots and tracker.get_slot(FORGET_SLOT):
            with self.engine.begin() as connection:
                privacy.delete_person(connection, tracker.sender_id)
            logger.info("Deleted a person's conversation on their request")
            return
        await super().save(tracker)
