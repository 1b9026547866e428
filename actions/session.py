"""Session start: what the coach is, and where a returning person left off."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.adapter import CoachAction, coach, emit, person
from bot.channels.opening import opened_with_danger
from bot.coach import Coach, Person
from bot.replies import Turn
from bot.settings import retention_days

logger = logging.getLogger(__name__)

# What a person told us outlives a session; a pending question or a crisis flag does not.
CARRIED_OVER = (
    "role", "breach_type", "last_topic", "plan_started", "region", "abuse_disclosed", "last_danger",
)


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        events += [
            SlotSet(name, tracker.get_slot(name))
            for name in CARRIED_OVER
            if tracker.get_slot(name) is not None
        ]
        if opened_with_danger(tracker.get_slot("session_started_metadata")):
            # The resources must come first: action_safety introduces the coach after them.
            turn = Turn().set(intro_due=True)
        else:
            try:
                turn = await asyncio.to_thread(coach().welcome_back, person(tracker))
            except SQLAlchemyError:
                logger.exception("Database error while welcoming back")
                turn = Turn()
            turn.say("about_the_coach")
        return events + emit(turn, dispatcher) + [ActionExecuted("action_listen")]


class ActionDataKept(CoachAction):
    """'What do you keep / remember about me?': what is stored for this person, for how long,
    and how to delete it (privately in Telegram groups: the reply is named ``data_remembered``)."""

    action_name = "action_data_kept"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.remembered(person, retention_days())
