"""Glue between rasa_sdk and :mod:`bot`: tracker -> Person, Turn -> dispatcher + events."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot import db
from bot.cards import CardStore
from bot.coach import Coach, Person
from bot.lexicon import canonical
from bot.progress import ProgressStore
from bot.replies import Turn

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def coach() -> Coach:
    engine = db.default_engine()
    return Coach(CardStore(engine), ProgressStore(engine))


def person(tracker: Tracker) -> Person:
    slot = tracker.get_slot
    return Person(
        sender_id=tracker.sender_id,
        role=slot("role"),
        breach_type=slot("breach_type"),
        last_topic=slot("last_topic"),
        pending=slot("pending"),
        plan_started=bool(slot("plan_started")),
        region=slot("region"),
        crisis_active=bool(slot("crisis_active")),
        abuse_disclosed=bool(slot("abuse_disclosed")),
        last_danger=slot("last_danger") if isinstance(slot("last_danger"), dict) else None,
        last_reply=slot("last_reply"),
    )


def reading(tracker: Tracker) -> dict:
    """What NLU read beyond the intent (components/reader.py): role, breach, answers, step, ..."""
    found = tracker.latest_message.get("reading")
    return found if isinstance(found, dict) else {}


def last_said(turn: Turn) -> str | None:
    """What a turn said last, for "what do you mean?": a card, or a named reply."""
    for message in reversed(turn.messages):
        custom = message.custom or {}
        if custom.get("type") == "advice_card":
            return f"card:{custom.get('card_id')}"
        if message.response:
            return f"reply:{message.response}"
    return None


def entity_values(tracker: Tracker, name: str) -> list:
    """The values NLU (or a button's payload) gave for an entity type, as given."""
    return [e.get("value") for e in tracker.latest_message.get("entities") or [] if e.get("entity") == name]


def entity(tracker: Tracker, name: str) -> tuple[str | None, bool]:
    """(canonical value, whether the message named one at all) for an entity type."""
    values = entity_values(tracker, name)
    for value in values:
        found = canonical(name, value)
        if found:
            return found, True
    return None, bool(values)


def intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def emit(turn: Turn, dispatcher: CollectingDispatcher) -> list[EventType]:
    for message in turn.messages:
        # utter_action carries the reply's name the way Rasa marks domain responses,
        # so channels can tell a progress reply from a greeting without parsing text.
        extra = {"utter_action": message.response} if message.response else {}
        dispatcher.utter_message(
            text=message.text, json_message=message.custom, buttons=message.buttons or None, **extra
        )
    return [SlotSet(name, value) for name, value in turn.slots.items()]


# While a check-in question is open, an answer in words ("3", "about the same", "a bit better")
# may reach NLU as one of these; it answers the question (bot/checkin_coach.py).
MAY_ANSWER_CHECKIN = frozenset({"action_clarify", "action_answer", "action_feeling", "action_topic_card",
                                "action_reply"})


class CoachAction(Action):
    """An action whose reply the coach decides; subclasses only say which decision."""

    action_name: str = ""

    def name(self) -> str:
        return self.action_name

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        raise NotImplementedError

    def turn(self, tracker: Tracker) -> Turn:
        """The decision, then what every turn shares: a pending step question kept alive or let
        go, the English-only notice after a message in another language, what was said last."""
        the_coach, someone = coach(), person(tracker)
        turn = None
        if self.name() in MAY_ANSWER_CHECKIN:
            turn = the_coach.checkin.words_answer(someone, tracker.latest_message.get("text"),
                                                  tracker.get_latest_input_channel())
        turn = turn or self.decide(the_coach, someone, tracker)
        the_coach.checkin.after(someone, turn)
        turn = the_coach.follow_up(someone, turn, self.name())
        if reading(tracker).get("language") and not any(m.response == "english_only" for m in turn.messages):
            turn.extend(the_coach.language_notice())
        if "last_reply" not in turn.slots:
            said = last_said(turn)
            if said:
                turn.set(last_reply=said)
        return turn

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        decide: Callable[[], Turn] = lambda: self.turn(tracker)  # noqa: E731
        try:
            # Database calls are blocking: keep them off the action server's event loop.
            turn = await asyncio.to_thread(decide)
        except SQLAlchemyError:
            logger.exception("Database error in %s", self.name())
            turn = Turn().say("db_error")
        return emit(turn, dispatcher)
