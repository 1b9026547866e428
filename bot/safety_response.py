"""What the coach says when danger shows: resources first, stay present, no couples advice.

The rules it follows (from the conversation design and the safety issue):
- the first two sentences give the emergency number and the matching hotline;
- after a crisis disclosure, no trust-repair advice in that session until the
  person says they are safe (or that it was a figure of speech);
- after an abuse disclosure, never again anything about rebuilding trust with
  that partner, transparency toward them or couples therapy: only safety
  planning, individual support and general topics;
- hedged danger ("I don't know if it's safe to go home") gets the same resources,
  marked ``certain: false``, and a gentle "Are you safe right now?";
- someone else's crisis gets what to do for them, not only the lines;
- "he's coming home, I need to go" gets the numbers and a way out of the chat.
"""

from __future__ import annotations

from bot import resources, texts
from bot.replies import Turn

# Topics that say nothing about repairing the relationship with the partner.
SAFE_AFTER_ABUSE = frozenset({"moving_on"})


def _opening(level: str, subject: str, emergency: resources.Resource, line: resources.Resource | None,
             lang: str | None = None) -> str:
    if level == "crisis" and subject == "self":
        name = "safety_call_self"
    else:
        name = {"child": "safety_call_child", "other": "safety_call_other"}.get(subject, "safety_call")
    first = texts.text(name, number=emergency.call)
    if line is None:
        return first
    how = line.how_to_reach()
    in_language = line.languages.get(lang or "")
    if in_language:
        how += f" ({in_language})"
    return first + " " + texts.text("safety_line", line=line.name, how=how)


def _resources(level: str, subject: str, region: str | None, lang: str | None = None, **extra) -> Turn:
    region = resources.region_or_default(region)
    found = resources.for_danger(region, level, subject)
    emergency, line = found[0], (found[1] if len(found) > 1 else None)
    payload = {
        "type": "safety",
        "level": level,
        "subject": subject,
        "region": region,
        "certain": extra.pop("certain", True),
        "resources": [r.payload() for r in found],
        **extra,
    }
    return Turn().send(_opening(level, subject, emergency, line, lang), custom=payload)


def danger(level: str, subject: str, region: str | None, certain: bool = True,
           lang: str | None = None) -> Turn:
    """Resources first, then the coach stays; sets the slots that hold coaching back."""
    turn = _resources(level, subject, region, lang, certain=certain)
    if not certain:
        turn.say("safety_are_you_safe")
    if level == "crisis":
        if subject in ("other", "child"):
            turn.extend(someone_else(level, subject, region))
        else:
            turn.say("safety_stay_crisis")
        return turn.set(crisis_active=True, pending=None)
    if subject in ("other", "child"):
        turn.extend(someone_else(level, subject, region))
    turn.say("safety_stay_abuse")
    return turn.set(abuse_disclosed=True, pending=None)


def someone_else(level: str, subject: str, region: str | None) -> Turn:
    """Concrete steps for a partner's, friend's or child's danger, with the line to call."""
    found = resources.for_danger(resources.region_or_default(region), level, subject)
    emergency, line = found[0], found[-1]
    name = f"help_someone_else_{level}" + ("_child" if subject == "child" else "")
    return Turn().say(name, emergency=emergency.call, line=f"{line.name} ({line.how_to_reach()})")


def leaving(region: str | None, channel: str | None) -> Turn:
    """'He's coming home, I need to go': the numbers, then the quickest way out of this chat."""
    turn = _resources("abuse", "self", region, certain=False, exit=True)
    way_out = {"socketio": "exit_web", "telegram": "exit_telegram"}.get(channel or "", "exit_other")
    return turn.say(way_out).set(abuse_disclosed=True, pending=None)


def crisis_hold(region: str | None) -> Turn:
    emergency = resources.for_danger(region, "crisis", "self")[0]
    return Turn().say("crisis_hold", emergency=emergency.call)


def abuse_redirect(region: str | None) -> Turn:
    found = resources.for_danger(region, "abuse", "self")
    line = found[1] if len(found) > 1 else found[0]
    return Turn().say("abuse_redirect", line=f"{line.name} ({line.how_to_reach()})")
