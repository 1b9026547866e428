"""The REST channel: Rasa's ``/webhooks/rest/webhook``, checked at the edge and namespaced.

Configured in credentials.yml as ``bot.channels.rest.CoachRestInput``; its name is still
``rest``, so the webhook stays ``/webhooks/rest/webhook`` and answers as Rasa's does
(a JSON list of ``{"recipient_id", "text" | "buttons" | "custom"}``).

What it does that Rasa's ``RestInput`` does not (issue #11):
- Who may call (``bot/channels/access.py``): the ``Host`` must be one of ours, a
  browser's ``Origin`` must be on the list, and the client must be this machine or
  present ``Authorization: Bearer $REST_TOKEN``.
- Only ``application/json``: a page in someone's browser cannot post a "simple"
  ``text/plain`` request to a local install.
- The body is checked (``bot/channels/edge.py``) before Rasa sees it: 400 for a
  malformed one, the coach's short reply (nothing stored) for unusable text.
- The conversation is ``rest:<sender>``: a REST client can never address a Telegram
  (``tg:``) or web (``web:``) conversation. Replies name the client's own sender.
- The client's ``input_channel`` and ``metadata`` are ignored (only the channel's own
  safety flag is passed on, see :mod:`bot.channels.opening`), and ``?stream=true`` is
  not offered: every answer goes through the same error handling.
- A failure is logged by its type only, never with the text or a traceback's locals.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import log_redaction, reminder_delivery
from bot.channels import edge
from bot.channels.access import Access
from bot.channels.opening import metadata_for

logger = logging.getLogger(__name__)

PREFIX = "rest:"


def conversation_id(sender: str) -> str:
    return f"{PREFIX}{sender}"


def error(status: int, message: str) -> HTTPResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return response.json({"error": message}, status=status, headers=headers)


class CoachRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def __init__(self, access: Access | None = None) -> None:
        self.access = access

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        access = self.access or Access.from_env()

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refused = access.rest_refusal(request.ip, request.headers)
            if refused:
                return error(*refused)
            if not edge.is_json(request.headers.get("content-type")):
                return error(415, "Content-Type must be application/json")
            try:
                body = edge.json_object(request.body)
                sender = edge.sender(body.get("sender"))
                text = edge.message(body.get("message"))
            except edge.Rejected as rejected:
                return error(rejected.status, rejected.error)
            collector = CollectingOutputChannel()
            with log_redaction.redacting(text):
                problem = edge.unusable(text)
                if problem:
                    for reply in await edge.short_reply(problem, text):
                        await collector.send_response(sender, reply)
                    return response.json(collector.messages)
                try:
                    # A reminder that fell due since the last message comes first (REST has no push).
                    await reminder_delivery.before_message(conversation_id(sender), collector)
                    await on_new_message(UserMessage(
                        text, collector, conversation_id(sender), input_channel=self.name(),
                        metadata=metadata_for(text),
                    ))
                except asyncio.CancelledError:
                    raise
                except Exception as failure:  # noqa: BLE001 - the type is all that is logged
                    logger.error("REST: the assistant failed on a message: %s", type(failure).__name__,
                                 exc_info=True)  # frames and types only: see bot/log_redaction.py
                    return error(500, "the coach could not answer; please try again")
            for message in collector.messages:
                message["recipient_id"] = sender
            return response.json(collector.messages)

        return bp
