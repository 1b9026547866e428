"""A 500-turn conversation through the trained assistant: rules at every turn, flat cost.

Rasa runs in this process (so the test can count what the tracker store reads and
what goes to the action server), with the real action server beside it and a SQLite
file. Messages are button payloads, so the NLU model's guesses cannot blur what is
tested here: the dialogue policies, the tracker store and the action call.
"""

from __future__ import annotations

import subprocess
import time

import pytest

from bot import cards, launcher
from tests.ports import port

pytestmark = pytest.mark.server

TURNS = 500
ACTION_PORT = port(15255)
# (message, the action the rules answer it with). 12 a cycle: turn 20 and turn 500 meet
# the same message (480 = 40 x 12), so their costs compare like for like.
CYCLE = [
    ("/greet", "action_reply"),
    ("/i_was_betrayed", "action_situation"),
    ("/deny", "action_answer"),
    ("/ask_how_long", "action_topic_card"),
    ("/ask_more", "action_more"),
    ("/express_hurt", "action_feeling"),
    ("/ask_signs", "action_topic_card"),
    ("/ask_progress", "action_progress"),
    ("/thank", "action_reply"),
    ("/bot_challenge", "action_reply"),
    ("!!!", "action_clarify"),  # no words: nlu_fallback from the input guard
    ("/ask_capabilities", "action_reply"),
]
SAFETY_TURN = 2  # an abuse disclosure early on: its hold must last the whole conversation


def script(turn: int) -> tuple[str, str]:
    if turn == SAFETY_TURN:
        return "/report_abuse", "action_safety"
    return CYCLE[turn % len(CYCLE)]


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    if not launcher.MODEL.exists():
        pytest.fail(f"no trained model at {launcher.MODEL}: run `make train` (make test does)")
    folder = tmp_path_factory.mktemp("long")
    url = f"sqlite:///{folder / 'coach.db'}"
    cards.load(url)
    env = launcher.environment()
    env.update(DATABASE_URL=url, ACTION_SERVER_PORT=str(ACTION_PORT))
    log = open(folder / "actions.log", "wb")  # noqa: SIM115 - lives with the process
    process = subprocess.Popen(
        launcher.commands(env, launcher.MODEL)["action server"], cwd=launcher.PROJECT_DIR, env=env,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not launcher.answers(f"http://127.0.0.1:{ACTION_PORT}/health"):
        if process.poll() is not None or time.monotonic() > deadline:
            launcher.stop({"actions": process})
            pytest.fail("the action server did not start: " + (folder / "actions.log").read_text()[-2000:])
        time.sleep(0.5)
    yield url
    launcher.stop({"actions": process})


async def test_500_turns_answer_by_the_rules_and_cost_no_more_at_the_end(action_server, monkeypatch):
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from bot.patches import action_window
    from bot.tracker_store import CoachTrackerStore

    monkeypatch.setattr(RemoteAction, "_action_call_format", RemoteAction._action_call_format)
    action_window.apply()
    store = CoachTrackerStore(host=action_server)
    from bot.action_server import SECRET_HEADER

    secret = launcher.environment()["ACTION_SERVER_SECRET"]  # the action server refuses calls without it
    endpoint = EndpointConfig(f"http://127.0.0.1:{ACTION_PORT}/webhook", headers={SECRET_HEADER: secret},
                              enable_selective_domain=True)
    agent = Agent.load(str(launcher.MODEL), tracker_store=store, action_endpoint=endpoint)

    loaded: list[int] = []  # rows the store read, per turn
    sent: list[int] = []  # most events in one request to the action server, per turn
    retrieve, call_format = store.retrieve, RemoteAction._action_call_format

    async def counting_retrieve(sender_id):
        tracker = await retrieve(sender_id)
        loaded[-1] += store.last_loaded
        return tracker

    def counting_call_format(self, tracker, domain):
        body = call_format(self, tracker, domain)
        sent[-1] = max(sent[-1], len(body["tracker"]["events"]))
        return body

    monkeypatch.setattr(store, "retrieve", counting_retrieve)
    monkeypatch.setattr(RemoteAction, "_action_call_format", counting_call_format)

    sender = "long-conversation"
    for turn in range(TURNS):
        loaded.append(0)
        sent.append(0)
        replies = await agent.handle_text(script(turn)[0], sender_id=sender)
        assert replies, f"turn {turn + 1}: no reply"

    assert 0 < loaded[TURNS - 1] <= loaded[19], ("rows loaded at turn 20 and 500", loaded[19], loaded[-1])
    assert 0 < sent[TURNS - 1] <= sent[19], ("events sent at turn 20 and 500", sent[19], sent[-1])
    assert max(loaded[100:]) <= max(loaded[12:36]) and max(sent[100:]) <= max(sent[12:36])

    full = await store.retrieve_full_tracker(sender)
    events = list(full.events)
    users = [i for i, e in enumerate(events) if e.type_name == "user"]
    assert len(users) == TURNS, "every turn is stored"
    for turn, index in enumerate(users):
        text, action = script(turn)
        answered = next(e for e in events[index + 1:] if e.type_name == "action")
        assert (events[index].text, answered.action_name) == (text, action), f"turn {turn + 1}"
    assert sum(e.type_name == "action" and e.action_name == "action_listen" for e in events) >= TURNS

    latest = await store.retrieve(sender)
    assert latest.get_slot("abuse_disclosed") is True, "the safety hold outlives the window"
    assert latest.get_slot("role") == "betrayed"
