"""NLU cross-validation folds drawn the same way on every run (`make bench-nlu`).

Upstream (Rasa 3.6.21, ``rasa/nlu/test.py`` ``generate_folds``): the folds come from
``StratifiedKFold(n_splits=n, shuffle=True)`` with no ``random_state``, so each run splits the
data differently and two runs' macro-F1 differ by the split as much as by the change being
measured. Here the shuffle is seeded (``COACH_CV_SEED``, default 42).
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from bot.patches import is_patched, patched, require

DEFAULT_SEED = 42


def seed() -> int:
    return int(os.environ.get("COACH_CV_SEED", DEFAULT_SEED))


def apply() -> None:
    """Wrap ``rasa.nlu.test.generate_folds`` so its StratifiedKFold is seeded."""
    require("rasa")
    module: Any = importlib.import_module("rasa.nlu.test")

    if is_patched(module.generate_folds):
        return
    upstream = module.generate_folds

    def generate_folds(n: int, training_data: Any):
        import sklearn.model_selection as selection

        original = selection.StratifiedKFold

        def seeded(*args: Any, **kwargs: Any):
            kwargs.setdefault("random_state", seed())
            return original(*args, **kwargs)

        selection.StratifiedKFold = seeded
        try:
            yield from upstream(n, training_data)
        finally:
            selection.StratifiedKFold = original

    module.generate_folds = patched(generate_folds, upstream)
