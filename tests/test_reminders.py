"""Reminders in SQL (bot/reminders.py): words, time zones, claiming once, restarts, pauses."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot import reminders
from bot.reminders import ReminderStore, Request, next_due, parse

UTC = timezone.utc


class Clock:
    """Time for the stores, moved by the test (never the process's clock)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("remind me in 2 hours", Request(delay=timedelta(hours=2))),
        ("remind me in 2 minutes to check in", Request(delay=timedelta(minutes=2))),
        ("in an hour please", Request(delay=timedelta(hours=1))),
        ("remind me every day at 9", Request(repeat="daily", at=time(9))),
        ("every day at 9pm", Request(repeat="daily", at=time(21))),
        ("remind me every Sunday evening to check in", Request(repeat="weekly:6", at=time(19))),
        ("every monday at 7:30am", Request(repeat="weekly:0", at=time(7, 30))),
        ("remind me tomorrow at 8pm", Request(at=time(20), tomorrow=True)),
        ("remind me weekly", Request(repeat="weekly", at=time(19))),
    ],
)
def test_reminder_requests_are_read_from_words(text, expected):
    assert parse(text) == expected


def test_words_without_a_time_are_not_a_request():
    assert parse("remind me") is None
    assert parse("can you remind me sometime") is None


def test_only_absolute_times_need_a_zone():
    assert not parse("in 2 hours").needs_zone
    assert parse("every day at 9").needs_zone


@pytest.mark.parametrize(
    "words, zone",
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("I'm in London", "Europe/London"),
        ("eastern time", "America/New_York"),
        ("UTC", "UTC"),
        ("New York", "America/New_York"),
        ("somewhere nice", None),
    ],
)
def test_zones_from_words(words, zone):
    assert reminders.zone(words) == zone


def test_daily_reminder_keeps_its_wall_clock_time_across_a_dst_change():
    london = ZoneInfo("Europe/London")
    # Saturday 28 March 2026, 10:00 UTC; clocks go forward on Sunday 29 March at 01:00 UTC.
    after = datetime(2026, 3, 28, 10, 0, tzinfo=UTC)
    first = next_due("daily", time(9), "Europe/London", after)
    second = next_due("daily", time(9), "Europe/London", first)
    assert first == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)  # 09:00 BST
    assert first.astimezone(london).hour == 9 and second.astimezone(london).hour == 9
    assert second - first == timedelta(hours=24)
    # In autumn the day is 25 hours long.
    autumn = next_due("daily", time(9), "Europe/London", datetime(2026, 10, 23, 10, tzinfo=UTC))
    assert next_due("daily", time(9), "Europe/London", autumn) - autumn == timedelta(hours=25)


def test_weekly_reminder_lands_on_its_day_in_the_zone():
    due = next_due("weekly:6", time(19), "America/New_York", datetime(2026, 6, 3, 12, tzinfo=UTC))
    local = due.astimezone(ZoneInfo("America/New_York"))
    assert (local.weekday(), local.hour, local.minute) == (6, 19, 0)


def test_quiet_hours_move_repeating_reminders_only(engine):
    clock = Clock(datetime(2026, 6, 1, 12, tzinfo=UTC))
    store = ReminderStore(engine, clock)
    store.set_prefs("rest:q", tz="UTC", quiet_start="22:00", quiet_end="07:00")
    daily = store.add("rest:q", Request(repeat="daily", at=time(23)), "UTC")
    once = store.add("rest:q", Request(at=time(23)), "UTC")
    assert daily.due_at.astimezone(UTC).hour == 7
    assert once.due_at.astimezone(UTC).hour == 23


def test_two_schedulers_deliver_each_of_100_due_reminders_once(engine):
    clock = Clock(datetime(2026, 6, 1, 12, tzinfo=UTC))
    store = ReminderStore(engine, clock)
    for i in range(100):
        store.add(f"tg:{i}", Request(delay=timedelta(minutes=1)), None)
    clock.advance(minutes=2)
    delivered: Counter = Counter()
    lock = threading.Lock()

    def scheduler(name: str) -> None:
        mine = ReminderStore(engine, clock)
        while True:
            claimed = mine.claim_due(name, limit=7)
            if not claimed:
                return
            for reminder in claimed:
                with lock:
                    delivered[reminder.key] += 1
                mine.done(reminder, name)

    threads = [threading.Thread(target=scheduler, args=(f"server-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(delivered) == 100
    assert set(delivered.values()) == {1}
    assert store.claim_due("late", limit=200) == []


def test_a_claim_is_leased_and_redelivered_after_a_crash(engine):
    clock = Clock(datetime(2026, 6, 1, 12, tzinfo=UTC))
    store = ReminderStore(engine, clock)
    reminder = store.add("rest:c", Request(delay=timedelta(minutes=2)), None)
    assert store.claim_due("a") == []  # not due yet
    clock.advance(minutes=3)
    [claimed] = store.claim_due("a")  # ... and server a dies before sending
    assert store.claim_due("b") == []  # the lease holds
    clock.advance(seconds=reminders.LEASE.total_seconds() + 1)
    [again] = store.claim_due("b")
    assert again.key == claimed.key == reminder.key  # the same occurrence: the sender can tell
    store.done(again, "b")
    assert store.of("rest:c") == []


def test_reminders_survive_a_restart_and_missed_ones_fire_once(engine, database_url):
    from bot import db

    clock = Clock(datetime(2026, 6, 1, 12, tzinfo=UTC))
    ReminderStore(engine, clock).add("tg:7", Request(repeat="daily", at=time(9)), "Europe/Paris")
    # "Restart": a new engine and store on the same database, three days later.
    clock.advance(days=3)
    fresh = db.create_engine(database_url)
    try:
        store = ReminderStore(fresh, clock)
        [missed] = store.claim_due("after-restart")
        store.done(missed, "after-restart")
        assert store.claim_due("after-restart") == []  # three missed days fire once, not three times
        [row] = store.of("tg:7")
        assert row.due_at > clock.now
        assert row.due_at.astimezone(ZoneInfo("Europe/Paris")).hour == 9
    finally:
        fresh.dispose()


def test_no_reminder_while_paused_after_an_abuse_disclosure(engine):
    clock = Clock(datetime(2026, 6, 1, 12, tzinfo=UTC))
    store = ReminderStore(engine, clock)
    store.add("tg:9", Request(delay=timedelta(minutes=1)), None)
    store.add("tg:9", Request(repeat="daily", at=time(13)), "UTC")
    store.pause("tg:9")
    clock.advance(days=2)
    assert store.claim_due("s") == []
    store.resume("tg:9")  # the person said it is safe again
    assert store.claim_due("s") == []  # the missed one-off is dropped, the daily one moved on
    [daily] = store.of("tg:9")
    assert daily.due_at > clock.now


def test_stop_reminders_removes_them(engine):
    store = ReminderStore(engine)
    store.add("rest:s", Request(delay=timedelta(hours=2)), None)
    store.add("rest:s", Request(repeat="daily", at=time(9)), "UTC")
    assert store.cancel_all("rest:s") == 2
    assert store.of("rest:s") == []


def test_describe_names_the_time_in_the_persons_zone(engine):
    clock = Clock(datetime(2026, 6, 1, 12, tzinfo=UTC))
    reminder = ReminderStore(engine, clock).add(
        "rest:d", Request(repeat="weekly:6", at=time(19)), "Europe/London"
    )
    assert reminders.describe(reminder) == "every Sunday at 19:00 (Europe/London)"


@pytest.mark.parametrize("text, expected", [
    ("no reminders between 10pm and 7am", (time(22), time(7))),
    ("quiet hours from 22:00 to 07:00", (time(22), time(7))),
    ("turn off quiet hours", "off"),
    ("quiet hours please", None),
])
def test_quiet_hours_in_words(text, expected):
    assert reminders.parse_quiet(text) == expected


def test_setting_quiet_hours_moves_repeating_reminders_at_once(engine):
    clock = Clock(datetime(2026, 6, 1, 12, tzinfo=UTC))
    store = ReminderStore(engine, clock)
    store.add("rest:z", Request(repeat="daily", at=time(23)), "UTC")
    once = store.add("rest:z", Request(delay=timedelta(hours=11)), None)  # 23:00 too
    store.set_quiet("rest:z", (time(22), time(7)))
    found = {r.id: r.due_at.astimezone(UTC).hour for r in store.of("rest:z")}
    assert found[once.id] == 23 and sorted(found.values()) == [7, 23]
    store.set_quiet("rest:z", None)
    assert sorted(r.due_at.astimezone(UTC).hour for r in store.of("rest:z")) == [23, 23]
