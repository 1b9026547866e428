"""Did a repair step really happen? Step reports read by meaning and by polarity.

The criteria of each step (what counts, what does not, examples, cues, source) are data in
``data/cards/steps.yml`` beside the step's cards. Two questions are asked of a report:

- *Which step?* Words that name the step's action (its ``cues``: "apologised", "passwords",
  "agreed") and the nearest examples by meaning (MiniLM similarity, computed in NLU by
  ``components/reader.py``), so "I gave her all my passwords without her asking" is transparency,
  not the step the person happens to be on.
- *Did it happen?* A report only counts when its verb is not negated, planned, merely tried,
  refused or turned into a non-apology ("sorry you feel that way", "sorry but you pushed me to
  it"). The word lists are in ``data/words/polarity.yml``; phrases that only look negative
  ("without any excuses", "before she asked") are read as praise first.

This module is a small rule engine on purpose: the statistical part (which step) is the
embedding; what it cannot do is polarity, which the classifier and the embedding both blur
("he apologised" and "he never apologised" are near neighbours).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot import words
from bot.settings import PROJECT_DIR

CRITERIA_FILE = PROJECT_DIR / "data" / "cards" / "steps.yml"
STEPS = ("acknowledge", "apologize", "transparency", "boundaries")

DONE, NOT_DONE, QUESTION = "done", "not_done", "question"
# How far before the report's verb a "not", "going to", "tried to" still belongs to it.
WINDOW = 6


@dataclass(frozen=True)
class Criteria:
    step: str
    source: str
    done_when: dict[str, str]
    counts: tuple[str, ...]
    does_not_count: tuple[str, ...]
    cues: tuple[str, ...]
    done_examples: dict[str, tuple[str, ...]]
    not_done_examples: tuple[str, ...]


@lru_cache(maxsize=4)
def criteria(path: Path = CRITERIA_FILE) -> dict[str, Criteria]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["criteria"]
    found = {}
    for step in STEPS:
        item = raw[step]
        found[step] = Criteria(
            step=step,
            source=item["source"],
            done_when=dict(item["done_when"]),
            counts=tuple(item["counts"]),
            does_not_count=tuple(item["does_not_count"]),
            cues=tuple(c.lower() for c in item["cues"]),
            done_examples={role: tuple(v) for role, v in item["examples"]["done"].items()},
            not_done_examples=tuple(item["examples"]["not_done"]),
        )
    return found


def examples() -> list[tuple[str, str, str]]:
    """(step, role, text) of every 'done' example, for the embedding index."""
    return [(c.step, role, text) for c in criteria().values()
            for role, texts in c.done_examples.items() for text in texts]


def _phrase_re(phrases) -> re.Pattern:
    ordered = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(p) for p in ordered) + r")(?![\w'])")


@lru_cache(maxsize=1)
def _lists() -> dict[str, Any]:  # name -> pattern; "cues" -> step -> pattern
    lists = words.load("polarity")
    # Named report_* in the file: list names are shared across data/words/ with the safety rules.
    compiled: dict[str, Any] = {name: _phrase_re(lists[f"report_{name}"]) for name in
                ("not_yet", "future", "attempt", "refusal", "non_apology", "positive", "hedge", "yes")}
    negations = words.words("negations", "negation") - {"without", "no", "nor", "neither"}
    compiled["negation"] = _phrase_re(negations)
    compiled["cues"] = {step: _phrase_re(c.cues) for step, c in criteria().items()}
    return compiled


def normalise(text: str) -> str:
    text = (text or "").lower()
    for quote in "’‘`´":
        text = text.replace(quote, "'")
    # Quotation marks go ("she said 'sorry you feel that way'"); apostrophes inside words stay.
    text = re.sub(r"[\"“”]|(?<![a-z])'|'(?![a-z])", " ", text)
    return " ".join(text.split())


QUESTION_START = re.compile(
    r"^(?:so |and |but |ok |okay |well )?(?:how|what|when|where|why|which|who|should|shall|can|could|"
    r"would|do|does|did|is|are|am|was|were|will|have|has|any idea|any tips|is it)\b")


def is_question(text: str) -> bool:
    text = normalise(text)
    return text.rstrip().endswith("?") or bool(QUESTION_START.match(text))


def named_steps(text: str) -> list[str]:
    """Steps whose cue words appear, in order of their first appearance."""
    text = normalise(text)
    positions = []
    for step, pattern in _lists()["cues"].items():
        match = pattern.search(text)
        if match:
            positions.append((match.start(), step))
    return [step for _, step in sorted(positions)]


@dataclass(frozen=True)
class Polarity:
    status: str  # done | not_done | question
    why: str | None = None  # not_yet, negated, future, attempt, refusal, non_apology


def polarity(text: str, step: str | None = None) -> Polarity:
    """Whether a report says the step happened; ``step`` anchors it on that step's words."""
    lists = _lists()
    raw = normalise(text)
    if raw.endswith("?") or QUESTION_START.match(raw) and not raw.startswith(("did ", "do ", "does ")):
        return Polarity(QUESTION)
    # Praise that looks negative is read first and set aside.
    clean = lists["positive"].sub(" ok ", raw)
    if step in ("apologize", "acknowledge") or step is None:
        but = re.search(r"\b(?:apologi[sz]ed|said sorry|sorry),? but\b", clean)
        if lists["non_apology"].search(clean) or but:
            return Polarity(NOT_DONE, "non_apology")
    if lists["not_yet"].search(clean):
        return Polarity(NOT_DONE, "not_yet")
    anchors = [m.start() for m in lists["cues"][step].finditer(clean)] if step is not None else []
    for anchor in anchors or [None]:
        # Only the words of the same clause, close to the verb, decide: every mention of the
        # step's action counts ("we talked about rules but didn't agree on anything").
        before = clean if anchor is None else clean[:anchor]
        clause = re.split(r"[,;.!?]| but | and then | though ", before)[-1].split()[-WINDOW:]
        window = " ".join(clause)
        if lists["negation"].search(window) or re.search(r"\bno\b", window):
            return Polarity(NOT_DONE, "negated")
        if lists["future"].search(window):
            return Polarity(NOT_DONE, "future")
        if lists["attempt"].search(window):
            return Polarity(NOT_DONE, "attempt")
    anchor = anchors[0] if anchors else None
    if lists["refusal"].search(clean):
        return Polarity(NOT_DONE, "refusal")
    if anchor is None and (lists["negation"].search(clean) or lists["future"].search(clean)):
        # No step word to anchor on: any negation or plan in the report undoes it.
        return Polarity(NOT_DONE, "negated")
    return Polarity(DONE)


def is_real_yes(text: str) -> bool:
    """A clear yes ("yes", "yep I did", "yeah that one"), not "ok thx", "hmm" or "I guess?"."""
    raw = normalise(text)
    if raw in ("/affirm",):
        return True
    lists = _lists()
    if lists["hedge"].search(raw):
        return False
    if raw.endswith("?"):
        return False
    return bool(lists["yes"].search(raw))


def is_hedge(text: str) -> bool:
    return bool(_lists()["hedge"].search(normalise(text)))
