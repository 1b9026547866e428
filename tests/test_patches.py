"""bot/patches: each patch against the Rasa code it replaces; each test fails without its patch.

The import hook (bot/patches/autoload.py) has normally applied every patch already when Rasa's
modules were imported here: each test puts Rasa's own code back (``patches.upstream``) first.
"""

from __future__ import annotations

import importlib
import json
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.engine.graph import GraphSchema, SchemaNode
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import patches
from bot.patches import (
    action_result_validation,
    anonymization_events,
    graph_schema_memo,
    rasa_sdk_errors,
    sanic_lingering_close,
    shell_channel,
    sql_session_scope,
    tracker_store_errors,
)

RESULTS = [
    {"events": [{"event": "slot", "name": "role", "value": "betrayed"}], "responses": [{"text": "hi"}]},
    {"events": [], "responses": []},
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot"}], "responses": [{"text": "missing the slot's name"}]},
    {"responses": ["not an object"]},
]


def test_the_patches_refuse_another_rasa_version(monkeypatch):
    patches.require("rasa")
    patches.require("rasa_sdk")
    monkeypatch.setattr(patches, "_installed", lambda package: "3.7.0")
    for package in ("rasa", "rasa_sdk"):
        with pytest.raises(patches.PatchVersionError):
            patches.require(package)


# -- action_result_validation ------------------------------------------------------------------


def outcome(validate, result):
    try:
        return validate(RemoteAction("action_x", None), result)
    except ValidationError as error:
        return ("invalid", error.message)


@pytest.mark.parametrize("result", RESULTS)
def test_action_results_are_judged_as_rasa_judges_them(monkeypatch, result):
    rasa_own = patches.upstream(RemoteAction._validate_action_result)
    expected = outcome(rasa_own, result)
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasa_own)
    action_result_validation.apply()
    assert RemoteAction._validate_action_result is not rasa_own
    assert outcome(RemoteAction._validate_action_result, result) == expected


# -- graph_schema_memo -------------------------------------------------------------------------


def node(*needs: str) -> SchemaNode:
    return SchemaNode(needs={f"input{i}": n for i, n in enumerate(needs)}, uses=WhitespaceTokenizer,
                      constructor_name="create", fn="process", config={})


def test_minimal_graph_schemas_are_the_same_and_worked_out_once(monkeypatch):
    upstream = patches.upstream(GraphSchema.minimal_graph_schema)
    monkeypatch.setattr(GraphSchema, "minimal_graph_schema", upstream)
    schema = GraphSchema({"a": node(), "b": node("a"), "c": node("a", "b"), "d": node("c"), "e": node("a")})
    expected = {t: schema.minimal_graph_schema(list(t)) for t in [("d",), ("e",), ("b", "e")]}
    walks = []
    walk = GraphSchema._all_dependencies_schema
    monkeypatch.setattr(GraphSchema, "_all_dependencies_schema",
                        lambda self, targets: walks.append(targets) or walk(self, targets))
    graph_schema_memo.apply()
    walked = []
    for _ in range(3):
        for targets, minimal in expected.items():
            assert schema.minimal_graph_schema(list(targets)).nodes == minimal.nodes
        walked.append(len(walks))
    assert walked[0] > 0 and walked[0] == walked[-1], "each set of targets is walked once"


# -- sql_session_scope -------------------------------------------------------------------------


def surrogate_tracker() -> DialogueStateTracker:
    tracker = DialogueStateTracker("\ud800", slots=[])
    tracker.update(UserUttered("hi"))
    return tracker


async def test_an_encoding_error_is_an_error_not_a_server_exit(tmp_path, monkeypatch):
    upstream = patches.upstream(SQLTrackerStore.session_scope)
    monkeypatch.setattr(SQLTrackerStore, "session_scope", upstream)
    sql_session_scope.apply()
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "patched.db"))
    with pytest.raises(ValueError):  # SystemExit is no Exception: it would fly past this
        await store.save(surrogate_tracker())
    store.engine.dispose()

    # What upstream does with the same request, and why the patch exists.
    monkeypatch.setattr(SQLTrackerStore, "session_scope", upstream)
    stock = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "stock.db"))
    with pytest.raises(SystemExit):
        await stock.save(surrogate_tracker())
    stock.engine.dispose()


# -- shell_channel -----------------------------------------------------------------------------


def test_rasa_shell_talks_through_the_projects_rest_channel(monkeypatch):
    import rasa.core.run
    from rasa.core.channels import console

    monkeypatch.setattr(rasa.core.run, "_create_single_channel",
                        patches.upstream(rasa.core.run._create_single_channel))
    monkeypatch.setattr(console, "record_messages", getattr(console.record_messages, "func",
                                                            console.record_messages))
    upstream = rasa.core.run._create_single_channel("cmdline", None)
    assert not isinstance(upstream, shell_channel.CoachShellInput)
    shell_channel.apply()
    channel = rasa.core.run._create_single_channel("cmdline", None)
    assert isinstance(channel, shell_channel.CoachShellInput)
    assert (channel.name(), channel.url_prefix()) == ("cmdline", "rest"), "where rasa shell's console posts"
    assert console.record_messages.keywords == {"use_response_stream": False}
    assert type(rasa.core.run._create_single_channel("rest", None)).__name__ == "RestInput"


def test_rasa_shell_shows_a_card_once_as_text(monkeypatch, capsys):
    import rasa.core.run
    from rasa.core.channels import console

    monkeypatch.setattr(rasa.core.run, "_create_single_channel",
                        patches.upstream(rasa.core.run._create_single_channel))
    monkeypatch.setattr(console, "record_messages", console.record_messages)
    monkeypatch.setattr(console, "_print_bot_output", patches.upstream(console._print_bot_output))
    shell_channel.apply()
    # What REST returns for one card: its text, then its payload.
    console._print_bot_output({"recipient_id": "x", "text": "Say what happened, plainly."})
    console._print_bot_output({"recipient_id": "x", "custom": {"type": "advice_card", "card_id": "c1"}})
    console._print_bot_output({"recipient_id": "x", "custom": {"someone": "else's payload"}})
    shown = capsys.readouterr().out
    assert shown.count("Say what happened, plainly.") == 1
    assert "advice_card" not in shown
    assert "Custom json:" in shown and "else's payload" in shown  # not the coach's: as before


# -- rasa_sdk_errors ---------------------------------------------------------------------------


class FakeRequest:
    def __init__(self, body: dict) -> None:
        self.json = body


@pytest.fixture
def sanic_apps(monkeypatch):
    """Several apps named "rasa_sdk" in one process."""
    from sanic import Sanic

    monkeypatch.setattr(Sanic, "test_mode", True)


async def test_a_failing_action_is_answered_without_the_tracker(sanic_apps):
    from bot.action_server import create_app

    app = create_app("s3cret")
    tracker = {"sender_id": "tg:1", "events": [{"event": "user", "text": "a private story"}]}
    handler = app.error_handler.lookup(AttributeError("boom"), None)
    reply = await handler(FakeRequest({"next_action": "action_clarify", "tracker": tracker}),
                          AttributeError("boom"))
    body = json.loads(reply.body)
    assert reply.status == 500 and body == {"error": "the action failed", "action_name": "action_clarify"}
    assert "private story" not in reply.body.decode()


async def test_rasa_sdk_alone_echoes_the_tracker(sanic_apps, monkeypatch):
    """Why rasa_sdk_errors exists: upstream's handler sends the whole request body back."""
    import rasa_sdk.endpoint

    upstream = patches.upstream(rasa_sdk.endpoint.create_app)
    app = upstream("actions", cors_origins=None)
    handler = app.error_handler.lookup(AttributeError("boom"), None)

    class Request(FakeRequest):
        def __repr__(self) -> str:
            return "<Request>"

    body = {"tracker": {"events": [{"text": "a private story"}]}}
    reply = await handler(Request(body), AttributeError("x"))
    assert "private story" in reply.body.decode()
    monkeypatch.setattr(rasa_sdk.endpoint, "create_app", upstream)
    rasa_sdk_errors.apply()  # what plain `rasa run actions` gets through the import hook
    app = rasa_sdk.endpoint.create_app("actions", cors_origins=None)
    reply = await app.error_handler.lookup(AttributeError("boom"), None)(
        Request({"tracker": {"events": [{"text": "a private story"}]}}), AttributeError("x"))
    assert "private story" not in reply.body.decode()


# -- anonymization_events ----------------------------------------------------------------------


class NoStore:
    async def retrieve(self, sender_id):
        raise AssertionError("the tracker was read again")


async def test_the_log_redaction_hook_costs_no_second_tracker_read(monkeypatch):
    from rasa.core.processor import MessageProcessor
    from rasa.plugin import plugin_manager

    from bot import log_redaction

    upstream = patches.upstream(MessageProcessor.run_anonymization_pipeline)
    monkeypatch.setattr(MessageProcessor, "run_anonymization_pipeline", upstream)
    processor = MessageProcessor.__new__(MessageProcessor)
    processor.tracker_store = NoStore()
    plugin = log_redaction._RasaPlugin()
    plugin_manager().register(plugin, name="test_log_redaction")
    try:
        with pytest.raises(AssertionError):  # upstream reads it
            await upstream(processor, DialogueStateTracker("someone", slots=[]))
        anonymization_events.apply()
        tracker = DialogueStateTracker("someone", slots=[])
        await MessageProcessor.run_anonymization_pipeline(processor, tracker)
    finally:
        plugin_manager().unregister(plugin)


def test_external_intents_need_no_nlu_examples(monkeypatch):
    import warnings

    import rasa.validator
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.patches import external_intents

    upstream = patches.upstream(rasa.validator.Validator._non_default_intents)
    monkeypatch.setattr(rasa.validator.Validator, "_non_default_intents", upstream)
    external_intents.apply()  # as autoload does when rasa.validator is imported
    nlu = TrainingData([Message.build(text="hello", intent="greet")])

    def complaints(*intents: str) -> list[str]:
        """What --fail-on-warnings would fail on: the validator's warnings."""
        validator = rasa.validator.Validator(Domain.from_dict({"intents": list(intents)}), nlu, None, None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            validator.verify_intents(ignore_warnings=False)
        return [str(w.message) for w in caught if "not found in the NLU training data" in str(w.message)]

    assert complaints("greet", "EXTERNAL_reminder") == []
    assert len(complaints("greet", "checkin_start")) == 1  # any other intent is still reported
    monkeypatch.setattr(rasa.validator.Validator, "_non_default_intents", upstream)
    assert len(complaints("greet", "EXTERNAL_reminder")) == 1


# -- tracker_store_errors ----------------------------------------------------------------------


class BrokenStore(SQLTrackerStore):
    """A tracker store whose database has gone away."""

    def __init__(self, domain) -> None:
        super(SQLTrackerStore, self).__init__(domain)

    async def retrieve(self, sender_id):
        raise sa.exc.OperationalError("SELECT", {}, ConnectionError("the database went away"))

    async def save(self, tracker):
        raise sa.exc.OperationalError("INSERT", {}, ConnectionError("the database went away"))


async def test_a_tracker_store_error_fails_the_message_instead_of_being_lost(monkeypatch):
    from rasa.core.agent import Agent

    upstream = staticmethod(patches.upstream(Agent._create_tracker_store))
    monkeypatch.setattr(Agent, "_create_tracker_store", upstream)
    tracker_store_errors.apply()
    store = Agent._create_tracker_store(BrokenStore(Domain.empty()), Domain.empty())
    with pytest.raises(sa.exc.OperationalError):
        await store.retrieve("rest:someone")
    with pytest.raises(sa.exc.OperationalError):
        await store.save(DialogueStateTracker("rest:someone", slots=[]))

    # Upstream: the person is a stranger (no tracker) and the turn goes to a store nobody reads.
    monkeypatch.setattr(Agent, "_create_tracker_store", upstream)
    stock = Agent._create_tracker_store(BrokenStore(Domain.empty()), Domain.empty())
    assert await stock.retrieve("rest:someone") is None
    await stock.save(DialogueStateTracker("rest:someone", slots=[]))  # no error: silently in memory


# -- sanic_lingering_close ---------------------------------------------------------------------


def post_slowly(port: int, body_bytes: int, limit: int) -> tuple[bool, bytes]:
    """A client that sends its body in pieces: (whole body sent, what it read back)."""
    import socket

    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    sent_all = True
    try:
        connection.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: %d\r\n\r\n" % body_bytes)
        piece = b"x" * (limit // 4)
        for start in range(0, body_bytes, len(piece)):
            try:
                connection.sendall(piece[: body_bytes - start])
            except OSError:
                sent_all = False
                break
            time.sleep(0.02)  # slower than Sanic's 1 ms grace, as a client on a real network is
        try:
            return sent_all, connection.recv(4096)
        except OSError:
            return sent_all, b""
    finally:
        connection.close()


async def test_an_oversized_body_gets_its_413_not_a_reset(sanic_apps, monkeypatch):
    import asyncio
    import socket

    from sanic import Sanic, http
    from sanic.response import text

    limit = 64 * 1024
    app = Sanic("lingering-" + uuid.uuid4().hex[:8])
    app.config.REQUEST_MAX_SIZE = limit

    @app.post("/echo")
    async def echo(request):
        return text(str(len(request.body)))

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True,
                                     access_log=False)
    await server.startup()
    loop = asyncio.get_running_loop()
    try:
        assert (await loop.run_in_executor(None, post_slowly, port, 1000, limit))[1].startswith(
            b"HTTP/1.1 200")
        monkeypatch.setattr(http.Http, "__aiter__", patches.upstream(http.Http.__aiter__))
        upstream = await loop.run_in_executor(None, post_slowly, port, 8 * limit, limit)
        sanic_lingering_close.apply()
        patched = await loop.run_in_executor(None, post_slowly, port, 8 * limit, limit)
    finally:
        server.close()
        await server.wait_closed()
    # Upstream closes while the client is still sending: its next writes meet a reset, which
    # may or may not have thrown away the 413 by the time the client reads.
    assert not upstream[0], "upstream let the client send the whole body"
    assert patched[0] and patched[1].startswith(b"HTTP/1.1 413"), patched


def test_a_body_declared_far_over_the_limit_is_not_read(monkeypatch):
    import asyncio

    class Http:
        request_body = True
        request_bytes_left = sanic_lingering_close.DRAIN_MAX_BYTES + 1
        recv_buffer = bytearray(b"x" * 10)

        async def _receive_more(self):
            raise AssertionError("read from a client that declared too much")

    conn = Http()
    asyncio.run(sanic_lingering_close._drain(conn))
    assert conn.request_bytes_left == sanic_lingering_close.DRAIN_MAX_BYTES + 1


# -- every patch, every entry point ------------------------------------------------------------

# Each patch -> the test that fails without it.
PATCH_TESTS = {
    "action_result_validation": "tests/test_patches.py::test_action_results_are_judged_as_rasa_judges_them",
    "action_window":
        "tests/test_action_window.py::test_the_action_server_gets_no_more_events_at_turn_500_than_at_turn_20",
    "graph_schema_memo": "tests/test_patches.py::test_minimal_graph_schemas_are_the_same_and_worked_out_once",
    "event_types": "tests/test_event_types.py::test_a_long_tracker_walks_the_event_classes_once_per_type",
    "action_connection": "tests/test_action_connection.py::test_twenty_action_calls_use_one_connection",
    "anonymization_events": "tests/test_patches.py::test_the_log_redaction_hook_costs_no_second_tracker_read",
    "sql_session_scope": "tests/test_patches.py::test_an_encoding_error_is_an_error_not_a_server_exit",
    "tracker_store_errors":
        "tests/test_patches.py::test_a_tracker_store_error_fails_the_message_instead_of_being_lost",
    "shell_channel": "tests/test_patches.py::test_rasa_shell_talks_through_the_projects_rest_channel",
    "rasa_test_defaults":
        "tests/test_understanding_parts.py::test_plain_rasa_test_defaults_to_the_projects_tests",
    "seeded_folds": "tests/test_understanding_parts.py::test_nlu_folds_are_seeded",
    "external_intents": "tests/test_patches.py::test_external_intents_need_no_nlu_examples",
    "rasa_sdk_errors": "tests/test_patches.py::test_rasa_sdk_alone_echoes_the_tracker",
    "sanic_lingering_close": "tests/test_patches.py::test_an_oversized_body_gets_its_413_not_a_reset",
}


def test_every_patch_is_registered_documented_and_tested():
    from bot.patches import autoload

    folder = Path(patches.__file__).parent
    modules = {p.stem for p in folder.glob("*.py")} - {"__init__", "autoload"}
    assert modules == set(autoload.TARGETS) == set(PATCH_TESTS), "autoload.TARGETS lists every patch"
    for name in modules:
        module = importlib.import_module(f"bot.patches.{name}")
        assert "upstream" in (module.__doc__ or "").lower(), f"{name} says what upstream does"
        path, test = PATCH_TESTS[name].split("::")
        assert f"def {test}(" in Path(path).read_text(), f"{name}'s test {PATCH_TESTS[name]} exists"


def test_no_patch_applies_to_another_rasa_version(monkeypatch):
    from bot.patches import autoload

    monkeypatch.setattr(patches, "_installed", lambda package: "3.7.0")
    for name in autoload.TARGETS:
        with pytest.raises(patches.PatchVersionError):
            importlib.import_module(f"bot.patches.{name}").apply()


# What plain `rasa run` does up to the server start, with a model that is not there: Rasa's CLI
# says so and returns, after the import hook has prepared the server (bot.rasa_server.prepare).
PLAIN_RASA = """
import json, sys
sys.argv = ["rasa", "run", "--model", "no-such-model.tar.gz", "--endpoints", "no-such.yml"]
from rasa.__main__ import main
try:
    main()
except SystemExit:
    pass
import rasa.cli.shell, rasa.validator, rasa.nlu.test, rasa_sdk.endpoint
from bot import log_redaction, patches
from bot.patches import autoload
loaded = list(sys.modules)
print(json.dumps({
    "patched": {name: patches.is_patched(autoload.target(name)) for name in autoload.TARGETS},
    "shell prepared": getattr(rasa.cli.shell.shell, "_coach_prepared", False),
    "log redaction": bool(log_redaction._installed.get("rasa")),
    "skops before tensorflow": loaded.index("skops.io") < loaded.index("tensorflow"),
}))
"""


def test_the_plain_rasa_command_gets_every_patch(tmp_path):
    import os
    import subprocess
    import sys

    from bot.patches import autoload

    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    result = subprocess.run([sys.executable, "-c", PLAIN_RASA], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["patched"] == {name: True for name in autoload.TARGETS}
    assert seen["shell prepared"] and seen["log redaction"] and seen["skops before tensorflow"]
