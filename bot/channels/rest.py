"""Rasa's REST channel, with the message's safety flag added to its metadata.

Configured in credentials.yml as ``bot.channels.rest.CoachRestInput``; its name is still
``rest``, so the webhook stays ``/webhooks/rest/webhook``. See :mod:`bot.channels.opening`.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.rest import RestInput
from sanic.request import Request

from bot.channels.opening import metadata_for


class CoachRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def get_metadata(self, request: Request) -> dict[str, Any]:
        body = request.json if isinstance(request.json, dict) else {}
        return metadata_for(body.get("message"), super().get_metadata(request))
