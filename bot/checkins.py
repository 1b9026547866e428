"""Check-ins: five signs of progress, each answered 1-5, stored, and compared with last time.

The signs come from the seeds' "how to know if it's working" (../shared/seeds/004_*.txt:
"Are you communicating more openly? Do you feel closer to each other? Is there a sense of
mutual respect...? ... Celebrate the small wins"), plus promises kept and hope. No Rasa in
here: ``bot/coach.py`` asks the questions and ``actions/checkin.py`` adapts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot import db, texts, words

SIGNS: tuple[str, ...] = ("openness", "closeness", "respect", "promises", "hope")
LABELS = texts.labels("signs")  # the words for each sign, from the reply catalogue
# The card that helps when a sign slipped (a topic of bot/topics.py).
CARD_FOR_SIGN = {
    "openness": "communication",
    "closeness": "intimacy",
    "respect": "boundaries",
    "promises": "consistency",
    "hope": "is_it_working",
}
LOW_HOPE = 1  # a 1 on hope brings the safety check
SKIP = "skip"
HOPELESS = "hopeless"

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_DIGIT = re.compile(r"(?<![\d.])([1-5])(?![\d.])")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _has(text: str, phrases: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<![\w']){re.escape(p)}(?![\w'])", text) for p in phrases)


def is_hopeless(text: str | None) -> bool:
    return isinstance(text, str) and _has(text.lower(), words.phrases("checkin", "checkin_hopeless"))


def parse_answer(text: str | None, previous: int | None) -> int | str | None:
    """A typed answer: 1-5, SKIP, HOPELESS, or None when it cannot be read.

    "better than last week" is read against ``previous`` (the person's last answer on the
    sign); with nothing to compare with, it cannot be placed and the question is asked again.
    """
    if not isinstance(text, str):
        return None
    lowered = text.lower().strip()
    if is_hopeless(lowered):
        return HOPELESS
    if lowered in ("skip", "pass", "skip it", "skip this", "skip this one", "next"):
        return SKIP
    digits = _DIGIT.findall(re.sub(r"(out of|/)\s*5\b", " ", lowered))
    if len(set(digits)) == 1:
        return int(digits[0])
    named = [v for w, v in NUMBER_WORDS.items() if re.search(rf"\b{w}\b", lowered)]
    if len(named) == 1:
        return named[0]
    for name, change in (
        ("checkin_much_better", 2),
        ("checkin_much_worse", -2),
        ("checkin_better", 1),
        ("checkin_worse", -1),
        ("checkin_same", 0),
    ):
        if _has(lowered, words.phrases("checkin", name)):
            if previous is None:
                return None
            return max(1, min(5, previous + change))
    return None


@dataclass(frozen=True)
class Answer:
    sign: str
    value: int
    at: datetime


@dataclass(frozen=True)
class Change:
    sign: str
    before: int
    after: int
    since: datetime

    @property
    def direction(self) -> str:
        return "up" if self.after > self.before else "down" if self.after < self.before else "same"


class CheckinStore:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock

    def record(self, sender_id: str, sign: str, value: int, at: datetime | None = None) -> Answer:
        if sign not in SIGNS or not 1 <= int(value) <= 5:
            raise ValueError("a check-in answer is one of the signs and 1-5")
        at = at or self.clock()
        with self.engine.begin() as connection:
            connection.execute(
                db.checkins.insert().values(sender_id=sender_id, sign=sign, value=int(value), at=at)
            )
        return Answer(sign, int(value), at)

    def history(self, sender_id: str) -> list[Answer]:
        table = db.checkins
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(table.c.sign, table.c.value, table.c.at)
                .where(table.c.sender_id == sender_id)
                .order_by(table.c.at, table.c.id)
            ).all()
        return [Answer(sign, value, aware(at)) for sign, value, at in rows]

    def last_value(self, sender_id: str, sign: str, before: datetime | None = None) -> int | None:
        found = [a for a in self.history(sender_id) if a.sign == sign and (before is None or a.at < before)]
        return found[-1].value if found else None


def changes(history: list[Answer], started: datetime) -> list[Change]:
    """Each sign answered since ``started`` against its latest answer before it."""
    changed = []
    for sign in SIGNS:
        now = [a for a in history if a.sign == sign and a.at >= started]
        before = [a for a in history if a.sign == sign and a.at < started]
        if now and before:
            changed.append(Change(sign, before[-1].value, now[-1].value, before[-1].at))
    return changed


def ago(then: datetime, now: datetime) -> str:
    """'3 weeks ago', 'yesterday', 'earlier today': how long since the last check-in."""
    days = (now.date() - aware(then).date()).days
    if days <= 0:
        return texts.title("ago_today")
    if days == 1:
        return texts.title("ago_yesterday")
    if days < 7:
        return texts.title("ago_days", days=days)
    weeks = round(days / 7)
    if weeks < 9:
        return texts.title("ago_week") if weeks == 1 else texts.title("ago_weeks", weeks=weeks)
    return texts.title("ago_months", months=round(days / 30))


def trend_payload(history: list[Answer]) -> dict:
    """The ``checkin_trend`` payload of the message contract: points per sign, ISO 8601 with offset."""
    return {
        "type": "checkin_trend",
        "signs": [
            {
                "sign": sign,
                "label": LABELS[sign],
                "points": [
                    {"at": a.at.astimezone(timezone.utc).isoformat(timespec="seconds"), "value": a.value}
                    for a in history
                    if a.sign == sign
                ],
            }
            for sign in SIGNS
        ],
    }


def trend_numbers(history: list[Answer]) -> str:
    """The numbers as plain text: the chart's text alternative and the Telegram caption."""
    lines = []
    for sign in SIGNS:
        values = [str(a.value) for a in history if a.sign == sign]
        if values:
            lines.append(f"{LABELS[sign]}: {' → '.join(values[-8:])}")
    return "\n".join(lines)
