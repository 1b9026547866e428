"""Builds the project's own spaCy pipeline (no spaCy model is published on PyPI).

Blank English + lookup lemmatizer (from ``spacy-lookups-data``) + an entity ruler
whose patterns come from :mod:`bot.lexicon`. Rasa's ``SpacyNLP`` loads it from
``PIPELINE_DIR`` and lowercases text first (``case_sensitive: false``), which is
why patterns are written against lowercase lemmas.

    python -m bot.nlp            # build into nlp/en_coach (idempotent)
"""

from __future__ import annotations

import argparse
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from bot.lexicon import ENTITY_VOCABULARY

PROJECT_DIR = Path(__file__).resolve().parent.parent
PIPELINE_DIR = PROJECT_DIR / "nlp" / "en_coach"
_STAMP = "lexicon.sha256"


def _base():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def entity_patterns(nlp) -> list[dict]:
    """One token pattern per phrase, matching on lemmas so inflections match too."""
    patterns = []
    for label, vocabulary in ENTITY_VOCABULARY.items():
        for value, phrases in vocabulary.items():
            # Region codes are never patterns of their own: "us" and the "ca" of "can't".
            names = set(phrases) if label == "region" else {value.replace("_", " "), *phrases}
            for phrase in names:
                tokens = [{"LEMMA": t.lemma_} for t in nlp(phrase.lower())]
                patterns.append({"label": label, "pattern": tokens, "id": value})
    return patterns


def build(target: Path = PIPELINE_DIR):
    nlp = _base()
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(entity_patterns(nlp))
    nlp.meta["name"] = "en_coach"
    nlp.meta["description"] = "Trust-repair coach: lookup lemmas + entity ruler"
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    (target / _STAMP).write_text(_lexicon_digest())
    return nlp


def _lexicon_digest() -> str:
    return hashlib.sha256(json.dumps(ENTITY_VOCABULARY, sort_keys=True).encode()).hexdigest()


def is_current(target: Path = PIPELINE_DIR) -> bool:
    stamp = target / _STAMP
    return stamp.exists() and stamp.read_text() == _lexicon_digest()


@lru_cache(maxsize=1)
def load():
    """The pipeline for code outside Rasa (actions, safety check); built if missing."""
    import spacy

    if not is_current():
        build()
    return spacy.load(PIPELINE_DIR)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if current")
    args = parser.parse_args()
    if args.force or not is_current():
        build()
        print(f"spaCy pipeline built in {PIPELINE_DIR.relative_to(PROJECT_DIR)}")
    else:
        print("spaCy pipeline is current")


if __name__ == "__main__":
    main()
