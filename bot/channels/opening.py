"""What a channel tells session start about the message that opens a session.

Rasa runs ``action_session_start`` before it parses the message that started the
session, so the coach's introduction would be sent ahead of the answer to that
message. When the message discloses danger, the resources have to come first: the
channel runs the deterministic safety check (``bot.safety``, cached, so NLU's own run
costs nothing more) and flags the message in its metadata, which Rasa hands to session
start in the ``session_started_metadata`` slot. Session start then holds the
introduction back, and the safety response sends it after the resources.
"""

from __future__ import annotations

from typing import Any

from bot import safety

DANGER_FIRST = "opens_with_danger"


def metadata_for(text: Any, metadata: Any = None) -> dict[str, Any]:
    """The message's metadata with the danger flag set by us, never by the client."""
    kept = {k: v for k, v in metadata.items() if k != DANGER_FIRST} if isinstance(metadata, dict) else {}
    if isinstance(text, str) and text.strip() and safety.assess(text) is not None:
        kept[DANGER_FIRST] = True
    return kept


def opened_with_danger(session_metadata: Any) -> bool:
    return isinstance(session_metadata, dict) and session_metadata.get(DANGER_FIRST) is True
