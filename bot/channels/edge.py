"""Input limits at the edge: one rule for every channel (REST, socket.io, Telegram).

- A malformed request (a body that is not a JSON object, a bad ``sender``, a ``message``
  that is not a string) is refused with 400 and a short ``{"error": ...}``.
- Text the coach cannot use (empty, no words, lone surrogates, over
  ``input_check.MAX_CHARS``) gets the coach's short reply from the channel itself: it
  never reaches Rasa, so nothing is stored. When such text discloses danger (a long
  message can), the safety resources come first, as they would from the assistant.

Rasa's SQL tracker store turns an encoding error into ``SystemExit`` (see
``bot/patches/sql_session_scope.py``), which is why a sender id that is not valid
Unicode must never get past this module.
"""

from __future__ import annotations

import asyncio
import json
import unicodedata
from typing import Any

from bot import input_check
from bot.replies import Turn

MAX_MESSAGE_ID_CHARS = 100
MAX_SENDER_CHARS = 250  # Rasa's events.sender_id is VARCHAR(255); the prefix takes the rest
EDGE_PROBLEMS = frozenset({"empty", "no_words", "unreadable", "too_long"})


class Rejected(ValueError):
    """A malformed request; ``status`` and ``error`` are what the client is told."""

    def __init__(self, error: str, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


def is_json(content_type: str | None) -> bool:
    """Only ``application/json`` (with any parameters): never a "simple" cross-site form post."""
    return (content_type or "").split(";")[0].strip().lower() == "application/json"


def json_object(body: bytes | None) -> dict[str, Any]:
    """The body as a JSON object (strict UTF-8), or Rejected."""
    try:
        value = json.loads((body or b"").decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Rejected("the body is not JSON") from None
    if not isinstance(value, dict):
        raise Rejected("the body is not a JSON object")
    return value


def valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates, sent as JSON escapes
        return False
    return True


def _printable(value: str) -> bool:
    """Valid Unicode without control characters (a name or an id, never message text)."""
    return valid_unicode(value) and not any(unicodedata.category(char) == "Cc" for char in value)


def sender(value: Any) -> str:
    """A client-chosen conversation name: a non-empty, printable string of at most 250 characters."""
    if value is None:
        raise Rejected("sender is missing")
    if not isinstance(value, str):
        raise Rejected("sender must be a string")
    if not value.strip():
        raise Rejected("sender is empty")
    if len(value) > MAX_SENDER_CHARS:
        raise Rejected(f"sender is longer than {MAX_SENDER_CHARS} characters")
    if not _printable(value):
        raise Rejected("sender is not valid text")
    return value


def message_id(value: Any) -> str | None:
    """The client's optional id of a message (a retry repeats it): printable, at most 100 characters."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise Rejected("message_id must be a non-empty string")
    if len(value) > MAX_MESSAGE_ID_CHARS:
        raise Rejected(f"message_id is longer than {MAX_MESSAGE_ID_CHARS} characters")
    if not _printable(value):
        raise Rejected("message_id is not valid text")
    return value


def storage_failure(error: BaseException) -> bool:
    """A store that could not be reached: the database (tracker, progress) or the lock store.

    The message was not stored, so the person is told so (``not_saved``) instead of an error.
    """
    import sqlalchemy.exc

    names = {cls.__module__.split(".")[0] + "." + cls.__name__ for cls in type(error).__mro__}
    if isinstance(error, (sqlalchemy.exc.SQLAlchemyError, ConnectionError, TimeoutError)):
        return True
    # Rasa's LockError (its lock store) and redis-py's errors, named so that neither is imported here.
    return bool(names & {"rasa.LockError", "redis.RedisError"})


def not_saved_reply() -> list[dict[str, Any]]:
    return [{"text": item.text} for item in Turn().say("not_saved").messages]


def message(value: Any) -> str:
    if value is None:
        raise Rejected("message is missing")
    if not isinstance(value, str):
        raise Rejected("message must be a string")
    return value


def unusable(text: str) -> str | None:
    """The problem with text the coach cannot use, or None when it goes to the assistant."""
    problem = input_check.problem(text)
    return problem if problem in EDGE_PROBLEMS else None


async def short_reply(problem: str, text: str) -> list[dict[str, Any]]:
    """What the channel answers by itself, as messages for ``OutputChannel.send_response``."""
    turn = Turn()
    if problem == "too_long":
        # The check takes ~0.1 s per 1,000 characters: in a thread, so that other
        # conversations go on meanwhile.
        turn.extend(await asyncio.to_thread(_danger_first, text))
    turn.say(f"input_{problem}")
    replies: list[dict[str, Any]] = []
    for item in turn.messages:
        reply: dict[str, Any] = {"text": item.text}
        if item.buttons:
            reply["buttons"] = item.buttons
        if item.custom:
            reply["custom"] = item.custom
        replies.append(reply)
    return replies


def _danger_first(text: str) -> Turn:
    # Imported here: the safety modules are large, and most callers never need them.
    from bot import safety, safety_response

    head, tail = text[: input_check.MAX_CHARS], text[-input_check.MAX_CHARS :]
    found = safety.assess(head) or safety.assess(tail)
    if found is None:
        return Turn()
    return safety_response.danger(found.level, found.subject, None, certain=found.certain, lang=found.lang)
