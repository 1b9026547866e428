"""A body over the size limit gets its 413, not a dropped connection.

Sanic 21.12 (the web server of Rasa 3.6.21) checks the declared ``Content-Length`` on the
first read of the body, answers 413 without reading any of it, waits one millisecond and
closes (``sanic/http.py``, ``Http.http1``: "This little delay allows clients to push a
small request into network buffers before we close the socket"). A client still sending a
megabyte then writes into a closed socket; the kernel answers with a reset and throws away
the 413 the client had not read yet. The client sees a dropped connection, as if the
service had failed: the fuzz test in ``tests/test_security.py`` saw it for 1 of 8 oversized
posts in one CI run.

Here the server reads and discards the rest of the declared body before it closes, as
nginx's lingering close does, within bounds: a body declared over ``DRAIN_MAX_BYTES`` or a
client slower than ``DRAIN_SECONDS`` is cut off as before. Sanic's own ``REQUEST_TIMEOUT``
already lets a slow client hold a connection far longer, so this opens nothing new.
Chunked bodies are left as they were.
Upstream: sanic/http.py ``Http.http1`` (the ``except PayloadTooLarge`` after the handler)
and ``Http.__aiter__``; sanic 21.12.2 is what Rasa 3.6.21 pins. Applied when ``sanic.http`` is
imported (``autoload``): every Sanic server of the project gets it, the Rasa server's first.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from bot.patches import is_patched, patched, require

DRAIN_MAX_BYTES = 16 * 1024 * 1024
DRAIN_SECONDS = 5.0
SANIC_VERSION = "21.12.2"


async def _drain(http: Any) -> None:
    left = http.request_bytes_left or 0
    if http.request_body is not True or left > DRAIN_MAX_BYTES:
        return
    buffer = http.recv_buffer
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DRAIN_SECONDS
    while left > 0:
        if buffer:
            taken = min(len(buffer), left)
            del buffer[:taken]
            left -= taken
            continue
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        try:
            await asyncio.wait_for(http._receive_more(), remaining)
        except asyncio.TimeoutError:
            break
    http.request_bytes_left = left


def apply() -> None:
    require("rasa")
    from importlib.metadata import version

    from sanic import http
    from sanic.exceptions import PayloadTooLarge

    if version("sanic") != SANIC_VERSION:
        raise RuntimeError(f"sanic_lingering_close is written against sanic {SANIC_VERSION}")
    if is_patched(http.Http.__aiter__):
        return
    # ``Http.read`` itself cannot be wrapped: Sanic recompiles it from its source at start
    # ("touchup"), so the body iterator around it, which Sanic uses for both reads, is.
    original = http.Http.__aiter__

    async def body_chunks(self: Any) -> AsyncIterator[bytes]:
        try:
            async for data in original(self):
                yield data
        except PayloadTooLarge:
            # The 413 has gone out and Sanic is reading what is left before it closes:
            # read all of it, so the close is clean and the client gets its answer.
            if self.response is not None and self.response.status == 413:
                await _drain(self)
            raise

    http.Http.__aiter__ = patched(body_chunks, original)  # type: ignore[method-assign]
