"""Messages the coach cannot work with as they are: empty, wordless, unreadable or far too long.

The channels answer empty, wordless, unreadable and too long text themselves
(``bot/channels/edge.py``); NLU's InputGuard applies the same rule to anything that
reaches it another way (``rasa shell``, ``rasa test``).
"""

from __future__ import annotations

import re

# Above Telegram's 4,096 and above the long, hedged stories people tell; a pasted
# document is not a message.
MAX_CHARS = 5000
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_SURROGATE = re.compile("[\ud800-\udfff]")


def problem(text: str | None) -> str | None:
    """'empty', 'unreadable', 'too_long', 'unknown_command' or 'no_words' (emoji, digits only).

    'unreadable' is text with lone surrogates (it cannot be stored as UTF-8). A text
    starting with "/" that reaches NLU is a button payload Rasa could not match to an
    intent (valid ones are resolved after NLU, by the regex message handler), so it
    must not be guessed at.
    """
    if text is None or not text.strip():
        return "empty"
    if _SURROGATE.search(text):
        return "unreadable"
    if len(text) > MAX_CHARS:
        return "too_long"
    if text.strip().startswith("/"):
        return "unknown_command"
    if not _LETTER.search(text):
        return "no_words"
    return None
