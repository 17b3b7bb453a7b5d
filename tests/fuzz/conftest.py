"""The fuzz tests' own marker: `slow` (deselect with -m "not slow")."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a fuzz test that takes seconds (huge files)")
