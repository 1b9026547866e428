from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from bot import db
from bot.progress import ProgressStore, UnknownStep, current_step, payload


def test_new_person_has_four_undone_steps_in_plan_order(engine):
    steps = ProgressStore(engine).steps("ann")
    assert [s.step for s in steps] == ["acknowledge", "apologize", "transparency", "boundaries"]
    assert not any(s.done for s in steps)
    assert current_step(steps) == "acknowledge"


def test_done_twice_is_stored_once_and_keeps_the_first_time(engine):
    store = ProgressStore(engine)
    assert store.mark_done("ann", "boundaries") is True
    first = store.steps("ann")[3].completed_at
    assert store.mark_done("ann", "boundaries") is False
    assert store.steps("ann")[3].completed_at == first
    body = payload(store.steps("ann"))
    assert body["type"] == "progress" and body["done"] == 1 and body["total"] == 4
    assert body["steps"][3]["done"] is True
    assert body["steps"][3]["completed_at"].endswith("Z")
    assert body["steps"][0] == {"step": "acknowledge", "done": False, "completed_at": None,
                                "label": "Acknowledge the breach"}
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(db.progress)).scalar_one() == 1


def test_concurrent_writers_store_a_step_once(engine):
    store = ProgressStore(engine)
    barrier = threading.Barrier(8)
    results: list[bool] = []
    errors: list[BaseException] = []

    def report() -> None:
        try:
            barrier.wait()
            results.append(store.mark_done("ann", "apologize"))
        except BaseException as error:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=report) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results.count(True) == 1, "exactly one writer changed the row"
    with engine.connect() as connection:
        rows = connection.execute(sa.select(db.progress).where(db.progress.c.sender_id == "ann")).all()
    assert len(rows) == 1


def test_undo_reset_and_out_of_order(engine):
    store = ProgressStore(engine)
    store.mark_done("ann", "transparency")
    store.mark_done("ann", "acknowledge")
    assert current_step(store.steps("ann")) == "apologize"
    assert store.mark_undone("ann", "acknowledge") is True
    assert store.mark_undone("ann", "acknowledge") is False
    assert [s.done for s in store.steps("ann")] == [False, False, True, False]
    assert store.steps("ann")[0].completed_at is None
    store.mark_done("bob", "acknowledge")
    store.reset("ann")
    assert not any(s.done for s in store.steps("ann"))
    assert store.steps("bob")[0].done, "reset touches only that person"


def test_unknown_step_is_refused_without_writing(engine):
    store = ProgressStore(engine)
    with pytest.raises(UnknownStep):
        store.mark_done("ann", "banana")
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(db.progress)).scalar_one() == 0
