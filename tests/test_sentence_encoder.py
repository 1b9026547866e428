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


def test_onnx_gives_the_tensorflow_vectors_within_the_stated_tolerance():
    from bot.sentence_encoder import ONNX_TOLERANCE, TFSentenceEncoder

    texts = [
        "hi", "", "Ich weiß nicht 😢", "what's next", "i lied to my wife about money for years",
        "I told him what it did to me, the acknowledge step is done",
        # longer than the 128 tokens kept: both must cut it the same way
        "how long does it take to heal from this, I can't sleep and I keep checking his phone " * 8,
    ]
    onnx, tf = encoder().encode(texts), TFSentenceEncoder().encode(texts)
    assert onnx.shape == tf.shape == (len(texts), DIMENSIONS)
    assert np.abs(onnx - tf).max() <= ONNX_TOLERANCE
