"""Rasa's socket.io channel for the web chat page: signed session tokens, origin checks, fixes.

Configured in credentials.yml as ``bot.channels.socketio.CoachSocketIOInput``.

Who speaks for which conversation (issue #11):
- The server issues the session id: ``<random>.<HMAC-SHA256 of it>``, keyed with
  ``WEB_SESSION_SECRET`` (or the key made once into ``var/web-session.secret``, see
  :mod:`bot.local_secret`), so any server with the key can verify it, after a restart
  too. A session id the server did not issue is replaced with a fresh one; a message
  with one is refused. The conversation is ``web:<random>``: the signature is never
  stored, and no other channel can address it.
- A newer socket that presents a valid token takes over the conversation's room and
  the older socket is disconnected: a reload keeps working, a second socket cannot
  listen in beside the first.
- engine.io checks ``Origin`` against the same list as ``--cors``
  (``bot/channels/access.py``; Rasa turns the check off with ``cors_allowed_origins=[]``),
  and the ``Host`` must be one of ours. A request without ``Origin`` is not refused.
- Text goes through the same edge rule as every channel (``bot/channels/edge.py``);
  the client's metadata is ignored.

Several servers (issue #16): with ``REDIS_URL`` set, the server's client manager is
python-socketio's ``AsyncRedisManager``, so a message emitted to a conversation's room on
one server (a reply, a reminder) reaches the socket wherever it is connected. The
take-over of a conversation by a newer socket sees the sockets of this server only; nginx
keeps a client's sockets on one server (``ip_hash``), which is what makes that enough.

Two defects of Rasa 3.6 fixed on the way:
1. With ``session_persistence: true`` Rasa joins the socket to the session's room with
   ``sio.enter_room(...)`` without awaiting it. Since python-socketio 5.10 that is a
   coroutine, so the socket never joins the room and no reply is ever delivered
   (RasaHQ/rasa#13027). Here it is awaited.
2. Rasa emits a custom payload as keyword arguments of ``emit``, so a payload with a
   ``type`` key (every payload of this coach) raises a TypeError. Here it is sent under
   ``custom`` in the ordinary bot message event, like the REST channel does.

One message, one event (issue #14): Rasa would emit a message's text, its buttons and its
payload as separate events, and a client had to guess which text belonged to which card.
A message with a payload goes out as one ``bot_uttered`` event::

    {"text": "...", "custom": {...}, "quick_replies": [...], "text_alternative": true}

``text_alternative`` says whether the text is the payload in plain words (a card, the
plan's checklist, the check-in numbers: sent for channels that draw no payload), so a
client that draws the payload shows no text; false when the text is said besides the
payload (the safety opening above the hotlines, a reminder's words). Messages without a
payload are sent as Rasa sends them. REST keeps text and payload as separate items.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import logging
import os
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from socketio import AsyncServer

from bot import local_secret, log_redaction, reminder_delivery
from bot.channels import edge
from bot.channels.access import Access
from bot.channels.opening import metadata_for

logger = logging.getLogger(__name__)

PREFIX = "web:"
ERROR_EVENT = "request_error"
_TOKEN = re.compile(r"([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})")


class SessionTokens:
    """Session ids the server issues and can verify: ``<22 random chars>.<43 chars of HMAC>``."""

    def __init__(self, key: str) -> None:
        if not key:
            raise ValueError("a web session key is needed")
        self._key = key.encode()

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SessionTokens:
        return cls(local_secret.get("WEB_SESSION_SECRET", "web-session", env))

    def _mac(self, nonce: str) -> str:
        digest = hmac.new(self._key, f"coach-web-session:{nonce}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def issue(self) -> str:
        nonce = secrets.token_urlsafe(16)
        return f"{nonce}.{self._mac(nonce)}"

    def conversation(self, token: Any) -> str | None:
        """``web:<random>`` for a token we issued, None for anything else."""
        match = _TOKEN.fullmatch(token) if isinstance(token, str) else None
        if not match or not hmac.compare_digest(match.group(2), self._mac(match.group(1))):
            return None
        return f"{PREFIX}{match.group(1)}"


# Payload types whose message text is the payload in plain words (bot/cards.py ``as_text``,
# the plan's checklist, the check-in numbers), not something said besides it.
TEXT_ALTERNATIVE_TYPES = frozenset({"advice_card", "progress", "checkin_trend"})
_MESSAGE_PARTS = ("text", "custom", "buttons", "quick_replies")


class CoachSocketIOOutput(SocketIOOutput):
    """Emits a message with a payload as one ``bot_message_evt`` event: text, payload, buttons."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str, namespace: str | None = None) -> None:
        super().__init__(sio, bot_message_evt)
        self.namespace = namespace

    async def _send_message(self, socket_id: str, response: Any) -> None:
        await self.sio.emit(self.bot_message_evt, response, room=socket_id, namespace=self.namespace)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        custom = message.get("custom")
        if not custom:
            await super().send_response(recipient_id, message)
            return
        event: dict[str, Any] = {}
        if isinstance(message.get("text"), str) and message["text"].strip():
            event["text"] = message["text"].strip()
        buttons = message.get("quick_replies") or message.get("buttons") or []
        if buttons:  # as Rasa's send_text_with_buttons words them
            event["quick_replies"] = [
                {"content_type": "text", "title": b.get("title"), "payload": b.get("payload")}
                for b in buttons if isinstance(b, dict)
            ]
        event["custom"] = custom
        event["text_alternative"] = isinstance(custom, dict) and custom.get("type") in TEXT_ALTERNATIVE_TYPES
        await self._send_message(recipient_id, event)
        rest = {key: value for key, value in message.items() if key not in _MESSAGE_PARTS}
        if any(rest.get(key) for key in ("image", "attachment", "elements")):
            await super().send_response(recipient_id, rest)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message, "text_alternative": False})


def share_rooms(sio: AsyncServer, env: dict[str, str] | None = None) -> bool:
    """Rooms across servers through Redis when REDIS_URL is set (before the server is used)."""
    url = ((os.environ if env is None else env).get("REDIS_URL") or "").strip()
    if not url:
        return False
    from socketio import AsyncRedisManager

    manager = AsyncRedisManager(url, channel=os.environ.get("SOCKETIO_CHANNEL", "coach-socketio"))
    manager.set_server(sio)
    sio.manager = manager
    sio.manager_initialized = False
    return True


async def _maybe_await(result: Any) -> None:
    if inspect.isawaitable(result):  # enter_room/leave_room are coroutines since python-socketio 5.10
        await result


class CoachSocketIOInput(SocketIOInput):
    """``SocketIOInput`` with issued session tokens and rooms that work with python-socketio >= 5.10."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        channel.tokens = SessionTokens.from_env()  # type: ignore[attr-defined]
        channel.access = Access.from_env()  # type: ignore[attr-defined]
        return channel

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return super().get_output_channel()
        return CoachSocketIOOutput(self.sio, self.bot_message_evt, self.namespace)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Rasa's blueprint creates the server and registers its handlers; the ones that
        # matter are registered again here, which replaces them.
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        tokens: SessionTokens = getattr(self, "tokens", None) or SessionTokens.from_env()
        access: Access = getattr(self, "access", None) or Access.from_env()
        namespace = self.namespace or "/"
        share_rooms(sio)
        # engine.io's own Origin check, on the --cors list. The CORS headers themselves come
        # from sanic-cors (Rasa's --cors) alone: engine.io adding its own would send
        # Access-Control-Allow-Origin twice, which browsers refuse.
        sio.eio.cors_allowed_origins = list(access.origins)
        sio.eio._cors_headers = lambda environ: []  # type: ignore[method-assign]

        async def refuse(sid: str, error: str) -> None:
            await sio.emit(ERROR_EVENT, {"error": error}, room=sid, namespace=self.namespace)

        async def take_over(sid: str, conversation: str) -> None:
            """This socket alone holds the conversation; an older one is disconnected."""
            for room in list(sio.rooms(sid, namespace=namespace)):
                if room.startswith(PREFIX) and room != conversation:
                    await _maybe_await(sio.leave_room(sid, room, namespace=namespace))
            present = sio.manager.get_participants(namespace, conversation)
            others = [other for other, _ in present if other != sid]
            await _maybe_await(sio.enter_room(sid, conversation, namespace=namespace))
            for other in others:
                await sio.disconnect(other, namespace=namespace)

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict, auth: Any = None) -> bool:
            host, origin = environ.get("HTTP_HOST"), environ.get("HTTP_ORIGIN")
            if not access.host_ok(host) or not access.origin_ok(origin):
                logger.info("socket.io: refused a connection from another host or origin")
                return False
            return True

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None, *_: Any) -> None:  # a client may send no data
            token = data.get("session_id") if isinstance(data, dict) else None
            conversation = tokens.conversation(token)
            if conversation is None:
                token = tokens.issue()
                conversation = tokens.conversation(token)
                assert conversation is not None
            await take_over(sid, conversation)
            await sio.emit("session_confirm", token, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None, *_: Any) -> None:
            if not isinstance(data, dict):
                await refuse(sid, "the message must be an object")
                return
            conversation = tokens.conversation(data.get("session_id"))
            if conversation is None:
                await refuse(sid, "no valid session_id: ask for one with session_request")
                return
            text = data.get("message")
            if not isinstance(text, str):
                await refuse(sid, "message must be a string")
                return
            if conversation not in sio.rooms(sid, namespace=namespace):
                await take_over(sid, conversation)  # e.g. the server restarted while the page stayed open
            output = CoachSocketIOOutput(sio, self.bot_message_evt, self.namespace)
            with log_redaction.redacting(text):
                problem = edge.unusable(text)
                if problem:
                    for reply in await edge.short_reply(problem, text):
                        await output.send_response(conversation, reply)
                    return
                try:
                    await reminder_delivery.before_message(conversation, output)  # due ones first
                    await on_new_message(UserMessage(
                        text, output, conversation, input_channel=self.name(), metadata=metadata_for(text),
                    ))
                except Exception as failure:  # noqa: BLE001 - the type is all that is logged
                    if edge.storage_failure(failure):
                        logger.warning("socket.io: a store could not be reached; not saved (%s)",
                                       type(failure).__name__)
                        for reply in edge.not_saved_reply():
                            await output.send_response(conversation, reply)
                        return
                    logger.error("socket.io: the assistant failed on a message: %s", type(failure).__name__,
                                 exc_info=True)
                    await refuse(sid, "the coach could not answer; please try again")

        return socketio_webhook
