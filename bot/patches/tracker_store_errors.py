"""Rasa 3.6.21 wraps every tracker store in ``FailSafeTrackerStore`` (``Agent._create_tracker_store``),
which swallows every error of the real store: a failed ``retrieve`` returns None (the person's
conversation starts again from nothing) and a failed ``save`` writes the tracker to an
``InMemoryTrackerStore`` that nobody reads, so the turn is answered and then silently lost.
With PostgreSQL cut off for a moment (a failover, a restart, a network blip) that loses
messages and answers people as strangers.

Here the wrapper stays (Rasa reads it) but passes the error on: the message fails, and the
channel tells the person "I couldn't save that" (``not_saved`` in data/replies.yml,
``bot/channels/edge.py``), so nothing is lost without them knowing; the next message, once
the database is back, goes on from the stored conversation.
Upstream: rasa/core/agent.py, ``Agent._create_tracker_store``; rasa/core/tracker_store.py,
``FailSafeTrackerStore``.
"""

from __future__ import annotations

from typing import Any

from bot.patches import is_patched, patched, require


def _raise(error: Exception) -> None:
    raise error


def _create_tracker_store(store: Any, domain: Any) -> Any:
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore

    if store is not None:
        store.domain = domain
    else:
        store = InMemoryTrackerStore(domain)
    return FailSafeTrackerStore(store, on_tracker_store_error=_raise)


def apply() -> None:
    require("rasa")
    from rasa.core.agent import Agent

    if is_patched(Agent._create_tracker_store):
        return
    upstream = Agent._create_tracker_store
    Agent._create_tracker_store = staticmethod(patched(_create_tracker_store, upstream))  # type: ignore[method-assign]
