"""What the coach sends, independent of Rasa: a turn is a list of messages and slot changes.

Each message is either a named reply from the catalogue, ``data/replies.yml`` (``say``), or
text built from data such as a card or the checklist (``send``). ``actions/`` turns
a :class:`Turn` into dispatcher calls and ``SlotSet`` events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.texts import render


@dataclass
class Message:
    text: str
    response: str | None = None  # the reply's name; channels and tests see it, people don't
    custom: dict | None = None
    buttons: list[dict] = field(default_factory=list)


@dataclass
class Turn:
    messages: list[Message] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)

    def say(self, response: str, buttons: list[dict] | None = None, **values: Any) -> Turn:
        text, own_buttons = render(response, **values)
        self.messages.append(Message(text=text, response=response, buttons=buttons or own_buttons))
        return self

    def send(self, text: str, custom: dict | None = None, buttons: list[dict] | None = None,
             response: str | None = None) -> Turn:
        """Text built from data (a card, an answer, the checklist); ``response`` names it if it has a name."""
        self.messages.append(Message(text=text, response=response, custom=custom, buttons=buttons or []))
        return self

    def set(self, **slots: Any) -> Turn:
        self.slots.update(slots)
        return self

    def extend(self, other: Turn) -> Turn:
        self.messages.extend(other.messages)
        self.slots.update(other.slots)
        return self


def button(title: str, intent: str, **entities: Any) -> dict:
    """A quick reply whose payload triggers ``intent`` with ``entities`` directly."""

    payload = f"/{intent}"
    if entities:
        payload += json.dumps(entities, separators=(",", ":"))
    return {"title": title, "payload": payload}
