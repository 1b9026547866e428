"""Event classes found by name once (bot/patches/event_types.py)."""

from __future__ import annotations

import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import Event, SlotSet, UserUttered, deserialise_events

from bot import patches
from bot.patches import event_types

ORIGINAL = staticmethod(patches.upstream(Event.resolve_by_type))


@pytest.fixture
def patched(monkeypatch):
    monkeypatch.setattr(Event, "resolve_by_type", ORIGINAL)
    event_types.apply()
    yield
    monkeypatch.setattr(Event, "resolve_by_type", ORIGINAL)


def test_a_long_tracker_walks_the_event_classes_once_per_type(patched, monkeypatch):
    walks = []
    real = rasa.shared.utils.common.all_subclasses

    def walk(cls):
        walks.append(cls)
        return real(cls)

    monkeypatch.setattr(rasa.shared.utils.common, "all_subclasses", walk)
    walk(Event)
    one_walk = len(walks)  # the recursive calls of one walk
    walks.clear()
    dumped = [UserUttered("hi", {"name": "greet"}).as_dict(), SlotSet("role", "betrayed").as_dict()] * 200
    events = deserialise_events(dumped)
    assert len(events) == 400 and isinstance(events[1], SlotSet)
    assert len(walks) <= 2 * one_walk, "one walk per type name, not one per event"


def test_every_type_name_resolves_to_the_class_rasa_finds(patched):
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is ORIGINAL.__func__(cls.type_name)
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
