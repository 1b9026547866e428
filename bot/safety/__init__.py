"""The safety check: does a message disclose danger, and whose?

``assess(text, embedding=None)`` returns a :class:`Verdict` or None:

* ``level`` "crisis" (suicide or self-harm) or "abuse" (violence, threats, fear of a partner,
  control of money, phone or movement, sexual coercion, stalking, a child at risk);
* ``subject`` "self" (the writer), "other" (another adult) or "child";
* ``certain`` False when the message hedges ("I think he might hurt me"): it still fires;
* ``reason`` the id of the rule or exemplar that decided, never text from the message.

Two layers, the first that fires wins:

1. patterns: the rules of ``data/safety/rules.yml`` (word lists in ``data/words/``), read by
   the engine in this package (normalising, clauses, negation, figures of speech, who);
2. meaning: nearest neighbour on the sentence embedding, when the caller has one
   (``bot/safety/meaning.py``; NLU passes the one it computed).

Failure mode: under pytest (or with SAFETY_STRICT=1) an error in a rule is raised, so a
broken rule fails its test. In production one guard per layer logs the rule id and the
error class, never the text, and the other layer's verdict stands.
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "safety"

from bot.safety import rules  # noqa: E402 - the modules below read DATA_DIR
from bot.safety.text import Text, normalise  # noqa: E402

__all__ = ["Verdict", "assess", "patterns_only", "read_by_patterns", "warm_up"]
logger = logging.getLogger(__name__)

_RANK = {("crisis", "self"): 0, ("crisis", "child"): 1, ("crisis", "other"): 2,
         ("abuse", "child"): 3, ("abuse", "self"): 4, ("abuse", "other"): 5}
_MAX_CHARS = 20_000  # longer text is read in overlapping pieces


@dataclass(frozen=True)
class Verdict:
    level: str
    subject: str
    certain: bool
    reason: str  # a rule or exemplar id
    # Often said loosely ("she'll kill me"): "just kidding" lifts the hold without a check.
    loose: bool = False
    lang: str = "en"

    def payload(self) -> dict:
        return asdict(self)


def _strict() -> bool:
    return bool(os.environ.get("PYTEST_CURRENT_TEST") or os.environ.get("SAFETY_STRICT"))


def _scan(t: Text) -> tuple[list[rules.Hit], bool]:
    hits: list[rules.Hit] = []
    read = False
    current = "(loading)"
    try:
        for rule in rules.load():
            current = rule.id
            found, matched = rules.apply(rule, t)
            hits += found
            read = read or matched
    except Exception as error:
        if _strict():
            raise
        logger.error("safety rule %s failed with %s; the other layer decides", current, type(error).__name__)
        read = False  # the meaning layer must get its say
    return hits, read


def _best(hits: list[rules.Hit]) -> Verdict | None:
    if not hits:
        return None
    top = min(_RANK[(h.level, h.subject)] for h in hits)
    best = [h for h in hits if _RANK[(h.level, h.subject)] == top]
    chosen = next((h for h in best if h.certain and not h.rule.figure_of_speech), None) or best[0]
    return Verdict(chosen.level, chosen.subject, any(h.certain for h in best), chosen.rule.id,
                   loose=all(h.rule.figure_of_speech for h in hits), lang=chosen.rule.lang)


_CACHE: OrderedDict[str, tuple[Verdict | None, bool]] = OrderedDict()


def read_by_patterns(text: str) -> tuple[Verdict | None, bool]:
    """The pattern layer's verdict, and whether some rule's words were found and ruled out
    (then the meaning layer stays silent: "I'm not suicidal" reads close to "I'm suicidal").
    Cached: the channel and NLU ask about the same message."""
    key = text.strip()
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    norm = normalise(key)
    hits: list[rules.Hit] = []
    read = False
    for offset in range(0, max(len(norm), 1), _MAX_CHARS):
        found, matched = _scan(Text(norm[max(0, offset - 300):offset + _MAX_CHARS]))
        hits += found
        read = read or matched
    result = (_best(hits), read)
    _CACHE[key] = result
    if len(_CACHE) > 256:
        _CACHE.popitem(last=False)
    return result


def patterns_only(text: str) -> Verdict | None:
    return read_by_patterns(text)[0]


def _by_meaning(embedding) -> Verdict | None:
    from bot.safety import meaning

    try:
        found = meaning.judge(embedding)
    except Exception as error:
        if _strict():
            raise
        logger.error("safety meaning layer failed with %s; the patterns decide", type(error).__name__)
        return None
    e = found.exemplar if found is not None else None
    if e is None or e.level is None:
        return None
    # Every danger exemplar in the bank names its subject; "self" only guards a future omission.
    return Verdict(e.level, e.subject or "self", e.certain, e.id, loose=True)


def assess(text: str, embedding=None) -> Verdict | None:
    """Check one message; ``embedding`` is its MiniLM sentence vector when the caller has it."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if not text.strip():
        return None
    found, read = read_by_patterns(text)
    if found is not None or read or embedding is None:
        return found
    return _by_meaning(embedding)


def warm_up() -> None:
    """Load the rules and encode the exemplar bank (a second or two)."""
    rules.load()
    patterns_only("warm up")
    from bot.safety import meaning

    meaning.warm_up()
