"""Patches to Rasa, one module each, for Rasa 3.6.21 only.

Each module says the upstream reason, has an ``apply()`` that the Rasa server calls at
start (``bot/rasa_server.py``), and a test that fails without it. Importing this
package checks the version: on any other Rasa the patched code may differ, so the
server refuses to start rather than run a patch blind.
"""

from __future__ import annotations

import rasa

RASA_VERSION = "3.6.21"

if rasa.__version__ != RASA_VERSION:
    raise RuntimeError(
        f"bot/patches is written against Rasa {RASA_VERSION}, found {rasa.__version__}: "
        "re-check every patch against the new code before changing RASA_VERSION"
    )
