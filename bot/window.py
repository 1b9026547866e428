"""The recent part of a conversation: what a turn needs, whatever the conversation's length.

Rasa 3.6 pays for the whole session on every turn: the tracker store loads and replays
it, the rule policy builds a state for every action in it (twice), and the
whole tracker goes to the action server with every custom action (RasaHQ/rasa#3011,
RasaHQ/rasa#6334). A turn needs far less: the slots (current values travel apart from
the events), the last few turns for the rules, the latest message.

The window is "since the action before the N-th latest user message". N is
``COACH_WINDOW_TURNS`` (default 10, at least 3): generous, so that actions which look
back at recent events (``actions/safety.py`` counts fallbacks in a row) keep what they
read. Rules span at most two user turns (RulePolicy's own limit), so three or more
turns give the policies every state a rule can match.

Three places use it: the tracker store loads a window (``bot/tracker_store.py``), the
policies featurise one (``components/windowed_policies.py``), and the action server is
sent one (``bot/patches/action_window.py``).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence

from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    ConversationPaused,
    ConversationResumed,
    Event,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_TURNS = 10
MIN_TURNS = 3  # RulePolicy's rules hold at most 2 user turns (ALLOWED_NUMBER_OF_USER_INPUTS)

# Events whose effect on the state cannot be summed up by the latest value of a slot:
# a window that holds one of these is not cut (the whole tracker is used instead).
_UNCUTTABLE = (
    ActionReverted, UserUtteranceReverted, ActiveLoop, LoopInterrupted, ActionExecutionRejected,
    ConversationPaused, ConversationResumed,
)
# Events after which nothing earlier counts for the slots.
_SLOT_RESETS = (SessionStarted, Restarted, AllSlotsReset)


def window_turns(value: int | str | None = None) -> int:
    """N, from ``value`` or ``COACH_WINDOW_TURNS``; at least ``MIN_TURNS``."""
    raw = value if value is not None else os.environ.get("COACH_WINDOW_TURNS") or DEFAULT_TURNS
    turns = int(raw)
    if turns < MIN_TURNS:
        raise ValueError(f"the conversation window must hold at least {MIN_TURNS} user turns, not {turns}")
    return turns


def window_start(events: Sequence[Event], turns: int) -> int:
    """Index of the first event of the window; 0 when the events hold fewer turns.

    Walks back from the end and stops at the N-th latest user message, so the cost is
    the window's, not the conversation's.
    """
    total = len(events)
    seen = 0
    for back, event in enumerate(reversed(events)):
        if isinstance(event, UserUttered):
            seen += 1
            if seen == turns:
                index = total - 1 - back
                # The action_listen before the message belongs to its turn (prev_action).
                if index > 0 and isinstance(events[index - 1], ActionExecuted):
                    return index - 1
                return index
    return 0


def recent_events(events: Sequence[Event], turns: int) -> list[Event]:
    """The events of the last ``turns`` user turns (all events when there are fewer)."""
    return list(itertools.islice(events, window_start(events, turns), None))


def windowed_tracker(tracker: DialogueStateTracker, turns: int) -> DialogueStateTracker:
    """A tracker of the last ``turns`` user turns whose state equals ``tracker``'s.

    The window's events are replayed after one ``SlotSet`` per slot that held a value
    when the window began, so every prior tracker (and so every state a policy builds)
    sees the slots it would have seen in the whole tracker. A slot the window never
    touches held its current value; only a slot the window sets or resets needs a
    look further back, and only as far as its latest ``SlotSet``.

    ``tracker`` itself is returned when it is already short, or when the window holds an
    event that a slot value cannot summarise (a rewind, a loop, a pause).
    """
    events = tracker.events
    start = window_start(events, turns)
    if start == 0:
        return tracker
    window = list(itertools.islice(events, start, None))
    if tracker.active_loop or any(isinstance(event, _UNCUTTABLE) for event in window):
        return tracker
    if any(isinstance(e, (SessionStarted, Restarted)) for e in window):
        # Everything before a session start or restart is reset anyway.
        return DialogueStateTracker.from_events(
            tracker.sender_id, window, tracker.slots.values(), sender_source=tracker.sender_source
        )
    touched = {e.key for e in window if isinstance(e, SlotSet)}
    reset_in_window = any(isinstance(e, _SLOT_RESETS) for e in window)
    at_start = {
        name: slot.value
        for name, slot in tracker.slots.items()
        if name not in touched and not reset_in_window
    }
    missing = [name for name in tracker.slots if name not in at_start]
    if missing:
        before = _values_before(events, start, missing, tracker)
        if before is None:
            return tracker
        at_start.update(before)
    prefix: list[Event] = [
        SlotSet(name, value, timestamp=window[0].timestamp)
        for name, value in at_start.items()
        if value != tracker.slots[name].initial_value
    ]
    return DialogueStateTracker.from_events(
        tracker.sender_id, prefix + window, tracker.slots.values(), sender_source=tracker.sender_source
    )


def _values_before(
    events: Sequence[Event], start: int, names: list[str], tracker: DialogueStateTracker
) -> dict[str, object] | None:
    """Each named slot's value just before ``events[start]``: its latest SlotSet since the last reset.

    None if a rewind comes first: the SlotSets before it may have been reverted.
    """
    wanted = set(names)
    found: dict[str, object] = {}
    for event in itertools.islice(reversed(events), len(events) - start, None):
        if not wanted:
            break
        if isinstance(event, SlotSet) and event.key in wanted:
            found[event.key] = event.value
            wanted.discard(event.key)
        elif isinstance(event, _SLOT_RESETS):
            break
        elif isinstance(event, (ActionReverted, UserUtteranceReverted)):
            return None
    for name in wanted:
        found[name] = tracker.slots[name].initial_value
    return found
