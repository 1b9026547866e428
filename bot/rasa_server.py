"""``rasa run`` / ``rasa shell`` with the project's patches and log redaction; ``bot.launcher``
and ``make shell`` start Rasa through it.

    python -m bot.rasa_server run --model models/coach.tar.gz ...

Before Rasa starts: the patches of ``bot/patches`` (checked against Rasa 3.6.21) and the
log redaction of ``bot/log_redaction`` (no message text in any log).

Also for the start: skops (which Rasa's logistic-regression classifier loads with) lists
the types it trusts by searching every imported module for each scikit-learn type;
imported after TensorFlow and transformers that took ~7 s of the server's start,
imported first it takes ~2 s.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    import skops.io  # noqa: F401  before TensorFlow: see the module's docstring

    from bot import log_redaction, patches

    patches.apply_server_patches()
    log_redaction.install(rasa=True)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
