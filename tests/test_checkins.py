"""Check-in answers (bot/checkins.py): read from words, stored, compared with last time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot import checkins
from bot.checkins import HOPELESS, SKIP, CheckinStore, parse_answer

UTC = timezone.utc


@pytest.mark.parametrize(
    "text, previous, expected",
    [
        ("4", None, 4),
        ("a 3", None, 3),
        ("4 out of 5", None, 4),
        ("four", None, 4),
        ("better than last week", 2, 3),
        ("much better", 2, 4),
        ("a bit worse", 3, 2),
        ("worse", 1, 1),
        ("about the same", 3, 3),
        ("better than last week", None, None),
        ("skip", None, SKIP),
        ("honestly it feels hopeless", 3, HOPELESS),
        ("what's the point", None, HOPELESS),
        ("banana", 3, None),
        ("much better than last week", 5, 5),
    ],
)
def test_answers_in_words(text, previous, expected):
    assert parse_answer(text, previous) == expected


def test_answers_are_stored_and_compared_with_the_last_check_in(engine):
    start = datetime(2026, 5, 1, 18, tzinfo=UTC)
    store = CheckinStore(engine)
    store.record("rest:a", "openness", 2, start)
    store.record("rest:a", "closeness", 3, start)
    later = start + timedelta(weeks=3)
    store.record("rest:a", "openness", 4, later)
    store.record("rest:a", "closeness", 3, later)
    store.record("rest:b", "openness", 1, later)  # someone else's
    history = store.history("rest:a")
    assert [(a.sign, a.value) for a in history] == [
        ("openness", 2),
        ("closeness", 3),
        ("openness", 4),
        ("closeness", 3),
    ]
    found = {c.sign: (c.before, c.after, c.direction) for c in checkins.changes(history, later)}
    assert found == {"openness": (2, 4, "up"), "closeness": (3, 3, "same")}
    assert checkins.ago(start, later) == "3 weeks ago"
    assert store.last_value("rest:a", "openness", before=later) == 2


def test_trend_payload_follows_the_contract(engine):
    store = CheckinStore(engine)
    store.record("rest:p", "hope", 3, datetime(2026, 5, 1, 18, tzinfo=UTC))
    payload = checkins.trend_payload(store.history("rest:p"))
    assert payload["type"] == "checkin_trend"
    assert [s["sign"] for s in payload["signs"]] == list(checkins.SIGNS)
    hope = payload["signs"][-1]
    assert hope["label"] == "Hope"
    assert hope["points"] == [{"at": "2026-05-01T18:00:00+00:00", "value": 3}]
    assert datetime.fromisoformat(hope["points"][0]["at"]).utcoffset() is not None


def test_out_of_range_answers_are_refused(engine):
    with pytest.raises(ValueError):
        CheckinStore(engine).record("rest:x", "hope", 7)
    with pytest.raises(ValueError):
        CheckinStore(engine).record("rest:x", "mood", 3)
