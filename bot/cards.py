"""Advice cards: read and validate ``data/cards/*.yml``, sync them into SQL, pick them.

    python -m bot.cards            # load data/cards into DATABASE_URL (idempotent)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine

from bot import db, texts
from bot.settings import PROJECT_DIR, database_url, masked
from bot.topics import CARD_ROLES, CARD_TOPICS

CARDS_DIR = PROJECT_DIR / "data" / "cards"
SEEDS_DIR = PROJECT_DIR.parent / "shared" / "seeds"
REQUIRED_KEYS = ("id", "topic", "role", "title", "body", "tips", "source")
MIN_TIPS, MAX_TIPS = 2, 5


@dataclass(frozen=True)
class Card:
    id: str
    topic: str
    role: str
    title: str
    body: str
    tips: tuple[str, ...]
    source: str
    position: int = 0

    def payload(self) -> dict:
        """The ``advice_card`` custom payload of the message contract."""
        return {
            "type": "advice_card",
            "card_id": self.id,
            "topic": self.topic,
            "role": self.role,
            "role_label": texts.label("roles", self.role),  # the kicker above the card
            "title": self.title,
            "body": self.body,
            "tips": list(self.tips),
        }

    def as_text(self) -> str:
        """Plain-text rendering for channels that show no custom payload."""
        tips = "\n".join(f"- {tip}" for tip in self.tips)
        return f"{self.title}\n{self.body}\n{tips}"


class CardFileError(ValueError):
    """A card file that cannot be loaded; the message names file, card and problem."""

    def __init__(self, path: Path, where: str, problem: str) -> None:
        self.path, self.where, self.problem = path, where, problem
        super().__init__(f"{path.name}: {where}: {problem}")


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _parse_card(path: Path, index: int, raw: object, known_sources: set[str] | None) -> Card:
    where = f"card #{index + 1}"
    if not isinstance(raw, dict):
        raise CardFileError(path, where, "each card must be a mapping of keys to values")
    if _text(raw.get("id")):
        where = f"card '{raw['id']}'"
    missing = [key for key in REQUIRED_KEYS if key not in raw]
    if missing:
        raise CardFileError(path, where, f"missing {', '.join(missing)}")
    unknown = sorted(set(raw) - set(REQUIRED_KEYS))
    if unknown:
        raise CardFileError(path, where, f"unknown key(s) {', '.join(unknown)}")
    for key in ("id", "title", "body", "source"):
        if not _text(raw[key]):
            raise CardFileError(path, where, f"'{key}' must be non-empty text")
    if raw["topic"] not in CARD_TOPICS:
        raise CardFileError(path, where, f"unknown topic '{raw['topic']}'")
    if raw["role"] not in CARD_ROLES:
        raise CardFileError(path, where, f"role must be one of {', '.join(CARD_ROLES)}")
    tips = raw["tips"]
    if not isinstance(tips, list) or not all(_text(tip) for tip in tips):
        raise CardFileError(path, where, "'tips' must be a list of non-empty texts")
    if not MIN_TIPS <= len(tips) <= MAX_TIPS:
        raise CardFileError(path, where, f"needs {MIN_TIPS} to {MAX_TIPS} tips, has {len(tips)}")
    if known_sources is not None and raw["source"] not in known_sources:
        raise CardFileError(path, where, f"source '{raw['source']}' is not a seed file")
    return Card(
        id=raw["id"].strip(),
        topic=raw["topic"],
        role=raw["role"],
        title=raw["title"].strip(),
        body=" ".join(raw["body"].split()),
        tips=tuple(" ".join(tip.split()) for tip in tips),
        source=raw["source"].strip(),
    )


def read_card_file(path: Path, known_sources: set[str] | None = None) -> list[Card]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        raise CardFileError(path, where, f"not valid YAML ({getattr(error, 'problem', error)})") from error
    if not isinstance(document, dict) or not isinstance(document.get("cards"), list):
        raise CardFileError(path, "file", "expected a top-level 'cards:' list")
    return [_parse_card(path, i, raw, known_sources) for i, raw in enumerate(document["cards"])]


def read_cards(paths: Iterable[Path], known_sources: set[str] | None = None) -> list[Card]:
    """All cards from the files, validated as a whole (ids unique across files)."""
    cards: list[Card] = []
    first_seen: dict[str, Path] = {}
    for path in sorted(paths):
        for card in read_card_file(path, known_sources):
            if card.id in first_seen:
                raise CardFileError(
                    path, f"card '{card.id}'", f"duplicate id (also in {first_seen[card.id].name})"
                )
            first_seen[card.id] = path
            cards.append(Card(**{**asdict(card), "position": len(cards)}))
    if not cards:
        raise CardFileError(Path("data/cards"), "files", "no cards found")
    return cards


def seed_names() -> set[str] | None:
    """Seed file names a card's ``source`` may cite, when the seeds are beside us."""
    return {p.name for p in SEEDS_DIR.glob("*.txt")} if SEEDS_DIR.is_dir() else None


def sync(engine: Engine, cards: Sequence[Card]) -> dict[str, int]:
    """Make the table equal the files in one transaction; return what changed."""
    rows = {
        card.id: {
            "id": card.id,
            "topic": card.topic,
            "role": card.role,
            "position": card.position,
            "title": card.title,
            "body": card.body,
            "tips": list(card.tips),
            "source": card.source,
        }
        for card in cards
    }
    counts = {"added": 0, "updated": 0, "removed": 0, "unchanged": 0}
    with engine.begin() as connection:
        stored = {row["id"]: dict(row) for row in connection.execute(sa.select(db.cards)).mappings()}
        for card_id, row in rows.items():
            if card_id not in stored:
                connection.execute(db.cards.insert().values(**row))
                counts["added"] += 1
            elif stored[card_id] != row:
                connection.execute(db.cards.update().where(db.cards.c.id == card_id).values(**row))
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        gone = set(stored) - set(rows)
        if gone:
            connection.execute(db.cards.delete().where(db.cards.c.id.in_(gone)))
            counts["removed"] = len(gone)
    return counts


def _card_from_row(row) -> Card:
    return Card(
        id=row["id"],
        topic=row["topic"],
        role=row["role"],
        title=row["title"],
        body=row["body"],
        tips=tuple(row["tips"]),
        source=row["source"],
        position=row["position"],
    )


class CardStore:
    """Looks cards up by topic and role and remembers what each person has seen."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, card_id: str) -> Card | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(db.cards).where(db.cards.c.id == card_id)
            ).mappings().first()
        return _card_from_row(row) if row else None

    def candidates(self, topic: str, role: str | None) -> list[Card]:
        """Cards for the topic, the person's own variant first, then general ones.

        With no role known only general cards qualify, falling back to any
        variant so a topic never comes back empty.
        """
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(db.cards).where(db.cards.c.topic == topic).order_by(db.cards.c.position)
            ).mappings().all()
        found = [_card_from_row(row) for row in rows]
        if role in ("betrayed", "offender"):
            ranked = [c for c in found if c.role == role] + [c for c in found if c.role == "any"]
        else:
            ranked = [c for c in found if c.role == "any"] or found
        return ranked

    def seen_ids(self, sender_id: str) -> set[str]:
        with self.engine.connect() as connection:
            return set(
                connection.execute(
                    sa.select(db.seen_cards.c.card_id).where(db.seen_cards.c.sender_id == sender_id)
                ).scalars()
            )

    def next_unseen(self, sender_id: str, topic: str, role: str | None) -> Card | None:
        seen = self.seen_ids(sender_id)
        return next((c for c in self.candidates(topic, role) if c.id not in seen), None)

    def first(self, topic: str, role: str | None) -> Card | None:
        ranked = self.candidates(topic, role)
        return ranked[0] if ranked else None

    def mark_seen(self, sender_id: str, card_id: str) -> None:
        with self.engine.begin() as connection:
            db.upsert(
                connection,
                db.seen_cards,
                {"sender_id": sender_id, "card_id": card_id, "seen_at": datetime.now(timezone.utc)},
                keys=("sender_id", "card_id"),
            )


def load(url: str | None = None, cards_dir: Path = CARDS_DIR) -> dict[str, int]:
    cards = read_cards(cards_dir.glob("*.yml"), seed_names())
    return sync(db.engine_for(url or database_url()), cards)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Load advice cards into the database.")
    parser.add_argument("--dir", type=Path, default=CARDS_DIR, help="folder of card files")
    args = parser.parse_args(argv)
    url = database_url()
    try:
        counts = load(url, args.dir)
    except CardFileError as error:
        print(f"Card files not loaded: {error}", file=sys.stderr)
        return 1
    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    print(f"Cards loaded into {masked(url)}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
