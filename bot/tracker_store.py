"""Rasa's SQL tracker store, able to forget a person.

Rasa saves the tracker after the action has run, writing back every event
beyond what is stored, so events deleted from inside an action would simply
be written again. Here ``save`` itself honours the ``forget_me`` slot that
``delete_my_data`` sets: it deletes the sender's conversation (and anything
else of theirs) instead of writing it.
"""

from __future__ import annotations

import logging

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot import privacy

logger = logging.getLogger(__name__)

FORGET_SLOT = "forget_me"


class CoachTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        if FORGET_SLOT in tracker.slots and tracker.get_slot(FORGET_SLOT):
            with self.engine.begin() as connection:
                privacy.delete_person(connection, tracker.sender_id)
            logger.info("Deleted a person's conversation on their request")
            return
        await super().save(tracker)
