"""Rasa 3.6.21's ``SQLTrackerStore.session_scope`` catches *every* ``ValueError`` raised
while a session is open and calls ``print_error_and_exit`` ("Requested PostgreSQL schema
... was not found"), i.e. ``SystemExit``. Only ``ensure_schema_exists`` means that; a
sender id or text that cannot be encoded (a lone surrogate: ``UnicodeEncodeError`` is a
``ValueError``) or a NUL byte on PostgreSQL raises one too, and the whole server stops
on a single request (issue #11).

Here only the schema check exits, as upstream meant; any other error propagates to
the caller like any failed request. The channels also refuse such input at the edge
(``bot/channels/edge.py``): this is the backstop.
Upstream: rasa/core/tracker_store.py, ``SQLTrackerStore.session_scope``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator
from typing import Any

from bot.patches import is_patched, patched, require


def session_scope(self: Any) -> Generator[Any, None, None]:
    import rasa.shared.utils.cli
    from rasa.core.tracker_store import POSTGRESQL_SCHEMA, ensure_schema_exists

    session = self.sessionmaker()
    try:
        try:
            ensure_schema_exists(session)
        except ValueError as error:
            rasa.shared.utils.cli.print_error_and_exit(
                f"Requested PostgreSQL schema '{error}' was not found in the database. To "
                f"continue, please create the schema by running 'CREATE DATABASE {error};' "
                f"or unset the '{POSTGRESQL_SCHEMA}' environment variable in order to "
                f"use the default schema. Exiting application."
            )
        yield session
    finally:
        session.close()


def apply() -> None:
    require("rasa")
    from rasa.core.tracker_store import SQLTrackerStore

    if is_patched(SQLTrackerStore.session_scope):
        return
    upstream = SQLTrackerStore.session_scope
    SQLTrackerStore.session_scope = patched(contextlib.contextmanager(session_scope), upstream)  # type: ignore[method-assign]
