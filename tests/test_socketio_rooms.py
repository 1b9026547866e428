"""socket.io rooms across servers (bot/channels/socketio.py ``share_rooms``, issue #16).

Two socket.io servers in one test, as two Rasa servers of the cluster: a page's socket is in
its conversation's room on server A, and server B sends a bot message to that room (a reply
or a reminder handled there). With REDIS_URL set, python-socketio's AsyncRedisManager carries
it to A; with the stock in-process manager it is lost. Uses the machine's Redis on a channel
unique to the run.
"""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
from socketio import AsyncServer

from bot.channels.socketio import CoachSocketIOOutput, share_rooms

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")
REQUIRE = os.environ.get("REQUIRE_POSTGRES") == "1" or os.environ.get("REQUIRE_REDIS") == "1"


@pytest.fixture
def redis_url(monkeypatch):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except redis.RedisError as error:
        if REQUIRE:
            pytest.fail(f"Redis is required but unreachable: {error}")
        pytest.skip(f"Redis not available: {error}")
    monkeypatch.setenv("SOCKETIO_CHANNEL", f"coach-test-{uuid.uuid4().hex[:8]}")
    return REDIS_URL


async def deliveries(shared: bool, redis_url: str) -> list[tuple[str, str]]:
    """What reaches the socket on A when B sends to its room."""
    env = {"REDIS_URL": redis_url if shared else ""}
    a, b = AsyncServer(async_mode="asgi"), AsyncServer(async_mode="asgi")
    assert share_rooms(a, env) is shared and share_rooms(b, env) is shared
    received: list[tuple[str, str]] = []

    async def send_eio_packet(eio_sid, packet) -> None:  # what would go down A's websocket
        received.append((eio_sid, str(packet.data)))

    a._send_eio_packet = send_eio_packet
    for server in (a, b):  # what the first connection to each server does
        server.manager_initialized = True
        server.manager.initialize()
    sid = await a.manager.connect("page-socket", "/")
    await a.manager.enter_room(sid, "/", "web:conversation")
    await asyncio.sleep(0.5)  # A's listener subscribes
    await CoachSocketIOOutput(b, "bot_uttered").send_text_message("web:conversation", "from server B")
    for _ in range(40):
        if received:
            break
        await asyncio.sleep(0.05)
    for server in (a, b):
        thread = getattr(server.manager, "thread", None)
        if thread is not None:
            thread.cancel()
    return received


async def test_a_message_sent_on_another_server_reaches_the_page(redis_url):
    received = await deliveries(True, redis_url)
    assert len(received) == 1
    eio_sid, data = received[0]
    assert eio_sid == "page-socket" and "from server B" in data


async def test_without_redis_it_would_be_lost(redis_url):
    assert await deliveries(False, redis_url) == []
