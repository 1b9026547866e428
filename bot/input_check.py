"""Messages the coach cannot work with as they are: empty, wordless, or far too long."""

from __future__ import annotations

import re

MAX_CHARS = 3000  # a long, emotional message fits; a pasted document does not
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def problem(text: str | None) -> str | None:
    """'empty', 'no_words' (emoji, digits, punctuation only) or 'too_long'; None if fine."""
    if text is None or not text.strip():
        return "empty"
    if len(text) > MAX_CHARS:
        return "too_long"
    if not _LETTER.search(text):
        return "no_words"
    return None
