"""Keep the connection to the action server open between calls.

Upstream: ``EndpointConfig.request`` opens a new ``aiohttp.ClientSession`` (and so a new
TCP connection, with its own connector) for every request and closes it afterwards;
every custom action pays for a connect and a session set-up. Profiled under the bench
that was 4-6% of the Rasa server's CPU. Here each endpoint keeps one session per event
loop, with the same headers, auth and timeout Rasa gives it; its idle connections are
dropped after 2 s, before the action server (Sanic, 5 s keep-alive) would drop them, so
a request is never sent down a connection the server is closing.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.patches import is_patched, patched, require

SESSION = "_coach_session"
IDLE_SECONDS = 2.0


class _Kept:
    """``async with endpoint.session() as session`` without closing the session afterwards."""

    def __init__(self, session: Any) -> None:
        self._session = session

    async def __aenter__(self) -> Any:
        return self._session

    async def __aexit__(self, *exc_info: Any) -> bool:
        return False


def apply() -> None:
    require("rasa")
    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    if is_patched(EndpointConfig.session):
        return
    upstream = EndpointConfig.session

    def session(self: EndpointConfig) -> _Kept:
        loop = asyncio.get_running_loop()
        # The session is kept with the loop it was made on (aiohttp deprecates session.loop).
        kept, kept_loop = self.__dict__.get(SESSION) or (None, None)
        if kept is None or kept.closed or kept_loop is not loop:
            auth = None
            if self.basic_auth:
                auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
            kept = aiohttp.ClientSession(
                headers=self.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_SECONDS),
            )
            self.__dict__[SESSION] = (kept, loop)
        return _Kept(kept)

    EndpointConfig.session = patched(session, upstream)  # type: ignore[method-assign]
