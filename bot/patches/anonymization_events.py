"""Once any ``get_anonymization_pipeline`` hook is registered (``bot/log_redaction.py``
registers one, for Rasa's own log redaction), Rasa 3.6.21's processor reads the whole
tracker from the tracker store a second time after every message, to hand each new
event to the pipeline's ``run`` (Rasa Pro publishes anonymized events to a broker
there). This project publishes nothing, so that is one wasted SQL read of the whole
conversation per turn.

Here the step is skipped when the registered pipeline is the project's log redactor;
any other pipeline still gets every event as upstream does.
Upstream: ``MessageProcessor.run_anonymization_pipeline`` in rasa/core/processor.py.
"""

from __future__ import annotations

from typing import Any

from bot.patches import is_patched, patched, require


def apply() -> None:
    require("rasa")
    from rasa.core.processor import MessageProcessor
    from rasa.plugin import plugin_manager

    from bot.log_redaction import Redactor

    if is_patched(MessageProcessor.run_anonymization_pipeline):
        return
    upstream = MessageProcessor.run_anonymization_pipeline

    async def run_anonymization_pipeline(self: MessageProcessor, tracker: Any) -> None:
        if isinstance(plugin_manager().hook.get_anonymization_pipeline(), Redactor):
            return None
        return await upstream(self, tracker)

    MessageProcessor.run_anonymization_pipeline = patched(run_anonymization_pipeline, upstream)  # type: ignore[method-assign]
