"""What a channel tells session start about the message that opens a session.

Rasa runs ``action_session_start`` before it parses the message that started the
session, so the coach's introduction would be sent ahead of the answer to that
message. When the message discloses danger, the resources have to come first: the
channel asks the safety check (``bot.safety``) and flags the message in its metadata,
which Rasa hands to session start in the ``session_started_metadata`` slot. Session
start then holds the introduction back, and the safety response sends it after the
resources.

NLU's own verdict is the one the actions use; this one is the same verdict, not a second
opinion: the pattern layer caches its result by text, and the sentence embedding worked
out here is the one the MiniLM featurizer then finds in the encoder's cache, so the
message is checked and embedded once per turn.
"""

from __future__ import annotations

from typing import Any

DANGER_FIRST = "opens_with_danger"


def metadata_for(text: Any, metadata: Any = None) -> dict[str, Any]:
    """The message's metadata with the danger flag set by us, never by the client."""
    kept = {k: v for k, v in metadata.items() if k != DANGER_FIRST} if isinstance(metadata, dict) else {}
    if isinstance(text, str) and text.strip() and _danger(text.strip()):
        kept[DANGER_FIRST] = True
    return kept


def _danger(text: str) -> bool:
    from bot import safety

    found, read = safety.read_by_patterns(text)
    if found is not None or read:
        return found is not None
    from bot.sentence_encoder import encoder

    return safety.assess(text, encoder().encode([text])[0]) is not None


def opened_with_danger(session_metadata: Any) -> bool:
    return isinstance(session_metadata, dict) and session_metadata.get(DANGER_FIRST) is True
