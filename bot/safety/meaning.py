"""The meaning layer: nearest neighbour on the MiniLM sentence embedding.

The patterns miss wordings nobody wrote down ("I've made my peace, the letters are in the
drawer"). This layer compares the message's embedding (the one NLU computes anyway, see
components/minilm_featurizer.py) with a curated bank of danger and not-danger exemplars
(``data/safety/exemplars.yml``). It fires when the nearest danger exemplar is close enough
and closer, by a margin, than the nearest not-danger one; the verdict names that exemplar.
Thresholds live in the same file. The bank was tuned on itself, messages.yml and
heldout.yml only. MiniLM is English-only: other languages rely on the patterns.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import yaml

from bot.safety import DATA_DIR


@dataclass(frozen=True)
class Exemplar:
    id: str
    text: str
    level: str | None  # None: a not-danger exemplar
    subject: str | None = None
    certain: bool = True


@dataclass(frozen=True)
class Bank:
    danger: tuple[Exemplar, ...]
    safe: tuple[Exemplar, ...]
    fire: float
    margin: float


@cache
def bank() -> Bank:
    raw = yaml.safe_load((DATA_DIR / "exemplars.yml").read_text(encoding="utf-8"))
    danger = tuple(
        Exemplar(e["id"], e["text"], e["level"], e.get("subject", "self"), e.get("certain", True))
        for e in raw["danger"]
    )
    safe = tuple(Exemplar(e["id"], e["text"], None) for e in raw["safe"])
    ids = [e.id for e in danger + safe]
    if len(ids) != len(set(ids)):
        raise ValueError("exemplar ids must be unique")
    for e in danger:
        if e.level not in ("crisis", "abuse") or e.subject not in ("self", "other", "child"):
            raise ValueError(f"exemplar {e.id}: bad level or subject")
    thresholds = raw["thresholds"]
    return Bank(danger, safe, float(thresholds["fire"]), float(thresholds["margin"]))


@cache
def _vectors() -> tuple[np.ndarray, np.ndarray]:
    from bot.sentence_encoder import encoder

    b = bank()
    encode = encoder().encode
    return encode([e.text for e in b.danger]), encode([e.text for e in b.safe])


def warm_up() -> None:
    _vectors()


def unit(vector) -> np.ndarray:
    v = np.asarray(vector, dtype=np.float32).reshape(-1)
    return v / max(float(np.linalg.norm(v)), 1e-9)


@dataclass(frozen=True)
class Neighbour:
    exemplar: Exemplar
    similarity: float
    safe_similarity: float
    safe_id: str

    def fires(self, b: Bank) -> bool:
        return self.similarity >= b.fire and self.similarity - self.safe_similarity >= b.margin


def nearest(embedding) -> Neighbour:
    danger, safe = _vectors()
    v = unit(embedding)
    d, s = danger @ v, safe @ v
    i, j = int(np.argmax(d)), int(np.argmax(s))
    b = bank()
    return Neighbour(b.danger[i], float(d[i]), float(s[j]), b.safe[j].id)


def judge(embedding) -> Neighbour | None:
    """The nearest danger exemplar when it fires, else None."""
    found = nearest(embedding)
    return found if found.fires(bank()) else None
