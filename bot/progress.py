"""The repair plan's progress per person: four steps, done or not, stored in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot import db, texts
from bot.lexicon import PLAN_STEPS


@dataclass(frozen=True)
class StepStatus:
    step: str
    done: bool
    completed_at: datetime | None

    def as_dict(self) -> dict:
        return {
            "step": self.step,
            "done": self.done,
            "completed_at": _iso(self.completed_at),
        }


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite hands back naive datetimes; we only ever store UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class UnknownStep(ValueError):
    pass


def _checked(step: str) -> str:
    if step not in PLAN_STEPS:
        raise UnknownStep(step)
    return step


class ProgressStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def steps(self, sender_id: str) -> list[StepStatus]:
        """All four steps in plan order; steps never touched are not done."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(db.progress).where(db.progress.c.sender_id == sender_id)
            ).mappings()
            stored = {row["step"]: row for row in rows}
        return [
            StepStatus(step, bool(stored[step]["done"]), stored[step]["completed_at"])
            if step in stored
            else StepStatus(step, False, None)
            for step in PLAN_STEPS
        ]

    def mark_done(self, sender_id: str, step: str) -> bool:
        """Mark a step done; True if this call changed it (a repeat keeps the first time)."""
        now = datetime.now(timezone.utc)
        table = db.progress
        with self.engine.begin() as connection:
            result = db.upsert(
                connection,
                table,
                {"sender_id": sender_id, "step": _checked(step), "done": True,
                 "completed_at": now, "updated_at": now},
                keys=("sender_id", "step"),
                update={"done": True, "completed_at": now, "updated_at": now},
                where=table.c.done.is_(False),
            )
            return result.rowcount > 0

    def mark_undone(self, sender_id: str, step: str) -> bool:
        """Mark a step not done; True if it was done before."""
        now = datetime.now(timezone.utc)
        with self.engine.begin() as connection:
            result = connection.execute(
                db.progress.update()
                .where(
                    db.progress.c.sender_id == sender_id,
                    db.progress.c.step == _checked(step),
                    db.progress.c.done.is_(True),
                )
                .values(done=False, completed_at=None, updated_at=now)
            )
            return result.rowcount > 0

    def reset(self, sender_id: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(db.progress.delete().where(db.progress.c.sender_id == sender_id))


def current_step(steps: list[StepStatus]) -> str | None:
    """The first step not done, in plan order; None when all are done."""
    return next((s.step for s in steps if not s.done), None)


def payload(steps: list[StepStatus]) -> dict:
    """The ``progress`` custom payload of the message contract."""
    return {
        "type": "progress",
        # Each step with its label, so the page and Telegram show the catalogue's words.
        "steps": [{**s.as_dict(), "label": texts.label("steps", s.step)} for s in steps],
        "done": sum(s.done for s in steps),
        "total": len(PLAN_STEPS),
    }


def checklist_text(steps: list[StepStatus]) -> str:
    lines = [f"[{'x' if s.done else ' '}] {s.step}" for s in steps]
    return "\n".join(lines)
