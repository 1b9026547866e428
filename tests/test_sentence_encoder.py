"""The MiniLM sentence encoder: unit-length vectors that put like sentences together."""

from __future__ import annotations

import numpy as np

from bot.sentence_encoder import DIMENSIONS, encoder


def test_vectors_are_unit_length_and_like_sentences_are_closer():
    a, b, c = encoder().encode(["my husband cheated on me", "my partner had an affair", "goodbye for now"])
    assert np.allclose([a @ a, b @ b, c @ c], 1.0, atol=1e-5)
    assert a @ b > a @ c + 0.2


def test_a_batch_gives_what_one_at_a_time_gives():
    texts = ["how do we set boundaries after cheating", "hi", "i lied to my wife about money for years"]
    together = encoder().encode(texts, batch_size=2)
    alone = np.vstack([encoder().encode([t]) for t in texts])
    assert together.shape == (3, DIMENSIONS)
    assert np.allclose(together, alone, atol=1e-4)


def test_no_text_no_rows():
    assert encoder().encode([]).shape == (0, DIMENSIONS)
