"""The conversation lock across processes (bot/lock_store.py) against Rasa's RedisLockStore.

The race is made deterministic: N processes are released at once, and a hook pauses each
one between reading the lock and writing it back (a barrier in ``get_lock``), which is
exactly the window where Rasa's ``issue_ticket`` loses. The project's store issues a
ticket in one Redis script, so it never enters that window.

Runs against the machine's Redis (REDIS_TEST_URL, default redis://127.0.0.1:6379/0),
under a key prefix unique to the run, deleted afterwards.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

from bot.lock_store import CoachLockStore

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")
REQUIRE = os.environ.get("REQUIRE_POSTGRES") == "1" or os.environ.get("REQUIRE_REDIS") == "1"
N = 6
HOLD_S = 0.15


@pytest.fixture(scope="module")
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=3)
    try:
        client.ping()
    except redis.RedisError as error:
        if REQUIRE:
            pytest.fail(f"Redis is required but unreachable: {error}")
        pytest.skip(f"Redis not available: {error}")
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client):
    name = f"coachtest{uuid.uuid4().hex[:12]}"
    yield name
    for key in redis_client.scan_iter(f"{name}*"):
        redis_client.delete(key)


def _store(kind: str, prefix: str, pause=None):
    """The store under test, with ``pause`` called between a read of the lock and its write."""
    if kind == "rasa":
        from rasa.core.lock_store import RedisLockStore
        from redis.connection import parse_url

        parts = parse_url(REDIS_URL)
        base = RedisLockStore
        kwargs = dict(host=parts.get("host", "127.0.0.1"), port=parts.get("port", 6379),
                      db=parts.get("db", 0), key_prefix=prefix)
    else:
        base = CoachLockStore
        kwargs = dict(url=REDIS_URL, key_prefix=f"{prefix}:lock:", poll_s=0.01)

    class Paused(base):  # type: ignore[misc, valid-type]
        def get_lock(self, conversation_id):
            lock = super().get_lock(conversation_id)
            if pause is not None:
                pause()
            return lock

    return Paused(**kwargs)


def _contender(kind: str, prefix: str, conversation: str, start, between, results) -> None:
    issuing = [True]

    def pause() -> None:
        if not issuing[0]:
            return
        try:
            between.wait(timeout=3)  # every process has read the lock: now they write
        except Exception:  # noqa: BLE001 - a store that does not read never fills the barrier
            pass

    store = _store(kind, prefix, pause)
    start.wait(timeout=30)
    ticket = store.issue_ticket(conversation, 30)
    issuing[0] = False  # the hook is for issuing only
    lock = asyncio.run(store._acquire_lock(conversation, ticket, 0.01))
    entered = time.time()
    time.sleep(HOLD_S)  # "processing the message"
    left = time.time()
    store.cleanup(conversation, ticket)
    results.put((ticket, entered, left, lock is not None))


def race(kind: str, prefix: str) -> tuple[list[int], int]:
    """Tickets handed out, and how many pairs of processes held the lock at the same time."""
    context = multiprocessing.get_context("fork")
    start, between, results = context.Barrier(N), context.Barrier(N), context.Queue()
    conversation = f"rest:race-{uuid.uuid4().hex[:6]}"
    args = (kind, prefix, conversation, start, between, results)
    processes = [context.Process(target=_contender, args=args) for _ in range(N)]
    for process in processes:
        process.start()
    rows = [results.get(timeout=60) for _ in range(N)]
    for process in processes:
        process.join(timeout=10)
    tickets = sorted(row[0] for row in rows)
    spans = sorted((row[1], row[2]) for row in rows)
    overlaps = sum(1 for i in range(N) for j in range(i + 1, N) if spans[j][0] < spans[i][1])
    return tickets, overlaps


def test_rasa_redis_lock_store_hands_out_duplicate_tickets(prefix):
    tickets, overlaps = race("rasa", prefix)
    print(f"\nRasa RedisLockStore, {N} processes: tickets {tickets}, overlapping holders {overlaps}")
    assert len(set(tickets)) < N  # the race: one number for several messages
    assert overlaps > 0  # and so two messages of one conversation processed at once


def test_coach_lock_store_never_does(prefix):
    tickets, overlaps = race("coach", prefix)
    print(f"\nCoachLockStore, {N} processes: tickets {tickets}, overlapping holders {overlaps}")
    assert tickets == list(range(1, N + 1))
    assert overlaps == 0


HOLDER = textwrap.dedent("""
    import asyncio, sys, time
    from bot.lock_store import CoachLockStore
    store = CoachLockStore(url=sys.argv[1], key_prefix=sys.argv[2], poll_s=0.01)
    async def hold():
        async with store.lock(sys.argv[3], lock_lifetime=float(sys.argv[4])):
            print("HOLDING", flush=True)
            time.sleep(3600)
    asyncio.run(hold())
""")


def test_a_killed_holder_expires_and_the_conversation_goes_on(prefix):
    lifetime = 2.0
    conversation = "rest:killed-holder"
    key_prefix = f"{prefix}:lock:"
    command = [sys.executable, "-c", HOLDER, REDIS_URL, key_prefix, conversation, str(lifetime)]
    holder = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "HOLDING"
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        killed_at = time.monotonic()
        store = CoachLockStore(url=REDIS_URL, key_prefix=key_prefix, poll_s=0.01)
        assert store.is_someone_waiting(conversation)  # the dead holder's ticket is still there

        async def next_message() -> float:
            async with store.lock(conversation):
                return time.monotonic()

        acquired_at = asyncio.run(next_message())
        waited = acquired_at - killed_at
        assert 0.5 < waited < lifetime + 2, waited  # waited for the expiry, and not much longer
        assert not store.is_someone_waiting(conversation)  # released, lock gone
    finally:
        if holder.poll() is None:
            holder.kill()


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_messages_of_one_conversation_run_one_at_a_time_in_order(kind, request):
    url = ""
    key_prefix = "unused"
    if kind == "redis":
        request.getfixturevalue("redis_client")
        url, key_prefix = REDIS_URL, f"{request.getfixturevalue('prefix')}:lock:"
    store = CoachLockStore(url=url, key_prefix=key_prefix, poll_s=0.005)
    assert store.kind == kind
    log: list[tuple[str, int]] = []

    async def message(number: int) -> None:
        async with store.lock("rest:one"):
            log.append(("in", number))
            await asyncio.sleep(0.01)
            log.append(("out", number))

    async def burst() -> None:
        tasks = []
        for number in range(20):
            tasks.append(asyncio.create_task(message(number)))
            await asyncio.sleep(0)  # each issues its ticket in this order
        await asyncio.gather(*tasks)

    started = time.monotonic()
    asyncio.run(burst())
    assert log == [(side, n) for n in range(20) for side in ("in", "out")]
    assert time.monotonic() - started < 5  # polling, not Rasa's 1 s sleeps
    assert store.get_lock("rest:one") is None


def test_an_expired_ticket_is_a_lock_error():
    from rasa.core.lock_store import LockError

    store = CoachLockStore(url="", poll_s=0.005)

    async def late() -> None:
        first = store.issue_ticket("rest:x", 5)
        second = store.issue_ticket("rest:x", 0.05)
        assert (first, second) == (1, 2)
        await store._acquire_lock("rest:x", second, 0.005)

    with pytest.raises(LockError):
        asyncio.run(late())


def test_endpoints_name_the_project_store_and_it_falls_back_to_memory(monkeypatch):
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import read_endpoint_config

    monkeypatch.delenv("REDIS_URL", raising=False)
    for name in ("DATABASE_URL", "ACTION_SERVER_PORT", "ACTION_SERVER_SECRET"):  # read with the file
        monkeypatch.setenv(name, os.environ.get(name) or "x")
    config = read_endpoint_config("endpoints.yml", "lock_store")
    assert config.type == "bot.lock_store.CoachLockStore"
    store = LockStore.create(config)
    assert isinstance(store, CoachLockStore) and store.kind == "memory"
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    assert LockStore.create(read_endpoint_config("endpoints.yml", "lock_store")).kind == "redis"
