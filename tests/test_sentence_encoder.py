"""The MiniLM encoder saved at setup gives the vectors the traced model gives."""

from __future__ import annotations

import numpy as np
import pytest

from bot.sentence_encoder import DIMENSIONS, SAVED_GRAPH, SentenceEncoder, encoder

TEXTS = ["how do we set boundaries after cheating", "hi", "i lied to my wife about money for years"]


def test_the_saved_graph_exists_and_matches_the_traced_model():
    if not (SAVED_GRAPH / "saved_model.pb").exists():
        pytest.fail(f"no saved encoder at {SAVED_GRAPH}: run `make setup`")
    saved = encoder().encode(TEXTS)
    traced = SentenceEncoder(saved_graph=None).encode(TEXTS)
    assert saved.shape == (3, DIMENSIONS)
    assert np.allclose(saved, traced, atol=1e-5)
    assert np.allclose(np.linalg.norm(saved, axis=1), 1.0, atol=1e-5)


def test_similar_sentences_are_closer_than_unrelated_ones():
    a, b, c = encoder().encode(["my husband cheated on me", "my partner had an affair", "goodbye for now"])
    assert a @ b > a @ c + 0.2


def test_no_text_no_rows():
    assert encoder().encode([]).shape == (0, DIMENSIONS)
