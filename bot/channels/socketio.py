"""Rasa's socket.io channel with two defects of Rasa 3.6 fixed, for the web chat page.

Configured in credentials.yml as ``bot.channels.socketio.CoachSocketIOInput``.

1. With ``session_persistence: true`` Rasa joins the socket to the session's room with
   ``sio.enter_room(...)`` without awaiting it. Since python-socketio 5.10 that is a
   coroutine, so the socket never joins the room and no reply is ever delivered
   (RasaHQ/rasa#13027). Here it is awaited.
2. Rasa emits a custom payload as keyword arguments of ``emit``, so a payload with a
   ``type`` key (every payload of this coach) raises a TypeError. Here it is sent as
   ``{"custom": payload}`` in the ordinary bot message event, like the REST channel does.

The session id a client asks for is kept only if it looks like one we hand out (a hex
uuid or similar token); anything else gets a fresh id.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import rasa.shared.utils.io
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from socketio import AsyncServer

from bot.channels.opening import metadata_for

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


def valid_session_id(value: Any) -> str | None:
    return value if isinstance(value, str) and SESSION_ID.fullmatch(value) else None


class CoachSocketIOOutput(SocketIOOutput):
    """Emits every message, custom payloads included, as one ``bot_message_evt`` event."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str, namespace: str | None = None) -> None:
        super().__init__(sio, bot_message_evt)
        self.namespace = namespace

    async def _send_message(self, socket_id: str, response: Any) -> None:
        await self.sio.emit(self.bot_message_evt, response, room=socket_id, namespace=self.namespace)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class CoachSocketIOInput(SocketIOInput):
    """``SocketIOInput`` whose session rooms work with python-socketio >= 5.10."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return super().get_output_channel()
        return CoachSocketIOOutput(self.sio, self.bot_message_evt, self.namespace)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Rasa's blueprint creates the server and registers its handlers; the two that are
        # broken are registered again here, which replaces them.
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: dict | None) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = valid_session_id(data.get("session_id")) or uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):  # a coroutine since python-socketio 5.10
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug("Socket %s confirmed its session.", sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: dict | None) -> None:
            data = data if isinstance(data, dict) else {}
            output_channel = CoachSocketIOOutput(sio, self.bot_message_evt, self.namespace)
            if self.session_persistence:
                sender_id = valid_session_id(data.get("session_id"))
                if not sender_id:
                    rasa.shared.utils.io.raise_warning(
                        "A message without a valid session_id was received and ignored. "
                        "Ask for one with the `session_request` socket.io event."
                    )
                    return
                if sender_id not in sio.rooms(sid, namespace=self.namespace):
                    # e.g. the server restarted while the page stayed open: join again.
                    joined = sio.enter_room(sid, sender_id, namespace=self.namespace)
                    if inspect.isawaitable(joined):
                        await joined
            else:
                sender_id = sid

            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            text = data.get("message", "")
            message = UserMessage(
                text if isinstance(text, str) else "",
                output_channel,
                sender_id,
                input_channel=self.name(),
                metadata=metadata_for(text, metadata),
            )
            await on_new_message(message)

        return socketio_webhook
