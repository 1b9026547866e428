"""Patches to Rasa Open Source, each checked against the Rasa version it was written for.

Every patch module here names the upstream behaviour it changes and why, and has a test that
fails without it. ``autoload`` applies them when Rasa is imported, also in the plain ``rasa``
command (``make setup`` installs a ``.pth`` file that imports it; it costs nothing until Rasa
is imported).
"""

from __future__ import annotations

RASA_VERSION = "3.6.21"


def check_version() -> None:
    import rasa

    if rasa.__version__ != RASA_VERSION:
        raise RuntimeError(
            f"bot.patches were written for Rasa {RASA_VERSION}, found {rasa.__version__}: "
            "check each patch against the new version before changing RASA_VERSION"
        )
