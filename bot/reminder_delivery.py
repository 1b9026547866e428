"""Due reminders, delivered by the Rasa server through Rasa's external-event path.

Configured in credentials.yml as ``bot.reminder_delivery.ReminderScheduler`` (an input
channel only so that it starts and stops with the server and sees the other channels;
its one route, ``GET /webhooks/reminders/``, is a health check).

A due reminder becomes the external intent ``EXTERNAL_reminder`` (entity ``reminder_id``:
the occurrence key), fed to ``MessageProcessor.trigger_external_user_uttered`` exactly as
Rasa's own ``ReminderScheduled`` is (``MessageProcessor.handle_reminder``), under the
conversation's lock: it is in the tracker, and ``action_reminder`` answers it through the
output channel given.

- **Pushed** by a loop in the server (every ``REMINDER_POLL_SECONDS``, 15 by default) to
  conversations it can reach now: Telegram (``sendMessage`` to the person's private chat)
  and a web page that is open (its socket.io room has a socket).
- **Otherwise at the next message**: every channel calls :func:`before_message` before
  handing a message to Rasa, so the reminder comes first in the same answer (REST has no
  push: this is how it gets there).
- **Exactly once**: rows are claimed with a lease (``bot/reminders.py``). A server that dies
  after Rasa stored the reminder but before the row was marked done leaves it to be claimed
  again; the occurrence key is then found among the stored events and it is only marked done.

Rasa's own reminders stay unused: they live in one process's memory (RasaHQ/rasa#2716).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import db
from bot.reminders import Reminder, ReminderStore

logger = logging.getLogger(__name__)

INTENT = "EXTERNAL_reminder"
ENTITY = "reminder_id"
DEFAULT_POLL_S = 15.0

_current: Delivery | None = None


class Delivery:
    """Claims and fires due reminders for one Rasa server."""

    def __init__(self, app: Any, store: ReminderStore | None = None, worker: str | None = None) -> None:
        self.app = app
        self.store = store or ReminderStore(db.default_engine())
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"

    @property
    def agent(self) -> Any:
        return getattr(self.app.ctx, "agent", None)

    def channels(self) -> list[InputChannel]:
        return list(getattr(self.app.ctx, "input_channels", None) or [])

    # -- firing -------------------------------------------------------------------------

    def _already_stored(self, reminder: Reminder) -> bool:
        """The occurrence is in the tracker already (a crash between Rasa's save and done)."""
        events = db.tracker_events
        pattern = f'%"value": "{reminder.key}"%'
        with self.store.engine.connect() as connection:
            if not sa.inspect(connection).has_table(events.name):
                return False
            return (
                connection.execute(
                    sa.select(events.c.id)
                    .where(
                        events.c.sender_id == reminder.sender_id,
                        events.c.intent_name == INTENT,
                        events.c.data.like(pattern),
                    )
                    .limit(1)
                ).first()
                is not None
            )

    async def fire(self, reminder: Reminder, output: OutputChannel) -> None:
        agent = self.agent
        if agent is None or agent.processor is None:
            await asyncio.to_thread(self.store.release, reminder, self.worker)
            return
        async with agent.lock_store.lock(reminder.sender_id):
            if await asyncio.to_thread(self._already_stored, reminder):
                logger.info("Reminder %s was delivered before a restart: not sent again", reminder.id)
            else:
                # A session that expired starts anew here, silently: its opening words name the
                # coach's purpose, and whatever goes out unprompted must be neutral.
                tracker = await agent.processor.fetch_tracker_and_update_session(
                    reminder.sender_id, CollectingOutputChannel())
                await agent.processor.trigger_external_user_uttered(
                    INTENT, [{"entity": ENTITY, "value": reminder.key}], tracker, output
                )
        await asyncio.to_thread(self.store.done, reminder, self.worker)
        logger.info("Reminder %s delivered", reminder.id)

    async def before_message(self, sender_id: str, output: OutputChannel) -> None:
        claimed = await asyncio.to_thread(self.store.claim_due, self.worker, 10, sender_id)
        for reminder in claimed:
            await self.fire(reminder, output)

    # -- pushing ------------------------------------------------------------------------

    def _push_targets(self) -> tuple[list[str], list[str], dict[str, Callable[[str], OutputChannel | None]]]:
        prefixes: list[str] = []
        senders: list[str] = []
        outputs: dict[str, Callable[[str], OutputChannel | None]] = {}
        for channel in self.channels():
            name = channel.name()
            if name == "telegram" and getattr(getattr(channel, "config", None), "enabled", False):
                prefixes.append("tg:")
                outputs["tg:"] = _own_output(channel)
            elif name == "socketio" and getattr(channel, "sio", None) is not None:
                sio, namespace = channel.sio, channel.namespace or "/"
                rooms = sio.manager.rooms.get(namespace, {})
                for room, members in list(rooms.items()):
                    if isinstance(room, str) and room.startswith("web:") and members:
                        senders.append(room)
                outputs["web:"] = _socket_output(channel)
        return prefixes, senders, outputs

    async def push_due(self) -> int:
        prefixes, senders, outputs = self._push_targets()
        if not prefixes and not senders:
            return 0
        claimed = await asyncio.to_thread(self.store.claim_due, self.worker, 50, None, prefixes, senders)
        for reminder in claimed:
            make = outputs.get(reminder.sender_id[: reminder.sender_id.find(":") + 1])
            output = make(reminder.sender_id) if make else None
            if output is None:
                await asyncio.to_thread(self.store.release, reminder, self.worker)
                continue
            try:
                await self.fire(reminder, output)
            except Exception as error:  # noqa: BLE001 - the lease runs out and it is tried again
                logger.error("Reminder %s not delivered: %s", reminder.id, type(error).__name__)
        return len(claimed)

    async def run(self, interval: float) -> None:
        while True:
            try:
                await self.push_due()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - the database may be back next time
                logger.error("Reminder loop: %s", type(error).__name__)
            await asyncio.sleep(interval)


def _own_output(channel: InputChannel) -> Callable[[str], OutputChannel | None]:
    """Telegram: the channel's own output sends to the person's private chat."""
    return lambda _sender: channel.get_output_channel()


def _socket_output(channel: Any) -> Callable[[str], OutputChannel | None]:
    """socket.io: emits to the conversation's room (the open page)."""
    from bot.channels.socketio import CoachSocketIOOutput

    return lambda _sender: CoachSocketIOOutput(channel.sio, channel.bot_message_evt, channel.namespace)


async def before_message(sender_id: str, output: OutputChannel) -> None:
    """Called by every channel before a message goes to Rasa: due reminders come first."""
    if _current is None:
        return
    try:
        await _current.before_message(sender_id, output)
    except Exception as error:  # noqa: BLE001 - the person's own message must still be answered
        logger.error("Reminder before a message: %s", type(error).__name__)


class ReminderScheduler(InputChannel):
    """Starts the reminder loop with the server (an input channel only for its lifecycle)."""

    @classmethod
    def name(cls) -> str:
        return "reminders"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("coach_reminders", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if _current is not None else "starting"})

        @bp.listener("after_server_start")
        async def start(app: Any, _loop: Any) -> None:
            global _current
            _current = Delivery(app)
            interval = float(os.environ.get("REMINDER_POLL_SECONDS") or DEFAULT_POLL_S)
            app.ctx.coach_reminder_task = asyncio.get_running_loop().create_task(_current.run(interval))

        @bp.listener("before_server_stop")
        async def stop(app: Any, _loop: Any) -> None:
            task = getattr(app.ctx, "coach_reminder_task", None)
            if task is not None:
                task.cancel()

        return bp
