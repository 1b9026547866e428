"""The ``rasa`` command with NumPy's and Python's global random state seeded.

``rasa test nlu --cross-validation`` splits the data with scikit-learn's
``StratifiedKFold(shuffle=True)`` and no seed, so every run scored other folds and
two runs' macro-F1 differed by more than the changes being measured. Seeded here,
before and after a change are scored on the same folds.

    python bench/seeded_rasa.py test nlu --nlu data/nlu --config config.yml --cross-validation
"""

from __future__ import annotations

import os
import random
import sys

SEED = int(os.environ.get("BENCH_SEED", "17"))

if __name__ == "__main__":
    import numpy as np

    random.seed(SEED)
    np.random.seed(SEED)
    from rasa.__main__ import main

    sys.argv = ["rasa", *sys.argv[1:]]
    main()
