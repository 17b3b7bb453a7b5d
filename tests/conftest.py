"""Test-wide settings: hypothesis profiles (CI runs fewer, bounded examples)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.helpers import ROOT
from tests.history import pg

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the bundled example (policy, reports, ops folder), so a test can break it."""
    shutil.copy(ROOT / "gates.yaml", tmp_path / "gates.yaml")
    for folder in ("reports", "ops"):
        shutil.copytree(ROOT / "examples" / folder, tmp_path / "examples" / folder)
    return tmp_path


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[str]:
    """The admin URL of a PostgreSQL server for the session (ours, or CI's), shared by the
    store tests and the end-to-end tests that record runs on PostgreSQL."""
    try:
        with pg.server() as url:
            yield url
    except pg.Unavailable as exc:
        pytest.skip(f"no PostgreSQL server: {exc}")
