"""Names shared by NLU, cards and the plan: topics a person can ask about."""

from __future__ import annotations

from bot import texts
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
    """Human name of a topic or breach type for buttons and sentences (the catalogue's labels)."""
    return texts.label("topics", topic)
