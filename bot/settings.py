"""Runtime settings, all from the environment (secrets never live in files)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_DIR / 'var' / 'coach.db'}"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def masked(url: str) -> str:
    """The URL with any password replaced, safe to print or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL may still hold a secret
        return "<unparsable database URL>"


def retention_days() -> int | None:
    """Idle days after which a person's data is purged; None (the default) keeps it."""
    raw = os.environ.get("RETENTION_DAYS", "").strip()
    if not raw:
        return None
    days = int(raw)
    if days <= 0:
        raise ValueError("RETENTION_DAYS must be a positive number of days")
    return days
