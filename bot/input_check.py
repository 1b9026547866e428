"""Messages the coach cannot work with as they are: empty, wordless, or far too long."""

from __future__ import annotations

import re

MAX_CHARS = 3000  # a long, emotional message fits; a pasted document does not
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def problem(text: str | None) -> str | None:
    """'empty', 'no_words' (emoji, digits, punctuation only), 'too_long' or 'unknown_command'.

    A text starting with "/" that reaches NLU is a button payload Rasa could not
    match to an intent (valid ones are resolved after NLU, by the regex message
    handler), so it must not be guessed at.
    """
    if text is None or not text.strip():
        return "empty"
    if text.strip().startswith("/"):
        return "unknown_command"
    if len(text) > MAX_CHARS:
        return "too_long"
    if not _LETTER.search(text):
        return "no_words"
    return None
