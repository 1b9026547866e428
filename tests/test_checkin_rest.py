"""Check-ins, reminders and the export over REST, on the real servers (issue #15's "done when")."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot import checkins, db
from tests.servers import MODEL, Servers, customs, texts

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    folder = tmp_path_factory.mktemp("checkin")
    running = Servers(f"sqlite:///{folder / 'coach.db'}", folder, extra_env={"REMINDER_POLL_SECONDS": "1"})
    running.start()
    yield running
    running.stop()


def engine_of(servers: Servers):
    return db.create_engine(servers.database_url)


def backdate_checkins(servers: Servers, sender: str, weeks: int) -> None:
    engine = engine_of(servers)
    try:
        with engine.begin() as connection:
            table = db.checkins
            rows = connection.execute(
                sa.select(table.c.id, table.c.at).where(table.c.sender_id == sender)
            ).all()
            for row_id, at in rows:
                moved = checkins.aware(at) - timedelta(weeks=weeks)
                connection.execute(table.update().where(table.c.id == row_id).values(at=moved))
    finally:
        engine.dispose()


def check_in(servers: Servers, sender: str, values: list[int]) -> list[dict]:
    replies = servers.send(sender, "let's do a check-in")
    buttons = [b["payload"] for r in replies for b in r.get("buttons") or []]
    assert '/checkin_answer{"sign":"openness","value":1}' in buttons
    for sign, value in zip(checkins.SIGNS, values, strict=False):
        replies = servers.send(
            sender, json.dumps({"sign": sign, "value": value}).join(["/checkin_answer", ""])
        )
    return replies


def test_two_check_ins_show_a_chart_and_a_comparison_in_words(servers):
    check_in(servers, "ci-ann", [2, 3, 3, 2, 3])
    backdate_checkins(servers, "rest:ci-ann", 3)
    replies = check_in(servers, "ci-ann", [4, 3, 3, 3, 4])
    said = " ".join(texts(replies))
    assert "Openness went from 2 to 4 since 3 weeks ago; closeness stayed the same (3)" in said
    [trend] = customs(replies, "checkin_trend")
    openness = next(s for s in trend["signs"] if s["sign"] == "openness")
    assert [p["value"] for p in openness["points"]] == [2, 4]
    assert all(datetime.fromisoformat(p["at"]).utcoffset() is not None for p in openness["points"])
    # "Show my check-ins" shows it again.
    [again] = customs(servers.send("ci-ann", "show my check-ins"), "checkin_trend")
    assert again == trend


def test_a_reminder_two_minutes_ahead_arrives_once_after_both_servers_restart(servers):
    replies = servers.send("ci-bo", "remind me in 2 minutes to check in")
    [confirm] = customs(replies, "reminder_set")
    assert confirm["repeat"] is None
    due = datetime.fromisoformat(confirm["at"])
    assert timedelta(minutes=1) < due - datetime.now(timezone.utc) <= timedelta(minutes=2)
    assert any("2 minutes" in t for t in texts(replies))
    servers.stop()
    # The two minutes pass while everything is down (the row is backdated rather than waited for).
    engine = engine_of(servers)
    try:
        with engine.begin() as connection:
            connection.execute(
                db.reminders.update()
                .where(db.reminders.c.sender_id == "rest:ci-bo")
                .values(due_at=datetime.now(timezone.utc) - timedelta(seconds=5))
            )
    finally:
        engine.dispose()
    servers.start()
    replies = servers.send("ci-bo", "hello")
    kinds = [(r.get("custom") or {}).get("type") for r in replies]
    assert "reminder" in kinds, replies
    [reminder] = customs(replies, "reminder")
    assert reminder == {"type": "reminder", "kind": "checkin"}
    first_text = next(r["text"] for r in replies if r.get("text"))
    assert first_text.startswith("Time for your check-in")  # before the answer to "hello"
    assert not customs(servers.send("ci-bo", "hello again"), "reminder")  # once
    engine = engine_of(servers)
    try:
        with engine.connect() as connection:
            fired = connection.execute(
                sa.select(sa.func.count())
                .select_from(db.tracker_events)
                .where(
                    db.tracker_events.c.sender_id == "rest:ci-bo",
                    db.tracker_events.c.intent_name == "EXTERNAL_reminder",
                )
            ).scalar_one()
            left = connection.execute(
                sa.select(sa.func.count())
                .select_from(db.reminders)
                .where(db.reminders.c.sender_id == "rest:ci-bo")
            ).scalar_one()
    finally:
        engine.dispose()
    assert (fired, left) == (1, 0)  # in the tracker once, and done


def test_export_holds_the_check_ins_and_delete_leaves_none(servers):
    check_in(servers, "ci-cy", [3, 3, 4, 4, 4])
    [export] = customs(servers.send("ci-cy", "export my data"), "data_export")
    data = export["data"]
    assert set(data) >= {"conversation", "profile", "progress", "checkins", "reminders"}
    assert [(c["sign"], c["value"]) for c in data["checkins"]] == list(
        zip(checkins.SIGNS, [3, 3, 4, 4, 4], strict=True)
    )
    assert any(e.get("event") == "user" for e in data["conversation"])
    servers.send("ci-cy", "delete my data")
    servers.send("ci-cy", "/affirm")
    [export] = customs(servers.send("ci-cy", "export my data"), "data_export")
    assert export["data"]["checkins"] == []
    assert export["data"]["reminders"]["reminders"] == []
