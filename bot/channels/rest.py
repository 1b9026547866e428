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
- An optional ``message_id`` in the body makes a retry safe (issue #16): under the
  conversation's lock, a message whose id is already stored for this sender is answered
  from the stored turn (the bot messages that followed it), not processed again. The id
  travels in the user event's metadata, so it is stored with the turn, atomically.
- A store that cannot be reached (database, lock store) gets the coach's polite
  ``not_saved`` reply, not a 500: the message was not stored, and the person can resend it.
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
MESSAGE_ID = "message_id"


def conversation_id(sender: str) -> str:
    return f"{PREFIX}{sender}"


def error(status: int, message: str) -> HTTPResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return response.json({"error": message}, status=status, headers=headers)


async def handle_once(agent: Any, message: UserMessage, message_id: str) -> list[dict[str, Any]] | None:
    """Agent.handle_message, unless this message id is stored already: then its stored answer.

    The check runs under the conversation's lock, so a retry that arrives while the first
    attempt is still being processed (on any server) waits for it and then finds it.
    """
    if not agent.is_ready():  # as Agent.handle_message: no model, no answer
        logger.info("Ignoring message as there is no agent to handle it.")
        return None
    async with agent.lock_store.lock(message.sender_id):
        stored = await stored_turn(agent.tracker_store, message.sender_id, message_id)
        if stored is not None:
            return stored
        await agent.processor.handle_message(message)
        return None


async def stored_turn(tracker_store: Any, sender_id: str, message_id: str) -> list[dict[str, Any]] | None:
    store = getattr(tracker_store, "_tracker_store", tracker_store)  # Rasa's FailSafeTrackerStore wraps it
    if hasattr(store, "turn_for_message_id"):
        events = store.turn_for_message_id(sender_id, MESSAGE_ID, message_id)
    else:  # another store (tests, in memory): the whole conversation
        tracker = await store.retrieve_full_tracker(sender_id)
        events = turn_in([e.as_dict() for e in tracker.events] if tracker else [], MESSAGE_ID, message_id)
    if events is None:
        return None
    return await replay(events, sender_id)


async def replay(events: list[dict[str, Any]], recipient_id: str) -> list[dict[str, Any]]:
    """The stored bot events sent again the way Rasa sent them the first time: each event's
    ``message()`` through the channel's ``send_response`` (a card's text and its payload are
    two REST messages, paragraphs split), so a retry gets the very same answer."""
    from rasa.shared.core.events import Event

    collector = CollectingOutputChannel()
    for data in events:
        if data.get("event") == "bot":
            event = Event.from_parameters(data)
            await collector.send_response(recipient_id, event.message())
    return collector.messages


def turn_in(events: list[dict[str, Any]], key: str, value: str) -> list[dict[str, Any]] | None:
    """The turn of the latest user event whose metadata[key] is value, in a whole conversation."""
    from bot.tracker_store import turn_of

    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") == "user" and (event.get("metadata") or {}).get(key) == value:
            return turn_of(events[:index], events[index + 1:])
    return None


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
                message_id = edge.message_id(body.get("message_id"))
            except edge.Rejected as rejected:
                return error(rejected.status, rejected.error)
            collector = CollectingOutputChannel()
            with log_redaction.redacting(text):
                problem = edge.unusable(text)
                if problem:
                    for reply in await edge.short_reply(problem, text):
                        await collector.send_response(sender, reply)
                    return response.json(collector.messages)
                metadata = metadata_for(text, {MESSAGE_ID: message_id} if message_id else None)
                message = UserMessage(text, collector, conversation_id(sender), input_channel=self.name(),
                                      metadata=metadata)
                try:
                    # A reminder that fell due since the last message comes first (REST has no push).
                    await reminder_delivery.before_message(conversation_id(sender), collector)
                    if message_id is None:
                        await on_new_message(message)
                    else:
                        stored = await handle_once(request.app.ctx.agent, message, message_id)
                        if stored is not None:
                            stored = list(collector.messages) + stored
                            for reply in stored:
                                reply["recipient_id"] = sender
                            return response.json(stored)
                except asyncio.CancelledError:
                    raise
                except Exception as failure:  # noqa: BLE001 - the type is all that is logged
                    if edge.storage_failure(failure):
                        logger.warning("REST: a store could not be reached; the message was not saved (%s)",
                                       type(failure).__name__)
                        polite = edge.not_saved_reply()
                        return response.json([{"recipient_id": sender, **reply} for reply in polite])
                    logger.error("REST: the assistant failed on a message: %s", type(failure).__name__,
                                 exc_info=True)  # frames and types only: see bot/log_redaction.py
                    return error(500, "the coach could not answer; please try again")
            for message in collector.messages:
                message["recipient_id"] = sender
            return response.json(collector.messages)

        return bp
