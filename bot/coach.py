"""The coach's decisions: which card, which step, what to ask next. No Rasa in here.

Every public method takes the person's state (:class:`Person`) and returns a
:class:`~bot.replies.Turn`; storage goes through the card and progress stores.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.exc import SQLAlchemyError

from bot import privacy, safety_response
from bot.cards import Card, CardStore
from bot.lexicon import BREACH_TYPES, PLAN_STEPS
from bot.progress import ProgressStore, checklist_text, current_step, payload
from bot.replies import Turn, button
from bot.topics import label, topic_for_intent

ROLE_BUTTONS = [
    button("I broke the trust", "i_broke_trust"),
    button("I was hurt", "i_was_betrayed"),
]
YES_NO = [button("Yes", "affirm"), button("Not now", "deny")]


@dataclass(frozen=True)
class Person:
    sender_id: str
    role: str | None = None
    breach_type: str | None = None
    last_topic: str | None = None
    pending: str | None = None
    plan_started: bool = False
    region: str | None = None
    crisis_active: bool = False
    abuse_disclosed: bool = False
    # The safety verdict that last put coaching on hold: {level, subject, certain, reason,
    # loose, otherwise, held_before} (see Coach.flag_danger); None when nothing is held.
    last_danger: dict | None = None

    def but(self, **changes) -> Person:
        return replace(self, **changes)


def breach_buttons() -> list[dict]:
    return [button(label(b).capitalize(), "inform_breach_type", breach_type=b) for b in BREACH_TYPES]


def step_done_button(step: str) -> dict:
    return button(f"I've done the {step} step", "report_step_done", step=step)


class Coach:
    def __init__(self, cards: CardStore, progress: ProgressStore) -> None:
        self.cards = cards
        self.progress = progress

    @staticmethod
    def held_back(person: Person, topic: str | None = None) -> Turn | None:
        """The safety reply that replaces coaching, or None when coaching may go on.

        ``topic`` None means relationship repair as such (the plan, breach cards).
        """
        if person.crisis_active:
            subject = (person.last_danger or {}).get("subject", "self")
            if subject in ("other", "child"):  # someone else's crisis: what to do for them, again
                return safety_response.someone_else("crisis", subject, person.region)
            return safety_response.crisis_hold(person.region)
        if person.abuse_disclosed and topic not in safety_response.SAFE_AFTER_ABUSE:
            return safety_response.abuse_redirect(person.region)
        return None

    # -- safety: flags, false alarms, someone else --------------------------------

    @staticmethod
    def flag_danger(person: Person, verdict: dict, channel: str | None = None) -> Turn:
        """The safety response to a verdict (NLU's ``safety`` parse data), remembered for undo."""
        level, subject = verdict.get("level", "crisis"), verdict.get("subject", "self")
        if verdict.get("reason") == "leaving_now":
            turn = safety_response.leaving(person.region, channel)
        else:
            turn = safety_response.danger(level, subject, person.region, verdict.get("certain", True),
                                          verdict.get("lang"))
        held_before = person.crisis_active if level == "crisis" else person.abuse_disclosed
        kept = ("level", "subject", "certain", "reason", "loose", "otherwise", "lang")
        flag = {k: verdict.get(k) for k in kept}
        return turn.set(last_danger={**flag, "held_before": bool(held_before)})

    def false_alarm(self, person: Person) -> Turn:
        """'lol no, I meant I'm angry': glad, the hold lifted, and an answer to what was meant.

        A disclosure that was not loose wording gets one gentle check first. The resources
        already sent stay where they are: nothing here takes them back.
        """
        flag = person.last_danger
        if not flag or not (person.crisis_active or person.abuse_disclosed):
            return Turn().say("false_alarm_nothing_held")
        if flag.get("loose") or not flag.get("certain", True) or person.pending == "lift_hold":
            return self.lift_hold(person)
        return Turn().say(
            "false_alarm_check",
            buttons=[button("Yes, I'm safe", "report_safe"), button("No, I'm not", "deny")],
        ).set(pending="lift_hold")

    def lift_hold(self, person: Person) -> Turn:
        flag = person.last_danger or {}
        before = bool(flag.get("held_before"))
        crisis = before if flag.get("level") == "crisis" else False
        abuse = before if flag.get("level") == "abuse" else person.abuse_disclosed
        lifted = person.but(crisis_active=crisis, abuse_disclosed=abuse, pending=None, last_danger=None)
        turn = Turn().say("false_alarm_lifted").set(
            crisis_active=crisis, abuse_disclosed=abuse, pending=None, last_danger=None
        )
        answer = self.answer_intent(lifted, flag.get("otherwise"))
        return turn.extend(answer) if answer is not None else turn.say("false_alarm_go_on")

    def keep_hold(self, person: Person) -> Turn:
        """'No, I'm not safe' after the check: the hold stays and the lines come again."""
        flag = person.last_danger or {}
        turn = Turn().say("false_alarm_kept").set(pending=None)
        turn.extend(safety_response.danger(flag.get("level", "crisis"), flag.get("subject", "self"),
                                           person.region, True, flag.get("lang")))
        return turn.set(last_danger=flag)

    def answer_intent(self, person: Person, intent: str | None) -> Turn | None:
        """What the coach would have said to ``intent``, where it is a coaching question."""
        topic = topic_for_intent(intent)
        if topic is not None:
            return self.topic(person, topic)
        if intent in ("express_hurt", "express_guilt"):
            return self.feeling(person, "betrayed" if intent == "express_hurt" else "offender")
        if intent in ("start_plan", "ask_next_step"):
            return self.next_step(person)
        if intent == "ask_progress":
            return self.show_progress(person)
        return None

    def what_to_do(self, person: Person) -> Turn:
        """'What should I do?': for someone else in danger, the steps and the lines."""
        flag = person.last_danger or {}
        if flag.get("subject") in ("other", "child") and (person.crisis_active or person.abuse_disclosed):
            level, subject = flag.get("level", "crisis"), flag["subject"]
            return safety_response.danger(level, subject, person.region).set(last_danger=flag)
        return self.held_back(person) or Turn().say("topic_menu")

    # -- cards -----------------------------------------------------------------

    def _card(self, person: Person, card: Card, turn: Turn) -> Turn:
        self.cards.mark_seen(person.sender_id, card.id)
        return turn.send(card.as_text(), custom=card.payload()).set(last_topic=card.topic)

    def topic(self, person: Person, topic: str) -> Turn:
        """The person's next unseen card on the topic, or its first card again."""
        held = self.held_back(person, topic)
        if held:
            return held
        turn = Turn()
        card = self.cards.next_unseen(person.sender_id, topic, person.role) or self.cards.first(
            topic, person.role
        )
        if card is None:
            return turn.say("no_card", topic=label(topic))
        return self._card(person, card, turn)

    def more(self, person: Person) -> Turn:
        turn = Turn()
        if not person.last_topic:
            return turn.say("more_no_topic")
        held = self.held_back(person, person.last_topic)
        if held:
            return held
        card = self.cards.next_unseen(person.sender_id, person.last_topic, person.role)
        if card is None:
            return turn.say("more_exhausted", topic=label(person.last_topic))
        return self._card(person, card, turn)

    # -- who they are ----------------------------------------------------------

    def situation(self, person: Person, role: str | None, breach_type: str | None) -> Turn:
        """Someone said what happened and/or which side they are on."""
        turn = Turn()
        new_role = role or person.role
        breach = breach_type or person.breach_type
        if role and person.role and role != person.role:
            turn.say(f"role_corrected_{role}")
        elif role:
            turn.say(f"ack_{role}")
        elif breach_type:
            turn.say("ack_breach", breach=label(breach_type))
        turn.set(role=new_role, breach_type=breach)
        held = self.held_back(person)
        if held:
            return turn.extend(held)
        if new_role is None:
            return turn.say("ask_role", buttons=ROLE_BUTTONS)
        if breach is None:
            return turn.say("ask_breach_type", buttons=breach_buttons())
        updated = person.but(role=new_role, breach_type=breach, pending=None)
        turn.extend(self.topic(updated, breach))
        return turn.extend(self.offer_plan(updated))

    def feeling(self, person: Person, role: str) -> Turn:
        """Pain or guilt: acknowledge first, then the impact card for their side."""
        turn = Turn().say(f"feeling_{role}")
        role = person.role or role
        turn.set(role=role)
        return turn.extend(self.topic(person.but(role=role), "impact"))

    def offer_plan(self, person: Person) -> Turn:
        if person.plan_started:
            return Turn()
        return Turn().say(
            f"offer_plan_{person.role}",
            buttons=[button("Yes, show me the steps", "affirm"), button("Just talk for now", "deny")],
        ).set(pending="start_plan")

    # -- the plan ----------------------------------------------------------------

    def next_step(self, person: Person) -> Turn:
        """Present the first undone step with its guidance and a button to mark it done."""
        held = self.held_back(person)
        if held:
            return held
        if person.role is None:
            return Turn().say("plan_needs_role", buttons=ROLE_BUTTONS)
        steps = self.progress.steps(person.sender_id)
        step = current_step(steps)
        turn = Turn().set(plan_started=True, pending=None)
        if step is None:
            return turn.say("plan_complete")
        turn.say("step_intro", step=step, number=PLAN_STEPS.index(step) + 1)
        card = self.cards.first(step, person.role)
        if card is not None:
            self._card(person, card, turn)
        return turn.say(f"done_when_{step}_{person.role}", buttons=[step_done_button(step)])

    def show_progress(self, person: Person) -> Turn:
        steps = self.progress.steps(person.sender_id)
        step = current_step(steps)
        turn = Turn().send(checklist_text(steps), custom=payload(steps))
        if step is None:
            return turn.say("plan_complete")
        return turn.say("on_step", step=step)

    def step_done(self, person: Person, step: str | None, named: bool) -> Turn:
        """``named`` is True when the message named a step, even one we don't know."""
        held = self.held_back(person)
        if held:
            return held
        if person.role is None:
            return Turn().say("plan_needs_role", buttons=ROLE_BUTTONS)
        if named and step is None:
            return Turn().say("unknown_step", buttons=[step_done_button(s) for s in PLAN_STEPS])
        if step is None:
            current = current_step(self.progress.steps(person.sender_id))
            if current is None:
                return Turn().say("plan_complete")
            return Turn().say("confirm_step_done", step=current, buttons=YES_NO).set(
                pending=f"step_done:{current}"
            )
        return self._record_done(person, step)

    def _record_done(self, person: Person, step: str) -> Turn:
        try:
            changed = self.progress.mark_done(person.sender_id, step)
        except SQLAlchemyError:
            # Say so rather than pretend: the person must know to report it again.
            return Turn().say("step_not_saved", step=step).set(pending=None)
        steps = self.progress.steps(person.sender_id)
        turn = Turn().set(pending=None, plan_started=True)
        turn.say("step_recorded" if changed else "step_already", step=step)
        turn.send(checklist_text(steps), custom=payload(steps))
        following = current_step(steps)
        if following is None:
            return turn.say("plan_complete")
        return turn.say("next_is", step=following, buttons=[button("Show me", "ask_next_step")])

    def step_undone(self, person: Person, step: str | None, named: bool) -> Turn:
        if named and step is None:
            return Turn().say("unknown_step", buttons=[])
        done = [s.step for s in self.progress.steps(person.sender_id) if s.done]
        if step is None:
            if not done:
                return Turn().say("nothing_done_yet")
            return Turn().say(
                "ask_which_undone",
                buttons=[button(s, "report_step_undone", step=s) for s in done],
            )
        if step not in done:
            return Turn().say("step_not_done", step=step)
        return Turn().say("confirm_step_undone", step=step, buttons=YES_NO).set(
            pending=f"step_undone:{step}"
        )

    def ask_reset(self, person: Person) -> Turn:
        return Turn().say("confirm_reset", buttons=YES_NO).set(pending="reset_progress")

    def ask_delete(self, person: Person) -> Turn:
        return Turn().say(
            "confirm_delete",
            buttons=[button("Yes, delete everything", "affirm"), button("No, keep it", "deny")],
        ).set(pending="delete_my_data")

    # -- yes / no ------------------------------------------------------------------

    def answer(self, person: Person, yes: bool) -> Turn:
        """Resolve whatever the coach last asked; a bare yes/no with nothing pending is fine too."""
        pending = person.pending or ""
        action, _, argument = pending.partition(":")
        cleared = person.but(pending=None)
        if not action:
            return Turn().say("yes_no_without_question")
        if action == "lift_hold":  # the one gentle check after "just kidding" (see false_alarm)
            return self.lift_hold(person) if yes else self.keep_hold(person)
        if not yes:
            response = "plan_later" if action == "start_plan" else "nothing_changed"
            return Turn().say(response).set(pending=None)
        if action == "start_plan":
            return self.next_step(cleared)
        if action == "step_done" and argument in PLAN_STEPS:
            return self._record_done(cleared, argument)
        try:
            if action == "step_undone" and argument in PLAN_STEPS:
                self.progress.mark_undone(person.sender_id, argument)
                return Turn().say("step_undone", step=argument).set(pending=None)
            if action == "reset_progress":
                self.progress.reset(person.sender_id)
                return Turn().say("reset_done").set(pending=None, plan_started=False)
            if action == "delete_my_data":
                privacy.forget(self.progress.engine, person.sender_id)
                # The tracker store sees forget_me and drops the conversation itself.
                return Turn().say("data_deleted").set(forget_me=True)
        except SQLAlchemyError:
            return Turn().say("change_not_saved").set(pending=None)
        return Turn().say("yes_no_without_question").set(pending=None)

    # -- returning people ----------------------------------------------------------

    def welcome_back(self, person: Person) -> Turn:
        if not person.plan_started:
            return Turn()
        step = current_step(self.progress.steps(person.sender_id))
        if step is None:
            return Turn().say("welcome_back_complete")
        return Turn().say("welcome_back", step=step)
