"""Fixtures: every store test runs on SQLite and on PostgreSQL (skipped, saying why, without one)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qualitygates.history import HistoryStore, open_store
from tests.history import pg

BACKENDS = ("sqlite", "postgresql")  # `postgres_admin` is tests/conftest.py's: e2e tests use it too


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a new, empty store lives: a SQLite path, or a PostgreSQL URL with its own schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "history" / "history.sqlite")
        return
    admin: str = request.getfixturevalue("postgres_admin")
    with pg.fresh_schema(admin) as url:
        yield url


@pytest.fixture
def store(store_url: str) -> Iterator[HistoryStore]:
    """An open, empty store of each backend."""
    with open_store(store_url) as opened:
        yield opened
