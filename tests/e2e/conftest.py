"""Shared by the end-to-end tests: run the CLI as CI does, on a copy of the bundled example."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def qualitygates(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m qualitygates ARGS` in a subprocess, exactly as a CI step runs it."""
    return subprocess.run(
        [sys.executable, "-m", "qualitygates", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the bundled example (policy, reports, ops folder), so a test can break it."""
    shutil.copy(ROOT / "gates.yaml", tmp_path / "gates.yaml")
    for folder in ("reports", "ops"):
        shutil.copytree(ROOT / "examples" / folder, tmp_path / "examples" / folder)
    return tmp_path
