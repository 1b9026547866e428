"""A message as the rules read it: normalised, split into clauses, with cheap token helpers.

Normalising first lets a rule be written once: curly apostrophes, "soooo", "k1ll",
"kms", "dont" and "im" all become the plain forms the word lists use
(``data/safety/slang.yml`` holds the rewrites).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import cache

import yaml

from bot.safety import DATA_DIR

_PUNCT = str.maketrans({
    "’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "“": '"', "”": '"',
    "—": " - ", "–": " - ", "\u00a0": " ",
})
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"[ \t\f\v]+")
_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
# "k1ll", "d!e", "su1c1de": digits and signs typed for letters, inside a word of letters.
_LEET_WORD = re.compile(r"\b(?=[a-z]*[01!3@$*][a-z01!3@$*]*\b)(?=\w*[a-z])[a-z01!3@$*]{3,}")
_LEET = str.maketrans({"1": "i", "!": "i", "0": "o", "3": "e", "@": "a", "$": "s", "*": "i"})


def basic(text: str) -> str:
    """Lower case, no accents ("mí" = "mi"), one kind of apostrophe and space, hyphens as spaces."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).translate(_PUNCT))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _ZERO_WIDTH.sub("", text).lower()
    text = _HYPHEN.sub(" ", text)
    return _SPACES.sub(" ", text)


@cache
def _slang() -> tuple[tuple[re.Pattern, str], ...]:
    raw = yaml.safe_load((DATA_DIR / "slang.yml").read_text(encoding="utf-8"))["slang"]
    out = []
    for entry in raw:
        said = "|".join(re.escape(basic(s)).replace(r"\ ", r"\s+") for s in entry["say"])
        unless, only = entry.get("unless_next"), entry.get("only_next")
        guard = ""
        if unless:
            guard = r"(?!\s+(?:" + "|".join(re.escape(basic(w)) for w in unless) + r")\b)"
        if only:
            guard = r"(?=\s+(?:" + "|".join(re.escape(basic(w)) for w in only) + r")\b)"
        # Never right after a number: "20 kms away".
        pattern = rf"(?<![\d])(?<![\d] )(?<![\w'])(?:{said})(?![\w']){guard}"
        out.append((re.compile(pattern), basic(entry["means"])))
    return tuple(out)


_CURRENCY = re.compile(r"[$£€](?=\d)")


def normalise(text: str) -> str:
    text = _CURRENCY.sub("", basic(text))
    text = _REPEATS.sub(r"\1", text)
    text = _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), text)
    for pattern, means in _slang():
        text = pattern.sub(means, text)
    return _SPACES.sub(" ", text)


# Clauses end at sentence ends, at "but"/"though", and at a comma before a new subject.
_CLAUSE_BREAK = re.compile(
    r"[.!?;:\n\r]+|\(|\)|\s-\s|\b(?:but|though|although|however|except|whereas|anyway|otherwise)\b|"
    r",\s*(?=(?:and |so |then )?(?:i|i'm|he|she|they|we|my|his|her)\b)"
)
_WORD = re.compile(r"[a-z0-9][a-z0-9'/]*|[😂🤣😅😆😜😭]")


def tokens(fragment: str) -> list[str]:
    """Words, with "'s" split off a name ("my son's" -> "my", "son", "'s") and "n't" off a verb."""
    out = []
    for w in _WORD.findall(fragment):
        if w.endswith("'s") and w not in {"he's", "she's", "it's", "that's", "what's", "let's"}:
            out += [w[:-2], "'s"]
        elif w.endswith("n't") and len(w) > 3:
            out += [w[:-3], "n't"]
        else:
            out.append(w)
    return out


# Quoted words: "..." or '...' (an apostrophe between letters stays inside: 'you'll see').
_QUOTE = re.compile(r"\"([^\"\n]{1,400})\"|(?<!\w)'((?:[^'\n]|(?<=\w)'(?=\w)){1,400})'(?!\w)")


class Text:
    """The normalised text, its clause boundaries and its quotations.

    Quotation marks become spaces (so patterns read through them), and the quoted spans
    are kept: in 'he texted me "i won't be here tomorrow"' the "i" is the one who texted.
    """

    WINDOW = 300  # characters of a clause looked at on either side of a hit

    def __init__(self, text: str) -> None:
        self.quotes = [(m.start() + 1, m.end() - 1) for m in _QUOTE.finditer(text)]
        for start, end in self.quotes:
            text = text[:start - 1] + " " + text[start:end] + " " + text[end + 1:]
        self.text = text
        breaks = [0, len(text)]
        for m in _CLAUSE_BREAK.finditer(text):
            breaks += [m.start(), m.end()]
        self.breaks = sorted(breaks)

    def clause(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.breaks, start) - 1
        j = bisect.bisect_left(self.breaks, end)
        return self.breaks[max(i, 0)], max(self.breaks[min(j, len(self.breaks) - 1)], end)

    def before(self, start: int, end: int) -> str:
        lo, _ = self.clause(start, end)
        return self.text[max(lo, start - self.WINDOW):start]

    def after(self, start: int, end: int) -> str:
        _, hi = self.clause(start, end)
        return self.text[end:min(hi, end + self.WINDOW)]

    def context(self, start: int, end: int) -> str:
        """Up to 300 characters before the clause: where a "he" or "she" may be named."""
        lo, _ = self.clause(start, end)
        return self.text[max(0, lo - 300):lo]

    def quote_at(self, start: int) -> int | None:
        """Where the quotation holding this position starts, if it is quoted."""
        return next((lo for lo, hi in self.quotes if lo <= start < hi), None)

    def sentence(self, start: int, end: int) -> str:
        """The sentence around a hit (wider than its clause: "but" does not end it)."""
        lo = max(self.text.rfind(c, 0, start) for c in ".!?\n") + 1
        his = [i for i in (self.text.find(c, end) for c in ".!?\n") if i >= 0]
        return self.text[lo:min(his) if his else len(self.text)]
