"""The coach's decisions for check-ins, reminders and "export my data". No Rasa in here.

A check-in is five questions asked one at a time; which one is open lives in the ``pending``
slot (``checkin:<sign>:<started, epoch seconds>``) like every other question the coach asks,
so safety can interrupt at any message and "what do you mean?" and the other pending
questions work as before (docs/ARCHITECTURE.md says why this is not a Rasa form).
Answers are stored as they come, so an interrupted check-in keeps what was said.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from bot import checkins, reminders, texts
from bot.checkins import HOPELESS, LABELS, SIGNS, SKIP, CheckinStore
from bot.reminders import ReminderStore
from bot.replies import Turn, button

if TYPE_CHECKING:
    from bot.coach import Coach, Person

CHECKIN = "checkin"
ZONE_QUESTION = "reminder_zone"
SAFE_QUESTION = "reminders_safe"
ZONE_BUTTONS = (
    "Europe/London",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/Berlin",
    "Australia/Sydney",
    "UTC",
)


def answer_buttons(sign: str) -> list[dict]:
    """The message contract: /checkin_answer{"sign", "value"} 1-5, and /checkin_skip{"sign"}."""
    return [button(str(v), "checkin_answer", sign=sign, value=v) for v in range(1, 6)] + [
        button(texts.title("checkin_skip"), "checkin_skip", sign=sign)
    ]


def open_question(pending: str | None) -> tuple[str, datetime] | None:
    """(sign, started) of the check-in question waiting for an answer, if any."""
    kind, _, rest = (pending or "").partition(":")
    sign, _, started = rest.partition(":")
    if kind != CHECKIN or sign not in SIGNS or not started.isdigit():
        return None
    return sign, datetime.fromtimestamp(int(started), timezone.utc)


class CheckinCoach:
    def __init__(self, coach: Coach, store: CheckinStore, reminder_store: ReminderStore) -> None:
        self.coach = coach
        self.store = store
        self.reminders = reminder_store

    # -- the check-in ------------------------------------------------------------------

    def start(self, person: Person) -> Turn:
        held = self.coach.held_back(person)
        if held:
            return held
        started = self.store.clock()
        return Turn().say("checkin_intro").extend(self.ask(person, SIGNS[0], started))

    @staticmethod
    def ask(person: Person, sign: str, started: datetime) -> Turn:
        side = person.role or "any"
        return (
            Turn()
            .say(f"checkin_q_{sign}_{side}", buttons=answer_buttons(sign))
            .set(
                pending=f"{CHECKIN}:{sign}:{int(started.timestamp())}",
                last_reply=f"reply:checkin_q_{sign}_{side}",
            )
        )

    def answer(
        self,
        person: Person,
        sign: str | None,
        value: object,
        text: str | None,
        skip: bool = False,
        channel: str | None = None,
    ) -> Turn:
        """A button (``sign``/``value``), "skip", or words ("better than last week") for the open question."""
        held = self.coach.held_back(person)
        if held:
            return held
        found = open_question(person.pending)
        if found is None:
            return Turn().say("checkin_not_running")
        current, started = found
        sign = sign if sign in SIGNS else current
        if sign != current:  # an older question's button: answer the one that is open
            sign = current
        if skip:
            reading: int | str | None = SKIP
        elif isinstance(value, (int, float, str)) and str(value).isdigit() and 1 <= int(value) <= 5:
            reading = int(value)
        else:
            reading = checkins.parse_answer(
                text, self.store.last_value(person.sender_id, sign, before=started)
            )
        if reading == HOPELESS:
            return self.hope_low(person)
        if reading is None:
            return Turn().say("checkin_not_understood").extend(self.ask(person, sign, started))
        turn = Turn()
        if reading != SKIP:
            try:
                self.store.record(person.sender_id, sign, int(reading))
            except SQLAlchemyError:
                return Turn().say("checkin_not_saved").extend(self.ask(person, sign, started))
            if sign == "hope" and int(reading) <= checkins.LOW_HOPE:
                return self.hope_low(person)
        following = SIGNS.index(sign) + 1
        if following < len(SIGNS):
            return turn.extend(self.ask(person, SIGNS[following], started))
        return turn.extend(self.finish(person, started, channel))

    def words_answer(self, person: Person, text: str | None, channel: str | None = None) -> Turn | None:
        """Words NLU read as something else ("3", "about the same") while a question is open."""
        found = open_question(person.pending)
        if found is None or not isinstance(text, str) or text.startswith("/") or "?" in text:
            return None  # a question ("is it getting better?") is answered as one
        sign, started = found
        if checkins.parse_answer(text, self.store.last_value(person.sender_id, sign, before=started)) is None:
            return None
        return self.answer(person, sign, None, text, channel=channel)

    def hope_low(self, person: Person) -> Turn:
        """Hope at its lowest, or hopelessness in words: the safety check, and no more questions."""
        verdict = {"level": "crisis", "subject": "self", "certain": False, "reason": "checkin_hope"}
        turn = Turn().say("checkin_hope_low").set(pending=None)
        return turn.extend(self.coach.flag_danger(person.but(pending=None), verdict))

    def finish(self, person: Person, started: datetime, channel: str | None = None) -> Turn:
        history = self.store.history(person.sender_id)
        now_answered = [a for a in history if a.at >= started]
        turn = Turn().set(pending=None)
        if not now_answered:
            return turn.say("checkin_nothing_answered")
        changes = checkins.changes(history, started)
        if not changes:
            turn.say("checkin_first")
            return turn.extend(self.trend(history, channel))
        parts = []
        for index, change in enumerate(changes):
            name = LABELS[change.sign] if index == 0 else LABELS[change.sign].lower()
            part = texts.text(
                f"checkin_change_{change.direction}", sign=name, before=change.before, after=change.after
            )
            if index == 0:
                part += " " + texts.text("checkin_since", when=checkins.ago(change.since, started))
            parts.append(part)
        turn.send("; ".join(parts) + ".", response="checkin_comparison")
        ups = [c for c in changes if c.direction == "up"]
        downs = [c for c in changes if c.direction == "down"]
        turn.extend(self.trend(history, channel))
        if ups and not downs:
            turn.say("checkin_celebrate")
        elif ups and downs:
            turn.say("checkin_mixed")
        elif not downs:
            turn.say("checkin_steady")
        if downs:
            worst = min(downs, key=lambda c: c.after - c.before)
            if not ups:
                turn.say("checkin_slipped", sign=LABELS[worst.sign].lower())
            card = self.coach.topic(person.but(pending=None), checkins.CARD_FOR_SIGN[worst.sign])
            turn.extend(card)
        return turn.set(pending=None)

    def trend(self, history: list[checkins.Answer], channel: str | None = None) -> Turn:
        """The trend as a payload (the page draws it) and, on Telegram, as a PNG with the numbers."""
        numbers = checkins.trend_numbers(history)
        turn = Turn().send(
            texts.text("checkin_history_intro") + "\n" + numbers,
            custom=checkins.trend_payload(history),
            response="checkin_trend",
        )
        if channel == "telegram":
            from bot import chart  # matplotlib: only where a picture is wanted

            turn.send(
                numbers,
                custom={"type": "checkin_chart", "png": chart.png_base64(history), "caption": numbers},
                response="checkin_chart",
            )
        return turn

    def show(self, person: Person, channel: str | None = None) -> Turn:
        """ "Show my check-ins": the trend again, any time."""
        history = self.store.history(person.sender_id)
        if not history:
            return Turn().say("checkin_history_none")
        return self.trend(history, channel)

    # -- reminders ---------------------------------------------------------------------

    def set_reminder(self, person: Person, words: str | None) -> Turn:
        request = reminders.parse(words)
        if request is None:
            return Turn().say("reminder_when")
        prefs = self.reminders.prefs(person.sender_id)
        if prefs["paused"]:
            return Turn().say("reminders_safe_check").set(pending=f"{SAFE_QUESTION}:{words}")
        if request.needs_zone and not prefs["tz"]:
            return self.ask_zone().set(pending=f"{ZONE_QUESTION}:{words}")
        try:
            reminder = self.reminders.add(
                person.sender_id, request, prefs["tz"] if request.needs_zone else None
            )
        except SQLAlchemyError:
            return Turn().say("reminder_not_saved").set(pending=None)
        when = reminders.describe(reminder)
        payload = {
            "type": "reminder_set",
            "at": reminder.due_at.astimezone(reminders.ZoneInfo(reminder.tz or "UTC")).isoformat(
                timespec="seconds"
            ),
            "repeat": reminder.repeat,
        }
        if request.delay is not None:
            said = texts.text("reminder_set_in", delay=_duration(request.delay), when=when)
        else:
            said = texts.text("reminder_set", when=when)
        return Turn().send(said, custom=payload, response="reminder_set").set(pending=None)

    @staticmethod
    def ask_zone() -> Turn:
        buttons = [button(z.split("/")[-1].replace("_", " "), "inform_timezone", tz=z) for z in ZONE_BUTTONS]
        # The web page adds a button with the browser's own zone (custom payload "ask_timezone").
        turn = Turn().say("reminder_ask_zone", buttons=buttons)
        turn.messages[-1].custom = {"type": "ask_timezone"}
        return turn

    def set_zone(self, person: Person, named: str | None, text: str | None) -> Turn:
        tz = reminders.zone(named) or reminders.zone(text)
        waiting = (person.pending or "").startswith(f"{ZONE_QUESTION}:")
        if tz is None:
            return Turn().say("reminder_zone_unknown")
        self.reminders.set_prefs(person.sender_id, tz=tz)
        turn = Turn().say("reminder_zone_set", tz=tz)
        if waiting and person.pending:
            return turn.extend(self.set_reminder(person.but(pending=None), person.pending.split(":", 1)[1]))
        return turn

    def set_quiet_hours(self, person: Person, words: str | None) -> Turn:
        """Quiet hours: off until the person sets them; they move repeating reminders only."""
        quiet = reminders.parse_quiet(words)
        if quiet is None:
            return Turn().say("quiet_hours_when")
        try:
            if isinstance(quiet, str):  # "off"
                self.reminders.set_quiet(person.sender_id, None)
                return Turn().say("quiet_hours_off")
            self.reminders.set_quiet(person.sender_id, quiet)
        except SQLAlchemyError:
            return Turn().say("change_not_saved")
        tz = self.reminders.prefs(person.sender_id)["tz"] or "your time zone"
        start, end = quiet[0].strftime("%H:%M"), quiet[1].strftime("%H:%M")
        return Turn().say("quiet_hours_set", start=start, end=end, tz=tz)

    def stop_reminders(self, person: Person) -> Turn:
        try:
            removed = self.reminders.cancel_all(person.sender_id)
        except SQLAlchemyError:
            return Turn().say("change_not_saved")
        return Turn().say("reminders_stopped" if removed else "reminders_none")

    def reminders_safe(self, person: Person, yes: bool) -> Turn:
        """The answer to "is it safe to get reminders?" (after an abuse disclosure)."""
        words = (person.pending or "").split(":", 1)[1] if ":" in (person.pending or "") else ""
        if not yes:
            return Turn().say("reminders_held").set(pending=None)
        self.reminders.resume(person.sender_id)
        return self.set_reminder(person.but(pending=None, abuse_disclosed=False), words)

    def reminder_due(self) -> Turn:
        """What a reminder says when it arrives: neutral, since lock screens show previews."""
        turn = Turn().say("reminder_checkin")
        turn.messages[-1].custom = {"type": "reminder", "kind": reminders.KIND_CHECKIN}
        return turn

    def after(self, person: Person, turn: Turn) -> None:
        """Whatever the turn: an abuse disclosure pauses reminders until the person says it is safe."""
        if turn.slots.get("abuse_disclosed") and not person.abuse_disclosed:
            self.reminders.pause(person.sender_id)


# A reminder's delay in words: the unit's title in the catalogue, and its plural with an "s".
UNITS = (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60))


def _duration(delta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in UNITS:
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return texts.title(f"{unit}s" if count != 1 else unit, count=count)
    return texts.title("minutes", count=seconds // 60)
