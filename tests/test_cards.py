from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import cards, db
from bot.cards import CardFileError, CardStore, read_card_file, read_cards, sync
from bot.lexicon import BREACH_TYPES, PLAN_STEPS, ROLES
from bot.topics import TOPICS

GOOD = """\
version: "1"
cards:
  - id: impact-betrayed-1
    topic: impact
    role: betrayed
    title: It is not just you
    body: Feeling on edge after a betrayal is a normal reaction.
    tips:
      - Write down what you feel each evening.
      - Tell one friend what happened.
    source: 001_x.txt
  - id: impact-any-1
    topic: impact
    role: any
    title: Both of you are shaken
    body: A breach changes how both partners feel.
    tips:
      - Name one feeling each when you talk.
      - Keep hard talks under an hour.
    source: 002_y.txt
  - id: impact-offender-1
    topic: impact
    role: offender
    title: Guilt that helps
    body: Guilt can push you to repair.
    tips:
      - Notice when shame makes you defensive.
      - Ask how your partner is doing, then listen.
    source: 001_x.txt
"""
SOURCES = {"001_x.txt", "002_y.txt"}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_reads_a_good_file(tmp_path):
    loaded = read_card_file(write(tmp_path, "a.yml", GOOD), SOURCES)
    assert [c.id for c in loaded] == ["impact-betrayed-1", "impact-any-1", "impact-offender-1"]
    assert loaded[0].tips == ("Write down what you feel each evening.", "Tell one friend what happened.")
    assert loaded[0].payload() == {
        "type": "advice_card",
        "card_id": "impact-betrayed-1",
        "topic": "impact",
        "role": "betrayed",
        "role_label": "For the partner who was hurt",
        "title": "It is not just you",
        "body": "Feeling on edge after a betrayal is a normal reaction.",
        "tips": ["Write down what you feel each evening.", "Tell one friend what happened."],
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("topic: impact", "topic: astrology", 1), "card 'impact-betrayed-1': unknown topic 'astrology'"),
        (("role: betrayed", "role: villain", 1), "card 'impact-betrayed-1': role must be one of"),
        (("    source: 002_y.txt", "    source: 999_z.txt", 1), "card 'impact-any-1': source '999_z.txt'"),
        (("    title: Guilt that helps\n", "", 1), "card 'impact-offender-1': missing title"),
        (
            ("      - Tell one friend what happened.\n", "", 1),
            "card 'impact-betrayed-1': needs 2 to 5 tips, has 1",
        ),
        (("    source: 001_x.txt\n", "    source: 001_x.txt\n    mood: sad\n", 1), "unknown key(s) mood"),
        (("id: impact-any-1", "id: impact-betrayed-1", 1), "duplicate id"),
        (("    body: A breach", "    body: [A breach", 1), "a.yml: line 17: not valid YAML"),
    ],
)
def test_malformed_file_names_file_card_and_problem(tmp_path, change, expected):
    old, new, count = change
    path = write(tmp_path, "a.yml", GOOD.replace(old, new, count))
    with pytest.raises(CardFileError) as raised:
        read_cards([path], SOURCES)
    assert str(raised.value).startswith("a.yml: ")
    assert expected in str(raised.value)


def test_duplicate_ids_across_files_are_refused(tmp_path):
    a = write(tmp_path, "a.yml", GOOD)
    b = write(tmp_path, "b.yml", GOOD)
    with pytest.raises(CardFileError, match="b.yml: card 'impact-betrayed-1': duplicate id .also in a.yml"):
        read_cards([a, b], SOURCES)


def count_rows(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(db.cards)).scalar_one()


def test_sync_is_idempotent_and_updates_changed_cards(engine, tmp_path):
    loaded = read_cards([write(tmp_path, "a.yml", GOOD)], SOURCES)
    assert sync(engine, loaded) == {"added": 3, "updated": 0, "removed": 0, "unchanged": 0}
    assert sync(engine, loaded) == {"added": 0, "updated": 0, "removed": 0, "unchanged": 3}
    renamed = GOOD.replace("It is not just you", "Not only you")
    changed = read_cards([write(tmp_path, "a.yml", renamed)], SOURCES)
    assert sync(engine, changed) == {"added": 0, "updated": 1, "removed": 0, "unchanged": 2}
    assert CardStore(engine).get("impact-betrayed-1").title == "Not only you"
    assert count_rows(engine) == 3


def test_malformed_load_leaves_table_as_it_was(engine, tmp_path, monkeypatch):
    folder = tmp_path / "cards"
    folder.mkdir()
    write(folder, "a.yml", GOOD)
    monkeypatch.setattr(cards, "seed_names", lambda: SOURCES)
    url = engine.url.render_as_string(hide_password=False)
    db.engine_for.cache_clear()
    assert cards.load(url, folder)["added"] == 3
    write(folder, "b.yml", GOOD.replace("impact-", "other-").replace("role: any", "role: nobody"))
    with pytest.raises(CardFileError, match="b.yml: card 'other-any-1'"):
        cards.load(url, folder)
    assert count_rows(engine) == 3
    assert cards.main(["--dir", str(folder)]) == 1
    db.engine_for.cache_clear()


def test_cards_are_picked_by_role_and_seen_cards_are_skipped(engine, tmp_path):
    sync(engine, read_cards([write(tmp_path, "a.yml", GOOD)], SOURCES))
    store = CardStore(engine)
    assert [c.id for c in store.candidates("impact", "betrayed")] == ["impact-betrayed-1", "impact-any-1"]
    assert [c.id for c in store.candidates("impact", None)] == ["impact-any-1"]
    store.mark_seen("ann", "impact-betrayed-1")
    store.mark_seen("ann", "impact-betrayed-1")  # a repeat is not an error and not a second row
    assert store.next_unseen("ann", "impact", "betrayed").id == "impact-any-1"
    store.mark_seen("ann", "impact-any-1")
    assert store.next_unseen("ann", "impact", "betrayed") is None
    assert store.next_unseen("bob", "impact", "betrayed").id == "impact-betrayed-1"
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(db.seen_cards)).scalar_one() == 2


# -- the project's own card content ----------------------------------------------------------


@pytest.fixture(scope="module")
def project_cards():
    return read_cards(cards.CARDS_DIR.glob("*.yml"), cards.seed_names())


def test_project_cards_cover_every_topic_breach_and_role(project_cards):
    assert len(project_cards) >= 60
    have = {(c.topic, c.role) for c in project_cards}
    topics = {c.topic for c in project_cards}
    assert set(TOPICS) <= topics
    for breach in BREACH_TYPES:
        for role in ROLES:
            assert (breach, role) in have, f"no {role} card for {breach}"
    for step in PLAN_STEPS:
        for role in ROLES:
            assert (step, role) in have, f"no {role} guidance for the {step} step"


def test_every_project_card_cites_a_seed_file(project_cards):
    seeds = cards.seed_names()
    if seeds is None:
        pytest.skip("../shared/seeds is not beside the project")
    assert {c.source for c in project_cards} <= seeds
