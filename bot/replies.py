"""What the coach sends, independent of Rasa: a turn is a list of messages and slot changes.

Texts live in ``domain.yml`` as responses (``response=``); only text built from
data (cards, the checklist) is sent as ``text=``. ``actions/`` turns a
:class:`Turn` into dispatcher calls and ``SlotSet`` events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Message:
    response: str | None = None
    text: str | None = None
    custom: dict | None = None
    buttons: list[dict] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass
class Turn:
    messages: list[Message] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)

    def say(self, response: str, buttons: list[dict] | None = None, **variables: Any) -> "Turn":
        self.messages.append(Message(response=response, buttons=buttons or [], variables=variables))
        return self

    def send(self, text: str, custom: dict | None = None, buttons: list[dict] | None = None) -> "Turn":
        self.messages.append(Message(text=text, custom=custom, buttons=buttons or []))
        return self

    def set(self, **slots: Any) -> "Turn":
        self.slots.update(slots)
        return self

    def extend(self, other: "Turn") -> "Turn":
        self.messages.extend(other.messages)
        self.slots.update(other.slots)
        return self

    @property
    def responses(self) -> list[str | None]:
        """Response names in order (handy in tests and logs: never message text)."""
        return [m.response for m in self.messages]


def button(title: str, intent: str, **entities: Any) -> dict:
    """A quick reply whose payload triggers ``intent`` with ``entities`` directly."""

    payload = f"/{intent}"
    if entities:
        payload += json.dumps(entities, separators=(",", ":"))
    return {"title": title, "payload": payload}
