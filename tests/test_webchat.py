"""The web chat page and its socket.io channel.

- bot.webpage on its own: what it serves and the headers that keep the page local.
- The socket.io channel with session persistence on: replies and custom payloads arrive
  (RasaHQ/rasa#13027 and the ``type`` keyword clash, both fixed in bot/channels/socketio.py).
- The page in headless Debian Chromium (Playwright, /usr/bin/chromium, never a downloaded
  browser) at 390x844: card, quick reply, plan step, progress bar, reload, quick exit,
  and no request leaving the machine. Screenshots land in the test's tmp_path on failure.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import re
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import socketio

from bot import webpage
from bot.channels.socketio import CoachSocketIOOutput
from tests.ports import port
from tests.servers import MODEL, Servers

RASA_PORT, ACTION_PORT, WEB_PORT = port(16005), port(16055), port(18080)
PAGE = f"http://127.0.0.1:{WEB_PORT}/"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
STORE_KEY = "coach.chat.v1"
REPLY_TIMEOUT_MS = 60_000


# ---- bot.webpage on its own ------------------------------------------------------------


@pytest.fixture(scope="module")
def static_page():
    """The page server alone, pointed at a Rasa port where nothing listens."""
    server = webpage.serve("127.0.0.1", 0, {"RASA_PORT": "16999", "QUICK_EXIT_URL": "about:blank"})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_page_server_serves_the_page_config_and_local_socket_client(static_page):
    status, headers, body = fetch(f"{static_page}/health")
    assert status == 200 and json.loads(body) == {"status": "ok"}

    status, headers, body = fetch(f"{static_page}/")
    assert status == 200 and b'id="quick-exit"' in body
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "ws://127.0.0.1:16999" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"
    assert not re.search(rb"(src|href)=\"(https?:)?//", body), "the page names no other origin"

    status, _, body = fetch(f"{static_page}/config.js")
    config = json.loads(body.decode().split("=", 1)[1].strip().removeprefix("Object.freeze(").rstrip(");\n"))
    assert config == {
        "socketUrl": "http://127.0.0.1:16999", "socketPath": "/socket.io", "exitUrl": "about:blank"}

    status, headers, body = fetch(f"{static_page}/vendor/socket.io.min.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript") and b"io" in body

    for path in ("/../pyproject.toml", "/node_modules/socket.io-client/package.json", "/web/app.js", "/x"):
        assert fetch(f"{static_page}{path}")[0] == 404, path
    for name in ("app.js", "styles.css", "index.html"):
        text = (webpage.WEB_DIR / name).read_text()
        assert "googleapis" not in text and "@import" not in text and "cdn" not in text.lower()


def test_page_server_settings():
    assert webpage.exit_url({}) == webpage.DEFAULT_EXIT_URL
    assert webpage.exit_url({"QUICK_EXIT_URL": "javascript:alert(1)"}) == webpage.DEFAULT_EXIT_URL
    assert webpage.socket_origin({"RASA_PORT": "5005"}, "localhost:8080") == "http://localhost:5005"
    assert webpage.socket_origin({"RASA_PORT": "5005"}, "evil\r\nX: y") == "http://localhost:5005"
    assert webpage.socket_origin({"RASA_SOCKET_URL": "https://chat.example.org/x"}, None) == (
        "https://chat.example.org")


# ---- the socket.io channel, unit level ---------------------------------------------------


class RecordingServer:
    def __init__(self) -> None:
        self.emitted: list[tuple] = []

    async def emit(self, *args, **kwargs) -> None:
        self.emitted.append((args, kwargs))


def rasa_message(text: str | None, custom: dict | None = None, buttons: list[dict] | None = None) -> dict:
    """A bot message as Rasa hands it to an output channel (``BotUttered.message()``)."""
    return {"text": text, "elements": None, "quick_replies": None, "buttons": buttons, "attachment": None,
            "image": None, "custom": custom, "utter_action": None, "timestamp": 1_700_000_000.0}


CARD = {"type": "advice_card", "card_id": "c1", "topic": "infidelity", "role": "betrayed",
        "role_label": "Kicker from the payload", "title": "After an affair",
        "body": "It is normal to feel shaken.", "tips": ["Sleep and eat", "Write down your questions"]}
CARD_TEXT = "After an affair\nIt is normal to feel shaken.\n\n- Sleep and eat\n- Write down your questions"
PROGRESS = {"type": "progress", "done": 1, "total": 4, "steps": [
    {"step": "acknowledge", "done": True, "completed_at": "2026-01-02T10:00:00+00:00",
     "label": "Label from the payload one"},
    {"step": "apologize", "done": False, "completed_at": None, "label": "Label from the payload two"},
    {"step": "transparency", "done": False, "completed_at": None, "label": "Label from the payload three"},
    {"step": "boundaries_agreed", "done": False, "completed_at": None}]}  # no label: the key, neutrally
SAFETY = {"type": "safety", "level": "crisis", "subject": "self", "region": "US", "resources": [
    {"name": "Emergency services", "call": "911", "text": None, "chat_url": None, "source": "x"}]}
BUTTONS = [{"title": "Show me", "payload": "/ask_next_step"}]


async def emitted_for(*messages: dict) -> list[tuple]:
    sio = RecordingServer()
    output = CoachSocketIOOutput(sio, "bot_uttered")  # type: ignore[arg-type]
    for message in messages:
        await output.send_response("room-1", message)
    return sio.emitted


async def test_a_card_is_one_event_with_its_text_payload_buttons_and_text_alternative():
    emitted = await emitted_for(rasa_message(CARD_TEXT, CARD, BUTTONS))
    assert emitted == [(("bot_uttered", {
        "text": CARD_TEXT,  # one event, not cut at the blank line as Rasa cuts plain text
        "quick_replies": [{"content_type": "text", "title": "Show me", "payload": "/ask_next_step"}],
        "custom": CARD,
        "text_alternative": True,
    }), {"room": "room-1", "namespace": None})]


async def test_text_said_besides_a_payload_is_marked_as_such_and_labels_pass_through():
    emitted = await emitted_for(
        rasa_message("If you're in danger right now, call 911.", SAFETY),
        rasa_message("[x] acknowledge", PROGRESS),
        rasa_message(None, {"type": "ask_timezone"}),
    )
    events = [args[1] for args, _ in emitted]
    assert events == [
        {"text": "If you're in danger right now, call 911.", "custom": SAFETY, "text_alternative": False},
        {"text": "[x] acknowledge", "custom": PROGRESS, "text_alternative": True},
        {"custom": {"type": "ask_timezone"}, "text_alternative": False},
    ]
    assert [s.get("label") for s in events[1]["custom"]["steps"]][:3] == [
        "Label from the payload one", "Label from the payload two", "Label from the payload three"]


async def test_messages_without_a_payload_go_out_as_rasa_sends_them():
    emitted = await emitted_for(rasa_message("First part.\n\nSecond part.", None, BUTTONS))
    assert [args for args, _ in emitted] == [
        ("bot_uttered", {"text": "First part.", "quick_replies": []}),
        ("bot_uttered", {"text": "Second part.", "quick_replies": [
            {"content_type": "text", "title": "Show me", "payload": "/ask_next_step"}]}),
    ]
    image = dict(rasa_message("Look", {"type": "reminder", "kind": "checkin"}), image="https://example.org/a.png")
    events = [args[1] for args, _ in await emitted_for(image)]
    assert events == [
        {"text": "Look", "custom": {"type": "reminder", "kind": "checkin"}, "text_alternative": False},
        {"attachment": {"type": "image", "payload": {"src": "https://example.org/a.png"}}},
    ]


# ---- the real servers ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    folder = tmp_path_factory.mktemp("webchat")
    running = Servers(
        f"sqlite:///{folder / 'coach.db'}", folder, rasa_port=RASA_PORT, action_port=ACTION_PORT,
        extra_env={"WEB_PORT": str(WEB_PORT), "QUICK_EXIT_URL": "about:blank", "REMINDER_POLL_SECONDS": "1"},
    )
    running.start()
    yield running
    running.stop()


class SocketChat:
    """A socket.io client speaking the channel's protocol, as the page does."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.session: asyncio.Future = asyncio.get_running_loop().create_future()
        self.received: list[dict] = []
        self.arrived = asyncio.Event()
        self.client.on("session_confirm", self._confirmed)
        self.client.on("bot_uttered", self._uttered)

    async def _confirmed(self, session_id) -> None:
        if not self.session.done():
            self.session.set_result(session_id)

    async def _uttered(self, data) -> None:
        self.received.append(data)
        self.arrived.set()

    async def open(self, session_id: str | None = None) -> str:
        # Long-polling: python-engineio's async websocket client needs a newer aiohttp than
        # Rasa pins. The browser test below covers the websocket transport.
        await self.client.connect(f"http://127.0.0.1:{RASA_PORT}", transports=["polling"],
                                  socketio_path="/socket.io")
        await self.client.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.session, 10)

    async def say(self, session_id: str, text: str) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": session_id})

    async def wait_for(self, check, timeout: float = 60) -> dict:
        async def seek() -> dict:
            while True:
                for message in self.received:
                    if check(message):
                        return message
                self.arrived.clear()
                await self.arrived.wait()
        return await asyncio.wait_for(seek(), timeout)


def custom_of(kind: str):
    return lambda m: isinstance(m.get("custom"), dict) and m["custom"].get("type") == kind


needs_servers = pytest.mark.server


@needs_servers
async def test_socketio_with_session_persistence_delivers_replies_and_custom_payloads(servers):
    first, second = SocketChat(), SocketChat()
    try:
        session_id = await first.open()
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}", session_id), "a signed token"
        await first.say(session_id, "my partner cheated on me")
        event = await first.wait_for(custom_of("advice_card"))
        card = event["custom"]
        assert card["title"] and card["tips"] and set(card) >= {"type", "card_id", "topic", "role", "body"}
        # The card and its text in one event; no other event carries the card's text.
        assert event["text_alternative"] is True and event["text"].startswith(card["title"])
        assert [m for m in first.received if card["title"] in (m.get("text") or "")] == [event]
        assert any(isinstance(m.get("text"), str) and m["text"] and "custom" not in m for m in first.received)
        assert all(set(m) <= {"text", "quick_replies", "custom", "attachment", "text_alternative"}
                   for m in first.received)

        # A reload presents the same token: the new socket takes the conversation over and
        # the old one is disconnected (see tests/test_security.py for a stolen token).
        assert await second.open(session_id) == session_id
        first.received.clear()
        await second.say(session_id, "show my progress")
        progress = (await second.wait_for(custom_of("progress")))["custom"]
        assert progress["total"] == len(progress["steps"]) and progress["done"] == 0
        assert not first.client.connected and not first.received

        # A session id that isn't one of ours is replaced, never used as a conversation id.
        third = SocketChat()
        try:
            assert await third.open("../not a session id") != "../not a session id"
        finally:
            await third.client.eio.disconnect(abort=True)
    finally:
        # Aborted: a polite disconnect of python-socketio's polling client waits out the
        # server's 25 s long-poll.
        await first.client.eio.disconnect(abort=True)
        await second.client.eio.disconnect(abort=True)
    assert "Traceback" not in servers.logs()
    assert "TypeError" not in servers.logs()


@needs_servers
async def test_a_due_reminder_is_pushed_to_an_open_page(servers):
    from datetime import datetime, timedelta, timezone

    from bot import db

    chat = SocketChat()
    try:
        session_id = await chat.open()
        await chat.say(session_id, "remind me in 2 minutes to check in")
        await chat.wait_for(custom_of("reminder_set"))
        engine = db.create_engine(servers.database_url)
        try:  # two minutes later
            with engine.begin() as connection:
                connection.execute(db.reminders.update().where(
                    db.reminders.c.sender_id == "web:" + session_id.split(".")[0]).values(
                    due_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
        finally:
            engine.dispose()
        chat.received.clear()
        reminder = await chat.wait_for(custom_of("reminder"), timeout=20)  # no message sent
        assert reminder["custom"] == {"type": "reminder", "kind": "checkin"}
        assert any(m.get("text") == "Time for your check-in. It takes a minute." for m in chat.received)
    finally:
        await chat.client.eio.disconnect(abort=True)


# ---- the page in a real browser --------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: run `make browser` (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A phone-sized tab that records every URL it asks for and screenshots on failure."""

    def __init__(self, browser, folder: Path) -> None:
        self.context = browser.new_context(viewport=PHONE, service_workers="block")
        self.page = self.context.new_page()
        self.page.set_default_timeout(REPLY_TIMEOUT_MS)
        self.folder = folder
        self.urls: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.urls.append(request.url))
        self.page.on("websocket", lambda socket: self.urls.append(socket.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def shot(self, name: str) -> None:
        with contextlib.suppress(Exception):
            self.page.screenshot(path=str(self.folder / f"{name}.png"), full_page=False)

    @contextlib.contextmanager
    def step(self, name: str):
        try:
            yield
        except BaseException:
            self.shot(f"failed-{name}")
            raise

    def outside(self) -> list[str]:
        return [u for u in self.urls
                if urlsplit(u).scheme not in ("about", "data", "blob")
                and urlsplit(u).hostname not in LOCAL_HOSTS]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, tmp_path):
    tab = Visit(browser, tmp_path)
    yield tab
    tab.close()


def stored(page) -> dict:
    return page.evaluate(f"JSON.parse(sessionStorage.getItem('{STORE_KEY}') || 'null')")


def storage_lengths(page) -> tuple[int, int]:
    return tuple(page.evaluate("[sessionStorage.length, localStorage.length]"))


def no_raw_json(page) -> None:
    text = page.locator("#messages").inner_text()
    assert not re.search(r'[{\[]\s*"|"type"\s*:|advice_card', text), text


def test_page_renders_every_payload_kind_from_the_tabs_storage(visit, static_page):
    """Rendering only (no Rasa): what a reload shows, including a safety panel."""
    tab, page = visit, visit.page
    messages = [
        {"from": "user", "text": "I want to hurt myself"},
        {"from": "bot", "kind": "text", "text": "If you're in danger right now, call 911."},
        {"from": "bot", "kind": "custom", "buttons": [], "custom": {
            "type": "safety", "level": "crisis", "subject": "self", "region": "US", "resources": [
                {"name": "Emergency services", "call": "911", "text": None, "chat_url": None, "source": "x"},
                {"name": "Crisis Lifeline", "call": "988", "text": "988", "chat_url": "https://example.org/chat",
                 "source": "x"},
                {"name": "Crisis Text Line", "call": None, "text": "Text HOME to 741741", "chat_url": None,
                 "source": "x"}]}},
        {"from": "bot", "kind": "custom", "buttons": [], "custom": {"type": "something_new", "x": 1}},
        {"from": "bot", "kind": "custom", "buttons": [], "custom": {
            "type": "advice_card", "card_id": "c1", "topic": "infidelity", "role": "betrayed",
            "title": "After an affair", "body": "It is normal to feel shaken.",
            "tips": ["Sleep and eat", "Write down your questions"]}},
        {"from": "bot", "kind": "custom", "custom": {
            "type": "progress", "done": 1, "total": 4, "steps": [
                {"step": "acknowledge", "done": True, "completed_at": "2026-01-02T10:00:00+00:00"},
                {"step": "apologize", "done": False, "completed_at": None},
                {"step": "transparency", "done": False, "completed_at": None},
                {"step": "boundaries", "done": False, "completed_at": None}]},
         "buttons": [{"title": "Show me", "payload": "/ask_next_step"}]},
    ]
    with tab.step("storage-render"):
        page.goto(f"{static_page}/health")
        page.evaluate("([key, value]) => sessionStorage.setItem(key, value)",
                      [STORE_KEY, json.dumps({"sessionId": "f" * 32, "messages": messages})])
        page.goto(f"{static_page}/")
        safety = page.locator(".safety")
        assert safety.is_visible()
        assert safety.locator("a[href='tel:911']").inner_text() == "Call 911"
        assert safety.locator("a[href='tel:988']").count() == 1
        assert safety.locator("a[href='sms:988']").count() == 1
        assert safety.locator("a[href='sms:741741?&body=HOME']").inner_text() == "Text HOME to 741741"
        assert safety.locator("a.chat").get_attribute("rel") == "noopener noreferrer"
        card = page.locator(".card")
        assert card.locator(".card-title").inner_text() == "After an affair"
        assert card.locator(".card-tips li").all_inner_texts() == [
            "Sleep and eat", "Write down your questions"]
        assert page.locator(".progress-bar").get_attribute("aria-valuenow") == "1"
        assert page.locator(".checklist .step.done").count() == 1
        assert page.locator(".quick-reply").all_inner_texts() == ["Show me"]
        assert page.locator(".bubble.user").inner_text() == "I want to hurt myself"
        no_raw_json(page)
        assert storage_lengths(page)[1] == 0
        tab.shot("rendered-from-storage")
        assert "highlight" not in (page.locator("#quick-exit").get_attribute("class") or "")


def test_leaving_in_a_hurry_points_at_the_quick_exit(visit, static_page):
    """'He's coming home, I need to go': the safety panel comes with the Quick exit picked out."""
    tab, page = visit, visit.page
    messages = [
        {"from": "user", "text": "he's home, i need to go"},
        {"from": "bot", "kind": "custom", "buttons": [], "custom": {
            "type": "safety", "level": "abuse", "subject": "self", "region": "US", "certain": False,
            "exit": True, "resources": [
                {"name": "Emergency services", "call": "911", "text": None, "chat_url": None,
                 "source": "x"}]}},
    ]
    with tab.step("exit-highlight"):
        page.goto(f"{static_page}/health")
        page.evaluate("([key, value]) => sessionStorage.setItem(key, value)",
                      [STORE_KEY, json.dumps({"sessionId": "e" * 32, "messages": messages})])
        page.goto(f"{static_page}/")
        button = page.locator("#quick-exit")
        assert "highlight" in button.get_attribute("class")
        tab.shot("quick-exit-highlighted")
    assert tab.errors == []
    assert tab.outside() == []


def click_reply(page, pattern: str) -> str | None:
    """Clicks the offered quick reply whose title matches; returns its title."""
    button = page.locator(".quick-reply", has_text=re.compile(pattern, re.I))
    if button.count() == 0:
        return None
    title = button.first.inner_text()
    button.first.click()
    return title


def say(page, text: str) -> None:
    page.fill("#message", text)
    page.press("#message", "Enter")


def wait_for_reply(page, before: int) -> None:
    """Waits until the bot said something after the person's last message."""
    page.wait_for_function(
        "n => document.querySelectorAll('#messages .row.from-bot').length > n", arg=before,
        timeout=REPLY_TIMEOUT_MS)
    page.wait_for_timeout(700)  # the rest of the turn's messages


def bot_rows(page) -> int:
    return page.locator("#messages .row.from-bot").count()


def fill_width(bar) -> float:
    return bar.locator(".progress-fill").evaluate("e => e.getBoundingClientRect().width")


@needs_servers
def test_phone_sized_chat_through_the_plan_reload_and_quick_exit(servers, visit):
    page = visit.page
    with visit.step("open"):
        page.goto(PAGE)
        page.locator("#status").wait_for(state="hidden")
        assert page.locator("#quick-exit").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    with visit.step("card"):
        say(page, "my partner cheated on me")
        page.locator(".card").first.wait_for()
        card = page.locator(".card").first
        title = card.locator(".card-title").inner_text()
        assert title and card.locator(".card-tips li").count() >= 1
        assert page.locator(".bubble", has_text=title).count() == 0, "the card's text twin is not shown"
        intro = page.locator(".bubble.bot", has_text="not a therapist")
        assert intro.count() == 1, "the session's first words say what the coach is not"
        box = card.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        visit.shot("card")

    with visit.step("quick-reply"):
        page.wait_for_timeout(700)
        offered = page.locator(".quick-reply").all_inner_texts()
        before = bot_rows(page)
        if offered:
            clicked = click_reply(page, "step") or click_reply(page, "hurt") or click_reply(page, ".")
        else:
            clicked = None
            say(page, "show me the steps")
        wait_for_reply(page, before)
        if clicked:
            assert page.locator(".bubble.user", has_text=clicked).count() == 1
        no_raw_json(page)

    with visit.step("progress-before"):
        before = bot_rows(page)
        say(page, "show my progress")
        page.locator(".progress").first.wait_for()
        first_bar = page.locator(".progress-bar").last
        start = int(first_bar.get_attribute("aria-valuenow"))
        start_width = fill_width(first_bar)
        wait_for_reply(page, before)

    with visit.step("step-done"):
        done_button = r"I've done the \w+ step"
        for _ in range(4):
            if click_reply(page, done_button):
                break
            before = bot_rows(page)
            if not (click_reply(page, "I was hurt") or click_reply(page, "steps")):
                say(page, "show me the steps")
            wait_for_reply(page, before)
        else:
            offered = page.locator(".quick-reply").all_inner_texts()
            pytest.fail(f"no step-done button offered; quick replies: {offered}")
        page.wait_for_function(
            "start => { const bars = document.querySelectorAll('.progress-bar');"
            " return Number(bars[bars.length - 1].getAttribute('aria-valuenow')) > start; }", arg=start)
        bar = page.locator(".progress-bar").last
        assert int(bar.get_attribute("aria-valuenow")) == start + 1
        page.wait_for_timeout(600)  # the bar's transition
        assert fill_width(bar) > start_width
        assert page.locator(".progress").last.locator(".step.done").count() == start + 1
        no_raw_json(page)
        visit.shot("progress")

    with visit.step("reload"):
        session_id = stored(page)["sessionId"]
        rows = page.locator("#messages .row").count()
        cards, bars = page.locator(".card").count(), page.locator(".progress").count()
        history = page.evaluate("history.length")
        page.reload()
        page.locator(".card").first.wait_for()
        assert page.locator("#messages .row").count() == rows
        assert (page.locator(".card").count(), page.locator(".progress").count()) == (cards, bars)
        page.locator("#status").wait_for(state="hidden")
        assert stored(page)["sessionId"] == session_id, "same session after a reload"
        before = bot_rows(page)
        say(page, "show my progress")
        wait_for_reply(page, before)
        page.wait_for_function(f"document.querySelectorAll('.progress').length > {bars}")
        assert int(page.locator(".progress-bar").last.get_attribute("aria-valuenow")) == start + 1, (
            "the server still knows this conversation")
        assert storage_lengths(page) == (1, 0), "the chat is in sessionStorage only"
        visit.shot("reloaded")

    with visit.step("quick-exit"):
        page.locator("#quick-exit").click()
        page.wait_for_url("about:blank")
        assert page.evaluate("history.length") == history, "quick exit leaves no history entry"
        page.goto(f"http://127.0.0.1:{WEB_PORT}/health")  # same tab, same origin: its storage
        assert storage_lengths(page) == (0, 0)

    assert visit.errors == []
    assert visit.outside() == [], "every request stays on this machine"
    assert any(u.startswith(f"ws://127.0.0.1:{RASA_PORT}/socket.io/") for u in visit.urls)
    assert "Traceback" not in servers.logs()


def answer_check_in(page, value: str) -> None:
    """Start a check-in and answer each of its five questions with the same button."""
    before = bot_rows(page)
    say(page, "let's do a check-in")
    wait_for_reply(page, before)
    for _ in range(5):
        before = bot_rows(page)
        button = page.locator(".quick-reply", has_text=re.compile(rf"^{value}$"))
        button.first.wait_for()
        button.first.click()
        wait_for_reply(page, before)


@needs_servers
def test_the_check_in_chart_appears_after_two_check_ins_on_a_phone(servers, visit):
    from datetime import timedelta

    import sqlalchemy as sa

    from bot import checkins, db

    page = visit.page
    with visit.step("open"):
        page.goto(PAGE)
        page.locator("#status").wait_for(state="hidden")
    with visit.step("first-check-in"):
        answer_check_in(page, "2")
    sender = "web:" + stored(page)["sessionId"].split(".")[0]
    engine = db.create_engine(servers.database_url)
    try:  # the first check-in was two weeks ago
        with engine.begin() as connection:
            table = db.checkins
            for row_id, at in connection.execute(
                    sa.select(table.c.id, table.c.at).where(table.c.sender_id == sender)).all():
                connection.execute(table.update().where(table.c.id == row_id).values(
                    at=checkins.aware(at) - timedelta(weeks=2)))
    finally:
        engine.dispose()
    with visit.step("second-check-in"):
        answer_check_in(page, "4")
        chart = page.locator(".trend").last
        chart.wait_for()
        svg = chart.locator("svg.trend-chart")
        assert svg.get_attribute("role") == "img"
        assert "Openness 2, then 4" in svg.locator("title").text_content()
        assert chart.locator("path").count() == 5 and chart.locator("circle").count() == 10
        legend = chart.locator(".trend-legend li").all_inner_texts()
        assert "Openness: 2 \u2192 4" in legend, legend
        box = chart.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.locator(".bubble.bot", has_text="went from 2 to 4").count() == 1
        no_raw_json(page)
        visit.shot("check-in-chart")
    assert visit.errors == []
    assert visit.outside() == [], "every request stays on this machine"


def test_page_renders_the_check_in_payloads_from_the_tabs_storage(visit, static_page):
    """Rendering only: the trend with its text alternative, the export link, the zone button."""
    tab, page = visit, visit.page
    trend = {"type": "checkin_trend", "signs": [
        {"sign": "openness", "label": "Openness", "points": [
            {"at": "2026-05-01T18:00:00+00:00", "value": 2},
            {"at": "2026-05-22T18:00:00+00:00", "value": 4}]},
        {"sign": "hope", "label": "Hope", "points": [{"at": "2026-05-22T18:00:00+00:00", "value": 3}]}]}
    messages = [
        {"from": "bot", "kind": "text", "text": "Your check-ins so far:\nOpenness: 2 \u2192 4\nHope: 3"},
        {"from": "bot", "kind": "custom", "buttons": [], "custom": trend},
        {"from": "bot", "kind": "custom", "buttons": [], "custom": {
            "type": "data_export", "data": {"checkins": [{"sign": "hope", "value": 3}]}}},
        {"from": "bot", "kind": "custom", "buttons": [], "custom": {"type": "ask_timezone"}},
    ]
    with tab.step("check-in-payloads"):
        page.goto(f"{static_page}/health")
        page.evaluate("([key, value]) => sessionStorage.setItem(key, value)",
                      [STORE_KEY, json.dumps({"sessionId": "c" * 32, "messages": messages})])
        page.goto(f"{static_page}/")
        chart = page.locator(".trend")
        assert chart.locator("svg").get_attribute("role") == "img"
        assert chart.locator(".trend-legend li").all_inner_texts() == ["Openness: 2 \u2192 4", "Hope: 3"]
        assert chart.locator("circle").count() == 3
        link = page.locator("a.download")
        assert link.get_attribute("download") == "my-coach-data.json"
        assert link.get_attribute("href").startswith("blob:")
        zone = page.locator(".quick-reply", has_text="this device's time zone")
        assert zone.count() == 1
        no_raw_json(page)
    assert tab.errors == []
    assert tab.outside() == []


# ---- the page and the channel's events, without Rasa ------------------------------------------

# Stands in for socket.io-client: the page's handlers are called with exactly the events
# CoachSocketIOOutput emits (the channel's unit tests above pin their shape).
FAKE_TOKEN = "a" * 22 + "." + "b" * 43
FAKE_SOCKET_CLIENT = """
window.fakeSocket = { handlers: {}, sent: [],
  on: function (name, handler) { this.handlers[name] = handler; },
  emit: function (name, data) {
    this.sent.push([name, data]);
    var handlers = this.handlers;
    if (name === "session_request") setTimeout(function () { handlers.session_confirm(TOKEN); }, 0);
  },
  close: function () {} };
window.io = function () {
  setTimeout(function () { window.fakeSocket.handlers.connect(); }, 0);
  return window.fakeSocket;
};
""".replace("TOKEN", json.dumps(FAKE_TOKEN))


def channel_events(*messages: dict) -> list[dict]:
    """What the socket.io channel emits for these Rasa messages (its own event loop: Playwright's is busy)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        emitted = pool.submit(asyncio.run, emitted_for(*messages)).result()
    assert all(args[0] == "bot_uttered" for args, _ in emitted)
    return [args[1] for args, _ in emitted]


def test_a_card_arrives_as_one_event_and_is_shown_once_with_the_payloads_labels(visit, static_page):
    tab, page = visit, visit.page
    events = channel_events(
        rasa_message("Finding out turns everything upside down."),
        rasa_message(CARD_TEXT, CARD, BUTTONS),
        rasa_message("[x] Acknowledge\n[ ] Apologise", PROGRESS),
        rasa_message("If you're in danger right now, call 911.", SAFETY),
        rasa_message("Here is what I said before.", {"type": "restate", "of": None}),  # not drawn here
    )
    assert len(events) == 5, "one event per message"
    page.route("**/vendor/socket.io.min.js", lambda route: route.fulfill(
        status=200, content_type="text/javascript", body=FAKE_SOCKET_CLIENT))
    with tab.step("one-event-each"):
        page.goto(f"{static_page}/")
        page.locator("#status").wait_for(state="hidden")
        for event in events:
            page.evaluate("event => window.fakeSocket.handlers.bot_uttered(event)", event)
        rows = page.locator("#messages .row.from-bot")
        assert rows.count() == 5, "one row per message"

        card = page.locator(".card")
        assert card.count() == 1 and card.locator(".card-title").inner_text() == "After an affair"
        assert card.locator(".card-kicker").text_content() == "Kicker from the payload"
        assert card.locator(".card-tips-heading").inner_text() == "Things you could do this week"
        assert page.locator(".bubble", has_text="After an affair").count() == 0, "no text twin"
        assert page.locator(".bubble", has_text="Sleep and eat").count() == 0
        assert rows.nth(1).locator(".quick-reply").all_inner_texts() == ["Show me"]
        assert rows.nth(1).locator(".quick-replies").get_attribute("aria-label") == "Suggested replies"

        progress = page.locator(".progress")
        assert progress.locator(".step-label").all_inner_texts() == [
            "Label from the payload one", "Label from the payload two", "Label from the payload three",
            "boundaries agreed"]
        assert progress.locator(".progress-title").inner_text() == "Your repair plan"
        assert progress.get_attribute("aria-label") == "Your repair plan"
        assert progress.locator(".progress-bar").get_attribute("aria-label") == "1 of 4 steps done"
        assert page.locator(".bubble", has_text="[x]").count() == 0

        # Text said besides a payload stays, in the same row, above it.
        safety_row = rows.nth(3)
        assert safety_row.locator(".bubble.bot").inner_text() == "If you're in danger right now, call 911."
        assert safety_row.locator(".safety").get_attribute("aria-label") == "Help right now"
        assert safety_row.locator(".safety-lead").inner_text() == "Tap a number to call or text it."
        assert safety_row.locator("a[href='tel:911']").inner_text() == "Call 911"
        assert rows.nth(4).inner_text() == "Here is what I said before."
        assert page.locator(".bubble.bot").count() == 3
        no_raw_json(page)
        box = card.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        tab.shot("one-event-each")

    with tab.step("reload-and-reply"):
        page.reload()
        page.locator("#status").wait_for(state="hidden")
        assert page.locator("#messages .row.from-bot").count() == 5
        assert page.locator(".card").count() == 1 and page.locator(".bubble.bot").count() == 3
        page.locator(".quick-reply", has_text="Show me").click()
        sent = page.evaluate("window.fakeSocket.sent")
        assert sent[-1] == ["user_uttered", {"message": "/ask_next_step", "session_id": FAKE_TOKEN}]
    assert tab.errors == []
    assert tab.outside() == []
