from __future__ import annotations

import pytest

from qualitygates import plugins


@pytest.fixture(autouse=True)
def fake_adapter(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake adapter (tests/fakes.py), known by name as a built-in is."""
    monkeypatch.setitem(plugins.BUILTIN_ADAPTERS, "fake", "tests.fakes:FakeAdapter")
