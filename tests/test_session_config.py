"""What domain.yml's session_config says is what happens at a session start."""

from __future__ import annotations

from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import session

DOMAIN = Domain.from_path("domain.yml")


async def test_rasa_carries_no_slot_over_the_coachs_session_start_chooses(monkeypatch):
    # Rasa's own session start is the only reader of carry_over_slots_to_new_session, and the
    # domain replaces it: the setting says what Rasa itself does, which is nothing.
    assert "action_session_start" in DOMAIN.user_actions
    assert DOMAIN.session_config.carry_over_slots is False

    every_slot = {slot.name: "x" for slot in DOMAIN.slots if slot.name != "session_started_metadata"}
    assert set(session.CARRIED_OVER) < set(every_slot)
    # A session opened by a disclosure: no welcome back, so no database is needed here.
    monkeypatch.setattr(session, "opened_with_danger", lambda metadata: True)
    latest = {"intent": {"name": "greet"}, "entities": []}
    tracker = Tracker("ann", every_slot, latest, [], False, None, {}, "")
    events = await session.ActionSessionStart().run(CollectingDispatcher(), tracker, {})
    carried = {e["name"] for e in events if e.get("event") == "slot"} - {"intro_due"}
    assert carried == set(session.CARRIED_OVER), "what a person told us, never a pending question"
    assert {"pending", "crisis_active"}.isdisjoint(carried)
