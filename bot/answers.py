"""Direct answers to yes/no and "is it normal" questions: the ways of asking each from
``data/answers/*.yml``, its sentence from the reply catalogue (``data/replies.yml``, ``answers:``).

NLU (``components/reader.py``) finds the nearest questions by meaning (MiniLM cosine) and
passes the candidates on; :func:`choose` picks the one for the person's side. The answer is
sent first, with an ``answer`` payload naming its card and source, then that card.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot import texts
from bot.settings import PROJECT_DIR

ANSWERS_DIR = PROJECT_DIR / "data" / "answers"
ROLES = ("betrayed", "offender", "any")
# Below this cosine a question is not taken to be the bank's question.
MIN_SCORE = 0.62


@dataclass(frozen=True)
class Answer:
    id: str
    role: str
    questions: tuple[str, ...]
    text: str
    card_id: str
    source: str

    def payload(self) -> dict:
        return {"type": "answer", "answer_id": self.id, "card_id": self.card_id, "source": self.source}


@lru_cache(maxsize=4)
def bank(folder: Path = ANSWERS_DIR) -> dict[str, Answer]:
    found: dict[str, Answer] = {}
    sentences = texts.answers()
    for path in sorted(folder.glob("*.yml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]:
            if raw["id"] not in sentences:
                raise ValueError(f"{path.name}: {raw['id']}: no sentence under answers: in data/replies.yml")
            answer = Answer(
                id=raw["id"], role=raw["role"], questions=tuple(raw["questions"]),
                text=" ".join(sentences[raw["id"]].split()), card_id=raw["card_id"], source=raw["source"],
            )
            if answer.id in found:
                raise ValueError(f"{path.name}: duplicate answer id {answer.id!r}")
            if answer.role not in ROLES:
                raise ValueError(f"{path.name}: {answer.id}: role must be one of {ROLES}")
            if not answer.questions:
                raise ValueError(f"{path.name}: {answer.id}: needs at least one question")
            found[answer.id] = answer
    return found


def questions() -> list[tuple[str, str]]:
    """(answer id, question) for every way of asking, for the embedding index."""
    return [(a.id, q) for a in bank().values() for q in a.questions]


def choose(candidates: list[dict], role: str | None) -> Answer | None:
    """The best candidate ``{"id", "score"}`` whose side fits ``role`` (any side when unknown).

    NLU passes only candidates it found close enough (``components/reader.py``).
    """
    answers = bank()
    for candidate in sorted(candidates or [], key=lambda c: -float(c.get("score", 0))):
        answer = answers.get(str(candidate.get("id")))
        if answer is None:
            continue
        if role is None or answer.role in ("any", role):
            return answer
    return None
