"""Typos and chat spelling, corrected before NLU reads a message ("cn we evr trust agen").

SymSpell (``symspellpy``, with the English frequency dictionary it ships) proposes words
within two edits; the project's own vocabulary (every word of the training data, the word
lists, the cards and the replies) counts as known and is never "corrected", so "gaslighting",
"Tinder" or "AA" stay as written. Chat forms that edit distance cannot guess ("u", "shud",
"abt") come from ``data/words/chat.yml``. Only lower-case words are touched: a capitalised
word is usually a name.

The result keeps where each change was made, so entity offsets found in the corrected text
can be mapped back to what the person wrote (the original text is what Rasa stores, and what
the safety check reads).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot import words

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
# Below this count a dictionary word is known (never corrected) but never proposed.
MIN_SUGGESTION_COUNT = 300_000
# The project's own words that the dictionary lacks ("gaslighting", "sexting") are proposed like
# a common word, without outranking the dictionary's words.
PROJECT_WORD_COUNT = 1_000_000


def dictionary_path() -> Path:
    import symspellpy

    return Path(symspellpy.__file__).parent / "frequency_dictionary_en_82_765.txt"


@lru_cache(maxsize=1)
def english_counts() -> dict[str, int]:
    counts = {}
    with dictionary_path().open(encoding="utf-8") as lines:
        for line in lines:
            word, _, count = line.partition(" ")
            counts[word] = int(count)
    return counts


@lru_cache(maxsize=1)
def chat_forms() -> dict[str, str]:
    """``{"shud": "should", "u": "you", ...}`` from data/words/chat.yml."""
    return {form: standard for standard, forms in words.load("chat").items() for form in forms}


def vocabulary_of(texts: Iterable[str]) -> set[str]:
    return {w.lower() for text in texts for w in WORD.findall(text or "")}


@dataclass(frozen=True)
class Edit:
    start: int  # in the original text
    end: int
    new_start: int  # in the corrected text
    new_end: int


@dataclass
class Correction:
    original: str
    text: str
    edits: list[Edit] = field(default_factory=list)

    def to_original(self, position: int) -> int:
        """A character offset in the corrected text as an offset in the original."""
        shift = 0
        for edit in self.edits:
            if position < edit.new_start:
                break
            if position <= edit.new_end:
                # Inside (or at the end of) a changed word: its start or end in the original.
                return edit.start if position < edit.new_end else edit.end
            shift = edit.end - edit.new_end
        return position + shift


def _subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(ch in letters for ch in short)


def _undoubled(typed: str, word: str) -> bool:
    """Whether ``word`` is ``typed`` with one run of a repeated letter shortened."""
    return len(word) < len(typed) and re.sub(r"(.)\1+", r"\1", typed) == re.sub(r"(.)\1+", r"\1", word)


class Speller:
    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        from symspellpy import SymSpell

        self.vocabulary = frozenset(w.lower() for w in vocabulary)
        counts = english_counts()
        self.known = frozenset(counts) | self.vocabulary
        self.chat = chat_forms()
        self._symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in counts.items():
            if count >= MIN_SUGGESTION_COUNT:
                self._symspell.create_dictionary_entry(word, count)
        for word in self.vocabulary:
            if "'" not in word and word not in counts:
                self._symspell.create_dictionary_entry(word, PROJECT_WORD_COUNT)

    def suggest(self, word: str) -> str | None:
        """The likeliest intended word for an unknown lower-case word, or None."""
        from symspellpy import Verbosity

        limit = 1 if len(word) <= 4 else 2
        found = self._symspell.lookup(word, Verbosity.ALL, max_edit_distance=limit)
        if not found:
            return None

        def rank(item) -> tuple:
            # Chat drops letters ("realy", "lyin", "agen") and doubles them ("normall", "sooo"):
            # a word holding every typed letter in order, or the typed word with a doubled letter
            # made single, is the likelier reading; then the more frequent word.
            cost = float(item.distance)
            if _undoubled(word, item.term):
                cost -= 0.75
            elif len(word) >= 4 and _subsequence(word, item.term):
                cost -= 0.5
            return (cost, -math.log(item.count))

        best = min(found, key=rank)
        return best.term

    def word(self, token: str, chat_only: bool = False) -> str | None:
        """The replacement for one token, or None to keep it."""
        lower = token.lower()
        if lower in self.chat and (token.islower() or token[1:].islower() or len(token) == 1):
            return self.chat[lower]
        if chat_only or not token.islower() or len(token) < 3 or "'" in token or lower in self.known:
            return None
        if re.search(r"(.)\1\1", lower):  # "sooo", "pleeease": one or two of each
            for squeezed in (re.sub(r"(.)\1+", r"\1", lower), re.sub(r"(.)\1+", r"\1\1", lower)):
                if squeezed in self.known:
                    return squeezed
            lower = re.sub(r"(.)\1+", r"\1\1", lower)
        return self.suggest(lower)

    def correct(self, text: str, chat_only: bool = False) -> Correction:
        """``chat_only``: only chat forms ("thx", "u"), no dictionary guesses."""
        pieces: list[str] = []
        edits: list[Edit] = []
        last = 0
        length = 0  # of the corrected text so far
        for match in WORD.finditer(text):
            replacement = self.word(match.group(), chat_only)
            if replacement is None or replacement == match.group().lower():
                continue
            if match.group()[0].isupper():
                replacement = replacement[0].upper() + replacement[1:]
            kept = text[last:match.start()]
            pieces += [kept, replacement]
            new_start = length + len(kept)
            edits.append(Edit(match.start(), match.end(), new_start, new_start + len(replacement)))
            length = new_start + len(replacement)
            last = match.end()
        if not edits:
            return Correction(text, text)
        pieces.append(text[last:])
        return Correction(text, "".join(pieces), edits)

    def english_share(self, text: str) -> float:
        """Share of the words that are English (or the project's, or chat forms)."""
        tokens = [w.lower() for w in WORD.findall(text)]
        if not tokens:
            return 0.0
        return sum(t in self.known or t in self.chat for t in tokens) / len(tokens)
