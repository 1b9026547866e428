"""The session-opening safety flag every channel attaches (bot/channels/opening.py)."""

from __future__ import annotations

import pytest

from bot.channels.opening import DANGER_FIRST, metadata_for, opened_with_danger


@pytest.mark.parametrize("text", ["i want to kill myself", "he hit me again last night and I'm scared"])
def test_a_disclosure_is_flagged_and_other_metadata_kept(text):
    flagged = metadata_for(text, {"telegram": {"chat_type": "private"}})
    assert flagged == {"telegram": {"chat_type": "private"}, DANGER_FIRST: True}
    assert opened_with_danger(flagged)


@pytest.mark.parametrize("text", ["hi", "this betrayal is killing me", "", "   ", None, 42])
def test_anything_else_is_not_flagged(text):
    assert metadata_for(text, None) == {}
    assert not opened_with_danger(metadata_for(text))


def test_a_client_cannot_set_or_clear_the_flag():
    assert metadata_for("hello there", {DANGER_FIRST: True}) == {}
    assert metadata_for("i want to die", {DANGER_FIRST: False}) == {DANGER_FIRST: True}
    assert metadata_for("hello", "not a dict") == {}
