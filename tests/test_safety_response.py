from __future__ import annotations

import pytest

from bot import resources, safety_response
from bot.resources import REGION_NAMES


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


@pytest.mark.parametrize("region", ["US", "UK", "AU", "IE"])
def test_abuse_gets_a_domestic_abuse_line(region):
    found = resources.for_danger(region, "abuse", "self")
    assert [r.kind for r in found] == ["emergency", "domestic_abuse"]


def test_unverified_numbers_are_never_offered():
    names = {r.name for r in resources.directory()}
    assert not any("Childhelp" in n or "Assaulted Women" in n for n in names)


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
