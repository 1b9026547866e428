"""Find an event's class by its type name once, not once per event.

Upstream: ``Event.resolve_by_type`` (which ``Event.from_parameters`` calls for every
event deserialised: each one the tracker store loads, each one the action server
returns) walks ``all_subclasses(Event)`` recursively and checks every subclass for
being abstract, every time. Profiled under the bench it was 4-6% of the Rasa server's
CPU. Here the class found for a name is remembered; a name not found yet goes to
Rasa's own lookup, so an unknown name still raises (or gives the default) as before.
"""

from __future__ import annotations

from bot.patches import is_patched, patched, require


def apply() -> None:
    require("rasa")
    from rasa.shared.core.events import Event

    if is_patched(Event.resolve_by_type):
        return
    look_up = Event.resolve_by_type
    known: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        found = known.get(type_name)
        if found is None:
            found = look_up(type_name, default)
            if found is not None and getattr(found, "type_name", None) == type_name:
                known[type_name] = found
        return found

    Event.resolve_by_type = staticmethod(patched(resolve_by_type, look_up))  # type: ignore[method-assign]
