"""How the coach's messages look on Telegram: pure functions, no Rasa, no network.

Telegram messages are sent with ``parse_mode=HTML``, so every piece of text
that did not come from this module is escaped with :func:`escape`. The message
contract (see ``bot/replies.py``) sends a card, the checklist or the safety
resources as *text + custom payload*; the text is the plain rendering of the
same thing, so Telegram shows the HTML rendering of the payload instead of both.

Buttons become inline keyboards. Telegram allows at most 64 bytes of
``callback_data``: payloads that fit are sent as they are, longer ones are
replaced by a short key that :class:`CallbackCodec` maps back (from memory, else from the
database that every server of a cluster shares: ``bot/telegram_store.py``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot import texts

MAX_TEXT = 4096  # Telegram's limit for one message, counted after entity parsing
MAX_CALLBACK_BYTES = 64
KEY_PREFIX = "#"  # a mapped key; payloads the coach sends start with "/"

# Payloads that show where someone is, or all their data: privately too.
PRIVATE_TYPES = frozenset({"progress", "checkin_trend", "checkin_chart", "data_export"})
MAX_CAPTION = 1024
NUMBER = "\0"  # where a number goes in the catalogue's words, before it is put in bold


def escape(text: str, attribute: bool = False) -> str:
    """Text safe inside Telegram HTML: ``<``, ``>`` and ``&``; quotes too inside an attribute."""
    return html.escape(text or "", quote=attribute)


@dataclass
class Outgoing:
    """One Telegram message: HTML text and the buttons under it."""

    html: str
    buttons: list[dict] = field(default_factory=list)
    # A file to send instead of a text message: {"method", "field", "name", "mime", "b64"};
    # ``html`` is then its caption.
    upload: dict | None = None


# -- the message contract ------------------------------------------------------------


def render_card(card: dict) -> str:
    """An ``advice_card`` payload: bold title, the body, the tips as bullets."""
    lines = [f"<b>{escape(card.get('title', ''))}</b>"]
    if card.get("body"):
        lines.append(escape(card["body"]))
    tips = [t for t in card.get("tips") or [] if isinstance(t, str) and t.strip()]
    if tips:
        lines.append("")
        lines.extend(f"• {escape(tip)}" for tip in tips)
    return "\n".join(lines)


def _day(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    return f"{moment.day} {moment:%b %Y}"


def step_label(status: dict) -> str:
    """The label the ``progress`` payload carries for a step, else the catalogue's."""
    label = status.get("label")
    if isinstance(label, str) and label.strip():
        return label
    return texts.label("steps", str(status.get("step", "")))


def render_progress(progress: dict) -> str:
    """A ``progress`` payload: 'n of 4 steps done' and a checklist with dates."""
    steps = progress.get("steps") or []
    done = progress.get("done", sum(bool(s.get("done")) for s in steps))
    total = progress.get("total", len(steps))
    lines = [f"<b>{escape(texts.text('telegram_progress', done=done, total=total))}</b>"]
    for status in steps:
        label = escape(step_label(status))
        if status.get("done"):
            when = _day(status.get("completed_at"))
            done_on = f" <i>({escape(texts.title('done_on', when=when))})</i>" if when else ""
            lines.append(f"✅ {label}{done_on}")
        else:
            lines.append(f"▫️ {label}")
    return "\n".join(lines)


def _link(url: str | None, label: str) -> str | None:
    if not url:
        return None
    if not re.match(r"^https?://", url):
        url = "https://" + url
    return f'<a href="{escape(url, attribute=True)}">{escape(label)}</a>'


def _bold_in(words: str, number: str) -> str:
    """The catalogue's words around a number (``NUMBER`` where it goes), the number in bold."""
    return escape(words).replace(NUMBER, f"<b>{escape(number)}</b>")


def render_resource(resource: dict) -> str:
    ways = []
    if resource.get("call"):
        ways.append(_bold_in(texts.title("reach_call", number=NUMBER), str(resource["call"])))
    if resource.get("text"):
        text = str(resource["text"])
        own = text.lower().startswith("text")  # the line's own wording ("text START to 88788")
        ways.append(escape(text) if own else _bold_in(texts.title("reach_text", number=NUMBER), text))
    chat = _link(resource.get("chat_url"), texts.title("chat_online"))
    if chat:
        ways.append(chat)
    name = f"<b>{escape(resource.get('name', ''))}</b>"
    return f"• {name}: {', '.join(ways)}" if ways else f"• {name}"


def render_safety(text: str | None, safety: dict) -> str:
    """The safety opening (emergency number first), then every resource."""
    lines = [escape(text)] if text else []
    resources = [r for r in safety.get("resources") or [] if isinstance(r, dict)]
    if resources:
        if lines:
            lines.append("")
        lines.extend(render_resource(r) for r in resources)
    return "\n".join(lines)


def render_message(message: dict) -> list[Outgoing]:
    """A Rasa bot message (text, buttons, custom, ...) as Telegram messages."""
    text = message.get("text") or ""
    raw = message.get("custom")
    custom: dict = raw if isinstance(raw, dict) else {}
    buttons = [b for b in message.get("buttons") or [] if isinstance(b, dict) and b.get("title")]
    kind = custom.get("type")
    if kind == "advice_card":
        parts = [render_card(custom)]
    elif kind == "progress":
        parts = [render_progress(custom)]
    elif kind == "safety":
        parts = [render_safety(text, custom)]
    elif kind == "checkin_trend":
        parts = []  # on Telegram the chart follows, with the numbers in its caption
    elif kind == "checkin_chart" and isinstance(custom.get("png"), str):
        upload = {"method": "sendPhoto", "field": "photo", "name": "checkins.png", "mime": "image/png",
                  "b64": custom["png"]}
        return [Outgoing(escape(str(custom.get("caption") or ""))[:MAX_CAPTION], buttons, upload)]
    elif kind == "data_export":
        data = json.dumps(custom.get("data") or {}, ensure_ascii=False, indent=2).encode()
        upload = {"method": "sendDocument", "field": "document", "name": "my-data.json",
                  "mime": "application/json", "b64": base64.b64encode(data).decode("ascii")}
        return [Outgoing(escape(text)[:MAX_CAPTION], buttons, upload)]
    else:
        parts = split_text(text) if text.strip() else []
    if message.get("image"):
        parts.append(_link(str(message["image"]), texts.title("picture")) or "")
    parts = [p for p in parts if p.strip()]
    if buttons and not parts:
        parts = [escape(texts.text("telegram_choose"))]
    out = [Outgoing(p) for p in parts]
    if out:
        out[-1].buttons = buttons
    return out


def reveals_progress(message: dict) -> bool:
    """Whether a bot message tells where someone is in their plan (kept out of groups)."""
    custom = message.get("custom")
    if isinstance(custom, dict) and custom.get("type") in PRIVATE_TYPES:
        return True
    return texts.private(str(message.get("utter_action") or ""))


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Plain text escaped and cut into messages Telegram accepts, at paragraph or line ends."""
    chunks: list[str] = []
    current = ""
    for line in text.strip().split("\n"):
        while len(escape(line)) > limit:  # one very long line: cut before escaping
            cut = min(len(line), limit)
            while cut > 1 and len(escape(line[:cut])) > limit:  # escaping makes the line longer
                cut = max(1, min(cut - 1, cut * limit // len(escape(line[:cut]))))
            space = line.rfind(" ", 0, cut)
            cut = space if space > cut // 2 else cut
            if current:
                chunks.append(current)
                current = ""
            chunks.append(escape(line[:cut]))
            line = line[cut:].lstrip()
        piece = escape(line)
        if current and len(current) + 1 + len(piece) > limit:
            chunks.append(current)
            current = piece
        else:
            current = f"{current}\n{piece}" if current else piece
    if current:
        chunks.append(current)
    return chunks


# -- buttons -------------------------------------------------------------------------


def _fits(data: str) -> bool:
    return 0 < len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES


class CallbackCodec:
    """Button payload <-> ``callback_data`` within Telegram's 64 bytes.

    A payload that fits is used as it is (it survives restarts and needs no
    memory). A longer one becomes ``#`` + 22 characters of its SHA-256, kept in
    a bounded map; :meth:`decode` also accepts ``known`` payloads (e.g. every
    button in the domain) so that their keys survive a restart too.
    """

    def __init__(self, capacity: int = 10_000, known: Callable[[], Iterable[str]] | None = None,
                 shared: Callable[[], Any] | None = None) -> None:
        self.capacity = capacity
        self.known = known
        # () -> a store with remember_callback(key, payload) and callback(key): the map shared
        # by every server (a press may reach another server than the one that sent the button).
        self.shared = shared
        self._payloads: OrderedDict[str, str] = OrderedDict()

    @staticmethod
    def key(payload: str) -> str:
        digest = hashlib.sha256(payload.encode("utf-8")).digest()
        return KEY_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii")[:22]

    def encode(self, payload: str) -> str:
        if _fits(payload) and not payload.startswith(KEY_PREFIX):
            return payload
        key = self.key(payload)
        if key not in self._payloads and self.shared is not None:
            self.shared().remember_callback(key, payload)
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        while len(self._payloads) > self.capacity:
            self._payloads.popitem(last=False)
        return key

    def decode(self, data: str | None) -> str | None:
        """The payload behind ``callback_data``; None for an unknown (expired) key."""
        if not data:
            return None
        if not data.startswith(KEY_PREFIX):
            return data
        if data in self._payloads:
            return self._payloads[data]
        stored = self.shared().callback(data) if self.shared is not None else None
        if stored is not None:
            self._payloads[data] = stored
            return stored
        for payload in self.known() if self.known else ():
            if self.key(payload) == data:
                self.encode(payload)
                return payload
        return None


def keyboard(buttons: list[dict], encode: Callable[[str], str]) -> dict | None:
    """An ``InlineKeyboardMarkup``: short titles side by side (up to 3), otherwise one per row."""
    row_buttons = []
    for button in buttons:
        title = str(button.get("title") or "").strip()
        if not title:
            continue
        url = button.get("url")
        if url and re.match(r"^https?://", str(url)):
            row_buttons.append({"text": title, "url": str(url)})
        else:
            payload = str(button.get("payload") or title)
            row_buttons.append({"text": title, "callback_data": encode(payload)})
    if not row_buttons:
        return None
    side_by_side = len(row_buttons) <= 3 and all(len(b["text"]) <= 16 for b in row_buttons)
    rows = [row_buttons] if side_by_side else [[b] for b in row_buttons]
    return {"inline_keyboard": rows}


# -- what a person sent --------------------------------------------------------------

# Notes about the chat itself, from the reply catalogue (sent as they are: no markup in them).
CANT_READ = texts.text("telegram_cant_read")
EDITED = texts.text("telegram_edited")
EXPIRED_BUTTON = texts.text("telegram_expired_button")
NOT_YOUR_BUTTONS = texts.text("telegram_not_your_buttons")
SENT_PRIVATELY = texts.text("telegram_sent_privately")
ANONYMOUS = texts.text("telegram_anonymous")
SORRY = texts.text("telegram_sorry")


def ask_privately(username: str | None) -> str:
    """The group note when a private message could not be delivered."""
    words = escape(texts.title("private_chat"))
    where = f'<a href="https://t.me/{escape(username, attribute=True)}">{words}</a>' if username else words
    return escape(texts.text("telegram_ask_privately", where="{where}")).format(where=where)


def utf16_slice(text: str, offset: int, length: int) -> str:
    """Telegram entity offsets count UTF-16 code units, not Python characters."""
    # surrogatepass: a lone surrogate (never from Telegram, but possible from a forger) is
    # left for the channel's edge check to answer, not an exception here.
    encoded = text.encode("utf-16-le", errors="surrogatepass")
    return encoded[offset * 2:(offset + length) * 2].decode("utf-16-le", errors="ignore")


def remove_utf16(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the given (offset, length) UTF-16 spans."""
    encoded = text.encode("utf-16-le", errors="surrogatepass")
    for offset, length in sorted(spans, reverse=True):
        encoded = encoded[: offset * 2] + encoded[(offset + length) * 2:]
    return encoded.decode("utf-16-le", errors="surrogatepass")
