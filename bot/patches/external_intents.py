"""``rasa data validate`` accepts intents that only external events send (``EXTERNAL_*``).

Upstream (Rasa 3.6.21, ``rasa/validator.py``, ``Validator.verify_intents``): every intent of
the domain that has no NLU training example is a warning, so ``--fail-on-warnings`` fails.
An intent that a program sends through ``trigger_intent`` or
``trigger_external_user_uttered`` (Rasa's docs name them ``EXTERNAL_...``, as this project's
``EXTERNAL_reminder``, see bot/reminder_delivery.py) must have no training examples: with
any, NLU could predict it from something a person typed. Upstream knows only its own
default intents (``DEFAULT_INTENTS``) as exempt.

Here intents starting with ``EXTERNAL_`` are exempt too; every other check is unchanged.
Applied by ``bot/patches/autoload.py`` when ``rasa.validator`` is imported, so the plain
``rasa data validate`` (what ``make validate`` runs) gets it.
"""

from __future__ import annotations

from bot.patches import is_patched, patched, require

PREFIX = "EXTERNAL_"


def apply() -> None:
    require("rasa")
    from rasa.validator import Validator as validator

    if is_patched(validator._non_default_intents):
        return
    upstream = validator._non_default_intents

    def _non_default_intents(self) -> list[str]:
        return [intent for intent in upstream(self) if not intent.startswith(PREFIX)]

    validator._non_default_intents = patched(_non_default_intents, upstream)
