"""Issue #11, "Safe to put on the internet": every finding, tried against the real servers.

The stack is started as `make run` starts it (``python -m bot.launcher``: action server,
Rasa server, chat page), on test ports, with LOG_LEVEL=DEBUG and Telegram pointed at the
local Bot API stub; all three servers log into one file, which the log tests read.
Requests are sent as an attacker would: raw bytes, chosen headers, forged calls.

If a finding stops the stack (as the surrogate sender did), the next test starts it
again, so that every test is judged on its own finding.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import socketio
import sqlalchemy as sa

from bot import db
from bot.settings import PROJECT_DIR
from tests.fuzz_cases import bad_text, random_json, random_text, rest_case, telegram_case, words
from tests.ports import port
from tests.telegram_stub import TelegramStub

pytestmark = pytest.mark.server

RASA_PORT, ACTION_PORT, WEB_PORT, SHELL_PORT, STUB_PORT = (
    port(19005), port(19055), port(19080), port(19006), port(19081))
MODEL = PROJECT_DIR / "models" / "coach.tar.gz"
ACTION_SECRET = "test-action-secret_" + uuid.uuid4().hex
TG_TOKEN = "7000000002:AAHsecurity-Token_0123456789abcdefghij"
TG_SECRET = "security-test-secret_0123456789"
SECRET_HEADER = "X-Coach-Action-Secret"
ORIGINS = (f"http://localhost:{WEB_PORT}", f"http://127.0.0.1:{WEB_PORT}")


# ---- the stack -------------------------------------------------------------------------------


class Stack:
    """`python -m bot.launcher` with its three servers; one log for all of them."""

    def __init__(self, folder: Path, stub: TelegramStub) -> None:
        self.folder = folder
        self.database_url = f"sqlite:///{folder / 'coach.db'}"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "RASA_PORT": str(RASA_PORT), "ACTION_SERVER_PORT": str(ACTION_PORT), "WEB_PORT": str(WEB_PORT),
            "ACTION_SERVER_SECRET": ACTION_SECRET,
            "LOG_LEVEL": "DEBUG", "PYTHONUNBUFFERED": "1",
            "TELEGRAM_TOKEN": TG_TOKEN, "TELEGRAM_API_URL": stub.url, "TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
            "TELEGRAM_BOT_USERNAME": "coach_security_bot",
        }
        for name in ("REST_TOKEN", "WEB_ORIGINS", "ALLOWED_HOSTS", "RASA_HOST", "ACTION_SERVER_HOST",
                     "WEB_HOST", "TELEGRAM_WEBHOOK_URL"):
            self.env.pop(name, None)
        self.launcher: subprocess.Popen | None = None
        self.starts = 0

    @property
    def log_path(self) -> Path:
        return self.folder / "servers.log"

    def start(self) -> None:
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"\n==== start {self.starts} ====\n".encode())
            self.launcher = subprocess.Popen(
                [sys.executable, "-m", "bot.launcher"], cwd=PROJECT_DIR, env=self.env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.launcher.poll() is not None:
                raise RuntimeError(f"the launcher exited during start:\n{self.logs()[-3000:]}")
            if self.logs().count("READY") >= self.starts:
                return
            time.sleep(1)
        raise RuntimeError("the stack did not become READY")

    def running(self) -> bool:
        return self.launcher is not None and self.launcher.poll() is None and answers(
            f"http://127.0.0.1:{RASA_PORT}/")

    def stop(self) -> None:
        if self.launcher is not None and self.launcher.poll() is None:
            os.kill(self.launcher.pid, signal.SIGINT)
            try:
                self.launcher.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.launcher.pid, signal.SIGKILL)
        for listener in (RASA_PORT, ACTION_PORT, WEB_PORT):  # the old launcher left none behind
            pid = listener_pid(listener)
            if pid:
                os.kill(pid, signal.SIGKILL)

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def query(self, sql: str, **params) -> list[tuple]:
        engine = db.create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(sa.text(sql), params)]
        finally:
            engine.dispose()

    def events(self, like: str) -> int:
        return self.query("SELECT count(*) FROM events WHERE sender_id LIKE :s", s=like)[0][0]

    def done_steps(self, like: str) -> set[str]:
        return {r[0] for r in self.query(
            "SELECT step FROM coach_progress WHERE done AND sender_id LIKE :s", s=like)}


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


def listeners() -> list[tuple[str, int, int | None]]:
    """(local address, port, pid) of every listening TCP socket, from `ss -ltnp`."""
    out = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        fields = line.split()
        address, _, number = fields[3].rpartition(":")
        pid = re.search(r"pid=(\d+)", line)
        found.append((address, int(number), int(pid.group(1)) if pid else None))
    return found


def listener_pid(number: int) -> int | None:
    return next((pid for _, p, pid in listeners() if p == number), None)


@pytest.fixture(scope="module")
def stub():
    running = TelegramStub(STUB_PORT, TG_TOKEN, "coach_security_bot").start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, stub):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    running = Stack(tmp_path_factory.mktemp("security"), stub)
    running.start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def alive(request):
    """A finding that stopped the stack must not fail the tests after it."""
    if "stack" in request.fixturenames:
        stack = request.getfixturevalue("stack")
        if not stack.running():
            stack.stop()
            stack.start()
    yield


# ---- clients ---------------------------------------------------------------------------------


def call(method: str, target_port: int, path: str, body: bytes | None = None, headers: dict | None = None,
         timeout: float = 120) -> tuple[int, dict, bytes]:
    """One raw request; (status, headers, body). A dropped connection is status 0."""
    connection = http.client.HTTPConnection("127.0.0.1", target_port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        reply = connection.getresponse()
        return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
    except (ConnectionError, http.client.HTTPException, OSError):
        return 0, {}, b""
    finally:
        connection.close()


def rest_raw(body: bytes, headers: dict | None = None, **kwargs) -> tuple[int, bytes]:
    status, _, data = call("POST", RASA_PORT, "/webhooks/rest/webhook", body,
                           {"Content-Type": "application/json", "Host": f"localhost:{RASA_PORT}",
                            **(headers or {})}, **kwargs)
    return status, data


def rest(sender: str, message: str) -> list[dict]:
    status, data = rest_raw(json.dumps({"sender": sender, "message": message}).encode())
    assert status == 200, (status, data[:300])
    return json.loads(data)


def customs(replies: list[dict], kind: str) -> list[dict]:
    return [r["custom"] for r in replies if (r.get("custom") or {}).get("type") == kind]


def telegram(update: dict, secret: str | None = TG_SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    status, _, _ = call("POST", RASA_PORT, "/webhooks/telegram/webhook", json.dumps(update).encode(), headers)
    return status


_update_ids = iter(range(990_000_001, 999_999_999))


def tg_text(user_id: int, text: str) -> dict:
    return {"update_id": next(_update_ids), "message": {
        "message_id": next(_update_ids) % 100000, "date": int(time.time()), "text": text,
        "from": {"id": user_id, "is_bot": False, "first_name": "Sam"},
        "chat": {"id": user_id, "type": "private", "first_name": "Sam"}}}


def action_call(action: str, sender: str, secret: str | None, content_type: str = "application/json",
                tracker: dict | None = None) -> tuple[int, bytes]:
    body = {"next_action": action, "sender_id": sender, "version": "3.6.2", "domain": {},
            "tracker": tracker or {"sender_id": sender, "slots": {"pending": "delete_my_data"},
                                   "latest_message": {"text": "yes", "intent": {"name": "affirm"}},
                                   "events": []}}
    headers = {"Content-Type": content_type}
    if secret:
        headers[SECRET_HEADER] = secret
    status, _, data = call("POST", ACTION_PORT, "/webhook", json.dumps(body).encode(), headers)
    return status, data


class Socket:
    """A socket.io client speaking the chat page's protocol (long-polling, see test_webchat)."""

    def __init__(self, origin: str | None = None) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.origin = origin
        self.confirmed: asyncio.Queue = asyncio.Queue()
        self.received: list[dict] = []
        self.errors: list[dict] = []
        self.client.on("session_confirm", self.confirmed.put)
        self.client.on("bot_uttered", self.received.append)
        self.client.on("request_error", self.errors.append)

    async def open(self, session_id=None) -> str:
        headers = {"Origin": self.origin} if self.origin else {}
        await self.client.connect(f"http://127.0.0.1:{RASA_PORT}", transports=["polling"],
                                  socketio_path="/socket.io", headers=headers)
        await self.client.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), 20)

    async def say(self, session_id: str, text) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": session_id})

    async def wait_for(self, check, timeout: float = 90) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.received:
                if check(message):
                    return message
            await asyncio.sleep(0.2)
        raise TimeoutError(f"no matching message in {self.received}")

    async def close(self) -> None:
        # Aborted, not closed politely: python-socketio's polling client waits out the
        # server's 25 s long-poll on a polite disconnect, in every test.
        await self.client.eio.disconnect(abort=True)


def progress_of(message: dict) -> bool:
    return isinstance(message.get("custom"), dict) and message["custom"].get("type") == "progress"


# ---- 1. one request stops everything ---------------------------------------------------------


def test_a_lone_surrogate_sender_gets_400_and_the_server_keeps_its_pid(stack):
    pid = listener_pid(RASA_PORT)
    status, body = rest_raw(b'{"sender": "\\ud800", "message": "hi"}', timeout=60)
    assert status == 400, (status, body[:200])
    assert "error" in json.loads(body)
    status, body = rest_raw(b'{"sender": "surrogate-text", "message": "hi \\udc00 there"}', timeout=60)
    assert status == 200 and json.loads(body)[0]["text"], "unreadable text gets the short reply"
    time.sleep(2)
    assert listener_pid(RASA_PORT) == pid, "the Rasa server is the same process"
    assert rest("after-surrogate", "my husband cheated on me"), "and the coach still answers"


# ---- 2. who may speak for whom ---------------------------------------------------------------


def test_rest_sender_tg_5001_cannot_read_or_delete_the_telegram_persons_data(stack, stub):
    user = 5001
    assert telegram(tg_text(user, "I cheated on my wife")) == 200
    assert telegram(tg_text(user, "we agreed on boundaries last night")) == 200
    assert stack.done_steps(f"tg:{user}") == {"boundaries"}, "the Telegram person has a step done"
    telegram_events = stack.events(f"tg:{user}")

    shown = customs(rest(f"tg:{user}", "show my progress"), "progress")
    assert all(step["done"] is False for p in shown for step in p["steps"]), "their checklist is not shown"
    rest(f"tg:{user}", "delete my data")
    rest(f"tg:{user}", "/affirm")
    assert stack.done_steps(f"tg:{user}") == {"boundaries"}, "nothing of theirs is deleted"
    assert stack.events(f"tg:{user}") == telegram_events


async def test_socketio_ids_are_issued_verified_and_held_by_one_socket(stack):
    owner, intruder, thief = Socket(), Socket(), Socket()
    try:
        session_id = await owner.open()
        await owner.say(session_id, "I cheated on my husband")
        await owner.wait_for(lambda m: m.get("text"))
        await owner.say(session_id, "we agreed on boundaries last night")
        await owner.wait_for(progress_of)

        # The session id is no REST sender: REST gets its own, empty conversation.
        shown = customs(rest(session_id, "show my progress"), "progress")
        assert all(step["done"] is False for p in shown for step in p["steps"])

        # An id the server did not issue is replaced, never joined.
        made_up = uuid.uuid4().hex
        assert await intruder.open(made_up) != made_up

        # A newer socket with the real token takes over; the older one is disconnected.
        assert await thief.open(session_id) == session_id
        await asyncio.sleep(1)
        owner.received.clear()
        await thief.say(session_id, "show my progress")
        await thief.wait_for(progress_of)
        await asyncio.sleep(2)
        assert not owner.received, "the older socket no longer receives the conversation"
        assert not owner.client.connected
    finally:
        for socket in (owner, intruder, thief):
            await socket.close()


# ---- 3. the action server --------------------------------------------------------------------


def test_the_action_server_refuses_forged_calls(stack):
    sender = "victim-" + uuid.uuid4().hex[:8]
    rest(sender, "I cheated on my wife")
    rest(sender, "we agreed on boundaries last night")
    [conversation] = [r[0] for r in stack.query(
        "SELECT DISTINCT sender_id FROM coach_progress WHERE sender_id LIKE :s", s=f"%{sender}")]

    status, _ = action_call("action_answer", conversation, secret=None)
    assert status == 401, "no secret, no action"
    status, _ = action_call("action_answer", conversation, secret=ACTION_SECRET, content_type="text/plain")
    assert status in (401, 415), "a browser's text/plain post is refused"
    status, _ = action_call("action_progress", conversation, secret="wrong-" + ACTION_SECRET)
    assert status == 401
    assert stack.done_steps(conversation) == {"boundaries"}, "nothing was deleted"

    status, body = action_call("action_progress", conversation, secret=ACTION_SECRET)
    assert status == 200 and json.loads(body)["responses"], "Rasa's calls, with the secret, work"
    assert rest(sender, "show my progress"), "and so does the coach"


# ---- 4. input limits -------------------------------------------------------------------------


BAD_BODIES = {
    "empty": b"",
    "array": b"[1, 2]",
    "string": b'"hello"',
    "null": b"null",
    "truncated": b'{"sender": "a", "message": "hi"',
    "not utf-8": b'{"sender": "a", "message": "\xff\xfe"}',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "no sender": b'{"message": "hi"}',
    "sender number": b'{"sender": 5, "message": "hi"}',
    "sender empty": b'{"sender": "", "message": "hi"}',
    "sender surrogate": b'{"sender": "a\\udfffb", "message": "hi"}',
    "sender NUL": b'{"sender": "a\\u0000b", "message": "hi"}',
    "sender too long": json.dumps({"sender": "s" * 251, "message": "hi"}).encode(),
    "no message": b'{"sender": "a"}',
    "message number": b'{"sender": "a", "message": 5}',
    "message list": b'{"sender": "a", "message": ["hi"]}',
    "message null": b'{"sender": "a", "message": null}',
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_a_malformed_body_gets_400_with_a_short_json_error(stack, body):
    status, data = rest_raw(body)
    assert status == 400, (status, data[:200])
    error = json.loads(data)["error"]
    assert isinstance(error, str) and 0 < len(error) < 100


def test_only_json_and_bodies_up_to_1_mib_are_accepted(stack):
    status, _ = rest_raw(b'{"sender": "csrf", "message": "hi"}', {"Content-Type": "text/plain"})
    assert status == 415
    status, _ = rest_raw(json.dumps({"sender": "huge", "message": "x" * (1024 * 1024 + 10)}).encode())
    assert status == 413
    assert stack.events("%huge") == 0


def test_a_1mb_message_gets_the_short_reply_and_nothing_is_stored(stack):
    sender = "megabyte-" + uuid.uuid4().hex[:8]
    status, data = rest_raw(json.dumps({"sender": sender, "message": "word " * 200_000}).encode())
    assert status == 200
    [reply] = json.loads(data)
    assert "a lot" in reply["text"] and reply["recipient_id"] == sender
    assert stack.events(f"%{sender}") == 0, "no event is stored"


def test_client_input_channel_metadata_and_stream_are_ignored(stack):
    sender = "meta-" + uuid.uuid4().hex[:8]
    body = {"sender": sender, "message": "my husband cheated on me", "input_channel": "telegram",
            "metadata": {"opens_with_danger": True, "blob": "m" * 50_000}}
    status, _, data = call("POST", RASA_PORT, "/webhooks/rest/webhook?stream=true", json.dumps(body).encode(),
                           {"Content-Type": "application/json", "Host": f"localhost:{RASA_PORT}"})
    assert status == 200 and isinstance(json.loads(data), list), "a plain JSON answer, not a stream"
    rows = stack.query("SELECT data FROM events WHERE sender_id LIKE :s AND type_name = 'user'",
                       s=f"%{sender}")
    [event] = [json.loads(row[0]) for row in rows]
    assert event["input_channel"] == "rest"
    assert "blob" not in json.dumps(event.get("metadata") or {})


# ---- 5. who may call REST, and from where ----------------------------------------------------


def test_rest_is_for_this_machine_or_a_token_and_our_host_names(stack):
    body = json.dumps({"sender": "proxy", "message": "hello there"}).encode()
    assert rest_raw(body)[0] == 200, "curl on this machine needs no token"
    for header in ({"X-Forwarded-For": "203.0.113.9"}, {"Forwarded": "for=203.0.113.9"},
                   {"X-Real-IP": "203.0.113.9"}):
        assert rest_raw(body, header)[0] == 401, header
    assert rest_raw(body, {"Host": "attacker.example"})[0] in (400, 403, 421), "DNS rebinding"
    assert rest_raw(body, {"Origin": "http://attacker.example"})[0] == 403
    assert rest_raw(body, {"Authorization": "Bearer wrong"})[0] == 401


# ---- 6. CORS ---------------------------------------------------------------------------------


@pytest.mark.parametrize("origin", ORIGINS, ids=["localhost", "127.0.0.1"])
def test_the_chat_page_origin_is_allowed_once_for_both_host_names(stack, origin):
    status, headers, _ = call("OPTIONS", RASA_PORT, "/webhooks/rest/webhook", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Host": f"localhost:{RASA_PORT}",
        "Access-Control-Request-Headers": "content-type"})
    assert headers.get("access-control-allow-origin") == origin, (status, headers)

    connection = http.client.HTTPConnection("127.0.0.1", RASA_PORT, timeout=30)
    connection.request("GET", "/socket.io/?EIO=4&transport=polling", headers={"Origin": origin})
    reply = connection.getresponse()
    reply.read()
    allow = [v for k, v in reply.getheaders() if k.lower() == "access-control-allow-origin"]
    connection.close()
    assert reply.status == 200 and allow == [origin], "exactly one Access-Control-Allow-Origin"


def test_other_origins_are_refused_and_no_origin_is_fine(stack):
    evil = "http://attacker.example"
    polling = "/socket.io/?EIO=4&transport=polling"
    status, headers, _ = call("GET", RASA_PORT, polling, headers={"Origin": evil})
    assert status == 400 and "access-control-allow-origin" not in headers
    status, headers, _ = call("OPTIONS", RASA_PORT, "/webhooks/rest/webhook", headers={
        "Origin": evil, "Access-Control-Request-Method": "POST"})
    assert headers.get("access-control-allow-origin") != evil
    status, _, _ = call("GET", RASA_PORT, "/socket.io/?EIO=4&transport=polling")
    assert status == 200, "non-browser clients send no Origin"


# ---- 7. where the servers listen -------------------------------------------------------------


def test_every_server_listens_on_127_0_0_1_only(stack):
    env = {**stack.env, "SHELL_PORT": str(SHELL_PORT)}
    env.pop("LOG_LEVEL")
    shell = subprocess.Popen(["make", "-s", "shell"], cwd=PROJECT_DIR, env=env, stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not any(p == SHELL_PORT for _, p, _ in listeners()):
            assert shell.poll() is None, "make shell exited"
            time.sleep(1)
        found = {p: a for a, p, _ in listeners() if p in (RASA_PORT, ACTION_PORT, WEB_PORT, SHELL_PORT)}
    finally:
        os.killpg(shell.pid, signal.SIGTERM)
        shell.wait(timeout=60)
    assert found == {p: "127.0.0.1" for p in (RASA_PORT, ACTION_PORT, WEB_PORT, SHELL_PORT)}, found


# ---- 8. logs ---------------------------------------------------------------------------------


async def test_no_marker_reaches_any_log_on_any_path(stack, stub):
    marker = "zq" + uuid.uuid4().hex[:12] + "xq"
    sender = "marker-" + uuid.uuid4().hex[:6]
    paths = [
        json.dumps({"sender": sender, "message": f"my wife cheated on me {marker}"}),   # DEBUG parse data
        json.dumps({"sender": sender, "message": [marker]}),                            # REST failure path
        json.dumps({"sender": sender, "message": {"text": marker}}),
        json.dumps({"sender": sender, "message": f"/{marker}"}),                        # parser warning
        json.dumps({"sender": sender, "message": f"/inform_breach_type{{\"breach_type\":\"{marker}\"}}"}),
        json.dumps({"sender": sender, "message": f"{marker} \ud800"}),                  # unreadable
        json.dumps({"sender": sender, "message": f"{marker} " * 100_000}),              # 1.5 MB: 413
        json.dumps({"sender": sender, "message": f"{marker} " * 50_000}),               # too long
        json.dumps({"sender": f"{marker}\ud800", "message": marker}),                   # bad sender
        json.dumps({"sender": sender, "message": marker, "metadata": {"m": marker}, "input_channel": marker}),
    ]
    for body in paths:
        rest_raw(body.encode())
    rest_raw(json.dumps({"sender": sender, "message": marker}).encode(), {"Content-Type": "text/plain"})

    # An action that fails: the action server used to echo the whole tracker, and Rasa to log it.
    tracker = {"sender_id": sender, "slots": {}, "latest_message": {"text": marker, "intent_ranking": marker},
               "events": [{"event": "user", "text": f"earlier {marker}"}, {"event": "bot", "text": marker}]}
    for secret in (ACTION_SECRET, None):
        status, body = action_call("action_clarify", sender, secret, tracker=tracker)
        assert marker.encode() not in body, "the action server's answer does not echo the tracker"

    # Telegram: a message, and a malformed update that breaks the channel.
    assert telegram(tg_text(7101, f"I lied to my husband {marker}")) == 200
    broken = tg_text(7101, f"{marker} again")
    broken["message"]["entities"] = [{"type": "mention", "offset": "x", "length": marker}]
    assert telegram(broken) == 200

    # socket.io: a message, one without a session, one that is not text.
    socket = Socket()
    try:
        session_id = await socket.open()
        await socket.say(session_id, f"my partner hid money from me {marker}")
        await socket.wait_for(lambda m: m.get("text"))
        await socket.say("not-a-session", marker)
        await socket.say(session_id, {"x": marker})
        await asyncio.sleep(2)
    finally:
        await socket.close()
    time.sleep(2)  # let the servers write their last lines
    logs = stack.logs()
    assert "DEBUG" in logs, "the servers logged at DEBUG"
    leaks = [line[:300] for line in logs.splitlines() if marker in line]
    assert not leaks, leaks


# ---- 9. fuzz: thousands of malformed requests, bounded in count and time ---------------------


FUZZ_SEED = 11
FUZZ_COUNTS = {"rest": 2700, "telegram": 1700, "socketio": 800}
NLU_QUOTA = {"rest": 140, "telegram": 80, "socketio": 40}  # the rest must stop at the edge
FUZZ_DEADLINE_S = 420
async def fuzz_socketio(rng, count: int, quota: int) -> dict:
    """Random events from three sockets; returns what was sent and how the sockets fared."""
    sockets = [Socket() for _ in range(3)]
    tokens = [await socket.open() for socket in sockets]
    sent, nlu = 0, 0
    try:
        for index in range(count):
            number = index % 3
            socket, token = sockets[number], tokens[number]
            if not socket.client.connected:  # a fuzzed session_request may have handed its room over
                sockets[number] = socket = Socket()
                tokens[number] = token = await socket.open()
            roll = rng.random()
            if nlu < quota and roll < quota / count:
                await socket.say(token, words(rng))
                nlu += 1
            elif roll < 0.5:
                wrong_token = rng.choice([None, "", random_text(rng), token + "x"])
                await socket.client.emit("user_uttered", rng.choice([
                    random_json(rng), {"message": random_json(rng), "session_id": token},
                    {"message": words(rng), "session_id": wrong_token},
                    {"message": bad_text(rng), "session_id": token}]))
            elif roll < 0.8:
                await socket.client.emit("session_request", rng.choice([
                    None, random_json(rng), {"session_id": random_json(rng)}, {"session_id": token}]))
            else:
                await socket.client.emit(random_text(rng, 1, 12) or "x", random_json(rng))
            sent += 1
            if index % 20 == 0:
                await asyncio.sleep(0.05)
        await asyncio.sleep(3)
        return {"sent": sent, "nlu": nlu, "errors": sum(len(s.errors) for s in sockets)}
    finally:
        for socket in sockets:
            await socket.close()


@pytest.mark.fuzz
async def test_fuzz_thousands_of_malformed_requests_break_nothing(stack, stub):
    import random
    from collections import Counter
    from concurrent.futures import ThreadPoolExecutor

    rng = random.Random(FUZZ_SEED)
    bystander = "bystander-" + uuid.uuid4().hex[:6]
    rest(bystander, "I cheated on my wife")
    rest(bystander, "we agreed on boundaries last night")
    telegram(tg_text(6001, "I cheated on my husband"))
    telegram(tg_text(6001, "I apologised to him last night"))
    before = (stack.done_steps(f"%{bystander}"), stack.done_steps("tg:6001"))
    assert before[0] and before[1], "the bystanders have progress to lose"
    watcher = Socket()
    watcher_token = await watcher.open()
    pids = {number: listener_pid(number) for number in (RASA_PORT, ACTION_PORT, WEB_PORT)}
    user_events = stack.query("SELECT count(*) FROM events WHERE type_name = 'user'")[0][0]
    log_start = len(stack.logs())

    jobs = []
    for kind, count in (("rest", FUZZ_COUNTS["rest"]), ("telegram", FUZZ_COUNTS["telegram"])):
        nlu_every = count // NLU_QUOTA[kind]
        for index in range(count):
            nlu = index % nlu_every == 0 and index // nlu_every < NLU_QUOTA[kind]
            if kind == "rest":
                jobs.append(("rest",) + rest_case(rng, index, nlu, f"localhost:{RASA_PORT}"))
            else:
                body, headers = telegram_case(rng, index, nlu, TG_SECRET, tg_text)
                jobs.append(("telegram", "POST", "/webhooks/telegram/webhook", body, headers))
    rng.shuffle(jobs)
    started = time.monotonic()
    statuses: Counter = Counter()

    dropped: list[str] = []  # which synthetic requests got no answer, to say so when it fails

    def send(job) -> tuple[str, int]:
        if time.monotonic() - started > FUZZ_DEADLINE_S:
            return job[0], -1
        kind, method, path, body, headers = job
        status = call(method, RASA_PORT, path, body, headers, timeout=120)[0]
        if status == 0 or status >= 500:
            dropped.append(f"{status} {method} {path} {headers!r:.200} {(body or b'')[:200]!r}")
        return kind, status

    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=6) as pool:
        http_results = asyncio.gather(*[loop.run_in_executor(pool, send, job) for job in jobs])
        socket_result = await fuzz_socketio(rng, FUZZ_COUNTS["socketio"], NLU_QUOTA["socketio"])
        for kind, status in await http_results:
            statuses[(kind, status)] += 1
    elapsed = time.monotonic() - started
    total = sum(statuses.values()) + socket_result["sent"]
    reached_nlu = stack.query("SELECT count(*) FROM events WHERE type_name = 'user'")[0][0] - user_events
    print(f"\nfuzz: {total} requests in {elapsed:.0f} s (seed {FUZZ_SEED}); statuses "
          f"{dict(sorted(statuses.items(), key=str))}; socket.io {socket_result}; {reached_nlu} reached NLU")

    assert not [k for k in statuses if k[1] == -1], f"not all sent within {FUZZ_DEADLINE_S} s"
    assert total >= 5000
    server_errors = {k: n for k, n in statuses.items() if k[1] >= 500 or k[1] == 0}
    assert not server_errors, f"5xx or dropped connections: {server_errors}: {dropped}"
    assert reached_nlu <= 300, "most requests stop at the edge"
    assert {number: listener_pid(number) for number in pids} == pids, "no server exited"
    assert stack.launcher.poll() is None
    fuzz_log = stack.logs()[log_start:]
    assert "exited unexpectedly" not in fuzz_log
    assert "Task exception was never retrieved" not in fuzz_log, "every handler copes with what it gets"
    assert "\x00" not in fuzz_log, "nothing a client chose is copied into the log"
    assert not [line for line in fuzz_log.splitlines()
                if ("socketio" in line or "engineio" in line or "socket.io" in line) and "ERROR" in line]

    # The bystanders lost nothing, and a socket that was never fuzzed still talks.
    assert (stack.done_steps(f"%{bystander}"), stack.done_steps("tg:6001")) == before
    try:
        assert watcher.client.connected
        await watcher.say(watcher_token, "my husband lied to me")
        await watcher.wait_for(lambda m: m.get("text"), timeout=120)
    finally:
        await watcher.close()
    assert rest(bystander, "show my progress")


# ---- 10. the launcher keeps the service up ----------------------------------------------------


def test_a_killed_server_comes_back_and_answers(stack):
    for name, number in (("action server", ACTION_PORT), ("web page", WEB_PORT), ("rasa server", RASA_PORT)):
        pid = listener_pid(number)
        assert pid, f"the {name} listens"
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            again = listener_pid(number)
            if again and again != pid:
                break
            time.sleep(1)
        else:
            pytest.fail(f"the {name} did not come back:\n{stack.logs()[-2000:]}")
        assert stack.launcher.poll() is None, "the launcher kept running"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not answers(f"http://127.0.0.1:{RASA_PORT}/"):
        time.sleep(1)
    assert answers(f"http://127.0.0.1:{WEB_PORT}/health")
    replies = rest("after-kill", "my husband cheated on me")
    assert customs(replies, "advice_card"), "the whole chain (Rasa, actions, SQL) answers again"
