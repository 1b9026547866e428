"""The conversation lock store: one message of a conversation at a time, across servers.

Named in endpoints.yml (``lock_store: type: bot.lock_store.CoachLockStore``) for every
entry point. With ``REDIS_URL`` set (``make cluster``) the tickets live in Redis and hold
across processes; with it empty or unset (``make run``: one process) they live in memory.
The URL is read here, not through ``${REDIS_URL}`` in endpoints.yml, because an unset
variable there stops Rasa at start.

Why not Rasa's ``RedisLockStore``: its ``issue_ticket`` reads the lock, adds a ticket in
Python and writes the lock back (``get_or_create_lock`` -> ``lock.issue_ticket`` ->
``save_lock``). Two servers doing that at the same moment both read the same lock, both
take the same next number and the later write wins, so two messages of one conversation
are processed at once (fixed upstream only in Rasa Pro's ``ConcurrentRedisLockStore``,
RasaHQ/rasa PR 11256). Here:

- ticket numbers come from Redis ``INCR`` on a per-conversation counter, so no number is
  ever handed out twice;
- every change of a lock (issue, expire, finish) is one Lua script, atomic in Redis, with
  expiry judged by Redis's own clock (``TIME``), so servers' clocks do not matter;
- the lock is a hash ``ticket number -> expiry``; the ticket served is the lowest live one.

A holder that dies (``kill -9``) leaves its ticket until it expires (``TICKET_LOCK_LIFETIME``,
Rasa's 60 s by default); the next ticket is served then. Waiting messages look every
``LOCK_POLL_S`` (default 0.02 s) instead of Rasa's 1 s: a queue of 20 messages for one
conversation otherwise costs up to 20 s of sleeping, a third of the ticket lifetime.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import deque
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore

logger = logging.getLogger(__name__)

DEFAULT_POLL_S = 0.02
DEFAULT_PREFIX = "coach:lock:"
# The counter outlives the lock (numbers must never repeat while a ticket may be alive).
COUNTER_TTL_S = 24 * 3600

# KEYS[1] counter, KEYS[2] lock hash; ARGV[1] lifetime in ms, ARGV[2] counter ttl s.
ISSUE = """
local now = redis.call('TIME')
local now_ms = now[1] * 1000 + math.floor(now[2] / 1000)
local number = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[2], number, now_ms + tonumber(ARGV[1]))
local ttl = redis.call('PTTL', KEYS[2])
if ttl < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
return number
"""

# KEYS[1] lock hash. Drops expired tickets; returns {lowest live ticket or -1, count}.
SERVING = """
local now = redis.call('TIME')
local now_ms = now[1] * 1000 + math.floor(now[2] / 1000)
local items = redis.call('HGETALL', KEYS[1])
local lowest = -1
local count = 0
for i = 1, #items, 2 do
  local number = tonumber(items[i])
  if tonumber(items[i + 1]) < now_ms then
    redis.call('HDEL', KEYS[1], items[i])
  else
    count = count + 1
    if lowest == -1 or number < lowest then lowest = number end
  end
end
return {lowest, count}
"""

# KEYS[1] lock hash; ARGV[1] ticket. Removes the ticket; the lock goes with its last ticket.
FINISH = """
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[1]) end
return 1
"""

# KEYS[1] lock hash. The live tickets, for get_lock (read-only apart from expiry).
TICKETS = """
local now = redis.call('TIME')
local now_ms = now[1] * 1000 + math.floor(now[2] / 1000)
local items = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #items, 2 do
  if tonumber(items[i + 1]) < now_ms then
    redis.call('HDEL', KEYS[1], items[i])
  else
    table.insert(live, items[i]); table.insert(live, items[i + 1])
  end
end
return live
"""


class _Memory:
    """One process: the same operations on a dict (asyncio runs one of them at a time)."""

    def __init__(self) -> None:
        self.counters: dict[str, int] = {}
        self.locks: dict[str, dict[int, float]] = {}

    def issue(self, conversation_id: str, lifetime: float) -> int:
        number = self.counters.get(conversation_id, 0) + 1
        self.counters[conversation_id] = number
        self.locks.setdefault(conversation_id, {})[number] = time.time() + lifetime
        return number

    def tickets(self, conversation_id: str) -> dict[int, float]:
        lock = self.locks.get(conversation_id)
        if lock is None:
            return {}
        now = time.time()
        for number in [n for n, expires in lock.items() if expires < now]:
            del lock[number]
        if not lock:
            self._drop(conversation_id)
        return dict(lock)

    def serving(self, conversation_id: str) -> tuple[int, int]:
        live = self.tickets(conversation_id)
        return (min(live) if live else -1), len(live)

    def finish(self, conversation_id: str, number: int) -> None:
        lock = self.locks.get(conversation_id)
        if lock is not None:
            lock.pop(number, None)
            if not lock:
                self._drop(conversation_id)

    def delete(self, conversation_id: str) -> None:
        self.locks.pop(conversation_id, None)

    def _drop(self, conversation_id: str) -> None:
        # The counter goes too: in one process no ticket of this conversation is alive now.
        self.locks.pop(conversation_id, None)
        self.counters.pop(conversation_id, None)


class _Redis:
    def __init__(self, url: str, prefix: str, socket_timeout: float = 5) -> None:
        import redis

        self.red = redis.Redis.from_url(
            url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout,
            health_check_interval=10)
        self.prefix = prefix
        self._issue = self.red.register_script(ISSUE)
        self._serving = self.red.register_script(SERVING)
        self._finish = self.red.register_script(FINISH)
        self._tickets = self.red.register_script(TICKETS)

    def _keys(self, conversation_id: str) -> tuple[str, str]:
        return f"{self.prefix}{conversation_id}:n", f"{self.prefix}{conversation_id}"

    def issue(self, conversation_id: str, lifetime: float) -> int:
        return int(self._issue(keys=self._keys(conversation_id), args=[int(lifetime * 1000), COUNTER_TTL_S]))

    def tickets(self, conversation_id: str) -> dict[int, float]:
        items = self._tickets(keys=[self._keys(conversation_id)[1]])
        return {int(items[i]): int(items[i + 1]) / 1000 for i in range(0, len(items), 2)}

    def serving(self, conversation_id: str) -> tuple[int, int]:
        lowest, count = self._serving(keys=[self._keys(conversation_id)[1]])
        return int(lowest), int(count)

    def finish(self, conversation_id: str, number: int) -> None:
        self._finish(keys=[self._keys(conversation_id)[1]], args=[number])

    def delete(self, conversation_id: str) -> None:
        self.red.delete(self._keys(conversation_id)[1])


def redis_url(env: dict[str, str] | None = None) -> str:
    value = ((os.environ if env is None else env).get("REDIS_URL") or "").strip()
    if value and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
        raise ValueError("REDIS_URL must be a redis://, rediss:// or unix:// URL")
    return value


class CoachLockStore(LockStore):
    """Ticket locks with atomic issue and release: in Redis when REDIS_URL is set, else in memory."""

    def __init__(self, endpoint_config: Any = None, url: str | None = None, key_prefix: str | None = None,
                 poll_s: float | None = None) -> None:
        kwargs = dict(getattr(endpoint_config, "kwargs", None) or {})
        url = url if url is not None else (getattr(endpoint_config, "url", None) or redis_url())
        prefix = key_prefix or kwargs.get("key_prefix") or os.environ.get("LOCK_KEY_PREFIX") or DEFAULT_PREFIX
        self.poll_s = poll_s if poll_s is not None else float(os.environ.get("LOCK_POLL_S") or DEFAULT_POLL_S)
        self.backend: _Memory | _Redis = _Redis(url, prefix) if url else _Memory()
        self.kind = "redis" if url else "memory"
        super().__init__()

    # -- Rasa's LockStore interface, each step atomic ------------------------------------

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self.backend.issue(conversation_id, lock_lifetime)
        except Exception as error:  # noqa: BLE001 - Rasa's contract: a LockError
            raise LockError(f"Could not issue a ticket: {type(error).__name__}") from error

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        live = self.backend.tickets(conversation_id)
        if not live:
            return None
        tickets = deque(Ticket(number, live[number]) for number in sorted(live))
        return TicketLock(conversation_id, tickets)

    def save_lock(self, lock: TicketLock) -> None:
        # Rasa's read-modify-write path; nothing here calls it, and it cannot be made atomic.
        raise NotImplementedError("CoachLockStore changes locks only through its atomic operations")

    def delete_lock(self, conversation_id: str) -> None:
        self.backend.delete(conversation_id)

    def update_lock(self, conversation_id: str) -> None:
        self.backend.serving(conversation_id)  # drops expired tickets, atomically

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.backend.finish(conversation_id, ticket_number)

    def is_someone_waiting(self, conversation_id: str) -> bool:
        return self.backend.serving(conversation_id)[1] > 0

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # finish removes the lock with its last ticket: no separate (racy) delete.
        try:
            self.backend.finish(conversation_id, ticket_number)
        except Exception as error:  # noqa: BLE001 - the ticket expires by itself
            logger.warning("Could not release a conversation lock (%s); it expires by itself",
                           type(error).__name__)

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float | None = None) -> AsyncGenerator[TicketLock, None]:
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self._acquire_lock(conversation_id, ticket, self.poll_s)
        finally:
            self.cleanup(conversation_id, ticket)

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        while True:
            try:
                lowest, _ = self.backend.serving(conversation_id)
            except Exception as error:  # noqa: BLE001
                raise LockError(f"Could not read the lock: {type(error).__name__}") from error
            if lowest == ticket:
                return TicketLock(conversation_id, deque([Ticket(ticket, time.time() + LOCK_LIFETIME)]))
            if lowest == -1 or lowest > ticket:
                # Our own ticket expired while we waited: Rasa raises here too.
                raise LockError(f"The lock ticket expired for conversation '{conversation_id}'.")
            await asyncio.sleep(wait_time_in_seconds)
