"""Actions for check-ins, reminders and "export my data": thin, over bot/checkin_coach.py."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.adapter import CoachAction, entity_values, intent
from bot import export
from bot.coach import Coach, Person
from bot.replies import Turn
from bot.texts import text


def _entity(tracker: Tracker, name: str):
    # As given: signs, scores and zones are not lexicon entities (adapter.entity canonicalises).
    return next(iter(entity_values(tracker, name)), None)


def _text(tracker: Tracker) -> str | None:
    text = tracker.latest_message.get("text")
    return text if isinstance(text, str) and not text.startswith("/") else None


class ActionCheckinStart(CoachAction):
    """``checkin_start``: asked for, or the Start button of a reminder."""

    action_name = "action_checkin_start"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.checkin.start(person)


class ActionCheckinAnswer(CoachAction):
    """``checkin_answer`` (a button or words) and ``checkin_skip``."""

    action_name = "action_checkin_answer"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.checkin.answer(
            person,
            _entity(tracker, "sign"),
            _entity(tracker, "value"),
            _text(tracker),
            skip=intent(tracker) == "checkin_skip",
            channel=tracker.get_latest_input_channel(),
        )


class ActionShowCheckins(CoachAction):
    action_name = "action_show_checkins"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.checkin.show(person, tracker.get_latest_input_channel())


class ActionSetReminder(CoachAction):
    action_name = "action_set_reminder"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.checkin.set_reminder(person, _entity(tracker, "reminder_when") or _text(tracker))


class ActionSetTimezone(CoachAction):
    action_name = "action_set_timezone"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.checkin.set_zone(person, _entity(tracker, "tz"), _text(tracker))


class ActionSetQuietHours(CoachAction):
    action_name = "action_set_quiet_hours"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.checkin.set_quiet_hours(person, _text(tracker))


class ActionStopReminders(CoachAction):
    action_name = "action_stop_reminders"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.checkin.stop_reminders(person)


class ActionReminder(CoachAction):
    """``EXTERNAL_reminder``: a due reminder, fired by the Rasa server (bot/reminder_delivery.py)."""

    action_name = "action_reminder"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        return coach.checkin.reminder_due()


class ActionExportData(CoachAction):
    """``export_data``: everything stored about the person, as JSON (a file on the page and Telegram)."""

    action_name = "action_export_data"

    def decide(self, coach: Coach, person: Person, tracker: Tracker) -> Turn:
        slots = {name: tracker.get_slot(name) for name in export.PROFILE_SLOTS}
        data = export.collect(coach.progress.engine, person.sender_id, slots)
        return Turn().send(
            text("data_export"), custom={"type": "data_export", "data": data}, response="data_export"
        )
