"""Telegram state that servers of a cluster share (issue #16), on SQLite and PostgreSQL.

A button's long payload is mapped to a short key on the server that sent the button; the
press may reach another server (round-robin) or the same one after a restart. Seen update
ids are claimed in SQL, so a redelivery to another server is ignored.
"""

from __future__ import annotations

from bot.channels import telegram_render as render
from bot.telegram_store import TelegramStore

LONG = '/report_step_done{"step":"boundaries","note":"' + "x" * 60 + '"}'


def test_a_long_payload_sent_by_one_server_is_read_by_another(engine):
    store = TelegramStore(engine)
    sender = render.CallbackCodec(shared=lambda: store)
    receiver = render.CallbackCodec(shared=lambda: TelegramStore(engine))
    key = sender.encode(LONG)
    assert key.startswith(render.KEY_PREFIX) and len(key.encode()) <= render.MAX_CALLBACK_BYTES
    assert receiver.decode(key) == LONG
    assert render.CallbackCodec().decode(key) is None  # what each server alone would know


def test_an_update_is_handled_by_one_server_only(engine):
    first, second = TelegramStore(engine), TelegramStore(engine)
    assert first.first_sight(4242, "tg:1") is True
    assert second.first_sight(4242, "tg:1") is False
