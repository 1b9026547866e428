"""Shared fixtures: real SQLite files and a real, throwaway PostgreSQL database."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from bot import db
from bot.db import DatabaseUnreachable, check_reachable

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh database on the local PostgreSQL for this test session, dropped afterwards."""
    try:
        check_reachable(POSTGRES_ADMIN_URL, timeout=3)
    except DatabaseUnreachable as error:
        if REQUIRE_POSTGRES:
            pytest.fail(f"REQUIRE_POSTGRES=1 but PostgreSQL is unreachable: {error}")
        pytest.skip(f"PostgreSQL not available: {error}")
    name = f"coach_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    db.engine_for.cache_clear()
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each store test runs once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'coach.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    engine = db.create_engine(url)
    with engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        if sa.inspect(connection).has_table("events"):
            connection.execute(sa.text("DELETE FROM events"))
    engine.dispose()


@pytest.fixture
def engine(database_url):
    engine = db.create_engine(database_url)
    db.metadata.create_all(engine)
    yield engine
    engine.dispose()
