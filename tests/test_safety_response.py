from __future__ import annotations

import pytest
import yaml

from bot import resources, safety_response
from bot.resources import REGION_NAMES, RESOURCES_FILE


def names(turn) -> list[str | None]:
    """The reply names a turn says, in order (None for text built from data, like the resources)."""
    return [message.response for message in turn.messages]


def test_every_region_has_verified_emergency_and_crisis_numbers_with_sources():
    for region in REGION_NAMES:
        kinds = {r.kind for r in resources.directory() if r.region == region}
        assert {"emergency", "crisis"} <= kinds, region
    for r in resources.directory():
        assert r.source.startswith(("https://", "http://")), r.name
        assert r.call or r.text or r.chat_url, r.name


def test_us_numbers_are_the_ones_published():
    us = {r.kind: r for r in resources.directory() if r.region == "US"}
    assert us["emergency"].call == "911"
    assert us["crisis"].call == "988" and "988" in us["crisis"].text
    assert us["domestic_abuse"].call == "1-800-799-7233"
    assert "START" in us["domestic_abuse"].text and "88788" in us["domestic_abuse"].text


@pytest.mark.parametrize("region", ["US", "UK", "CA", "AU", "IE"])
def test_abuse_gets_a_domestic_abuse_line(region):
    found = resources.for_danger(region, "abuse", "self")
    assert [r.kind for r in found] == ["emergency", "domestic_abuse"]


def test_canada_abuse_gets_a_provincial_line_named_with_its_province():
    # Canada has no national domestic-violence line; the first verified provincial one is offered.
    emergency, line = resources.for_danger("CA", "abuse", "self")
    assert emergency.call == "911"
    assert line.name == "VictimLinkBC (British Columbia)" and line.call == "1-800-563-0808"
    assert line.source.startswith("https://www.healthlinkbc.ca/")
    provinces = ("(British Columbia)", "(Alberta)", "(Manitoba)", "(Ontario)")
    for r in resources.directory():
        if r.region == "CA" and r.kind == "domestic_abuse":
            assert r.name.endswith(provinces), r.name


@pytest.mark.parametrize(("region", "kinds"), [
    ("US", ["emergency", "child"]),
    ("UK", ["emergency", "child"]),
    ("CA", ["emergency", "child"]),
    ("AU", ["emergency", "child"]),
    ("IE", ["emergency", "domestic_abuse"]),  # ISPCC Childline's number is not verified
])
def test_a_child_at_risk_gets_the_child_line_where_one_is_verified(region, kinds):
    assert [r.kind for r in resources.for_danger(region, "abuse", "child")] == kinds


def test_child_lines_are_the_ones_published():
    child = {r.region: r for r in resources.directory() if r.kind == "child"}
    assert child["US"].name.startswith("Childhelp") and child["US"].call == "1-800-422-4453"
    assert "1-800-422-4453" in child["US"].text
    assert child["AU"].name == "Kids Helpline" and child["AU"].call == "1800 55 1800"
    assert child["CA"].call == "1-800-668-6868" and "CONNECT to 686868" in child["CA"].text
    assert "IE" not in child


def test_unverified_numbers_are_never_offered():
    entries = yaml.safe_load(RESOURCES_FILE.read_text(encoding="utf-8"))
    unverified = {e["name"] for e in entries if e.get("verified", True) is False}
    assert {"Assaulted Women's Helpline (Ontario)", "Childline (ISPCC)"} <= unverified
    offered = {r.name for r in resources.directory()}
    assert not unverified & offered
    for region in REGION_NAMES:
        for level, subject in resources.KINDS_FOR:
            assert not {r.name for r in resources.for_danger(region, level, subject)} & unverified


def test_every_offered_entry_was_checked_against_a_source():
    entries = yaml.safe_load(RESOURCES_FILE.read_text(encoding="utf-8"))
    for e in entries:
        if e.get("verified", True):
            assert e["source"].startswith(("https://", "http://")), e["name"]
            assert e.get("checked"), e["name"]


def sentences(text: str) -> list[str]:
    return [s for s in text.replace("?", ".").split(". ") if s]


AFTER_THE_RESOURCES = {
    ("crisis", "self"): ["safety_stay_crisis"],
    ("crisis", "other"): ["help_someone_else_crisis"],
    ("abuse", "self"): ["safety_stay_abuse"],
    ("abuse", "child"): ["help_someone_else_abuse_child", "safety_stay_abuse"],
}


@pytest.mark.parametrize(("level", "subject"), list(AFTER_THE_RESOURCES))
def test_resources_come_first_emergency_then_hotline(level, subject):
    turn = safety_response.danger(level, subject, None)
    first = turn.messages[0]
    payload = first.custom
    assert payload["type"] == "safety" and payload["level"] == level and payload["subject"] == subject
    assert payload["region"] == "US"
    emergency, line = payload["resources"][0], payload["resources"][1]
    opening = sentences(first.text)
    assert emergency["call"] in opening[0]
    assert line["name"] in opening[1]
    assert names(turn)[1:] == AFTER_THE_RESOURCES[(level, subject)]
    flag = "crisis_active" if level == "crisis" else "abuse_disclosed"
    assert turn.slots[flag] is True and turn.slots["pending"] is None


def test_region_changes_the_numbers():
    payload = safety_response.danger("crisis", "self", "UK").messages[0].custom
    assert payload["region"] == "UK"
    assert payload["resources"][0]["call"] == "999"
    assert payload["resources"][1]["call"] == "116 123"


def test_hedged_danger_gets_the_same_resources_marked_uncertain_and_a_gentle_question():
    turn = safety_response.danger("abuse", "self", None, certain=False)
    payload = turn.messages[0].custom
    assert payload["certain"] is False and payload["resources"]
    assert names(turn)[1] == "safety_are_you_safe"
    assert safety_response.danger("abuse", "self", None).messages[0].custom["certain"] is True


def test_someone_elses_crisis_gets_concrete_steps_with_the_line():
    turn = safety_response.danger("crisis", "other", None)
    steps = turn.messages[1].text
    assert "stay with them" in steps and "988" in steps and "911" in steps and "out of reach" in steps


def test_a_spanish_message_gets_the_988_spanish_service():
    opening = safety_response.danger("crisis", "self", "US", lang="es").messages[0].text
    assert "en español" in opening and "AYUDA" in opening
    assert "español" not in safety_response.danger("crisis", "self", "US").messages[0].text


def test_lines_in_other_languages_record_their_source():
    raw = yaml.safe_load(RESOURCES_FILE.read_text(encoding="utf-8"))
    for entry in raw:
        if entry.get("languages"):
            assert entry["language_source"].startswith("https://"), entry["name"]
    assert any(r.languages.get("fr") for r in resources.directory() if r.region == "CA")


@pytest.mark.parametrize(("channel", "way_out"), [
    ("socketio", "exit_web"), ("telegram", "exit_telegram"), ("rest", "exit_other"), (None, "exit_other"),
])
def test_leaving_in_a_hurry_gets_the_numbers_then_a_way_out(channel, way_out):
    turn = safety_response.leaving("US", channel)
    payload = turn.messages[0].custom
    assert payload["exit"] is True and "911" in turn.messages[0].text
    assert names(turn)[1:] == [way_out]
