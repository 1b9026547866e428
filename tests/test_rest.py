"""The whole trained assistant over REST: real Rasa server, real action server, real SQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bot import db
from tests.servers import MODEL, Servers, customs, texts

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    folder = tmp_path_factory.mktemp("rest")
    running = Servers(f"sqlite:///{folder / 'coach.db'}", folder)
    running.start()
    yield running
    running.stop()


def count(servers: Servers, table: sa.Table, sender: str) -> int:
    """Rows of the REST client's ``sender``: its conversation is ``rest:<sender>``."""
    engine = db.create_engine(servers.database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.sender_id == f"rest:{sender}")
            ).scalar_one()
    finally:
        engine.dispose()


def test_cards_for_the_hurt_partner_survive_a_restart(servers):
    replies = servers.send("rest-ann", "my husband cheated on me")
    [card] = customs(replies, "advice_card")
    assert (card["topic"], card["role"]) == ("infidelity", "betrayed")
    assert any(r.get("custom") is None and r.get("text") for r in replies), "text and card arrive separately"

    [card] = customs(servers.send("rest-ann", "why do I feel so insecure now"), "advice_card")
    assert (card["topic"], card["role"]) == ("impact", "betrayed")
    first_impact_card = card["card_id"]

    servers.restart()
    replies = servers.send("rest-ann", "tell me more")
    more = customs(replies, "advice_card")
    if more:
        assert more[0]["topic"] == "impact" and more[0]["card_id"] != first_impact_card
    else:
        assert any("how it affects you" in t for t in texts(replies))


def test_progress_survives_a_restart_and_delete_leaves_nothing(servers):
    servers.send("rest-bo", "I cheated on my wife")
    replies = servers.send("rest-bo", "we agreed on boundaries last night")
    [progress] = customs(replies, "progress")
    assert [s["done"] for s in progress["steps"]] == [False, False, False, True]

    servers.restart()
    [progress] = customs(servers.send("rest-bo", "show my progress"), "progress")
    assert [(s["step"], s["done"]) for s in progress["steps"]] == [
        ("acknowledge", False), ("apologize", False), ("transparency", False), ("boundaries", True)]
    assert progress["done"] == 1 and progress["total"] == 4
    assert count(servers, db.tracker_events, "rest-bo") > 0

    servers.send("rest-bo", "delete my data")
    assert count(servers, db.progress, "rest-bo") == 1, "nothing is deleted before the yes"
    servers.send("rest-bo", "/affirm")
    assert count(servers, db.progress, "rest-bo") == 0
    assert count(servers, db.seen_cards, "rest-bo") == 0
    assert count(servers, db.tracker_events, "rest-bo") == 0


def test_cancelled_delete_keeps_everything(servers):
    servers.send("rest-cy", "I lied to my husband about money")
    servers.send("rest-cy", "delete my data")
    before = count(servers, db.tracker_events, "rest-cy")
    servers.send("rest-cy", "/deny")
    assert count(servers, db.seen_cards, "rest-cy") > 0
    assert count(servers, db.tracker_events, "rest-cy") > before


@pytest.mark.parametrize(
    "message",
    ["", "   ", "word " * 4000, "😢😢😢", "Mi esposo me engañó y no sé qué hacer",
     '/inform_breach_type{"breach_type":"astrology"}', '/report_step_done{"step":"banana"}', "/ask_nonsense"],
    ids=["empty", "whitespace", "20k-chars", "emoji", "spanish", "bad-breach", "bad-step", "bad-intent"],
)
def test_bad_input_gets_a_short_reply_and_changes_nothing(servers, message):
    sender = "rest-bad"
    servers.send(sender, "I cheated on my wife")  # a role, so a step report would otherwise be stored
    own_before = (count(servers, db.progress, sender), count(servers, db.seen_cards, sender))
    replies = servers.send(sender, message)
    assert replies, "some answer always comes back"
    assert all(len(t) < 600 for t in texts(replies))
    assert (count(servers, db.progress, sender), count(servers, db.seen_cards, sender)) == own_before
    assert "Traceback" not in servers.logs()


def test_message_text_never_reaches_the_logs(servers):
    servers.send("rest-quiet", "my wife found out about my zanzibarquux affair")
    assert "zanzibarquux" not in servers.logs()
