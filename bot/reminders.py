"""Reminders that live in SQL: asked for in words, claimed with a lease, delivered exactly once.

Rasa's own reminders live in an in-memory scheduler of one server and are lost on a
restart (RasaHQ/rasa#2716, #2971). Here a reminder is a row of ``coach_reminders``:

- **Asking** (``parse``): "remind me every Sunday evening to check in", "every day at 9",
  "in 2 hours", "tomorrow at 8pm". Relative times need no time zone; an absolute time is
  read in the person's zone (``coach_reminder_prefs.tz``), asked once.
- **Claiming** (``ReminderStore.claim_due``): a due row is taken with a lease
  (``claimed_until``), ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL and a conditional
  ``UPDATE ... WHERE claimed_until < now`` on SQLite, so with several servers each
  occurrence goes to one of them. A server that dies between claim and send leaves the row
  to be claimed again when the lease runs out; the occurrence key (``<id>@<due>``) lets the
  sender see it was delivered already (``bot/reminder_delivery.py`` looks in the tracker).
- **Done** (``ReminderStore.done``): a one-off row is deleted; a repeating one moves to its
  next occurrence after now, so occurrences missed while everything was down fire once,
  late, not once each. Quiet hours (off until set) move repeating reminders only.
- **Paused** after an abuse disclosure: nothing is claimed for the person until they say
  it is safe to get reminders again.

No Rasa in here; times come from an injectable clock (tests only).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot import db, texts
from bot.checkins import aware, utcnow

LEASE = timedelta(seconds=60)
KIND_CHECKIN = "checkin"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PARTS_OF_DAY = {
    "morning": time(9),
    "afternoon": time(14),
    "evening": time(19),
    "night": time(21),
    "tonight": time(20),
    "noon": time(12),
    "midday": time(12),
}
DEFAULT_TIME = time(19)
UNITS = {
    "minute": 60,
    "min": 60,
    "mins": 60,
    "hour": 3600,
    "hr": 3600,
    "hrs": 3600,
    "day": 86400,
    "week": 7 * 86400,
}


# -- what the person asked for ------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """A reminder asked for in words: relative (``delay``) or at a local time."""

    delay: timedelta | None = None
    repeat: str | None = None  # None, "daily", "weekly:<0-6>" (Monday 0)
    at: time | None = None
    tomorrow: bool = False

    @property
    def needs_zone(self) -> bool:
        return self.delay is None


_CLOCK = re.compile(r"\b(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|o'?clock|h)?\b")
_RELATIVE = re.compile(r"\bin\s+(an?|one|\d{1,3})\s+(minute|min|mins|hour|hr|hrs|day|week)s?\b")


def _clock(text: str) -> time | None:
    for match in _CLOCK.finditer(text):
        hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "")
        said_at = match.group(0).startswith("at")
        if not (suffix or match.group(2) or said_at):
            continue  # a bare number ("in 2 hours", "3 weeks") is not a time of day
        if suffix.startswith("p") and hour < 12:
            hour += 12
        elif suffix.startswith("a") and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            return time(hour, minute)
    return None


def parse(text: str | None) -> Request | None:
    """What "remind me ..." asks for; None when no time can be read from it."""
    if not isinstance(text, str):
        return None
    lowered = text.lower()
    relative = _RELATIVE.search(lowered)
    if relative:
        amount = relative.group(1)
        count = 1 if amount in ("a", "an", "one") else int(amount)
        if count <= 0:
            return None
        return Request(delay=timedelta(seconds=count * UNITS[relative.group(2)]))
    at = _clock(lowered)
    if at is None:
        at = next((t for word, t in PARTS_OF_DAY.items() if re.search(rf"\b{word}\b", lowered)), None)
    day = next((i for i, name in enumerate(WEEKDAYS) if re.search(rf"\b{name}s?\b", lowered)), None)
    if day is not None:
        return Request(repeat=f"weekly:{day}", at=at or DEFAULT_TIME)
    if re.search(r"\b(every ?day|daily|each day|every morning|every evening|every night)\b", lowered):
        return Request(repeat="daily", at=at or DEFAULT_TIME)
    if re.search(r"\b(every week|weekly|once a week)\b", lowered):
        return Request(repeat="weekly", at=at or DEFAULT_TIME)
    if at is not None:
        return Request(at=at, tomorrow=bool(re.search(r"\btomorrow\b", lowered)))
    return None


_QUIET_OFF = re.compile(
    r"\b(no|turn off|stop|remove|cancel|without)\s+(the\s+)?quiet hours\b|quiet hours\s+off\b")


def parse_quiet(text: str | None) -> tuple[time, time] | str | None:
    """Quiet hours asked for in words: (start, end), "off", or None when no two times are read.

    "no reminders between 10pm and 7am", "quiet hours 22:00 to 07:00".
    """
    if not isinstance(text, str):
        return None
    lowered = text.lower()
    if _QUIET_OFF.search(lowered):
        return "off"
    found = []
    for match in _CLOCK.finditer(lowered):
        if match.group(2) or match.group(3):
            at = _clock(match.group(0))
            if at is not None:
                found.append(at)
    if len(found) == 2 and found[0] != found[1]:
        return found[0], found[1]
    return None


# -- time zones ------------------------------------------------------------------------

ZONE_ALIASES = {
    "utc": "UTC",
    "gmt": "UTC",
    "uk": "Europe/London",
    "britain": "Europe/London",
    "england": "Europe/London",
    "ireland": "Europe/Dublin",
    "eastern": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "central": "America/Chicago",
    "cst": "America/Chicago",
    "mountain": "America/Denver",
    "pacific": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "cet": "Europe/Paris",
    "sydney": "Australia/Sydney",
    "melbourne": "Australia/Melbourne",
    "toronto": "America/Toronto",
    "vancouver": "America/Vancouver",
}


def zone(name: str | None) -> str | None:
    """An IANA zone named or implied by the words ("Europe/Berlin", "London", "eastern"), or None."""
    if not isinstance(name, str) or not name.strip():
        return None
    text = name.strip()
    try:
        if "/" in text or text.upper() == "UTC":
            ZoneInfo(text)
            return "UTC" if text.upper() == "UTC" else text
    except (ZoneInfoNotFoundError, ValueError):
        pass
    lowered = text.lower()
    for word, found in ZONE_ALIASES.items():
        if re.search(rf"\b{word}\b", lowered):
            return found
    cities = {
        z.split("/")[-1].replace("_", " ").lower(): z
        for z in available_timezones()
        if "/" in z and z.split("/")[0] in ("Europe", "America", "Australia", "Asia", "Africa", "Pacific")
    }
    for city in sorted(cities, key=len, reverse=True):
        if re.search(rf"\b{re.escape(city)}\b", lowered):
            return cities[city]
    return None


def _local(day, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at).replace(tzinfo=tz)


def next_due(
    repeat: str | None,
    at: time,
    tz_name: str,
    after: datetime,
    tomorrow: bool = False,
    quiet: tuple[time, time] | None = None,
) -> datetime:
    """The first local ``at`` (on the repeat's days) strictly after ``after``, in UTC.

    Wall-clock time in the person's zone, so "every day at 9" stays at 9 across a DST change.
    Quiet hours move a repeating reminder to their end.
    """
    tz = ZoneInfo(tz_name)
    local_now = after.astimezone(tz)
    day = local_now.date() + timedelta(days=1 if tomorrow else 0)
    weekday = int(repeat.split(":")[1]) if repeat and ":" in repeat else None
    if repeat == "weekly":
        weekday = local_now.weekday()
    if quiet and repeat and _quiet(at, quiet):
        at = quiet[1]
    for _ in range(15):
        candidate = _local(day, at, tz)
        if candidate.astimezone(timezone.utc) > after and (weekday is None or day.weekday() == weekday):
            return candidate.astimezone(timezone.utc)
        day += timedelta(days=1)
    raise AssertionError("unreachable: a week always holds the day")


def _quiet(at: time, quiet: tuple[time, time]) -> bool:
    start, end = quiet
    return start <= at < end if start < end else (at >= start or at < end)


# -- storage ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    id: int
    sender_id: str
    kind: str
    due_at: datetime
    repeat: str | None
    local_time: str | None
    tz: str | None

    @property
    def key(self) -> str:
        """This occurrence: a redelivery after a crash carries the same key."""
        return f"{self.id}@{int(self.due_at.timestamp())}"

    def payload(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "at": self.due_at.isoformat(timespec="seconds"),
            "repeat": self.repeat,
            "tz": self.tz,
        }


def _row(row) -> Reminder:
    return Reminder(row.id, row.sender_id, row.kind, aware(row.due_at), row.repeat, row.local_time, row.tz)


class ReminderStore:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock

    # -- prefs
    def prefs(self, sender_id: str) -> dict:
        table = db.reminder_prefs
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(table).where(table.c.sender_id == sender_id)).first()
        if row is None:
            return {"tz": None, "quiet_start": None, "quiet_end": None, "paused": False}
        return {
            "tz": row.tz,
            "quiet_start": row.quiet_start,
            "quiet_end": row.quiet_end,
            "paused": bool(row.paused),
        }

    def set_prefs(self, sender_id: str, **values) -> None:
        table = db.reminder_prefs
        now = self.clock()
        with self.engine.begin() as connection:
            db.upsert(
                connection,
                table,
                {"sender_id": sender_id, "paused": False, "updated_at": now, **values},
                ["sender_id"],
                update={**values, "updated_at": now},
            )

    def pause(self, sender_id: str) -> None:
        """After an abuse disclosure: nothing is sent until the person says it is safe again."""
        self.set_prefs(sender_id, paused=True)

    def set_quiet(self, sender_id: str, quiet: tuple[time, time] | None) -> None:
        """Quiet hours for repeating reminders (None: off); those already set move at once."""
        start, end = (q.strftime("%H:%M") for q in quiet) if quiet else (None, None)
        self.set_prefs(sender_id, quiet_start=start, quiet_end=end)
        now = self.clock()
        table = db.reminders
        for reminder in self.of(sender_id):
            if reminder.repeat:
                due = next_due(reminder.repeat, time.fromisoformat(reminder.local_time or "19:00"),
                               reminder.tz or "UTC", now, quiet=quiet)
                with self.engine.begin() as connection:
                    connection.execute(table.update().where(table.c.id == reminder.id).values(due_at=due))

    def resume(self, sender_id: str) -> None:
        """Safe again: missed one-offs are dropped, repeating ones move to their next time."""
        self.set_prefs(sender_id, paused=False)
        now = self.clock()
        for reminder in self.of(sender_id):
            if reminder.due_at <= now:
                self._advance_or_delete(reminder, now)

    # -- rows
    def add(self, sender_id: str, request: Request, tz: str | None, kind: str = KIND_CHECKIN) -> Reminder:
        now = self.clock()
        if request.delay is not None:
            due = now + request.delay
        else:
            at = request.at or DEFAULT_TIME  # parse() always sets one for an absolute time
            due = next_due(request.repeat, at, tz or "UTC", now, request.tomorrow, self._quiet(sender_id))
        repeat = request.repeat
        if repeat == "weekly":
            repeat = f"weekly:{due.astimezone(ZoneInfo(tz or 'UTC')).weekday()}"
        local_time = request.at.strftime("%H:%M") if request.at and repeat else None
        with self.engine.begin() as connection:
            new_id = connection.execute(
                db.reminders.insert().values(
                    sender_id=sender_id,
                    kind=kind,
                    due_at=due,
                    repeat=repeat,
                    local_time=local_time,
                    tz=tz,
                    created_at=now,
                )
            ).inserted_primary_key[0]
        return Reminder(new_id, sender_id, kind, due, repeat, local_time, tz)

    def of(self, sender_id: str) -> list[Reminder]:
        table = db.reminders
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(table).where(table.c.sender_id == sender_id).order_by(table.c.due_at)
            ).all()
        return [_row(r) for r in rows]

    def cancel_all(self, sender_id: str) -> int:
        with self.engine.begin() as connection:
            return connection.execute(
                db.reminders.delete().where(db.reminders.c.sender_id == sender_id)
            ).rowcount

    def _quiet(self, sender_id: str) -> tuple[time, time] | None:
        prefs = self.prefs(sender_id)
        if prefs["quiet_start"] and prefs["quiet_end"]:
            return time.fromisoformat(prefs["quiet_start"]), time.fromisoformat(prefs["quiet_end"])
        return None

    # -- claiming
    def claim_due(
        self,
        worker: str,
        limit: int = 50,
        sender_id: str | None = None,
        prefixes: Iterable[str] = (),
        senders: Iterable[str] | None = None,
    ) -> list[Reminder]:
        """Take up to ``limit`` due reminders for ``worker`` with a lease; each goes to one worker.

        ``sender_id``: only that person's (their next message); ``prefixes``/``senders``: only
        conversations the caller can push to.
        """
        now = self.clock()
        table, prefs = db.reminders, db.reminder_prefs
        paused = sa.select(prefs.c.sender_id).where(prefs.c.paused.is_(True))
        free = sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until < now)
        where = [table.c.due_at <= now, free, table.c.sender_id.not_in(paused)]
        if sender_id is not None:
            where.append(table.c.sender_id == sender_id)
        scope = [table.c.sender_id.like(f"{p}%") for p in prefixes]
        if senders is not None:
            scope.append(table.c.sender_id.in_(list(senders)))
        if scope:
            where.append(sa.or_(*scope))
        lease = {"claimed_until": now + LEASE, "claimed_by": worker}
        query = sa.select(table).where(*where).order_by(table.c.due_at).limit(limit)
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                rows = connection.execute(query.with_for_update(skip_locked=True)).all()
                if rows:
                    connection.execute(
                        table.update().where(table.c.id.in_([r.id for r in rows])).values(**lease)
                    )
                return [_row(r) for r in rows]
            claimed = []
            for row in connection.execute(query).all():
                # Atomic on SQLite: only one writer at a time, and the WHERE re-checks the lease.
                taken = connection.execute(
                    table.update()
                    .where(table.c.id == row.id, table.c.due_at == row.due_at, free)
                    .values(**lease)
                ).rowcount
                if taken:
                    claimed.append(_row(row))
            return claimed

    def release(self, reminder: Reminder, worker: str) -> None:
        """Not sent after all (nobody to push to): free it for the next message or server."""
        table = db.reminders
        with self.engine.begin() as connection:
            connection.execute(
                table.update()
                .where(table.c.id == reminder.id, table.c.claimed_by == worker)
                .values(claimed_until=None, claimed_by=None)
            )

    def done(self, reminder: Reminder, worker: str | None = None) -> None:
        """Delivered: a one-off goes, a repeating one moves to its next time after now."""
        self._advance_or_delete(reminder, self.clock(), worker)

    def _advance_or_delete(self, reminder: Reminder, now: datetime, worker: str | None = None) -> None:
        table = db.reminders
        mine = [table.c.id == reminder.id]
        if worker is not None:
            mine.append(table.c.claimed_by == worker)
        with self.engine.begin() as connection:
            if not reminder.repeat:
                connection.execute(table.delete().where(*mine))
                return
            due = next_due(
                reminder.repeat,
                time.fromisoformat(reminder.local_time or "19:00"),
                reminder.tz or "UTC",
                now,
                quiet=self._quiet(reminder.sender_id),
            )
            connection.execute(
                table.update()
                .where(*mine)
                .values(due_at=due, claimed_until=None, claimed_by=None, delivered_key=reminder.key)
            )


def describe(reminder: Reminder) -> str:
    """When, in the person's zone: "every Sunday at 19:00 (Europe/London)", "at 14:05 UTC"."""
    tz = ZoneInfo(reminder.tz or "UTC")
    local = reminder.due_at.astimezone(tz)
    zone_name = reminder.tz or "UTC"
    at = f"{local:%H:%M}"
    if reminder.repeat == "daily":
        return texts.title("reminder_daily", time=at, zone=zone_name)
    if reminder.repeat and reminder.repeat.startswith("weekly"):
        day = WEEKDAYS[local.weekday()].capitalize()
        return texts.title("reminder_weekly", day=day, time=at, zone=zone_name)
    return texts.title("reminder_once", date=f"{local:%a %d %b}", time=at, zone=zone_name)
