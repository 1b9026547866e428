from __future__ import annotations

import pytest
import yaml

from bot import resources, safety_response
from bot.resources import REGION_NAMES, RESOURCES_FILE


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


@pytest.mark.parametrize(("level", "subject"), [("crisis", "self"), ("crisis", "other"),
                                                ("abuse", "self"), ("abuse", "child")])
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
    assert turn.messages[1].response == f"safety_stay_{level}"
    flag = "crisis_active" if level == "crisis" else "abuse_disclosed"
    assert turn.slots[flag] is True and turn.slots["pending"] is None


def test_region_changes_the_numbers():
    payload = safety_response.danger("crisis", "self", "UK").messages[0].custom
    assert payload["region"] == "UK"
    assert payload["resources"][0]["call"] == "999"
    assert payload["resources"][1]["call"] == "116 123"
