"""Test-wide settings: hypothesis profiles (CI runs fewer, bounded examples)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.helpers import ROOT

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
