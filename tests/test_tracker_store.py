"""bot/tracker_store.py builds the one engine it uses."""

from __future__ import annotations

import sqlalchemy as sa
from rasa.shared.core.domain import Domain

from bot.tracker_store import CoachTrackerStore


def test_the_store_builds_only_the_engine_it_uses(engine, database_url, monkeypatch):
    built = []
    create = sa.create_engine

    def counting(*args, **kwargs):
        built.append(create(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(sa, "create_engine", counting)  # Rasa's constructor and bot.db both call it
    store = CoachTrackerStore(domain=Domain.empty(), host=database_url)
    try:
        assert built == [store.engine], "Rasa's engine is not built only to be thrown away"
        assert store.sessionmaker.kw["bind"] is store.engine
        pool = type(store.engine.pool).__name__
        assert pool == "QueuePool", "the project's pooled engine (bot.db), not Rasa's"
        with store.engine.connect() as connection:
            assert sa.inspect(connection).has_table("events"), "Rasa's table is created as Rasa would"
    finally:
        store.engine.dispose()
