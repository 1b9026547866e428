"""The Telegram channel: real Rasa and action servers, a local Bot API stub, real Update JSON.

The unit tests at the top need nothing running; the rest start the servers the
way `make run` does, with the channel pointed at tests/telegram_stub.py.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import time
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa

from bot import db, launcher
from bot.channels import telegram_render as render
from bot.channels.telegram import CoachTelegramInput, TelegramConfig
from tests.ports import port
from tests.servers import MODEL, Servers
from tests.telegram_stub import TelegramStub, html_problem

RASA_PORT, ACTION_PORT, STUB_PORT, OFF_PORT = port(17005), port(17055), port(17081), port(17006)
BOT_ID = 7000000001
TOKEN = f"{BOT_ID}:AAHtest-Token_0123456789abcdefghijkl"
USERNAME = "coach_test_bot"
SECRET = "coach-test-secret_0123456789"
WEBHOOK_URL = "https://coach.example.org/webhooks/telegram/webhook"
GROUP = {"id": -1001987654321, "title": "Couples circle", "type": "supergroup"}

server = pytest.mark.server
_update_ids = itertools.count(880000001)
_message_ids = itertools.count(101)


# -- renderer and callback data (no servers) ---------------------------------------------


def test_card_renders_as_escaped_html_with_bullets():
    card = {"type": "advice_card", "card_id": "c1", "topic": "infidelity", "role": "betrayed",
            "title": "When <trust> breaks & hurts", "body": "It's \"normal\" to feel <lost>.",
            "tips": ["Sleep & eat", "Write down <what> you need"]}
    html = render.render_card(card)
    assert html.splitlines()[0] == "<b>When &lt;trust&gt; breaks &amp; hurts</b>"
    assert "It's \"normal\" to feel &lt;lost&gt;." in html
    assert "• Sleep &amp; eat" in html and "• Write down &lt;what&gt; you need" in html
    assert html_problem(html) is None


def test_message_with_a_card_is_sent_once_as_html_not_twice():
    card = {"type": "advice_card", "title": "T", "body": "B", "tips": ["one", "two"]}
    [out] = render.render_message({"text": "T\nB\n- one\n- two", "custom": card, "buttons": []})
    assert out.html == "<b>T</b>\nB\n\n• one\n• two"


def test_progress_renders_a_checklist_with_dates():
    progress = {"type": "progress", "done": 1, "total": 4, "steps": [
        {"step": "acknowledge", "done": True, "completed_at": "2025-03-02T10:00:00Z"},
        {"step": "apologize", "done": False, "completed_at": None},
        {"step": "transparency", "done": False, "completed_at": None},
        {"step": "boundaries", "done": False, "completed_at": None}]}
    lines = render.render_progress(progress).splitlines()
    assert lines[0] == "<b>Your repair plan: 1 of 4 steps done</b>"
    assert lines[1] == "✅ Acknowledge the breach <i>(done 2 Mar 2025)</i>"
    assert lines[2].startswith("▫️ Apologise") and len(lines) == 5
    assert render.reveals_progress({"text": "[x] acknowledge", "custom": progress})


def test_safety_keeps_the_opening_first_and_lists_every_way_to_reach_help():
    safety = {"type": "safety", "level": "crisis", "subject": "self", "region": "US", "resources": [
        {"name": "Emergency services", "call": "911", "text": None, "chat_url": None, "source": "x"},
        {"name": "988 Suicide & Crisis Lifeline", "call": "988", "text": "988",
         "chat_url": "https://988lifeline.org/chat/?a=1&b=2", "source": "x"}]}
    [out] = render.render_message({"text": "Please call 911 <now>.", "custom": safety})
    lines = out.html.splitlines()
    assert lines[0] == "Please call 911 &lt;now&gt;."
    assert lines[2] == "• <b>Emergency services</b>: call <b>911</b>"
    assert lines[3] == ('• <b>988 Suicide &amp; Crisis Lifeline</b>: call <b>988</b>, text <b>988</b>, '
                        '<a href="https://988lifeline.org/chat/?a=1&amp;b=2">chat online</a>')
    assert html_problem(out.html) is None


def test_plain_text_is_escaped_and_buttons_ride_on_the_last_message():
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    [out] = render.render_message({"text": "a < b && c > d", "buttons": buttons})
    assert out.html == "a &lt; b &amp;&amp; c &gt; d" and out.buttons == buttons
    assert render.render_message({"text": None, "custom": {"type": "unknown"}}) == []


def test_long_text_is_split_into_messages_telegram_accepts():
    chunks = render.split_text("&" * 5000)
    assert len(chunks) > 1 and all(len(c) <= render.MAX_TEXT for c in chunks)
    assert "".join(c.replace("&amp;", "&") for c in chunks) == "&" * 5000
    paragraphs = render.split_text("\n".join(["word " * 100] * 20))
    assert all(len(c) <= render.MAX_TEXT for c in paragraphs) and len(paragraphs) == 3


def test_short_payloads_are_sent_as_they_are():
    codec = render.CallbackCodec()
    payload = '/inform_breach_type{"breach_type":"emotional_neglect"}'
    assert codec.encode(payload) == payload
    assert codec.decode(payload) == payload


def test_long_payloads_map_to_a_short_key_and_back():
    codec = render.CallbackCodec()
    long_payload = '/report_step_done{"step":"boundaries","note":"' + "ü" * 40 + '"}'
    key = codec.encode(long_payload)
    assert key.startswith("#") and len(key.encode()) <= 64
    assert codec.decode(key) == long_payload
    assert render.CallbackCodec().decode(key) is None, "unknown keys are expired, never guessed"
    restarted = render.CallbackCodec(known=lambda: [long_payload])
    assert restarted.decode(key) == long_payload, "a key the domain knows survives a restart"
    assert codec.encode("#looks-like-a-key") != "#looks-like-a-key"


def test_the_key_map_is_bounded():
    codec = render.CallbackCodec(capacity=2)
    keys = [codec.encode("/x" + "y" * 70 + str(i)) for i in range(3)]
    assert codec.decode(keys[0]) is None and codec.decode(keys[2]) is not None


def test_keyboard_layout_and_limits():
    encode = render.CallbackCodec().encode
    yes_no = [{"title": "Yes", "payload": "/affirm"}, {"title": "Not now", "payload": "/deny"}]
    short = render.keyboard(yes_no, encode)
    assert short == {"inline_keyboard": [[{"text": "Yes", "callback_data": "/affirm"},
                                          {"text": "Not now", "callback_data": "/deny"}]]}
    long = render.keyboard([{"title": "Yes, show me the steps", "payload": "/affirm"},
                            {"title": "Just talk for now", "payload": "/x" + "z" * 80}], encode)
    assert [len(row) for row in long["inline_keyboard"]] == [1, 1]
    assert all(len(b["callback_data"].encode()) <= 64 for row in long["inline_keyboard"] for b in row)


def test_group_privacy_covers_the_plan_replies():
    for name in ("step_recorded", "next_is", "on_step",
                 "done_when_apologize_offender", "welcome_back", "confirm_delete", "checkin_trend"):
        assert render.reveals_progress({"text": "x", "utter_action": name}), name
    for name in ("utter_greet", "offer_plan_betrayed", "safety_stay_crisis", None):
        assert not render.reveals_progress({"text": "x", "utter_action": name}), name


def channel(username: str | None = USERNAME) -> CoachTelegramInput:
    return CoachTelegramInput(TelegramConfig(token=TOKEN, username=username, secret=SECRET))


def test_mentions_are_found_by_utf16_offsets_and_removed():
    text = "😢😢 @Coach_Test_Bot my wife found out"
    offset = len("😢😢 ".encode("utf-16-le")) // 2
    entities = [{"type": "mention", "offset": offset, "length": 15}]
    message = {"text": text, "entities": entities, "chat": GROUP}
    assert channel().addressed(message)
    assert channel().clean(text, entities) == "😢😢  my wife found out"
    other = [{"type": "mention", "offset": offset, "length": 15}]
    assert not channel().addressed({"text": text.replace("Coach_Test", "Other_Test"), "entities": other})


def test_replies_to_the_bot_and_commands_for_it_address_it():
    assert channel().addressed({"text": "yes", "reply_to_message": {"from": {"id": BOT_ID, "is_bot": True}}})
    assert not channel().addressed({"text": "yes", "reply_to_message": {"from": {"id": 42, "is_bot": False}}})
    command = [{"type": "bot_command", "offset": 0, "length": 20}]
    assert channel().addressed({"text": "/help@coach_test_bot", "entities": command})
    assert not channel().addressed({"text": "/help@other_test_bot", "entities": command})
    assert not channel().addressed({"text": "my wife cheated", "entities": []})


def test_typed_text_never_becomes_an_intent():
    assert channel().clean("/start", [{"type": "bot_command", "offset": 0, "length": 6}]) == "/greet"
    assert channel().clean("/help@coach_test_bot", []) == "/ask_capabilities"
    assert channel().clean('/report_step_done{"step":"acknowledge"}', []) == \
        'report_step_done{"step":"acknowledge"}'
    assert channel().clean("//affirm", []) == "affirm"


def test_the_secret_is_compared_exactly():
    assert channel().secret_ok(SECRET)
    assert not channel().secret_ok(SECRET + "x") and not channel().secret_ok(None)
    assert not CoachTelegramInput(TelegramConfig(token=TOKEN)).secret_ok(""), "no secret: nothing gets in"
    generated = CoachTelegramInput(TelegramConfig(token=TOKEN, webhook_url=WEBHOOK_URL)).secret
    assert generated and len(generated) >= 32, "registering the webhook ourselves: a random secret"


def test_configuration_comes_from_the_environment():
    config = TelegramConfig.from_env({"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_BOT_USERNAME": "@Coach_Bot",
                                      "TELEGRAM_API_URL": "http://127.0.0.1:9/"})
    assert (config.enabled, config.username, config.api_url, config.bot_id) == (
        True, "Coach_Bot", "http://127.0.0.1:9", BOT_ID)
    assert not TelegramConfig.from_env({}).enabled
    assert TelegramConfig.from_env({}).api_url == "https://api.telegram.org"


# -- the running channel -------------------------------------------------------------


@pytest.fixture(scope="module")
def stub():
    running = TelegramStub(STUB_PORT, TOKEN, USERNAME).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def servers(tmp_path_factory, stub):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    folder = tmp_path_factory.mktemp("telegram")
    running = Servers(
        f"sqlite:///{folder / 'coach.db'}", folder, rasa_port=RASA_PORT, action_port=ACTION_PORT,
        extra_env={
            "TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_URL": stub.url, "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_WEBHOOK_URL": WEBHOOK_URL, "TELEGRAM_BOT_USERNAME": "",  # learnt with one getMe
            "REMINDER_POLL_SECONDS": "1",
        },
    )
    running.start()
    deadline = time.monotonic() + 30
    while not stub.calls("setWebhook") and time.monotonic() < deadline:  # set right after start
        time.sleep(0.2)
    yield running
    running.stop()


def post(servers: Servers, update: dict, secret: str | None = SECRET) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(f"{servers.url}/webhooks/telegram/webhook",
                                     data=json.dumps(update).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def person(user_id: int, name: str = "Sam") -> dict:
    return {"id": user_id, "is_bot": False, "first_name": name, "username": f"{name.lower()}{user_id}",
            "language_code": "en"}


def private_chat(user_id: int, name: str = "Sam") -> dict:
    return {"id": user_id, "first_name": name, "username": f"{name.lower()}{user_id}", "type": "private"}


def message(user_id: int, text: str | None = None, chat: dict | None = None, **fields) -> dict:
    body = {"message_id": next(_message_ids), "from": person(user_id), "chat": chat or private_chat(user_id),
            "date": int(time.time())}
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            body["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
    body.update(fields)
    return body


def update(**content) -> dict:
    return {"update_id": next(_update_ids), **content}


def mention(user_id: int, words: str) -> dict:
    text = f"@{USERNAME} {words}"
    entities = [{"offset": 0, "length": len(USERNAME) + 1, "type": "mention"}]
    return message(user_id, text, GROUP, entities=entities)


def say(servers: Servers, stub: TelegramStub, user_id: int, text: str) -> list[dict]:
    """A private text message; the sendMessage calls it caused."""
    mark = stub.count()
    status, _ = post(servers, update(message=message(user_id, text)))
    assert status == 200
    return stub.since(mark, "sendMessage")


def query(servers: Servers, sql: str, **params) -> list[tuple]:
    engine = db.create_engine(servers.database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


def done_steps(servers: Servers, sender: str) -> set[str]:
    rows = query(servers, "SELECT step FROM coach_progress WHERE sender_id = :s AND done", s=sender)
    return {row[0] for row in rows}


def events(servers: Servers, sender: str) -> int:
    return query(servers, "SELECT count(*) FROM events WHERE sender_id = :s", s=sender)[0][0]


def user_texts(servers: Servers, sender: str) -> list[str]:
    rows = query(servers, "SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id",
                 s=sender)
    return [json.loads(row[0]).get("text") for row in rows]


def all_html_parses(sent: list[dict]) -> bool:
    return all(m.get("parse_mode") == "HTML" and html_problem(m["text"]) is None for m in sent)


@server
def test_the_webhook_is_set_once_at_start_with_the_secret(servers, stub):
    [call] = stub.calls("setWebhook")
    assert call["url"] == WEBHOOK_URL and call["secret_token"] == SECRET
    assert {"message", "edited_message", "callback_query", "my_chat_member"} <= set(call["allowed_updates"])
    assert len(stub.calls("getMe")) == 1, "the username is learnt once, at start"
    assert "Telegram is on" in servers.logs() and TOKEN not in servers.logs()


@server
def test_a_text_message_gets_a_card_as_html(servers, stub):
    say(servers, stub, 1001, "/start")
    assert user_texts(servers, "tg:1001") == ["/greet"]
    sent = say(servers, stub, 1001, "my husband cheated on me")
    assert sent and all(m["chat_id"] == 1001 for m in sent) and all_html_parses(sent)
    titles = [row[0] for row in query(
        servers, "SELECT title FROM coach_cards WHERE topic = 'infidelity' AND role = 'betrayed'")]
    cards = [m for m in sent if m["text"].startswith("<b>") and "\n• " in m["text"]]
    assert len(cards) == 1, "one card, rendered once (not also as its plain-text twin)"
    assert any(cards[0]["text"].startswith(f"<b>{render.escape(t)}</b>") for t in titles)
    assert not any("\n- " in m["text"] for m in sent)
    assert "reply_parameters" not in cards[0], "private chats need no quoting"


@server
def test_a_step_reported_in_words_is_stored_and_shown(servers, stub):
    say(servers, stub, 1002, "I cheated on my wife")
    sent = say(servers, stub, 1002, "we agreed on boundaries last night")
    assert done_steps(servers, "tg:1002") == {"boundaries"}
    checklist = [m for m in sent if "steps done" in m["text"]]
    assert checklist and "1 of 4 steps done" in checklist[0]["text"]
    assert "✅ Boundaries agreed together" in checklist[0]["text"] and all_html_parses(sent)


@server
def test_a_button_press_is_answered_and_runs_its_payload(servers, stub):
    if not done_steps(servers, "tg:1002"):
        say(servers, stub, 1002, "I cheated on my wife")
    keyboards = [m for m in stub.calls("sendMessage") if m.get("reply_markup")]
    assert keyboards, "the coach offers buttons"
    for sent in keyboards:
        for row in sent["reply_markup"]["inline_keyboard"]:
            assert all(1 <= len(b["callback_data"].encode()) <= 64 for b in row)

    bot_message = {"message_id": 5999, "from": stub.bot, "chat": private_chat(1002), "date": int(time.time()),
                   "text": "You're on the acknowledge step."}
    press = {"id": "4382bfdwdsb323b2d9", "from": person(1002), "message": bot_message,
             "chat_instance": "-7213401882231", "data": '/report_step_done{"step":"acknowledge"}'}
    mark = stub.count()
    status, _ = post(servers, update(callback_query=press))
    assert status == 200
    calls = stub.since(mark)
    answers = stub.since(mark, "answerCallbackQuery")
    assert [a["callback_query_id"] for a in answers] == ["4382bfdwdsb323b2d9"]
    assert "acknowledge" in done_steps(servers, "tg:1002")
    [removed] = stub.since(mark, "editMessageReplyMarkup")
    assert removed["message_id"] == 5999 and removed["reply_markup"] == {"inline_keyboard": []}
    assert stub.since(mark, "sendMessage"), "the coach answers the press"
    assert calls.index(answers[0]) < calls.index(stub.since(mark, "sendMessage")[0]), "spinner stops first"


@server
def test_an_expired_button_is_answered_and_changes_nothing(servers, stub):
    say(servers, stub, 1003, "hello")
    before = events(servers, "tg:1003")
    press = {"id": "expired-1", "from": person(1003), "chat_instance": "1",
             "message": {"message_id": 6001, "from": stub.bot, "chat": private_chat(1003), "date": 1},
             "data": "#" + "A" * 22}
    mark = stub.count()
    assert post(servers, update(callback_query=press))[0] == 200
    [answer] = stub.since(mark, "answerCallbackQuery")
    assert answer["callback_query_id"] == "expired-1" and answer["text"] == render.EXPIRED_BUTTON
    assert events(servers, "tg:1003") == before and not stub.since(mark, "sendMessage")


@server
def test_an_edit_gets_a_note_and_is_not_run_again(servers, stub):
    original = message(1004, "I lied to my husband about money")
    post(servers, update(message=original))
    before, steps_before = events(servers, "tg:1004"), done_steps(servers, "tg:1004")
    edited = {**original, "text": "I lied to my husband about our debts", "edit_date": int(time.time())}
    mark = stub.count()
    assert post(servers, update(edited_message=edited))[0] == 200
    [note] = stub.since(mark, "sendMessage")
    assert note["chat_id"] == 1004 and note["text"] == render.EDITED
    assert events(servers, "tg:1004") == before and done_steps(servers, "tg:1004") == steps_before


@server
def test_a_sticker_or_voice_gets_i_can_only_read_text(servers, stub):
    sticker = {"width": 512, "height": 512, "emoji": "😢", "set_name": "SadCats", "is_animated": False,
               "is_video": False, "type": "regular", "file_id": "CAACAgIAAxkBAAEB",
               "file_unique_id": "AgADxx"}
    voice = {"duration": 4, "mime_type": "audio/ogg", "file_id": "AwACAgIAAxkBAAEC",
             "file_unique_id": "AgADyy", "file_size": 9000}
    for content in ({"sticker": sticker}, {"voice": voice}, {"photo": [{"file_id": "p", "file_unique_id": "q",
                                                                      "width": 90, "height": 90}],
                                                            "caption": "look"}):
        mark = stub.count()
        assert post(servers, update(message=message(1005, **content)))[0] == 200
        [reply] = stub.since(mark, "sendMessage")
        assert reply["chat_id"] == 1005 and reply["text"] == render.CANT_READ
    assert events(servers, "tg:1005") == 0


@server
def test_service_updates_get_200_and_silence(servers, stub):
    blocked = {"chat": private_chat(1006), "from": person(1006), "date": int(time.time()),
               "old_chat_member": {"user": stub.bot, "status": "member"},
               "new_chat_member": {"user": stub.bot, "status": "kicked", "until_date": 0}}
    added = {"chat": GROUP, "from": person(1006), "date": int(time.time()),
             "old_chat_member": {"user": stub.bot, "status": "left"},
             "new_chat_member": {"user": stub.bot, "status": "member"}}
    joined = message(1006, chat=GROUP, new_chat_members=[stub.bot], new_chat_member=stub.bot,
                     new_chat_participant=stub.bot)
    mark = stub.count()
    for content in ({"my_chat_member": blocked}, {"my_chat_member": added}, {"message": joined},
                    {"poll_answer": {"poll_id": "1", "user": person(1006), "option_ids": [0]}}):
        assert post(servers, update(**content))[0] == 200
    assert stub.since(mark) == [] and events(servers, "tg:1006") == 0


@server
def test_in_a_group_only_messages_for_the_coach_are_answered(servers, stub):
    mark = stub.count()
    assert post(servers, update(message=message(2001, "my wife cheated on me", GROUP)))[0] == 200
    assert stub.since(mark) == [] and events(servers, "tg:2001") == 0

    asked = mention(2001, "my wife cheated on me")
    assert post(servers, update(message=asked))[0] == 200
    sent = stub.since(mark, "sendMessage")
    assert sent and all(m["chat_id"] == GROUP["id"] for m in sent) and all_html_parses(sent)
    assert all(m["reply_parameters"]["message_id"] == asked["message_id"] for m in sent)
    assert user_texts(servers, "tg:2001") == ["my wife cheated on me"], "one conversation a person, no @"

    mark = stub.count()
    coach_said = {"message_id": 7001, "from": stub.bot, "chat": GROUP, "date": int(time.time()), "text": "…"}
    reply = message(2001, "why do I feel so insecure now", GROUP, reply_to_message=coach_said)
    post(servers, update(message=reply))
    assert stub.since(mark, "sendMessage"), "a reply to the coach addresses it"
    assert events(servers, "tg:-1001987654321") == 0, "no conversation for the group itself"


@server
def test_in_a_group_buttons_work_only_for_the_person_asked(servers, stub):
    asked = mention(2004, "I cheated on my husband")
    post(servers, update(message=asked))
    bot_message = {"message_id": 6100, "from": stub.bot, "chat": GROUP, "date": int(time.time()),
                   "text": "Would you like the steps?", "reply_to_message": asked}
    intruder = {"id": "intruder-1", "from": person(2005, "Kim"), "message": bot_message, "chat_instance": "9",
                "data": '/report_step_done{"step":"acknowledge"}'}
    mark = stub.count()
    assert post(servers, update(callback_query=intruder))[0] == 200
    [answer] = stub.since(mark, "answerCallbackQuery")
    assert answer["text"] == render.NOT_YOUR_BUTTONS and answer["show_alert"] is True
    assert events(servers, "tg:2005") == 0 and "acknowledge" not in done_steps(servers, "tg:2004")
    assert not stub.since(mark, "sendMessage")

    owner = {**intruder, "id": "owner-1", "from": person(2004)}
    mark = stub.count()
    post(servers, update(callback_query=owner))
    assert [a["callback_query_id"] for a in stub.since(mark, "answerCallbackQuery")] == ["owner-1"]
    assert "acknowledge" in done_steps(servers, "tg:2004")
    assert not any("steps done" in m["text"] for m in stub.since(mark, "sendMessage")
                   if m["chat_id"] == GROUP["id"]), "the checklist never reaches the group"


@server
def test_in_a_group_progress_goes_privately(servers, stub):
    post(servers, update(message=mention(2002, "I cheated on my wife")))
    mark = stub.count()
    post(servers, update(message=mention(2002, "we agreed on boundaries last night")))
    assert done_steps(servers, "tg:2002") == {"boundaries"}
    sent = stub.since(mark, "sendMessage")
    in_group = [m for m in sent if m["chat_id"] == GROUP["id"]]
    privately = [m for m in sent if m["chat_id"] == 2002]
    assert [m["text"] for m in in_group] == [render.SENT_PRIVATELY]
    assert any("1 of 4 steps done" in m["text"] for m in privately)
    assert all("reply_parameters" not in m for m in privately)


@server
def test_in_a_group_progress_stays_out_when_the_person_cannot_be_reached(servers, stub):
    stub.unreachable.add(2003)
    post(servers, update(message=mention(2003, "I cheated on my wife")))
    mark = stub.count()
    post(servers, update(message=mention(2003, "show my progress")))
    sent = stub.since(mark, "sendMessage")
    in_group = [m for m in sent if m["chat_id"] == GROUP["id"]]
    assert [m["text"] for m in in_group] == [render.ask_privately(USERNAME)]
    assert f"https://t.me/{USERNAME}" in in_group[0]["text"] and html_problem(in_group[0]["text"]) is None


@server
def test_forged_requests_get_403_and_change_nothing(servers, stub):
    say(servers, stub, 3001, "I cheated on my wife")
    before, steps_before = events(servers, "tg:3001"), done_steps(servers, "tg:3001")
    forged_press = {"id": "forged", "from": person(3001), "chat_instance": "1",
                    "message": {"message_id": 1, "from": stub.bot, "chat": private_chat(3001), "date": 1},
                    "data": '/report_step_done{"step":"transparency"}'}
    mark = stub.count()
    for secret in (None, "", "wrong-secret", SECRET + "x", SECRET.upper()):
        forged_text = {"message": message(3001, "we agreed on boundaries")}
        for content in (forged_text, {"callback_query": forged_press}):
            status, _ = post(servers, update(**content), secret=secret)
            assert status == 403, secret
    assert stub.since(mark) == []
    assert events(servers, "tg:3001") == before and done_steps(servers, "tg:3001") == steps_before


@server
def test_a_repeated_update_is_handled_once(servers, stub):
    again = update(message=message(3002, "hello"))
    post(servers, again)
    before, mark = events(servers, "tg:3002"), stub.count()
    assert post(servers, again)[0] == 200
    assert events(servers, "tg:3002") == before and stub.since(mark) == []


@server
def test_a_redelivered_update_after_a_restart_runs_once(servers, stub):
    again = update(message=message(3102, "my husband lied to me about money"))
    assert post(servers, again)[0] == 200
    before = events(servers, "tg:3102")
    servers.restart()  # the in-process memory of seen updates is gone
    mark = stub.count()
    assert post(servers, again)[0] == 200
    assert events(servers, "tg:3102") == before, "the redelivered update did not run again"
    assert stub.since(mark, "sendMessage") == []
    assert query(servers, "SELECT sender_id FROM coach_telegram_updates WHERE update_id = :u",
                 u=again["update_id"]) == [("tg:3102",)]


@server
def test_flood_control_and_telegram_errors_are_retried(servers, stub):
    stub.fail("sendMessage", 502, times=2)
    stub.fail("sendMessage", 429, times=1, retry_after=1)
    refused = len(stub.refused)
    sent = say(servers, stub, 3103, "hello")
    assert sent and sent[0]["chat_id"] == 3103, "the reply arrived after three failed attempts"
    assert [code for _, _, code in stub.refused[refused:]] == [502, 502, 429]


@server
def test_a_reply_that_keeps_failing_is_kept_and_sent_before_the_next_answer(servers, stub):
    say(servers, stub, 3104, "I cheated on my wife")
    stub.fail("sendMessage", 503, times=100)
    try:
        mark = stub.count()
        assert post(servers, update(message=message(3104, "show my progress")))[0] == 200
        assert stub.since(mark, "sendMessage") == []
        kept = query(servers, "SELECT params FROM coach_telegram_outbox WHERE sender_id = :s ORDER BY id",
                     s="tg:3104")
        assert kept, "the replies are kept, not dropped"
    finally:
        stub.heal()
    kept_texts = [json.loads(row[0])["text"] if isinstance(row[0], str) else row[0]["text"] for row in kept]
    sent = say(servers, stub, 3104, "thank you")
    assert [m["text"] for m in sent[:len(kept_texts)]] == kept_texts, "the kept replies go first"
    assert len(sent) > len(kept_texts), "then the answer to the new message"
    assert query(servers, "SELECT count(*) FROM coach_telegram_outbox WHERE sender_id = 'tg:3104'") == [(0,)]


@server
def test_a_blocked_bot_is_not_retried_and_nothing_is_kept(servers, stub):
    stub.fail("sendMessage", 403, times=1)
    refused = len(stub.refused)
    sent = say(servers, stub, 3105, "hello")
    assert len(stub.refused) == refused + 1, "403 is not retried"
    refused_text = stub.refused[-1][1]["text"]
    assert refused_text not in [m["text"] for m in sent] and sent, "it is dropped; the rest still goes"
    assert query(servers, "SELECT count(*) FROM coach_telegram_outbox WHERE sender_id = 'tg:3105'") == [(0,)]


@server
def test_a_malformed_update_gets_the_short_sorry(servers, stub):
    broken = update(message=message(3106, "hello @coach_test_bot"))
    broken["message"]["entities"] = [{"type": "mention", "offset": "seven", "length": None}]
    mark = stub.count()
    assert post(servers, broken)[0] == 200
    [sorry] = stub.since(mark, "sendMessage")
    assert sorry["chat_id"] == 3106 and sorry["text"] == render.SORRY


@server
def test_delete_my_data_removes_the_telegram_rows_too(servers, stub):
    say(servers, stub, 3107, "I cheated on my husband")
    assert query(servers, "SELECT count(*) FROM coach_telegram_updates WHERE sender_id = 'tg:3107'")[0][0] > 0
    say(servers, stub, 3107, "delete my data")
    say(servers, stub, 3107, "yes")
    for table in ("coach_telegram_updates", "coach_telegram_outbox", "events", "coach_progress"):
        assert query(servers, f"SELECT count(*) FROM {table} WHERE sender_id = 'tg:3107'") == [(0,)], table


@server
def test_broken_updates_get_an_answer_telegram_will_not_resend(servers, stub):
    no_message = {"id": "q-no-message", "from": person(3003)}
    for content in ({}, {"message": {"text": "hi"}}, {"callback_query": no_message}):
        body = {"update_id": next(_update_ids), **content}
        assert post(servers, body)[0] == 200
    [answer] = stub.calls("answerCallbackQuery")[-1:]
    assert answer["callback_query_id"] == "q-no-message"
    assert "Traceback" not in servers.logs()


@server
def test_message_text_never_reaches_the_logs(servers, stub):
    say(servers, stub, 3004, "my wife found out about my zanzibarquux affair")
    post(servers, update(message=mention(3004, "the quuxzanzibar thing again")))
    logs = servers.logs()
    assert "zanzibarquux" not in logs and "quuxzanzibar" not in logs


@server
def test_nothing_is_asked_per_message(servers, stub):
    starts = servers.starts  # once per start of the server (one test restarts it)
    assert len(stub.calls("setWebhook")) == starts and len(stub.calls("getMe")) == starts
    assert len(stub.calls("sendMessage")) > 10


# -- off without a token ---------------------------------------------------------------


@server
def test_without_a_token_the_server_starts_and_telegram_is_off(tmp_path):
    env = launcher.environment()
    env = {k: v for k, v in env.items() if not k.startswith("TELEGRAM_")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'off.db'}", RASA_PORT=str(OFF_PORT))
    command = launcher.commands(env, MODEL)["rasa server"]
    log = tmp_path / "off.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=launcher.PROJECT_DIR, env=env, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 180
            while not launcher.answers(f"http://127.0.0.1:{OFF_PORT}/webhooks/telegram/"):
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.5)
            with urllib.request.urlopen(f"http://127.0.0.1:{OFF_PORT}/webhooks/telegram/") as response:
                assert json.loads(response.read()) == {"status": "off"}
            request = urllib.request.Request(
                f"http://127.0.0.1:{OFF_PORT}/webhooks/telegram/webhook", data=b"{}",
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 503
        finally:
            launcher.stop({"rasa server": process})
    assert "Telegram is off" in log.read_text()


# -- check-ins and reminders (issue #15) ---------------------------------------------------


def test_the_check_in_chart_and_the_export_are_sent_as_files(servers, stub):
    from datetime import datetime, timedelta, timezone

    from bot.checkins import CheckinStore

    user = 610001
    engine = db.create_engine(servers.database_url)
    try:
        store = CheckinStore(engine)
        then = datetime.now(timezone.utc) - timedelta(weeks=2)
        for sign, value in (("openness", 2), ("hope", 3)):
            store.record(f"tg:{user}", sign, value, then)
            store.record(f"tg:{user}", sign, value + 1)
    finally:
        engine.dispose()
    mark = stub.count()
    status, _ = post(servers, update(message=message(user, "show my check-ins")))
    assert status == 200
    [photo] = stub.since(mark, "sendPhoto")
    assert photo["chat_id"] == user
    assert photo["photo"]["data"].startswith(b"\x89PNG") and photo["photo"]["content_type"] == "image/png"
    assert "Openness: 2 → 3" in photo["caption"] and "Hope: 3 → 4" in photo["caption"]
    # "Export my data" comes as a JSON document.
    mark = stub.count()
    status, _ = post(servers, update(message=message(user, "export my data")))
    assert status == 200
    [document] = stub.since(mark, "sendDocument")
    assert document["chat_id"] == user and document["document"]["filename"] == "my-data.json"
    exported = json.loads(document["document"]["data"])
    assert sorted((c["sign"], c["value"]) for c in exported["checkins"]) == [
        ("hope", 3), ("hope", 4), ("openness", 2), ("openness", 3)]


def test_a_reminder_arrives_through_telegram_after_both_servers_restart(servers, stub):
    from datetime import datetime, timedelta, timezone

    user = 610002
    sent = say(servers, stub, user, "remind me in 2 minutes to check in")
    assert any("2 minutes" in m["text"] for m in sent)
    servers.stop()
    engine = db.create_engine(servers.database_url)
    try:
        with engine.begin() as connection:  # the two minutes pass while everything is down
            connection.execute(db.reminders.update().where(db.reminders.c.sender_id == f"tg:{user}")
                               .values(due_at=datetime.now(timezone.utc) - timedelta(seconds=5)))
            # ... and so do two hours: the session has expired, and starts again silently (its
            # opening words name the coach's purpose; a lock screen shows only the reminder).
            rows = connection.execute(sa.text("SELECT id, data FROM events WHERE sender_id = :s"),
                                      {"s": f"tg:{user}"}).all()
            for row_id, data in rows:
                event = json.loads(data)
                event["timestamp"] -= 7200
                connection.execute(sa.text("UPDATE events SET data = :d, timestamp = :t WHERE id = :i"),
                                   {"d": json.dumps(event), "t": event["timestamp"], "i": row_id})
    finally:
        engine.dispose()
    mark = stub.count()
    servers.start()
    deadline = time.monotonic() + 30
    pushed: list[dict] = []
    while time.monotonic() < deadline and not pushed:
        pushed = [c for c in stub.since(mark, "sendMessage") if c["chat_id"] == user]
        time.sleep(0.3)
    assert len(pushed) == 1, "pushed once, without a message from the person"
    assert pushed[0]["text"] == "Time for your check-in. It takes a minute."
    time.sleep(2.5)  # a few more rounds of the loop: nothing more
    assert len([c for c in stub.since(mark, "sendMessage") if c["chat_id"] == user]) == 1
