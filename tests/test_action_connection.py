"""Calls to the action server share a kept-open connection (bot/patches/action_connection.py)."""

from __future__ import annotations

import asyncio

import pytest
from rasa.utils.endpoints import EndpointConfig

from bot import patches
from bot.patches import action_connection
from tests.ports import port

ORIGINAL = patches.upstream(EndpointConfig.session)


async def http_server(connections: list[int]):
    """A tiny keep-alive HTTP server that counts the TCP connections it is given."""

    async def handle(reader, writer):
        connections.append(1)
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                break
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length")), 0)
            await reader.readexactly(length)
            body = b'{"events": [], "responses": []}'
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\nConnection: keep-alive\r\n\r\n%s" % (len(body), body))
            await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", port(15256))


@pytest.fixture
def patched(monkeypatch):
    monkeypatch.setattr(EndpointConfig, "session", ORIGINAL)
    action_connection.apply()
    yield
    monkeypatch.setattr(EndpointConfig, "session", ORIGINAL)


async def test_twenty_action_calls_use_one_connection(patched):
    connections: list[int] = []
    server = await http_server(connections)
    endpoint = EndpointConfig(f"http://127.0.0.1:{port(15256)}/webhook", headers={"X-Test": "1"})
    try:
        for _ in range(20):
            assert await endpoint.request(json={"next_action": "action_x"}, method="post") == {
                "events": [], "responses": []}
    finally:
        async with endpoint.session() as session:
            await session.close()
        await asyncio.sleep(0.05)  # let the server see the close
        server.close()
        await server.wait_closed()
    assert len(connections) == 1
