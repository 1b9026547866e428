"""What the coach says when danger shows: resources first, stay present, no couples advice.

The rules it follows (from the conversation design and the safety issue):
- the first two sentences give the emergency number and the matching hotline;
- after a crisis disclosure, no trust-repair advice in that session until the
  person says they are safe;
- after an abuse disclosure, never again anything about rebuilding trust with
  that partner, transparency toward them or couples therapy: only safety
  planning, individual support and general topics.
"""

from __future__ import annotations

from bot import resources
from bot.replies import Turn, button

# Topics that say nothing about repairing the relationship with the partner.
SAFE_AFTER_ABUSE = frozenset({"moving_on"})


def _opening(level: str, subject: str, emergency: resources.Resource, line: resources.Resource | None) -> str:
    number = emergency.call
    if level == "crisis" and subject == "self":
        first = f"If you might act on these thoughts or you're in danger right now, please call {number}."
    elif subject == "child":
        first = f"If a child is in danger right now, call {number}."
    elif subject == "other":
        first = f"If someone's life is in danger right now, call {number}."
    else:
        first = f"If you're in danger right now, call {number}."
    if line is None:
        return first
    return f"{first} You can reach {line.name} any time: {line.how_to_reach()}."


def danger(level: str, subject: str, region: str | None) -> Turn:
    """Resources first, then the coach stays; sets the slots that hold coaching back."""
    region = resources.region_or_default(region)
    found = resources.for_danger(region, level, subject)
    emergency, line = found[0], (found[1] if len(found) > 1 else None)
    payload = {
        "type": "safety",
        "level": level,
        "subject": subject,
        "region": region,
        "resources": [r.payload() for r in found],
    }
    turn = Turn().send(_opening(level, subject, emergency, line), custom=payload)
    if level == "crisis":
        turn.say("safety_stay_crisis")
        return turn.set(crisis_active=True, pending=None)
    turn.say(
        "safety_stay_abuse",
        buttons=[button("Making a safety plan", "ask_safety_plan"), button("Moving on", "ask_moving_on")],
    )
    return turn.set(abuse_disclosed=True, pending=None)


def crisis_hold(region: str | None) -> Turn:
    emergency = resources.for_danger(region, "crisis", "self")[0]
    return Turn().say("crisis_hold", emergency=emergency.call)


def abuse_redirect(region: str | None) -> Turn:
    found = resources.for_danger(region, "abuse", "self")
    line = found[1] if len(found) > 1 else found[0]
    return Turn().say(
        "abuse_redirect",
        line=f"{line.name} ({line.how_to_reach()})",
        buttons=[button("Making a safety plan", "ask_safety_plan"), button("Moving on", "ask_moving_on")],
    )
