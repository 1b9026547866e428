"""Every custom action, run as the action server runs it: rasa_sdk Tracker + CollectingDispatcher."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import adapter, conversation, plan, session
from actions import safety as safety_actions
from bot import cards, db
from bot.cards import CardStore
from bot.coach import Coach
from bot.progress import ProgressStore

SLOTS = {name: None for name in
         ("role", "breach_type", "last_topic", "pending", "plan_started", "forget_me", "region",
          "abuse_disclosed", "crisis_active", "intro_due", "session_started_metadata", "last_danger",
          "last_reply")}


@pytest.fixture
def coach(engine, monkeypatch):
    cards.sync(engine, cards.read_cards(cards.CARDS_DIR.glob("*.yml")))
    the_coach = Coach(CardStore(engine), ProgressStore(engine))
    monkeypatch.setattr(adapter, "coach", lambda: the_coach)
    monkeypatch.setattr(session, "coach", lambda: the_coach)
    return the_coach


TYPED = {"affirm": "yes", "deny": "no"}


def tracker(intent: str, entities=(), sender: str = "ann", text: str | None = None, reading=None,
            **slots) -> Tracker:
    message = {"intent": {"name": intent, "confidence": 1.0}, "entities": list(entities),
               "text": text or TYPED.get(intent, "whatever they wrote")}
    if reading is not None:
        message["reading"] = reading
    return Tracker(
        sender_id=sender,
        slots={**SLOTS, **slots},
        latest_message=message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def ent(name: str, value: str) -> dict:
    return {"entity": name, "value": value}


async def run(action, tracker: Tracker):
    """The action's events (what was said last, for "what do you mean?", left out) and messages."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return [e for e in events if not (e.get("event") == "slot" and e.get("name") == "last_reply")], \
        dispatcher.messages


def responses(messages) -> list:
    return [m.get("utter_action") for m in messages]


def cards_in(messages) -> list[dict]:
    return [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == "advice_card"]


def slots(events) -> dict:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


# -- cards ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["betrayed", "offender", None])
async def test_topic_intent_answers_with_a_card_of_that_topic_in_the_role_variant(coach, role):
    events, messages = await run(conversation.ActionTopicCard(), tracker("ask_impact", role=role))
    [card] = cards_in(messages)
    assert card["topic"] == "impact"
    assert card["role"] == (role or "any")
    assert card["tips"] and messages[0]["text"].startswith(card["title"])
    assert events == [SlotSet("last_topic", "impact")]


async def test_ask_more_gives_unseen_cards_then_says_there_are_no_more(coach):
    seen = []
    _, messages = await run(conversation.ActionTopicCard(), tracker("ask_how_long", role="betrayed"))
    seen += [c["card_id"] for c in cards_in(messages)]
    for _ in range(10):
        events, messages = await run(conversation.ActionMore(), tracker("ask_more", role="betrayed",
                                                                        last_topic="how_long"))
        if not cards_in(messages):
            break
        seen += [c["card_id"] for c in cards_in(messages)]
    assert len(seen) == len(set(seen)) >= 2, "each 'more' is a card not seen before"
    assert responses(messages) == ["more_exhausted"]
    assert "how long healing takes" in messages[0]["text"]
    assert events == []


async def test_ask_more_with_no_topic_yet(coach):
    events, messages = await run(conversation.ActionMore(), tracker("ask_more"))
    assert responses(messages) == ["more_no_topic"] and events == []


# -- who they are --------------------------------------------------------------------


async def test_hurt_partner_naming_an_affair_gets_the_infidelity_card_for_the_hurt_partner(coach):
    events, messages = await run(conversation.ActionSituation(),
                                 tracker("i_was_betrayed", [ent("breach_type", "infidelity")]))
    assert responses(messages)[0] == "ack_betrayed"
    [card] = cards_in(messages)
    assert (card["topic"], card["role"]) == ("infidelity", "betrayed")
    assert responses(messages)[-1] == "offer_plan_betrayed"
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/affirm", "/deny"]
    assert slots(events) == {"role": "betrayed", "breach_type": "infidelity", "last_topic": "infidelity",
                             "pending": "start_plan"}


async def test_surface_forms_from_nlu_are_normalised(coach):
    events, messages = await run(conversation.ActionSituation(),
                                 tracker("i_broke_trust", [ent("breach_type", "hid our debts")]))
    assert slots(events)["breach_type"] == "financial_secrecy"
    assert cards_in(messages)[0]["role"] == "offender"


@pytest.mark.parametrize(("answer", "breach"), [("lies, mostly", "dishonesty"), ("Drinking.", "addiction"),
                                                ("gambling i guess", "addiction")])
async def test_a_one_word_answer_names_the_breach_type(coach, answer, breach):
    asked = tracker("inform_breach_type", role="offender")
    asked.latest_message["text"] = answer
    events, messages = await run(conversation.ActionSituation(), asked)
    assert slots(events)["breach_type"] == breach
    assert cards_in(messages)[0]["topic"] == breach


async def test_a_sentence_is_not_read_as_a_one_word_answer(coach):
    asked = tracker("inform_breach_type", role="offender")
    asked.latest_message["text"] = "I lie awake every night"
    events, messages = await run(conversation.ActionSituation(), asked)
    assert slots(events).get("breach_type") is None and responses(messages)[-1] == "ask_breach_type"


async def test_no_breach_type_asks_which_with_buttons(coach):
    events, messages = await run(conversation.ActionSituation(), tracker("i_broke_trust"))
    assert responses(messages) == ["ack_offender", "ask_breach_type"]
    assert len(messages[-1]["buttons"]) == 6
    assert '/inform_breach_type{"breach_type":"addiction"}' in [b["payload"] for b in messages[-1]["buttons"]]
    assert slots(events) == {"role": "offender", "breach_type": None}


async def test_breach_type_without_a_role_asks_the_role_with_buttons(coach):
    events, messages = await run(conversation.ActionSituation(),
                                 tracker("inform_breach_type", [ent("breach_type", "addiction")]))
    assert responses(messages) == ["ack_breach", None, "ask_role"]
    assert cards_in(messages)[0] == {**cards_in(messages)[0], "topic": "addiction", "role": "any"}
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/i_broke_trust", "/i_was_betrayed"]
    assert slots(events)["pending"] == "choose_role" and slots(events)["breach_type"] == "addiction"


async def test_yes_to_the_either_or_question_asks_it_again_as_a_choice(coach):
    events, messages = await run(plan.ActionAnswer(), tracker("affirm", pending="choose_role"))
    assert responses(messages) == ["ask_role_choice"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/i_broke_trust", "/i_was_betrayed"]
    assert slots(events) == {"pending": "choose_role"}


async def test_a_question_does_not_switch_the_role_on_a_guess(coach):
    """"was it something I did?" read as i_broke_trust by the classifier, with no role cue."""
    events, messages = await run(conversation.ActionSituation(),
                                 tracker("i_broke_trust", role="betrayed", breach_type="infidelity",
                                         text="was it something I did?", reading={"question": True}))
    assert "role_corrected_offender" not in responses(messages)
    assert slots(events).get("role", "betrayed") == "betrayed"


async def test_a_person_can_correct_their_role(coach):
    events, messages = await run(conversation.ActionSituation(),
                                 tracker("i_broke_trust", role="betrayed", breach_type="dishonesty",
                                         reading={"role": "offender"}))
    assert responses(messages)[0] == "role_corrected_offender"
    assert cards_in(messages)[0] == {**cards_in(messages)[0], "topic": "dishonesty", "role": "offender"}
    assert slots(events)["role"] == "offender"


async def test_unknown_breach_type_payload_changes_nothing(coach, engine):
    events, messages = await run(conversation.ActionSituation(),
                                 tracker("inform_breach_type", [ent("breach_type", "banana")]))
    assert responses(messages) == ["unknown_breach_type"]
    assert events == []
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(db.seen_cards)).scalar_one() == 0


@pytest.mark.parametrize(("intent", "role"), [("express_hurt", "betrayed"), ("express_guilt", "offender")])
async def test_feelings_are_acknowledged_before_the_impact_card(coach, intent, role):
    events, messages = await run(conversation.ActionFeeling(), tracker(intent))
    assert responses(messages)[0] == f"feeling_{role}"
    assert (cards_in(messages)[0]["topic"], cards_in(messages)[0]["role"]) == ("impact", role)
    assert slots(events)["role"] == role


# -- the plan ------------------------------------------------------------------------


async def test_start_plan_presents_the_first_undone_step_with_guidance_and_a_done_button(coach):
    events, messages = await run(plan.ActionNextStep(), tracker("start_plan", role="offender"))
    assert responses(messages) == ["step_intro", None, "done_when_acknowledge_offender"]
    assert "acknowledge" in messages[0]["text"]
    assert (cards_in(messages)[0]["topic"], cards_in(messages)[0]["role"]) == ("acknowledge", "offender")
    assert messages[-1]["buttons"] == [{"title": "I've done the acknowledge step",
                                        "payload": '/report_step_done{"step":"acknowledge"}'}]
    assert slots(events)["plan_started"] is True


async def test_step_done_records_it_and_names_the_next_undone_step(coach):
    events, messages = await run(plan.ActionStepDone(),
                                 tracker("report_step_done", [ent("step", "boundaries")], role="betrayed"))
    assert responses(messages) == ["step_recorded", None, "next_is"]
    assert "acknowledge" in messages[-1]["text"]
    progress = messages[1]["custom"]
    assert progress["type"] == "progress" and progress["done"] == 1 and progress["total"] == 4
    assert [s["done"] for s in progress["steps"]] == [False, False, False, True]
    assert coach.progress.steps("ann")[3].done
    _, again = await run(plan.ActionStepDone(),
                         tracker("report_step_done", [ent("step", "boundaries")], role="betrayed"))
    assert responses(again)[0] == "step_already"


async def test_step_done_without_a_step_asks_about_the_current_one_and_yes_marks_it(coach):
    events, messages = await run(plan.ActionStepDone(), tracker("report_step_done", role="offender"))
    assert responses(messages) == ["confirm_step_done"] and "acknowledge" in messages[0]["text"]
    assert slots(events) == {"pending": "step_done:acknowledge"}
    assert not coach.progress.steps("ann")[0].done
    events, messages = await run(plan.ActionAnswer(),
                                 tracker("affirm", role="offender", pending="step_done:acknowledge"))
    assert responses(messages)[0] == "step_recorded"
    assert coach.progress.steps("ann")[0].done


@pytest.mark.parametrize(
    ("entities", "slots_", "expected"),
    [
        ([ent("step", "banana")], {"role": "betrayed"}, "unknown_step"),
    ],
)
async def test_bad_step_reports_change_nothing(coach, entities, slots_, expected):
    events, messages = await run(plan.ActionStepDone(), tracker("report_step_done", entities, **slots_))
    assert responses(messages) == [expected] and events == []
    assert not any(s.done for s in coach.progress.steps("ann"))


async def test_a_step_named_by_a_button_is_recorded_before_the_role_is_known(coach):
    _, messages = await run(plan.ActionStepDone(), tracker("report_step_done", [ent("step", "apologize")]))
    assert responses(messages)[0] == "step_recorded"
    assert [s.step for s in coach.progress.steps("ann") if s.done] == ["apologize"]


def report(step, status="done", why=None, sure=False, similarity=0.7, named=True):
    return {"step": {"step": step, "status": status, "why": why, "sure": sure,
                     "named": [step] if named else [], "scores": {f"{step}:offender": similarity}}}


async def test_a_step_in_words_that_names_it_outright_is_recorded(coach):
    _, messages = await run(plan.ActionStepDone(), tracker(
        "report_step_done", [ent("step", "apologize")], role="offender",
        reading=report("apologize", sure=True)))
    assert responses(messages)[0] == "step_recorded"


async def test_a_step_read_by_meaning_is_confirmed_first_naming_it(coach):
    events, messages = await run(plan.ActionStepDone(), tracker(
        "report_step_done", role="offender", text="I gave her all my passwords without her asking",
        reading=report("transparency")))
    assert responses(messages) == ["confirm_step_done"]
    assert messages[0]["text"].endswith("the transparency step?")
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert [b["title"] for b in messages[0]["buttons"]] == ["Yes", "Not yet"]
    assert slots(events)["pending"] == "step_done:transparency"
    assert not any(s.done for s in coach.progress.steps("ann"))


@pytest.mark.parametrize(("why", "reply"), [("non_apology", "step_non_apology"), ("future", "step_planned"),
                                            ("attempt", "step_tried"), ("refusal", "step_refused"),
                                            ("not_yet", "step_not_yet"), ("negated", "step_not_yet")])
async def test_a_step_that_did_not_happen_is_never_recorded(coach, why, reply):
    _, messages = await run(plan.ActionStepDone(), tracker(
        "report_step_done", [ent("step", "apologize")], role="betrayed",
        reading=report("apologize", status="not_done", why=why, sure=True)))
    assert responses(messages)[0] == reply
    assert cards_in(messages) and cards_in(messages)[0]["topic"] == "apologize"
    assert not any(s.done for s in coach.progress.steps("ann"))


@pytest.mark.parametrize("text", ["ok thx", "hmm", "maybe", "I guess?"])
async def test_only_a_real_yes_marks_a_step(coach, text):
    events, messages = await run(plan.ActionAnswer(), tracker(
        "affirm", text=text, role="offender", pending="step_done:acknowledge"))
    assert responses(messages) == ["confirm_step_again"]
    assert slots(events) == {"pending": "step_done:acknowledge:again"}
    assert not any(s.done for s in coach.progress.steps("ann"))


@pytest.mark.parametrize("text", ["yes", "yep I did", "yeah that one", "/affirm"])
async def test_a_real_yes_marks_the_step(coach, text):
    _, messages = await run(plan.ActionAnswer(), tracker(
        "affirm", text=text, role="offender", pending="step_done:acknowledge:again"))
    assert responses(messages)[0] == "step_recorded"


async def test_a_pending_step_question_survives_one_unrelated_turn_then_is_dropped(coach):
    _, messages = await run(conversation.ActionTopicCard(), tracker(
        "ask_how_long", role="offender", pending="step_done:acknowledge"))
    assert cards_in(messages) and responses(messages)[-1] == "confirm_step_again"
    assert messages[-1]["text"].endswith("the acknowledge step?")
    events, messages = await run(conversation.ActionTopicCard(), tracker(
        "ask_forgiveness", role="offender", pending="step_done:acknowledge:again"))
    assert responses(messages)[-1] == "step_question_dropped" and slots(events)["pending"] is None
    _, messages = await run(plan.ActionAnswer(), tracker("affirm", role="offender"))
    assert responses(messages) == ["yes_no_without_question"]
    assert not any(s.done for s in coach.progress.steps("ann"))


async def test_a_yes_no_question_gets_its_direct_answer_before_the_card(coach):
    from bot import answers

    answer = answers.bank()["still-angry-betrayed"]
    _, messages = await run(conversation.ActionTopicCard(), tracker(
        "ask_impact", role="betrayed", reading={"answers": [{"id": answer.id, "score": 0.8}]}))
    assert messages[0]["text"] == answer.text
    assert messages[0]["custom"] == {"type": "answer", "answer_id": answer.id, "card_id": answer.card_id,
                                     "source": answer.source}
    assert cards_in(messages)[0]["card_id"] == answer.card_id


async def test_the_answer_fits_the_side_of_the_person(coach):
    _, messages = await run(conversation.ActionTopicCard(), tracker(
        "ask_impact", role="offender",
        reading={"answers": [{"id": "my-fault-betrayed", "score": 0.8},
                             {"id": "my-fault-offender", "score": 0.7}]}))
    assert messages[0]["custom"]["answer_id"] == "my-fault-offender"


async def test_a_long_story_is_reflected_in_one_line_before_the_answer(coach):
    _, messages = await run(conversation.ActionTopicCard(), tracker(
        "ask_can_trust_be_rebuilt", reading={"sentences": 6, "role": "betrayed", "breach_type": "infidelity",
                                             "answers": [{"id": "rebuild-possible-any", "score": 0.7}]}))
    assert responses(messages)[:2] == ["reflect_betrayed", "direct_answer"]
    assert cards_in(messages)[0]["role"] in ("betrayed", "any")


async def test_what_do_you_mean_restates_the_last_reply_plainly(coach):
    events, messages = await run(conversation.ActionRestate(), tracker(
        "ask_rephrase", last_reply="reply:ask_role"))
    assert messages[0]["custom"] == {"type": "restate", "of": "reply:ask_role"}
    assert "did you do the thing that broke the trust" in messages[0]["text"]
    _, messages = await run(conversation.ActionRestate(), tracker(
        "ask_rephrase", last_reply="card:apologize-offender-1"))
    assert messages[0]["custom"]["type"] == "restate" and "card was about" in messages[0]["text"]


async def test_another_language_gets_the_notice_after_whatever_else_is_said(coach):
    _, messages = await run(conversation.ActionLanguageNotice(), tracker(
        "other_language", reading={"language": "es"}))
    assert responses(messages) == ["english_only"]
    assert not any(m.get("custom") for m in messages), "the notice is plain text, not a safety payload"
    _, messages = await run(safety_actions.ActionSafety(), tracker(
        "crisis_self_harm", text="no quiero vivir", reading={"language": "es"}))
    assert responses(messages)[-1] == "english_only" and responses(messages)[0] != "english_only"


async def test_undo_needs_confirmation(coach):
    coach.progress.mark_done("ann", "apologize")
    events, messages = await run(plan.ActionStepUndone(),
                                 tracker("report_step_undone", [ent("step", "apology")], role="offender"))
    assert responses(messages) == ["confirm_step_undone"]
    assert coach.progress.steps("ann")[1].done, "nothing changes before the yes"
    _, messages = await run(plan.ActionAnswer(), tracker("deny", pending="step_undone:apologize"))
    assert responses(messages) == ["nothing_changed"] and coach.progress.steps("ann")[1].done
    _, messages = await run(plan.ActionAnswer(), tracker("affirm", pending="step_undone:apologize"))
    assert responses(messages) == ["step_undone"] and not coach.progress.steps("ann")[1].done


async def test_reset_with_confirm_and_cancel(coach):
    coach.progress.mark_done("ann", "acknowledge")
    events, messages = await run(plan.ActionAskReset(), tracker("reset_progress"))
    assert responses(messages) == ["confirm_reset"] and slots(events) == {"pending": "reset_progress"}
    await run(plan.ActionAnswer(), tracker("deny", pending="reset_progress"))
    assert coach.progress.steps("ann")[0].done
    events, messages = await run(plan.ActionAnswer(), tracker("affirm", pending="reset_progress"))
    assert responses(messages) == ["reset_done"]
    assert not coach.progress.steps("ann")[0].done


async def test_progress_checklist(coach):
    coach.progress.mark_done("ann", "boundaries")
    events, messages = await run(plan.ActionProgress(), tracker("ask_progress"))
    progress = messages[0]["custom"]
    assert [(s["step"], s["done"]) for s in progress["steps"]] == [
        ("acknowledge", False), ("apologize", False), ("transparency", False), ("boundaries", True)]
    assert "[x] boundaries" in messages[0]["text"]
    assert responses(messages)[1] == "on_step"


async def test_all_steps_done_points_to_what_comes_after(coach):
    for step in ("acknowledge", "apologize", "transparency", "boundaries"):
        coach.progress.mark_done("ann", step)
    _, messages = await run(plan.ActionNextStep(), tracker("ask_next_step", role="betrayed"))
    assert responses(messages) == ["plan_complete"]


async def test_delete_needs_confirmation_then_removes_everything(coach, engine, database_url):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet as RasaSlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.tracker_store import CoachTrackerStore

    coach.progress.mark_done("ann", "acknowledge")
    coach.cards.mark_seen("ann", "impact-any-1")
    events, messages = await run(plan.ActionAskDelete(), tracker("delete_my_data"))
    assert responses(messages) == ["confirm_delete"] and slots(events) == {"pending": "delete_my_data"}
    await run(plan.ActionAnswer(), tracker("deny", pending="delete_my_data"))
    assert coach.progress.steps("ann")[0].done
    events, messages = await run(plan.ActionAnswer(), tracker("affirm", pending="delete_my_data"))
    assert responses(messages) == ["data_deleted"]
    assert slots(events) == {"forget_me": True}
    # The action deletes nothing itself: the tracker store does, when Rasa saves the turn.
    assert coach.progress.steps("ann")[0].done
    domain = Domain.from_path("domain.yml")
    store = CoachTrackerStore(domain=domain, host=database_url)
    await store.save(DialogueStateTracker.from_events("ann", [RasaSlotSet("forget_me", True)], domain.slots))
    store.engine.dispose()
    with engine.connect() as connection:
        for table in (db.progress, db.seen_cards):
            assert connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0


async def test_database_down_says_the_step_was_not_saved(monkeypatch):
    unreachable = db.create_engine("postgresql://nobody@127.0.0.1:1/nowhere", connect_timeout=1)
    broken = Coach(CardStore(unreachable), ProgressStore(unreachable))
    monkeypatch.setattr(adapter, "coach", lambda: broken)
    events, messages = await run(plan.ActionAnswer(),
                                 tracker("affirm", role="betrayed", pending="step_done:apologize"))
    assert responses(messages) == ["step_not_saved"] and "apologize" in messages[0]["text"]
    events, messages = await run(plan.ActionProgress(), tracker("ask_progress"))
    assert responses(messages) == ["db_error"] and events == []


# -- session start ---------------------------------------------------------------------


async def test_session_start_carries_over_what_they_told_us_and_welcomes_back(coach):
    coach.progress.mark_done("ann", "acknowledge")
    coach.progress.mark_done("ann", "apologize")
    events, messages = await run(
        session.ActionSessionStart(),
        tracker("greet", role="betrayed", breach_type="infidelity", plan_started=True,
                pending="reset_progress", last_topic="impact"),
    )
    assert events[0] == SessionStarted() and events[-1] == ActionExecuted("action_listen")
    assert slots(events) == {"role": "betrayed", "breach_type": "infidelity", "last_topic": "impact",
                             "plan_started": True}
    assert responses(messages) == ["welcome_back", "about_the_coach"]
    assert "transparency" in messages[0]["text"]


async def test_session_start_for_someone_new_only_says_what_the_coach_is(coach):
    events, messages = await run(session.ActionSessionStart(), tracker("greet"))
    assert responses(messages) == ["about_the_coach"]
    assert events == [SessionStarted(), ActionExecuted("action_listen")]


async def test_a_session_opened_by_a_disclosure_holds_its_introduction_back(coach):
    coach.progress.mark_done("ann", "acknowledge")
    events, messages = await run(
        session.ActionSessionStart(),
        tracker("greet", role="betrayed", session_started_metadata={"opens_with_danger": True}),
    )
    assert messages == [], "nothing may come before the resources"
    assert slots(events) == {"role": "betrayed", "intro_due": True}
    assert events[0] == SessionStarted() and events[-1] == ActionExecuted("action_listen")


async def test_the_held_back_introduction_follows_the_resources(coach):
    crisis = tracker("crisis_self_harm", intro_due=True)
    crisis.latest_message["text"] = "i want to kill myself"
    events, messages = await run(safety_actions.ActionSafety(), crisis)
    assert "911" in messages[0]["text"] and "988" in messages[0]["text"]
    assert responses(messages)[-1] == "about_the_coach"
    assert slots(events)["intro_due"] is False

    events, messages = await run(safety_actions.ActionSafety(), tracker("crisis_self_harm"))
    assert "about_the_coach" not in responses(messages) and "intro_due" not in slots(events)


@pytest.mark.parametrize(("days", "expected"), [(None, "until you say 'delete my data'"),
                                                ("30", "for 30 days without activity")])
async def test_what_is_kept(coach, monkeypatch, days, expected):
    if days:
        monkeypatch.setenv("RETENTION_DAYS", days)
    else:
        monkeypatch.delenv("RETENTION_DAYS", raising=False)
    _, messages = await run(session.ActionDataKept(), tracker("ask_data_kept"))
    assert responses(messages) == ["data_remembered"] and expected in messages[0]["text"]


async def test_what_is_remembered_lists_what_is_stored(coach):
    coach.progress.mark_done("ann", "acknowledge")
    _, messages = await run(session.ActionDataKept(),
                            tracker("ask_data_kept", role="betrayed", breach_type="infidelity", region="UK"))
    [stored] = [m["custom"] for m in messages if m.get("custom")]
    assert stored == {"type": "remembered", "role": "betrayed", "breach_type": "infidelity",
                      "steps_done": ["acknowledge"], "cards_seen": 0, "region": "UK"}
    text = messages[0]["text"]
    assert "hurt" in text and "affair" in text and "acknowledge" in text and "delete my data" in text


# -- not understanding ----------------------------------------------------------------


def fallback_tracker(text: str, ranking: list[str], earlier_fallbacks: int = 0) -> Tracker:
    base = tracker("nlu_fallback")
    events = [{"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}] * earlier_fallbacks
    events.append({"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}})
    return Tracker(
        base.sender_id, base.slots,
        {**base.latest_message, "text": text,
         "intent_ranking": [{"name": n, "confidence": 0.2} for n in ranking]},
        events, False, None, {}, "action_listen",
    )


async def test_low_confidence_offers_the_three_likeliest_topics(coach):
    from actions import safety as safety_actions

    ranking = ["nlu_fallback", "ask_impact", "greet", "ask_how_long", "ask_signs", "ask_causes"]
    _, messages = await run(safety_actions.ActionClarify(), fallback_tracker("hmm so like", ranking))
    assert responses(messages) == ["did_not_understand"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/ask_impact", "/ask_how_long", "/ask_signs"]


async def test_twice_in_a_row_shows_the_topic_menu(coach):
    from actions import safety as safety_actions

    _, messages = await run(safety_actions.ActionClarify(),
                            fallback_tracker("purple monkey dishwasher again", ["nlu_fallback", "ask_impact"],
                                             earlier_fallbacks=1))
    assert responses(messages) == ["topic_menu"]
    assert 3 <= len(messages[0]["buttons"]) <= 6


@pytest.mark.parametrize(("text", "reply"), [("   ", "input_empty"), ("😢😢", "input_no_words"),
                                             ("word " * 1001, "input_too_long")])
async def test_unusable_input_gets_a_short_clear_answer(coach, text, reply):
    from actions import safety as safety_actions

    events, messages = await run(safety_actions.ActionClarify(), fallback_tracker(text, ["nlu_fallback"]))
    assert responses(messages) == [reply] and events == []


def test_input_problems_are_told_apart():
    from bot.input_check import problem

    assert [problem(t) for t in (None, "", " \n", "🙂👍", "12 34!", "/ask_nonsense", "x" * 5001,
                                 "x" * 5000, "ok \ud800", "/" + "x" * 5001)] == [
        "empty", "empty", "empty", "no_words", "no_words", "unknown_command", "too_long",
        None, "unreadable", "too_long"]
    assert problem("i'm hurting so much 😢") is None
    assert problem("Mi esposo me engañó") is None


async def test_what_should_i_do_about_a_breach_gets_its_card_not_the_menu(coach):
    # "what should I do about his lying?" shares its words with "what should I do?" after
    # someone else's crisis; without that danger it is about the breach it names.
    events, messages = await run(safety_actions.ActionWhatToDo(), tracker(
        "ask_what_to_do", [ent("breach_type", "dishonesty")], reading={"role": "betrayed"}, role="betrayed"))
    assert [(c["topic"], c["role"]) for c in cards_in(messages)][:1] == [("dishonesty", "betrayed")]
    assert "topic_menu" not in responses(messages)


# -- the replies rules say (action_reply) ------------------------------------------------------


async def test_a_rule_reply_is_said_from_the_catalogue_under_its_utter_name(coach):
    dispatcher = CollectingDispatcher()
    events = await conversation.ActionReply().run(dispatcher, tracker("greet"), {})
    [greeting] = dispatcher.messages
    assert greeting["utter_action"] == "utter_greet"
    assert [b["payload"] for b in greeting["buttons"]] == ["/i_broke_trust", "/i_was_betrayed"]
    assert slots(events) == {"last_reply": "reply:utter_greet"}


async def test_after_a_rule_reply_an_open_step_question_is_asked_again_but_not_after_safety_planning(coach):
    _, messages = await run(conversation.ActionReply(), tracker("thank", pending="step_done:apologize"))
    assert responses(messages) == ["utter_thank", "confirm_step_again"]
    events, messages = await run(conversation.ActionReply(),
                                 tracker("ask_safety_plan", pending="step_done:apologize"))
    assert responses(messages) == ["utter_safety_plan"] and events == []
