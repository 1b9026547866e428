"""The coach's decisions: which card, which step, what to ask next. No Rasa in here.

Every public method takes the person's state (:class:`Person`) and returns a
:class:`~bot.replies.Turn`; storage goes through the card and progress stores.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.exc import SQLAlchemyError

from bot import answers, safety_response, steps
from bot.cards import Card, CardStore
from bot.checkin_coach import SAFE_QUESTION, CheckinCoach
from bot.checkins import CheckinStore
from bot.lexicon import BREACH_TYPES, PLAN_STEPS
from bot.progress import ProgressStore, checklist_text, current_step, payload
from bot.reminders import ReminderStore
from bot.replies import Turn, button
from bot.resources import REGION_NAMES
from bot.texts import plain, text, title
from bot.topics import label, topic_for_intent

# A reply's own buttons are in the catalogue (data/replies.yml); only buttons made for data
# (a step, a breach) are made here, with titles from there too.
STEP_QUESTION = "step_done:"
AGAIN = ":again"
CHOOSE_ROLE = "choose_role"
# Actions after which a pending step question is neither asked again nor dropped: safety comes
# first, and "what do you mean?" explains the question rather than moving past it.
NO_FOLLOW_UP = frozenset({"action_safety", "action_report_safe", "action_set_region", "action_restate",
                          "action_answer", "action_language_notice",
                          # a reminder goes out unprompted: its neutral words alone
                          "action_reminder"})


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
    last_reply: str | None = None  # what the coach last said, for "what do you mean?"

    def but(self, **changes) -> Person:
        return replace(self, **changes)


def breach_buttons() -> list[dict]:
    return [button(label(b).capitalize(), "inform_breach_type", breach_type=b) for b in BREACH_TYPES]


def step_done_button(step: str) -> dict:
    return button(title("step_done", step=step), "report_step_done", step=step)


class Coach:
    def __init__(self, cards: CardStore, progress: ProgressStore, checkins: CheckinStore | None = None,
                 reminders: ReminderStore | None = None) -> None:
        self.cards = cards
        self.progress = progress
        # Check-ins, reminders and the export: their decisions in bot/checkin_coach.py.
        self.checkin = CheckinCoach(self, checkins or CheckinStore(progress.engine),
                                    reminders or ReminderStore(progress.engine))

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
        return Turn().say("false_alarm_check").set(pending="lift_hold")

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

    def what_to_do(self, person: Person, breach: str | None = None, role: str | None = None) -> Turn:
        """'What should I do?': for someone else in danger, the steps and the lines.

        Without that danger, "what should I do about his lying?" is about the breach it names:
        its card, as when someone tells their situation.
        """
        flag = person.last_danger or {}
        if flag.get("subject") in ("other", "child") and (person.crisis_active or person.abuse_disclosed):
            level, subject = flag.get("level", "crisis"), flag["subject"]
            return safety_response.danger(level, subject, person.region).set(last_danger=flag)
        if breach:
            return self.situation(person, role, breach, sure=False)
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
        self._card(person, card, turn)
        if topic == "is_it_working":  # "is it working?": a card, and a way to see for yourself
            turn.say("checkin_offer")
        return turn

    def question(self, person: Person, topic: str | None, reading: dict) -> Turn:
        """A question: a direct answer first when it is a yes/no one, then the card.

        For a long message the situation it tells is taken in first (role and breach, when
        not known yet) and reflected in one line before the answer.
        """
        turn = Turn()
        role = person.role or reading.get("role")
        breach = person.breach_type or reading.get("breach_type")
        if role != person.role or breach != person.breach_type:
            turn.set(role=role, breach_type=breach)
        if reading.get("sentences"):
            if role or breach:
                turn.say(f"reflect_{role or 'unknown'}", breach=label(breach) if breach else "this")
        person = person.but(role=role, breach_type=breach)
        answer = answers.choose(reading.get("answers") or [], role)
        held = self.held_back(person, topic)
        if held:
            return turn.extend(held)
        card = self.cards.get(answer.card_id) if answer else None
        if answer and card:
            turn.send(answer.text, custom=answer.payload(), response="direct_answer")
            return self._card(person, card, turn).set(last_reply=f"answer:{answer.id}")
        if topic is None:
            return turn.say("unknown_topic")
        return turn.extend(self.topic(person, topic))

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

    def situation(self, person: Person, role: str | None, breach_type: str | None,
                  sure: bool = True) -> Turn:
        """Someone said what happened and/or which side they are on.

        ``sure``: the wording itself says who did it (not only the classifier); only then does
        a role already known change.
        """
        turn = Turn()
        if role and person.role and role != person.role and not sure:
            role = person.role
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
            if breach:
                # What applies to both sides now; the side decides the rest.
                card = self.cards.first(breach, None)
                if card is not None:
                    self._card(person, card, turn)
            return turn.say("ask_role").set(pending=CHOOSE_ROLE)
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
        return Turn().say(f"offer_plan_{person.role}").set(pending="start_plan")

    # -- the plan ----------------------------------------------------------------

    def next_step(self, person: Person) -> Turn:
        """Present the first undone step with its guidance and a button to mark it done."""
        held = self.held_back(person)
        if held:
            return held
        if person.role is None:
            return Turn().say("plan_needs_role").set(pending=CHOOSE_ROLE)
        statuses = self.progress.steps(person.sender_id)
        step = current_step(statuses)
        turn = Turn().set(plan_started=True, pending=None)
        if step is None:
            return turn.say("plan_complete")
        turn.say("step_intro", step=step, number=PLAN_STEPS.index(step) + 1)
        card = self.cards.first(step, person.role)
        if card is not None:
            self._card(person, card, turn)
        done_when = steps.criteria()[step].done_when[person.role]
        return turn.send(done_when, buttons=[step_done_button(step)],
                         response=f"done_when_{step}_{person.role}").set(
            last_reply=f"done_when:{step}:{person.role}")

    def show_progress(self, person: Person) -> Turn:
        statuses = self.progress.steps(person.sender_id)
        step = current_step(statuses)
        turn = Turn().send(checklist_text(statuses), custom=payload(statuses))
        if step is None:
            return turn.say("plan_complete")
        return turn.say("on_step", step=step)

    def step_done(self, person: Person, step: str | None, named: bool, report: dict | None = None) -> Turn:
        """A step reported done: by a button (``step`` and ``named``) or in words (``report``).

        ``named`` is True when the message named a step, even one we don't know. ``report`` is
        NLU's reading of the words (components/reader.py): which step, and whether it happened.
        A step is only recorded from words that say it happened, and when the words leave the
        step in doubt, the coach asks first, naming the step.
        """
        held = self.held_back(person)
        if held:
            return held
        if named and step is None:
            return Turn().say("unknown_step", buttons=[step_done_button(s) for s in PLAN_STEPS])
        if report:
            return self._reported(person, step, report)
        if step is None:
            current = current_step(self.progress.steps(person.sender_id))
            if current is None:
                return Turn().say("plan_complete")
            return self.confirm_step(current)
        return self._record_done(person, step)

    @staticmethod
    def confirm_step(step: str, again: bool = False) -> Turn:
        name = "confirm_step_again" if again else "confirm_step_done"
        return Turn().say(name, step=step).set(
            pending=f"{STEP_QUESTION}{step}{AGAIN if again else ''}")

    def _reported(self, person: Person, entity_step: str | None, report: dict) -> Turn:
        step = report.get("step") or entity_step
        status = report.get("status")
        if status == steps.QUESTION:
            topic = step or current_step(self.progress.steps(person.sender_id)) or "acknowledge"
            return self.topic(person, topic)
        if step is None:
            step = current_step(self.progress.steps(person.sender_id))
            if step is None:
                return Turn().say("plan_complete")
            if status != steps.DONE:
                return Turn().say("step_not_recorded", step=step)
            return self.confirm_step(step)
        if status != steps.DONE:
            why = report.get("why") or "negated"
            reply = {"non_apology": "step_non_apology", "future": "step_planned", "attempt": "step_tried",
                     "refusal": "step_refused"}.get(why, "step_not_yet")
            turn = Turn().say(reply, step=step)
            return turn.extend(self.topic(person, step)).set(pending=None)
        # Done. Recorded straight away when the words name the step outright ("I apologised",
        # "we agreed on boundaries") and read like its examples; otherwise the person confirms
        # which step it was first.
        scores = report.get("scores") or {}
        similarity = max((v for k, v in scores.items() if k.split(":")[0] == step), default=0.0)
        if entity_step == step or report.get("sure") and similarity >= 0.45:
            return self._record_done(person, step)
        return self.confirm_step(step)

    def _record_done(self, person: Person, step: str) -> Turn:
        try:
            changed = self.progress.mark_done(person.sender_id, step)
        except SQLAlchemyError:
            # Say so rather than pretend: the person must know to report it again.
            return Turn().say("step_not_saved", step=step).set(pending=None)
        statuses = self.progress.steps(person.sender_id)
        turn = Turn().set(pending=None, plan_started=True)
        turn.say("step_recorded" if changed else "step_already", step=step)
        turn.send(checklist_text(statuses), custom=payload(statuses))
        following = current_step(statuses)
        if following is None:
            return turn.say("plan_complete")
        return turn.say("next_is", step=following)

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
            # "I haven't apologised yet": nothing to undo, but a step still ahead, so help with it.
            return Turn().say("step_not_yet", step=step).extend(self.topic(person, step))
        return Turn().say("confirm_step_undone", step=step).set(
            pending=f"step_undone:{step}"
        )

    def ask_reset(self, person: Person) -> Turn:
        return Turn().say("confirm_reset").set(pending="reset_progress")

    def ask_delete(self, person: Person) -> Turn:
        return Turn().say("confirm_delete").set(pending="delete_my_data")

    # -- yes / no ------------------------------------------------------------------

    def answer(self, person: Person, yes: bool, sure: bool = True) -> Turn:
        """Resolve whatever the coach last asked; a bare yes/no with nothing pending is fine too.

        ``sure``: the yes is a real one ("yes", "yep I did", a button), not "ok thx", "hmm" or
        "I guess?". Only a real yes marks a step; anything less asks once more, then lets it go.
        """
        pending = person.pending or ""
        action, _, argument = pending.partition(":")
        step, _, again = argument.partition(":")
        cleared = person.but(pending=None)
        if not action:
            return Turn().say("yes_no_without_question")
        if action == SAFE_QUESTION:  # "is it safe to get reminders?" (after an abuse disclosure)
            return self.checkin.reminders_safe(person, yes and sure)
        if action == "lift_hold":  # the one gentle check after "just kidding" (see false_alarm)
            return self.lift_hold(person) if yes else self.keep_hold(person)
        if action == CHOOSE_ROLE:
            # "Yes" (or "no") to "did you break the trust, or were you hurt?" is no answer.
            return Turn().say("ask_role_choice").set(pending=CHOOSE_ROLE)
        if action == "step_done" and step in PLAN_STEPS and not (yes and sure):
            if yes or not sure:
                if again:
                    return Turn().say("step_question_dropped", step=step).set(pending=None)
                return self.confirm_step(step, again=True)
            return Turn().say("step_not_marked", step=step).set(pending=None)
        if not yes:
            response = "plan_later" if action == "start_plan" else "nothing_changed"
            return Turn().say(response).set(pending=None)
        if action == "start_plan":
            return self.next_step(cleared)
        if action == "step_done" and step in PLAN_STEPS:
            return self._record_done(cleared, step)
        try:
            if action == "step_undone" and argument in PLAN_STEPS:
                self.progress.mark_undone(person.sender_id, argument)
                return Turn().say("step_undone", step=argument).set(pending=None)
            if action == "reset_progress":
                self.progress.reset(person.sender_id)
                return Turn().say("reset_done").set(pending=None, plan_started=False)
            if action == "delete_my_data":
                # The deletion itself (everything about the person, the conversation included)
                # is bot.privacy.forget, run by the tracker store when it sees forget_me: at the
                # end of the turn, so nothing of this turn is written back afterwards.
                return Turn().say("data_deleted").set(forget_me=True)
        except SQLAlchemyError:
            return Turn().say("change_not_saved").set(pending=None)
        return Turn().say("yes_no_without_question").set(pending=None)

    def follow_up(self, person: Person, turn: Turn, action: str) -> Turn:
        """A step question survives one unrelated turn: asked again once, then dropped, saying so."""
        pending = person.pending or ""
        if not pending.startswith(STEP_QUESTION) or action in NO_FOLLOW_UP:
            return turn
        new = turn.slots.get("pending", pending)
        if new != pending and new not in ("start_plan",):
            return turn  # the turn answered it, or asked a question of its own
        if new == "start_plan":  # an offer to start the plan waits: one question at a time
            turn.messages = [m for m in turn.messages if not (m.response or "").startswith("offer_plan_")]
        step, _, again = pending[len(STEP_QUESTION):].partition(":")
        if again:
            return turn.say("step_question_dropped", step=step).set(pending=None)
        return turn.extend(self.confirm_step(step, again=True))

    # -- context -----------------------------------------------------------------------

    def restate(self, person: Person) -> Turn:
        """"What do you mean?": the last reply said more plainly, or the card or step in short."""
        last = person.last_reply or ""
        kind, _, rest = last.partition(":")
        turn = Turn()
        said: str | None = None
        if kind == "reply":
            said = plain(rest)
        elif kind == "card":
            card = self.cards.get(rest)
            if card is not None:
                said = text("plain_card", title=card.title.lower(), tip=card.tips[0].rstrip("."))
        elif kind == "answer":
            answer = answers.bank().get(rest)
            if answer is not None:
                said = answer.text.split(". ")[0].rstrip(".") + "."
        elif kind == "done_when":
            step, _, role = rest.partition(":")
            said = plain(f"done_when_{step}_{role}")
        if said is None and person.plan_started:
            current = current_step(self.progress.steps(person.sender_id))
            if current is not None:
                said = plain(f"done_when_{current}_{person.role or 'betrayed'}")  # one plain for both sides
        if said is None:
            said = plain("about_the_coach") or ""
        turn.send(text("restate_intro") + " " + said, custom={"type": "restate", "of": last or None},
                  response="restate")
        pending = person.pending or ""
        if pending.startswith(STEP_QUESTION):
            step = pending[len(STEP_QUESTION):].split(":")[0]
            turn.extend(self.confirm_step(step, again=AGAIN in pending))
        return turn

    def remembered(self, person: Person, retention_days: int | None) -> Turn:
        """"What do you remember about me?": what is stored for this person, and how to delete it."""
        done = [s.step for s in self.progress.steps(person.sender_id) if s.done]
        seen = len(self.cards.seen_ids(person.sender_id))
        facts = []
        if person.role:
            facts.append(text(f"remember_role_{person.role}"))
        if person.breach_type:
            facts.append(text("remember_breach", breach=label(person.breach_type)))
        facts.append(text("remember_steps", steps=", ".join(done)) if done
                     else text("remember_no_steps"))
        if seen:
            facts.append(text("remember_cards", count=seen))
        if person.region:
            facts.append(text("remember_region", region=REGION_NAMES.get(person.region, person.region)))
        keep = (text("data_kept_how_long_days", days=retention_days) if retention_days
                else text("data_kept_how_long"))
        stored = {"type": "remembered", "role": person.role, "breach_type": person.breach_type,
                  "steps_done": done, "cards_seen": seen, "region": person.region}
        if not (person.role or person.breach_type or done or seen or person.region):
            return Turn().send(text("remember_nothing") + " " + keep, custom=stored,
                               response="data_remembered")
        said = text("remember_intro") + "\n" + "\n".join(f"- {f}" for f in facts) + "\n" + keep
        return Turn().send(said, custom=stored, response="data_remembered")

    @staticmethod
    def language_notice() -> Turn:
        return Turn().say("english_only")

    @staticmethod
    def short_reply(person: Person, text: str | None) -> Turn | None:
        """A word or two the coach cannot place ("lol", "si", a name): ask for more, gently."""
        if not isinstance(text, str) or len(text.split()) > 2 or text.strip().startswith("/"):
            return None
        if (person.pending or "").startswith(STEP_QUESTION):
            return Turn()  # the step question is asked again (or dropped) by follow_up
        if person.role is None:
            return Turn().say("input_short")
        return Turn().say("input_short_known")

    # -- returning people ----------------------------------------------------------

    def welcome_back(self, person: Person) -> Turn:
        if not person.plan_started:
            return Turn()
        step = current_step(self.progress.steps(person.sender_id))
        if step is None:
            return Turn().say("welcome_back_complete")
        return Turn().say("welcome_back", step=step)
