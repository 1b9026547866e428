"""The rules at the edge, without servers: who may call, what a body may hold, secrets, logs."""

from __future__ import annotations

import json
import logging
import os
import stat
import sys

import pytest

from bot import local_secret, log_redaction
from bot.channels import access, edge
from bot.channels.access import Access, client_is_loopback
from bot.channels.socketio import SessionTokens

# -- who may call ------------------------------------------------------------------------------


def test_the_origins_are_built_from_web_port_and_web_origins():
    env = {"WEB_PORT": "9090", "WEB_ORIGINS": "https://chat.example.org, http://lan-box:9090/path junk"}
    assert access.web_origins(env) == [
        "http://localhost:9090", "http://127.0.0.1:9090", "https://chat.example.org", "http://lan-box:9090"]
    assert access.web_origins({}) == ["http://localhost:8080", "http://127.0.0.1:8080"]


def test_host_names_cover_loopback_and_the_configured_urls():
    names = access.host_names({"WEB_ORIGINS": "https://chat.example.org", "ALLOWED_HOSTS": "Box.Lan",
                               "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/webhooks/telegram/webhook"})
    assert {"localhost", "127.0.0.1", "::1", "chat.example.org", "box.lan", "bot.example.org"} <= names
    rules = Access.from_env({})
    assert rules.host_ok("localhost:5005") and rules.host_ok("127.0.0.1") and rules.host_ok("[::1]:5005")
    for bad in (None, "", "attacker.example:5005", "localhost.attacker.example", "127.0.0.1.nip.io"):
        assert not rules.host_ok(bad), bad


@pytest.mark.parametrize(("peer", "headers", "loopback"), [
    ("127.0.0.1", {}, True),
    ("::1", {}, True),
    ("::ffff:127.0.0.1", {}, True),
    ("203.0.113.9", {}, False),
    ("127.0.0.1", {"X-Forwarded-For": "127.0.0.1"}, False),
    ("127.0.0.1", {"Forwarded": "for=127.0.0.1"}, False),
    ("127.0.0.1", {"CF-Connecting-IP": "127.0.0.1"}, False),
    ("127.0.0.1", {"X-Real-IP": "203.0.113.9"}, False),
    ("127.0.0.1", {"X-Real-IP": "127.0.0.1"}, True),   # the project's nginx, for a local client
    ("203.0.113.9", {"X-Real-IP": "127.0.0.1"}, False),  # only a loopback peer's X-Real-IP is read
    (None, {}, False),
])
def test_only_the_tcp_peer_or_our_proxys_x_real_ip_can_claim_loopback(peer, headers, loopback):
    assert client_is_loopback(peer, headers) is loopback


def test_rest_needs_loopback_or_the_token_compared_in_full():
    local = {"Host": "localhost:5005"}
    remote_peer = "203.0.113.9"
    closed = Access.from_env({})
    assert closed.rest_refusal("127.0.0.1", local) is None
    assert closed.rest_refusal(remote_peer, local) == (401, "REST is open to this machine only")
    assert closed.rest_refusal(remote_peer, {**local, "Authorization": "Bearer anything"})[0] == 401
    token = Access.from_env({"REST_TOKEN": "t0ken-123"})
    assert token.rest_refusal(remote_peer, {**local, "Authorization": "Bearer t0ken-123"}) is None
    for wrong in ("Bearer t0ken-12", "Bearer t0ken-1234", "Basic t0ken-123", "t0ken-123", ""):
        assert token.rest_refusal(remote_peer, {**local, "Authorization": wrong})[0] == 401, wrong
    assert token.rest_refusal("127.0.0.1", {**local, "Authorization": "Bearer nope"})[0] == 401
    assert token.rest_refusal("127.0.0.1", {"Host": "evil.example"})[0] == 400
    assert token.rest_refusal("127.0.0.1", {**local, "Origin": "http://evil.example"})[0] == 403
    assert token.rest_refusal("127.0.0.1", {**local, "Origin": "http://localhost:8080"}) is None


# -- what a body may hold ----------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"[]", b"1", b'"x"', b"null", b"{", b"\xff", b"[" * 50_000])
def test_anything_but_a_json_object_is_rejected(body):
    with pytest.raises(edge.Rejected):
        edge.json_object(body)


@pytest.mark.parametrize("value", [None, 5, ["a"], "", "  ", "a\ud800", "a\x00b", "a\nb", "s" * 251])
def test_bad_senders_are_rejected(value):
    with pytest.raises(edge.Rejected):
        edge.sender(value)


def test_good_senders_and_messages_pass():
    assert edge.sender("me") == "me" and edge.sender("s" * 250) == "s" * 250 and edge.sender("tg:5001")
    assert edge.message("") == "" and edge.message("hi") == "hi"
    for bad in (None, 5, ["hi"], {"text": "hi"}):
        with pytest.raises(edge.Rejected):
            edge.message(bad)


def test_only_application_json_is_json():
    assert edge.is_json("application/json") and edge.is_json("Application/JSON; charset=utf-8")
    for other in (None, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        assert not edge.is_json(other)


@pytest.mark.parametrize(("text", "problem"), [
    ("", "empty"), ("  \n", "empty"), ("😢😢", "no_words"), ("a \ud800 b", "unreadable"),
    ("x" * 5001, "too_long"), ("/ask_nonsense", None), ("my wife left", None), ("x" * 5000, None)])
def test_unusable_text_is_told_apart(text, problem):
    assert edge.unusable(text) == problem


async def test_the_short_reply_names_no_stored_state_and_keeps_danger_first():
    [reply] = await edge.short_reply("too_long", "word " * 2000)
    assert reply["text"].startswith("That's a lot")
    for text in ("I want to kill myself. " + "word " * 3000, "word " * 3000 + " I want to kill myself"):
        replies = await edge.short_reply("too_long", text)
        assert replies[0]["custom"]["type"] == "safety", "a disclosure in a long message gets the resources"
        assert replies[-1]["text"].startswith("That's a lot")
    [reply] = await edge.short_reply("unreadable", "a \ud800")
    assert "type it again" in reply["text"]


# -- secrets -----------------------------------------------------------------------------------


def test_a_secret_comes_from_the_environment_first(tmp_path):
    assert local_secret.get("X_SECRET", "x", {"X_SECRET": " given "}, tmp_path) == "given"
    assert not list(tmp_path.iterdir()), "nothing is written when the environment has it"


def test_else_it_is_made_once_with_mode_0600_and_reused(tmp_path):
    first = local_secret.get("X_SECRET", "x", {}, tmp_path)
    assert len(first) >= 40 and first == local_secret.get("X_SECRET", "x", {}, tmp_path)
    path = tmp_path / "x.secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    os.chmod(path, 0o644)
    assert local_secret.get("X_SECRET", "x", {}, tmp_path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "a loosened file is tightened again"


def test_the_makefile_reads_the_same_secret(tmp_path):
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "ACTION_SERVER_SECRET"}
    command = [sys.executable, str(local_secret.__file__), "ACTION_SERVER_SECRET", "action-server"]
    made = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout.strip()
    assert made == local_secret.get("ACTION_SERVER_SECRET", "action-server", env)


# -- web session tokens ------------------------------------------------------------------------


def test_session_tokens_are_verified_and_name_a_web_conversation():
    tokens = SessionTokens("key-one")
    token = tokens.issue()
    conversation = tokens.conversation(token)
    assert conversation.startswith("web:") and token.split(".")[1] not in conversation
    assert SessionTokens("key-one").conversation(token) == conversation, "any server with the key, any time"
    assert SessionTokens("key-two").conversation(token) is None
    nonce, mac = token.split(".")
    for forged in (nonce, f"{nonce}.{'A' * 43}", f"{'B' * 22}.{mac}", token + "x", "0123456789abcdef" * 2,
                   None, 5, {"session_id": token}):
        assert tokens.conversation(forged) is None, forged
    assert tokens.issue() != token


# -- logs --------------------------------------------------------------------------------------


def record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("test", logging.ERROR, __file__, 1, message, args, exc_info)


def test_marked_text_is_replaced_in_every_spelling():
    text = "my secret story é"
    with log_redaction.redacting(text, "/secret_intent{\"x\": 1}"):
        for line in (f"got {text!r}", f"got {json.dumps(text)}", f"got {text}",
                     "but found secret_intent. Continuing"):
            assert "secret" not in log_redaction.scrub(line), line
    assert log_redaction.scrub(f"got {text}") == f"got {text}", "only while it is being handled"
    assert len(log_redaction.scrub("x" * 50_000)) < 10_100


def test_tracebacks_keep_frames_and_types_but_no_messages():
    try:
        try:
            raise KeyError("the private text")
        except KeyError as error:
            raise ValueError("more private text") from error
    except ValueError:
        info = sys.exc_info()
    redacted = log_redaction.redact_record(record("failed: %s", "ValueError", exc_info=info))
    assert redacted.exc_info is None and "private" not in redacted.exc_text
    assert "builtins.KeyError" in redacted.exc_text and "builtins.ValueError" in redacted.exc_text
    assert "test_tracebacks_keep_frames_and_types_but_no_messages" in redacted.exc_text
    assert redacted.getMessage() == "failed: ValueError"


def test_structlog_json_loses_locals_and_exception_values():
    frame = {"name": "f", "locals": {"text": "'private'"}}
    line = json.dumps({"event": "x", "exception": [{"exc_type": "ValueError", "exc_value": "private",
                                                    "frames": [frame]}]})
    redacted = log_redaction.redact_record(record(line))
    assert "private" not in redacted.getMessage() and '"name": "f"' in redacted.getMessage()


def test_rasa_structured_logs_go_through_the_projects_anonymizer():
    from rasa.plugin import plugin_manager
    from rasa.utils.log_utils import _anonymizer

    plugin = log_redaction._RasaPlugin()
    plugin_manager().register(plugin, name="test_anonymizer")
    try:
        event = _anonymizer(None, "debug", {"event": "x", "parse_data_text": "private", "text": "private",
                                            "rasa_events": [{"text": "private"}], "confidence": 0.9})
    finally:
        plugin_manager().unregister(plugin)
    assert "private" not in json.dumps(event) and event["confidence"] == 0.9
