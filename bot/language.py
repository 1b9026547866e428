"""Is a message in another language? The coach only speaks English and says so.

``py3langid`` (langid.py's model, shipped inside the package, nothing fetched) names the
likeliest language. It is only asked about text long enough to judge: a word or two ("ok",
"si", "merci", a name, "lol") is never called foreign, and neither is text whose words are
mostly English or chat spelling (English chat is where a language model errs most). A script
other than Latin ("Мой муж мне изменил") needs no model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Languages a person writing to an English coach is likely to use; the others only add noise
# on short English text.
CANDIDATES = (
    "en", "es", "fr", "de", "pt", "it", "nl", "pl", "ro", "sv", "da", "no", "fi", "cs", "sk", "hu",
    "tr", "ru", "uk", "el", "hr", "id", "vi", "tl", "sw", "af", "ca", "lt", "lv", "sl", "et",
    "ar", "he", "fa", "hi", "bn", "ur", "zh", "ja", "ko", "th",
)
MIN_WORDS = 3
MIN_LETTERS = 12
# How sure the model must be that the text is not English (the other languages' share).
MIN_CONFIDENCE = 0.95
# With at least this share of English (or chat) words, a message is English whatever the model says.
ENGLISH_SHARE = 0.6
LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Detected:
    code: str
    confidence: float


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATES))
    return identifier


def _latin_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 1.0
    latin = sum("LATIN" in unicodedata.name(ch, "") for ch in letters)
    return latin / len(letters)


def detect(text: str, english_share: float | None = None) -> Detected | None:
    """The other language a message is written in, or None for English or too little to tell.

    ``english_share``: the share of its words known as English (see ``bot.spelling``).
    """
    if not isinstance(text, str) or text.lstrip().startswith("/"):
        return None
    tokens = LETTERS.findall(text)
    letters = sum(len(t) for t in tokens)
    if _latin_share(text) < 0.5:
        # Another script: a few characters say enough (Chinese and Japanese use no spaces).
        if letters < 4:
            return None
        code, confidence = _identifier().classify(text)
        return Detected(code if code != "en" else "und", 1.0)
    if len(tokens) < MIN_WORDS or letters < MIN_LETTERS:
        return None
    if english_share is not None and english_share >= ENGLISH_SHARE:
        return None
    ranking = dict(_identifier().rank(text))
    not_english = 1.0 - float(ranking.get("en", 0.0))
    if not_english < MIN_CONFIDENCE:
        return None
    code = max((c for c in ranking if c != "en"), key=ranking.__getitem__)
    return Detected(code, not_english)
