"""Issue #12's "done when", over REST on the real servers: what NLU reads and the actions decide.

`rasa test` replays stories without running the actions' decisions, so step marking from words,
direct answers and the English-only notice are tested here, as a person would meet them.
"""

from __future__ import annotations

import pytest

from bot.texts import render
from tests.ports import port
from tests.servers import MODEL, Servers, customs, texts

pytestmark = pytest.mark.server

LONG_STORY = (
    "I don't even know where to start. Last month I picked up my husband's tablet to order a takeaway "
    "and a message popped up from a woman at his office. I scrolled back and it went on for almost a "
    "year: pet names, hotel bookings, photos. When I showed him he first said it was nothing, then that "
    "it was only emotional, then finally that they had been sleeping together since the Christmas party. "
    "He cried and said he'd end it and begged me not to tell the kids. I haven't slept properly since. "
    "I keep checking his phone when he's asleep and I hate myself for it. My sister says I should throw "
    "him out, my mum says marriages go through things. I still love him, which makes me feel stupid. "
    "How am I supposed to get through this?"
)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    folder = tmp_path_factory.mktemp("understanding")
    running = Servers(f"sqlite:///{folder / 'coach.db'}", folder,
                      rasa_port=port(15405), action_port=port(15455))
    running.start()
    yield running
    running.stop()


def done_steps(replies: list[dict]) -> set[str]:
    found = customs(replies, "progress")
    return {s["step"] for s in found[-1]["steps"] if s["done"]} if found else set()


def test_a_hurt_partners_long_story_gets_the_hurt_partners_advice(servers):
    replies = servers.send("und-long", LONG_STORY)
    cards = customs(replies, "advice_card")
    assert cards and all(c["role"] in ("betrayed", "any") for c in cards)
    assert not customs(replies, "safety")


def test_sorry_that_blames_does_not_mark_the_apology(servers):
    servers.send("und-blame", "my husband cheated on me")
    replies = servers.send("und-blame", "she said sorry but blamed me")
    assert "apologize" not in done_steps(replies)
    assert not any("the apologize step?" in t for t in texts(replies)), "no offer to mark it either"


def test_passwords_mark_transparency_after_a_yes_if_asked(servers):
    servers.send("und-pass", "my wife cheated on me")
    replies = servers.send("und-pass", "I gave him all my passwords")
    if "transparency" not in done_steps(replies):
        question = [r for r in replies if "the transparency step?" in (r.get("text") or "")]
        assert question, texts(replies)
        assert [b["payload"] for b in question[0]["buttons"]] == ["/affirm", "/deny"]
        replies = servers.send("und-pass", "yes")
    assert "transparency" in done_steps(replies)


def test_am_i_wrong_to_still_be_angry_starts_with_a_direct_answer(servers):
    servers.send("und-angry", "my boyfriend lied to me for a year")
    replies = servers.send("und-angry", "am I wrong to still be angry?")
    first_payload = next(r["custom"] for r in replies if r.get("custom"))
    assert first_payload["type"] == "answer" and first_payload["card_id"] and first_payload["source"]
    cards = customs(replies, "advice_card")
    assert cards and cards[0]["card_id"] == first_payload["card_id"]


def test_ok_thx_is_not_a_yes_and_the_question_is_asked_once_more_then_dropped(servers):
    servers.send("und-thx", "I cheated on my wife")
    assert any("the acknowledge step?" in t for t in texts(servers.send("und-thx", "/report_step_done")))
    replies = servers.send("und-thx", "ok thx")
    assert not done_steps(replies) and any("the acknowledge step?" in t for t in texts(replies))
    replies = servers.send("und-thx", "how long does healing take?")
    assert any("unmarked" in t for t in texts(replies))
    assert not done_steps(servers.send("und-thx", "yes"))


def test_another_language_gets_the_english_only_notice_and_no_card(servers):
    replies = servers.send("und-es", "Mi novio me mintió sobre el dinero y no sé qué hacer")
    assert render("english_only")[0] in texts(replies)
    assert not customs(replies, "advice_card") and not customs(replies, "safety")


def test_typos_still_reach_the_topic(servers):
    replies = servers.send("und-typo", "wat shud i do abt his lyin")
    cards = customs(replies, "advice_card")
    assert cards and cards[0]["topic"] == "dishonesty"


def test_what_do_you_mean_and_what_do_you_remember(servers):
    servers.send("und-ctx", "I hid our debts from my husband")
    restated = servers.send("und-ctx", "what do you mean?")
    assert customs(restated, "restate")
    remembered = customs(servers.send("und-ctx", "what do you remember about me?"), "remembered")
    assert remembered and remembered[0]["role"] == "offender"
    assert remembered[0]["breach_type"] == "financial_secrecy"


def test_the_original_text_is_what_is_stored(servers):
    import sqlalchemy as sa

    from bot import db

    servers.send("und-orig", "cn we evr trust agen")
    engine = db.create_engine(servers.database_url)
    try:
        with engine.connect() as connection:
            stored = [row[0] for row in connection.execute(sa.text(
                "SELECT data FROM events WHERE sender_id = 'rest:und-orig' AND type_name = 'user'"))]
    finally:
        engine.dispose()
    assert stored and '"cn we evr trust agen"' in stored[-1] and "can we ever" not in stored[-1]
