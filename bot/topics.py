"""Names shared by NLU, cards and the plan: topics a person can ask about."""

from __future__ import annotations

from bot.lexicon import BREACH_TYPES, ROLES

TOPICS: tuple[str, ...] = (
    "what_is_trust",
    "causes",
    "signs",
    "impact",
    "can_trust_be_rebuilt",
    "how_long",
    "acknowledge",
    "apologize",
    "transparency",
    "boundaries",
    "professional_help",
    "consistency",
    "communication",
    "intimacy",
    "forgiveness",
    "maintain_trust",
    "is_it_working",
    "stay_or_leave",
    "moving_on",
)

CARD_TOPICS: frozenset[str] = frozenset(TOPICS) | frozenset(BREACH_TYPES)
CARD_ROLES: tuple[str, ...] = ("any", *ROLES)


def topic_for_intent(intent: str | None) -> str | None:
    """``ask_impact`` -> ``impact``; anything that is not a topic intent -> None."""
    if intent and intent.startswith("ask_") and intent[4:] in TOPICS:
        return intent[4:]
    return None


def label(topic: str) -> str:
    """Human name of a topic or breach type for buttons and sentences."""
    return LABELS.get(topic, topic.replace("_", " "))


LABELS: dict[str, str] = {
    "what_is_trust": "what trust is",
    "causes": "why trust breaks",
    "signs": "signs trust is broken",
    "impact": "how it affects you",
    "can_trust_be_rebuilt": "can trust be rebuilt",
    "how_long": "how long healing takes",
    "acknowledge": "acknowledging what happened",
    "apologize": "a real apology",
    "transparency": "transparency",
    "boundaries": "boundaries",
    "professional_help": "getting professional help",
    "consistency": "being consistent",
    "communication": "talking about it",
    "intimacy": "reconnecting",
    "forgiveness": "forgiveness",
    "maintain_trust": "keeping trust",
    "is_it_working": "is it working",
    "stay_or_leave": "stay or leave",
    "moving_on": "moving on",
    "infidelity": "an affair or cheating",
    "dishonesty": "lies or secrets",
    "broken_promises": "broken promises",
    "financial_secrecy": "hidden money or debts",
    "addiction": "an addiction",
    "emotional_neglect": "emotional neglect",
}
