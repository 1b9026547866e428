"""The cluster of `make cluster` under load and faults (issue #16), on one cluster for the module.

Started by the same code as `make cluster` (``bot.cluster.Cluster``), with two Rasa servers,
its own PostgreSQL and Redis, and a TCP proxy in front of each store so that connections can
be cut without stopping either. The module's tests run in file order:

- 20 conversations x 5 turns at 8 clients: no 5xx, each message stored once and in order,
  progress rows exactly what was reported;
- 20 messages at once to one conversation across both servers: each user message is
  followed by its own actions before the next starts, none lost;
- kill -9 of one Rasa server mid-run: one retry with the same message_id succeeds, nothing
  committed is lost, nginx stops routing to it, and it rejoins once restarted;
- PostgreSQL, then Redis, cut mid-run: the polite "not saved" reply, never a 5xx, and
  recovery with no process restarted.

``make test-cluster`` runs the load test at 200 x 10 with 32 clients (marker ``cluster_heavy``).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import cluster as cluster_module
from bot import launcher
from bot.texts import render
from tests.ports import port
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.server

NOT_SAVED = render("not_saved")[0]
HEAVY = os.environ.get("CLUSTER_HEAVY") == "1"
KILL_TURNS = 10


class Running:
    def __init__(self, cluster: cluster_module.Cluster, pg_proxy: TcpProxy, redis_proxy: TcpProxy,
                 direct_url: str) -> None:
        self.cluster = cluster
        self.pg_proxy = pg_proxy
        self.redis_proxy = redis_proxy
        self.url = f"http://127.0.0.1:{cluster.layout.port}"
        self.engine = sa.create_engine(direct_url, future=True)  # past the proxy: reads work during a cut

    def send(self, sender: str, message: str, message_id: str | None = None,
             timeout: float = 90) -> tuple[int, list[dict], str]:
        body: dict = {"sender": sender, "message": message}
        if message_id:
            body["message_id"] = message_id
        request = urllib.request.Request(f"{self.url}/webhooks/rest/webhook", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                upstream = response.headers.get("X-Coach-Upstream", "")
                return response.status, json.loads(response.read()), upstream
        except urllib.error.HTTPError as error:
            return error.code, [], error.headers.get("X-Coach-Upstream", "") if error.headers else ""
        except (urllib.error.URLError, ConnectionError, http.client.HTTPException, TimeoutError):
            return 0, [], ""  # no answer at all

    def user_texts(self, sender: str) -> list[str]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
                {"s": f"rest:{sender}"}).scalars().all()
        return [json.loads(row)["text"] for row in rows]

    def event_kinds(self, sender: str) -> list[tuple[str, str | None]]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
                {"s": f"rest:{sender}"}).all()
        return [(row.type_name, json.loads(row.data).get("text") if row.type_name == "user" else
                 json.loads(row.data).get("name")) for row in rows]

    def done_steps(self, sender: str) -> set[str]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT step FROM coach_progress WHERE sender_id = :s AND done"), {"s": f"rest:{sender}"})
            return {row.step for row in rows}

    def pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.cluster.supervisor.processes.items()}


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    if not launcher.MODEL.exists():
        pytest.fail(f"no trained model at {launcher.MODEL}: run `make train` (make test does)")
    folder = tmp_path_factory.mktemp("cluster")
    # Outside pytest's folders, which the postgres user may not enter.
    top = Path(tempfile.mkdtemp(prefix="coach-cluster-test-"))
    os.chmod(top, 0o755)
    stores, root = top / "stores", top / "cluster"
    stores.mkdir()
    root.mkdir()
    base = port(15600)  # its internal ports: base + 0 .. base + 84
    postgres = cluster_module.PrivatePostgres(base + 81, stores)
    redis = cluster_module.PrivateRedis(base + 82, stores)
    log = open(folder / "cluster.log", "wb")  # noqa: SIM115 - lives with the processes
    postgres.output = redis.output = log
    pg_proxy = redis_proxy = cluster = None
    stopping: list[bool] = []
    try:
        postgres.start()
        redis.start()
        pg_proxy = TcpProxy(base + 83, "127.0.0.1", postgres.port).start()
        redis_proxy = TcpProxy(base + 84, "127.0.0.1", redis.port).start()
        env = launcher.environment()
        env.update(
            DATABASE_URL=f"postgresql://postgres@127.0.0.1:{base + 83}/coach",
            REDIS_URL=f"redis://127.0.0.1:{base + 84}/0",
            CLUSTER_PORT=str(port(15800)), CLUSTER_BASE_PORT=str(base), CLUSTER_SERVERS="2",
            CLUSTER_SHOW_UPSTREAM="1", PYTHONUNBUFFERED="1",
            # A killed holder's ticket frees its conversation after this long (Rasa: 60 s).
            TICKET_LOCK_LIFETIME="15",
        )
        cluster = cluster_module.Cluster(env, output=log, root=root)
        started = time.monotonic()
        cluster.start(timeout=400)
        print(f"\ncluster started in {time.monotonic() - started:.1f} s")
        supervising = threading.Thread(target=cluster.supervisor.run, args=(lambda: bool(stopping),),
                                       daemon=True)
        supervising.start()
        yield Running(cluster, pg_proxy, redis_proxy, postgres.url)
    finally:
        stopping.append(True)
        if cluster is not None:
            time.sleep(0.6)
            cluster.stop()
        for proxy in (pg_proxy, redis_proxy):
            if proxy is not None:
                proxy.stop()
        redis.stop()
        postgres.stop()
        shutil.rmtree(top, ignore_errors=True)
        log.close()


def script(index: int, turns: int) -> list[tuple[str, str | None]]:
    """A conversation's messages and the step each one reports: even ones report two steps."""
    steps = ["acknowledge", "apologize"] if index % 2 == 0 else ["acknowledge"]
    messages: list[tuple[str, str | None]] = [("I cheated on my wife", None)]
    for step in steps:
        messages.append((f'/report_step_done{{"step":"{step}"}}', step))
    fillers = ["how long does healing take?", "thank you", "how do I rebuild trust?", "ok"]
    while len(messages) < turns:
        messages.append((fillers[len(messages) % len(fillers)], None))
    return messages[:turns]


def run_load(running: Running, conversations: int, turns: int, clients: int) -> dict:
    tag = uuid.uuid4().hex[:6]
    statuses: list[int] = []
    latencies: list[float] = []

    def conversation(index: int) -> str:
        sender = f"load-{tag}-{index}"
        for number, (text, _) in enumerate(script(index, turns)):
            started = time.monotonic()
            status, replies, _ = running.send(sender, text, message_id=f"{sender}-{number}")
            latencies.append(time.monotonic() - started)
            statuses.append(status)
            assert status == 200 and replies, (sender, number, status)
        return sender

    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        senders = list(pool.map(conversation, range(conversations)))
    elapsed = time.monotonic() - started
    for index, sender in enumerate(senders):
        expected = script(index, turns)
        assert running.user_texts(sender) == [text for text, _ in expected], sender
        assert running.done_steps(sender) == {step for _, step in expected if step}, sender
    latencies.sort()
    figures = {"turns": len(statuses), "seconds": round(elapsed, 1),
               "turns_per_s": round(len(statuses) / elapsed, 1),
               "p50_ms": round(latencies[len(latencies) // 2] * 1000),
               "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000)}
    print(f"\nload {conversations}x{turns} at {clients} clients: {figures}")
    return figures


def test_load_20_conversations_of_5_turns_at_8_clients(running):
    run_load(running, 20, 5, 8)


@pytest.mark.cluster_heavy
@pytest.mark.skipif(not HEAVY, reason="make test-cluster (CLUSTER_HEAVY=1): 200 x 10 at 32 clients")
def test_load_200_conversations_of_10_turns_at_32_clients(running):
    run_load(running, 200, 10, 32)


def test_a_retry_gets_the_very_same_answer(running):
    sender = f"retry-{uuid.uuid4().hex[:6]}"
    first = running.send(sender, "my husband cheated on me", message_id="one")
    again = running.send(sender, "my husband cheated on me", message_id="one")
    assert first[0] == again[0] == 200 and first[1] and first[1] == again[1]
    assert running.user_texts(sender) == ["my husband cheated on me"]  # processed once


def test_20_messages_at_once_to_one_conversation_across_servers(running):
    sender = f"burst-{uuid.uuid4().hex[:6]}"
    running.send(sender, "I cheated on my wife")
    texts = [f"how long does healing take? ({n})" for n in range(20)]
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda text: running.send(sender, text), texts))
    assert all(status == 200 and replies for status, replies, _ in results)
    assert len({upstream for _, _, upstream in results}) == 2  # both servers took part
    kinds = running.event_kinds(sender)
    users = [text for kind, text in kinds if kind == "user"]
    assert sorted(users[1:]) == sorted(texts) and len(users) == 21  # none lost, none twice
    # Each user message is followed by its own actions, ending with action_listen, before
    # the next user message: no two messages of the conversation were processed at once.
    turn: list[str] = []
    for kind, name in kinds[kinds.index(("user", users[1])):] + [("user", None)]:
        if kind == "user":
            if turn:
                assert turn[-1] == "action_listen" and len(turn) >= 2, turn
            turn = []
        elif kind == "action":
            turn.append(name)


def test_kill_9_of_one_rasa_server(running):
    supervisor = running.cluster.supervisor
    victim = "rasa server 1"
    victim_port = str(running.cluster.layout.rasa_ports[0])
    tag = uuid.uuid4().hex[:6]
    outcomes: list[tuple[str, int, bool]] = []

    def conversation(index: int) -> None:
        sender = f"kill-{tag}-{index}"
        for number, (text, _) in enumerate(script(index, KILL_TURNS)):
            message_id = f"{sender}-{number}"
            status, replies, _ = running.send(sender, text, message_id=message_id)
            retried = False
            if status != 200:
                retried = True  # the client's one retry, same message_id
                status, replies, _ = running.send(sender, text, message_id=message_id)
            outcomes.append((sender, status, retried))

    def kill_soon() -> None:
        time.sleep(1.0)
        os.kill(supervisor.processes[victim].pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_soon)
    killer.start()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(conversation, range(8)))
    killer.join()
    retried = sum(r for _, _, r in outcomes)
    print(f"\nkill -9: {retried} of {len(outcomes)} requests needed their one retry")
    assert all(status == 200 for _, status, _ in outcomes), outcomes
    assert retried >= 1  # some request was on the killed server when it died
    for index in range(8):
        sender = f"kill-{tag}-{index}"
        assert running.user_texts(sender) == [text for text, _ in script(index, KILL_TURNS)], sender

    # While it is down (or coming back), nginx sends nothing to it that fails.
    for _ in range(6):
        assert running.send(f"after-{tag}", "how long does healing take?")[0] == 200
    # The supervisor starts it again, and nginx sends it requests again.
    deadline = time.monotonic() + 180
    while supervisor.processes[victim].poll() is not None or not launcher.answers(
            f"http://127.0.0.1:{victim_port}/"):
        assert time.monotonic() < deadline, "the killed server did not come back"
        time.sleep(1)
    seen = set()
    for n in range(12):
        status, _, upstream = running.send(f"rejoin-{tag}-{n}", "hello")
        assert status == 200
        seen.add(upstream.rsplit(":", 1)[-1])
        if victim_port in seen:
            break
        time.sleep(1)  # nginx retries a failed server after fail_timeout
    assert victim_port in seen, seen


@pytest.mark.parametrize("store", ["postgres", "redis"])
def test_a_store_cut_off_gets_the_polite_reply_and_recovers(running, store):
    proxy = running.pg_proxy if store == "postgres" else running.redis_proxy
    sender = f"cut-{store}-{uuid.uuid4().hex[:6]}"
    assert running.send(sender, "I cheated on my wife")[0] == 200
    before = running.pids()
    proxy.cut()
    try:
        time.sleep(0.3)
        for n in range(4):  # both servers, each at least once
            status, replies, _ = running.send(sender, f"how long does healing take? ({n})")
            assert status == 200, status
            assert [r.get("text") for r in replies] == [NOT_SAVED], replies
    finally:
        proxy.restore()
    deadline = time.monotonic() + 30
    while True:
        status, replies, _ = running.send(sender, "how do I rebuild trust?")
        if [r.get("text") for r in replies] != [NOT_SAVED]:
            break
        assert time.monotonic() < deadline, "no recovery after the store came back"
        time.sleep(1)
    assert status == 200 and replies
    assert running.send(sender, "thank you")[0] == 200
    assert running.user_texts(sender) == ["I cheated on my wife", "how do I rebuild trust?", "thank you"]
    assert running.pids() == before  # nothing restarted


def test_the_page_and_its_socket_are_served_through_the_balancer(running):
    port = running.cluster.layout.port
    with urllib.request.urlopen(f"{running.url}/config.js", timeout=10) as response:
        assert f'"socketUrl": "http://127.0.0.1:{port}"' in response.read().decode()  # the balancer's origin
    handshake = urllib.request.Request(f"{running.url}/socket.io/?EIO=4&transport=polling",
                                       headers={"Origin": f"http://127.0.0.1:{port}"})
    with urllib.request.urlopen(handshake, timeout=10) as response:
        assert response.status == 200 and b'"sid"' in response.read()
