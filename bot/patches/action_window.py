"""Send the action server the last turns of the conversation, not all of it.

Upstream: ``RemoteAction._action_call_format`` serialises the tracker with
``EventVerbosity.ALL`` for every custom action, so the request (and the action
server's parsing of it) grows with the conversation (RasaHQ/rasa#6334, #3011; Rasa has
no setting for it). The slots, the latest message, the active loop and the latest
action travel in the state apart from the events, so the actions lose nothing they
read from those; the events are cut to ``bot.window``'s window (the last
``COACH_WINDOW_TURNS`` user turns, 10 by default), which is what actions that look back
(``actions/safety.py`` counts fallbacks in a row) need. Everything else in the request
is what Rasa 3.6.21 sends.
"""

from __future__ import annotations

from typing import Any

from bot import window
from bot.patches import is_patched, patched, require


def apply(turns: int | None = None) -> None:
    require("rasa")
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    if is_patched(RemoteAction._action_call_format):
        return
    upstream = RemoteAction._action_call_format
    size = window.window_turns(turns)

    def _action_call_format(
        self: RemoteAction, tracker: DialogueStateTracker, domain: Domain
    ) -> dict[str, Any]:
        state = tracker.current_state(EventVerbosity.NONE)
        state["events"] = [event.as_dict() for event in window.recent_events(tracker.events, size)]
        result = {
            "next_action": self._name,
            "sender_id": tracker.sender_id,
            "tracker": state,
            "version": rasa.__version__,
        }
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(
            self.name()
        ):
            result["domain"] = domain.as_dict()
        return result

    RemoteAction._action_call_format = patched(_action_call_format, upstream)  # type: ignore[method-assign]
