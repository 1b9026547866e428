"""The tracker store loads a bounded window and keeps every event (bot/tracker_store.py).

A conversation of 500 turns is played straight against the store, as Rasa's processor
drives it (retrieve, add the turn's events, save twice), on SQLite and PostgreSQL. At
every turn the loaded tracker must hold the same state as one that saw every event;
the rows read per turn must not grow; and the whole history must be stored once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot import window
from bot.tracker_store import CoachTrackerStore

DOMAIN = Domain.load(Path(__file__).resolve().parent.parent / "domain.yml")
TURNS = 500
PERIOD = 12  # turn 20 and turn 500 are at the same point of the script (480 = 40 x 12)
# (intent, action, slots the action sets): slots set once early must outlive the window.
SCRIPT = [
    ("greet", "utter_greet", {}),
    ("i_was_betrayed", "action_situation", {"role": "betrayed", "pending": "breach_type"}),
    ("affirm", "action_answer", {"pending": None}),
    ("ask_how_long", "action_topic_card", {"last_topic": "how_long"}),
    ("ask_more", "action_more", {}),
    ("express_hurt", "action_feeling", {}),
    ("start_plan", "action_next_step", {"plan_started": True}),
    ("ask_progress", "action_progress", {}),
    ("thank", "utter_thank", {}),
    ("ask_signs", "action_topic_card", {"last_topic": "signs"}),
    ("bot_challenge", "utter_iamabot", {}),
    ("report_step_done", "action_step_done", {}),
]
assert len(SCRIPT) == PERIOD


def turn_events(turn: int) -> list:
    intent, action, slots = SCRIPT[turn % PERIOD]
    if turn == 2:
        slots = {**slots, "region": "uk", "crisis_active": True}  # set once, read at turn 500
    if turn == 3:
        slots = {**slots, "crisis_active": False, "abuse_disclosed": True}
    return [
        UserUttered(f"message {turn}", {"name": intent, "confidence": 1.0}),
        ActionExecuted(action),
        BotUttered(f"reply {turn}", metadata={"utter_action": action}),
        *[SlotSet(name, value) for name, value in slots.items()],
        ActionExecuted("action_listen"),
    ]


def state(tracker: DialogueStateTracker) -> dict:
    return {
        "slots": tracker.current_slot_values(),
        "latest_message": tracker.latest_message.text,
        "latest_action": tracker.latest_action_name,
        "paused": tracker.is_paused(),
        "active_loop": tracker.active_loop_name,
    }


@pytest.fixture
def store(database_url, engine):  # engine: the coach's tables, which the teardown empties
    store = CoachTrackerStore(domain=DOMAIN, host=database_url, window_turns=10)
    yield store
    store.engine.dispose()


async def play(store: CoachTrackerStore, sender: str, turns: int, extra=None):
    """Drive the store like Rasa's processor; returns rows loaded per turn and every event added."""
    truth = DialogueStateTracker(sender, DOMAIN.slots)
    added: list = []
    loaded: list[int] = []
    tracker = await store.get_or_create_tracker(sender)
    for event in tracker.events:
        truth.update(event)
        added.append(event)
    for turn in range(turns):
        tracker = await store.retrieve(sender)
        loaded.append(store.last_loaded)
        assert state(tracker) == state(truth), f"turn {turn}: the window lost state"
        events = (extra or {}).get(turn, []) + turn_events(turn)
        first, rest = events[:1], events[1:]
        for part in (first, rest):  # Rasa saves more than once a turn: nothing may repeat
            for event in part:
                tracker.update(event)
                truth.update(event)
                added.append(event)
            await store.save(tracker)
    return loaded, added


def dumped(events) -> list[dict]:
    return [{k: v for k, v in e.as_dict().items() if k != "timestamp"} for e in events]


async def test_rows_loaded_per_turn_do_not_grow_and_every_event_is_kept(store):
    loaded, added = await play(store, "long", TURNS)
    assert loaded[TURNS - 1] <= loaded[19], (loaded[19], loaded[TURNS - 1])
    assert max(loaded[100:]) <= max(loaded[12:40])
    full = await store.retrieve_full_tracker("long")
    assert dumped(full.events) == dumped(added), "every event stored once, in order"
    assert sum(isinstance(e, UserUttered) for e in full.events) == TURNS
    # What Rasa's own retrieve rebuilds from the whole session is what the window holds.
    whole = await SQLTrackerStore.retrieve(store, "long")
    windowed = await store.retrieve("long")
    assert state(windowed) == state(whole)
    assert windowed.get_slot("region") == "uk" and windowed.get_slot("abuse_disclosed") is True


async def test_state_survives_session_starts_resets_and_pauses(store):
    extra = {
        60: [SessionStarted(), SlotSet("role", "betrayed"), SlotSet("region", "uk"),
             ActionExecuted("action_listen")],
        90: [AllSlotsReset(), SlotSet("breach_type", "infidelity")],
        120: [ConversationPaused()],
        121: [ConversationResumed()],
        150: [ActiveLoop("some_form")],
        151: [ActiveLoop(None)],
    }
    loaded, added = await play(store, "eventful", 200, extra)
    full = await store.retrieve_full_tracker("eventful")
    assert dumped(full.events) == dumped(added)
    assert loaded[199] <= loaded[60 + 19], "bounded again once the pause and loop are long past"


async def test_a_rewind_in_the_skipped_part_loads_the_whole_session(store):
    extra = {5: [UserUtteranceReverted()]}
    loaded, added = await play(store, "rewound", 40, extra)
    full = await store.retrieve_full_tracker("rewound")
    assert dumped(full.events) == dumped(added)
    assert loaded[39] > loaded[19], "the whole session, as Rasa loads it"


def test_policy_window_keeps_the_state_of_the_whole_tracker():
    events = [ActionExecuted("action_listen")]
    for turn in range(300):
        events += turn_events(turn)
    tracker = DialogueStateTracker.from_events("policy", events, DOMAIN.slots)
    trimmed = window.windowed_tracker(tracker, 4)
    assert sum(isinstance(e, UserUttered) for e in trimmed.events) == 4
    assert len(trimmed.events) < 40
    assert state(trimmed) == state(tracker)
    assert trimmed.past_states(DOMAIN)[-8:] == tracker.past_states(DOMAIN)[-8:]
    # The slots of every prior tracker in the window, not only the last one (the generator
    # yields one tracker, updated: read each state as it comes).
    prior_full = [t.current_slot_values() for t, _ in tracker.generate_all_prior_trackers()]
    prior_trim = [t.current_slot_values() for t, _ in trimmed.generate_all_prior_trackers()]
    assert prior_trim[-8:] == prior_full[-8:]


def test_window_turns_has_a_floor():
    with pytest.raises(ValueError):
        window.window_turns(2)
    assert window.window_turns("12") == 12
