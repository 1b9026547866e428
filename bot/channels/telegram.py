"""The coach on Telegram: a webhook channel that replaces Rasa's own ``TelegramInput``.

Configured in ``credentials.yml`` as ``bot.channels.telegram.CoachTelegramInput:``
(no values there); everything comes from the environment:

    TELEGRAM_TOKEN           the bot's token from @BotFather; without it Telegram is off
    TELEGRAM_WEBHOOK_SECRET  checked against X-Telegram-Bot-Api-Secret-Token on every update
    TELEGRAM_WEBHOOK_URL     public HTTPS URL of /webhooks/telegram/webhook; when set, the
                             webhook is registered once, at server start
    TELEGRAM_BOT_USERNAME    the bot's @username (asked once with getMe at start when unset)
    TELEGRAM_API_URL         Bot API base URL, default https://api.telegram.org

Decisions (see docs/TELEGRAM.md):
- One conversation per person: the sender id is ``tg:<user id>`` in private chats and in
  groups alike, so a person's plan is the same wherever they talk to the coach.
- Groups: the coach answers only a message that mentions it, replies to it or is a
  command for it, and answers as a reply to that message. A turn that shows where a
  person is in their plan (the checklist, step and data replies) is sent to them
  privately; if Telegram refuses (they never pressed Start), the group is told to ask in
  a private chat. Buttons in a group work only for the person they answered.
- Edits are never re-run through the assistant (that could record a step twice or
  answer a confirmation again): the person gets a short note to send it anew.
- Stickers, photos, voice and the like get "I can only read text"; service updates
  (``my_chat_member``, people joining, ...) get 200 and silence.
- Typed text never becomes an intent: a leading "/" is dropped (``/start`` greets,
  ``/help`` explains); only button presses send intent payloads.
- Every update gets 200 once its secret checks out (a repeat of the same update_id is
  ignored), so Telegram never re-sends; a missing or wrong secret gets 403 before
  anything is read. Nothing a person wrote is logged, at any level (bot/log_redaction.py).
- Durable: handled update ids are kept in SQL (a redelivery after a restart is ignored);
  Bot API calls are retried on 429, 5xx and network errors, and a reply that still fails
  is kept and sent before the person's next answer (``bot/telegram_store.py``).
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
import logging
import os
import re
import secrets
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import db, log_redaction, reminder_delivery, texts
from bot.channels import edge
from bot.channels import telegram_render as render
from bot.channels.opening import metadata_for
from bot.telegram_store import TelegramStore

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
SENDER_PREFIX = "tg:"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
GROUP_TYPES = ("group", "supergroup")
# What a person can write; a message with none of these is a service message.
CONTENT_KEYS = (
    "text", "sticker", "photo", "voice", "audio", "video", "video_note", "document", "animation",
    "location", "venue", "contact", "poll", "dice", "game", "story", "paid_media",
)
COMMANDS = {"start": "/greet", "help": "/ask_capabilities"}
# Waits between attempts of a Bot API call that failed with 5xx or a network error; a
# 429 waits its retry_after instead, up to MAX_RETRY_AFTER_S (longer: kept for later).
RETRY_DELAYS_S = (0.5, 1.5, 4.0)
MAX_RETRY_AFTER_S = 10


@dataclass(frozen=True)
class TelegramConfig:
    token: str | None
    api_url: str = DEFAULT_API_URL
    username: str | None = None
    secret: str | None = None
    webhook_url: str | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> TelegramConfig:
        source: Mapping[str, str] = os.environ if env is None else env

        def value(name: str) -> str | None:
            return (source.get(name) or "").strip() or None

        return cls(
            token=value("TELEGRAM_TOKEN"),
            api_url=(value("TELEGRAM_API_URL") or DEFAULT_API_URL).rstrip("/"),
            username=(value("TELEGRAM_BOT_USERNAME") or "").lstrip("@") or None,
            secret=value("TELEGRAM_WEBHOOK_SECRET"),
            webhook_url=value("TELEGRAM_WEBHOOK_URL"),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.token)

    @property
    def bot_id(self) -> int | None:
        """The bot's user id is the token's first part: no getMe needed to know it."""
        head = (self.token or "").split(":", 1)[0]
        return int(head) if head.isdigit() else None


class TelegramError(Exception):
    """A Bot API call that failed; ``code`` 0 is a network error or an answer that was not the API's."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """Worth another try: flood control, Telegram's own trouble, the network. Never 400 or 403."""
        return self.code in (0, 429) or self.code >= 500


class BotApi:
    """Bot API calls over one aiohttp session, created on (and only used by) the running loop."""

    def __init__(self, api_url: str, token: str, timeout: float = 15) -> None:
        self._base = f"{api_url}/bot{token}"
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
            self._loop = loop
        return self._session

    async def call(self, method: str, _file: dict | None = None, **params: Any) -> Any:
        """One Bot API call, retried with backoff on 429 (after ``retry_after``), 5xx and
        network errors; a failure that remains is raised (see ``TelegramError.retryable``).

        ``_file`` ({"field", "name", "mime", "b64"}) uploads a file (sendPhoto, sendDocument)
        as multipart/form-data, the one way the Bot API takes new files.
        """
        params = {k: v for k, v in params.items() if v is not None}
        for attempt in range(len(RETRY_DELAYS_S) + 1):
            try:
                return await self._call_once(method, params, _file)
            except TelegramError as error:
                if not error.retryable or attempt == len(RETRY_DELAYS_S):
                    raise
                delay = RETRY_DELAYS_S[attempt]
                if error.code == 429 and error.retry_after is not None:
                    if error.retry_after > MAX_RETRY_AFTER_S:
                        raise  # a long flood wait: the caller keeps the reply for later
                    delay = error.retry_after
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _call_once(self, method: str, params: dict[str, Any], file: dict | None = None) -> Any:
        status = 0
        body_args: dict[str, Any] = {"json": params}
        if file is not None:
            form = aiohttp.FormData()
            for key, value in params.items():
                form.add_field(key, value if isinstance(value, str) else json.dumps(value))
            form.add_field(file["field"], base64.b64decode(file["b64"]), filename=file["name"],
                           content_type=file["mime"])
            body_args = {"data": form}
        try:
            async with self.session().post(f"{self._base}/{method}", **body_args) as reply:
                status = reply.status
                body = await reply.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            # Only the type: some aiohttp errors carry the URL, and the URL holds the token.
            raise TelegramError(0, type(error).__name__) from None
        except ValueError:  # not JSON: a proxy's error page, say
            raise TelegramError(status if status >= 500 else 0, "not a Bot API answer") from None
        if not isinstance(body, dict):
            raise TelegramError(status if status >= 500 else 0, "not a Bot API answer")
        if body.get("ok"):
            return body.get("result")
        retry_after = (body.get("parameters") or {}).get("retry_after")
        raise TelegramError(int(body.get("error_code") or status or 0), str(body.get("description") or ""),
                            retry_after if isinstance(retry_after, int) and retry_after >= 0 else None)

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed and self._loop is asyncio.get_running_loop():
            await session.close()


def _sender_of(update: dict) -> str | None:
    """``tg:<user id>`` of the person an update comes from, if it says."""
    for kind in ("message", "edited_message", "callback_query"):
        part = update.get(kind)
        person = part.get("from") if isinstance(part, dict) else None
        user = person.get("id") if isinstance(person, dict) else None
        if isinstance(user, int) and not isinstance(user, bool):
            return sender_id(user)
    return None


KNOWN_KINDS = frozenset({*ALLOWED_UPDATES, "chat_member", "channel_post", "edited_channel_post", "poll",
                         "poll_answer", "inline_query", "chosen_inline_result", "message_reaction"})


def _update_id(update: dict) -> int | str:
    """For logs: the update's id when it is a number; never what a forger put there."""
    value = update.get("update_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else "?"


def sender_id(user_id: int | str) -> str:
    return f"{SENDER_PREFIX}{user_id}"


def user_of(sender: str) -> int | None:
    if sender.startswith(SENDER_PREFIX) and sender[len(SENDER_PREFIX):].lstrip("-").isdigit():
        return int(sender[len(SENDER_PREFIX):])
    return None


def _plain(html_text: str) -> str:
    """Our HTML back to plain text, for the rare message Telegram cannot parse."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


class TelegramOutput(OutputChannel):
    """Sends the coach's messages to one chat.

    Per update it is *buffered*: Rasa's messages are collected and sent when the
    turn is complete, so a group turn that shows progress can go privately as a
    whole. Without a chat (``get_output_channel``) it sends at once to the
    private chat of ``tg:<user id>``.
    """

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, channel: CoachTelegramInput, chat_id: int | None = None, user_id: int | None = None,
                 group: bool = False, reply_to: int | None = None, thread_id: int | None = None) -> None:
        self.channel = channel
        self.chat_id = chat_id
        self.user_id = user_id
        self.group = group
        self.reply_to = reply_to
        self.thread_id = thread_id
        self.pending: list[dict] = []

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        if self.chat_id is not None:
            self.pending.append(deepcopy(message))
            return
        chat = user_of(recipient_id)
        if chat is None:
            logger.warning("Telegram: cannot send to a sender id that is not tg:<user id>")
            return
        await self.channel.deliver(chat, [deepcopy(message)], sender=recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict],
                                     **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"custom": json_message})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"image": image})

    async def flush(self) -> None:
        messages, self.pending = self.pending, []
        if not messages or self.chat_id is None:
            return
        sender = sender_id(self.user_id) if self.user_id is not None else None
        if self.group and self.user_id is not None and any(render.reveals_progress(m) for m in messages):
            try:
                await self.channel.deliver(self.user_id, messages, strict=True, sender=sender)
                note = render.SENT_PRIVATELY
            except TelegramError as error:
                logger.info("Telegram: could not reach a person privately (%s)", error.code)
                note = render.ask_privately(self.channel.username)
            await self.channel.deliver(self.chat_id, [], self.reply_to, self.thread_id, notes=[note],
                                       sender=sender)
            return
        await self.channel.deliver(self.chat_id, messages, self.reply_to, self.thread_id, sender=sender)


class CoachTelegramInput(InputChannel):
    """Telegram webhook at ``/webhooks/telegram/webhook``; off unless ``TELEGRAM_TOKEN`` is set."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        # credentials.yml holds no values for this channel: secrets live in the environment.
        return cls(TelegramConfig.from_env())

    def __init__(self, config: TelegramConfig) -> None:
        self.config = config
        self.username = config.username
        self.bot_id = config.bot_id
        self.api = BotApi(config.api_url, config.token or "") if config.enabled else None
        self.codec = render.CallbackCodec(shared=lambda: self.store)
        self.secret = config.secret
        if config.enabled and not self.secret and config.webhook_url:
            # We register the webhook ourselves, so a fresh random secret works.
            self.secret = secrets.token_urlsafe(32)
        self._recent: deque[int] = deque(maxlen=2000)
        self._identity_tried = 0.0
        self._store: TelegramStore | None = None

    @property
    def store(self) -> TelegramStore:
        """Seen updates and replies still to send, in the coach's database (made on first use)."""
        if self._store is None:
            self._store = TelegramStore(db.default_engine())
        return self._store

    # -- wiring ------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("coach_telegram_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.config.enabled else "off"})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.config.enabled:
                return response.json({"ok": False, "description": "Telegram is off"}, status=503)
            if not self.secret_ok(request.headers.get(SECRET_HEADER)):
                return response.json({"ok": False, "description": "Forbidden"}, status=403)
            try:
                update = json.loads(request.body or b"")
            except ValueError:
                return response.json({"ok": False, "description": "Bad Request"}, status=400)
            if not isinstance(update, dict):
                return response.json({"ok": False, "description": "Bad Request"}, status=400)
            if self.seen_before(update):
                return response.json({"ok": True})
            self._known_payloads(request)
            try:
                await self.handle(update, on_new_message)
            except Exception as error:  # never make Telegram re-send an update that broke us
                logger.error("Telegram: update %s failed: %s", _update_id(update), type(error).__name__)
                logger.debug("Telegram update failure", exc_info=True)
                await self.apologise(update)
            return response.json({"ok": True})

        if not self.config.enabled:
            logger.info("Telegram is off: set TELEGRAM_TOKEN to turn it on (see docs/TELEGRAM.md).")
            return bp
        # Said here, while the server starts, rather than once it is up: INFO lines logged
        # after the NLU model (and TensorFlow) has loaded do not reach the log.
        logger.info("Telegram is on: updates at /webhooks/telegram/webhook.")

        @bp.listener("after_server_start")
        async def start(_app: Any, _loop: Any) -> None:
            await self.on_server_start()

        @bp.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            if self.api is not None:
                await self.api.close()

        return bp

    def get_output_channel(self) -> OutputChannel | None:
        """For messages Rasa sends on its own (e.g. trigger_intent): to the person's private chat."""
        return TelegramOutput(self) if self.config.enabled else None

    async def on_server_start(self) -> None:
        if not self.secret:
            logger.error("Telegram: TELEGRAM_WEBHOOK_SECRET is not set, so every update is refused (403).")
        elif not SECRET_FORMAT.match(self.secret):
            logger.error("Telegram: TELEGRAM_WEBHOOK_SECRET may only hold A-Z, a-z, 0-9, _ and - (1-256).")
        await self.ensure_identity()
        if not self.config.webhook_url:
            logger.info("Telegram: TELEGRAM_WEBHOOK_URL is not set, so the webhook is left as it is.")
            return
        try:
            await self._api().call(
                "setWebhook", url=self.config.webhook_url, secret_token=self.secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            logger.info("Telegram: webhook set.")
        except TelegramError as error:
            logger.error("Telegram: setWebhook failed: %s", error)

    async def ensure_identity(self) -> None:
        """Learn the bot's username (and id) with one getMe, at start or, if that failed, later."""
        if self.username or self.api is None:
            return
        now = asyncio.get_running_loop().time()
        if self._identity_tried and now - self._identity_tried < 60:
            return
        self._identity_tried = now
        try:
            me = await self._api().call("getMe")
        except TelegramError as error:
            logger.error("Telegram: getMe failed: %s", error)
            return
        self.username = (me or {}).get("username") or None
        self.bot_id = (me or {}).get("id") or self.bot_id

    def secret_ok(self, given: str | None) -> bool:
        if not self.secret or not given:
            return False
        return hmac.compare_digest(given.encode(), self.secret.encode())

    def seen_before(self, update: dict) -> bool:
        """True for an update some server of ours has handled already (kept in SQL)."""
        update_id = update.get("update_id")
        if not isinstance(update_id, int) or isinstance(update_id, bool) or not 0 <= update_id < 2**63:
            return False
        if update_id in self._recent:
            return True
        self._recent.append(update_id)
        try:
            return not self.store.first_sight(update_id, _sender_of(update))
        except Exception as error:  # noqa: BLE001 - the database is down: this process's memory still holds
            logger.error("Telegram: could not record update %s: %s", update_id, type(error).__name__)
            return False

    def _known_payloads(self, request: Request) -> None:
        """Let mapped button keys outlive a restart for every button the reply catalogue knows."""
        if self.codec.known is not None:
            return

        def payloads() -> list[str]:
            return [
                str(button.get("payload"))
                for reply in texts.replies().values()
                for button in reply.get("buttons") or []
                if isinstance(button, dict) and button.get("payload")
            ]

        self.codec.known = payloads

    # -- updates -----------------------------------------------------------------------

    async def handle(self, update: dict, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        kind = next((k for k in update if k != "update_id"), "unknown")
        logger.debug("Telegram update %s: %s", _update_id(update), kind if kind in KNOWN_KINDS else "other")
        if isinstance(update.get("message"), dict):
            await self.on_message(update["message"], on_new_message, edited=False)
        elif isinstance(update.get("edited_message"), dict):
            await self.on_message(update["edited_message"], on_new_message, edited=True)
        elif isinstance(update.get("callback_query"), dict):
            await self.on_callback(update["callback_query"], on_new_message)
        # my_chat_member, chat_member, channel posts, polls, ...: 200 and silence.

    async def on_message(self, message: dict, on_new_message: Callable, edited: bool) -> None:
        chat = message.get("chat") or {}
        if chat.get("type") not in ("private", *GROUP_TYPES) or "id" not in chat:
            return
        group = chat["type"] in GROUP_TYPES
        if group:
            await self.ensure_identity()
            if not self.addressed(message):
                return
        person = message.get("from") or {}
        wrote = any(message.get(key) is not None for key in CONTENT_KEYS)
        if not wrote:
            return  # people joining or leaving, pinned messages, ...: nothing to answer
        reply_to = message.get("message_id") if group else None
        thread_id = message.get("message_thread_id") if message.get("is_topic_message") else None
        if message.get("sender_chat"):  # an anonymous admin or a channel: no person to coach
            if group and not edited:
                await self.notify(chat["id"], render.ANONYMOUS, reply_to, thread_id)
            return
        if not person.get("id") or person.get("is_bot"):
            return
        sender = sender_id(person["id"])
        if edited:
            await self.notify(chat["id"], render.EDITED, reply_to, thread_id, sender)
            return
        if not isinstance(message.get("text"), str):
            await self.notify(chat["id"], render.CANT_READ, reply_to, thread_id, sender)
            return
        raw = message["text"]
        # Text the edge refuses anyway is not taken apart by entity offsets first.
        text = raw if edge.unusable(raw) in ("unreadable", "too_long") else self.clean(
            raw, message.get("entities") or [])
        output = TelegramOutput(self, chat["id"], person["id"], group, reply_to, thread_id)
        await self.converse(on_new_message, text, person["id"], chat["type"], output)

    async def on_callback(self, query: dict, on_new_message: Callable) -> None:
        person = query.get("from") or {}
        message = query.get("message") or {}
        chat = message.get("chat") or {}
        payload = self.codec.decode(query.get("data"))
        if not person.get("id") or "id" not in chat or chat.get("type") not in ("private", *GROUP_TYPES):
            await self.answer(query, render.EXPIRED_BUTTON)
            return
        group = chat["type"] in GROUP_TYPES
        asked = message.get("reply_to_message") or {}
        if group and (asked.get("from") or {}).get("id") != person["id"]:
            await self.answer(query, render.NOT_YOUR_BUTTONS, alert=True)
            return
        if payload is None:
            await self.answer(query, render.EXPIRED_BUTTON, alert=True)
            return
        await self.answer(query)
        try:  # the choice is made: take the buttons away so an old one cannot be pressed again
            await self._api().call("editMessageReplyMarkup", chat_id=chat["id"],
                                message_id=message.get("message_id"), reply_markup={"inline_keyboard": []})
        except TelegramError as error:
            logger.debug("Telegram: keyboard not removed: %s", error)
        reply_to = asked.get("message_id") if group else None
        thread_id = message.get("message_thread_id") if message.get("is_topic_message") else None
        output = TelegramOutput(self, chat["id"], person["id"], group, reply_to, thread_id)
        await self.converse(on_new_message, payload, person["id"], chat["type"], output)

    def addressed(self, message: dict) -> bool:
        """In a group: a mention of the bot, a reply to the bot, or a command for the bot."""
        replied = (message.get("reply_to_message") or {}).get("from") or {}
        if replied.get("is_bot") and (
            (self.bot_id and replied.get("id") == self.bot_id)
            or (self.username and (replied.get("username") or "").lower() == self.username.lower())
        ):
            return True
        text = message.get("text") or message.get("caption") or ""
        entities = message.get("entities") or message.get("caption_entities") or []
        return any(self._is_ours(entity, text) for entity in entities)

    def _is_ours(self, entity: dict, text: str) -> bool:
        kind = entity.get("type")
        if kind == "text_mention":
            return bool(self.bot_id) and (entity.get("user") or {}).get("id") == self.bot_id
        if kind not in ("mention", "bot_command"):
            return False
        word = render.utf16_slice(text, int(entity.get("offset", 0)), int(entity.get("length", 0)))
        name = (self.username or "").lower()
        if kind == "mention":
            return bool(name) and word.lower() == f"@{name}"
        command, _, target = word.partition("@")
        return (target.lower() == name and bool(name)) if target else entity.get("offset") == 0

    def clean(self, text: str, entities: list[dict]) -> str:
        """The words for the assistant: our @mention removed, commands mapped, never an intent."""
        spans = [
            (int(e.get("offset", 0)), int(e.get("length", 0)))
            for e in entities
            if e.get("type") == "mention" and self._is_ours(e, text)
        ]
        text = render.remove_utf16(text, spans).strip()
        if text.startswith("/"):
            command, _, rest = text[1:].partition(" ")
            command = command.split("@", 1)[0].lower()
            if command in COMMANDS:
                return COMMANDS[command]
            text = text.lstrip("/").strip()
        return text or COMMANDS["start"]

    async def converse(self, on_new_message: Callable, text: str, user_id: int, chat_type: str,
                       output: TelegramOutput) -> None:
        with log_redaction.redacting(text):
            problem = edge.unusable(text)
            if problem:  # answered here, as on every channel: nothing reaches the assistant or is stored
                for reply in await edge.short_reply(problem, text):
                    await output.send_response(sender_id(user_id), reply)
                await output.flush()
                return
            try:
                await reminder_delivery.before_message(sender_id(user_id), output)  # due ones first
                await on_new_message(UserMessage(
                    text, output, sender_id(user_id), input_channel=self.name(),
                    metadata=metadata_for(text, {"telegram": {"chat_type": chat_type}}),
                ))
            except Exception as error:
                logger.error("Telegram: the assistant failed on a message: %s", type(error).__name__)
                logger.debug("Telegram assistant failure", exc_info=True)
                output.pending.append({"text": render.SORRY})
            await output.flush()

    async def apologise(self, update: dict) -> None:
        """The short "sorry" for an update that broke us, wherever a chat id can be read."""
        query = update.get("callback_query")
        found = update.get("message") or update.get("edited_message") or (
            query.get("message") if isinstance(query, dict) else None)
        chat = found.get("chat") if isinstance(found, dict) else None
        chat_id = chat.get("id") if isinstance(chat, dict) else None
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            return
        try:
            await self.notify(chat_id, render.SORRY, None, None, _sender_of(update))
        except Exception as error:  # noqa: BLE001 - nothing more can be done for this update
            logger.warning("Telegram: could not say sorry: %s", type(error).__name__)

    # -- sending -----------------------------------------------------------------------

    def _api(self) -> BotApi:
        # Only reached with a token: without one the channel answers no webhook (see from_env).
        if self.api is None:
            raise RuntimeError("Telegram: no bot token is set")
        return self.api

    async def answer(self, query: dict, text: str | None = None, alert: bool = False) -> None:
        try:
            await self._api().call("answerCallbackQuery", callback_query_id=query.get("id"), text=text,
                                show_alert=alert or None)
        except TelegramError as error:
            logger.warning("Telegram: answerCallbackQuery failed: %s", error)

    async def notify(self, chat_id: int, text: str, reply_to: int | None, thread_id: int | None,
                     sender: str | None = None) -> None:
        await self.deliver(chat_id, [{"text": text}], reply_to, thread_id, sender=sender)

    async def deliver(self, chat_id: int, messages: list[dict], reply_to: int | None = None,
                      thread_id: int | None = None, notes: list[str] | None = None,
                      strict: bool = False, sender: str | None = None) -> None:
        """Send Rasa messages (rendered) and ready-made HTML notes to one chat.

        Replies kept from an earlier failure go first. A reply the Bot API still will not
        take after retries (429, 5xx, network) is kept, with those after it, and sent
        before the person's next answer; a 400 or 403 (bot blocked) is logged and
        dropped. ``strict`` raises the first TelegramError instead (to fall back when a
        person cannot be reached privately).
        """
        outgoing = [item for m in messages for item in render.render_message(m)]
        outgoing += [render.Outgoing(note) for note in notes or []]
        calls = []
        for item in outgoing:
            params: dict[str, Any] = {
                "chat_id": chat_id,
                "text": item.html,
                "parse_mode": "HTML",
                "link_preview_options": {"is_disabled": True},
                "message_thread_id": thread_id,
                "reply_markup": render.keyboard(item.buttons, self.codec.encode) if item.buttons else None,
            }
            if item.upload is not None:  # a chart or a file: its text is the caption
                params.pop("text")
                params.pop("link_preview_options")
                params["caption"] = item.html or None
                params["_upload"] = item.upload
            if reply_to:
                params["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
            calls.append({k: v for k, v in params.items() if v is not None})
        if not await self._send_kept(chat_id):
            if strict:
                raise TelegramError(0, "earlier replies are still waiting")
            self._keep(sender, chat_id, calls)
            return
        for index, params in enumerate(calls):
            try:
                await self._send(params)
            except TelegramError as error:
                if strict:
                    raise
                if error.retryable:
                    self._keep(sender, chat_id, calls[index:])
                    return
                logger.warning("Telegram: sendMessage failed, not retried: %s", error.code)

    async def _send_kept(self, chat_id: int) -> bool:
        """Send the replies kept for this chat; False while they still cannot go."""
        try:
            waiting = self.store.waiting(chat_id)
        except Exception as error:  # noqa: BLE001 - no database: nothing known to be waiting
            logger.error("Telegram: could not read kept replies: %s", type(error).__name__)
            return True
        for row_id, params in waiting:
            try:
                await self._send(params)
            except TelegramError as error:
                if error.retryable:
                    return False
                logger.warning("Telegram: a kept reply was refused (%s) and dropped", error.code)
            self.store.done(row_id)
        return True

    def _keep(self, sender: str | None, chat_id: int, calls: list[dict]) -> None:
        sender = sender or (sender_id(chat_id) if chat_id > 0 else None)  # a private chat is its person
        if sender is None:
            logger.warning("Telegram: %d replies to a chat with no person could not be sent", len(calls))
            return
        try:
            self.store.keep(sender, chat_id, calls)
            logger.warning("Telegram: the Bot API is failing; %d replies kept for later", len(calls))
        except Exception as error:  # noqa: BLE001 - nowhere left to keep them: say so
            logger.error("Telegram: %d replies lost (%s)", len(calls), type(error).__name__)

    async def _send(self, params: dict) -> None:
        if "_upload" in params:
            upload = params["_upload"]
            rest = {k: v for k, v in params.items() if k != "_upload"}
            await self._api().call(upload["method"], _file=upload, **rest)
            return
        try:
            await self._api().call("sendMessage", **params)
        except TelegramError as error:
            if error.code != 400 or "parse" not in error.description.lower():
                raise
            # Our HTML should always parse; if it ever does not, plain text still gets through.
            plain = {**params, "text": _plain(params["text"]), "parse_mode": None}
            await self._api().call("sendMessage", **plain)
