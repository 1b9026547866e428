"""``rasa run`` / ``rasa shell`` with the project's patches and log redaction; ``bot.launcher``
and ``make shell`` start Rasa through it.

    python -m bot.rasa_server run --model models/coach.tar.gz ...

Before Rasa starts (``prepare``): the patches of ``bot/patches`` (checked against Rasa 3.6.21)
and the log redaction of ``bot/log_redaction`` (no message text in any log). The plain
``rasa run`` and ``rasa shell`` commands get the same through ``bot/patches/autoload.py``.

Also for the start: skops (which Rasa's logistic-regression classifier loads with) lists
the types it trusts by searching every imported module for each scikit-learn type;
imported after TensorFlow and transformers that took ~7 s of the server's start,
imported first it takes ~2 s. So it is imported here, before Rasa's server code (which
brings TensorFlow) and never from a component, which Rasa imports after TensorFlow.
"""

from __future__ import annotations

import sys

_prepared: list[bool] = []


def prepare() -> None:
    """What a Rasa server needs before Rasa's server code is imported; once per process."""
    if _prepared:
        return
    import skops.io  # noqa: F401  before TensorFlow: see the module's docstring

    from bot import log_redaction, patches

    patches.apply_server_patches()
    log_redaction.install(rasa=True)
    _prepared.append(True)


def main(argv: list[str] | None = None) -> None:
    prepare()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
