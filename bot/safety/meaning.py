"""The meaning layer: nearest neighbour on the MiniLM sentence embedding.

The patterns miss wordings nobody wrote down ("I've made my peace, the letters are in the
drawer"). This layer compares the message's embedding (the one NLU computes anyway, see
components/minilm_featurizer.py) with a curated bank of danger and not-danger exemplars
(``data/safety/exemplars.yml``). It fires when the nearest danger exemplar is close enough
and closer, by a margin, than the nearest not-danger one; the verdict names that exemplar.
Thresholds live in the same file. The bank was tuned on itself, messages.yml and
heldout.yml only. MiniLM is English-only: other languages rely on the patterns.

The coach's own NLU examples of every other intent ("goodbye", "thanks for listening",
"should I give her my passwords") join the not-danger side, so an everyday message always
has an everyday neighbour. Encoding them takes seconds, so the bank's vectors are kept in
``var/cache/`` under a hash of every text in it, and worked out again when one changes.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from bot.safety import DATA_DIR

NLU_DIR = DATA_DIR.parent / "nlu"
CACHE_DIR = DATA_DIR.parent.parent / "var" / "cache"
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")


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
    excluded = set((raw.get("not_danger_from_nlu") or {}).get("except_intents") or [])
    if raw.get("not_danger_from_nlu"):
        safe += tuple(Exemplar(f"nlu_{intent}_{i}", text, None) for i, (intent, text) in
                      enumerate(_nlu_examples(NLU_DIR)) if intent not in excluded)
    ids = [e.id for e in danger + safe]
    if len(ids) != len(set(ids)):
        raise ValueError("exemplar ids must be unique")
    for e in danger:
        if e.level not in ("crisis", "abuse") or e.subject not in ("self", "other", "child"):
            raise ValueError(f"exemplar {e.id}: bad level or subject")
    thresholds = raw["thresholds"]
    return Bank(danger, safe, float(thresholds["fire"]), float(thresholds["margin"]))


def _nlu_examples(folder: Path) -> list[tuple[str, str]]:
    """(intent, text) of every NLU example, entity annotations taken out."""
    out = []
    for path in sorted(folder.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" in block and isinstance(block.get("examples"), str):
                for line in block["examples"].splitlines():
                    text = _ANNOTATION.sub(r"\1", line.strip().removeprefix("- ").strip())
                    if text:
                        out.append((block["intent"], text))
    return out


@cache
def _vectors() -> tuple[np.ndarray, np.ndarray]:
    b = bank()
    danger, safe = [e.text for e in b.danger], [e.text for e in b.safe]
    key = hashlib.sha256("\x00".join(["minilm-v1", *danger, "\x01", *safe]).encode()).hexdigest()[:20]
    path = CACHE_DIR / f"safety-bank-{key}.npz"
    try:
        with np.load(path) as stored:
            return stored["danger"], stored["safe"]
    except (OSError, KeyError, ValueError):
        pass
    from bot.sentence_encoder import encoder

    vectors = encoder().encode(danger), encoder().encode(safe)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez(partial, danger=vectors[0], safe=vectors[1])
    os.replace(partial, path)  # atomic: another process never reads half a file
    return vectors


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
